"""The registry of tradecraft rules, by name, and the one function the pipeline calls."""

from __future__ import annotations

from ..diagnostics import Diagnostics, suggest
from . import captions, estimates_carried, premises, scenario_changes, single_source
from .base import Context, Rule

RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        single_source.RULE,
        estimates_carried.RULE,
        premises.RULE,
        scenario_changes.RULE,
        captions.RULE,
    )
}


def check_tradecraft(context: Context, diagnostics: Diagnostics) -> None:
    """Run every rule the brief has not waived; each finding is a warning whose code is
    the rule's name."""
    waived = {w.rule for w in context.text.meta.waived}
    for waiver in context.text.meta.waived:
        if waiver.rule not in RULES:
            diagnostics.error(
                waiver.location,
                f"'waive' names no tradecraft rule '{waiver.rule}'",
                hint=suggest(waiver.rule, list(RULES), listed="the rules"),
            )
    for rule in RULES.values():
        if rule.name in waived:
            continue
        for flag in rule.check(context):
            diagnostics.warning(flag.location, flag.message, flag.hint, code=rule.name)
