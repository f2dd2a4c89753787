"""A brief project's files: where each lives, and reading them safely. A file is opened
without blocking and checked on the open descriptor, so that a named pipe or a device in a
project never hangs the tool; a link out of the project is refused, never followed."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from .diagnostics import Diagnostics, Location

# --- where a project keeps its files ------------------------------------------------------

BRIEF = "brief.md"
SOURCES = "seeds/sources.yaml"
TIMELINE = "figures/timeline.yaml"
RECORDED = (BRIEF, SOURCES, TIMELINE)  # what a released edition keeps of its project
EDITIONS = "editions"  # released editions, one folder each: editions/1.0/
# A version names a folder of editions/: letters, digits, '.', '-', '_', ending in a letter or
# a digit, and none of the names Windows keeps for devices.
VERSION_NAME = re.compile(
    r"(?!(?:con|prn|aux|nul|com\d|lpt\d)(?:\.|$))(?:[a-z0-9][\w.-]{0,38})?[a-z0-9]", re.I
)


# --- reading safely -------------------------------------------------------------------------

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # about 6,300 px square: far more than print needs


def read_regular(path: Path, limit: int = MAX_FILE_BYTES) -> tuple[bytes | None, str]:
    """A regular file's bytes, or why not: one larger than limit is refused. It is opened
    without blocking and checked on the open descriptor, so a named pipe or a device never
    hangs the reader."""
    try:
        # O_NOFOLLOW: a link swapped in after a caller's checks is refused, not followed.
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None, "cannot be opened"
    status = os.fstat(handle)
    if not stat.S_ISREG(status.st_mode):
        os.close(handle)
        return None, f"not a regular file ({kind_of(status.st_mode)})"
    if status.st_size > limit:
        os.close(handle)
        return None, f"larger than {limit // 2**20} MiB"
    with os.fdopen(handle, "rb") as file:
        data = file.read(limit + 1)  # a file that grows meanwhile is not read without end
    return (data, "") if len(data) <= limit else (None, f"larger than {limit // 2**20} MiB")


def read_inside(root: Path, path: Path) -> tuple[bytes | None, str]:
    """A regular file inside the project, read through one checked descriptor; or why not."""
    if not os.path.lexists(path):
        return None, "no such file"
    if problem := leads_out(root, path):
        return None, problem
    return read_regular(path.resolve())


def leads_out(root: Path, path: Path) -> str:
    """Why path, its links followed, is no place inside root; "" when it is one."""
    if not Path(os.path.abspath(path)).is_relative_to(os.path.abspath(root)):
        return "outside the project"
    try:
        if path.resolve().is_relative_to(root.resolve()):
            return ""
    except RuntimeError:
        return "a loop of links"
    except OSError as error:
        return f"a link that cannot be followed ({error.strerror})"
    return "a link to a place outside the project"


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in a reader's words."""
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
             (stat.S_ISBLK, "a device"))  # fmt: skip
    return next((name for test, name in kinds if test(mode)), "a special file")


def read_text(
    root: Path, name: str, diagnostics: Diagnostics, kept: dict[str, bytes] | None = None
) -> str | None:
    """Read a project file as UTF-8 text, or record why it cannot be read; kept, if given,
    receives the bytes read (under name)."""
    data = read_bytes(root, name, diagnostics)
    if data is None:
        return None
    if kept is not None:
        kept[name] = data
    if b"\0" in data:
        diagnostics.error(Location(name), "file is binary (it contains NUL bytes), not text")
        return None
    return decode_utf8(name, data, "file", diagnostics)


def decode_utf8(
    name: str,
    data: bytes,
    what: str,
    diagnostics: Diagnostics,
    hint: str = "save it as UTF-8 (from Windows-1252: iconv -f cp1252 -t utf-8)",
) -> str | None:
    """The bytes as text, a leading byte-order mark dropped; or an error at the bad byte."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        where, byte = undecodable(name, data, error)
        diagnostics.error(where, f"{what} is not valid UTF-8 ({byte})", hint=hint)
        return None


def undecodable(name: str, data: bytes, error: UnicodeDecodeError) -> tuple[Location, str]:
    """Where in a file its first byte that is not UTF-8 stands, and that byte ('byte 0xe9')."""
    before = data[: error.start]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return Location(name, before.count(b"\n") + 1, column), f"byte 0x{data[error.start]:02x}"


def read_bytes(root: Path, name: str, diagnostics: Diagnostics) -> bytes | None:
    """A project file's bytes, or None after recording why it cannot be read."""
    path = root / name
    if not os.path.lexists(path):
        diagnostics.error(Location(name), "file not found")
        return None
    if problem := leads_out(root, path):
        diagnostics.error(Location(name), f"file is {problem}")
        return None
    if not path.exists():
        diagnostics.error(Location(name), "file is a link to nothing")
        return None
    status = path.stat()
    size = status.st_size
    if stat.S_ISREG(status.st_mode) and size > MAX_FILE_BYTES:
        diagnostics.error(
            Location(name),
            f"file is {size / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES / 2**20:.0f} MiB",
        )
        return None
    data, problem = read_regular(path.resolve())
    if data is None:
        diagnostics.error(Location(name), problem)
    return data
