"""Layout is not format: strip what PDF tools add, keep what the letter says.

LETTER-FORMAT §3 lists the shapes one letter reaches users in. This module turns any of them
into one *normal text* that the grammar reads:

- one line per line of the letter, each cleaned: Unicode spaces and tabs become one ASCII space,
  soft hyphens and zero-width characters go, ligatures become their letters, leading and
  trailing spaces go;
- exactly one empty line where a paragraph ends, and no other empty lines;
- no page furniture: form feeds and ``Page N of M`` lines are dropped;
- a line that ends in a hyphen after a letter or digit runs on into the next line with no space
  (PDF tools break lines after hyphens: ``10-30-`` / ``2016`` is ``10-30-2016``);
- a final newline.

It keeps, for every normal line, where it came from, so that a problem found in the normal text
is reported at its line and column in the original input.

How paragraph breaks are told apart from layout noise, step by step:

1. *Pages.* A form feed is a page break and ends a line; a line end right before or after it
   belongs to the page break and makes no line. What is left of a line beside a form feed is a
   line of its own, so pypdf's one-space line at a page's top or foot stays one.
2. *Double spacing.* The seed's shape has an empty line after every line (pypdf's CRLF line ends,
   each turned into two newlines). When no two non-empty lines touch and some gap is wider than
   one empty line, the text is double-spaced and one empty line after each line is dropped.
3. *Page furniture.* ``Page N of M`` lines go, with the blank lines that only separate them from
   the text or from the page break.
4. *Paragraph breaks.* pypdf marks an empty line of the page with a line holding one space, and
   a page join with a truly empty line. So when any whitespace-only line is present, only those
   lines break paragraphs, wherever they stand. Otherwise an empty line does, except one beside a
   page break (a tool's page end, not the letter's): a page break is not a paragraph break.
5. When there are no blank lines at all, paragraph breaks are unknown (``paragraphs_known`` is
   false) and the grammar reads each slot as one paragraph.
"""

from __future__ import annotations

import operator
import re
from array import array
from bisect import bisect_right
from functools import cached_property
from itertools import islice

from .value import Value

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "INVISIBLE",
    "LINE_END",
    "Columns",
    "NormalText",
    "Piece",
    "clean",
    "clean_with_columns",
    "normalize",
]

# Characters that carry no text: soft hyphen, zero-width space/joiners, word joiner, BOM.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_CHARS = frozenset(INVISIBLE)
# The ligatures U+FB00-U+FB06, as the letters they stand for.
_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
# What `clean` replaces before folding whitespace: invisible characters go, ligatures expand.
_REPLACE = str.maketrans({**dict.fromkeys(INVISIBLE, None), **_LIGATURES})
# Characters that make a line need more than whitespace folding.
_SPECIAL = INVISIBLE + "".join(_LIGATURES)
#: Original line ends, everywhere in imrparse (CRLF, CR, LF). A form feed is not a line end for
#: the user's editor, so it splits a line into segments without changing line numbers.
LINE_END = re.compile(r"\r\n|\r|\n")
# The footer PDF tools leave at the foot (or head) of each page.
_PAGE_FOOTER = re.compile(r"Page [0-9]+ of [0-9]+")
_SOFT_HYPHEN_AT_END = re.compile("\u00ad[\\s\u200b\u200c\u200d\u2060\ufeff]*$")


def clean(raw: str) -> str:
    """Clean one line: drop invisible characters, expand ligatures, fold whitespace runs, trim."""
    if not raw.isascii():  # the special characters are not ASCII: skip when there are none
        raw = raw.translate(_REPLACE)
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
        if char in _LIGATURES:
            if pending_space >= 0:
                out.append(" ")
                columns.append(pending_space)
                pending_space = -1
            letters = _LIGATURES[char]
            out.append(letters)
            columns.extend([offset] * len(letters))
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
    text = "".join(out)
    return text, columns


# A run of characters that are not whitespace, as str.split() takes them.
_WORD = re.compile(r"\S+")


