"""docs/BAD-INPUT.md is true: each row's input, run through `imrparse FILE`, gives exactly the
message and exit code the row shows. The inputs are built here, one builder per row."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hostile_pdfs import (
    MB,
    SPACE,
    huge_string_pdf,
    long_text_pdf,
    many_pages_pdf,
    nested_forms_pdf,
    pages_of_flate_pdf,
    shared_stream_pdf,
)
from layouts import seed_text
from pdfs import pdf_of_pages, scanned_pdf, seed_pages
from test_other_documents import NOTICE_2013, plain

from imrparse.cli import main

DOC = Path(__file__).resolve().parent.parent / "docs" / "BAD-INPUT.md"
SEED = seed_text()
_HEADER = (
    "Case Number: CM15-0073947      Date Assigned: 04/21/2015\n\n"
    "Date of Injury: 05/20/2014      Decision Date: {decided}\n\n"
    "UR Denial Date: 04/13/2015      {received}\n\n"
    "Priority: Standard\n\n"
)
_OTHER_AGENCY = (
    "DEPARTMENT OF MANAGED HEALTH CARE\nINDEPENDENT MEDICAL REVIEW\nFINAL DETERMINATION\n\n"
    "The enrollee requested coverage of an MRI of the lumbar spine. The health plan denied the\n"
    "request as not medically necessary. The physician reviewer found the requested service\n"
    "medically necessary. The health plan's denial is overturned.\n"
)


def _section(text: str, start: str, end: str) -> tuple[int, int]:
    return text.index(start), text.index(end)


def _duplicated(text: str) -> str:
    i, j = _section(text, "CLINICAL CASE SUMMARY", "IMR ISSUES")
    return text[:j] + text[i:j] + text[j:]


def _reordered(text: str) -> str:
    i, j = _section(text, "CLINICAL CASE SUMMARY", "IMR ISSUES")
    return text[:i] + text[j:] + text[i:j]


def _mixed(text: str) -> bytes:
    middle = len(text) // 2
    return (
        text[:middle].encode("utf-8")
        + "\u201cCaf\u00e9\u201d".encode("cp1252")
        + "\u2019".encode()
        + text[middle:].encode("utf-8")
    )


def _unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, for whom a mode of 000 does not stop reading: refuse it here, where
    # imrparse opens its files.
    real_open = os.open

    def refusing_open(file: str | os.PathLike[str], *args: Any, **kwargs: Any) -> Any:
        if Path(file).name == path.name:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)


# File name (as the table's second column gives it) -> its content.
BUILDERS: dict[str, Callable[[], bytes | str | None]] = {
    "empty.txt": lambda: b"",
    "blank.txt": lambda: " \n\t\n\u00a0\n",
    "binary.bin": lambda: bytes(range(256)) * 8,
    "nul.txt": lambda: SEED[:500] + "\x00" + SEED[500:],
    "dmhc.txt": lambda: _OTHER_AGENCY,
    "notice-2013.txt": lambda: plain(NOTICE_2013),
    "truncated.txt": lambda: SEED[: len(SEED) // 2],
    "duplicated.txt": lambda: _duplicated(SEED),
    "reordered.txt": lambda: _reordered(SEED),
    "denied.txt": lambda: SEED.replace("Lumbar: Upheld", "Lumbar: Denied"),
    "bad-date.txt": lambda: (
        _HEADER.format(decided="02/30/2015", received="Application Received: 04/17/2015") + SEED
    ),
    "no-priority.txt": lambda: (
        _HEADER.format(decided="05/27/2015", received="Application Received: 04/17/2015").replace(
            "Priority: Standard\n\n", ""
        )
        + SEED
    ),
    "huge.txt": lambda: b"x" * 10_000_001,
    "utf16.txt": lambda: SEED.encode("utf-16-le"),
    "mixed.txt": lambda: _mixed(SEED),
    "folder": lambda: None,
    "missing.txt": lambda: None,
    "unreadable.txt": lambda: SEED,
    "scan.pdf": lambda: scanned_pdf(2),
    "locked.pdf": lambda: pdf_of_pages(seed_pages(), owner_password="o", user_password="x"),
    "cut.pdf": lambda: pdf_of_pages(seed_pages())[:-600],
    "bad.pdf": lambda: b"%PDF-1.4\n" + bytes(range(256)) * 20 + b"\n%%EOF\n",
    "dmhc.pdf": lambda: pdf_of_pages([_OTHER_AGENCY.splitlines()]),
    "140-pages.pdf": lambda: pages_of_flate_pdf(140, 70 * MB, SPACE),
    "huge-string.pdf": lambda: huge_string_pdf(70 * MB),
    "shared-stream.pdf": lambda: shared_stream_pdf(2000, 70 * MB),
    "100000-pages.pdf": lambda: many_pages_pdf(100_000),
    "objects.pdf": lambda: pages_of_flate_pdf(1, 5 * MB),
    "long-page.pdf": lambda: long_text_pdf(1, 150_000),
    "long-text.pdf": lambda: long_text_pdf(20, 60_000),
    "nested-forms.pdf": lambda: nested_forms_pdf(6),
    "lines.txt": lambda: SEED + "x\n\n" * 500_000,
    "quoted-pdf-header.txt": lambda: "Scanned from letter.pdf (%PDF-1.4)\n\n" + SEED,
    "http-header.pdf": lambda: (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n" + pdf_of_pages(seed_pages())
    ),
}


def _rows() -> list[tuple[str, str, int, str]]:
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[1].startswith("`") and cells[2].isdigit():
            what, name, code, message = cells
            rows.append((what, name.strip("`"), int(code), message.strip("`")))
    return rows


ROWS = _rows()


def test_the_table_covers_every_kind_of_bad_input_the_issue_lists() -> None:
    assert {name for _, name, _, _ in ROWS} == set(BUILDERS)


@pytest.mark.parametrize(("what", "name", "code", "message"), ROWS, ids=[r[1] for r in ROWS])
def test_the_user_sees_what_the_table_says(
    what: str,
    name: str,
    code: int,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    content = BUILDERS[name]()
    if name == "folder":
        (tmp_path / name).mkdir()
    elif content is not None:
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    if name == "unreadable.txt":
        _unreadable(tmp_path / name, monkeypatch)
    result = CliRunner().invoke(main, [name])
    assert result.exit_code == code, result.output
    shown = result.stderr.splitlines()[0] if result.stderr else ""
    if message.startswith("(no error)"):
        assert shown == ""  # one letter, no problem: nothing to say
        assert re.search(message.removeprefix("(no error) record holds "), result.stdout)
    else:
        assert shown == message
