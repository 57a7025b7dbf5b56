"""Letters as PDF files: their text, with the pages kept as pages.

pypdf extracts each page's text (pure Python, about 7 ms a page, and the only extractor that
keeps the one-space lines that mark paragraph breaks; see docs/PDF.md). Pages are joined with a
form feed on a line of its own, which the normalizer reads as a page break, never as a
paragraph break. The text
remembers the line each page starts on, so that a diagnostic can name the page and the line on
that page.

A PDF that cannot give a letter's text gets its own message: damaged or truncated (IMR107),
encrypted (IMR108), or with no text layer at all, a scan that needs OCR first (IMR109).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .errors import Diagnostic, LetterError, Severity
from .normalize import LINE_END

if TYPE_CHECKING:
    import pypdf

__all__ = ["PdfText", "is_pdf", "pdf_text"]

# A PDF starts with "%PDF-", possibly after some junk (readers look in the first 1 KB).
_HEADER_WINDOW = 1024


def is_pdf(data: bytes) -> bool:
    """Whether these bytes are a PDF, by content rather than by file name."""
    return b"%PDF-" in data[:_HEADER_WINDOW]


@dataclass(frozen=True)
class PdfText:
    """A PDF's text, pages joined by form feeds, and the 1-based line each page starts on."""

    text: str
    page_starts: tuple[int, ...]

    def locate(self, diagnostic: Diagnostic) -> Diagnostic:
        """The diagnostic with its line counted on its page, and the page named."""
        page = 1
        for number, start in enumerate(self.page_starts, start=1):
            if start <= diagnostic.line:
                page = number
        line = diagnostic.line - self.page_starts[page - 1] + 1
        return replace(diagnostic, line=max(line, 1), page=page)


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
    except (FileNotDecryptedError, DependencyError) as error:
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
    # Each page on its own lines, a form feed alone on the line between two pages: a page's
    # first line (often pypdf's one-space line) stays a line of its own.
    starts: list[int] = []
    line = 1
    for page in pages:
        starts.append(line)
        line += len(LINE_END.split(page)) + 1
    return PdfText("\n\f\n".join(pages), tuple(starts))


def _decrypts_without_password(reader: pypdf.PdfReader) -> bool:
    """Many published PDFs are encrypted with an empty user password (only to restrict
    printing or copying): those open without asking anyone."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False
