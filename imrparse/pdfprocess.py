"""The process PDFs are read in, on Linux: PDFium's work bounded in memory and in time.

One call into PDFium cannot be stopped once it has begun, and PDFium's API says nothing of a
stream's size before it decodes it: a PDF of two kilobytes can make it inflate gigabytes, or
draw forms inside forms for minutes. So each process that reads PDFs forks a *reader*: a child
holding PDFium, whose address space may grow by `Budget.memory` at most, which reads the PDFs it
is sent one at a time and sends back their pages' text.

- A reader still at a PDF half a second past the PDF's deadline is killed (IMR113, time).
- A reader that ends without an answer either failed to allocate past its limit (PDFium then
  aborts: IMR113, memory) or faulted on a damaged PDF (IMR107); the two are told apart by the
  memory it came to hold. Either way this process goes on, and the next PDF gets a new reader.
- A reader whose address space grew by a quarter of its budget over the PDFs it read retires
  after its answer, so that the memory one PDF may take is never eaten by those before it.

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
import time
from dataclasses import asdict, dataclass
from typing import Any, NoReturn

from .lifetime import die_with_parent
from .pdfium import _LOCK, Budget, PdfProblem, _over_time, _read

__all__ = ["NoReader", "read_in_reader", "stop_reader"]

# How long after a PDF's deadline its reader is killed: time for it to stop at its own check
# between pages and say where it was.
_GRACE = 0.5
# What a reader sends back for a PDF: a line "P <index> <count>" before each page, then one line
# "R <json>" with the outcome.
_PROGRESS = re.compile(rb"^P ([0-9]+) ([0-9]+)$", re.MULTILINE)
_RESULT = b"\nR "


class NoReader(Exception):
    """No reader process could be made (a fork refused): read in this process instead."""


@dataclass
class _Reader:
    pid: int
    #: This process's ends of the two pipes: PDFs go out on one, answers come back on the other.
    requests: int
    replies: int
    #: The memory budget its address space was limited by.
    memory: int
    #: The bytes this process held in memory when it forked the reader.
    resident: int
    #: The process that forked it (a process forked from that one inherits the object).
    owner: int


_reader: _Reader | None = None


def read_in_reader(data: bytes, budget: Budget, deadline: float) -> list[str]:
    """The PDF's pages' text, read by this process's reader within ``budget``. Raise
    `PdfProblem` as `imrparse.pdfium.page_texts` does, or `NoReader` when no reader can be
    made."""
    global _reader
    # (One PDF at a time per process: PDFium is not thread-safe, and a reader reads one.)
    with _LOCK:
        if _reader is not None and (_reader.memory != budget.memory or _gone(_reader)):
            stop_reader()
        if _reader is None:
            _reader = _start(budget.memory)
        reader = _reader
        try:
            outcome = _exchange(reader, data, budget, deadline)
        except BaseException:
            # Over its time, ended, or this process interrupted mid-answer: that reader is
            # done with.
            _reader = None
            _kill(reader)
            raise
        if outcome.get("retire"):
            stop_reader()
    if "pages" in outcome:
        return [str(page) for page in outcome["pages"]]
    if "problem" in outcome:
        kind, detail = outcome["problem"]
        raise PdfProblem(str(kind), str(detail))
    raise RuntimeError(f"reading the PDF failed: {outcome.get('error')}")


def stop_reader() -> None:
    """End this process's reader, if it has one: it reads to the end of its requests and
    leaves."""
    global _reader
    reader, _reader = _reader, None
    if reader is None:
        return
    os.close(reader.requests)
    try:
        ready, _, _ = select.select([reader.replies], [], [], 1.0)
    finally:
        os.close(reader.replies)
        if not ready:
            os.kill(reader.pid, signal.SIGKILL)
        _collect(reader.pid)


def _forget_inherited_reader() -> None:
    """In a process just forked: the reader object it inherited is its parent's. Close this
    process's copies of its pipes (the reader must see the end of its requests when the parent
    goes) and forget it."""
    global _reader
    reader, _reader = _reader, None
    if reader is not None:
        for fd in (reader.requests, reader.replies):
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


def _start(memory: int) -> _Reader:
    _stop_at_exit()
    requests_in, requests_out = os.pipe()
    replies_in, replies_out = os.pipe()
    resident = _resident()
    try:
        pid = os.fork()
    except OSError:
        for fd in (requests_in, requests_out, replies_in, replies_out):
            os.close(fd)
        raise NoReader from None
    if pid == 0:
        _serve(requests_in, replies_out, memory)
    os.close(requests_in)
    os.close(replies_out)
    return _Reader(pid, requests_out, replies_in, memory, resident, os.getpid())


def _exchange(reader: _Reader, data: bytes, budget: Budget, deadline: float) -> dict[str, Any]:
    """Send the PDF; read what comes back as it comes, until the answer is whole, the reader
    ends, or the PDF's time is up."""
    request = {"size": len(data), "deadline": deadline, "budget": asdict(budget)}
    try:
        _write(reader.requests, json.dumps(request).encode("ascii") + b"\n" + data)
    except BrokenPipeError:
        raise _ended(reader, budget) from None
    received = bytearray()
    while not received.endswith(b"\n") or _RESULT not in received:
        left = deadline + _GRACE - time.monotonic()
        if left <= 0:
            raise _over_time(budget, *_last_page(received), inside=True)
        ready, _, _ = select.select([reader.replies], [], [], left)
        if not ready:
            continue
        chunk = os.read(reader.replies, 1 << 20)
        if not chunk:
            raise _ended(reader, budget)
        received += chunk
    result = received.index(_RESULT) + len(_RESULT)
    outcome: dict[str, Any] = json.loads(received[result:])
    return outcome


