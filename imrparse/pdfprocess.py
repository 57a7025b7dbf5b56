"""The process PDFs are read in, on Linux: PDFium's work bounded in memory and in time.

One call into PDFium cannot be stopped once it has begun, and PDFium's API says nothing of a
stream's size before it decodes it: a PDF of two kilobytes can make it inflate gigabytes, or
draw forms inside forms for minutes. So each process that reads PDFs forks a *reader*: a child
holding PDFium, whose address space may grow by `Budget.memory` at most, which reads the PDFs it
is sent one at a time and sends back their pages' text.

- A reader still at a PDF half a second past the PDF's deadline is killed (IMR113, time); an
  orphaned one ends itself a little later (a timer of its CPU time), and an idle one when its
  requests end.
- A reader that ends without an answer either failed to allocate past its limit (PDFium then
  aborts: IMR113, memory) or faulted on a damaged PDF (IMR107); the two are told apart by the
  memory it came to hold while reading that PDF. Either way this process goes on, and the
  next PDF gets a new reader.
- A reader whose address space grew by a quarter of its budget over the PDFs it read retires
  after its answer, so that those before it never eat more than a quarter of what one PDF may
  take.

Why one long-lived reader and not a fork per PDF: a fork per PDF made a published letter take
14 ms instead of 6 (the child copied the pages of a warm heap as it wrote to them, and built
PDFium's caches anew each time). Why a fork and not a fresh process: PDFium is loaded already,
where starting Python and pypdfium2 would cost a hundred milliseconds. Only on Linux: macOS's
system libraries are not safe in a forked child (Python no longer forks there), and Windows has
no fork; there the budget's checks between PDFium's calls are all there is (`imrparse.pdfium`).
"""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import gc
import json
import os
import re
import select
import signal
import sys
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any, NoReturn

from . import pdfium
from .pdfium import Budget, PdfProblem, _over_time, _read

__all__ = ["NoReader", "read_in_reader", "stop_reader"]

# How long after a PDF's deadline its reader is killed: time for it to stop at its own check
# between pages and say where it was. (An orphaned reader's own alarm rings at twice that.)
_GRACE = 0.5
# What a reader sends back for a PDF: a line "S <bytes>" with the memory it holds as it starts
# the PDF, a line "P <index> <count>" before each page, then one line "R <json>": the outcome.
_START = re.compile(rb"^S ([0-9]+)$", re.MULTILINE)
_PROGRESS = re.compile(rb"^P ([0-9]+) ([0-9]+)$", re.MULTILINE)
_RESULT = b"\nR "
# The longest single wait, whatever the budget (an infinite one included).
_LONGEST_WAIT = 60.0
# Signals a reader leaves to their default action (unless its parent ignores them): the
# parent's handlers (a batch run's, say) are not the reader's to run.
_DEFAULT_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPROF)


class NoReader(Exception):
    """No reader process could be made (a fork refused): read in this process instead."""


@dataclass
class _Reader:
    pid: int
    #: This process's ends of the two pipes: PDFs go out on one, answers come back on the other.
    requests: int
    replies: int
    #: The memory budget its address space was limited by.
    memory: float
    #: Whether it has ended and been collected (its process id may then be another's).
    collected: bool = False


_reader: _Reader | None = None
# The pipes of a reader being started, and the thread forking it (None until it forks).
_starting: tuple[int, ...] = ()
_forking: int | None = None


def read_in_reader(data: bytes, budget: Budget, deadline: float) -> list[str]:
    """The PDF's pages' text, read by this process's reader within ``budget``. Raise
    `PdfProblem` as `imrparse.pdfium.page_texts` does, or `NoReader` when no reader can be
    made. Call it holding `imrparse.pdfium`'s lock (a reader reads one PDF at a time)."""
    global _reader
    if _reader is not None and (_reader.memory != budget.memory or _gone(_reader)):
        _stop()
    if _reader is None:
        # (Ctrl-C or SIGTERM waits until the new reader is known here, so that it can be ended.)
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            _start(budget.memory, blocked)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    reader = _reader
    assert reader is not None
    try:
        outcome = _exchange(reader, data, budget, deadline)
    except BaseException:
        # Over its time, ended, or this process interrupted mid-answer: that reader is done
        # with.
        _reader = None
        _kill(reader)
        raise
    if outcome.get("retire"):
        _stop()
    if "pages" in outcome:
        return [str(page) for page in outcome["pages"]]
    if "problem" in outcome:
        kind, detail = outcome["problem"]
        raise PdfProblem(str(kind), str(detail))
    raise RuntimeError(f"reading the PDF failed: {outcome.get('error')}")


