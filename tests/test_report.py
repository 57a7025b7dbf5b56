"""`imrparse report`: every number it gives, computed again from the CSV of the same letters.

Each table of the report is recomputed here with DuckDB, from `imrparse LETTERS -o x.csv
--errors problems.jsonl`, by SQL written for that table (an independent reading of what
docs/REPORT.md says each table counts), and must give the same counts and rates; each 95%
interval is checked against Wilson's formula written out here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from statistics import NormalDist
from typing import Any, NamedTuple

import duckdb
import layouts
import pytest
from click.testing import CliRunner, Result
from letters import Item, letter

from imrparse.cli import main
from imrparse.errors import CODES
from imrparse.stats import wilson

ROOT = Path(__file__).resolve().parent.parent
REAL = sorted((ROOT / "corpus" / "real").glob("*.txt"))
GENERATED = sorted((ROOT / "corpus" / "generated").glob("*.txt"))
Z = NormalDist().inv_cdf(0.975)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


class Corpus(NamedTuple):
    inputs: list[str]
    failed: Path
    warned: Path
    report: dict[str, Any]
    csv: Path
    errors: Path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The real letters, the generated ones, a letter that fails and one that warns; their
    report as JSON, and their CSV and --errors file."""
    folder = tmp_path_factory.mktemp("report")
    failed = folder / "failed.txt"
    failed.write_text(layouts.seed_text().replace("Lumbar: Upheld", "Lumbar: Denied"))
    warned = folder / "warned.txt"  # no blank lines: items read by their last line (IMR503)
    warned.write_text(letter([Item("A"), Item("B", "Overturned")]).replace("\n\n", "\n"))
    inputs = [*map(str, REAL), *map(str, GENERATED), str(failed), str(warned)]
    out = folder / "report.json"
    result = run("report", *inputs, "-q", "-o", str(out))
    assert result.exit_code == 1, result.output  # a letter failed; the report is written
    table, errors = folder / "determinations.csv", folder / "problems.jsonl"
    parsed = run(*inputs, "-q", "-o", str(table), "--errors", str(errors))
    assert parsed.exit_code == 1, parsed.output
    report = json.loads(out.read_text(encoding="utf-8"))
    return Corpus(inputs, failed, warned, report, table, errors)


def table_rows(corpus: Corpus, key: str) -> dict[str, dict[str, Any]]:
    (table,) = [t for t in corpus.report["tables"] if t["key"] == key]
    return {row["group"]: row for row in table["rows"]}


def sql(corpus: Corpus, query: str) -> list[tuple[Any, ...]]:
    """``query`` over ``d`` (the CSV, one row per item), ``letters`` (one row per letter) and
    ``problems`` (the --errors file, one row per letter that failed or warned)."""
    connection = duckdb.connect()
    connection.execute(
        f"CREATE VIEW d AS SELECT * FROM read_csv('{corpus.csv}', header = true, "
        "all_varchar = true)"
    )
    connection.execute(
        "CREATE VIEW letters AS SELECT source, any_value(case_number) AS case_number, "
        "any_value(decision_date) AS decision_date, any_value(patient_age)::INTEGER AS age, "
        "any_value(patient_sex) AS sex, any_value(reviewer_licensure) AS licensure, "
        "any_value(reviewer_specialties) AS specialties, count(*) AS items, "
        "count(*) FILTER (decision = 'overturned') AS overturned FROM d GROUP BY source"
    )
    connection.execute(
        f"CREATE VIEW problems AS SELECT source, severity, diagnostics[1].code AS code "
        f"FROM read_json('{corpus.errors}', format = 'newline_delimited')"
    )
    return connection.execute(query).fetchall()


def outcomes(corpus: Corpus, query: str) -> dict[str, tuple[int, int, int]]:
    """Rows (group, letters, items, overturned) of a query, by group."""
    return {group: (letters, items, over) for group, letters, items, over in sql(corpus, query)}


