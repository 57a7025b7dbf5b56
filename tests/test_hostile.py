"""Hostile PDFs and texts are answered in bounded work (issue 13, items 5, 6 and 9).

- Item 5: a PDF has a budget (IMR113): pages, objects on a page, characters of text, time, and
  on Linux memory, where PDFs are read in a reader process.
- Item 6: reading a conforming letter is linear in its size: a repetition's children are never
  copied, a heading out of place is looked for once, a run of blank lines is looked at by its
  edges.
- Item 9: a text letter that quotes a PDF's header is text.

No test here times anything: each asserts the outcome (the right error, the same record) and,
where it can, counts the steps taken. `benchmarks/hostile.py` gives the seconds and megabytes.
"""

from __future__ import annotations

import codecs
import os
import re
import resource
import select
import signal
import sys
import threading
import time
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pypdfium2
import pytest
from hostile_pdfs import (
    MB,
    SPACE,
    huge_string_pdf,
    long_text_pdf,
    many_pages_pdf,
    nested_forms_pdf,
    pages_of_flate_pdf,
    shared_stream_pdf,
    text_pdf,
    twice_inflated_pdf,
)
from hypothesis import given
from hypothesis import strategies as st
from layouts import seed_text, seed_with_in_summary
from pdfs import pdf_of_pages, seed_pages

import imrparse
from imrparse import (
    LetterError,
    lalr,
    lifetime,
    load_document,
    normalize,
    parse,
    parse_bytes,
    pdfium,
    pdfprocess,
)
from imrparse import decode as decode_module
from imrparse.decode import MAX_LINES, check_text
from imrparse.pdf import is_pdf, pdf_text
from imrparse.pdfium import Budget
from imrparse.transform import MAX_LISTED

SEED = seed_text()
LINUX = sys.platform.startswith("linux")
ONE_LINE_PARAGRAPH = "Short.\n\n \n\n"


def budget_error(data: bytes, budget: Budget | None = None) -> str:
    """The message of the IMR113 that reading ``data`` gives."""
    with pytest.raises(LetterError) as caught:
        pdf_text(data, budget=budget)
    assert caught.value.first.code == "IMR113", caught.value
    return caught.value.first.message


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read PDFs in this process, where the steps PDFium takes can be counted."""
    monkeypatch.setattr(pdfium, "_ISOLATE", False)


@pytest.fixture
def pages_read(monkeypatch: pytest.MonkeyPatch, in_process: None) -> list[int]:
    """The index of each page loaded, in order."""
    loaded: list[int] = []
    real = pypdfium2.PdfDocument.__getitem__

    def counting(document: Any, index: int) -> Any:
        loaded.append(index)
        return real(document, index)

    monkeypatch.setattr(pypdfium2.PdfDocument, "__getitem__", counting)
    return loaded


@pytest.fixture
def text_pages_built(monkeypatch: pytest.MonkeyPatch, in_process: None) -> list[int]:
    """One entry for each text page PDFium builds (the costly step of reading a page)."""
    built: list[int] = []
    real = pypdfium2.PdfPage.get_textpage

    def counting(page: Any) -> Any:
        built.append(1)
        return real(page)

    monkeypatch.setattr(pypdfium2.PdfPage, "get_textpage", counting)
    return built


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The process id of each child forked."""
    pids: list[int] = []
    real = os.fork

    def recording() -> int:
        pid = real()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording)
    return pids


# ---- 5. PDFs have a budget ------------------------------------------------------------------


def test_a_pdf_of_140_pages_of_70_mb_streams_is_refused_before_any_page_is_read(
    pages_read: list[int],
) -> None:
    data = pages_of_flate_pdf(140, 70 * MB, SPACE)
    assert len(data) < 10_000_000  # (under the input limit: issue 13 had 9.5 MB)
    message = budget_error(data)
    assert "it has 140 pages, more than the 100 a letter may have" in message
    assert pages_read == []


def test_a_stream_that_2000_pages_share_is_never_read_2000_times(pages_read: list[int]) -> None:
    assert "it has 2,000 pages" in budget_error(shared_stream_pdf(2000, 70 * MB))
    assert pages_read == []


