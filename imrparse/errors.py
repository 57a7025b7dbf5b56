"""Problems found in a letter: small values with a location, and the one error that carries them.

Every problem has a stable code ``IMRnnn``; the hundreds digit says what kind of problem it is
(see ``docs/ERRORS.md``, which lists each code with an example):

- ``IMR1xx`` the input itself (empty, binary, not a letter, too large);
- ``IMR2xx`` structure (a section missing, out of place, an item without a decision);
- ``IMR3xx`` boilerplate wording;
- ``IMR4xx`` slot values (dates, case number, priority, decision word, header fields);
- ``IMR5xx`` consistency warnings, which do not make a letter unreadable.
"""

from __future__ import annotations

from enum import Enum

from .value import Value, replace

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from typing import Any, Protocol

    class _Lines(Protocol):
        """The original input's lines (`imrparse.normalize.NormalText`)."""

        def source_line(self, line: int) -> str: ...


__all__ = ["CODES", "Diagnostic", "LetterError", "Severity", "located", "noting_unlisted"]


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


#: Every code imrparse reports, with a short title. docs/ERRORS.md gives an example of each.
CODES: dict[str, str] = {
    "IMR101": "empty input",
    "IMR102": "input holds only whitespace",
    "IMR103": "binary input, not text",
    "IMR104": "not an IMR Final Determination Letter",
    "IMR105": "UTF-16 text without a byte order mark",
    "IMR106": "input too large",
    "IMR107": "PDF damaged or truncated",
    "IMR108": "PDF encrypted",
    "IMR109": "PDF without a text layer (a scan: OCR needed)",
    "IMR110": "another kind of IMR letter, not a Final Determination Letter",
    "IMR111": "input could not be read (an I/O problem, not the letter's)",
    "IMR112": "the worker process reading the letter died",
    "IMR113": "PDF over its budget (pages, objects, text, time, memory)",
    "IMR201": "a required part of the letter is missing",
    "IMR202": "unexpected text",
    "IMR203": "item line without a decision",
    "IMR301": "boilerplate wording differs from the format",
    "IMR401": "invalid date",
    "IMR402": "invalid case number",
    "IMR403": "invalid priority",
    "IMR404": "unknown decision word",
    "IMR405": "case header field missing",
    "IMR406": "case header field repeated",
    "IMR407": "empty list",
    "IMR501": "case header dates out of their natural order",
    "IMR502": "case header date of injury differs from the clinical case summary",
    "IMR503": "no paragraph breaks in the input; items recognized by their last line",
}


class Diagnostic(Value):
    """One problem, located in the original input (1-based line and column)."""

    __slots__ = (
        "code",
        "severity",
        "message",
        "line",
        "column",
        "expected",
        "found",
        "excerpt",
        "page",
    )

    code: str
    severity: Severity
    message: str
    line: int
    column: int
    expected: str | None
    found: str | None
    #: The original input line the problem is on, for showing with a caret.
    excerpt: str | None
    #: For PDF input, the page the line is on (then ``line`` counts from the top of that page).
    page: int | None

    def __init__(
        self,
        code: str,
        severity: Severity,
        message: str,
        line: int,
        column: int,
        expected: str | None = None,
        found: str | None = None,
        excerpt: str | None = None,
        page: int | None = None,
    ) -> None:
        super().__init__(code, severity, message, line, column, expected, found, excerpt, page)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }
        if self.page is not None:
            data["page"] = self.page
        if self.expected is not None:
            data["expected"] = self.expected
        if self.found is not None:
            data["found"] = self.found
        return data


def noting_unlisted(diagnostics: list[Diagnostic], unlisted: int) -> list[Diagnostic]:
    """``diagnostics``, the last of them saying that ``unlisted`` more problems were found and
    not listed (locating each of a million costs seconds)."""
    if not unlisted or not diagnostics:
        return diagnostics
    *listed, last = diagnostics
    more = f"{unlisted:,} more problem{'s' if unlisted > 1 else ''}"
    return [*listed, replace(last, message=f"{last.message} (and {more} found, not listed)")]


def located(
    source: _Lines,
    code: str,
    message: str,
    where: tuple[int, int],
    *,
    severity: Severity = Severity.ERROR,
    expected: str | None = None,
    found: str | None = None,
) -> Diagnostic:
    """The one way a problem in a letter becomes a `Diagnostic`: at ``where`` (the 1-based line
    and column in the original input), with that line as its excerpt."""
    line, column = where
    return Diagnostic(
        code,
        severity,
        message,
        line,
        column,
        expected=expected,
        found=found,
        excerpt=source.source_line(line),
    )


class LetterError(ValueError):
    """The input is not a conforming letter; ``diagnostics`` says why and where (errors first)."""

    #: How many problems the message spells out before it says "and N more".
    MESSAGE_LIMIT = 3

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
        if not diagnostics:
            raise ValueError("LetterError needs at least one diagnostic")
        self.diagnostics: tuple[Diagnostic, ...] = tuple(
            sorted(diagnostics, key=lambda d: (not d.is_error, d.line, d.column))
        )
        super().__init__(self._message())

    @property
    def first(self) -> Diagnostic:
        return self.diagnostics[0]

    def _message(self) -> str:
        shown = [
            f"{d.line}:{d.column}: {d.severity.value}[{d.code}]: {d.message}"
            for d in self.diagnostics[: self.MESSAGE_LIMIT]
        ]
        rest = len(self.diagnostics) - self.MESSAGE_LIMIT
        if rest > 0:
            shown.append(f"... and {rest} more")
        return "\n".join(shown)
