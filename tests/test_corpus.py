"""The shipped corpus: every letter gives exactly its expected record.

Like markdown-it-py's fixture files, one parametrized test walks ``corpus/``: each ``.txt`` has
a ``.json`` beside it, and parsing the one gives the other. The generated sample must also be
exactly what its recorded command makes today, byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from imrparse import parse_file
from imrparse.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
# (The published letters in corpus/real are checked, as PDFs and texts, by test_real_pdfs.)
LETTERS = sorted([CORPUS / "real" / "seed-letter.txt", *(CORPUS / "generated").glob("*.txt")])
GENERATED = CORPUS / "generated"


def test_the_corpus_holds_the_real_letters_and_a_generated_sample() -> None:
    assert CORPUS / "real" / "seed-letter.txt" in LETTERS
    assert len(list((CORPUS / "real").glob("CM*.txt"))) == 49
    assert len(list(GENERATED.glob("*.txt"))) >= 100


@pytest.mark.parametrize("path", LETTERS, ids=[str(p.relative_to(CORPUS)) for p in LETTERS])
def test_each_corpus_letter_gives_its_expected_record(path: Path) -> None:
    expected_path = path.with_suffix(".json")
    if path.name == "seed-letter.txt":
        expected_path = path.with_name("seed-letter.expected.json")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert parse_file(path).to_dict() == expected


def test_the_generated_sample_is_exactly_what_its_recorded_command_makes(tmp_path: Path) -> None:
    manifest = json.loads((GENERATED / "manifest.json").read_text(encoding="utf-8"))
    command = manifest["command"].split()
    assert command[:2] == ["imrparse", "generate"]
    result = CliRunner().invoke(main, [*command[1:], "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in GENERATED.iterdir() if p.name != "README.md")
    for name in made:
        assert (tmp_path / name).read_bytes() == (GENERATED / name).read_bytes(), name
