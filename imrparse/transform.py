"""Normal text to a `Letter`: one method per named rule of grammar/imr.lark.

The methods run inside the parser, as it reduces each rule, so no parse tree is built (the
parser is chosen in `imrparse.parser`: the lean driver, or Lark as its embedded transformer).

Slot values the grammar cannot judge (a real calendar date, each header field once, a heading
where free text should be) are checked here, and each problem becomes a `Diagnostic` at its
place in the original input.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from itertools import pairwise

from .errors import Diagnostic, located
from .facts import read_patient
from .grammar import compiled, words
from .guideline import read_guideline
from .items import read_item
from .lalr import Token
from .normalize import NormalText
from .record import (
    CaseHeader,
    Decision,
    Determination,
    Guideline,
    Letter,
    Priority,
    Reviewer,
)

__all__ = ["HeaderPositions", "LetterBuilder", "token_position"]


@cache
def _out_of_place() -> re.Pattern[str]:
    """A line that is one of the letter's own lines (a heading or boilerplate paragraph, whole)
    or starts with one of its labels: as free text it means a section is out of place (free
    text never starts a line with them; LETTER-FORMAT §2). Made from the grammar's words."""
    found = words()
    header = set(found.header.values())
    whole = [re.escape(found.literal[n]) for n in sorted(found.whole_lines)]
    labels = [
        re.escape(text)
        for name, text in sorted(found.literal.items())
        if name not in found.whole_lines and name not in header
    ]
    return compiled(f"(?:{'|'.join(whole)})$|(?:{'|'.join(labels)})")


TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from typing import Any

    _Field = tuple[str, Any, Token]


#: Problems the builder lists for one letter at most; past these it counts them
#: (`imrparse.errors.noting_unlisted` says how many on the last problem listed).
MAX_LISTED = 100


class _Paragraph:
    __slots__ = ("movable", "text")

    def __init__(self, text: str, movable: bool) -> None:
        self.text = text
        #: False for the paragraph that starts on a label's line: it can never begin an item.
        self.movable = movable


class _Item:
    __slots__ = ("decision", "starts_paragraph", "text")

    def __init__(self, text: str, decision: Decision, starts_paragraph: bool) -> None:
        self.text, self.decision, self.starts_paragraph = text, decision, starts_paragraph


class _Draft:
    """A determination whose item may yet take over the end of the rationale before it."""

    __slots__ = ("claims_administrator", "item", "maximus", "rationale")

    def __init__(
        self,
        item: _Item,
        claims_administrator: Guideline,
        maximus: Guideline,
        rationale: list[_Paragraph],
    ) -> None:
        self.item, self.claims_administrator, self.maximus = item, claims_administrator, maximus
        self.rationale = rationale


def _join(paragraphs: list[_Paragraph]) -> str:
    return "\n\n".join(p.text for p in paragraphs if p.text)


def token_position(normal: NormalText, token: Token, offset: int = 0) -> tuple[int, int]:
    """Where a token (or ``offset`` characters into it) stands in the original input."""
    line, column = token.line or 1, (token.column or 1) + offset
    # A token that starts a paragraph begins with the newline of the empty line before it.
    if token.value.startswith("\n") and offset == 0:
        line, column = line + 1, 1
    return normal.locate(line, column)


class HeaderPositions:
    """One letter's case header fields: their places in the original input, located only when
    a check asks (locating costs more than parsing a line, and most letters never need it).
    It keeps its own letter's text, so it stays right after the builder reads the next."""

    def __init__(self, normal: NormalText) -> None:
        self.normal = normal
        self.tokens: dict[str, Token] = {}

    def get(self, name: str, default: tuple[int, int]) -> tuple[int, int]:
        token = self.tokens.get(name)
        return default if token is None else token_position(self.normal, token)


