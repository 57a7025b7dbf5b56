"""The seed letter in each layout of LETTER-FORMAT §3, derived from its double-spaced shape.

The seed is pypdf's text with every CRLF turned into two newlines: undoing that gives pypdf's
own lines, where a line holding one space is an empty line of the page and an empty line
joins two pages. Every other layout is derived from those lines.
"""

from __future__ import annotations

import codecs
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "corpus" / "real" / "seed-letter.txt"
SEED_JSON = SEED.with_name("seed-letter.expected.json")


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_with_in_summary(unit: str, count: int) -> str:
    """The seed with ``count`` copies of ``unit`` at the start of its clinical case summary,
    where issue 13 put its extra lines (the seed is in pypdf's double-spaced shape: a line, an
    empty line; " " and an empty line between paragraphs)."""
    seed = seed_text()
    cut = seed.index("The injured worker is a 57 year old female")
    return seed[:cut] + unit * count + seed[cut:]


def pypdf_lines() -> list[str]:
    """The seed as pypdf gave it: one entry per PDF line ("" joins pages, " " is empty)."""
    lines = seed_text().split("\n")
    kept: list[str] = []
    skip = False
    for line in lines:
        if skip and line == "":
            skip = False
            continue
        kept.append(line)
        skip = line != ""
    while kept and kept[-1] == "":
        kept.pop()
    return kept


def pages() -> list[list[list[str]]]:
    """Pages, each a list of paragraphs, each a list of (stripped) lines."""
    result: list[list[list[str]]] = [[[]]]
    for line in pypdf_lines():
        if line == "":
            result.append([[]])
        elif line.strip() == "":
            result[-1].append([])
        else:
            result[-1][-1].append(line.strip())
    return [[p for p in page if p] for page in result]


def plain(*, footers: bool = False, newline: str = "\n") -> str:
    """One line per PDF line, paragraphs separated by an empty line, pages by form feeds."""
    out_pages = []
    all_pages = pages()
    for number, page in enumerate(all_pages, start=1):
        text = "\n\n".join("\n".join(paragraph) for paragraph in page)
        if footers:
            text += f"\n\nPage {number} of {len(all_pages)}"
        out_pages.append(text)
    return ("\n\f".join(out_pages) + "\n").replace("\n", newline)


def unwrapped() -> str:
    """One paragraph per line: a wrapped line (one ending near the width) joins the next."""
    out: list[str] = []
    for page in pages():
        for paragraph in page:
            current = ""
            for line in paragraph:
                current = f"{current} {line}" if current else line
                if len(line) < 80:
                    out.append(current)
                    current = ""
            if current:
                out.append(current)
    # A page break in mid-paragraph: the paragraph goes on after it.
    return "\n".join(out) + "\n"


def crlf_bom() -> bytes:
    return codecs.BOM_UTF8 + plain(newline="\r\n").encode("utf-8")


def utf16_bom() -> bytes:
    return plain().encode("utf-16")  # Python writes a BOM for "utf-16"


def double_spaced_with_footers() -> str:
    """The seed's own shape, with a footer line at the foot of each page."""
    text = seed_text()
    head, sep, tail = text.partition("Physical Therapy Guidelines. \n\n")
    assert sep, "the seed's page break moved"
    return head + sep + "Page 1 of 2 \n\n" + tail.rstrip("\n") + " \n\nPage 2 of 2 \n\n"


def noisy_spaces() -> str:
    """Trailing spaces and tabs, non-breaking spaces between words, a zero-width space."""
    lines = plain().split("\n")
    noisy = []
    for index, line in enumerate(lines):
        line = line.replace(" the ", " the\u00a0", 1)
        noisy.append(line + (" \t" if index % 2 else "  "))
    return "\n".join(noisy).replace("Maryland", "Mary\u200bland")