class Columns:
    """Where each character of `clean` ``(raw)`` came from in ``raw``: its 0-based offset.

    Worked out once for a line, asked as often as there are problems on it (a text may have a
    problem at each of thousands of places on one long line: working the whole line out again
    for each took 137 s for 10 MB). A line with no special characters is kept as the places of
    its words (arrays, however long the line); another as `clean_with_columns` gives it."""

    def __init__(self, raw: str) -> None:
        self._columns: array[int] | None = None
        if not raw.isascii() and any(char in raw for char in _SPECIAL):
            text, columns = clean_with_columns(raw)
            self.length = len(text)
            self._columns = array("q", columns)
            return
        # " ".join(raw.split()): each word, then one space (standing for the first of the
        # whitespace after the word).
        self._starts, self._ends, self._placed = array("q"), array("q"), array("q")
        placed = 0
        for word in _WORD.finditer(raw):
            start, end = word.span()
            self._starts.append(start)
            self._ends.append(end)
            self._placed.append(placed)
            placed += end - start + 1
        self.length = max(placed - 1, 0)

    def offset(self, index: int) -> int:
        """The offset in ``raw`` of character ``index`` (0-based, below `length`) of the clean
        line."""
        if self._columns is not None:
            return self._columns[index]
        word = bisect_right(self._placed, index) - 1
        within = index - self._placed[word]
        start, end = self._starts[word], self._ends[word]
        return start + within if within < end - start else end


class Piece(Value):
    """A stretch of one original line: its 1-based line number, 0-based start, and raw text."""

    __slots__ = ("line", "start", "raw")

    line: int
    start: int
    raw: str

    def __init__(self, line: int, start: int, raw: str) -> None:
        super().__init__(line, start, raw)


# The kind of each segment (a line, or a stretch of one beside a form feed), one character
# each, so that a text's kinds are a string that str methods and regexes scan at C speed.
# A page break is a segment of its own, with no text.
_TEXT, _EMPTY, _SPACE, _FOOTER, _PAGE = "T", "E", "S", "F", "P"
_EMPTY_OR_SPACE = "ES"
# Two segments, neither empty, one after the other: the text is not double-spaced.
_TOUCHING = re.compile("[^E][^E]")
# A run of blank lines and page breaks. (Found run by run, and then asked whether a page break
# is in it: a pattern such as "[ES]*P[ES]*" tries again from every blank line of a run that holds
# no page break, which made 100,000 newlines at a letter's end cost minutes: issue 13, item 6.)
_BLANK_RUN = re.compile("[ESP]+")
# A run of blank segments long enough for a few of them to stand for it (`_segment_order`).
_LONG_BLANK_RUN = re.compile("[ES]{6,}")


class _Segments:
    """The stretches of the original lines that the normal text is made from: their raw text,
    cleaned text and kind. Without form feeds each is a whole line (``lines`` and ``starts``
    are then None: segment i is line i + 1 from its start)."""

    __slots__ = ("cleaned", "kinds", "lines", "raws", "starts")

    def __init__(
        self,
        raws: list[str],
        cleaned: list[str],
        kinds: str,
        lines: Sequence[int] | None = None,
        starts: Sequence[int] | None = None,
    ) -> None:
        self.raws, self.cleaned, self.kinds = raws, cleaned, kinds
        self.lines, self.starts = lines, starts

    @classmethod
    def of(cls, text: str, source_lines: list[str]) -> _Segments:
        # (The hot loop of imrparse: everything per line is a comprehension or a C method.)
        page_breaks: list[int] = []
        if "\f" in text:
            raws, lines, starts, page_breaks = _split_pages(source_lines)
        else:
            raws, lines, starts = source_lines, None, None
        if text.isascii() or not any(char in text for char in _SPECIAL):
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
        if page_breaks:
            # Page breaks have no text, so the comprehension took them for empty lines.
            marked = list(kinds)
            for index in page_breaks:
                marked[index] = _PAGE
            kinds = "".join(marked)
        return cls(raws, cleaned, kinds, lines, starts)

    def piece(self, index: int) -> Piece:
        if self.lines is None or self.starts is None:
            return Piece(index + 1, 0, self.raws[index])
        return Piece(self.lines[index], self.starts[index], self.raws[index])


def _split_pages(
    source_lines: list[str],
) -> tuple[list[str], Sequence[int], Sequence[int], list[int]]:
    """Lines split at form feeds, each form feed a page break segment. A line end right
    before or after a form feed belongs to the page break: the empty stretches beside it are
    not lines, so they are left out. A stretch of spaces is kept (pypdf's one-space line).
    Also gives the indexes of the page break segments (one for a run of form feeds).

    The lines between form feeds are taken over whole, and their numbers and starts kept as
    machine integers: one form feed and ten million empty lines took 818 MB as Python lists."""
    raws: list[str] = []
    lines, starts = array("i"), array("i")
    page_breaks: list[int] = []
    following = iter(source_lines)  # (taken in order: no copy of a stretch, no going back)
    done = 0
    for index in [index for index, line in enumerate(source_lines) if "\f" in line]:
        raws.extend(islice(following, index - done))
        lines.extend(range(done + 1, index + 1))
        starts.frombytes(bytes(starts.itemsize * (index - done)))
        number, start = index + 1, 0
        for position, part in enumerate(next(following).split("\f")):
            if position and (not page_breaks or page_breaks[-1] != len(raws) - 1):
                page_breaks.append(len(raws))
                raws.append("")
                lines.append(number)
                starts.append(start - 1)
            if part:
                raws.append(part)
                lines.append(number)
                starts.append(start)
            start += len(part) + 1
        done = index + 1
    raws.extend(following)
    lines.extend(range(done + 1, len(source_lines) + 1))
    starts.frombytes(bytes(starts.itemsize * (len(source_lines) - done)))
    return raws, lines, starts, page_breaks


