"""Clutter on the real path: what `add-source` makes of each saved page of the corpus, scored
against the article as Readability extracts it (expected.html), on each half of the fixed
split in bench/split.json (rules are tuned on 'tune' only; 'report' is only scored).

- clutter left quotable: of the lines of trafilatura's text that are not the article's (the
  page's headline aside), the share neither dropped nor marked as page furniture. A line is
  the article's when it is one of expected.html's blocks or a part of four words or more of
  one, or when at least half of its word 3-grams are in expected.html (a paragraph with
  citation marks, an item set differently); any other line is clutter;
- article sentences made unquotable: of the article's sentences in that text, the share
  dropped or marked;
- extraction F1: word 4-shingles of the quotable text (marked lines left out) against
  expected.html, next to trafilatura alone (trafilatura.extract with its defaults).

`python -m bench.eval_clutter --show` prints the lines behind the figures of the tune half,
page by page (never the report half's: only its totals are for reading).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench import scoring
from briefing.diagnostics import Diagnostics
from briefing.folding import fold
from briefing.model import Finding
from briefing.readers.base import SourceFile
from briefing.readers.registry import read_source
from briefing.readers.web import extraction
from briefing.source_findings import cached_findings

REPO = Path(__file__).resolve().parent.parent
# The corpus beside the repository, or where BRIEFING_CORPUS says (from a git worktree).
CORPUS = Path(os.environ.get("BRIEFING_CORPUS", REPO.parent / "shared" / "corpus")) / "web-pages"
_WORD = re.compile(r"\w")
SPLIT = json.loads((REPO / "bench" / "split.json").read_text(encoding="utf-8"))


@dataclass
class Half:
    """The figures of one half of the split, summed over its pages."""

    clutter: int = 0  # lines of trafilatura's text outside the article
    clutter_quotable: int = 0  # of them, neither dropped nor marked
    clutter_before: int = 0  # of them, not marked by the text's rules alone (before the fix)
    sentences: int = 0  # the article's sentences in trafilatura's text
    sentences_lost: int = 0  # of them, dropped or marked
    ours: list[float] = field(default_factory=list)  # F1 per page, the quotable text
    alone: list[float] = field(default_factory=list)  # F1 per page, trafilatura.extract
    shown: list[str] = field(default_factory=list)  # the lines behind the figures


def score_page(page: Path, half: Half) -> None:
    """Add one page's figures to its half's."""
    import trafilatura

    data = (page / "source.html").read_bytes()
    read = read_source(SourceFile(f"{page.name}.html", data), Diagnostics())
    text = read.extracted.text if read else ""
    furniture = read.extracted.furniture if read else ()
    findings = cached_findings(text, furniture, read.page_rules) if read else ()
    marked = _marked_lines(text, findings)
    before = _marked_lines(text, cached_findings(text, (), "article"))
    document = extraction(data)
    trafilatura_text = (document.text if document else "") or ""
    kept = Counter(fold(line) for line in text.split("\n"))
    expected = (page / "expected.html").read_text(encoding="utf-8")
    blocks = scoring.article_paragraphs(expected)
    title = fold(json.loads((page / "expected-metadata.json").read_text())["title"] or "")
    numbers = {fold(line): n for n, line in enumerate(text.split("\n"), start=1)}
    quotable = []
    lines = [line for line in trafilatura_text.split("\n") if _WORD.search(line)]
    keys = [fold(line) for line in lines]
    exact = scoring.article_lines(keys, blocks)
    articles = [a or m for a, m in zip(exact, scoring.mostly_article(keys, blocks), strict=True)]
    for line, key, article in zip(lines, keys, articles, strict=True):
        dropped = kept[key] <= 0
        kept[key] -= 1
        number = numbers.get(key, 0)
        lost = dropped or number in marked
        if not dropped and number not in marked:
            quotable.append(line)
        if article:
            count = len(scoring.script_sentences(line))
            half.sentences += count
            half.sentences_lost += count * lost
            if count and lost:
                why = "dropped" if dropped else marked[number]
                half.shown.append(f"  {page.name}: article made unquotable ({why}): {line}")
        elif key not in title:
            half.clutter += 1
            half.clutter_quotable += not lost
            half.clutter_before += number not in before
            if not lost:
                half.shown.append(f"  {page.name}: clutter left quotable: {line}")
    expected_text = "\n".join(blocks)
    ours = scoring.shingle_overlap("\n".join(quotable), expected_text)
    alone = scoring.shingle_overlap(trafilatura.extract(data) or "", expected_text)
    half.ours.append(ours.f1)
    half.alone.append(alone.f1)
    if ours.f1 < alone.f1:
        half.shown.append(
            f"  {page.name}: extraction F1 {ours.f1:.1%} (precision {ours.precision:.1%}, recall"
            f" {ours.recall:.1%}), trafilatura alone {alone.f1:.1%} (precision"
            f" {alone.precision:.1%}, recall {alone.recall:.1%})"
        )


def _marked_lines(text: str, findings: tuple[Finding, ...]) -> dict[int, str]:
    """The numbers of the lines page-furniture findings mark, with their details."""
    return {
        number: f.detail
        for f in findings
        if f.kind == "page-furniture"
        for number in range(f.line, text.count("\n", 0, f.span[1]) + 2)
    }


def clutter(show: bool = False) -> None:
    """Print the figures of each half of the split (and with show, the lines behind them)."""
    print("5. Clutter on the real path: add-source of each saved page against expected.html")
    print(
        "   (a line is the article's when it is a block of expected.html, a part of one, or has"
        f" at least {scoring.MOSTLY:.0%} of its word 3-grams in it; any other is clutter)"
    )
    for name in ("tune", "report"):
        half = Half()
        for page_name in SPLIT[name]:
            score_page(CORPUS / page_name, half)
        n = len(SPLIT[name])
        print(
            f"   {name} ({n} pages): clutter left quotable {half.clutter_quotable}/{half.clutter}"
            f" = {half.clutter_quotable / max(half.clutter, 1):.1%} (goal <= 10%; the text's"
            f" rules alone {half.clutter_before / max(half.clutter, 1):.1%}); article sentences"
            f" made unquotable {half.sentences_lost}/{half.sentences}"
            f" = {half.sentences_lost / max(half.sentences, 1):.2%} (goal <= 0.5%);"
            f" extraction F1 {sum(half.ours) / n:.1%}, trafilatura alone {sum(half.alone) / n:.1%}"
        )
        if show and name == "tune":
            print("\n".join(half.shown))


def main() -> None:
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS}")
    with tempfile.TemporaryDirectory(prefix="briefing-eval-cache-") as cache:
        os.environ["BRIEFING_CACHE"] = cache
        clutter(show="--show" in sys.argv[1:])


if __name__ == "__main__":
    main()
