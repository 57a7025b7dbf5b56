"""The report as a page: each table of `imrparse.stats` drawn as a chart, in one HTML file.

Charts are drawn by matplotlib as SVG and put inline in the page, which
``templates/report.html.j2`` lays out. So the page is one file that needs nothing else: no
script, no font, no network (readers often work on locked-down machines), it prints as
vectors, and its size does not grow with the number of letters (only with the number of
groups: months, specialties, ...). matplotlib is the optional extra ``imrparse[report]``;
`charts_available` says whether it is installed, and nothing here imports it before
`render_page` (or `prepare`) is called.

Each chart's marks carry the ids ``{table}-mark-{n}`` (a bar each, or for the months one set of
points), and the chart's ``<svg>`` says how many rows it draws in ``data-marks``: a browser test
counts what was drawn against it.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import sys
import threading
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from .resources import templates_dir
from .stats import OutcomeRow, Rate, Report, ShareRow, Table

if TYPE_CHECKING:
    from types import ModuleType

    import jinja2
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CHARTED_ROWS",
    "INSTALL_HINT",
    "LISTED_PROBLEMS",
    "chart_svg",
    "charts_available",
    "draw_charts",
    "prepare",
    "prepare_in_background",
    "render_page",
]

#: What to run when the chart library is missing.
INSTALL_HINT = "pip install 'imrparse[report]'"

#: A chart shows at most this many groups (those with the most items); its table has all.
CHARTED_ROWS = 30

#: The page lists at most this many problem letters (all are counted, and all are in the JSON
#: and CSV forms): a corpus where thousands fail must still give a page that opens.
LISTED_PROBLEMS = 500

# Inches: 7 fit the text block of a printed page (US Letter and A4).
_WIDTH = 7.0
_ROW = 0.2  # inches per bar
_LABEL_CHARS = 40
_COLOUR = "#3b6ea5"
_WHISKER = "#1b2b3a"
_REFERENCE = "#b04a2f"
# Fonts the page's readers have: the SVG names them; matplotlib measures with DejaVu Sans,
# which it ships, and the others are no wider.
_FONTS = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"]


def charts_available() -> bool:
    """Whether the chart library (the ``report`` extra) is installed."""
    return importlib.util.find_spec("matplotlib") is not None


def prepare() -> None:
    """Import the chart library and load the template now (half a second of imports)."""
    _matplotlib()
    _template()


def prepare_in_background() -> threading.Thread:
    """`prepare` in a thread, for a caller that waits for something else meanwhile (worker
    processes reading letters): join it before `render_page`.

    Start it only once the worker processes are running: a process forked while a thread
    imports inherits that import's locks held."""
    thread = threading.Thread(target=prepare, name="imrparse-report-prepare", daemon=True)
    thread.start()
    return thread


@cache
def _matplotlib() -> tuple[ModuleType, ModuleType, type[Figure]]:
    import matplotlib

    # The SVG writer alone: no window system, no raster backend.
    matplotlib.use("svg")
    from matplotlib.backends import backend_svg
    from matplotlib.figure import Figure

    return matplotlib, backend_svg, Figure


# ---- charts ------------------------------------------------------------------------------


