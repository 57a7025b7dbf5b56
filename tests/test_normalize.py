"""The normalizer: layout noise goes, paragraph breaks stay, positions map back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from imrparse.normalize import clean, clean_with_columns, normalize


@given(st.text())
def test_clean_with_columns_cleans_exactly_like_clean(raw: str) -> None:
    text, columns = clean_with_columns(raw)
    assert text == clean(raw)
    assert len(columns) == len(text)
    for char, column in zip(text, columns, strict=True):
        assert char == " " or raw[column] == char


def test_whitespace_runs_and_invisible_characters_fold() -> None:
    assert clean(" a\u00a0\t b\u200bc\u00add  ") == "a bcd"


def test_double_spaced_text_loses_its_doubling_but_keeps_paragraphs() -> None:
    normal = normalize("One \n\nline. \n\n \n\nTwo \n\n")
    assert normal.text == "One\nline.\n\nTwo\n"


def test_page_break_in_double_spaced_text_is_not_a_paragraph_break() -> None:
    normal = normalize("a \n\n \n\nOne \n\n\n\nline. \n\n \n\nTwo \n\n")
    assert normal.text == "a\n\nOne\nline.\n\nTwo\n"


def test_form_feed_is_not_a_paragraph_break_but_a_blank_line_is() -> None:
    assert normalize("One\n\fline.\n\nTwo\n").text == "One\nline.\n\nTwo\n"


def test_page_footers_are_dropped() -> None:
    normal = normalize("One\nline.\n\nPage 1 of 2\n\fgoes on.\nPage 2 of 2\n")
    assert normal.text == "One\nline.\ngoes on.\n"


def test_soft_hyphen_at_line_end_joins_the_word() -> None:
    assert normalize("treat\u00ad\nment is\n\nnew\n").text == "treatment is\n\nnew\n"


def test_no_blank_lines_means_paragraphs_are_unknown() -> None:
    assert not normalize("a\nb\nc\n").paragraphs_known
    assert normalize("a\n\nb\n").paragraphs_known


def test_locate_maps_back_to_original_line_and_column() -> None:
    original = "\ufeffx \n\n  Hello\u00a0\u00a0 wide\t world \n\n"
    normal = normalize(original)
    assert normal.text == "x\n\nHello wide world\n"
    # "wide" is at normal line 3, column 7; in the original, line 3 column 11.
    assert normal.locate(3, 7) == (3, 11)
    assert original.removeprefix("\ufeff").split("\n")[2][10:14] == "wide"


def test_locate_counts_crlf_as_one_line_end() -> None:
    normal = normalize("a\r\nb\r\nccc dd\r\n")
    assert normal.locate(3, 5) == (3, 5)


def test_text_of_nothing_but_page_breaks_and_footers_normalizes_to_nothing() -> None:
    for text in ("\f", "\f\f\n", "Page 1 of 1\n\f", "\n\n \n"):
        normal = normalize(text)
        assert normal.text == ""
        # Any place in it is the end of the input.
        last = normal.source_lines[-1]
        assert normal.locate(1, 1) == (len(normal.source_lines), len(last) + 1)
