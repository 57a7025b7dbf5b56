"""Load grammar/imr.lark and build the parser.

The grammar's one convention beyond Lark: a space inside a quoted string matches one space or
one line break, since a PDF tool may wrap a line at any space. `grammar_text` applies it by
rewriting such strings as regular expressions before Lark sees them.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import lark

from .resources import grammar_dir

__all__ = ["GRAMMAR_FILE", "build_parser", "grammar_text", "parser"]

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


def _cache_file(text: str) -> str | None:
    """A per-user cache file for the built parser, named for the grammar and Lark version."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "imrparse"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK):
        return None
    key = hashlib.sha256(f"{lark.__version__}\0{text}".encode()).hexdigest()[:20]
    return str(folder / f"parser-{key}.lark-cache")


@cache
def parser() -> lark.Lark:
    """The letter parser, built once per process (and cached on disk between processes)."""
    return build_parser(disk_cache=True)


def build_parser(
    *, disk_cache: bool, transformer: lark.Transformer[lark.Token, Any] | None = None
) -> lark.Lark:
    """A new letter parser. One loaded from the disk cache lacks the grammar object that tools
    such as ``hypothesis.extra.lark`` read; ``disk_cache=False`` builds it from the grammar.

    With a ``transformer``, the parser calls its methods as it reduces each rule and returns
    what the start rule's method returns: no parse tree is built (a third faster)."""
    text = grammar_text()
    return lark.Lark(
        text,
        # LALR: linear time, and each letter line is one token, so it stays fast.
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