def _ended(reader: _Reader, budget: Budget) -> PdfProblem:
    """Why the reader ended without its answer: PDFium failed to allocate past the limit and
    ended the process (it aborts), or it crashed on the PDF (a fault of PDFium's, which in this
    process would have ended the whole run). Told apart by the memory the reader came to hold."""
    _, status, usage = os.wait4(reader.pid, 0)
    grown = usage.ru_maxrss * 1024 - reader.resident  # (Linux counts ru_maxrss in kilobytes)
    if grown >= budget.memory // 2:
        return PdfProblem("budget", _over_memory(budget))
    how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else "an error"
    return PdfProblem("damaged", f"PDFium failed on it: its reader ended with {how}")


def _gone(reader: _Reader) -> bool:
    """Whether the reader ended while it was waiting for a PDF (killed by another hand)."""
    try:
        return os.waitpid(reader.pid, os.WNOHANG) != (0, 0)
    except ChildProcessError:
        return True


def _kill(reader: _Reader) -> None:
    for fd in (reader.requests, reader.replies):
        os.close(fd)
    with contextlib.suppress(ProcessLookupError):
        os.kill(reader.pid, signal.SIGKILL)
    _collect(reader.pid)


def _collect(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):  # (collected already: `_ended`)
        os.waitpid(pid, 0)


def _last_page(received: bytearray) -> tuple[int, int]:
    """The index of the page the reader was at, and the page count (0, 0 before the first)."""
    pages = _PROGRESS.findall(received)
    return (int(pages[-1][0]), int(pages[-1][1])) if pages else (0, 0)


def _over_memory(budget: Budget) -> str:
    return (
        f"the PDF is over its budget: reading it took over {budget.memory // 2**20} MB of "
        "memory, the most a letter may take (a stream that inflates to gigabytes, or forms "
        "drawn inside forms?)"
    )


# ---- the reader's side ----------------------------------------------------------------------


def _serve(requests: int, replies: int, memory: int) -> NoReturn:
    """Read PDFs from ``requests`` and answer each on ``replies`` until the requests end or the
    reader retires; then end, whatever happens."""
    status = 1
    try:
        _set_up(keep={requests, replies})
        start = _address_space()
        if start:
            _limit_memory(start + memory)
        incoming = _Incoming(requests)
        while (line := incoming.line()) is not None:
            request = json.loads(line)
            data = incoming.exactly(int(request["size"]))
            outcome = _read_one(data, Budget(**request["budget"]), request["deadline"], replies)
            # (Freed memory is not always given back: past a quarter of the budget, make way
            # for a reader with all of it.)
            outcome["retire"] = bool(start) and _address_space() > start + memory // 4
            _write(replies, _RESULT + json.dumps(outcome).encode("utf-8") + b"\n")
            if outcome["retire"]:
                break
        status = 0
    finally:
        os._exit(status)  # no cleanup of the parent's: its atexit handlers, its open files


def _set_up(keep: set[int]) -> None:
    # The parent's handlers (a batch run's, say) are not this process's to run: SIGTERM to the
    # process group, or Ctrl-C, simply ends it; and it ends with the process that made it.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    die_with_parent()
    # Nothing of the reader's reaches the terminal: when PDFium fails to allocate past the limit
    # it aborts, and the C library (or Python's fault handler, where it is on) would say so.
    faulthandler.disable()
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)
    # None of the parent's files stay open here (its output files, its pool's pipes): the
    # parent's ends must close when the parent lets them go.
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)
    # The parent's objects are never collected here: a collection would touch each of them and
    # copy the parent's whole heap into this process.
    gc.freeze()


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


def _limit_memory(limit: int) -> None:
    """Let this process's address space grow to ``limit`` bytes at most: PDFium then fails to
    allocate (and ends the process) rather than take the machine's memory."""
    import resource

    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
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
