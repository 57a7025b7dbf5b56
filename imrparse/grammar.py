"""Load grammar/imr.lark and build the parser, and the parse tables the lean driver runs.

The grammar's one convention beyond Lark: a space inside a quoted string matches one space or
one line break, since a PDF tool may wrap a line at any space. `grammar_text` applies it by
rewriting such strings as regular expressions before Lark sees them.

Both the Lark parser and the tables are kept in a per-user cache folder between runs;
`cached_tables` keeps another grammar's tables there too (grammar/guideline.lark's).
"""

from __future__ import annotations

import marshal
import os
import re
import sys
import zlib
from collections.abc import Callable
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .lalr import TABLES_FORMAT, Tables, tables_from_lark
from .resources import grammar_dir

if TYPE_CHECKING:
    import lark

__all__ = [
    "GRAMMAR_FILE",
    "build_parser",
    "cached_tables",
    "grammar_text",
    "lean_tables",
    "parser",
]

GRAMMAR_FILE = "imr.lark"

# A double-quoted Lark string (with escapes) and its optional flags.
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"(i?)')


def _wrap_tolerant(match: re.Match[str]) -> str:
    body, flags = match.group(1), match.group(2)
    if " " not in body:
        return match.group(0)
    literal = body.encode().decode("unicode_escape")
    words = [re.escape(word).replace("/", "\\/") for word in literal.split(" ")]
    return "/" + r"[ \n]".join(words) + "/" + flags


def grammar_text() -> str:
    """The grammar as Lark reads it: quoted strings with spaces become wrap-tolerant regexes."""
    lines = []
    for line in (grammar_dir() / GRAMMAR_FILE).read_text(encoding="utf-8").splitlines():
        stripped = line.lstrip()
        lines.append(line if stripped.startswith("//") else _STRING.sub(_wrap_tolerant, line))
    return "\n".join(lines) + "\n"


def _cache_folder() -> Path | None:
    """The per-user cache folder (not the shared temp dir), or None where it cannot be written."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "imrparse"
    try:
        folder.mkdir(parents=True, exist_ok=True)
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
    return str(folder / f"parser-{key}.lark-cache")


def _tables_key(text: str, imports: tuple[str, ...]) -> str:
    """Everything a grammar's lean tables depend on: the grammar as Lark reads it (``text``),
    the files it imports, the tables' format, the Python that wrote them (marshal's format) and
    the Lark that built them (found by its files, without importing it)."""
    spec = find_spec("lark")
    origin = spec.origin if spec is not None and spec.origin else ""
    try:
        stamp = os.stat(origin).st_mtime_ns if origin else 0
    except OSError:
        stamp = 0
    imported = [(grammar_dir() / name).read_text(encoding="utf-8") for name in imports]
    return "\0".join([str(TABLES_FORMAT), sys.version, origin, str(stamp), text, *imported])


@cache
def lean_tables() -> Tables:
    """The letter grammar's parse tables for `imrparse.lalr.LeanParser` (see `cached_tables`).
    Raise `TypeError` when this Lark's tables cannot be used."""
    return cached_tables("tables", grammar_text(), ("terminals.lark",), parser)


def cached_tables(
    name: str, text: str, imports: tuple[str, ...], build: Callable[[], lark.Lark]
) -> Tables:
    """The parse tables of the grammar ``text`` (importing the files ``imports`` of grammar/),
    from the per-user cache file ``<name>-<hash>.marshal`` when it holds them for this very
    grammar and Lark (loading them imports nothing), else made from the parser ``build``
    gives and kept there. Raise `TypeError` when this Lark's tables cannot be used."""
    key = _tables_key(text, imports)
    folder = _cache_folder()
    path = folder / f"{name}-{zlib.crc32(key.encode()):08x}.marshal" if folder else None
    if path is not None:
        try:
            stored_key, stored = marshal.loads(path.read_bytes())
            if stored_key == key and isinstance(stored, dict):
                return stored
        except (OSError, EOFError, ValueError, TypeError):
            pass  # absent or unreadable: built again below
    tables = tables_from_lark(build())
    if path is not None:
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            partial.write_bytes(marshal.dumps((key, tables)))
            os.replace(partial, path)
        except OSError:
            partial.unlink(missing_ok=True)
    return tables


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
        import_paths=[str(grammar_dir())],
        # Building the tables takes ~40 ms; a cache file in a per-user folder (not the shared
        # temp dir) takes that off every start.
        cache=(_cache_file(text) or False) if disk_cache else False,
        maybe_placeholders=False,
        transformer=transformer,
    )
