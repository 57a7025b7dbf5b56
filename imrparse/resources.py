"""Where the grammar and the templates are: the one place that knows.

A wheel carries them inside the package (``imrparse/grammar``, ``imrparse/templates``; see
``pyproject.toml``). A checkout, and an editable install of it, has them beside the package.

Paths are plain strings (`os.path`): `pathlib` is a good part of a start of the command, and
reading a letter needs nothing of it.
"""

from __future__ import annotations

import os
from functools import cache

__all__ = ["grammar_dir", "read_grammar", "templates_dir"]

_PACKAGE = os.path.dirname(os.path.realpath(__file__))


def _find(name: str) -> str:
    for candidate in (os.path.join(_PACKAGE, name), os.path.join(os.path.dirname(_PACKAGE), name)):
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(
        f"imrparse cannot find its {name}/ folder next to {_PACKAGE}; reinstall imrparse"
    )


@cache
def grammar_dir() -> str:
    return _find("grammar")


@cache
def templates_dir() -> str:
    return _find("templates")


def read_grammar(name: str) -> str:
    """The text of the grammar file ``name`` (of grammar/)."""
    with open(os.path.join(grammar_dir(), name), encoding="utf-8") as file:
        return file.read()
