"""Letters as PDF files: their text, with the pages kept as pages.

PDFium (`imrparse.pdfium`) reads each page's text, in the shape pypdf gives: one PDF line per
line, a line holding one space for each empty line of the page (the paragraph breaks). The
published letters are AES-encrypted with an empty user password; PDFium decrypts them itself.
See docs/PDF.md for the measurement behind the choice.

The text is the pages' texts joined by a form feed and nothing else. The normalizer reads a
form feed as a page break, never as a paragraph break. A page's text may not end with a line
end (pypdf's often do not): that page then shares its last line of the joined text with the next
page's first line, so the text remembers the line *and column* each page starts at, and a
diagnostic names the page, the line on that page and the column on that line.

A PDF that cannot give a letter's text gets its own message: damaged or truncated (IMR107),
encrypted (IMR108), or with no text layer at all, a scan that needs OCR first (IMR109). A PDF
that would cost more to read than any letter does (pages, objects on a page, characters of text,
time, memory: `imrparse.pdfium.Budget`) is refused with IMR113, saying which limit.
"""

from __future__ import annotations

from .errors import Diagnostic, LetterError, Severity
from .normalize import LINE_END
from .value import Value, replace

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from collections.abc import Sequence

    from .pdfium import Budget

__all__ = ["PAGE_BREAK", "PdfText", "is_pdf", "pdf_text"]

# Where a PDF's header "%PDF-" may stand: PDF readers (PDFium among them) look for it in the
# first kilobyte, since some tools put junk before it (a mail or HTTP header, a MacBinary one).
_HEADER_WINDOW = 1024
# What a PDF holds beyond its header: objects (each ends with "endobj", and a PDF cut short
# keeps those before the cut), or the end-of-file marker (a damaged body may have no whole
# object). No letter's text holds either.
_BODY_MARKS = (b"endobj", b"%%EOF")

#: What joins the pages' texts: a form feed alone (a page's text ends with its line end).
PAGE_BREAK = "\f"


def is_pdf(data: bytes) -> bool:
    """Whether these bytes are a PDF, by content rather than by file name.

    A file that starts with "%PDF-" is a PDF (as file(1) has it), even one cut short right
    after. Further on in its first kilobyte, where PDF readers look for the header behind junk
    (a mail or HTTP header), "%PDF-" makes a PDF only when a PDF's body follows it: "endobj"
    or "%%EOF". A text letter may quote the header early (a file name, a line about an
    attachment) and is text (issue 13, item 9)."""
    header = data.find(b"%PDF-", 0, _HEADER_WINDOW + len(b"%PDF-"))
    if header <= 0:
        return header == 0
    return any(data.find(mark, header) >= 0 for mark in _BODY_MARKS)


class PdfText(Value):
    """A PDF's text, pages joined by form feeds, and where each page starts in it."""

    __slots__ = ("text", "page_starts", "page_columns")

    text: str
    #: The 1-based line of ``text`` each page starts on.
    page_starts: tuple[int, ...]
    #: The 1-based column of that line each page starts at: 1 for the first page, else the
    #: column just after the form feed (2 when the page before ended with a line end).
    page_columns: tuple[int, ...]

    def __init__(
        self, text: str, page_starts: tuple[int, ...], page_columns: tuple[int, ...]
    ) -> None:
        super().__init__(text, page_starts, page_columns)

    @classmethod
    def of_pages(cls, pages: Sequence[str]) -> PdfText:
        """The pages' texts joined by form feeds, each page's start remembered."""
        starts: list[int] = []
        columns: list[int] = []
        line, column = 1, 1
        for page in pages:
            starts.append(line)
            columns.append(column)
            # Lines counted as everywhere in imrparse: a form feed is not a line end.
            parts = LINE_END.split(page)
            if len(parts) > 1:
                line += len(parts) - 1
                column = 1
            column += len(parts[-1]) + len(PAGE_BREAK)
        return cls(PAGE_BREAK.join(pages), tuple(starts), tuple(columns))

    def page_at(self, line: int, column: int) -> int:
        """The 1-based page that the character at this line and column of ``text`` is on."""
        page = 1
        for number, (start, start_column) in enumerate(
            zip(self.page_starts, self.page_columns, strict=True), start=1
        ):
            # The form feed just before a page is the end of the page before, unless it opens
            # its line: then nothing of the page before is on that line.
            first = 1 if start_column == 2 else start_column
            if (start, first) > (line, column):
                break
            page = number
        return page

    def locate(self, diagnostic: Diagnostic) -> Diagnostic:
        """The diagnostic with its page named, and its line, column and excerpt on that page."""
        page = self.page_at(diagnostic.line, diagnostic.column)
        start, start_column = self.page_starts[page - 1], self.page_columns[page - 1]
        line = diagnostic.line - start + 1
        column = diagnostic.column - start_column + 1 if line == 1 else diagnostic.column
        excerpt = diagnostic.excerpt
        if excerpt is not None and PAGE_BREAK in excerpt:
            # The excerpt is a line of the joined text: show the page's part of it only, so
            # that the column still points into it.
            if line == 1:
                excerpt = excerpt[start_column - 1 :]
            excerpt = excerpt.split(PAGE_BREAK, 1)[0]
        return replace(
            diagnostic, line=max(line, 1), column=max(column, 1), excerpt=excerpt, page=page
        )


def _error(code: str, message: str) -> LetterError:
    return LetterError([Diagnostic(code, Severity.ERROR, message, 1, 1)])


def pdf_text(data: bytes, *, budget: Budget | None = None) -> PdfText:
    """Extract a PDF's text. Raise `LetterError` (IMR107-IMR109) when it has none to give, and
    IMR113 when reading it would cost more than ``budget`` (by default
    `imrparse.pdfium.DEFAULT_BUDGET`)."""
    if b"%%EOF" not in data[-2048:]:
        raise _error(
            "IMR107",
            "the PDF is truncated (it does not end with %%EOF): download or copy it again",
        )
    from .pdfium import DEFAULT_BUDGET, PdfProblem, page_texts  # (text letters never need it)

    try:
        pages = page_texts(data, budget or DEFAULT_BUDGET)
    except PdfProblem as problem:
        if problem.kind == "budget":
            raise _error("IMR113", str(problem)) from None
        if problem.kind == "password":
            raise _error(
                "IMR108",
                "the PDF is encrypted with a password; decrypt it first "
                "(for example: qpdf --decrypt --password=... in.pdf out.pdf)",
            ) from None
        if problem.kind == "security":
            raise _error(
                "IMR108",
                f"the PDF is encrypted in a way that cannot be decrypted here ({problem}); "
                "decrypt it first (for example: qpdf --decrypt in.pdf out.pdf)",
            ) from None
        raise _error("IMR107", f"the PDF is damaged and cannot be read ({problem})") from None
    if not pages:
        raise _error("IMR107", "the PDF has no pages")
    if not any(page.strip() for page in pages):
        raise _error(
            "IMR109",
            f"the PDF has no text layer ({len(pages)} page(s) of images, a scan?): run OCR on it "
            "first (for example: ocrmypdf in.pdf out.pdf)",
        )
    return PdfText.of_pages(pages)
