"""Layout is not format: strip what PDF tools add, keep what the letter says.

LETTER-FORMAT §3 lists the shapes one letter reaches users in. This module turns any of them
into one *normal text* that the grammar reads:

- one line per line of the letter, each cleaned: Unicode spaces and tabs become one ASCII space,
  soft hyphens and zero-width characters go, leading and trailing spaces go;
- exactly one empty line where a paragraph ends, and no other empty lines;
- no page furniture: form feeds and ``Page N of M`` lines are dropped;
- a final newline.

It keeps, for every normal line, where it came from, so that a problem found in the normal text
is reported at its line and column in the original input.

How paragraph breaks are told apart from layout noise, step by step:

1. *Double spacing.* The seed's shape has an empty line after every line (pypdf's CRLF line ends,
   each turned into two newlines). When no two non-empty lines touch and some gap is wider than
   one empty line, the text is double-spaced and one empty line after each line is dropped.
2. *Page furniture.* ``Page N of M`` lines go, with the blank lines just above them.
3. *Paragraph breaks.* pypdf marks an empty line of the page with a line holding one space, and
   a page join with a truly empty line. So when any whitespace-only line is present, only those
   lines break paragraphs; otherwise any blank line does. A form feed never does: a page break
   is not a paragraph break.
4. When there are no blank lines at all, paragraph breaks are unknown (``paragraphs_known`` is
   false) and the grammar reads each slot as one paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

__all__ = [
    "INVISIBLE",
    "LINE_END",
    "NormalText",
    "Piece",
    "clean",
    "clean_with_columns",
    "normalize",
]

# Characters that carry no text: soft hyphen, zero-width space/joiners, word joiner, BOM.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_CHARS = frozenset(INVISIBLE)
#: Original line ends, everywhere in imrparse (CRLF, CR, LF). A form feed is not a line end for
#: the user's editor, so it splits a line into segments without changing line numbers.
LINE_END = re.compile(r"\r\n|\r|\n")
# The footer PDF tools leave at the foot (or head) of each page.
_PAGE_FOOTER = re.compile(r"Page [0-9]+ of [0-9]+")
_SOFT_HYPHEN_AT_END = re.compile("\u00ad[\\s\u200b\u200c\u200d\u2060\ufeff]*$")


def clean(raw: str) -> str:
    """Clean one line: drop invisible characters, fold whitespace runs, trim."""
    if not raw.isascii():  # invisible characters are not ASCII: skip the search when there are none
        raw = _INVISIBLE.sub("", raw)
    # str.split() splits at exactly the characters the regex \s matches (str.isspace()).
    return " ".join(raw.split())


def clean_with_columns(raw: str) -> tuple[str, list[int]]:
    """`clean`, also giving for each output character its 0-based offset in ``raw``.

    Slower than `clean`; used only to locate a problem, and kept equal to it by a test.
    """
    out: list[str] = []
    columns: list[int] = []
    pending_space = -1
    for offset, char in enumerate(raw):
        if char in _INVISIBLE_CHARS:
            continue
        if char.isspace():
            if out and pending_space < 0:
                pending_space = offset
            continue
        if pending_space >= 0:
            out.append(" ")
            columns.append(pending_space)
            pending_space = -1
        out.append(char)
        columns.append(offset)
    return "".join(out), columns


class Piece(NamedTuple):
    """A stretch of one original line: its 1-based line number, 0-based start, and raw text.

    (A named tuple, not a dataclass: a 10 MB input makes a million of them, and tuples are
    several times cheaper to make.)"""

    line: int
    start: int
    raw: str


class _Kind(Enum):
    TEXT = "text"
    EMPTY = "empty"  # a line with nothing on it
    SPACE = "space"  # a line with only whitespace on it: pypdf's empty line of the page
    FOOTER = "footer"


class _Segment(NamedTuple):
    kind: _Kind
    piece: Piece
    text: str


@dataclass(frozen=True)
class NormalText:
    """The normal text the grammar reads, and the way back to the original input."""

    text: str
    #: For each line of ``text`` (1-based, so index 0 is unused), the pieces of the original
    #: input it was made from; an empty tuple for the blank lines between paragraphs.
    origins: tuple[tuple[Piece, ...], ...]
    #: The original input's lines, for excerpts.
    source_lines: tuple[str, ...]
    #: False when the input had no blank lines, so paragraph breaks could not be known.
    paragraphs_known: bool

    def locate(self, line: int, column: int) -> tuple[int, int]:
        """Map a 1-based line and column of ``text`` to the original input's line and column."""
        line = max(1, min(line, len(self.origins) - 1)) if len(self.origins) > 1 else 1
        pieces = self.origins[line] if line < len(self.origins) else ()
        while not pieces and line + 1 < len(self.origins):
            # A blank line between paragraphs: point at the start of the next paragraph.
            line, column = line + 1, 1
            pieces = self.origins[line]
        if not pieces:
            last = len(self.source_lines)
            return last, len(self.source_lines[-1]) + 1 if self.source_lines else 1
        remaining = column - 1
        for piece in pieces:
            text, columns = clean_with_columns(piece.raw)
            if remaining < len(columns):
                return piece.line, piece.start + columns[remaining] + 1
            remaining -= len(text)
        last_piece = pieces[-1]
        end = len(last_piece.raw.rstrip())
        return last_piece.line, last_piece.start + end + 1

    def source_line(self, line: int) -> str:
        """The original input's line ``line`` (1-based), or ``""`` past its end."""
        return self.source_lines[line - 1] if 0 < line <= len(self.source_lines) else ""


