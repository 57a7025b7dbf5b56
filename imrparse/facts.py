"""Facts read out of the clinical case summary (LETTER-FORMAT §4): the patient's age, sex and
date of injury. The grammar stops at the slot; these rules read inside it.

Where the summary does not say a thing in a recognized form, the answer is ``None``, never a
guess. (The guideline slots have a grammar of their own: `imrparse.guideline`.)
"""

from __future__ import annotations

import datetime as dt
import re

from .grammar import compiled
from .record import Patient, Sex

__all__ = ["parse_date", "read_patient"]

# "57 year old", "57-year-old", "57 year-old", "57-year old"; then the word right after it.
# Numbers are ASCII digits: Python's \d also matches other scripts' digits, which int() reads.
_AGE = compiled(r"\b([0-9]{1,3})[ -]year[ -]old\b(?:,?\s+(\w+))?", re.IGNORECASE)
_SEX_WORDS = {"male": Sex.MALE, "man": Sex.MALE, "female": Sex.FEMALE, "woman": Sex.FEMALE}

_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
# A date as letters write them: month, day and year with "/" or "-" between (the same one
# twice), one or two digits for month and day, two or four for the year; or "October 10, 2015".
_DATE_FORMS = (
    r"(?P<month>[0-9]{1,2})(?P<sep>[/-])(?P<day>[0-9]{1,2})(?P=sep)(?P<year>[0-9]{4}|[0-9]{2})"
    r"|(?P<month_name>" + "|".join(_MONTHS) + r")\s+(?P<name_day>[0-9]{1,2}),?\s+"
    r"(?P<name_year>[0-9]{4})"
)
_DATE = compiled(rf"(?:{_DATE_FORMS})(?![0-9])", re.IGNORECASE)
# The date right after "injury" or "injured" (with "on", "of", "dated" or "date of" between,
# or nothing), after "date of injury:", or after "claim from".
_INJURY_DATE = compiled(
    r"(?:\binjur(?:y|ed)(?:\s+(?:on|of|dated|date\s+of))?\s+"
    r"|\bdate\s+of\s+injury\s*:\s*"
    r"|\bclaim\s+from\s+)"
    rf"(?:{_DATE_FORMS})(?![0-9])",
    re.IGNORECASE,
)


def _date(match: re.Match[str]) -> dt.date | None:
    """The calendar date a `_DATE_FORMS` match stands for; ``None`` if there is no such day."""
    if match["month_name"]:
        month = _MONTHS.index(match["month_name"].lower()) + 1
        day, year = int(match["name_day"]), int(match["name_year"])
    else:
        month, day, year = int(match["month"]), int(match["day"]), int(match["year"])
        if len(match["year"]) == 2:
            year += 2000 if year < 50 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """A date in one of the forms of LETTER-FORMAT §4 (``M/D/YYYY``, ``MM-DD-YY``, ``October
    10, 2015``, ...); ``None`` if it is not one, or not a calendar date.

    A two-digit year is read as 2000-2049 for 00-49 and 1950-1999 for 50-99: fixed, so that
    the same letter always gives the same record.
    """
    match = _DATE.fullmatch(text)
    return None if match is None else _date(match)


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
    return Patient(age, sex, None if injury is None else _date(injury))
