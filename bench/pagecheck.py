"""Read a brief's PDF as its reader would: how full each page is, headings or captions left at
a page's foot, running heads that name the wrong section, and words hyphenated where they
should not be.

Everything is read from the PDF itself: poppler's pdftohtml (text with position, size and
weight) and pdftoppm (a low-resolution render), and pypdf for the outline (where each
section's heading is). Text in the page margins (the brief's 24 mm top and 22 mm bottom) is
page furniture: the marking, the short title, the running head and the page number.

    >>> page_fill("dist/brief.pdf")                       # one figure a page, 0..1
    >>> headings_at_foot("dist/brief.pdf")                # [(page, text)]
    >>> running_head_mismatches("dist/brief.pdf")         # [(page, head, open section)]
    >>> hyphenated_in("dist/brief.pdf", ["a statement"])  # ["authorit-ies"]
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import Destination

MM = 72 / 25.4
TOP_MARGIN_MM = 24.0  # layouts/brief-pdf.css: @page margin
BOTTOM_MARGIN_MM = 22.0
HYPHENS = "\u2010\u00ad"  # what a hyphenating typesetter adds; a hard "-" is the author's own
SECTION_LEVEL = 2  # h2: the brief's sections, which the running head names


@dataclass(frozen=True)
class Fragment:
    """A run of text in one font, in points from the page's top left."""

    top: float
    left: float
    height: float
    text: str
    bold: bool
    italic: bool


@dataclass(frozen=True)
class Line:
    """Fragments that share a baseline (to within a citation's raised bracket)."""

    top: float
    fragments: tuple[Fragment, ...]

    @property
    def text(self) -> str:
        return " ".join(" ".join(f.text.split()) for f in self.fragments).strip()

    @property
    def bold(self) -> bool:
        return all(f.bold for f in self.fragments if f.text.strip())


@dataclass(frozen=True)
class Page:
    """One page's text: the furniture in the top margin and the body's lines."""

    number: int
    width: float
    height: float
    head: tuple[Fragment, ...]
    body: tuple[Line, ...]


def _as_fragment(node: ET.Element) -> Fragment:
    text = "".join(node.itertext())
    tags = {child.tag for child in node.iter()}
    return Fragment(
        top=float(node.get("top", 0)),
        left=float(node.get("left", 0)),
        height=float(node.get("height", 0)),
        text=text,
        bold="b" in tags,
        italic="i" in tags,
    )


def _lines(fragments: Iterable[Fragment]) -> tuple[Line, ...]:
    lines: list[list[Fragment]] = []
    for fragment in sorted(fragments, key=lambda f: (f.top, f.left)):
        if lines and fragment.top - lines[-1][0].top < lines[-1][0].height * 0.45:
            lines[-1].append(fragment)
        else:
            lines.append([fragment])
    return tuple(
        Line(top=group[0].top, fragments=tuple(sorted(group, key=lambda f: f.left)))
        for group in lines
    )


@cache
def _pages(pdf: Path, stamp: tuple[int, int]) -> tuple[Page, ...]:
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", "-zoom", "1", "-q", str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    pages = []
    for node in ET.fromstring(xml).iter("page"):
        height = float(node.get("height", 0))
        fragments = [_as_fragment(text) for text in node.iter("text")]
        body_top, body_bottom = TOP_MARGIN_MM * MM, height - BOTTOM_MARGIN_MM * MM
        pages.append(
            Page(
                number=int(node.get("number", 0)),
                width=float(node.get("width", 0)),
                height=height,
                head=tuple(f for f in fragments if f.top + f.height <= body_top),
                body=_lines(
                    f for f in fragments if f.top >= body_top and f.top + f.height <= body_bottom
                ),
            )
        )
    return tuple(pages)


def pages(pdf: str | Path) -> tuple[Page, ...]:
    """The PDF's pages as text lines (read once per version of the file, and kept)."""
    path = Path(pdf).resolve()
    status = path.stat()
    return _pages(path, (status.st_mtime_ns, status.st_size))


