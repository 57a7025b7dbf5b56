"""What a corpus of letters says, as numbers: the tables of `imrparse report`.

Each letter becomes its *facts* (`letter_facts`: its decision month, reviewer, patient and,
per item, the decision, partial authorization, evidence and MTUS parts each side cited), one
short JSON line that a worker process sends (`facts_task`, a `batch.Task`) in place of the
letter's record, which would be ten times longer and would have to be read back. A `Tally`
takes facts one letter at a time (`add_facts`) and the letters that failed or warned, as the
lines of an ``--errors`` file (`add_problem`), and keeps only counts, so memory stays flat
however many letters come. `Tally.report()` gives the `Report`: every table, each row with its
counts and, for each rate, its 95% Wilson interval (docs/REPORT.md says what each table means
and how the intervals are computed).

JSON Lines that imrparse wrote (records and --errors lines) are read by `RecordLines`, which
turns each record back into a `Letter` and so into the same facts.

Nothing here prints; the command line writes what it returns.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from . import batch, exitcodes
from .batch import Result, Task
from .errors import CODES, LetterError
from .inputs import Source, Unreadable, read_source
from .record import (
    AuthorizationKind,
    Basis,
    Citation,
    CitationSource,
    Decision,
    Guideline,
    Letter,
    RecordError,
)

__all__ = [
    "AGE_BANDS",
    "AUTHORIZATION_KINDS",
    "EVIDENCE",
    "NO_MTUS_PART",
    "REPORT_SCHEMA",
    "SEXES",
    "TABLE_ORDER",
    "Z_95",
    "LeftOut",
    "OutcomeRow",
    "Problem",
    "Rate",
    "RecordLines",
    "RecordsFileError",
    "Report",
    "ShareRow",
    "Table",
    "Tally",
    "facts_task",
    "facts_work",
    "is_records_file",
    "letter_facts",
    "mtus_part",
    "wilson",
]

#: The ``schema`` of `Report.to_dict()`.
REPORT_SCHEMA = "imrparse.report/1"

#: The standard normal quantile for a two-sided 95% interval: ``NormalDist().inv_cdf(0.975)``.
Z_95 = 1.959963984540054


def wilson(count: int, total: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of the proportion ``count / total`` (None when ``total`` is
    0: no letters, no rate).

    Wilson's interval, unlike the textbook ``p ± z·√(p(1-p)/n)``, stays inside [0, 1] and is
    wide for small groups: 1 overturned of 2 items is 9%–91%, not 50% ± 69%, and 0 of 5 is
    0%–43%, not a certain 0%. Small groups must not look certain."""
    if total <= 0:
        return None
    if not 0 <= count <= total:
        raise ValueError(f"a count must lie in 0..total, not {count} of {total}")
    p = count / total
    z2 = z * z
    denominator = 1 + z2 / total
    centre = (p + z2 / (2 * total)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    # The exact bounds for 0 and all; rounding could leave them a hair off.
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == total else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class Rate:
    """``count`` of ``total``, as a proportion with its 95% Wilson interval."""

    count: int
    total: int

    @property
    def value(self) -> float | None:
        return None if self.total == 0 else self.count / self.total

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.count, self.total)


# ---- tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeRow:
    """How the items of one group were decided."""

    group: str
    letters: int
    items: int
    overturned: int

    @property
    def upheld(self) -> int:
        return self.items - self.overturned

    @property
    def overturned_rate(self) -> Rate:
        return Rate(self.overturned, self.items)

    def as_dict(self) -> dict[str, str | int | float | None]:
        rate = self.overturned_rate
        low, high = rate.interval or (None, None)
        return {
            "group": self.group,
            "letters": self.letters,
            "items": self.items,
            "upheld": self.upheld,
            "overturned": self.overturned,
            "overturned_rate": rate.value,
            "overturned_low": low,
            "overturned_high": high,
        }


