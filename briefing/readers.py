"""Source readers: how a source file's bytes become the text its quotes are matched against.

A reader is chosen by the file's kind (its suffix). It returns the text, and whatever
metadata the document carries; the fingerprint is always of the file's own bytes, and the
checks every text gets (empty, bidirectional controls) are made here once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from .diagnostics import Diagnostics, Location
from .project import decode_utf8

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Extracted:
    """What a reader found in a file: the text to quote from, and the document's metadata."""

    text: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceText:
    text: str
    sha256: str  # of the file's bytes, as received
    metadata: dict[str, str]


@dataclass(frozen=True)
class Reader:
    kind: str
    suffixes: tuple[str, ...]
    # The file's name in the project, its bytes -> its text, or None after a diagnostic.
    read: Callable[[str, bytes, Diagnostics], Extracted | None]


def _plain_text(path: str, data: bytes, diagnostics: Diagnostics) -> Extracted | None:
    text = decode_utf8(path, data, "source", diagnostics)
    if text is None:
        return None
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        diagnostics.error(Location(path, line), "source contains NUL bytes: it is not plain text")
        return None
    return Extracted(text)


READERS: dict[str, Reader] = {
    r.kind: r for r in (Reader("text", (".txt", ".text", ".md", ""), _plain_text),)
}


def reader_for(path: str) -> Reader | None:
    suffix = PurePath(path).suffix.lower()
    return next((r for r in READERS.values() if suffix in r.suffixes), None)


def read_source(path: str, data: bytes, diagnostics: Diagnostics) -> SourceText | None:
    """The text of the source file at path (relative to the project), or None after an
    error that says why."""
    reader = reader_for(path)
    if reader is None:
        kinds = ", ".join(
            f"{r.kind} ({' '.join(s for s in r.suffixes if s)})" for r in READERS.values()
        )
        diagnostics.error(Location(path), "unsupported kind of source", hint=f"supported: {kinds}")
        return None
    extracted = reader.read(path, data, diagnostics)
    if extracted is None:
        return None
    if not extracted.text.strip():
        diagnostics.error(Location(path), "source is empty")
        return None
    if bidi := _BIDI.search(extracted.text):
        diagnostics.warning(
            Location(path, extracted.text.count("\n", 0, bidi.start()) + 1),
            "source contains bidirectional control characters, which can make text display "
            "differently from what it says; quotes are matched without them",
        )
    return SourceText(extracted.text, hashlib.sha256(data).hexdigest(), extracted.metadata)
