"""Many letters at once: each read and handled on its own, in parallel, in input order.

Every command that reads letters (`parse`, `validate`, `fmt --check`) runs through `run` with a
*task*: a function that turns one `Source` into a `Result` holding the finished output text (a
JSON record, CSV rows, diagnostics, a diff), so the parent process only writes. Results come
back in input order however many workers run, and a bounded number at a time, so memory stays
flat as the corpus grows.

A worker that dies (the kernel's out-of-memory killer, ``kill -9``, a crash) never hangs the
run: `concurrent.futures` notices it (`BrokenProcessPool`, where `multiprocessing.Pool` waits
forever). Each worker writes into a shared slot the number of the letter it is reading, and
clears it when it ends in an orderly way (SIGTERM included), so after the pool breaks the
letter a worker died on is known: it is reported as failed (IMR112) and every other letter in
flight is read again by a new pool. Workers die with the parent (Linux: ``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from . import exitcodes
from .errors import Diagnostic, LetterError, Severity
from .formats import csv_rows, record_json
from .inputs import Source, Unreadable, read_source
from .lifetime import die_with_parent
from .report import diagnostic_json, format_diagnostic

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from .formats import Format

__all__ = [
    "MAX_JOBS_PER_CPU",
    "Result",
    "Task",
    "check_task",
    "default_jobs",
    "parse_task",
    "run",
    "validate_task",
]

# Below this many inputs per worker, starting workers costs more than it saves.
_MIN_PER_WORKER = 8
#: Workers per CPU at the most, whatever --jobs asks (each holds a parser: ~20 MB).
MAX_JOBS_PER_CPU = 4


class Result(NamedTuple):
    """What became of one input, or of a run of inputs that went well. (A named tuple:
    workers send them to the parent, and tuples cost the least to send.)"""

    source: str
    status: int  # exitcodes.OK, NONCONFORMING or USAGE
    #: The text to write to the output: a record, CSV rows, diagnostics, a diff.
    output: str = ""
    determinations: int = 0
    #: What to tell the user on standard error: a failure's first diagnostic (or the I/O
    #: error), a letter's warnings.
    message: str = ""
    #: One JSON line for the --errors file (for a failure or a letter with warnings).
    error_line: str = ""
    #: How many letters the result stands for: more than one when a worker sends the output
    #: of consecutive letters that went well as one result (the parent then has less to do).
    letters: int = 1
    errors: int = 0
    warnings: int = 0


#: What a worker does with one input (a picklable function: `functools.partial` of a task).
Task = Callable[[Source], Result]


# ---- tasks ------------------------------------------------------------------------------


def parse_task(source: Source, *, fmt: Format, max_bytes: int | None, single: bool) -> Result:
    """Read, parse and format one input. Never raises for a bad input: that is a `Result`."""
    try:
        letter, warnings = read_source(source, max_bytes).parse_with_warnings()
    except Unreadable as error:
        return _unreadable(source, error)
    except LetterError as error:
        first = error.first
        line = problem_line(source.name, "error", first.message, error.diagnostics)
        message = format_diagnostic(source.name, first)
        return Result(
            source.name,
            exitcodes.NONCONFORMING,
            message=message,
            error_line=line,
            errors=sum(d.is_error for d in error.diagnostics),
        )
    if fmt == "csv":
        output = csv_rows(letter, source.name)
    elif single and fmt == "json":
        output = record_json(letter, None, indent=2) + "\n"
    else:
        output = record_json(letter, source.name, indent=2 if fmt == "json" else None) + "\n"
    if not warnings:
        return Result(source.name, exitcodes.OK, output, len(letter.determinations))
    # Warnings never change the record, and are never silent (LETTER-FORMAT §5).
    return Result(
        source.name,
        exitcodes.OK,
        output,
        len(letter.determinations),
        message="\n".join(format_diagnostic(source.name, w) for w in warnings),
        error_line=problem_line(source.name, "warning", warnings[0].message, warnings),
        warnings=len(warnings),
    )


def validate_task(
    source: Source, *, max_bytes: int | None, strict: bool, output: Literal["text", "json"]
) -> Result:
    """Every diagnostic of one input, as text lines or as JSON objects of an array."""
    try:
        document = read_source(source, max_bytes)
        diagnostics = document.validate()
    except Unreadable as error:
        diagnostics = [_unreadable_diagnostic(error)]
    except LetterError as error:
        diagnostics = list(error.diagnostics)
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    if any(d.code == _UNREADABLE for d in diagnostics):
        status = exitcodes.USAGE
    elif errors or (strict and warnings):
        status = exitcodes.NONCONFORMING
    else:
        status = exitcodes.OK
    if output == "json":
        text = ",\n".join(_array_item(diagnostic_json(source.name, d)) for d in diagnostics)
    else:
        text = "".join(format_diagnostic(source.name, d) + "\n" for d in diagnostics)
    return Result(source.name, status, text, errors=errors, warnings=warnings)


def check_task(source: Source, *, max_bytes: int | None, diff: bool) -> Result:
    """Whether one letter is in the canonical layout already (`fmt --check`), and with
    ``diff`` the changes `fmt` would make, as a unified diff."""
    from .rendering import render  # the template: only this task needs it

    try:
        document = read_source(source, max_bytes)
        canonical = render(document.parse())
    except Unreadable as error:
        return _unreadable(source, error)
    except LetterError as error:
        line = problem_line(source.name, "error", error.first.message, error.diagnostics)
        message = format_diagnostic(source.name, error.first)
        return Result(source.name, exitcodes.NONCONFORMING, message=message, error_line=line)
    if document.text == canonical:
        return Result(source.name, exitcodes.OK)
    changes = ""
    if diff:
        changes = "".join(
            difflib.unified_diff(
                document.text.splitlines(keepends=True),
                canonical.splitlines(keepends=True),
                fromfile=source.name,
                tofile=f"{source.name} (canonical)",
            )
        )
    return Result(
        source.name, exitcodes.NONCONFORMING, changes, message=f"would reformat {source.name}"
    )


# An input that could not be read, and a letter whose worker died: codes of their own.
_UNREADABLE = "IMR111"
_WORKER_DIED = "IMR112"


def _unreadable_diagnostic(error: Unreadable) -> Diagnostic:
    return Diagnostic(_UNREADABLE, Severity.ERROR, str(error), 0, 0)


def _unreadable(source: Source, error: Unreadable) -> Result:
    line = problem_line(source.name, "error", str(error), [_unreadable_diagnostic(error)])
    return Result(source.name, exitcodes.USAGE, message=str(error), error_line=line, errors=1)


def _died(source: Source) -> Result:
    message = (
        f"the worker reading '{source.name}' died (killed, perhaps for want of memory); "
        "the other letters were read"
    )
    died = Diagnostic(_WORKER_DIED, Severity.ERROR, message, 0, 0)
    line = problem_line(source.name, "error", message, [died])
    return Result(source.name, exitcodes.USAGE, message=message, error_line=line, errors=1)


def problem_line(
    source: str, severity: str, message: str, diagnostics: Sequence[Diagnostic]
) -> str:
    """One JSON line of the --errors file: a letter that failed ("severity": "error", and its
    first message under "error") or that parsed with warnings ("severity": "warning", and its
    first warning under "warning")."""
    return json.dumps(
        {
            "source": source,
            "severity": severity,
            severity: message,
            "diagnostics": [d.to_dict() for d in diagnostics],
        },
        ensure_ascii=False,
    )


def _array_item(data: dict[str, Any]) -> str:
    """An object as `json.dumps(array, indent=2)` writes each of its items."""
    return "  " + json.dumps(data, indent=2, ensure_ascii=False).replace("\n", "\n  ")


# ---- running them -------------------------------------------------------------------------


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(
    sources: Iterable[Source], task: Task, *, jobs: int, join: str | None = None
) -> Generator[Result, None, None]:
    """Each input's `Result`, in input order, with up to ``jobs`` worker processes (at most
    `MAX_JOBS_PER_CPU` per CPU). With ``join``, the results of consecutive inputs that went
    well (status OK and nothing to say) come back as one, their outputs joined by it.

    Inputs are taken as they come and results given back as they are ready, with a bounded
    number of chunks in flight: memory does not grow with the number of inputs."""
    global started_workers
    started_workers = False
    jobs = max(1, min(jobs, MAX_JOBS_PER_CPU * default_jobs()))
    inputs = iter(sources)
    head = list(islice(inputs, jobs * _MIN_PER_WORKER))
    if jobs <= 1 or len(head) < jobs * _MIN_PER_WORKER:
        # Too few inputs for workers to pay off (starting them costs more than they save).
        yield from map(task, chain(head, inputs))
        return
    yield from _Pool(task, jobs, join).results(chain(head, inputs))


# Inputs per chunk: enough that handing them out costs little. Chunks in flight per worker:
# enough to keep every worker busy, few enough to keep memory flat.
_CHUNK = 32
_CHUNKS_PER_WORKER = 4

_Chunk = list[tuple[int, Source]]
# A chunk in flight: its inputs, and the results to come (or come already).
_InFlight = tuple[_Chunk, "Future[list[Result]] | list[Result]"]
# How often the pool may break with no worker reading a letter before the letters in flight
# are given up as failed.
_BLIND_BREAKS = 2


#: Whether the last `run` started worker processes. (A process that did should end with
#: `os._exit` when interrupted: a worker killed while it sent a result can leave the pool's
#: manager thread waiting for the rest of it forever, and Python waits for that thread at
#: exit.)
started_workers = False


class _Pool:
    """Worker processes that read chunks of inputs, and notice when one of them dies."""

    def __init__(self, task: Task, jobs: int, join: str | None) -> None:
        import multiprocessing

        global started_workers
        started_workers = True
        self.task, self.jobs, self.join = task, jobs, join
        self.context = multiprocessing.get_context(_start_method())
        # Per worker: its process id, and the number of the input it is reading (-1: none).
        self.pids = self.context.Array("q", jobs, lock=False)
        self.reading = self.context.Array("q", jobs, lock=False)
        self.next_slot = self.context.Value("i", 0)
        self.blind_breaks = 0
        self.executor = self._executor()

    def _executor(self) -> ProcessPoolExecutor:
        from concurrent.futures import ProcessPoolExecutor

        for slot in range(self.jobs):
            self.pids[slot], self.reading[slot] = 0, -1
        self.next_slot.value = 0
        return ProcessPoolExecutor(
            self.jobs,
            mp_context=self.context,
            initializer=_start_worker,
            initargs=(self.pids, self.reading, self.next_slot, os.getpid()),
        )

    def results(self, sources: Iterator[Source]) -> Iterator[Result]:
        numbered = enumerate(sources)
        in_flight: deque[_InFlight] = deque()
        finished = False
        try:
            while True:
                while len(in_flight) < self.jobs * _CHUNKS_PER_WORKER:
                    chunk = list(islice(numbered, _CHUNK))
                    if not chunk:
                        break
                    in_flight.append((chunk, self._submit(chunk)))
                if not in_flight:
                    finished = True
                    return
                chunk, pending = in_flight[0]
                if isinstance(pending, list):
                    in_flight.popleft()
                    yield from pending
                    continue
                from concurrent.futures.process import BrokenProcessPool

                try:
                    done = pending.result()
                except BrokenProcessPool:
                    self._recover(in_flight)
                    continue
                in_flight.popleft()
                yield from done
        finally:
            self._stop(finished)

    def _submit(self, chunk: _Chunk) -> Future[list[Result]]:
        return self.executor.submit(_process_chunk, self.task, chunk, self.join)

    def _recover(self, in_flight: deque[_InFlight]) -> None:
        """After a worker died: report the inputs workers died on, read the rest again."""
        # The broken pool stops its other workers (SIGTERM, which clears their slots) and
        # waits for them: then only the slots of the workers that died are still set.
        self.executor.shutdown(wait=True)
        died = {number for number in self.reading if number >= 0}
        if not died:
            # A worker died between letters (killed from outside): read again what was in
            # flight; but not forever, if that keeps happening.
            self.blind_breaks += 1
            if self.blind_breaks > _BLIND_BREAKS:
                died = {number for chunk, _ in in_flight for number, _ in chunk}
        self.executor = self._executor()
        recovered: list[_InFlight] = []
        for chunk, pending in in_flight:
            if isinstance(pending, list) or (pending.done() and pending.exception() is None):
                recovered.append((chunk, pending))
                continue
            # Read again in a new pool, but for the inputs a worker died on.
            again: _Chunk = []
            for number, source in chunk:
                if number in died:
                    if again:
                        recovered.append((again, self._submit(again)))
                        again = []
                    recovered.append(([(number, source)], [_died(source)]))
                else:
                    again.append((number, source))
            if again:
                recovered.append((again, self._submit(again)))
        in_flight.clear()
        in_flight.extend(recovered)

    def _stop(self, finished: bool) -> None:
        """End the workers: once every input is read (``finished``), as the pool ends them;
        else (interrupted, or the results no longer wanted) now, whatever they are doing."""
        if finished:
            # Idle workers end at once, their PDF readers with them; and the pool's own thread
            # is done before Python exits (killed workers left it at work then, and Python's
            # exit handler for the pool could write to a pipe that thread had just closed:
            # "Exception ignored ... Bad file descriptor", seen on a busy machine).
            self.executor.shutdown(wait=True)
            return
        self.executor.shutdown(wait=False, cancel_futures=True)
        for pid in self.pids:
            if pid > 0:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)


def _process_chunk(task: Task, chunk: _Chunk, join: str | None) -> list[Result]:
    """A worker's work: each input of the chunk, its number in the worker's slot meanwhile."""
    results = []
    for number, source in chunk:
        _READING[_WORKER_SLOT] = number
        results.append(task(source))
    _READING[_WORKER_SLOT] = -1
    return _joined(results, join) if join is not None else results


def _joined(results: list[Result], separator: str) -> list[Result]:
    """Each run of inputs that went well (status OK, nothing to say) as one result, their
    outputs joined by ``separator``; the others as they are."""
    joined: list[Result] = []
    quiet: list[Result] = []
    for result in [*results, None]:
        if result is not None and result.status == exitcodes.OK and not result.message:
            quiet.append(result)
            continue
        if quiet:
            joined.append(
                Result(
                    quiet[0].source,
                    exitcodes.OK,
                    separator.join(r.output for r in quiet if r.output),
                    sum(r.determinations for r in quiet),
                    letters=sum(r.letters for r in quiet),
                    warnings=sum(r.warnings for r in quiet),
                )
            )
            quiet = []
        if result is not None:
            joined.append(result)
    return joined


# In a worker: its slot in the shared arrays, and the array of the inputs being read.
_WORKER_SLOT = 0
_READING: Any = None


def _start_worker(pids: Any, reading: Any, next_slot: Any, parent: int) -> None:
    """A worker's first steps: take a slot, die with the parent, leave Ctrl-C to the parent,
    and on SIGTERM (the pool stopping it) clear its slot: it did not die on its letter."""
    global _WORKER_SLOT, _READING
    _READING = reading
    with next_slot.get_lock():
        _WORKER_SLOT = next_slot.value
        next_slot.value += 1
    pids[_WORKER_SLOT] = os.getpid()
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def stop(signum: int, frame: object) -> None:
        reading[_WORKER_SLOT] = -1
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)


def _start_method() -> str:
    import multiprocessing

    # fork starts workers in milliseconds with the parser already built; where it is not
    # available or not safe (macOS, Windows), spawn.
    return (
        "fork"
        if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix"
        else "spawn"
    )


def parse_work(*, fmt: Format, max_bytes: int | None, single: bool) -> Task:
    """The parse task with its options bound (picklable)."""
    return partial(parse_task, fmt=fmt, max_bytes=max_bytes, single=single)
