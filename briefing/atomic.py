"""Writing files whole or not at all: each is written under a temporary name in its folder,
then renamed into place.

A temporary's name says whose it is (.briefing-tmp-PID-RANDOM), so that it is never taken
for a project's file, and one left by a killed command (its process gone, or the file older
than an hour) is removed by the next command that writes in that folder. A write that fails
leaves no temporary behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

TEMPORARY = ".briefing-tmp-"
STALE_SECONDS = 3600  # a temporary this old was left by a write that never finished


def is_temporary(path: Path) -> bool:
    """Whether path is a temporary file or folder of a write (never a project's file)."""
    return path.name.startswith(TEMPORARY)


def _temporary_name(folder: Path) -> Path:
    return folder / f"{TEMPORARY}{os.getpid()}-{secrets.token_hex(6)}"


def stage(folder: Path, data: bytes, mode: int = 0o644, durable: bool = True) -> Path:
    """A new temporary file of folder holding data, with that mode, on disk unless not
    durable; should writing it fail, it is removed and the error raised."""
    temporary = _temporary_name(folder)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    handle = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), mode)
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


class Staged:
    """Files written under temporary names, renamed into place together by place(): used
    as a context, no temporary is left once it ends, whatever happened."""

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []  # (temporary, where it goes)
        self.placed: list[Path] = []
        self._swept: set[Path] = set()
        self._durable: set[Path] = set()  # the folders whose renames are put on disk

    def add(
        self, path: Path, data: bytes, mode: int = 0o644, durable: bool = True, sweep: bool = True
    ) -> None:
        """Write data under a temporary name beside path (its folder's stale temporaries
        removed first, if sweep)."""
        if sweep and path.parent not in self._swept:
            remove_stale_temporaries(path.parent)
            self._swept.add(path.parent)
        self.pending.append((stage(path.parent, data, mode, durable), path))
        if durable:
            self._durable.add(path.parent)

    def place(self) -> None:
        """Rename each file into place, in the order added (on disk, if durable)."""
        for temporary, path in self.pending:
            os.replace(temporary, path)
            self.placed.append(path)
        for folder in self._durable:
            _sync_folder(folder)

    def __enter__(self) -> Staged:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for temporary, _ in self.pending:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def write_atomically(
    path: Path, data: bytes, mode: int = 0o644, durable: bool = True, sweep: bool = True
) -> None:
    """Write data to path whole or not at all; durable: on disk before it is in place;
    sweep: the folder's stale temporaries removed first."""
    with Staged() as staged:
        staged.add(path, data, mode, durable, sweep)
        staged.place()


def _sync_folder(folder: Path) -> None:
    """Put the renames in folder on disk, where the file system allows."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


@contextlib.contextmanager
def staged_folder(parent: Path) -> Iterator[Path]:
    """A new temporary folder in parent, to be filled and renamed into place; whatever is
    left of it when the block ends is removed."""
    remove_stale_temporaries(parent)
    folder = _temporary_name(parent)
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale_temporaries(folder: Path) -> None:
    """Remove the temporaries in folder that no write will finish: their process is gone,
    or they are older than STALE_SECONDS. Links are removed, never followed."""
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(TEMPORARY)]
    except OSError:
        return
    now = time.time()
    for entry in entries:
        with contextlib.suppress(OSError):
            status = entry.stat(follow_symlinks=False)
            if now - status.st_mtime <= STALE_SECONDS and _alive(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)


def _alive(name: str) -> bool:
    """Whether the process whose temporary this is still runs."""
    pid = name.removeprefix(TEMPORARY).partition("-")[0]
    if not pid.isdigit() or int(pid) == 0:
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: nothing is sent, the process is only looked up
    except PermissionError:  # another user's process
        return True
    except (ProcessLookupError, OverflowError):
        return False
    return True
