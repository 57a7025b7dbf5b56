"""The CSV loads as is in DuckDB, with the types analysts expect, and says what the records say.

(docs/CSV.md describes the columns; its queries are run here.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from imrparse.cli import main
from imrparse.formats import CSV_COLUMNS

REAL = Path(__file__).resolve().parent.parent / "corpus" / "real"
LETTERS = sorted(REAL.glob("*.txt"))


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("csv") / "determinations.csv"
    result = CliRunner().invoke(main, [*map(str, LETTERS), "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _rows(query: str) -> list[tuple[Any, ...]]:
    relation = duckdb.sql(query)
    assert relation is not None
    return relation.fetchall()


def _records() -> dict[str, dict[str, Any]]:
    records = {}
    for letter in LETTERS:
        expected = letter.with_name(f"{letter.stem}.expected.json")
        records[str(letter)] = json.loads(expected.read_text(encoding="utf-8"))
    return records


def test_duckdb_infers_dates_integers_and_booleans(table: Path) -> None:
    described = _rows(f"DESCRIBE SELECT * FROM read_csv('{table}', header = true)")
    types = {name: kind for name, kind, *_ in described}
    assert list(types) == list(CSV_COLUMNS)
    assert types["decision_date"] == types["date_of_injury"] == "DATE"
    assert types["patient_age"] == types["item_index"] == "BIGINT"
    assert types["ca_mtus"] == types["maximus_mtus"] == "BOOLEAN"


def test_every_row_says_what_its_record_says(table: Path) -> None:
    rows = _rows(
        f"SELECT source, item_index, item, authorization_kind, original_request, authorized, "
        f"decision, maximus_basis, maximus_mtus, maximus_citations, ca_citations "
        f"FROM read_csv('{table}', header = true, all_varchar = true)"
    )
    records = _records()
    assert len(rows) == sum(len(r["determinations"]) for r in records.values())
    assert sum(1 for row in rows if row[3] is not None) >= 5  # partial authorizations
    for source, index, item, kind, original, authorized, decision, basis, mtus, *cited in rows:
        d = records[source]["determinations"][int(index) - 1]
        authorization = d["authorization"] or {}
        assert (item, decision) == (d["item"], d["decision"])
        assert (kind, original, authorized) == (
            authorization.get("kind"),
            authorization.get("original_request"),
            authorization.get("authorized"),
        )
        maximus = d["maximus_guideline"]
        assert basis == maximus["basis"]
        assert mtus == (None if maximus["mtus"] is None else str(maximus["mtus"]).lower())
        sides = ("maximus_guideline", "claims_administrator_guideline")
        for text, side in zip(cited, sides, strict=True):
            assert (json.loads(text) if text else []) == d[side]["citations"]


def test_the_documented_query_counts_items_by_the_mtus_part_maximus_cited(table: Path) -> None:
    counted = dict(
        _rows(
            f"SELECT part, count(*) FROM read_csv('{table}', header = true), "
            f"unnest(string_split(maximus_mtus_parts, '; ')) AS t(part) GROUP BY part"
        )
    )
    expected: dict[str, int] = {}
    for record in _records().values():
        for d in record["determinations"]:
            for c in d["maximus_guideline"]["citations"]:
                if c["source"] == "mtus":
                    part = c["title"] if c["year"] is None else f"{c['title']} {c['year']}"
                    expected[part] = expected.get(part, 0) + 1
    assert counted == expected
    assert counted["Chronic Pain Medical Treatment 2016"] >= 10


def test_citations_unnest_into_rows_with_the_documented_query(table: Path) -> None:
    rows = _rows(
        f"""SELECT c.title, c.year, c.sections FROM read_csv('{table}', header = true),
        unnest(from_json(maximus_citations, '[{{"source": "VARCHAR", "title": "VARCHAR",
          "year": "INTEGER", "sections": "VARCHAR", "pages": "VARCHAR"}}]')) AS t(c)"""
    )
    assert ("Low Back Complaints", 2004, "Summary") in rows
