"""Child processes that end with the process that made them."""

from __future__ import annotations

import os
import signal
import sys

__all__ = ["die_with_parent"]


def die_with_parent(parent: int) -> None:
    """On Linux, ask the kernel to kill this process when ``parent`` (the process that made it)
    dies, so that no worker lives on, writing tracebacks to a closed pipe, after the parent was
    killed. (The kernel ties this to the parent's *thread* that made the process: call it only
    in a process made by a thread that lives as long as the parent, its main thread.)"""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the call took effect
        os._exit(1)