def chart_svg(table: Table, reference: float | None = None) -> str:
    """The table as an SVG chart to put inline in HTML: each row's rate (outcome tables: the
    share of items overturned; share tables: the row's share) as a bar, its 95% interval as a
    whisker, ``reference`` (the rate over all items) as a dashed line. Months run left to
    right; other groups top to bottom, at most `CHARTED_ROWS` of them."""
    matplotlib, backend_svg, figure_class = _matplotlib()
    rows = table.rows if table.key == "month" else table.rows[:CHARTED_ROWS]
    rates = [_rate(row) for row in rows]
    values = [rate.value or 0.0 for rate in rates]
    intervals = [rate.interval or (0.0, 0.0) for rate in rates]
    lows = [low for low, _ in intervals]
    highs = [high for _, high in intervals]
    style = {
        "svg.fonttype": "none",  # text stays text: small, selectable, found by search
        "svg.hashsalt": table.key,  # ids unique in the page and the same at every run
        "font.family": "sans-serif",
        "font.sans-serif": _FONTS,
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.rc_context(style):
        if table.key == "month":
            figure = _months(figure_class, table, rows, values, lows, highs, reference)
        else:
            figure = _bars(figure_class, table, rows, values, lows, highs, reference)
        buffer = io.StringIO()
        backend_svg.FigureCanvasSVG(figure).print_svg(
            buffer, metadata={"Date": None, "Creator": None, "Format": None, "Type": None}
        )
    return _inline(buffer.getvalue(), table, len(rows))


def _rate(row: OutcomeRow | ShareRow) -> Rate:
    return row.overturned_rate if isinstance(row, OutcomeRow) else row.share


def _axis_label(table: Table) -> str:
    return "share of items overturned" if table.kind == "outcomes" else "share"


def _bars(
    figure_class: type[Figure],
    table: Table,
    rows: Sequence[OutcomeRow | ShareRow],
    values: list[float],
    lows: list[float],
    highs: list[float],
    reference: float | None,
) -> Figure:
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    labels = [_label(row) for row in rows]
    longest = max((len(label) for label in labels), default=10)
    # Room on the left for the labels: DejaVu Sans at 8 points averages 0.057 inch a
    # character, and browsers draw it up to a few percent wider than matplotlib measures.
    left = min(3.6, 0.3 + 0.062 * longest)
    height = 0.75 + _ROW * len(rows)
    figure = figure_class(figsize=(_WIDTH, height))
    axes: Axes = figure.add_axes(
        (left / _WIDTH, 0.45 / height, 1 - (left + 0.2) / _WIDTH, (height - 0.6) / height)
    )
    positions = range(len(rows))
    bars = axes.barh(positions, values, height=0.65, color=_COLOUR)
    for number, bar in enumerate(bars):
        bar.set_gid(f"{table.key}-mark-{number}")
    axes.hlines(positions, lows, highs, color=_WHISKER, linewidth=0.8)
    if reference is not None:
        axes.axvline(reference, color=_REFERENCE, linestyle="--", linewidth=0.9)
    # Labels as plain text rather than tick labels, and few ticks on the other axis: a tick
    # costs a millisecond to make and draw, and most of a chart's time went to them.
    axes.yaxis.set_visible(False)
    axes.xaxis.set_major_locator(MaxNLocator(5))
    axes.set_ylim(len(rows) - 0.5, -0.5)
    place = axes.get_yaxis_transform()
    for position, label in zip(positions, labels, strict=True):
        axes.text(-0.01, position, label, transform=place, ha="right", va="center")
    axes.set_xlim(0, max(1e-9, *highs) * 1.05)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_xlabel(_axis_label(table))
    return figure


def _months(
    figure_class: type[Figure],
    table: Table,
    rows: Sequence[OutcomeRow | ShareRow],
    values: list[float],
    lows: list[float],
    highs: list[float],
    reference: float | None,
) -> Figure:
    """Months left to right, at their place in time (a month with no letters is a gap in
    the points): each month's rate a point, the intervals a band, a tick at each year (at
    each month, for a year or less)."""
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    height = 2.6
    figure = figure_class(figsize=(_WIDTH, height))
    axes: Axes = figure.add_axes((0.09, 0.2, 0.88, 0.72))
    ordinals = [_ordinal(row.group) for row in rows]
    # One band, one line and one set of points: three artists however many months (a bar per
    # month would cost a millisecond each to draw).
    axes.fill_between(ordinals, lows, highs, color=_COLOUR, alpha=0.2, linewidth=0)
    axes.plot(ordinals, values, color=_COLOUR, linewidth=0.8)
    (points,) = axes.plot(ordinals, values, linestyle="none", marker="o", markersize=2.5)
    points.set_color(_COLOUR)
    points.set_gid(f"{table.key}-mark-0")
    if reference is not None:
        axes.axhline(reference, color=_REFERENCE, linestyle="--", linewidth=0.9)
    first, last = ordinals[0], ordinals[-1]
    if last - first < 12:
        ticks = list(range(first, last + 1))
        labels = [f"{t // 12}-{t % 12 + 1:02}" for t in ticks]
        axes.set_xticks(ticks, labels, rotation=45, ha="right")
    else:
        years = range(first // 12 + (first % 12 > 0), last // 12 + 1)
        step = max(1, len(years) // 12)
        axes.set_xticks([y * 12 for y in years[::step]], [str(y) for y in years[::step]])
    axes.set_xlim(first - 0.6, last + 0.6)
    axes.set_ylim(0, max(1e-9, *highs) * 1.05)
    axes.yaxis.set_major_locator(MaxNLocator(5))
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_ylabel(_axis_label(table))
    return figure


def _ordinal(month: str) -> int:
    """``YYYY-MM`` as a count of months, so that months are spaced as in time."""
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def _label(row: OutcomeRow | ShareRow) -> str:
    group = row.group
    if len(group) > _LABEL_CHARS:
        group = group[: _LABEL_CHARS - 1].rstrip() + "…"
    count = row.items if isinstance(row, OutcomeRow) else row.count
    return f"{group} ({count:,})"


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')
_SIZE = re.compile(r'<svg width="[\d.]+pt" height="[\d.]+pt"')
_ID = re.compile(r'\sid="([^"]+)"')
_REFERENCE_TO = re.compile(r'(?:url\(#|href="#)([^")]+)')


def _inline(svg: str, table: Table, marks: int) -> str:
    """matplotlib's SVG document as an element of the page: no XML prologue, no namespace
    declarations (the HTML parser knows inline SVG; and the page must name no URL at all),
    ``href`` for ``xlink:href``, a width that follows the page, and only the ids that
    something refers to or that name a mark (matplotlib numbers its groups from 1 in every
    chart, and ids must be unique in a page)."""
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _NAMESPACES.sub("", svg)
    svg = svg.replace("xlink:href=", "href=")
    # As wide as the text, its height in proportion (the viewBox stays).
    opening = (
        f'<svg role="img" aria-labelledby="{table.key}-caption" data-marks="{marks}" '
        'class="chart" style="width: 100%; height: auto"'
    )
    svg = _SIZE.sub(opening, svg, count=1)
    referenced = set(_REFERENCE_TO.findall(svg))
    mark = f"{table.key}-mark-"
    return _ID.sub(
        lambda m: m[0] if m[1] in referenced or m[1].startswith(mark) else "", svg
    ).strip()


# ---- the page ----------------------------------------------------------------------------


@cache
def _template() -> jinja2.Template:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,  # group names, sources and messages come from the letters
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["count"] = lambda n: f"{n:,}"
    environment.filters["percent"] = _percent
    environment.filters["interval"] = _interval
    return environment.get_template("report.html.j2")


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _interval(rate: Rate) -> str:
    interval = rate.interval
    return "–" if interval is None else f"{_percent(interval[0])}–{_percent(interval[1])}"


def render_page(report: Report, *, title: str, version: str) -> str:
    """The report as one self-contained HTML page."""
    import markupsafe

    overturned = Rate(report.overturned, report.items)
    overall = overturned.value
    charts = draw_charts(report.tables, overall)
    return _template().render(
        title=title,
        version=version,
        report=report,
        overall=overall,
        upheld=Rate(report.upheld, report.items),
        overturned=overturned,
        charts={key: markupsafe.Markup(svg) for key, svg in charts.items()},
        charted_rows=CHARTED_ROWS,
        problems=report.problems[:LISTED_PROBLEMS],
        unlisted=max(0, len(report.problems) - LISTED_PROBLEMS),
    )


# ---- drawing the charts two at a time --------------------------------------------------------


def draw_charts(
    tables: Sequence[Table], overall: float | None, *, fork: bool | None = None
) -> dict[str, str]:
    """`chart_svg` of every table that has rows, by key (``overall``, the rate over all items,
    is the reference line of outcome tables).

    The charts are the part of a report that cannot run while workers read letters, and take
    half a second: where it is safe, a forked copy of this process (matplotlib imported
    already) draws half of them meanwhile. Safe means on Linux and with no other thread
    running (a process forked while another thread holds a lock inherits it held); ``fork``
    forces the choice. Should the copy fail, its charts are drawn here."""
    pending = sorted((t for t in tables if t.rows), key=_cost, reverse=True)
    drawn: dict[str, str] = {}
    while pending:
        if len(pending) > 2 and (_may_fork() if fork is None else fork):
            mine, theirs = _halves(pending)
            drawn.update(_drawn_in_parallel(mine, theirs, overall))
            break
        # A thread that is still ending (a worker pool's) may be gone after a chart.
        table = pending.pop(0)
        drawn[table.key] = _draw(table, overall)
    return {table.key: drawn[table.key] for table in tables if table.key in drawn}


def _draw(table: Table, overall: float | None) -> str:
    return chart_svg(table, overall if table.kind == "outcomes" else None)


def _cost(table: Table) -> int:
    # Milliseconds, about: a chart costs some twenty, and one more a bar.
    return 20 + (30 if table.key == "month" else len(table.rows[:CHARTED_ROWS]))


def _halves(tables: list[Table]) -> tuple[list[Table], list[Table]]:
    """Two lists of about the same cost (the costliest first, each to the lighter list)."""
    halves: tuple[list[Table], list[Table]] = ([], [])
    for table in tables:
        min(halves, key=lambda half: sum(map(_cost, half))).append(table)
    return halves


def _may_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _drawn_in_parallel(
    mine: list[Table], theirs: list[Table], overall: float | None
) -> dict[str, str]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: draw, send, and end without returning into the caller's code
        status = 1
        try:
            os.close(read)
            with open(write, "wb") as pipe:
                pipe.write(json.dumps([_draw(t, overall) for t in theirs]).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    drawn = {table.key: _draw(table, overall) for table in mine}
    with open(read, "rb") as pipe:
        sent = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status == 0:
        drawn.update(zip((table.key for table in theirs), json.loads(sent), strict=True))
    else:
        drawn.update((table.key, _draw(table, overall)) for table in theirs)
    return drawn
