"""Citations and patient facts read out of free text (LETTER-FORMAT §4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from imrparse.facts import parse_date, read_citations, read_guideline, read_patient
from imrparse.record import CitationSource, Patient, Sex

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "citations.txt"


def read_fixture_cases(path: Path) -> list[tuple[str, str, str]]:
    """Cases fenced by lines holding only '.': a title line, then input, then expected."""
    cases = []
    lines = path.read_text(encoding="utf-8").split("\n")
    index = 0
    while index < len(lines):
        if not lines[index].strip() or lines[index].startswith("#"):
            index += 1
            continue
        title = lines[index]
        assert lines[index + 1] == ".", f"{path}:{index + 2}: expected '.'"
        end_input = lines.index(".", index + 2)
        end_expected = lines.index(".", end_input + 1)
        cases.append(
            (
                title,
                "\n".join(lines[index + 2 : end_input]),
                "\n".join(lines[end_input + 1 : end_expected]),
            )
        )
        index = end_expected + 1
    return cases


CASES = read_fixture_cases(FIXTURES)


@pytest.mark.parametrize(("title", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_citation_fixture(title: str, text: str, expected: str) -> None:
    citations = read_citations(text)
    if citations is None:
        shown = "none"
    else:
        shown = "\n".join(
            f"{c.source.value} | {c.title} | {c.pages if c.pages is not None else '-'}"
            for c in citations
        )
    assert shown == expected


def test_mtus_is_true_when_any_citation_is_mtus() -> None:
    guideline = read_guideline(
        "Decision based on Non-MTUS Citation ODG, and on the MTUS ACOEM Page(s): 3."
    )
    assert guideline.mtus is True
    assert [c.source for c in guideline.citations] == [
        CitationSource.NON_MTUS,
        CitationSource.MTUS,
    ]


def test_mtus_is_null_and_text_kept_when_nothing_is_recognizable() -> None:
    guideline = read_guideline("The reviewer relied on clinical judgment.")
    assert (guideline.mtus, guideline.citations) == (None, ())
    assert guideline.text == "The reviewer relied on clinical judgment."


@pytest.mark.parametrize(
    ("summary", "age", "sex"),
    [
        ("The injured worker is a 57 year old female, who", 57, Sex.FEMALE),
        ("A 33-year-old man reported", 33, Sex.MALE),
        ("This 61 year-old woman", 61, Sex.FEMALE),
        ("The 45 year old male claimant", 45, Sex.MALE),
        ("The 45 year old claimant", 45, None),
        ("The claimant, age unknown, is male", None, None),
    ],
)
def test_age_and_sex_come_from_the_first_year_old_phrase(
    summary: str, age: int | None, sex: Sex | None
) -> None:
    patient = read_patient(summary)
    assert (patient.age, patient.sex) == (age, sex)


@pytest.mark.parametrize(
    ("summary", "date"),
    [
        ("sustained an industrial injury on 05/20/2014. On", dt.date(2014, 5, 20)),
        ("Date of injury 5/2/2011.", dt.date(2011, 5, 2)),
        ("date of injury: 7/4/99 per records", dt.date(1999, 7, 4)),
        ("injury on 13/45/2014", None),
        ("injured on 05/20/2014", None),
    ],
)
def test_date_of_injury_is_the_date_right_after_its_phrase(
    summary: str, date: dt.date | None
) -> None:
    assert read_patient(summary).date_of_injury == date


def test_two_digit_years_pivot_at_fifty() -> None:
    assert parse_date("1/2/49") == dt.date(2049, 1, 2)
    assert parse_date("1/2/50") == dt.date(1950, 1, 2)


def test_digits_of_other_scripts_are_not_an_age_or_a_date() -> None:
    arabic_indic = "\u0665\u0667"  # 57
    summary = f"The injured worker is a {arabic_indic} year old male, injury on 5/20/2014."
    assert read_patient(summary) == Patient(None, None, dt.date(2014, 5, 20))
    fullwidth = "\uff10\uff15/\uff12\uff10/\uff12\uff10\uff11\uff14"  # 05/20/2014
    assert parse_date(fullwidth) is None
