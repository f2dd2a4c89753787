"""What a reader is and what it returns, and the checks every text gets, made once for all."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from types import ModuleType
from typing import Any, Literal

from ..cache import code_digest
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

    @classmethod
    def from_json(cls, data: Any) -> Extracted | None:
        """The Extracted that asdict made data of, or None if any field is not as it would
        be (a cache entry damaged, or written by another version)."""
        names = ("text", "pages", "furniture", "metadata")
        if not isinstance(data, dict) or data.keys() != set(names):
            return None
        text, pages, furniture, metadata = (data[name] for name in names)
        if not (isinstance(text, str) and _offsets(pages, len(text))):
            return None
        if not (isinstance(furniture, list) and all(_span(f, len(text)) for f in furniture)):
            return None
        if not (isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())):
            return None
        return cls(text, tuple(pages), tuple(Furniture(**f) for f in furniture), metadata)


def _offsets(values: Any, length: int) -> bool:
    """Whether values is a list of offsets into a text of that length."""
    return isinstance(values, list) and all(type(v) is int and 0 <= v <= length for v in values)


def _span(value: Any, length: int) -> bool:
    """Whether value is a Furniture as asdict gives it, within a text of that length."""
    return (
        isinstance(value, dict)
        and value.keys() == {"start", "end", "reason"}
        and _offsets([value["start"], value["end"]], length)
        and isinstance(value["reason"], str)
    )


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
    page_rules: PageRules = "document"
    reads_encoding: bool = False  # whether the register's encoding changes what it reads
    # Modules it imports, imported before a child is forked to read, so each starts warm.
    warm: tuple[str, ...] = ()
    # Other modules of briefing's that read for it (the PDF reader's printouts), whose code
    # is part of the cache key with its own.
    helpers: tuple[ModuleType, ...] = ()

    @cached_property
    def cache_key(self) -> str:
        """The reader's kind, its libraries' versions and its own code: a change to any of
        them reads the files again."""
        if not self.libraries:
            return ""
        versions = [f"{name} {metadata.version(name)}" for name in self.libraries]
        return " ".join([self.kind, *versions, code_digest(self.read, *self.helpers)])

    def cache_entry(self, file: SourceFile) -> str:
        """The name of the file's cache entry, a hash of all that the text depends on."""
        key = self.cache_key + (f" {file.encoding}" if self.reads_encoding else "")
        return hashlib.sha256(file.data + key.encode()).hexdigest() + ".json"


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
