"""`briefing preview` as a writer uses it: a real server on 127.0.0.1, pages open in headless
Chromium (Playwright), edits to brief.md saved while it runs."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from briefing.new import new_project

from .test_browser import CHROMIUM, CHROMIUM_ARGS

WAIT_MS = 30_000  # a page must update well within this; the first PDF takes a few seconds
QUOTE = "We expect a settlement before the summer season"


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    project: Path

    def edit(self, old: str, new: str) -> None:
        brief = self.project / "brief.md"
        text = brief.read_text(encoding="utf-8")
        assert old in text
        brief.write_text(text.replace(old, new, 1), encoding="utf-8")

    def line_of(self, words: str) -> int:
        lines = (self.project / "brief.md").read_text(encoding="utf-8").splitlines()
        return next(n for n, line in enumerate(lines, start=1) if words in line)


def start(project: Path, *args: str, port: int = 0) -> Server:
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", "preview", str(project), "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    found = re.search(r"at (http://127\.0\.0\.1:\d+/)", first)
    assert found, first
    return Server(process, found[1], project)


def stop(server: Server) -> str:
    """Ctrl-C, as in a terminal; what the server printed."""
    server.process.send_signal(signal.SIGINT)
    output, _ = server.process.communicate(timeout=30)
    assert server.process.returncode == 0, output
    return output


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    new_project(tmp_path / "brief")
    running = start(tmp_path / "brief")
    yield running
    if running.process.poll() is None:
        stop(running)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser: Browser, server: Server, requests: list[str]) -> Page:
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server.url)
    expect(page.locator("h1")).to_be_visible(timeout=WAIT_MS)
    return page


def test_pages_follow_edits_show_errors_and_keep_their_place(
    server: Server, browser: Browser
) -> None:
    requests: list[str] = []
    first, second = open_page(browser, server, requests), open_page(browser, server, requests)
    pdf_badge = first.locator("briefing-preview .pdf")
    expect(pdf_badge).to_have_attribute("data-state", "current", timeout=WAIT_MS)
    first.evaluate("window.scrollTo(0, 600)")

    server.edit("two sides remain apart on pay", "two sides remain far apart on pay")
    for page in (first, second):
        expect(page.locator("body")).to_contain_text("remain far apart on pay", timeout=WAIT_MS)
    assert first.evaluate("window.scrollY") == 600

    server.edit(QUOTE, QUOTE.replace("summer", "autumn"))
    line = server.line_of(QUOTE.replace("summer", "autumn"))
    for page in (first, second):
        overlay = page.locator("briefing-preview .problems")
        expect(overlay).to_be_visible(timeout=WAIT_MS)
        expect(overlay).to_contain_text(f"brief.md:{line}:")
        expect(overlay).to_contain_text("quote not found in source 'gazette-2024'")
        expect(overlay).to_contain_text("closest passage")
    expect(first.locator("body")).to_contain_text("remain far apart on pay")  # the last good page

    server.edit(QUOTE.replace("summer", "autumn"), QUOTE)
    for page in (first, second):
        expect(page.locator("briefing-preview .problems")).to_be_hidden(timeout=WAIT_MS)
    expect(pdf_badge).to_have_attribute("data-state", "current", timeout=WAIT_MS)

    own = [url for url in requests if not url.startswith(server.url)]
    assert not own, own
    assert any(url.endswith("/events") for url in requests)


def test_the_pdf_is_served_and_dist_holds_no_reload_script(server: Server) -> None:
    deadline = time.monotonic() + 60
    while not (server.project / "dist" / "brief.pdf").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    with urllib.request.urlopen(server.url + "brief.pdf", timeout=10) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read(5) == b"%PDF-"
    with urllib.request.urlopen(server.url, timeout=10) as response:
        assert b"EventSource" in response.read()
    built = (server.project / "dist" / "brief.html").read_text(encoding="utf-8")
    assert "EventSource" not in built and "briefing-preview" not in built
    assert "<h1" in built


def _children(pid: int) -> set[int]:
    """The processes whose parent is pid, and theirs."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found |= {int(entry.name)} | _children(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_stops_it_and_every_process_it_started(server: Server) -> None:
    deadline = time.monotonic() + 60
    server.edit("two sides remain", "two parties remain")  # a PDF build starts behind the page
    children: set[int] = set()
    while not children and time.monotonic() < deadline:
        children = _children(server.process.pid)
        time.sleep(0.1)
    assert children
    output = stop(server)
    assert "stopped previewing" in output and "Traceback" not in output
    time.sleep(0.5)
    assert not [pid for pid in children if _alive(pid)]