def assert_outcomes(corpus: Corpus, key: str, expected: dict[str, tuple[int, int, int]]) -> None:
    rows = table_rows(corpus, key)
    assert set(rows) == set(expected), key
    for group, (letters, items, overturned) in expected.items():
        row = rows[group]
        assert (row["letters"], row["items"], row["overturned"]) == (letters, items, overturned)
        assert row["upheld"] == items - overturned
        rate, low, high = row["overturned_rate"], row["overturned_low"], row["overturned_high"]
        assert_rate(rate, low, high, overturned, items)


def assert_shares(corpus: Corpus, key: str, expected: dict[str, tuple[int, int]]) -> None:
    rows = table_rows(corpus, key)
    assert set(rows) == set(expected), key
    for group, (count, total) in expected.items():
        row = rows[group]
        assert (row["count"], row["total"]) == (count, total), (key, group)
        assert_rate(row["share"], row["share_low"], row["share_high"], count, total)


def direct_wilson(count: int, total: int) -> tuple[float, float]:
    """Wilson's score interval, as textbooks write it."""
    p = count / total
    centre = p + Z**2 / (2 * total)
    spread = Z * math.sqrt(p * (1 - p) / total + Z**2 / (4 * total**2))
    return (centre - spread) / (1 + Z**2 / total), (centre + spread) / (1 + Z**2 / total)


def assert_rate(rate: float, low: float, high: float, count: int, total: int) -> None:
    assert rate == pytest.approx(count / total, abs=1e-12)
    expected_low, expected_high = direct_wilson(count, total)
    assert low == pytest.approx(expected_low, abs=1e-12)
    assert high == pytest.approx(expected_high, abs=1e-12)
    assert low <= rate <= high


EVIDENCE = """CASE
    WHEN {side}_basis = 'citations' AND {side}_mtus = 'true' THEN 'MTUS cited'
    WHEN {side}_basis = 'citations' THEN 'Non-MTUS citations only'
    WHEN {side}_basis = 'outside-mtus' THEN 'Outside the MTUS, no citation'
    WHEN {side}_basis = 'no-evidence' THEN 'No medical evidence cited'
    ELSE 'Not stated or not recognized' END"""


# ---- the numbers -------------------------------------------------------------------------


def test_the_corpus_exercises_every_table(corpus: Corpus) -> None:
    for table in corpus.report["tables"]:
        assert table["rows"], table["key"]
    assert corpus.report["failed"] == 1
    assert corpus.report["warned"] >= 2  # the letter without blank lines, and real letters


def test_overview_counts_inputs_letters_items_and_decisions_as_the_csv_does(
    corpus: Corpus,
) -> None:
    ((letters, items, overturned, letters_overturned),) = sql(
        corpus,
        "SELECT count(*), sum(items), sum(overturned), count(*) FILTER (overturned > 0) "
        "FROM letters",
    )
    ((failed, unreadable, warned),) = sql(
        corpus,
        "SELECT count(*) FILTER (severity = 'error' AND code NOT IN ('IMR111', 'IMR112')), "
        "count(*) FILTER (severity = 'error' AND code IN ('IMR111', 'IMR112')), "
        "count(*) FILTER (severity = 'warning') FROM problems",
    )
    # The same letter given twice: same case, same items, same rationales (none here).
    ((repeated,),) = sql(
        corpus,
        "SELECT count(*) - count(DISTINCT signature) FROM (SELECT source, "
        "coalesce(any_value(case_number), '') || string_agg(item || decision || rationale, "
        "'|' ORDER BY item_index::INTEGER) AS signature FROM d GROUP BY source)",
    )
    inputs = letters + failed + unreadable
    assert (letters, inputs) == (len(corpus.inputs) - 1, len(corpus.inputs))
    report = corpus.report
    assert (report["letters"], report["items"], report["overturned"]) == (
        letters - repeated,
        items,
        overturned,
    )
    assert (report["inputs"], report["failed"], report["warned"]) == (inputs, failed, warned)
    assert report["upheld"] == items - overturned
    assert_shares(
        corpus,
        "overview",
        {
            "inputs: letters parsed": (letters, inputs),
            "inputs: letters that failed": (failed, inputs),
            "inputs: files that could not be read": (unreadable, inputs),
            "inputs: repeats of an earlier input": (repeated, inputs),
            "inputs: letters parsed with warnings": (warned, inputs),
            "letters with an item overturned": (letters_overturned, letters),
            "items upheld": (items - overturned, items),
            "items overturned": (overturned, items),
        },
    )


