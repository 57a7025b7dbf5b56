"""Bytes to text, as LETTER-FORMAT §3 says: UTF-8 or UTF-16 with a byte order mark; text that
is not valid UTF-8 is read as cp1252. Input that is not text at all is refused here, with a
message that says what it looks like instead.

"Not valid UTF-8" is judged byte sequence by byte sequence: a file that is mostly UTF-8 with a
few cp1252 bytes pasted in (mixed encodings) keeps its UTF-8 characters, and only the bytes that
are not UTF-8 are read as cp1252. A whole cp1252 file reads the same either way.
"""

from __future__ import annotations

import codecs
import re
from functools import cache

from .errors import Diagnostic, LetterError, Severity
from .normalize import LINE_END

__all__ = ["DEFAULT_MAX_BYTES", "MAX_LINES", "check_text", "decode", "too_large"]

#: Inputs larger than this are refused unless the caller raises the limit (10 MB).
DEFAULT_MAX_BYTES = 10_000_000
#: Lines that hold anything (empty lines are not counted) a letter's text may have. The
#: published letters have 50 to 430; reading each line costs a few microseconds, so that 10 MB
#: of one-letter lines (3.3 million) took 4 to 10 seconds and up to 850 MB (issue 13, item 6).
#: Half a million is read in about 2 seconds, whatever the lines are.
MAX_LINES = 500_000
# What ends a line or a page (LETTER-FORMAT §3).
_BREAK = re.compile("\r\n|[\r\n\f]")

# How much of the input the binary sniffing looks at: enough to judge, cheap on huge inputs.
_SNIFF = 8192
# Controls that text files legitimately hold: tab, line feed, vertical tab, form feed, return,
# and the "file/group/record separator" controls some PDF tools emit.
_TEXT_CONTROLS = frozenset("\t\n\v\f\r\x1c\x1d\x1e")
# The other control bytes: a text with many of them is binary.
_BINARY_CONTROLS = bytes(b for b in range(0x20) if chr(b) not in _TEXT_CONTROLS)


