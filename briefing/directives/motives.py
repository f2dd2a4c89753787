"""`motives`: what an actor wants, one cited list item per motive."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from ..citations import Chunk
from ..diagnostics import Location
from ..markdown import plain
from ..model import Block, Brief, Markdown
from .base import Call, Directive, ParseContext

_LIST_ITEM = re.compile(r"^[-*+][ \t]+")


@dataclass(frozen=True)
class Motive:
    text: Markdown


@dataclass(frozen=True)
class MotiveSet(Block):
    kind: ClassVar[str] = "motives"
    template: ClassVar[str] = "_motives.html"
    actor: str
    intro: Markdown
    motives: tuple[Motive, ...]
    location: Location

    @property
    def fragments(self) -> tuple[Markdown, ...]:
        return (self.intro, *(m.text for m in self.motives))

    def contexts(self, section: str) -> dict[int, str]:
        contexts = dict.fromkeys(self.intro.citations, f"{self.actor}: motives")
        for number, motive in enumerate(self.motives, start=1):
            contexts.update(dict.fromkeys(motive.text.citations, f"{self.actor}: motive {number}"))
        return contexts

    def json_entries(self, brief: Brief) -> list[Any]:
        return [
            {"actor": self.actor, "text": plain(m.text), "citations": list(m.text.citations)}
            for m in self.motives
        ]


def _build(call: Call, ctx: ParseContext) -> MotiveSet:
    actor = call.argument.text.strip()
    content = call.content
    lines = content.text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _LIST_ITEM.match(line)]
    if not starts:
        ctx.diagnostics.error(call.location, "motives need a list, one '- ' item for each motive")
    intro = ctx.scan(Chunk("".join(lines[: starts[0] if starts else None]), content.line))
    motives = []
    for first, last in itertools.pairwise([*starts, len(lines)]):
        item = lines[first:last]
        marker = _LIST_ITEM.match(item[0])
        assert marker is not None
        item[0] = item[0][marker.end() :]
        text = ctx.scan(Chunk("".join(item), content.line + first, marker.end() + 1))
        if not text.citations:
            ctx.diagnostics.error(text.location, f"this motive of {actor} cites no source")
        motives.append(Motive(text))
    return MotiveSet(actor, intro, tuple(motives), call.location)


DIRECTIVE = Directive(
    MotiveSet,
    _build,
    json_key="motives",
    argument="an actor",
)
