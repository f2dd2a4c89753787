"""A judgement that rests on one source is held at low confidence."""

from __future__ import annotations

from collections.abc import Iterator

from ..directives.judgement import Judgement
from ..model import independent
from .base import Context, Flag, Rule


def _check(context: Context) -> Iterator[Flag]:
    for judgement in context.text.blocks_of(Judgement):
        if judgement.confidence in ("", "low"):
            continue
        sources = context.sources_of(judgement.citations)
        alone = independent(sources, context.repeats) == 1
        if not (alone or judgement.rests_on):
            continue
        basis = (
            f"declares that it rests on '{judgement.rests_on}'"
            if judgement.rests_on
            else f"cites one source ('{sources[0]}')"
            if len(sources) == 1
            else f"cites sources that share their text ({', '.join(sources)}), which count as one"
        )
        yield Flag(
            judgement.location,
            f"{judgement.label} {basis} but is held at {judgement.confidence} confidence",
            hint="rate it low, or cite a second, independent source for its central claim; "
            "if it truly rests on one source, say so and keep it low",
        )


RULE = Rule(
    "single-source",
    standard="Properly describes quality and credibility of underlying sources",
    summary="a judgement that cites one independent source, or declares :rests-on:, "
    "is held at low confidence",
    check=_check,
)
