"""`briefing find`: passages of the sources that match some words, each with a citation
ready to paste that verifies as written.

Matching uses the folding of quote verification, ignoring letter case: the words as a
phrase first; when no source has the phrase, the sentences most like it (rapidfuzz).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from .citations import MIN_QUOTE_CHARS, MIN_QUOTE_WORDS
from .evidence import FoldedText, fold, widen_to_words
from .model import Source

FUZZY_CUTOFF = 75  # rapidfuzz's partial ratio, 0-100: below it a sentence is not a match
LONG_SENTENCE_WORDS = 30  # a longer sentence is cited by the clause around the match
SHORTEST_CLAUSE_WORDS = 6

# A sentence ends at its stop, at the end of a line unless the next line goes on in lower
# case (text wrapped by hand, or in a PDF), or at a blank line.
_SENTENCE = re.compile(
    r"""\S.*?(?:[.!?…]+["'”’)\]]*(?=\s|\Z)|(?=\n(?![ \t]*[a-z0-9(]))|\Z)""", re.DOTALL
)
_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+[-–—]\s+")
_WORD = re.compile(r"\w+")
_DROPPED = frozenset(" \t\n•◦▪·*+-–—,;:")


@dataclass(frozen=True)
class Passage:
    """A match: where it is, the sentence around it, and the citation that quotes it."""

    source: Source
    span: tuple[int, int]  # the matched words, in the source's text
    quote_span: tuple[int, int]  # what the citation quotes
    line: int
    page: int | None
    score: float  # 100 for the phrase itself
    furniture: str | None  # the page furniture it stands in, which cannot be quoted alone

    @property
    def quote(self) -> str:
        """The quoted words on one line; straight double quotes, which would end the
        citation, become curly ones (verification treats them alike)."""
        words = " ".join(self.source.text[slice(*self.quote_span)].split())
        return re.sub(r'"([^"]*)"', "\u201c\\1\u201d", words).replace('"', "\u201d")

    @property
    def citation(self) -> str:
        return f'[@{self.source.id} "{self.quote}"]'


def find_passages(sources: list[Source], words: str, limit: int = 10) -> list[Passage]:
    """The passages matching words: the phrase, else the nearest sentences; article text
    before page furniture, at most limit."""
    needle = fold(words)
    if not needle:
        return []
    found = [p for s in sources for p in _Searcher(s).exact(needle)]
    if not found:
        found = [p for s in sources for p in _Searcher(s).fuzzy(needle, limit)]
        found.sort(key=lambda p: -p.score)
    found.sort(key=lambda p: p.furniture is not None)  # stable: keeps the order within
    return found[:limit]


def where(passage: Passage) -> str:
    page = f"page {passage.page}, " if passage.page else ""
    return f"{passage.source.id}, {page}line {passage.line}"


def passage_lines(passage: Passage, mark: Callable[[str], str]) -> list[str]:
    """How find prints a passage: where, the quoted text with the matched words marked,
    and the citation."""
    text = passage.source.text
    (start, end), (q0, q1) = passage.span, passage.quote_span
    before, after = text[min(q0, start) : start], text[end : max(q1, end)]
    marked = mark(text[start:end])
    shown = " ".join(f"{before}{marked}{after}".split())
    if passage.furniture:
        note = f"page furniture, {passage.furniture}: cannot be quoted alone"
        return [f"{where(passage)}: {note}", f"    {shown}"]
    score = "" if passage.score == 100 else f" (similar, {passage.score:.0f}%)"
    return [f"{where(passage)}{score}: {shown}", f"    {passage.citation}"]


def passage_json(passage: Passage) -> dict[str, Any]:
    source = passage.source
    return {
        "source": source.id,
        "file": f"seeds/{source.entry.file}",
        "line": passage.line,
        "page": passage.page,
        "match": source.text[slice(*passage.span)],
        "passage": " ".join(source.text[slice(*passage.quote_span)].split()),
        "citation": None if passage.furniture else passage.citation,
        "similarity": round(passage.score, 1),
        "furniture": passage.furniture,
    }


class _Searcher:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", source.text))]
        self.sentences = [m.span() for m in _SENTENCE.finditer(source.text)]

    def exact(self, words: str) -> list[Passage]:
        text = FoldedText(self.source.text)
        pattern = re.compile(_whole_words(re.escape(words)), re.IGNORECASE)
        spans = (text.original_span(*m.span()) for m in pattern.finditer(text.folded))
        return [self._passage(span, 100.0) for span in spans]

    def fuzzy(self, words: str, limit: int) -> list[Passage]:
        text, needle = self.source.text, _lower(words)
        choices = [_lower(text[start:end]) for start, end in self.sentences]
        best = process.extract(
            needle, choices, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF, limit=limit
        )
        passages = []
        for _, score, index in best:
            start, end = self.sentences[index]
            aligned = fuzz.partial_ratio_alignment(needle, choices[index])
            if aligned is not None:
                start, end = start + aligned.dest_start, start + aligned.dest_end
                start, end = widen_to_words(text, start + text[start].isspace(), end)
            passages.append(self._passage((start, end), score))
        return passages

    def _passage(self, span: tuple[int, int], score: float) -> Passage:
        source = self.source
        furniture = source.furniture_only(span)
        return Passage(
            source=source,
            span=span,
            quote_span=_quote_around(source.text, self.sentences, span),
            line=bisect.bisect_right(self.line_starts, span[0]),
            page=source.page_of(span[0]),
            score=score,
            furniture=furniture.detail if furniture else None,
        )


def _whole_words(pattern: str) -> str:
    """pattern, not matched inside a word: "with" does not find "withdrawal"."""
    return rf"(?<!\w){pattern}(?!\w)"


def _lower(text: str) -> str:
    """Lower case, keeping every offset: the rare letter whose lower case is longer (the
    dotted capital I) is left as it is."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _quote_around(
    text: str, sentences: list[tuple[int, int]], span: tuple[int, int]
) -> tuple[int, int]:
    """The sentence around span, or its clause if the sentence is long; widened over
    neighbouring sentences until it is long enough to verify."""
    starts = [s for s, _ in sentences]
    first = max(bisect.bisect_right(starts, span[0]) - 1, 0)
    last = max(bisect.bisect_left(starts, span[1]) - 1, first)
    start, end = sentences[first][0], sentences[last][1]
    if len(_WORD.findall(text, start, end)) > LONG_SENTENCE_WORDS:
        start, end = _clause(text, (start, end), span)
    start, end = _trim(text, (start, end), span)
    while not _long_enough(text[start:end]) and (first > 0 or last < len(sentences) - 1):
        if last < len(sentences) - 1:
            last += 1
            end = sentences[last][1]
        else:
            first -= 1
            start = sentences[first][0]
        start, end = _trim(text, (start, end), span)
    return start, end


def _clause(text: str, sentence: tuple[int, int], span: tuple[int, int]) -> tuple[int, int]:
    """The clauses of sentence that hold span, widened to at least SHORTEST_CLAUSE_WORDS."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, *sentence)]
    bounds = [sentence[0], *breaks, sentence[1]]
    first = max(bisect.bisect_right(bounds, span[0]) - 1, 0)
    last = min(bisect.bisect_left(bounds, span[1]), len(bounds) - 1)
    while len(_WORD.findall(text, bounds[first], bounds[last])) < SHORTEST_CLAUSE_WORDS:
        if last < len(bounds) - 1:
            last += 1
        elif first > 0:
            first -= 1
        else:
            break
    return bounds[first], bounds[last]


def _trim(text: str, quote: tuple[int, int], span: tuple[int, int]) -> tuple[int, int]:
    """quote without the list bullets and clause punctuation at its ends, but never
    cutting into the matched span."""
    start, end = quote
    while start < min(end, span[0]) and text[start] in _DROPPED:
        start += 1
    while end > max(start, span[1]) and text[end - 1] in _DROPPED:
        end -= 1
    return start, end


def _long_enough(quote: str) -> bool:
    return len(quote.split()) >= MIN_QUOTE_WORDS and len(" ".join(quote.split())) >= MIN_QUOTE_CHARS