class NormalText:
    """The normal text the grammar reads, and the way back to the original input."""

    def __init__(
        self,
        text: str,
        source_lines: list[str],
        paragraphs_known: bool,
        segments: _Segments | None = None,
        text_segments: list[int] | None = None,
        separators: list[str] | None = None,
    ) -> None:
        self.text = text
        #: The original input's lines, for excerpts.
        self.source_lines = source_lines
        #: False when the input had no blank lines, so paragraph breaks could not be known.
        self.paragraphs_known = paragraphs_known
        self.segments = segments
        #: The text segments the lines of ``text`` are made of, in order, and what follows
        #: each in ``text``: "\n", "\n\n" (a paragraph break) or "" (a soft hyphen joined the
        #: next).
        self.text_segments: list[int] = text_segments or []
        self.separators: list[str] = separators or []

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
            columns = self._columns.get(piece.raw)
            if columns is None:
                columns = self._columns[piece.raw] = Columns(piece.raw)
            if remaining < columns.length:
                return piece.line, piece.start + columns.offset(remaining) + 1
            remaining -= columns.length
        last_piece = pieces[-1]
        end = len(last_piece.raw.rstrip())
        return last_piece.line, last_piece.start + end + 1

    def starts_a_line_before(self, phrase: str, offset: int) -> bool:
        """Whether ``phrase`` (its words apart by any whitespace, as a wrapped line has them)
        starts a line of ``text`` before ``offset``: a heading or label that came already."""
        ends = self._first_line_start_ends
        end = ends.get(phrase)
        if end is None:
            # Where the phrase first starts a line is found once, in the whole text: every
            # match is as long as the first (or one longer), so some match ends by ``offset``
            # exactly when the first does. (Searching the text up to each offset anew, for
            # each heading out of place, cost minutes on a text holding 400,000 of them:
            # issue 13, item 6.)
            words = r"\s".join(re.escape(word) for word in phrase.split(" "))
            found = re.search(r"(?:^|\n)" + words, self.text)
            end = ends[phrase] = len(self.text) + 1 if found is None else found.end()
        return end <= offset

    @cached_property
    def _columns(self) -> dict[str, Columns]:
        """The `Columns` of each original line a problem was located on, by its text."""
        return {}

    @cached_property
    def _first_line_start_ends(self) -> dict[str, int]:
        """For each phrase `starts_a_line_before` was asked about, where in ``text`` its first
        start of a line ends (past the end of ``text`` when it starts none)."""
        return {}

    def source_line(self, line: int) -> str:
        """The original input's line ``line`` (1-based), or ``""`` past its end."""
        return self.source_lines[line - 1] if 0 < line <= len(self.source_lines) else ""


def _is_double_spaced(kinds: str) -> bool:
    """No two segments touch, at least two hold text, and some gap is wider than one empty
    line (two empty lines running, or a line of spaces). A page break with the empty lines
    beside it counts as one empty line."""
    kinds = _page_gaps_as_empty_lines(kinds)
    return (
        _TOUCHING.search(kinds) is None
        and kinds.count(_TEXT) >= 2
        and ("EE" in kinds or _SPACE in kinds)
    )


def _page_gaps_as_empty_lines(kinds: str) -> str:
    """Each page break, with the empty lines beside it, as one empty line; an empty line
    between two page breaks goes with the first. (What ``re.sub("E*PE*", "E", kinds)`` gives,
    without its cost: that pattern tried again from every empty line of a run with no page
    break after it, quadratic in the run: issue 13, item 6.)"""
    if _PAGE not in kinds:
        return kinds
    first, *middle, last = kinds.split(_PAGE)
    parts = [first.rstrip(_EMPTY), *(part.strip(_EMPTY) for part in middle), last.lstrip(_EMPTY)]
    return _EMPTY.join(parts)


