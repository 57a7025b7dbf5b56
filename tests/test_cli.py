"""The imrparse command, through click's CliRunner: output, formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import layouts
import pytest
from conftest import assert_valid_record
from conftest import run_cli as run
from letters import Item, letter

SEED = str(layouts.SEED)


def write_bad_letter(folder: Path) -> Path:
    bad = folder / "bad.txt"
    bad.write_text(layouts.seed_text().replace("Lumbar: Upheld", "Lumbar: Denied"))
    return bad


def test_file_argument_prints_the_record_as_indented_json(seed_record: dict[str, Any]) -> None:
    result = run(SEED)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == seed_record
    assert result.stdout.startswith('{\n  "schema"')


def test_parse_subcommand_is_the_explicit_form(seed_record: dict[str, Any]) -> None:
    assert json.loads(run("parse", SEED).stdout) == seed_record


def test_several_files_print_json_lines_with_their_source(tmp_path: Path) -> None:
    other = tmp_path / "plain.txt"
    other.write_text(layouts.plain())
    result = run(SEED, str(other))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [json.loads(line)["source"] for line in lines] == [SEED, str(other)]
    for line in lines:
        record = json.loads(line)
        del record["source"]
        assert_valid_record(record)


def test_dash_reads_standard_input(seed_record: dict[str, Any]) -> None:
    result = run("-", stdin=layouts.crlf_bom())
    assert result.exit_code == 0
    assert json.loads(result.stdout) == seed_record


def test_missing_file_exits_2_with_a_one_line_message_and_no_summary() -> None:
    result = run("missing.txt")
    assert result.exit_code == 2
    assert result.stderr == "imrparse: error: cannot read 'missing.txt': no such file\n"


def test_bad_letter_exits_1_and_other_files_are_still_parsed(tmp_path: Path) -> None:
    bad = write_bad_letter(tmp_path)
    result = run(str(bad), SEED)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert f"{bad}:67:62: error[IMR404]" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_text_format_reads_like_a_compiler(tmp_path: Path) -> None:
    bad = write_bad_letter(tmp_path)
    result = run("validate", str(bad))
    assert result.exit_code == 1
    head, excerpt, caret = result.stdout.splitlines()
    assert head.startswith(f"{bad}:67:62: error[IMR404]: unknown decision 'Denied'")
    assert excerpt.strip().endswith("Lumbar: Denied")
    assert caret.index("^") == excerpt.index("Denied")


def test_validate_json_format_carries_the_same_line_and_column(tmp_path: Path) -> None:
    bad = write_bad_letter(tmp_path)
    result = run("validate", "--format", "json", str(bad), SEED)
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)
    assert {k: problem[k] for k in ("path", "line", "column", "severity", "code")} == {
        "path": str(bad),
        "line": 67,
        "column": 62,
        "severity": "error",
        "code": "IMR404",
    }
    assert problem["message"]


def test_validate_conforming_letter_exits_0_with_no_output() -> None:
    result = run("validate", SEED)
    assert (result.exit_code, result.stdout) == (0, "")


def test_validate_strict_makes_warnings_fail(tmp_path: Path) -> None:
    flat = tmp_path / "flat.txt"
    flat.write_text(letter([Item("A"), Item("B")]).replace("\n\n", "\n"))
    assert run("validate", str(flat)).exit_code == 0
    strict = run("validate", "--strict", str(flat))
    assert strict.exit_code == 1
    assert "warning[IMR503]" in strict.stdout


def test_directory_of_letters_is_read_recursively(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text(layouts.plain())
    (tmp_path / "two.txt").write_text(layouts.seed_text())
    (tmp_path / "notes.md").write_text("not a letter")
    result = run(str(tmp_path))
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2


def test_empty_and_binary_files_get_their_own_messages(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n")
    (tmp_path / "binary.txt").write_bytes(b"\x7fELF\x00\x00\x01")
    result = run(*(str(tmp_path / n) for n in ("empty.txt", "blank.txt", "binary.txt")))
    assert result.exit_code == 1
    assert "error[IMR101]: input is empty" in result.stderr
    assert "error[IMR102]" in result.stderr
    assert "error[IMR103]" in result.stderr


def test_schema_command_prints_a_draft_2020_12_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_help_documents_the_exit_codes_and_the_options_of_parse() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "Exit codes" in result.stdout
    assert "usage error, or an input that could not be read" in result.stdout
    assert "130  interrupted" in result.stdout
    assert "Options of `imrparse [parse] FILE...`" in result.stdout
    for option in ("--format", "--output", "--errors", "--jobs", "--quiet", "--max-bytes"):
        assert option in result.stdout


MUTATIONS = {
    "boilerplate word": ("complete case file", "complete case folder"),
    "heading": ("CLINICAL CASE SUMMARY", "CLINICAL CASE SUMARY"),
    "decision word": ("Lumbar: Upheld", "Lumbar: Denied"),
    "removed section": ("MAXIMUS guideline: Decision based on MTUS", "Decision based on MTUS"),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_validate_text_and_json_agree_on_where_a_change_is(mutation: str, tmp_path: Path) -> None:
    path = tmp_path / "changed.txt"
    path.write_text(layouts.seed_text().replace(*MUTATIONS[mutation], 1))
    text = run("validate", str(path))
    as_json = run("validate", "--format", "json", str(path))
    assert text.exit_code == as_json.exit_code == 1
    problem = json.loads(as_json.stdout)[0]
    assert text.stdout.startswith(f"{path}:{problem['line']}:{problem['column']}: error[")


# ---- render, fmt, generate --------------------------------------------------------------


def test_render_writes_the_letter_a_record_stands_for(tmp_path: Path) -> None:
    record = tmp_path / "seed.json"
    record.write_bytes(run(SEED).stdout_bytes)
    result = run("render", str(record), "--layout", "windows")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfHOW THE IMR FINAL DETERMINATION")
    assert b"\r\n" in result.stdout_bytes
    assert json.loads(run("-", stdin=result.stdout_bytes).stdout) == json.loads(record.read_text())


def test_render_names_the_bad_field_of_a_record_that_is_not_one(tmp_path: Path) -> None:
    record = tmp_path / "bad.json"
    record.write_text('{"schema": "imrparse.letter/2", "case": null, "reviewer": 3}')
    result = run("render", str(record))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"imrparse: error: {record}: not an imrparse record: $.reviewer"
    )


def test_render_says_where_a_record_is_not_json(tmp_path: Path) -> None:
    record = tmp_path / "bad.json"
    record.write_text('{\n  "schema": oops\n}')
    result = run("render", str(record))
    assert result.exit_code == 1
    assert f"imrparse: error: {record}:2:13: not JSON: Expecting value" in result.stderr


def test_fmt_prints_the_canonical_text_which_parses_to_the_same_record(
    seed_record: dict[str, Any],
) -> None:
    result = run("fmt", SEED)
    assert result.exit_code == 0
    assert result.stdout.startswith("HOW THE IMR FINAL DETERMINATION WAS MADE\n\nMAXIMUS Federal")
    assert json.loads(run("-", stdin=result.stdout_bytes).stdout) == seed_record
    assert run("fmt", "-", stdin=result.stdout_bytes).stdout_bytes == result.stdout_bytes


def test_fmt_of_a_letter_that_does_not_conform_says_where_and_exits_1(tmp_path: Path) -> None:
    result = run("fmt", str(write_bad_letter(tmp_path)))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "bad.txt:67:62: error[IMR404]" in result.stderr


def test_generate_writes_letters_with_their_records_and_the_same_bytes_for_the_same_seed(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("generate", "-n", "12", "--seed", "5", "--out", str(first)).exit_code == 0
    assert run("generate", "-n", "12", "--seed", "5", "--out", str(second)).exit_code == 0
    names = sorted(p.name for p in first.iterdir())
    letters = [f"{n:05}.{ext}" for n in range(1, 13) for ext in ("json", "txt")]
    assert names == [*letters, "manifest.json"]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    result = run(*sorted(str(p) for p in first.glob("*.txt")))
    assert result.exit_code == 0
    for line in result.stdout.splitlines():
        record = json.loads(line)
        expected = Path(record.pop("source")).with_suffix(".json")
        assert record == json.loads(expected.read_text(encoding="utf-8"))


def test_generate_with_another_seed_writes_other_letters(tmp_path: Path) -> None:
    run("generate", "-n", "3", "--seed", "1", "--out", str(tmp_path / "a"))
    run("generate", "-n", "3", "--seed", "2", "--out", str(tmp_path / "b"))
    for n in ("00001", "00002", "00003"):
        assert (tmp_path / "a" / f"{n}.txt").read_bytes() != (
            tmp_path / "b" / f"{n}.txt"
        ).read_bytes()


def test_generate_in_one_layout_writes_every_letter_in_it(tmp_path: Path) -> None:
    run("generate", "-n", "5", "--layout", "pdf-footers", "--out", str(tmp_path))
    for path in tmp_path.glob("*.txt"):
        assert "\nPage 1 of " in path.read_text(encoding="utf-8")
        assert " \n\n \n\n" in path.read_text(encoding="utf-8")


def test_generate_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("")
    result = run("generate", "-n", "1", "--out", str(target))
    assert result.exit_code == 2
    assert "is a file" in result.stderr


@pytest.mark.parametrize("command", ["fmt", "render"])
def test_a_one_file_command_given_a_directory_says_so(command: str, tmp_path: Path) -> None:
    result = run(command, str(tmp_path))
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"imrparse: error: '{tmp_path}' is a directory; this command takes one file\n"
    )


def test_the_short_path_for_one_letter_prints_what_the_command_line_prints(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    def imrparse(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "imrparse", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)

    # A conforming letter (the short path), one with a warning, and a file named like a
    # command (never the short path): each as the command line itself says it.
    warned = str(layouts.SEED.parent / "CM16-0219557.txt")
    (tmp_path / "schema").write_text(layouts.seed_text())
    for args in ([SEED], [warned], ["schema"]):
        short, full = imrparse(*args), run(*args)
        assert (short.returncode, short.stdout, short.stderr) == (
            full.exit_code,
            full.stdout,
            full.stderr,
        )
    assert "$schema" in imrparse("schema").stdout
