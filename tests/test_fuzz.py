"""Hostile input: every input gets a record or a clear error with a location, never a crash.

Counts come from the Hypothesis profile, times a weight per property (`conftest.examples`):
2,400 examples across this file in CI (profile "ci", 200), 120,000 with
``--hypothesis-profile=thorough``.
"""

from __future__ import annotations

import re

from conftest import examples
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from layouts import seed_text
from mutations import Mutation, layout_only, structural, valid_letters

from imrparse import Letter, LetterError, parse, parse_bytes, render, synth
from imrparse.grammar import build_parser
from imrparse.strategies import layouts, letters

SEED = seed_text()


_LINE_END = re.compile(r"\r\n|\r|\n")


def _assert_parses_or_says_where(text: str) -> Letter | None:
    """Parse: a `Letter`, or a `LetterError` whose every diagnostic lies inside the input."""
    try:
        return parse(text)
    except LetterError as error:
        lines = len(_LINE_END.split(text))
        assert error.diagnostics
        for diagnostic in error.diagnostics:
            assert 1 <= diagnostic.line <= lines, (diagnostic, lines)
            assert diagnostic.column >= 1
            assert diagnostic.message
        return None


_VALID = valid_letters()


@examples(3)
@given(st.text())
def test_any_text_gives_a_letter_or_a_located_error(text: str) -> None:
    _assert_parses_or_says_where(text)


@examples(3)
@given(st.binary())
def test_any_bytes_give_a_letter_or_a_letter_error(data: bytes) -> None:
    try:
        parse_bytes(data)
    except LetterError as error:
        assert error.diagnostics and all(d.line >= 1 for d in error.diagnostics)


@examples(2)
@given(_VALID, st.lists(structural(), min_size=1, max_size=3))
def test_a_mangled_letter_gives_a_letter_or_a_located_error(
    text: str, mutations: list[Mutation]
) -> None:
    for mutate in mutations:
        text = mutate(text)
    _assert_parses_or_says_where(text)


@examples(2)
@given(letters(), layouts(), st.lists(layout_only(), min_size=1, max_size=4))
def test_a_change_of_layout_alone_keeps_the_record(
    letter: Letter, layout: object, mutations: list[Mutation]
) -> None:
    text = render(letter, layout)  # type: ignore[arg-type]
    for mutate in mutations:
        text = mutate(text)
    assert parse(text) == letter


@given(st.lists(layout_only(), min_size=1, max_size=4))
def test_a_change_of_layout_alone_keeps_the_real_letters_record(
    mutations: list[Mutation],
) -> None:
    text = SEED
    for mutate in mutations:
        text = mutate(text)
    assert parse(text) == parse(SEED)


def test_the_real_letter_truncated_at_every_character_gives_a_letter_or_a_located_error() -> None:
    for end in range(len(SEED) + 1):
        _assert_parses_or_says_where(SEED[:end])


# ---- strings the grammar itself generates ---------------------------------------------------
# `from_lark` walks grammar/imr.lark and writes a string for each path through it. Free-text
# terminals get realistic lines (`explicit=`); the rest (boilerplate, dates, case numbers,
# decision words, the header's layout) come from the grammar's own regular expressions, so
# header dates may be impossible and header fields missing or repeated.

_SENTENCES = st.sampled_from(
    [*synth.SUMMARY_SENTENCES, *synth.RATIONALE_SENTENCES, *synth.UNCITED_GUIDELINES]
).map(lambda s: s.format(part="knee", Part="Knee", date="1/2/2015", drug="Norco", item="an MRI",
                         n=3, age=40, word="x"))  # fmt: skip
_FREE_LINE = _SENTENCES.map(lambda s: s + "\n")
_GRAMMAR_TERMINALS = {
    "LINE": _FREE_LINE,
    "PARA_LINE": _FREE_LINE.map(lambda s: "\n" + s),
    "REST": _FREE_LINE,
    "ITEM_TEXT": st.sampled_from(synth.DRUGS).map(lambda s: s + ": "),
}
# What the grammar cannot promise: slot values are checked after parsing (LETTER-FORMAT §5).
_SLOT_VALUE_CODES = {"IMR401", "IMR405", "IMR406"}


@given(from_lark(build_parser(disk_cache=False), explicit=_GRAMMAR_TERMINALS))
def test_a_string_the_grammar_generates_parses_or_has_only_slot_value_errors(text: str) -> None:
    try:
        parse(text)
    except LetterError as error:
        assert {d.code for d in error.diagnostics} <= _SLOT_VALUE_CODES, error.first
