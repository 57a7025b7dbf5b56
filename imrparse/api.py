"""The public functions of imrparse. `imrparse/__init__.py` re-exports them."""

from __future__ import annotations

import os
from pathlib import Path

from lark.exceptions import UnexpectedInput

from .checks import consistency_warnings
from .decode import DEFAULT_MAX_BYTES, check_text, decode, too_large
from .diagnose import diagnose, not_a_letter
from .errors import Diagnostic, LetterError
from .grammar import parser
from .normalize import normalize
from .record import Letter
from .transform import LetterBuilder

__all__ = ["canonical_text", "parse", "parse_bytes", "parse_file", "read_text", "validate"]


def _analyze(text: str) -> tuple[Letter | None, list[Diagnostic]]:
    """Parse, and say everything found: the letter (None if it has errors) and diagnostics."""
    check_text(text)
    other = not_a_letter(text)
    if other is not None:
        return None, [other]
    normal = normalize(text)
    try:
        tree = parser().parse(normal.text)
    except UnexpectedInput as error:
        return None, [diagnose(error, normal)]
    builder = LetterBuilder(normal)
    letter = builder.transform(tree)
    diagnostics = builder.diagnostics
    if not diagnostics:
        diagnostics = consistency_warnings(letter, normal, builder.header_positions)
    return (None if any(d.is_error for d in diagnostics) else letter), diagnostics


def parse(text: str) -> Letter:
    """Parse a letter's text in any layout of LETTER-FORMAT §3.

    Raise `LetterError` when the letter does not conform; its ``diagnostics`` say where.
    Warnings do not stop a parse: `validate` reports them.
    """
    letter, diagnostics = _analyze(text)
    if letter is None:
        raise LetterError([d for d in diagnostics if d.is_error])
    return letter


def parse_bytes(data: bytes, *, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Letter:
    """Decode (UTF-8, UTF-16 with BOM, else cp1252) and parse."""
    return parse(decode(data, max_bytes=max_bytes))


def read_text(path: str | os.PathLike[str], *, max_bytes: int | None = DEFAULT_MAX_BYTES) -> str:
    """A letter file's text. Raise `OSError` if it cannot be read, `LetterError` if not text."""
    file = Path(path)
    if max_bytes is not None and file.is_file() and file.stat().st_size > max_bytes:
        raise too_large(file.stat().st_size, max_bytes)
    return decode(file.read_bytes(), max_bytes=max_bytes)


def parse_file(
    path: str | os.PathLike[str], *, max_bytes: int | None = DEFAULT_MAX_BYTES
) -> Letter:
    """Read and parse a letter file. Raise `OSError` if it cannot be read."""
    return parse(read_text(path, max_bytes=max_bytes))


def validate(text: str) -> list[Diagnostic]:
    """Every problem found in a letter, errors and warnings; empty when it fully conforms."""
    try:
        return _analyze(text)[1]
    except LetterError as error:
        return list(error.diagnostics)


def canonical_text(text: str) -> str:
    """The letter in the canonical layout (one paragraph per line): what `imrparse fmt` prints.

    Raise `LetterError` when the letter does not conform. The canonical text parses to the same
    record, and formatting it again changes nothing.
    """
    from .render import render

    return render(parse(text))
