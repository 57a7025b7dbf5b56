"""The lean LALR driver reads every letter exactly as Lark's own parser does, and leaves every
text Lark rejects to Lark (imrparse/lalr.py)."""

from __future__ import annotations

import marshal
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lark
import pytest
from conftest import examples, kept_data
from hypothesis import given
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput
from lark.visitors import Transformer_InPlace
from layouts import seed_text, seed_with_in_summary
from mutations import Mutation, layout_only, structural, valid_letters

from imrparse import diagnose, facts, guideline, items, transform
from imrparse.errors import Diagnostic
from imrparse.grammar import build_parser, compiled, lean_tables
from imrparse.lalr import Fallback, LeanParser, Token, compile_program, tables_from_lark
from imrparse.normalize import normalize
from imrparse.parser import _Parsers
from imrparse.transform import LetterBuilder

SEED = seed_text()
_VALID = valid_letters()


class _Recorder(lark.Transformer[lark.Token, Any]):
    """Every rule as a tree and every token with its place: what a parser saw, whole."""

    def __default__(self, data: str, children: list[Any], meta: Any) -> Any:
        return lark.Tree(data, [_seen(child) for child in children])


def _seen(child: Any) -> Any:
    if isinstance(child, (lark.Token, Token)):  # Lark's tokens, or the lean driver's
        return child.type, child.value, child.line, child.column, child.start_pos
    return child


class _Pair:
    """Lark's parser and the lean driver, each with its own transformer of the same kind."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.lark_transformer, self.lean_transformer = make(), make()
        self.lark = build_parser(disk_cache=True, transformer=self.lark_transformer)
        self.lean = LeanParser(lean_tables(), self.lean_transformer)

    def read_with_lark(self, text: str) -> tuple[Any, list[Diagnostic]] | None:
        return self._read(text, self.lark.parse, UnexpectedInput, self.lark_transformer)

    def read_lean(self, text: str) -> tuple[Any, list[Diagnostic]] | None:
        return self._read(text, self.lean.parse, Fallback, self.lean_transformer)

    @staticmethod
    def _read(
        text: str, parse: Callable[[str], Any], failure: type[Exception], transformer: Any
    ) -> tuple[Any, list[Diagnostic]] | None:
        normal = normalize(text)
        if isinstance(transformer, LetterBuilder):
            transformer.begin(normal)
        try:
            result = parse(normal.text)
        except failure:
            return None
        return result, getattr(transformer, "diagnostics", [])


RECORDS = _Pair(LetterBuilder)  # the records and the problems the builder found
TOKENS = _Pair(_Recorder)  # every rule reduced and every token, with its line and column


def test_the_lean_driver_is_in_use_with_the_installed_lark() -> None:
    assert isinstance(_Parsers().lean, LeanParser), lark.__version__


def test_the_real_letter_reads_the_same_both_ways() -> None:
    for pair in (RECORDS, TOKENS):
        lean = pair.read_lean(SEED)
        assert lean is not None
        assert lean == pair.read_with_lark(SEED)


@examples(1)
@given(_VALID)
def test_every_generated_letter_reads_the_same_both_ways(text: str) -> None:
    for pair in (RECORDS, TOKENS):
        lean = pair.read_lean(text)
        assert lean is not None
        assert lean == pair.read_with_lark(text)


def _with_paragraphs(count: int) -> str:
    """The seed with ``count`` more one-line paragraphs in its summary (issue 13, item 6)."""
    return seed_with_in_summary("Short.\n\n \n\n", count)


def test_a_summary_of_thousands_of_paragraphs_reads_the_same_both_ways() -> None:
    # (Each step of the repetition takes the node of the steps before over, where it once
    # copied its children: the same children, in the same order.)
    text = _with_paragraphs(2_000)
    for pair in (RECORDS, TOKENS):
        lean = pair.read_lean(text)
        assert lean is not None
        assert lean == pair.read_with_lark(text)


@pytest.mark.slow
def test_a_summary_of_160000_paragraphs_reads_the_same_both_ways() -> None:
    # (Records only: the token recorder's trees copy each repetition's children at every step,
    # which is quadratic by itself.)
    text = _with_paragraphs(160_000)
    lean = RECORDS.read_lean(text)
    assert lean is not None
    assert lean == RECORDS.read_with_lark(text)


@examples(1)
@given(_VALID, st.one_of(structural(), layout_only()))
def test_a_mangled_letter_reads_the_same_or_is_left_to_lark(text: str, mutate: Mutation) -> None:
    mangled = mutate(text)
    for pair in (RECORDS, TOKENS):
        assert pair.read_lean(mangled) == pair.read_with_lark(mangled)


@examples(1)
@given(st.lists(st.sampled_from(["\n", " ", ":", "a", "Upheld"]) | st.text()).map("".join))
def test_text_that_is_no_letter_is_left_to_lark(text: str) -> None:
    assert TOKENS.read_lean(text) == TOKENS.read_with_lark(text)


@pytest.mark.parametrize(
    "tables",
    [lean_tables, guideline.GRAMMAR.tables, items.GRAMMAR.tables],
    ids=["letter", "guideline", "item"],
)
def test_every_lexer_pattern_made_from_its_kept_program_is_the_one_re_compiles(
    tables: Callable[[], dict[str, Any]],
) -> None:
    # A program is what CPython's regex engine makes a pattern from: the same program, the
    # same pattern (patterns compare equal only when their compiled code does).
    kept = tables()
    assert kept["programs"] is not None  # (this is CPython)
    for state, patterns in kept["lexers"].items():
        for (pattern, flags), program in zip(patterns, kept["programs"][state], strict=True):
            made = compile_program(pattern, flags, program)
            re.purge()
            compiled = re.compile(pattern, flags)
            assert made == compiled
            assert (made.groupindex, made.flags) == (compiled.groupindex, compiled.flags)


def test_a_pattern_whose_program_this_python_refuses_is_compiled() -> None:
    assert compile_program("a(?P<b>c)", 0, ("not", "a", "program")) == re.compile("a(?P<b>c)")


def test_the_tables_are_kept_in_the_user_cache_and_a_damaged_copy_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lean_tables.cache_clear()
    try:
        tables = lean_tables()
        [kept] = (tmp_path / "imrparse").glob("tables-*.marshal")
        assert kept_data(kept) == tables
        kept.write_bytes(b"damaged")
        lean_tables.cache_clear()
        assert lean_tables() == tables
        assert kept_data(kept) == tables
    finally:
        lean_tables.cache_clear()


_GRAMMAR_PATTERNS = {
    "lines out of place": transform._out_of_place,
    "opening heading": diagnose._opening_pattern,
    "statement breaks": guideline._statement_break,
    "age": lambda: facts._AGE,
    "dates": lambda: facts._DATE,
    "date of injury": lambda: facts._INJURY_DATE,
}


@pytest.mark.parametrize("made", _GRAMMAR_PATTERNS.values(), ids=_GRAMMAR_PATTERNS.keys())
def test_each_pattern_made_from_a_kept_program_is_the_one_re_compiles(
    made: Callable[[], re.Pattern[str]],
) -> None:
    pattern = made()
    re.purge()
    assert pattern == re.compile(pattern.pattern, pattern.flags)
    assert compiled(pattern.pattern, pattern.flags) == pattern


def test_a_kept_program_changed_under_its_key_is_made_again_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    pattern = r"(?P<month>[0-9]{1,2})/(?P<day>[0-9]{1,2})/(?P<year>[0-9]{4})"
    expected = re.compile(pattern)
    assert compiled(pattern) == expected
    [kept] = (tmp_path / "imrparse").glob("pattern-*.marshal")
    key, checksum, data = marshal.loads(kept.read_bytes())
    program = marshal.loads(data)
    program["program"][1][-3] ^= 1  # one bit of the regex engine's code
    kept.write_bytes(marshal.dumps((key, checksum, marshal.dumps(program))))
    assert compiled(pattern) == expected
    assert kept_data(kept)["program"][1] == marshal.loads(data)["program"][1]


def test_without_a_cache_folder_a_pattern_is_compiled_as_usual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_folder))
    assert compiled("Page [0-9]+ of [0-9]+") == re.compile("Page [0-9]+ of [0-9]+")


class _CountingParagraphLines(_Recorder):
    """A transformer with a method named after a terminal: Lark calls it on each such token."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = 0

    def PARA_LINE(self, token: lark.Token) -> lark.Token:
        self.seen += 1
        return token


