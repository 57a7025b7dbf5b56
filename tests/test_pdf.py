"""Letters as PDFs: extraction keeps pages as pages and paragraphs as paragraphs, whoever wrote
the PDF; diagnostics name the page; and a PDF that cannot give a letter's text says why."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import examples
from fpdf import FPDF
from hypothesis import given
from layouts import seed_text
from pdfs import justified_pdf, pdf_of_letter, pdf_of_pages, scanned_pdf, seed_pages

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
from imrparse.normalize import normalize
from imrparse.pdf import PdfText
from imrparse.pdfium import page_texts
from imrparse.pdfwrite import letter_pdf
from imrparse.strategies import letters

SEED_RECORD = parse(seed_text())


@examples(0.5, at_least=100)
@given(letters(codec="cp1252"))
def test_a_generated_letter_as_a_pdf_parses_back_to_its_record(letter: Letter) -> None:
    assert parse_bytes(pdf_of_letter(letter)) == letter


@pytest.mark.parametrize("number", [3, 4, 1, 5, 87], ids=["1 item", "2", "3", "4", "20 items"])
def test_letters_of_one_to_twenty_items_over_many_pages_survive_the_pdf_round_trip(
    number: int,
) -> None:
    # (Generated letters of seed 21: these have 1, 2, 3, 4 and 20 items; the last, 8 pages.
    # Any other letter is the property above's business.)
    letter = generate_letter(21, number, codec="cp1252")[1]
    data = pdf_of_letter(letter)
    assert parse_bytes(data) == letter
    document = load_document(data)
    assert document.pdf is not None
    if len(letter.determinations) == 20:
        assert len(document.pdf.page_starts) >= 6


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


def test_a_pdfs_text_is_one_line_per_pdf_line_and_its_pages_joined_by_form_feeds_alone() -> None:
    data = pdf_of_pages(
        [["Hello world", "", "Second paragraph,", "wrapped."], ["goes on.", "", "End."]]
    )
    assert page_texts(data) == [
        "Hello world\n \nSecond paragraph,\nwrapped.\n",
        "goes on.\n \nEnd.\n",
    ]
    assert load_document(data).text == "\f".join(page_texts(data))


@examples(0.25, at_least=50)
@given(letters(codec="cp1252"))
def test_a_letter_set_in_justified_paragraphs_with_no_empty_line_drawn_keeps_its_paragraphs(
    letter: Letter,
) -> None:
    # Paragraph breaks come from the gaps between lines; a heading's extra half line is none.
    assert parse_bytes(justified_pdf(letter)) == letter


def test_generated_letters_in_justified_paragraphs_with_footers_survive_the_pdf_round_trip() -> (
    None
):
    for number in range(1, 120):
        letter = generate_letter(23, number, codec="cp1252")[1]
        assert parse_bytes(justified_pdf(letter)) == letter


def test_an_empty_line_drawn_at_the_foot_or_the_top_of_a_page_is_a_paragraph_break() -> None:
    # No gap shows an empty line at a page's edge: the spaces drawn there do (as in the
    # published letters, where 2 of the 49 need it).
    at_foot = pdf_of_pages([["One line", "ends here.", ""], ["Next paragraph", "goes on."]])
    at_top = pdf_of_pages([["One line", "ends here."], ["", "Next paragraph", "goes on."]])
    for data in (at_foot, at_top):
        text = normalize(load_document(data).text).text
        assert text == "One line\nends here.\n\nNext paragraph\ngoes on.\n"
    no_break = pdf_of_pages([["One line", "runs over"], ["the page", "and on."]])
    assert (
        normalize(load_document(no_break).text).text == "One line\nruns over\nthe page\nand on.\n"
    )


def _spaced_pdf(gaps: list[float]) -> bytes:
    """Lines of 10 pt type 12 pt apart, with ``gaps[i]`` more points before line i + 1."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Times", size=10)
    for number, gap in enumerate([0.0, *gaps]):
        pdf.ln(gap)
        pdf.cell(w=0, h=12, text=f"Line number {number} of the text", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@pytest.mark.parametrize(
    ("extra", "breaks"),
    [(0.0, False), (6.0, False), (8.0, False), (12.0, True), (24.0, True)],
    ids=["none", "half a line", "two thirds of a line", "an empty line", "two empty lines"],
)
def test_space_between_lines_breaks_a_paragraph_only_when_an_empty_line_fits_in_it(
    extra: float, breaks: bool
) -> None:
    gaps = [0.0] * 12
    gaps[5] = extra
    lines = page_texts(_spaced_pdf(gaps))[0].split("\n")
    assert (" " in lines) is breaks
    if breaks:
        assert lines[6] == " "


def test_a_line_broken_after_a_hyphen_keeps_its_hyphen_and_runs_on_into_the_next() -> None:
    # PDFium joins such lines and marks the hyphen; the page shows two lines, and the letter's
    # words are "10-27-2016" and "x-rays" (LETTER-FORMAT §3).
    data = pdf_of_pages([["injury on 10-27-", "2016 and lumbar x-", "rays were taken."]])
    assert page_texts(data) == ["injury on 10-27-\n2016 and lumbar x-\nrays were taken.\n"]
    assert normalize(load_document(data).text).text == (
        "injury on 10-27-2016 and lumbar x-rays were taken.\n"
    )


def test_pdfs_read_in_many_threads_at_once_give_what_each_gives_alone() -> None:
    datas = [pdf_of_letter(generate_letter(3, number, codec="cp1252")[1]) for number in range(8)]
    alone = [load_document(data).text for data in datas]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda data: load_document(data).text, datas * 3)) == alone * 3


def test_a_published_pdf_is_read_without_pypdf_or_any_aes_library() -> None:
    # PDFium decrypts the published letters' AES itself: nothing else is needed, or imported.
    real = Path(__file__).resolve().parent.parent / "corpus" / "real" / "CM16-0219557.pdf"
    blocked = ["pypdf", "Crypto", "Cryptodome", "cryptography"]
    script = (
        "import sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        "import imrparse\n"
        f"print(imrparse.parse_file({str(real)!r}).case.case_number)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "CM16-0219557"


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
