"""The imrparse command. The only module that writes to a terminal.

Exit codes (also in --help):

    0  every letter conforms
    1  some letter does not conform (its diagnostics go to stderr; other files still run)
    2  usage or I/O error (a missing or unreadable file, a bad option)
  130  interrupted (Ctrl-C or SIGTERM); an --output file is then not written at all
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, TextIO

import click

from . import batch
from .api import Document
from .atomic import AtomicFile
from .decode import DEFAULT_MAX_BYTES
from .errors import LetterError
from .formats import Format, csv_header, record_json
from .inputs import Source, Unreadable, count_sources, iter_sources, list_sources, read_source
from .record import Letter, RecordError
from .render import LAYOUTS
from .render import render as render_letter
from .report import diagnostic_json, format_diagnostic

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_EXIT_CODES_HELP = """
\b
Exit codes:
  0  every letter conforms
  1  some letter does not conform (other files are still processed)
  2  usage or I/O error (missing or unreadable file)
  130  interrupted (Ctrl-C or SIGTERM); no output file is left behind
"""

# A first argument that starts with a dash but is still a file to parse (standard input).
_PARSE_ALIASES = {"-"}


class _DefaultToParse(click.Group):
    """`imrparse FILE ...` means `imrparse parse FILE ...`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if (
            args
            and args[0] not in self.commands
            and (args[0] in _PARSE_ALIASES or not args[0].startswith("-"))
        ):
            args = ["parse", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToParse, epilog=_EXIT_CODES_HELP)
@click.version_option(package_name="imrparse")
def main() -> None:
    """Parse, check and generate California IMR Final Determination Letters.

    `imrparse FILE...` is short for `imrparse parse FILE...`.
    """


# ---- reading inputs ---------------------------------------------------------------------


class _Run:
    """One command's pass over its inputs, keeping the exit status as files succeed or fail."""

    def __init__(self, max_bytes: int | None) -> None:
        self.max_bytes = max_bytes
        self.status = EXIT_OK

    def documents(
        self, sources: Iterable[Source]
    ) -> Iterator[tuple[Source, Document | LetterError]]:
        """Each readable input, or the `LetterError` saying it holds no letter text. An
        unreadable file is reported here and skipped, so that the other files still run."""
        for source in sources:
            try:
                yield source, read_source(source, self.max_bytes)
            except Unreadable as error:
                _fail(str(error))
                self.fail(EXIT_USAGE)
            except LetterError as error:
                yield source, error

    def fail(self, status: int) -> None:
        self.status = max(self.status, status)


def _one_file(name: str) -> Source:
    """The one input of a command that takes one file (not a directory), or ``-``."""
    if name == "-":
        return list_sources(["-"])[0]
    if Path(name).is_dir():
        _fail(f"'{name}' is a directory; this command takes one file")
        sys.exit(EXIT_USAGE)
    return Source(name, name)


def _fail(message: str) -> None:
    click.echo(f"imrparse: error: {message}", err=True)


_MAX_BYTES_OPTION = click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse inputs larger than this many bytes.",
)


# ---- parse ------------------------------------------------------------------------------

_SUFFIX_FORMATS: dict[str, Format] = {".json": "json", ".jsonl": "jsonl", ".csv": "csv"}


@main.command(epilog=_EXIT_CODES_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "csv"]),
    help="json: one file gives an indented object, several an array. jsonl: one record per "
    "line. csv: one row per determination. Default: from the --output suffix, else json for "
    "one file and jsonl for several.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write here instead of standard output; the file appears only when the run ends.",
)
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, writable=True),
    help="Write each failed letter's diagnostics here, as JSON Lines.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes (default: one per CPU). Output keeps the input order.",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary line at the end.")
