"""The small grammars that read inside a slot: a guideline's statements (grammar/guideline.lark)
and an item paragraph's forms (grammar/item.lark).

Unlike the letter grammar, a text such a grammar does not accept is no error: it is simply not
what the grammar describes (an unrecognized sentence, a whole-request item), so no diagnostics
are made. Each is run by the lean driver (`imrparse.lalr`) over its tables, kept in the
per-user cache (`imrparse.grammar.cached_tables`): reading imports no Lark. With a Lark whose
tables the driver does not run, Lark itself reads.
"""

from __future__ import annotations

from .grammar import cached_tables
from .lalr import Fallback, LeanParser
from .resources import read_grammar

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from typing import Any

    import lark

__all__ = ["SlotGrammar"]


class SlotGrammar:
    """One small grammar of grammar/, its parser built on first use. The builder's methods
    (one per rule, as for Lark's embedded transformer) must keep no state between texts, so
    that threads may share it."""

    def __init__(self, file: str, builder: object) -> None:
        self.file = file
        self.builder = builder
        self._lean: LeanParser | None = None
        self._lark: Any = None

    def build_parser(self, *, transformer: Any = None) -> lark.Lark:
        """A new Lark parser of the grammar: the maker of the lean tables, the reader where
        the driver cannot run, and the reference tests compare the driver with. With a
        ``transformer`` it returns what ``start`` returns, as the lean driver does."""
        import lark  # here: reading with the lean driver needs no Lark

        return lark.Lark(
            read_grammar(self.file),
            # LALR with a contextual lexer: what the lean driver runs; each free-text field is
            # one token, whose pattern (by its lookahead) decides where the field ends.
            parser="lalr",
            lexer="contextual",
            # The lean driver passes on only the children that are there.
            maybe_placeholders=False,
            transformer=transformer,
        )

    def tables(self) -> dict[str, Any]:
        grammar = read_grammar(self.file)
        name = self.file.removesuffix(".lark") + "-tables"
        return cached_tables(name, grammar, (), self.build_parser)

    @property
    def uses_lean_driver(self) -> bool:
        """Whether the lean driver reads (else Lark itself: see the module docstring)."""
        self._prepare()
        return self._lean is not None

    def _prepare(self) -> None:
        if self._lean is None and self._lark is None:
            try:
                self._lean = LeanParser(self.tables(), self.builder)
            except TypeError:  # a Lark whose tables the lean driver does not run
                self._lark = self.build_parser(transformer=self.builder)

    def read(self, text: str) -> Any:
        """What the grammar's ``start`` gives for ``text``; ``None`` when it does not read the
        text whole."""
        self._prepare()
        if self._lean is not None:
            try:
                return self._lean.parse(text)
            except Fallback:
                return None
        from lark.exceptions import UnexpectedInput

        try:
            return self._lark.parse(text)
        except UnexpectedInput:
            return None
