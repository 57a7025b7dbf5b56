"""Batch runs: many files and directories, JSON Lines and CSV, workers, atomic output files."""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli as run
from layouts import SEED, seed_text

from imrparse import batch
from imrparse.formats import CSV_COLUMNS
from imrparse.generate import generate_letter


@pytest.fixture
def mixed_dir(tmp_path: Path) -> Path:
    """40 good letters, 3 bad ones, a non-letter text file and files that are not letters."""
    folder = tmp_path / "letters"
    (folder / "sub").mkdir(parents=True)
    for number in range(1, 41):
        text, letter = generate_letter(11, number)
        where = folder / "sub" if number % 4 == 0 else folder
        (where / f"{number:03}.txt").write_text(text, encoding="utf-8")
        (tmp_path / f"{number:03}.expected").write_text(json.dumps(letter.to_dict()))
    seed = seed_text()
    (folder / "bad-decision.txt").write_text(seed.replace("Lumbar: Upheld", "Lumbar: Denied"))
    (folder / "sub" / "bad-cut.txt").write_text(seed[:2000])
    (folder / "notes.txt").write_text("Call the claims adjuster on Monday.\n")
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (folder / "README.md").write_text("# not a letter\n")
    return folder


def expected(tmp_path: Path, source: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (tmp_path / f"{Path(source).stem}.expected").read_text(encoding="utf-8")
    )
    return data


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_mixed_directory_gives_every_good_record_and_lists_every_bad_letter(
    mixed_dir: Path, tmp_path: Path, jobs: str
) -> None:
    errors = tmp_path / "errors.jsonl"
    result = run(str(mixed_dir), "--jobs", jobs, "--errors", str(errors))
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 40
    for record in records:
        assert record == {"source": record["source"], **expected(tmp_path, record["source"])}
    # Input order: sorted paths, whatever the number of workers.
    assert [r["source"] for r in records] == sorted(r["source"] for r in records)
    failed = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(f["source"]).name for f in failed) == [
        "bad-cut.txt",
        "bad-decision.txt",
        "notes.txt",
    ]
    assert {f["diagnostics"][0]["code"] for f in failed} == {"IMR104", "IMR201", "IMR404"}
    for name in ("bad-decision.txt:", "bad-cut.txt:", "notes.txt:1:1: error[IMR104]"):
        assert name in result.stderr
    assert "imrparse: 40 letters parsed" in result.stderr and ", 3 failed, in " in result.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_workers_write_exactly_what_one_process_writes(mixed_dir: Path, fmt: str) -> None:
    one = run(str(mixed_dir), "--format", fmt, "--jobs", "1", "--quiet")
    two = run(str(mixed_dir), "--format", fmt, "--jobs", "2", "--quiet")
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr


def test_an_unreadable_file_in_a_batch_is_listed_and_the_others_go_on(tmp_path: Path) -> None:
    result = run(str(SEED), str(tmp_path / "gone.txt"), str(SEED))
    assert result.exit_code == 2
    assert len(result.stdout.splitlines()) == 2
    assert "imrparse: error: cannot read" in result.stderr