def stop_reader() -> None:
    """End this process's reader, if it has one (once it has answered the PDF it may be
    reading for another thread)."""
    with pdfium._LOCK:
        _stop()


def _stop() -> None:
    """End the reader: it reads to the end of its requests and leaves."""
    global _reader
    reader = _reader
    if reader is None:
        return
    # (Closed while it is still `_reader`: a process another thread forks in between closes
    # its copy too, and the reader sees the end of its requests.)
    os.close(reader.requests)
    _reader = None
    ended: list[int] = []
    try:
        ended, _, _ = select.select([reader.replies], [], [], 1.0)
    finally:
        os.close(reader.replies)
        if not ended and not reader.collected:
            os.kill(reader.pid, signal.SIGKILL)
        _collect(reader)


def _forget_inherited_reader() -> None:
    """In a process just forked: the reader object it inherited is its parent's. Close this
    process's copies of its pipes (the reader must see the end of its requests when the parent
    goes) and forget it; and those of a reader its parent was starting in another thread."""
    global _reader, _starting
    reader, _reader = _reader, None
    inherited = [] if reader is None else [reader.requests, reader.replies]
    if _forking != threading.get_ident():  # (in the reader itself, its own pipes)
        inherited += _starting
    _starting = ()
    for fd in inherited:
        with contextlib.suppress(OSError):
            os.close(fd)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_inherited_reader)


# ---- this process's side --------------------------------------------------------------------

# The process whose exit stops its reader (see `_stop_at_exit`).
_hooked: int | None = None


def _stop_at_exit() -> None:
    """Stop this process's reader when the process ends, rather than leave it to end on its own
    once orphaned (where no init collects orphans, a container's, it would stay a zombie): at
    exit for a program, and by multiprocessing's finalizers for a pool's worker, which ends
    without running those."""
    global _hooked
    if _hooked == os.getpid():
        return
    _hooked = os.getpid()
    atexit.register(stop_reader)
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None and multiprocessing.parent_process() is not None:
        from multiprocessing.util import Finalize

        Finalize(None, stop_reader, exitpriority=0)


def _start(memory: float, mask: set[int]) -> None:
    """Fork a reader, this process's `_reader` (its signal mask set to ``mask`` once it is
    ready)."""
    global _reader, _starting, _forking
    _stop_at_exit()
    # (A process another thread forks meanwhile closes these: `_forget_inherited_reader`.)
    _starting = requests_in, requests_out = os.pipe()
    replies = os.pipe()
    _starting += replies
    replies_in, replies_out = replies
    pipes = _starting
    try:
        _forking = threading.get_ident()
        try:
            pid = os.fork()
        except OSError:
            for fd in pipes:
                os.close(fd)
            raise NoReader from None
        finally:
            _forking = None
        if pid == 0:
            _serve(requests_in, replies_out, memory, mask)
        try:
            os.close(requests_in)
            os.close(replies_out)
            # (Known before its pipes stop being `_starting`: a process forked in between
            # closes them either way.)
            _reader = _Reader(pid, requests_out, replies_in, memory)
        except BaseException:  # (Ctrl-C landed before the reader is known: end it here)
            os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            for fd in pipes:
                with contextlib.suppress(OSError):
                    os.close(fd)
            raise
    finally:
        _starting = ()


