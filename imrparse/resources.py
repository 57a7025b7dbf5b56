"""Where the grammar and the templates are: the one place that knows.

A wheel carries them inside the package (``imrparse/grammar``, ``imrparse/templates``; see
``pyproject.toml``). A checkout, and an editable install of it, has them beside the package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["grammar_dir", "templates_dir"]

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"imrparse cannot find its {name}/ folder next to {_PACKAGE}; reinstall imrparse"
    )


@cache
def grammar_dir() -> Path:
    return _find("grammar")


@cache
def templates_dir() -> Path:
    return _find("templates")
