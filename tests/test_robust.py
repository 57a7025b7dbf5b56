"""Batch runs that never hang, never lose a letter, and never let a file do harm (issue 13).

Each test is one of the attacks that once succeeded; the numbers in the names are the issue's.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import layouts
import pytest
from conftest import run_cli as run

import imrparse.api
import imrparse.atomic
import imrparse.inputs
from imrparse import batch
from imrparse.atomic import AtomicFile

SEED_TEXT = layouts.seed_text()
LINUX = sys.platform.startswith("linux")


def imrparse_process(*args: str, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "imrparse", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def alive(pid: int) -> bool:
    """Whether a process still runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def children(pid: int) -> list[int]:
    """The process ids of a process's children (Linux)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


# ---- 1. a worker that dies ----------------------------------------------------------------


@pytest.mark.skipif(not LINUX, reason="finds the worker through /proc")
def test_a_killed_worker_fails_its_letter_and_every_other_letter_is_written(
    tmp_path: Path,
) -> None:
    errors = tmp_path / "errors.jsonl"
    held = _held_run(tmp_path, "--errors", str(errors), letters=40)
    stuck, out = held.stuck, held.out
    try:
        os.kill(held.reader, signal.SIGKILL)
        _, stderr = held.process.communicate(timeout=30)
    finally:
        os.close(held.writer)
    assert held.process.returncode == 2
    assert f"the worker reading '{stuck}' died" in stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 40 and str(stuck) not in {r["source"] for r in records}
    (failed,) = [json.loads(line) for line in errors.read_text().splitlines()]
    assert (failed["source"], failed["diagnostics"][0]["code"]) == (str(stuck), "IMR112")
    assert [p for p in tmp_path.iterdir() if "partial" in p.name] == []


def _holder_of(path: Path, pids: list[int]) -> int:
    """The process that has ``path`` open, among ``pids`` (waiting a little for it)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for pid in pids:
            try:
                fds = list(Path(f"/proc/{pid}/fd").iterdir())
            except OSError:
                continue
            for fd in fds:
                try:
                    if os.readlink(fd) == str(path):
                        return pid
                except OSError:
                    continue
        time.sleep(0.01)
    raise AssertionError("no worker opened the FIFO")


class _HeldRun(NamedTuple):
    process: subprocess.Popen[str]
    out: Path
    #: The FIFO letter, the end of it this test writes to (nothing, yet), and the worker
    #: reading it.
    stuck: Path
    writer: int
    reader: int


def _held_run(tmp_path: Path, *options: str, letters: int = 100, **popen: Any) -> _HeldRun:
    """A `--jobs 2 -o out.jsonl` run over ``letters`` letters, held mid-way by a FIFO letter
    that a worker is reading and nothing is written to, for as long as the test likes."""
    folder = tmp_path / "letters"
    folder.mkdir()
    for number in range(letters):
        (folder / f"{number:03}.txt").write_text(SEED_TEXT)
    stuck = folder / f"{letters // 2:03}-stuck.txt"
    os.mkfifo(stuck)
    out = tmp_path / "out.jsonl"
    process = imrparse_process(str(folder), "--jobs", "2", "-o", str(out), *options, **popen)
    writer = os.open(stuck, os.O_WRONLY)  # waits until a worker opens it
    return _HeldRun(process, out, stuck, writer, _holder_of(stuck, children(process.pid)))


@pytest.mark.skipif(not LINUX, reason="finds the workers through /proc")
def test_sigterm_to_the_whole_process_group_ends_the_run_at_once(tmp_path: Path) -> None:
    process, out, _, writer, _ = _held_run(tmp_path, start_new_session=True)
    try:
        workers = children(process.pid)
        os.killpg(process.pid, signal.SIGTERM)  # what systemctl stop and containers send
        _, stderr = process.communicate(timeout=20)
    finally:
        os.close(writer)
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert not out.exists() and [p for p in tmp_path.iterdir() if "partial" in p.name] == []
    time.sleep(0.2)
    assert not [pid for pid in workers if alive(pid)]


@pytest.mark.skipif(not LINUX, reason="needs PR_SET_PDEATHSIG")
def test_workers_die_with_a_killed_parent_and_print_nothing(tmp_path: Path) -> None:
    process, _, _, writer, _ = _held_run(tmp_path)
    try:
        workers = children(process.pid)
        assert workers
        process.kill()
        _, stderr = process.communicate(timeout=20)
        time.sleep(0.5)
    finally:
        os.close(writer)
    assert not [pid for pid in workers if alive(pid)]
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


# ---- 2. pipes, FIFOs and standard input ---------------------------------------------------