class LetterBuilder:
    """Builds the record; problems found on the way collect in ``diagnostics``.

    One builder serves many letters, one at a time: `begin` readies it for the next."""

    def __init__(self) -> None:
        self.begin(NormalText("", [], paragraphs_known=False))

    def begin(self, normal: NormalText) -> None:
        """Forget the last letter; build the next from ``normal``."""
        self.normal = normal
        self.diagnostics: list[Diagnostic] = []
        #: Problems found past the first `MAX_LISTED`: counted, not located.
        self.unlisted = 0
        #: Where each case header field stands in the original input, for later checks.
        self.header_positions = HeaderPositions(normal)

    # ---- helpers --------------------------------------------------------------------------

    def position(self, token: Token, offset: int = 0) -> tuple[int, int]:
        return token_position(self.normal, token, offset)

    def _problem(
        self,
        code: str,
        message: str,
        token: Token,
        *,
        found: str | None = None,
        expected: str | None = None,
        at_line_start: bool = False,
    ) -> None:
        if len(self.diagnostics) >= MAX_LISTED:
            # Locating a problem costs more than reading a line: a text of a million headings
            # out of place would take minutes to list them all (issue 13, item 6).
            self.unlisted += 1
            return
        line, column = self.position(token)
        where = (line, 1) if at_line_start else (line, column)
        self.diagnostics.append(
            located(self.normal, code, message, where, expected=expected, found=found)
        )

    def _text_of(self, tokens: list[Token]) -> str:
        """The text of free-text tokens, their lines joined by spaces (normal lines are
        already cleaned). A heading or label read as free text is out of place; only a token's
        first line can be one (the lines that run on never are: see _RUN_ON in the grammar)."""
        parts = []
        for token in tokens:
            text = token.value.strip()
            if not text:
                continue
            if token.type in ("LINE", "PARA_LINE"):
                self._check_in_place(token, text.partition("\n")[0])
            parts.append(text.replace("\n", " "))
        return " ".join(parts)

    def _check_in_place(self, token: Token, line: str) -> None:
        heading = _out_of_place().match(line)
        if heading is None:
            return
        phrase = heading.group(0)
        again = self.normal.starts_a_line_before(phrase, token.start_pos or 0)
        where = "appears again here, out of place" if again else "is out of place here"
        self._problem("IMR202", f"'{phrase}' {where}", token, found=line[:60])

    # ---- case header ----------------------------------------------------------------------

    def _date_field(self, name: str, children: list[Token]) -> _Field:
        token = children[-1]
        month, day, year = (int(part) for part in token.value.split("/"))
        try:
            value: dt.date | None = dt.date(year, month, day)
        except ValueError:
            value = None
            self._problem(
                "IMR401",
                f"{words().header_label(name)} {token.value} is not a real calendar date",
                token,
                found=token.value,
                expected="a calendar date as MM/DD/YYYY",
            )
        return name, value, token

    def case_number(self, children: list[Token]) -> _Field:
        return "case_number", children[-1].value, children[-1]

    def date_assigned(self, children: list[Token]) -> _Field:
        return self._date_field("date_assigned", children)

    def date_of_injury(self, children: list[Token]) -> _Field:
        return self._date_field("date_of_injury", children)

    def decision_date(self, children: list[Token]) -> _Field:
        return self._date_field("decision_date", children)

    def ur_denial_date(self, children: list[Token]) -> _Field:
        return self._date_field("ur_denial_date", children)

    def application_received(self, children: list[Token]) -> _Field:
        return self._date_field("application_received", children)

    def priority(self, children: list[Token]) -> _Field:
        token = children[-1]
        return "priority", Priority(token.value.lower()), token

    def case_header(self, fields: list[_Field]) -> CaseHeader | None:
        values: dict[str, Any] = {}
        labels = words().header_labels()
        for name, value, token in fields:
            if name in values:
                self._problem(
                    "IMR406",
                    f"case header field '{labels[name]}' appears more than once",
                    token,
                    found=labels[name],
                )
                continue
            values[name] = value
            self.header_positions.tokens[name] = token
        missing = [label for name, label in labels.items() if name not in values]
        if missing:
            first = fields[0][2]
            self._problem(
                "IMR405",
                "case header lacks " + ", ".join(f"'{label}'" for label in missing),
                first,
                expected="all seven case header fields",
                at_line_start=True,
            )
        if missing or any(value is None for value in values.values()):
            return None
        return CaseHeader(**values)

    # ---- reviewer -------------------------------------------------------------------------

    def _list(self, children: list[Token], what: str) -> tuple[str, ...]:
        names = tuple(n.strip() for n in self._text_of(children).split(",") if n.strip())
        if not names:
            self._problem("IMR407", f"the {what} list is empty", children[0], expected=what)
        return names

    def licensure(self, children: list[Token]) -> tuple[str, ...]:
        return self._list(children, "state(s) of licensure")

    def specialties(self, children: list[Token]) -> tuple[str, ...]:
        return self._list(children, "certification(s)/specialty")

    def credentials(self, children: list[tuple[str, ...]]) -> Reviewer:
        return Reviewer(licensure=children[0], specialties=children[1])

    # ---- free text ------------------------------------------------------------------------

    def paragraph(self, children: list[Token]) -> _Paragraph:
        return _Paragraph(self._text_of(children), movable=True)

    def label_paragraph(self, children: list[Token]) -> _Paragraph:
        return _Paragraph(self._text_of(children), movable=False)

    def summary(self, paragraphs: list[_Paragraph]) -> str:
        return _join(paragraphs)

    def claims_administrator_guideline(self, paragraphs: list[_Paragraph]) -> Guideline:
        return read_guideline(_join(paragraphs))

    def maximus_guideline(self, paragraphs: list[_Paragraph]) -> Guideline:
        return read_guideline(_join(paragraphs))

    def rationale(self, paragraphs: list[_Paragraph]) -> list[_Paragraph]:
        return paragraphs

    # ---- determinations -------------------------------------------------------------------

    def decision(self, children: list[Token]) -> Decision:
        return Decision(children[0].value.lower())

    def item(self, children: list[Any]) -> _Item:
        *lines, decision = children
        # ITEM_TEXT ends in the ": " (or ":" and a line break) before the decision word.
        text = self._text_of(lines).removesuffix(":").rstrip()
        return _Item(text, decision, starts_paragraph=lines[0].value.startswith("\n"))

    def determination(self, children: list[Any]) -> _Draft:
        item, claims_administrator, maximus, rationale = children
        return _Draft(item, claims_administrator, maximus, rationale)

    def issues(self, drafts: list[_Draft]) -> tuple[Determination, ...]:
        for previous, draft in pairwise(drafts):
            # An item whose last line does not start a paragraph began in the paragraph that
            # reads as the end of the previous rationale (see `item` in grammar/imr.lark).
            if not draft.item.starts_paragraph and previous.rationale[-1].movable:
                beginning = previous.rationale.pop()
                draft.item.text = f"{beginning.text} {draft.item.text}"
        return tuple(
            Determination(
                *read_item(d.item.text),
                d.item.decision,
                d.claims_administrator,
                d.maximus,
                _join(d.rationale),
            )
            for d in drafts
        )

    # ---- the letter -----------------------------------------------------------------------

    def start(self, children: list[Any]) -> Letter:
        case: CaseHeader | None = None
        if len(children) == 4:
            case, reviewer, summary, determinations = children
        else:
            reviewer, summary, determinations = children
        return Letter(
            case=case,
            reviewer=reviewer,
            clinical_case_summary=summary,
            patient=read_patient(summary),
            determinations=determinations,
        )