def test_csv_has_one_row_per_determination_and_loads_with_the_csv_module(
    mixed_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "table.csv"
    result = run(str(mixed_dir), "-o", str(out), "--jobs", "2")
    assert result.exit_code == 1
    assert result.stdout == ""
    raw = out.read_bytes()
    assert raw.startswith(b"source,case_number,decision_date,") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_source: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(row)
    assert len(by_source) == 40
    key_m = "maximus_guideline"
    for source, letter_rows in by_source.items():
        record = expected(tmp_path, source)
        assert len(letter_rows) == len(record["determinations"])
        pairs = zip(letter_rows, record["determinations"], strict=True)
        for index, (row, d) in enumerate(pairs, start=1):
            assert row["item_index"] == str(index)
            assert row["item"] == d["item"] and row["rationale"] == d["rationale"]
            assert row["decision"] == d["decision"]
            for side, key in (("ca", "claims_administrator_guideline"), ("maximus", key_m)):
                guideline = d[key]
                mtus, basis = guideline["mtus"], guideline["basis"]
                assert row[f"{side}_mtus"] == ("" if mtus is None else str(mtus).lower())
                assert row[f"{side}_basis"] == (basis or "")
                citations = guideline["citations"]
                assert (json.loads(row[f"{side}_citations"]) if citations else []) == citations
            authorization = d["authorization"] or {}
            assert row["authorization_kind"] == authorization.get("kind", "")
            assert row["original_request"] == authorization.get("original_request", "")
            assert row["reviewer_licensure"] == "; ".join(record["reviewer"]["licensure"])
            case = record["case"] or {}
            assert row["case_number"] == case.get("case_number", "")
            assert row["patient_age"] == str(record["patient"]["age"] or "")


def test_csv_of_the_real_letter_quotes_commas_and_keeps_every_field() -> None:
    result = run(str(SEED), "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["item"] == "Physical Therapy, 8 sessions (unspecified schedule), Lumbar"
    assert row["ca_mtus"] == "false" and row["maximus_mtus"] == "true"
    assert row["ca_basis"] == row["maximus_basis"] == "citations"
    assert row["maximus_mtus_parts"] == "Chronic Pain Treatment Guidelines Physical Medicine"
    assert json.loads(row["maximus_citations"]) == [
        {
            "source": "mtus",
            "title": "Chronic Pain Treatment Guidelines Physical Medicine",
            "year": None,
            "sections": None,
            "pages": "98-99",
        }
    ]
    assert row["authorization_kind"] == row["original_request"] == row["authorized"] == ""
    assert row["date_of_injury"] == "2014-05-20"  # no case header: the summary's
    assert row["case_number"] == "" and row["priority"] == ""
    assert row["patient_age"] == "57" and row["patient_sex"] == "female"


def test_json_for_several_files_is_one_array(tmp_path: Path) -> None:
    result = run(str(SEED), str(SEED), "--format", "json")
    records = json.loads(result.stdout)
    assert [r["source"] for r in records] == [str(SEED), str(SEED)]


def test_the_output_format_follows_the_output_files_suffix(tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    run(str(SEED), str(SEED), "-o", str(out))
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_standard_input_is_a_letter_among_others() -> None:
    result = run("-", str(SEED), stdin=SEED.read_bytes())
    sources = [json.loads(line)["source"] for line in result.stdout.splitlines()]
    assert sources == ["-", str(SEED)]


def test_no_progress_bar_when_standard_error_is_not_a_terminal(mixed_dir: Path) -> None:
    result = run(str(mixed_dir), "--jobs", "1")
    assert "\r" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("imrparse: 40 letters parsed, ")


def test_quiet_drops_the_summary_line() -> None:
    assert run(str(SEED), "--quiet").stderr == ""


def test_an_interrupted_run_leaves_no_output_file(
    mixed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_run = batch.run

    def interrupted(*args: Any, **kwargs: Any) -> Iterator[batch.Result]:
        for count, result in enumerate(real_run(*args, **kwargs)):
            if count == 10:
                raise KeyboardInterrupt
            yield result

    monkeypatch.setattr(batch, "run", interrupted)
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    result = run(str(mixed_dir), "-o", str(out), "--errors", str(errors), "--jobs", "1")
    assert result.exit_code == 130
    assert "interrupted; no output file was written" in result.stderr
    assert not out.exists() and not errors.exists()
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_killing_a_run_midway_leaves_no_output_file(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    text = seed_text()
    for number in range(3000):
        (folder / f"{number:05}.txt").write_text(text)
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "imrparse", str(folder), "-o", str(out), "--jobs", "1"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30

    def partials() -> list[Path]:
        return list(tmp_path.glob(".out.jsonl.*.imrparse-partial"))

    while not any(p.stat().st_size > 0 for p in partials()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "the run ended before it could be killed"
    os.kill(process.pid, signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "interrupted; no output file was written" in stderr
    assert not out.exists() and partials() == []


def _loaded_by(run: str, unwanted: set[str]) -> tuple[str, list[str]]:
    """What ``run`` (Python code reading the seed letter in a fresh interpreter) prints, and
    which of the ``unwanted`` top-level modules it loaded. The first run may build the parse
    tables with Lark (once per user), so the second is the one judged."""
    code = (
        "import sys\n"
        f"{run}\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        f"print(sorted(loaded & set({sorted(unwanted)!r})), file=sys.stderr)\n"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded: list[str] = ast.literal_eval(done.stderr.strip())
    return done.stdout, loaded


def test_parsing_a_letter_that_conforms_imports_no_lark_template_engine_or_test_library() -> None:
    run = (
        "from imrparse.cli import main\n"
        "try:\n"
        f"    main([{str(SEED)!r}, '--quiet'])\n"
        "except SystemExit:\n"
        "    pass"
    )
    _, loaded = _loaded_by(run, {"lark", "jinja2", "hypothesis", "multiprocessing"})
    assert loaded == []


def test_imrparse_file_on_a_letter_that_conforms_imports_only_what_reading_it_needs() -> None:
    # Issue 12: a start of `imrparse FILE` is mostly imports. These are what it once loaded
    # without needing them (dataclasses brings inspect and ast; typing, pathlib, csv; the
    # command line's machinery).
    run = (
        "from imrparse.entry import main\n"
        f"sys.argv = ['imrparse', {str(SEED)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code"
    )
    unwanted = {"dataclasses", "inspect", "ast", "typing", "pathlib", "csv", "click", "lark"}
    output, loaded = _loaded_by(run, unwanted | {"jinja2", "multiprocessing", "pypdfium2"})
    assert json.loads(output)["schema"] == "imrparse.letter/2"
    assert loaded == []


def test_an_output_in_a_missing_folder_is_a_usage_error_naming_the_path_given(
    tmp_path: Path,
) -> None:
    target = tmp_path / "missing-folder" / "out.jsonl"
    result = run(str(SEED), "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == (
        f"imrparse: error: cannot write '{target}': no such directory '{target.parent}'\n"
    )


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux's /proc")
def test_an_output_file_that_cannot_be_written_is_a_usage_error() -> None:
    # A folder no one may create files in, not even root.
    result = run(str(SEED), "-o", "/proc/out.jsonl")
    assert result.exit_code == 2
    assert result.stderr.startswith("imrparse: error: cannot write '/proc/")


def test_a_reader_that_stops_reading_ends_the_run_quietly(tmp_path: Path) -> None:
    for number in range(40):  # more output than a pipe holds
        (tmp_path / f"{number}.txt").write_text(seed_text())
    command = f"{sys.executable} -m imrparse {tmp_path} --jobs 1 | head -c 10"
    done = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)
    assert len(done.stdout) == 10
    assert "Traceback" not in done.stderr