def _segments(text: str) -> tuple[list[_Segment], tuple[str, ...]]:
    # (The hot loop of imrparse: the common case, a line with no form feed in an ASCII text,
    # takes the short way.)
    source_lines = tuple(LINE_END.split(text) if "\r" in text else text.split("\n"))
    if source_lines and source_lines[-1] == "" and len(source_lines) > 1:
        source_lines = source_lines[:-1]
    segments: list[_Segment] = []
    append = segments.append
    form_feeds = "\f" in text
    plain = text.isascii()  # then no invisible characters to remove
    for number, line in enumerate(source_lines, start=1):
        if form_feeds and "\f" in line:
            # A form feed marks a page break; the empty stretches around it are not empty lines.
            start = 0
            for part in line.split("\f"):
                if part.strip():
                    append(_segment(Piece(number, start, part), clean(part)))
                start += len(part) + 1
            continue
        cleaned = " ".join(line.split()) if plain else clean(line)
        if cleaned and not cleaned.startswith("Page "):
            append(_Segment(_TEXT, Piece(number, 0, line), cleaned))  # (_segment, inlined)
        else:
            append(_segment(Piece(number, 0, line), cleaned))
    return segments, source_lines


# The kinds as plain module constants: the loops below compare them for every line.
_TEXT, _EMPTY, _SPACE, _FOOTER = _Kind.TEXT, _Kind.EMPTY, _Kind.SPACE, _Kind.FOOTER


def _segment(piece: Piece, text: str) -> _Segment:
    if not text:
        kind = _EMPTY if piece.raw == "" else _SPACE
    elif text.startswith("Page ") and _PAGE_FOOTER.fullmatch(text):
        kind = _FOOTER
    else:
        kind = _TEXT
    return _Segment(kind, piece, text)


def _is_double_spaced(segments: list[_Segment]) -> bool:
    kinds = [segment.kind for segment in segments]
    texts = 0
    wide_gap = False
    for kind, following in zip(kinds, [*kinds[1:], None], strict=True):
        if kind is _EMPTY:
            wide_gap = wide_gap or following is _EMPTY
            continue
        texts += kind is _TEXT
        wide_gap = wide_gap or kind is _SPACE
        if following is not None and following is not _EMPTY:
            return False
    return texts >= 2 and wide_gap


def _undouble(segments: list[_Segment]) -> list[_Segment]:
    kept: list[_Segment] = []
    skip = False
    for segment in segments:
        if skip and segment.kind is _EMPTY:
            skip = False
            continue
        kept.append(segment)
        skip = segment.kind is not _EMPTY
    return kept


def _drop_footers(segments: list[_Segment]) -> list[_Segment]:
    kept: list[_Segment] = []
    for segment in segments:
        if segment.kind is _FOOTER:
            while kept and kept[-1].kind in (_EMPTY, _SPACE):
                kept.pop()
            continue
        kept.append(segment)
    return kept


def normalize(text: str) -> NormalText:
    """Turn a letter in any layout of LETTER-FORMAT §3 into the normal text the grammar reads."""
    text = text.removeprefix("\ufeff")
    segments, source_lines = _segments(text)
    if _is_double_spaced(segments):
        segments = _undouble(segments)
    segments = _drop_footers(segments)
    space_marks_paragraphs = any(s.kind is _SPACE for s in segments)
    breaking = (_SPACE,) if space_marks_paragraphs else (_SPACE, _EMPTY)

    lines: list[str] = []
    origins: list[tuple[Piece, ...]] = [()]
    paragraphs_known = False
    pending_break = False
    joined: list[Piece] | None = None  # a line ending in a soft hyphen, waiting for the next
    for segment in segments:
        if segment.kind is not _TEXT:
            pending_break = pending_break or segment.kind in breaking
            continue
        if lines and pending_break:
            paragraphs_known = True
            if joined is not None:
                lines[-1] = lines[-1].removesuffix("\u00ad")
                joined = None
            lines.append("")
            origins.append(())
        pending_break = False
        piece_text = segment.text
        if joined is not None:
            # The previous line ended in a soft hyphen: the word goes on here, with no space.
            lines[-1] = lines[-1].removesuffix("\u00ad") + piece_text
            joined.append(segment.piece)
            origins[-1] = tuple(joined)
        else:
            lines.append(piece_text)
            origins.append((segment.piece,))
        raw = segment.piece.raw
        if "\u00ad" in raw and _SOFT_HYPHEN_AT_END.search(raw):
            joined = list(origins[-1])
            lines[-1] = lines[-1] + "\u00ad"
        else:
            joined = None
    if joined is not None:
        lines[-1] = lines[-1].removesuffix("\u00ad")
    normal = "".join(line + "\n" for line in lines)
    return NormalText(normal, tuple(origins), source_lines, paragraphs_known)
