"""`scenario`: an alternative outcome, with its likelihood and indicators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..diagnostics import Location
from ..markdown import plain
from ..model import Block, Brief, Markdown
from ..vocabulary import VOCABULARIES
from .base import Call, Directive, ParseContext
from .estimates import LIKELIHOOD_OPTION


@dataclass(frozen=True)
class Scenario(Block):
    kind: ClassVar[str] = "scenario"
    template: ClassVar[str] = "_scenario.html"
    title: Markdown
    likelihood: str
    body: Markdown
    location: Location

    @property
    def fragments(self) -> tuple[Markdown, ...]:
        return (self.title, self.body)

    def contexts(self, section: str) -> dict[int, str]:
        return dict.fromkeys(self.citations, f"Scenario: {plain(self.title)}")

    def json_entries(self, brief: Brief) -> list[Any]:
        band = VOCABULARIES[brief.meta.vocabulary].band(self.likelihood)
        return [
            {
                "title": plain(self.title),
                "text": plain(self.body),
                "likelihood": self.likelihood,
                "likelihood_range": band.range if band else None,
                "citations": list(self.citations),
            }
        ]


def _build(call: Call, ctx: ParseContext) -> Scenario:
    title = ctx.scan(call.argument)
    return Scenario(title, call.option("likelihood"), ctx.scan(call.content), call.location)


DIRECTIVE = Directive(
    Scenario,
    _build,
    json_key="scenarios",
    options=(LIKELIHOOD_OPTION,),
    argument="a title",
)
