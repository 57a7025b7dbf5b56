"""Child processes that end with the process that made them."""

from __future__ import annotations

import os
import signal
import sys

__all__ = ["die_with_parent"]


def die_with_parent() -> None:
    """On Linux, ask the kernel to kill this process when its parent dies (so that no worker or
    PDF reader lives on, writing tracebacks to a closed pipe, after the parent was killed)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the call took effect
        os._exit(1)
