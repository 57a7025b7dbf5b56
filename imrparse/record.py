"""The record a Final Determination Letter becomes: frozen dataclasses that know nothing of text.

`Letter.to_dict()` gives exactly the JSON shape of LETTER-FORMAT §4 (same names, same order,
ISO dates, ``None`` for absent); `Letter.from_dict()` reads it back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

__all__ = [
    "SCHEMA_ID",
    "CaseHeader",
    "Citation",
    "CitationSource",
    "Decision",
    "Determination",
    "Guideline",
    "Letter",
    "Patient",
    "Priority",
    "RecordError",
    "Reviewer",
    "Sex",
]

SCHEMA_ID = "imrparse.letter/1"

_E = TypeVar("_E", bound=Enum)


class RecordError(ValueError):
    """A JSON record does not have the shape of LETTER-FORMAT §4."""


class Decision(Enum):
    UPHELD = "upheld"
    OVERTURNED = "overturned"


class Priority(Enum):
    STANDARD = "standard"
    EXPEDITED = "expedited"


class Sex(Enum):
    FEMALE = "female"
    MALE = "male"


class CitationSource(Enum):
    MTUS = "mtus"
    NON_MTUS = "non-mtus"


@dataclass(frozen=True)
class CaseHeader:
    case_number: str
    date_assigned: dt.date
    date_of_injury: dt.date
    decision_date: dt.date
    ur_denial_date: dt.date
    application_received: dt.date
    priority: Priority


@dataclass(frozen=True)
class Reviewer:
    licensure: tuple[str, ...]
    specialties: tuple[str, ...]


@dataclass(frozen=True)
class Patient:
    age: int | None
    sex: Sex | None
    date_of_injury: dt.date | None


@dataclass(frozen=True)
class Citation:
    source: CitationSource
    title: str
    pages: str | None


@dataclass(frozen=True)
class Guideline:
    text: str
    mtus: bool | None
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Determination:
    item: str
    decision: Decision
    claims_administrator_guideline: Guideline
    maximus_guideline: Guideline
    rationale: str


@dataclass(frozen=True)
class Letter:
    case: CaseHeader | None
    reviewer: Reviewer
    clinical_case_summary: str
    patient: Patient
    determinations: tuple[Determination, ...]

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data, in the field order of LETTER-FORMAT §4."""
        return {
            "schema": SCHEMA_ID,
            "case": None if self.case is None else _case_to_dict(self.case),
            "reviewer": {
                "licensure": list(self.reviewer.licensure),
                "specialties": list(self.reviewer.specialties),
            },
            "clinical_case_summary": self.clinical_case_summary,
            "patient": {
                "age": self.patient.age,
                "sex": None if self.patient.sex is None else self.patient.sex.value,
                "date_of_injury": _iso(self.patient.date_of_injury),
            },
            "determinations": [_determination_to_dict(d) for d in self.determinations],
        }

    @classmethod
    def from_dict(cls, data: Any) -> Letter:
        """Read a record back from its JSON form; raise `RecordError` naming the bad field."""
        return _Reader().letter(data)


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _case_to_dict(case: CaseHeader) -> dict[str, Any]:
    return {
        "case_number": case.case_number,
        "date_assigned": _iso(case.date_assigned),
        "date_of_injury": _iso(case.date_of_injury),
        "decision_date": _iso(case.decision_date),
        "ur_denial_date": _iso(case.ur_denial_date),
        "application_received": _iso(case.application_received),
        "priority": case.priority.value,
    }


def _guideline_to_dict(guideline: Guideline) -> dict[str, Any]:
    return {
        "text": guideline.text,
        "mtus": guideline.mtus,
        "citations": [
            {"source": c.source.value, "title": c.title, "pages": c.pages}
            for c in guideline.citations
        ],
    }


def _determination_to_dict(d: Determination) -> dict[str, Any]:
    return {
        "item": d.item,
        "decision": d.decision.value,
        "claims_administrator_guideline": _guideline_to_dict(d.claims_administrator_guideline),
        "maximus_guideline": _guideline_to_dict(d.maximus_guideline),
        "rationale": d.rationale,
    }


