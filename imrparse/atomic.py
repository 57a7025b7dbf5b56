"""Output files that appear whole or not at all.

Text goes to a hidden temporary file beside the target (``.NAME.imrparse-partial-PID``), which
is renamed over the target only when the run finishes. An interrupted run (Ctrl-C, SIGTERM,
an error) removes the temporary file, so it never leaves a half-written output; only a hard
kill (SIGKILL, power loss) can leave the temporary file behind, never the target.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import TextIO

__all__ = ["AtomicFile"]


class AtomicFile:
    """``with AtomicFile(path) as out: out.write(...)``: the file exists, complete, after a
    clean exit from the block, and is untouched otherwise."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(f".{self.path.name}.imrparse-partial-{os.getpid()}")
        self._file: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self.path.exists() and not self.path.is_file():
            # /dev/null, a pipe, a terminal: nothing to replace; write to it directly.
            self.partial = self.path
        # newline="": the text is written exactly (CSV has its own CRLF row ends).
        self._file = open(self.partial, "w", encoding="utf-8", newline="")
        return self._file

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._file is not None
        self._file.close()
        if self.partial == self.path:
            return
        if kind is None:
            os.replace(self.partial, self.path)
        else:
            self.partial.unlink(missing_ok=True)
