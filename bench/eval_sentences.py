"""Citations that are whole sentences: over every sentence `briefing find` can offer from the
corpus (the 70 saved pages as add-source reads them, and the PDFs), how many citations end
or begin at an abbreviation ("Mr.", "Oct. 12", "U.S. Army", "No. 10") or run a heading,
byline or headline into the next sentence (the goal: none); each of pySBD, sentencex and
syntok in find's place, and the splitter find had before (a regular expression); each
segmenter's speed per MB. Pages are counted on each half of bench/split.json (tuned on /
only reported); the PDFs apart.

A citation find can offer: for each sentence of the splitter, the quote find builds around
its middle word (briefing.search.quote_around: the sentence, its clause when long, widened
when too short), so the figures follow the quotes an analyst would paste.

`python -m bench.eval_sentences --show` prints the quotes counted, for the tune half and the
PDFs only.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from briefing.citations import MIN_QUOTE_CHARS, MIN_QUOTE_WORDS
from briefing.diagnostics import Diagnostics
from briefing.folding import FoldedText, fold
from briefing.readers.base import SourceFile
from briefing.readers.registry import read_source
from briefing.search import quote_around
from briefing.sentences import Span, Splitter, pieces_of, sentences, sentencex_split, stripped
from briefing.words import ends_a_sentence

REPO = Path(__file__).resolve().parent.parent
# The corpus beside the repository, or where BRIEFING_CORPUS says (from a git worktree).
CORPUS = Path(os.environ.get("BRIEFING_CORPUS", REPO.parent / "shared" / "corpus"))
SPLIT = json.loads((REPO / "bench" / "split.json").read_text(encoding="utf-8"))

# Words that, with their stop, never end a sentence before a name or a number.
_TITLES = frozenset(
    ["Mr", "Mrs", "Ms", "Messrs", "Dr", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Capt", "Sgt", "Maj", "Adm",
     "Cmdr", "Prof", "Rev", "Hon", "St", "Mt", "Ft", "Pres", "Supt", "Atty", "Brig", "Cpl", "Pvt", "Det", "vs"]
)  # fmt: skip
_BEFORE_NUMBERS = frozenset(
    ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No", "Nos", "Vol",
     "Art", "Fig", "pp", "p"]
)  # fmt: skip
_OTHERS = ["etc", "approx", "Inc", "Corp", "Co", "Ltd", "Jr", "Sr"]
_ABBREVIATION = re.compile(
    rf"(?:\b(?:{'|'.join([*_TITLES, *_BEFORE_NUMBERS, *_OTHERS])})|(?<!\w)(?:[A-Za-z]\.){{2,}})\.$"
)
# Capitalised words that begin sentences, not names: after "U.S." or "Inc." they mean the
# abbreviation ended the sentence.
_STARTERS = frozenset(
    ["The", "A", "An", "It", "He", "She", "They", "We", "I", "You", "But", "And", "Or", "So", "Yet", "In", "On",
     "At", "By", "For", "From", "To", "This", "That", "These", "Those", "Its", "His", "Her", "Their", "Our",
     "There", "Here", "Some", "Many", "Most", "Such", "As", "If", "When", "While", "After", "Before", "Since",
     "Although", "Though", "Now", "Then", "Still", "Also", "Yes", "No", "Not", "What", "Who", "Why", "How",
     "Where", "One"]
)  # fmt: skip


def old_split(text: str) -> list[Span]:
    """The splitter find had before: a regular expression, over the whole text."""
    ends = re.compile(r"""(?P<stop>[.!?…]+["'”’)\]]*(?=\s|\Z))|\n(?![ \t]*[a-z0-9(])""")
    spans, start = [], 0
    for match in ends.finditer(text):
        spans.append((start, match.end() if match["stop"] else match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [stripped(text, a, b) for a, b in spans if text[a:b].strip()]


def pysbd_split(block: str) -> list[Span]:
    return pieces_of(block, _pysbd().segment(block))


@functools.cache
def _pysbd() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def syntok_split(block: str) -> list[Span]:
    import syntok.segmenter

    spans = []
    for paragraph in syntok.segmenter.analyze(block):
        for sentence in paragraph:
            spans.append((sentence[0].offset, sentence[-1].offset + len(sentence[-1].value)))
    return [
        (a, spans[i + 1][0] if i + 1 < len(spans) else len(block)) for i, (a, _) in enumerate(spans)
    ]


SPLITTERS: dict[str, Splitter | None] = {
    "before (regular expression)": None,
    "sentencex (chosen)": sentencex_split,
    "pySBD": pysbd_split,
    "syntok": syntok_split,
}


def _wrong_break(text: str, at: int, web: bool) -> bool:
    """Whether a sentence must not end at offset at: the word before is an abbreviation
    that goes on into the next word (a name, a number, a word in lower case)."""
    before = text[max(0, at - 12) : at].split()
    after = text[at : at + 40]
    if not before or not _ABBREVIATION.search(before[-1]):
        return False
    gap = re.match(r"\s*", after)
    assert gap
    if web and "\n" in gap.group():
        return False  # the abbreviation ends a paragraph
    following = after[gap.end() :].split(maxsplit=1)
    if not following:
        return False
    word = following[0].strip("\"'“”‘’(")
    abbreviation = before[-1].rstrip(".")
    if not word or word[0].islower() or word[0].isdigit():
        return True
    if abbreviation in _TITLES:
        return True
    return abbreviation not in _BEFORE_NUMBERS and word not in _STARTERS


def _runs_over_heading(text: str, quote: Span, wrapped: bool, width: int) -> bool:
    """Whether quote runs a line without a sentence end (a headline, a byline, a heading)
    into the next line, where that line is not a wrapped line of a paragraph."""
    start, end = quote
    at = text.find("\n", start, end)
    while at != -1:
        line_start = text.rfind("\n", 0, at) + 1
        line = text[line_start:at].rstrip()
        following = text[at + 1 : end].lstrip(" \t")
        full = wrapped and len(line) >= 0.6 * width
        if line and not ends_a_sentence(line) and not full and not following[:1].islower():
            return True
        at = text.find("\n", at + 1, end)
    return False


def _width(text: str) -> int:
    lengths = sorted(len(line) for line in text.split("\n") if line.strip())
    return lengths[len(lengths) // 2] if lengths else 0


class Counts(Counter[str]):
    pass


def score(
    text: str, wrapped: bool, split: Splitter | None, counts: Counts, shown: list[str]
) -> float:
    """Add the counts of one text's offered citations; the seconds splitting took."""
    started = time.perf_counter()
    units = old_split(text) if split is None else sentences(text, 0, len(text), wrapped, split)
    seconds = time.perf_counter() - started
    folded = FoldedText(text)
    width = _width(text)
    offered = set()
    for start, end in units:
        words = [m.span() for m in re.finditer(r"\w+", text[start:end])]
        if not words:
            continue
        middle = words[len(words) // 2]
        offered.add(quote_around(text, units, (start + middle[0], start + middle[1])))
    for start, end in sorted(offered):
        counts["citations"] += 1
        quote = " ".join(text[start:end].split())
        faults = []
        if _wrong_break(text, end, not wrapped):
            faults.append("ends at an abbreviation")
        if start and _wrong_break(text, start, not wrapped) and text[start - 1].isspace():
            faults.append("begins after an abbreviation")
        if _runs_over_heading(text, (start, end), wrapped, width):
            faults.append("runs over a heading")
        if not folded.find_all(fold(quote)):
            faults.append("does not verify")
        if len(quote.split()) < MIN_QUOTE_WORDS or len(quote) < MIN_QUOTE_CHARS:
            counts["too short to cite"] += 1  # offered without a citation: not a fault
        for fault in faults:
            counts[fault] += 1
            shown.append(f"  {fault}: {quote[:160]}")
    return seconds


def corpus() -> list[tuple[str, str, str, bool]]:
    """(half, name, text, wrapped) of each page and PDF, read as add-source reads it."""
    half_of = {name: half for half in ("tune", "report") for name in SPLIT[half]}
    texts = []
    for page in sorted(p for p in (CORPUS / "web-pages").iterdir() if p.is_dir()):
        read = read_source(
            SourceFile(f"{page.name}.html", (page / "source.html").read_bytes()), Diagnostics()
        )
        texts.append((half_of[page.name], page.name, read.extracted.text if read else "", False))
    for pdf in sorted((CORPUS / "pdf").glob("*.pdf")):
        read = read_source(SourceFile(pdf.name, pdf.read_bytes()), Diagnostics())
        if read:
            texts.append(("PDFs", pdf.name, read.extracted.text, True))
    return texts


COLUMNS = ("citations", "too short to cite")
FAULTS = (
    "ends at an abbreviation",
    "begins after an abbreviation",
    "runs over a heading",
    "does not verify",
)


def evaluate(show: bool = False) -> None:
    print("8. Citations find offers: whole sentences (faults per citation offered; goal 0)")
    texts = corpus()
    size = sum(len(text.encode()) for _, _, text, _ in texts) / 1e6
    print(f"   {len(texts)} texts, {size:.2f} MB; columns: tune / report / PDFs")
    header = "   " + f"{'splitter':<30}" + "".join(f"{f:>30}" for f in (*COLUMNS, *FAULTS))
    print(header)
    for label, split in SPLITTERS.items():
        halves = {half: Counts() for half in ("tune", "report", "PDFs")}
        seconds, shown = 0.0, []
        for half, name, text, wrapped in texts:
            lines: list[str] = []
            seconds += score(text, wrapped, split, halves[half], lines)
            if show and half != "report" and lines:
                shown += [f" {name}", *lines]
        cells = [" / ".join(str(halves[h][f]) for h in halves) for f in (*COLUMNS, *FAULTS)]
        print(
            f"   {label:<30}" + "".join(f"{c:>30}" for c in cells) + f"   {size / seconds:.2f} MB/s"
        )
        if shown:
            print("\n".join(shown))


if __name__ == "__main__":
    evaluate(show="--show" in sys.argv[1:])
