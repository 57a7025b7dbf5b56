"""Load grammar/imr.lark and build the parser, the parse tables the lean driver runs, and
`Words`: the letter's fixed words, by what they are, for every module that needs one.

The grammar is the one home of the letter's words. Python never spells a heading, a label or
a boilerplate sentence, nor names their terminals: it asks `words()` for "the heading that
opens the letter", "the label of the rationale", "the case header's labels", which are read
from Lark's own definitions of the grammar's terminals and rules. So a reworded heading or a
renamed terminal needs no edit here or anywhere else in the package.

Two conventions go beyond Lark, both applied as the parser is built (Lark's `edit_terminals`):

- a space inside a quoted string matches one space *or one line break*, since a PDF tool may
  wrap a line at any space;
- two placeholders in the free-text terminals (grammar/terminals.lark) are filled in from the
  words: ``@LETTER_LINES@``, the first words of each of the letter's own lines (a free-text
  paragraph never runs on into one of them), and ``@ITEM_LABEL@``, the words of the label that
  follows an item.

The Lark parser, the tables and the words are kept in a per-user cache folder between runs;
`cached_tables` keeps the slot grammars' tables there too (grammar/guideline.lark's, ...).
"""

from __future__ import annotations

import marshal
import os
import re
import sys
import zlib
from functools import cache

from . import lalr
from .lalr import TABLES_FORMAT, tables_from_lark
from .resources import grammar_dir, read_grammar
from .value import Value

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    import lark

    from .lalr import Tables

__all__ = [
    "GRAMMAR_FILE",
    "TERMINALS_USED",
    "Words",
    "build_parser",
    "cached_tables",
    "compiled",
    "first_words",
    "grammar_text",
    "lean_tables",
    "parser",
    "words",
]

GRAMMAR_FILE = "imr.lark"
#: The files the letter grammar imports (its cache keys include them).
_IMPORTS = ("terminals.lark",)

#: The terminals Python refers to by name: the slots' values and the free text, not the
#: letter's words (a test checks that each is in the grammar).
TERMINALS_USED = (
    "LINE", "PARA_LINE", "REST", "ITEM_TEXT", "CASE_NUMBER", "DATE", "STANDARD", "EXPEDITED",
    "UPHELD", "OVERTURNED", "_SP", "_NL", "_HEADER_END",
)  # fmt: skip


def grammar_text() -> str:
    """The letter grammar's text, as the file holds it."""
    return read_grammar(GRAMMAR_FILE)