@dataclass(frozen=True)
class ShareRow:
    """How many of a whole (letters or items) fall in one group."""

    group: str
    count: int
    total: int

    @property
    def share(self) -> Rate:
        return Rate(self.count, self.total)

    def as_dict(self) -> dict[str, str | int | float | None]:
        share = self.share
        low, high = share.interval or (None, None)
        return {
            "group": self.group,
            "count": self.count,
            "total": self.total,
            "share": share.value,
            "share_low": low,
            "share_high": high,
        }


@dataclass(frozen=True)
class LeftOut:
    """Letters a table does not count, and why (so that nothing is left out silently)."""

    letters: int
    reason: str
    #: Whether each of these letters is listed in the report (with its first diagnostic).
    listed: bool = False


@dataclass(frozen=True)
class Table:
    """One table of the report: rows of outcomes (items upheld and overturned per group, the
    rate being the share overturned) or of shares (how many of a whole fall in each group)."""

    key: str
    title: str
    #: What a row counts, and how an item or letter is put in a group.
    description: str
    #: "outcomes": `OutcomeRow`s; "shares": `ShareRow`s.
    kind: Literal["outcomes", "shares"]
    #: The letters and items the table rests on.
    letters: int
    items: int
    rows: tuple[OutcomeRow, ...] | tuple[ShareRow, ...]
    left_out: tuple[LeftOut, ...] = ()
    #: When an item or letter may count in several rows (a reviewer's several specialties).
    overlapping: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        if self.kind == "outcomes":
            return (
                "group", "letters", "items", "upheld", "overturned",
                "overturned_rate", "overturned_low", "overturned_high",
            )  # fmt: skip
        return ("group", "count", "total", "share", "share_low", "share_high")

    def records(self) -> list[dict[str, str | int | float | None]]:
        """The rows as dicts, in column order (what JSON and CSV carry)."""
        return [row.as_dict() for row in self.rows]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "description": self.description,
            "kind": self.kind,
            "letters": self.letters,
            "items": self.items,
            "overlapping": self.overlapping,
            "left_out": [
                {"letters": o.letters, "reason": o.reason, "listed": o.listed}
                for o in self.left_out
            ],
            "columns": list(self.columns),
            "rows": self.records(),
        }


@dataclass(frozen=True)
class Problem:
    """An input the figures leave out or flag: a letter that failed (``error``) or could not
    be read (``error`` with no code), one that parsed with warnings (``warning``: it is
    counted), or one that repeats a letter already counted (``repeat``)."""

    source: str
    severity: Literal["error", "warning", "repeat"]
    #: The first diagnostic's code (IMRnnn); None for an unreadable file or a repeat.
    code: str | None
    message: str
    line: int | None = None
    column: int | None = None
    #: For a PDF, the page the line is on.
    page: int | None = None

    @property
    def location(self) -> str:
        """``source:line:column`` (``source:page P:line:column`` for a PDF), as diagnostics
        are written; just the source when there is no line."""
        if self.line is None or self.column is None:
            return self.source
        page = "" if self.page is None else f"page {self.page}:"
        return f"{self.source}:{page}{self.line}:{self.column}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "severity": self.severity,
            "code": self.code,
            "line": self.line,
            "column": self.column,
            "page": self.page,
            "message": self.message,
        }


