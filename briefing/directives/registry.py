"""The registry of directives, by name: parsing and brief.json read it."""

from __future__ import annotations

from . import cover, judgement, motives, scenario, timeline
from .base import Directive

DIRECTIVES: dict[str, Directive] = {
    d.name: d
    for d in (
        cover.BOTTOM_LINE,
        cover.SCOPE,
        judgement.DIRECTIVE,
        motives.DIRECTIVE,
        scenario.DIRECTIVE,
        timeline.DIRECTIVE,
    )
}
