"""The bottom line carries the estimates: a sentence that restates a key judgement gives its
likelihood, and a sentence that asserts gives an estimate or a citation.

A sentence restates the judgements it names (`KJ3`); one that names none restates each
judgement it says most of: of the statement's content words (lower-cased, simply stemmed,
function words and likelihood terms left out) it uses a share of RESTATES or more, each word
weighed by how few of the brief's statements use it. A sentence that restates a judgement
is judged by that judgement's estimate alone. Sentences that assert nothing are left alone:
a question, and a sentence with no words of its own (a citation after a full stop belongs to
the sentence before it). A confidence level ("moderate confidence") expresses uncertainty as
a likelihood term does, so it counts as an estimate: ICD 203 wants it in a sentence of its
own.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from ..citations import PLACEHOLDER
from ..diagnostics import Location
from ..directives.judgement import Judgement
from ..language import CONFIDENCE_PHRASE, TERMS
from ..model import Markdown
from ..sentences import sentences
from ..vocabulary import VOCABULARIES, LikelihoodBand, Vocabulary
from .base import Context, Flag, Rule

# A sentence restates a judgement that shares this share of its content words: in the
# default brief (issue 27) the bottom line's restatements shared 0.5 to 0.83, the other pairs
# of its sentences and judgements at most 0.33.
RESTATES = 0.4
_FEWEST_SHARED = 2  # a short statement is not restated by one word in common

_LABEL = re.compile(r"\bKJ(\d+)\b")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t])")
# Function words: articles, pronouns, prepositions, conjunctions, auxiliaries, a few adverbs.
_FUNCTION_WORDS = """
    a about above after again against all already also always an and any are as at be because
    been before being below between both but by can could did do does doing down during each
    either even ever for from further had has have having he her here hers him himself his how
    i if in into is it its itself just may me might more most must my neither never no nor not
    now of off on once only or other our ours out over own rather same shall she should so some
    still such than that the their theirs them themselves then there these they this those
    through to too under until up upon us very was we were what when where whether which while
    who whom whose why will with within without would yet you your
"""
_STOP_WORDS = frozenset(_FUNCTION_WORDS.split())


@dataclass(frozen=True)
class Sentence:
    """A sentence of the bottom line: where it starts in the Markdown, its own words
    (citations blanked), and whether it cites."""

    start: int
    words: str
    cites: bool

    @property
    def asks(self) -> bool:
        return self.words.rstrip(' \t"”’)*_').endswith("?")


def bottom_line_sentences(bottom_line: Markdown) -> list[Sentence]:
    """The sentences of the bottom line, paragraph by paragraph (a list item is one)."""
    text = bottom_line.text
    flat = text.replace("\n", " ")  # each paragraph one line, offsets kept
    found: list[Sentence] = []
    start = 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        for a, b in sentences(flat, start, end, wrapped=False):
            piece = text[a:b]
            words = PLACEHOLDER.sub(lambda m: " " * len(m.group()), piece)
            cites = PLACEHOLDER.search(piece) is not None
            if found and not any(c.isalnum() for c in words):
                last = found[-1]
                found[-1] = Sentence(last.start, last.words, last.cites or cites)
            else:
                found.append(Sentence(a, words, cites))
        start = brk.end() if brk else end
    return found


def stem(word: str) -> str:
    """A word, lower-cased, without a possessive and a plural, past or -ing ending, so that
    'backed', 'backing' and 'backs' are one word, and 'force' and 'forces'."""
    word = re.sub(r"['’]s?$", "", word.lower())
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for ending in ("ing", "ed"):
        if len(word) > len(ending) + 2 and word.endswith(ending):
            word = word[: -len(ending)]
            if word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # 'committed' -> 'commit'
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def _spaced(term: str) -> str:
    """A term as a pattern whose words may be parted by any space, a line end included."""
    return r"\s+".join(re.escape(word) for word in term.split())


class Terms:
    """The likelihood terms of one vocabulary (with their adverbs: 'probably'), found as
    whole terms, longest first, so 'likely' is never found inside 'unlikely'."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.bands = {
            form: term.band
            for form, senses in TERMS.items()
            for term in senses
            if term.vocabulary is vocabulary
        }
        ordered = sorted(self.bands, key=len, reverse=True)
        self.pattern = re.compile(
            r"\b(" + "|".join(_spaced(t) for t in ordered) + r")\b", re.IGNORECASE
        )

    def found(self, text: str) -> list[tuple[str, LikelihoodBand]]:
        """Each term in the text (a term may run over a line end), with its band."""
        terms = (" ".join(m[1].split()) for m in self.pattern.finditer(text))
        return [(term, self.bands[term.lower()]) for term in terms]

    def content_words(self, text: str) -> set[str]:
        """The stems of text's words other than function words and likelihood terms."""
        text = self.pattern.sub(" ", PLACEHOLDER.sub(" ", text))
        return {stem(w) for w in _WORD.findall(text) if w.lower() not in _STOP_WORDS}


