"""Stage 9: writing the outputs into the output folder, atomically and under a lock; and
the project's lock, held while a command reads or changes the project."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from .atomic import Staged
from .diagnostics import BriefingError


@contextlib.contextmanager
def project_locked(
    root: Path, exclusive: bool = False, waiting: Callable[[], object] = lambda: None
) -> Iterator[None]:
    """Hold the project's lock: shared while a command reads the project (build, check,
    release), exclusive while add-source changes it; `waiting` is called first should
    another command hold it. The lock is on the project folder itself, so no file is left
    in the project. Taken before the output folder's lock, never while holding it, so two
    commands never wait for each other."""
    try:
        handle = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise BriefingError(f"{root}: cannot open the project ({error.strerror})") from error
    operation = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        try:
            fcntl.flock(handle, operation | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            _flock(handle, operation, root)
        except OSError:
            _flock(handle, operation, root)  # to say why it cannot be locked
        yield
    finally:
        os.close(handle)


def _flock(handle: int, operation: int, root: Path) -> None:
    try:
        fcntl.flock(handle, operation)
    except OSError as error:  # a file system without locks (some network ones)
        raise BriefingError(f"{root}: cannot lock the project ({error.strerror})") from error


@contextlib.contextmanager
def locked(outdir: Path) -> Iterator[None]:
    """Hold the output folder's lock, so two builds cannot interleave their files."""
    lock = outdir / ".briefing.lock"
    if lock.is_symlink():  # opening it would create or lock the file it names
        raise BriefingError(f"{lock}: is a link, not the output folder's lock; remove it")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        # Never truncated, never followed, never waited on (a named pipe).
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        handle = os.open(lock, flags, 0o644)
    except OSError as error:
        raise BriefingError(
            f"{outdir}: cannot write the output folder ({error.strerror})"
        ) from error
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _refuse_links(outdir: Path, folder: Path) -> None:
    """Outputs are written into the output folder's own subfolders, never through a link
    that a project passed around could carry (dist/copies -> ~/Documents)."""
    while folder != outdir:
        if folder.is_symlink():
            raise BriefingError(f"{folder}: is a link; outputs are not written through it")
        folder = folder.parent


def write_outputs(outdir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write each file under a temporary name in outdir, then rename them all into place."""
    try:
        with Staged() as staged:
            for name, data in files.items():
                folder = (outdir / name).parent  # copies/ for the numbered copies
                _refuse_links(outdir, folder)
                folder.mkdir(parents=True, exist_ok=True)
                staged.add(outdir / name, data)
            staged.place()
    except OSError as error:
        raise BriefingError(f"{outdir}: cannot write outputs ({error.strerror})") from error
    return [outdir / name for name in files]