def test_months_count_the_letters_with_a_case_header_by_decision_month(corpus: Corpus) -> None:
    expected = outcomes(
        corpus,
        "SELECT strftime(decision_date::DATE, '%Y-%m'), count(*), sum(items), sum(overturned) "
        "FROM letters WHERE case_number IS NOT NULL GROUP BY 1",
    )
    assert_outcomes(corpus, "month", expected)
    months = list(table_rows(corpus, "month"))
    assert months == sorted(months)


@pytest.mark.parametrize("side, csv_side", [("maximus", "maximus"), ("ca", "ca")])
def test_evidence_tables_follow_each_sides_basis_and_mtus(
    corpus: Corpus, side: str, csv_side: str
) -> None:
    category = EVIDENCE.format(side=csv_side)
    expected = outcomes(
        corpus,
        f"SELECT {category} AS evidence, count(DISTINCT source), count(*), "
        f"count(*) FILTER (decision = 'overturned') FROM d GROUP BY evidence",
    )
    assert_outcomes(corpus, f"evidence_{side}", expected)


@pytest.mark.parametrize("side", ["maximus", "ca"])
def test_mtus_part_tables_count_each_item_once_per_part_cited(corpus: Corpus, side: str) -> None:
    expected = outcomes(
        corpus,
        f"""
        WITH cited AS (
            SELECT DISTINCT source, item_index, decision,
                   c.title || coalesce(' ' || c.year, '') AS part
            FROM d, unnest(from_json({side}_citations,
                 '[{{"source": "VARCHAR", "title": "VARCHAR", "year": "INTEGER"}}]')) AS t(c)
            WHERE c.source = 'mtus'),
        parts AS (
            SELECT * FROM cited
            UNION ALL
            SELECT source, item_index, decision, '(no MTUS part cited)' FROM d
            WHERE (source, item_index) NOT IN (SELECT (source, item_index) FROM cited))
        SELECT part, count(DISTINCT source), count(*),
               count(*) FILTER (decision = 'overturned')
        FROM parts GROUP BY part
        """,
    )
    assert_outcomes(corpus, f"mtus_part_{side}", expected)
    items = [row["items"] for row in table_rows(corpus, f"mtus_part_{side}").values()]
    assert items == sorted(items, reverse=True)


def test_partial_authorizations_how_often_and_how_decided(corpus: Corpus) -> None:
    kind = (
        "CASE authorization_kind WHEN 'portion' THEN 'portion authorized' "
        "WHEN 'alternative' THEN 'alternative authorized' ELSE 'whole request disputed' END"
    )
    expected = outcomes(
        corpus,
        f"SELECT {kind} AS kind, count(DISTINCT source), count(*), "
        f"count(*) FILTER (decision = 'overturned') FROM d GROUP BY kind",
    )
    assert_outcomes(corpus, "authorization_outcomes", expected)
    ((items,),) = sql(corpus, "SELECT count(*) FROM d")
    assert_shares(
        corpus, "authorizations", {k: (count, items) for k, (_, count, _) in expected.items()}
    )


