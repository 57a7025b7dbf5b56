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
   - ``published``: what pypdf gives for the published PDFs: a trailing space on every line,
     a line holding one space between paragraphs, pages joined by a bare form feed, and the
     case header as the PDF's two-column table, whose ``Application Received:`` label wraps
     in its cell;

   with, as the layout says, a ``Page N of M`` footer on every page, lines broken after
   hyphens inside words (as PDF tools break them), CRLF line ends and a byte order mark.

Every layout parses back to the same record: that is what the property tests prove.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal, NamedTuple

from .grammar import words
from .record import Letter
from .resources import templates_dir

if TYPE_CHECKING:
    import jinja2

__all__ = ["LAYOUTS", "Layout", "render"]

Shape = Literal["canonical", "pdf", "plain", "published"]
SHAPES: tuple[Shape, ...] = ("canonical", "pdf", "plain", "published")


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
    #: Break lines after a hyphen inside a word too (``x-`` / ``rays``), as PDF tools do.
    hyphen_breaks: bool = False

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
    "published": Layout("published", width=98, page_lines=52, hyphen_breaks=True),
    "published-narrow": Layout("published", width=64, page_lines=40, hyphen_breaks=True),
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
        case_rows=_case_rows(letter, layout),
        width=width,
        hyphen_breaks=layout.hyphen_breaks,
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
        return _wrap(text, context["width"], hyphens=context["hyphen_breaks"])

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


def _wrap(text: str, width: int | None, *, hyphens: bool = False) -> str:
    """One paragraph: its words on one line, or folded at ``width`` (a word longer than that
    stays whole). With ``hyphens``, a line may also break after a hyphen inside a word.

    A line never ends in a hyphen after a letter or digit where the next line would then start
    with one, unless the hyphen is inside a word: the reader joins such lines with no space
    (LETTER-FORMAT §3), which is right only for a word the line break cut in two."""
    words = text.split()
    if width is None:
        return " ".join(words)
    lines: list[list[_Piece]] = [[]]
    length = 0
    for word in words:
        for index, piece in enumerate(_hyphen_pieces(word) if hyphens else [word]):
            line = lines[-1]
            glued = index > 0  # the rest of a word broken after a hyphen
            added = len(piece) + (0 if glued or not line else 1)
            if line and length + added > width:
                cut = _last_break(line, _Piece(piece, glued))
                if cut > 0:
                    lines.append(line[cut:])
                    del line[cut:]
                    length = _length(lines[-1])
                    added = len(piece) + (0 if glued or not lines[-1] else 1)
            lines[-1].append(_Piece(piece, glued))
            length += added
    return "\n".join(_joined(line) for line in lines)


class _Piece(NamedTuple):
    text: str
    #: Whether it follows the piece before it with no space (a word broken after a hyphen).
    glued: bool


def _hyphen_pieces(word: str) -> list[str]:
    """A word cut after each hyphen that stands between two letters or digits."""
    pieces: list[str] = []
    start = 0
    for index in range(1, len(word) - 1):
        if word[index] == "-" and word[index - 1].isalnum() and word[index + 1].isalnum():
            pieces.append(word[start : index + 1])
            start = index + 1
    pieces.append(word[start:])
    return pieces


def _may_break_before(before: _Piece, after: _Piece) -> bool:
    """Whether a line may end after ``before`` and the next begin with ``after``."""
    if after.glued:
        return True
    text = before.text
    joins = len(text) > 1 and text[-1] == "-" and text[-2].isalnum() and after.text[:1].isalnum()
    return not joins


def _last_break(line: list[_Piece], following: _Piece) -> int:
    """Where the line should end so that ``following`` starts the next: its length when a
    break may come there, else the last place in it where one may (0: nowhere)."""
    pieces = [*line, following]
    for cut in range(len(line), 0, -1):
        if _may_break_before(pieces[cut - 1], pieces[cut]):
            return cut
    return 0


def _length(line: list[_Piece]) -> int:
    return len(_joined(line))


def _joined(line: list[_Piece]) -> str:
    return "".join(
        piece.text if piece.glued or index == 0 else " " + piece.text
        for index, piece in enumerate(line)
    )


def _split_paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def _slots(letter: Letter) -> dict[str, object]:
    return {
        "case": letter.case,
        "reviewer": letter.reviewer,
        "clinical_case_summary": letter.clinical_case_summary,
        "determinations": letter.determinations,
    }


def _case_rows(letter: Letter, layout: Layout) -> list[str]:
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
    labels = words().header_labels()
    if layout.shape == "published":
        # The PDF's two-column table as pypdf reads it: the right column's labels are followed
        # by two spaces, and the last label wraps in its cell after its first word, its value
        # below it.
        def field(name: str, gap: str = " ") -> str:
            return f"{labels[name]}:{gap}{values[name]}"

        wrapping = labels["application_received"].split(" ", 1)
        return [
            field("case_number") + " ",
            field("date_assigned") + " " + field("date_of_injury", "  "),
            field("decision_date") + " " + field("ur_denial_date", "  "),
            field("priority", "  ") + " " + wrapping[0],
            f"{' '.join(wrapping[1:])}: ",
            values["application_received"],
        ]
    fields = [f"{label}: {values[name]}" for name, label in labels.items()]
    # Published headers pair the fields in columns, separated by a run of spaces.
    per_line = layout.header_fields_per_line
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
    """Cut lines into pages. Pages may break mid-paragraph, as real ones do; but never right
    before or after the empty line between two paragraphs: an empty line at a page's edge is
    a tool's page end, or a footer's margin, not a paragraph break (LETTER-FORMAT §3). So a page
    ends a line or two early instead; and where every line nearby is a paragraph of its own,
    a line is cut in two, as pages cut sentences."""
    lines = list(lines)
    pages: list[list[_Line]] = []
    start = 0
    while start < len(lines):
        end = start + page_lines
        while start + 1 < end < len(lines) and "" in (lines[end], lines[end - 1]):
            end -= 1
        if end < len(lines) and "" in (lines[end], lines[end - 1]):
            cut = _cut_a_line(lines, start, min(start + page_lines, len(lines)))
            if cut is not None:
                end, first, rest = cut
                pages.append([*lines[start:end], first])
                lines[end] = rest
                start = end
                continue
        pages.append(lines[start:end])
        start = end
    return pages or [[]]


def _cut_a_line(lines: list[_Line], start: int, stop: int) -> tuple[int, str, str] | None:
    """The last line in ``lines[start:stop]`` that can be cut in two at a space (where the
    reader will join its halves with one again), and the halves: the place for a page break
    when no break between lines keeps away from a paragraph break."""
    for index in range(stop - 1, start - 1, -1):
        words = [_Piece(word, False) for word in lines[index].split(" ")]
        for cut in range(len(words) - 1, 0, -1):
            if _may_break_before(words[cut - 1], words[cut]):
                return index, _joined(words[:cut]), _joined(words[cut:])
    return None


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
        elif layout.shape == "published":
            # pypdf on the published PDFs: lines end in a space, an empty line of the page is
            # one space; a page's text ends in a line end or not (both are seen).
            text = "".join(f"{line} \n" if line else " \n" for line in lines)
            written.append(text if number % 2 else text.removesuffix("\n"))
        else:
            written.append("".join(line + "\n" for line in lines))
    if layout.shape == "published":
        # The published PDFs' text starts with an empty line of the page.
        return " \n" + "\f".join(written)
    joiner = "\n" if layout.shape == "pdf" else "\f\n"
    return joiner.join(written)
