"""PDF: the text layer, page by page.

pypdfium2 (PDFium) reads it: a 117-page LaTeX file in 0.2 s, and it marks a hyphen that
breaks a word at a line end (U+FFFE), so the word is rejoined. A damaged file PDFium
refuses is read by pdfminer.six, fourteen times slower, whose words hyphenated at a line
end are rejoined when a lower-case letter follows. Lines repeated at the top or the
bottom of most pages (running headers and footers) and bare page numbers are furniture.
A web page a browser printed is read as a web page (briefing.readers.printout).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable

from ..diagnostics import Diagnostics, Location
from . import printout
from .base import Extracted, Furniture, SourceFile

_SOFT_HYPHEN = "\ufffe"
_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-\n(?=[a-z])")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE)
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")
CREATION_DATE = "the {document}'s creation date (file metadata), not a stated date"
MIN_CHARS_PER_PAGE = 20  # fewer, on average, and the PDF has no text layer to speak of


class _Refused(Exception):
    """The PDF cannot be read; the message says why."""


def read_pdf(file: SourceFile, diagnostics: Diagnostics) -> Extracted | None:
    try:
        pages, info = _pdfium_pages(file.data)
    except _Refused as refused:
        diagnostics.error(Location(file.path), str(refused))
        return None
    except Exception:  # PDFium gives up on damaged files that pdfminer can mend
        try:
            pages, info = _pdfminer_pages(file.data)
        except _Refused as refused:
            diagnostics.error(Location(file.path), str(refused))
            return None
        except MemoryError:  # over the memory budget: said as such by the one who set it
            raise
        except Exception as error:
            diagnostics.error(Location(file.path), f"not a readable PDF ({error})")
            return None
    if sum(len(p.strip()) for p in pages) < MIN_CHARS_PER_PAGE * max(1, len(pages)):
        diagnostics.error(
            Location(file.path),
            "the PDF has no text layer (a scan?)",
            hint="run OCR on it first, e.g. ocrmypdf in.pdf out.pdf, and add the result",
        )
        return None
    extracted = _assemble(pages, info)
    if printout.is_printout(info, extracted):  # a web page a browser printed
        links = printout.linked_lines(file.data) if info else []  # info: PDFium read it
        return printout.read_printout(extracted, info, links)
    return extracted


def _pdfium_pages(data: bytes) -> tuple[list[str], dict[str, str]]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise _Refused(_ENCRYPTED) from error
        raise
    try:
        pages = []
        for page in document:
            text = page.get_textpage().get_text_range()
            pages.append(text.replace("\r\n", "\n").replace("\r", "\n").replace(_SOFT_HYPHEN, ""))
        return pages, dict(document.get_metadata_dict())
    finally:
        document.close()


_ENCRYPTED = "the PDF is encrypted; save an unprotected copy (print to PDF) and add that"


def _pdfminer_pages(data: bytes) -> tuple[list[str], dict[str, str]]:
    """Each page's text, the document parsed once (asking pdfminer for one page at a time
    parses the whole document again for each: 200 pages took 38 s)."""
    import io
    import logging

    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its notes on damaged fonts
    resources, output = PDFResourceManager(), io.StringIO()
    interpreter = PDFPageInterpreter(
        resources, TextConverter(resources, output, laparams=LAParams())
    )
    pages = []
    try:
        for page in PDFPage.get_pages(io.BytesIO(data)):
            interpreter.process_page(page)
            pages.append(_LINE_END_HYPHEN.sub("", output.getvalue()))
            output.seek(0)
            output.truncate()
    except PDFPasswordIncorrect as error:
        raise _Refused(_ENCRYPTED) from error
    return pages, {}


def _assemble(pages: list[str], info: dict[str, str]) -> Extracted:
    """One text, pages apart by a blank line; where each page starts; the furniture."""
    texts = [re.sub(r"\n{3,}", "\n\n", page.replace("\f", "").strip("\n")) for page in pages]
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 2
    text = "\n\n".join(texts) + "\n"
    metadata = _metadata(info, texts[0] if texts else "")
    return Extracted(text, tuple(starts), tuple(_furniture(texts, starts)), metadata)


def _edge_lines(page: str) -> Iterable[tuple[int, str]]:
    """The first two and last two non-blank lines of a page, with their offsets."""
    lines, offset = [], 0
    for line in page.split("\n"):
        if line.strip():
            lines.append((offset, line))
        offset += len(line) + 1
    return dict.fromkeys([*lines[:2], *lines[-2:]])


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _furniture(texts: list[str], starts: list[int]) -> list[Furniture]:
    edges = [list(_edge_lines(text)) for text in texts]
    counts = Counter(_shape(line) for page in edges for _, line in dict.fromkeys(page))
    repeated = {shape for shape, n in counts.items() if n >= 3 and n * 2 >= len(texts)}
    found = []
    for start, page in zip(starts, edges, strict=True):
        for offset, line in page:
            if _PAGE_NUMBER.match(line.strip()):
                reason = "page number"
            elif _shape(line) in repeated:
                reason = "running header or footer"
            else:
                continue
            found.append(Furniture(start + offset, start + offset + len(line), reason))
    return found


def _metadata(info: dict[str, str], first_page: str) -> dict[str, str]:
    """The document's own metadata (title, author), then what its first page states (a
    byline, a date), then its creation date."""
    named = {"title": info.get("Title", ""), "author": info.get("Author", "")}
    found = {key: " ".join(value.split()) for key, value in named.items() if value.strip()}
    found = printout.first_page_statements(first_page) | found
    if "published" not in found and (date := _date(info.get("CreationDate", ""))):
        found["published"] = date
        found["date_basis"] = CREATION_DATE.format(document="PDF")
    return found


def _date(stamp: str) -> str:
    match = _PDF_DATE.match(stamp.strip())
    if not match:
        return ""
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return ""
    return "-".join(part for part in (year, month, day) if part)