class _InlineCaseNumber(_Recorder):
    @lark.v_args(inline=True)
    def case_number(self, *children: Any) -> Any:
        return children[-1]


def test_a_builder_with_a_method_for_a_terminal_is_refused_by_the_driver() -> None:
    counting = _CountingParagraphLines()
    build_parser(disk_cache=True, transformer=counting).parse(normalize(SEED).text)
    assert counting.seen > 0  # (what the driver would not do)
    with pytest.raises(TypeError, match="a method for the terminal PARA_LINE"):
        LeanParser(lean_tables(), _CountingParagraphLines())


def test_a_builder_with_a_method_wrapped_by_v_args_is_refused_by_the_driver() -> None:
    with pytest.raises(TypeError, match=r"method case_number is wrapped by lark\.v_args"):
        LeanParser(lean_tables(), _InlineCaseNumber())


class _InPlace(Transformer_InPlace[lark.Token, Any]):
    def case_number(self, tree: lark.Tree[Any]) -> Any:
        return tree.children[-1]


def test_a_builder_that_transforms_trees_in_place_is_refused_by_the_driver() -> None:
    with pytest.raises(TypeError, match=r"is a lark\.visitors\.Transformer_InPlace"):
        LeanParser(lean_tables(), _InPlace())


def test_a_rule_that_stands_for_its_one_child_is_that_child_as_lark_has_it() -> None:
    # (`?item`: a rule of one child is replaced by it; the repetition's shortcut once kept it.)
    grammar = '?item: _pre B\n_pre: "a"\nB: "b"\nstart: item+\n'
    parser = lark.Lark(grammar, parser="lalr", maybe_placeholders=False)
    lean = LeanParser(tables_from_lark(parser), object()).parse("abab")
    assert (lean.data, [_seen(child) for child in lean.children]) == (
        "start",
        [("B", "b", 1, 2, 1), ("B", "b", 1, 4, 3)],
    )
    assert [_seen(child) for child in parser.parse("abab").children] == [
        _seen(child) for child in lean.children
    ]
