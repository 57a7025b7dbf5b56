"""A PDF's pages as text, read with PDFium (pypdfium2), in the shape the normalizer knows.

PDFium (Chrome's PDF library, BSD/Apache) reads and decrypts the published letters about nine
times faster than pypdf (docs/PDF.md). Its text comes one PDF line to a line, but with no
line for an *empty* line of the page: a letter's paragraphs are separated by empty lines, so
they would be lost. So each line's place on the page is read as well (the origin of its first
character), and an empty line is put back where the page has one:

- between two lines of a page, where the baseline moves down by more than `BLANK_LINE_GAP`
  line pitches (a pitch is the document's usual distance from one line to the next): a page's
  empty line shows as a gap, whether or not the PDF draws anything in it; extra space after a
  heading (half a line) is not one;
- at the top or the foot of a page, where the PDF draws a text object holding only spaces above
  its first line or below its last one (as word processors draw an empty paragraph, and as the
  published letters do): no gap can show an empty line at a page's edge.

The result is the shape the rest of imrparse reads (LETTER-FORMAT §3, "what pypdf gives"): one
line per PDF line, a line holding one space for an empty line of the page, each page ending
with a line end. A line that PDFium marks as broken after a hyphen (it joins the two lines and
puts U+FFFE for the hyphen) is given back as the two lines, the first ending in ``-``, as the
page shows them; the normalizer joins them (LETTER-FORMAT §3, hyphens).

PDFium is not thread-safe: every call into it holds one lock.

A PDF has a budget (`Budget`; issue 13, item 5): a few kilobytes of PDF can make PDFium inflate
gigabytes, draw millions of objects or read a hundred thousand pages, and one call into PDFium
cannot be stopped once it has begun. So:

- what PDFium can tell before the work is checked before it: the page count before any page is
  read, a page's objects (drawn by `FPDF_LoadPage`) before its text page is built (the text
  page is what costs most), a page's characters before its text is copied out, the letter's
  characters so far, and the time so far before each page;
- on Linux the reading runs in a reader process (`imrparse.pdfprocess`), whose address space
  may grow by `Budget.memory` at most and which is killed past `Budget.seconds`: so whatever a
  single PDFium call does (inflate a stream, expand forms drawn inside forms) is bounded too.
  PDFium's API gives no stream's length or filter before it decodes it, so without the reader
  (another system, or a fork refused) the memory and the time of one call are not bounded:
  only the checks between calls are.
"""

from __future__ import annotations

import ctypes
import os
import re
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

__all__ = ["BLANK_LINE_GAP", "DEFAULT_BUDGET", "Budget", "PdfProblem", "page_texts"]

#: How far (in line pitches) a baseline must move down from the line before for an empty line
#: to stand between them. Body lines are one pitch apart and an empty line makes two; the
#: published letters add half a pitch after headings (1.47 to 1.50), which is not an empty line.
BLANK_LINE_GAP = 1.75
# An empty line at a page's edge is a spaces-only text object whose middle lies this many
# pitches above the page's top baseline, or below its bottom baseline. (The middle of a line's
# own text sits about a quarter pitch above its baseline; the next line's about three quarters
# below.)
_ABOVE_TOP = 0.75
_BELOW_BOTTOM = -0.4
# Below this many steps from one line down to the next, a document's pitch is taken from its
# type size instead (too few lines to tell a line's step from an empty line's). Leading is
# usually 1.2 times the type size; 12 pt when no size is known.
_STEPS_FOR_PITCH = 8
_LEADING = 1.2
_DEFAULT_PITCH = 12.0
# Where PDFium ends a line: CRLF (what it writes), CR or LF; and U+FFFE, its mark for a hyphen
# that ended a line (U+0002 in older PDFium builds), after which it gives no line end.
_LINE_END = re.compile("\r\n|[\r\n]|[\ufffe\x02]")
_HYPHEN_MARKS = "\ufffe\x02"

