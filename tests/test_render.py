"""Each named layout looks like what its PDF tool gives, and gives back the real letter."""

from __future__ import annotations

from itertools import pairwise

import pytest
from layouts import SEED

from imrparse import LAYOUTS, Layout, Letter, parse, parse_file, render
from imrparse.generate import generate_letter


@pytest.fixture(scope="module")
def seed() -> Letter:
    return parse_file(SEED)


@pytest.fixture(scope="module")
def long_letter() -> Letter:
    """A generated letter with a case header and enough items to fill several pages."""
    for number in range(1, 200):
        letter = generate_letter(3, number)[1]
        if letter.case is not None and len(letter.determinations) >= 5:
            return letter
    raise AssertionError("the generator made no long letter with a case header")


@pytest.mark.parametrize("name", LAYOUTS)
def test_the_real_letter_in_each_named_layout_gives_its_record(name: str, seed: Letter) -> None:
    assert parse(render(seed, name)) == seed


def test_the_canonical_layout_has_one_paragraph_per_line(seed: Letter) -> None:
    lines = render(seed).split("\n")
    assert lines[0] == "HOW THE IMR FINAL DETERMINATION WAS MADE"
    assert lines[2].startswith("MAXIMUS Federal Services") and lines[2].endswith("determinations.")
    assert lines[-2].startswith("Decision rationale: This 57 year old female")
    assert lines[-1] == ""


def test_the_pdf_layout_is_double_spaced_with_a_space_line_between_paragraphs(
    long_letter: Letter,
) -> None:
    text = render(long_letter, "pdf")
    lines = text.split("\n")
    # every line is followed by an empty one
    assert all(after == "" for line, after in pairwise(lines) if line)
    assert " \n\n \n\nHOW THE IMR FINAL DETERMINATION WAS MADE \n\n" in text
    assert "\n\n\n" in text  # the extra empty line of a page break
    assert max(len(line) for line in lines) <= 96  # wrapped at 95, plus pypdf's space


def test_plain_pages_are_separated_by_form_feeds_and_end_in_footers(long_letter: Letter) -> None:
    text = render(long_letter, "plain-footers")
    pages = text.split("\f\n")
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert page.endswith(f"\n\nPage {number} of {len(pages)}\n")


def test_a_wrapped_layout_keeps_to_its_width_except_for_a_longer_word(long_letter: Letter) -> None:
    layout = Layout("plain", width=40, header_fields_per_line=1)
    for line in render(long_letter, layout).split("\n"):
        assert len(line) <= 40 or " " not in line


def test_the_case_header_pairs_fields_in_published_letters(long_letter: Letter) -> None:
    first = render(long_letter, "plain").split("\n")[0]
    assert first.startswith("Case Number: CM") and "      Date Assigned: " in first


def test_crlf_and_bom_apply_to_the_whole_text(seed: Letter) -> None:
    text = render(seed, "windows")
    assert text.startswith("\ufeffHOW THE IMR")
    assert "\n" not in text.replace("\r\n", "")


def test_a_paragraph_ending_at_the_foot_of_a_page_stays_a_paragraph(seed: Letter) -> None:
    # Every page size moves the page break to another place, among them a paragraph's end.
    for page_lines in range(10, 40):
        for shape in ("pdf", "plain"):
            layout = Layout(shape, width=60, page_lines=page_lines, footers=True)
            assert parse(render(seed, layout)) == seed, (shape, page_lines)


def test_an_unknown_layout_name_is_refused_with_the_known_names(seed: Letter) -> None:
    with pytest.raises(ValueError, match="unknown layout 'pdf2'; known layouts: canonical, pdf"):
        render(seed, "pdf2")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"width": 10}, "at least 30 columns"),
        ({"page_lines": 3}, "at least 10 lines"),
        ({"header_fields_per_line": 0}, "1 to 7 fields"),
    ],
)
def test_a_layout_that_cannot_hold_a_letter_is_refused(
    options: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Layout("plain", **options)  # type: ignore[arg-type]


def test_pages_of_one_line_paragraphs_break_inside_a_line_never_beside_a_paragraph_break() -> None:
    from imrparse.rendering import _pages

    # (Found by the thorough round trip: one-line paragraphs on ten-line pages with footers;
    # a page of nothing but a paragraph break lost it beside its footer.)
    lines = []
    for number in range(12):
        lines += [f"Item {number} was requested: Upheld", ""]
    pages = _pages(lines[:-1], 4)
    for page in pages:
        assert page[0] != "" and page[-1] != ""
    rejoined = " ".join(" ".join(page) for page in pages).replace("  ", "\n")
    assert rejoined.split("\n") == [line for line in lines[:-1] if line]
