"""The normalizer: layout noise goes, paragraph breaks stay, positions map back."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from imrparse.normalize import Columns, clean, clean_with_columns, normalize


@given(st.text())
def test_clean_with_columns_cleans_exactly_like_clean(raw: str) -> None:
    text, columns = clean_with_columns(raw)
    assert text == clean(raw)
    assert len(columns) == len(text)
    for char, column in zip(text, columns, strict=True):
        # (A ligature's letters all come from the ligature.)
        original = raw[column]
        assert char == " " or char == original or char in unicodedata.normalize("NFKC", original)


@given(st.text(st.sampled_from("ab \t\u00a0\u200b\ufb01\u2003\n")) | st.text())
def test_the_columns_kept_for_a_line_are_those_clean_with_columns_gives(raw: str) -> None:
    text, columns = clean_with_columns(raw)
    kept = Columns(raw)
    assert kept.length == len(text)
    assert [kept.offset(index) for index in range(kept.length)] == columns


def test_many_problems_on_one_long_line_work_the_line_out_once() -> None:
    line = "Date Assigned: 02/30/2015 " * 20_000
    normal = normalize(line + "\n")
    ends = [normal.locate(1, column) for column in range(1, len(normal.text), 26)]
    assert ends == [(1, column) for column in range(1, len(normal.text), 26)]
    assert list(normal._columns) == [line]


def test_whitespace_runs_and_invisible_characters_fold() -> None:
    assert clean(" a\u00a0\t b\u200bc\u00add  ") == "a bcd"


def test_ligatures_become_their_letters() -> None:
    assert clean("\ufb00 \ufb01rst \ufb02ow o\ufb03ce wa\ufb04e \ufb05op \ufb06ay") == (
        "ff first flow office waffle stop stay"
    )
    assert normalize("The speci\ufb01c e\ufb00ect\n").text == "The specific effect\n"


def test_a_line_broken_after_a_hyphen_runs_on_with_no_space() -> None:
    text = "injury on 10-27-\n2016 and x-\nrays.\nNon-\nMTUS Citation\n"
    assert normalize(text).text == "injury on 10-27-2016 and x-rays.\nNon-MTUS Citation\n"


def test_a_hyphen_after_a_space_or_before_a_space_ends_the_line_as_usual() -> None:
    assert normalize("pain -\nfree\nwell-\n(sic)\n").text == "pain -\nfree\nwell-\n(sic)\n"


def test_a_hyphen_at_a_paragraph_end_never_joins_the_next_paragraph() -> None:
    assert normalize("ends in x-\n\nrays\n").text == "ends in x-\n\nrays\n"


def test_a_line_broken_after_a_hyphen_at_a_page_break_runs_on() -> None:
    assert normalize("lumbar x-\n\frays, and\n").text == "lumbar x-rays, and\n"


def test_locate_finds_the_second_half_of_a_hyphen_joined_word_on_its_own_line() -> None:
    normal = normalize("on 10-27-\n2016 at\n")
    assert normal.text == "on 10-27-2016 at\n"
    assert normal.locate(1, normal.text.index("2016") + 1) == (2, 1)


def test_double_spaced_text_loses_its_doubling_but_keeps_paragraphs() -> None:
    normal = normalize("One \n\nline. \n\n \n\nTwo \n\n")
    assert normal.text == "One\nline.\n\nTwo\n"


def test_page_break_in_double_spaced_text_is_not_a_paragraph_break() -> None:
    normal = normalize("a \n\n \n\nOne \n\n\n\nline. \n\n \n\nTwo \n\n")
    assert normal.text == "a\n\nOne\nline.\n\nTwo\n"


def test_form_feed_is_not_a_paragraph_break_but_a_blank_line_is() -> None:
    assert normalize("One\n\fline.\n\nTwo\n").text == "One\nline.\n\nTwo\n"


def test_a_form_feed_ends_a_line_and_the_line_ends_beside_it_make_no_empty_line() -> None:
    for join in ("\f", "\n\f", "\f\n", "\n\f\n"):
        assert normalize(f"One\n\nline{join}goes on.\n").text == "One\n\nline\ngoes on.\n"


def test_an_empty_line_beside_a_page_break_is_not_a_paragraph_break() -> None:
    # Paragraphs are known (the blank line after "One"), yet the empty lines some tools put at
    # a page's end, or at the next page's top, are not the letter's.
    for join in ("\n\n\f", "\n\f\n\n", "\n\n\f\n\n"):
        normal = normalize(f"One\n\nline{join}goes on.\n")
        assert normal.text == "One\n\nline\ngoes on.\n"


def test_pypdfs_one_space_line_beside_a_form_feed_is_a_paragraph_break() -> None:
    # As pypdf gives published letters: pages joined by a bare form feed, and the page's own
    # empty line (one space) just before or after it.
    for join in (" \n \f", " \f \n", " \n\f \n"):
        normal = normalize(f"One \n \nends. {join}Next \n \nlast \n")
        assert normal.text == "One\n\nends.\n\nNext\n\nlast\n"
    # ... and a bare form feed mid-paragraph is not.
    assert normalize("One \n \nends \fhere \n").text == "One\n\nends\nhere\n"


def test_blank_lines_around_a_page_footer_are_not_paragraph_breaks() -> None:
    text = "One\n\nline\n\nPage 1 of 2\n\n\fgoes on.\n\nTwo\n\nPage 2 of 2\n"
    assert normalize(text).text == "One\n\nline\ngoes on.\n\nTwo\n"
    pypdf = "One \n \nline \n \nPage 1 of 2 \n \fgoes on. \n \nTwo \n"
    assert normalize(pypdf).text == "One\n\nline\ngoes on.\n\nTwo\n"


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
