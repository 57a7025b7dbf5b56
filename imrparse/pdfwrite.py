"""A minimal PDF writer for generated letters: US Letter pages of text lines, Helvetica 9 pt
(a standard font, WinAnsi encoding: cp1252), one-inch margins, nothing else.

Small enough to read in one sitting, and deterministic: the same pages give the same bytes
(no dates, no random IDs), so `imrparse generate --pdf` is byte-identical for a seed. An empty
line is written as a line holding one space, as in the state's published letters, which is how
PDF text extractors see paragraph breaks.
"""

from __future__ import annotations

from collections.abc import Sequence

from .record import Letter
from .rendering import Layout, render

__all__ = ["PDF_LAYOUT", "letter_pdf", "pages_pdf", "rendered_pages"]

_PAGE_WIDTH, _PAGE_HEIGHT, _MARGIN = 612, 792, 72  # points: 8.5 x 11 inches, 1 inch
_FONT_SIZE, _LEADING = 9, 12

#: How a generated letter sits on PDF pages: 50 lines and a footer fit between the margins.
PDF_LAYOUT = Layout("plain", width=95, page_lines=50, footers=True)


def _string(line: str) -> bytes:
    """A PDF string literal of the line in cp1252, with () and \\ escaped, bytes over 126 octal."""
    out = bytearray(b"(")
    for byte in (line or " ").encode("cp1252"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    return bytes(out + b")")


def _content(lines: Sequence[str]) -> bytes:
    top = _PAGE_HEIGHT - _MARGIN - _FONT_SIZE
    parts = [b"BT /F1 %d Tf %d TL %d %d Td" % (_FONT_SIZE, _LEADING, _MARGIN, top)]
    parts += [_string(line) + b" Tj T*" for line in lines]
    parts.append(b"ET")
    return b"\n".join(parts)


def pages_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A PDF with these pages of text lines. Raise `UnicodeEncodeError` for a character the
    standard fonts cannot show (outside cp1252)."""
    count = len(pages)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count)), count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for index, lines in enumerate(pages):
        content = _content(lines)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
            % (_PAGE_WIDTH, _PAGE_HEIGHT, 5 + 2 * index)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def rendered_pages(letter: Letter, layout: Layout = PDF_LAYOUT) -> list[list[str]]:
    """The letter rendered in a plain paged layout, as pages of lines ("" between paragraphs)."""
    text = render(letter, layout)
    return [page.rstrip("\n").split("\n") for page in text.split("\f\n")]


def letter_pdf(letter: Letter, layout: Layout = PDF_LAYOUT) -> bytes:
    """The letter as a PDF: rendered in a paged layout, one PDF page per page."""
    return pages_pdf(rendered_pages(letter, layout))