# PDFium's codes for a document that did not open (FPDF_GetLastError), and what they mean, in
# the words of its header (fpdfview.h).
_ERR_PASSWORD = 4
_ERR_SECURITY = 5
_ERRORS = {
    1: "unknown error",
    2: "file not found or could not be opened",
    3: "not in PDF format or corrupted",
    4: "password required or incorrect password",
    5: "unsupported security scheme",
    6: "page not found or content error",
}

_LOCK = threading.Lock()


def _new_lock() -> None:
    """In a process just forked: the lock as it was may be held by a thread of the parent's,
    which this process does not have."""
    global _LOCK
    _LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_lock)


@dataclass(frozen=True)
class Budget:
    """What reading one PDF may cost. Each limit is far above what a letter needs: the 49
    published letters have 2 to 10 pages, at most 297 objects and 3,927 characters on a page
    and 27,113 in all, and each is read in about 10 ms (docs/ERRORS.md, IMR113)."""

    #: Pages: a letter has 1 to 12 (ten items would take about 20).
    pages: int = 100
    #: Objects `FPDF_LoadPage` draws on one page, before its text page is built (building it
    #: for five million objects took 43 seconds and 11 GB): a page drawn a glyph at a time has
    #: a few thousand.
    objects_per_page: int = 20_000
    #: Characters of text on one page: a full page of 6-point type holds about 20,000.
    chars_per_page: int = 100_000
    #: Characters of text in the whole PDF: ten full pages of small type.
    chars: int = 1_000_000
    #: Seconds for reading the whole PDF, so that a letter is answered within the 5 seconds
    #: promised for any input of 10 MB (README, Performance) with time to parse its text.
    seconds: float = 3.0
    #: Bytes of memory the reading may take beyond what the reader process held when it
    #: started (on Linux: `imrparse.pdfprocess`). A published letter takes
    #: about 5 MB; this leaves a process of 200 MB within the 500 MB promised for any input.
    memory: float = 256 * 2**20

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not value > 0:  # (NaN is not either)
                raise ValueError(f"a Budget's {name} must be more than 0, not {value!r}")


DEFAULT_BUDGET = Budget()


class PdfProblem(Exception):
    """PDFium could not read the document. ``kind`` is "password" (it needs a user password),
    "security" (an encryption PDFium does not support), "damaged", or "budget" (reading it
    would cost more than its `Budget`: the message says which limit)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


@dataclass
class _Page:
    """One page as PDFium reads it: its lines, each line's baseline (None for a line of
    spaces), and the middles of the spaces-only text objects drawn above its top baseline or
    below its bottom one (empty lines at its edges, when far enough from the text)."""

    lines: list[str]
    baselines: list[float | None]
    #: The type size of each line's first character that is not a space (for the pitch of a
    #: document too short to measure it).
    sizes: list[float]
    edge_spaces: list[float]


def page_texts(data: bytes, budget: Budget = DEFAULT_BUDGET) -> list[str]:
    """Each page's text, one PDF line per line, a line holding one space for an empty line of
    the page. Raise `PdfProblem` when PDFium cannot open the document, or reading it would
    cost more than ``budget``."""
    # PDFium is loaded here (text letters never need it), before a reader process is forked:
    # the reader has it loaded.
    import pypdfium2  # noqa: F401

    # (One PDF at a time per process, whether read here or by the reader process; a PDF's time
    # starts once it is its turn.)
    with _LOCK:
        deadline = time.monotonic() + budget.seconds
        if _ISOLATE:
            from .pdfprocess import NoReader, read_in_reader

            try:
                return read_in_reader(data, budget, deadline)
            except NoReader:
                pass
        return _read(data, budget, deadline)


def _read(
    data: bytes,
    budget: Budget,
    deadline: float,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """`page_texts` in this process (call it holding `_LOCK`, or in a reader); ``progress``
    is told each page's index, and the page count, before the page is read."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise _problem(error) from None
    try:
        count = len(document)
        if count > budget.pages:
            raise _over(
                f"it has {count:,} pages, more than the {budget.pages:,} a letter may have "
                "(letters have 1 to 12); no page was read"
            )
        pages: list[_Page] = []
        chars = 0
        for index in range(count):
            if progress is not None:
                progress(index, count)
            if index and time.monotonic() > deadline:
                raise _over_time(budget, index, count)
            page = _read_page(document, index, budget, deadline, count)
            chars += sum(map(len, page.lines))
            if chars > budget.chars:
                raise _over(
                    f"its text is over {budget.chars:,} characters by page {index + 1} of "
                    f"{count}, more than a letter may have"
                )
            pages.append(page)
    except pypdfium2.PdfiumError as error:
        raise PdfProblem("damaged", f"PDFium: {error}") from None
    finally:
        document.close()
    pitch = _pitch(pages)
    return [_page_text(page, pitch) for page in pages]


