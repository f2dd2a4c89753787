"""`timeline`: where the timeline figure and the chronology table are placed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..citations import Chunk
from ..diagnostics import Location
from ..model import Block, Markdown
from .base import Call, Directive, ParseContext


@dataclass(frozen=True)
class TimelineSlot(Block):
    kind: ClassVar[str] = "timeline"
    template: ClassVar[str] = "_timeline.html"
    caption: str
    location: Location
    written: Chunk  # the caption as brief.md has it, to point into

    @property
    def fragments(self) -> tuple[Markdown, ...]:
        return ()


def _build(call: Call, ctx: ParseContext) -> TimelineSlot:
    caption = call.argument
    if "[@" in caption.text:
        ctx.diagnostics.error(
            caption.location(caption.text.index("[@")),
            "the timeline's caption cannot cite; its events do",
        )
    if call.content.text.strip():
        ctx.diagnostics.warning(
            call.content.location(0), "text inside ':::{timeline}' is not shown; put it before"
        )
    return TimelineSlot(caption.text.strip(), call.location, caption)


DIRECTIVE = Directive(
    TimelineSlot,
    _build,
    argument="a caption",
    argument_required=False,
    once=True,
)
