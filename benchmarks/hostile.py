"""Hostile inputs of 1 and 10 MB: seconds and peak memory for each, and whether time is linear.

Run from the checkout after `pip install .`:  python benchmarks/hostile.py

Each input is parsed in a fresh process (`imrparse.parse_bytes`), so its peak resident memory
(from `os.wait4`) is its own. The promise (issue 4): a 10 MB hostile input is answered, with a
record or a `LetterError`, in under 5 seconds and under 500 MB.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "corpus" / "real" / "seed-letter.txt").read_text(encoding="utf-8")
LIMIT = 10_000_000

# The child reports its own peak memory (VmHWM): a fork's rusage would also count the memory
# the parent held when it forked.
_CHILD = """
import re, sys, imrparse
data = open(sys.argv[1], "rb").read()
try:
    letter = imrparse.parse_bytes(data)
    outcome = f"record, {len(letter.determinations)} determinations"
except imrparse.LetterError as error:
    outcome = f"{error.first.code} at {error.first.line}:{error.first.column}"
status = open("/proc/self/status").read()
print(int(re.search(r"VmHWM:\\s+(\\d+) kB", status)[1]) / 1024, outcome)
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
}


def _run(path: Path) -> tuple[float, float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        return elapsed, float("nan"), f"CRASHED: {done.stderr.strip()[-300:]}"
    peak, outcome = done.stdout.split(" ", 1)
    return elapsed, float(peak), outcome.strip()


def main() -> None:
    print(f"{'input':44} {'MB':>4} {'seconds':>8} {'peak MB':>8}  outcome")
    with tempfile.TemporaryDirectory() as folder:
        for name, make in CASES.items():
            seconds = {}
            for size in (LIMIT // 10, LIMIT):
                path = Path(folder) / "input.txt"
                path.write_bytes(make(size).encode("utf-8")[:LIMIT])
                elapsed, peak, outcome = _run(path)
                seconds[size] = elapsed
                print(f"{name:44} {size / 1e6:4.0f} {elapsed:8.2f} {peak:8.0f}  {outcome}")
            ratio = seconds[LIMIT] / seconds[LIMIT // 10]
            print(f"{'':44} 10 MB takes {ratio:.1f}x the time of 1 MB (linear: 10x or less)")


if __name__ == "__main__":
    main()