def test_a_pdf_of_100000_pages_is_refused_by_its_page_count(pages_read: list[int]) -> None:
    assert "it has 100,000 pages" in budget_error(many_pages_pdf(100_000))
    assert pages_read == []


def test_a_pdf_of_as_many_pages_as_the_budget_allows_is_read() -> None:
    assert len(pdfium.page_texts(many_pages_pdf(100))) == 100


def test_a_70_mb_string_is_read_as_the_32767_characters_pdfium_keeps_of_it() -> None:
    [page] = pdfium.page_texts(huge_string_pdf(70 * MB))
    assert page == "A" * 32_767 + "\n"


def test_a_page_of_380000_objects_is_refused_before_its_text_page_is_built(
    text_pages_built: list[int],
) -> None:
    message = budget_error(pages_of_flate_pdf(1, 5 * MB))
    assert "page 1 draws 384,617 objects, more than the 20,000 a page may have" in message
    assert text_pages_built == []


def test_a_page_of_more_characters_than_a_page_may_have_is_refused() -> None:
    message = budget_error(long_text_pdf(1, 150_000))
    assert "page 1 holds 150,000 characters of text, more than the 100,000" in message


def test_a_pdf_of_more_characters_than_a_letter_may_have_stops_where_it_passes_them(
    pages_read: list[int],
) -> None:
    message = budget_error(long_text_pdf(20, 60_000))
    assert "over 1,000,000 characters by page 17 of 20" in message
    assert pages_read == list(range(17))


def test_the_time_budget_is_checked_before_each_page_and_before_its_text_is_read(
    pages_read: list[int], text_pages_built: list[int]
) -> None:
    pdf = text_pdf([["one"], ["two"], ["three"]])
    message = budget_error(pdf, Budget(seconds=1e-9))
    assert "took over 1e-09 seconds" in message
    assert "stopped while reading page 1 of 3" in message
    assert (pages_read, text_pages_built) == ([0], [])


def test_every_limit_can_be_raised_for_a_pdf_that_needs_it() -> None:
    generous = Budget(pages=200, chars_per_page=200_000, chars=2_000_000)
    assert len(pdf_text(many_pages_pdf(150), budget=generous).page_starts) == 150
    assert len(pdf_text(long_text_pdf(1, 150_000), budget=generous).text) == 150_001


def test_imr113_is_a_code_of_its_own_for_a_pdf_over_its_budget() -> None:
    assert imrparse.CODES["IMR113"].startswith("PDF over its budget")


