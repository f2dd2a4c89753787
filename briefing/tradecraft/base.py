"""What a tradecraft rule is, and what it is given to look at."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..diagnostics import Location
from ..editions import Edition
from ..model import BriefText, Repeat, Source, Timeline


@dataclass(frozen=True)
class Context:
    """A brief as the rules see it: its text, sources (and those that repeat each other),
    timeline, and the previous edition it names, if any."""

    text: BriefText
    sources: dict[str, Source]
    timeline: Timeline
    repeats: tuple[Repeat, ...] = ()
    previous: Edition | None = None

    def sources_of(self, citations: tuple[int, ...]) -> list[str]:
        """The sources the citations name, each once, in the order first cited."""
        return list(dict.fromkeys(self.text.citations[i].source for i in citations))


@dataclass(frozen=True)
class Flag:
    """One thing a rule found, where, and how to put it right."""

    location: Location
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Rule:
    """A tradecraft rule: its name (as `waive:` names it), the analytic standard it serves
    (ICD 203's wording), and the check that yields what it finds."""

    name: str
    standard: str
    summary: str  # what it asks, in a line, for the README and `briefing review`
    check: Callable[[Context], Iterator[Flag]]
