"""imrparse beside its peers, side by side in one run (issue 12's three ratios).

Run from the checkout after `pip install .`:  python benchmarks/peers.py [--rounds 7]

Each figure is measured against a peer on the same input, the two commands taking turns
(interleaved, round after round), so that a busy spell of a shared machine falls on both; the
report gives the median of each, and their ratio:

1. PDF: `imrparse corpus/real/*.pdf --jobs 2 --format jsonl -o OUT` against poppler's
   `pdftotext` on the same files two at a time (`xargs -P2`). Needs `pdftotext` on PATH
   (Debian: apt-get install poppler-utils); the line is skipped without it.
2. Text: `imrparse DIR --jobs 1 --format jsonl` against the naive scraper
   (`../shared/bench/naive_extract.py`, or --naive PATH) on seed-sized letters: those of
   `imrparse generate -n 2000 --seed 1 --layout pdf` within 30% of the real letter's size.
   Throughput ratio: the scraper's time over imrparse's (1.0: as fast). Then both on one of
   those letters (what each command's start costs), and each one's time per letter past it.
3. Cold start: `imrparse corpus/real/seed-letter.txt` against `python -c pass` (median of
   --starts runs each).

The package is byte-compiled first: where PYTHONDONTWRITEBYTECODE is set, an editable
install would otherwise compile every module at every start.

Not run in CI: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import imrparse

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "corpus" / "real"
SEED = REAL / "seed-letter.txt"
NAIVE = ROOT.parent / "shared" / "bench" / "naive_extract.py"


def _command(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not on PATH: pip install . first")
    return found


def _run(command: Sequence[str] | str) -> float:
    """Seconds the command took (a string is run by the shell)."""
    start = time.perf_counter()
    subprocess.run(
        command,
        shell=isinstance(command, str),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def interleaved(commands: list[Sequence[str] | str], rounds: int) -> list[float]:
    """The median seconds of each command, the commands taking turns ``rounds`` times (after
    one round not counted, which warms the disk cache)."""
    for command in commands:
        _run(command)
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(rounds):
        for index, command in enumerate(commands):
            times[index].append(_run(command))
    return [statistics.median(each) for each in times]


def seed_sized(folder: Path) -> Path:
    """The letters of `imrparse generate -n 2000 --seed 1 --layout pdf` within 30% of the
    real letter's size, linked into ``folder/letters``."""
    pool = folder / "pool"
    subprocess.run(
        [_command("imrparse"), "generate", "-n", "2000", "--seed", "1", "--layout", "pdf",
         "--out", str(pool)],
        check=True, capture_output=True,
    )  # fmt: skip
    size = SEED.stat().st_size
    letters = folder / "letters"
    letters.mkdir()
    for path in sorted(pool.glob("*.txt")):
        if 0.7 * size <= path.stat().st_size <= 1.3 * size:
            os.link(path, letters / path.name)
    return letters


def _line(label: str, ours: float, peer: float, peer_label: str, unit: str = "s") -> None:
    scale = 1000 if unit == "ms" else 1
    print(label)
    print(
        f"    imrparse {ours * scale:8.3f} {unit}   {peer_label} {peer * scale:8.3f} {unit}"
        f"   ratio {ours / peer:5.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="turns for the batch figures")
    parser.add_argument("--starts", type=int, default=31, help="turns for the cold start")
    parser.add_argument("--naive", type=Path, default=NAIVE, help="the naive scraper")
    args = parser.parse_args()
    compileall.compile_dir(str(Path(imrparse.__file__).parent), quiet=1)
    command = _command("imrparse")
    pdfs = sorted(str(path) for path in REAL.glob("*.pdf"))
    print(f"{len(pdfs)} published PDFs; median of {args.rounds} interleaved rounds")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.jsonl"
        if shutil.which("pdftotext"):
            listing = Path(folder) / "pdfs.txt"
            listing.write_text("\n".join(pdfs) + "\n", encoding="utf-8")
            ours, peer = interleaved(
                [
                    [command, *pdfs, "--jobs", "2", "--format", "jsonl", "-o", str(out)],
                    f"xargs -P2 -I{{}} pdftotext {{}} /dev/null < {listing}",
                ],
                args.rounds,
            )
            _line("1. PDF, --jobs 2 vs pdftotext two at a time", ours, peer, "pdftotext")
            print(f"    (imrparse {len(pdfs) / ours:.1f} letters/s; at most 2x is the aim)")
        else:
            print("1. PDF: pdftotext is not installed (apt-get install poppler-utils): skipped")

        if args.naive.is_file():
            letters = seed_sized(Path(folder))
            texts = sorted(str(path) for path in letters.glob("*.txt"))
            ours, peer = interleaved(
                [
                    [command, str(letters), "--jobs", "1", "--format", "jsonl", "-o", str(out)],
                    f"{sys.executable} {args.naive} {letters}/*.txt > /dev/null",
                ],
                args.rounds,
            )
            _line(
                f"2. text, {len(texts)} seed-sized letters, --jobs 1 vs the naive scraper",
                ours,
                peer,
                "scraper",
            )
            print(
                f"    throughput: imrparse {len(texts) / ours:,.0f} letters/s, the scraper "
                f"{len(texts) / peer:,.0f}: {peer / ours:.2f}x its throughput "
                "(at least 0.8x is the aim)"
            )
            # What the figure above is made of: the start of each command (on one letter),
            # and the time per letter past it.
            one = Path(folder) / "one"
            one.mkdir()
            os.link(texts[0], one / Path(texts[0]).name)
            ours_one, peer_one = interleaved(
                [
                    [command, str(one), "--jobs", "1", "--format", "jsonl", "-o", str(out)],
                    [sys.executable, str(args.naive), texts[0]],
                ],
                args.starts,
            )
            _line("2b. the same commands on one letter (their start)", ours_one, peer_one,
                  "scraper", unit="ms")  # fmt: skip
            print(
                f"    past the start, per letter: imrparse "
                f"{(ours - ours_one) / (len(texts) - 1) * 1e6:.0f} µs, the scraper "
                f"{(peer - peer_one) / (len(texts) - 1) * 1e6:.0f} µs"
            )
        else:
            print(f"2. text: no naive scraper at {args.naive}: skipped")

    ours, peer = interleaved([[command, str(SEED)], [sys.executable, "-c", "pass"]], args.starts)
    _line(f"3. cold start, median of {args.starts}", ours, peer, "python -c pass", unit="ms")
    print("    (at most 4x is the aim)")


if __name__ == "__main__":
    main()
