"""Prose: the Markdown between directives. Not a directive, but a block like the others."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from ..citations import PLACEHOLDER, placeholder_indices
from ..diagnostics import Location
from ..markdown import plain_text
from ..model import Block, Markdown

# An ATX heading's line; its text is what heading_text leaves of the rest. (Stripping its
# closing spaces and marks in the pattern, as `(.+?)[ \t#]*$`, takes quadratic time on a
# line of many spaces.)
HEADING = re.compile(r"^#{1,6}[ \t]+(.*)$", re.M)


def heading_text(found: re.Match[str]) -> str:
    """A heading's plain text, without its closing marks: '## Scope ##' gives 'Scope', and
    '## C#' keeps its mark (a closing run follows a space)."""
    text = found[1].rstrip(" \t")
    unmarked = text.rstrip("#")
    if unmarked != text and unmarked[-1:] in ("", " ", "\t"):
        text = unmarked.rstrip(" \t")
    return plain_text(text)


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
        return [(h.start(), heading_text(h)) for h in HEADING.finditer(self.content.text)]

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
