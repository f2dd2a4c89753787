"""`briefing preview`: the HTML brief served on 127.0.0.1, rebuilt on every change, open
pages told by server-sent events to reload; the PDF typeset behind it.

The page is built in this process (warm, about 0.2 s on the default brief) and served from
memory with the reload script added; dist/ is written only by the full build that runs
beside it in a child process, so dist/brief.html never carries the script. A change made
while the PDF is typesetting stops that build and starts the next.

It answers only requests addressed to it (a Host it was started for) from its own pages (no
other Origin): a page of another site, on a DNS-rebinding domain say, cannot read the brief.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import json
import multiprocessing
import secrets
import signal
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field, replace
from importlib.resources import files
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .diagnostics import BriefingError, BuildFailed, Diagnostic, Location
from .html import POLICY, POLICY_META
from .options import Options
from .watch import WARM, changed_inputs, end_with_parent

NO_STORE = {"Cache-Control": "no-store"}
KEEP_ALIVE_SECONDS = 15
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
PDF_FILE = "brief.pdf"
_EMPTY_PAGE = b"<!DOCTYPE html><html lang='en'><title>briefing preview</title><body></body></html>"


@dataclass
class State:
    """What open pages are told: the build their page should show, its problems, the PDF."""

    version: int = 0  # counts the successful page builds; a page of an older one reloads
    failed: bool = False
    problems: list[dict[str, str]] = field(default_factory=list)
    pdf: str = "waiting"  # typesetting, current, failed, or outdated (the brief has errors)

    def message(self) -> str:
        return f"data: {json.dumps(asdict(self))}\n\n"


def _problems(diagnostics: list[Diagnostic]) -> list[dict[str, str]]:
    return [
        {"where": str(d.location), "severity": d.severity, "message": d.message, "hint": d.hint}
        for d in diagnostics
    ]


class Preview:
    """The page, the state and the listeners of one previewed project."""

    def __init__(self, root: Path, options: Options, echo: Callable[[str], None]) -> None:
        self.root, self.options, self.echo = root, options, echo
        self.outdir = options.output_folder(root)
        self.page = _EMPTY_PAGE
        self.state = State()
        # Set, and replaced, at each change: the event streams wait on it, not on a clock.
        self.news = asyncio.Event()
        self.wakeups = 0  # how often event streams woke: at a change, a stop, a keep-alive
        self.typesetting: _ChildBuild | None = None
        # The task that waits for typesetting to end (held: the loop keeps only weak ones).
        self.finishing: asyncio.Task[None] | None = None
        self.closing = asyncio.Event()
        self.script = files("briefing").joinpath("preview.js").read_text(encoding="utf-8")

    def publish(self) -> None:
        """Wake every event stream, to send the state as it is now."""
        self.news.set()
        self.news = asyncio.Event()

    def end_streams(self) -> None:
        """End the event streams (and the watcher), so that open pages do not hold up a stop."""
        self.closing.set()
        self.publish()

    async def rebuild(self, changed: str = "") -> None:
        """Build the page and, at the same time on the other core, the full build (PDF,
        HTML and JSON into dist/), each in a child; the page is served as soon as it is
        ready, the full build stopped if the page fails."""
        if self.typesetting:
            self.typesetting.stop()
        start = time.perf_counter()
        # Starting a child waits on the fork server (2 s at first): in a thread.
        starting = asyncio.create_task(asyncio.to_thread(_ChildBuild, _full_build, self))
        paging = await asyncio.to_thread(_ChildBuild, _page_build, self)
        page, problems = await paging.outcome()
        seconds = f"{time.perf_counter() - start:.2f} s"
        self.state.problems = _problems(problems)
        self.state.failed = page is None
        for problem in problems:
            self.echo(str(problem))
        if page is None:
            self.state.pdf = "outdated" if self.state.version else "waiting"
            self.echo(f"{changed}page failed in {seconds}; the open pages show why")
        else:
            self.page = page
            self.state.version += 1
            self.state.pdf = "typesetting"
            self.echo(f"{changed}page rebuilt in {seconds}; typesetting the PDF")
        self.publish()
        self.typesetting = await starting
        if page is None:
            self.typesetting.stop()
        else:
            self.finishing = asyncio.create_task(self._finish(self.typesetting, start))

    async def _finish(self, typesetting: _ChildBuild, start: float) -> None:
        """Say how the full build went, unless a newer one stopped it."""
        done, problems = await typesetting.outcome()
        if typesetting.stopped:
            return
        seconds = f"{time.perf_counter() - start:.1f} s"
        if done is not None:
            self.state.pdf = "current"
            self.echo(f"PDF typeset in {seconds}: {self.outdir / PDF_FILE}")
        else:
            self.state.pdf = "failed"
            self.state.problems = _problems(problems)
            for problem in problems:
                self.echo(str(problem))
            self.echo(f"PDF failed in {seconds}")
        self.publish()

    async def watch(self) -> None:
        """Rebuild on every change to the inputs, until closing or the project goes."""
        import watchfiles

        # The watcher yields an empty set once it runs, and again after each quiet spell:
        # the first build waits for it, so no change made during that build is missed.
        started = False
        with contextlib.suppress(FileNotFoundError):  # the project went before the watcher
            async for changes in watchfiles.awatch(
                self.root,
                debounce=200,
                step=20,
                rust_timeout=300,
                yield_on_timeout=True,
                stop_event=self.closing,
            ):
                if not self.root.is_dir():
                    break
                names = changed_inputs(self.root, self.outdir, (path for _, path in changes))
                if not started or names:
                    await self.rebuild(f"changed: {', '.join(names)}; " if started else "")
                    started = True
        if not self.root.is_dir():
            self.echo(f"{self.root}: the project folder is gone; stopping")

    # The web application

    async def index(self, request: Request) -> Response:
        """The page with the preview's script, the only one its policy lets run."""
        nonce = secrets.token_urlsafe(16)
        script = (
            f'<script nonce="{nonce}" data-version="{self.state.version}">{self.script}</script>'
        )
        page = self.page.replace(POLICY_META.encode(), b"", 1)
        head, _, tail = page.rpartition(b"</body>")
        page = head + script.encode() + b"</body>" + tail if head else page + script.encode()
        policy = f"{POLICY}; script-src 'nonce-{nonce}'; connect-src 'self'"
        return HTMLResponse(page, headers={**NO_STORE, "Content-Security-Policy": policy})

    async def pdf(self, request: Request) -> Response:
        path = self.outdir / PDF_FILE
        if not path.is_file():
            return Response(f"no PDF yet: {self.state.pdf}", 404, headers=NO_STORE)
        return FileResponse(path, media_type="application/pdf", headers=NO_STORE)

    async def events(self, request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            sent = ""
            while not self.closing.is_set():
                news = self.news  # taken before the state is read: no change can be missed
                message = self.state.message()
                yield message if message != sent else ": keep-alive\n\n"
                sent = message
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(news.wait(), KEEP_ALIVE_SECONDS)
                self.wakeups += 1

        return StreamingResponse(stream(), media_type="text/event-stream", headers=NO_STORE)

    def app(self, served: Served) -> Starlette:
        return Starlette(
            routes=[
                Route("/", self.index),
                Route(f"/{PDF_FILE}", self.pdf),
                Route("/events", self.events),
                Route("/favicon.ico", lambda request: Response(status_code=204)),
            ],
            middleware=[Middleware(_OwnPagesOnly, served=served)],
        )


@dataclass(frozen=True)
class Served:
    """The addresses the preview answers for: its loopback names and the host it was
    started for, with or without its port; any IP address too if it serves on all of them
    (a DNS-rebinding page reaches it by a name, never by an address)."""

    names: frozenset[str]
    port: int
    any_address: bool

    @classmethod
    def on(cls, host: str, sock: socket.socket) -> Served:
        address, port = sock.getsockname()[:2]
        unspecified = ipaddress.ip_address(address).is_unspecified
        return cls(LOOPBACK_NAMES | {host.lower()}, port, unspecified)

    def accepts(self, host_header: str) -> bool:
        """Whether a request's Host header names this preview."""
        try:
            parts = urlsplit(f"//{host_header}")
            port = parts.port
        except ValueError:  # a port out of range, an unclosed bracket
            return False
        if parts.netloc != host_header or "@" in host_header or port not in (None, self.port):
            return False
        name = parts.hostname or ""
        return name in self.names or (self.any_address and _is_address(name))


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class _OwnPagesOnly:
    """Answers only requests for the preview's own addresses, and from its own pages: a
    page of another site (a DNS-rebinding domain, say) must not read the brief. No CORS
    header is ever sent, so browsers keep other origins from reading any response."""

    def __init__(self, app: ASGIApp, served: Served) -> None:
        self.app, self.served = app, served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self.refusal(Headers(scope=scope)) if scope["type"] == "http" else None
        if refusal:
            await refusal(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def refusal(self, headers: Headers) -> Response | None:
        host = headers.get("host", "")
        if not self.served.accepts(host):
            return PlainTextResponse("unknown host: this preview answers for its own address", 400)
        origin = headers.get("origin")
        if origin is not None and origin.lower() != f"http://{host.lower()}":
            return PlainTextResponse("cross-origin requests are refused", 403)
        return None


def _failure(root: Path, error: BriefingError) -> Diagnostic:
    """A failure that is not the project's diagnostics (a folder gone, say) as one."""
    message = str(error).removeprefix(f"{root}: ")
    return Diagnostic(Location(str(root)), "error", message)


Outcome = tuple[bytes | None, list[Diagnostic]]  # what a build made (None if it failed), why


class _ChildBuild:
    """A build in a child process of a warm fork server: the project's layout renders in
    that child's main thread, within its time and memory limits, and the child ends with
    the preview however it ends, killed too (see end_with_parent). The child sends its
    Outcome up its link."""

    def __init__(self, work: Callable[[Path, Options, Connection], None], preview: Preview):
        context = multiprocessing.get_context("forkserver")
        self.root = preview.root
        self.link, childs_end = context.Pipe()
        arguments = (preview.root, preview.options, childs_end)
        self.process = context.Process(target=work, args=arguments)
        self.process.start()
        childs_end.close()
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.link.close()

    async def outcome(self) -> Outcome:
        """What the child sent, or a failure if it ended without a word."""
        try:
            sent: Outcome = await asyncio.to_thread(self.link.recv)
        except (EOFError, OSError):  # stopped, or it died
            sent = None, []
        await asyncio.to_thread(self.process.join)
        self.link.close()
        if sent == (None, []) and not self.stopped:
            why = f"the build ended unexpectedly (exit status {self.process.exitcode})"
            sent = None, [Diagnostic(Location(str(self.root)), "error", why)]
        return sent


def _page_build(root: Path, options: Options, link: Connection) -> None:
    """In the child: send the HTML page, or None, and the diagnostics of building it."""
    from .build import build

    end_with_parent(link)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the preview, which stops us
    try:
        result = build(root, replace(options, formats=("html",), write=False))
        link.send((result.files["brief.html"], list(result.diagnostics)))
    except BuildFailed as failure:
        link.send((None, list(failure.diagnostics)))
    except BriefingError as error:
        link.send((None, [_failure(root, error)]))


def _full_build(root: Path, options: Options, link: Connection) -> None:
    """In the child: build every output into dist/; send the errors if it fails."""
    from .build import build

    end_with_parent(link)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        build(root, options)
        link.send((b"", []))
    except BuildFailed as failure:
        link.send((None, [d for d in failure.diagnostics if d.severity == "error"]))
    except BriefingError as error:
        link.send((None, [_failure(root, error)]))


def listen(host: str, port: int) -> socket.socket:
    """A listening socket, or a BriefingError that says why not."""
    try:
        sock = socket.create_server((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise BriefingError(
                f"{host}:{port} is in use (another preview?); choose another port with --port"
            ) from None
        raise BriefingError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    return sock


def preview(
    root: Path,
    options: Options,
    sock: socket.socket,
    echo: Callable[[str], None],
    opened: Callable[[str], Any] | None = None,
    host: str = "127.0.0.1",
) -> None:
    """Serve until interrupted (Ctrl-C) or until the project folder goes; host is the
    name the socket was opened for, which pages may use besides the loopback names."""
    multiprocessing.get_context("forkserver").set_forkserver_preload(WARM)

    async def serve() -> None:
        state = Preview(root, options, echo)
        # Open pages' connections close within a second or two of the stop, later on a
        # loaded machine; past the timeout uvicorn logs an error even with nothing to cancel.
        config = uvicorn.Config(
            state.app(Served.on(host, sock)),
            log_level="warning",
            timeout_graceful_shutdown=5,
            lifespan="off",
        )
        server = _Server(config, state)
        watching = asyncio.create_task(state.watch())
        watching.add_done_callback(lambda _: server.stop())
        address, port = sock.getsockname()[:2]
        url = f"http://{f'[{address}]' if ':' in address else address}:{port}/"
        echo(f"previewing {root} at {url} (Ctrl-C to stop)")
        if opened:
            opened(url)
        try:
            await server.serve(sockets=[sock])
        finally:
            state.end_streams()
            if state.typesetting:
                state.typesetting.stop()
            (outcome,) = await asyncio.gather(watching, return_exceptions=True)
            if isinstance(outcome, Exception):  # a bug: said in one line, not a traceback
                echo(f"preview stopped by an unexpected error: {outcome!r}")

    # uvicorn catches Ctrl-C and SIGTERM, stops, and raises them again: both end here.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    echo("stopped previewing")


class _Server(uvicorn.Server):
    """uvicorn's server, which tells the event streams to end as soon as it is asked to
    stop, so that open pages do not hold the stop up."""

    def __init__(self, config: uvicorn.Config, preview: Preview) -> None:
        super().__init__(config)
        self.preview = preview
        self.loop = asyncio.get_running_loop()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.loop.call_soon_threadsafe(self.preview.end_streams)
        super().handle_exit(sig, frame)

    def stop(self) -> None:
        """Stop from within the loop (the watcher ended: the project is gone)."""
        self.preview.end_streams()
        self.should_exit = True
