"""A scenario whose likelihood moved since the previous edition says why, as a judgement
must: a reader holding both editions sees the new term and wants the reason."""

from __future__ import annotations

from collections.abc import Iterator

from ..changes import Shift
from ..directives.scenario import Scenario
from ..editions import Edition, changes_since
from ..markdown import plain
from .base import Context, Flag, Rule


def _check(context: Context) -> Iterator[Flag]:
    scenarios = context.text.blocks_of(Scenario)
    if context.previous is None:
        for scenario in scenarios:
            if scenario.change:
                yield Flag(
                    scenario.location,
                    f"scenario '{plain(scenario.title)}' says what changed (':change:'), but "
                    "the brief names no 'previous' edition to compare with",
                    hint="add 'previous: VERSION' (a folder under editions/), or drop ':change:'",
                )
        return
    now = Edition.of_text(context.text, context.sources, context.timeline)
    changes = changes_since(context.previous, now)
    by_id = {s.id: s for s in scenarios}
    for change in changes.of("scenario", "changed"):
        moved = change.shift("likelihood")
        if moved and not change.note:
            yield Flag(
                by_id[change.key].location,
                f"scenario '{change.text}' moved from {_term(moved, 'old')} to "
                f"{_term(moved, 'new')} since edition {changes.since} without a ':change:' "
                "saying why",
                hint="add a line ':change: the new evidence or reasoning' below ':likelihood:'",
            )


def _term(shift: Shift, which: str) -> str:
    """The term, with its range when the term itself did not change (a new vocabulary)."""
    word, band = (shift.old, shift.old_range) if which == "old" else (shift.new, shift.new_range)
    return f"{word} ({band})" if shift.old == shift.new and band else word


RULE = Rule(
    "scenario-changes",
    standard="Explains change to or consistency of analytic judgments",
    summary="a scenario whose likelihood moved since the previous edition says why in :change:",
    check=_check,
)
