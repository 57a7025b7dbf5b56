"""What reading guideline statements costs a letter, beside what parsing the letter costs.

Over the 49 real letters in corpus/real, interleaved in one process (so that both see the
same machine state), microseconds per letter:

- `read_guideline` on the letter's guideline texts (two per item), twice: with the cache of
  statements read emptied before each letter (what a letter costs with nothing read before
  it, as the first of a run), and emptied before each pass over the 49 (what it costs in a
  batch, where letters cite the same statements);
- `imrparse.parse` on the letter's text (in a batch, as above).

The share is that of reading guidelines in what a letter costs in all: of `parse` when `parse`
already reads guidelines with `imrparse.guideline.read_guideline`, else of the two together.

Run from the checkout:  python benchmarks/guideline_speed.py [rounds]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import imrparse
import imrparse.transform
from imrparse.guideline import read_guideline, read_statement

REAL = Path(__file__).resolve().parent.parent / "corpus" / "real"


def real_letters() -> list[tuple[str, list[str]]]:
    """Each real letter's text, and the texts of its guidelines as its expected record has
    them (the seed, a redacted copy of 2015, is left out: these are the published ones)."""
    letters = []
    for path in sorted(REAL.glob("CM*.txt")):
        record = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        texts = [
            determination[slot]["text"]
            for determination in record["determinations"]
            for slot in ("claims_administrator_guideline", "maximus_guideline")
        ]
        letters.append((path.read_text(encoding="utf-8"), texts))
    return letters


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main(rounds: int = 30) -> None:
    letters = real_letters()
    documents = [document for document, _ in letters]
    guidelines = [texts for _, texts in letters]

    def read_guidelines(*, forget_each_letter: bool) -> None:
        read_statement.cache_clear()
        for texts in guidelines:
            if forget_each_letter:
                read_statement.cache_clear()
            for text in texts:
                read_guideline(text)

    def parse_letters() -> None:
        read_statement.cache_clear()  # a batch of its own, as `read_guidelines` has
        for document in documents:
            imrparse.parse(document)

    read_guidelines(forget_each_letter=False)  # load the tables, compile the lexer's patterns
    parse_letters()
    alone_us, batch_us, parse_us = [], [], []
    for _ in range(rounds):
        alone_us.append(timed(lambda: read_guidelines(forget_each_letter=True)))
        batch_us.append(timed(lambda: read_guidelines(forget_each_letter=False)))
        parse_us.append(timed(parse_letters))
    per_letter = 1e6 / len(letters)
    alone = statistics.median(alone_us) * per_letter
    batch = statistics.median(batch_us) * per_letter
    parse = statistics.median(parse_us) * per_letter
    included = getattr(imrparse.transform, "read_guideline", None) is read_guideline
    of = "of parse (which reads the guidelines)" if included else "of parse + read_guideline"

    def share(guideline: float) -> str:
        return f"{guideline / (parse if included else parse + guideline):6.1%} {of}"

    count = sum(len(texts) for texts in guidelines)
    print(f"{len(letters)} real letters, {count} guideline texts, median of {rounds} rounds")
    print(f"read_guideline, letter alone: {alone:7.1f} µs per letter  {share(alone)}")
    print(f"read_guideline, in the batch: {batch:7.1f} µs per letter  {share(batch)}")
    print(f"imrparse.parse:               {parse:7.1f} µs per letter")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
