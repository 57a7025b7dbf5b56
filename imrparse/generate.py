"""`imrparse generate`: synthetic letters that are the same bytes for the same seed.

Letter ``number`` of seed ``seed`` is built from its own `random.Random`, seeded with the text
``"{seed}:{number}"`` (Python seeds from a string's SHA-512, the same on every machine and in
every process), so a letter never depends on how many came before it. Changing the vocabulary
in `imrparse.synth` or the template changes the letters: regenerate ``corpus/generated`` then.
"""

from __future__ import annotations

import json

from .record import Letter
from .rendering import LAYOUTS, render
from .synth import RandomChooser, build_letter

__all__ = ["generate_letter", "manifest"]


def generate_letter(
    seed: int, number: int, layout: str = "mixed", *, codec: str | None = None
) -> tuple[str, Letter]:
    """Letter ``number`` (from 1) of ``seed``: its text in ``layout`` (a name in `LAYOUTS`, or
    ``"mixed"`` for one chosen by the seed), and the record it must parse to. With ``codec``,
    every character of the letter can be encoded in it (``"cp1252"`` for PDFs)."""
    choose = RandomChooser(f"{seed}:{number}", codec=codec)
    letter = build_letter(choose)
    if layout == "mixed":
        layout = choose.choice(sorted(LAYOUTS))
    return render(letter, layout), letter


def manifest(count: int, seed: int, layout: str, *, pdf: bool = False) -> str:
    """What a generated directory was made with, as JSON: enough to make it again."""
    from . import __version__

    return (
        json.dumps(
            {
                "generator": f"imrparse {__version__}",
                "command": f"imrparse generate -n {count} --seed {seed} --layout {layout}"
                + (" --pdf" if pdf else ""),
                "count": count,
                "seed": seed,
                "layout": layout,
                **({"pdf": True} if pdf else {}),
            },
            indent=2,
        )
        + "\n"
    )
