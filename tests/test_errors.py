"""Each departure from the format is reported at its line and column in the original input."""

from __future__ import annotations

import layouts
import pytest
from letters import HEADER_TWO_PER_LINE, Item, letter

import imrparse
from imrparse import LetterError


def first_problem(text: str) -> imrparse.Diagnostic:
    with pytest.raises(LetterError) as caught:
        imrparse.parse(text)
    return caught.value.first


SEED = layouts.seed_text()
PLAIN = layouts.plain()

# (what changed, the replacement, where the diagnostic must point)
CHANGES = [
    ("a word of the independence paragraph", ("case file to", "case folder to"), "folder"),
    ("a late word of that paragraph", ("strength of evidence", "strength of proof"), "proof"),
    ("the first heading", ("HOW THE IMR FINAL", "HOW THE IMR FINALE"), "FINALE"),
    ("the summary heading", ("CLINICAL CASE SUMMARY", "CLINICAL CASE SUMARY"), "SUMARY"),
    ("the issues heading", ("DECISIONS AND RATIONALES", "DECISIONS & RATIONALES"), "&"),
    ("the credentials line", ("following credentials", "following skills"), "skills"),
    ("the licensure label", ("of Licensure:", "of License:"), "License:"),
    ("the specialty label", ("(s)/Specialty", "(s)/Specialities"), "Certification(s)/Spe"),
    ("the summary intro", ("all medical records:", "all the records:"), "the records:"),
    ("the issues intro", ("set forth below", "set out below"), "out below"),
    ("the claims administrator label", ("tor guideline:", "tor guidline:"), "guidline:"),
    ("the MAXIMUS label", ("MAXIMUS guideline:", "MAXIMUS guide:"), "guide:"),
    ("the rationale label", ("Decision rationale:", "Decision rational:"), "rational:"),
    ("the decision word", ("Lumbar: Upheld", "Lumbar: Denied"), "Denied"),
    ("the decision word's case", ("Lumbar: Upheld", "Lumbar: upheld"), "upheld"),
]


@pytest.mark.parametrize("shape", ["double-spaced", "plain"])
@pytest.mark.parametrize(("what", "change", "anchor"), CHANGES, ids=[c[0] for c in CHANGES])
def test_changed_boilerplate_is_reported_where_it_changed(
    shape: str, what: str, change: tuple[str, str], anchor: str
) -> None:
    code = "IMR404" if what.startswith("the decision word") else "IMR301"
    original = SEED if shape == "double-spaced" else PLAIN
    assert change[0] in original
    text = original.replace(change[0], change[1], 1)
    problem = first_problem(text)
    assert problem.code == code
    # Point at the first character that differs, or the start of the word holding it.
    anchor_at = text.index(anchor, max(0, text.index(change[1]) - len(anchor)))
    line, column = _line_col(text, anchor_at)
    assert (problem.line, problem.column) == (line, column)
    assert problem.excerpt == text.split("\n")[line - 1]


def _line_col(text: str, at: int) -> tuple[int, int]:
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


REMOVALS = [
    ("the reviewer's credentials", "The Expert Reviewer", "CLINICAL CASE SUMMARY"),
    ("the clinical case summary", "CLINICAL CASE SUMMARY", "IMR ISSUES"),
    ("the MAXIMUS guideline", "MAXIMUS guideline:", "Decision rationale:"),
    ("the claims administrator guideline", "Claims Administrator guideline:", "MAXIMUS guideline:"),
]


@pytest.mark.parametrize("shape", ["double-spaced", "plain"])
@pytest.mark.parametrize(("what", "start", "end"), REMOVALS, ids=[r[0] for r in REMOVALS])
def test_removed_section_is_reported_where_the_next_part_begins(
    shape: str, what: str, start: str, end: str
) -> None:
    original = SEED if shape == "double-spaced" else PLAIN
    text = original[: original.index(start)] + original[original.index(end) :]
    problem = first_problem(text)
    assert problem.code == "IMR201"
    assert (problem.line, problem.column) == _line_col(text, text.index(end))