@pytest.mark.parametrize("key, column", [("specialty", "specialties"), ("licensure", "licensure")])
def test_reviewer_tables_count_each_letter_under_each_name_it_lists(
    corpus: Corpus, key: str, column: str
) -> None:
    expected = outcomes(
        corpus,
        f"SELECT name, count(*), sum(items), sum(overturned) FROM (SELECT DISTINCT source, "
        f"items, overturned, unnest(string_split({column}, '; ')) AS name FROM letters) "
        f"GROUP BY name",
    )
    assert_outcomes(corpus, key, expected)


def test_items_per_letter_is_a_share_of_letters(corpus: Corpus) -> None:
    rows = sql(corpus, "SELECT items, count(*), sum(count(*)) OVER () FROM letters GROUP BY 1")
    assert_shares(corpus, "items_per_letter", {str(n): (k, int(t)) for n, k, t in rows})


def test_age_and_sex_tables_rest_on_the_letters_that_state_them(corpus: Corpus) -> None:
    band = (
        "CASE WHEN age < 30 THEN 'under 30' WHEN age < 40 THEN '30–39' "
        "WHEN age < 50 THEN '40–49' WHEN age < 60 THEN '50–59' WHEN age < 70 THEN '60–69' "
        "ELSE '70 and over' END"
    )
    ages = outcomes(
        corpus,
        f"SELECT {band} AS band, count(*), sum(items), sum(overturned) FROM letters "
        f"WHERE age IS NOT NULL GROUP BY band",
    )
    assert_outcomes(corpus, "age", ages)
    sexes = outcomes(
        corpus,
        "SELECT sex, count(*), sum(items), sum(overturned) FROM letters "
        "WHERE sex IS NOT NULL GROUP BY sex",
    )
    assert_outcomes(corpus, "sex", sexes)
    ((unstated,),) = sql(corpus, "SELECT count(*) FILTER (age IS NULL) FROM letters")
    (age_table,) = [t for t in corpus.report["tables"] if t["key"] == "age"]
    assert age_table["letters"] == sum(letters for letters, _, _ in ages.values())
    assert {"letters": unstated, "reason": "whose summary states no age", "listed": False} in (
        age_table["left_out"]
    )


def test_problem_table_counts_inputs_by_first_diagnostic(corpus: Corpus) -> None:
    rows = sql(corpus, "SELECT severity, code, count(*) FROM problems GROUP BY ALL")
    inputs = corpus.report["inputs"]
    assert_shares(
        corpus,
        "problems",
        {f"{severity} {code}: {CODES[code]}": (n, inputs) for severity, code, n in rows},
    )


def interval(count: int, total: int) -> tuple[float, float]:
    found = wilson(count, total)
    assert found is not None
    return found


def test_wilson_interval_matches_published_values_and_is_honest_for_small_groups() -> None:
    # Newcombe (1998), Table I: 0 of 10 gives 0 to 0.2775; 81 of 263, 0.2553 to 0.3662.
    assert interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=1e-4)
    assert interval(5, 5) == pytest.approx((0.5655, 1.0), abs=1e-4)
    assert interval(0, 10)[0] == 0.0 and interval(5, 5)[1] == 1.0
    assert wilson(0, 0) is None
    low, high = interval(1, 2)
    assert low < 0.1 and high > 0.9


# ---- the command -------------------------------------------------------------------------


def test_letters_and_their_json_lines_give_the_same_report(corpus: Corpus, tmp_path: Path) -> None:
    records, errors = tmp_path / "records.jsonl", tmp_path / "problems.jsonl"
    parsed = run(*corpus.inputs, "-q", "--format", "jsonl", "-o", str(records),
                 "--errors", str(errors))  # fmt: skip
    assert parsed.exit_code == 1
    result = run("report", str(records), str(errors), "--format", "json", "-q")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout) == corpus.report


