"""Reading a corpus on a Dask cluster: `parse_corpus`, the same records as ``imrparse DIR``.

    >>> from dask.distributed import Client
    >>> from imrparse.distributed import parse_corpus
    >>> client = Client("tcp://scheduler:8786")  # or Client() for the cores of this machine
    >>> run = parse_corpus(["/data/letters/2016", "/data/letters/2017"], "/data/imr-out")
    >>> run.parsed, run.failed
    (185012, 37)

The letters are listed here, as ``imrparse`` lists them (a directory stands for the ``*.txt``
and ``*.pdf`` files under it, in sorted order), cut into partitions of consecutive letters, and
each partition is one Dask task. A task reads its letters with the very function ``imrparse
DIR`` runs for each file (`imrparse.batch.parse_task`) and writes two JSON Lines files:

- ``OUT/records/part-00000.jsonl``: one record per line, with its ``source``, exactly the lines
  of ``imrparse DIR --format jsonl``;
- ``OUT/errors/part-00000.jsonl``: one line per letter that failed or parsed with warnings,
  exactly the lines of ``imrparse DIR --errors FILE``.

Read in partition order, the records are those of ``imrparse DIR``, in its order. Each part is
written under a temporary name and renamed when whole, so a task that Dask runs again (a worker
lost) leaves no half-written file. The workers must see the letters and ``OUT`` at the same paths
(a shared file system). Install with ``pip install 'imrparse[dask]'``; docs/DISTRIBUTED.md has
the recipe.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .decode import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from .inputs import Source

__all__ = ["CorpusRun", "PartResult", "parse_corpus"]

#: Letters per partition by default: enough that a task's overhead (tens of milliseconds on a
#: cluster) is small beside its work (a text letter takes about half a millisecond, a PDF ten).
LETTERS_PER_PARTITION = 500


@dataclass(frozen=True)
class PartResult:
    """What one partition's task did: where it wrote, and what it counted."""

    number: int
    records: str
    errors: str
    parsed: int
    failed: int
    warned: int
    determinations: int


@dataclass(frozen=True)
class CorpusRun:
    """A finished `parse_corpus`: its partitions in order, and their counts added up."""

    parts: tuple[PartResult, ...]

    @property
    def parsed(self) -> int:
        """Letters that parsed (their records are in the records files)."""
        return sum(part.parsed for part in self.parts)

    @property
    def failed(self) -> int:
        """Letters that did not conform or could not be read (in the errors files)."""
        return sum(part.failed for part in self.parts)

    @property
    def warned(self) -> int:
        """Letters that parsed with warnings (in both)."""
        return sum(part.warned for part in self.parts)

    @property
    def determinations(self) -> int:
        return sum(part.determinations for part in self.parts)

    @property
    def records_files(self) -> list[str]:
        return [part.records for part in self.parts]

    @property
    def errors_files(self) -> list[str]:
        return [part.errors for part in self.parts]


def parse_corpus(
    inputs: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    letters_per_partition: int = LETTERS_PER_PARTITION,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    scheduler: str | None = None,
) -> CorpusRun:
    """Parse every letter of ``inputs`` (files and directories, as the ``imrparse`` command
    takes them) on Dask, and write the records and problems as JSON Lines partitions under
    ``out`` (see the module docstring). A letter that fails never stops the others.

    ``scheduler`` is passed to `dask.compute`: ``None`` uses Dask's default, which is the
    `dask.distributed.Client` made last when there is one; ``"processes"`` runs on the cores of
    this machine without a cluster; ``"sync"`` runs in this process (for debugging).
    """
    if letters_per_partition < 1:
        raise ValueError(f"letters_per_partition must be 1 or more, not {letters_per_partition}")
    try:
        from dask.base import compute
        from dask.delayed import delayed
    except ImportError:
        raise ImportError("imrparse.distributed needs Dask: pip install 'imrparse[dask]'") from None
    from .inputs import iter_sources

    names = [os.fspath(name) for name in inputs]
    if any(name == "-" for name in names):
        raise ValueError("standard input ('-') cannot be read on a cluster: name files")
    sources = list(iter_sources(names))
    folder = Path(out)
    for kind in ("records", "errors"):
        (folder / kind).mkdir(parents=True, exist_ok=True)
    # (The task writes files: not pure, so that Dask never takes one run for another.)
    task = delayed(_parse_part, pure=False)
    tasks = [
        task(number, chunk, str(folder), max_bytes)
        for number, chunk in enumerate(_chunks(sources, letters_per_partition))
    ]
    run_all: Any = compute  # (Dask's compute has no type hints.)
    parts: Sequence[PartResult] = run_all(*tasks, scheduler=scheduler)
    return CorpusRun(tuple(parts))


def _chunks(sources: list[Source], size: int) -> Iterable[list[Source]]:
    for start in range(0, len(sources), size):
        yield sources[start : start + size]


def _parse_part(number: int, sources: list[Source], out: str, max_bytes: int | None) -> PartResult:
    """One partition's task, run on a worker: its letters read in order, as ``imrparse DIR``
    reads each, and its two files written."""
    from .batch import parse_task

    records: list[str] = []
    problems: list[str] = []
    parsed = failed = warned = determinations = 0
    for source in sources:
        result = parse_task(source, fmt="jsonl", max_bytes=max_bytes, single=False)
        if result.output:
            records.append(result.output)
            parsed += 1
            determinations += result.determinations
            warned += bool(result.error_line)
        else:
            failed += 1
        if result.error_line:
            problems.append(result.error_line + "\n")
    name = f"part-{number:05}.jsonl"
    records_file = _write(Path(out, "records", name), records)
    errors_file = _write(Path(out, "errors", name), problems)
    return PartResult(number, records_file, errors_file, parsed, failed, warned, determinations)


def _write(path: Path, lines: list[str]) -> str:
    """The lines written to ``path`` whole or not at all (a task run twice writes it twice)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(partial, "w", encoding="utf-8", newline="") as file:
        file.writelines(lines)
    os.replace(partial, path)
    return str(path)
