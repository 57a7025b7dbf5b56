"""Letters as PDFs: extraction keeps pages as pages, diagnostics name the page, and a PDF
that cannot give a letter's text says why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import examples
from hypothesis import given
from layouts import seed_text
from pdfs import pdf_of_letter, pdf_of_pages, scanned_pdf, seed_pages

from imrparse import Letter, LetterError, load_document, parse, parse_bytes
from imrparse.cli import main
from imrparse.generate import generate_letter
from imrparse.pdfwrite import letter_pdf
from imrparse.strategies import letters

SEED_RECORD = parse(seed_text())


@examples(0.5, at_least=100)
@given(letters(codec="cp1252"))
def test_a_generated_letter_as_a_pdf_parses_back_to_its_record(letter: Letter) -> None:
    assert parse_bytes(pdf_of_letter(letter)) == letter


def test_letters_of_one_to_twenty_items_over_many_pages_survive_the_pdf_round_trip() -> None:
    seen_items, seen_pages = set(), set()
    for number in range(1, 400):
        letter = generate_letter(21, number, codec="cp1252")[1]
        data = pdf_of_letter(letter)
        assert parse_bytes(data) == letter
        seen_items.add(len(letter.determinations))
        document = load_document(data)
        assert document.pdf is not None
        seen_pages.add(len(document.pdf.page_starts))
    assert {1, 2, 3, 4, 20} <= seen_items
    assert max(seen_pages) >= 6


def test_the_real_letter_as_its_original_two_pages_gives_its_record() -> None:
    assert parse_bytes(pdf_of_pages(seed_pages())) == SEED_RECORD


def test_the_generators_own_pdfs_give_their_records(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["generate", "-n", "12", "--pdf", "--out", str(tmp_path)])
    assert result.exit_code == 0
    for pdf in sorted(tmp_path.glob("*.pdf")):
        expected = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
        assert parse_bytes(pdf.read_bytes()).to_dict() == expected
    again = tmp_path / "again"
    CliRunner().invoke(main, ["generate", "-n", "12", "--pdf", "--out", str(again)])
    assert (again / "00007.pdf").read_bytes() == (tmp_path / "00007.pdf").read_bytes()


def test_a_letter_seed_with_characters_no_standard_font_has_is_kept_out_of_pdfs() -> None:
    letter = generate_letter(5, 3)[1]  # holds a character outside cp1252
    with pytest.raises(UnicodeEncodeError):
        letter_pdf(letter)
    assert letter_pdf(generate_letter(5, 3, codec="cp1252")[1]).startswith(b"%PDF-1.4")


def test_a_diagnostic_in_a_pdf_names_the_page_and_the_line_on_that_page(tmp_path: Path) -> None:
    laid_out = seed_pages()
    page_two = laid_out[1]
    index = next(i for i, line in enumerate(page_two) if line.startswith("Decision rationale:"))
    page_two[index] = page_two[index].replace("Decision rationale:", "Decision rationales:")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(pdf_of_pages(laid_out))
    with pytest.raises(LetterError) as caught:
        parse_bytes(bad.read_bytes())
    first = caught.value.first
    assert (first.page, first.line, first.column) == (2, index + 1, 10)
    result = CliRunner().invoke(main, [str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}:page 2:{index + 1}:10: error[{first.code}]")


def test_a_pdf_is_recognized_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    disguised = tmp_path / "letter.txt"
    disguised.write_bytes(pdf_of_pages(seed_pages()))
    result = CliRunner().invoke(main, [str(disguised)])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == SEED_RECORD.to_dict()


def test_a_directory_holds_pdf_letters_as_well_as_text_ones(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(pdf_of_pages(seed_pages()))
    (tmp_path / "b.txt").write_text(seed_text())
    result = CliRunner().invoke(main, [str(tmp_path)])
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [
        str(tmp_path / "a.pdf"),
        str(tmp_path / "b.txt"),
    ]


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (lambda: scanned_pdf(2), "IMR109", "no text layer (2 page(s) of images, a scan?): run OCR"),
        (
            lambda: pdf_of_pages(seed_pages(), owner_password="o", user_password="secret"),
            "IMR108",
            "encrypted with a password",
        ),
        (
            lambda: pdf_of_pages(seed_pages())[:-600],
            "IMR107",
            "truncated (it does not end with %%EOF)",
        ),
        (
            lambda: b"%PDF-1.4\n" + bytes(range(256)) * 20 + b"\n%%EOF\n",
            "IMR107",
            "damaged and cannot be read",
        ),
        (
            lambda: pdf_of_pages([["DEPARTMENT OF MANAGED HEALTH CARE", "FINAL DETERMINATION"]]),
            "IMR104",
            "not an IMR Final Determination Letter",
        ),
    ],
    ids=["scanned", "encrypted", "truncated", "damaged", "another document"],
)
def test_a_pdf_without_a_letters_text_gets_its_own_message(
    make: object, code: str, words: str, tmp_path: Path
) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(make())  # type: ignore[operator]
    result = CliRunner().invoke(main, [str(path)])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:") and f"error[{code}]" in first and words in first
    assert "Traceback" not in result.output


def test_a_pdf_locked_only_against_editing_opens_without_a_password() -> None:
    data = pdf_of_pages(seed_pages(), owner_password="owner", user_password="")
    assert parse_bytes(data) == SEED_RECORD
