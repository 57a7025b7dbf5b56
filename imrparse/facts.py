"""Facts read out of free text (LETTER-FORMAT §4): citations in a guideline, the patient in the
clinical case summary. The grammar stops at the slot; these rules read inside it.

Where the text does not say a thing in the recognized form, the answer is ``None`` (or no
citations), never a guess.
"""

from __future__ import annotations

import datetime as dt
import re

from .record import Citation, CitationSource, Guideline, Patient, Sex

__all__ = ["parse_date", "read_citations", "read_guideline", "read_patient"]

# "Decision based on" starts the citations, at the start of the text or of a sentence.
_BASED_ON = re.compile(r"(?:^|(?<=[.!?] ))Decision based on ")
# Clauses are joined by ", and on the " or " and on the ".
_AND_ON_THE = re.compile(r",? and on the ")
_MTUS = re.compile(r"MTUS (?P<title>.+?)(?: Page\(s\): (?P<pages>.+))?")
_NON_MTUS = re.compile(r"Non-MTUS Citation (?P<title>.+)")

# "57 year old", "57-year-old", "57 year-old"; then the word right after it. Numbers are ASCII
# digits: Python's \d also matches other scripts' digits, which int() would happily read.
_AGE = re.compile(r"\b([0-9]{1,3})[ -]year[ -]old\b(?:,?\s+(\w+))?", re.IGNORECASE)
_SEX_WORDS = {"male": Sex.MALE, "man": Sex.MALE, "female": Sex.FEMALE, "woman": Sex.FEMALE}
# The date right after "injury on" or "date of injury".
_INJURY_DATE = re.compile(
    r"(?:injury on|date of injury)[\s:,]*(?:(?:of|was|is)\s+)?"
    r"([0-9]{1,2}/[0-9]{1,2}/(?:[0-9]{4}|[0-9]{2}))\b",
    re.IGNORECASE,
)
_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}|[0-9]{2})")


def read_citations(text: str) -> tuple[Citation, ...] | None:
    """The citations of a guideline text, or ``None`` when none is recognizable."""
    found = _BASED_ON.search(text)
    if found is None:
        return None
    clauses = text[found.end() :].removesuffix(".")
    citations = []
    for clause in _AND_ON_THE.split(clauses):
        clause = clause.strip().removesuffix(",")
        non_mtus = _NON_MTUS.fullmatch(clause)
        if non_mtus:
            citations.append(Citation(CitationSource.NON_MTUS, non_mtus["title"], None))
            continue
        mtus = _MTUS.fullmatch(clause)
        if mtus is None:
            return None
        citations.append(Citation(CitationSource.MTUS, mtus["title"], mtus["pages"]))
    return tuple(citations)


def read_guideline(text: str) -> Guideline:
    """A guideline slot: its text, whether it cites the MTUS, and its citations."""
    citations = read_citations(text)
    if citations is None:
        return Guideline(text, None, ())
    mtus = any(c.source is CitationSource.MTUS for c in citations)
    return Guideline(text, mtus, citations)


def parse_date(text: str) -> dt.date | None:
    """``M/D/YYYY``, ``MM/DD/YYYY`` or ``M/D/YY`` as a date; ``None`` if not a calendar date.

    A two-digit year is read as 2000-2049 for 00-49 and 1950-1999 for 50-99: fixed, so that
    the same letter always gives the same record.
    """
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    month, day, year = int(match[1]), int(match[2]), int(match[3])
    if len(match[3]) == 2:
        year += 2000 if year < 50 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def read_patient(summary: str) -> Patient:
    """Age, sex and date of injury as the clinical case summary first states them."""
    age: int | None = None
    sex: Sex | None = None
    found = _AGE.search(summary)
    if found:
        age = int(found[1])
        if found[2]:
            sex = _SEX_WORDS.get(found[2].lower())
    injury = _INJURY_DATE.search(summary)
    date_of_injury = parse_date(injury[1]) if injury else None
    return Patient(age, sex, date_of_injury)
