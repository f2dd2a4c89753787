"""Scores shared by `make eval` and the tests that hold its figures: how much of a page's
furniture the rules flag, and how many of the article's own sentences they flag wrongly."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from briefing.folding import fold
from briefing.source_findings import find_findings

_BLOCK = re.compile(
    r"</?(?:p|div|h\d|li|ul|ol|br|tr|td|th|blockquote|figcaption|pre|section)\b[^>]*>", re.I
)
_SENTENCE = re.compile(r"[^.!?]+[.!?]+[\"”’)]*")


def article_blocks(expected_html: str) -> list[str]:
    """The folded paragraphs, headings and items of an article extracted as HTML."""
    raw = re.sub(r"<(script|style)\b.*?</\1>", "", expected_html, flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", "", _BLOCK.sub("\n", raw)))
    return [block for block in (fold(line) for line in text.split("\n")) if block]


def sentences(text: str) -> list[str]:
    """Folded sentences of four words or more."""
    found = [fold(s) for s in _SENTENCE.findall(text)]
    return [s for s in found if len(s.split()) >= 4]


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
