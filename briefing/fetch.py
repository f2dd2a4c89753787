"""`add-source` from a web address: the page's bytes, fetched within limits, as they arrived.

Only http and https; at most MAX_REDIRECTS redirects, followed and recorded; at most
MAX_BYTES, refused as soon as the Content-Length or the bytes received say more; a web
page or a PDF, by its Content-Type (before the body is read) and by its bytes. The whole
fetch, name lookup included, ends within TOTAL_SECONDS: httpx's timeouts are for each
operation, so a server that trickles a byte at a time would outlast them.
"""

from __future__ import annotations

import errno
import re
import socket
import ssl
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from . import __version__
from .diagnostics import BriefingError, BuildFailed, Diagnostics, Location
from .files import MAX_FILE_BYTES

if TYPE_CHECKING:
    import httpx

MAX_BYTES = MAX_FILE_BYTES  # as for a file given to add-source
CONNECT_SECONDS = 10.0
TOTAL_SECONDS = 60.0
MAX_REDIRECTS = 5
# What an argument of add-source is when it is not a file: 'scheme://...'.
ADDRESS = re.compile(r"[a-z][a-z0-9+.-]+://", re.IGNORECASE)
_KINDS = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf"}
_UNSTATED = ("", "application/octet-stream", "binary/octet-stream")  # known by the bytes
_HTML_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|!--)", re.I)
_HEADERS = {
    "User-Agent": f"briefing/{__version__} (add-source)",
    "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.1",
}


class FetchFailed(BriefingError):
    """Why an address could not be fetched, in one line."""


@dataclass(frozen=True)
class Fetched:
    """A page or PDF as it arrived from the web."""

    requested: str  # the address given
    address: str  # where it was found, after redirects
    data: bytes
    suffix: str  # .html or .pdf: the kind of source it is
    retrieved: str  # when, in ISO 8601 and UTC: 2025-01-31T09:05:00Z

    @property
    def stem(self) -> str:
        """A name for it: the last part of its address's path, else its host."""
        url = _url(self.address)
        return PurePosixPath(url.path).stem or url.host

    def __str__(self) -> str:
        return self.requested


def is_address(argument: str) -> bool:
    return bool(ADDRESS.match(argument))


def fetch_all(addresses: list[str]) -> dict[str, Fetched]:
    """Each address with what it gave; raise BuildFailed naming every one that failed."""
    diagnostics, found = Diagnostics(), {}
    for address in dict.fromkeys(addresses):
        try:
            found[address] = fetch(address)
        except FetchFailed as error:
            diagnostics.error(Location(address), str(error))
    if diagnostics.errors:
        raise BuildFailed(diagnostics)
    return found


def fetch(address: str) -> Fetched:
    """The page at address, or FetchFailed. It is fetched in a thread that is left behind,
    told to stop, should the server not be done within TOTAL_SECONDS."""
    url = _url(address)
    if url.scheme not in ("http", "https"):
        raise FetchFailed(f"only http and https addresses can be fetched, not {url.scheme}:")
    if not url.host:
        raise FetchFailed("not a web address: it names no host")
    outcome: list[Fetched | BaseException] = []
    stop = threading.Event()

    def attempt() -> None:
        try:
            outcome.append(_get(address, stop))
        except BaseException as error:  # raised again in the caller's thread
            outcome.append(error)

    worker = threading.Thread(target=attempt, name=f"fetch {address}", daemon=True)
    worker.start()
    worker.join(TOTAL_SECONDS)
    stop.set()
    if not outcome:
        raise FetchFailed(f"timed out: not received within {TOTAL_SECONDS:g} s")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _url(address: str) -> httpx.URL:
    import httpx

    try:
        return httpx.URL(address)
    except httpx.InvalidURL as error:
        raise FetchFailed(f"not a valid web address ({error})") from None


def _get(address: str, stop: threading.Event) -> Fetched:
    import httpx

    timeout = httpx.Timeout(TOTAL_SECONDS, connect=CONNECT_SECONDS)
    client = httpx.Client(
        follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=timeout, headers=_HEADERS
    )
    try:
        with client, client.stream("GET", address) as response:
            retrieved = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            declared = _declared_kind(response)
            data = _body(response, stop)
    except httpx.HTTPError as error:
        raise FetchFailed(_reason(error)) from None
    return Fetched(address, str(response.url), data, _kind(declared, data), retrieved)


def _declared_kind(response: httpx.Response) -> str:
    """The suffix the response's headers declare ('' if only its bytes can tell), or
    FetchFailed for an HTTP error, another kind of document or one too large."""
    if not response.is_success:
        raise FetchFailed(f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in _KINDS and media not in _UNSTATED:
        raise FetchFailed(f"not a web page or a PDF (Content-Type: {media})")
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BYTES:
        raise FetchFailed(f"too large: {_size(int(length))}, more than {_size(MAX_BYTES)}")
    return _KINDS.get(media, "")


def _body(response: httpx.Response, stop: threading.Event) -> bytes:
    """The body, read until it ends, exceeds MAX_BYTES or the caller stops waiting."""
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchFailed(f"too large: more than {_size(MAX_BYTES)}")
        if stop.is_set():
            raise FetchFailed("stopped: the caller no longer waits")
        chunks.append(chunk)
    return b"".join(chunks)


def _kind(declared: str, data: bytes) -> str:
    """.pdf or .html, by the headers and the bytes together: a PDF served as a web page is
    a PDF, when it starts as one."""
    if data.lstrip().startswith(b"%PDF-") or (declared != ".html" and b"%PDF-" in data[:1024]):
        return ".pdf"  # (a PDF reader looks for its header in the first 1024 bytes)
    if declared == ".pdf":
        raise FetchFailed("served as a PDF, but its bytes are not one")
    if declared and b"\0" in data[:1024] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FetchFailed("served as a web page, but its bytes are not text")  # an image?
    if declared or _HTML_START.match(data):
        return ".html"
    raise FetchFailed("not a web page or a PDF (no Content-Type, and its bytes are neither)")


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MiB" if count >= 2**20 else f"{count:,} bytes"


def _reason(error: httpx.HTTPError) -> str:
    """What went wrong, in the words of the one who asked for the page."""
    import httpx

    if isinstance(error, httpx.TooManyRedirects):
        return f"too many redirects (more than {MAX_REDIRECTS})"
    if isinstance(error, httpx.ConnectTimeout):
        return f"cannot connect: no answer within {CONNECT_SECONDS:g} s"
    if isinstance(error, httpx.TimeoutException):
        return f"timed out: the server sent nothing for {TOTAL_SECONDS:g} s"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "redirected to an address that is not http or https"
    if isinstance(error, httpx.ConnectError):
        return _connect_reason(error)
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the server's answer is not valid HTTP ({error})"
    return f"cannot fetch it ({error})"


def _connect_reason(error: BaseException) -> str:
    """Why a connection failed, from the system's error under httpx's (httpcore raises its
    own again 'from None': the system's is then only its argument)."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, OSError):
        given = [a for a in cause.args if isinstance(a, BaseException)]
        cause = cause.__cause__ or cause.__context__ or (given[0] if given else None)
    if isinstance(cause, socket.gaierror):
        if cause.errno == socket.EAI_NONAME:
            return "no such host: the name is not in the DNS"
        return f"cannot look the name up in the DNS (no network?): {cause.strerror}"
    if isinstance(cause, ssl.SSLError):
        return f"no secure connection: {cause.reason or cause}"
    if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return f"cannot connect: no network ({cause.strerror})"
    if isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED:
        return "cannot connect: connection refused (nothing listens there)"
    return f"cannot connect ({error})"
