"""The registry of source readers, by kind, and reading a source through its reader."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from ..diagnostics import Diagnostics, Location
from .base import Reader, SourceFile, SourceText, checked, extract
from .pdf import read_pdf
from .text import read_text
from .web import read_web_page
from .word import read_word

READERS: dict[str, Reader] = {
    r.kind: r
    for r in (
        Reader("text", (".txt", ".text", ".md", ""), read_text),
        Reader(
            "web page", (".html", ".htm"), read_web_page, ("trafilatura", "htmldate"), "article"
        ),
        Reader("PDF", (".pdf",), read_pdf, ("pypdfium2", "pdfminer.six"), "document"),
        Reader("Word document", (".docx",), read_word, ("python-docx",), "document"),
    )
}


def reader_for(path: str) -> Reader | None:
    suffix = PurePath(path).suffix.lower()
    return next((r for r in READERS.values() if suffix in r.suffixes), None)


def supported() -> str:
    """The kinds of source, for a hint: 'text (.txt .text .md); web page (.html .htm); ...'."""
    return "; ".join(f"{r.kind} ({' '.join(s for s in r.suffixes if s)})" for r in READERS.values())


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