def test_a_port_in_use_is_refused_clearly(server: Server) -> None:
    port = server.url.rsplit(":", 1)[1].strip("/")
    second = subprocess.run(
        [sys.executable, "-m", "briefing", "preview", str(server.project), "--port", port],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    assert f"127.0.0.1:{port} is in use" in second.stderr and "Traceback" not in second.stderr


def test_a_project_deleted_while_serving_stops_it_with_a_message(tmp_path: Path) -> None:
    new_project(tmp_path / "brief")
    running = start(tmp_path / "brief")
    time.sleep(1)
    subprocess.run(["rm", "-rf", str(tmp_path / "brief")], check=True)
    output, _ = running.process.communicate(timeout=60)
    assert running.process.returncode == 0, output
    assert "the project folder is gone" in output and "Traceback" not in output


def test_an_open_page_goes_on_with_a_restarted_preview_and_stopping_is_quiet(
    server: Server, browser: Browser
) -> None:
    page = open_page(browser, server, [])
    for n in range(3):  # the page's build is the fourth: a new preview starts counting again
        server.edit("sides remain", f"sides remain ({n})")
        expect(page.locator("body")).to_contain_text(f"sides remain ({n})", timeout=WAIT_MS)
    output = stop(server)  # with the page's event stream open
    assert "ERROR" not in output and "Traceback" not in output, output
    badge = page.locator("briefing-preview .pdf")
    expect(badge).to_have_attribute("data-state", "offline", timeout=WAIT_MS)

    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    again = start(server.project, port=port)
    try:
        expect(page.locator("body")).to_contain_text("sides remain (2)", timeout=WAIT_MS)
        again.edit("sides remain (2)", "sides remain, restarted,")
        expect(page.locator("body")).to_contain_text("restarted", timeout=WAIT_MS)
    finally:
        stop(again)


def test_warnings_are_shown_on_demand_without_hiding_the_page(
    server: Server, browser: Browser
) -> None:
    page = open_page(browser, server, [])
    toggle = page.locator("briefing-preview .toggle")
    expect(toggle).to_be_hidden()
    server.edit("subtitle:", "subtitel:")
    expect(toggle).to_have_text("1 warning", timeout=WAIT_MS)
    overlay = page.locator("briefing-preview .problems")
    expect(overlay).to_be_hidden()
    toggle.click()
    expect(overlay).to_contain_text("1 warning; the page is current.")
    expect(overlay).to_contain_text("brief.md:3:")
    expect(overlay).to_contain_text("subtitel")
    toggle.click()
    expect(overlay).to_be_hidden()


def test_a_folder_that_is_no_project_or_an_unwritable_output_is_refused_at_once(
    tmp_path: Path,
) -> None:
    new_project(tmp_path / "brief")
    (tmp_path / "empty").mkdir()
    cases = [
        ([str(tmp_path / "empty")], "not a brief project"),
        ([str(tmp_path / "brief"), "-o", "/proc/briefing-out"], "cannot write the output folder"),
        ([str(tmp_path / "brief"), "-o", str(tmp_path / "brief" / "seeds" / "out")], "seeds/"),
    ]
    for args, message in cases:
        refused = subprocess.run(
            [sys.executable, "-m", "briefing", "preview", *args, "--port", "0"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode == 1, refused
        assert message in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
        assert refused.stdout == ""
