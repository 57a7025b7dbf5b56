"""A lean driver for the parser Lark builds: Lark's own tables, run by one tight loop, without
importing Lark.

Lark's LALR parser is general: a token passes through a generator chain, a line counter and a
token object with a dozen fields before the parser sees it, and every reduction looks its rule up
by value. A letter is some forty tokens, so that machinery is most of the time spent on it; and
importing Lark is a third of the command's start. So Lark builds the grammar's tables once
(`tables_from_lark`), they are kept as plain data in the per-user cache (`imrparse.grammar`), and
`LeanParser` runs them: the parse table, each state's lexer pattern (the contextual lexer, kept
with its compiled program so that no start of the command compiles it again), and for each rule
the children Lark would pass on (`_rule`s inlined, filtered tokens left out) to the record
builder's method of that name.

It only ever accepts: at the first token it cannot place it raises `Fallback`, and the caller
parses the letter again with Lark itself, whose errors (`UnexpectedInput`) are what the
diagnostics are made from. So a letter that conforms is read by this loop, and one that does not
is judged by Lark, exactly as before. `tests/test_lalr.py` checks that both reduce the same rules
over the same tokens at the same places, build the same records, and fail on the same texts.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from functools import partial
from operator import itemgetter

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from typing import Any

    import lark

    # The tables as plain data (dicts, lists, tuples, strings and ints only, so that
    # `marshal` can keep them): {"start": state, "end": state, "shifts": {state: {symbol:
    # state}}, "reduces": {state: {symbol: rule number}}, "rules": [(name, size, callback
    # name, expand one child, children to pass on as (index, inline) or None for all)],
    # "lexers": {state: [(pattern, flags)]}, "programs": {state: [program]} or None (see
    # `_programs`)}.
    Tables = dict[str, Any]
    # A rule as the tables keep it: its name, its length, the name of its method, whether a
    # single child stands for it (a `?rule`), and the children it passes on (None: all).
    _RuleSpec = tuple[str, int, str, bool, list[tuple[int, bool]] | None]
    # What the driver does in a state on a terminal: shift to a state (an int), or reduce a
    # rule (its name, its length and what to call with its children).
    _Reduce = tuple[str, int, Callable[[list[Any]], Any]]
    _Action = int | _Reduce

__all__ = ["TABLES_FORMAT", "TESTED_LARK", "Fallback", "LeanParser", "Token", "tables_from_lark"]

#: The Lark versions whose tables this driver was tested with (tests/test_lalr.py, 1.1.9 to
#: 1.3.1). With any other, `tables_from_lark` refuses and Lark parses on its own.
TESTED_LARK = ("1.1.", "1.2.", "1.3.")
#: The shape of the tables below; a cache of another shape is built again.
TABLES_FORMAT = 2


class Fallback(Exception):
    """The driver cannot go on: let Lark parse the text (and report what is wrong)."""


class Token(tuple[str, str, int, int, int]):
    """A token: its terminal's name, its text, and where it starts (offset, 1-based line and
    column). The attributes are those of Lark's `Token` that the record builder reads.

    A tuple, so that the driver makes one with a single call into C (`_token`) instead of a
    Python ``__init__`` (a letter is some fifty tokens; the ``__init__`` was 3% of its time)."""

    __slots__ = ()

    def __new__(cls, type_: str, value: str, start_pos: int, line: int, column: int) -> Token:
        return tuple.__new__(cls, (type_, value, start_pos, line, column))

    type = property(itemgetter(0), doc="The terminal's name.")
    value = property(itemgetter(1), doc="The token's text.")
    start_pos = property(itemgetter(2), doc="Its offset in the text.")
    line = property(itemgetter(3), doc="Its 1-based line.")
    column = property(itemgetter(4), doc="Its 1-based column.")

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"


# A token from its five fields in one tuple, with no Python call in between.
_token: Callable[[tuple[str, str, int, int, int]], Token] = partial(tuple.__new__, Token)


class _Node:
    """A rule with no method of its own (a `_rule` or a repetition): its children, which the
    rule that contains it takes over, as Lark's `Tree` does."""

    __slots__ = ("children", "data")

    def __init__(self, data: str, children: list[Any]) -> None:
        self.data, self.children = data, children


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
        "programs": _programs(lexers),
    }


