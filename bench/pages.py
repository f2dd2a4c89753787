"""`make pages`: how the brief's pages read, per project, read off the PDFs as a reader
would (pdftotext's word boxes, a 20 dpi render and the PDF's bookmarks).

For the default brief, `briefing new`'s project and each brief project in tests/fixtures/
(a folder with a brief.md): total, body and annex pages (the annex runs from the
appendix's first heading on, and is all of dist/brief-annex.pdf when the build writes one),
pages under 60% and under 30% full, headings and captions left at a page's foot, running
heads that name another section than the one open at the page's top, words hyphenated in
judgement statements, and the cold build's time beside WeasyPrint's alone on the same HTML
and paged CSS. `python -m bench.pages [NAME ...]` measures only the projects named
(default, new, or a fixture's folder name); BENCH_ROUNDS sets the timing rounds (default 3).

The readers below (page_fill, headings_at_foot, running_head_mismatches, hyphenated_in)
are this module's own small ones, to be replaced by bench/pagecheck.py's when it lands.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FIXTURES = REPO / "tests" / "fixtures"
DPI = 20  # enough to see where a page's ink ends
INK = 160  # grey levels below this are ink (rules count; the bottom line's tint does not)
_HYPHENS = "-\u2010\u00ad"  # what a line broken inside a word ends with


# --- what the PDF holds: lines of words, bookmarks ------------------------------------------


@dataclass(frozen=True)
class Line:
    """A line of words as pdftotext finds it; y grows down the page, in points."""

    text: str
    left: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Page:
    """A page's lines in reading order, split into its top band (running head, marking),
    its bottom band (marking, page number) and its body."""

    width: float
    height: float
    head: list[Line]
    body: list[Line]
    foot: list[Line]

    @property
    def body_top(self) -> float:
        return max((line.bottom for line in self.head), default=0.0)

    @property
    def body_bottom(self) -> float:
        return min((line.top for line in self.foot), default=self.height)


@dataclass(frozen=True)
class Bookmark:
    title: str
    page: int  # 1-based
    top: float  # from the page's top, in points
    depth: int  # 0 for the outline's top level


def read_pages(pdf: Path) -> list[Page]:
    """Each page's lines (pdftotext -bbox-layout), split into bands and body."""
    from lxml import etree

    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                           check=True).stdout  # fmt: skip
    tree = etree.fromstring(xhtml, etree.XMLParser(recover=True, resolve_entities=False))
    pages = []
    for element in tree.iter("{*}page"):
        lines = [
            Line(
                " ".join(word.text or "" for word in line.iter("{*}word")),
                float(line.get("xMin")),
                float(line.get("yMin")),
                float(line.get("yMax")),
            )
            for line in element.iter("{*}line")
        ]
        pages.append(_banded(float(element.get("width")), float(element.get("height")), lines))
    return pages


def _banded(width: float, height: float, lines: list[Line]) -> Page:
    """The page with its bands told apart: the lines level with its top-most line, and
    those level with its bottom-most (the marking runs in both on every page)."""
    if not lines:
        return Page(width, height, [], [], [])
    first = min(lines, key=lambda line: line.top)
    last = max(lines, key=lambda line: line.bottom)
    head = [line for line in lines if line.top < first.bottom]
    foot = [line for line in lines if line.bottom > last.top and line not in head]
    body = [line for line in lines if line not in head and line not in foot]
    return Page(width, height, head, body, foot)


def read_bookmarks(pdf: Path) -> list[Bookmark]:
    """The PDF's bookmarks (WeasyPrint makes one of each heading), in document order."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    found: list[Bookmark] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):  # the children of the item before
                walk(item, depth + 1)
                continue
            number = reader.get_destination_page_number(item)
            assert number is not None  # WeasyPrint's bookmarks all point into the document
            height = float(reader.pages[number].mediabox.height)
            top = height - float(item.top or height)
            found.append(Bookmark(_plain(str(item.title)), number + 1, top, depth))

    walk(list(reader.outline), 0)
    return found


# --- what the brief's HTML says the headings, sections and statements are ------------------


@dataclass(frozen=True)
class Parts:
    """Texts of the typeset HTML that the traps are about."""

    sections: list[str]  # h2: what a running head names
    headings: list[str]  # every heading and table caption: none should end a page
    statements: list[str]  # judgement statements: never hyphenated
    annex_heading: str | None  # the appendix's first heading


def read_parts(html: str) -> Parts:
    import lxml.html

    root = lxml.html.fromstring(html)

    def texts(xpath: str) -> list[str]:
        return [_plain(element.text_content()) for element in root.xpath(xpath)]

    annex = texts("//*[contains(concat(' ', @class, ' '), ' appendix ')]//*[self::h2 or self::h3]")
    return Parts(
        sections=texts("//h2"),
        headings=texts("//h1 | //h2 | //h3 | //h4 | //h5 | //h6 | //caption"),
        statements=texts("//*[contains(concat(' ', @class, ' '), ' statement ')]"),
        annex_heading=annex[0] if annex else None,
    )


def _plain(text: str) -> str:
    """text as compared here: one space between words, case folded."""
    return " ".join(text.split()).casefold()


def _joined(lines: list[Line]) -> str:
    """Lines as running text, words broken at a line's end made whole again."""
    text = ""
    for line in lines:
        words = _plain(line.text)
        text = text[:-1] + words if text[-1:] and text[-1] in _HYPHENS else f"{text} {words}"
    return text.strip()


