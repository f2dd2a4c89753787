"""What pygls does not do for a careless or hostile editor: keep reading in step, and
answer every request.

pygls 2.1 (`pygls.io_.run_async`) trusts each `Content-Length`: after a wrong one it reads
every later message out of step and answers none, and a huge one makes it allocate that many
bytes. `FramedInput` stands in for stdin before pygls (it reads stdin with readline() and
read(n) only) and hands on only messages whose framing holds, framed again; what it cannot
frame it logs and skips up to the next header. A request pygls cannot read (not JSON, not a
request, params of the wrong shape, after shutdown) is answered with the JSON-RPC error
`refusal` gives, through the server's `report_server_error`, which pygls' reading loop calls
with what it caught.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from cattrs import ClassValidationError, transform_error
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
)
from pygls.protocol import LanguageServerProtocol

# A message holds at most a whole edited file: 20 MiB (the project's limit), JSON-escaped.
MAX_MESSAGE_BYTES = 64 * 2**20
MAX_HEADER_BYTES = 8192
_CHUNK_BYTES = 2**16
_HEADER = b"Content-Length:"
# Where the next message starts, even inside a body: this never stands in valid JSON, where
# a raw line break cannot be part of a string and the words cannot stand outside one.
_NEXT_MESSAGE = re.compile(rb"Content-Length:[ \t]*[0-9]+\r\n")
_FIELD = re.compile(rb"([-!#$%&'*+.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*")

logger = logging.getLogger(__name__)


class _Misframed(Exception):
    """A message whose framing does not hold; the next one starts at `resume`, if known."""

    def __init__(self, message: str, resume: int | None = None) -> None:
        super().__init__(message)
        self.resume = resume


class FramedInput:
    """The well-framed messages of a byte stream, for pygls to read as it reads stdin;
    `read_some(n)` returns what the stream has, up to n bytes (b"" at its end)."""

    def __init__(self, read_some: Callable[[int], bytes]) -> None:
        self._read_some = read_some
        self._buffer = bytearray()  # read from the stream, not yet handed on
        self._header = b""  # the next message's header, framed again, for pygls
        self._body = b""  # and its body, handed on whole
        self._lost = False  # after a misframed message, until the next header

    def readline(self) -> bytes:
        if not self._header and not self._body:
            self._next_message()
        end = self._header.find(b"\n") + 1 or len(self._header)
        line, self._header = self._header[:end], self._header[end:]
        return line

    def read(self, size: int = -1) -> bytes:
        """The body, once its header is read (pygls reads it whole)."""
        body = self._body if size < 0 else self._body[:size]
        self._body = self._body[len(body) :]
        return body

    def _next_message(self) -> None:
        body = self._next_body()
        if body is not None:
            self._header, self._body = b"Content-Length: %d\r\n\r\n" % len(body), body

    def _next_body(self) -> bytes | None:
        """The next well-framed message's body; None at the end of the stream."""
        while True:
            if self._lost and not self._found_header():
                if not self._fill():
                    return None
                continue
            try:
                return self._message()
            except _Misframed as problem:
                logger.warning(
                    "briefing lsp: a message was skipped (%s); reading on from the next "
                    "Content-Length header",
                    problem,
                )
                if problem.resume is None:  # drop the header that failed, then look on
                    self._lost = True
                    del self._buffer[:1]
                else:
                    del self._buffer[: problem.resume]

    def _found_header(self) -> bool:
        """Drop what stands before the next header; keep a tail that may begin one."""
        at = self._buffer.find(_HEADER)
        if at < 0:
            del self._buffer[: max(len(self._buffer) - len(_HEADER), 0)]
            return False
        del self._buffer[:at]
        self._lost = False
        return True

    def _fill(self) -> bool:
        chunk = self._read_some(_CHUNK_BYTES)
        self._buffer += chunk
        return bool(chunk)

    def _message(self) -> bytes | None:
        while (end := self._header_end()) < 0:
            if len(self._buffer) >= MAX_HEADER_BYTES:
                raise _Misframed(f"no end of its header within {MAX_HEADER_BYTES} bytes")
            if not self._fill():
                return None
        return self._read_body(end + 4, _content_length(bytes(self._buffer[:end])))

    def _header_end(self) -> int:
        """Where the header ends (-1: not yet read), line breaks between messages let be."""
        del self._buffer[: len(self._buffer) - len(self._buffer.lstrip())]
        return self._buffer.find(b"\r\n\r\n", 0, MAX_HEADER_BYTES)

    def _read_body(self, start: int, length: int) -> bytes | None:
        stop, scanned = start + length, start
        while not (found := _NEXT_MESSAGE.search(self._buffer, scanned, stop)):
            if len(self._buffer) >= stop:
                with memoryview(self._buffer) as view:
                    body = view[start:stop].tobytes()
                del self._buffer[:stop]
                return body
            scanned = max(start, len(self._buffer) - len(_HEADER) - 24)
            if not self._fill():
                return None
        raise _Misframed(
            f"the next message starts {found.start() - start} bytes into its body, "
            f"not after the {length} bytes its Content-Length says",
            resume=found.start(),
        )


def _content_length(header: bytes) -> int:
    fields = {}
    for line in header.split(b"\r\n"):
        if not (field := _FIELD.fullmatch(line)):
            raise _Misframed(f"expected a header like 'Content-Length: 123', not {line[:40]!r}")
        fields[field[1].lower()] = field[2]
    value = fields.get(b"content-length")
    if value is None:
        raise _Misframed("no Content-Length header")
    if not (value.isdigit() and len(value) < 16 and 0 < int(value) <= MAX_MESSAGE_BYTES):
        raise _Misframed(
            f"Content-Length {value[:20].decode('latin-1')} is not a length from 1 to "
            f"{MAX_MESSAGE_BYTES} bytes"
        )
    return int(value)


class Refused(Exception):
    """A message pygls could not take, and the error it is answered with (to id None when
    its id is unknown)."""

    def __init__(self, msg_id: int | str | None, error: JsonRpcException) -> None:
        super().__init__(error.message)
        self.msg_id = msg_id
        self.error = error


class AnsweringProtocol(LanguageServerProtocol):
    """pygls' protocol, but a request it cannot read is refused with its id, to be answered."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "method" not in data or "id" not in data:  # a notification: never answered
                raise
            if isinstance(error.__cause__, ClassValidationError):
                where = "; ".join(transform_error(error.__cause__, "$"))
                where = re.sub(r"_([a-z])", lambda m: m[1].upper(), where)  # as in JSON
                error = JsonRpcInvalidParams(f"Invalid Params: {where}"[:1000])
            raise Refused(_id_of(data), error) from error

    def handle_message(self, message: Any) -> None:
        if getattr(message, "jsonrpc", None) != self.VERSION:  # a list, a number, JSON-RPC 1
            raise Refused(_id_of(message), JsonRpcInvalidRequest())
        if self._shutdown and hasattr(message, "method") and hasattr(message, "id"):
            raise Refused(message.id, JsonRpcInvalidRequest("Invalid Request: shutting down"))
        super().handle_message(message)


def _id_of(message: Any) -> int | str | None:
    msg_id = message.get("id") if isinstance(message, dict) else getattr(message, "id", None)
    return msg_id if isinstance(msg_id, int | str) else None


def refusal(error: Exception) -> Refused | None:
    """The answer owed for an error pygls met reading a message, if one is owed."""
    if isinstance(error, Refused):
        return error
    if isinstance(error, ValueError | RecursionError):  # not JSON, not UTF-8, nested too deep
        return Refused(None, JsonRpcParseError(f"Parse Error: {error}"[:1000]))
    return None
