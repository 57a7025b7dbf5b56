"""A guideline slot's statements and citations (LETTER-FORMAT §4; grammar/guideline.lark)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import examples, kept_data
from hypothesis import example, given
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput

from imrparse.guideline import (
    GRAMMAR,
    MAX_STATEMENT_LENGTH,
    Statement,
    StatementBuilder,
    read_guideline,
    statements,
)
from imrparse.lalr import Fallback, LeanParser
from imrparse.record import Basis, Citation, CitationSource, Guideline
from imrparse.slots import SlotGrammar

TESTS = Path(__file__).resolve().parent
REAL = TESTS.parent / "corpus" / "real"
FIXTURES = TESTS / "fixtures" / "guidelines.md"


# ---- what a guideline reads as, as text and as JSON ---------------------------------------


def _shown(value: str | int | None) -> str:
    return "-" if value is None else str(value)


def describe(guideline: Guideline) -> str:
    """The fixtures' notation: ``basis=... mtus=...``, then one line per citation."""
    basis = "null" if guideline.basis is None else guideline.basis.value
    mtus = "null" if guideline.mtus is None else str(guideline.mtus).lower()
    lines = [f"basis={basis} mtus={mtus}"]
    lines += [
        " | ".join([c.source.value, c.title, _shown(c.year), _shown(c.sections), _shown(c.pages)])
        for c in guideline.citations
    ]
    return "\n".join(lines)


def as_json(guideline: Guideline) -> dict[str, Any]:
    """The guideline in the JSON shape of LETTER-FORMAT §4, less its text."""
    record = guideline.to_dict()
    del record["text"]
    return record


# ---- fixtures --------------------------------------------------------------------------------


