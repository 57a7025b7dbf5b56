"""The exit codes of the imrparse command: defined here once, shown in every command's help
(`HELP`) and in the README.

The code of a run is the worst of its inputs': a letter that does not conform makes it 1, a
file that could not be read (or a usage error) 2.
"""

from __future__ import annotations

__all__ = ["FMT_HELP", "HELP", "INTERRUPTED", "NONCONFORMING", "OK", "RENDER_HELP", "USAGE"]

#: Every letter conforms (warnings allowed, unless `validate --strict`).
OK = 0
#: Some letter does not conform (`fmt --check`: would be reformatted); the others still ran.
NONCONFORMING = 1
#: A usage error, or an input that could not be read (missing, unreadable, a worker that died).
USAGE = 2
#: Interrupted by Ctrl-C or SIGTERM; an output file is then not written at all.
INTERRUPTED = 130


def _epilog(ok: str, nonconforming: str) -> str:
    """The exit codes as a help epilog (\\b keeps click from rewrapping the lines)."""
    return f"""
\b
Exit codes:
  {OK}    {ok}
  {NONCONFORMING}    {nonconforming}
  {USAGE}    usage error, or an input that could not be read
  {INTERRUPTED}  interrupted (Ctrl-C or SIGTERM); no output file is left behind
"""


#: The exit codes of the commands that read letters (`parse`, `validate`), as a help epilog.
HELP = _epilog(
    "every letter conforms (warnings allowed, unless validate --strict)",
    "some letter does not conform; the other inputs are still processed",
)
#: `fmt`'s.
FMT_HELP = _epilog(
    "every letter conforms (and, with --check, is in the canonical layout already)",
    "some letter does not conform, or with --check would be reformatted",
)
#: `render`'s.
RENDER_HELP = _epilog(
    "every record was written as a letter",
    "a record is not JSON or not an imrparse record",
)
