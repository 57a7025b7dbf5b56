"""Letters with a case header and with several items."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import assert_valid_record
from letters import HEADER_ONE_PER_LINE, HEADER_TWO_PER_LINE, Item, letter

import imrparse
from imrparse import CitationSource, Decision, Priority


@pytest.mark.parametrize("header", [HEADER_TWO_PER_LINE, HEADER_ONE_PER_LINE])
def test_case_header_fills_case_in_either_layout(header: str) -> None:
    parsed = imrparse.parse(letter([Item("MRI of the lumbar spine")], header=header))
    assert parsed.case is not None
    assert parsed.case.case_number == "CM15-0073947"
    assert parsed.case.date_assigned == dt.date(2015, 4, 21)
    assert parsed.case.date_of_injury == dt.date(2014, 5, 20)
    assert parsed.case.decision_date == dt.date(2015, 5, 27)
    assert parsed.case.ur_denial_date == dt.date(2015, 4, 13)
    assert parsed.case.application_received == dt.date(2015, 4, 17)
    expected = Priority.STANDARD if header is HEADER_TWO_PER_LINE else Priority.EXPEDITED
    assert parsed.case.priority is expected
    assert_valid_record(parsed.to_dict())


def test_letter_without_header_has_no_case() -> None:
    assert imrparse.parse(letter([Item("MRI")])).case is None


def test_three_items_give_three_determinations_in_order_with_citations() -> None:
    items = [
        Item(
            "Norco 10/325mg #120",
            "Overturned",
            claims_administrator="Decision based on MTUS Opioids Page(s): 74-96.",
            maximus="Decision based on MTUS Chronic Pain Page(s): 78, and on the Non-MTUS "
            "Citation ODG Pain Chapter.",
        ),
        Item(
            "Physical therapy: 12 sessions",
            "Upheld",
            claims_administrator="The Claims Administrator did not base their decision on the "
            "MTUS. Decision based on Non-MTUS Citation ODG Low Back.",
            maximus="Decision based on MTUS ACOEM Chapter 12.",
        ),
        Item("MRI lumbar spine", "Upheld", claims_administrator="No guideline was cited."),
    ]
    parsed = imrparse.parse(letter(items))
    determinations = parsed.determinations
    assert [d.item for d in determinations] == [
        "Norco 10/325mg #120",
        "Physical therapy: 12 sessions",
        "MRI lumbar spine",
    ]
    assert [d.decision for d in determinations] == [
        Decision.OVERTURNED,
        Decision.UPHELD,
        Decision.UPHELD,
    ]
    first = determinations[0].maximus_guideline
    assert first.mtus is True
    assert [(c.source, c.title, c.pages) for c in first.citations] == [
        (CitationSource.MTUS, "Chronic Pain", "78"),
        (CitationSource.NON_MTUS, "ODG Pain Chapter", None),
    ]
    assert determinations[1].claims_administrator_guideline.mtus is False
    assert determinations[2].claims_administrator_guideline.mtus is None
    assert determinations[2].claims_administrator_guideline.citations == ()
    assert_valid_record(parsed.to_dict())


def test_paragraphs_of_summary_and_rationale_are_joined_by_one_empty_line() -> None:
    text = letter(
        [Item("MRI", rationale="First paragraph.\n\nSecond paragraph.")],
        summary="A 50 year old man.\n\nHe fell.",
    )
    parsed = imrparse.parse(text)
    assert parsed.clinical_case_summary == "A 50 year old man.\n\nHe fell."
    assert parsed.determinations[0].rationale == "First paragraph.\n\nSecond paragraph."


def test_item_wrapped_over_lines_is_read_whole() -> None:
    text = letter([Item("A"), Item("B")]).replace(
        "\n\nB: Upheld", "\n\nTransforaminal epidural steroid injection at\nL4-5: Upheld"
    )
    items = [d.item for d in imrparse.parse(text).determinations]
    assert items == ["A", "Transforaminal epidural steroid injection at L4-5"]


def test_paragraph_ending_in_upheld_elsewhere_is_ordinary_text() -> None:
    text = letter([Item("MRI", rationale="The prior denial: Upheld\n\nIt stays denied.")])
    parsed = imrparse.parse(text)
    assert len(parsed.determinations) == 1
    assert parsed.determinations[0].rationale == "The prior denial: Upheld\n\nIt stays denied."


def test_item_containing_colons_splits_at_the_last_one() -> None:
    parsed = imrparse.parse(letter([Item("Retro: Toradol injection: 60mg", "Overturned")]))
    assert parsed.determinations[0].item == "Retro: Toradol injection: 60mg"


def test_letter_without_blank_lines_warns_that_items_were_read_from_their_last_line() -> None:
    text = letter([Item("A"), Item("B")]).replace("\n\n", "\n")
    assert [d.item for d in imrparse.parse(text).determinations] == ["A", "B"]
    assert [d.code for d in imrparse.validate(text)] == ["IMR503"]


def test_header_dates_out_of_natural_order_warn() -> None:
    header = HEADER_TWO_PER_LINE.replace("Decision Date: 05/27/2015", "Decision Date: 01/01/2015")
    diagnostics = imrparse.validate(letter([Item("MRI")], header=header))
    assert [(d.code, d.severity.value, d.line) for d in diagnostics] == [("IMR501", "warning", 2)]
    # A warning does not stop a parse.
    assert imrparse.parse(letter([Item("MRI")], header=header)).case is not None


def test_header_injury_date_differing_from_summary_warns() -> None:
    text = letter(
        [Item("MRI")],
        header=HEADER_TWO_PER_LINE,
        summary="The injured worker is a 44 year old male, injured on 05/21/2014. Date of "
        "injury 05/21/2014.",
    )
    assert [d.code for d in imrparse.validate(text)] == ["IMR502"]


def test_decision_word_wrapped_onto_its_own_line_is_still_the_decision() -> None:
    text = letter([Item("MRI of the knee", "Overturned")]).replace(
        "knee: Overturned", "knee:\nOverturned"
    )
    (determination,) = imrparse.parse(text).determinations
    assert (determination.item, determination.decision) == ("MRI of the knee", Decision.OVERTURNED)


def test_a_letters_header_positions_stay_its_own_after_the_next_letter_is_read() -> None:
    from imrparse.normalize import normalize
    from imrparse.parser import read_letter

    first = letter([Item("MRI")], header=HEADER_TWO_PER_LINE)
    second = "\n\n\n" + letter([Item("CT")], header=HEADER_ONE_PER_LINE)
    reading = read_letter(normalize(first))
    before = reading.header_positions.get("priority", (0, 0))
    read_letter(normalize(second))
    assert reading.header_positions.get("priority", (0, 0)) == before == (4, 11)