def read_fixture_file(path: Path) -> list[tuple[str, str, str]]:
    """Cases as markdown-it-py's fixtures have them: a title line, then the input, then the
    expected output, each fenced by a line holding only "."; other lines are commentary."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[tuple[str, str, str]] = []
    fences = [index for index, line in enumerate(lines) if line == "."]
    assert len(fences) % 3 == 0, f"{path}: fences come in threes"
    for first, second, third in zip(fences[::3], fences[1::3], fences[2::3], strict=True):
        title = lines[first - 1]
        given_text = "\n".join(lines[first + 1 : second])
        expected = "\n".join(lines[second + 1 : third])
        cases.append((title, given_text, expected))
    return cases


CASES = read_fixture_file(FIXTURES)


@pytest.mark.parametrize(("title", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_fixture_case_reads_as_its_expected_output(title: str, text: str, expected: str) -> None:
    guideline = read_guideline(text)
    assert guideline.text == text
    assert describe(guideline) == expected


# ---- real letters ----------------------------------------------------------------------------


def _real_guidelines() -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(REAL.glob("*.expected.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        found[path.name.removesuffix(".expected.json")] = [
            determination[slot]
            for determination in record["determinations"]
            for slot in ("claims_administrator_guideline", "maximus_guideline")
        ]
    return found


REAL_GUIDELINES = _real_guidelines()
REAL_TEXTS = sorted({g["text"] for gs in REAL_GUIDELINES.values() for g in gs})


def test_the_real_letters_are_all_there() -> None:
    assert len(REAL_GUIDELINES) == 50  # 49 published letters and the seed


@pytest.mark.parametrize("case", sorted(REAL_GUIDELINES))
def test_every_guideline_of_a_real_letter_reads_as_its_expected_record(case: str) -> None:
    for expected in REAL_GUIDELINES[case]:
        guideline = read_guideline(expected["text"])
        assert guideline.text == expected["text"]
        assert as_json(guideline) == {k: expected[k] for k in ("basis", "mtus", "citations")}


# ---- any text --------------------------------------------------------------------------------

# Pieces of the statements' wording, so that random text often gets deep into the grammar.
_FRAGMENTS = [
    "Decision based on ",
    "MTUS ",
    "Non-MTUS ",
    "Citation ",
    "Low Back Complaints",
    "Forearm, Wrist, and Hand",
    " 2004",
    "2016",
    " Guidelines",
    ", Section(s): ",
    " Page(s): ",
    "98-99",
    ", and ",
    ", and on the ",
    " and on the ",
    ".",
    " ",
    "\n\n",
    "\n",
    "The Claims Administrator ",
    "The Expert Reviewer ",
    "based their decision on recommendation(s) outside of the MTUS Guidelines",
    "did not cite any medical evidence for its decision",
    "did not base their decision on the MTUS",
]
SOUP = st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=3), max_size=14).map("".join)


@examples(2)
@given(st.text() | SOUP)
@example("Decision based on MTUS 2004, and 2016.")
@example("Decision based on Non-MTUS Citation\n\n.")
def test_any_text_reads_without_error_and_is_kept_unchanged(text: str) -> None:
    guideline = read_guideline(text)
    assert guideline.text == text
    assert (guideline.basis is Basis.CITATIONS) == bool(guideline.citations)
    assert (guideline.basis is None) == (guideline.mtus is None)


# ---- round trip: citations written as statements read back the same ---------------------------

_SEPARATORS = [" ", ", ", ". ", ": ", "; ", " - ", "/"]
# Words as MTUS parts' names have them (grammar's PART): each starts with a letter or "&"; no
# bare number (a year ends a name), brackets or periods. Commas come from the separators.
_NAME_WORDS = [
    "Low",
    "Back",
    "Complaints",
    "Chronic",
    "Pain",
    "Medical",
    "Treatment",
    "Forearm",
    "Wrist",
    "and",
    "Hand",
    "Guidelines",
    "MTUS",
    "Non-MTUS",
    "on",
    "the",
    "&",
    "X-Ray",
    "Occupational/Work-Related",
    "O'Brien",
    "Section",
    "Page",
    "Épaule",
]
# A name is one to ten of them, joined by a space or a comma and a space.
_NAME_SEPARATORS = [" ", ", "]
# Sections and titles hold more: brackets, numbers, periods, colons.
_FIELD_WORDS = [*_NAME_WORDS, "(ODG)", "(PT)"]
_SECTION_WORDS = [*_FIELD_WORDS, "1.3", "2.", "Opioids", "(PPIs)", "maintenance", "Wellbutrin®"]
# Non-MTUS titles hold anything: years, URLs, periods, the MTUS form's own labels.
_TITLE_WORDS = [
    *_SECTION_WORDS,
    "http://www.drugs.com/famotidine.html",
    "Jan.",
    "10",
    "2007",
    "2016",
    "(MI)",
    "pg.",
    "3rd",
    "ed.",
    "12/20/2016",
    "Section(s):",
    "Page(s):",
]
# An older (2015) title: no bare year (it would make the title a current-style part), no
# "Section(s):" (the grammar's OLDER_TITLE) and no " Page(s): " (the pages' label).
_OLDER_WORDS = [*_FIELD_WORDS, "(2004)", "2nd", "C.C.R.", "§§9792.20", "(Effective", "July", "18"]
_PAGES = ["98-99", "78-80", "124", "9", "3"]
# A sentence that opens with none of the openers.
_OTHER_WORDS = ["The", "reviewer", "noted", "this", "It", "cited", "a", "web", "page", "ODG"]

# Where free text would read as the next clause of an older statement: no title may hold it.
_JOINS_A_CLAUSE = re.compile(r",? and on the (?:Non-)?MTUS ")
# Nor may a field end in the word "and": "X, and" then " and on the MTUS Y 2004" reads as
# "X", then ", and " and a part named "and on the MTUS Y".
_ENDS_IN_AND = re.compile(r"(?:^|[ ,])and$")


def _text(words: list[str], separators: list[str], max_words: int = 6) -> st.SearchStrategy[str]:
    return st.builds(
        lambda first, rest: first + "".join(s + w for s, w in rest),
        st.sampled_from(words),
        st.lists(
            st.tuples(st.sampled_from(separators), st.sampled_from(words)), max_size=max_words
        ),
    ).filter(lambda text: not _JOINS_A_CLAUSE.search(text) and not _ENDS_IN_AND.search(text))


_NAMES = _text(_NAME_WORDS, _NAME_SEPARATORS, max_words=9) | st.sampled_from(
    ["Low Back Complaints", "Forearm, Wrist, and Hand Complaints", "Chronic Pain Medical Treatment"]
)
_SECTIONS = _text(_SECTION_WORDS, _SEPARATORS)
_TITLES = _text(_TITLE_WORDS, _SEPARATORS)
_OLDER_TITLES = _text(_OLDER_WORDS, _SEPARATORS)
_PAGES_TEXT = _text(_PAGES, [", ", "-"], max_words=2)
_YEARS = st.integers(1000, 9999)

# A generated statement: its text and what it says.
Written = tuple[str, Statement]


@st.composite
def _current_parts(draw: st.DrawFn) -> tuple[str, tuple[Citation, ...]]:
    """Current-style MTUS citations: "<part> <year>[ Guidelines][, Section(s): ...]", joined."""
    count = draw(st.integers(1, 3))
    written, citations = [], []
    for index in range(count):
        name, year = draw(_NAMES), draw(_YEARS)
        sections = draw(st.none() | _SECTIONS)
        # Sections end at the first ", and " that a whole part follows (lazily, as a part's
        # name may hold ", and" too): only the last part's sections may hold one.
        if sections is not None and index < count - 1 and ", and " in sections:
            sections = sections.replace(", and ", ", ")
        suffix = " Guidelines" if draw(st.booleans()) else ""
        written.append(
            f"{name} {year}{suffix}" + ("" if sections is None else f", Section(s): {sections}")
        )
        citations.append(Citation(CitationSource.MTUS, name, year=year, sections=sections))
    return ", and ".join(written), tuple(citations)


@st.composite
def _older_mtus(draw: st.DrawFn) -> tuple[str, tuple[Citation, ...]]:
    title, pages = draw(_OLDER_TITLES), draw(st.none() | _PAGES_TEXT)
    written = title if pages is None else f"{title} Page(s): {pages}"
    return written, (Citation(CitationSource.MTUS, title, pages=pages),)


@st.composite
def _non_mtus(draw: st.DrawFn) -> tuple[str, tuple[Citation, ...]]:
    title = draw(_TITLES)
    label = draw(st.sampled_from(["Non-MTUS Citation ", "Non-MTUS "]))
    return label + title, (Citation(CitationSource.NON_MTUS, title),)


def _clause(draw: st.DrawFn) -> tuple[str, tuple[Citation, ...]]:
    kind = draw(st.sampled_from(["current", "older", "non-mtus"]))
    if kind == "non-mtus":
        return draw(_non_mtus())
    written, citations = draw(_current_parts() if kind == "current" else _older_mtus())
    return f"MTUS {written}", citations


@st.composite
def citation_statements(draw: st.DrawFn) -> Written:
    """A "Decision based on ..." statement: one clause (current letters) or several (2015)."""
    clauses = [_clause(draw) for _ in range(draw(st.integers(1, 3)))]
    text = clauses[0][0]
    for written, _ in clauses[1:]:
        text += draw(st.sampled_from([", and on the ", " and on the "])) + written
    citations = tuple(c for _, cs in clauses for c in cs)
    return f"Decision based on {text}.", citations


@st.composite
def basis_statements(draw: st.DrawFn) -> Written:
    """A fixed sentence, perhaps with sentences of other wording after it."""
    who = draw(st.sampled_from(["The Claims Administrator", "The Expert Reviewer"]))
    wording, basis = draw(
        st.sampled_from(
            [
                (
                    "based their decision on recommendation(s) outside of the MTUS Guidelines",
                    Basis.OUTSIDE_MTUS,
                ),
                ("did not base their decision on the MTUS", Basis.OUTSIDE_MTUS),
                ("did not cite any medical evidence for its decision", Basis.NO_EVIDENCE),
            ]
        )
    )
    tail = draw(st.none() | _text(_OTHER_WORDS, [" "]))
    return f"{who} {wording}." + ("" if tail is None else f" {tail}."), basis


@st.composite
def guidelines(draw: st.DrawFn) -> tuple[str, Guideline]:
    """A guideline text of statements (perhaps after a sentence of other wording), and the
    guideline LETTER-FORMAT §4 says it is."""
    said = draw(st.lists(citation_statements() | basis_statements(), min_size=1, max_size=4))
    pieces = [text for text, _ in said]
    if draw(st.booleans()):
        pieces.insert(0, draw(_text(_OTHER_WORDS, [" "])) + ".")
    text = pieces[0]
    for piece in pieces[1:]:
        text += draw(st.sampled_from([" ", "\n\n"])) + piece
    citations = tuple(c for _, s in said if not isinstance(s, Basis) for c in s)
    bases = [s for _, s in said if isinstance(s, Basis)]
    if citations:
        mtus = any(c.source is CitationSource.MTUS for c in citations)
        return text, Guideline(text, Basis.CITATIONS, mtus, citations)
    return text, Guideline(text, bases[0], False, ())


@examples(2)
@given(guidelines())
def test_citations_written_as_statements_read_back_the_same(case: tuple[str, Guideline]) -> None:
    text, expected = case
    assert read_guideline(text) == expected


def test_a_statement_longer_than_the_limit_is_not_read_but_the_others_are() -> None:
    def statement(length: int) -> tuple[str, str]:
        opener = "Decision based on Non-MTUS Citation "
        title = ("ODG, " * length)[: length - len(opener) - len("Low Back.")] + "Low Back"
        return f"{opener}{title}.", title

    longest, title = statement(MAX_STATEMENT_LENGTH)
    assert len(longest) == MAX_STATEMENT_LENGTH
    assert read_guideline(longest).citations == (Citation(CitationSource.NON_MTUS, title),)
    too_long, _ = statement(MAX_STATEMENT_LENGTH + 1)
    text = f"{too_long} Decision based on MTUS Knee Complaints 2004."
    knee = Citation(CitationSource.MTUS, "Knee Complaints", year=2004)
    assert read_guideline(text) == Guideline(text, Basis.CITATIONS, True, (knee,))


def test_a_statement_the_grammar_cannot_read_whole_gives_nothing() -> None:
    broken = "Decision based on MTUS Knee Complaints 2004, and Chronic Pain, Section(s): X."
    assert statements(broken) == [broken]
    assert read_guideline(broken) == Guideline(broken, None, None, ())


# ---- Lark itself and the lean driver ---------------------------------------------------------


class _Both:
    """Lark's parser and the lean driver over its tables, each with its own builder."""

    def __init__(self) -> None:
        self.lark = GRAMMAR.build_parser(transformer=StatementBuilder())
        self.lean = LeanParser(GRAMMAR.tables(), StatementBuilder())

    def read_with_lark(self, statement: str) -> Statement | None:
        return self._read(statement, self.lark.parse, UnexpectedInput)

    def read_lean(self, statement: str) -> Statement | None:
        return self._read(statement, self.lean.parse, Fallback)

    @staticmethod
    def _read(
        statement: str, parse: Callable[[str], Any], failure: type[Exception]
    ) -> Statement | None:
        try:
            result: Statement = parse(statement)
        except failure:
            return None
        return result