def _segment_order(kinds: str) -> Sequence[int]:
    """The segments the steps below look at: all of them, except that of a run of more than
    five blank ones only its first two, its first line of spaces and its last two are kept.

    What the steps make of a run of blank segments depends only on what stands beside it,
    whether it holds a line of spaces, and whether anything of it is left after its first
    empty line is dropped (double spacing), which is so for any run of two or more. The index
    of each of ten million empty lines, in a list, took 660 MB (issue 13, item 6)."""
    order: list[int] = []
    done = 0
    for run in _LONG_BLANK_RUN.finditer(kinds):
        start, end = run.span()
        order += range(done, start + 2)
        space = kinds.find(_SPACE, start + 2, end - 2)
        if space >= 0:
            order.append(space)
        order += range(end - 2, end)
        done = end
    if not done:
        return range(len(kinds))
    order += range(done, len(kinds))
    return order


def _undouble(kinds: str, order: Sequence[int]) -> list[int]:
    """The segments left when the empty line after each other segment is dropped."""
    return [
        index
        for index in order
        if kinds[index] != _EMPTY or index == 0 or kinds[index - 1] == _EMPTY
    ]


def _drop_footers(kinds: str, order: Sequence[int]) -> list[int]:
    """Without the footer segments, and the blank lines that only separate a footer from the
    text or from a page break (those just above it and just below it)."""
    kept: list[int] = []
    below_footer = False
    for index in order:
        kind = kinds[index]
        if kind == _FOOTER:
            while kept and kinds[kept[-1]] in _EMPTY_OR_SPACE:
                kept.pop()
            below_footer = True
            continue
        if below_footer and kind in _EMPTY_OR_SPACE:
            continue
        below_footer = False
        kept.append(index)
    return kept


def _drop_page_breaks(kinds: str, order: Sequence[int]) -> list[int]:
    """Without the page breaks, and the empty lines beside them: a tool's page end, not a line
    of the page (lines of spaces stay: pypdf's empty lines of the page)."""
    kept_kinds = "".join([kinds[index] for index in order])
    dropped: set[int] = set()
    # A page break with the blank lines beside it: a run of them that holds a page break.
    for edge in _BLANK_RUN.finditer(kept_kinds):
        if _PAGE in edge.group():
            dropped.update(
                position
                for position in range(edge.start(), edge.end())
                if kept_kinds[position] != _SPACE
            )
    return [index for position, index in enumerate(order) if position not in dropped]


def _runs_on(line: str, following: str) -> bool:
    """A line that ends in a hyphen right after a letter or digit, before a line that starts
    with one: the PDF tool broke the line after the hyphen (LETTER-FORMAT §3)."""
    return len(line) > 1 and line[-1] == "-" and line[-2].isalnum() and following[:1].isalnum()


def normalize(text: str) -> NormalText:
    """Turn a letter in any layout of LETTER-FORMAT §3 into the normal text the grammar reads."""
    text = text.removeprefix("\ufeff")
    source_lines = LINE_END.split(text) if "\r" in text else text.split("\n")
    if source_lines and source_lines[-1] == "" and len(source_lines) > 1:
        source_lines.pop()
    segments = _Segments.of(text, source_lines)
    kinds, cleaned, raws = segments.kinds, segments.cleaned, segments.raws
    order = _segment_order(kinds)
    if _is_double_spaced(kinds):
        order = _undouble(kinds, order)
    if _FOOTER in kinds:
        order = _drop_footers(kinds, order)
    if _PAGE in kinds:
        order = _drop_page_breaks(kinds, order)
    kept = kinds if isinstance(order, range) else "".join([kinds[index] for index in order])
    # Which text segments make the lines, and what separates each from the next: a
    # paragraph break where a breaking blank line comes between, nothing where a soft hyphen
    # ends the line (the word goes on), else a line end.
    text_segments = [index for index in order if kinds[index] == _TEXT]
    gaps = kept.strip(_EMPTY_OR_SPACE).split(_TEXT)[1:-1]
    # Where any line of spaces is left, only those break paragraphs (step 4 above).
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
    normal = "".join(map(operator.add, lines, separators))
    if "-\n" in normal:
        # Lines broken after a hyphen run on into the next line, with no space.
        for index in range(len(lines) - 1):
            if separators[index] == "\n" and _runs_on(lines[index], lines[index + 1]):
                separators[index] = ""
        normal = "".join(map(operator.add, lines, separators))
    return NormalText(
        normal,
        source_lines,
        any(breaks),
        segments,
        text_segments=text_segments,
        separators=separators,
    )