# --- the readers: to be replaced by bench/pagecheck.py's --------------------------------------


def page_fill(pdf: Path, pages: list[Page]) -> list[float]:
    """How far down its body each page's ink reaches (0 to 1), from a 20 dpi render."""
    with tempfile.TemporaryDirectory(prefix="briefing-pages-") as folder:
        prefix = Path(folder) / "page"
        subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-png", str(pdf), str(prefix)],
                       check=True)  # fmt: skip
        fills = []
        for png, page in zip(sorted(Path(folder).glob("page-*.png")), pages, strict=True):
            with Image.open(png) as image:
                fills.append(_fill(image.convert("L"), page))
    return fills


def _fill(image: Image.Image, page: Page) -> float:
    scale = image.height / page.height
    top, bottom = round(page.body_top * scale) + 1, round(page.body_bottom * scale) - 1
    if bottom <= top:
        return 0.0
    body = image.crop((0, top, image.width, bottom)).point(lambda v: 255 if v < INK else 0)
    bounds = body.getbbox()
    return (bounds[3] / (bottom - top)) if bounds else 0.0


def headings_at_foot(pages: list[Page], headings: list[str]) -> list[tuple[int, str]]:
    """(page, heading) for each page whose body ends with a heading or a table's caption:
    its last lines (up to three) are the heading's, whole."""
    found = []
    for number, page in enumerate(pages, start=1):
        endings = {_joined(page.body[-count:]) for count in range(1, 4) if page.body}
        ending = [heading for heading in headings if heading in endings]
        if ending:
            found.append((number, max(ending, key=len)))
    return found


def running_head_mismatches(
    pages: list[Page], bookmarks: list[Bookmark], sections: list[str]
) -> list[tuple[int, str, str]]:
    """(page, its running head, the section open at its top) where the two differ. The
    running head is the top band's text right of the page's middle; a section is open at
    a page's top when its heading is on an earlier page or is the page's first line. (The
    sections' bookmarks are those titled like an h2 at the shallowest such depth.)"""
    titled = [b for b in bookmarks if b.title in sections]
    marks = [b for b in titled if b.depth == min(m.depth for m in titled)]
    found = []
    for number, page in enumerate(pages, start=1):
        head = _plain(" ".join(line.text for line in page.head if line.left > page.width / 2))
        if not head:
            continue
        first = min((line.bottom for line in page.body), default=page.height)
        open_ = [b.title for b in marks if b.page < number or (b.page == number and b.top < first)]
        if open_ and open_[-1] != head:
            found.append((number, head, open_[-1]))
    return found


def hyphenated_in(pages: list[Page], statements: list[str]) -> list[str]:
    """Words broken across lines (with a hyphen) inside a judgement statement, as printed:
    the broken line's last words and the word made whole are in a statement."""
    lines = [_plain(line.text) for page in pages for line in page.body]
    found = []
    for before, after in itertools.pairwise(lines):
        broken = re.search(rf"((?:\S+ ){{0,2}})(\w+)[{_HYPHENS}]$", before)
        rest = re.match(r"\w+", after)
        if not broken or not rest:
            continue
        phrase = broken[1] + broken[2] + rest[0]
        if any(phrase in statement for statement in statements):
            found.append(f"{broken[2]}-{rest[0]}")
    return found


# --- the projects, built and measured ---------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    name: str
    total: int
    body: int
    annex: int
    fills: list[tuple[str, float]]  # (page label, fill)
    at_foot: list[tuple[int, str]]
    heads: list[tuple[int, str, str]]
    hyphenated: list[str]
    build: float  # seconds, median of the cold builds
    alone: float  # seconds, median of WeasyPrint alone


def projects(names: list[str], work: Path) -> dict[str, Path]:
    """The projects to measure by name: the default brief, a fresh `briefing new` project
    and every folder of tests/fixtures holding a brief.md; names picks among them."""
    from briefing.new import new_project

    found = {"default": REPO, "new": work / "new-project"}
    found |= {p.parent.name: p.parent for p in sorted(FIXTURES.glob("*/brief.md"))}
    unknown = set(names) - set(found)
    if unknown:
        raise SystemExit(
            f"no such project: {', '.join(sorted(unknown))}; known: {', '.join(found)}"
        )
    chosen = {name: found[name] for name in names or list(found)}
    if "new" in chosen:
        new_project(chosen["new"])
    return chosen


