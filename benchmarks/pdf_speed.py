"""PDF text extractors compared: speed, and whether each letter still gives exactly its record.

Run from the checkout after `pip install '.[test]'`:  python benchmarks/pdf_speed.py [--letters N]
Extractors that are not installed are skipped: pypdf (`pip install 'pypdf[cryptodome]'`),
PyMuPDF (`pip install pymupdf`; AGPL, never a dependency of imrparse), pdfminer.six, and
poppler's `pdftotext` (Debian: apt-get install poppler-utils).

Three sets of PDFs, from three producers:

- ``real``: the 49 published letters in corpus/real (a word processor's PDFs: embedded subset
  fonts, AES-encrypted, empty lines drawn as spaces; a two-column case header);
- ``generated``: `imrparse generate --pdf` (imrparse/pdfwrite.py: standard font, a one-space
  line for each empty line, a ``Page N of M`` footer);
- ``justified``: fpdf2 (tests/pdfs.py `justified_pdf`): justified paragraphs, nothing drawn in
  the empty line between two paragraphs, half a line more after headings, footers.

For each extractor and set: milliseconds per letter for the text alone (the extractors take
turns letter by letter, so that a busy spell of the machine falls on all of them), and how many
letters give exactly their record when that text (pages joined by form feeds) is parsed.
Also each extractor's installed size and licence.

Not run in CI: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import io
import json
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import imrparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fpdf2 writer of the tests

Extractor = Callable[[bytes], list[str]]


def _imrparse(data: bytes) -> list[str]:
    from imrparse.pdfium import page_texts

    return page_texts(data)


def _pypdfium2_text(data: bytes) -> list[str]:
    """pypdfium2's own text, with no positions: no line for an empty line of the page."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return [
            str(document[i].get_textpage().get_text_range()).replace("\r\n", "\n")
            for i in range(len(document))
        ]
    finally:
        document.close()


def _pypdf(data: bytes) -> list[str]:
    pypdf = importlib.import_module("pypdf")  # (optional: not installed with imrparse)
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    return [page.extract_text() or "" for page in reader.pages]


def _pymupdf(data: bytes) -> list[str]:
    pymupdf = importlib.import_module("pymupdf")  # (optional, AGPL: never a dependency)
    document = pymupdf.open(stream=data, filetype="pdf")
    if document.needs_pass:
        document.authenticate("")
    return [str(page.get_text()) for page in document]


def _pdfminer(data: bytes) -> list[str]:
    high_level = importlib.import_module("pdfminer.high_level")  # (optional)
    return str(high_level.extract_text(io.BytesIO(data))).split("\f")


def _pdftotext(data: bytes) -> list[str]:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8").split("\f")


# name: (extractor, the Python distribution it is, or None for a program; licence)
EXTRACTORS: dict[str, tuple[Extractor, str | None, str]] = {
    "imrparse (pypdfium2 + line positions)": (_imrparse, "pypdfium2", "Apache-2.0 / BSD-3"),
    "pypdfium2 text alone": (_pypdfium2_text, "pypdfium2", "Apache-2.0 / BSD-3"),
    "pypdf": (_pypdf, "pypdf", "BSD-3"),
    "PyMuPDF": (_pymupdf, "pymupdf", "AGPL-3.0"),
    "pdfminer.six": (_pdfminer, "pdfminer.six", "MIT"),
    "pdftotext (poppler)": (_pdftotext, None, "GPL-2.0"),
}
# What each needs beside itself to read the published (AES) PDFs.
_COMPANIONS = {
    "pypdf": ["pycryptodome"],
    "pdfminer.six": ["cryptography", "cffi", "charset-normalizer"],
}


