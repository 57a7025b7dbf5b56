"""The imrparse command. The only module that writes to a terminal.

Every command that reads letters (`parse`, `validate`, `fmt --check`) goes through one loop,
`_Run.drive`: inputs listed as they come, read by worker processes, results written in input
order, problems on standard error (and in an ``--errors`` file), a progress line on a terminal,
a summary, the exit code (`imrparse.exitcodes`), and Ctrl-C or SIGTERM ending the run with no
output file left behind.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager, nullcontext, suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TextIO, TypeVar

import click

from . import batch, exitcodes
from .decode import DEFAULT_MAX_BYTES
from .formats import csv_header, record_json
from .inputs import LETTER_SUFFIXES, Source, count_sources, display_name, iter_sources
from .rendering import LAYOUTS

if TYPE_CHECKING:
    from .formats import Format

_F = TypeVar("_F", bound=Callable[..., Any])

# Group options: anything else before a command's name is `parse`'s.
_GROUP_OPTIONS = {"--help", "--version"}


class _DefaultToParse(click.Group):
    """`imrparse [OPTIONS] FILE ...` means `imrparse parse [OPTIONS] FILE ...`, options first or
    last; and `imrparse --help` shows `parse`'s options too."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in _GROUP_OPTIONS:
            args = ["parse", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        # Ctrl-C before a command began its own handling of it (while it starts up) ends the
        # run with 130 all the same, not with click's "Aborted!" and 1.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            _fail("interrupted")
            _end(exitcodes.INTERRUPTED)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        command = self.commands["parse"]
        records = [
            p.get_help_record(ctx) for p in command.get_params(ctx) if isinstance(p, click.Option)
        ]
        with formatter.section("Options of `imrparse [parse] FILE...`"):
            formatter.write_dl([r for r in records if r is not None and r[0] != "--help"])


@click.group(cls=_DefaultToParse, epilog=exitcodes.HELP, no_args_is_help=True)
@click.version_option(package_name="imrparse")
def main() -> None:
    """Parse, check and generate California IMR Final Determination Letters.

    `imrparse [OPTIONS] FILE...` is short for `imrparse parse [OPTIONS] FILE...`.
    """
    # File names and letters may hold anything; never fail on printing one.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


# ---- what every command that reads letters shares ------------------------------------------


def _fail(message: str) -> None:
    click.echo(f"imrparse: error: {_printable(message)}", err=True)


def _usage_error(message: str) -> NoReturn:
    _fail(message)
    sys.exit(exitcodes.USAGE)


# Control characters other than tab: a letter could otherwise drive the terminal (ESC, BEL).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _reading_options(function: _F) -> _F:
    """The options of every command that reads letters."""
    options = [
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=1),
            help="Worker processes (default: one per CPU; at most "
            f"{batch.MAX_JOBS_PER_CPU} per CPU). Output keeps the input order.",
        ),
        click.option("-q", "--quiet", is_flag=True, help="No summary line at the end."),
        click.option(
            "-v",
            "--verbose",
            is_flag=True,
            help="The summary line even for a single letter.",
        ),
        click.option(
            "--max-bytes",
            type=click.IntRange(min=1),
            default=DEFAULT_MAX_BYTES,
            show_default=True,
            help="Refuse inputs larger than this many bytes (IMR106).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _is_terminal(stream: TextIO) -> bool:
    return stream.isatty()


class _Colour:
    """Diagnostics in colour on a terminal, plain when piped or when NO_COLOR is set."""

    def __init__(self, stream: TextIO) -> None:
        self.on = _is_terminal(stream) and not os.environ.get("NO_COLOR")

    _SEVERITY = re.compile(r"^(.*?: )(error|warning)(\[IMR[0-9]+\]:)", re.MULTILINE)

    def __call__(self, text: str) -> str:
        text = _printable_lines(text)
        if not self.on:
            return text
        return self._SEVERITY.sub(self._style, text)

    @staticmethod
    def _style(match: re.Match[str]) -> str:
        where, severity, code = match.groups()
        colour = "red" if severity == "error" else "yellow"
        return (
            click.style(where, bold=True)
            + click.style(severity, fg=colour, bold=True)
            + click.style(code, bold=True)
        )


def _printable_lines(text: str) -> str:
    return "\n".join(_printable(line) for line in text.split("\n"))


class _Run:
    """One pass of a command over its inputs: the loop, the tally, the exit status."""

    _SHOW_AFTER = 0.5  # seconds: a quick run shows no progress at all
    _EVERY = 0.1

    def __init__(self, files: tuple[str, ...], *, quiet: bool, verbose: bool) -> None:
        self.files = files
        self.quiet, self.verbose = quiet, verbose
        self.started = time.perf_counter()
        self.status = exitcodes.OK
        self.letters = self.failed = self.unreadable = self.determinations = 0
        self.warned = self.errors = self.warnings = 0
        self._terminal = _is_terminal(sys.stderr)
        self._colour = _Colour(sys.stderr)
        self.total = count_sources(files) if self._terminal and not quiet else 0
        self._shown_at = 0.0

    def drive(
        self,
        task: batch.Task,
        write: Callable[[batch.Result], None],
        *,
        jobs: int | None,
        max_bytes: int | None,
        join: str | None,
        errors: TextIO | None = None,
    ) -> None:
        """Each input through ``task``, its output given to ``write`` in input order; what is
        wrong with it on standard error, and in ``errors``."""
        sources = iter_sources(self.files, max_bytes=max_bytes)
        results = batch.run(sources, task, jobs=jobs or batch.default_jobs(), join=join)
        try:
            for result in results:
                write(result)
                if result.message:
                    self.clear_progress()
                    if result.status == exitcodes.USAGE:
                        _fail(result.message)
                    else:
                        click.echo(self._colour(result.message), err=True)
                if errors is not None and result.error_line:
                    errors.write(result.error_line + "\n")
                self._add(result)
        finally:
            results.close()  # now, not when the traceback goes: it stops the workers

    def _add(self, result: batch.Result) -> None:
        self.status = max(self.status, result.status)
        self.letters += result.letters
        self.errors += result.errors
        self.warnings += result.warnings
        if result.status == exitcodes.OK:
            self.determinations += result.determinations
            self.warned += bool(result.warnings)
        elif result.status == exitcodes.USAGE:
            self.unreadable += 1
        else:
            self.failed += 1
        if self._terminal and not self.quiet:
            now = time.perf_counter()
            if now - self.started > self._SHOW_AFTER and now - self._shown_at > self._EVERY:
                self._shown_at = now
                rate = self.letters / (now - self.started)
                sys.stderr.write(
                    f"\rimrparse: {self.letters:,}/{self.total:,} letters, "
                    f"{self.failed + self.unreadable:,} failed, {rate:,.0f} letters/s\x1b[K"
                )
                sys.stderr.flush()

    def clear_progress(self) -> None:
        if self._shown_at:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self._shown_at = 0.0

    def summarize(self, summary: Callable[[], str], *, always: bool = False) -> None:
        """The summary line, unless --quiet; for one letter only with --verbose (or
        ``always``): a run over one file has nothing to add to what it printed."""
        self.clear_progress()
        if not self.quiet and (always or self.verbose or self.letters > 1):
            click.echo(summary(), err=True)

    def elapsed(self) -> str:
        elapsed = time.perf_counter() - self.started
        rate = f", {self.letters / elapsed:,.0f} letters/s" if self.letters > 1 else ""
        return f"in {elapsed:.2f} s{rate}"

    @contextmanager
    def interruptible(self, *outputs: str | None) -> Iterator[None]:
        """Ctrl-C or SIGTERM ends the run with exit 130 (the output files are then not written:
        `AtomicFile` removes them as the ``with`` blocks inside unwind); a closed pipe ends it
        quietly; an output that cannot be written is a usage error."""
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            yield
        except KeyboardInterrupt:
            self.clear_progress()
            written = any(outputs)
            _fail("interrupted; no output file was written" if written else "interrupted")
            _end(exitcodes.INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`imrparse DIR | head`): nothing more to say to it, not
            # even the rest of what Python holds for standard output when it exits.
            _silence_stdout()
            _end(exitcodes.OK)
        except OSError as error:
            where = display_name(str(error.filename or "standard output"))
            _usage_error(f"cannot write '{where}': {error.strerror or error}")
        finally:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _end(status: int) -> NoReturn:
    """Exit a run that stopped early. Its output files are gone already (the `AtomicFile`
    blocks unwound); where worker processes ran, leave at once (see `batch.started_workers`)."""
    if batch.started_workers:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):
                stream.flush()
        os._exit(status)
    sys.exit(status)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (a test's stream): nothing buffered
        pass


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


# ---- output files -----------------------------------------------------------------------

_SUFFIX_FORMATS: dict[str, Format] = {".json": "json", ".jsonl": "jsonl", ".csv": "csv"}


def _check_outputs(inputs: tuple[str, ...], outputs: dict[str, str | None]) -> None:
    """Refuse, before anything is read, an output that would overwrite an input, be read as
    a letter by the next run, collide with another output, or go to a missing folder."""
    given = {option: path for option, path in outputs.items() if path is not None}
    seen: dict[str, str] = {}
    for option, path in given.items():
        real = os.path.realpath(path)
        if real in seen:
            _usage_error(f"{seen[real]} and {option} are the same file '{display_name(path)}'")
        seen[real] = option
        folder = os.path.dirname(real)
        if not os.path.isdir(folder):
            _usage_error(
                f"cannot write '{display_name(path)}': no such directory "
                f"'{display_name(os.path.dirname(path) or '.')}'"
            )
        for name in inputs:
            if name == "-":
                continue
            if os.path.isdir(name):
                inside = os.path.commonpath([os.path.realpath(name), real]) == os.path.realpath(
                    name
                )
                if inside and real.lower().endswith(LETTER_SUFFIXES):
                    _usage_error(
                        f"{option} '{display_name(path)}' is inside the input directory "
                        f"'{display_name(name)}', where the next run would read it as a letter"
                    )
            elif os.path.exists(name) and os.path.exists(real) and os.path.samefile(name, real):
                _usage_error(
                    f"{option} '{display_name(path)}' is an input; it would be overwritten"
                )


@contextmanager
def _destination(path: str | None, *, stdout: bool = True) -> Iterator[Any]:
    """Standard output, an `AtomicFile`, or (for an optional file not asked for) None."""
    if path is None:
        yield sys.stdout if stdout else None
        return
    from .atomic import AtomicFile

    with AtomicFile(path) as file:
        yield file


# ---- parse ------------------------------------------------------------------------------


@main.command(epilog=exitcodes.HELP, short_help="Print each letter's record (the default command).")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "csv"]),
    help="json: one file gives an indented object, several an array. jsonl: one record per "
    "line, with its source. csv: one row per determination. Default: from the --output "
    "suffix, else json for one file and jsonl for several.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write here instead of standard output (.json, .jsonl or .csv, or give --format); "
    "the file appears only when the run ends.",
)
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False),
    help="Write each failed letter, and each letter with warnings, here as JSON Lines "
    '(their "severity" says which).',
)
@_reading_options
def parse(
    files: tuple[str, ...],
    fmt: Format | None,
    output: str | None,
    errors_path: str | None,
    jobs: int | None,
    quiet: bool,
    verbose: bool,
    max_bytes: int,
) -> None:
    """Print each letter's record.

    FILES may be text or PDF letters. A directory stands for the letters (*.txt, *.pdf)
    under it, recursively; - reads standard input. A letter that fails is reported on
    standard error with its first diagnostic, and the others go on; so are a letter's
    warnings. A summary line ends a run over several letters.
    """
    single = len(files) == 1 and not os.path.isdir(files[0])
    if fmt is None:
        suffix = Path(output).suffix.lower() if output else ""
        if output and suffix not in _SUFFIX_FORMATS:
            _usage_error(
                f"cannot tell the format of '{display_name(output)}' from its suffix: "
                "name it .json, .jsonl or .csv, or give --format"
            )
        fmt = _SUFFIX_FORMATS.get(suffix, "json" if single else "jsonl")
    _check_outputs(files, {"--output": output, "--errors": errors_path})
    run = _Run(files, quiet=quiet, verbose=verbose)
    task = partial(batch.parse_task, fmt=fmt, max_bytes=max_bytes, single=single)
    # (The destinations are inside: an interrupted run leaves them unwritten.)
    with (
        run.interruptible(output, errors_path),
        _destination(output) as out,
        _destination(errors_path, stdout=False) as errors,
    ):
        stream = _RecordStream(out, fmt, array=fmt == "json" and not single)
        run.drive(
            task,
            stream.write,
            jobs=jobs,
            max_bytes=max_bytes,
            join=None if fmt == "json" else "",
            errors=errors,
        )
        stream.end()
    run.summarize(
        lambda: (
            f"imrparse: {_count(run.letters - run.failed - run.unreadable, 'letter')} parsed"
            + (f" ({run.warned:,} with warnings)" if run.warned else "")
            + f", {_count(run.determinations, 'determination')}, "
            f"{run.failed + run.unreadable:,} failed, {run.elapsed()}"
        )
    )
    sys.exit(run.status)