# On Linux a PDF is read in a reader process, with its memory and its time bounded
# (`imrparse.pdfprocess`).
_ISOLATE = sys.platform.startswith("linux") and hasattr(os, "fork")


def _over(reason: str) -> PdfProblem:
    return PdfProblem("budget", f"the PDF is over its budget: {reason}")


def _over_time(budget: Budget, index: int, count: int, *, inside: bool = False) -> PdfProblem:
    """Over the time budget before page ``index`` (0-based) of ``count``, or while reading it
    (``inside``; a count of 0: before the page count was known)."""
    where = "while reading" if inside else "before"
    page = f"{where} page {index + 1} of {count}" if count else "while opening it"
    return _over(
        f"reading it took over {budget.seconds:g} seconds, the most a letter may take; it "
        f"was stopped {page}"
    )


def _problem(error: Exception) -> PdfProblem:
    import pypdfium2.raw as pdfium_c

    # (Read here, under the lock: the code of the last call, the failed open.)
    code = int(getattr(error, "err_code", None) or pdfium_c.FPDF_GetLastError())
    detail = f"PDFium: {_ERRORS.get(code, 'no pages')}"
    if code == _ERR_PASSWORD:
        return PdfProblem("password", detail)
    if code == _ERR_SECURITY:
        return PdfProblem("security", detail)
    return PdfProblem("damaged", detail)


def _read_page(document: Any, index: int, budget: Budget, deadline: float, count: int) -> _Page:
    """The page's lines as PDFium reads them, each with the baseline of its first character
    that is not a space; and the spaces-only text objects beyond its first and last line.
    What the budget allows is checked before each step that costs."""
    import pypdfium2.raw as pdfium_c

    page = document[index]
    try:
        objects = int(pdfium_c.FPDFPage_CountObjects(page.raw))
        if objects > budget.objects_per_page:
            raise _over(
                f"page {index + 1} draws {objects:,} objects, more than the "
                f"{budget.objects_per_page:,} a page may have (a letter's page draws a few "
                "hundred)"
            )
        if time.monotonic() > deadline:
            raise _over_time(budget, index, count, inside=True)
        textpage = page.get_textpage()
    except BaseException:
        page.close()
        raise
    try:
        chars = int(pdfium_c.FPDFText_CountChars(textpage.raw))
        if chars > budget.chars_per_page:
            raise _over(
                f"page {index + 1} holds {chars:,} characters of text, more than the "
                f"{budget.chars_per_page:,} a page may have (a letter's page holds about 4,000)"
            )
        text = _text(pdfium_c, textpage.raw, chars)
        lines: list[str] = []
        baselines: list[float | None] = []
        sizes: list[float] = []
        x, y = ctypes.c_double(), ctypes.c_double()
        # Where each line starts in PDFium's text: in characters (``start``), and in UTF-16
        # units as PDFium counts (``units``; more where a character is outside the BMP), kept
        # up line by line (encoding the text up to each line made a page of such lines cost
        # its length squared).
        start = units = 0
        wide = not text.isascii() and any(ord(char) > 0xFFFF for char in text)
        for match in _LINE_END.finditer(text + "\n"):
            end = match.start()
            line = text[start:end]
            if match.group() in _HYPHEN_MARKS:
                line += "-"
            lead = len(line) - len(line.lstrip())
            baseline: float | None = None
            if lead < len(line):
                char = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, units + lead)
                if char >= 0 and pdfium_c.FPDFText_GetCharOrigin(textpage.raw, char, x, y):
                    baseline = y.value
                    sizes.append(float(pdfium_c.FPDFText_GetFontSize(textpage.raw, char)))
            lines.append(line)
            baselines.append(baseline)
            following = match.end()
            if wide:
                units += len(text[start:following].encode("utf-16-le")) // 2
            else:
                units = following
            start = following
        known = [baseline for baseline in baselines if baseline is not None]
        edges = (
            _edge_spaces(pdfium_c, page.raw, textpage.raw, max(known), min(known)) if known else []
        )
        return _Page(lines, baselines, sizes, edges)
    finally:
        textpage.close()
        page.close()


