"""The item paragraph's three forms (LETTER-FORMAT §2): the whole request, the remaining
portion of a partly authorized one, and a request for which something else was authorized."""

from __future__ import annotations

import pytest
from letters import Item, letter

from imrparse import Authorization, AuthorizationKind, parse
from imrparse.items import read_item


def test_a_paragraph_in_neither_partial_form_is_the_whole_request() -> None:
    text = "Norco 10/325mg #60 was requested. It was denied"
    assert read_item(text) == (text, None)


def test_the_remaining_portion_of_a_partly_authorized_request_is_the_item() -> None:
    text = (
        "Chiropractic therapy sessions for the cervical spine, #8 was the original request. "
        "Chiropractic therapy sessions for the cervical spine, #6 was authorized by the Claims "
        "Administrator. The remaining IMR eligible portion of the original request, "
        "Chiropractic therapy sessions for the cervical spine, #2 is"
    )
    assert read_item(text) == (
        "Chiropractic therapy sessions for the cervical spine, #2",
        Authorization(
            "Chiropractic therapy sessions for the cervical spine, #8",
            "Chiropractic therapy sessions for the cervical spine, #6",
            AuthorizationKind.PORTION,
        ),
    )


def test_a_request_for_which_something_else_was_authorized_is_the_item() -> None:
    text = (
        "Purchase of a bath/shower chair was the original request. The Claims Administrator "
        "authorized a bath/shower chair for 1 month, leaving the original request IMR eligible. "
        "The original request, purchase of a bath/shower chair is"
    )
    assert read_item(text) == (
        "purchase of a bath/shower chair",
        Authorization(
            "Purchase of a bath/shower chair",
            "a bath/shower chair for 1 month",
            AuthorizationKind.ALTERNATIVE,
        ),
    )


def test_the_is_before_the_decision_may_be_missing() -> None:
    text = (
        "Acupuncture 18 sessions was the original request. Acupuncture 6 sessions was "
        "authorized by the Claims Administrator. The remaining IMR eligible portion of the "
        "original request, Acupuncture 12 sessions"
    )
    assert read_item(text)[0] == "Acupuncture 12 sessions"


@pytest.mark.parametrize(
    "text",
    [
        # The boilerplate after the authorized part is missing.
        "Norco #60 was the original request. Norco #30 was authorized. The rest, Norco #30 is",
        # Nothing is left after the boilerplate.
        "Norco #60 was the original request. Norco #30 was authorized by the Claims "
        "Administrator. The remaining IMR eligible portion of the original request, ",
        # Form 3's boilerplate with form 2's ending.
        "Norco #60 was the original request. The Claims Administrator authorized Norco #30, "
        "leaving the original request IMR eligible. The remaining IMR eligible portion of the "
        "original request, Norco #30 is",
    ],
)
def test_a_partial_form_that_cannot_be_read_whole_is_the_whole_request(text: str) -> None:
    assert read_item(text) == (text, None)


def test_free_text_in_the_partial_forms_may_hold_periods_colons_and_hashes() -> None:
    text = (
        "Retrospective: Norco 10/325 mg. #60 (DOS: 1/2/2016) was the original request. "
        "Norco 10/325 mg. #30 was authorized by the Claims Administrator. The remaining IMR "
        "eligible portion of the original request, Norco 10/325 mg. #30 is"
    )
    item, authorization = read_item(text)
    assert item == "Norco 10/325 mg. #30"
    assert authorization is not None
    assert authorization.original_request == "Retrospective: Norco 10/325 mg. #60 (DOS: 1/2/2016)"


def test_a_letter_whose_item_wraps_over_lines_reads_its_partial_authorization() -> None:
    item = (
        "Physical therapy two times a week for six weeks (12 sessions) was the original request.\n"
        "Physical therapy 6 sessions was authorized by the Claims Administrator. The remaining\n"
        "IMR eligible portion of the original request, Physical therapy 6 sessions is"
    )
    determination = parse(letter([Item(item)])).determinations[0]
    assert determination.item == "Physical therapy 6 sessions"
    assert determination.authorization == Authorization(
        "Physical therapy two times a week for six weeks (12 sessions)",
        "Physical therapy 6 sessions",
        AuthorizationKind.PORTION,
    )
