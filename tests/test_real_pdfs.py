"""The real published letters in corpus/real: the PDF and the text (``.txt``, what pypdf gives,
pages joined by form feeds) both give exactly the ``.expected.json`` record; and the text
imrparse reads from each PDF has the same lines, words and paragraph breaks as pypdf's.

Each PDF is read once a test session, by `read_document`, which `parse_file` is
made of.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from imrparse import Diagnostic, Document, LetterError, Severity, read_document
from imrparse.normalize import LINE_END, normalize

REAL = Path(__file__).resolve().parent.parent / "corpus" / "real"
PDFS = sorted(REAL.glob("CM*.pdf"))
LETTERS = [path for pdf in PDFS for path in (pdf, pdf.with_suffix(".txt"))]


@cache
def document(path: Path) -> Document:
    """The letter file as imrparse reads it, read once a test session."""
    return read_document(path)


def text_file(pdf: Path) -> str:
    """The PDF's ``.txt``, exactly: bytes decoded, as `Path.read_text` would turn a CR into LF."""
    return pdf.with_suffix(".txt").read_bytes().decode("utf-8")


def expected_record(letter: Path) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(
        letter.with_name(f"{letter.stem}.expected.json").read_text(encoding="utf-8")
    )
    return record


def normal_lines(text: str) -> tuple[list[str], set[int]]:
    """The normal text's lines, and after which of them a paragraph breaks."""
    lines: list[str] = []
    breaks: set[int] = set()
    for line in normalize(text).text.splitlines():
        if line:
            lines.append(line)
        else:
            breaks.add(len(lines))
    return lines, breaks


# Letters whose first page draws no empty line between its paragraphs (only extra space), so
# that pypdf's text has no paragraph break there and imrparse's, from the gaps, has them: each
# between a heading or label line and the next (which the record does not depend on).
_FIRST_PAGE_DRAWS_NO_EMPTY_LINES = {"CM16-0237844", "CM16-0240524"}


def test_the_corpus_holds_the_49_published_letters_each_as_pdf_text_and_record() -> None:
    assert len(PDFS) == 49
    for pdf in PDFS:
        assert pdf.with_suffix(".txt").is_file()
        assert pdf.with_name(f"{pdf.stem}.expected.json").is_file()


def test_every_published_pdf_is_aes_encrypted_and_opens_with_no_password() -> None:
    # Why a PDF reader must decrypt AES (docs/PDF.md); PDFium does it itself.
    for pdf in PDFS:
        data = pdf.read_bytes()
        assert re.search(rb"/CFM\s*/AESV2", data), pdf.name
        document = pypdfium2.PdfDocument(data)
        try:
            assert pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) == 4, pdf.name
        finally:
            document.close()


@pytest.mark.parametrize("pdf", PDFS, ids=[pdf.stem for pdf in PDFS])
def test_a_published_pdfs_text_has_the_lines_and_words_of_pypdfs(pdf: Path) -> None:
    assert normal_lines(document(pdf).text)[0] == normal_lines(text_file(pdf))[0]


@pytest.mark.parametrize("pdf", PDFS, ids=[pdf.stem for pdf in PDFS])
def test_a_published_pdfs_text_breaks_paragraphs_wherever_pypdfs_does(pdf: Path) -> None:
    ours, pypdfs = normal_lines(document(pdf).text)[1], normal_lines(text_file(pdf))[1]
    if pdf.stem in _FIRST_PAGE_DRAWS_NO_EMPTY_LINES:
        assert ours > pypdfs
    else:
        assert ours == pypdfs


@pytest.mark.parametrize("pdf", PDFS, ids=[pdf.stem for pdf in PDFS])
def test_a_position_in_a_published_pdfs_text_is_located_on_the_same_character_of_its_page(
    pdf: Path,
) -> None:
    extracted = document(pdf).pdf
    assert extracted is not None
    pages = [LINE_END.split(page) for page in extracted.text.split("\f")]
    # Every character of a line that pages share, and the first of every other line.
    for number, line in enumerate(LINE_END.split(extracted.text), start=1):
        if "\f" in line:
            columns = [column for column, char in enumerate(line, start=1) if char != "\f"]
        else:
            columns = [1] if line else []
        for column in columns:
            at = extracted.locate(Diagnostic("IMR301", Severity.ERROR, "", number, column))
            assert at.page is not None
            assert pages[at.page - 1][at.line - 1][at.column - 1] == line[column - 1]


@pytest.mark.parametrize("letter", LETTERS, ids=[letter.name for letter in LETTERS])
def test_a_published_letter_gives_its_expected_record_from_its_pdf_and_from_its_text(
    letter: Path,
) -> None:
    try:
        record = document(letter).parse().to_dict()
    except LetterError as error:  # the diagnostics, not a traceback through the parser
        pytest.fail(f"{letter.name}: {error}")
    assert record == expected_record(letter)
