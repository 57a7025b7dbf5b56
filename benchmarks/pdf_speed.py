"""PDF letters: pages per second for extraction plus parsing, and how other extractors compare.

Run from the checkout after `pip install '.[test]'`:  python benchmarks/pdf_speed.py
(optionally with pypdfium2 and pdfminer.six installed, to compare them).

1. `imrparse generate --pdf` makes 200 PDF letters (1 to 20 items, 1 to 9 pages).
2. In-process: `imrparse.parse_bytes` over all of them; pages/s and letters/s.
3. End to end: `imrparse DIR/*.pdf --format jsonl` at --jobs 1 and 2; pages/s.
4. Extractors: ms per page, and fidelity: how many letters give exactly their record when
   that extractor's text is parsed (pages joined by form feeds, as imrparse does).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import imrparse
from imrparse.pdf import PAGE_BREAK

Extractor = Callable[[bytes], list[str]]


def _pypdf(data: bytes) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def _pypdfium2(data: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    return [str(document[i].get_textpage().get_text_range()) for i in range(len(document))]


def _pdfminer(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_text

    text = str(extract_text(io.BytesIO(data)))
    return text.split("\f")


EXTRACTORS: dict[str, Extractor] = {
    "pypdf": _pypdf,
    "pypdfium2": _pypdfium2,
    "pdfminer.six": _pdfminer,
}


def _page_count(data: bytes) -> int:
    document = imrparse.load_document(data)
    assert document.pdf is not None
    return len(document.pdf.page_starts)


def main() -> None:
    command = shutil.which("imrparse")
    if command is None:
        sys.exit("imrparse is not on PATH: pip install . first")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        subprocess.run(
            [command, "generate", "-n", "200", "--seed", "9", "--pdf", "--out", str(out)],
            check=True, capture_output=True,
        )  # fmt: skip
        pdfs = sorted(out.glob("*.pdf"))
        datas = [p.read_bytes() for p in pdfs]
        records = [imrparse.Letter.from_dict(_json(p.with_suffix(".json"))) for p in pdfs]
        pages = sum(_page_count(d) for d in datas)
        print(f"{len(pdfs)} PDF letters, {pages} pages")

        start = time.perf_counter()
        for data in datas:
            imrparse.parse_bytes(data)
        elapsed = time.perf_counter() - start
        print(f"in-process extract + parse: {pages / elapsed:7.0f} pages/s "
              f"({len(datas) / elapsed:.0f} letters/s)")  # fmt: skip
        for jobs in (1, 2):
            start = time.perf_counter()
            subprocess.run(
                [command, *map(str, pdfs), "--format", "jsonl", "--jobs", str(jobs), "-q"],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            elapsed = time.perf_counter() - start
            print(f"imrparse *.pdf --jobs {jobs}:     {pages / elapsed:7.0f} pages/s")

        print("\nextractor      ms/page   letters giving exactly their record")
        for name, extract in EXTRACTORS.items():
            try:
                extract(datas[0])
            except ImportError:
                print(f"{name:14} (not installed)")
                continue
            start = time.perf_counter()
            texts = [PAGE_BREAK.join(extract(d)) for d in datas]
            per_page = (time.perf_counter() - start) * 1000 / pages
            exact = sum(_parses_to(t, r) for t, r in zip(texts, records, strict=True))
            print(f"{name:14} {per_page:7.1f}   {exact}/{len(datas)}")


def _json(path: Path) -> object:
    import json

    return json.loads(path.read_text(encoding="utf-8"))


def _parses_to(text: str, record: imrparse.Letter) -> bool:
    try:
        return imrparse.parse(text) == record
    except imrparse.LetterError:
        return False


if __name__ == "__main__":
    main()
