"""The generator cannot silently collapse to easy cases: each kind of letter actually occurs.

Each strategy is sampled (generation only, no shrinking: these tests look at what comes out,
they do not look for a failure) and every feature must turn up; the seeded generator behind
`imrparse generate` is checked over its first 300 letters the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from imrparse import CitationSource, Decision, Layout, Letter, Priority, Sex, parse
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
    return [
        g.mtus
        for d in letter.determinations
        for g in (d.claims_administrator_guideline, d.maximus_guideline)
    ]


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
    "several citations in one guideline": lambda r: any(
        len(g.citations) >= 2
        for d in r.determinations
        for g in (d.claims_administrator_guideline, d.maximus_guideline)
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
    records = [generate_letter(7, number)[1] for number in range(1, 301)]
    assert _missing(FEATURES, records) == []
    assert max(len(r.determinations) for r in records) == MAX_ITEMS
