"""The grammar's free-text terminals: a paragraph is one token, but never swallows the letter's
own lines (see _RUN_ON in grammar/terminals.lark)."""

from __future__ import annotations

import re

import pytest

from imrparse.grammar import GRAMMAR_FILE, parser
from imrparse.resources import grammar_dir

# `_NAME.2: _BREAK? "literal" ...`: a heading, boilerplate paragraph or label of the letter.
_BOILERPLATE = re.compile(r'^_[A-Z_]+\.\d+:\s*_BREAK\?\s*"([^"]+)"', re.M)
PHRASES = _BOILERPLATE.findall((grammar_dir() / GRAMMAR_FILE).read_text(encoding="utf-8"))
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


def test_every_heading_boilerplate_paragraph_and_label_is_checked() -> None:
    assert len(PHRASES) == 12
    assert "CLINICAL CASE SUMMARY" in PHRASES
    assert "Decision rationale:" in PHRASES


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
