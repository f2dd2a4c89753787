"""A judgement is no more likely than the premises it declares (`:depends-on:`), and when a
premise moves between editions, the judgement that did not move says why it stands."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..changes import Shift
from ..directives.judgement import Judgement
from ..editions import Edition
from ..vocabulary import VOCABULARIES, Vocabulary
from .base import Context, Flag, Rule


def _check(context: Context) -> Iterator[Flag]:
    vocabulary = VOCABULARIES[context.text.meta.vocabulary]
    judgements = context.text.blocks_of(Judgement)
    by_id = {j.id: j for j in judgements}
    for judgement in judgements:
        for ident in judgement.depends_on:
            premise = by_id.get(ident)
            if premise is None or premise is judgement:
                continue  # an error of the directive's own check
            yield from _above(judgement, premise, vocabulary)
            if context.previous is not None:
                yield from _unexplained(judgement, premise, context.previous, vocabulary)


def _above(judgement: Judgement, premise: Judgement, vocabulary: Vocabulary) -> Iterator[Flag]:
    """A judgement whose likelihood band lies wholly above its premise's."""
    band, premise_band = vocabulary.band(judgement.likelihood), vocabulary.band(premise.likelihood)
    if band is None or premise_band is None or band.low < premise_band.high:
        return
    yield Flag(
        judgement.location,
        f"{judgement.label} ({judgement.likelihood}, {band.range}) depends on "
        f"{premise.label} ({premise.likelihood}, {premise_band.range}): a judgement cannot be "
        "more likely than a premise it depends on",
        hint=f"lower {judgement.label} to at most '{premise.likelihood}', or raise "
        f"{premise.label} if its evidence allows, or drop the dependency if it does not hold",
    )


def _unexplained(
    judgement: Judgement, premise: Judgement, previous: Edition, vocabulary: Vocabulary
) -> Iterator[Flag]:
    """A premise that moved since the previous edition under a judgement that did not, and
    whose `:change:` does not say why it stands."""
    premise_before = previous.judgements.get(premise.id)
    before = previous.judgements.get(judgement.id)
    if premise_before is None or before is None:
        return
    premise_shift = Shift(
        "likelihood",
        premise_before.likelihood,
        premise.likelihood,
        premise_before.likelihood_range,
        premise.likelihood_range(vocabulary.name),
    )
    own_shift = Shift(
        "likelihood",
        before.likelihood,
        judgement.likelihood,
        before.likelihood_range,
        judgement.likelihood_range(vocabulary.name),
    )
    if not premise_shift.moved or own_shift.moved:
        return
    if re.search(rf"\b(?:{premise.label}|{re.escape(premise.id)})\b", judgement.change):
        return
    old, new = premise_shift.old, premise_shift.new
    if old == new:  # the same term in another vocabulary's range
        old, new = f"{old} ({premise_shift.old_range})", f"{new} ({premise_shift.new_range})"
    yield Flag(
        judgement.location,
        f"{premise.label}, which {judgement.label} depends on, moved from {old} to {new}; "
        f"say in {judgement.label}'s :change: why it stands",
        hint=f"add ':change: {premise.label} moved to {premise_shift.new}; {judgement.label} "
        f"stands because ...', or move {judgement.label} with its premise",
    )


RULE = Rule(
    "premises",
    standard="Uses strong and effective logical argumentation",
    summary="a judgement is no more likely than a judgement it declares as a premise "
    "(:depends-on:), and says why it stands when a premise moved since the previous edition",
    check=_check,
)
