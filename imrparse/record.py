"""The record a Final Determination Letter becomes: frozen values that know nothing of text.

`Letter.to_dict()` gives exactly the JSON shape of LETTER-FORMAT §4 (same names, same order,
ISO dates, ``None`` for absent); `Letter.from_dict()` reads it back.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from .value import Value

TYPE_CHECKING = False  # (not typing's: importing typing is a good part of a start)
if TYPE_CHECKING:
    from typing import Any, TypeVar

    _E = TypeVar("_E", bound=Enum)

__all__ = [
    "SCHEMA_ID",
    "Authorization",
    "AuthorizationKind",
    "Basis",
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

SCHEMA_ID = "imrparse.letter/2"


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


class Basis(Enum):
    """What a guideline says its decision rests on (LETTER-FORMAT §4)."""

    CITATIONS = "citations"
    OUTSIDE_MTUS = "outside-mtus"
    NO_EVIDENCE = "no-evidence"


class AuthorizationKind(Enum):
    """How part of a request was authorized before review (LETTER-FORMAT §2, forms 2 and 3)."""

    #: Part of the request was authorized; the item is the remaining portion.
    PORTION = "portion"
    #: Something else was authorized instead; the item is the original request.
    ALTERNATIVE = "alternative"


class CaseHeader(Value):
    __slots__ = (
        "case_number",
        "date_assigned",
        "date_of_injury",
        "decision_date",
        "ur_denial_date",
        "application_received",
        "priority",
    )

    case_number: str
    date_assigned: dt.date
    date_of_injury: dt.date
    decision_date: dt.date
    ur_denial_date: dt.date
    application_received: dt.date
    priority: Priority

    def __init__(
        self,
        case_number: str,
        date_assigned: dt.date,
        date_of_injury: dt.date,
        decision_date: dt.date,
        ur_denial_date: dt.date,
        application_received: dt.date,
        priority: Priority,
    ) -> None:
        super().__init__(
            case_number,
            date_assigned,
            date_of_injury,
            decision_date,
            ur_denial_date,
            application_received,
            priority,
        )


class Reviewer(Value):
    __slots__ = ("licensure", "specialties")

    licensure: tuple[str, ...]
    specialties: tuple[str, ...]

    def __init__(self, licensure: tuple[str, ...], specialties: tuple[str, ...]) -> None:
        super().__init__(licensure, specialties)


class Patient(Value):
    __slots__ = ("age", "sex", "date_of_injury")

    age: int | None
    sex: Sex | None
    date_of_injury: dt.date | None

    def __init__(self, age: int | None, sex: Sex | None, date_of_injury: dt.date | None) -> None:
        super().__init__(age, sex, date_of_injury)


class Citation(Value):
    __slots__ = ("source", "title", "year", "sections", "pages")

    source: CitationSource
    title: str
    #: The MTUS part's edition (current style, 2016 on); None for older citations.
    year: int | None
    #: The MTUS part's sections, as one string (section names hold commas).
    sections: str | None
    #: The pages of an older (2015) MTUS citation.
    pages: str | None

    def __init__(
        self,
        source: CitationSource,
        title: str,
        year: int | None = None,
        sections: str | None = None,
        pages: str | None = None,
    ) -> None:
        super().__init__(source, title, year, sections, pages)

    def to_dict(self) -> dict[str, Any]:
        """The citation as JSON-ready data (LETTER-FORMAT §4)."""
        return {
            "source": self.source.value,
            "title": self.title,
            "year": self.year,
            "sections": self.sections,
            "pages": self.pages,
        }


class Guideline(Value):
    __slots__ = ("text", "basis", "mtus", "citations")

    text: str
    basis: Basis | None
    mtus: bool | None
    citations: tuple[Citation, ...]

    def __init__(
        self, text: str, basis: Basis | None, mtus: bool | None, citations: tuple[Citation, ...]
    ) -> None:
        super().__init__(text, basis, mtus, citations)

    def to_dict(self) -> dict[str, Any]:
        """The guideline as JSON-ready data (LETTER-FORMAT §4)."""
        return {
            "text": self.text,
            "basis": None if self.basis is None else self.basis.value,
            "mtus": self.mtus,
            "citations": [c.to_dict() for c in self.citations],
        }


class Authorization(Value):
    """The partial authorization an item paragraph states (LETTER-FORMAT §2)."""

    __slots__ = ("original_request", "authorized", "kind")

    original_request: str
    authorized: str
    kind: AuthorizationKind

    def __init__(self, original_request: str, authorized: str, kind: AuthorizationKind) -> None:
        super().__init__(original_request, authorized, kind)


class Determination(Value):
    __slots__ = (
        "item",
        "authorization",
        "decision",
        "claims_administrator_guideline",
        "maximus_guideline",
        "rationale",
    )

    #: The disputed item: with a partial authorization, the part still in dispute.
    item: str
    authorization: Authorization | None
    decision: Decision
    claims_administrator_guideline: Guideline
    maximus_guideline: Guideline
    rationale: str

    def __init__(
        self,
        item: str,
        authorization: Authorization | None,
        decision: Decision,
        claims_administrator_guideline: Guideline,
        maximus_guideline: Guideline,
        rationale: str,
    ) -> None:
        super().__init__(
            item,
            authorization,
            decision,
            claims_administrator_guideline,
            maximus_guideline,
            rationale,
        )


class Letter(Value):
    __slots__ = ("case", "reviewer", "clinical_case_summary", "patient", "determinations")

    case: CaseHeader | None
    reviewer: Reviewer
    clinical_case_summary: str
    patient: Patient
    determinations: tuple[Determination, ...]

    def __init__(
        self,
        case: CaseHeader | None,
        reviewer: Reviewer,
        clinical_case_summary: str,
        patient: Patient,
        determinations: tuple[Determination, ...],
    ) -> None:
        super().__init__(case, reviewer, clinical_case_summary, patient, determinations)

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
        return _RecordReader().letter(data)


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


def _authorization_to_dict(authorization: Authorization | None) -> dict[str, Any] | None:
    if authorization is None:
        return None
    return {
        "original_request": authorization.original_request,
        "authorized": authorization.authorized,
        "kind": authorization.kind.value,
    }


def _determination_to_dict(d: Determination) -> dict[str, Any]:
    return {
        "item": d.item,
        "authorization": _authorization_to_dict(d.authorization),
        "decision": d.decision.value,
        "claims_administrator_guideline": d.claims_administrator_guideline.to_dict(),
        "maximus_guideline": d.maximus_guideline.to_dict(),
        "rationale": d.rationale,
    }


class _RecordReader:
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
        authorization = obj.get("authorization")
        return Determination(
            item=self._string(obj.get("item"), f"{path}.item"),
            authorization=None
            if authorization is None
            else self.authorization(authorization, f"{path}.authorization"),
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

    def authorization(self, data: Any, path: str) -> Authorization:
        obj = self._object(data, path)
        return Authorization(
            original_request=self._string(obj.get("original_request"), f"{path}.original_request"),
            authorized=self._string(obj.get("authorized"), f"{path}.authorized"),
            kind=self._enum(AuthorizationKind, obj.get("kind"), f"{path}.kind"),
        )

    def guideline(self, data: Any, path: str) -> Guideline:
        obj = self._object(data, path)
        basis = obj.get("basis")
        mtus = obj.get("mtus")
        if mtus is not None and not isinstance(mtus, bool):
            raise RecordError(f"{path}.mtus: expected true, false or null, found {mtus!r}")
        citations = obj.get("citations")
        if not isinstance(citations, list):
            raise RecordError(f"{path}.citations: expected a list")
        return Guideline(
            text=self._string(obj.get("text"), f"{path}.text"),
            basis=None if basis is None else self._enum(Basis, basis, f"{path}.basis"),
            mtus=mtus,
            citations=tuple(
                self.citation(c, f"{path}.citations[{i}]") for i, c in enumerate(citations)
            ),
        )

    def citation(self, data: Any, path: str) -> Citation:
        obj = self._object(data, path)
        year = obj.get("year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            raise RecordError(f"{path}.year: expected an integer or null, found {year!r}")
        return Citation(
            source=self._enum(CitationSource, obj.get("source"), f"{path}.source"),
            title=self._string(obj.get("title"), f"{path}.title"),
            year=year,
            sections=self._optional_string(obj.get("sections"), f"{path}.sections"),
            pages=self._optional_string(obj.get("pages"), f"{path}.pages"),
        )

    def _optional_string(self, data: Any, path: str) -> str | None:
        return None if data is None else self._string(data, path)

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
