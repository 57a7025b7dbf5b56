"""Patient facts read out of the clinical case summary (LETTER-FORMAT §4)."""

from __future__ import annotations

import datetime as dt

import pytest

from imrparse.facts import parse_date, read_patient
from imrparse.record import Patient, Sex


@pytest.mark.parametrize(
    ("summary", "age", "sex"),
    [
        ("The injured worker is a 57 year old female, who", 57, Sex.FEMALE),
        ("A 33-year-old man reported", 33, Sex.MALE),
        ("This 61 year-old woman", 61, Sex.FEMALE),
        ("The 45 year old male claimant", 45, Sex.MALE),
        ("The 45 year old claimant", 45, None),
        ("The applicant is a 34-year old Male who", 34, Sex.MALE),
        ("a 40 YEAR OLD woman", 40, Sex.FEMALE),
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
        ("injured on 05/20/2014", dt.date(2014, 5, 20)),
        ("an industrial injury on 10-13-16. He", dt.date(2016, 10, 13)),
        ("reported injury on 10-20-2016 while", dt.date(2016, 10, 20)),
        ("associated with an industrial injury of October 10, 2015.", dt.date(2015, 10, 10)),
        ("sustained an industrial injury November 28, 2016", dt.date(2016, 11, 28)),
        ("INJURED ON 1/2/2016", dt.date(2016, 1, 2)),
        ("an injury dated 3/4/2015", dt.date(2015, 3, 4)),
        ("injury date of 3/4/2015", dt.date(2015, 3, 4)),
        ("a history of an occupational claim from 10/23/2016", dt.date(2016, 10, 23)),
        ("an injury at work. Seen on 10/23/2016", None),
        ("injury on February 30, 2016", None),
        ("injury on 10/13-2016", None),
        ("injured on 10/13/20160", None),
    ],
)
def test_date_of_injury_is_the_date_right_after_its_phrase(
    summary: str, date: dt.date | None
) -> None:
    assert read_patient(summary).date_of_injury == date


def test_the_first_phrase_followed_by_a_date_gives_the_date_of_injury() -> None:
    summary = "Her injury on the job was reported. She was injured on 4/5/2016; injury on 1/1/2015."
    assert read_patient(summary).date_of_injury == dt.date(2016, 4, 5)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("10-13-16", dt.date(2016, 10, 13)),
        ("1/2/2016", dt.date(2016, 1, 2)),
        ("November 28, 2016", dt.date(2016, 11, 28)),
        ("november 28 2016", dt.date(2016, 11, 28)),
        ("Movember 28, 2016", None),
        ("10-13/16", None),
    ],
)
def test_dates_are_read_in_every_form_letters_write_them(text: str, date: dt.date | None) -> None:
    assert parse_date(text) == date


def test_two_digit_years_pivot_at_fifty() -> None:
    assert parse_date("1/2/49") == dt.date(2049, 1, 2)
    assert parse_date("1/2/50") == dt.date(1950, 1, 2)


def test_digits_of_other_scripts_are_not_an_age_or_a_date() -> None:
    arabic_indic = "\u0665\u0667"  # 57
    summary = f"The injured worker is a {arabic_indic} year old male, injury on 5/20/2014."
    assert read_patient(summary) == Patient(None, None, dt.date(2014, 5, 20))
    fullwidth = "\uff10\uff15/\uff12\uff10/\uff12\uff10\uff11\uff14"  # 05/20/2014
    assert parse_date(fullwidth) is None
