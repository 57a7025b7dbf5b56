"""A lean driver for the parser Lark builds: the same tables, lexers and callbacks, run by one
tight loop.

Lark's LALR parser is general: a token passes through a generator chain, a line counter and a
token object with a dozen fields before the parser sees it, and every reduction looks its rule up
by value. A letter is some forty tokens, so that machinery is most of the time spent on it. This
module runs Lark's own parse table, per-state lexers (the contextual lexer) and rule callbacks
(the record builder) in one function, with each state's actions resolved once, when the driver
is built.

It only ever accepts: at the first token it cannot place it raises `Fallback`, and the caller
parses the letter again with Lark itself, whose errors (`UnexpectedInput`) are what the
diagnostics are made from. So a letter that conforms is read by this loop, and one that does not
is judged by Lark, exactly as before. `tests/test_lalr.py` checks that both reduce the same rules
over the same tokens at the same places, build the same records, and fail on the same texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import lark
from lark import Token
from lark.parsers.lalr_analysis import Shift

__all__ = ["TESTED_LARK", "Fallback", "LeanParser"]

#: The Lark versions whose insides this driver was tested with (tests/test_lalr.py, 1.1.9 to
#: 1.3.1). With any other, `LeanParser` refuses to be built and Lark parses on its own.
TESTED_LARK = ("1.1.", "1.2.", "1.3.")


class Fallback(Exception):
    """The driver cannot go on: let Lark parse the text (and report what is wrong)."""


# A reduction: the rule's callback, how many values it takes off the stack, and the rule's name
# (which says the state to go to next).
_Reduce = tuple[Callable[[list[Any]], Any], int, str]


class LeanParser:
    """Runs a built `lark.Lark` (LALR, contextual lexer) on a text; see the module docstring."""

    def __init__(self, parser: lark.Lark) -> None:
        if not lark.__version__.startswith(TESTED_LARK):
            raise TypeError(f"not tested with Lark {lark.__version__}")
        frontend = parser.parser
        table_parser = frontend.parser.parser
        table = table_parser.parse_table
        callbacks = table_parser.callbacks
        self.start_state: int = table.start_states["start"]
        self.end_state: int = table.end_states["start"]
        self.shifts: dict[int, dict[str, int]] = {}
        self.reduces: dict[int, dict[str, _Reduce]] = {}
        for state, actions in table.states.items():
            shifts = self.shifts[state] = {}
            reduces = self.reduces[state] = {}
            for symbol, (action, argument) in actions.items():
                if action is Shift:
                    shifts[symbol] = argument
                else:
                    reduces[symbol] = (
                        callbacks[argument],
                        len(argument.expansion),
                        argument.origin.name,
                    )
        if any(isinstance(name, str) for name in callbacks):
            raise TypeError("token callbacks need Lark's own parser")
        self.lexers = frontend.lexer.lexers
        # Each state's compiled patterns, made when the state is first met (compiling all of
        # them would slow every start of the command).
        self.scanners: dict[int, list[re.Pattern[str]]] = {}

    def _scanner(self, state: int) -> list[re.Pattern[str]]:
        lexer = self.lexers.get(state)
        if lexer is None:
            raise Fallback
        patterns: list[re.Pattern[str]] = lexer.scanner._mres
        if lexer.callback or lexer.ignore_types:
            # Lark's own lexer re-types or skips some tokens here: let it.
            raise Fallback
        self.scanners[state] = patterns
        return patterns

    def parse(self, text: str) -> Any:
        """What the start rule's callback returns for ``text``; raise `Fallback` where the text
        leaves the grammar."""
        shifts, reduces, scanners = self.shifts, self.reduces, self.scanners
        end_state = self.end_state
        state_stack = [self.start_state]
        value_stack: list[Any] = []
        position, line, line_start, length = 0, 1, 0, len(text)
        token = Token("$END", "", 0, 1, 1)
        while True:
            state = state_stack[-1]
            if position < length:
                for pattern in scanners.get(state) or self._scanner(state):
                    match = pattern.match(text, position)
                    if match is not None:
                        break
                else:
                    raise Fallback
                value = match.group()
                kind = match.lastgroup or ""
                token = Token(kind, value, position, line, position - line_start + 1)
                newlines = value.count("\n")
                if newlines:
                    line += newlines
                    line_start = position + value.rindex("\n") + 1
                position += len(value)
            else:
                kind = "$END"
                token = Token.new_borrow_pos("$END", "", token)
            while True:
                state = state_stack[-1]
                target = shifts[state].get(kind)
                if target is not None and kind != "$END":
                    state_stack.append(target)
                    value_stack.append(token)
                    break
                reduce = reduces[state].get(kind)
                if reduce is None:
                    raise Fallback
                callback, size, name = reduce
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                value_stack.append(callback(children))
                state_stack.append(shifts[state_stack[-1]][name])
                if kind == "$END" and state_stack[-1] == end_state:
                    return value_stack[-1]
