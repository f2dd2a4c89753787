"""The `likelihood` and `confidence` options, which judgements and scenarios share."""

from __future__ import annotations

from ..diagnostics import Location, suggest
from ..vocabulary import CONFIDENCE, VOCABULARIES
from .base import Option, ParseContext


def read_likelihood(term: str, where: Location, ctx: ParseContext) -> str:
    """A term of the brief's vocabulary, lower-case; an error names the right vocabulary."""
    term = " ".join(term.lower().split())
    vocabulary = ctx.vocabulary
    if not term or vocabulary.band(term):
        return term
    other = next((v for v in VOCABULARIES.values() if v.band(term)), None)
    if other:
        hint = f"'{term}' belongs to the {other.title}"
    else:
        hint = suggest(term, vocabulary.terms) or "terms: " + ", ".join(vocabulary.terms)
    ctx.diagnostics.error(
        where, f"'{term}' is not a likelihood term of the {vocabulary.title}", hint
    )
    return term


def read_confidence(level: str, where: Location, ctx: ParseContext) -> str:
    level = level.lower().removesuffix(" confidence")
    if level and level not in CONFIDENCE:
        ctx.diagnostics.error(
            where, f"confidence must be one of {', '.join(CONFIDENCE)}, not '{level}'"
        )
    return level


LIKELIHOOD_OPTION = Option("likelihood", required=True, read=read_likelihood)
CONFIDENCE_OPTION = Option("confidence", required=True, read=read_confidence)
