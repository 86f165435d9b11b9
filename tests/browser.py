"""Headless Debian Chromium for the report tests: the DOM after scripts ran, network requests, screenshots.

Chromium is driven from its command line (``--dump-dom``, ``--screenshot``)
with a NetLog recording every network request.  Requests the browser makes
for itself (update checks and the like) carry the initiator "not an origin";
anything else that is not ``file:`` or ``data:`` was asked for by the page.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from okg_paths import missing_tool

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
LOCAL_SCHEMES = ("file:", "data:", "about:", "chrome:", "blob:")


def require_chromium() -> None:
    """Skip (or fail, when OFSTED_KG_REQUIRE_TOOLS=1 as in CI) if Chromium is not installed."""
    if not Path(CHROMIUM).exists():
        missing_tool("Debian's chromium is not installed (apt-get install chromium)")


@dataclass
class Page:
    dom: str
    page_requests: list[str]  # every request the page itself made, any scheme but file:/data:


def _run(args: list[str], workdir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={workdir / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def open_page(path: Path) -> Page:
    """Load ``path`` from file://, let its scripts run, return the DOM and the page's own requests."""
    with tempfile.TemporaryDirectory(prefix="okg-chromium-") as tmp:
        workdir = Path(tmp)
        netlog = workdir / "net.json"
        result = _run([f"--log-net-log={netlog}", "--dump-dom", path.resolve().as_uri()], workdir)
        assert result.returncode == 0, result.stderr[-2000:]
        return Page(result.stdout, page_requests(netlog))


def page_requests(netlog: Path) -> list[str]:
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        url = params.get("url")
        if event["type"] == start and url and params.get("initiator") != "not an origin":
            if not url.startswith(LOCAL_SCHEMES):
                urls.append(url)
    return urls


def screenshot(path: Path, target: Path, width: int = 1280, height: int = 1400) -> Path:
    with tempfile.TemporaryDirectory(prefix="okg-chromium-") as tmp:
        result = _run([f"--window-size={width},{height}", f"--screenshot={target.resolve()}",
                       path.resolve().as_uri()], Path(tmp))
        assert result.returncode == 0 and target.exists(), result.stderr[-2000:]
    return target


class MatrixReader(HTMLParser):
    """The follow-through matrix as {recommendation IRI: [cell data-status, ...]} plus the current status."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.current: dict[str, str] = {}
        self.columns: list[str] = []
        self._rec: str | None = None
        self._in_matrix = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and "matrix" in (a.get("class") or ""):
            self._in_matrix = True
        if not self._in_matrix:
            return
        if tag == "th" and a.get("class") == "col":
            self.columns.append(a.get("title") or "")
        if tag == "tr" and a.get("data-rec"):
            self._rec = a["data-rec"]
            self.rows[self._rec] = []
            self.current[self._rec] = a.get("data-current") or ""
        elif tag == "td" and self._rec and "cell" in (a.get("class") or ""):
            self.rows[self._rec].append(a.get("data-status") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_matrix = False
        if tag == "tr":
            self._rec = None


def read_matrix(dom: str) -> MatrixReader:
    reader = MatrixReader()
    reader.feed(dom)
    return reader