@dataclass(frozen=True)
class Report:
    """Every number of the report."""

    #: Inputs given: letters parsed (counted or repeats), failed and unreadable.
    inputs: int
    parsed: int
    #: Letters that parsed with warnings (each is counted; its first warning is listed).
    warned: int
    failed: int
    unreadable: int
    #: Inputs whose record is the same as an earlier input's (the same letter as PDF and text).
    repeated: int
    items: int
    overturned: int
    tables: tuple[Table, ...]
    #: Every input that failed, could not be read, warned or repeats another, by source.
    problems: tuple[Problem, ...]

    @property
    def letters(self) -> int:
        """Letters every figure rests on: those that parsed, each counted once."""
        return self.parsed - self.repeated

    @property
    def upheld(self) -> int:
        return self.items - self.overturned

    @property
    def status(self) -> int:
        """The exit status `imrparse parse` would give for the same inputs: 2 when a file
        could not be read, 1 when a letter does not conform, else 0."""
        return 2 if self.unreadable else 1 if self.failed else 0

    def csv_files(self) -> dict[str, str]:
        """The tables as CSV texts, by file name: ``KEY.csv`` for each table (its columns,
        rates as fractions at full precision, an empty field for a rate of nothing), and
        ``problems.csv`` (one row per problem)."""
        files = {
            f"{table.key}.csv": _csv_text(table.columns, table.records()) for table in self.tables
        }
        files["problems.csv"] = _csv_text(
            _PROBLEM_COLUMNS, [problem.to_dict() for problem in self.problems]
        )
        return files

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": REPORT_SCHEMA,
            "inputs": self.inputs,
            "parsed": self.parsed,
            "warned": self.warned,
            "failed": self.failed,
            "unreadable": self.unreadable,
            "repeated": self.repeated,
            "letters": self.letters,
            "items": self.items,
            "upheld": self.upheld,
            "overturned": self.overturned,
            "tables": [table.to_dict() for table in self.tables],
            "problems": [problem.to_dict() for problem in self.problems],
        }


_PROBLEM_COLUMNS = ("source", "severity", "code", "line", "column", "page", "message")


def _csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180, as imrparse's own CSV
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    return buffer.getvalue()


# ---- what a letter is counted under -------------------------------------------------------

NO_MTUS_PART = "(no MTUS part cited)"

#: A guideline's evidence, from its `basis` and `mtus` (LETTER-FORMAT §4), in table order.
EVIDENCE: dict[tuple[Basis | None, bool | None], str] = {
    (Basis.CITATIONS, True): "MTUS cited",
    (Basis.CITATIONS, False): "Non-MTUS citations only",
    (Basis.OUTSIDE_MTUS, False): "Outside the MTUS, no citation",
    (Basis.NO_EVIDENCE, False): "No medical evidence cited",
    (None, None): "Not stated or not recognized",
}

#: Patient age bands, as (label, the lowest age in it): each runs to the next one's lowest.
AGE_BANDS = (
    ("under 30", 0),
    ("30–39", 30),
    ("40–49", 40),
    ("50–59", 50),
    ("60–69", 60),
    ("70 and over", 70),
)

AUTHORIZATION_KINDS: dict[AuthorizationKind | None, str] = {
    None: "whole request disputed",
    AuthorizationKind.PORTION: "portion authorized",
    AuthorizationKind.ALTERNATIVE: "alternative authorized",
}

SEXES = ("female", "male")

# Codes batch.run gives an input that was never read as a letter: an I/O error, or a worker
# that died on it. They count as "could not be read", not as letters that failed.
_NOT_READ = {"IMR111", "IMR112"}


def mtus_part(citation: Citation) -> str:
    """An MTUS citation as analysts group it: its title and edition year (the CSV's
    ``*_mtus_parts`` column writes it the same way)."""
    return citation.title if citation.year is None else f"{citation.title} {citation.year}"


def _evidence(guideline: Guideline) -> str:
    try:
        return EVIDENCE[guideline.basis, guideline.mtus]
    except KeyError:
        # The parser never gives another combination; a record from elsewhere might.
        raise RecordError(
            f"basis {guideline.basis} with mtus {guideline.mtus} is not a combination "
            "LETTER-FORMAT §4 allows"
        ) from None


def _guideline_facts(guideline: Guideline) -> tuple[str, list[str]]:
    # Each part once per item, however many of its sections are cited.
    parts = dict.fromkeys(
        mtus_part(c) for c in guideline.citations if c.source is CitationSource.MTUS
    )
    return _evidence(guideline), list(parts)