class Words(Value):
    """The letter's fixed words, by what they are (see the module docstring)."""

    __slots__ = ("literal", "whole_lines", "first", "header")

    #: Each terminal of the letter's own words (a heading, a boilerplate paragraph, a label)
    #: and its words, as the grammar writes them.
    literal: dict[str, str]
    #: Those that are a whole line (a heading, a boilerplate paragraph); the others are labels
    #: that text follows on their line.
    whole_lines: frozenset[str]
    #: For each rule that the letter's words begin, the terminal that begins it (``start``: the
    #: heading that opens the letter; ``summary``; ``rationale``: its label; ...).
    first: dict[str, str]
    #: The case header's fields, in the record's order, and the terminal of each one's label.
    header: dict[str, str]

    def __init__(
        self,
        literal: dict[str, str],
        whole_lines: frozenset[str],
        first: dict[str, str],
        header: dict[str, str],
    ) -> None:
        super().__init__(literal, whole_lines, first, header)

    @property
    def opening(self) -> str:
        """The terminal of the heading that opens a letter (after its case header)."""
        return self.first["start"]

    @property
    def anchors(self) -> tuple[str, ...]:
        """The headings and label every letter has: a text with none is no letter."""
        return tuple(self.first[rule] for rule in ("start", "summary", "issues", "rationale"))

    def label(self, rule: str) -> str:
        """The words of the terminal that begins ``rule`` (e.g. "Decision rationale:")."""
        return self.literal[self.first[rule]]

    def header_label(self, field: str) -> str:
        """A case header field's label, without its colon ("Date of Injury")."""
        return self.literal[self.header[field]].removesuffix(":")

    def header_labels(self) -> dict[str, str]:
        """Each case header field, in the record's order, and its label without the colon."""
        return {field: self.header_label(field) for field in self.header}

    def to_data(self) -> dict[str, Any]:
        return {
            "literal": self.literal,
            "whole_lines": sorted(self.whole_lines),
            "first": self.first,
            "header": list(self.header.items()),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Words:
        return cls(
            dict(data["literal"]),
            frozenset(data["whole_lines"]),
            dict(data["first"]),
            dict(data["header"]),
        )


@cache
def words() -> Words:
    """The letter's words, from the per-user cache when it holds them for this very grammar
    (loading them imports nothing), else read from the grammar with Lark and kept there."""
    data = _cached("words", grammar_text(), _IMPORTS, lambda: _read_words().to_data())
    return Words.from_data(data)


def _read_words() -> Words:
    """The words, from Lark's own reading of the grammar: its terminal definitions (those made
    of one quoted string, perhaps with line breaks or spaces around it, are the letter's words)
    and its rules (which rule each begins, and the case header's fields)."""
    from lark.load_grammar import GrammarBuilder

    builder = GrammarBuilder(False, [grammar_dir()])
    builder.load_grammar(grammar_text(), GRAMMAR_FILE)
    grammar = builder.build()
    literal: dict[str, str] = {}
    whole_lines: set[str] = set()
    for name, (tree, _priority) in grammar.term_defs:
        if not name.startswith("_"):
            continue  # a value the record keeps (Upheld, Standard), not words of the letter's
        strings = [_unquote(t) for t in tree.scan_values(_is_string)]
        said = [text for text in strings if text.strip()]
        if len(said) == 1 and len(said[0]) > 1:
            literal[name] = said[0]
            if strings[-1] == "\n":
                whole_lines.add(name)
    first: dict[str, str] = {}
    header: dict[str, str] = {}
    for rule in grammar.rule_defs:
        name, tree = rule[0], rule[2]
        if name == "header_field":
            for alias in tree.find_data("alias"):
                label = next(t.name for t in alias.children[0].scan_values(_is_terminal))
                field: Any = alias.children[1]  # the alias: the record field's name
                header[str(field.name)] = str(label)
            continue
        terminals = [t.name for t in tree.scan_values(_is_terminal)]
        leading = next((t for t in terminals if t in literal), None)
        if leading is not None and terminals.index(leading) <= 1:
            first[str(name)] = str(leading)
    return Words(literal, frozenset(whole_lines), first, header)


def first_words(file: str, rule: str) -> tuple[str, ...]:
    """The words each alternative of ``rule`` in the grammar ``file`` (of grammar/) begins with,
    read from Lark's own definitions (and kept in the per-user cache): so the Python that looks
    for where a rule begins keeps no copy of them."""
    text = read_grammar(file)
    name = f"{file.removesuffix('.lark')}-{rule}-first"
    data = _cached(name, text, (), lambda: {"words": sorted(_first_words(file, text, rule))})
    return tuple(data["words"])


def _first_words(file: str, text: str, rule: str) -> set[str]:
    from lark.load_grammar import GrammarBuilder

    builder = GrammarBuilder(False, [grammar_dir()])
    builder.load_grammar(text, file)
    grammar = builder.build()
    rules = {name: tree for name, _, tree, *_ in grammar.rule_defs}
    terminals = {name: tree for name, (tree, _) in grammar.term_defs}

    def first(tree: Any) -> set[str]:
        kind = getattr(tree, "data", None)
        if kind in ("expansions", "alias"):
            found: set[str] = set()
            for child in tree.children:
                if getattr(child, "data", None) in ("expansion", "expansions", "alias"):
                    found |= first(child)
            return found
        if kind in ("expansion", "value", "expr", "literal"):
            return first(tree.children[0])
        if _is_string(tree):
            return {_unquote(tree)}
        if _is_terminal(tree):
            return first(terminals[tree.name])
        return first(rules[tree.name])  # a rule (NonTerminal)

    return first(rules[rule])


def _is_string(value: object) -> bool:
    return getattr(value, "type", None) == "STRING"


def _is_terminal(value: object) -> bool:
    return type(value).__name__ == "Terminal"


def _unquote(token: object) -> str:
    """A quoted Lark string's text, its escapes (such as \\n) read as Python reads them (the
    grammar's strings are written as Python's are), and its flags (``"..."i``) left out."""
    import ast  # here: only building the words needs it

    body = str(token)
    return str(ast.literal_eval(body[: body.rindex('"') + 1]))


def _letter_lines(found: Words) -> str:
    """A regex of the first words of every line of the letter's own (not the case header's):
    a free-text paragraph never runs on into one. Words may be apart by any whitespace."""
    header = set(found.header.values())
    starts = {
        r"\s".join(re.escape(word) for word in text.split(" ")[:2])
        for name, text in found.literal.items()
        if name not in header
    }
    return "|".join(sorted(starts))


class _Conventions:
    """Lark's `edit_terminals` hook: the grammar's two conventions (the module docstring). A
    class, not a closure: Lark keeps its options, this hook among them, in its cache file."""

    def __init__(self, found: Words) -> None:
        self.lines = _letter_lines(found)
        self.item_label = r"\s".join(
            re.escape(word) for word in found.label("claims_administrator_guideline").split(" ")
        )

    def __call__(self, terminal: Any) -> None:
        from lark.lexer import PatternRE, PatternStr

        pattern = terminal.pattern
        if isinstance(pattern, PatternStr):
            if " " not in pattern.value:
                return
            regex = r"[ \n]".join(re.escape(word) for word in pattern.value.split(" "))
        else:
            # Lark writes a quoted string's space as "\ " in the terminal's regex.
            regex = pattern.value.replace("\\ ", r"[ \n]")
        regex = regex.replace("@LETTER_LINES@", self.lines)
        regex = regex.replace("@ITEM_LABEL@", self.item_label)
        terminal.pattern = PatternRE(regex, pattern.flags, pattern.raw)


def _cache_folder() -> str | None:
    """The per-user cache folder (not the shared temp dir), or None where it cannot be written."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "imrparse")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def _cache_file(text: str) -> str | None:
    """A per-user cache file for the built parser, named for the grammar and Lark version."""
    import hashlib

    import lark

    folder = _cache_folder()
    if folder is None:
        return None
    key = hashlib.sha256(f"{lark.__version__}\0{text}".encode()).hexdigest()[:20]
    return os.path.join(folder, f"parser-{key}.lark-cache")


def _lark_origin() -> str:
    """Where Lark's ``__init__.py`` is, found without importing Lark (nor importlib.util, a
    good part of a start): the first ``lark`` package on the path."""
    for folder in sys.path:
        candidate = os.path.join(folder or ".", "lark", "__init__.py")
        if os.path.isfile(candidate):
            return candidate
    return ""


def _tables_key(text: str, imports: tuple[str, ...]) -> str:
    """Everything a cached table or program depends on: the grammar as Lark reads it, or the
    pattern (``text``), the files it imports, and what made it (`_makers`)."""
    imported = [read_grammar(name) for name in imports]
    return "\0".join([*_makers(), text, *imported])


@cache
def _makers() -> tuple[str, ...]:
    """What made every cached table and program, the same for all of them in a process: the
    tables' format, the Python, the Lark (where it is and its files' time) and the driver's
    own source (tables another version of it wrote are made again)."""
    origin = _lark_origin()
    try:
        stamp = os.stat(origin).st_mtime_ns if origin else 0
    except OSError:
        stamp = 0
    with open(lalr.__file__, encoding="utf-8") as file:
        driver = file.read()
    return str(TABLES_FORMAT), sys.version, origin, str(stamp), driver


def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile`, with the compiled program kept in the per-user cache (`cached_tables`).

    For the large patterns every letter needs, made on every start of the command: those made
    from the grammar's words (a letter's own lines out of place, its opening heading, where a
    guideline's statements start) and the clinical case summary's facts (`imrparse.facts`,
    at import). Compiling one is Python code in the `re` module: together they were a fifth
    of a start of `imrparse FILE`, for the same patterns every time; made from its program,
    one takes microseconds. Without a cache folder, or off CPython, it is `re.compile`."""
    if sys.implementation.name != "cpython":
        return re.compile(pattern, flags)
    made = _cached(
        "pattern", f"{flags}\0{pattern}", (), lambda: {"program": lalr.program_of(pattern, flags)}
    )
    return lalr.compile_program(pattern, flags, made.get("program"))


