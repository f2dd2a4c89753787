"""`briefing find`: passages of the sources that match some words, each with a citation
ready to paste that verifies as written.

Matching uses the folding quotes are verified with (briefing.folding), ignoring letter
case: the words as a phrase first; when no source has the phrase, the sentences most like
it (rapidfuzz).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from .citations import MIN_QUOTE_CHARS, MIN_QUOTE_WORDS
from .folding import fold, folding_pattern
from .model import Source
from .sentences import WRAPPED_KINDS, Span, sentences
from .words import ends_a_sentence

LIKE_CUTOFF = 80  # rapidfuzz's ratio of two words, 0-100: below it they are not alike
SIMILAR_CUTOFF = 50  # the share of the words (by length) a similar sentence must hold
LONG_SENTENCE_WORDS = 30  # a longer sentence is cited by the clause around the match
SHORTEST_CLAUSE_WORDS = 6

_NEARBY = 3000  # characters either side of a match that may hold its sentence
_NEIGHBOURS = 8  # sentences either side of a short one, that it may be widened over
# Where a long sentence may be cut: semicolons, colons and dashes first, then commas.
_STRONG_BREAK = re.compile(r"[;:]\s+|\s+(?:--|[-–—])\s+|(?<=\w)(?:--|—)(?=\w)")
_COMMA_BREAK = re.compile(r",\s+")
_NOT_A_CLAUSE = re.compile(r"\d,\s+\d|,\s+(?:[A-Z]\.){2,}|,\s+(?:Jr|Sr|Inc|Ltd)\b")
SHORTEST_PIECE_WORDS = 3  # a comma's piece shorter than this is a list item or an aside
# Sentence ends for ranking similar sentences over a whole text, which the segmenter would
# take too long for: a stop, or a line end unless the next line goes on in lower case.
_ROUGH_SENTENCE_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s|\Z)|\n(?![ \t]*[a-z0-9(])""")
_WORD = re.compile(r"\w+")
_QUOTES = "\"'“”‘’«»"
_DROPPED = frozenset(" \t\n•◦▪·*+-–—,;:")


class Hit(NamedTuple):
    source: Source
    marks: tuple[tuple[int, int], ...]  # the words matched, in order
    score: float  # 100 for the phrase; else the share of the words found

    @property
    def span(self) -> tuple[int, int]:
        return self.marks[0][0], self.marks[-1][1]


@dataclass(frozen=True)
class Passage:
    """A match: where it is, the sentence around it, and the citation that quotes it."""

    source: Source
    marks: tuple[tuple[int, int], ...]  # the matched words, in the source's text
    quote_span: tuple[int, int]  # what the citation quotes
    line: int
    page: int | None
    exact: bool  # the phrase itself, or a sentence like it
    score: float  # 100 for the phrase; else the share of its words found, by length
    furniture: str | None  # the page furniture it stands in, which cannot be quoted alone

    @property
    def span(self) -> tuple[int, int]:
        return self.marks[0][0], self.marks[-1][1]

    @property
    def quote(self) -> str:
        """The quoted words on one line; straight double quotes, which would end the
        citation, become curly ones (verification treats them alike)."""
        words = " ".join(self.source.text[slice(*self.quote_span)].split())
        return re.sub(r'"([^"]*)"', "\u201c\\1\u201d", words).replace('"', "\u201d")

    @property
    def citation(self) -> str:
        return f'[@{self.source.id} "{self.quote}"]'

    @property
    def unquotable(self) -> str | None:
        """Why the passage cannot be cited, if it cannot."""
        if self.furniture:
            return f"page furniture, {self.furniture}: cannot be quoted alone"
        if not _long_enough(self.quote):
            return "a heading or an item too short to quote alone, and not a sentence"
        return None


def find_passages(sources: list[Source], words: str, limit: int = 10) -> list[Passage]:
    """The passages matching words: the phrase, else the nearest sentences; article text
    before page furniture, at most limit."""
    words = words.strip()
    if len(words) > 2 and words[0] in _QUOTES and words[-1] in _QUOTES:
        words = words[1:-1]  # a phrase typed in quotes is the phrase
    needle = fold(words)
    if not needle:
        return []
    pattern = re.compile(_whole_words(folding_pattern(needle)), re.IGNORECASE)
    hits = [Hit(s, (m.span(),), 100.0) for s in sources for m in pattern.finditer(s.text)]
    exact = bool(hits)
    if not exact:
        hits = [hit for source in sources for hit in _similar(source, needle, limit)]
        hits.sort(key=lambda hit: -hit.score)
    hits.sort(key=lambda hit: hit.source.furniture_only(hit.span) is not None)  # stable
    passages: dict[tuple[str, str, int | None], Passage] = {}  # a passage repeated: once
    for hit in hits:
        passage = _passage(hit, exact)
        passages.setdefault((hit.source.id, passage.quote, passage.page), passage)
        if len(passages) == limit:
            break
    return list(passages.values())


