"""`scenario`: an alternative outcome, with its likelihood and indicators.

A scenario is known across editions by its id: its `:id:`, or else its title made into one
('A negotiated foothold' is a-negotiated-foothold). A scenario whose title is reworded keeps
its place by naming the old id; one whose likelihood moved says why in `:change:`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from ..diagnostics import Location
from ..markdown import plain
from ..model import Block, Brief, Markdown
from ..vocabulary import VOCABULARIES
from .base import Call, Directive, Option, ParseContext
from .estimates import LIKELIHOOD_OPTION

_NOT_WORD = re.compile(r"[\W_]+")


def scenario_id(title: str) -> str:
    """A title made into an id: lower case, each run of other characters one '-'."""
    return _NOT_WORD.sub("-", title.lower()).strip("-")


@dataclass(frozen=True)
class Scenario(Block):
    kind: ClassVar[str] = "scenario"
    template: ClassVar[str] = "_scenario.html"
    title: Markdown
    likelihood: str
    body: Markdown
    location: Location
    id: str = ""  # its :id:, or its title made into one
    change: str = ""  # why its likelihood changed since the previous edition

    @property
    def fragments(self) -> tuple[Markdown, ...]:
        return (self.title, self.body)

    def contexts(self, section: str) -> dict[int, str]:
        return dict.fromkeys(self.citations, f"Scenario: {plain(self.title)}")

    def likelihood_range(self, vocabulary: str) -> str:
        band = VOCABULARIES[vocabulary].band(self.likelihood)
        return band.range if band else ""

    def json_entries(self, brief: Brief) -> list[Any]:
        return [
            {
                "id": self.id,
                "title": plain(self.title),
                "text": plain(self.body),
                "likelihood": self.likelihood,
                "likelihood_range": self.likelihood_range(brief.meta.vocabulary) or None,
                "citations": list(self.citations),
                "change": self.change or None,
            }
        ]


def _read_id(ident: str, where: Location, ctx: ParseContext) -> str:
    if ident != scenario_id(ident):
        ctx.diagnostics.error(
            where,
            f"scenario id '{ident}' must be lower-case letters, digits and '-'",
            hint=f"such as ':id: {scenario_id(ident)}'" if scenario_id(ident) else "",
        )
    return ident


def _build(call: Call, ctx: ParseContext) -> Scenario:
    title = ctx.scan(call.argument)
    earlier = [b for b in ctx.blocks if isinstance(b, Scenario)]
    ident = call.option("id") or scenario_id(plain(title)) or f"scenario-{len(earlier) + 1}"
    first = next((s for s in earlier if s.id == ident), None)
    if first is not None:
        ctx.diagnostics.error(
            call.location,
            f"duplicate scenario id '{ident}'",
            hint=f"first used at {first.location}; give one of them its own ':id:'",
        )
    return Scenario(
        title,
        call.option("likelihood"),
        ctx.scan(call.content),
        call.location,
        id=ident,
        change=" ".join(call.option("change").split()),
    )


DIRECTIVE = Directive(
    Scenario,
    _build,
    json_key="scenarios",
    options=(
        LIKELIHOOD_OPTION,
        Option("id", read=_read_id),  # its id across editions; default: its title as an id
        Option("change"),  # why its likelihood moved: see briefing.tradecraft.scenario_changes
    ),
    argument="a title",
)
