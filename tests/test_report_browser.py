"""The report page in a real browser: every chart is drawn and the console shows no error.

Headless Chromium (Debian's ``chromium`` package: ``apt-get install -y chromium``) is driven
over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON messages ending in a
NUL byte, on file descriptors 3 and 4), which needs nothing beyond the standard library. The
test records every console message, exception, log entry and network request from before the
page loads, then asks the page what it drew.

Marked ``browser``: skipped when no Chromium is installed (``pytest -m browser`` runs only it).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from imrparse.cli import main

BROWSER = next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(BROWSER is None, reason="no Chromium (apt-get install -y chromium)"),
]

REAL = sorted((Path(__file__).resolve().parent.parent / "corpus" / "real").glob("*.txt"))

# What the page drew, per chart: its marks (a bar each, or the months' points) with a size.
DRAWN = """
[...document.querySelectorAll("svg.chart")].map(svg => {
  const key = svg.getAttribute("aria-labelledby").replace(/-caption$/, "");
  const marks = [...svg.querySelectorAll(
      `g[id^="${key}-mark-"] > path, g[id^="${key}-mark-"] use`)];
  const box = svg.getBoundingClientRect();
  return {
    key,
    expected: Number(svg.dataset.marks),
    drawn: marks.filter(m => {
      const r = m.getBoundingClientRect();
      return r.width > 0 || r.height > 0;
    }).length,
    width: box.width,
    height: box.height,
  };
})
"""

_TIMEOUT = 60.0


class DevTools:
    """A headless Chromium and one page of it, spoken to over the DevTools pipe."""

    def __init__(self, profile: Path) -> None:
        assert BROWSER is not None
        commands_read, self.commands = os.pipe()
        self.events, events_write = os.pipe()

        def onto_3_and_4() -> None:
            # The browser reads commands on descriptor 3 and writes replies on 4.
            reader, writer = os.dup(commands_read), os.dup(events_write)
            os.dup2(reader, 3)
            os.dup2(writer, 4)

        self.process = subprocess.Popen(
            [
                BROWSER,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=onto_3_and_4,
            pass_fds=(3, 4),
        )
        os.close(commands_read)
        os.close(events_write)
        self.buffer = b""
        self.next_id = 0
        self.seen: list[dict[str, Any]] = []
        self.session = ""

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command and wait for its reply, keeping every event that comes meanwhile."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        for reply in self.messages():
            if reply.get("id") == self.next_id:
                assert "error" not in reply, reply
                result: dict[str, Any] = reply["result"]
                return result
        raise AssertionError(f"no reply to {method}")

    def wait_for(self, method: str) -> dict[str, Any]:
        for message in self.messages():
            if message.get("method") == method:
                return message
        raise AssertionError(f"no {method}")

    def messages(self) -> Iterator[dict[str, Any]]:
        deadline = time.monotonic() + _TIMEOUT
        while time.monotonic() < deadline:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.seen.append(message)
                yield message
            ready, _, _ = select.select([self.events], [], [], 1.0)
            if ready:
                chunk = os.read(self.events, 1 << 16)
                if not chunk:
                    raise AssertionError("the browser closed the pipe")
                self.buffer += chunk
        raise AssertionError(f"the browser said nothing for {_TIMEOUT:.0f} s")

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Page", "Network"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in reply, reply
        return reply["result"]["value"]

    def close(self) -> None:
        self.session = ""
        with contextlib.suppress(AssertionError, OSError):  # it may be gone already
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.commands)
        os.close(self.events)


_SAID_WRONG = ("error", "assert", "warning")


def problems(events: list[dict[str, Any]]) -> list[str]:
    """Every console error or warning, uncaught exception and error log entry."""
    found = []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params["type"] in _SAID_WRONG:
            found.append(f"console.{params['type']}: {params['args']}")
        elif method == "Runtime.exceptionThrown":
            found.append(f"exception: {params['exceptionDetails']}")
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            found.append(f"log: {params['entry']}")
    return found


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The report of the real letters, as a page and as data."""
    folder = tmp_path_factory.mktemp("browser")
    html = folder / "report.html"
    inputs = [*map(str, REAL)]
    result = CliRunner().invoke(main, ["report", *inputs, "-q", "-o", str(html)])
    assert result.exit_code == 0, result.output
    data = CliRunner().invoke(main, ["report", *inputs, "-q", "--format", "json"])
    return html, json.loads(data.stdout)


def test_every_chart_is_drawn_with_all_its_marks_and_the_console_shows_no_error(
    page: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    html, data = page
    browser = DevTools(tmp_path / "profile")
    try:
        browser.open(html.as_uri())
        charts = browser.evaluate(DRAWN)
    finally:
        browser.close()
    assert [c["key"] for c in charts] == [t["key"] for t in data["tables"] if t["rows"]]
    for chart in charts:
        assert chart["width"] > 300 and chart["height"] > 80, chart
        assert chart["expected"] > 0 and chart["drawn"] == chart["expected"], chart
    assert problems(browser.seen) == []
    requests = [
        e["params"]["request"]["url"]
        for e in browser.seen
        if e["method"] == "Network.requestWillBeSent"
    ]
    assert requests == [html.as_uri()]  # the page itself, and nothing else
