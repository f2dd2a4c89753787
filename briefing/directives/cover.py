"""`bottom-line` and `scope`: the two texts of the cover."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..diagnostics import Location
from ..markdown import plain
from ..model import Block, Brief, Markdown
from .base import Builder, Call, Directive, ParseContext


@dataclass(frozen=True)
class CoverText(Block):
    """A text the layout places on the cover; its citations are named by its title."""

    title: ClassVar[str]
    content: Markdown
    location: Location

    @property
    def fragments(self) -> tuple[Markdown, ...]:
        return (self.content,)

    def contexts(self, section: str) -> dict[int, str]:
        return dict.fromkeys(self.citations, self.title)

    def json_entries(self, brief: Brief) -> list[Any]:
        return [plain(self.content)]


@dataclass(frozen=True)
class BottomLine(CoverText):
    kind: ClassVar[str] = "bottom-line"
    title: ClassVar[str] = "Bottom line"


@dataclass(frozen=True)
class ScopeNote(CoverText):
    kind: ClassVar[str] = "scope"
    title: ClassVar[str] = "Scope note"


def _builder(cover: type[CoverText]) -> Builder:
    """The builder of a cover text: the directive's content, which must not be empty."""

    def build(call: Call, ctx: ParseContext) -> Block | None:
        if not call.content.text.strip():
            ctx.diagnostics.error(call.location, f"'{call.name}' is empty")
            return None
        return cover(ctx.scan(call.content), call.location)

    return build


def _only_entry(entries: list[Any]) -> Any:
    """The one text, or "" when the brief has none."""
    return entries[0] if entries else ""


BOTTOM_LINE = Directive(
    BottomLine, _builder(BottomLine), once=True, json_key="bottom_line", json_value=_only_entry
)
SCOPE = Directive(
    ScopeNote, _builder(ScopeNote), once=True, json_key="scope", json_value=_only_entry
)
