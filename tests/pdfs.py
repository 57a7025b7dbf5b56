"""PDFs built inside the tests with fpdf2, an independent writer.

- `pdf_of_pages` lays them out the way the published letters are: US Letter, one-inch margins,
  a standard font, one PDF text line per letter line, and a line holding one space for each
  empty line of the page (as word processors draw an empty paragraph).
- `justified_pdf` lays a letter out as a typesetter would: justified paragraphs that wrap where
  fpdf2 wraps them, an empty line's *space* between paragraphs with nothing drawn in it, half a
  line more after each heading, and a ``Page N of M`` footer; the pages break where they fill.
"""

from __future__ import annotations

import datetime as dt
import io

from fpdf import FPDF
from layouts import pages

from imrparse import Layout, Letter, render
from imrparse.pdfwrite import PDF_LAYOUT, rendered_pages

# PDF_LAYOUT's 50 lines and a footer fit in the 54 lines of 12 pt between one-inch margins on
# US Letter (792 pt high).


def _document(**encryption: str) -> FPDF:
    pdf = FPDF(unit="pt", format="letter")
    pdf.core_fonts_encoding = "windows-1252"  # curly quotes and dashes, as in real letters
    pdf.set_margins(72, 72, 72)
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(dt.datetime(2015, 5, 27, tzinfo=dt.timezone.utc))  # same bytes
    if encryption:
        pdf.set_encryption(**encryption)  # type: ignore[arg-type]
    return pdf


def pdf_of_pages(pages: list[list[str]], **encryption: str) -> bytes:
    """A PDF with these pages of lines; an empty line becomes a one-space line."""
    pdf = _document(**encryption)
    for page in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        for line in page:
            pdf.cell(w=0, h=12, text=line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def pdf_of_letter(letter: Letter, layout: Layout = PDF_LAYOUT) -> bytes:
    """The letter rendered in a paged layout, one PDF page per page."""
    return pdf_of_pages(rendered_pages(letter, layout))


class _Footed(FPDF):
    def footer(self) -> None:
        self.set_y(-54)
        self.set_font("Helvetica", size=8)
        self.cell(w=0, h=10, text=f"Page {self.page_no()} of {{nb}}", align="C")


_LEADING = 12  # points, for 10 pt type


def justified_pdf(letter: Letter) -> bytes:
    """The letter's canonical paragraphs (one a line of its canonical text) set justified in
    10 pt Times, an empty line's space between paragraphs with nothing drawn in it, half a
    line more after a heading, and a footer on every page.

    A page break that would fall exactly between two paragraphs is where no gap can show the
    empty line: there, as a word processor does with an empty paragraph, the empty line is
    drawn (one space) at the top of the next page."""
    pdf = _Footed(unit="pt", format="letter")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_margins(72, 72, 72)
    pdf.set_auto_page_break(True, margin=72)
    pdf.set_creation_date(dt.datetime(2015, 5, 27, tzinfo=dt.timezone.utc))
    pdf.add_page()
    pdf.set_font("Times", size=10)
    for number, block in enumerate(render(letter, "canonical").rstrip("\n").split("\n\n")):
        if number:
            if pdf.will_page_break(2 * _LEADING):
                pdf.add_page()
                pdf.cell(w=0, h=_LEADING, text=" ", new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(_LEADING)
        for line in block.split("\n"):
            pdf.multi_cell(w=0, h=_LEADING, text=line, align="J", new_x="LMARGIN", new_y="NEXT")
            if line.isupper() and not pdf.will_page_break(_LEADING * 1.5):
                pdf.ln(_LEADING / 2)  # a heading's extra space: not an empty line
    return bytes(pdf.output())


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that are only pictures of text: no text layer at all."""
    from PIL import Image, ImageDraw

    pdf = _document()
    for _ in range(pages):
        image = Image.new("L", (850, 1100), 255)
        draw = ImageDraw.Draw(image)
        for row in range(100, 1000, 30):
            draw.rectangle((100, row, 750, row + 12), fill=0)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        pdf.add_page()
        pdf.image(buffer, x=0, y=0, w=612, h=792)
    return bytes(pdf.output())


def seed_pages() -> list[list[str]]:
    """The real letter laid out as its original two pages, a one-space line between
    paragraphs, as pypdf reads the published PDF."""
    laid_out = []
    for page in (p for p in pages() if p):
        lines: list[str] = []
        for paragraph in page:
            if lines:
                lines.append(" ")
            lines += paragraph
        laid_out.append(lines)
    assert len(laid_out) == 2
    return laid_out
