"""Stage 9: writing the outputs into the output folder, atomically and under a lock."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .diagnostics import BriefingError


@contextlib.contextmanager
def locked(outdir: Path) -> Iterator[None]:
    """Hold the output folder's lock, so two builds cannot interleave their files."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        handle = open(outdir / ".briefing.lock", "w")  # noqa: SIM115 - held for the block
    except OSError as error:
        raise BriefingError(
            f"{outdir}: cannot write the output folder ({error.strerror})"
        ) from error
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def write_outputs(outdir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write each file to a temporary name in outdir, then rename them all into place."""
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            folder = (outdir / name).parent  # copies/ for the numbered copies
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary_name = tempfile.mkstemp(prefix=f".{Path(name).name}.", dir=folder)
            staged.append((name, Path(temporary_name)))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary_name, 0o644)
        for name, temporary in staged:
            temporary.replace(outdir / name)
    except OSError as error:
        raise BriefingError(f"{outdir}: cannot write outputs ({error.strerror})") from error
    finally:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
    return [outdir / name for name in files]