def where(passage: Passage) -> str:
    page = f"page {passage.page}, " if passage.page else ""
    return f"{passage.source.id}, {page}line {passage.line}"


def passage_lines(passage: Passage, mark: Callable[[str], str]) -> list[str]:
    """How find prints a passage: where, the quoted text with the matched words marked,
    and the citation."""
    text = passage.source.text
    start, end = (
        min(passage.quote_span[0], passage.span[0]),
        max(passage.quote_span[1], passage.span[1]),
    )
    pieces = []
    for mark_start, mark_end in passage.marks:
        pieces += [text[start:mark_start], mark(text[mark_start:mark_end])]
        start = mark_end
    shown = " ".join(("".join(pieces) + text[start:end]).split())
    if passage.unquotable:
        return [f"{where(passage)}: {passage.unquotable}", f"    {shown}"]
    score = "" if passage.exact else f" (similar, {passage.score:.0f}%)"
    return [f"{where(passage)}{score}: {shown}", f"    {passage.citation}"]


def passage_json(passage: Passage) -> dict[str, Any]:
    source = passage.source
    return {
        "source": source.id,
        "file": f"seeds/{source.entry.file}",
        "line": passage.line,
        "page": passage.page,
        "match": source.text[slice(*passage.span)],
        "exact": passage.exact,
        "passage": " ".join(source.text[slice(*passage.quote_span)].split()),
        "citation": None if passage.unquotable else passage.citation,
        "similarity": round(passage.score, 1),
        "furniture": passage.furniture,
    }


def _similar(source: Source, needle: str, limit: int) -> list[Hit]:
    """The sentences of source that hold most of needle's words, or words like them (a
    misspelling, another ending: "backed" finds "backing"), in any order; scored 0-100 by
    the share of the words found, each word weighing by its length, so that "in" or "the"
    count for little. Each word found is marked."""
    lowered = _lower(source.text)
    words = list(dict.fromkeys(_WORD.findall(_lower(needle))))
    wanted = [w for w in words if len(w) > 2] or words  # "in", "of": everywhere, and little
    vocabulary = set(_WORD.findall(lowered))
    likeness = {word: _like(word, vocabulary) for word in wanted}
    found = {w for like in likeness.values() for w in like}
    if not found:
        return []
    alternatives = "|".join(map(re.escape, sorted(found, key=len, reverse=True)))
    ends = [match.end() for match in _ROUGH_SENTENCE_END.finditer(source.text)]
    # Each word found, with what it scores for each of the words wanted (by length).
    scores = {v: [len(w) * likeness[w].get(v, 0.0) for w in wanted] for v in found}
    best: dict[int, list[float]] = {}  # by sentence: the best score of each word wanted
    marks: dict[int, list[tuple[int, int]]] = {}
    for match in re.finditer(rf"\b(?:{alternatives})\b", lowered):
        sentence = bisect.bisect_right(ends, match.start())
        row = best.setdefault(sentence, [0.0] * len(wanted))
        row[:] = map(max, row, scores[match.group()])
        marks.setdefault(sentence, []).append(match.span())
    weight = sum(len(word) for word in wanted)
    score = {sentence: sum(row) / weight for sentence, row in best.items()}
    # The best first; of equal ones, those with more of the words, closer together.
    ranked = sorted(
        score, key=lambda n: (-score[n], -len(marks[n]), marks[n][-1][1] - marks[n][0][0])
    )
    return [
        Hit(source, tuple(marks[n]), score[n]) for n in ranked[:limit] if score[n] >= SIMILAR_CUTOFF
    ]


def _like(word: str, vocabulary: set[str]) -> dict[str, float]:
    """The words of vocabulary like word, each with its likeness (100: the word itself):
    the same stem (all but the last two letters, at least four) or a misspelling."""
    like = {
        other: score
        for other, score, _ in process.extract(
            word, vocabulary, scorer=fuzz.ratio, score_cutoff=LIKE_CUTOFF, limit=None
        )
    }
    stem = word[: max(4, len(word) - 2)]
    if len(word) > 4:
        like |= {w: 90.0 for w in vocabulary if w.startswith(stem) and w not in like}
    return like


