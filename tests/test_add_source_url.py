"""`briefing add-source ADDRESS`: a page fetched from a server on 127.0.0.1 (never the
network), saved as it arrived and registered like a file; every failure named in one line,
with nothing written."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from briefing import fetch
from briefing.files import SOURCES
from tests.conftest import MakeProject, run

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
PAGE = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Harbour cranes close for repairs</title></head>
<body><article><h1>Harbour cranes close for repairs</h1>
<p>The harbour authority closed the two northern cranes on Monday after inspectors found
cracks in their frames, and said repairs would take at least three weeks.</p>
<p>Shipping lines were told to expect delays of up to four days at the container terminal
while the southern cranes carry the whole of the port's traffic alone.</p>
</article></body></html>
"""
CANONICAL = "https://news.example.org/2024/cranes"
WITH_CANONICAL = PAGE.replace(
    b"</title>", f'</title><link rel="canonical" href="{CANONICAL}">'.encode()
)
MENU = b"<!DOCTYPE html><html><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav></body>"
PDF = (FIXTURES / "pdflatex-4-pages.pdf").read_bytes()
TRICKLE_SECONDS = 5  # how long the slow server goes on, at most


class _Pages(BaseHTTPRequestHandler):
    """The test server's pages, by path."""

    def do_GET(self) -> None:
        routes: dict[str, Callable[[], None]] = {
            "/page": lambda: self._send("text/html; charset=utf-8", PAGE),
            "/canonical": lambda: self._send("text/html", WITH_CANONICAL),
            "/menu": lambda: self._send("text/html", MENU),
            "/page.pdf": lambda: self._send("application/pdf", PDF),
            "/octets": lambda: self._send("application/octet-stream", PDF),
            "/not-a-pdf": lambda: self._send("application/pdf", PAGE),
            "/moved": lambda: self._redirect("/moved-again"),
            "/moved-again": lambda: self._redirect("/page"),
            "/to-ftp": lambda: self._redirect("ftp://127.0.0.1/page"),
            "/image.png": lambda: self._send("image/png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
            "/image-as-page": lambda: self._send("text/html", b"\x89PNG\r\n\x1a\n" + bytes(64)),
            "/huge": self._huge,
            "/endless": self._endless,
            "/trickle-body": self._trickle_body,
            "/trickle-headers": self._trickle_headers,
        }
        if self.path.startswith("/loop/"):
            self._redirect(f"/loop/{int(self.path[6:]) + 1}")
        elif self.path in routes:
            routes[self.path]()
        else:
            self.send_error(404)

    def _send(self, media: str, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _huge(self) -> None:
        """A Content-Length of 1 GiB, and none of its bytes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(2**30))
        self.end_headers()

    def _endless(self) -> None:
        """A page with no length given that never ends, sent as fast as it is read."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self._write_for(b"<p>" + b"more " * 2000 + b"</p>\n", 0)

    def _trickle_body(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self._write_for(b"<", 0.05)

    def _trickle_headers(self) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        self._write_for(b"X", 0.05)

    def _write_for(self, chunk: bytes, pause: float) -> None:
        """Write chunk again and again, for TRICKLE_SECONDS or until the client goes."""
        end = time.monotonic() + TRICKLE_SECONDS
        while time.monotonic() < end:
            try:
                self.wfile.write(chunk)
                self.wfile.flush()
            except OSError:
                return
            time.sleep(pause)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read what the client says."""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The test server's base address."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def short_deadlines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "TOTAL_SECONDS", 1.0)
    monkeypatch.setattr(fetch, "CONNECT_SECONDS", 1.0)


def entries(root: Path) -> dict[str, dict[str, str]]:
    register = yaml.safe_load((root / SOURCES).read_text(encoding="utf-8"))
    return dict(register["sources"])


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# Added


def test_a_page_is_saved_as_it_arrived_and_registered_with_where_and_when(
    make_project: MakeProject, server: str
) -> None:
    root = make_project()
    status, output = run("add-source", f"{server}/page", "-p", root)
    assert status == 0, output
    (ident,) = set(entries(root)) - {"harbour", "cranes"}
    entry = entries(root)[ident]
    assert entry["title"] == "Harbour cranes close for repairs"
    assert entry["address"] == f"{server}/page"
    assert "requested" not in entry
    assert entry["file"].endswith(".html")
    assert (root / "seeds" / entry["file"]).read_bytes() == PAGE
    retrieved = entry["retrieved"]  # quoted: text, not YAML 1.1's timestamp
    assert isinstance(retrieved, str) and retrieved.endswith("Z")
    assert datetime.fromisoformat(retrieved).utcoffset() == timedelta(0)
    assert run("check", root)[0] == 0  # the build accepts the entry as written


def test_a_pdf_is_known_by_its_content_type(make_project: MakeProject, server: str) -> None:
    root = make_project()
    status, output = run("add-source", f"{server}/page.pdf", "-p", root)
    assert status == 0, output
    (entry,) = (e for i, e in entries(root).items() if i not in ("harbour", "cranes"))
    assert entry["file"].endswith(".pdf")
    assert (root / "seeds" / entry["file"]).read_bytes() == PDF
    assert "(PDF)" in output


def test_bytes_served_without_a_kind_are_known_by_what_they_are(
    make_project: MakeProject, server: str
) -> None:
    root = make_project()
    status, output = run("add-source", f"{server}/octets", "-p", root)
    assert status == 0, output
    assert any(e["file"].endswith(".pdf") for e in entries(root).values())


def test_redirects_are_followed_and_where_it_started_is_recorded(
    make_project: MakeProject, server: str
) -> None:
    root = make_project()
    status, output = run("add-source", f"{server}/moved", "-p", root)
    assert status == 0, output
    (entry,) = (e for i, e in entries(root).items() if i not in ("harbour", "cranes"))
    assert entry["address"] == f"{server}/page"
    assert entry["requested"] == f"{server}/moved"


def test_the_pages_own_address_is_its_address(make_project: MakeProject, server: str) -> None:
    root = make_project()
    status, output = run("add-source", f"{server}/canonical", "-p", root)
    assert status == 0, output
    (entry,) = (e for i, e in entries(root).items() if i not in ("harbour", "cranes"))
    assert entry["address"] == CANONICAL
    assert entry["requested"] == f"{server}/canonical"


def test_addresses_and_files_are_added_together(
    make_project: MakeProject, server: str, tmp_path: Path
) -> None:
    note = tmp_path / "note.txt"
    note.write_text("A note\n\nThe southern cranes were inspected in May.\n", encoding="utf-8")
    root = make_project()
    status, output = run("add-source", note, f"{server}/page", "-p", root)
    assert status == 0, output
    assert len(entries(root)) == 4


def test_a_page_registered_already_is_refused(make_project: MakeProject, server: str) -> None:
    root = make_project()
    assert run("add-source", f"{server}/page", "-p", root)[0] == 0
    before = files_of(root)
    status, output = run("add-source", f"{server}/moved", "-p", root)
    assert status == 1
    assert f"{server}/moved: error: already registered, as source '" in output
    assert files_of(root) == before


# Refused, with nothing written


FAILURES = {
    "/missing": "HTTP 404 Not Found",
    "/image.png": "not a web page or a PDF (Content-Type: image/png)",
    "/not-a-pdf": "served as a PDF, but its bytes are not one",
    "/image-as-page": "served as a web page, but its bytes are not text",
    "/huge": "too large: 1024.0 MiB, more than 20.0 MiB",
    "/loop/0": "too many redirects (more than 5)",
    "/menu": "no article text found in the page",
    "/to-ftp": "redirected to an address that is not http or https",
    "/trickle-body": "timed out: not received within 1 s",
    "/trickle-headers": "timed out: not received within 1 s",
}


@pytest.mark.parametrize("path", FAILURES)
def test_each_failure_is_named_with_its_address(
    make_project: MakeProject, server: str, path: str, tmp_path: Path
) -> None:
    note = tmp_path / "note.txt"  # a good file beside it is not added either
    note.write_text("A note\n\nThe southern cranes were inspected in May.\n", encoding="utf-8")
    root = make_project()
    before = files_of(root)
    status, output = run("add-source", note, f"{server}{path}", "-p", root)
    assert status == 1
    assert output.splitlines()[0] == f"{server}{path}: error: {FAILURES[path]}"
    assert output.splitlines()[-1] == "Error: add-source failed: 1 error; nothing was written"
    assert files_of(root) == before


def test_a_page_larger_than_the_limit_is_refused_while_it_streams(
    make_project: MakeProject, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "MAX_BYTES", 100_000)
    root = make_project()
    before = files_of(root)
    status, output = run("add-source", f"{server}/endless", "-p", root)
    assert status == 1
    assert f"{server}/endless: error: too large: more than 100,000 bytes" in output
    assert files_of(root) == before


def test_an_address_nothing_listens_on_cannot_connect(make_project: MakeProject) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    root = make_project()
    before = files_of(root)
    status, output = run("add-source", f"http://127.0.0.1:{port}/page", "-p", root)
    assert status == 1
    assert f"127.0.0.1:{port}/page: error: cannot connect: connection refused" in output
    assert files_of(root) == before


@pytest.mark.parametrize(
    ("code", "system_says", "message"),
    [
        (socket.EAI_NONAME, "Name or service not known",
         "no such host: the name is not in the DNS"),
        (socket.EAI_AGAIN, "Temporary failure in name resolution",
         "cannot look the name up in the DNS (no network?): Temporary failure in name resolution"),
    ],
)  # fmt: skip
def test_a_failed_name_lookup_is_said_so(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, code: int, system_says: str,
    message: str,
) -> None:  # fmt: skip
    def lookup(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(code, system_says)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)  # the system's answer, without a DNS
    root = make_project()
    status, output = run("add-source", "https://no-such-host.invalid/page", "-p", root)
    assert status == 1
    assert f"https://no-such-host.invalid/page: error: {message}" in output


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("ftp://127.0.0.1/page", "only http and https addresses can be fetched, not ftp:"),
        ("file:///etc/passwd", "only http and https addresses can be fetched, not file:"),
        ("https:///page", "not a web address: it names no host"),
    ],
)
def test_only_http_and_https_are_fetched(
    make_project: MakeProject, address: str, message: str
) -> None:
    root = make_project()
    before = files_of(root)
    status, output = run("add-source", address, "-p", root)
    assert status == 1
    assert f"{address}: error: {message}" in output
    assert files_of(root) == before
