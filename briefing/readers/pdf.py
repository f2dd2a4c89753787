"""PDF: the text layer, page by page.

pypdfium2 (PDFium) reads it: a 117-page LaTeX file in 0.2 s, and it marks a hyphen that
breaks a word at a line end (U+FFFE), so the word is rejoined. A damaged file PDFium
refuses is read by pdfminer.six, fourteen times slower, whose words hyphenated at a line
end are rejoined when a lower-case letter follows. Lines repeated at the top or the
bottom of most pages (running headers and footers) and bare page numbers are furniture.
A web page a browser printed is read as a web page (briefing.readers.printout).

A document's own title is its register title unless it is useless ("Untitled", "Microsoft
Word - draft3.docx", a file or generator's name); then the title its first page states
is: for PDFium, the largest text at the top of page 1; for pdfminer, the first block of
lines there, when it reads as a headline.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from itertools import groupby, takewhile
from typing import Any

from ..diagnostics import Diagnostics, Location
from . import printout
from .base import Extracted, Furniture, SourceFile

_SOFT_HYPHEN = "\ufffe"
_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-\n(?=[a-z])")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE)
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")
CREATION_DATE = "the {document}'s creation date (file metadata), not a stated date"
MIN_CHARS_PER_PAGE = 20  # fewer, on average, and the PDF has no text layer to speak of
_USELESS_TITLE = re.compile(
    r"^(?:untitled|no title|title|(?:new )?document|doc|presentation|powerpoint presentation"
    r"|slide|unbenannt|sans titre|sin t[ií]tulo|senza titolo)(?:[\s_-]*\d+)?(?: document)?$"
    r"|^microsoft (?:office )?(?:word|powerpoint|excel) - "  # "Microsoft Word - draft3.docx"
    r"|\.(?:docx?|odt|rtf|txt|tex|dvi|e?ps|pdf|indd|pages|pptx?|xlsx?|html?|md|qxd)$"
    r"|^/|\\",  # a file's name or path
    re.IGNORECASE,
)
_GENERATORS = {"microsoft word", "word", "latex", "pdftex", "writer", "libreoffice writer",
               "libreoffice", "openoffice", "acrobat", "adobe acrobat", "acrobat pdfmaker",
               "google docs", "pages", "python-docx", "weasyprint"}  # fmt: skip
_NOT_A_TITLE = re.compile(  # a section's heading, or an address
    r"^(?:abstract|contents|table of contents|introduction|summary|executive summary"
    r"|preface|foreword|acknowledge?ments?)$|://|^www\.",
    re.IGNORECASE,
)
MAX_TITLE_WORDS = 25
TITLE_LINES = 3  # a headline wraps over at most this many lines
TOP_LINES = 15  # page 1's lines where its headline stands
TOP_CHARS = 4000
LARGER = 1.2  # a headline's letters are at least this much larger than the body's


class _Refused(Exception):
    """The PDF cannot be read; the message says why."""


def read_pdf(file: SourceFile, diagnostics: Diagnostics) -> Extracted | None:
    try:
        pages, info, headline = _pdfium_pages(file.data)
    except _Refused as refused:
        diagnostics.error(Location(file.path), str(refused))
        return None
    except Exception:  # PDFium gives up on damaged files that pdfminer can mend
        try:
            pages, info, headline = _pdfminer_pages(file.data)
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
    extracted = _assemble(pages, info, headline)
    if printout.is_printout(info, extracted):  # a web page a browser printed
        links = printout.linked_lines(file.data) if info else []  # info: PDFium read it
        return printout.read_printout(extracted, info, links)
    return extracted


def _pdfium_pages(data: bytes) -> tuple[list[str], dict[str, str], str]:
    """Each page's text, the metadata, and the headline at the top of page 1."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise _Refused(_ENCRYPTED) from error
        raise
    try:
        pages: list[str] = []
        headline = ""
        for page in document:
            textpage = page.get_textpage()
            if not pages:
                headline = _largest_at_top(*_sized_lines(textpage))
            text = textpage.get_text_range()
            pages.append(text.replace("\r\n", "\n").replace("\r", "\n").replace(_SOFT_HYPHEN, ""))
        return pages, dict(document.get_metadata_dict()), headline
    finally:
        document.close()


_ENCRYPTED = "the PDF is encrypted; save an unprotected copy (print to PDF) and add that"


def _pdfminer_pages(data: bytes) -> tuple[list[str], dict[str, str], str]:
    """Each page's text and the headline page 1 states, the document parsed once (asking
    pdfminer for one page at a time parses the whole document again for each: 200 pages
    took 38 s)."""
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
    return pages, {}, _first_block_title(pages[0] if pages else "")