def passages_in_order(source: Source) -> list[Passage]:
    """The source's passages that can be quoted, each once, in the order of its text: its
    sentences, each widened as find widens one, until it is long enough to verify."""
    text = source.text
    spans = sentences(text, 0, len(text), wrapped=source.kind in WRAPPED_KINDS)
    found: dict[str, Passage] = {}
    line, counted = 1, 0
    for n, span in enumerate(spans):
        # Its few neighbours are all a short sentence is widened over, and the lines are
        # counted on from the last sentence's: else a long text would take quadratic time.
        neighbours = spans[max(n - _NEIGHBOURS, 0) : n + _NEIGHBOURS + 1]
        words = _trim(text, span, (span[1], span[1]))  # a list's bullet is no part
        line, counted = line + text.count("\n", counted, words[0]), words[0]
        passage = _passage(Hit(source, (words,), 100.0), True, neighbours, line)
        if not passage.unquotable:
            found.setdefault(passage.quote, passage)
    return list(found.values())


def _passage(
    hit: Hit, exact: bool, nearby: list[Span] | None = None, line: int | None = None
) -> Passage:
    """The passage around hit, quoted from its sentences (those nearby, unless given), on
    its line (counted, unless given)."""
    source, span = hit.source, hit.span
    furniture = source.furniture_only(span)
    text = source.text
    if nearby is None:
        nearby = sentences(
            text,
            text.rfind("\n", 0, max(span[0] - _NEARBY, 0)) + 1,
            min(span[1] + _NEARBY, len(text)),
            wrapped=source.kind in WRAPPED_KINDS,
        )
    return Passage(
        source=source,
        marks=hit.marks,
        quote_span=quote_around(text, nearby, span),
        line=text.count("\n", 0, span[0]) + 1 if line is None else line,
        page=source.page_of(span[0]),
        exact=exact,
        score=hit.score,
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


def quote_around(text: str, sentences: list[Span], span: Span) -> Span:
    """The sentence around span, or its clause if the sentence is long; widened over
    neighbouring sentences until it is long enough to verify, but never over a line that
    is not a sentence (a headline, a byline, an item): a quote is whole sentences."""
    starts = [s for s, _ in sentences]
    first = max(bisect.bisect_right(starts, span[0]) - 1, 0)
    last = max(bisect.bisect_left(starts, span[1]) - 1, first)
    start, end = sentences[first][0], sentences[last][1]
    if len(_WORD.findall(text, start, end)) > LONG_SENTENCE_WORDS:
        start, end = _clause(text, (start, end), span)
    start, end = _trim(text, (start, end), span)
    whole = [ends_a_sentence(text[a:b]) for a, b in sentences]
    while not _long_enough(text[start:end]):
        if last < len(sentences) - 1 and whole[last] and whole[last + 1]:
            last += 1
            end = sentences[last][1]
        elif first > 0 and whole[first - 1] and whole[last]:
            first -= 1
            start = sentences[first][0]
        else:
            break
        start, end = _trim(text, (start, end), span)
    return start, end


def _clause(text: str, sentence: Span, span: Span) -> Span:
    """The clauses of sentence that hold span, widened to at least SHORTEST_CLAUSE_WORDS:
    cut at semicolons, colons and dashes, and at commas only when that is not enough."""
    clause = _clause_between(text, sentence, span, _breaks(text, sentence, commas=False))
    if len(_WORD.findall(text, *clause)) > LONG_SENTENCE_WORDS:
        clause = _clause_between(text, sentence, span, _breaks(text, sentence, commas=True))
    return clause


def _breaks(text: str, sentence: Span, commas: bool) -> list[int]:
    """Where sentence may be cut: after a semicolon, colon or dash; and after a comma that
    does not stand in a number or a date ("12, 2019"), before "Jr." or "D.C.", or beside
    a piece too short to be a clause (a list's item, an aside: "Parata, 75, has")."""
    breaks = [m.end() for m in _STRONG_BREAK.finditer(text, *sentence)]
    if commas:
        at_commas = [
            m.end()
            for m in _COMMA_BREAK.finditer(text, *sentence)
            if not _NOT_A_CLAUSE.match(text, m.start() - 1)
        ]
        bounds = sorted({sentence[0], *breaks, *at_commas, sentence[1]})
        short = {
            bound
            for a, b in itertools.pairwise(bounds)
            if len(_WORD.findall(text, a, b)) < SHORTEST_PIECE_WORDS
            for bound in (a, b)
        }
        breaks = sorted(set(breaks) | (set(at_commas) - short))
    return breaks


def _clause_between(text: str, sentence: Span, span: Span, breaks: list[int]) -> Span:
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
