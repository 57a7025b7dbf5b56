"""The letters a command is given: files, directories (their letters, recursively) and ``-``.

Listing never reads a file (standard input aside, which can only be read once); reading says
exactly why a file could not be read (`Unreadable`, an I/O problem) or why its bytes are not a
letter's text (`LetterError`). Nothing is left out in silence: a folder that cannot be listed,
or a link that cannot or may not be followed, is an input of its own that cannot be read.

What a directory stands for (README, "Many letters at once"):

- its ``*.txt`` and ``*.pdf`` files (any letter case), in sorted path order, recursively;
- not its hidden files and folders (names starting with ``.``: macOS's ``._x.pdf`` files are
  not letters);
- a symbolic link is followed only when it leads to a file inside the directory given: one that
  leads outside it (``x.txt -> /etc/passwd``) or nowhere is listed as unreadable, never read.
  (A file named on the command line is always read, link or not.)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .api import Document, load_document, read_document, read_stream

__all__ = [
    "LETTER_SUFFIXES",
    "Source",
    "Unreadable",
    "count_sources",
    "display_name",
    "iter_sources",
    "read_source",
]

#: The files a directory stands for.
LETTER_SUFFIXES = (".txt", ".pdf")


@dataclass(frozen=True)
class Source:
    """One input: its name as the user knows it, and its path (``None`` for standard input,
    whose bytes are read once, when listed, and kept in ``data``). ``error`` says why an input
    that was listed cannot be read at all (a folder that cannot be listed, a link that leads
    outside)."""

    name: str
    path: str | None
    data: bytes | None = None
    error: str | None = None


class Unreadable(Exception):
    """A file that could not be read: an I/O problem, not a letter problem."""


def display_name(path: str) -> str:
    """A file name as text that can always be printed and written as UTF-8: bytes that are not
    UTF-8 (kept by Python as surrogate escapes) are shown as ``\\xNN``."""
    if path.isascii():
        return path
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def iter_sources(names: Iterable[str], *, max_bytes: int | None = None) -> Iterator[Source]:
    """The inputs, in order, one at a time (a corpus of any size costs no memory to list): a
    directory gives its letters (see the module docstring); a directory with none stands for
    itself (reading it says so). Standard input is read here, at most ``max_bytes + 1``."""
    for name in names:
        if name == "-":
            yield Source("-", None, read_stream(sys.stdin.buffer, max_bytes))
            continue
        if not os.path.isdir(name):
            yield Source(display_name(name), name)
            continue
        found = False
        for source in _letters_under(name, os.path.realpath(name)):
            found = True
            yield source
        if not found:
            yield Source(display_name(name), name)


def count_sources(names: Iterable[str]) -> int:
    """How many inputs `iter_sources` will give, without reading any (for a progress line)."""
    count = 0
    for name in names:
        if name != "-" and os.path.isdir(name):
            count += max(1, sum(1 for _ in _letters_under(name, os.path.realpath(name))))
        else:
            count += 1
    return count


def _letters_under(folder: str, root: str) -> Iterator[Source]:
    """Letter files under ``folder``, depth first, each directory's entries sorted by name
    (the order of sorted paths). Links to directories are not followed (no loops); links to
    files only inside ``root`` (the real path of the directory given)."""
    # Names only, and the few that are directories or links (a listing says which, with no
    # stat per file): a flat folder of 100,000 letters is a list of 100,000 short strings.
    names: list[str] = []
    folders: set[str] = set()
    links: set[str] = set()
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                if entry.name.startswith("."):
                    continue
                if _is_folder(entry):
                    folders.add(entry.name)
                elif not entry.name.lower().endswith(LETTER_SUFFIXES):
                    continue
                elif entry.is_symlink():
                    links.add(entry.name)
                names.append(entry.name)
    except OSError as error:
        shown = display_name(folder)
        yield Source(shown, None, error=f"cannot list '{shown}': {_reason(error)}")
        return
    names.sort()
    for name in names:
        path = os.path.join(folder, name)
        if name in folders:
            yield from _letters_under(path, root)
        elif name in links:
            yield _linked(path, root)
        else:
            yield Source(display_name(path), path)


def _linked(path: str, root: str) -> Source:
    """A symbolic link met in a directory: read only when it leads to a file inside ``root``."""
    shown = display_name(path)
    target = os.path.realpath(path)
    if not os.path.exists(target):
        return Source(shown, None, error=f"cannot read '{shown}': a link that leads nowhere")
    if os.path.commonpath([root, target]) != root:
        return Source(
            shown,
            None,
            error=f"not reading '{shown}': a link that leads outside '{display_name(root)}' "
            "(name the file itself to read it)",
        )
    return Source(shown, path)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _reason(error: OSError) -> str:
    if isinstance(error, TimeoutError) and error.strerror:
        return error.strerror
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, FileNotFoundError):
        return "no such file"
    return str(error.strerror or error)


def read_source(source: Source, max_bytes: int | None) -> Document:
    """The input as a `Document`. Raise `Unreadable` (I/O) or `LetterError` (no letter text)."""
    if source.error is not None:
        raise Unreadable(source.error)
    if source.path is None:
        return load_document(source.data or b"", max_bytes=max_bytes)
    try:
        return read_document(source.path, max_bytes=max_bytes)
    except IsADirectoryError:
        raise Unreadable(
            f"'{source.name}' is a directory with no letters (*.txt, *.pdf) in it"
        ) from None
    except OSError as error:
        raise Unreadable(f"cannot read '{source.name}': {_reason(error)}") from None
