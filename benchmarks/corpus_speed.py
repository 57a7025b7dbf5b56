"""Corpus-scale speed and memory (issue 5), on seed-sized generated letters.

Run from the checkout after `pip install .`:  python benchmarks/corpus_speed.py [--letters 20000]

1. `imrparse generate --layout pdf` makes a pool of letters; those within 30% of the real
   letter's size are linked into corpora of 1,000 and 20,000 letters ("seed-sized").
2. It reports `imrparse.parse()` letters/s in-process; `imrparse DIR --format jsonl` letters/s
   end to end at --jobs 1 and --jobs 2 (output to /dev/null), for the generated corpus and
   for the same number of copies of the real letter itself; the cold start of
   `imrparse corpus/real/seed-letter.txt` (median of 10 processes); and the peak resident
   memory of `imrparse DIR --format jsonl --jobs 1` at 1,000 and at 20,000 letters.

Not run in CI: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import imrparse

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "real" / "seed-letter.txt"

# Runs the command in-process and prints its own peak memory (VmHWM) to stderr at the end.
_MEASURED = """
import atexit, re, sys
def peak():
    status = open("/proc/self/status").read()
    print("VmHWM", re.search(r"VmHWM:\\s+(\\d+) kB", status)[1], file=sys.stderr)
atexit.register(peak)
from imrparse.cli import main
main(sys.argv[1:])
"""


def _imrparse() -> str:
    command = shutil.which("imrparse")
    if command is None:
        sys.exit("imrparse is not on PATH: pip install . first")
    return command


def make_corpus(folder: Path, count: int) -> Path:
    """``count`` seed-sized letters from `imrparse generate`, in ``folder/letters-COUNT``."""
    pool = folder / "pool"
    seed_size = SEED.stat().st_size
    chosen: list[Path] = []
    batch_number = 0
    while len(chosen) < count:
        batch_number += 1
        out = pool / str(batch_number)
        subprocess.run(
            [_imrparse(), "generate", "-n", str(4 * count), "--seed", str(batch_number),
             "--layout", "pdf", "--out", str(out)],
            check=True, capture_output=True,
        )  # fmt: skip
        for path in sorted(out.glob("*.txt")):
            if 0.7 * seed_size <= path.stat().st_size <= 1.3 * seed_size:
                chosen.append(path)
    corpus = folder / f"letters-{count}"
    corpus.mkdir()
    for number, path in enumerate(chosen[:count], start=1):
        os.link(path, corpus / f"{number:06}.txt")
    return corpus


def seed_copies(folder: Path, count: int) -> Path:
    """``count`` copies of the real letter (hard links: no disk space)."""
    corpus = folder / f"seed-{count}"
    corpus.mkdir()
    for number in range(1, count + 1):
        os.link(SEED, corpus / f"{number:06}.txt")
    return corpus


def parse_per_second(corpus: Path) -> float:
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    imrparse.parse(texts[0])
    start = time.perf_counter()
    for text in texts:
        imrparse.parse(text)
    return len(texts) / (time.perf_counter() - start)


def end_to_end_per_second(corpus: Path, runs: int = 5) -> tuple[float, float]:
    """Letters/s of `imrparse DIR --format jsonl` at --jobs 1 and at --jobs 2: the best of
    ``runs`` each, the two taking turns so that a busy spell of a shared machine does not fall
    on one of them only."""
    count = len(list(corpus.glob("*.txt")))
    best = {1: float("inf"), 2: float("inf")}
    for _ in range(runs):
        for jobs in (1, 2):
            start = time.perf_counter()
            subprocess.run(
                [_imrparse(), str(corpus), "--format", "jsonl", "--jobs", str(jobs), "--quiet"],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            best[jobs] = min(best[jobs], time.perf_counter() - start)
    return count / best[1], count / best[2]


def cold_start_ms(runs: int = 10) -> float:
    command = [_imrparse(), str(SEED), "--quiet"]
    subprocess.run(command, check=True, capture_output=True)  # warm the caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def peak_rss_mb(corpus: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(corpus), "--format", "jsonl", "--jobs", "1", "-q"],
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    line = next(x for x in done.stderr.splitlines() if x.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=20_000, help="the larger corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small = make_corpus(Path(folder), 1_000)
        large = make_corpus(Path(folder) / "large", args.letters)
        mean = statistics.mean(p.stat().st_size for p in small.glob("*.txt"))
        print(f"corpus: seed-sized letters, mean {mean:,.0f} bytes (the seed: "
              f"{SEED.stat().st_size:,})")  # fmt: skip
        copies = seed_copies(Path(folder), args.letters)
        for name, corpus in (("generated", large), ("real-letter copies", copies)):
            print(f"{name}: {args.letters:,} letters")
            print(f"  parse() in-process:          {parse_per_second(corpus):8,.0f} letters/s")
            one, two = end_to_end_per_second(corpus)
            print(f"  imrparse DIR --jobs 1:       {one:8,.0f} letters/s")
            print(f"  imrparse DIR --jobs 2:       {two:8,.0f} letters/s ({two / one:.2f}x)")
        print(f"cold start (median of 10):     {cold_start_ms():8.0f} ms")
        small_rss, large_rss = peak_rss_mb(small), peak_rss_mb(large)
        print(f"peak RSS, 1,000 letters:       {small_rss:8.1f} MB")
        print(f"peak RSS, {args.letters:,} letters:      {large_rss:8.1f} MB "
              f"({(large_rss / small_rss - 1) * 100:+.1f}%)")  # fmt: skip


if __name__ == "__main__":
    main()
