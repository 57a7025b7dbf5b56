"""The letters a command is given: files, directories (their letters, recursively) and ``-``.

Listing never reads a file; reading says exactly why a file could not be read
(`Unreadable`, an I/O problem) or why its bytes are not a letter's text (`LetterError`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .api import Document, load_document, read_document

__all__ = [
    "LETTER_SUFFIXES",
    "Source",
    "Unreadable",
    "count_sources",
    "iter_sources",
    "list_sources",
    "read_source",
]

#: The files a directory stands for.
LETTER_SUFFIXES = (".txt", ".pdf")


@dataclass(frozen=True)
class Source:
    """One input: its name as the user knows it, and its path (``None`` for standard input,
    whose bytes are read once, when listed, and kept in ``data``)."""

    name: str
    path: str | None
    data: bytes | None = None


class Unreadable(Exception):
    """A file that could not be read: an I/O problem, not a letter problem."""


def iter_sources(names: Iterable[str]) -> Iterator[Source]:
    """The inputs, in order, one at a time (a corpus of any size costs no memory to list): a
    directory gives its letters in sorted path order, recursively; a directory with none
    stands for itself (reading it says so)."""
    for name in names:
        if name == "-":
            yield Source("-", None, sys.stdin.buffer.read())
            continue
        if not os.path.isdir(name):
            yield Source(name, name)
            continue
        found = False
        for letter in _letters_under(name):
            found = True
            yield Source(letter, letter)
        if not found:
            yield Source(name, name)


def list_sources(names: Iterable[str]) -> list[Source]:
    """`iter_sources` as a list."""
    return list(iter_sources(names))


def count_sources(names: Iterable[str]) -> int:
    """How many inputs `iter_sources` will give, without reading any (for a progress line)."""
    count = 0
    for name in names:
        if name != "-" and os.path.isdir(name):
            count += max(1, sum(1 for _ in _letters_under(name)))
        else:
            count += 1
    return count


def _letters_under(folder: str) -> Iterator[str]:
    """Letter files under ``folder``, depth first, each directory's entries sorted by name
    (the order of sorted paths). Symbolic links to directories are not followed (no loops)."""
    # Names only, and the few that are directories (a listing says which, with no stat per
    # file): a flat folder of 100,000 letters is a list of 100,000 short strings, nothing more.
    names: list[str] = []
    folders: set[str] = set()
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                if _is_folder(entry):
                    folders.add(entry.name)
                elif not (entry.name.lower().endswith(LETTER_SUFFIXES) and _is_file(entry)):
                    continue
                names.append(entry.name)
    except OSError:
        return
    names.sort()
    for name in names:
        path = os.path.join(folder, name)
        if name in folders:
            yield from _letters_under(path)
        else:
            yield path


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return True  # a letter's name: reading it will say what is wrong


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
