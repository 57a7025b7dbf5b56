from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from imrparse.schema import letter_schema

_VALIDATOR = jsonschema.Draft202012Validator(letter_schema())


def assert_valid_record(record: dict[str, Any]) -> None:
    """Every record a test produces must match the published JSON Schema."""
    errors = sorted(_VALIDATOR.iter_errors(record), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.fixture
def seed_record() -> dict[str, Any]:
    from layouts import SEED_JSON

    data: dict[str, Any] = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    return data
