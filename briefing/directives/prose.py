"""Prose: the Markdown between directives. Not a directive, but a block like the others."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from ..citations import PLACEHOLDER, placeholder_indices
from ..diagnostics import Location
from ..markdown import plain_text
from ..model import Block, Markdown

_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)


@dataclass(frozen=True)
class Prose(Block):
    kind: ClassVar[str] = "prose"
    template: ClassVar[str] = "_prose.html"
    content: Markdown
    location: Location

    @property
    def fragments(self) -> tuple[Markdown, ...]:
        return (self.content,)

    def _headings(self) -> list[tuple[int, str]]:
        return [(h.start(), plain_text(h[1])) for h in _HEADING.finditer(self.content.text)]

    def contexts(self, section: str) -> dict[int, str]:
        """A citation is named by the last heading that starts before it."""
        headings = self._headings()
        contexts: dict[int, str] = {}
        for group in PLACEHOLDER.finditer(self.content.text):
            before = [name for start, name in headings if start <= group.start()]
            contexts.update(
                dict.fromkeys(placeholder_indices(group), before[-1] if before else section)
            )
        return contexts

    def section_after(self, section: str) -> str:
        headings = self._headings()
        return headings[-1][1] if headings else section
