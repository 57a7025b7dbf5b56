"""Records back into letters: the Jinja template, laid out as PDF tools lay letters out.

``templates/letter.txt.j2`` holds the letter's words; a `Layout` says how they sit on the page.
Rendering is two steps:

1. the template gives *lines*: each paragraph folded at the layout's width (or not at all), an
   empty line between paragraphs;
2. the layout cuts those lines into pages and writes them in its shape (LETTER-FORMAT §3):

   - ``canonical``: one paragraph per line, an empty line between paragraphs, no pages;
   - ``pdf``: the seed's shape, pypdf's lines with each line end doubled: a line holding one
     space between paragraphs, one more empty line where a page ends;
   - ``plain``: one line per PDF line, an empty line between paragraphs, a form feed on its own
     line between pages;

   with, as the layout says, a ``Page N of M`` footer on every page, CRLF line ends and a
   byte order mark.

Every layout parses back to the same record: that is what the property tests prove.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from .record import Letter
from .resources import templates_dir
from .transform import HEADER_FIELDS

if TYPE_CHECKING:
    import jinja2

__all__ = ["LAYOUTS", "Layout", "render"]

Shape = Literal["canonical", "pdf", "plain"]
SHAPES: tuple[Shape, ...] = ("canonical", "pdf", "plain")


@dataclass(frozen=True)
class Layout:
    """How a letter's lines sit on pages, and how the pages are written down."""

    shape: Shape = "canonical"
    #: Fold paragraphs at this many columns (ignored by the canonical shape).
    width: int = 95
    #: Lines on a page, counting the empty lines between paragraphs.
    page_lines: int = 48
    #: Case header fields per line (published letters have two).
    header_fields_per_line: int = 2
    footers: bool = False
    crlf: bool = False
    bom: bool = False

    def __post_init__(self) -> None:
        if self.width < 30:
            raise ValueError(f"a layout's width must be at least 30 columns, not {self.width}")
        if self.page_lines < 10:
            raise ValueError(f"a page must hold at least 10 lines, not {self.page_lines}")
        if not 1 <= self.header_fields_per_line <= 7:
            raise ValueError("a case header line holds 1 to 7 fields")


#: Named layouts, for the command line (``--layout NAME``) and the generated corpus.
LAYOUTS: dict[str, Layout] = {
    "canonical": Layout("canonical", header_fields_per_line=1),
    "pdf": Layout("pdf", width=95, page_lines=48),
    "pdf-footers": Layout("pdf", width=95, page_lines=46, footers=True),
    "plain": Layout("plain", width=80, page_lines=56),
    "plain-narrow": Layout("plain", width=48, page_lines=60, header_fields_per_line=1),
    "plain-footers": Layout("plain", width=72, page_lines=54, footers=True),
    "windows": Layout("plain", width=88, page_lines=50, footers=True, crlf=True, bom=True),
}


def render(letter: Letter, layout: Layout | str = "canonical") -> str:
    """The letter's text in a layout (a `Layout` or one of the names in `LAYOUTS`)."""
    if isinstance(layout, str):
        try:
            layout = LAYOUTS[layout]
        except KeyError:
            known = ", ".join(LAYOUTS)
            raise ValueError(f"unknown layout {layout!r}; known layouts: {known}") from None
    width = None if layout.shape == "canonical" else layout.width
    text = _template().render(
        **_slots(letter),
        case_rows=_case_rows(letter, layout.header_fields_per_line),
        width=width,
    )
    lines = list(_paragraph_lines(text))
    while lines and lines[-1] == "":
        lines.pop()
    if layout.shape == "canonical":
        body = "".join(line + "\n" for line in lines)
    else:
        body = _write_pages(_pages(lines, layout.page_lines), layout)
    if layout.crlf:
        body = body.replace("\n", "\r\n")
    return ("\ufeff" if layout.bom else "") + body


# ---- the template -----------------------------------------------------------------------


@cache
def _template() -> jinja2.Template:
    import jinja2  # imported here: parsing a letter never needs it

    @jinja2.pass_context
    def wrap(context: jinja2.runtime.Context, text: str) -> str:
        return _wrap(text, context["width"])

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["wrap"] = wrap
    environment.filters["paragraphs"] = _split_paragraphs
    return environment.get_template("letter.txt.j2")


def _wrap(text: str, width: int | None) -> str:
    """One paragraph: its words on one line, or folded at ``width`` (long words stay whole)."""
    words = " ".join(text.split())
    if width is None:
        return words
    return "\n".join(textwrap.wrap(words, width, break_long_words=False, break_on_hyphens=False))


def _split_paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def _slots(letter: Letter) -> dict[str, object]:
    return {
        "case": letter.case,
        "reviewer": letter.reviewer,
        "clinical_case_summary": letter.clinical_case_summary,
        "determinations": letter.determinations,
    }


def _case_rows(letter: Letter, per_line: int) -> list[str]:
    case = letter.case
    if case is None:
        return []
    values = {
        "case_number": case.case_number,
        "date_assigned": f"{case.date_assigned:%m/%d/%Y}",
        "date_of_injury": f"{case.date_of_injury:%m/%d/%Y}",
        "decision_date": f"{case.decision_date:%m/%d/%Y}",
        "ur_denial_date": f"{case.ur_denial_date:%m/%d/%Y}",
        "application_received": f"{case.application_received:%m/%d/%Y}",
        "priority": case.priority.value.capitalize(),
    }
    fields = [f"{label}: {values[name]}" for name, label in HEADER_FIELDS.items()]
    # Published headers pair the fields in columns, separated by a run of spaces.
    return [
        "      ".join(fields[start : start + per_line]) for start in range(0, len(fields), per_line)
    ]


# ---- pages ------------------------------------------------------------------------------

_Line = str  # "" is the empty line between two paragraphs


def _paragraph_lines(text: str) -> Iterator[_Line]:
    """The template's lines, with exactly one empty line between paragraphs."""
    previous_empty = True
    for line in text.split("\n"):
        empty = not line.strip()
        if empty and previous_empty:
            continue
        yield "" if empty else line
        previous_empty = empty


def _pages(lines: list[_Line], page_lines: int) -> list[list[_Line]]:
    """Cut lines into pages. Pages may break mid-paragraph, as real ones do; the empty line
    between two paragraphs never ends a page (it would vanish into the page break), so it
    opens the next page instead."""
    pages: list[list[_Line]] = [[]]
    for line in lines:
        if len(pages[-1]) >= page_lines:
            pages.append([])
        pages[-1].append(line)
    for page, following in pairwise(pages):
        if page[-1] == "":
            page.pop()
            following.insert(0, "")
    return pages


def _write_pages(pages: list[list[_Line]], layout: Layout) -> str:
    count = len(pages)
    written: list[str] = []
    for number, page in enumerate(pages, start=1):
        lines = list(page)
        if layout.footers:
            lines += ["", f"Page {number} of {count}"]
        if layout.shape == "pdf":
            # pypdf: lines end in a space, an empty line of the page is one space, and every
            # line end is doubled; pages are joined by one more empty line.
            written.append("".join(f"{line} \n\n" if line else " \n\n" for line in lines))
        else:
            written.append("".join(line + "\n" for line in lines))
    joiner = "\n" if layout.shape == "pdf" else "\f\n"
    return joiner.join(written)
