"""Coverage-guided fuzzing of imrparse with Atheris (libFuzzer), for long runs outside CI.

    pip install atheris
    mkdir -p fuzz/work && cp corpus/real/seed-letter.txt corpus/generated/000*.txt fuzz/work/
    python fuzz/fuzz_parse.py fuzz/work -max_len=40000 -max_total_time=600

The promise it checks: any bytes give a `Letter` or a `LetterError` whose diagnostics point
inside the input, and nothing else (libFuzzer reports any other exception as a crash and
saves the input). ``fuzz/work`` grows with the inputs that reached new code; it is not committed.
"""

from __future__ import annotations

import re
import sys

import atheris

with atheris.instrument_imports():
    import imrparse

_LINE_END = re.compile(rb"\r\n|\r|\n")


def test_one_input(data: bytes) -> None:
    try:
        imrparse.parse_bytes(data)
    except imrparse.LetterError as error:
        lines = len(_LINE_END.split(data))
        for diagnostic in error.diagnostics:
            if not 1 <= diagnostic.line <= max(lines, 1) or diagnostic.column < 1:
                raise AssertionError(f"diagnostic outside the input: {diagnostic}") from None


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
