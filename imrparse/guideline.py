"""A guideline slot's text to a `Guideline` record (LETTER-FORMAT §4, "Guideline statements").

``read_guideline(text)`` cuts the text into statements (where, and what becomes of sentences
between statements, is set out at the top of grammar/guideline.lark), reads each statement
with that grammar, and sums up what the statements say:

- ``citations``: every citation of every statement that was read whole, in text order. A
  statement the grammar rejects gives none, whatever it looks like (never half a citation);
- ``basis``: ``citations`` when there is one; else what the first basis sentence says
  (``outside-mtus`` or ``no-evidence``; §4 does not say which wins when a text has both, and
  the first said is the one read); else ``None``;
- ``mtus``: ``True`` when any citation is MTUS; ``False`` when there are citations and none
  is, or the basis is ``outside-mtus`` or ``no-evidence``; else ``None``;
- ``text``: the text as given.

Statements are read by the lean driver over the grammar's cached tables (`imrparse.slots`): a
statement costs about ten microseconds, one read before (letters cite from a small catalogue)
a hundredth of that, and reading imports no Lark. A statement the grammar does not read is no
error: no diagnostics are made for guideline text.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from .grammar import compiled, first_words
from .record import Basis, Citation, CitationSource, Guideline
from .slots import SlotGrammar

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["read_guideline"]


@cache
def _statement_break() -> re.Pattern[str]:
    """Where statements start (grammar/guideline.lark, top): at a paragraph break, and at a
    space where an opener follows (a period before it stays with the statement before). The
    openers are the words `start`'s alternatives begin with, read from the grammar."""
    openers = "|".join(re.escape(words) for words in first_words("guideline.lark", "start"))
    return compiled(rf"\n\n| (?=(?:{openers}))")


#: What one statement says: its citations, or the basis a fixed sentence states.
Statement = tuple[Citation, ...] | Basis

#: A longer statement is not read (grammar/guideline.lark, top). Real ones have at most 261
#: characters; reading a field takes the regex engine memory in proportion to its length, and
#: a hostile megabyte-long one would take hundreds of megabytes.
MAX_STATEMENT_LENGTH = 2000


class StatementBuilder:
    """One method per rule of grammar/guideline.lark, called as the parser reduces it (by the
    lean driver, or by Lark as its embedded transformer): no parse tree is built. Tokens are
    read by ``.value``, which Lark's tokens and the lean driver's both have."""

    def start(self, children: list[Statement]) -> Statement:
        return children[0]

    def decision_based_on(self, children: list[Citation]) -> tuple[Citation, ...]:
        return tuple(children)

    def mtus_part(self, children: list[Any]) -> Citation:
        part, year, *sections = children
        return Citation(
            CitationSource.MTUS,
            part.value,
            year=int(year.value),
            sections=sections[0].value if sections else None,
        )

    def mtus_older(self, children: list[Any]) -> Citation:
        title, *pages = children
        return Citation(CitationSource.MTUS, title.value, pages=pages[0].value if pages else None)

    def non_mtus(self, children: list[Any]) -> Citation:
        return Citation(CitationSource.NON_MTUS, children[0].value)

    def outside_mtus(self, children: list[Any]) -> Basis:
        return Basis.OUTSIDE_MTUS

    def no_evidence(self, children: list[Any]) -> Basis:
        return Basis.NO_EVIDENCE


#: The grammar, read by the lean driver (or by Lark where the driver cannot run).
GRAMMAR = SlotGrammar("guideline.lark", StatementBuilder())


# Letters cite from a small catalogue (the same MTUS parts and sections, the same two fixed
# sentences), so most statements were read before: a hit costs under a hundredth of a parse
# (0.1 against 10 µs). What is kept is immutable (frozen citations, an enum): safe to share.
@lru_cache(maxsize=4096)
def read_statement(statement: str) -> Statement | None:
    """What one statement says, or ``None`` when the grammar does not read it whole."""
    said: Statement | None = GRAMMAR.read(statement)
    return said


def statements(text: str) -> list[str]:
    """A guideline text cut into statements (grammar/guideline.lark, top); empty ones left out."""
    return [piece for piece in _statement_break().split(text) if piece]


def read_guideline(text: str) -> Guideline:
    """A guideline slot's text (whitespace-normalized, paragraphs joined by ``"\\n\\n"``) as a
    `Guideline`: its citations, its basis and whether it rests on the MTUS (see the module
    docstring). Never raises on any text; ``text`` is kept as given."""
    citations: list[Citation] = []
    stated: Basis | None = None
    for statement in statements(text):
        if len(statement) > MAX_STATEMENT_LENGTH:
            continue
        said = read_statement(statement)
        if isinstance(said, Basis):
            stated = stated or said
        elif said is not None:
            citations += said
    if citations:
        mtus = any(c.source is CitationSource.MTUS for c in citations)
        return Guideline(text, Basis.CITATIONS, mtus, tuple(citations))
    if stated is not None:
        return Guideline(text, stated, False, ())
    return Guideline(text, None, None, ())
