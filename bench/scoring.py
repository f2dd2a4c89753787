"""Scores shared by `make eval` and the tests that hold its figures: how much of a page's
furniture the rules flag, and how many of the article's own sentences they flag wrongly."""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

from briefing.folding import fold
from briefing.source_findings import find_findings
from briefing.words import SENTENCE, count_words, ends_a_sentence

_BLOCK = re.compile(
    r"</?(?:p|div|h\d|li|ul|ol|br|tr|td|th|blockquote|figcaption|pre|section)\b[^>]*>", re.I
)
_SENTENCE = re.compile(r"[^.!?]+[.!?]+[\"”’)]*")


def article_blocks(expected_html: str) -> list[str]:
    """The folded paragraphs, headings and items of an article extracted as HTML."""
    raw = re.sub(r"<(script|style)\b.*?</\1>", "", expected_html, flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", "", _BLOCK.sub("\n", raw)))
    return [block for block in (fold(line) for line in text.split("\n")) if block]


def article_paragraphs(expected_html: str) -> list[str]:
    """article_blocks, with the line breaks of the HTML's source read as the spaces they
    are (a paragraph written over several lines is one block), outside preformatted text."""
    parts = re.split(r"(<pre\b.*?</pre>)", expected_html, flags=re.S | re.I)
    return article_blocks(
        "".join(p if i % 2 else re.sub(r"\s+", " ", p) for i, p in enumerate(parts))
    )


def sentences(text: str) -> list[str]:
    """Folded sentences of four words or more."""
    found = [fold(s) for s in _SENTENCE.findall(text)]
    return [s for s in found if len(s.split()) >= 4]


def script_sentences(text: str) -> list[str]:
    """Folded sentences of four words or more, in any script (。！？ end a sentence too; two
    characters of a script written without spaces count as a word)."""
    found = (fold(match.group()) for match in SENTENCE.finditer(text))
    return [s for s in found if count_words(s) >= 4 and ends_a_sentence(s)]


@dataclass
class FurnitureScore:
    furniture_lines: int = 0  # lines of the pasted page outside the article
    furniture_flagged: int = 0
    sentences: int = 0  # the article's sentences in the pasted page
    sentences_flagged: int = 0
    other_lines: int = 0  # the article's lines without a sentence: headings, bylines
    other_flagged: int = 0

    def add(self, pasted: str, blocks: list[str]) -> None:
        """Score the rules on one pasted page against its article's blocks."""
        joined = "\n".join(blocks)
        spans = [f.span for f in find_findings(pasted) if f.kind == "page-furniture"]
        offset = 0
        for line in pasted.split("\n"):
            start, offset = offset, offset + len(line) + 1
            key = fold(line)
            if not key:
                continue
            flagged = any(a <= start < b for a, b in spans)
            if key in blocks or (len(key.split()) >= 4 and key in joined):
                count = len(sentences(line))
                self.sentences += count
                self.sentences_flagged += count * flagged
                self.other_lines += not count
                self.other_flagged += flagged and not count
            else:
                self.furniture_lines += 1
                self.furniture_flagged += flagged

    @property
    def recall(self) -> float:
        return self.furniture_flagged / max(self.furniture_lines, 1)

    @property
    def wrongly_flagged(self) -> float:
        return self.sentences_flagged / max(self.sentences, 1)


def article_lines(lines: list[str], blocks: list[str]) -> list[bool]:
    """Which lines (folded) are the article's: a block, or a part of four words or more of
    one; a line an extractor broke off a paragraph (with the line before or after, four
    words or more of one); a table row whose cells all are (an extractor sets a row on one
    line, '| cell | cell |', where the article has a block for each cell)."""
    block_set = set(blocks) | {_ITEM.sub("", block) for block in blocks}  # '1. Finland'
    joined = "\n".join(blocks)

    def part(text: str) -> bool:
        return text in block_set or (len(text.split()) >= 4 and text in joined)

    def cells(line: str) -> bool:
        found = [cell.strip() for cell in line.strip("|").split("|") if cell.strip()]
        return bool(found) and all(cell in block_set or cell in joined for cell in found)

    lines = [_ITEM.sub("", line) for line in lines]
    found = []
    for before, line, after in zip(["", *lines], lines, [*lines[1:], ""], strict=False):
        found.append(
            part(line)
            or (line.startswith("|") and cells(line))
            or any(part(f"{a} {b}") for a, b in ((before, line), (line, after)) if a and b)
        )
    return found


_ITEM = re.compile(r"^(?:[-*•] |\d+\. )")
_TOKEN = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff]|\w+")
MOSTLY = 0.5  # a line is the article's when at least this share of its word 3-grams are


def mostly_article(lines: list[str], blocks: list[str]) -> list[bool]:
    """Which lines are mostly the article's: at least half of their word 3-grams are in its
    blocks (a paragraph the extractor wrote with citation marks '[86]' or a table of
    contents' numbers, an item set differently). A line of fewer than three words is
    judged by article_lines alone."""
    article = set(shingles("\n".join(blocks), 3))
    found = []
    for line in lines:
        grams = shingles(line, 3)
        total = grams.total()
        found.append(
            total > 0 and sum(n for g, n in grams.items() if g in article) >= MOSTLY * total
        )
    return found


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """The text's runs of size words (lower case; a character of a script written without
    spaces is a word), counted: what article-extraction benchmarks compare."""
    tokens = _TOKEN.findall(fold(text).lower())
    return Counter(tuple(tokens[i : i + size]) for i in range(max(len(tokens) - size + 1, 0)))


@dataclass(frozen=True)
class Overlap:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def shingle_overlap(extracted: str, expected: str) -> Overlap:
    """Precision and recall of an extraction's word shingles against the expected text's."""
    ours, theirs = shingles(extracted), shingles(expected)
    common = sum((ours & theirs).values())
    return Overlap(common / max(ours.total(), 1), common / max(theirs.total(), 1))
