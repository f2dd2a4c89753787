"""What changed between two editions of a brief, and how it is said in English: the values
that briefing.editions works out and the cover, the "What changed" section, brief.json and
`briefing diff` show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

from .model import Heading, PartialDate

ShiftField = Literal[
    "statement", "title", "likelihood", "confidence", "grade", "document", "label", "horizon"
]
Subject = Literal["judgement", "scenario", "bottom-line", "horizon", "source", "event"]
ChangeStatus = Literal["added", "withdrawn", "changed", "kept"]
_CONFIDENCE_ORDER = ("low", "moderate", "high")


class Rated(Protocol):
    """What carries a likelihood in an edition: a judgement's or a scenario's record."""

    @property
    def likelihood(self) -> str: ...

    @property
    def likelihood_range(self) -> str: ...


@dataclass(frozen=True)
class Shift:
    """What moved between editions: a judgement's or the bottom line's wording (statement), a
    scenario's title, a likelihood (with each term's range in its edition's vocabulary), a
    confidence, a source's grade, document (its SHA-256) or label, or the horizon."""

    field: ShiftField
    old: str
    new: str
    old_range: str = ""
    new_range: str = ""

    @classmethod
    def of_likelihood(cls, before: Rated, now: Rated) -> Shift:
        """How a likelihood moved between two editions' records."""
        return cls(
            "likelihood",
            before.likelihood,
            now.likelihood,
            before.likelihood_range,
            now.likelihood_range,
        )

    @property
    def moved(self) -> bool:
        return " ".join(self.old.split()) != " ".join(self.new.split()) or (
            self.old_range != self.new_range
        )

    @property
    def direction(self) -> Literal["up", "down", ""]:
        """Up or down for a likelihood (by its range) or a confidence level; else ''."""
        if not (self.old and self.new):  # added or withdrawn: no direction
            return ""
        if self.field == "likelihood":
            old, new = _range_middle(self.old_range), _range_middle(self.new_range)
        elif self.field == "confidence" and {self.old, self.new} <= set(_CONFIDENCE_ORDER):
            old, new = _CONFIDENCE_ORDER.index(self.old), _CONFIDENCE_ORDER.index(self.new)
        else:
            return ""
        return "up" if new > old else "down" if new < old else ""


def _range_middle(band: str) -> float:
    numbers = [int(n) for n in re.findall(r"\d+", band)]
    return sum(numbers) / len(numbers) if numbers else 0.0


@dataclass(frozen=True)
class Change:
    """One difference from the previous edition. A judgement carried over unchanged is
    'kept'; a scenario or a source carried over unchanged is not listed."""

    subject: Subject
    status: ChangeStatus
    key: str  # a judgement's, scenario's or source's id; an event's date and title
    label: str  # KJ3, S4 or a scenario's title in this edition (a withdrawn one's, in the
    # previous); 'Bottom line', 'Horizon'; an event's date
    text: str  # the statement or title; the bottom line; what the horizon now is
    shifts: tuple[Shift, ...] = ()
    note: str = ""  # the :change: of a judgement or scenario, or why a judgement was withdrawn
    was_label: str = ""  # its label in the previous edition, when that differs

    @property
    def anchor(self) -> str:
        return (
            f"change-{self.subject}"
            if self.key == self.subject
            else f"change-{self.subject}-{self.key}"
        )

    @property
    def word(self) -> str:
        """How the change is named: new, changed, withdrawn, unchanged (removed, of an event;
        added, revised or dropped, of the bottom line)."""
        if self.subject == "event" and self.status == "withdrawn":
            return "removed"
        if self.subject == "bottom-line":
            return {"added": "added", "withdrawn": "dropped"}.get(self.status, "revised")
        return {"added": "new", "kept": "unchanged"}.get(self.status, self.status)

    @property
    def mark(self) -> str:
        """What its judgement's mark says: 'New', 'Likelihood down', 'Reworded'..."""
        if self.status == "added":
            return "New"
        moves = [
            f"{s.field.capitalize()} {s.direction or 'changed'}"
            for s in self.shifts
            if s.field in ("likelihood", "confidence")
        ]
        return "; ".join(moves) or "Reworded"

    def shift(self, field: ShiftField) -> Shift | None:
        return next((s for s in self.shifts if s.field == field), None)