def weights(statements: list[set[str]]) -> dict[str, float]:
    """How much each content word of the statements tells which one a sentence restates:
    a word that most of them use ('Moscow' in a brief on Moscow) tells little."""
    counts = Counter(word for words in statements for word in words)
    return {word: math.log(1 + len(statements) / n) for word, n in counts.items()}


def overlap(statement: set[str], sentence: set[str], weight: dict[str, float]) -> float:
    """The share of a statement's content words that a sentence uses, each word weighed
    by what it tells; 0 when they share too few words."""
    shared = statement & sentence
    if not statement or len(shared) < _FEWEST_SHARED:
        return 0.0
    return sum(weight[w] for w in shared) / sum(weight[w] for w in statement)


_TERMS = {name: Terms(vocabulary) for name, vocabulary in VOCABULARIES.items()}


def _check(context: Context) -> Iterator[Flag]:
    bottom_line = context.text.bottom_line
    if bottom_line is None:
        return
    vocabulary = VOCABULARIES[context.text.meta.vocabulary]
    terms = _TERMS[vocabulary.name]
    judgements = context.text.blocks_of(Judgement)
    statements = {j.id: terms.content_words(j.statement.text) for j in judgements}
    weight = weights(list(statements.values()))
    for sentence in bottom_line_sentences(bottom_line):
        if sentence.asks:
            continue
        where = bottom_line.location.advance(bottom_line.text, sentence.start)
        named = {int(n) for n in _LABEL.findall(sentence.words)}
        words = terms.content_words(sentence.words)
        restated = [  # the judgements it names, else those whose words it uses
            j
            for j in judgements
            if j.number in named
            or (not named and overlap(statements[j.id], words, weight) >= RESTATES)
        ]
        said = terms.found(sentence.words)
        if restated:  # judged by the estimates it restates alone
            yield from _uncarried(restated, said, vocabulary, where)
        elif not (said or sentence.cites or CONFIDENCE_PHRASE.search(sentence.words)):
            yield Flag(
                where,
                "a bottom-line sentence asserts without an estimate or a citation",
                hint="give the likelihood of what it asserts, or cite the passage it rests "
                "on; a question asserts nothing",
            )


def _uncarried(
    restated: list[Judgement],
    said: list[tuple[str, LikelihoodBand]],
    vocabulary: Vocabulary,
    where: Location,
) -> Iterator[Flag]:
    """Each restated judgement whose likelihood the sentence lacks: it says none, or one
    that none of the judgements it restates has."""
    bands = {j.id: vocabulary.band(j.likelihood) for j in restated}
    strays = [term for term, band in said if band not in bands.values()]
    for judgement in restated:
        band = bands[judgement.id]
        if band is None or band in (b for _, b in said):
            continue
        hint = (
            f"carry the estimate as {judgement.label} states it: {judgement.likelihood} "
            f"({band.range}), {judgement.confidence} confidence (a confidence level goes in "
            "a sentence of its own)"
        )
        message = (
            f"the bottom line says '{strays[0]}' where {judgement.label} says "
            f"'{judgement.likelihood}'"
            if strays
            else f"the bottom line restates {judgement.label} without its likelihood "
            f"('{judgement.likelihood}')"
        )
        yield Flag(where, message, hint)


RULE = Rule(
    "estimates-carried",
    standard="Properly expresses and explains uncertainties associated with major analytic "
    "judgments",
    summary="a bottom-line sentence that restates a key judgement carries its likelihood; "
    "one that asserts gives an estimate or a citation",
    check=_check,
)