def _long_letter() -> str:
    """The seed with a rationale of about 150 KB: more than one read of a pipe gives."""
    sentence = " The request is not medically necessary for the reasons given above."
    return SEED_TEXT.rstrip() + sentence * 2200 + " \n\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_long_letter_through_a_pipe_is_read_whole(tmp_path: Path) -> None:
    text = _long_letter()
    fifo = tmp_path / "letter.txt"
    os.mkfifo(fifo)

    def write_slowly() -> None:
        with open(fifo, "w") as pipe:
            for start in range(0, len(text), 7000):
                pipe.write(text[start : start + 7000])
                pipe.flush()
                time.sleep(0.002)

    writer = threading.Thread(target=write_slowly)
    writer.start()
    result = run(str(fifo))
    writer.join()
    assert result.exit_code == 0, result.output
    expected = json.loads(run("-", stdin=text.encode()).stdout)
    assert json.loads(result.stdout) == expected
    assert len(expected["determinations"][0]["rationale"]) > 150_000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_no_one_writes_to_is_given_up_instead_of_waited_for_forever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imrparse.api, "FIFO_PATIENCE", 0.5)
    fifo = tmp_path / "letter.txt"
    os.mkfifo(fifo)
    result = run(str(fifo))
    assert result.exit_code == 2
    assert result.stderr == (
        f"imrparse: error: cannot read '{fifo}': no one wrote to this FIFO within 0.5 seconds\n"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_whose_writer_comes_late_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "letter.txt"
    os.mkfifo(fifo)

    def write_late() -> None:
        time.sleep(0.5)
        with open(fifo, "w") as pipe:
            pipe.write(SEED_TEXT)

    writer = threading.Thread(target=write_late)
    writer.start()
    result = run(str(fifo))
    writer.join()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["patient"]["age"] == 57


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_standard_input_is_read_only_to_just_past_the_limit() -> None:
    with open("/dev/zero", "rb") as zeros:
        done = subprocess.run(
            [sys.executable, "-m", "imrparse", "-", "--max-bytes", "1000"],
            stdin=zeros,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr.startswith(
        "-:1:1: error[IMR106]: input is over the limit of 1,000 bytes (raise it with --max-bytes)"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_without_a_made_up_size() -> None:
    result = run("/dev/zero", "--max-bytes", "5000")
    assert result.exit_code == 1
    assert "input is over the limit of 5,000 bytes" in result.stderr
    assert "5,001" not in result.stderr


# ---- 3. nothing left out in silence --------------------------------------------------------


def test_a_folder_that_cannot_be_listed_is_reported_and_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text(SEED_TEXT)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "two.txt").write_text(SEED_TEXT)
    real_scandir = os.scandir

    def refusing(path: Any) -> Any:  # (root reads any folder, whatever its mode)
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    errors = tmp_path / "errors.jsonl"
    result = run(str(tmp_path), "-o", str(tmp_path / "out.jsonl"), "--errors", str(errors))
    assert result.exit_code == 2
    locked = tmp_path / "locked"
    assert f"imrparse: error: cannot list '{locked}': permission denied" in result.stderr
    (line,) = [json.loads(line) for line in errors.read_text().splitlines()]
    assert (line["source"], line["diagnostics"][0]["code"]) == (str(locked), "IMR111")
    assert "1 failed" in result.stderr


def test_a_dangling_link_is_reported_not_dropped(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(SEED_TEXT)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    result = run(str(tmp_path))
    assert result.exit_code == 2
    assert f"cannot read '{tmp_path / 'gone.txt'}': a link that leads nowhere" in result.stderr
    assert len(result.stdout.splitlines()) == 1


# ---- 4. any file name ---------------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_written_with_an_escape_and_loses_nothing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / os.fsdecode(b"zz-bad\xff.txt")).write_text(SEED_TEXT)
    (folder / "good.txt").write_text(SEED_TEXT)
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    result = run(str(folder), "-o", str(out), "--errors", str(errors))
    assert result.exit_code == 0, result.output
    sources = [json.loads(line)["source"] for line in out.read_text().splitlines()]
    assert sources == [str(folder / "good.txt"), str(folder / "zz-bad\\xff.txt")]


# ---- 7. colliding outputs, too many workers, a full disk ------------------------------------


def test_the_same_file_for_output_and_errors_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    target = tmp_path / "x.jsonl"
    result = run(str(layouts.SEED), "-o", str(target), "--errors", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"imrparse: error: --output and --errors are the same file '{target}'\n"
    assert not target.exists()


def test_jobs_are_capped_at_a_few_per_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    class Counting:
        def __init__(self, task: batch.Task, jobs: int, join: str | None) -> None:
            seen.append(jobs)

        def results(self, sources: Iterator[Any]) -> Iterator[batch.Result]:
            return iter(())

    monkeypatch.setattr(batch, "_Pool", Counting)
    sources = [imrparse.inputs.Source(str(n), None, b"") for n in range(100_000)]
    list(batch.run(sources, batch.parse_work(fmt="jsonl", max_bytes=None, single=False), jobs=2000))
    assert seen == [batch.MAX_JOBS_PER_CPU * batch.default_jobs()]


def test_a_finished_run_ends_its_workers_and_the_pools_thread_before_it_returns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # (Killed workers left the pool's thread at work as Python exited, and Python's exit
    # handler for the pool could then write to a pipe that thread had just closed.)
    from concurrent.futures import ProcessPoolExecutor

    shut: list[tuple[Any, list[Any]]] = []
    real = ProcessPoolExecutor.shutdown

    def recording(executor: Any, *args: Any, **kwargs: Any) -> None:
        processes = list((executor._processes or {}).values())
        shut.append((executor._executor_manager_thread, processes))
        real(executor, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "shutdown", recording)
    text = layouts.seed_text().encode()
    sources = [imrparse.inputs.Source(f"{n}.txt", None, text) for n in range(40)]
    work = batch.parse_work(fmt="jsonl", max_bytes=None, single=False)
    assert sum(1 for _ in batch.run(sources, work, jobs=2)) >= 1
    [(thread, processes)] = shut
    assert not thread.is_alive()
    assert processes and all(process.exitcode == 0 for process in processes)


def test_a_disk_that_fills_at_the_last_flush_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class FullDisk:
        def __init__(self, stream: Any) -> None:
            self.stream = stream

        def write(self, text: str) -> int:
            return int(self.stream.write(text))

        def close(self) -> None:
            self.stream.close()
            raise OSError(28, "No space left on device")

    real_open = open
    monkeypatch.setattr(
        imrparse.atomic, "open", lambda *a, **k: FullDisk(real_open(*a, **k)), raising=False
    )
    target = tmp_path / "out.jsonl"
    with pytest.raises(OSError, match="No space left"), AtomicFile(target) as out:
        out.write("x" * 100)
    assert list(tmp_path.iterdir()) == []


# ---- 8. security ----------------------------------------------------------------------------


def test_the_temporary_file_has_a_name_no_one_can_plant_a_link_at(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    victim = tmp_path / "victim"
    victim.write_text("precious")
    # The name the temporary file once had, for every process id nearby.
    for pid in range(os.getpid() - 50, os.getpid() + 50):
        (tmp_path / f".out.jsonl.imrparse-partial-{pid}").symlink_to(victim)
    assert run(str(layouts.SEED), "-o", str(target)).exit_code == 0
    assert victim.read_text() == "precious"
    assert json.loads(target.read_text())["schema"] == "imrparse.letter/2"


def test_an_output_keeps_its_owner_only_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("")
    target.chmod(0o600)
    assert run(str(layouts.SEED), "-o", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_control_characters_from_a_letter_never_reach_the_terminal(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(SEED_TEXT.replace("Lumbar: Upheld", "Lumbar: \x1b]0;pwned\x07\x1b[2J"))
    result = run(str(bad))
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b]0;pwned\\x07" in result.stderr


def test_a_csv_cell_that_would_run_as_a_formula_is_made_inert(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text(
        SEED_TEXT.replace(
            "Physical Therapy, 8 sessions (unspecified schedule), Lumbar: Upheld",
            '=HYPERLINK("http://evil.example","x"): Upheld',
        )
    )
    result = run(str(letter), "--format", "csv")
    assert result.exit_code == 0
    assert ',"\'=HYPERLINK(""http://evil.example"",""x"")",' in result.stdout


def test_a_link_in_a_folder_that_leads_outside_it_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the secret first line\n")
    (folder / "x.txt").symlink_to(secret)
    (folder / "inside.txt").write_text(SEED_TEXT)
    (folder / "alias.txt").symlink_to(folder / "inside.txt")  # inside: read
    result = run(str(folder))
    assert result.exit_code == 2
    assert "the secret first line" not in result.output
    assert f"not reading '{folder / 'x.txt'}': a link that leads outside" in result.stderr
    assert len(result.stdout.splitlines()) == 2
    # Named on the command line, a link is the user's own choice: it is read.
    assert "the secret first line" in run(str(folder / "x.txt")).stderr


# ---- 9. smaller ------------------------------------------------------------------------------


def test_a_utf16_mark_before_utf8_text_is_an_encoding_error() -> None:
    result = run("-", stdin=b"\xff\xfe" + SEED_TEXT.encode())
    assert result.exit_code == 1
    assert "error[IMR103]: input starts with a UTF-16 byte order mark, but" in result.stderr
