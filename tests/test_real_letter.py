"""The real published letter gives exactly its expected record, in every layout of §3."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import layouts
import pytest
from conftest import assert_valid_record

import imrparse

TEXT_LAYOUTS: dict[str, Callable[[], str]] = {
    "double-spaced as published": layouts.seed_text,
    "double-spaced with page footers": layouts.double_spaced_with_footers,
    "plain lines with form feeds": layouts.plain,
    "plain lines with page footers": lambda: layouts.plain(footers=True),
    "one paragraph per line": layouts.unwrapped,
    "trailing spaces, tabs and non-breaking spaces": layouts.noisy_spaces,
    "CRLF line ends": lambda: layouts.plain(newline="\r\n"),
}

BYTE_LAYOUTS: dict[str, Callable[[], bytes]] = {
    "CRLF with a UTF-8 byte order mark": layouts.crlf_bom,
    "UTF-16 with a byte order mark": layouts.utf16_bom,
    "double-spaced as UTF-8 bytes": lambda: layouts.seed_text().encode("utf-8"),
}


def test_seed_letter_gives_exactly_the_expected_record(seed_record: dict[str, Any]) -> None:
    record = imrparse.parse_file(layouts.SEED).to_dict()
    assert record == seed_record
    assert list(record) == list(seed_record)  # field order too
    assert_valid_record(record)


@pytest.mark.parametrize("layout", TEXT_LAYOUTS)
def test_every_text_layout_gives_the_same_record(layout: str, seed_record: dict[str, Any]) -> None:
    assert imrparse.parse(TEXT_LAYOUTS[layout]()).to_dict() == seed_record


@pytest.mark.parametrize("layout", BYTE_LAYOUTS)
def test_every_encoding_gives_the_same_record(layout: str, seed_record: dict[str, Any]) -> None:
    assert imrparse.parse_bytes(BYTE_LAYOUTS[layout]()).to_dict() == seed_record


def test_cp1252_text_is_read_when_not_utf8() -> None:
    data = layouts.plain().replace("ineffective", "ineffective\u2019").encode("cp1252")
    letter = imrparse.parse_bytes(data)
    assert "ineffective\u2019" in letter.clinical_case_summary


def test_seed_letter_conforms_with_no_warnings() -> None:
    assert imrparse.validate(layouts.seed_text()) == []


REAL = sorted(layouts.SEED.parent.glob("CM*.txt"))


def test_a_date_broken_after_its_hyphen_at_a_line_end_is_read_whole() -> None:
    path = layouts.SEED.parent / "CM16-0229336.txt"
    assert "dated 10-30-\n2016" in path.read_text(encoding="utf-8")
    letter = imrparse.parse_file(path)
    assert "progress note dated 10-30-2016, the" in letter.clinical_case_summary


def test_ligatures_read_as_their_letters(seed_record: dict[str, Any]) -> None:
    text = layouts.seed_text().replace("fi", "\ufb01").replace("ff", "\ufb00")
    assert "\ufb01" in text and "\ufb00" in text
    assert imrparse.parse(text).to_dict() == seed_record


@pytest.mark.parametrize("path", REAL, ids=[p.stem for p in REAL])
def test_empty_lines_added_at_the_page_joins_of_a_published_letter_change_nothing(
    path: Path,
) -> None:
    # Paragraphs are known from pypdf's one-space lines; the empty lines a tool may put at a
    # page's end or top are not paragraph breaks, so no item swallows the text before it.
    text = path.read_text(encoding="utf-8")
    assert "\f" in text
    padded = text.replace("\f", "\n\n\f\n\n")
    assert imrparse.parse(padded) == imrparse.parse(text)


def test_empty_lines_beside_page_footers_and_page_joins_change_nothing(
    seed_record: dict[str, Any],
) -> None:
    # Plain pages: paragraphs are known from their empty lines, so these are the hard case.
    text = layouts.plain(footers=True)
    padded = text.replace("\n\f", "\n\n\f\n\n").replace("\nPage ", "\n\n\nPage ")
    assert padded.count("\f") == text.count("\f") >= 1
    assert imrparse.parse(padded).to_dict() == seed_record
