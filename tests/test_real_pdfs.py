"""The real published letters in corpus/real: each PDF, decrypted and extracted by imrparse as
installed, gives exactly its ``.txt`` (pypdf's text, pages joined by form feeds), and the PDF and
the text both give exactly the ``.expected.json`` record.

pypdf needs about 60 ms a letter on these PDFs (subset TrueType fonts, AES): each PDF is read
once a test session, by `read_document`, which `read_text` and `parse_file` are made of.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pypdf
import pytest
from pypdf.generic import DictionaryObject

from imrparse import Diagnostic, Document, LetterError, Severity, read_document, read_text
from imrparse.normalize import LINE_END

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


def dictionary(value: object) -> DictionaryObject:
    assert isinstance(value, DictionaryObject)
    return value


def test_the_corpus_holds_the_49_published_letters_each_as_pdf_text_and_record() -> None:
    assert len(PDFS) == 49
    for pdf in PDFS:
        assert pdf.with_suffix(".txt").is_file()
        assert pdf.with_name(f"{pdf.stem}.expected.json").is_file()


def test_every_published_pdf_is_aes_encrypted_with_an_empty_user_password() -> None:
    # What makes imrparse depend on an AES library (docs/PDF.md).
    for pdf in PDFS:
        reader = pypdf.PdfReader(pdf)
        assert reader.is_encrypted
        encryption = dictionary(reader.trailer["/Encrypt"].get_object())
        method = dictionary(dictionary(encryption["/CF"])["/StdCF"])["/CFM"]
        assert str(method) == "/AESV2", pdf.name
        assert reader.decrypt(""), pdf.name


@pytest.mark.parametrize("pdf", PDFS, ids=[pdf.stem for pdf in PDFS])
def test_a_published_pdfs_text_is_exactly_what_pypdf_gives_page_by_page(pdf: Path) -> None:
    assert document(pdf).text == text_file(pdf)


def test_read_text_gives_a_published_pdfs_text_as_its_txt_file_holds_it() -> None:
    assert read_text(PDFS[0]) == text_file(PDFS[0])


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
