"""Records as output: JSON, JSON Lines, and CSV with one row per determination.

Each function returns text; the caller writes it. CSV follows RFC 4180 (the csv module's
defaults: CRLF row ends, fields quoted when they hold a comma, quote or line break), so that
pandas, DuckDB and spreadsheets load it as is.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Literal

from .record import Citation, Guideline, Letter

__all__ = ["CSV_COLUMNS", "Format", "csv_header", "csv_rows", "record_json"]

Format = Literal["json", "jsonl", "csv"]

CSV_COLUMNS = (
    "source", "case_number", "decision_date", "date_of_injury", "priority",
    "reviewer_licensure", "reviewer_specialties", "patient_age", "patient_sex", "item_index",
    "item", "decision", "ca_mtus", "ca_citations", "maximus_mtus", "maximus_citations",
    "rationale",
)  # fmt: skip


def record_json(letter: Letter, source: str | None, *, indent: int | None = None) -> str:
    """The record as JSON; with ``source``, a "source" field naming its file comes first."""
    record = letter.to_dict()
    data: dict[str, Any] = record if source is None else {"source": source, **record}
    return json.dumps(data, indent=indent, ensure_ascii=False)


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def csv_header() -> str:
    return _csv_line(list(CSV_COLUMNS))


def _citation(citation: Citation) -> str:
    parts = [citation.source.value, citation.title]
    if citation.pages is not None:
        parts.append(citation.pages)
    return ":".join(parts)


def _mtus(guideline: Guideline) -> str:
    return "" if guideline.mtus is None else str(guideline.mtus).lower()


def csv_rows(letter: Letter, source: str) -> str:
    """One CSV row per determination. Lists are joined with "; "; a citation is
    ``source:title`` or ``source:title:pages``; an absent value is an empty field.

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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, d in enumerate(letter.determinations, start=1):
        ca, maximus = d.claims_administrator_guideline, d.maximus_guideline
        writer.writerow(
            [
                *shared,
                index,
                d.item,
                d.decision.value,
                _mtus(ca),
                "; ".join(_citation(c) for c in ca.citations),
                _mtus(maximus),
                "; ".join(_citation(c) for c in maximus.citations),
                d.rationale,
            ]
        )
    return buffer.getvalue()
