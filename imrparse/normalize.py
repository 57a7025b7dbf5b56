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

import operator
import re
from dataclasses import dataclass, field
from functools import cached_property
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
    """A stretch of one original line: its 1-based line number, 0-based start, and raw text."""

    line: int
    start: int
    raw: str


# The kind of each segment (a line, or a stretch of one between form feeds), one character
# each, so that a text's kinds are a string that str methods and regexes scan at C speed.
_TEXT, _EMPTY, _SPACE, _FOOTER = "T", "E", "S", "F"
_EMPTY_OR_SPACE = "ES"
# Two segments, neither empty, one after the other: the text is not double-spaced.
_TOUCHING = re.compile("[^E][^E]")


@dataclass(frozen=True)
class _Segments:
    """The stretches of the original lines that the normal text is made from: their raw text,
    cleaned text and kind. Without form feeds each is a whole line (``lines`` and ``starts``
    are then None: segment i is line i + 1 from its start)."""

    raws: list[str]
    cleaned: list[str]
    kinds: str
    lines: list[int] | None = None
    starts: list[int] | None = None

    @classmethod
    def of(cls, text: str, source_lines: list[str]) -> _Segments:
        # (The hot loop of imrparse: everything per line is a comprehension or a C method.)
        if "\f" in text:
            raws, lines, starts = _split_pages(source_lines)
        else:
            raws, lines, starts = source_lines, None, None
        if text.isascii() or not any(char in text for char in INVISIBLE):
            cleaned = [" ".join(raw.split()) for raw in raws]
        else:
            cleaned = [clean(raw) for raw in raws]
        kinds = "".join(
            [
                (_TEXT if line[:5] != "Page " or not _PAGE_FOOTER.fullmatch(line) else _FOOTER)
                if line
                else (_SPACE if raw else _EMPTY)
                for raw, line in zip(raws, cleaned, strict=True)
            ]
        )
        return cls(raws, cleaned, kinds, lines, starts)

    def piece(self, index: int) -> Piece:
        if self.lines is None or self.starts is None:
            return Piece(index + 1, 0, self.raws[index])
        return Piece(self.lines[index], self.starts[index], self.raws[index])


def _split_pages(source_lines: list[str]) -> tuple[list[str], list[int], list[int]]:
    """Lines split at form feeds. A form feed marks a page break: the empty stretches around
    it are not empty lines, so they are left out."""
    raws: list[str] = []
    lines: list[int] = []
    starts: list[int] = []
    for number, line in enumerate(source_lines, start=1):
        if "\f" not in line:
            raws.append(line)
            lines.append(number)
            starts.append(0)
            continue
        start = 0
        for part in line.split("\f"):
            if part.strip():
                raws.append(part)
                lines.append(number)
                starts.append(start)
            start += len(part) + 1
    return raws, lines, starts


@dataclass(frozen=True)
class NormalText:
    """The normal text the grammar reads, and the way back to the original input."""

    text: str
    #: The original input's lines, for excerpts.
    source_lines: list[str]
    #: False when the input had no blank lines, so paragraph breaks could not be known.
    paragraphs_known: bool
    segments: _Segments | None = None
    #: The text segments the lines of ``text`` are made of, in order, and what follows each
    #: in ``text``: "\n", "\n\n" (a paragraph break) or "" (a soft hyphen joined the next).
    text_segments: list[int] = field(default_factory=list)
    separators: list[str] = field(default_factory=list)

    @cached_property
    def origins(self) -> list[tuple[int, ...]]:
        """For each line of ``text`` (1-based, so index 0 is unused), the segments of the
        original input it was made from; an empty tuple for the blank lines between paragraphs.
        (Worked out only when a problem must be located.)"""
        origins: list[tuple[int, ...]] = [()]
        line: list[int] = []
        for index, separator in zip(self.text_segments, self.separators, strict=True):
            line.append(index)
            if separator:
                origins.append(tuple(line))
                line = []
                if separator == "\n\n":
                    origins.append(())
        return origins

    def pieces(self, line: int) -> list[Piece]:
        """The pieces of the original input that line ``line`` of ``text`` was made from."""
        if self.segments is None or not 0 < line < len(self.origins):
            return []
        return [self.segments.piece(index) for index in self.origins[line]]

    def locate(self, line: int, column: int) -> tuple[int, int]:
        """Map a 1-based line and column of ``text`` to the original input's line and column."""
        line = max(1, min(line, len(self.origins) - 1)) if len(self.origins) > 1 else 1
        pieces = self.pieces(line)
        while not pieces and line + 1 < len(self.origins):
            # A blank line between paragraphs: point at the start of the next paragraph.
            line, column = line + 1, 1
            pieces = self.pieces(line)
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

    def starts_a_line_before(self, phrase: str, offset: int) -> bool:
        """Whether ``phrase`` (its words apart by any whitespace, as a wrapped line has them)
        starts a line of ``text`` before ``offset``: a heading or label that came already."""
        words = r"\s".join(re.escape(word) for word in phrase.split(" "))
        return re.search(r"(?:^|\n)" + words, self.text[:offset]) is not None

    def source_line(self, line: int) -> str:
        """The original input's line ``line`` (1-based), or ``""`` past its end."""
        return self.source_lines[line - 1] if 0 < line <= len(self.source_lines) else ""


def _is_double_spaced(kinds: str) -> bool:
    """No two segments touch, at least two hold text, and some gap is wider than one empty
    line (two empty lines running, or a line of spaces)."""
    return (
        _TOUCHING.search(kinds) is None
        and kinds.count(_TEXT) >= 2
        and ("EE" in kinds or _SPACE in kinds)
    )


def _undouble(kinds: str) -> list[int]:
    """The segments left when the empty line after each other segment is dropped."""
    return [
        index
        for index, kind in enumerate(kinds)
        if kind != _EMPTY or index == 0 or kinds[index - 1] == _EMPTY
    ]


def _drop_footers(kinds: str, order: list[int]) -> list[int]:
    """Without the footer segments, and the blank lines just above each."""
    kept: list[int] = []
    for index in order:
        if kinds[index] == _FOOTER:
            while kept and kinds[kept[-1]] in _EMPTY_OR_SPACE:
                kept.pop()
            continue
        kept.append(index)
    return kept


def normalize(text: str) -> NormalText:
    """Turn a letter in any layout of LETTER-FORMAT §3 into the normal text the grammar reads."""
    text = text.removeprefix("\ufeff")
    source_lines = LINE_END.split(text) if "\r" in text else text.split("\n")
    if source_lines and source_lines[-1] == "" and len(source_lines) > 1:
        source_lines.pop()
    segments = _Segments.of(text, source_lines)
    kinds, cleaned, raws = segments.kinds, segments.cleaned, segments.raws
    order = _undouble(kinds) if _is_double_spaced(kinds) else list(range(len(kinds)))
    if _FOOTER in kinds:
        order = _drop_footers(kinds, order)
    kept = "".join([kinds[index] for index in order])
    # Which text segments make the lines, and what separates each from the next: a
    # paragraph break where a breaking blank line comes between, nothing where a soft hyphen
    # ends the line (the word goes on), else a line end.
    text_segments = [index for index in order if kinds[index] == _TEXT]
    gaps = kept.strip(_EMPTY_OR_SPACE).split(_TEXT)[1:-1]
    # Where any line of spaces is left, only those break paragraphs (step 3 above).
    breaks = [_SPACE in gap for gap in gaps] if _SPACE in kept else [gap != "" for gap in gaps]
    if "\u00ad" in text:
        joined = [_SOFT_HYPHEN_AT_END.search(raws[index]) is not None for index in text_segments]
        separators = [
            "\n\n" if broken else "" if join else "\n"
            for broken, join in zip(breaks, joined, strict=False)
        ]
    else:
        separators = ["\n\n" if broken else "\n" for broken in breaks]
    if text_segments:
        separators.append("\n")
    lines = [cleaned[index] for index in text_segments]
    return NormalText(
        "".join(map(operator.add, lines, separators)),
        source_lines,
        any(breaks),
        segments,
        text_segments=text_segments,
        separators=separators,
    )
