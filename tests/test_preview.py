"""`briefing preview` as a writer uses it: a real server on 127.0.0.1, pages open in headless
Chromium (Playwright), edits to brief.md saved while it runs."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from briefing.new import new_project
from briefing.options import Options
from briefing.preview import Preview, Served, listen

from .conftest import copy_default_project
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


def _get(server: Server, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    """The response to GET path with these headers (Host among them), its body unread."""
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    return connection.getresponse()


def _next_state(events: http.client.HTTPResponse) -> dict[str, Any]:
    """The next state an event stream sends, past its keep-alive comments."""
    while True:
        line = events.readline()
        assert line, "the event stream ended"
        if line.startswith(b"data: "):
            state: dict[str, Any] = json.loads(line.removeprefix(b"data: "))
            return state


def test_other_hosts_and_other_origins_are_refused_its_own_pages_served(server: Server) -> None:
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    forged: list[tuple[dict[str, str], int]] = [
        ({"Host": "evil.example.com"}, 400),  # a DNS-rebinding domain that points at us
        ({"Host": f"evil.example.com:{port}"}, 400),
        ({"Host": f"127.0.0.1.evil.example.com:{port}"}, 400),
        ({"Host": f"evil.example.com@127.0.0.1:{port}"}, 400),
        ({"Host": f"127.0.0.1:{port + 1}"}, 400),
        ({"Host": ""}, 400),
        ({"Host": f"127.0.0.1:{port}", "Origin": "http://evil.example.com"}, 403),
        ({"Host": f"127.0.0.1:{port}", "Origin": f"http://localhost:{port}"}, 403),
        ({"Host": f"127.0.0.1:{port}", "Origin": "null"}, 403),
    ]
    for path in ("/", "/brief.pdf", "/events"):
        for headers, status in forged:
            with contextlib.closing(_get(server, path, headers)) as refused:
                assert (refused.status, path, headers) == (status, path, headers)
                body = refused.read()
                assert len(body) < 100 and b"brief" not in body.lower(), body
                assert not [h for h in refused.headers if h.lower().startswith("access-control")]

    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"LOCALHOST:{port}"):
        with contextlib.closing(_get(server, "/", {"Host": host})) as page:
            assert (page.status, page.read(15)) == (200, b"<!DOCTYPE html>"), host
            assert not [h for h in page.headers if h.lower().startswith("access-control")]
        with contextlib.closing(_get(server, "/brief.pdf", {"Host": host})) as pdf:
            assert pdf.read(5) in (b"%PDF-", b"no PD"), host  # or not typeset yet

    # The page's own event stream, with its Origin as a browser may send it: told of a change.
    own = {"Host": f"localhost:{port}", "Origin": f"http://localhost:{port}"}
    with contextlib.closing(_get(server, "/events", own)) as events:
        assert events.status == 200
        assert not [h for h in events.headers if h.lower().startswith("access-control")]
        version = _next_state(events)["version"]
        server.edit("two sides remain", "two parties remain")
        while (state := _next_state(events))["version"] == version:
            pass
        assert state == {**state, "version": version + 1, "failed": False}


async def _open_stream(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """An event stream whose first event has come (its writer kept: it closes when it goes)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    await _next_event(reader)
    return reader, writer


async def _next_event(reader: asyncio.StreamReader) -> bytes:
    while not (line := await reader.readline()).startswith(b"data: "):
        assert line, "the event stream ended"
    return line


async def _serve_idle_streams(root: Path, count: int) -> None:
    preview = Preview(root, Options(), echo=lambda line: None)
    sock = listen("127.0.0.1", 0)
    app = preview.app(Served.on("127.0.0.1", sock))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    streams = [await _open_stream(sock.getsockname()[1]) for _ in range(count)]
    await asyncio.sleep(1)  # nothing changes: nothing may run
    assert preview.wakeups == 0

    preview.state.version += 1
    preview.publish()
    for stream, _ in streams:
        assert b'"version": 1' in await _next_event(stream)
    assert preview.wakeups == count

    preview.end_streams()  # as a stop does; the streams end and let the server stop
    server.should_exit = True
    await asyncio.wait_for(serving, timeout=30)
    for stream, writer in streams:
        await asyncio.wait_for(stream.read(), timeout=30)  # to the end
        writer.close()


def test_idle_event_streams_do_not_wake_and_end_when_the_server_stops(tmp_path: Path) -> None:
    new_project(tmp_path / "brief")
    with ThreadPoolExecutor(1) as thread:  # a loop of its own: Playwright's runs in this one
        thread.submit(asyncio.run, _serve_idle_streams(tmp_path / "brief", 20)).result()


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:  # it has ended
        return None


def _files(folder: Path) -> dict[str, int]:
    return {str(path): path.stat().st_mtime_ns for path in folder.rglob("*")}


@pytest.mark.parametrize("command", ["preview", "watch"])
def test_a_killed_preview_or_watch_takes_its_build_with_it(tmp_path: Path, command: str) -> None:
    project = copy_default_project(tmp_path / "brief")  # building it takes seconds
    port = ["--port", "0"] if command == "preview" else []
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", command, str(project), *port], stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    builds: set[int] = set()  # the children of the fork server, itself a child of process
    while not builds and time.monotonic() < deadline:
        started = _children(process.pid)
        builds = {child for child in started if _parent(child) not in (process.pid, None)}
        time.sleep(0.05)
    assert builds

    process.kill()
    process.wait(timeout=30)
    written = _files(project / "dist")
    while [child for child in started if _alive(child)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [child for child in started if _alive(child)]
    assert _files(project / "dist") == written
    assert not (project / "dist" / "brief.pdf").exists()


def test_a_layout_over_its_memory_budget_fails_the_page_not_the_preview(tmp_path: Path) -> None:
    """The page is built in a child's main thread, where a layout's limits hold (in a
    thread of the server they would not)."""
    project = tmp_path / "brief"
    new_project(project)
    (project / "layouts" / "brief.html").write_text(
        '{% set ns = namespace(text="x") %}\n'
        "{% for i in range(40) %}{% set ns.text = ns.text ~ ns.text %}{% endfor %}\n",
        encoding="utf-8",
    )
    server = start(project)
    assert server.process.stdout is not None
    watchdog = threading.Timer(120, server.process.kill)  # a hang fails, not blocks
    watchdog.start()
    lines = []
    for line in server.process.stdout:
        lines.append(line)
        if "page failed" in line:
            break
    watchdog.cancel()
    assert any(
        "layouts/brief.html:2: error: the layout took more than 1024 MiB of memory" in line
        for line in lines
    ), lines
    assert urllib.request.urlopen(server.url, timeout=30).status == 200  # still serving
    stop(server)


def test_a_layouts_script_does_not_run_in_the_preview_its_own_does(
    tmp_path: Path, browser: Browser
) -> None:
    project = tmp_path / "brief"
    new_project(project)
    (project / "layouts" / "brief.html").write_text(
        '{% extends "builtin/brief.html" %}{% block cover %}'
        "<script>document.title = 'ran'</script>{{ super() }}{% endblock %}\n",
        encoding="utf-8",
    )
    server = start(project)
    page = open_page(browser, server, [])
    expect(page.locator("briefing-preview .pdf")).to_be_visible(timeout=WAIT_MS)  # ours ran
    assert page.title() != "ran"
    page.close()
    stop(server)