def letter_facts(letter: Letter, source: str) -> str:
    """What the report counts of one letter, as one compact JSON line (a few hundred bytes
    where the record is several kilobytes): a worker sends it, `Tally.add_facts` counts it.

    ``[source, fingerprint, decision month, licensure, specialties, age, sex, items]``, each
    item ``[overturned, authorization, MAXIMUS evidence, MAXIMUS MTUS parts, claims
    administrator evidence, claims administrator MTUS parts]``; the groups are the tables'
    labels. The fingerprint is equal for two inputs that hold the same letter (its PDF and
    its text, or one file given twice): a hash of its case header and text slots, the same
    in every process (Python's own `hash` of a string is not)."""
    digest = hashlib.blake2b(digest_size=8)
    case = letter.case
    digest.update(repr(case).encode())
    digest.update(letter.clinical_case_summary.encode())
    items = []
    for d in letter.determinations:
        digest.update(f"\0{d.item}\0{d.decision.value}\0{d.rationale}".encode())
        authorization = None if d.authorization is None else d.authorization.kind
        items.append(
            [
                d.decision is Decision.OVERTURNED,
                AUTHORIZATION_KINDS[authorization],
                *_guideline_facts(d.maximus_guideline),
                *_guideline_facts(d.claims_administrator_guideline),
            ]
        )
    age = letter.patient.age
    facts = [
        source,
        digest.hexdigest(),
        None if case is None else f"{case.decision_date:%Y-%m}",
        list(dict.fromkeys(letter.reviewer.licensure)),
        list(dict.fromkeys(letter.reviewer.specialties)),
        age,
        None if letter.patient.sex is None else letter.patient.sex.value,
        items,
    ]
    return json.dumps(facts, ensure_ascii=False, separators=(",", ":"))


def facts_task(source: Source, *, max_bytes: int | None) -> Result:
    """A `batch.Task`: one input read and parsed in a worker, and for a letter that parses,
    its `letter_facts` as the result's output instead of its record (writing the record would
    cost a tenth of the parse, and the parent would then have to read it back).

    A letter that fails, cannot be read or has warnings is handed to `batch.parse_task`, so
    that it is reported exactly as `imrparse parse` reports it; for those (few) inputs that
    reads them a second time."""
    try:
        letter, warnings = read_source(source, max_bytes).parse_with_warnings()
    except (Unreadable, LetterError):
        return batch.parse_task(source, fmt="jsonl", max_bytes=max_bytes, single=False)
    facts = letter_facts(letter, source.name)
    if warnings:
        reported = batch.parse_task(source, fmt="jsonl", max_bytes=max_bytes, single=False)
        return reported._replace(output=facts)
    return Result(source.name, exitcodes.OK, facts, len(letter.determinations))


def facts_work(*, max_bytes: int | None) -> Task:
    """`facts_task` with its option bound, for `batch.run` (which sends it to workers)."""
    return partial(facts_task, max_bytes=max_bytes)


class _Groups:
    """Per group: letters, items, items overturned.

    Each group also keeps the number of the last letter counted under it, so that the items
    of one letter that fall in a group count that letter once there: no set per letter is
    built, which matters at a few microseconds per letter."""

    def __init__(self) -> None:
        # group -> [letters, items, overturned, number of the last letter counted]
        self.counts: dict[str, list[int]] = {}

    def add(self, group: str, items: int, overturned: int) -> None:
        """A whole letter, counted once under ``group``."""
        counts = self.counts.get(group)
        if counts is None:
            self.counts[group] = [1, items, overturned, 0]
        else:
            counts[0] += 1
            counts[1] += items
            counts[2] += overturned

    def tick(self, group: str, overturned: bool, letter: int) -> None:
        """One item of the letter numbered ``letter``."""
        counts = self.counts.get(group)
        if counts is None:
            self.counts[group] = [1, 1, int(overturned), letter]
            return
        counts[1] += 1
        counts[2] += overturned
        if counts[3] != letter:
            counts[0] += 1
            counts[3] = letter

    def rows(self, order: Sequence[str] | None = None) -> tuple[OutcomeRow, ...]:
        """The groups in ``order`` (those present), else most items first, then by name."""
        if order is None:
            keys = sorted(self.counts, key=lambda g: (-self.counts[g][1], g))
        else:
            keys = [g for g in order if g in self.counts]
        return tuple(OutcomeRow(g, *self.counts[g][:3]) for g in keys)


