"""Hypothesis strategies for IMR Final Determination Letters, for your own property tests.

    from hypothesis import given
    from imrparse.strategies import letters, letter_texts

    @given(letter_texts())
    def test_my_reader_never_crashes(text: str) -> None:
        my_reader(text)

- `letters()`: realistic `Letter` records (treatments, citations, dates in their natural order,
  1 to 20 items, hard but legal free text; see `imrparse.synth`);
- `layouts()`: every layout of LETTER-FORMAT §3 (`imrparse.rendering.Layout`), at any width;
- `letter_texts(layout=None)`: the text of a generated letter, in the given layout or in any;
- `letters_with_texts(layout=None)`: the record together with its text, when you need both.

Every text from these strategies is a conforming letter: ``imrparse.parse`` gives back exactly
the record it was rendered from. Needs the ``strategies`` extra (``pip install
'imrparse[strategies]'``), i.e. Hypothesis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from hypothesis import strategies as st

from .record import Letter
from .rendering import SHAPES, Layout, Shape, render
from .synth import build_letter

__all__ = ["layouts", "letter_texts", "letters", "letters_with_texts"]

_T = TypeVar("_T")


# The ligatures U+FB00-U+FB06 are letters, but a reader turns them into the letters they stand
# for (LETTER-FORMAT §3): a record cannot hold them.
_LIGATURES = "".join(chr(code) for code in range(0xFB00, 0xFB07))


def _words(codec: str | None) -> st.SearchStrategy[str]:
    """Letters and digits from all of Unicode (or all that ``codec`` encodes), for the odd
    word in free text."""
    characters = st.characters(categories=("L", "N"), codec=codec, exclude_characters=_LIGATURES)
    return st.text(characters, min_size=1, max_size=10)


# _COINS[n]: 100 outcomes, the last n of them True.
_COINS = [(False,) * (100 - n) + (True,) * n for n in range(101)]


class _Draws:
    """The `imrparse.synth.Chooser` that draws from Hypothesis, so failures shrink."""

    def __init__(self, draw: st.DrawFn, codec: str | None) -> None:
        self._draw = draw
        self._words = _words(codec)

    def choice(self, options: Sequence[_T]) -> _T:
        return self._draw(st.sampled_from(options))

    def integer(self, low: int, high: int) -> int:
        return self._draw(st.integers(low, high))

    def chance(self, probability: float) -> bool:
        # Falses first: Hypothesis shrinks towards the first option, the plain case.
        trues = max(1, round(100 * probability))
        return self._draw(st.sampled_from(_COINS[trues]))

    def word(self) -> str:
        return self._draw(self._words)


@st.composite
def letters(draw: st.DrawFn, *, codec: str | None = None) -> Letter:
    """Realistic records of Final Determination Letters. With ``codec``, every character can
    be encoded in it: ``letters(codec="cp1252")`` fits a PDF's standard fonts."""
    return build_letter(_Draws(draw, codec))


@st.composite
def layouts(draw: st.DrawFn) -> Layout:
    """Any layout: canonical, the seed's PDF shape, plain pages, or pypdf's text of the
    published PDFs; any width from 30 to 130 columns, with or without footers, lines broken
    after hyphens, CRLF and a byte order mark."""
    shape: Shape = draw(st.sampled_from(SHAPES))
    return Layout(
        shape=shape,
        width=draw(st.integers(30, 130)),
        page_lines=draw(st.integers(10, 70)),
        header_fields_per_line=draw(st.integers(1, 3)),
        footers=draw(st.booleans()),
        crlf=draw(st.booleans()),
        bom=draw(st.booleans()),
        hyphen_breaks=draw(st.booleans()),
    )


@st.composite
def letters_with_texts(draw: st.DrawFn, layout: Layout | str | None = None) -> tuple[Letter, str]:
    """A record and its text, in ``layout`` (a `Layout` or a name in `LAYOUTS`) or in any."""
    letter = draw(letters())
    chosen = draw(layouts()) if layout is None else layout
    return letter, render(letter, chosen)


def letter_texts(layout: Layout | str | None = None) -> st.SearchStrategy[str]:
    """The text of realistic letters, in ``layout`` or in any layout."""
    return letters_with_texts(layout).map(lambda pair: pair[1])
