"""The public functions of imrparse. `imrparse/__init__.py` re-exports them."""

from __future__ import annotations

import errno
import os
import select
import stat
import time

from .checks import consistency_warnings
from .decode import DEFAULT_MAX_BYTES, check_text, decode, too_large
from .diagnose import diagnose, not_a_letter
from .errors import LetterError, noting_unlisted
from .normalize import normalize
from .parser import read_letter
from .pdf import PdfText, is_pdf, pdf_text
from .value import Value

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from typing import BinaryIO

    from .errors import Diagnostic
    from .record import Letter

__all__ = [
    "Document",
    "canonical_text",
    "load_document",
    "parse",
    "parse_bytes",
    "parse_file",
    "parse_with_warnings",
    "read_document",
    "read_stream",
    "validate",
]


def _analyze(text: str) -> tuple[Letter | None, list[Diagnostic]]:
    """Parse, and say everything found: the letter (None if it has errors) and diagnostics."""
    check_text(text)
    other = not_a_letter(text)
    if other is not None:
        return None, [other]
    normal = normalize(text)
    reading = read_letter(normal)
    if reading.error is not None:
        # The problems in the parts read before the parse stopped, and why it stopped.
        found = [*reading.diagnostics, diagnose(reading.error, normal)]
        found.sort(key=lambda d: (d.line, d.column))
        return None, noting_unlisted(found, reading.unlisted)
    letter, diagnostics = reading.letter, noting_unlisted(reading.diagnostics, reading.unlisted)
    assert letter is not None
    if not diagnostics:
        diagnostics = consistency_warnings(letter, normal, reading.header_positions)
    return (None if any(d.is_error for d in diagnostics) else letter), diagnostics


def parse(text: str) -> Letter:
    """Parse a letter's text in any layout of LETTER-FORMAT §3.

    Raise `LetterError` when the letter does not conform; its ``diagnostics`` say where.
    Warnings do not stop a parse: `parse_with_warnings` and `validate` report them.
    """
    return parse_with_warnings(text)[0]


def parse_with_warnings(text: str) -> tuple[Letter, list[Diagnostic]]:
    """`parse`, and the warnings the letter gives (LETTER-FORMAT §5): consistency problems
    that do not change its record. Raise `LetterError` when the letter does not conform."""
    letter, diagnostics = _analyze(text)
    if letter is None:
        raise LetterError([d for d in diagnostics if d.is_error])
    return letter, diagnostics


class Document(Value):
    """A letter file's text, and for a PDF where its pages start, so that diagnostics name the
    page and the line on that page."""

    __slots__ = ("text", "pdf")

    text: str
    pdf: PdfText | None

    def __init__(self, text: str, pdf: PdfText | None = None) -> None:
        super().__init__(text, pdf)

    def parse(self) -> Letter:
        """`parse` of the text, with diagnostics located on the PDF's pages."""
        return self.parse_with_warnings()[0]

    def parse_with_warnings(self) -> tuple[Letter, list[Diagnostic]]:
        """`parse_with_warnings` of the text, with diagnostics located on the PDF's pages."""
        try:
            letter, warnings = parse_with_warnings(self.text)
        except LetterError as error:
            raise LetterError(self._locate(error.diagnostics)) from None
        return letter, self._locate(warnings)

    def validate(self) -> list[Diagnostic]:
        """`validate` of the text, with diagnostics located on the PDF's pages."""
        return self._locate(validate(self.text))

    def _locate(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> list[Diagnostic]:
        if self.pdf is None:
            return list(diagnostics)
        return [self.pdf.locate(d) for d in diagnostics]


def load_document(data: bytes, *, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Document:
    """A letter file's bytes as a `Document`: a PDF (recognized by its content) is extracted,
    anything else decoded (UTF-8, UTF-16 with BOM, else cp1252). Raise `LetterError` when
    the bytes hold no letter text."""
    if max_bytes is not None and len(data) > max_bytes:
        raise too_large(len(data), max_bytes)
    if is_pdf(data):
        extracted = pdf_text(data)
        return Document(extracted.text, extracted)
    return Document(decode(data))


def read_document(
    path: str | os.PathLike[str], *, max_bytes: int | None = DEFAULT_MAX_BYTES
) -> Document:
    """Read a letter file (text or PDF). Raise `OSError` if it cannot be read.

    A pipe, a FIFO or a device is read to its end (or just past ``max_bytes``), however its
    writer sends it; a FIFO that no one writes to is given up after `FIFO_PATIENCE` seconds
    instead of waited for forever."""
    fifo = stat.S_ISFIFO(os.stat(path).st_mode)
    # O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, however long.
    fd = os.open(path, os.O_RDONLY | (os.O_NONBLOCK if fifo else 0))
    with open(fd, "rb", buffering=0) as file:
        if fifo:
            data = _read_fifo(fd, max_bytes)
        else:
            size = os.fstat(fd).st_size
            if max_bytes is not None and size > max_bytes:
                raise too_large(size, max_bytes)
            data = read_stream(file, max_bytes)
    return load_document(data, max_bytes=max_bytes)


#: How long a FIFO may go without a writer before reading it is given up (seconds).
FIFO_PATIENCE = 10.0


def _read_fifo(fd: int, max_bytes: int | None) -> bytes:
    """A FIFO's bytes, to the end its writer makes. Opened without waiting, a FIFO reads as
    ended while no writer has it open: so wait for one to come (`FIFO_PATIENCE`), then for
    what it writes, to its end."""
    limit = None if max_bytes is None else max_bytes + 1
    chunks: list[bytes] = []
    total = 0
    writer_seen = False
    deadline = time.monotonic() + FIFO_PATIENCE
    while limit is None or total < limit:
        try:
            chunk = os.read(fd, _CHUNK if limit is None else min(_CHUNK, limit - total))
        except BlockingIOError:  # a writer, with nothing written yet: wait for it
            writer_seen = True
            select.select([fd], [], [], 1.0)
            continue
        if chunk:
            writer_seen = True
            chunks.append(chunk)
            total += len(chunk)
        elif writer_seen:
            break  # the writer closed it: the end
        elif time.monotonic() > deadline:
            raise TimeoutError(
                errno.ETIMEDOUT, f"no one wrote to this FIFO within {FIFO_PATIENCE:g} seconds"
            )
        else:
            time.sleep(0.01)
    return b"".join(chunks)


def read_stream(stream: BinaryIO, max_bytes: int | None) -> bytes:
    """A stream's bytes to its end, or the first ``max_bytes + 1`` of them (enough to tell
    that it is too large): a pipe gives its bytes a piece at a time, so one read is not enough."""
    limit = None if max_bytes is None else max_bytes + 1
    chunks: list[bytes] = []
    total = 0
    while limit is None or total < limit:
        chunk = stream.read(_CHUNK if limit is None else min(_CHUNK, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


# How much one read asks for: a letter is a few kilobytes, and a regular file gives its bytes
# in one read of this size.
_CHUNK = 1 << 20


def parse_bytes(data: bytes, *, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Letter:
    """Parse a letter file's bytes: a PDF, or text in UTF-8, UTF-16 with BOM, or cp1252."""
    return load_document(data, max_bytes=max_bytes).parse()


def parse_file(
    path: str | os.PathLike[str], *, max_bytes: int | None = DEFAULT_MAX_BYTES
) -> Letter:
    """Read and parse a letter file, text or PDF. Raise `OSError` if it cannot be read."""
    return read_document(path, max_bytes=max_bytes).parse()


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
    from .rendering import render

    return render(parse(text))