def _groups_by_side() -> dict[str, _Groups]:
    return {"maximus": _Groups(), "ca": _Groups()}


@dataclass
class Tally:
    """Counts, taken one letter's facts (`add_facts`) and one problem (`add_problem`) at a
    time: memory holds counts per group, and a fingerprint per letter (to know repeats)."""

    parsed: int = 0
    warned: int = 0
    failed: int = 0
    unreadable: int = 0
    repeated: int = 0
    items: int = 0
    overturned: int = 0
    letters_overturned: int = 0
    with_header: int = 0
    with_age: int = 0
    with_sex: int = 0
    problems: list[Problem] = field(default_factory=list)
    _seen: dict[str, str] = field(default_factory=dict)
    _months: _Groups = field(default_factory=_Groups)
    _specialties: _Groups = field(default_factory=_Groups)
    _licensure: _Groups = field(default_factory=_Groups)
    _ages: _Groups = field(default_factory=_Groups)
    _sexes: _Groups = field(default_factory=_Groups)
    _authorizations: _Groups = field(default_factory=_Groups)
    _parts: dict[str, _Groups] = field(default_factory=_groups_by_side)
    _evidence: dict[str, _Groups] = field(default_factory=_groups_by_side)
    _items_per_letter: dict[int, int] = field(default_factory=dict)

    def add_facts(self, lines: str) -> None:
        """Count letters given as `letter_facts` lines (one or more, a line each). A letter
        whose fingerprint was seen already is listed as a repeat and not counted again."""
        for line in lines.splitlines():
            self._add(*json.loads(line))

    def _add(
        self,
        source: str,
        fingerprint: str,
        month: str | None,
        licensure: list[str],
        specialties: list[str],
        age: int | None,
        sex: str | None,
        items: list[list[Any]],
    ) -> None:
        self.parsed += 1
        first = self._seen.get(fingerprint)
        if first is not None:
            self.repeated += 1
            self.problems.append(
                Problem(source, "repeat", None, f"the same letter as {first}; counted once")
            )
            return
        self._seen[fingerprint] = source
        letter = self.parsed
        overturned = 0
        kinds = self._authorizations
        maximus_evidence, ca_evidence = self._evidence["maximus"], self._evidence["ca"]
        maximus_parts, ca_parts = self._parts["maximus"], self._parts["ca"]
        for over, kind, m_evidence, m_parts, c_evidence, c_parts in items:
            overturned += over
            kinds.tick(kind, over, letter)
            maximus_evidence.tick(m_evidence, over, letter)
            ca_evidence.tick(c_evidence, over, letter)
            for part in m_parts or (NO_MTUS_PART,):
                maximus_parts.tick(part, over, letter)
            for part in c_parts or (NO_MTUS_PART,):
                ca_parts.tick(part, over, letter)
        count = len(items)
        self.items += count
        self.overturned += overturned
        self.letters_overturned += overturned > 0
        self._items_per_letter[count] = self._items_per_letter.get(count, 0) + 1
        if month is not None:
            self.with_header += 1
            self._months.add(month, count, overturned)
        for specialty in specialties:
            self._specialties.add(specialty, count, overturned)
        for state in licensure:
            self._licensure.add(state, count, overturned)
        if age is not None:
            self.with_age += 1
            self._ages.add(_age_band(age), count, overturned)
        if sex is not None:
            self.with_sex += 1
            self._sexes.add(sex, count, overturned)

    def add_problem(self, problem: Mapping[str, Any]) -> None:
        """Take one line of an ``--errors`` file (as data): a letter that failed or could not
        be read, or one that parsed with warnings (whose facts are counted on their own)."""
        severity = problem["severity"]
        source: str = problem["source"]
        diagnostics = problem["diagnostics"]
        if diagnostics:
            first = diagnostics[0]
            entry = Problem(
                source,
                severity,
                first["code"],
                first["message"],
                first["line"] or None,  # batch gives line 0 to an input never read
                first["column"] or None,
                first.get("page"),
            )
        else:
            entry = Problem(source, severity, None, problem[severity])
        if severity == "warning":
            self.warned += 1
        elif entry.code is None or entry.code in _NOT_READ:
            self.unreadable += 1
        else:
            self.failed += 1
        self.problems.append(entry)

    # -- the tables -------------------------------------------------------------------------

    def report(self) -> Report:
        letters = self.parsed - self.repeated
        inputs = self.parsed + self.failed + self.unreadable
        return Report(
            inputs=inputs,
            parsed=self.parsed,
            warned=self.warned,
            failed=self.failed,
            unreadable=self.unreadable,
            repeated=self.repeated,
            items=self.items,
            overturned=self.overturned,
            tables=tuple(
                sorted(
                    [
                        self._overview(inputs, letters),
                        *self._by_item_group(letters),
                        *self._by_letter_group(letters),
                        self._problem_codes(inputs),
                    ],
                    key=lambda table: TABLE_ORDER.index(table.key),
                )
            ),
            problems=tuple(
                sorted(self.problems, key=lambda p: (p.source, _SEVERITY_ORDER[p.severity]))
            ),
        )

    def _overview(self, inputs: int, letters: int) -> Table:
        rows = (
            ShareRow("inputs: letters parsed", self.parsed, inputs),
            ShareRow("inputs: letters that failed", self.failed, inputs),
            ShareRow("inputs: files that could not be read", self.unreadable, inputs),
            ShareRow("inputs: repeats of an earlier input", self.repeated, inputs),
            ShareRow("inputs: letters parsed with warnings", self.warned, inputs),
            ShareRow("letters with an item overturned", self.letters_overturned, letters),
            ShareRow("items upheld", self.items - self.overturned, self.items),
            ShareRow("items overturned", self.overturned, self.items),
        )
        return Table(
            "overview",
            "Letters, items and decisions",
            "Each input is a letter parsed, a letter that failed, or a file that could not be "
            "read. A letter given twice (its PDF and its text) is counted once. Each item is "
            "decided once: upheld (the denial stands) or overturned.",
            "shares",
            letters,
            self.items,
            rows,
            self._not_counted(),
        )

    def _not_counted(self) -> tuple[LeftOut, ...]:
        reasons = (
            (self.failed, "that failed to parse"),
            (self.unreadable, "that could not be read"),
            (self.repeated, "repeating a letter already counted"),
        )
        return tuple(LeftOut(n, reason, listed=True) for n, reason in reasons if n)

    def _by_item_group(self, letters: int) -> list[Table]:
        tables = []
        names = {"maximus": "MAXIMUS", "ca": "the claims administrator"}
        for side in names:
            tables.append(
                Table(
                    f"evidence_{side}",
                    f"By the evidence {names[side]} cited",
                    f"Each item under what {names[side]}'s guideline says its decision rests "
                    "on: an MTUS citation, only non-MTUS citations, recommendations outside "
                    "the MTUS with no citation, no medical evidence, or none of these "
                    "recognizable (the guideline's basis and mtus fields).",
                    "outcomes",
                    letters,
                    self.items,
                    self._evidence[side].rows(list(EVIDENCE.values())),
                    self._not_counted(),
                )
            )
        for side in names:
            tables.append(
                Table(
                    f"mtus_part_{side}",
                    f"By the MTUS part {names[side]} cited",
                    f"Each item under each MTUS part (title and edition year) that "
                    f"{names[side]}'s guideline cites, once per part however many of its "
                    f"sections; items citing no MTUS part under “{NO_MTUS_PART}”.",
                    "outcomes",
                    letters,
                    self.items,
                    self._parts[side].rows(),
                    self._not_counted(),
                    overlapping=True,
                )
            )
        total = self.items
        kinds = self._authorizations.rows(list(AUTHORIZATION_KINDS.values()))
        tables.append(
            Table(
                "authorizations",
                "Partial authorizations: how often",
                "Items whose request the claims administrator had partly authorized before "
                "review: a portion of it (the item is the remaining portion), or an "
                "alternative (the item is the original request).",
                "shares",
                letters,
                total,
                tuple(ShareRow(row.group, row.items, total) for row in kinds),
                self._not_counted(),
            )
        )
        tables.append(
            Table(
                "authorization_outcomes",
                "Partial authorizations: outcomes",
                "How items were decided, by what was authorized before review.",
                "outcomes",
                letters,
                total,
                kinds,
                self._not_counted(),
            )
        )
        return tables

    def _by_letter_group(self, letters: int) -> list[Table]:
        not_counted = self._not_counted()
        per_letter = sorted(self._items_per_letter)
        return [
            Table(
                "month",
                "By decision month",
                "Each letter's items under the month of its case header's decision date.",
                "outcomes",
                self.with_header,
                sum(row.items for row in self._months.rows()),
                self._months.rows(sorted(self._months.counts)),
                (*not_counted, *_left(letters - self.with_header, "without a case header")),
            ),
            Table(
                "specialty",
                "By reviewer specialty",
                "Each letter's items under each of its reviewer's certifications and "
                "specialties (a reviewer may list several).",
                "outcomes",
                letters,
                self.items,
                self._specialties.rows(),
                not_counted,
                overlapping=True,
            ),
            Table(
                "licensure",
                "By reviewer's state of licensure",
                "Each letter's items under each state in which its reviewer is licensed (a "
                "reviewer may list several).",
                "outcomes",
                letters,
                self.items,
                self._licensure.rows(),
                not_counted,
                overlapping=True,
            ),
            Table(
                "items_per_letter",
                "Items per letter",
                "How many letters decide 1, 2, 3, … items.",
                "shares",
                letters,
                self.items,
                tuple(ShareRow(str(n), self._items_per_letter[n], letters) for n in per_letter),
                not_counted,
            ),
            Table(
                "age",
                "By patient age",
                "Each letter's items under the patient's age band, where the clinical case "
                "summary states an age.",
                "outcomes",
                self.with_age,
                sum(row.items for row in self._ages.rows()),
                self._ages.rows([label for label, _ in AGE_BANDS]),
                (*not_counted, *_left(letters - self.with_age, "whose summary states no age")),
            ),
            Table(
                "sex",
                "By patient sex",
                "Each letter's items under the patient's sex, where the clinical case summary "
                "states it.",
                "outcomes",
                self.with_sex,
                sum(row.items for row in self._sexes.rows()),
                self._sexes.rows(SEXES),
                (*not_counted, *_left(letters - self.with_sex, "whose summary states no sex")),
            ),
        ]

    def _problem_codes(self, inputs: int) -> Table:
        counts: dict[str, int] = {}
        for problem in self.problems:
            group = _problem_group(problem)
            counts[group] = counts.get(group, 0) + 1
        return Table(
            "problems",
            "Letters that failed, warned or repeat another",
            "Inputs by what was wrong, by the first diagnostic of each: errors (the letter is "
            "not counted), warnings (the letter is counted), repeats (counted once).",
            "shares",
            inputs,
            self.items,
            tuple(
                ShareRow(group, counts[group], inputs)
                for group in sorted(counts, key=lambda g: (-counts[g], g))
            ),
        )


