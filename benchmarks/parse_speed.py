"""How fast imrparse reads the real letter: in-process letters/s and cold command start.

Run from the checkout after `pip install .`:  python benchmarks/parse_speed.py
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import imrparse

SEED = Path(__file__).resolve().parent.parent / "corpus" / "real" / "seed-letter.txt"


def letters_per_second(seconds: float = 3.0) -> float:
    text = SEED.read_text(encoding="utf-8")
    imrparse.parse(text)  # build the parser once
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        imrparse.parse(text)
        count += 1
    return count / (time.perf_counter() - start)


def cold_start_ms(runs: int = 10) -> float:
    command = shutil.which("imrparse")
    if command is None:
        sys.exit("imrparse is not on PATH: pip install . first")
    subprocess.run([command, str(SEED)], check=True, capture_output=True)  # warm the disk cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([command, str(SEED)], check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    print(f"parse() in-process: {letters_per_second():,.0f} letters/s (seed letter)")
    print(f"cold `imrparse {SEED.name}`: median {cold_start_ms():.0f} ms of 10 runs")
