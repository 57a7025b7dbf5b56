"""Records as output: JSON, JSON Lines, and CSV with one row per determination.

Each function returns text; the caller writes it. CSV follows RFC 4180 (the csv module's
defaults: CRLF row ends, fields quoted when they hold a comma, quote or line break), so that
pandas, DuckDB and spreadsheets load it as is.
"""

from __future__ import annotations

import json

from .record import Citation, CitationSource, Guideline, Letter

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from typing import Any, Literal

    Format = Literal["json", "jsonl", "csv"]

__all__ = ["CSV_COLUMNS", "csv_header", "csv_rows", "record_json"]

CSV_COLUMNS = (
    "source", "case_number", "decision_date", "date_of_injury", "priority",
    "reviewer_licensure", "reviewer_specialties", "patient_age", "patient_sex", "item_index",
    "item", "authorization_kind", "original_request", "authorized", "decision",
    "ca_basis", "ca_mtus", "ca_mtus_parts", "ca_citations",
    "maximus_basis", "maximus_mtus", "maximus_mtus_parts", "maximus_citations",
    "rationale",
)  # fmt: skip


def record_json(letter: Letter, source: str | None, *, indent: int | None = None) -> str:
    """The record as JSON; with ``source``, a "source" field naming its file comes first."""
    record = letter.to_dict()
    data: dict[str, Any] = record if source is None else {"source": source, **record}
    return json.dumps(data, indent=indent, ensure_ascii=False)


def _csv_text(rows: list[list[Any]]) -> str:
    import csv  # (here: a record written as JSON needs neither)
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def csv_header() -> str:
    return _csv_text([list(CSV_COLUMNS)])


def _guideline(guideline: Guideline) -> list[str]:
    """A guideline's four columns: basis, mtus, its MTUS parts ("; " between them, each
    title and year, as analysts group by them) and all its citations as a JSON array (titles
    hold commas, semicolons and colons, so only JSON keeps them apart)."""
    return [
        "" if guideline.basis is None else guideline.basis.value,
        "" if guideline.mtus is None else str(guideline.mtus).lower(),
        "; ".join(_mtus_part(c) for c in guideline.citations if c.source is CitationSource.MTUS),
        json.dumps([c.to_dict() for c in guideline.citations], ensure_ascii=False)
        if guideline.citations
        else "",
    ]


def _mtus_part(citation: Citation) -> str:
    return citation.title if citation.year is None else f"{citation.title} {citation.year}"


def csv_rows(letter: Letter, source: str) -> str:
    """One CSV row per determination. Lists of names are joined with "; "; citations are a
    JSON array; an absent value is an empty field (docs/CSV.md describes every column).

    ``date_of_injury`` is the case header's when the letter has one, else the summary's."""
    case = letter.case
    date_of_injury = case.date_of_injury if case is not None else letter.patient.date_of_injury
    shared = [
        source,
        "" if case is None else case.case_number,
        "" if case is None else case.decision_date.isoformat(),
        "" if date_of_injury is None else date_of_injury.isoformat(),
        "" if case is None else case.priority.value,
        "; ".join(letter.reviewer.licensure),
        "; ".join(letter.reviewer.specialties),
        "" if letter.patient.age is None else letter.patient.age,
        "" if letter.patient.sex is None else letter.patient.sex.value,
    ]
    rows: list[list[Any]] = []
    for index, d in enumerate(letter.determinations, start=1):
        authorization = d.authorization
        row: list[Any] = [
            *shared,
            index,
            d.item,
            *(
                ["", "", ""]
                if authorization is None
                else [
                    authorization.kind.value,
                    authorization.original_request,
                    authorization.authorized,
                ]
            ),
            d.decision.value,
            *_guideline(d.claims_administrator_guideline),
            *_guideline(d.maximus_guideline),
            d.rationale,
        ]
        rows.append([_inert(cell) for cell in row])
    return _csv_text(rows)


# What a spreadsheet reads as the start of a formula (OWASP's list): a letter's text could
# otherwise run as one (`=HYPERLINK(...)` in an item) when the table is opened.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: Any) -> Any:
    """A text cell that a spreadsheet would take for a formula, with a ``'`` before it (the
    usual defence: spreadsheets show the text, and drop the quote in most cases)."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell
