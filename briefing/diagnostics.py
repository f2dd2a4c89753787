"""Diagnostics: problems found in a brief project, collected rather than raised."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Location:
    """A place in a project file; line and column count from 1 (0 means unknown)."""

    path: str
    line: int = 0
    col: int = 0

    def advance(self, text: str, offset: int) -> Location:
        """The location of text[offset], when text starts here."""
        before = text[:offset]
        newlines = before.count("\n")
        if not newlines:
            return Location(self.path, self.line, self.col + offset)
        return Location(self.path, self.line + newlines, offset - before.rfind("\n"))

    def __str__(self) -> str:
        if not self.line:
            return self.path
        if not self.col:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """A problem, where it is, and how to put it right: `code` names its kind for tools
    (quote-not-found), `fix` is the text that would put it right where it stands (the
    closest passage of a misquoted source), for an editor's quick fix."""

    location: Location
    severity: Severity
    message: str
    hint: str = ""
    code: str = ""
    fix: str = ""

    def as_json(self) -> dict[str, object]:
        """What `check --json` prints of it."""
        where = self.location
        return {"file": where.path, "line": where.line, "column": where.col,
                "severity": self.severity, "code": self.code, "message": self.message,
                "hint": self.hint, "fix": self.fix}  # fmt: skip

    def __str__(self) -> str:
        text = printable(f"{self.location}: {self.severity}: {self.message}")
        if self.hint:
            text += "".join(f"\n    {printable(line)}" for line in self.hint.split("\n"))
        return text


def printable(text: str) -> str:
    """Text for one line of a message, with what is not printable (a line break, a bidi
    control) escaped as in Python (\\n, \\u202e): a file's name or a source's words
    cannot then forge a line of the tool's own, or reorder one."""
    return "".join(c if c.isprintable() or c == " " else _escaped(c) for c in text)


def _escaped(character: str) -> str:
    return character.encode("unicode_escape").decode("ascii")


class Diagnostics:
    """An ordered collection of diagnostics that stages append to."""

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []

    def error(
        self, location: Location, message: str, hint: str = "", code: str = "", fix: str = ""
    ) -> None:
        self._items.append(Diagnostic(location, "error", message, hint, code, fix))

    def warning(
        self, location: Location, message: str, hint: str = "", code: str = "", fix: str = ""
    ) -> None:
        self._items.append(Diagnostic(location, "warning", message, hint, code, fix))

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self._items)

    def extend(self, others: Iterable[Diagnostic]) -> None:
        self._items.extend(others)

    def checkpoint(self) -> int:
        """A mark to ask later whether errors came after it (see errors_since)."""
        return len(self.errors)

    def errors_since(self, checkpoint: int) -> bool:
        return len(self.errors) > checkpoint

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self._items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self._items if d.severity == "warning"]


# How alike two names must be for one to be suggested for the other: a typo ('harbor' for
# 'harbour', 0.92; 'titel' for 'title', 0.8), not two ids that share a year ('gazette-2024'
# and 'aljazeera-2023', 0.62).
_YEAR = re.compile(r"-\d{4}(?:-\d+)?$")  # a source id's year: 'gazette-2024'
SIMILAR = 0.75


def closest(word: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """The choice close enough to word to be what was meant, if one is, in any case: a
    source id is compared without its year too ('gazete' for 'gazette-2024'), and by its
    words when only one id has the word ('cnn' for 'edition-cnn-2019')."""
    named = {_YEAR.sub("", choice).casefold(): choice for choice in choices}
    named |= {choice.casefold(): choice for choice in choices}
    wanted = word.casefold()
    close = difflib.get_close_matches(wanted, list(named), n=1, cutoff=SIMILAR)
    if close:
        return named[close[0]]
    having = [c for c in choices if wanted in _YEAR.sub("", c).casefold().split("-")]
    return having[0] if len(having) == 1 else None


def suggest(word: str, choices: tuple[str, ...] | list[str], listed: str = "") -> str:
    """A 'did you mean' hint when one choice is close; else, if listed names them, the
    choices ('sources: a, b, c'); else nothing."""
    if meant := closest(word, choices):
        return f"did you mean '{meant}'?"
    if listed and choices:
        shown = ", ".join(list(choices)[:12]) + (", ..." if len(choices) > 12 else "")
        return f"{listed}: {shown}"
    return ""


class BriefingError(Exception):
    """Root of every error the compiler raises on purpose."""


class BuildFailed(BriefingError):
    """The project has errors; the diagnostics say which."""

    def __init__(self, diagnostics: Diagnostics, writes: bool = True) -> None:
        """writes: whether the command would have written anything (check never does)."""
        self.diagnostics = diagnostics
        count = len(diagnostics.errors)
        outcome = "; nothing was written" if writes else ""
        super().__init__(f"{count} error{'s' if count != 1 else ''}{outcome}")
