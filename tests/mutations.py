"""Mutations of valid letters for the fuzz properties: what users and their PDF tools do to
letters, on purpose or not. Each mutation is a Hypothesis strategy of a function text -> text.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from hypothesis import strategies as st

Mutation = Callable[[str], str]


class _Named:
    """A mutation that says what it does when Hypothesis prints a failing example."""

    def __init__(self, name: str, function: Mutation) -> None:
        self.name, self.function = name, function

    def __call__(self, text: str) -> str:
        return self.function(text)

    def __repr__(self) -> str:
        return self.name


_DECISIONS = {"Upheld": "Overturned", "Overturned": "Upheld"}
_BOILERPLATE_WORDS = (
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "The Expert Reviewer has the following credentials:",
    "State(s) of Licensure:",
    "Certification(s)/Specialty:",
    "CLINICAL CASE SUMMARY",
    "IMR ISSUES, DECISIONS AND RATIONALES",
    "Claims Administrator guideline:",
    "MAXIMUS guideline:",
    "Decision rationale:",
    "Case Number:",
    "Decision Date:",
)
# Any Unicode, control characters, NULs, line and paragraph separators, BOMs, surrogates' kin.
_NASTY = st.one_of(
    st.characters(),  # every code point but surrogates
    st.sampled_from("\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\ufeff\u00ad\u200b\r\t\f"),
)


_FOOTER = re.compile(r"Page \d+ of \d+")


def _lines(text: str) -> list[str]:
    return text.split("\n")


@st.composite
def structural(draw: st.DrawFn) -> Mutation:
    """A change that may break the letter: delete, duplicate, swap, shuffle, truncate, insert,
    change a boilerplate character, flip a decision, join or split lines."""
    kind = draw(
        st.sampled_from(
            (
                "delete", "duplicate", "swap", "shuffle", "truncate", "insert", "boilerplate",
                "decision", "join", "split",
            )
        )
    )  # fmt: skip
    seed = draw(st.integers(0, 2**32 - 1))
    nasty = draw(st.text(_NASTY, min_size=1, max_size=8))

    def mutate(text: str) -> str:
        rng = random.Random(seed)
        lines = _lines(text)
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[j])
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "shuffle":
            low, high = sorted((i, j))
            middle = lines[low : high + 1]
            rng.shuffle(middle)
            lines[low : high + 1] = middle
        elif kind == "truncate":
            return text[: rng.randrange(len(text) + 1)]
        elif kind == "insert":
            at = rng.randrange(len(text) + 1)
            return text[:at] + nasty + text[at:]
        elif kind == "boilerplate":
            words = rng.choice(_BOILERPLATE_WORDS)
            where = text.find(words)
            if where >= 0:
                at = where + rng.randrange(len(words))
                return text[:at] + nasty[0] + text[at + 1 :]
        elif kind == "decision":
            found = list(re.finditer(r"\b(Upheld|Overturned)\b", text))
            if found:
                m = rng.choice(found)
                return text[: m.start()] + _DECISIONS[m[0]] + text[m.end() :]
        elif kind == "join" and i + 1 < len(lines):
            lines[i : i + 2] = [lines[i] + " " + lines[i + 1]]
        elif kind == "split":
            spaces = [m.start() for m in re.finditer(" ", lines[i])]
            if spaces:
                at = rng.choice(spaces)
                lines[i : i + 1] = [lines[i][:at], lines[i][at + 1 :]]
        return "\n".join(lines)

    return _Named(f"structural({kind!r}, seed={seed}, nasty={nasty!r})", mutate)


@st.composite
def layout_only(draw: st.DrawFn) -> Mutation:
    """A change of layout only (LETTER-FORMAT §3): the record must not change. Trailing spaces
    and tabs, non-breaking and other Unicode spaces between words, a line broken at a word
    boundary (outside the case header), CRLF line ends."""
    kind = draw(st.sampled_from(("trailing", "unicode-space", "break", "crlf")))
    seed = draw(st.integers(0, 2**32 - 1))
    space = draw(st.sampled_from(("\u00a0", "\u2002", "\u2009", "\u3000", "\t", "  ")))

    def mutate(text: str) -> str:
        rng = random.Random(seed)
        if kind == "crlf":
            return text.replace("\r\n", "\n").replace("\n", "\r\n")
        crlf = "\r\n" in text
        lines = _lines(text.replace("\r\n", "\n"))
        # Lines of text: not the case header (its fields are one to a line or in columns), not
        # one holding a page footer (in the published layout a footer shares its line with the
        # next page's first line, after a form feed: a footer broken in two is a footer no
        # more), not an empty line (a space there would make it pypdf's paragraph mark).
        body = [
            n
            for n, line in enumerate(lines)
            if " " in line.strip() and "      " not in line and not _FOOTER.search(line)
        ]
        if not body:
            return text
        n = rng.choice(body)
        line = lines[n]
        if kind == "trailing":
            lines[n] = line + rng.choice((" ", "\t", " \t ", "\u00a0"))
        else:
            spaces = [m.start() for m in re.finditer(" ", line.strip())]
            offset = len(line) - len(line.lstrip())
            at = offset + rng.choice(spaces)
            between = space if kind == "unicode-space" else "\n"
            lines[n] = line[:at] + between + line[at + 1 :]
        return "\n".join(lines).replace("\n", "\r\n" if crlf else "\n")

    return _Named(f"layout_only({kind!r}, seed={seed}, space={space!r})", mutate)


def valid_letters() -> st.SearchStrategy[str]:
    """Letters to mutate: generated ones in any layout, or the real one."""
    from layouts import seed_text

    from imrparse import render
    from imrparse.strategies import layouts, letters

    return st.one_of(
        st.builds(lambda letter, layout: render(letter, layout), letters(), layouts()),
        st.just(seed_text()),
    )