# A byte sequence that UTF-8 allows (RFC 3629: no overlong forms, no surrogates, none past
# U+10FFFF), and a run of bytes none of which starts one (64 KiB at most: the regular
# expression engine keeps a little state for each byte of a run).
_UTF8_SEQUENCE = (
    rb"[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]"
    rb"|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


@cache
def _not_utf8() -> re.Pattern[bytes]:
    # (Compiled when first needed: most letters are UTF-8, and it is half a millisecond.)
    return re.compile(rb"(?:(?!" + _UTF8_SEQUENCE + rb")[\x80-\xff]){1,65536}")


# Latin-1's characters U+0080-U+009F to cp1252's for the same bytes (its five undefined bytes,
# 0x81 0x8D 0x8F 0x90 0x9D, keep the code points of the same value rather than being lost).
_CP1252 = {
    byte: bytes([byte]).decode("cp1252")
    for byte in range(0x80, 0xA0)
    if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8, read as cp1252: the run of them from where the decoder stopped,
    in one call (one call per byte took 14 s for 10 MB of them)."""
    assert isinstance(error, UnicodeDecodeError)
    run = _not_utf8().match(error.object, error.start)
    end = error.end if run is None else max(run.end(), error.end)
    return error.object[error.start : end].decode("latin-1").translate(_CP1252), end


codecs.register_error("imrparse-cp1252", _cp1252_fallback)


def _input_error(code: str, message: str, *, found: str | None = None) -> LetterError:
    return LetterError([Diagnostic(code, Severity.ERROR, message, 1, 1, found=found)])


def too_large(size: int, max_bytes: int) -> LetterError:
    """The error for an input over the size limit. A stream is read only to one byte past the
    limit: its size is then not known, only that it is larger."""
    size_text = "" if size == max_bytes + 1 else f"{size:,} bytes, "
    return _input_error(
        "IMR106",
        f"input is {size_text}over the limit of {max_bytes:,} bytes (raise it with --max-bytes)",
    )


def decode(data: bytes) -> str:
    """Decode a letter's bytes; raise `LetterError` (IMR1xx) when they are not text. (Their
    size, and whether they are a PDF, was judged before: `imrparse.api.load_document`.)"""
    if not data:
        raise _input_error("IMR101", "input is empty")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _decode_bom(data, "utf-32")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_bom(data, "utf-16")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    _refuse_binary(data)
    return data.decode("utf-8", errors="imrparse-cp1252")


def _decode_bom(data: bytes, encoding: str) -> str:
    body = data[2:_SNIFF]
    if encoding == "utf-16" and body and b"\x00" not in body:
        # A letter is mostly ASCII, which UTF-16 writes with a NUL byte in every other byte:
        # with none, the byte order mark was put before text of another encoding.
        raise _input_error(
            "IMR103",
            "input starts with a UTF-16 byte order mark, but the text after it is not UTF-16 "
            "(it has no NUL bytes: UTF-8 text behind a stray mark?); save it again as UTF-8",
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _input_error(
            "IMR103",
            f"input starts with a {encoding.upper()} byte order mark but is not valid "
            f"{encoding.upper()} (at byte {error.start})",
        ) from None
    return text.removeprefix("\ufeff")


def _refuse_binary(data: bytes) -> None:
    head = data[:_SNIFF]
    nul = head.find(b"\x00")
    if nul < 0:
        nul = data.find(b"\x00")
    if nul >= 0:
        even, odd = head[0::2], head[1::2]
        # Text in UTF-16 has a NUL in every other byte for ASCII characters.
        if len(head) >= 4 and (odd.count(0) > 0.9 * len(odd) or even.count(0) > 0.9 * len(even)):
            raise _input_error(
                "IMR105",
                "input looks like UTF-16 text without a byte order mark; "
                "save it as UTF-8, or as UTF-16 with a byte order mark",
            )
        raise _nul_error(data, nul)
    controls = len(head) - len(head.translate(None, _BINARY_CONTROLS))
    if head and controls > 0.05 * len(head):
        raise _input_error(
            "IMR103",
            f"input is binary, not text ({controls} control bytes in its first {len(head)})",
        )


def _nul_error(data: bytes, offset: int) -> LetterError:
    before = re.split(rb"\r\n|\r|\n", data[:offset])
    line, column = len(before), len(before[-1]) + 1
    return LetterError(
        [
            Diagnostic(
                "IMR103",
                Severity.ERROR,
                f"input holds a NUL byte (at byte {offset}); it is binary data, not letter text",
                line,
                column,
                found="NUL",
            )
        ]
    )


def check_text(text: str) -> None:
    """Refuse text that cannot be a letter before it is parsed: empty, blank, binary, or of more
    than `MAX_LINES` lines that are not empty."""
    body = text.removeprefix("\ufeff")
    if not body:
        raise _input_error("IMR101", "input is empty")
    nul = body.find("\x00")
    if nul >= 0:
        # Lines end at CRLF, CR or LF, as everywhere else in imrparse.
        before = LINE_END.split(body[:nul])
        line, column = len(before), len(before[-1]) + 1
        raise LetterError(
            [
                Diagnostic(
                    "IMR103",
                    Severity.ERROR,
                    "input holds a NUL character; it is binary data, not letter text",
                    line,
                    column,
                    found="NUL",
                )
            ]
        )
    if body.isspace():
        raise _input_error("IMR102", "input holds only whitespace")
    # (A text shorter than the limit cannot pass it: a letter is never scanned for it.)
    if (
        len(body) > MAX_LINES
        and body.count("\n") + body.count("\r") + body.count("\f") >= MAX_LINES
    ):
        pieces = _BREAK.split(body)
        lines = len(pieces) - pieces.count("")
        del pieces
        if lines > MAX_LINES:
            raise _input_error(
                "IMR106",
                f"input has {lines:,} lines that are not empty, over the limit of "
                f"{MAX_LINES:,} (a letter has a few hundred)",
            )
