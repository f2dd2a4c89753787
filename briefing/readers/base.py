"""What a reader is and what it returns; reading a source through the right one, with a
cache for the costly kinds and the checks every text gets, made once for all."""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Literal

from ..diagnostics import Diagnostics, Location

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Which page-furniture rules a reader's text gets: all of them (text pasted from a web page),
# those that read what a line says (an article extracted from a page), none (a document).
PageRules = Literal["pasted", "article", "document"]


@dataclass(frozen=True)
class SourceFile:
    """A source file as the project holds it."""

    path: str  # relative to the project, for diagnostics: seeds/NAME
    data: bytes
    encoding: str = ""  # as the register declares it, for text in another encoding than UTF-8


@dataclass(frozen=True)
class Furniture:
    """A span of the text that is not the document's own words (a running header)."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Extracted:
    """What a reader made of a file: the text quotes are matched against, where each page
    starts in it (for documents with pages), spans it knows to be page furniture, and the
    document's metadata (title, author, outlet, published, date_basis, address, type,
    encoding), each only where the document says it."""

    text: str
    pages: tuple[int, ...] = ()
    furniture: tuple[Furniture, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceText:
    extracted: Extracted
    sha256: str  # of the file's bytes, as received
    reader: str  # the kind of reader that read it
    page_rules: PageRules


@dataclass(frozen=True)
class Reader:
    kind: str
    suffixes: tuple[str, ...]
    read: Callable[[SourceFile, Diagnostics], Extracted | None]  # None after an error
    # The distributions that read it, whose versions are part of the cache key; a reader
    # without any is not cached.
    libraries: tuple[str, ...] = ()
    page_rules: PageRules = "pasted"

    @cached_property
    def cache_key(self) -> str:
        """The reader's kind, its libraries' versions and its own code: a change to any of
        them reads the files again."""
        if not self.libraries:
            return ""
        versions = [f"{name} {metadata.version(name)}" for name in self.libraries]
        code = hashlib.sha256(Path(inspect.getfile(self.read)).read_bytes()).hexdigest()
        return " ".join([self.kind, *versions, code])


def cache_folder() -> Path:
    """Where extracted texts are kept: $BRIEFING_CACHE, or briefing/ in the user's cache."""
    if folder := os.environ.get("BRIEFING_CACHE"):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "briefing"


def extract(reader: Reader, file: SourceFile, diagnostics: Diagnostics) -> Extracted | None:
    """The reader's result, from the cache when the same bytes were read before by the same
    reader and versions of its libraries."""
    if not reader.cache_key:
        return reader.read(file, diagnostics)
    digest = hashlib.sha256(file.data + reader.cache_key.encode()).hexdigest()
    cached = cache_folder() / "extracted" / f"{digest}.json"
    try:
        data = json.loads(cached.read_text(encoding="utf-8"))
        return Extracted(
            data["text"],
            tuple(data["pages"]),
            tuple(Furniture(**f) for f in data["furniture"]),
            data["metadata"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        pass
    extracted = reader.read(file, diagnostics)
    if extracted is not None:
        store_cached(cached, json.dumps(asdict(extracted), ensure_ascii=False))
    return extracted


def store_cached(path: Path, text: str) -> None:
    """Write a cache file atomically; a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError:
        pass


def checked(file: SourceFile, extracted: Extracted, diagnostics: Diagnostics) -> bool:
    """The checks every text gets: it must have words; bidi controls are worth a warning."""
    if not extracted.text.strip():
        diagnostics.error(Location(file.path), "source is empty")
        return False
    if bidi := _BIDI.search(extracted.text):
        diagnostics.warning(
            Location(file.path, extracted.text.count("\n", 0, bidi.start()) + 1),
            "source contains bidirectional control characters, which can make text display "
            "differently from what it says; quotes are matched without them",
        )
    return True