BOTH = _Both()


def test_the_lean_driver_reads_the_statements_with_the_installed_lark() -> None:
    assert SlotGrammar("guideline.lark", StatementBuilder()).uses_lean_driver


def test_lark_and_the_lean_driver_read_every_real_statement_the_same() -> None:
    real = [s for text in REAL_TEXTS for s in statements(text)]
    assert len(real) > 100
    for statement in real:
        said = BOTH.read_lean(statement)
        assert said is not None, statement
        assert said == BOTH.read_with_lark(statement)


@examples(1)
@given(citation_statements() | basis_statements())
def test_lark_and_the_lean_driver_read_generated_statements_the_same(written: Written) -> None:
    text, said = written
    assert BOTH.read_lean(text) == BOTH.read_with_lark(text) == said


@examples(2)
@given(SOUP)
def test_lark_and_the_lean_driver_accept_and_reject_the_same_text(text: str) -> None:
    for statement in statements(text):
        assert BOTH.read_lean(statement) == BOTH.read_with_lark(statement)


def test_the_guideline_tables_are_kept_in_the_user_cache_and_a_damaged_copy_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    tables = GRAMMAR.tables()
    # Apart from the letter grammar's ("tables-*.marshal"), which stays as it was.
    assert not list((tmp_path / "imrparse").glob("tables-*.marshal"))
    [kept] = (tmp_path / "imrparse").glob("guideline-tables-*.marshal")
    assert kept_data(kept) == tables
    kept.write_bytes(b"damaged")
    remade = GRAMMAR.tables()
    assert kept_data(kept) == remade
    # (Lark may number the states of a new build differently: compare what they read.)
    before, after = (
        LeanParser(tables, StatementBuilder()),
        LeanParser(remade, StatementBuilder()),
    )
    for statement in (s for text in REAL_TEXTS for s in statements(text)):
        assert after.parse(statement) == before.parse(statement)


def test_without_the_lean_driver_lark_reads_the_statements(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse() -> dict[str, Any]:
        raise TypeError("not tested with this Lark")

    reader = SlotGrammar("guideline.lark", StatementBuilder())
    monkeypatch.setattr(reader, "tables", refuse)
    assert not reader.uses_lean_driver
    for text in REAL_TEXTS:
        for statement in statements(text):
            assert reader.read(statement) == BOTH.read_lean(statement)
    assert reader.read("Decision based on clinical judgment.") is None
