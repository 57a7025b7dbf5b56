"""Letters as PDF files: their text, with the pages kept as pages.

pypdf extracts each page's text (pure Python, and the only extractor that keeps the one-space
lines that mark paragraph breaks; see docs/PDF.md). The published letters are AES-encrypted with
an empty user password: pypdf decrypts them with PyCryptodome, a dependency of imrparse.

The text is exactly what a user who ran pypdf page by page gets: the pages' texts joined by a
form feed and nothing else. The normalizer reads a form feed as a page break, never as a
paragraph break. A page that does not end with a line end shares its last line of the joined
text with the next page's first line, so the text remembers the line *and column* each page
starts at: a diagnostic then names the page, the line on that page and the column on that line.

A PDF that cannot give a letter's text gets its own message: damaged or truncated (IMR107),
encrypted (IMR108), or with no text layer at all, a scan that needs OCR first (IMR109).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .errors import Diagnostic, LetterError, Severity
from .normalize import LINE_END

if TYPE_CHECKING:
    import pypdf

__all__ = ["PAGE_BREAK", "PdfText", "is_pdf", "pdf_text"]

# A PDF starts with "%PDF-", possibly after some junk (readers look in the first 1 KB).
_HEADER_WINDOW = 1024

#: What joins the pages' texts: a form feed alone, as a user joining pypdf's pages gets it.
PAGE_BREAK = "\f"


def is_pdf(data: bytes) -> bool:
    """Whether these bytes are a PDF, by content rather than by file name."""
    return b"%PDF-" in data[:_HEADER_WINDOW]


@dataclass(frozen=True)
class PdfText:
    """A PDF's text, pages joined by form feeds, and where each page starts in it."""

    text: str
    #: The 1-based line of ``text`` each page starts on.
    page_starts: tuple[int, ...]
    #: The 1-based column of that line each page starts at: 1 for the first page, else the
    #: column just after the form feed (2 when the page before ended with a line end).
    page_columns: tuple[int, ...]

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


def pdf_text(data: bytes) -> PdfText:
    """Extract a PDF's text. Raise `LetterError` (IMR107-IMR109) when it has none to give."""
    if b"%%EOF" not in data[-2048:]:
        raise _error(
            "IMR107",
            "the PDF is truncated (it does not end with %%EOF): download or copy it again",
        )
    import pypdf  # here: text letters never need it
    from pypdf.errors import DependencyError, FileNotDecryptedError

    # pypdf logs what it repairs; the user gets our message or the letter, not its log.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypts_without_password(reader):
            raise _error(
                "IMR108",
                "the PDF is encrypted with a password; decrypt it first "
                "(for example: qpdf --decrypt --password=... in.pdf out.pdf)",
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except LetterError:
        raise
    except DependencyError as error:
        # Only when imrparse was installed without its dependencies: pypdf decrypts AES (as
        # the published letters use) only with PyCryptodome or cryptography installed.
        raise _error(
            "IMR108",
            f"the PDF is encrypted and cannot be decrypted here ({error}): install imrparse with "
            "its dependencies, or add an AES library (pip install pycryptodome)",
        ) from None
    except FileNotDecryptedError as error:
        raise _error(
            "IMR108", f"the PDF is encrypted and cannot be decrypted here: {error}"
        ) from None
    except Exception as error:  # pypdf raises many kinds on damaged files
        raise _error(
            "IMR107", f"the PDF is damaged and cannot be read ({type(error).__name__}: {error})"
        ) from None
    if not pages:
        raise _error("IMR107", "the PDF has no pages")
    if not any(page.strip() for page in pages):
        raise _error(
            "IMR109",
            f"the PDF has no text layer ({len(pages)} page(s) of images, a scan?): run OCR on it "
            "first (for example: ocrmypdf in.pdf out.pdf)",
        )
    return PdfText.of_pages(pages)


def _decrypts_without_password(reader: pypdf.PdfReader) -> bool:
    """Many published PDFs are encrypted with an empty user password (only to restrict
    printing or copying): those open without asking anyone."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False
