"""The renderer and the parser are exact inverses, in every layout (issue 3's four properties).

Each property runs over generated records (`imrparse.strategies.letters`: record version 2,
with partial authorizations, every kind of guideline statement and summary dates in every
form) in generated layouts (`layouts`: canonical, the seed's PDF shape, plain pages and pypdf's
text of the published PDFs, at any width, with and without footers, lines broken after
hyphens, CRLF and BOM). The profile sets the count: 200 per property in CI (fixed seed),
10,000 with ``--hypothesis-profile=thorough``.
"""

from __future__ import annotations

from hypothesis import given, settings

from imrparse import Layout, Letter, canonical_text, parse, render, validate
from imrparse.rendering import SHAPES
from imrparse.strategies import layouts, letters


@given(letters(), layouts())
def test_a_rendered_letter_parses_back_to_its_record(letter: Letter, layout: Layout) -> None:
    assert parse(render(letter, layout)) == letter


@given(letters(), layouts())
def test_the_canonical_text_of_any_layout_is_the_records_canonical_text(
    letter: Letter, layout: Layout
) -> None:
    assert render(parse(render(letter, layout))) == render(letter)


@given(letters(), layouts())
def test_formatting_a_formatted_letter_changes_nothing(letter: Letter, layout: Layout) -> None:
    once = canonical_text(render(letter, layout))
    assert canonical_text(once) == once


@given(letters(), layouts())
def test_a_generated_letter_conforms_with_no_warnings(letter: Letter, layout: Layout) -> None:
    assert validate(render(letter, layout)) == []


@settings(max_examples=50)
@given(letters())
def test_every_shape_of_the_same_letter_gives_the_same_record(letter: Letter) -> None:
    for shape in SHAPES:
        layout = Layout(shape, width=40, page_lines=12, footers=True, hyphen_breaks=True)
        assert parse(render(letter, layout)) == letter