#: The tables in the order the report shows them (that of issue 16).
TABLE_ORDER = (
    "overview",
    "month",
    "evidence_maximus",
    "evidence_ca",
    "mtus_part_maximus",
    "mtus_part_ca",
    "specialty",
    "licensure",
    "authorizations",
    "authorization_outcomes",
    "items_per_letter",
    "age",
    "sex",
    "problems",
)

_SEVERITY_ORDER = {"error": 0, "warning": 1, "repeat": 2}


def _problem_group(problem: Problem) -> str:
    if problem.severity == "repeat":
        return "repeat: the same letter as an earlier input"
    if problem.code is None:
        return "error: could not be read"
    return f"{problem.severity} {problem.code}: {CODES.get(problem.code, 'unknown code')}"


def _age_band(age: int) -> str:
    band = AGE_BANDS[0][0]
    for label, lowest in AGE_BANDS:
        if age >= lowest:
            band = label
    return band


def _left(letters: int, reason: str) -> tuple[LeftOut, ...]:
    return (LeftOut(letters, reason),) if letters else ()


# ---- records files -----------------------------------------------------------------------


class RecordsFileError(ValueError):
    """A line of a JSON Lines input that is neither an imrparse record nor an --errors line;
    the message names the file and line."""


def is_records_file(name: str) -> bool:
    """Whether an input is JSON Lines written by imrparse rather than a letter: its suffix is
    ``.jsonl`` or ``.ndjson``, or it begins with ``{`` (no letter does, nor a PDF)."""
    if name == "-" or os.path.isdir(name):
        return False
    if name.lower().endswith((".jsonl", ".ndjson")):
        return True
    try:
        with open(name, "rb") as file:
            start = file.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False  # reading it as a letter will say what is wrong
    return start.startswith(b"{")