def _edge_spaces(pdfium_c: Any, page: Any, textpage: Any, top: float, bottom: float) -> list[float]:
    """The middles of the spaces-only text objects whose middle lies above the baseline
    ``top`` or below ``bottom``."""
    found: list[float] = []
    left, low, right, high = (ctypes.c_float() for _ in range(4))
    for number in range(pdfium_c.FPDFPage_CountObjects(page)):
        item = pdfium_c.FPDFPage_GetObject(page, number)
        if pdfium_c.FPDFPageObj_GetType(item) != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(item, left, low, right, high):
            continue
        middle = (low.value + high.value) / 2
        if (middle > top or middle < bottom) and _only_spaces(pdfium_c, item, textpage):
            found.append(middle)
    return found


def _text(pdfium_c: Any, textpage: Any, count: int) -> str:
    """All ``count`` characters of a text page's text, as PDFium gives it (UTF-16 units,
    decoded)."""
    if count <= 0:
        return ""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = int(pdfium_c.FPDFText_GetText(textpage, 0, count, buffer))
    # (Less the closing NUL. A lone surrogate, which no text file can hold, becomes U+FFFD.)
    return ctypes.string_at(buffer, max(written - 1, 0) * 2).decode("utf-16-le", "replace")


def _pitch(pages: list[_Page]) -> float:
    """The document's usual distance from one line down to the next, from the downward steps
    between lines that follow one another on a page: the lower quartile of the steps, as a
    letter's paragraphs are many lines each (a letter of short paragraphs has nearly as many
    empty-line steps as line steps, so that their median may be either); in a document with few
    lines, the leading of its usual type size."""
    steps: list[float] = []
    for page in pages:
        known = [baseline for baseline in page.baselines if baseline is not None]
        # (A step of under a point is the same line; a step up is a table's next column.)
        steps += [above - below for above, below in pairwise(known) if above - below > 1]
    if len(steps) >= _STEPS_FOR_PITCH:
        return statistics.quantiles(steps, n=4)[0]
    sizes = [size for page in pages for size in page.sizes if size > 0]
    return _LEADING * statistics.median(sizes) if sizes else _DEFAULT_PITCH


def _only_spaces(pdfium_c: Any, item: Any, textpage: Any) -> bool:
    size = int(pdfium_c.FPDFTextObj_GetText(item, textpage, None, 0))  # bytes, with the NUL
    if size <= 2:
        return True
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium_c.FPDFTextObj_GetText(item, textpage, buffer, size)
    text = ctypes.string_at(buffer, size - 2).decode("utf-16-le", "replace")
    return text.isspace()


def _page_text(page: _Page, pitch: float) -> str:
    """The page in pypdf's shape: its lines, a one-space line for each empty line, a line end
    after each."""
    known = [baseline for baseline in page.baselines if baseline is not None]
    if not known:
        return ""
    top, bottom = max(known), min(known)
    above = any(middle - top > _ABOVE_TOP * pitch for middle in page.edge_spaces)
    below = any(middle - bottom < _BELOW_BOTTOM * pitch for middle in page.edge_spaces)
    out: list[str] = [" "] if above else []
    previous: float | None = None
    for line, baseline in zip(page.lines, page.baselines, strict=True):
        if baseline is None:
            continue  # PDFium's line of spaces: where empty lines are is known from the gaps
        if previous is not None and previous - baseline > BLANK_LINE_GAP * pitch:
            out.append(" ")
        out.append(line)
        previous = baseline
    if below:
        out.append(" ")
    return "".join(line + "\n" for line in out)
