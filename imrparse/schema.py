"""The JSON Schema (draft 2020-12) of the record `Letter.to_dict()` gives."""

from __future__ import annotations

from enum import Enum
from typing import Any

from .record import (
    SCHEMA_ID,
    AuthorizationKind,
    Basis,
    CitationSource,
    Decision,
    Priority,
    Sex,
)

__all__ = ["letter_schema"]

_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_TEXT = {"type": "string"}
_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1}}


def _object(properties: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def _enum(kind: type[Enum], *, nullable: bool = False) -> dict[str, Any]:
    """The values of one of the record's enums (and null), as the JSON holds them."""
    values: list[Any] = [member.value for member in kind]
    return {"enum": [*values, None] if nullable else values}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def letter_schema() -> dict[str, Any]:
    """The schema as a JSON-ready dict."""
    citation = _object(
        {
            "source": _enum(CitationSource),
            "title": {"type": "string", "minLength": 1},
            "year": {"type": ["integer", "null"]},
            "sections": _nullable({"type": "string", "minLength": 1}),
            "pages": _nullable({"type": "string", "minLength": 1}),
        }
    )
    guideline = _object(
        {
            "text": _TEXT,
            "basis": _enum(Basis, nullable=True),
            "mtus": {"type": ["boolean", "null"]},
            "citations": {"type": "array", "items": {"$ref": "#/$defs/citation"}},
        }
    )
    authorization = _object(
        {
            "original_request": {"type": "string", "minLength": 1},
            "authorized": {"type": "string", "minLength": 1},
            "kind": _enum(AuthorizationKind),
        }
    )
    determination = _object(
        {
            "item": {"type": "string", "minLength": 1},
            "authorization": _nullable({"$ref": "#/$defs/authorization"}),
            "decision": _enum(Decision),
            "claims_administrator_guideline": {"$ref": "#/$defs/guideline"},
            "maximus_guideline": {"$ref": "#/$defs/guideline"},
            "rationale": _TEXT,
        }
    )
    case = _object(
        {
            "case_number": {"type": "string", "pattern": r"^CM\d{2}-\d{7}$"},
            "date_assigned": _DATE,
            "date_of_injury": _DATE,
            "decision_date": _DATE,
            "ur_denial_date": _DATE,
            "application_received": _DATE,
            "priority": _enum(Priority),
        }
    )
    schema = _object(
        {
            # Batch output (JSON Lines, a JSON array) names each record's file first; a
            # record of its own has no source. (File name bytes that are not UTF-8 are
            # written as \xNN.)
            "source": {"type": "string"},
            "schema": {"const": SCHEMA_ID},
            "case": _nullable({"$ref": "#/$defs/case"}),
            "reviewer": _object({"licensure": _NAMES, "specialties": _NAMES}),
            "clinical_case_summary": _TEXT,
            "patient": _object(
                {
                    "age": {"type": ["integer", "null"], "minimum": 0},
                    "sex": _enum(Sex, nullable=True),
                    "date_of_injury": _nullable(_DATE),
                }
            ),
            "determinations": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/$defs/determination"},
            },
        },
        optional=("source",),
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://imrparse.invalid/schema/letter-2.json",
        "title": f"IMR Final Determination Letter record ({SCHEMA_ID})",
        **schema,
        "$defs": {
            "case": case,
            "citation": citation,
            "authorization": authorization,
            "guideline": guideline,
            "determination": determination,
        },
    }