def _seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stdout}{done.stderr}")
    return time.perf_counter() - start


@contextlib.contextmanager
def _cache_at(folder: str) -> Iterator[None]:
    """briefing's cache in folder for a while (it reads $BRIEFING_CACHE when it is used)."""
    before = os.environ.get("BRIEFING_CACHE")
    os.environ["BRIEFING_CACHE"] = folder
    try:
        yield
    finally:
        if before is None:
            del os.environ["BRIEFING_CACHE"]
        else:
            os.environ["BRIEFING_CACHE"] = before


def _typeset_input(project: Path, work: Path) -> tuple[str, Path, Path]:
    """The HTML and paged CSS a build hands WeasyPrint, written out for the `weasyprint`
    command: (the HTML, its file, the CSS's file)."""
    from briefing.build import build
    from briefing.diagnostics import Diagnostics
    from briefing.html import render_html
    from briefing.options import Options

    brief = build(project, Options(outdir=work / "html", formats=("html",))).brief
    rendered = render_html(brief, project, Diagnostics())
    assert rendered is not None
    html, css = work / "alone.html", work / "alone.css"
    html.write_text(rendered.html, encoding="utf-8")
    css.write_text(rendered.pdf_css, encoding="utf-8")
    return rendered.html, html, css


def measure(name: str, project: Path, work: Path, rounds: int) -> Figures:
    """Build the project cold (an empty cache, a new output folder) rounds times, typeset
    its HTML with WeasyPrint alone as often, and read the first build's PDFs."""
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    builds, alone = [], []
    for n in range(rounds):
        env["BRIEFING_CACHE"] = str(work / f"cache-{n}")
        builds.append(
            _seconds(["briefing", "build", str(project), "-o", str(work / f"out-{n}")], env)
        )
        if n == 0:  # in this process, with the figure the build left in its cache
            with _cache_at(env["BRIEFING_CACHE"]):
                html, page, css = _typeset_input(project, work)
        alone.append(_seconds(["weasyprint", str(page), str(work / f"alone-{n}.pdf"), "-s",
                               str(css), "-u", f"{project.resolve()}/"], env))  # fmt: skip
    out = work / "out-0"
    parts, pdf, annex_pdf = read_parts(html), out / "brief.pdf", out / "brief-annex.pdf"
    pages, bookmarks = read_pages(pdf), read_bookmarks(pdf)
    starts = [b.page for b in bookmarks if b.title == parts.annex_heading]
    body = starts[0] - 1 if starts else len(pages)
    fills = [(str(n), f) for n, f in enumerate(page_fill(pdf, pages), start=1)]
    annex_pages = read_pages(annex_pdf) if annex_pdf.exists() else []
    if annex_pages:
        fills += [(f"A-{n}", f) for n, f in enumerate(page_fill(annex_pdf, annex_pages), 1)]
    return Figures(
        name,
        len(pages) + len(annex_pages),
        body,
        len(pages) - body + len(annex_pages),
        fills,
        headings_at_foot(pages + annex_pages, parts.headings),
        running_head_mismatches(pages, bookmarks, parts.sections),
        hyphenated_in(pages, parts.statements),
        statistics.median(builds),
        statistics.median(alone),
    )


def report(figures: Figures) -> None:
    def row(label: str, value: object) -> None:
        print(f"  {label:50} {value}")

    def listed(items: list[str]) -> str:
        return f"{len(items)}" + (f": {'; '.join(items)}" if items else "")

    print(f"{figures.name}")
    row("total pages", figures.total)
    row("body pages", figures.body)
    row("annex pages", figures.annex)
    for limit in (0.6, 0.3):
        under = [f"{page} ({fill:.0%})" for page, fill in figures.fills if fill < limit]
        row(f"pages under {limit:.0%} full", listed(under))
    row("headings at a page's foot", listed([f'p. {n} "{h}"' for n, h in figures.at_foot]))
    row(
        "running heads that disagree with the page's top",
        listed([f'p. {n} "{head}", open: "{open_}"' for n, head, open_ in figures.heads]),
    )
    row("hyphenated words in judgement statements", listed(figures.hyphenated))
    row("cold build", f"{figures.build:.2f} s")
    row("weasyprint alone, the same HTML and CSS", f"{figures.alone:.2f} s")
    row("ratio, cold build / weasyprint alone", f"{figures.build / figures.alone:.2f} x")


def main(names: list[str], rounds: int) -> None:
    """Measure and print the projects named (all when none are)."""
    with tempfile.TemporaryDirectory(prefix="briefing-pages-") as folder:
        work = Path(folder)
        chosen = projects(names, work)
        print(f"briefing pages: {rounds} timing rounds, medians")
        for name, project in chosen.items():
            (work / name).mkdir()
            report(measure(name, project, work / name, rounds))


if __name__ == "__main__":
    main(sys.argv[1:], int(os.environ.get("BENCH_ROUNDS", "3")))
