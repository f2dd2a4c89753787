"""Stage 2c: estimative language. The brief's words must agree with its declared estimates.

- a likelihood term of another vocabulary than the brief's is a warning (mixing);
- a likelihood term and a confidence level in one sentence is a warning (ICD 203);
- a judgement whose sentence says e.g. "almost certainly" while its likelihood is
  "unlikely" is a warning.
Quoted passages are not the brief's words: citations are left out of the scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .citations import PLACEHOLDER
from .diagnostics import Diagnostics
from .directives.judgement import Judgement
from .model import BriefText, Markdown
from .vocabulary import VOCABULARIES, LikelihoodBand, Vocabulary

CONFIDENCE_PHRASE = re.compile(
    r"\b(?:high|moderate|low)(?:-|\s+)confidence\b"
    r"|\bconfidence\s+(?:is|was|remains|stays)\s+(?:high|moderate|low)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+")


@dataclass(frozen=True)
class Term:
    words: str
    vocabulary: Vocabulary
    band: LikelihoodBand


def _forms(term: str) -> list[str]:
    """A term and its adverb: 'almost certain' -> 'almost certainly', 'probable' -> 'probably'."""
    if term.endswith("certain"):
        return [term, term + "ly"]
    if term.endswith("probable"):
        return [term, term[:-1] + "y"]
    return [term]


TERMS: dict[str, list[Term]] = {}
for _vocabulary in VOCABULARIES.values():
    for _band in _vocabulary.bands:
        for _term in _band.terms:
            for _form in _forms(_term):
                TERMS.setdefault(_form, []).append(Term(_form, _vocabulary, _band))
_TERM = re.compile(
    r"\b(" + "|".join(re.escape(t) for t in sorted(TERMS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def check_language(text: BriefText, diagnostics: Diagnostics) -> None:
    vocabulary = VOCABULARIES[text.meta.vocabulary]
    for fragment in (f for block in text.blocks for f in block.fragments):
        _check_fragment(fragment, vocabulary, diagnostics)
    for judgement in text.blocks_of(Judgement):
        _check_statement(judgement, vocabulary, diagnostics)


def _words(fragment: Markdown) -> str:
    """The fragment's own words: citations blanked out, offsets kept."""
    return PLACEHOLDER.sub(lambda m: " " * len(m.group()), fragment.text)


def _check_fragment(fragment: Markdown, vocabulary: Vocabulary, diagnostics: Diagnostics) -> None:
    words = _words(fragment)
    for match in _TERM.finditer(words):
        senses = TERMS[match[1].lower()]
        if not any(t.vocabulary is vocabulary for t in senses):
            diagnostics.warning(
                fragment.location.advance(fragment.text, match.start()),
                f"'{match[1]}' is a term of the {senses[0].vocabulary.title}, "
                f"but this brief uses the {vocabulary.title}",
            )
    start = 0
    for end in [m.start() for m in _SENTENCE_END.finditer(words)] + [len(words)]:
        sentence = words[start:end]
        term, confidence = _TERM.search(sentence), CONFIDENCE_PHRASE.search(sentence)
        if term and confidence:
            diagnostics.warning(
                fragment.location.advance(
                    fragment.text, start + min(term.start(), confidence.start())
                ),
                f"likelihood ('{term[1]}') and confidence ('{confidence.group()}') "
                "share a sentence",
                hint="ICD 203: state the confidence level in a sentence of its own",
            )
        start = end


def _check_statement(
    judgement: Judgement, vocabulary: Vocabulary, diagnostics: Diagnostics
) -> None:
    declared = vocabulary.band(judgement.likelihood)
    if declared is None:
        return
    words = _words(judgement.statement)
    for match in _TERM.finditer(words):
        senses = TERMS[match[1].lower()]
        sense = next((t for t in senses if t.vocabulary is vocabulary), senses[0])
        band = sense.band
        if max(band.low, declared.low) >= min(band.high, declared.high):
            diagnostics.warning(
                judgement.statement.location.advance(judgement.statement.text, match.start()),
                f"{judgement.label} says '{match[1]}' ({band.range}) but its likelihood is "
                f"'{judgement.likelihood}' ({declared.range})",
                hint="the likelihood is that the judgement holds as written, negation "
                f"included: ':likelihood: {band.terms[0]}' agrees with its words; to "
                f"keep '{judgement.likelihood}', reword the judgement",
            )