def page_fill(pdf: str | Path, resolution: int = 30, ink: int = 200) -> list[float]:
    """How far down each page's body the ink reaches, from 0 (blank) to 1 (full).

    Read from a greyscale render: the lowest row between the margins with a pixel darker
    than `ink` (so a tinted background counts as blank, a rule or a figure as ink)."""
    with tempfile.TemporaryDirectory(prefix="pagecheck-") as scratch:
        root = Path(scratch) / "page"
        subprocess.run(
            ["pdftoppm", "-gray", "-r", str(resolution), str(pdf), str(root)],
            capture_output=True,
            check=True,
        )
        renders = sorted(Path(scratch).glob("page-*.pgm"))
        return [_fill(render, resolution / 25.4, ink) for render in renders]


def _fill(render: Path, pixels_per_mm: float, ink: int) -> float:
    with Image.open(render) as image:
        top = round(TOP_MARGIN_MM * pixels_per_mm)
        bottom = image.height - round(BOTTOM_MARGIN_MM * pixels_per_mm)
        inked = image.crop((0, top, image.width, bottom)).point(lambda v: 255 if v < ink else 0)
        box = inked.getbbox()
    return 0.0 if box is None else box[3] / (bottom - top)


def pages_under(fills: list[float], share: float) -> list[int]:
    """The numbers of the pages (from 1) filled less than `share`, the last page excepted."""
    return [number for number, fill in enumerate(fills[:-1], start=1) if fill < share]


def headings_at_foot(pdf: str | Path) -> list[tuple[int, str]]:
    """Headings and captions left as the last lines of a page's body, their text following
    on the next page: trailing lines set wholly in bold (a heading, a caption, a table's
    header row) with body text above them on the page. The last page is not read."""
    found = []
    for page in pages(pdf)[:-1]:
        trailing: list[str] = []
        for line in reversed(page.body):
            if not line.bold:
                break
            trailing.insert(0, line.text)
        if trailing and len(trailing) < len(page.body):
            found.append((page.number, " / ".join(trailing)))
    return found


@dataclass(frozen=True)
class Heading:
    """An outline entry: a heading's text, level (1 for h1) and place."""

    text: str
    level: int
    page: int
    top: float  # points from the page's top


def outline(pdf: str | Path) -> list[Heading]:
    """The PDF's bookmarks in document order, with the page and height each one points at."""
    reader = PdfReader(str(pdf))
    headings: list[Heading] = []

    def walk(entries: Iterable[Destination | list[Any]], level: int) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, level + 1)
                continue
            number = reader.get_destination_page_number(entry)
            if number is None:  # a bookmark that points nowhere
                continue
            height = float(reader.pages[number].mediabox.height)
            headings.append(
                Heading(
                    text=" ".join(str(entry.title).split()),
                    level=level,
                    page=number + 1,
                    top=height - float(entry.top) if entry.top is not None else 0.0,
                )
            )

    walk(list(reader.outline), 1)
    return headings


def open_sections(pdf: str | Path, level: int = SECTION_LEVEL) -> list[str]:
    """For each page, the section (heading at `level`) being read at the top of the page:
    the last one begun before the page's first line, or the one that line begins; "" before
    the first."""
    sections = [h for h in outline(pdf) if h.level == level]
    result = []
    for page in pages(pdf):
        first_line = page.body[0].top if page.body else page.height
        begun = [
            h.text
            for h in sections
            if h.page < page.number or (h.page == page.number and h.top <= first_line + 2)
        ]
        result.append(begun[-1] if begun else "")
    return result


def running_heads(pdf: str | Path) -> list[str]:
    """The running head of each page: the italic text in the top margin's right half."""
    return [
        " ".join(
            " ".join(f.text.split())
            for f in sorted(page.head, key=lambda f: (f.top, f.left))
            if f.italic and f.left > page.width / 2
        )
        for page in pages(pdf)
    ]


def running_head_mismatches(
    pdf: str | Path, level: int = SECTION_LEVEL
) -> list[tuple[int, str, str]]:
    """Pages whose running head does not name the section open at the page's top:
    (page, head, open section). A page with no head (the first) is not compared."""
    return [
        (number, head, section)
        for number, (head, section) in enumerate(
            zip(running_heads(pdf), open_sections(pdf, level), strict=True), start=1
        )
        if number > 1 and head != section
    ]


