"""`make pages`: how the brief's pages read, per project, read off the PDFs as a reader
would (bench/pagecheck.py: its text with positions, a low-resolution render and its
bookmarks).

For the default brief, `briefing new`'s project and each brief project in tests/fixtures/
(a folder with a brief.md): total, body and annex pages (the annex runs from the
appendix's first heading on, and is all of dist/brief-annex.pdf when the build writes one),
pages under 60% and under 30% full, headings and captions left at a page's foot, running
heads that name another section than the one open at the page's top, words hyphenated in
judgement statements, and the cold build's time beside WeasyPrint's alone on the same HTML
and paged CSS. `python -m bench.pages [NAME ...]` measures only the projects named
(default, new, or a fixture's folder name); BENCH_ROUNDS sets the timing rounds (default 3).

The PDF is read by bench/pagecheck.py, which `python -m bench.pagecheck` runs on one PDF.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .pagecheck import headings_at_foot, hyphenated_in, outline, page_fill, running_head_mismatches

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FIXTURES = REPO / "tests" / "fixtures"


# --- what the brief's HTML says the statements and the annex's first heading are ------------------


@dataclass(frozen=True)
class Parts:
    """Texts of the typeset HTML that the traps are about."""

    statements: list[str]  # judgement statements: never hyphenated
    annex_heading: str | None  # the appendix's first heading


def read_parts(html: str) -> Parts:
    import lxml.html

    root = lxml.html.fromstring(html)

    def texts(xpath: str) -> list[str]:
        return [_plain(element.text_content()) for element in root.xpath(xpath)]

    annex = texts("//*[contains(concat(' ', @class, ' '), ' appendix ')]//*[self::h2 or self::h3]")
    return Parts(
        statements=texts("//*[contains(concat(' ', @class, ' '), ' statement ')]"),
        annex_heading=annex[0] if annex else None,
    )


def _plain(text: str) -> str:
    """text as compared here: one space between words, case folded."""
    return " ".join(text.split()).casefold()


# --- the projects, built and measured ---------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    name: str
    total: int
    body: int
    annex: int
    fills: list[tuple[str, float]]  # (page label, fill)
    at_foot: list[tuple[str, str]]  # (page label, heading)
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
    fills = [(str(n), f) for n, f in enumerate(page_fill(pdf), start=1)]
    starts = [h.page for h in outline(pdf) if _plain(h.text) == parts.annex_heading]
    body = starts[0] - 1 if starts else len(fills)
    at_foot = [(str(n), text) for n, text in headings_at_foot(pdf)]
    if annex_pdf.exists():
        fills += [(f"A-{n}", f) for n, f in enumerate(page_fill(annex_pdf), start=1)]
        at_foot += [(f"A-{n}", text) for n, text in headings_at_foot(annex_pdf)]
    return Figures(
        name,
        len(fills),
        body,
        len(fills) - body,
        fills,
        at_foot,
        running_head_mismatches(pdf),
        hyphenated_in(pdf, parts.statements),
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
