"""Output files that appear whole or not at all, safely.

Text goes to a hidden temporary file beside the target, which is renamed over the target only
when the run finishes. An interrupted or failed run (Ctrl-C, SIGTERM, a full disk, even at the
last flush) removes the temporary file, so it never leaves a half-written output; only a hard
kill (SIGKILL, power loss) can leave the temporary file behind, never a broken target.

These files hold medical information, and the folder may be shared, so the temporary file is
made as `tempfile.mkstemp` makes one: a name no one can guess, created only if nothing is there
(``O_CREAT | O_EXCL``: a symbolic link planted under that name is never followed), readable by
its owner alone while it is written. The finished file keeps the permissions of the file it
replaces (a 0600 output stays 0600); a new one gets the usual ``0666`` less the umask.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import TextIO

__all__ = ["AtomicFile"]


class AtomicFile:
    """``with AtomicFile(path) as out: out.write(...)``: the file exists, complete, after a
    clean exit from the block, and is untouched otherwise."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.partial: Path | None = None
        self._file: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self.path.exists() and not self.path.is_file():
            # /dev/null, a pipe, a terminal: nothing to replace; write to it directly.
            # newline="": the text is written exactly (CSV has its own CRLF row ends).
            self._file = open(self.path, "w", encoding="utf-8", newline="")
            return self._file
        fd, name = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".imrparse-partial", dir=self.path.parent
        )
        self.partial = Path(name)
        self._file = open(fd, "w", encoding="utf-8", newline="")
        return self._file

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._file is not None
        partial = self.partial
        if partial is None:
            self._file.close()
            return
        try:
            self._file.close()  # the last flush: a full disk may refuse it
            if kind is None:
                os.chmod(partial, _mode_for(self.path))
                os.replace(partial, self.path)
        finally:
            if partial.exists():
                partial.unlink()


def _mode_for(target: Path) -> int:
    """The permissions the finished file gets: those of the file it replaces, else the usual."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