@_MAX_BYTES_OPTION
def parse(
    files: tuple[str, ...],
    fmt: Format | None,
    output: str | None,
    errors_path: str | None,
    jobs: int | None,
    quiet: bool,
    max_bytes: int,
) -> None:
    """Print each letter's record.

    FILES may be text or PDF letters. A directory stands for the letters (*.txt, *.pdf)
    under it, recursively; - reads standard input.
    A letter that fails is reported on standard error with its first diagnostic, and the
    others go on. A one-line summary ends the run.
    """
    started = time.perf_counter()
    single = len(files) == 1 and not Path(files[0]).is_dir()
    if fmt is None:
        suffix = Path(output).suffix.lower() if output else ""
        fmt = _SUFFIX_FORMATS.get(suffix, "json" if single else "jsonl")
    tally = _Tally(files, started)
    try:
        with (
            _sigterm_interrupts(),
            _destination(output) as out,
            _destination(errors_path, stdout=False) as errors,
        ):
            stream = _RecordStream(out, fmt, array=fmt == "json" and not single)
            results = batch.run(
                iter_sources(files),
                fmt=fmt,
                max_bytes=max_bytes,
                jobs=jobs or batch.default_jobs(),
                single=single,
            )
            for result in results:
                if result.status == batch.EXIT_OK:
                    stream.write(result.output)
                    if result.message:  # warnings: the record stands, and they are said
                        tally.clear_progress()
                        click.echo(result.message, err=True)
                        if errors is not None:
                            errors.write(result.error_line + "\n")
                else:
                    tally.clear_progress()
                    if result.status == batch.EXIT_UNREADABLE:
                        _fail(result.message)
                    else:
                        click.echo(result.message, err=True)
                    if errors is not None:
                        errors.write(result.error_line + "\n")
                tally.add(result)
            stream.end()
    except KeyboardInterrupt:
        tally.clear_progress()
        _fail("interrupted; no output file was written" if output else "interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (`imrparse DIR | head`): nothing more to say to it.
        sys.stderr.close()
        sys.exit(EXIT_OK)
    except OSError as error:
        where = error.filename or output or errors_path or "standard output"
        _fail(f"cannot write '{where}': {error.strerror or error}")
        sys.exit(EXIT_USAGE)
    tally.clear_progress()
    if not quiet:
        click.echo(tally.summary(), err=True)
    sys.exit(tally.status)


class _RecordStream:
    """Records as they come: CSV under its header row, JSON Lines, or one JSON array."""

    def __init__(self, out: TextIO, fmt: Format, *, array: bool) -> None:
        self.out, self.array, self.count = out, array, 0
        if fmt == "csv":
            out.write(csv_header())
        elif array:
            out.write("[\n")

    def write(self, output: str) -> None:
        if self.array:
            output = ("" if self.count == 0 else ",\n") + output.rstrip("\n")
        self.out.write(output)
        self.count += 1

    def end(self) -> None:
        if self.array:
            self.out.write("\n]\n" if self.count else "]\n")


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (kill's default) interrupts like Ctrl-C, so partial output files are removed."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _destination(path: str | None, *, stdout: bool = True) -> Iterator[Any]:
    """Standard output, an `AtomicFile`, or (for an optional file not asked for) None."""
    if path is None:
        yield sys.stdout if stdout else None
        return
    with AtomicFile(path) as file:
        yield file


class _Tally:
    """Counts, the exit status, and a progress line on standard error when it is a terminal."""

    _SHOW_AFTER = 0.5  # seconds: a quick run shows no progress at all
    _EVERY = 0.1

    def __init__(self, files: tuple[str, ...], started: float) -> None:
        self.started = started
        self.parsed = self.failed = self.determinations = self.warned = 0
        self.status = EXIT_OK
        self._terminal = sys.stderr.isatty()
        # Counting the inputs costs a walk of the directories: only for a progress line.
        self.total = count_sources(files) if self._terminal else 0
        self._shown_at = 0.0

    def add(self, result: batch.Result) -> None:
        self.status = max(self.status, result.status)
        if result.status == batch.EXIT_OK:
            self.parsed += result.letters
            self.determinations += result.determinations
            self.warned += bool(result.message)
        else:
            self.failed += 1
        if self._terminal:
            now = time.perf_counter()
            if now - self.started > self._SHOW_AFTER and now - self._shown_at > self._EVERY:
                self._shown_at = now
                done = self.parsed + self.failed
                rate = done / (now - self.started)
                sys.stderr.write(
                    f"\rimrparse: {done:,}/{self.total:,} letters, {self.failed:,} failed, "
                    f"{rate:,.0f} letters/s\x1b[K"
                )
                sys.stderr.flush()

    def clear_progress(self) -> None:
        if self._shown_at:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self._shown_at = 0.0

    def summary(self) -> str:
        elapsed = time.perf_counter() - self.started
        done = self.parsed + self.failed
        rate = done / elapsed if elapsed > 0 else 0.0
        warned = f" ({self.warned:,} with warnings)" if self.warned else ""
        return (
            f"imrparse: {_count(self.parsed, 'letter')} parsed{warned}, "
            f"{_count(self.determinations, 'determination')}, {self.failed:,} failed, "
            f"in {elapsed:.2f} s ({rate:,.0f} letters/s)"
        )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


# ---- validate ---------------------------------------------------------------------------


@main.command(epilog=_EXIT_CODES_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: path:line:col: severity[code]: message, with the line and a caret. "
    "json: an array of {path, line, column, severity, code, message}.",
)
@_MAX_BYTES_OPTION
def validate(files: tuple[str, ...], strict: bool, output_format: str, max_bytes: int) -> None:
    """Check that each letter conforms to the format, like a compiler would."""
    run = _Run(max_bytes)
    report: list[dict[str, Any]] = []
    for source, document in run.documents(list_sources(files)):
        if isinstance(document, LetterError):
            diagnostics = list(document.diagnostics)
        else:
            diagnostics = document.validate()
        if any(d.is_error or strict for d in diagnostics):
            run.fail(EXIT_NONCONFORMING)
        for diagnostic in diagnostics:
            if output_format == "json":
                report.append(diagnostic_json(source.name, diagnostic))
            else:
                click.echo(format_diagnostic(source.name, diagnostic))
    if output_format == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    sys.exit(run.status)


@main.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the record."""
    from .schema import letter_schema

    click.echo(json.dumps(letter_schema(), indent=2))


# ---- writing letters --------------------------------------------------------------------

_LAYOUT_NAMES = click.Choice(list(LAYOUTS))


def _write_stdout(text: str) -> None:
    """Exactly these characters, as UTF-8: a CRLF layout keeps its CRLF, a BOM stays."""
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


@main.command(epilog=_EXIT_CODES_HELP)
@click.argument("record", type=click.Path(allow_dash=True))
@click.option("--layout", type=_LAYOUT_NAMES, default="canonical", show_default=True)
def render(record: str, layout: str) -> None:
    """Write the letter a JSON record (as `imrparse parse` prints it) stands for.

    The patient fields are not written: a letter states them in its clinical case summary.
    """
    try:
        data = json.loads(read_source(_one_file(record), None).text)
        letter = Letter.from_dict(data)
    except Unreadable as error:
        _fail(str(error))
        sys.exit(EXIT_USAGE)
    except LetterError as error:
        click.echo(format_diagnostic(record, error.first), err=True)
        sys.exit(EXIT_NONCONFORMING)
    except json.JSONDecodeError as error:
        _fail(f"{record}:{error.lineno}:{error.colno}: not JSON: {error.msg}")
        sys.exit(EXIT_NONCONFORMING)
    except RecordError as error:
        _fail(f"{record}: not an imrparse record: {error}")
        sys.exit(EXIT_NONCONFORMING)
    _write_stdout(render_letter(letter, layout))


@main.command(epilog=_EXIT_CODES_HELP)
@click.argument("file", type=click.Path(allow_dash=True))
@_MAX_BYTES_OPTION
def fmt(file: str, max_bytes: int) -> None:
    """Print a letter in the canonical layout: one paragraph per line, whatever its layout.

    The output parses to the same record, and formatting it again changes nothing.
    """
    run = _Run(max_bytes)
    for source, document in run.documents([_one_file(file)]):
        try:
            if isinstance(document, LetterError):
                raise document
            _write_stdout(render_letter(document.parse()))
        except LetterError as error:
            click.echo(format_diagnostic(source.name, error.first), err=True)
            run.fail(EXIT_NONCONFORMING)
    sys.exit(run.status)


@main.command(epilog=_EXIT_CODES_HELP)
@click.option("-n", "count", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Directory to write into (created if missing).",
)
@click.option(
    "--layout",
    type=click.Choice([*LAYOUTS, "mixed"]),
    default="mixed",
    show_default=True,
    help="mixed: each letter in one of the named layouts, chosen by the seed.",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also write each letter as DIR/00001.pdf (US Letter, standard fonts; the letters' "
    "characters then all fit cp1252).",
)
def generate(count: int, seed: int, out_dir: str, layout: str, pdf: bool) -> None:
    """Write N realistic synthetic letters with their expected records.

    DIR/00001.txt is a letter, DIR/00001.json the record `imrparse` must give for it, and
    DIR/manifest.json the command's parameters, to make the same files again.
    """
    from .generate import generate_letter, manifest
    from .pdfwrite import letter_pdf

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "manifest.json").write_text(manifest(count, seed, layout, pdf=pdf), encoding="utf-8")
        with _progress(range(1, count + 1), count, "Generating letters") as numbers:
            for number in numbers:
                text, letter = generate_letter(
                    seed, number, layout, codec="cp1252" if pdf else None
                )
                stem = out / f"{number:05}"
                if pdf:
                    stem.with_suffix(".pdf").write_bytes(letter_pdf(letter))
                stem.with_suffix(".txt").write_bytes(text.encode("utf-8"))
                stem.with_suffix(".json").write_text(
                    record_json(letter, None, indent=2) + "\n", encoding="utf-8"
                )
    except OSError as error:
        _fail(f"cannot write to '{out_dir}': {error.strerror or error}")
        sys.exit(EXIT_USAGE)
    click.echo(f"imrparse: wrote {count} letters and their records to {out_dir}", err=True)


def _progress(items: Iterable[int], length: int, label: str) -> ContextManager[Iterable[int]]:
    """A progress bar on standard error when it is a terminal; otherwise just the items."""
    if not sys.stderr.isatty():
        return nullcontext(items)
    return click.progressbar(items, length=length, label=label, file=sys.stderr)