class _Reader:
    """Reads the JSON form field by field, so that an error names the path of the bad field."""

    def letter(self, data: Any) -> Letter:
        obj = self._object(data, "$")
        if obj.get("schema") != SCHEMA_ID:
            raise RecordError(f"$.schema: expected {SCHEMA_ID!r}, found {obj.get('schema')!r}")
        case = obj.get("case")
        reviewer = self._object(obj.get("reviewer"), "$.reviewer")
        patient = self._object(obj.get("patient"), "$.patient")
        sex = patient.get("sex")
        age = patient.get("age")
        if age is not None and (not isinstance(age, int) or isinstance(age, bool)):
            raise RecordError(f"$.patient.age: expected an integer or null, found {age!r}")
        determinations = obj.get("determinations")
        if not isinstance(determinations, list):
            raise RecordError("$.determinations: expected a list")
        return Letter(
            case=None if case is None else self.case(case),
            reviewer=Reviewer(
                licensure=self._strings(reviewer.get("licensure"), "$.reviewer.licensure"),
                specialties=self._strings(reviewer.get("specialties"), "$.reviewer.specialties"),
            ),
            clinical_case_summary=self._string(
                obj.get("clinical_case_summary"), "$.clinical_case_summary"
            ),
            patient=Patient(
                age=age,
                sex=None if sex is None else self._enum(Sex, sex, "$.patient.sex"),
                date_of_injury=self._date(
                    patient.get("date_of_injury"), "$.patient.date_of_injury", optional=True
                ),
            ),
            determinations=tuple(
                self.determination(d, f"$.determinations[{i}]")
                for i, d in enumerate(determinations)
            ),
        )

    def case(self, data: Any) -> CaseHeader:
        obj = self._object(data, "$.case")

        def date(name: str) -> dt.date:
            value = self._date(obj.get(name), f"$.case.{name}", optional=False)
            assert value is not None
            return value

        return CaseHeader(
            case_number=self._string(obj.get("case_number"), "$.case.case_number"),
            date_assigned=date("date_assigned"),
            date_of_injury=date("date_of_injury"),
            decision_date=date("decision_date"),
            ur_denial_date=date("ur_denial_date"),
            application_received=date("application_received"),
            priority=self._enum(Priority, obj.get("priority"), "$.case.priority"),
        )

    def determination(self, data: Any, path: str) -> Determination:
        obj = self._object(data, path)
        return Determination(
            item=self._string(obj.get("item"), f"{path}.item"),
            decision=self._enum(Decision, obj.get("decision"), f"{path}.decision"),
            claims_administrator_guideline=self.guideline(
                obj.get("claims_administrator_guideline"),
                f"{path}.claims_administrator_guideline",
            ),
            maximus_guideline=self.guideline(
                obj.get("maximus_guideline"), f"{path}.maximus_guideline"
            ),
            rationale=self._string(obj.get("rationale"), f"{path}.rationale"),
        )

    def guideline(self, data: Any, path: str) -> Guideline:
        obj = self._object(data, path)
        mtus = obj.get("mtus")
        if mtus is not None and not isinstance(mtus, bool):
            raise RecordError(f"{path}.mtus: expected true, false or null, found {mtus!r}")
        citations = obj.get("citations")
        if not isinstance(citations, list):
            raise RecordError(f"{path}.citations: expected a list")
        return Guideline(
            text=self._string(obj.get("text"), f"{path}.text"),
            mtus=mtus,
            citations=tuple(
                self.citation(c, f"{path}.citations[{i}]") for i, c in enumerate(citations)
            ),
        )

    def citation(self, data: Any, path: str) -> Citation:
        obj = self._object(data, path)
        pages = obj.get("pages")
        return Citation(
            source=self._enum(CitationSource, obj.get("source"), f"{path}.source"),
            title=self._string(obj.get("title"), f"{path}.title"),
            pages=None if pages is None else self._string(pages, f"{path}.pages"),
        )

    @staticmethod
    def _object(data: Any, path: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise RecordError(f"{path}: expected an object, found {type(data).__name__}")
        return data

    @staticmethod
    def _string(data: Any, path: str) -> str:
        if not isinstance(data, str):
            raise RecordError(f"{path}: expected a string, found {type(data).__name__}")
        return data

    def _strings(self, data: Any, path: str) -> tuple[str, ...]:
        if not isinstance(data, list):
            raise RecordError(f"{path}: expected a list of strings")
        return tuple(self._string(s, f"{path}[{i}]") for i, s in enumerate(data))

    @staticmethod
    def _enum(kind: type[_E], data: Any, path: str) -> _E:
        try:
            return kind(data)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in kind)
            raise RecordError(f"{path}: expected one of {allowed}, found {data!r}") from None

    @staticmethod
    def _date(data: Any, path: str, *, optional: bool) -> dt.date | None:
        if data is None and optional:
            return None
        if not isinstance(data, str):
            raise RecordError(f"{path}: expected an ISO date string, found {data!r}")
        try:
            return dt.date.fromisoformat(data)
        except ValueError:
            raise RecordError(f"{path}: expected a date as YYYY-MM-DD, found {data!r}") from None