@dataclass(frozen=True)
class Changes:
    """The differences between this edition and a previous one, judgements first."""

    since: str  # the previous edition's version
    issued: PartialDate  # the previous edition's issue date
    changes: tuple[Change, ...]

    def of(self, subject: str, *statuses: ChangeStatus) -> list[Change]:
        return [c for c in self.changes if c.subject == subject and c.status in statuses]

    def of_judgement(self, ident: str) -> Change | None:
        return next((c for c in self.of("judgement", "added", "changed") if c.key == ident), None)

    def previous_label(self, source: str) -> str:
        """A source's label in the previous edition when it has another now; else ''."""
        return next((c.was_label for c in self.of("source", "changed") if c.key == source), "")

    def one(self, subject: Subject) -> Change | None:
        """The change of the bottom line or of the horizon, if there is one."""
        return next((c for c in self.changes if c.subject == subject), None)

    @property
    def heading(self) -> Heading:
        return Heading(2, f"What changed since edition {self.since}", "changes")

    @property
    def summary(self) -> str:
        """One line for the cover: what was added, withdrawn, reworded or moved."""
        moved = [c for c in self.of("judgement", "changed") if c.shift("likelihood")]
        rated = [c for c in self.of("judgement", "changed") if c.shift("confidence")]
        parts = [
            _counted(len(self.of("judgement", "added")), "judgement", "added"),
            _counted(len(self.of("judgement", "withdrawn")), "judgement", "withdrawn"),
            _counted(
                sum(bool(c.shift("statement")) for c in self.of("judgement", "changed")),
                "judgement",
                "reworded",
            ),
            _counted(len(moved), "likelihood", "moved"),
            _counted(len(rated), "confidence level", "moved"),
            *self._scenarios_and_cover(),
            _counted(len(self.of("source", "added")), "source", "added"),
            _counted(len(self.of("source", "withdrawn")), "source", "withdrawn"),
            _counted(
                sum(bool(c.shift("grade")) for c in self.of("source", "changed")),
                "source",
                "regraded",
            ),
            _counted(
                sum(bool(c.shift("document")) for c in self.of("source", "changed")),
                "source document",
                "changed",
            ),
            _counted(
                sum(bool(c.shift("label")) for c in self.of("source", "changed")),
                "source",
                "relabelled",
            ),
            _counted(len(self.of("event", "added")), "event", "added"),
            _counted(len(self.of("event", "withdrawn")), "event", "removed"),
        ]
        return "; ".join(p for p in parts if p) or "no change"

    def _scenarios_and_cover(self) -> list[str]:
        """Scenarios added, withdrawn, moved and retitled; the bottom line; the horizon."""
        scenarios = self.of("scenario", "changed")
        bottom_line, horizon = self.one("bottom-line"), self.one("horizon")
        return [
            _counted(len(self.of("scenario", "added")), "scenario", "added"),
            _counted(len(self.of("scenario", "withdrawn")), "scenario", "withdrawn"),
            _counted(sum(bool(c.shift("likelihood")) for c in scenarios), "scenario", "moved"),
            _counted(sum(bool(c.shift("title")) for c in scenarios), "scenario", "retitled"),
            f"bottom line {bottom_line.word}" if bottom_line else "",
            horizon.text.removeprefix("the ") if horizon else "",
        ]


def _counted(count: int, noun: str, verb: str) -> str:
    """'2 judgements added'; '' for none."""
    return f"{count} {noun}{'' if count == 1 else 's'} {verb}" if count else ""
