"""`judgement`: a key judgement with its likelihood, confidence and argument."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from ..diagnostics import Diagnostics, Location, suggest
from ..markdown import plain
from ..model import Block, Brief, BriefText, Heading, Markdown, Source
from ..vocabulary import VOCABULARIES
from .base import Call, Directive, Option, ParseContext
from .estimates import CONFIDENCE_OPTION, LIKELIHOOD_OPTION

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Judgement(Block):
    kind: ClassVar[str] = "judgement"
    template: ClassVar[str] = "_judgement.html"
    number: int
    id: str
    statement: Markdown
    likelihood: str
    confidence: str
    argument: Markdown
    location: Location
    change: str = ""  # why it changed since the previous edition
    rests_on: str = ""  # the source its central claim rests on, if one
    depends_on: tuple[str, ...] = ()  # the ids of the judgements it takes as premises

    @property
    def label(self) -> str:
        return f"KJ{self.number}"

    @property
    def anchor(self) -> str:
        return f"kj-{self.id}"

    @property
    def fragments(self) -> tuple[Markdown, ...]:
        return (self.statement, self.argument)

    def contexts(self, section: str) -> dict[int, str]:
        return dict.fromkeys(self.citations, self.label)

    def heading(self) -> Heading:
        return Heading(3, f"{self.label} {plain(self.statement)}", self.anchor)

    def likelihood_range(self, vocabulary: str) -> str:
        """The range its likelihood term stands for in the vocabulary: '55–80%'."""
        band = VOCABULARIES[vocabulary].band(self.likelihood)
        return band.range if band else ""

    def json_entries(self, brief: Brief) -> list[Any]:
        return [
            {
                "number": self.number,
                "id": self.id,
                "text": plain(self.statement),
                "argument": plain(self.argument),
                "likelihood": self.likelihood,
                "likelihood_range": self.likelihood_range(brief.meta.vocabulary) or None,
                "confidence": self.confidence,
                "citations": list(self.citations),
                "sources": list(brief.sources_of(self)),
                "rests_on": self.rests_on or None,
                "depends_on": list(self.depends_on),
                "change": self.change or None,
            }
        ]


def _read_id(ident: str, where: Location, ctx: ParseContext) -> str:
    if ident and not _ID.match(ident):
        ctx.diagnostics.error(
            where, f"judgement id '{ident}' must be lower-case letters, digits and '-'"
        )
    first = next((j for j in ctx.blocks if isinstance(j, Judgement) and j.id == ident), None)
    if ident and first is not None:
        ctx.diagnostics.error(
            where, f"duplicate judgement id '{ident}'", hint=f"first used at {first.location}"
        )
    return ident


def _read_source_id(ident: str, where: Location, ctx: ParseContext) -> str:
    if not ident:
        ctx.diagnostics.error(where, "':rests-on:' needs the id of a source")
    return ident


def _read_judgement_ids(value: str, where: Location, ctx: ParseContext) -> str:
    if not value.strip(" ,"):
        ctx.diagnostics.error(where, "':depends-on:' needs the id of a judgement")
    return value


def _ids(value: str) -> tuple[str, ...]:
    """The ids of a list written with spaces or commas between them, each once."""
    return tuple(dict.fromkeys(i for i in re.split(r"[\s,]+", value) if i))


def _build(call: Call, ctx: ParseContext) -> Judgement:
    statement = ctx.scan(call.argument)
    argument = ctx.scan(call.content)
    if not statement.citations + argument.citations:
        ctx.diagnostics.error(call.location, "judgement cites no source")
    number = sum(isinstance(b, Judgement) for b in ctx.blocks) + 1
    return Judgement(
        number,
        call.option("id"),
        statement,
        call.option("likelihood"),
        call.option("confidence"),
        argument,
        call.location,
        change=" ".join(call.option("change").split()),
        rests_on=call.option("rests-on"),
        depends_on=_ids(call.option("depends-on")),
    )


def check_rests_on(text: BriefText, sources: dict[str, Source], diagnostics: Diagnostics) -> None:
    """Each `:rests-on:` names one registered source that its judgement cites."""
    for judgement in text.blocks_of(Judgement):
        ident = judgement.rests_on
        if not ident:
            continue
        if ident not in sources:
            diagnostics.error(
                judgement.location,
                f"{judgement.label} rests on '{ident}', which is not in seeds/sources.yaml",
                hint="name one source: the one its central claim rests on"
                if "," in ident or " " in ident
                else suggest(ident, list(sources)),
            )
        elif all(text.citations[i].source != ident for i in judgement.citations):
            diagnostics.error(
                judgement.location,
                f"{judgement.label} rests on '{ident}' but never cites it",
                hint="cite the passage its central claim rests on",
            )


def check_depends_on(text: BriefText, sources: dict[str, Source], diagnostics: Diagnostics) -> None:
    """Each `:depends-on:` names other judgements of the brief, by id."""
    judgements = text.blocks_of(Judgement)
    ids = [j.id for j in judgements]
    for judgement in judgements:
        for ident in judgement.depends_on:
            if ident == judgement.id:
                diagnostics.error(
                    judgement.location,
                    f"{judgement.label} depends on itself",
                    hint="name the judgements it takes as premises, not its own id",
                )
            elif ident not in ids:
                by_label = next((j for j in judgements if j.label == ident.upper()), None)
                diagnostics.error(
                    judgement.location,
                    f"{judgement.label} depends on '{ident}', which is no judgement's id",
                    hint=f"name {by_label.label} by its id, '{by_label.id}', which stays "
                    "when judgements are renumbered"
                    if by_label
                    else suggest(ident, ids, listed="the judgements' ids"),
                )


DIRECTIVE = Directive(
    Judgement,
    _build,
    json_key="judgements",
    options=(
        Option("id", required=True, read=_read_id),
        LIKELIHOOD_OPTION,
        CONFIDENCE_OPTION,
        Option("change"),  # required when an estimate moved: see briefing.editions
        Option("rests-on", read=_read_source_id),  # checked against the register: check_rests_on
        Option("depends-on", read=_read_judgement_ids),  # checked by check_depends_on
    ),
    checks=(check_rests_on, check_depends_on),
    argument="a statement",
)
