"""Browser printouts of the corpus's pages ("Print -> Save as PDF"), read as `add-source`
reads them and scored like the page: the article's sentences left quotable, the clutter
left quotable, on each half of bench/split.json; each page and its printout found as one
document by the repeat finder, and no two different pages; add-source seconds per MB.

Each page is printed by headless Chromium (no script, every request refused), every other
page by sorted name with the browser's header and footer (date, title, address, page
counter), into a scratch folder kept between runs under the page's hash.

    python -m bench.eval_printouts [--show]
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bench import scoring
from bench.scoring import sentences
from briefing.diagnostics import Diagnostics, Location
from briefing.folding import FoldedText, fold
from briefing.model import Finding, Repeat, Source, SourceEntry
from briefing.readers.base import SourceFile, SourceText
from briefing.readers.registry import read_source
from briefing.repeats import find_repeats, sentence_keys
from briefing.source_findings import cached_findings
from briefing.words import count_words

if TYPE_CHECKING:
    from playwright.sync_api import PdfMargins, Route

REPO = Path(__file__).resolve().parent.parent
# ../shared/corpus beside the repository (or beside a folder of worktrees holding it)
CORPUS = next(
    (up / "shared" / "corpus" for up in REPO.parents if (up / "shared" / "corpus").is_dir()),
    REPO.parent / "shared" / "corpus",
)
PAGES = sorted(p for p in (CORPUS / "web-pages").iterdir() if p.is_dir())
SPLIT = json.loads((REPO / "bench" / "split.json").read_text(encoding="utf-8"))
SCRATCH = Path(tempfile.gettempdir()) / "briefing-eval-printouts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

# The header and footer Chromium's own print dialog adds (Playwright's are empty unless
# given): the date and time and the title at the top, the address and "3/12" at the foot.
_STYLE = (
    "font-size: 8px; width: 100%; margin: 0 0.4in; display: flex; justify-content: space-between"
)
HEADER = f'<div style="{_STYLE}"><span class="date"></span><span class="title"></span></div>'
FOOTER = (
    f'<div style="{_STYLE}"><span class="url"></span>'
    '<span><span class="pageNumber"></span>/<span class="totalPages"></span></span></div>'
)
MARGINS: PdfMargins = {"top": "0.5in", "bottom": "0.5in", "left": "0.4in", "right": "0.4in"}


def with_header(name: str) -> bool:
    """The fixed rule for which pages are printed with the browser's header and footer:
    every other page in sorted order."""
    return [p.name for p in PAGES].index(name) % 2 == 0


def printouts(pages: list[Path]) -> dict[str, Path]:
    """Each page's printout, printed now or kept from an earlier run."""
    SCRATCH.mkdir(exist_ok=True)
    wanted = {}
    for page in pages:
        data = (page / "source.html").read_bytes()
        header = with_header(page.name)
        kind = (HEADER + FOOTER if header else "plain").encode()
        key = hashlib.sha256(data + kind + _PRINTING).hexdigest()[:20]
        wanted[page.name] = (page, header, SCRATCH / f"{page.name}-{key}.pdf")
    missing = [w for w in wanted.values() if not w[2].is_file()]
    if missing:
        print_pages(missing)
    return {name: pdf for name, (_, _, pdf) in wanted.items()}


