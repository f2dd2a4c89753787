"""The cache of what is costly to work out again (sources' texts, their findings), in
$BRIEFING_CACHE or briefing/ in the user's cache folder, one JSON file an entry.

An entry is trusted no further than a project file: it is opened like one (no named pipes,
no links, a size limit), and its first line is a SHA-256 digest of its name and content,
so that an entry edited, cut short or put in another's place is not believed but worked
out again and written anew. The digest guards against damage, not against someone who can
write to the user's own folders (and so could change the program too)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from .files import MAX_FILE_BYTES, read_regular

MAX_ENTRY_BYTES = 4 * MAX_FILE_BYTES  # a text can be longer than its file; larger isn't kept
STALE_SECONDS = 3600  # a temporary file this old was left by a write that never finished
_TEMPORARY = ".tmp-"


def cache_folder() -> Path:
    """Where entries are kept: $BRIEFING_CACHE, or briefing/ in the user's cache."""
    if folder := os.environ.get("BRIEFING_CACHE"):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "briefing"


def _digest(path: Path, body: bytes) -> bytes:
    return hashlib.sha256(path.name.encode() + b"\n" + body).hexdigest().encode()


def load_cached(path: Path) -> Any:
    """The JSON value kept at path, or None when there is none or it is in any doubt."""
    data, _ = read_regular(path, MAX_ENTRY_BYTES)
    if data is None:
        return None
    digest, _, body = data.partition(b"\n")
    if not hmac.compare_digest(digest, _digest(path, body)):
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def store_cached(path: Path, value: Any) -> None:
    """Keep value at path, written whole or not at all; a cache that cannot be written is
    no error, and leaves no temporary file behind."""
    body = json.dumps(value, ensure_ascii=False).encode()
    entry = _digest(path, body) + b"\n" + body
    if len(entry) > MAX_ENTRY_BYTES:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(path.parent)
        handle, temporary = tempfile.mkstemp(prefix=f"{_TEMPORARY}{os.getpid()}-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(entry)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


@functools.cache  # once a process for each folder: a build stores many entries
def _remove_stale(folder: Path) -> None:
    """Remove the temporary files of writes that were killed before they were done."""
    now = time.time()
    for temporary in folder.glob(f"{_TEMPORARY}*"):
        with contextlib.suppress(OSError):
            if now - temporary.lstat().st_mtime > STALE_SECONDS:
                temporary.unlink()
