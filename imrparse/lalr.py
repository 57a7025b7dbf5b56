"""A lean driver for the parser Lark builds: Lark's own tables, run by one tight loop, without
importing Lark.

Lark's LALR parser is general: a token passes through a generator chain, a line counter and a
token object with a dozen fields before the parser sees it, and every reduction looks its rule up
by value. A letter is some forty tokens, so that machinery is most of the time spent on it; and
importing Lark is a third of the command's start. So Lark builds the grammar's tables once
(`tables_from_lark`), they are kept as plain data in the per-user cache (`imrparse.grammar`), and
`LeanParser` runs them: the parse table, each state's lexer pattern (the contextual lexer), and
for each rule the children Lark would pass on (`_rule`s inlined, filtered tokens left out) to the
record builder's method of that name.

It only ever accepts: at the first token it cannot place it raises `Fallback`, and the caller
parses the letter again with Lark itself, whose errors (`UnexpectedInput`) are what the
diagnostics are made from. So a letter that conforms is read by this loop, and one that does not
is judged by Lark, exactly as before. `tests/test_lalr.py` checks that both reduce the same rules
over the same tokens at the same places, build the same records, and fail on the same texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import lark

__all__ = ["TABLES_FORMAT", "TESTED_LARK", "Fallback", "LeanParser", "Token", "tables_from_lark"]

#: The Lark versions whose tables this driver was tested with (tests/test_lalr.py, 1.1.9 to
#: 1.3.1). With any other, `tables_from_lark` refuses and Lark parses on its own.
TESTED_LARK = ("1.1.", "1.2.", "1.3.")
#: The shape of the tables below; a cache of another shape is built again.
TABLES_FORMAT = 1


class Fallback(Exception):
    """The driver cannot go on: let Lark parse the text (and report what is wrong)."""


class Token:
    """A token: its terminal's name, its text, and where it starts (offset, 1-based line and
    column). The attributes are those of Lark's `Token` that the record builder reads."""

    __slots__ = ("column", "line", "start_pos", "type", "value")

    def __init__(self, type_: str, value: str, start_pos: int, line: int, column: int) -> None:
        self.type, self.value = type_, value
        self.start_pos, self.line, self.column = start_pos, line, column

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"


class _Node:
    """A rule with no method of its own (a `_rule` or a repetition): its children, which the
    rule that contains it takes over, as Lark's `Tree` does."""

    __slots__ = ("children", "data")

    def __init__(self, data: str, children: list[Any]) -> None:
        self.data, self.children = data, children


# The tables as plain data (dicts, lists, tuples, strings and ints only, so that `marshal` can
# keep them): {"start": state, "end": state, "shifts": {state: {symbol: state}},
# "reduces": {state: {symbol: rule number}}, "rules": [(name, size, callback name, expand one
# child, children to pass on as (index, inline) or None for all)], "lexers": {state: [(pattern,
# flags)]}}.
Tables = dict[str, Any]
# A rule as the tables keep it: its name, its length, the name of its method, whether a single
# child stands for it (a `?rule`), and the children it passes on (None: all).
_RuleSpec = tuple[str, int, str, bool, list[tuple[int, bool]] | None]


def tables_from_lark(parser: lark.Lark) -> Tables:
    """The tables of a built `lark.Lark` (LALR, contextual lexer). Raise `TypeError` when they
    need what this driver does not do (token callbacks, ignored terminals, another Lark)."""
    import lark
    from lark.parsers.lalr_analysis import Shift

    if not lark.__version__.startswith(TESTED_LARK):
        raise TypeError(f"not tested with Lark {lark.__version__}")
    if parser.options.keep_all_tokens or parser.options.maybe_placeholders:
        raise TypeError("placeholders and kept tokens need Lark's own parser")
    frontend = parser.parser
    table = frontend.parser.parser.parse_table
    rules: list[Any] = []
    numbers: dict[Any, int] = {}
    shifts: dict[int, dict[str, int]] = {}
    reduces: dict[int, dict[str, int]] = {}
    for state, actions in table.states.items():
        shifts[state], reduces[state] = {}, {}
        for symbol, (action, argument) in actions.items():
            # (Names as plain strings: Lark's may be str subclasses, which marshal refuses.)
            if action is Shift:
                shifts[state][str(symbol)] = int(argument)
                continue
            if argument not in numbers:
                numbers[argument] = len(rules)
                rules.append(argument)
            reduces[state][str(symbol)] = numbers[argument]
    lexers: dict[int, list[tuple[str, int]]] = {}
    for state, lexer in frontend.lexer.lexers.items():
        patterns = lexer.scanner._mres
        if lexer.callback or lexer.ignore_types:
            raise TypeError("token callbacks and ignored terminals need Lark's own lexer")
        lexers[state] = [(str(pattern.pattern), int(pattern.flags)) for pattern in patterns]
    return {
        "format": TABLES_FORMAT,
        "start": int(table.start_states["start"]),
        "end": int(table.end_states["start"]),
        "shifts": shifts,
        "reduces": reduces,
        "rules": [_rule(rule) for rule in rules],
        "lexers": lexers,
    }