def test_removed_rationale_is_reported_at_the_end_of_the_letter() -> None:
    text = PLAIN[: PLAIN.index("Decision rationale:")]
    problem = first_problem(text)
    assert problem.code == "IMR201"
    assert "Decision rationale:" in problem.message
    assert problem.line == text.rstrip().count("\n") + 1


def test_item_without_a_decision_is_reported_on_the_item_line() -> None:
    text = SEED.replace("Lumbar: Upheld", "Lumbar Upheld")
    problem = first_problem(text)
    assert problem.code == "IMR203"
    assert (problem.line, problem.column) == _line_col(text, text.index("Upheld"))


@pytest.mark.parametrize(
    ("change", "code", "anchor"),
    [
        (("Date Assigned: 04/21/2015", "Date Assigned: 02/30/2015"), "IMR401", "02/30/2015"),
        (("Date Assigned: 04/21/2015", "Date Assigned: 2015-04-21"), "IMR401", "2015-04-21"),
        (("CM15-0073947", "CM15-007394"), "IMR402", "CM15-007394"),
        (("Priority: Standard", "Priority: Urgent"), "IMR403", "Urgent"),
        (("Priority: Standard", "Priority: Standard Priority: Expedited"), "IMR406", "Expedited"),
    ],
)
def test_bad_header_values_are_reported_at_the_value(
    change: tuple[str, str], code: str, anchor: str
) -> None:
    text = letter([Item("MRI")], header=HEADER_TWO_PER_LINE.replace(*change))
    problem = first_problem(text)
    assert problem.code == code
    assert (problem.line, problem.column) == _line_col(text, text.index(anchor))


def test_header_missing_a_field_names_the_field() -> None:
    text = letter([Item("MRI")], header=HEADER_TWO_PER_LINE.replace("Priority: Standard\n", ""))
    problem = first_problem(text)
    assert problem.code == "IMR405"
    assert "'Priority'" in problem.message


def test_invalid_header_date_in_double_spaced_letter_points_at_the_original_line() -> None:
    header = HEADER_TWO_PER_LINE.replace("04/21/2015", "02/30/2015").replace("\n", " \n\n")
    text = header + SEED
    problem = first_problem(text)
    assert problem.code == "IMR401"
    assert (problem.line, problem.column) == _line_col(text, text.index("02/30/2015"))


def test_heading_repeated_inside_the_summary_is_out_of_place() -> None:
    text = PLAIN.replace("pain. Home traction unit", "pain.\nCLINICAL CASE SUMMARY\nHome traction")
    problem = first_problem(text)
    assert problem.code == "IMR202"
    assert problem.line == _line_col(text, text.index("CLINICAL CASE SUMMARY\nHome"))[0]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "IMR101"),
        (" \n\t\n  ", "IMR102"),
        ("HOW THE IMR\x00 FINAL", "IMR103"),
        ("Dear member,\nYour health plan has decided your appeal.\n", "IMR104"),
    ],
    ids=["empty", "whitespace only", "NUL characters", "another document"],
)
def test_input_that_is_not_a_letter_gets_its_own_code(text: str, code: str) -> None:
    assert first_problem(text).code == code


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "IMR101"),
        (b"\x00\x01\x02\x03binary" * 5, "IMR103"),
        ("HOW THE IMR FINAL DETERMINATION WAS MADE\n".encode("utf-16-le"), "IMR105"),
        (b"x" * 101, "IMR106"),
        (b"%PDF-1.4\n", "IMR107"),
    ],
    ids=["empty", "binary", "UTF-16 without BOM", "too large", "PDF bytes"],
)
def test_bytes_that_are_not_letter_text_get_their_own_code(data: bytes, code: str) -> None:
    with pytest.raises(LetterError) as caught:
        imrparse.parse_bytes(data, max_bytes=100)
    assert caught.value.first.code == code


def test_every_code_is_documented_with_an_example() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "ERRORS.md").read_text()
    for code in imrparse.CODES:
        assert f"### {code}" in doc, code


def test_nul_character_is_reported_where_it_stands() -> None:
    problem = first_problem("HOW THE IMR\r\nFINAL\rDETER\x00MINATION\n")
    assert (problem.code, problem.line, problem.column) == ("IMR103", 3, 6)