def _installed_mib(distribution: str | None) -> str:
    """The installed size of a Python distribution and what it needs for AES, or of poppler's
    Debian packages."""
    if distribution is None:
        try:
            sizes = subprocess.run(
                ["dpkg-query", "-W", "-f=${Installed-Size}\\n", "poppler-utils", "libpoppler*"],
                capture_output=True, text=True, check=False,
            ).stdout.split()  # fmt: skip
            return f"{sum(int(size) for size in sizes) / 1024:.1f} MiB (Debian)"
        except (OSError, ValueError):
            return "?"
    total = 0
    for name in [distribution, *_COMPANIONS.get(distribution, [])]:
        try:
            files = importlib.metadata.distribution(name).files or []
        except importlib.metadata.PackageNotFoundError:
            continue
        paths = [Path(file.locate()) for file in files]
        total += sum(path.stat().st_size for path in paths if path.is_file())
    return f"{total / 2**20:.1f} MiB"


def _available(extract: Extractor, sample: bytes) -> bool:
    try:
        extract(sample)
    except (ImportError, FileNotFoundError):
        return False
    return True


def pdf_sets(folder: Path, count: int) -> dict[str, list[tuple[bytes, dict[str, Any]]]]:
    """Each set's PDFs with the records they must give."""
    real = [
        (pdf.read_bytes(), json.loads(pdf.with_suffix(".expected.json").read_text("utf-8")))
        for pdf in sorted((ROOT / "corpus" / "real").glob("*.pdf"))
    ]
    subprocess.run(
        [sys.executable, "-m", "imrparse", "generate", "-n", str(count), "--seed", "9", "--pdf",
         "--out", str(folder)],
        check=True, capture_output=True,
    )  # fmt: skip
    generated = [
        (pdf.read_bytes(), json.loads(pdf.with_suffix(".json").read_text("utf-8")))
        for pdf in sorted(folder.glob("*.pdf"))
    ]
    from imrparse.generate import generate_letter

    justified_pdf = importlib.import_module("pdfs").justified_pdf  # (tests/pdfs.py)

    letters = [generate_letter(9, number, codec="cp1252")[1] for number in range(1, count + 1)]
    justified = [(justified_pdf(letter), letter.to_dict()) for letter in letters]
    return {"real": real, "generated": generated, "justified": justified}


def _gives(pages: list[str], record: dict[str, Any]) -> bool:
    try:
        return imrparse.parse("\f".join(pages)).to_dict() == record
    except imrparse.LetterError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=100, help="generated letters per set")
    args = parser.parse_args()
    # pdfminer logs a warning for every published letter (its copy-protection flag).
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        sets = pdf_sets(Path(folder), args.letters)
    sample = sets["real"][0][0]
    chosen = {
        name: extract
        for name, (extract, _, _) in EXTRACTORS.items()
        if (name != "pdftotext (poppler)" or shutil.which("pdftotext"))
        and _available(extract, sample)
    }
    print(f"{len(sets['real'])} real, {args.letters} generated, {args.letters} justified PDFs\n")
    print(f"{'extractor':40} {'set':10} {'ms/letter':>9}  exact records")
    for set_name, pdfs in sets.items():
        seconds = dict.fromkeys(chosen, 0.0)
        exact = dict.fromkeys(chosen, 0)
        for data, record in pdfs:
            for name, extract in chosen.items():  # (turn by turn: see the docstring)
                start = time.perf_counter()
                pages = extract(data)
                seconds[name] += time.perf_counter() - start
                exact[name] += _gives(pages, record)
        for name in chosen:
            per_letter = seconds[name] * 1000 / len(pdfs)
            print(f"{name:40} {set_name:10} {per_letter:9.1f}  {exact[name]:4} / {len(pdfs)}")
    print(f"\n{'extractor':40} installed (with AES where needed)   licence")
    for name in chosen:
        _, distribution, licence = EXTRACTORS[name]
        print(f"{name:40} {_installed_mib(distribution):34} {licence}")
    skipped = [name for name in EXTRACTORS if name not in chosen]
    if skipped:
        print(f"\nnot installed: {', '.join(skipped)}")


if __name__ == "__main__":
    main()
