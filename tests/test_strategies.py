"""The generator cannot silently collapse to easy cases: each kind of letter actually occurs.

Each strategy is sampled (generation only, no shrinking: these tests look at what comes out,
they do not look for a failure) and every feature must turn up; the seeded generator behind
`imrparse generate` is checked over its first 400 letters the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from imrparse import (
    AuthorizationKind,
    Basis,
    CitationSource,
    Decision,
    Guideline,
    Layout,
    Letter,
    Priority,
    Sex,
    parse,
)
from imrparse.generate import generate_letter
from imrparse.strategies import layouts, letter_texts, letters, letters_with_texts
from imrparse.synth import MAX_ITEMS

_T = TypeVar("_T")


def _sample(strategy: st.SearchStrategy[_T], count: int = 300) -> list[_T]:
    """``count`` examples as the strategy makes them, from a fixed seed."""
    drawn: list[_T] = []

    @settings(
        max_examples=count,
        phases=[Phase.generate],
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(example: _T) -> None:
        drawn.append(example)

    collect()
    return drawn


def _missing(features: dict[str, Callable[[_T], bool]], examples: list[_T]) -> list[str]:
    return [name for name, has in features.items() if not any(has(e) for e in examples)]


def _citations(letter: Letter) -> list[tuple[CitationSource, bool]]:
    return [
        (c.source, c.pages is not None)
        for d in letter.determinations
        for g in (d.claims_administrator_guideline, d.maximus_guideline)
        for c in g.citations
    ]


def _guidelines(letter: Letter) -> list[bool | None]:
    return [g.mtus for g in _all_guidelines(letter)]


def _all_guidelines(letter: Letter) -> list[Guideline]:
    return [
        g
        for d in letter.determinations
        for g in (d.claims_administrator_guideline, d.maximus_guideline)
    ]


def _authorizations(letter: Letter) -> list[AuthorizationKind | None]:
    return [
        None if d.authorization is None else d.authorization.kind for d in letter.determinations
    ]


def _any_guideline(letter: Letter, has: Callable[[Guideline], bool]) -> bool:
    return any(has(g) for g in _all_guidelines(letter))


_MONTH_NAME_DATE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December) [0-9]{1,2}, [0-9]{4}"
)
_HYPHEN_DATE = re.compile(r"\b[0-9]{1,2}-[0-9]{1,2}-[0-9]{2,4}\b")


def _free_text(letter: Letter) -> str:
    parts = [letter.clinical_case_summary]
    for d in letter.determinations:
        parts += [d.item, d.rationale]
    return "\n".join(parts)


FEATURES: dict[str, Callable[[Letter], bool]] = {
    "an upheld item": lambda r: any(d.decision is Decision.UPHELD for d in r.determinations),
    "an overturned item": lambda r: any(
        d.decision is Decision.OVERTURNED for d in r.determinations
    ),
    "several items": lambda r: len(r.determinations) >= 3,
    "many items": lambda r: len(r.determinations) >= 12,
    "a case header": lambda r: r.case is not None,
    "no case header": lambda r: r.case is None,
    "an expedited case": lambda r: r.case is not None and r.case.priority is Priority.EXPEDITED,
    "an MTUS citation with pages": lambda r: (CitationSource.MTUS, True) in _citations(r),
    "an MTUS citation without pages": lambda r: (CitationSource.MTUS, False) in _citations(r),
    "a non-MTUS citation": lambda r: (CitationSource.NON_MTUS, False) in _citations(r),
    "a guideline citing no MTUS": lambda r: False in _guidelines(r),
    "a guideline with no recognizable citation": lambda r: None in _guidelines(r),
    "several citations in one guideline": lambda r: _any_guideline(
        r, lambda g: len(g.citations) >= 2
    ),
    "a current-style MTUS part with sections": lambda r: _any_guideline(
        r, lambda g: any(c.year is not None and c.sections is not None for c in g.citations)
    ),
    "several MTUS parts in one statement": lambda r: _any_guideline(
        r, lambda g: g.text.count(", Section(s): ") >= 2 or "Complaints 2004, and " in g.text
    ),
    "an MTUS part followed by 'Guidelines'": lambda r: _any_guideline(
        r, lambda g: re.search(r"[0-9]{4} Guidelines", g.text) is not None
    ),
    "'Non-MTUS' without 'Citation'": lambda r: _any_guideline(
        r, lambda g: re.search(r"Non-MTUS (?!Citation)", g.text) is not None
    ),
    "an older ', and on the' statement": lambda r: _any_guideline(
        r, lambda g: "and on the " in g.text
    ),
    "a basis outside the MTUS": lambda r: _any_guideline(
        r, lambda g: g.basis is Basis.OUTSIDE_MTUS
    ),
    "a basis of no evidence": lambda r: _any_guideline(r, lambda g: g.basis is Basis.NO_EVIDENCE),
    "an outside-MTUS sentence with a citation": lambda r: _any_guideline(
        r, lambda g: "outside of the MTUS" in g.text and g.basis is Basis.CITATIONS
    ),
    "a guideline over two paragraphs": lambda r: _any_guideline(r, lambda g: "\n\n" in g.text),
    "a partial authorization of a portion": lambda r: (
        AuthorizationKind.PORTION in _authorizations(r)
    ),
    "a partial authorization of an alternative": lambda r: (
        AuthorizationKind.ALTERNATIVE in _authorizations(r)
    ),
    "a month-name date in the summary": lambda r: (
        _MONTH_NAME_DATE.search(r.clinical_case_summary) is not None
    ),
    "a hyphenated date in the summary": lambda r: (
        _HYPHEN_DATE.search(r.clinical_case_summary) is not None
    ),
    "a female patient": lambda r: r.patient.sex is Sex.FEMALE,
    "a male patient": lambda r: r.patient.sex is Sex.MALE,
    "a summary without the patient's age": lambda r: r.patient.age is None,
    "a summary without a date of injury": lambda r: r.patient.date_of_injury is None,
    "a multi-paragraph summary": lambda r: "\n\n" in r.clinical_case_summary,
    "a multi-paragraph rationale": lambda r: any("\n\n" in d.rationale for d in r.determinations),
    "several states of licensure": lambda r: len(r.reviewer.licensure) >= 2,
    "': Upheld' inside free text": lambda r: ": Upheld" in _free_text(r),
    "a label's words mid-sentence": lambda r: "MAXIMUS guideline cited" in _free_text(r),
    "a colon inside an item": lambda r: any(": " in d.item for d in r.determinations),
    "a very long item": lambda r: any(len(d.item) > 150 for d in r.determinations),
    "curly quotes and dashes": lambda r: any(c in _free_text(r) for c in "“”’–—"),
    "#, % and /": lambda r: all(c in _free_text(r) for c in "#%/"),
    "letters beyond ASCII": lambda r: any(ord(c) > 0x2FF for c in _free_text(r)),
}


def test_the_letters_strategy_produces_every_kind_of_letter() -> None:
    records = _sample(letters())
    assert _missing(FEATURES, records) == []


LAYOUT_FEATURES: dict[str, Callable[[Layout], bool]] = {
    "the canonical shape": lambda layout: layout.shape == "canonical",
    "the seed's PDF shape": lambda layout: layout.shape == "pdf",
    "plain pages": lambda layout: layout.shape == "plain",
    "a narrow page": lambda layout: layout.shape != "canonical" and layout.width <= 40,
    "a wide page": lambda layout: layout.width >= 120,
    "pypdf's text of the published PDFs": lambda layout: layout.shape == "published",
    "lines broken after hyphens": lambda layout: layout.hyphen_breaks,
    "footers": lambda layout: layout.footers,
    "CRLF with a BOM": lambda layout: layout.crlf and layout.bom,
}


def test_the_layouts_strategy_produces_every_layout() -> None:
    assert _missing(LAYOUT_FEATURES, _sample(layouts())) == []


def test_letter_texts_in_a_named_layout_are_in_that_layout() -> None:
    for text in _sample(letter_texts("windows"), 10):
        assert text.startswith("\ufeff") and "\r\nPage 1 of " in text
        assert "\n" not in text.replace("\r\n", "")


def test_letters_with_texts_pairs_each_record_with_its_own_text() -> None:
    for letter, text in _sample(letters_with_texts(), 10):
        assert parse(text) == letter


def test_the_seeded_generator_produces_every_kind_of_letter() -> None:
    records = [generate_letter(7, number)[1] for number in range(1, 401)]
    assert _missing(FEATURES, records) == []
    assert max(len(r.determinations) for r in records) == MAX_ITEMS