def _rule(rule: Any) -> _RuleSpec:
    """What Lark's tree builder does for a rule (lark.parse_tree_builder): the children it
    passes on (tokens of filtered terminals left out, `_rule`s inlined), and whether a `?rule`
    with one child gives that child."""
    if rule.options.keep_all_tokens or rule.options.template_source:
        raise TypeError("kept tokens and templates need Lark's own parser")
    expansion = rule.expansion
    kept = [
        (index, not symbol.is_term and symbol.name.startswith("_"))
        for index, symbol in enumerate(expansion)
        if not (symbol.is_term and symbol.filter_out)
    ]
    filtered = len(kept) < len(expansion) or any(inline for _, inline in kept)
    return (
        str(rule.origin.name),
        len(expansion),
        str(rule.alias or rule.origin.name),
        bool(rule.options.expand1 and not rule.alias),
        kept if filtered else None,
    )


def _callback(builder: object, rule: _RuleSpec) -> Callable[[list[Any]], Any]:
    """What a reduction of ``rule`` calls with its children: as Lark's tree builder would, the
    builder's method of the rule's name, else its ``__default__``, else a `_Node`."""
    _, _, name, expand_single, kept = rule
    method = getattr(builder, name, None)
    default = getattr(builder, "__default__", None)

    def build(children: list[Any]) -> Any:
        if expand_single and len(children) == 1:
            return children[0]
        if method is not None:
            return method(children)
        if default is not None:
            return default(name, children, None)
        return _Node(name, children)

    # The common case, a method and no `?rule`, is the method itself, with no call in between.
    whole = method if method is not None and not expand_single else build
    if kept is None:
        return whole

    def filtered(children: list[Any]) -> Any:
        passed: list[Any] = []
        for index, inline in kept:
            if inline:
                passed += children[index].children
            else:
                passed.append(children[index])
        return whole(passed)

    return filtered


class LeanParser:
    """Runs `Tables` on a text, calling ``builder``'s method for each rule it reduces (as Lark's
    embedded transformer does); see the module docstring."""

    def __init__(self, tables: Tables, builder: object) -> None:
        if tables.get("format") != TABLES_FORMAT:
            raise TypeError("tables of another format")
        self.start_state: int = tables["start"]
        self.end_state: int = tables["end"]
        self.shifts: dict[int, dict[str, int]] = tables["shifts"]
        rules = [(rule[0], rule[1], _callback(builder, rule)) for rule in tables["rules"]]
        self.reduces: dict[int, dict[str, tuple[str, int, Callable[[list[Any]], Any]]]] = {
            state: {symbol: rules[number] for symbol, number in actions.items()}
            for state, actions in tables["reduces"].items()
        }
        self.lexers: dict[int, list[tuple[str, int]]] = tables["lexers"]
        # Each state's compiled patterns, made when the state is first met (compiling all of
        # them would slow every start of the command).
        self.scanners: dict[int, list[re.Pattern[str]]] = {}

    def _scanner(self, state: int) -> list[re.Pattern[str]]:
        if state not in self.lexers:
            raise Fallback
        patterns = [re.compile(pattern, flags) for pattern, flags in self.lexers[state]]
        self.scanners[state] = patterns
        return patterns

    def parse(self, text: str) -> Any:
        """What the start rule's method returns for ``text``; raise `Fallback` where the text
        leaves the grammar."""
        shifts, reduces, scanners = self.shifts, self.reduces, self.scanners
        end_state = self.end_state
        state_stack = [self.start_state]
        value_stack: list[Any] = []
        position, line, line_start, length = 0, 1, 0, len(text)
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
                token: Token | None = Token(kind, value, position, line, position - line_start + 1)
                newlines = value.count("\n")
                if newlines:
                    line += newlines
                    line_start = position + value.rindex("\n") + 1
                position += len(value)
            else:
                kind, token = "$END", None
            while True:
                state = state_stack[-1]
                target = shifts[state].get(kind)
                if target is not None and token is not None:
                    state_stack.append(target)
                    value_stack.append(token)
                    break
                reduce = reduces[state].get(kind)
                if reduce is None:
                    raise Fallback
                name, size, callback = reduce
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                value_stack.append(callback(children))
                state_stack.append(shifts[state_stack[-1]][name])
                if token is None and state_stack[-1] == end_state:
                    return value_stack[-1]
