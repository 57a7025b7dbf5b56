from __future__ import annotations

import json
import marshal
import zlib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, settings

from imrparse.schema import letter_schema

# Hypothesis profiles. "ci" (the default) is fixed-seed and quick; "thorough" is the long run
# (README: `python -m pytest --hypothesis-profile=thorough`). Property tests that need more or
# fewer examples than the profile's count ask for a multiple of it with `examples(factor)`.
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci",
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
    print_blob=True,
)
settings.register_profile(
    "thorough",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=_SLOW_IS_FINE,
    print_blob=True,
)
settings.load_profile("ci")


def examples(factor: float, *, at_least: int = 0) -> settings:
    """Settings for ``factor`` times the active profile's example count (never fewer than
    ``at_least``)."""
    profile = settings.default
    assert profile is not None
    return settings(max_examples=max(at_least, int(factor * profile.max_examples)))


_VALIDATOR = jsonschema.Draft202012Validator(letter_schema())


def assert_valid_record(record: dict[str, Any]) -> None:
    """Every record a test produces must match the published JSON Schema."""
    errors = sorted(_VALIDATOR.iter_errors(record), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors)


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> Any:
    """The imrparse command, run in this process (click's CliRunner): its result."""
    from click.testing import CliRunner

    from imrparse.cli import main

    return CliRunner().invoke(main, list(args), input=stdin, env=env)


@pytest.fixture
def seed_record() -> dict[str, Any]:
    from layouts import SEED_JSON

    data: dict[str, Any] = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    return data


def kept_data(path: Path) -> Any:
    """What a per-user cache file keeps (its key, the data's CRC-32, the data's marshal): the
    data, once its CRC-32 is checked."""
    _, checksum, data = marshal.loads(path.read_bytes())
    assert zlib.crc32(data) == checksum
    return marshal.loads(data)
