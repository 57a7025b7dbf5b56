"""Many letters at once: each read, parsed and formatted on its own, in parallel, in order.

A worker turns one `Source` into a `Result` that holds the finished output text (a JSON
record, a JSON line or CSV rows), so the parent process only writes. Results come back in input
order however many workers run, and one at a time, so memory stays flat as the corpus grows.
"""

from __future__ import annotations

import json
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain, islice
from typing import TYPE_CHECKING, NamedTuple

from .errors import Diagnostic, LetterError
from .formats import Format, csv_rows, record_json
from .inputs import Source, Unreadable, read_source
from .report import format_diagnostic

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

__all__ = [
    "EXIT_NONCONFORMING",
    "EXIT_OK",
    "EXIT_UNREADABLE",
    "Result",
    "default_jobs",
    "process",
    "run",
]

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_UNREADABLE = 2

# Below this many inputs per worker, starting workers costs more than it saves.
_MIN_PER_WORKER = 8


class Result(NamedTuple):
    """What became of one input, or of a run of inputs that all parsed. (A named tuple:
    workers send them to the parent, and tuples cost the least to send.)"""

    source: str
    status: int  # EXIT_OK, EXIT_NONCONFORMING or EXIT_UNREADABLE
    #: The record in the requested format ("" when the letter failed); for a run of letters,
    #: their records one after the other.
    output: str = ""
    determinations: int = 0
    #: For a failure: its first diagnostic as text (or the I/O error). For a letter that
    #: parsed with warnings: each warning as text, one after the other.
    message: str = ""
    #: For a failure, or a letter that parsed with warnings: one JSON line for the --errors
    #: file (its "severity" says which).
    error_line: str = ""
    #: How many letters the result stands for: more than one when a worker sends the records
    #: of consecutive letters that parsed as one result (the parent then has less to do).
    letters: int = 1


def process(source: Source, *, fmt: Format, max_bytes: int | None, single: bool) -> Result:
    """Read, parse and format one input. Never raises for a bad input: that is a `Result`."""
    try:
        letter, warnings = read_source(source, max_bytes).parse_with_warnings()
    except Unreadable as error:
        line = _problem_line(source.name, "error", str(error), [])
        return Result(source.name, EXIT_UNREADABLE, message=str(error), error_line=line)
    except LetterError as error:
        first = error.first
        line = _problem_line(source.name, "error", first.message, error.diagnostics)
        message = format_diagnostic(source.name, first)
        return Result(source.name, EXIT_NONCONFORMING, message=message, error_line=line)
    if fmt == "csv":
        output = csv_rows(letter, source.name)
    elif single:
        output = record_json(letter, None, indent=2) + "\n"
    else:
        output = record_json(letter, source.name, indent=2 if fmt == "json" else None) + "\n"
    if not warnings:
        return Result(source.name, EXIT_OK, output, len(letter.determinations))
    # Warnings never change the record, and are never silent (LETTER-FORMAT §5).
    return Result(
        source.name,
        EXIT_OK,
        output,
        len(letter.determinations),
        message="\n".join(format_diagnostic(source.name, w) for w in warnings),
        error_line=_problem_line(source.name, "warning", warnings[0].message, warnings),
    )


def _problem_line(
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


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(
    sources: Iterable[Source],
    *,
    fmt: Format,
    max_bytes: int | None,
    jobs: int,
    single: bool = False,
) -> Iterator[Result]:
    """Each input's `Result`, in input order, with up to ``jobs`` worker processes (whose
    results for JSON Lines and CSV may each stand for several letters that parsed: see
    `Result.letters`).

    Inputs are taken as they come and results given back as they are ready, with a bounded
    number of chunks in flight: memory does not grow with the number of inputs."""
    work = partial(process, fmt=fmt, max_bytes=max_bytes, single=single)
    inputs = iter(sources)
    head = list(islice(inputs, jobs * _MIN_PER_WORKER))
    if jobs <= 1 or len(head) < jobs * _MIN_PER_WORKER:
        # Too few inputs for workers to pay off (starting them costs more than they save).
        yield from map(work, chain(head, inputs))
        return
    import multiprocessing  # here: a one-letter run never needs it

    # Records that can simply follow one another (JSON Lines, CSV rows) come back joined.
    join = fmt != "json"
    in_flight: deque[AsyncResult[list[Result]]] = deque()
    with multiprocessing.get_context(_start_method()).Pool(jobs, _quiet_worker) as pool:
        for chunk in _chunks(chain(head, inputs), _CHUNK):
            in_flight.append(pool.apply_async(_process_all, (work, chunk, join)))
            if len(in_flight) >= jobs * _CHUNKS_PER_WORKER:
                yield from in_flight.popleft().get()
        while in_flight:
            yield from in_flight.popleft().get()


# Inputs per task: enough that handing them out costs little. Tasks in flight per worker:
# enough to keep every worker busy, few enough to keep memory flat.
_CHUNK = 32
_CHUNKS_PER_WORKER = 4


def _chunks(items: Iterator[Source], size: int) -> Iterator[list[Source]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _process_all(work: Callable[[Source], Result], chunk: list[Source], join: bool) -> list[Result]:
    results = [work(source) for source in chunk]
    return _joined(results) if join else results


def _joined(results: list[Result]) -> list[Result]:
    """Each run of letters that parsed with no warnings as one result, their records in order;
    the others as they are."""
    joined: list[Result] = []
    parsed: list[Result] = []
    for result in [*results, None]:
        if result is not None and result.status == EXIT_OK and not result.message:
            parsed.append(result)
            continue
        if parsed:
            output = "".join(p.output for p in parsed)
            determinations = sum(p.determinations for p in parsed)
            joined.append(
                Result(parsed[0].source, EXIT_OK, output, determinations, letters=len(parsed))
            )
            parsed = []
        if result is not None:
            joined.append(result)
    return joined


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the parent, and die at once when the parent ends them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _start_method() -> str:
    import multiprocessing

    # fork starts workers in milliseconds with the parser already built; where it is not
    # available or not safe (macOS, Windows), spawn.
    return (
        "fork"
        if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix"
        else "spawn"
    )