class _RecordStream:
    """Records as they come: CSV under its header row, JSON Lines, or one JSON array."""

    def __init__(self, out: TextIO, fmt: Format, *, array: bool) -> None:
        self.out, self.array, self.count = out, array, 0
        if fmt == "csv":
            out.write(csv_header())
        elif array:
            out.write("[\n")

    def write(self, result: batch.Result) -> None:
        output = result.output
        if not output:
            return
        if self.array:
            output = ("" if self.count == 0 else ",\n") + output.rstrip("\n")
        self.out.write(output)
        self.count += 1

    def end(self) -> None:
        if self.array:
            self.out.write("\n]\n" if self.count else "]\n")


# ---- validate ---------------------------------------------------------------------------


@main.command(epilog=exitcodes.HELP, short_help="Check that letters conform, like a compiler.")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: path:line:col: severity[code]: message, with the line and a caret. "
    "json: an array of {path, line, column, severity, code, message} (a file that could not "
    "be read is one too, code IMR111).",
)
@_reading_options
def validate(
    files: tuple[str, ...],
    strict: bool,
    output_format: Literal["text", "json"],
    jobs: int | None,
    quiet: bool,
    verbose: bool,
    max_bytes: int,
) -> None:
    """Check that each letter conforms to the format, like a compiler would.

    Every problem is printed (standard output), then a verdict line (standard error).
    """
    run = _Run(files, quiet=quiet, verbose=verbose)
    task = partial(batch.validate_task, max_bytes=max_bytes, strict=strict, output=output_format)
    colour = _Colour(sys.stdout)
    items = 0

    def write(result: batch.Result) -> None:
        nonlocal items
        if not result.output:
            return
        if output_format == "json":
            sys.stdout.write(("[\n" if items == 0 else ",\n") + result.output)
            items += 1
        else:
            sys.stdout.write(colour(result.output))

    with run.interruptible():
        run.drive(
            task,
            write,
            jobs=jobs,
            max_bytes=max_bytes,
            join=",\n" if output_format == "json" else "",
        )
        if output_format == "json":
            sys.stdout.write("\n]\n" if items else "[]\n")
    run.summarize(lambda: _verdict(run), always=True)
    sys.exit(run.status)


