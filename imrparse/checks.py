"""Consistency checks that do not make a letter unreadable: they give warnings (IMR5xx)."""

from __future__ import annotations

from itertools import pairwise

from .errors import Diagnostic, Severity, located
from .grammar import words
from .normalize import NormalText
from .record import Letter

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from typing import Protocol

    class Positions(Protocol):
        def get(self, name: str, default: tuple[int, int]) -> tuple[int, int]: ...


__all__ = ["consistency_warnings"]

# The order in which a case's dates happen (LETTER-FORMAT §5).
_NATURAL_ORDER = (
    "date_of_injury",
    "ur_denial_date",
    "application_received",
    "date_assigned",
    "decision_date",
)


def _warning(normal: NormalText, code: str, message: str, where: tuple[int, int]) -> Diagnostic:
    return located(normal, code, message, where, severity=Severity.WARNING)


def consistency_warnings(
    letter: Letter, normal: NormalText, header_positions: Positions
) -> list[Diagnostic]:
    warnings: list[Diagnostic] = []
    case = letter.case
    labels = words().header_labels()
    if case is not None:
        for earlier, later in pairwise(_NATURAL_ORDER):
            if getattr(case, earlier) > getattr(case, later):
                warnings.append(
                    _warning(
                        normal,
                        "IMR501",
                        f"{labels[later]} {getattr(case, later):%m/%d/%Y} is before "
                        f"{labels[earlier]} {getattr(case, earlier):%m/%d/%Y}",
                        header_positions.get(later, (1, 1)),
                    )
                )
        summary_date = letter.patient.date_of_injury
        if summary_date is not None and summary_date != case.date_of_injury:
            warnings.append(
                _warning(
                    normal,
                    "IMR502",
                    f"the case header's {labels['date_of_injury']} "
                    f"{case.date_of_injury:%m/%d/%Y} differs "
                    f"from the summary's {summary_date:%m/%d/%Y}",
                    header_positions.get("date_of_injury", (1, 1)),
                )
            )
    if not normal.paragraphs_known and len(letter.determinations) > 1:
        warnings.append(
            _warning(
                normal,
                "IMR503",
                "the input has no blank lines, so paragraph breaks are unknown: each item after "
                "the first was read from its last line only, and may have lost its first lines",
                normal.locate(1, 1),
            )
        )
    return warnings