def test_a_failed_and_a_warned_letter_are_listed_with_their_first_diagnostic(
    corpus: Corpus,
) -> None:
    listed = {p["source"]: p for p in corpus.report["problems"]}
    failed = listed[str(corpus.failed)]
    assert (failed["severity"], failed["code"]) == ("error", "IMR404")
    assert failed["line"] and "Denied" in failed["message"]
    warned = listed[str(corpus.warned)]
    assert (warned["severity"], warned["code"]) == ("warning", "IMR503")


def test_page_lists_failed_and_warned_letters(corpus: Corpus, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = run("report", str(corpus.failed), str(corpus.warned), *map(str, REAL[:3]),
                 "-o", str(page))  # fmt: skip
    assert result.exit_code == 1
    html = page.read_text(encoding="utf-8")
    assert f"{corpus.failed}:" in html and "IMR404" in html
    assert str(corpus.warned) in html and "IMR503" in html
    assert "Not counted here: 1 letter that failed to parse" in html
    assert "report of 4 letters" in result.stderr


def test_the_same_letter_given_twice_is_counted_once_and_listed(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(layouts.SEED.read_bytes())
    result = run("report", str(layouts.SEED), str(copy), str(layouts.SEED), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["inputs"], report["letters"], report["repeated"]) == (3, 1, 2)
    repeats = [p for p in report["problems"] if p["severity"] == "repeat"]
    assert {p["source"] for p in repeats} == {str(copy), str(layouts.SEED)}
    assert all(f"the same letter as {layouts.SEED}" in p["message"] for p in repeats)


def test_html_without_the_chart_library_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)  # as if not installed
    result = run("report", str(layouts.SEED), "-o", str(tmp_path / "report.html"))
    assert result.exit_code == 2
    assert "pip install 'imrparse[report]'" in result.stderr
    assert not (tmp_path / "report.html").exists()
    # The numbers themselves need no chart library.
    assert run("report", str(layouts.SEED), "--format", "json", "-q").exit_code == 0


def test_csv_format_writes_one_table_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    result = run("report", *map(str, REAL[:5]), "--format", "csv", "-o", str(folder), "-q")
    assert result.exit_code == 0, result.output
    names = {p.name for p in folder.iterdir()}
    assert {"overview.csv", "month.csv", "mtus_part_maximus.csv", "problems.csv"} <= names
    month = duckdb.connect().execute(
        f"SELECT * FROM read_csv('{folder / 'month.csv'}', header = true)"
    )
    assert [column[0] for column in month.description][:3] == ["group", "letters", "items"]
    assert sum(row[2] for row in month.fetchall()) > 0


def test_csv_format_needs_a_directory() -> None:
    result = run("report", str(layouts.SEED), "--format", "csv")
    assert result.exit_code == 2
    assert "-o DIR" in result.stderr


def test_a_json_lines_input_that_is_not_imrparse_output_is_refused_with_its_line(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "records.jsonl"
    bad.write_text('{"source": "a.txt", "schema": "imrparse.letter/2"}\n{"x": 1}\n')
    result = run("report", str(bad), "--format", "json")
    assert result.exit_code == 2
    assert f"{bad}:1: not an imrparse record" in result.stderr


def test_json_lines_are_known_by_their_first_character_whatever_their_name(
    tmp_path: Path,
) -> None:
    records = tmp_path / "records.txt"
    assert run(str(layouts.SEED), "--format", "jsonl", "-o", str(records)).exit_code == 0
    result = run("report", str(records), "--format", "json", "-q")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["letters"] == 1


def iter_rows(report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for table in report["tables"]:
        yield from table["rows"]


def test_every_rate_lies_inside_its_interval(corpus: Corpus) -> None:
    for row in iter_rows(corpus.report):
        rate, low, high = (
            (row["overturned_rate"], row["overturned_low"], row["overturned_high"])
            if "overturned_rate" in row
            else (row["share"], row["share_low"], row["share_high"])
        )
        if rate is not None:
            assert 0 <= low <= rate <= high <= 1
