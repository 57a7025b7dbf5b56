"""The `imrparse` console entry point.

`imrparse FILE` on one letter that conforms, with nothing to say about it, is answered here
without loading the command line's machinery (click and every command: a good part of a
start); anything else, including a letter with any diagnostic, goes to `imrparse.cli`, which
reads it again and says what there is to say.
"""

from __future__ import annotations

import os
import sys

# The commands' names: a file of the same name never takes the short path.
_COMMANDS = frozenset({"parse", "validate", "schema", "render", "fmt", "generate", "report"})


def main() -> None:
    try:
        _main()
    except KeyboardInterrupt:  # (before the command line's own handling of it began)
        sys.stderr.write("imrparse: error: interrupted\n")
        sys.exit(130)


def _main() -> None:
    args = sys.argv[1:]
    if len(args) == 1 and args[0] not in _COMMANDS and not args[0].startswith("-"):
        output = _record_of(args[0]) if os.path.isfile(args[0]) else None
        if output is not None:
            sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
            sys.stdout.write(output)
            sys.stdout.flush()
            sys.exit(0)
    from .cli import main as cli

    cli()


def _record_of(path: str) -> str | None:
    """The letter's record as `imrparse FILE` prints it, or None when the letter has anything
    to say (an error, a warning) or cannot be read: then `imrparse.cli` says it."""
    from .api import read_document
    from .errors import LetterError
    from .formats import record_json

    try:
        letter, warnings = read_document(path).parse_with_warnings()
    except (OSError, LetterError):
        return None
    return None if warnings else record_json(letter, None, indent=2) + "\n"
