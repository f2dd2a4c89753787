"""The cache of what is costly to work out again (sources' texts, their findings, the
timeline figure), in $BRIEFING_CACHE or briefing/ in the user's cache folder, one JSON file
an entry, keyed by a digest of its inputs and of the code that works it out (code_digest).

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
import inspect
import json
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from . import __version__
from .atomic import write_atomically
from .files import MAX_FILE_BYTES, read_regular

MAX_ENTRY_BYTES = 4 * MAX_FILE_BYTES  # a text can be longer than its file; larger isn't kept
PACKAGE = Path(__file__).parent
CODE_SUFFIXES = (".py", ".md", ".txt", ".yaml")  # the package's files that say what it does
_WRITTEN: set[Path] = set()  # the folders this process has stored entries in


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
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        # Not forced to disk: an entry cut short by a crash fails its digest and is redone.
        write_atomically(path, entry, durable=False, sweep=_first_write(path.parent))


def _first_write(folder: Path) -> bool:
    """Whether this process writes in folder for the first time: a build stores many
    entries, and their folder is swept of stale temporaries once."""
    first = folder not in _WRITTEN
    _WRITTEN.add(folder)
    return first


@functools.cache  # the code of a running process does not change
def code_digest(*code: ModuleType | Callable[..., object]) -> str:
    """A digest of briefing's version and of the source files of code (modules, functions,
    classes), or of all the package's files when none is named: part of a cache key, it
    makes a change to that code a change of the key."""
    files = [Path(inspect.getfile(c)) for c in code] or _package_files()
    digest = hashlib.sha256(__version__.encode() + b"\0")
    for path in files:
        name = path.relative_to(PACKAGE) if path.is_relative_to(PACKAGE) else path.name
        data, problem = read_regular(path)  # an editor's lock file or a link: its problem
        digest.update(f"{name}\0".encode() + (data or problem.encode()) + b"\0")
    return digest.hexdigest()


def _package_files() -> list[Path]:
    """The package's code and the data it reads (help texts, the schemas)."""
    found = []
    for directory, dirnames, filenames in os.walk(PACKAGE):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        found += [
            Path(directory, f)
            for f in sorted(filenames)
            if f.endswith(CODE_SUFFIXES) and not f.startswith(".")
        ]
    return found
