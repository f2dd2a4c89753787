"""Word documents (.docx): paragraphs and table cells in reading order, by python-docx.

A .docx is a zip archive: one that would unpack to more than MAX_UNPACKED bytes, or that
compresses more than a real document does, is refused before anything is unpacked.

Its title is the document's own (core properties), unless that says nothing; then a
'Title' paragraph among its first few, else a 'Heading 1' one."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostics, Location
from . import printout
from .base import Extracted, SourceFile
from .pdf import CREATION_DATE, headline, useful_title

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200  # unpacked / packed; Word's XML compresses ten to twenty times
TITLE_STYLES = ("Title", "Heading 1")
OPENING_BLOCKS = 5  # the paragraphs and tables at the start where a title stands


def read_word(file: SourceFile, diagnostics: Diagnostics) -> Extracted | None:
    problem = _archive_problem(file.data)
    if problem:
        diagnostics.error(Location(file.path), problem)
        return None
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    try:
        return _read(file.data)
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        diagnostics.error(Location(file.path), f"not a readable Word document ({error})")
    except etree.LxmlError as error:  # truncated, nested too deeply, entities amplified
        message = f"not a readable Word document: its XML is damaged ({error})"
        diagnostics.error(Location(file.path), message)
    return None


def _read(data: bytes) -> Extracted:
    """The text and metadata. python-docx's XML parser leaves entities unresolved, and
    libxml2 refuses to nest deeper than 256 levels."""
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    paragraphs = []
    blocks = list(document.iter_inner_content())  # paragraphs and tables, in reading order
    for block in blocks:
        if isinstance(block, Table):
            paragraphs += [" | ".join(cell.text for cell in row.cells) for row in block.rows]
        else:
            paragraphs.append(block.text)
    text = "\n".join(p.strip() for p in paragraphs if p.strip()) + "\n"
    core = document.core_properties
    title = useful_title(core.title or "") or _styled_title(blocks)
    named = {"title": title, "author": core.author or ""}
    found = {k: " ".join(v.split()) for k, v in named.items() if v.strip()}
    found = printout.first_page_statements(text, "in its opening lines") | found
    if "published" not in found and core.created:
        found["published"] = core.created.date().isoformat()
        found["date_basis"] = CREATION_DATE.format(document="document")
    return Extracted(text, metadata=found)


def _styled_title(blocks: list[Paragraph | Table]) -> str:
    """The text of a 'Title' paragraph among the opening blocks, else of a 'Heading 1'."""
    from docx.text.paragraph import Paragraph

    opening = [b for b in blocks if not isinstance(b, Paragraph) or b.text.strip()]
    paragraphs = [b for b in opening[:OPENING_BLOCKS] if isinstance(b, Paragraph)]
    for style in TITLE_STYLES:
        for paragraph in paragraphs:
            if paragraph.style is not None and paragraph.style.name == style:
                return headline(paragraph.text)
    return ""


def _archive_problem(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        return "not a readable Word document (not a zip archive)"
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(len(data), 1):
        return (
            f"the document would unpack to {unpacked / 2**20:.0f} MiB from "
            f"{len(data) / 2**10:.0f} KiB: refused as a zip bomb"
        )
    return ""