def _programs(lexers: dict[int, list[tuple[str, int]]]) -> dict[int, list[Any]] | None:
    """Each lexer pattern compiled, as the arguments CPython's regex engine makes a pattern
    from (`re._compiler.compile`), or None on another Python.

    Compiling a state's pattern (Lark's terminals joined in one regex) is Python code in the
    `re` module, and a letter meets some thirty states of the letter's and the slots' grammars:
    the first letter of every start of the command took 7.5 ms, for the same patterns every
    time (3.3 ms with the programs). Kept with the tables, whose cache is made for this very
    Python, a pattern is made from its program in microseconds.
    """
    if sys.implementation.name != "cpython":
        return None
    return {
        state: [program_of(pattern, flags) for pattern, flags in patterns]
        for state, patterns in lexers.items()
    }


def program_of(pattern: str, flags: int) -> Any:
    """The arguments CPython's regex engine makes ``pattern`` from (`re._compiler.compile`),
    as plain data that `marshal` keeps; `compile_program` makes the pattern from them."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_compile as _compiler
        import sre_parse as _parser
    parsed = _parser.parse(pattern, flags)
    groups: dict[str, int] = dict(parsed.state.groupdict)
    names: list[str | None] = [None] * parsed.state.groups
    for name, index in groups.items():
        names[index] = name
    # (Plain ints: the code holds named int constants, which marshal cannot keep.)
    code = [int(op) for op in _compiler._code(parsed, flags)]
    return (int(flags | parsed.state.flags), code, parsed.state.groups - 1, groups, tuple(names))


def compile_program(pattern: str, flags: int, program: Any) -> re.Pattern[str]:
    """The pattern, made from its program (`program_of`) when there is one that this Python's
    regex engine takes, else compiled."""
    if program is not None:
        try:
            import _sre  # type: ignore[import-not-found]

            compiled: re.Pattern[str] = _sre.compile(pattern, *program)
            return compiled
        except Exception:  # (another engine's internals: compile, as always)
            pass
    return re.compile(pattern, flags)


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
    repetition_step = method is None and default is None and not expand_single
    if repetition_step and kept[:1] == [(0, True)]:
        # A step of a repetition (``_x_plus: _x_plus x``, left-recursive as Lark makes it):
        # the node of the steps so far grows by this one's children and stands for the rule.
        # Copying its list at every step made reading N paragraphs cost N²/2 steps (issue 13,
        # item 6). The node is used up here: a value on the stack goes to one reduction only.
        rest = kept[1:]

        def grown(children: list[Any]) -> Any:
            node: _Node = children[0]
            passed = node.children
            for index, inline in rest:
                if inline:
                    passed += children[index].children
                else:
                    passed.append(children[index])
            node.data = name
            return node

        return grown

    def filtered(children: list[Any]) -> Any:
        passed: list[Any] = []
        for index, inline in kept:
            if not inline:
                passed.append(children[index])
            elif passed:
                passed += children[index].children
            else:
                # A repetition is left-recursive (``_x_plus: _x_plus x``): its node comes
                # first, so take its list over instead of copying it. Copying made reading N
                # paragraphs cost N²/2 steps (issue 13, item 6); the node is used up here (each
                # value on the stack is passed to one reduction only), as Lark's own
                # ChildFilterLALR does.
                passed = children[index].children
        return whole(passed)

    return filtered


def _check_builder(builder: object, tables: Tables) -> None:
    """Refuse (with `TypeError`: Lark then parses on its own) a builder that Lark would call
    in ways this driver does not: a method named after a terminal (Lark calls it on each token
    of that terminal as it is read), or a rule's method wrapped by `lark.v_args` (Lark passes
    it its children as that wrapper says), or a `lark.visitors.Transformer_InPlace` (Lark passes
    each method a tree)."""
    if any(kind.__name__ == "Transformer_InPlace" for kind in type(builder).__mro__):
        raise TypeError("the builder is a lark.visitors.Transformer_InPlace")
    # (Lark's terminals are the names in capitals; its own anonymous ones, __ANON_n, too.)
    terminals = {symbol for shifts in tables["shifts"].values() for symbol in shifts}
    terminals = {symbol for symbol in terminals if symbol.isupper()}
    for name in sorted(terminals):
        if callable(getattr(builder, name, None)):
            raise TypeError(f"the builder has a method for the terminal {name}")
    for name in sorted({rule[2] for rule in tables["rules"]} | {"__default__"}):
        if getattr(getattr(builder, name, None), "visit_wrapper", None) is not None:
            raise TypeError(f"the builder's method {name} is wrapped by lark.v_args")


def _first_match(
    patterns: list[re.Pattern[str]],
) -> Callable[[str, int], re.Match[str] | None]:
    def scanner(text: str, position: int) -> re.Match[str] | None:
        for pattern in patterns:
            match = pattern.match(text, position)
            if match is not None:
                return match
        return None

    return scanner


class LeanParser:
    """Runs `Tables` on a text, calling ``builder``'s method for each rule it reduces (as Lark's
    embedded transformer does); see the module docstring. One parser may serve many threads:
    `parse` keeps its state on its own stack."""

    def __init__(self, tables: Tables, builder: object) -> None:
        if tables.get("format") != TABLES_FORMAT:
            raise TypeError("tables of another format")
        _check_builder(builder, tables)
        self.start_state: int = tables["start"]
        self.end_state: int = tables["end"]
        rules = [(rule[0], rule[1], _callback(builder, rule)) for rule in tables["rules"]]
        # Shifts and reductions in one table, so that a step looks up one action: Lark's
        # tables never both shift and reduce a state's terminal (LALR has no such conflict).
        self.actions: dict[int, dict[str, _Action]] = {
            state: {
                **{symbol: rules[number] for symbol, number in tables["reduces"][state].items()},
                **shifts,
            }
            for state, shifts in tables["shifts"].items()
        }
        self.gotos: dict[int, dict[str, int]] = tables["shifts"]
        self.lexers: dict[int, list[tuple[str, int]]] = tables["lexers"]
        self.programs: dict[int, list[Any]] = tables.get("programs") or {}
        # Each state's lexer, made when the state is first met (compiling all of them would
        # slow every start of the command): the `match` of its one pattern (Lark joins a
        # state's terminals into one unless there are too many for one regex: then a
        # function trying each in turn).
        self.scanners: dict[int, Callable[[str, int], re.Match[str] | None]] = {}

    def _scanner(self, state: int) -> Callable[[str, int], re.Match[str] | None]:
        if state not in self.lexers:
            raise Fallback
        programs = self.programs.get(state) or [None] * len(self.lexers[state])
        patterns = [
            compile_program(pattern, flags, program)
            for (pattern, flags), program in zip(self.lexers[state], programs, strict=True)
        ]
        scanner = patterns[0].match if len(patterns) == 1 else _first_match(patterns)
        self.scanners[state] = scanner
        return scanner

    def parse(self, text: str) -> Any:
        """What the start rule's method returns for ``text``; raise `Fallback` where the text
        leaves the grammar."""
        actions, gotos, scanners = self.actions, self.gotos, self.scanners
        end_state = self.end_state
        state_stack = [self.start_state]
        value_stack: list[Any] = []
        push_state, push_value = state_stack.append, value_stack.append
        position, line, line_start, length = 0, 1, 0, len(text)
        while True:
            state = state_stack[-1]
            if position < length:
                match = (scanners.get(state) or self._scanner(state))(text, position)
                if match is None:
                    raise Fallback
                value = match.group()
                kind = match.lastgroup or ""
                token: Token | None = _token(
                    (kind, value, position, line, position - line_start + 1)
                )
                newlines = value.count("\n")
                if newlines:
                    line += newlines
                    line_start = position + value.rindex("\n") + 1
                position = match.end()
            else:
                kind, token = "$END", None
            while True:
                action = actions[state].get(kind)
                if type(action) is int:
                    if token is None:
                        raise Fallback  # (the parse ends by a reduction, never a shift)
                    push_state(action)
                    push_value(token)
                    break
                if action is None:
                    raise Fallback
                name, size, callback = action  # type: ignore[misc]
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                push_value(callback(children))
                state = gotos[state_stack[-1]][name]
                push_state(state)
                if token is None and state == end_state:
                    return value_stack[-1]