def print_pages(jobs: list[tuple[Path, bool, Path]]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for page_folder, header, pdf in jobs:
            data = (page_folder / "source.html").read_bytes()
            address = page_address(data, page_folder.name)
            context = browser.new_context(java_script_enabled=False)
            # The page is served at its own address (which the browser's header prints);
            # every other request is refused, so nothing hangs and nothing leaves.
            context.route("**/*", _serving(data))
            page = context.new_page()
            page.goto(address, wait_until="load", timeout=60_000)
            if header:
                page.pdf(path=str(pdf), display_header_footer=True, header_template=HEADER,
                         footer_template=FOOTER, margin=MARGINS)  # fmt: skip
            else:
                page.pdf(path=str(pdf))
            context.close()
        browser.close()


def _serving(data: bytes) -> Callable[[Route], None]:
    """A route handler that serves the page itself and refuses every other request. The
    page is served as UTF-8 when it is (as its site served it: saved pages often lack a
    charset of their own, and Chromium would take them for Windows-1252)."""
    try:
        content_type = "text/html; charset=utf-8" if data.decode("utf-8") else "text/html"
    except UnicodeDecodeError:
        content_type = "text/html"

    def handle(route: Route) -> None:
        request = route.request
        if request.is_navigation_request() and request.frame.parent_frame is None:
            route.fulfill(body=data, content_type=content_type)
        else:
            route.abort()

    return handle


# How pages are printed: a change to it prints them again.
_PRINTING = (inspect.getsource(print_pages) + inspect.getsource(_serving)).encode()

_CANONICAL = re.compile(
    rb"<link[^>]+rel=[\"']canonical[\"'][^>]*href=[\"'](https?://[^\"'#]+)"
    rb"|<link[^>]+href=[\"'](https?://[^\"'#]+)[\"'][^>]*rel=[\"']canonical",
    re.I,
)


def page_address(data: bytes, name: str) -> str:
    """The page's canonical address, or one made of its name."""
    match = _CANONICAL.search(data)
    found = (match[1] or match[2]).decode("ascii", "replace") if match else ""
    return (
        found if found and found.isascii() and " " not in found else f"https://example.org/{name}/"
    )


@dataclass
class Score:
    """A half's figures: the article's sentences left quotable, the clutter lines left
    quotable, and the lines behind them for --show."""

    sentences: int = 0
    quotable: int = 0
    clutter: int = 0
    clutter_quotable: int = 0
    lost: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    unprinted: list[str] = field(default_factory=list)

    def add(self, name: str, source: Source, blocks: list[str], title: str = "") -> None:
        """Score one printout against its article's blocks (a sentence is taken within a
        block: a table's cells or a list's items may print in another order); its lines are
        classed as the page's are (bench.eval_clutter), the page's headline aside."""
        folded = FoldedText(source.text)
        found = [(s, folded.find_all(s)) for block in blocks for s in sentences(block)]
        if sum(bool(spans) for _, spans in found) * 2 < len(found):
            self.unprinted.append(name)  # the page shows its article only with script
            return
        for sentence, spans in found:
            ok = any(source.furniture_only(span) is None for span in spans)
            self.sentences += 1
            self.quotable += ok
            if not ok:
                self.lost.append(f"{name}: {'marked' if spans else 'missing'}: {sentence}")
        joined = "\n".join(blocks)
        furniture = [f.span for f in source.findings if f.kind == "page-furniture"]
        lines = [(start, line) for start, line in _numbered(source.text) if fold(line)]
        keys = [fold(line) for _, line in lines]
        exact = scoring.article_lines(keys, blocks)
        mostly = scoring.mostly_article(keys, blocks)
        previous_article = False
        for (start, line), key, *known in zip(lines, keys, exact, mostly, strict=True):
            # a short line a printout broke off a paragraph, after its article line
            article = any(known) or (key in joined and previous_article)
            previous_article = article
            if article or key in title:
                continue
            marked = any(a <= start + len(line) - len(line.lstrip()) < b for a, b in furniture)
            self.clutter += 1
            self.clutter_quotable += not marked
            if not marked:
                self.left.append(f"{name}: {line.strip()}")

    def figures(self) -> str:
        return (
            f"article sentences quotable {self.quotable}/{self.sentences} = "
            f"{self.quotable / max(self.sentences, 1):.1%} (goal >= 97%); clutter lines left "
            f"quotable {self.clutter_quotable}/{self.clutter} = "
            f"{self.clutter_quotable / max(self.clutter, 1):.1%} (goal <= 10%)"
        )


def _numbered(text: str) -> list[tuple[int, str]]:
    """The text's lines with where each starts."""
    found, offset = [], 0
    for line in text.split("\n"):
        found.append((offset, line))
        offset += len(line) + 1
    return found


def as_source(name: str, file: str, data: bytes) -> tuple[Source | None, float]:
    """The source as ingest makes it (its reader, then its findings), and the seconds."""
    began = time.perf_counter()
    read = read_source(SourceFile(file, data), Diagnostics())
    if read is None:
        return None, time.perf_counter() - began
    source = _source(name, file, read)
    return source, time.perf_counter() - began


def _source(name: str, file: str, read: SourceText) -> Source:
    text = read.extracted.text
    findings: tuple[Finding, ...] = cached_findings(text, read.extracted.furniture, read.page_rules)
    meta = read.extracted.metadata  # the title and address add-source registers
    entry = SourceEntry(name, name, file, meta.get("title", ""), "", "", None, "", "", "", "", 0,
                        "", "", Location(file), address=meta.get("address", ""))  # fmt: skip
    return Source(entry, read.sha256, text, count_words(text), findings, read.extracted.pages,
                  read.reader)  # fmt: skip


def evaluate(show: bool = False) -> None:
    print("6. Browser printouts: every page printed by headless Chromium to PDF "
          "(every other one with the browser's header and footer) and added")  # fmt: skip
    pdfs = printouts(PAGES)
    halves = {half: Score() for half in ("tune", "report")}
    half_of = {name: half for half in halves for name in SPLIT[half]}
    pages: dict[str, Source] = {}
    printed: dict[str, Source] = {}
    seconds = size = 0.0
    failed = []
    for page in PAGES:
        data = pdfs[page.name].read_bytes()
        source, took = as_source(f"{page.name}-pdf", f"{page.name}.pdf", data)
        seconds, size = seconds + took, size + len(data)
        web, _ = as_source(page.name, f"{page.name}.html", (page / "source.html").read_bytes())
        if source is None or web is None:
            failed.append(page.name)
            continue
        printed[page.name], pages[page.name] = source, web
        blocks = scoring.article_blocks((page / "expected.html").read_text(encoding="utf-8"))
        title = json.loads((page / "expected-metadata.json").read_text(encoding="utf-8"))["title"]
        halves[half_of[page.name]].add(page.name, source, blocks, fold(title or ""))
    if failed:
        print(f"   not read: {', '.join(failed)}")
    for half, score in halves.items():
        scored = len(SPLIT[half]) - len(score.unprinted) - len(set(failed) & set(SPLIT[half]))
        print(f"   {half} half ({scored} of {len(SPLIT[half])} pages): {score.figures()}")
        if score.unprinted:
            print(f"      printed without most of their article (it needs script, which a "
                  f"saved page cannot run here): {', '.join(score.unprinted)}")  # fmt: skip
        if show:
            print("\n".join(f"      lost   {line}" for line in score.lost))
            print("\n".join(f"      left   {line}" for line in score.left))
    repeats(pages, printed, show)
    print(f"   add-source of printouts: {seconds / (size / 1e6):.2f} s per MB "
          f"(cold, {size / 1e6:.1f} MB)")  # fmt: skip


def repeats(pages: dict[str, Source], printed: dict[str, Source], show: bool) -> None:
    """Each page and its printout found as one document; no two different articles (the
    corpus holds some articles twice: pages whose expected articles repeat each other
    are the same article)."""
    sources = {
        **{f"{n}": s for n, s in pages.items()},
        **{f"{n}-pdf": s for n, s in printed.items()},
    }
    found = find_repeats(sources)
    near = [r for r in found if r.near_identical]
    same = {r.first for r in near if r.second == f"{r.first}-pdf"}
    twice = _articles_twice(sorted(pages))
    false = [r for r in near
             if (page := r.first.removesuffix("-pdf")) != (other := r.second.removesuffix("-pdf"))
             and frozenset((page, other)) not in twice]  # fmt: skip
    print(f"   repeats: page and printout found as one document {len(same)}/{len(printed)} "
          f"(goal all); different articles found as repeats: {len(false)} (goal 0; the "
          f"corpus has {len(twice)} pairs of pages of the same article)")  # fmt: skip
    if show:
        pairs = {(r.first, r.second): r for r in found}
        for name in sorted(set(printed) - same):
            r = pairs.get((name, f"{name}-pdf"))
            shared = f"{r.shared} shared of {r.of_first} and {r.of_second}" if r else "none shared"
            print(f"      not one document: {name}: {shared}")
        for r in false:
            print(f"      false repeat: {r.first} and {r.second} ({r.shared} shared)")


def _articles_twice(names: list[str]) -> set[frozenset[str]]:
    """The pairs of corpus pages whose expected articles are the same document."""
    articles = {name: "\n".join(scoring.article_blocks(
        (CORPUS / "web-pages" / name / "expected.html").read_text(encoding="utf-8")))
        for name in names}  # fmt: skip
    keys = {name: sentence_keys(text) for name, text in articles.items()}
    return {
        frozenset((a, b))
        for a, b in itertools.combinations(names, 2)
        if keys[a]
        and Repeat(a, b, len(keys[a] & keys[b]), len(keys[a]), len(keys[b])).near_identical
    }


def main() -> None:
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS}: the eval needs ../shared beside the repository")
    with tempfile.TemporaryDirectory(prefix="briefing-eval-cache-") as cache:
        os.environ["BRIEFING_CACHE"] = cache  # timed cold, and no cache touched
        evaluate(show="--show" in sys.argv[1:])


if __name__ == "__main__":
    main()