def _exchange(reader: _Reader, data: bytes, budget: Budget, deadline: float) -> dict[str, Any]:
    """Send the PDF; read what comes back as it comes, until the answer is whole, the reader
    ends, or the PDF's time is up."""
    request = {"size": len(data), "deadline": deadline, "budget": asdict(budget)}
    received = bytearray()
    try:
        _write(reader.requests, json.dumps(request).encode("ascii") + b"\n" + data)
    except BrokenPipeError:
        raise _ended(reader, budget, received) from None
    while not received.endswith(b"\n") or _RESULT not in received:
        left = deadline + _GRACE - time.monotonic()
        if left <= 0:
            raise _over_time(budget, *_last_page(received), inside=True)
        ready, _, _ = select.select([reader.replies], [], [], min(left, _LONGEST_WAIT))
        if not ready:
            continue
        chunk = os.read(reader.replies, 1 << 20)
        if not chunk:
            raise _ended(reader, budget, received)
        received += chunk
    result = received.index(_RESULT) + len(_RESULT)
    outcome: dict[str, Any] = json.loads(received[result:])
    return outcome


def _ended(reader: _Reader, budget: Budget, received: bytearray) -> PdfProblem:
    """Why the reader ended without its answer: PDFium failed to allocate past the limit and
    ended the process (it aborts), or it crashed on the PDF (a fault of PDFium's, which in this
    process would have ended the whole run). Told apart by the memory the reader came to hold
    while reading this PDF (it resets its peak before each)."""
    try:
        _, status, usage = os.wait4(reader.pid, 0)
    except ChildProcessError:  # (collected by another hand: SIGCHLD ignored, say)
        reader.collected = True
        return PdfProblem("damaged", "PDFium failed on it: its reader ended")
    reader.collected = True
    start = _START.search(received)
    held = int(start[1]) if start else 0
    grown = usage.ru_maxrss * 1024 - held  # (Linux counts ru_maxrss in kilobytes)
    if grown >= budget.memory // 2:
        return PdfProblem("budget", _over_memory(budget))
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGPROF:  # (its own timer)
        return _over_time(budget, *_last_page(received), inside=True)
    how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else "an error"
    return PdfProblem("damaged", f"PDFium failed on it: its reader ended with {how}")


def _gone(reader: _Reader) -> bool:
    """Whether the reader ended while it was waiting for a PDF (killed by another hand)."""
    try:
        ended = os.waitpid(reader.pid, os.WNOHANG) != (0, 0)
    except ChildProcessError:
        ended = True
    reader.collected = ended
    return ended


def _kill(reader: _Reader) -> None:
    for fd in (reader.requests, reader.replies):
        os.close(fd)
    if not reader.collected:
        with contextlib.suppress(ProcessLookupError):
            os.kill(reader.pid, signal.SIGKILL)
    _collect(reader)


def _collect(reader: _Reader) -> None:
    if not reader.collected:
        with contextlib.suppress(ChildProcessError):  # (SIGCHLD ignored: collected already)
            os.waitpid(reader.pid, 0)
        reader.collected = True


def _last_page(received: bytearray) -> tuple[int, int]:
    """The index of the page the reader was at, and the page count (0, 0 before the first)."""
    pages = _PROGRESS.findall(received)
    return (int(pages[-1][0]), int(pages[-1][1])) if pages else (0, 0)


def _over_memory(budget: Budget) -> str:
    return (
        f"the PDF is over its budget: reading it took over {budget.memory / 2**20:,.0f} MB of "
        "memory, the most a letter may take (a stream that inflates to gigabytes, or forms "
        "drawn inside forms?)"
    )


# ---- the reader's side ----------------------------------------------------------------------


def _serve(requests: int, replies: int, memory: float, mask: set[int]) -> NoReturn:
    """Read PDFs from ``requests`` and answer each on ``replies`` until the requests end or the
    reader retires; then end, whatever happens."""
    status = 1
    try:
        _set_up(keep={requests, replies}, mask=mask)
        start = _address_space()
        if start:
            _limit_memory(start + memory)
        incoming = _Incoming(requests)
        while (line := incoming.line()) is not None:
            request = json.loads(line)
            data = incoming.exactly(int(request["size"]))
            deadline = float(request["deadline"])
            # Ended by its own timer if the parent, who kills it past the deadline, is gone. A
            # timer of the CPU time it uses, which is never more than the time passed, and stops
            # while the process is stopped (Ctrl-Z): it never rings for a reader in good order.
            signal.setitimer(signal.ITIMER_PROF, _timer(deadline + 2 * _GRACE - time.monotonic()))
            _write(replies, b"S %d\n" % _reset_peak_memory())
            outcome = _read_one(data, Budget(**request["budget"]), deadline, replies)
            signal.setitimer(signal.ITIMER_PROF, 0)
            # (Freed memory is not always given back: past a quarter of the budget, make way
            # for a reader with all of it.)
            outcome["retire"] = bool(start) and _address_space() > start + memory // 4
            _write(replies, _RESULT + json.dumps(outcome).encode("utf-8") + b"\n")
            if outcome["retire"]:
                break
        status = 0
    finally:
        os._exit(status)  # no cleanup of the parent's: its atexit handlers, its open files


