"""Normal text to its record: the choice of parser, letter by letter.

A letter that conforms is read by the lean driver (`imrparse.lalr`) over the grammar's cached
tables, with no Lark imported; at the first token the driver cannot place, Lark itself parses the
letter again, and its error is what the diagnostics are made from (`imrparse.diagnose`). Either
way the record is built as the parser goes, by `imrparse.transform.LetterBuilder`.
"""

from __future__ import annotations

import threading

from .grammar import build_parser, lean_tables
from .lalr import Fallback, LeanParser
from .transform import LetterBuilder
from .value import Value

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from typing import Any

    from lark.exceptions import UnexpectedInput

    from .errors import Diagnostic
    from .normalize import NormalText
    from .record import Letter
    from .transform import HeaderPositions

__all__ = ["Reading", "read_letter"]


class _Parsers(threading.local):
    """Each thread's parsers, with its own builder inside (a builder holds one letter's state):
    the lean driver, and Lark itself, built only when a letter needs it."""

    def __init__(self) -> None:
        self.builder = LetterBuilder()
        self.lean: LeanParser | None
        try:
            self.lean = LeanParser(lean_tables(), self.builder)
        except TypeError:  # a Lark whose tables this driver does not run
            self.lean = None
        self.lark: Any = None

    def read(self, normal: NormalText) -> Reading:
        builder = self.builder
        builder.begin(normal)
        if self.lean is not None:
            try:
                letter: Letter = self.lean.parse(normal.text)
                return _reading(builder, letter, None)
            except Fallback:
                builder.begin(normal)  # Lark itself says what is wrong: start over
        from lark.exceptions import UnexpectedInput  # loaded only once a letter needs it

        if self.lark is None:
            self.lark = build_parser(disk_cache=True, transformer=builder)
        try:
            letter = self.lark.parse(normal.text)
        except UnexpectedInput as error:
            return _reading(builder, None, error)
        return _reading(builder, letter, None)


class Reading(Value):
    """What reading one letter gave: the record, or where the text left the grammar; and the
    problems found in the parts read before that."""

    __slots__ = ("letter", "error", "diagnostics", "header_positions", "unlisted")

    letter: Letter | None
    error: UnexpectedInput | None
    diagnostics: list[Diagnostic]
    #: Where each case header field stands in the original input, for later checks.
    header_positions: HeaderPositions
    #: Problems found past the ones listed in ``diagnostics``: counted, not located.
    unlisted: int

    def __init__(
        self,
        letter: Letter | None,
        error: UnexpectedInput | None,
        diagnostics: list[Diagnostic],
        header_positions: HeaderPositions,
        unlisted: int = 0,
    ) -> None:
        super().__init__(letter, error, diagnostics, header_positions, unlisted)


def _reading(
    builder: LetterBuilder, letter: Letter | None, error: UnexpectedInput | None
) -> Reading:
    return Reading(letter, error, builder.diagnostics, builder.header_positions, builder.unlisted)


_parsers: _Parsers | None = None


def read_letter(normal: NormalText) -> Reading:
    """Parse normal text into its record, building it as the parser goes."""
    global _parsers
    if _parsers is None:
        _parsers = _Parsers()
    return _parsers.read(normal)
