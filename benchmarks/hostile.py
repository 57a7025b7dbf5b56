"""Hostile inputs: seconds and peak memory for each, each read in a fresh process.

Run from the checkout after `pip install .`:

    python benchmarks/hostile.py                 # every table
    python benchmarks/hostile.py text pdf        # some of them: text, lines, pdf

The promise (issues 4 and 13): any input of up to 10 MB, text or PDF, is answered (a record or
a `LetterError`) within 5 seconds and 500 MB on the machine the README's figures come from. The
tables:

- ``text``: shapes of text at 1 and 10 MB, and whether 10 MB takes at most ten times as long
  as 1 MB (linear time); then the text cases of issue 13 at 10 MB;
- ``lines``: the seed letter with N more one-line paragraphs in its clinical case summary, for
  N from 20,000 to 160,000 (issue 13, item 6): the time per 10,000 lines must stay flat;
- ``pdf``: the hostile PDFs of issue 13, item 5, and others like them (`tests/hostile_pdfs.py`
  writes them: deflated streams, pages that share one stream, forms drawn inside forms).

Each input is written to a file and read by `imrparse.parse_bytes` in a new Python process, which
reports its own peak resident memory (VmHWM) and its children's (a PDF is read in a reader
process on Linux): the peak shown is the larger. A process still running after ``--timeout``
seconds is killed; one is given at most ``--memory`` GB of address space, so that the
measurement of an unbounded input cannot take the machine down. A row marked OVER is past
5 s or 500 MB.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile_pdfs as pdfs  # noqa: E402  (the tests' own writer of hostile PDFs)
import layouts  # noqa: E402  (the seed in the tests' layouts)

SEED = (ROOT / "corpus" / "real" / "seed-letter.txt").read_text(encoding="utf-8")
LIMIT = 10_000_000
SECONDS, MEGABYTES = 5.0, 500.0

# The child reports its own peak memory (VmHWM) and its children's: a fork's rusage would also
# count the memory the parent held when it forked.
_CHILD = """
import re, resource, sys, imrparse
data = open(sys.argv[1], "rb").read()
try:
    letter = imrparse.parse_bytes(data)
    outcome = f"record, {len(letter.determinations)} determinations"
except imrparse.LetterError as error:
    outcome = f"{error.first.code}: {error.first.message}"
reader = sys.modules.get("imrparse.pdfprocess")
if reader is not None:
    reader.stop_reader()  # (collected: its peak counts among the children's)