def _timer(seconds: float) -> float:
    """A timer's length: at least 10 ms, at most a day (the budget may be infinite)."""
    return min(max(seconds, 0.01), 86_400.0)


def _set_up(keep: set[int], mask: set[int]) -> None:
    # SIGTERM to the process group, or Ctrl-C, simply ends it, unless the parent ignores them
    # (nohup, a background job): then so does the reader.
    for signum in _DEFAULT_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN or signum == signal.SIGPROF:
            signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    # Nothing of the reader's reaches the terminal: when PDFium fails to allocate past the limit
    # it aborts, and the C library (or Python's fault handler, where it is on) would say so.
    faulthandler.disable()
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)
    _close_all_but(keep | {0, 1, 2})
    # The parent's objects are never collected here: a collection would touch each of them and
    # copy the parent's whole heap into this process.
    gc.freeze()


def _close_all_but(keep: set[int]) -> None:
    """Close every file this process has open but ``keep``: none of the parent's files stay
    open here (its output files, its pool's pipes), whose ends must close when the parent lets
    them go."""
    try:
        open_fds = sorted(int(name) for name in os.listdir("/proc/self/fd"))
    except OSError:  # (no /proc)
        open_fds = []
        highest = os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024
        low = 0
        for fd in [*sorted(keep), highest]:
            if low < fd:  # (os.closerange(0, 0) closes every file: its end is taken unsigned)
                os.closerange(low, fd)
            low = fd + 1
    for fd in open_fds:
        if fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _reset_peak_memory() -> int:
    """Start this process's peak memory (what `wait4` reports of it) anew from what it holds
    now, which is given back."""
    with (
        contextlib.suppress(OSError),
        open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs,
    ):
        clear_refs.write("5")
    return _resident()


def _read_one(data: bytes, budget: Budget, deadline: float, replies: int) -> dict[str, Any]:
    def progress(index: int, count: int) -> None:
        _write(replies, b"P %d %d\n" % (index, count))

    try:
        return {"pages": _read(data, budget, deadline, progress)}
    except PdfProblem as problem:
        return {"problem": [problem.kind, str(problem)]}
    except MemoryError:
        return {"problem": ["budget", _over_memory(budget)]}
    except Exception as error:  # (a bug here: the parent raises it)
        return {"error": f"{type(error).__name__}: {error}"}


class _Incoming:
    """The requests pipe, read in lines and in runs of bytes."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def _more(self) -> bool:
        chunk = os.read(self.fd, 1 << 20)
        self.buffer += chunk
        return bool(chunk)

    def line(self) -> bytes | None:
        while (end := self.buffer.find(b"\n")) < 0:
            if not self._more():
                return None
        line = bytes(self.buffer[:end])
        del self.buffer[: end + 1]
        return line

    def exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            if not self._more():
                raise EOFError("the request ended early")
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data


def _limit_memory(limit: float) -> None:
    """Let this process's address space grow to ``limit`` bytes at most: PDFium then fails to
    allocate (and ends the process) rather than take the machine's memory."""
    import resource

    if not limit < 2**62:  # (an infinite budget, or one past any address space: no limit)
        return
    limit = int(limit)
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        for given in (soft, hard):  # (never above a limit the user set)
            if given != resource.RLIM_INFINITY:
                limit = min(limit, given)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError):
        pass  # (a limit lower already: the time is bounded all the same)


def _address_space() -> int:
    """This process's address space in bytes (0 where that cannot be told)."""
    return _statm(0)


def _resident() -> int:
    """The bytes of memory this process holds (0 where that cannot be told)."""
    return _statm(1)


def _statm(field: int) -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[field]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
