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
from .evidence import fold, folding_pattern, widen_to_words
from .model import Source

FUZZY_CUTOFF = 75  # rapidfuzz's partial ratio, 0-100: below it a sentence is not a match
LONG_SENTENCE_WORDS = 30  # a longer sentence is cited by the clause around the match
SHORTEST_CLAUSE_WORDS = 6

# A sentence ends after its stop, or at the end of its line unless the next line goes on in
# lower case (text wrapped by hand, or in a PDF).
_SENTENCE_END = re.compile(r"""(?P<stop>[.!?…]+["'”’)\]]*(?=\s|\Z))|\n(?![ \t]*[a-z0-9(])""")
_NEARBY = 3000  # characters either side of a match that may hold its sentence
_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+[-–—]\s+")
_WORD = re.compile(r"\w+")
_DROPPED = frozenset(" \t\n•◦▪·*+-–—,;:")

Hit = tuple[Source, tuple[int, int], float]  # a source, the span matched, the similarity


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
    pattern = re.compile(_whole_words(folding_pattern(needle)), re.IGNORECASE)
    hits = [(s, m.span(), 100.0) for s in sources for m in pattern.finditer(s.text)]
    if not hits:
        hits = [hit for source in sources for hit in _similar(source, needle, limit)]
        hits.sort(key=lambda hit: -hit[2])
    hits.sort(key=lambda hit: hit[0].furniture_only(hit[1]) is not None)  # stable
    return [_passage(*hit) for hit in hits[:limit]]


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


def _similar(source: Source, needle: str, limit: int) -> list[Hit]:
    """The sentences of source most like needle, each with the span of its likest words."""
    text, needle = source.text, _lower(needle)
    sentences = _sentences(text, 0, len(text))
    choices = [_lower(text[start:end]) for start, end in sentences]
    best = process.extract(
        needle, choices, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF, limit=limit
    )
    hits = []
    for _, score, index in best:
        start, end = sentences[index]
        aligned = fuzz.partial_ratio_alignment(needle, choices[index])
        if aligned is not None:
            start, end = start + aligned.dest_start, start + aligned.dest_end
            start, end = widen_to_words(text, start + text[start].isspace(), end)
        hits.append((source, (start, end), score))
    return hits


def _passage(source: Source, span: tuple[int, int], score: float) -> Passage:
    furniture = source.furniture_only(span)
    text = source.text
    nearby = _sentences(
        text, text.rfind("\n", 0, max(span[0] - _NEARBY, 0)) + 1, min(span[1] + _NEARBY, len(text))
    )
    return Passage(
        source=source,
        span=span,
        quote_span=_quote_around(text, nearby, span),
        line=text.count("\n", 0, span[0]) + 1,
        page=source.page_of(span[0]),
        score=score,
        furniture=furniture.detail if furniture else None,
    )


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of text[start:end], without the white space around them."""
    spans = []
    for match in _SENTENCE_END.finditer(text, start, end):
        stop = match.end() if match["stop"] else match.start()
        spans.append(_stripped(text, start, stop))
        start = match.end()
    spans.append(_stripped(text, start, end))
    return [(a, b) for a, b in spans if a < b]


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


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
