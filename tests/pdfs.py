"""PDFs built inside the tests with fpdf2, the way the published letters are laid out: US
Letter, one-inch margins, a standard font, one PDF text line per letter line, and a line holding
one space for each empty line of the page (so pypdf sees paragraph breaks as the state's PDFs
give them)."""

from __future__ import annotations

import datetime as dt
import io

from fpdf import FPDF
from layouts import pages

from imrparse import Layout, Letter
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


def pypdf_pages(data: bytes) -> list[str]:
    """Each page's text as a user running pypdf page by page gets it (decrypted with an empty
    password when the PDF is encrypted)."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    return [page.extract_text() for page in reader.pages]


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