@pytest.mark.skipif(not LINUX, reason="a PDF is read in a reader process on Linux only")
class TestTheReaderProcess:
    """On Linux PDFs are read in a reader process, with its memory and its time bounded."""

    @pytest.fixture(autouse=True)
    def no_reader_before(self) -> Iterator[None]:
        """Each test starts with no reader (one forked before a test would not see what the
        test changes in this process) and leaves none."""
        pdfprocess.stop_reader()
        yield
        pdfprocess.stop_reader()

    @pytest.mark.parametrize(
        "build",
        [
            lambda: nested_forms_pdf(6),
            lambda: twice_inflated_pdf(70 * MB),
            lambda: pages_of_flate_pdf(1, 600 * MB, SPACE),
        ],
        ids=["forms drawn inside forms", "a stream inflated twice", "600 MB of spaces"],
    )
    def test_a_pdf_that_would_take_gigabytes_ends_at_its_memory_budget(
        self, build: Callable[[], bytes], capfd: pytest.CaptureFixture[str], forked: list[int]
    ) -> None:
        message = budget_error(build())
        assert "reading it took over 256 MB of memory" in message
        # PDFium aborts in the reader when it cannot allocate: nothing of that reaches the
        # terminal.
        assert capfd.readouterr() == ("", "")
        assert _collected(forked)

    def test_a_page_that_pdfium_takes_longer_over_than_the_budget_is_killed(
        self, forked: list[int]
    ) -> None:
        # Drawing a million words takes PDFium seconds inside one call; the reader is killed
        # half a second after its deadline.
        budget = Budget(seconds=0.01, memory=8 * 2**30)
        message = budget_error(nested_forms_pdf(6), budget)
        assert "took over 0.01 seconds" in message
        assert "stopped while reading page 1 of 1" in message
        assert _collected(forked)

    def test_a_100_page_pdf_that_draws_one_70_mb_stream_on_each_is_stopped_by_time(
        self,
    ) -> None:
        message = budget_error(shared_stream_pdf(100, 70 * MB), Budget(seconds=0.5))
        assert "took over 0.5 seconds" in message
        assert re.search(r"stopped (before|while reading) page [0-9]+ of 100", message)

    def test_the_reader_reads_every_published_letter_as_this_process_does(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pdfs = sorted((Path(__file__).parent.parent / "corpus" / "real").glob("*.pdf"))[:8]
        in_reader = [pdfium.page_texts(path.read_bytes()) for path in pdfs]
        monkeypatch.setattr(pdfium, "_ISOLATE", False)
        assert in_reader == [pdfium.page_texts(path.read_bytes()) for path in pdfs]

    def test_a_failure_in_the_reader_is_raised_here_and_the_reader_goes_on(
        self, monkeypatch: pytest.MonkeyPatch, forked: list[int]
    ) -> None:
        def broken(*args: Any) -> list[str]:
            raise ValueError("a bug")

        monkeypatch.setattr(pdfprocess, "_read", broken)
        for _ in range(2):
            with pytest.raises(RuntimeError, match="ValueError: a bug"):
                pdfium.page_texts(text_pdf([["one"]]))
        assert len(forked) == 1

    def test_one_reader_reads_pdf_after_pdf(self, forked: list[int]) -> None:
        for words in ("one", "two", "three"):
            assert pdfium.page_texts(text_pdf([[words]])) == [words + "\n"]
        assert len(forked) == 1

    def test_a_reader_killed_between_pdfs_is_replaced(self, forked: list[int]) -> None:
        pdfium.page_texts(text_pdf([["one"]]))
        os.kill(forked[0], signal.SIGKILL)
        os.waitid(os.P_PID, forked[0], os.WEXITED | os.WNOWAIT)  # (dead, not yet collected)
        assert pdfium.page_texts(text_pdf([["two"]])) == ["two\n"]
        assert len(forked) == 2
        assert _collected(forked[:1])

    def test_a_process_forked_from_one_with_a_reader_starts_a_reader_of_its_own(
        self, forked: list[int]
    ) -> None:
        # (As a batch's workers are: the reader they inherit is their parent's.)
        pdfium.page_texts(text_pdf([["one"]]))
        worker = os.fork()
        if worker == 0:
            ok = pdfium.page_texts(text_pdf([["two"]])) == ["two\n"]
            os._exit(0 if ok else 1)
        _, status = os.waitpid(worker, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert pdfium.page_texts(text_pdf([["three"]])) == ["three\n"]
        assert forked == [forked[0], worker]  # (the worker's reader was forked in the worker)

    def test_a_pdf_that_crashes_the_reader_is_damaged_and_this_process_goes_on(
        self, monkeypatch: pytest.MonkeyPatch, forked: list[int]
    ) -> None:
        # (In this process, a fault of PDFium's on a PDF would end the whole run.)
        def crashing(*args: Any) -> list[str]:
            os.kill(os.getpid(), signal.SIGSEGV)
            return []

        monkeypatch.setattr(pdfprocess, "_read", crashing)
        with pytest.raises(LetterError) as caught:
            pdf_text(text_pdf([["one"]]))
        assert caught.value.first.code == "IMR107"
        assert caught.value.first.message == (
            "the PDF is damaged and cannot be read "
            "(PDFium failed on it: its reader ended with signal 11)"
        )
        assert _collected(forked)

    def test_a_pdf_is_read_in_this_process_when_no_reader_can_be_made(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def refused() -> int:
            raise OSError(11, "Resource temporarily unavailable")

        monkeypatch.setattr(os, "fork", refused)
        assert pdfium.page_texts(text_pdf([["one", "two"]])) == ["one\ntwo\n"]

    def test_a_reader_made_by_a_thread_that_has_ended_still_reads(self, forked: list[int]) -> None:
        # (The kernel's "die with the parent" is tied to the thread that forked: a reader asked
        # for it died with a short-lived thread, and the PDF another thread was reading with it.)
        thread = threading.Thread(target=pdfium.page_texts, args=(text_pdf([["one"]]),))
        thread.start()
        thread.join()
        assert pdfium.page_texts(text_pdf([["two"]])) == ["two\n"]
        assert len(forked) == 1

    def test_a_pdfs_time_starts_when_it_is_its_turn(self) -> None:
        # Another thread reads a PDF (it holds the lock) for longer than this PDF's budget.
        got: list[Any] = []
        budget = Budget(seconds=0.3)
        with pdfium._LOCK:
            thread = threading.Thread(
                target=lambda: got.append(pdfium.page_texts(text_pdf([["one"]]), budget))
            )
            thread.start()
            time.sleep(0.6)
        thread.join()
        assert got == [["one\n"]]

    def test_a_process_forked_while_another_thread_reads_a_pdf_reads_its_own(self) -> None:
        with pdfium._LOCK:  # (another thread, reading)
            child = os.fork()
            if child == 0:
                os._exit(0 if pdfium.page_texts(text_pdf([["one"]])) == ["one\n"] else 1)
        assert _exit_code(child, within=20) == 0

    def test_a_crash_after_a_pdf_that_took_much_memory_is_damaged_not_over_its_budget(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls: list[int] = []

        def heavy_then_crashing(*args: Any) -> list[str]:
            calls.append(1)  # (in the reader)
            if len(calls) == 1:
                block = bytearray(200 * MB)  # touched: resident
                del block
                return ["one\n"]
            os.kill(os.getpid(), signal.SIGSEGV)
            return []

        monkeypatch.setattr(pdfprocess, "_read", heavy_then_crashing)
        assert pdfium.page_texts(text_pdf([["one"]])) == ["one\n"]
        with pytest.raises(pdfium.PdfProblem) as caught:
            pdfium.page_texts(text_pdf([["two"]]))
        assert (caught.value.kind, str(caught.value)) == (
            "damaged",
            "PDFium failed on it: its reader ended with signal 11",
        )

    def test_a_reader_ignores_what_its_parent_ignores(self, forked: list[int]) -> None:
        # (Under nohup, the hang-up that ends the terminal must not end the reader either.)
        previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
        try:
            pdfium.page_texts(text_pdf([["one"]]))
            os.kill(forked[0], signal.SIGHUP)
            assert pdfium.page_texts(text_pdf([["two"]])) == ["two\n"]
        finally:
            signal.signal(signal.SIGHUP, previous)
        assert len(forked) == 1

    def test_a_reader_that_crashes_where_children_are_not_waited_for_is_damaged(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def crashing(*args: Any) -> list[str]:
            os.kill(os.getpid(), signal.SIGSEGV)
            return []

        monkeypatch.setattr(pdfprocess, "_read", crashing)
        previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        try:
            with pytest.raises(pdfium.PdfProblem) as caught:
                pdfium.page_texts(text_pdf([["one"]]))
        finally:
            signal.signal(signal.SIGCHLD, previous)
        assert caught.value.kind == "damaged"

    def test_a_reader_closes_its_parents_files_where_it_cannot_list_them(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        real = os.listdir

        def no_proc(path: Any = ".") -> list[str]:
            if str(path).startswith("/proc"):
                raise FileNotFoundError(2, "No such file or directory", str(path))
            return real(path)

        monkeypatch.setattr(os, "listdir", no_proc)
        ours, theirs = os.pipe()  # (a file of this process's, such as a pool's pipe)
        try:
            assert pdfium.page_texts(text_pdf([["one"]])) == ["one\n"]
            os.close(theirs)
            # With the reader alive, the pipe ends: the reader holds no copy of its other end.
            assert pdfprocess._reader is not None
            assert select.select([ours], [], [], 5)[0] == [ours]
            assert os.read(ours, 1) == b""
        finally:
            os.close(ours)

    def test_a_readers_memory_limit_is_never_above_the_one_the_user_set(self) -> None:
        child = os.fork()
        if child == 0:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            resource.setrlimit(resource.RLIMIT_AS, (2**40, hard))
            pdfprocess._limit_memory(2**41)
            os._exit(0 if resource.getrlimit(resource.RLIMIT_AS)[0] == 2**40 else 1)
        assert _exit_code(child, within=20) == 0

    @pytest.mark.parametrize(
        "budget",
        [Budget(memory=512e6), Budget(memory=float("inf"), seconds=float("inf"))],
        ids=["a float", "infinite"],
    )
    def test_a_budget_of_any_size_reads_a_letters_pdf(self, budget: Budget) -> None:
        assert pdfium.page_texts(text_pdf([["one"]]), budget) == ["one\n"]


def test_a_budget_of_nothing_is_refused_when_it_is_made() -> None:
    for nothing in ({"seconds": 0}, {"memory": -1}, {"pages": float("nan")}):
        with pytest.raises(ValueError, match="must be more than 0"):
            Budget(**nothing)


def test_a_process_dies_with_its_parent_even_when_its_parent_is_process_1() -> None:
    # (A container without an init: imrparse is process 1, and was taken for a dead parent.)
    for parent, code in ((os.getpid(), 0), (-5, 1)):  # (-5: the parent it was told of is gone)
        child = os.fork()
        if child == 0:
            lifetime.die_with_parent(parent)
            os._exit(0)
        assert _exit_code(child, within=20) == code


def _exit_code(pid: int, *, within: float) -> int | None:
    """The exit code of child ``pid`` once it ends; None (and the child killed) if it runs on
    for ``within`` seconds."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def _collected(pids: list[int]) -> bool:
    """Whether each of these child processes has ended and been collected (no zombie)."""
    assert pids
    return not any(Path(f"/proc/{pid}").exists() for pid in pids)


@pytest.mark.slow
def test_a_100_page_pdf_that_draws_one_70_mb_stream_on_each_is_answered_within_its_budget() -> None:
    # (Default budget: about 3.5 seconds here.)
    with pytest.raises(LetterError) as caught:
        parse_bytes(shared_stream_pdf(100, 70 * MB))
    assert caught.value.first.code == "IMR113"
    assert "took over 3 seconds" in caught.value.first.message


# ---- 6. linear time on a conforming letter --------------------------------------------------


@pytest.fixture
def nodes_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rule of each node the lean driver makes for a rule with no method of its own."""
    made: list[str] = []

    class Counted(lalr._Node):
        __slots__ = ()

        def __init__(self, data: str, children: list[Any]) -> None:
            made.append(data)
            super().__init__(data, children)

    monkeypatch.setattr(lalr, "_Node", Counted)
    return made


def test_a_repetition_of_paragraphs_is_one_node_however_many_paragraphs_it_has(
    nodes_made: list[str],
) -> None:
    # Each step of a repetition takes the node of the steps before over: copying its list at
    # every step made N paragraphs cost N²/2 (20,000 lines 1.3 s, 160,000 lines 186 s).
    parse(SEED)  # (the slot grammars' readers remember what they read: count from here)
    counts = []
    for paragraphs in (10, 2_000):
        nodes_made.clear()
        letter = parse(seed_with_in_summary(ONE_LINE_PARAGRAPH, paragraphs))
        assert letter.clinical_case_summary.count("Short.") == paragraphs
        counts.append(len(nodes_made))
    assert counts[0] == counts[1]


def test_a_summary_of_thousands_of_one_line_paragraphs_keeps_each_of_them() -> None:
    letter = parse(seed_with_in_summary(ONE_LINE_PARAGRAPH, 20_000))
    seed = parse(SEED)
    summary = letter.clinical_case_summary
    assert summary.split("\n\n").count("Short.") == 20_000
    assert summary.replace("Short.\n\n", "") == seed.clinical_case_summary
    assert letter.determinations == seed.determinations


class _CountingRe(ModuleType):
    """The `re` module, counting the searches `imrparse.normalize` makes with it."""

    def __init__(self) -> None:
        super().__init__("re")
        self.searches = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    def search(self, pattern: str, text: str, flags: int = 0) -> re.Match[str] | None:
        self.searches += 1
        return re.search(pattern, text, flags)


@pytest.fixture
def normalize_searches(monkeypatch: pytest.MonkeyPatch) -> Iterator[_CountingRe]:
    counting = _CountingRe()
    monkeypatch.setattr(normalize, "re", counting)
    yield counting


def test_a_heading_out_of_place_many_times_is_looked_for_once(
    normalize_searches: _CountingRe,
) -> None:
    # Searching the text up to each heading out of place anew cost its length squared.
    imrparse.validate(seed_with_in_summary("CLINICAL CASE SUMMARY\n\n \n\n", 500))
    assert normalize_searches.searches == 1


def test_a_letter_with_more_problems_than_are_listed_says_how_many_more_there_were() -> None:
    # (Locating each of 384,000 headings out of place took 6 seconds.)
    problems = imrparse.validate(seed_with_in_summary("CLINICAL CASE SUMMARY\n\n \n\n", 500))
    assert len(problems) == MAX_LISTED == 100
    assert all(p.message.startswith("'CLINICAL CASE SUMMARY' appears again") for p in problems)
    assert problems[-1].message.endswith("(and 400 more problems found, not listed)")
    assert problems[-2].message.endswith("out of place")


def test_the_count_of_problems_not_listed_is_on_the_last_one_shown_when_the_parse_stops_too() -> (
    None
):
    # The letter ends in its summary: why the parse stopped comes last, in order, with the count.
    text = seed_with_in_summary("CLINICAL CASE SUMMARY\n\n \n\n", 150)
    problems = imrparse.validate(text[: text.index("IMR ISSUES, DECISIONS AND RATIONALES")])
    assert [(p.line, p.column) for p in problems] == sorted((p.line, p.column) for p in problems)
    assert len(problems) == MAX_LISTED + 1
    assert problems[-1].code == "IMR201"
    assert [p for p in problems if "not listed" in p.message] == [problems[-1]]
    assert problems[-1].message.endswith("(and 50 more problems found, not listed)")


def test_a_text_of_more_lines_than_a_letter_may_have_is_refused_before_it_is_read() -> None:
    # 10 MB of one-letter lines (3.3 million) took 4 to 10 seconds and up to 850 MB.
    check_text("x\n" * MAX_LINES)
    check_text("x\f" * (MAX_LINES // 2) + "\n" * 10_000_000)  # (empty lines are not counted)
    for too_many in ("x\n" * MAX_LINES + "x", "x\r\n\f" * (MAX_LINES + 1)):
        with pytest.raises(LetterError) as raised:
            check_text(too_many)
        first = raised.value.first
        assert (first.code, first.line, first.column) == ("IMR106", 1, 1)
        assert first.message == (
            "input has 500,001 lines that are not empty, over the limit of 500,000 "
            "(a letter has a few hundred)"
        )


def test_a_heading_that_came_before_is_told_from_one_that_did_not() -> None:
    normal = normalize.normalize("A\nCLINICAL CASE\nSUMMARY here\nB\nCLINICAL CASE SUMMARY\n")
    heading = "CLINICAL CASE SUMMARY"
    first, second = normal.text.index("CLINICAL"), normal.text.rindex("CLINICAL")
    assert not normal.starts_a_line_before(heading, first)
    assert not normal.starts_a_line_before(heading, first + len(heading) - 1)
    assert normal.starts_a_line_before(heading, first + len(heading))
    assert normal.starts_a_line_before(heading, second)
    assert not normal.starts_a_line_before("MISSING HEADING", len(normal.text))


def test_a_run_of_a_million_blank_lines_is_looked_at_by_its_edges() -> None:
    kinds = "T" + "E" * 1_000_000 + "T" + "ES" * 500_000 + "T"
    assert list(normalize._segment_order(kinds)) == [
        0, 1, 2, 999_999, 1_000_000, 1_000_001,
        1_000_002, 1_000_003, 1_000_005, 2_000_000, 2_000_001, 2_000_002,
    ]  # fmt: skip


def test_the_seed_and_ten_million_line_ends_reads_as_the_seed() -> None:
    # 24 s and 662 MB before (issue 13): every blank line was an entry in several lists, and a
    # pattern tried again from each of them.
    assert parse(SEED + "\n" * 10_000_000) == parse(SEED)


def test_the_seed_a_form_feed_and_ten_million_line_ends_reads_as_the_seed() -> None:
    # (One form feed made each empty line three Python objects of their own: 818 MB.)
    normal = normalize.normalize(SEED + "\f" + "\n" * 10_000_000)
    assert normal.segments is not None
    assert isinstance(normal.segments.lines, array) and isinstance(normal.segments.starts, array)
    assert parse(SEED + "\f" + "\n" * 10_000) == parse(SEED)


def _pages_split_line_by_line(
    source_lines: list[str],
) -> tuple[list[str], list[int], list[int], list[int]]:
    """`normalize._split_pages` as it was, a line at a time: the reference."""
    raws: list[str] = []
    lines: list[int] = []
    starts: list[int] = []
    page_breaks: list[int] = []
    for number, line in enumerate(source_lines, start=1):
        start = 0
        for index, part in enumerate(line.split("\f")):
            if index and (not page_breaks or page_breaks[-1] != len(raws) - 1):
                page_breaks.append(len(raws))
                raws.append("")
                lines.append(number)
                starts.append(start - 1)
            if part or "\f" not in line:
                raws.append(part)
                lines.append(number)
                starts.append(start)
            start += len(part) + 1
    return raws, lines, starts, page_breaks


@given(st.lists(st.sampled_from(["", " ", "a", "\f", "a\fb", "\f\f", "x\f", "\fy"]), max_size=30))
def test_pages_are_split_as_a_line_at_a_time_would(source_lines: list[str]) -> None:
    raws, lines, starts, page_breaks = normalize._split_pages(source_lines)
    assert (raws, list(lines), list(starts), page_breaks) == _pages_split_line_by_line(source_lines)


@given(st.text("TESPF", max_size=12))
def test_page_breaks_and_the_empty_lines_beside_them_count_as_one_empty_line(kinds: str) -> None:
    assert normalize._page_gaps_as_empty_lines(kinds) == re.sub("E*PE*", "E", kinds)


_PIECES = st.sampled_from(["word", "", " ", "Page 1 of 2", "\f", "ab-", "x\u00ad"])


@given(st.lists(_PIECES, max_size=30), st.lists(_PIECES, max_size=30), st.integers(0, 40))
def test_a_run_of_blank_lines_looked_at_by_its_edges_normalizes_as_looked_at_whole(
    before: list[str], after: list[str], run: int
) -> None:
    text = "\n".join([*before, *[""] * run, " ", *[""] * run, *after])
    by_edges = normalize.normalize(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize, "_segment_order", lambda kinds: range(len(kinds)))
        whole = normalize.normalize(text)
    assert (by_edges.text, by_edges.paragraphs_known) == (whole.text, whole.paragraphs_known)


def test_the_seed_with_160000_more_paragraphs_reads_as_the_seed_with_them() -> None:
    letter = parse(seed_with_in_summary(ONE_LINE_PARAGRAPH, 160_000))
    assert letter.clinical_case_summary.count("Short.") == 160_000


# ---- text that is not UTF-8 ----------------------------------------------------------------


def _cp1252_byte_by_byte(error: UnicodeError) -> tuple[str, int]:
    """What the decoder's fallback gives, the slow way: the bytes it stopped at, one by one."""
    assert isinstance(error, UnicodeDecodeError)
    read = []
    for byte in error.object[error.start : error.end]:
        try:
            read.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            read.append(chr(byte))
    return "".join(read), error.end


codecs.register_error("test-cp1252-byte-by-byte", _cp1252_byte_by_byte)
_PIECES_OF_TEXT = st.sampled_from(
    [b"a", b" ", b"\n", "\u00e9".encode(), "\u2019".encode(), "\U0001f600".encode()]
)


@given(st.lists(st.one_of(_PIECES_OF_TEXT, st.binary(min_size=1, max_size=3)), max_size=40))
def test_bytes_that_are_not_utf8_are_read_as_cp1252_as_one_byte_at_a_time_would(
    pieces: list[bytes],
) -> None:
    data = b"".join(pieces)
    assert data.decode("utf-8", "imrparse-cp1252") == data.decode(
        "utf-8", "test-cp1252-byte-by-byte"
    )


def test_a_run_of_bytes_that_are_not_utf8_is_read_in_steps_of_64_kib(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # (One step per byte: 10 MB of them took 14 seconds.)
    steps: list[int] = []
    real = decode_module._not_utf8()

    class Counting:
        def match(self, data: bytes, start: int) -> re.Match[bytes] | None:
            steps.append(start)
            return real.match(data, start)

    monkeypatch.setattr(decode_module, "_not_utf8", Counting)
    text = decode_module.decode(b"Caf " + b"\x80\x81\xff\x9d" * 100_000 + b" ok")
    assert text == "Caf " + "\u20ac\x81\u00ff\x9d" * 100_000 + " ok"
    assert steps == list(range(4, 400_004, 65_536))


# ---- 9. "%PDF-" in a text letter ------------------------------------------------------------

_PDF = pdf_of_pages(seed_pages())


@pytest.mark.parametrize(
    ("data", "pdf"),
    [
        (_PDF, True),
        (b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n" + _PDF, True),
        (bytes(range(128)) + _PDF, True),  # a MacBinary header: 128 bytes
        (b"%PDF-1.4\n", True),  # a PDF cut short after its header is still a PDF
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) + b"\n%%EOF\n", True),
        (b"Scanned from letter.pdf (%PDF-1.4)\n\n" + SEED.encode(), False),
        (b'The file "%PDF-1.7.pdf" came by mail.\n' + SEED.encode(), False),
        (SEED.encode() + b"\n%PDF-1.4 endobj %%EOF\n", False),  # past the first kilobyte
        (b" " * 1020 + b"%PDF-1.4\n" + _PDF[9:], True),  # still in the first kilobyte
        (b" " * 1030 + _PDF, False),
    ],
    ids=[
        "a PDF",
        "behind an HTTP header",
        "behind a MacBinary header",
        "cut after its header",
        "damaged",
        "quoted in a text letter's first line",
        "a file name in a text letter",
        "quoted late in a text letter",
        "at the end of the first kilobyte",
        "past the first kilobyte",
    ],
)
def test_a_pdf_is_told_by_its_header_early_and_a_pdfs_body(data: bytes, pdf: bool) -> None:
    assert is_pdf(data) is pdf


def test_a_text_letter_that_quotes_a_pdf_header_in_its_first_line_is_read_as_text() -> None:
    data = b"Scanned from letter.pdf (%PDF-1.4)\n\n" + SEED.encode()
    document = load_document(data)
    assert document.pdf is None
    assert document.text == data.decode()


def test_a_conforming_text_letter_that_names_a_pdf_header_early_gives_its_record() -> None:
    named = "State(s) of Licensure: Maryland, %PDF-1.4"
    text = SEED.replace("State(s) of Licensure: Maryland", named)
    assert text.encode().index(b"%PDF-") < 1024
    letter = parse_bytes(text.encode())
    assert letter.reviewer.licensure == ("Maryland", "%PDF-1.4")
    assert letter.determinations == parse(SEED).determinations


def test_a_pdf_behind_a_download_header_gives_the_same_record_as_the_pdf() -> None:
    junk = b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n"
    assert parse_bytes(junk + _PDF) == parse_bytes(_PDF)
