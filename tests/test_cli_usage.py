"""The command line as people use it (issue 14): each test is one of the points a new user
tripped on, with what they see now."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import layouts
import pytest
from conftest import assert_valid_record
from conftest import run_cli as run

import imrparse.cli

SEED = str(layouts.SEED)
REAL = layouts.SEED.parent
GENERATED = REAL.parent / "generated"


@pytest.fixture
def letters_dir(tmp_path: Path) -> Path:
    """20 letters (enough for workers to start at --jobs 2), two of them bad."""
    folder = tmp_path / "letters"
    folder.mkdir()
    for path in sorted(GENERATED.glob("*.txt"))[:18]:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "bad-1.txt").write_text(layouts.seed_text().replace("Lumbar: Upheld", "Lumbar: No"))
    (folder / "bad-2.txt").write_text(layouts.seed_text()[:2000])
    return folder


# ---- 1. options before the file ---------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [["-o", "{out}"], ["--format", "csv"], ["-q"], ["-j", "2"], ["-q", "--format", "jsonl"]],
    ids=["-o", "--format", "-q", "-j", "several"],
)
def test_options_may_come_before_the_file(options: list[str], tmp_path: Path) -> None:
    options = [o.format(out=tmp_path / "x.json") for o in options]
    before = run(*options, SEED)
    after = run(SEED, *options)
    assert before.exit_code == after.exit_code == 0, before.output
    assert before.stdout == after.stdout


def test_options_first_or_last_write_the_same_file_for_a_directory(
    letters_dir: Path, tmp_path: Path
) -> None:
    first, last = tmp_path / "first.jsonl", tmp_path / "last.jsonl"
    one = run("-q", "--format", "jsonl", "-o", str(first), str(letters_dir))
    other = run(str(letters_dir), "-q", "--format", "jsonl", "-o", str(last))
    assert one.exit_code == other.exit_code == 1
    assert one.stderr == other.stderr
    assert first.read_bytes() == last.read_bytes()


# ---- 2. --format jsonl on one file ------------------------------------------------------


def test_jsonl_of_one_file_is_one_line_with_its_source(tmp_path: Path) -> None:
    result = run(SEED, "--format", "jsonl")
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["source"] == SEED
    # So a loop over files appends a valid JSON Lines file.
    out = tmp_path / "all.jsonl"
    for path in sorted(REAL.glob("CM16-02*.txt"))[:3]:
        out.open("a").write(run(str(path), "--format", "jsonl").stdout)
    assert len([json.loads(line) for line in out.read_text().splitlines()]) == 3


# ---- 3. every record any command writes fits the published schema -------------------------


def test_every_record_any_command_writes_validates_against_the_schema(tmp_path: Path) -> None:
    inputs = [*map(str, sorted(REAL.glob("*.txt"))), str(GENERATED)]
    records: list[dict[str, Any]] = []
    records += [json.loads(line) for line in run(*inputs, "--format", "jsonl").stdout.splitlines()]
    records += json.loads(run(*inputs[:3], "--format", "json").stdout)
    records.append(json.loads(run(SEED).stdout))
    assert run("generate", "-n", "5", "--out", str(tmp_path / "g"), "-q").exit_code == 0
    records += [json.loads(p.read_text()) for p in (tmp_path / "g").glob("0*.json")]
    assert len(records) > 150
    schema = json.loads(run("schema").stdout)
    assert schema["properties"]["source"] == {"type": "string"}
    for record in records:
        assert_valid_record(record)


# ---- 4. -o footguns ---------------------------------------------------------------------


def test_an_output_that_is_an_input_is_refused_and_the_letter_left_alone(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text(layouts.seed_text())
    result = run(str(letter), "-o", str(letter), "--format", "json")
    assert result.exit_code == 2
    assert result.stderr == (
        f"imrparse: error: --output '{letter}' is an input; it would be overwritten\n"
    )
    assert letter.read_text() == layouts.seed_text()


def test_an_output_suffix_that_names_no_format_is_refused(tmp_path: Path) -> None:
    result = run(SEED, "-o", str(tmp_path / "out.txt"))
    assert result.exit_code == 2
    assert "cannot tell the format of" in result.stderr and "give --format" in result.stderr
    assert not (tmp_path / "out.txt").exists()


def test_an_output_inside_the_input_directory_that_would_be_read_as_a_letter_is_refused(
    letters_dir: Path,
) -> None:
    result = run(str(letters_dir), "--format", "jsonl", "-o", str(letters_dir / "out.txt"))
    assert result.exit_code == 2
    assert "where the next run would read it as a letter" in result.stderr
    # A .jsonl there is no letter: fine.
    assert run(str(letters_dir), "-q", "-o", str(letters_dir / "out.jsonl")).exit_code == 1


# ---- 5. noise on stderr -----------------------------------------------------------------


def test_one_letter_that_parses_says_nothing_on_stderr() -> None:
    result = run(SEED)
    assert (result.exit_code, result.stderr) == (0, "")


def test_several_letters_end_with_a_summary_and_verbose_gives_it_for_one(
    letters_dir: Path,
) -> None:
    several = run(str(letters_dir))
    assert several.stderr.splitlines()[-1].startswith("imrparse: 18 letters parsed, ")
    assert "2 failed" in several.stderr
    one = run(SEED, "-v")
    assert one.stderr.startswith("imrparse: 1 letter parsed, 1 determination, 0 failed, in ")
    assert "letters/s" not in one.stderr


def test_generate_quiet_says_nothing(tmp_path: Path) -> None:
    result = run("generate", "-n", "2", "--out", str(tmp_path), "-q")
    assert (result.exit_code, result.stderr) == (0, "")


# ---- 6. validate as strong as parse -----------------------------------------------------


def test_validate_with_two_workers_says_exactly_what_one_says_in_input_order(
    letters_dir: Path,
) -> None:
    one = run("validate", "--jobs", "1", str(letters_dir))
    two = run("validate", "--jobs", "2", str(letters_dir))
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout and one.stdout.count("error[") == 2
    as_json = [run("validate", "--format", "json", "-j", j, str(letters_dir)) for j in "12"]
    assert as_json[0].stdout == as_json[1].stdout


def test_validate_says_so_when_every_letter_conforms() -> None:
    result = run("validate", SEED)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "imrparse: 1 letter checked: it conforms\n"


def test_validate_json_lists_a_file_it_could_not_read() -> None:
    result = run("validate", "--format", "json", "missing.txt", SEED)
    assert result.exit_code == 2
    (entry,) = json.loads(result.stdout)
    assert (entry["path"], entry["code"], entry["severity"]) == ("missing.txt", "IMR111", "error")
    assert entry["message"] == "cannot read 'missing.txt': no such file"


def test_validate_shows_progress_on_a_terminal(
    letters_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imrparse.cli, "_is_terminal", lambda stream: True)
    monkeypatch.setattr(imrparse.cli._Run, "_SHOW_AFTER", 0.0)
    monkeypatch.setattr(imrparse.cli._Run, "_EVERY", 0.0)
    monkeypatch.setenv("NO_COLOR", "1")
    result = run("validate", "-j", "1", str(letters_dir))
    assert "\rimrparse: 20/20 letters, 2 failed, " in result.stderr


def test_ctrl_c_ends_validate_with_130_and_no_traceback(letters_dir: Path) -> None:
    text = layouts.seed_text()
    for number in range(5000):  # long enough to be interrupted
        (letters_dir / f"more-{number:04}.txt").write_text(text)
    command = [sys.executable, "-m", "imrparse", "validate", "--jobs", "2", str(letters_dir)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stderr.rstrip().endswith("imrparse: error: interrupted")
    assert "Traceback" not in stderr and "Aborted" not in stderr


def test_ctrl_c_while_a_command_starts_up_also_ends_with_130(
    letters_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (Before its own handling of Ctrl-C began, click said "Aborted!" and exited with 1: seen
    # when the test above sent its SIGINT to a run slow to start on a busy machine.)
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(imrparse.cli, "_Run", interrupted)
    result = run("validate", str(letters_dir))
    assert result.exit_code == 130
    assert result.stderr == "imrparse: error: interrupted\n"


# ---- 7. diagnostics that say what is wrong, where ----------------------------------------


@pytest.mark.parametrize(
    ("length", "message"),
    [
        (700, "the letter ends in the middle of 'MAXIMUS Federal Services sent the"),
        (1500, "the letter ends before 'IMR ISSUES, DECISIONS AND RATIONALES'"),
    ],
)
def test_a_letter_cut_short_is_told_so_at_its_end(
    length: int, message: str, tmp_path: Path
) -> None:
    cut = tmp_path / "cut.txt"
    cut.write_text(layouts.plain()[:length])
    result = run("validate", str(cut))
    lines = cut.read_text().splitlines()
    assert result.stdout.startswith(f"{cut}:{len(lines)}:{len(lines[-1]) + 1}: error[IMR201]: ")
    assert message in result.stdout


def test_a_stray_empty_line_inside_boilerplate_is_called_a_paragraph_break(
    tmp_path: Path,
) -> None:
    text = layouts.seed_text()
    at = text.index("in active clinical practice")
    stray = tmp_path / "stray.txt"
    stray.write_text(text[:at] + " \n\n" + text[at:])
    result = run("validate", str(stray))
    head = result.stdout.splitlines()[0]
    assert head.startswith(f"{stray}:9:1: error[IMR301]: a paragraph break is not allowed inside")
    assert "'in active clinical practice'" in head


def test_no_message_says_it_expected_what_it_found(tmp_path: Path) -> None:
    text = layouts.seed_text()
    for cut in range(200, len(text), 997):
        path = tmp_path / f"cut-{cut}.txt"
        path.write_text(text[:cut])
        for line in run("validate", str(path)).stdout.splitlines():
            if "expected '" in line and "found '" in line:
                expected = line.split("expected '")[1].split("'")[0]
                assert f"found '{expected}'" not in line, line


# ---- 8. help ----------------------------------------------------------------------------


def test_help_gives_each_command_its_own_words() -> None:
    commands = run("--help").stdout.split("Commands:\n")[1].split("\n\n")[0]
    assert "..." not in commands  # no summary cut off
    assert "Exit codes" not in run("generate", "--help").stdout
    assert "How many letters." in run("generate", "--help").stdout
    assert "Exit codes" in run("validate", "--help").stdout
    assert "with --check would be reformatted" in run("fmt", "--help").stdout
    assert "not an imrparse record" in run("render", "--help").stdout
    assert "--strict" not in run("render", "--help").stdout


def test_generate_and_render_take_o_for_their_output_folder_as_parse_does(tmp_path: Path) -> None:
    assert run("generate", "-n", "2", "-q", "-o", str(tmp_path / "gen")).exit_code == 0
    records = tmp_path / "records.jsonl"
    assert run("-q", "--format", "jsonl", "-o", str(records), str(tmp_path / "gen")).exit_code == 0
    assert run("render", str(records), "-o", str(tmp_path / "letters")).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "letters").iterdir()) == ["00001.txt", "00002.txt"]


# ---- 9. conveniences --------------------------------------------------------------------


def test_fmt_check_and_diff_over_several_files(tmp_path: Path) -> None:
    canonical = tmp_path / "canonical.txt"
    canonical.write_bytes(run("fmt", SEED).stdout_bytes)
    check = run("fmt", "--check", str(canonical), SEED)
    assert check.exit_code == 1
    assert check.stdout == ""
    assert f"would reformat {SEED}" in check.stderr
    assert "1 letter would be reformatted, 1 already canonical" in check.stderr
    assert run("fmt", "--check", str(canonical)).exit_code == 0
    diff = run("fmt", "--diff", SEED)
    assert diff.stdout.startswith(f"--- {SEED}\n+++ {SEED} (canonical)\n")


def test_render_writes_a_letter_for_each_record_of_a_json_lines_file(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    paths = [str(p) for p in sorted(GENERATED.glob("*.txt"))[:3]]
    records.write_text(run(*paths, "--format", "jsonl").stdout)
    out = tmp_path / "letters"
    assert run("render", str(records), "--out", str(out)).exit_code == 0
    written = sorted(out.iterdir())
    assert [p.name for p in written] == ["00001.txt", "00002.txt", "00003.txt"]
    again = [json.loads(line) for line in run(*map(str, written)).stdout.splitlines()]
    originals = [json.loads(line) for line in records.read_text().splitlines()]
    for record, original in zip(again, originals, strict=True):
        del record["source"], original["source"]
        assert record == original
    assert "give --out DIR" in run("render", str(records)).stderr


def test_diagnostics_are_in_colour_on_a_terminal_unless_no_color(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(layouts.seed_text().replace("Lumbar: Upheld", "Lumbar: No"))
    monkeypatch.setattr(imrparse.cli, "_is_terminal", lambda stream: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = run("validate", str(bad)).stdout
    assert "\x1b[31m" in coloured and "error" in coloured
    plain = run("validate", str(bad), env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in plain


def test_directory_walks_skip_hidden_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "._letter.pdf").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "old.txt").write_text("not a letter")
    (tmp_path / "letter.txt").write_text(layouts.seed_text())
    result = run(str(tmp_path))
    assert result.exit_code == 0
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [
        str(tmp_path / "letter.txt")
    ]


def test_exit_codes_are_defined_once_and_the_readme_lists_them_all() -> None:
    from imrparse import exitcodes

    readme = (REAL.parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit codes")[1].split("###")[0]
    for code in (exitcodes.OK, exitcodes.NONCONFORMING, exitcodes.USAGE, exitcodes.INTERRUPTED):
        assert f"| {code} |" in table
    sources = "".join(p.read_text() for p in (REAL.parent.parent / "imrparse").glob("*.py"))
    assert sources.count("= 130") == 1


def test_output_on_a_strict_utf8_stream_never_fails_on_a_name(tmp_path: Path) -> None:
    name = os.fsdecode(b"zz-bad\xff.txt")
    (tmp_path / name).write_text(layouts.seed_text().replace("Lumbar: Upheld", "Lumbar: No"))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    shown = str(tmp_path / "zz-bad\\xff.txt")  # the byte that is not UTF-8, as \xff
    for command in ([str(tmp_path)], ["validate", "--format", "json", str(tmp_path)]):
        done = subprocess.run(
            [sys.executable, "-m", "imrparse", *command], capture_output=True, env=env
        )
        assert done.returncode == 1, done.stderr
        said = (done.stdout + done.stderr).decode("utf-8")
        assert f"{shown}:67:" in said or json.dumps(shown) in said
    (entry,) = json.loads(done.stdout)
    assert entry["path"] == shown
