"""The letters a command is given: files, directories (their letters, recursively) and ``-``.

Listing never reads a file; reading says exactly why a file could not be read
(`Unreadable`, an I/O problem) or why its bytes are not a letter's text (`LetterError`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .api import Document, load_document, read_document

__all__ = ["LETTER_SUFFIXES", "Source", "Unreadable", "list_sources", "read_source"]

#: The files a directory stands for.
LETTER_SUFFIXES = (".txt", ".pdf")


@dataclass(frozen=True)
class Source:
    """One input: its name as the user knows it, and its path (``None`` for standard input,
    whose bytes are read once, when listed, and kept in ``data``)."""

    name: str
    path: Path | None
    data: bytes | None = None


class Unreadable(Exception):
    """A file that could not be read: an I/O problem, not a letter problem."""


def list_sources(names: Iterable[str]) -> list[Source]:
    """The inputs, in order: a directory gives its letters in sorted order, recursively; a
    directory with none stands for itself (reading it says so)."""
    sources: list[Source] = []
    for name in names:
        if name == "-":
            sources.append(Source("-", None, sys.stdin.buffer.read()))
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in LETTER_SUFFIXES and p.is_file()
            )
            sources.extend(Source(str(p), p) for p in found or [path])
        else:
            sources.append(Source(name, path))
    return sources


def read_source(source: Source, max_bytes: int | None) -> Document:
    """The input as a `Document`. Raise `Unreadable` (I/O) or `LetterError` (no letter text)."""
    if source.path is None:
        return load_document(source.data or b"", max_bytes=max_bytes)
    try:
        return read_document(source.path, max_bytes=max_bytes)
    except IsADirectoryError:
        raise Unreadable(
            f"'{source.name}' is a directory with no letters (*.txt, *.pdf) in it"
        ) from None
    except FileNotFoundError:
        raise Unreadable(f"cannot read '{source.name}': no such file") from None
    except PermissionError:
        raise Unreadable(f"cannot read '{source.name}': permission denied") from None
    except OSError as error:
        raise Unreadable(f"cannot read '{source.name}': {error.strerror or error}") from None
