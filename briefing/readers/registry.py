"""The registry of source readers, by kind, and reading a source through its reader: the
one place sources are read, from the cache or within a budget of time and memory."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from pathlib import PurePath

from .. import source_findings
from ..cache import cache_folder, load_cached, store_cached
from ..diagnostics import Diagnostics, Location
from . import clutter, pdf, printout, web_metadata
from .base import Extracted, Reader, SourceFile, SourceText, checked
from .budget import read_within_budget
from .pdf import read_pdf
from .text import read_text
from .web import read_web_page
from .word import read_word

READERS: dict[str, Reader] = {
    r.kind: r
    for r in (
        Reader("text", (".txt", ".text", ".md", ""), read_text, ("charset-normalizer",),
               "pasted", reads_encoding=True),
        Reader("web page", (".html", ".htm"), read_web_page, ("trafilatura", "htmldate"),
               "article", warm=("trafilatura",), helpers=(clutter, web_metadata)),
        Reader("PDF", (".pdf",), read_pdf, ("pypdfium2", "pdfminer.six"),
               warm=("pypdfium2",), helpers=(printout, source_findings)),
        Reader("Word document", (".docx",), read_word, ("python-docx",), warm=("docx",),
               helpers=(pdf, printout)),  # word.py reads titles as pdf.py does
    )
}  # fmt: skip


def reader_for(path: str) -> Reader | None:
    suffix = PurePath(path).suffix.lower()
    return next((r for r in READERS.values() if suffix in r.suffixes), None)


def supported() -> str:
    """The kinds of source, for a hint: 'text (.txt .text .md); web page (.html .htm); ...'."""
    return "; ".join(f"{r.kind} ({' '.join(s for s in r.suffixes if s)})" for r in READERS.values())


def extract(reader: Reader, file: SourceFile, diagnostics: Diagnostics) -> Extracted | None:
    """The reader's result: from the cache when the same bytes were read before by the same
    reader and versions of its libraries, else read in a child process within its budget."""
    if not reader.cache_key:
        return read_within_budget(reader, file, diagnostics)
    entry = cache_folder() / "extracted" / reader.cache_entry(file)
    if cached := Extracted.from_json(load_cached(entry)):
        return cached
    extracted = read_within_budget(reader, file, diagnostics)
    if extracted is not None:
        store_cached(entry, asdict(extracted))
    return extracted


def read_source(file: SourceFile, diagnostics: Diagnostics) -> SourceText | None:
    """The text of a source file, or None after an error that says why."""
    reader = reader_for(file.path)
    if reader is None:
        hint = f"supported: {supported()}"
        diagnostics.error(Location(file.path), "unsupported kind of source", hint=hint)
        return None
    extracted = extract(reader, file, diagnostics)
    if extracted is None or not checked(file, extracted, diagnostics):
        return None
    digest = hashlib.sha256(file.data).hexdigest()
    return SourceText(extracted, digest, reader.kind, reader.page_rules)