@dataclass(frozen=True)
class Hyphenation:
    """A word broken at a line's end, with up to two words either side of it."""

    page: int
    head: str
    tail: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def shown(self) -> str:
        return self.head + "-" + re.sub(r"\W+$", "", self.tail)

    def within(self, text: str) -> bool:
        """Whether the word, joined, is in `text` with its neighbours: both sides' where the
        text has them, one side's where the word begins or ends the text."""
        word = self.head + self.tail
        plain = _plain(text)
        if _plain(" ".join([*self.before, word, *self.after])) in plain:
            return True
        starts = _plain(" ".join([word, *self.after]))
        ends = _plain(" ".join([*self.before, word]))
        return plain.startswith(starts) or plain.endswith(ends)


def hyphenated_words(pdf: str | Path) -> list[Hyphenation]:
    """Every word the typesetter broke with a hyphen at a line's end."""
    found = []
    for page in pages(pdf):
        for line, following in zip(page.body, page.body[1:], strict=False):
            before, after = line.text.split(), following.text.split()
            if not before or not after or before[-1][-1] not in HYPHENS:
                continue
            if not re.match(r"\w", after[0]):
                continue
            found.append(
                Hyphenation(
                    page=page.number,
                    head=before[-1].rstrip(HYPHENS),
                    tail=after[0],
                    before=tuple(before[-3:-1]),
                    after=tuple(after[1:3]),
                )
            )
    return found


def hyphenated_in(pdf: str | Path, phrases: Iterable[str]) -> list[str]:
    """The hyphenated words (as "authorit-ies") that fall inside any of `phrases`, such as a
    brief's judgement statements or its headings."""
    texts = list(phrases)
    return [h.shown for h in hyphenated_words(pdf) if any(h.within(text) for text in texts)]


def _plain(text: str) -> str:
    """Whitespace collapsed and typographic quotes made plain, to compare PDF text with a
    brief's source text."""
    text = text.translate(str.maketrans("‘’“”", "''\"\""))
    return " ".join(text.split())


@dataclass(frozen=True)
class PageReport:
    """The reading traps of one PDF, counted (for `make pages`)."""

    pages: int
    under_60: list[int]  # pages (the last excepted) under 60% full
    under_30: list[int]
    headings_at_foot: list[tuple[int, str]]
    head_mismatches: list[tuple[int, str, str]]
    hyphenated: list[str]  # words hyphenated inside the phrases given

    def lines(self) -> list[str]:
        """The report as a reader reads it, one trap a line."""
        return [
            f"pages: {self.pages}",
            f"under 60% full: {len(self.under_60)} {self.under_60}",
            f"under 30% full: {len(self.under_30)} {self.under_30}",
            f"headings at a page's foot: {len(self.headings_at_foot)} {self.headings_at_foot}",
            f"running heads not the open section: {len(self.head_mismatches)} "
            f"{self.head_mismatches}",
            f"hyphenated in statements and headings: {len(self.hyphenated)} {self.hyphenated}",
        ]


def report(pdf: str | Path, phrases: Iterable[str] = ()) -> PageReport:
    """Every trap this module reads, for one PDF; `phrases` (judgement statements, say) are
    searched for hyphenated words, as are the outline's headings."""
    fills = page_fill(pdf)
    return PageReport(
        pages=len(fills),
        under_60=pages_under(fills, 0.6),
        under_30=pages_under(fills, 0.3),
        headings_at_foot=headings_at_foot(pdf),
        head_mismatches=running_head_mismatches(pdf),
        hyphenated=hyphenated_in(pdf, [*phrases, *(h.text for h in outline(pdf))]),
    )


if __name__ == "__main__":
    import json
    import sys

    for name in sys.argv[1:]:
        statements: list[str] = []
        data = Path(name).with_suffix(".json")
        if data.is_file():  # brief.json beside brief.pdf: its judgement statements
            statements = [j["text"] for j in json.loads(data.read_text("utf-8"))["judgements"]]
        print(name)
        print("\n".join("  " + line for line in report(name, statements).lines()))
