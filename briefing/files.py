"""Reading a file safely: opened without blocking and checked on the open descriptor, so
that a named pipe or a device in a project never hangs the tool."""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 20 * 1024 * 1024


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