def _assemble(pages: list[str], info: dict[str, str], headline: str) -> Extracted:
    """One text, pages apart by a blank line; where each page starts; the furniture."""
    texts = [re.sub(r"\n{3,}", "\n\n", page.replace("\f", "").strip("\n")) for page in pages]
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 2
    text = "\n\n".join(texts) + "\n"
    metadata = _metadata(info, texts[0] if texts else "", headline)
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


def _metadata(info: dict[str, str], first_page: str, headline: str) -> dict[str, str]:
    """The document's own metadata (title, author), then what its first page states (its
    headline where its own title is useless, a byline, a date), then its creation date."""
    generators = (info.get("Creator", ""), info.get("Producer", ""))
    title = useful_title(info.get("Title", ""), generators) or headline
    named = {"title": title, "author": info.get("Author", "")}
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


def useful_title(title: str, generators: Iterable[str] = ()) -> str:
    """A document's own title, or '' when it says nothing: "Untitled", "Microsoft Word -
    draft3.docx", a file's name, the name of the program that made the document."""
    title = " ".join(title.split())
    made_by = _GENERATORS | {" ".join(name.split()).casefold() for name in generators}
    if _USELESS_TITLE.search(title) or title.casefold() in made_by or not _has_letters(title):
        return ""
    return title


def headline(text: str) -> str:
    """The text, if it reads as a headline (short, no sentence's end, not a byline, date,
    page number or address), else ''."""
    text = " ".join(text.split())
    if len(text.split()) > MAX_TITLE_WORDS or text.endswith((".", ",", ";", ":")):
        return ""
    return text if _may_head(text) else ""


def _may_head(line: str) -> bool:
    """Whether a line may be (part of) a headline."""
    if _PAGE_NUMBER.match(line) or printout.BYLINE.match(line) or _NOT_A_TITLE.search(line):
        return False
    dated = printout.stated_date(line) and len(line.split()) <= 5
    return _has_letters(line) and not dated


def _has_letters(text: str) -> bool:
    """Whether the text has a word of two letters or more (a drop cap is not a title)."""
    return re.search(r"[^\W\d_]{2}", text) is not None


def _sized_lines(textpage: Any) -> tuple[list[tuple[str, float]], float]:
    """A page's first lines, each with the font size most of its letters have, and the
    size most letters have (the body's)."""
    import pypdfium2.raw as pdfium_c

    chars = []
    for index in range(min(textpage.count_chars(), TOP_CHARS)):
        code = pdfium_c.FPDFText_GetUnicode(textpage, index)
        char = chr(code) if code < 0x110000 else " "
        size = pdfium_c.FPDFText_GetFontSize(textpage, index) if char.isalnum() else 0.0
        chars.append((char if char.isprintable() or char in "\r\n" else " ", round(size, 1)))
    lines = []
    for line_end, run in groupby(chars, key=lambda char: char[0] in "\r\n"):
        line = list(run)
        if not line_end and (text := " ".join("".join(char for char, _ in line).split())):
            lines.append((text, _most_common(size for _, size in line)))
    return lines, _most_common(size for _, size in chars)


def _most_common(sizes: Iterable[float]) -> float:
    counted = Counter(size for size in sizes if size)
    return counted.most_common(1)[0][0] if counted else 0.0


def _largest_at_top(lines: list[tuple[str, float]], body: float) -> str:
    """The headline: the largest text among a page's first lines, when it is larger than
    the body's; a headline wrapped over lines of one size is joined."""
    top = [(text, size) for text, size in lines[:TOP_LINES] if _may_head(text)]
    largest = max((size for _, size in top), default=0.0)
    if largest < LARGER * body or not largest:
        return ""
    first = next(lines.index(line) for line in top if line[1] == largest)
    wrapped = takewhile(lambda line: line[1] == largest, lines[first : first + TITLE_LINES])
    return headline(" ".join(text for text, _ in wrapped))


def _first_block_title(page: str) -> str:
    """The headline a page's text states without its font sizes: its first block of lines
    (up to a blank line) when the block is short, reads as one and more text follows.
    A word pdfminer doubled ("DDaattaa", text printed twice to look bold) is mended."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", page) if block.strip()]
    heads = (n for n, block in enumerate(blocks[:3]) if _may_head(block.split("\n")[0]))
    opening = next(heads, None)  # above it, at most a page number, a date, an address
    if opening is None or opening + 1 == len(blocks):
        return ""
    lines = blocks[opening].split("\n")
    if len(lines) > TITLE_LINES:
        return ""
    return headline(" ".join(_undoubled(word) for word in " ".join(lines).split()))


def _undoubled(word: str) -> str:
    doubled = len(word) >= 4 and word.isalpha() and word[::2] == word[1::2]
    return word[::2] if doubled else word
