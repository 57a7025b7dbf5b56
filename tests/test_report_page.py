"""The report page: one file that names nothing outside itself, stays small, escapes what the
letters say, and has a chart and a table for every table of the report."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from letters import Item, letter

from imrparse import reportpage
from imrparse.cli import main
from imrparse.inputs import Source
from imrparse.stats import EVIDENCE, Tally, facts_task

REAL = sorted((Path(__file__).resolve().parent.parent / "corpus" / "real").glob("*.txt"))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("page") / "report.html"
    result = CliRunner().invoke(main, ["report", *map(str, REAL), "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_page_names_no_url_outside_itself(page: str) -> None:
    assert not re.search(r"(?i)\b(?:https?|ftp|file):", page)
    for attribute, value in re.findall(r'(?i)\b(src|href|xlink:href|action)\s*=\s*"([^"]*)"', page):
        assert value.startswith(("#", "data:")), (attribute, value)
    assert re.findall(r"url\(([^)]*)\)", page) and all(
        target.startswith("#") for target in re.findall(r"url\(([^)]*)\)", page)
    )
    for element in ("<script", "<link", "<iframe", "<object", "<embed", "<img", "@import"):
        assert element not in page.lower()


def test_page_has_a_chart_and_a_table_for_every_table_of_the_report(page: str) -> None:
    data = CliRunner().invoke(main, ["report", *map(str, REAL), "-q", "--format", "json"])
    for table in json.loads(data.stdout)["tables"]:
        key = table["key"]
        section = page[page.index(f'<section id="{key}">') :]
        section = section[: section.index("</section>")]
        assert f'aria-labelledby="{key}-caption"' in section
        assert section.count("<tr>") >= len(table["rows"]) + 1  # a header row and each group
        (marks,) = re.findall(r'data-marks="(\d+)"', section)
        assert int(marks) == min(len(table["rows"]), reportpage.CHARTED_ROWS) or key == "month"
        drawn = len(re.findall(rf'id="{key}-mark-\d+"', section))
        assert drawn == (1 if key == "month" else int(marks))


def test_page_prints_with_its_own_styles(page: str) -> None:
    assert "@media print" in page
    assert "thead { display: table-header-group; }" in page


def test_what_letters_say_is_escaped_on_the_page(tmp_path: Path) -> None:
    odd = tmp_path / "odd.txt"
    odd.write_text(
        letter(
            [Item('Norco <10mg> & "more"')],
            specialties="Pain <script>alert(1)</script> & Co",
        )
    )
    out = tmp_path / "report.html"
    assert CliRunner().invoke(main, ["report", str(odd), "-q", "-o", str(out)]).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "Pain &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html


def test_page_for_ten_thousand_letters_stays_well_under_two_megabytes() -> None:
    """Its size grows with the groups (months, specialties, states, parts), not the letters:
    here ten thousand varied letters over 25 years, 60 specialties, 55 states, 40 MTUS parts,
    and 800 failures (of which the page lists `LISTED_PROBLEMS`)."""
    pick = random.Random(16)
    tally = Tally()
    evidence = list(EVIDENCE.values())
    kinds = ["whole request disputed", "portion authorized", "alternative authorized"]
    for number in range(10_000):
        items = [
            [
                pick.random() < 0.1,
                pick.choice(kinds),
                pick.choice(evidence),
                pick.sample([f"Part number {p} 2016" for p in range(40)], pick.randint(0, 3)),
                pick.choice(evidence),
                pick.sample([f"Part number {p} 2004" for p in range(40)], pick.randint(0, 3)),
            ]
            for _ in range(pick.choice([1, 1, 2, 3, 21]))
        ]
        facts = [
            f"letters/{number:05}.txt",
            f"{number:016x}",
            f"{pick.randint(2000, 2024)}-{pick.randint(1, 12):02}",
            pick.sample([f"State {s}" for s in range(55)], pick.randint(1, 3)),
            pick.sample([f"Specialty {s}" for s in range(60)], pick.randint(1, 3)),
            pick.choice([None, pick.randint(18, 80)]),
            pick.choice([None, "female", "male"]),
            items,
        ]
        tally.add_facts(json.dumps(facts))
    for number in range(800):
        tally.add_problem(
            {
                "source": f"bad/{number:05}.txt",
                "severity": "error",
                "error": "unknown decision 'Denied'",
                "diagnostics": [
                    {
                        "line": 67,
                        "column": 62,
                        "severity": "error",
                        "code": "IMR404",
                        "message": "unknown decision 'Denied'; a decision is 'Upheld' or "
                        "'Overturned'",
                    }
                ],
            }
        )
    report = tally.report()
    html = reportpage.render_page(report, title="Ten thousand", version="test")
    assert len(html.encode("utf-8")) < 1_000_000
    assert report.letters == 10_000 and report.failed == 800
    assert f"And {800 - reportpage.LISTED_PROBLEMS:,} more" in html


def test_the_same_letters_give_the_same_page_byte_for_byte(tmp_path: Path) -> None:
    pages = []
    for name in ("first.html", "second.html"):
        out = tmp_path / name
        result = CliRunner().invoke(main, ["report", *map(str, REAL[:4]), "-q", "-o", str(out)])
        assert result.exit_code == 0, result.output
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]


def test_charts_drawn_in_a_forked_copy_are_the_ones_drawn_here() -> None:
    tally = Tally()
    for path in REAL[:12]:
        tally.add_facts(facts_task(Source(str(path), str(path)), max_bytes=None).output)
    tables = tally.report().tables
    here = reportpage.draw_charts(tables, 0.1, fork=False)
    forked = reportpage.draw_charts(tables, 0.1, fork=True)
    assert list(here) == [t.key for t in tables if t.rows]
    assert forked == here