@cache
def lean_tables() -> Tables:
    """The letter grammar's parse tables for `imrparse.lalr.LeanParser` (see `cached_tables`).
    Raise `TypeError` when this Lark's tables cannot be used."""
    return cached_tables("tables", grammar_text(), _IMPORTS, parser)


def cached_tables(
    name: str, text: str, imports: tuple[str, ...], build: Callable[[], lark.Lark]
) -> Tables:
    """The parse tables of the grammar ``text`` (importing the files ``imports`` of grammar/),
    from the per-user cache file ``<name>-<hash>.marshal`` when it holds them for this very
    grammar and Lark (loading them imports nothing), else made from the parser ``build``
    gives and kept there. Raise `TypeError` when this Lark's tables cannot be used."""
    return _cached(name, text, imports, lambda: tables_from_lark(build()))


def _cached(
    name: str, text: str, imports: tuple[str, ...], make: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """What ``make`` makes of ``text`` (a grammar importing the files ``imports``, or a
    pattern), kept in the per-user cache file ``<name>-<hash>.marshal`` (plain data: marshal)
    for this very text, Python, Lark and driver.

    The file holds the key, then the data's own marshal with its CRC-32: a file that another
    key, a crash or a damaged disk left is made again, never trusted (a changed byte in a kept
    regex program could match other text, or crash the regex engine)."""
    key = _tables_key(text, imports)
    folder = _cache_folder()
    if folder is None:
        return make()
    file_name = f"{name}-{zlib.crc32(key.encode()):08x}.marshal"
    path = os.path.join(folder, file_name)
    try:
        with open(path, "rb") as file:
            stored_key, checksum, data = marshal.loads(file.read())
        if stored_key == key and zlib.crc32(data) == checksum:
            stored = marshal.loads(data)
            if isinstance(stored, dict):
                return stored
    except (OSError, EOFError, ValueError, TypeError):
        pass  # absent, unreadable or damaged: made again below
    made = make()
    data = marshal.dumps(made)
    partial = os.path.join(folder, f".{file_name}.{os.getpid()}")
    try:
        with open(partial, "wb") as file:
            file.write(marshal.dumps((key, zlib.crc32(data), data)))
        os.replace(partial, path)
    except OSError:
        from contextlib import suppress  # (here: only a cache that cannot be written needs it)

        with suppress(OSError):
            os.unlink(partial)
    return made


@cache
def parser() -> lark.Lark:
    """The letter parser, built once per process (and cached on disk between processes)."""
    return build_parser(disk_cache=True)


def build_parser(*, disk_cache: bool, transformer: Any = None) -> lark.Lark:
    """A new letter parser. One loaded from the disk cache lacks the grammar object that tools
    such as ``hypothesis.extra.lark`` read; ``disk_cache=False`` builds it from the grammar.

    With a ``transformer``, the parser calls its methods as it reduces each rule and returns
    what the start rule's method returns: no parse tree is built (a third faster)."""
    import lark  # here: a letter that conforms is read without it (imrparse.lalr)

    text = grammar_text()
    return lark.Lark(
        text,
        # LALR: linear time, and each paragraph of a letter is one token, so it stays fast.
        parser="lalr",
        # Contextual: a line is lexed by what may come at that point, so a label word inside
        # free text stays free text.
        lexer="contextual",
        import_paths=[grammar_dir()],
        # Building the tables takes ~40 ms; a cache file in a per-user folder (not the shared
        # temp dir) takes that off every start.
        cache=(_cache_file(text) or False) if disk_cache else False,
        maybe_placeholders=False,
        transformer=transformer,
        # The grammar's two conventions beyond Lark (the module docstring).
        edit_terminals=_Conventions(words()),
    )
