"""imrparse on a Dask cluster (imrparse.distributed): the same records, in the same order, and
the same --errors lines as ``imrparse DIR``, from a local cluster of two worker processes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from imrparse.cli import main

pytest.importorskip("dask.distributed", reason="needs imrparse[dask]")

from dask.distributed import Client, LocalCluster

from imrparse.distributed import parse_corpus

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "corpus" / "real"


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    # (Dask's classes have no type hints.)
    cluster_of: Any = LocalCluster
    client_of: Any = Client
    with (
        cluster_of(
            # Two worker processes, reached on this machine only.
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",
        ) as cluster,
        client_of(cluster) as client,
    ):
        yield client


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Text and PDF letters in nested folders; one that does not conform, one that parses with
    warnings (its header's date of injury is not the summary's), one that cannot be read."""
    letters = tmp_path / "letters"
    (letters / "2016" / "pdf").mkdir(parents=True)
    (letters / "2017").mkdir()
    for path in sorted((ROOT / "corpus" / "generated").glob("*.txt"))[:30]:
        shutil.copy(path, letters / "2017" / path.name)
    for name in ("CM16-0219557", "CM17-0005616", "CM17-0021791"):
        shutil.copy(REAL / f"{name}.pdf", letters / "2016" / "pdf" / f"{name}.pdf")
    shutil.copy(REAL / "seed-letter.txt", letters / "2016" / "seed.txt")
    bad = (REAL / "seed-letter.txt").read_text(encoding="utf-8").replace(": Upheld", ": Denied")
    (letters / "2016" / "denied.txt").write_text(bad, encoding="utf-8")
    (letters / "2016" / "empty.txt").write_bytes(b"")
    return letters


def _imrparse(corpus: Path, tmp_path: Path) -> tuple[str, str]:
    errors = tmp_path / "errors.jsonl"
    result = CliRunner().invoke(
        main, [str(corpus), "--format", "jsonl", "--jobs", "1", "--errors", str(errors)]
    )
    assert result.exit_code == 1, result.output  # the letter that does not conform
    return result.stdout, errors.read_text(encoding="utf-8")


def _joined(files: list[str]) -> str:
    return "".join(Path(file).read_text(encoding="utf-8") for file in files)


def test_a_corpus_read_on_two_workers_gives_the_records_and_errors_of_imrparse_dir(
    client: Client, corpus: Path, tmp_path: Path
) -> None:
    assert len(client.scheduler_info()["workers"]) == 2
    run = parse_corpus([corpus], tmp_path / "out", letters_per_partition=4)
    records, errors = _imrparse(corpus, tmp_path)
    assert _joined(run.records_files) == records
    assert _joined(run.errors_files) == errors
    assert len(run.parts) == 9  # 36 letters, 4 to a partition
    assert (run.parsed, run.failed, run.warned) == (34, 2, 1)
    assert run.determinations == records.count('"item":')


def test_a_partition_run_again_replaces_its_files_whole(
    client: Client, corpus: Path, tmp_path: Path
) -> None:
    first = parse_corpus([corpus], tmp_path / "out", letters_per_partition=16)
    again = parse_corpus([corpus], tmp_path / "out", letters_per_partition=16)
    assert again.records_files == first.records_files
    assert sorted(path.name for path in (tmp_path / "out" / "records").iterdir()) == [
        "part-00000.jsonl",
        "part-00001.jsonl",
        "part-00002.jsonl",
    ]
    records, _ = _imrparse(corpus, tmp_path)
    assert _joined(again.records_files) == records


def test_standard_input_is_refused_on_a_cluster(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="standard input"):
        parse_corpus(["-"], tmp_path / "out", scheduler="sync")