@dataclass(frozen=True)
class RecordLines:
    """The lines of a JSON Lines input, each a record (``imrparse DIR --format jsonl``) or a
    letter that failed or warned (a line of the ``--errors`` file)."""

    name: str
    lines: Iterable[str]

    def entries(
        self,
    ) -> Iterator[tuple[Literal["facts"], str] | tuple[Literal["problem"], dict[str, Any]]]:
        """Each line checked: a record as its `letter_facts` (so that a letter counts the
        same whether it was read from its file or from its record), or an --errors line as
        data. Raise `RecordsFileError` at the first line that is neither."""
        for number, line in enumerate(self.lines, start=1):
            if not line.strip():
                continue
            where = f"{self.name}:{number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                raise RecordsFileError(f"{where}: not JSON: {error.msg}") from None
            if not isinstance(data, dict) or not isinstance(data.get("source"), str):
                raise RecordsFileError(
                    f'{where}: not a line imrparse writes (a record with its "source", from '
                    "`imrparse DIR --format jsonl`, or a line of its --errors file)"
                )
            if "schema" in data:
                source = data.pop("source")
                try:
                    yield "facts", letter_facts(Letter.from_dict(data), source)
                except RecordError as error:
                    raise RecordsFileError(f"{where}: not an imrparse record: {error}") from None
            elif _is_problem_line(data):
                yield "problem", data
            else:
                raise RecordsFileError(
                    f'{where}: neither a record (no "schema") nor an --errors line (no '
                    '"severity" with its message and "diagnostics")'
                )


def _is_problem_line(data: Mapping[str, Any]) -> bool:
    severity = data.get("severity")
    diagnostics = data.get("diagnostics")
    return (
        severity in ("error", "warning")
        and isinstance(data.get(severity), str)
        and isinstance(diagnostics, list)
        and all(
            isinstance(d, dict)
            and isinstance(d.get("code"), str)
            and isinstance(d.get("message"), str)
            and isinstance(d.get("line"), int)
            and isinstance(d.get("column"), int)
            for d in diagnostics
        )
    )
