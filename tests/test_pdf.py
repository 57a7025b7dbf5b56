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
from pdfs import pdf_of_letter, pdf_of_pages, pypdf_pages, scanned_pdf, seed_pages

from imrparse import (
    Diagnostic,
    Letter,
    LetterError,
    Severity,
    load_document,
    parse,
    parse_bytes,
)
from imrparse.cli import main
from imrparse.generate import generate_letter
from imrparse.pdf import PdfText
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
    letter = generate_letter(5, 6)[1]  # holds a character outside cp1252
    with pytest.raises(UnicodeEncodeError):
        letter_pdf(letter)
    assert letter_pdf(generate_letter(5, 6, codec="cp1252")[1]).startswith(b"%PDF-1.4")


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


def test_a_pdfs_text_is_its_pages_as_pypdf_gives_them_joined_by_form_feeds_alone() -> None:
    data = pdf_of_pages(seed_pages())
    pages = pypdf_pages(data)
    assert len(pages) == 2
    assert load_document(data).text == "\f".join(pages)


def test_a_diagnostic_on_a_line_two_pages_share_names_the_later_page_and_its_column(
    tmp_path: Path,
) -> None:
    # pypdf ends these pages without a line end, so page 1's last line and page 2's first
    # line are one line of the joined text: the column tells the pages apart.
    laid_out = seed_pages()
    page_two = laid_out[1]
    index = next(i for i, line in enumerate(page_two) if line.startswith("Decision rationale:"))
    laid_out[0] += page_two[:index]
    laid_out[1] = page_two[index:]
    laid_out[1][0] = laid_out[1][0].replace("Decision rationale:", "Decision rationales:")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(pdf_of_pages(laid_out))
    with pytest.raises(LetterError) as caught:
        parse_bytes(bad.read_bytes())
    first = caught.value.first
    assert (first.page, first.line, first.column) == (2, 1, 10)
    assert first.excerpt is not None and first.excerpt.startswith("Decision rationales: This")
    result = CliRunner().invoke(main, [str(bad)])
    assert result.stderr.splitlines()[:3] == [
        f"{bad}:page 2:1:10: error[{first.code}]: {first.message}",
        f"    {first.excerpt}",
        "             ^",
    ]


def _at(line: int, column: int, excerpt: str | None = None) -> Diagnostic:
    return Diagnostic(
        "IMR301", Severity.ERROR, "boilerplate differs", line, column, excerpt=excerpt
    )


@pytest.mark.parametrize(
    ("pages", "line", "column", "on_page"),
    [
        # Page 1 ends with a line end: the form feed opens line 3, page 2 starts after it.
        (["a\nb\n", "c\nd"], 2, 1, (1, 2, 1)),
        (["a\nb\n", "c\nd"], 3, 2, (2, 1, 1)),
        (["a\nb\n", "c\nd"], 3, 1, (2, 1, 1)),
        (["a\nb\n", "c\nd"], 4, 1, (2, 2, 1)),
        # Page 1 ends mid-line: line 2 is "bc\fde", page 1's "bc" then page 2's "de".
        (["a\nbc", "de\nf"], 2, 2, (1, 2, 2)),
        (["a\nbc", "de\nf"], 2, 3, (1, 2, 3)),
        (["a\nbc", "de\nf"], 2, 4, (2, 1, 1)),
        (["a\nbc", "de\nf"], 2, 5, (2, 1, 2)),
        (["a\nbc", "de\nf"], 3, 1, (2, 2, 1)),
        # Pages with no line end at all: three pages on one line.
        (["one", "two", "three"], 1, 3, (1, 1, 3)),
        (["one", "two", "three"], 1, 5, (2, 1, 1)),
        (["one", "two", "three"], 1, 11, (3, 1, 3)),
        # CRLF and CR are line ends too; the form feed is not.
        (["a\r\nb\rc", "d"], 3, 3, (2, 1, 1)),
    ],
)
def test_a_position_in_the_joined_text_is_located_on_its_page_line_and_column(
    pages: list[str], line: int, column: int, on_page: tuple[int, int, int]
) -> None:
    located = PdfText.of_pages(pages).locate(_at(line, column))
    assert (located.page, located.line, located.column) == on_page


def test_a_located_excerpt_shows_only_its_pages_part_of_a_shared_line() -> None:
    pdf = PdfText.of_pages(["intro\nend of one", "start of two\nmore", "three"])
    assert pdf.text == "intro\nend of one\fstart of two\nmore\fthree"
    shared = "end of one\fstart of two"
    assert pdf.locate(_at(2, 3, shared)).excerpt == "end of one"
    later = pdf.locate(_at(2, 18, shared))
    assert (later.page, later.line, later.column, later.excerpt) == (2, 1, 7, "start of two")
    last = pdf.locate(_at(3, 6, "more\fthree"))
    assert (last.page, last.line, last.column, last.excerpt) == (3, 1, 1, "three")


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


def test_an_encrypted_pdf_without_an_aes_library_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What pypdf raises for an AES-encrypted page when neither PyCryptodome nor cryptography
    # is installed (imrparse installed without its dependencies).
    import pypdf
    from pypdf.errors import DependencyError

    def no_aes(*args: object, **kwargs: object) -> str:
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", no_aes)
    with pytest.raises(LetterError) as caught:
        parse_bytes(pdf_of_pages(seed_pages()))
    first = caught.value.first
    assert first.code == "IMR108"
    assert "cannot be decrypted here" in first.message
    assert "pip install pycryptodome" in first.message