status = open("/proc/self/status").read()
own = int(re.search(r"VmHWM:\\s+(\\d+) kB", status)[1]) / 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(max(own, children), outcome)
"""


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _random_text(size: int) -> str:
    rng = random.Random(1)
    alphabet = "abc XYZ:.,/\n\t\u00a0\u2028\f" + "Upheld Overturned"
    return "".join(rng.choice(alphabet) for _ in range(size))


def _head_and_tail() -> tuple[str, str]:
    cut = SEED.index("Decision rationale:")
    return SEED[:cut], SEED[cut:]


def _long_rationale(size: int) -> str:
    head, tail = _head_and_tail()
    return head + tail + _fill("The request is not medically necessary. ", size - len(SEED))


def _many_items(size: int) -> str:
    start = SEED.rindex("Physical Therapy", 0, SEED.index("Claims Administrator guideline"))
    item = SEED[start:].rstrip("\n") + "\n\n \n\n"  # pypdf's empty line between paragraphs
    return SEED[:start] + item * ((size - start) // len(item))


def _one_long_line(size: int) -> str:
    return SEED.rstrip("\n") + " " + _fill("word ", size - len(SEED)) + "\n"


# Issue 13's cases put their extra lines in the seed's clinical case summary.
_in_summary = layouts.seed_with_in_summary


def _to_size(unit: str, size: int) -> str:
    return _in_summary(unit, (size - len(SEED)) // len(unit))


#: One more paragraph of one short line, as issue 13 item 6 had them.
SHORT_PARAGRAPH = "Short.\n\n \n\n"

CASES: dict[str, Callable[[int], str]] = {
    "random text": _random_text,
    "one line, no line end": lambda size: _fill("x", size),
    "only line ends": lambda size: _fill("\n", size),
    "only form feeds and spaces": lambda size: _fill(" \f \n", size),
    "the letter repeated": lambda size: _fill(SEED, size),
    "': Upheld' lines": lambda size: _fill("Item: Upheld\n", size),
    "guideline labels": lambda size: _fill("Claims Administrator guideline: x\n", size),
    "a heading, then 770,000 short lines": lambda size: (
        "CLINICAL CASE SUMMARY\n" + _fill("Item: Upheld\n", size - 22)
    ),
    "one huge rationale (conforms)": _long_rationale,
    "thousands of items (conforms)": _many_items,
    "a letter ending in a 10 MB line (conforms)": _one_long_line,
    "short paragraphs in the summary (conforms)": lambda size: _to_size(SHORT_PARAGRAPH, size),
}

# Issue 13's text cases, and others of their kind, at 10 MB.
ISSUE_TEXT: dict[str, Callable[[], str | bytes]] = {
    "the seed, then line ends to 10 MB (conforms)": lambda: SEED + "\n" * (LIMIT - len(SEED)),
    "line ends to 10 MB, then the seed (conforms)": lambda: "\n" * (LIMIT - len(SEED)) + SEED,
    "the seed, its summary 10 MB of headings out of place": lambda: _to_size(
        "CLINICAL CASE SUMMARY\n\n \n\n", LIMIT
    ),
    "the seed, its summary 10 MB of one-letter lines (conforms)": lambda: _to_size("x\n\n", LIMIT),
    "the seed, its summary 10 MB of one-letter paragraphs (conforms)": lambda: _to_size(
        "x\n\n \n\n", LIMIT
    ),
}


def _to_line_limit(unit: str) -> str:
    """The seed with as many ``unit``s in its summary as `imrparse.decode.MAX_LINES` allows: a
    text of more lines that are not empty is refused (IMR106) before it is read."""
    from imrparse.decode import MAX_LINES

    def lines(text: str) -> int:
        return sum(1 for line in re.split("\r\n|[\r\n\f]", text) if line)

    return _in_summary(unit, (MAX_LINES - lines(SEED)) // lines(unit))


# The shapes above that are refused at 10 MB for their lines, with as many lines as are read.
ISSUE_TEXT.update(
    {
        "the seed, its summary headings out of place to the line limit": lambda: _to_line_limit(
            "CLINICAL CASE SUMMARY\n\n \n\n"
        ),
        "the seed, its summary one-letter lines to the line limit (conforms)": lambda: (
            _to_line_limit("x\n\n")
        ),
        "the seed, its summary one-letter paragraphs to the line limit (conforms)": lambda: (
            _to_line_limit("x\n\n \n\n")
        ),
        "the seed, its summary one-letter pages to the line limit (conforms)": lambda: (
            _to_line_limit("x\n\n\f")
        ),
        # Found by a review: one form feed made each empty line cost as a text line does.
        "the seed, a form feed, then line ends to 10 MB (conforms)": lambda: (
            SEED + "\f" + "\n" * (LIMIT - len(SEED) - 1)
        ),
        # ... and bytes that are not UTF-8 were read one call at a time.
        "10 MB of bytes that are not UTF-8 (0x80)": lambda: b"\x80" * LIMIT,
        "the seed, then 0xE9 bytes to 10 MB (conforms)": lambda: (
            SEED.encode() + b"\xe9" * (LIMIT - len(SEED.encode()))
        ),
        "'caf\\xe9 ' (cp1252) to 10 MB": lambda: b"caf\xe9 " * (LIMIT // 5),
        # ... and each problem on a long line worked the whole line out again.
        "a 10 MB line of 'x', then the seed": lambda: "x" * (LIMIT - len(SEED) - 1) + "\n" + SEED,
        "a real letter, its header line 10 MB of bad dates": lambda: _bad_dates(LIMIT),
    }
)


def _bad_dates(size: int) -> str:
    """A real letter whose case header line repeats a date that is no calendar date, to ``size``
    characters: a problem at each of hundreds of thousands of places on one line."""
    letter = (ROOT / "corpus" / "real" / "CM16-0219557.txt").read_text(encoding="utf-8")
    field, bad = "Date Assigned: 11/18/2016 ", "Date Assigned: 13/45/2016 "
    return letter.replace(field, bad * ((size - len(letter) - 100) // len(bad)) + field, 1)


LINES = (20_000, 40_000, 80_000, 160_000)

_MB = pdfs.MB
PDFS: dict[str, Callable[[], bytes]] = {
    "140 pages, each 70 MB of flate (issue)": lambda: pdfs.pages_of_flate_pdf(
        140, 70 * _MB, pdfs.SPACE
    ),
    "one 70 MB string (issue)": lambda: pdfs.huge_string_pdf(70 * _MB),
    "one 70 MB string, 2,000 pages share it (issue)": lambda: pdfs.shared_stream_pdf(
        2000, 70 * _MB
    ),
    "100,000 pages (issue)": lambda: pdfs.many_pages_pdf(100_000),
    "one 70 MB string, 100 pages share it": lambda: pdfs.shared_stream_pdf(100, 70 * _MB),
    "70 pages, each 70 MB of words (5M objects)": lambda: pdfs.pages_of_flate_pdf(70, 70 * _MB),
    "one page of 5 MB of words (380,000 objects)": lambda: pdfs.pages_of_flate_pdf(1, 5 * _MB),
    "one page inflated twice to 70 MB of words": lambda: pdfs.twice_inflated_pdf(70 * _MB),
    "one page inflating to 3 GB of spaces": lambda: pdfs.pages_of_flate_pdf(
        1, 3000 * _MB, pdfs.SPACE
    ),
    "forms drawn 10 times in forms, 7 deep": lambda: pdfs.nested_forms_pdf(7),
    "20 pages of 60,000 characters": lambda: pdfs.long_text_pdf(20, 60_000),
}


def _run(path: Path, timeout: float, memory_gb: float) -> tuple[float, float, str]:
    """Seconds, peak MB and outcome of reading ``path`` in a fresh process."""
    limit = int(memory_gb * 2**30)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=cap,
    )
    peak = 0.0
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        peak = _high_water_mark(process.pid)
        process.kill()
        process.communicate()
        return time.perf_counter() - start, peak, f"KILLED after {timeout:g} s"
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        last = (err.strip().splitlines() or ["?"])[-1]
        return elapsed, float("nan"), f"CRASHED ({process.returncode}): {last[:120]}"
    figure, outcome = out.split(" ", 1)
    return elapsed, float(figure), outcome.strip()


def _high_water_mark(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found[1]) / 1024 if found else float("nan")


def _verdict(seconds: float, peak: float) -> str:
    return "ok" if seconds <= SECONDS and peak <= MEGABYTES else "OVER"


class _Table:
    def __init__(self, first: str, *, size_column: str = "MB") -> None:
        self.size_column = size_column
        print(f"\n| {first} | {size_column} | seconds | peak MB | budget | outcome |")
        print("|---|---:|---:|---:|---|---|")

    def row(self, name: str, size: str, seconds: float, peak: float, outcome: str) -> None:
        verdict = _verdict(seconds, peak)
        print(f"| {name} | {size} | {seconds:.2f} | {peak:.0f} | {verdict} | {outcome[:110]} |")


def text_table(folder: Path, timeout: float, memory: float) -> None:
    table = _Table("text input")
    path = folder / "input.txt"
    for name, make in CASES.items():
        seconds = {}
        for size in (LIMIT // 10, LIMIT):
            path.write_bytes(make(size).encode("utf-8")[:LIMIT])
            elapsed, peak, outcome = _run(path, timeout, memory)
            seconds[size] = elapsed
            table.row(name, f"{size / 1e6:.0f}", elapsed, peak, outcome)
        ratio = seconds[LIMIT] / seconds[LIMIT // 10]
        print(f"| | | | | | 10 MB takes {ratio:.1f}x the time of 1 MB (linear: 10x or less) |")
    for name, build in ISSUE_TEXT.items():
        made = build()
        data = made if isinstance(made, bytes) else made.encode("utf-8")
        path.write_bytes(data)
        elapsed, peak, outcome = _run(path, timeout, memory)
        table.row(name, f"{len(data) / 1e6:.1f}", elapsed, peak, outcome)


def lines_table(folder: Path, timeout: float, memory: float) -> None:
    table = _Table("seed + N one-line paragraphs", size_column="N")
    path = folder / "input.txt"
    for count in LINES:
        path.write_bytes(_in_summary(SHORT_PARAGRAPH, count).encode("utf-8"))
        elapsed, peak, outcome = _run(path, timeout, memory)
        per = f"{elapsed / count * 10_000:.3f} s per 10,000; {outcome}"
        table.row("the seed's summary", f"{count:,}", elapsed, peak, per)


def pdf_table(folder: Path, timeout: float, memory: float) -> None:
    table = _Table("PDF")
    path = folder / "input.pdf"
    for name, build in PDFS.items():
        data = build()
        path.write_bytes(data)
        elapsed, peak, outcome = _run(path, timeout, memory)
        table.row(name, f"{len(data) / 1e6:.3f}", elapsed, peak, outcome)


TABLES = {"text": text_table, "lines": lines_table, "pdf": pdf_table}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tables", nargs="*", choices=[*TABLES, []], help="default: all")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per input")
    parser.add_argument("--memory", type=float, default=12.0, help="GB of address space")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name in arguments.tables or TABLES:
            TABLES[name](Path(folder), arguments.timeout, arguments.memory)


if __name__ == "__main__":
    main()
