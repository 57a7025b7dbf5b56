"""The imrparse command. The only module that writes to a terminal.

Exit codes (also in --help):

    0  every letter conforms
    1  some letter does not conform (its diagnostics go to stderr; other files still run)
    2  usage or I/O error (a missing or unreadable file, a bad option)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from . import api
from .decode import DEFAULT_MAX_BYTES, decode
from .errors import Diagnostic, LetterError
from .record import Letter, RecordError
from .render import LAYOUTS
from .render import render as render_letter

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_USAGE = 2

_EXIT_CODES_HELP = """
\b
Exit codes:
  0  every letter conforms
  1  some letter does not conform (other files are still processed)
  2  usage or I/O error (missing or unreadable file)
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


@dataclass(frozen=True)
class _Source:
    name: str
    path: Path | None  # None for standard input


def _sources(paths: tuple[str, ...]) -> Iterator[_Source]:
    for name in paths:
        if name == "-":
            yield _Source("-", None)
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.txt") if p.is_file())
            # A directory with no letters stands for itself, to be reported as such.
            for letter in found or [path]:
                yield _Source(str(letter), letter)
        else:
            yield _Source(name, path)


class _Unreadable(Exception):
    """A file that could not be read: an I/O problem, not a letter problem."""


def _read(source: _Source, max_bytes: int | None) -> str:
    if source.path is None:
        return decode(sys.stdin.buffer.read(), max_bytes=max_bytes)
    try:
        return api.read_text(source.path, max_bytes=max_bytes)
    except IsADirectoryError:
        raise _Unreadable(f"'{source.name}' is a directory with no letters (*.txt) in it") from None
    except FileNotFoundError:
        raise _Unreadable(f"cannot read '{source.name}': no such file") from None
    except PermissionError:
        raise _Unreadable(f"cannot read '{source.name}': permission denied") from None
    except OSError as error:
        raise _Unreadable(f"cannot read '{source.name}': {error.strerror or error}") from None


class _Run:
    """One command's pass over its inputs, keeping the exit status as files succeed or fail."""

    def __init__(self, max_bytes: int | None) -> None:
        self.max_bytes = max_bytes
        self.status = EXIT_OK

    def texts(self, sources: Iterable[_Source]) -> Iterator[tuple[_Source, str | LetterError]]:
        """Each readable input's text, or the `LetterError` saying it is not text. An unreadable
        file is reported here and skipped, so that the other files are still processed."""
        for source in sources:
            try:
                yield source, _read(source, self.max_bytes)
            except _Unreadable as error:
                _fail(str(error))
                self.fail(EXIT_USAGE)
            except LetterError as error:
                yield source, error

    def fail(self, status: int) -> None:
        self.status = max(self.status, status)


# ---- writing diagnostics ----------------------------------------------------------------


def _format_diagnostic(name: str, diagnostic: Diagnostic) -> str:
    where = f"{name}:{diagnostic.line}:{diagnostic.column}"
    if diagnostic.page is not None:
        where = f"{name}:page {diagnostic.page}:{diagnostic.line}:{diagnostic.column}"
    head = f"{where}: {diagnostic.severity.value}[{diagnostic.code}]: {diagnostic.message}"
    if diagnostic.excerpt is None:
        return head
    excerpt = diagnostic.excerpt.rstrip("\r\n")
    if len(excerpt) > 200:
        start = max(0, diagnostic.column - 100)
        excerpt, column = excerpt[start : start + 200], diagnostic.column - start
    else:
        column = diagnostic.column
    caret = "".join("\t" if c == "\t" else " " for c in excerpt[: column - 1]) + "^"
    return f"{head}\n    {excerpt}\n    {caret}"


def _diagnostic_json(name: str, diagnostic: Diagnostic) -> dict[str, Any]:
    return {"path": name, **diagnostic.to_dict()}


def _fail(message: str) -> None:
    click.echo(f"imrparse: error: {message}", err=True)


_MAX_BYTES_OPTION = click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse inputs larger than this many bytes.",
)


# ---- commands ---------------------------------------------------------------------------


@main.command(epilog=_EXIT_CODES_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path())
@_MAX_BYTES_OPTION
def parse(files: tuple[str, ...], max_bytes: int) -> None:
    """Print each letter's record as JSON.

    One file prints an indented JSON object; several print JSON Lines, one record per line,
    each with a "source" field naming its file. A directory stands for the *.txt files under
    it; - reads standard input.
    """
    sources = list(_sources(files))
    single = len(sources) == 1 and not Path(files[0]).is_dir()
    run = _Run(max_bytes)
    for source, text in run.texts(sources):
        try:
            if isinstance(text, LetterError):
                raise text
            letter = api.parse(text)
        except LetterError as error:
            click.echo(_format_diagnostic(source.name, error.first), err=True)
            run.fail(EXIT_NONCONFORMING)
            continue
        click.echo(_record_json(letter, None if single else source.name))
    sys.exit(run.status)


def _record_json(letter: Letter, source: str | None) -> str:
    record = letter.to_dict()
    if source is None:
        return json.dumps(record, indent=2, ensure_ascii=False)
    return json.dumps({"source": source, **record}, ensure_ascii=False)


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
    for source, text in run.texts(_sources(files)):
        if isinstance(text, LetterError):
            diagnostics = list(text.diagnostics)
        else:
            diagnostics = api.validate(text)
        if any(d.is_error or strict for d in diagnostics):
            run.fail(EXIT_NONCONFORMING)
        for diagnostic in diagnostics:
            if output_format == "json":
                report.append(_diagnostic_json(source.name, diagnostic))
            else:
                click.echo(_format_diagnostic(source.name, diagnostic))
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
        data = json.loads(_read(_Source(record, None if record == "-" else Path(record)), None))
        letter = Letter.from_dict(data)
    except _Unreadable as error:
        _fail(str(error))
        sys.exit(EXIT_USAGE)
    except LetterError as error:
        click.echo(_format_diagnostic(record, error.first), err=True)
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
    for source, text in run.texts(_sources((file,))):
        try:
            if isinstance(text, LetterError):
                raise text
            _write_stdout(api.canonical_text(text))
        except LetterError as error:
            click.echo(_format_diagnostic(source.name, error.first), err=True)
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
def generate(count: int, seed: int, out_dir: str, layout: str) -> None:
    """Write N realistic synthetic letters with their expected records.

    DIR/00001.txt is a letter, DIR/00001.json the record `imrparse` must give for it, and
    DIR/manifest.json the command's parameters, to make the same files again.
    """
    from .generate import generate_letter, manifest

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "manifest.json").write_text(manifest(count, seed, layout), encoding="utf-8")
        with _progress(range(1, count + 1), count, "Generating letters") as numbers:
            for number in numbers:
                text, letter = generate_letter(seed, number, layout)
                stem = out / f"{number:05}"
                stem.with_suffix(".txt").write_bytes(text.encode("utf-8"))
                stem.with_suffix(".json").write_text(
                    _record_json(letter, None) + "\n", encoding="utf-8"
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
