"""`imrparse report` against `imrparse DIR --format jsonl` on the same letters (issue 16).

Run from the checkout, with the report extra installed:

    python benchmarks/report_speed.py [--letters 20000] [--jobs N] [--rounds 5] [--corpus DIR]

1. `imrparse generate -n LETTERS --seed 16` makes the corpus (mixed layouts), unless --corpus
   names one made before (the command is printed, to make it again).
2. Each round runs both commands on it with the same --jobs, back to back, in alternating
   order (machines are shared and noisy: a busy spell then hits both, and neither always goes
   first): `imrparse DIR --format jsonl --jobs N -q > /dev/null` and
   `imrparse report DIR --jobs N -q -o report.html`.
3. It prints each round's times and their ratio, the median ratio (the figure to quote: the
   target is at most 1.10), the ratio of the best times, and the page's size (target: under
   2 MB).

Not run in CI: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from imrparse.batch import default_jobs


def _imrparse() -> str:
    # The command of the Python running this script (a virtualenv need not be activated).
    beside = Path(sys.executable).with_name("imrparse")
    command = str(beside) if beside.exists() else shutil.which("imrparse")
    if command is None:
        sys.exit("imrparse is not on PATH: pip install '.[report]' first")
    return command


def make_corpus(folder: Path, count: int) -> Path:
    corpus = folder / f"letters-{count}"
    command = [_imrparse(), "generate", "-n", str(count), "--seed", "16", "--out", str(corpus)]
    print("corpus:", " ".join(command), flush=True)
    subprocess.run(command, check=True, capture_output=True)
    return corpus


def timed(command: list[str], *, stdout: int | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=stdout)
    return time.perf_counter() - start


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--letters", type=int, default=20_000)
    options.add_argument("--jobs", type=int, default=default_jobs())
    options.add_argument("--rounds", type=int, default=5)
    options.add_argument("--corpus", type=Path, help="letters made before (skips generating)")
    args = options.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        corpus = args.corpus or make_corpus(folder, args.letters)
        page = folder / "report.html"
        jobs = ["--jobs", str(args.jobs), "--quiet"]
        parse = [_imrparse(), str(corpus), "--format", "jsonl", *jobs]
        report = [_imrparse(), "report", str(corpus), *jobs, "-o", str(page)]
        # Once each first: the page cache holds the letters, the parser's tables are built.
        subprocess.run(parse, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(report, check=True)

        parse_times: list[float] = []
        report_times: list[float] = []
        print(f"{len(list(corpus.glob('*.txt'))):,} letters, --jobs {args.jobs}")
        print("round   jsonl (s)   report (s)   ratio")
        for number in range(1, args.rounds + 1):
            if number % 2:
                parse_time = timed(parse, stdout=subprocess.DEVNULL)
                report_time = timed(report)
            else:
                report_time = timed(report)
                parse_time = timed(parse, stdout=subprocess.DEVNULL)
            parse_times.append(parse_time)
            report_times.append(report_time)
            ratio = report_time / parse_time
            print(
                f"{number:>5}   {parse_time:>9.2f}   {report_time:>10.2f}   {ratio:.3f}",
                flush=True,
            )

        ratios = [r / p for r, p in zip(report_times, parse_times, strict=True)]
        median = statistics.median(ratios)
        print(
            f"median ratio report/jsonl: {median:.3f} "
            f"({'within' if median <= 1.10 else 'OVER'} the 10% target)"
        )
        print(f"ratio of the best times:   {min(report_times) / min(parse_times):.3f}")
        size = page.stat().st_size
        print(f"page: {size:,} bytes ({size / 2**20:.2f} MiB; target under 2 MiB)")


if __name__ == "__main__":
    main()
