"""The directives of brief.md, one module each, and the registry that parsing reads.

To add a directive: a module here with its block (a `Block` subclass: fragments, context
names, brief.json entries, its layout part) and its `Directive` (name, options, builder),
its entry in DIRECTIVES below, and its part `layouts/_NAME.html`.
"""

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