def _verdict(run: _Run) -> str:
    checked = f"imrparse: {_count(run.letters, 'letter')} checked"
    problems = _count(run.errors, "error") + ", " + _count(run.warnings, "warning")
    if run.status == exitcodes.OK:
        verdict = "it conforms" if run.letters == 1 else "all conform"
        return f"{checked}: {verdict}" + (f" ({problems})" if run.warnings else "")
    parts = []
    if run.failed:
        parts.append(f"{run.failed:,} {'does' if run.failed == 1 else 'do'} not conform")
    if run.unreadable:
        parts.append(f"{run.unreadable:,} could not be read")
    return f"{checked}: {', '.join(parts)} ({problems})"


@main.command(short_help="Print the JSON Schema of the record.")
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the record, as every command writes it."""
    from .schema import letter_schema

    click.echo(json.dumps(letter_schema(), indent=2))


# ---- writing letters --------------------------------------------------------------------

_LAYOUT_NAMES = click.Choice(list(LAYOUTS))


def _write_stdout(text: str) -> None:
    """Exactly these characters, as UTF-8: a CRLF layout keeps its CRLF, a BOM stays."""
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


def _one_file(name: str) -> Source:
    """The one input of a command that takes one file (not a directory), or ``-``."""
    if name != "-" and os.path.isdir(name):
        _usage_error(f"'{display_name(name)}' is a directory; this command takes one file")
    return next(iter_sources([name]))


@main.command(
    epilog=exitcodes.RENDER_HELP,
    short_help="Write the letter a record stands for.",
)
@click.argument("record", type=click.Path(allow_dash=True))
@click.option("--layout", type=_LAYOUT_NAMES, default="canonical", show_default=True)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="For a JSON Lines file of several records: write each letter as DIR/00001.txt, ... "
    "(the record's line number).",
)
def render(record: str, layout: str, out_dir: str | None) -> None:
    """Write the letter a JSON record (as `imrparse parse` prints it) stands for.

    RECORD is one record (JSON) or JSON Lines, one record a line, as `imrparse DIR --format
    jsonl` writes them. The patient fields are not written: a letter states them in its
    clinical case summary.
    """
    from .errors import LetterError
    from .inputs import Unreadable, read_source
    from .record import Letter, RecordError
    from .rendering import render as render_letter

    source = _one_file(record)
    try:
        text = read_source(source, None).text
    except Unreadable as error:
        _usage_error(str(error))
    except LetterError as error:  # not text at all
        _fail(f"{source.name}: not a record: {error.first.message}")
        sys.exit(exitcodes.NONCONFORMING)
    documents = _json_documents(source.name, text)
    if len(documents) > 1 and out_dir is None:
        _usage_error(
            f"{source.name} holds {len(documents)} records: give --out DIR to write a letter each"
        )
    letters = []
    for line, data in documents:
        try:
            letters.append(Letter.from_dict(data))
        except RecordError as error:
            where = f"{source.name}:{line}" if len(documents) > 1 else source.name
            _fail(f"{where}: not an imrparse record: {error}")
            sys.exit(exitcodes.NONCONFORMING)
    if out_dir is None:
        _write_stdout(render_letter(letters[0], layout))
        return
    try:
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for (line, _), letter in zip(documents, letters, strict=True):
            (folder / f"{line:05}.txt").write_bytes(render_letter(letter, layout).encode("utf-8"))
    except OSError as error:
        _usage_error(f"cannot write to '{display_name(out_dir)}': {error.strerror or error}")


def _json_documents(name: str, text: str) -> list[tuple[int, Any]]:
    """The records of a JSON file (one) or a JSON Lines file (one a line), with their lines."""
    try:
        return [(1, json.loads(text))]
    except json.JSONDecodeError as whole:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        if len(lines) < 2 or not _is_json(lines[0][1]):
            # Not JSON Lines either (its first line is no JSON of its own): say where the
            # document stops being JSON.
            _fail(f"{name}:{whole.lineno}:{whole.colno}: not JSON: {whole.msg}")
            sys.exit(exitcodes.NONCONFORMING)
        documents = []
        for number, line in lines:
            try:
                documents.append((number, json.loads(line)))
            except json.JSONDecodeError as error:
                _fail(f"{name}:{number}:{error.colno}: not JSON: {error.msg}")
                sys.exit(exitcodes.NONCONFORMING)
        return documents


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


@main.command(
    epilog=exitcodes.FMT_HELP,
    short_help="Print a letter in the canonical layout, or check.",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--check",
    is_flag=True,
    help="Print nothing; exit 1 if some letter is not in the canonical layout.",
)
@click.option("--diff", is_flag=True, help="Print what would change, as a unified diff.")
@_reading_options
def fmt(
    files: tuple[str, ...],
    check: bool,
    diff: bool,
    jobs: int | None,
    quiet: bool,
    verbose: bool,
    max_bytes: int,
) -> None:
    """Print a letter in the canonical layout: one paragraph per line, whatever its layout.

    The output parses to the same record, and formatting it again changes nothing. With
    --check or --diff, FILES may be several letters and directories.
    """
    if not (check or diff):
        if len(files) > 1:
            _usage_error("fmt prints one letter; give --check or --diff for several")
        _format_one(_one_file(files[0]), max_bytes)
        return
    run = _Run(files, quiet=quiet, verbose=verbose)
    task = partial(batch.check_task, max_bytes=max_bytes, diff=diff)

    def write(result: batch.Result) -> None:
        if result.output:
            sys.stdout.write(_printable_lines(result.output))

    with run.interruptible():
        run.drive(task, write, jobs=jobs, max_bytes=max_bytes, join="")
    run.summarize(
        lambda: (
            f"imrparse: {_count(run.failed, 'letter')} would be reformatted, "
            f"{run.letters - run.failed - run.unreadable:,} already canonical"
            + (f", {run.unreadable:,} could not be read" if run.unreadable else "")
        ),
        always=True,
    )
    sys.exit(run.status)


def _format_one(source: Source, max_bytes: int) -> None:
    from .errors import LetterError
    from .inputs import Unreadable, read_source
    from .rendering import render as render_letter
    from .report import format_diagnostic

    try:
        _write_stdout(render_letter(read_source(source, max_bytes).parse()))
    except Unreadable as error:
        _usage_error(str(error))
    except LetterError as error:
        click.echo(_Colour(sys.stderr)(format_diagnostic(source.name, error.first)), err=True)
        sys.exit(exitcodes.NONCONFORMING)


@main.command(short_help="Write synthetic letters with their records.")
@click.option(
    "-n",
    "count",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="How many letters.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@click.option(
    "-o",
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
@click.option("-q", "--quiet", is_flag=True, help="No line at the end saying what was written.")
def generate(count: int, seed: int, out_dir: str, layout: str, pdf: bool, quiet: bool) -> None:
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
        _usage_error(f"cannot write to '{display_name(out_dir)}': {error.strerror or error}")
    if not quiet:
        click.echo(f"imrparse: wrote {count} letters and their records to {out_dir}", err=True)


def _progress(items: Iterable[int], length: int, label: str) -> ContextManager[Iterable[int]]:
    """A progress bar on standard error when it is a terminal; otherwise just the items."""
    if not sys.stderr.isatty():
        return nullcontext(items)
    return click.progressbar(items, length=length, label=label, file=sys.stderr)


# ---- report -----------------------------------------------------------------------------
# `imrparse report`: what a corpus of letters says, as a page of charts and tables, or the
# same numbers as JSON or CSV. This section imports what it uses and relies on nothing else
# in this module but `main`; the statistics are imrparse/stats.py, the page
# imrparse/reportpage.py (docs/REPORT.md describes both).

import typing  # noqa: E402

import click  # noqa: E402

from .decode import DEFAULT_MAX_BYTES as _REPORT_MAX_BYTES  # noqa: E402

if typing.TYPE_CHECKING:
    from .stats import Report as _Report

_REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".json": "json"}

_REPORT_EPILOG = """
\b
Exit codes:
  0    every letter conforms (warnings allowed); the report is written
  1    some letter does not conform: it is listed in the report, which is written
  2    an input could not be read (listed too; the report is written), or a usage
       error: a bad option, a bad JSON Lines input, the chart library missing
  130  interrupted (Ctrl-C or SIGTERM); no report is written
