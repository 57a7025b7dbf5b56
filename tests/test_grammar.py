"""The grammar's free-text terminals: a paragraph is one token, but never swallows the letter's
own lines (see _RUN_ON in grammar/terminals.lark)."""

from __future__ import annotations

import re

import pytest

from imrparse.grammar import TERMINALS_USED, parser, words

# The letter's own lines: its headings, boilerplate paragraphs and labels (not the case
# header's labels, which free text never meets), as the grammar words them.
_HEADER = set(words().header.values())
PHRASES = sorted(text for name, text in words().literal.items() if name not in _HEADER)
FREE_TEXT = ("LINE", "PARA_LINE", "REST")


def _pattern(name: str) -> re.Pattern[str]:
    terminal = next(t for t in parser().terminals if t.name == name)
    return re.compile(terminal.pattern.to_regexp())


def _wrapped(phrase: str) -> list[str]:
    """The phrase as one line, and wrapped at each of its first five spaces."""
    words = phrase.split(" ")
    return [phrase] + [
        " ".join(words[:cut]) + "\n" + " ".join(words[cut:]) for cut in range(1, min(len(words), 6))
    ]


def _first_line(name: str) -> str:
    return "\nA line of free text.\n" if name == "PARA_LINE" else "A line of free text.\n"


def test_the_words_of_every_part_of_the_letter_are_read_from_the_grammar() -> None:
    found = words()
    # Each rule the letter's words begin, and each case header field, has its words.
    for rule in ("start", "credentials", "licensure", "specialties", "summary", "issues"):
        assert rule in found.first
    for rule in ("claims_administrator_guideline", "maximus_guideline", "rationale"):
        assert found.label(rule).endswith(":")
    assert list(found.header_labels()) == [
        "case_number", "date_assigned", "date_of_injury", "decision_date", "ur_denial_date",
        "application_received", "priority",
    ]  # fmt: skip
    assert found.opening in found.whole_lines and found.opening in found.anchors
    assert len(PHRASES) >= 12


def test_every_terminal_python_names_is_in_the_grammar() -> None:
    names = {terminal.name for terminal in parser().terminals}
    assert set(TERMINALS_USED) <= names
    assert set(words().literal) <= names
    assert set(words().first.values()) | set(words().header.values()) <= names


@pytest.mark.parametrize("name", FREE_TEXT)
def test_free_text_takes_the_plain_lines_of_its_paragraph_and_stops_at_its_end(name: str) -> None:
    first = _first_line(name)
    text = first + "goes on here,\nand ends here.\n\nA new paragraph.\n"
    match = _pattern(name).match(text)
    assert match is not None
    assert match.group(0) == first + "goes on here,\nand ends here.\n"


@pytest.mark.parametrize("name", FREE_TEXT)
@pytest.mark.parametrize("phrase", PHRASES)
def test_free_text_never_takes_a_line_of_the_letters_own(name: str, phrase: str) -> None:
    first = _first_line(name)
    for wrapped in _wrapped(phrase):
        match = _pattern(name).match(first + wrapped + " and what follows.\nmore.\n")
        assert match is not None
        assert match.group(0) == first, wrapped


@pytest.mark.parametrize("name", FREE_TEXT)
@pytest.mark.parametrize(
    "item",
    [
        "MRI of the lumbar spine: Upheld\n",
        "MRI of the lumbar spine:\nOverturned\n",
        "MRI of the lumbar spine: Upheld\n\n",
    ],
)
def test_free_text_never_takes_an_items_last_line(name: str, item: str) -> None:
    first = _first_line(name)
    text = first + item + "Claims Administrator guideline: Decision based on MTUS.\n"
    match = _pattern(name).match(text)
    assert match is not None
    assert match.group(0) == first