"""


@main.command("report", epilog=_REPORT_EPILOG)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(writable=True),
    help="Write here (a directory for --format csv); a file appears only when the run ends. "
    "Default: standard output.",
)
@click.option(
    "--format",
    "report_format",
    type=click.Choice(["html", "json", "csv"]),
    help="html: one self-contained page of charts and tables (needs imrparse[report]). "
    "json: every table as data. csv: one CSV file per table in the --output directory. "
    "Default: json for an --output ending in .json, else html.",
)
@click.option(
    "--title", default="IMR Final Determinations", show_default=True, help="The page's title."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes reading letters (default: one per CPU).",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary line at the end.")
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=_REPORT_MAX_BYTES,
    show_default=True,
    help="Refuse letters larger than this many bytes (IMR106).",
)
def report_command(
    inputs: tuple[str, ...],
    output: str | None,
    report_format: str | None,
    title: str,
    jobs: int | None,
    quiet: bool,
    max_bytes: int,
) -> None:
    """Show the decisions as charts and tables.

    How the letters were decided, as one HTML page (or JSON, or CSV tables): overall, by
    decision month, by the evidence and the MTUS part each side cited, by
    reviewer specialty and state, by partial authorization, by items per letter, by patient
    age and sex; each rate with its 95% Wilson interval (docs/REPORT.md).

    INPUTS are letters as for `imrparse parse` (text, PDF, directories, -) or JSON Lines
    that imrparse wrote: records (`imrparse DIR --format jsonl`) and the lines of its
    --errors file, so that the letters that failed are listed too. A JSON Lines input is
    known by its suffix (.jsonl, .ndjson) or by its first character, `{`.

    Each input that failed, warned or repeats another (the same letter as PDF and as text)
    is listed in the report with its first diagnostic; the figures rest on the others.
    """
    import signal
    import sys
    import time
    from pathlib import Path

    from . import exitcodes, reportpage, stats

    def fail(message: str, status: int = exitcodes.USAGE) -> typing.NoReturn:
        click.echo(f"imrparse: error: {message}", err=True)
        sys.exit(status)

    started = time.perf_counter()
    if report_format is None:
        suffix = Path(output).suffix.lower() if output else ""
        report_format = _REPORT_SUFFIXES.get(suffix, "html")
    if report_format == "csv" and output is None:
        fail("--format csv writes one file per table: give the directory with -o DIR")
    if report_format == "html" and not reportpage.charts_available():
        fail(
            "the report page needs the chart library (matplotlib), which is not installed; "
            f"install it with: {reportpage.INSTALL_HINT}  (--format json and --format csv "
            "give the same numbers without it)"
        )

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        summary = _report_tally(inputs, max_bytes, jobs, warm=report_format == "html")
        _report_write(summary, report_format, output, title)
    except KeyboardInterrupt:
        fail("interrupted; no report was written", exitcodes.INTERRUPTED)
    except stats.RecordsFileError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot use '{error.filename or output}': {error.strerror or error}")
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not quiet:

        def count(number: int, noun: str) -> str:
            return f"{number:,} {noun}{'' if number == 1 else 's'}"

        where = "" if output is None else f" to {output}"
        click.echo(
            f"imrparse: report of {count(summary.letters, 'letter')} and "
            f"{count(summary.items, 'item')} written{where} in "
            f"{time.perf_counter() - started:.2f} s; not counted: "
            f"{summary.failed + summary.unreadable:,} (failed or unreadable), "
            f"{summary.repeated:,} (repeats); with warnings: {summary.warned:,} "
            "(each is listed in the report)",
            err=True,
        )
    sys.exit(summary.status)


def _report_tally(
    inputs: tuple[str, ...], max_bytes: int, jobs: int | None, *, warm: bool
) -> _Report:
    """The `stats.Report` of the inputs: JSON Lines files read here, letters by `batch.run`'s
    workers, which send each letter's facts (a short line) rather than its record."""
    import json

    from . import batch, reportpage, stats
    from .inputs import iter_sources

    tally = stats.Tally()
    records = [name for name in inputs if stats.is_records_file(name)]
    for name in records:
        with open(name, encoding="utf-8-sig") as lines:
            for _, entry in stats.RecordLines(name, lines).entries():
                if isinstance(entry, str):
                    tally.add_facts(entry)
                else:
                    tally.add_problem(entry)
    letters = [name for name in inputs if name not in records]
    warming = None
    if letters:
        work = stats.facts_work(max_bytes=max_bytes)
        for result in batch.run(
            iter_sources(letters), work, jobs=jobs or batch.default_jobs(), join="\n"
        ):
            if warm and warming is None:
                # The workers run by now: the chart library's half second of imports
                # happens while they read (measured in benchmarks/report_speed.py).
                warming = reportpage.prepare_in_background()
            if result.output:
                tally.add_facts(result.output)
            if result.error_line:  # failed, could not be read, or warned
                tally.add_problem(json.loads(result.error_line))
    if warming is not None:
        warming.join()
    return tally.report()


def _report_write(summary: _Report, report_format: str, output: str | None, title: str) -> None:
    import json
    from importlib.metadata import version
    from pathlib import Path

    from . import reportpage
    from .atomic import AtomicFile

    if report_format == "csv":
        assert output is not None
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in summary.csv_files().items():
            with AtomicFile(folder / name) as out:
                out.write(text)
        return
    if report_format == "json":
        text = json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = reportpage.render_page(summary, title=title, version=version("imrparse"))
    if output is None:
        click.echo(text, nl=False)
        return
    with AtomicFile(output) as out:
        out.write(text)
