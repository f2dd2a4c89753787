"""`briefing diff`: what changed between two editions, each a released brief.json or a
project as it stands, as the terminal shows it or as JSON."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .brief_json import changes_json
from .changes import Change, Changes, Shift
from .checking import read_project
from .diagnostics import BuildFailed, Diagnostics
from .editions import Edition, EditionError, changes_since, read_edition, released
from .files import BRIEF, EDITIONS, VERSION_NAME
from .project import load_project


def edition_at(operand: str, project: Path) -> Edition:
    """An edition named on the command line: a brief.json, an edition's folder, a project
    (as it stands, even before its :change: notes are written), or a version released
    under the project's editions/ (read only inside the project)."""
    path = Path(operand)
    if not operand:
        raise EditionError("an empty name is not an edition")
    if path.is_dir() and (path / "brief.json").exists():
        return read_edition(path / "brief.json")
    if path.is_dir() and (path / BRIEF).is_file():
        return _working(path)
    if path.is_dir():
        raise EditionError(f"{path}: neither a brief project nor a released edition's folder")
    if path.exists():  # a file of any kind: read as a brief.json unless it is a brief.md
        return _working(path.parent) if path.name == BRIEF else read_edition(path)
    released_as = project / EDITIONS / operand / "brief.json"
    if VERSION_NAME.fullmatch(operand) and released_as.exists():
        return read_edition(released_as, project)
    known = released(project)
    raise EditionError(
        f"'{operand}': no such file or folder, and no edition {operand} under "
        f"{project / EDITIONS}"
        + (f" (released: {', '.join(known)})" if known else "; name the project with -p")
    )


def project_among(*operands: str) -> Path:
    """The first operand that is a project (or its brief.md); else the current folder."""
    folders = [Path(o).parent if Path(o).name == BRIEF else Path(o) for o in operands]
    return next((f for f in folders if (f / BRIEF).is_file()), Path("."))


def _working(root: Path) -> Edition:
    """A project's brief as it stands: its judgements, registered sources and events, read
    but not verified (nor compared with its previous edition), so that it can be compared
    while being revised."""
    diagnostics = Diagnostics()
    read = read_project(root, load_project(root, diagnostics), diagnostics, previous=False)
    if read.text is None or diagnostics.errors:
        raise BuildFailed(diagnostics, writes=False)
    return Edition.of_text(read.text, read.sources, read.timeline)


def diff_json(old: Edition, new: Edition) -> str:
    data: dict[str, Any] = {
        "from": old.version,
        "to": new.version,
        **changes_json(changes_since(old, new)),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def diff_lines(old: Edition, new: Edition, width: int = 88) -> list[str]:
    """The changes from old to new as the terminal shows them."""
    changes = changes_since(old, new)

    def wrapped(text: str, indent: str) -> list[str]:
        return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "  ")

    lines = wrapped(
        f"edition {old.version} ({old.issued.display}) -> {new.version} "
        f"({new.issued.display}): {changes.summary}",
        "",
    )
    judgements = changes.of("judgement", "changed", "added", "withdrawn")
    if judgements:
        lines += ["", "Judgements"]
    for change in judgements:
        lines += wrapped(f"{_label(change, old.version)} {change.word}: {change.text}", "  ")
        for shift in change.shifts:
            if shift.field == "statement":
                lines += wrapped(f"reworded; {old.version} read: {shift.old}", "      ")
            else:
                lines.append(f"      {shift.field}: {_term(shift, 'old')} -> {_term(shift, 'new')}")
        if change.note:
            lines += wrapped(f"why: {change.note}", "      ")
    kept = changes.of("judgement", "kept")
    if kept:
        lines += wrapped("unchanged: " + ", ".join(_label(c, old.version) for c in kept), "  ")
    lines += _scenario_and_cover_lines(changes, wrapped)
    for title, subject in (("Sources", "source"), ("Events", "event")):
        listed = changes.of(subject, "added", "changed", "withdrawn")
        lines += ["", title] if listed else []
        for change in listed:
            shifts = "".join(f"; {_source_shift(s)}" for s in change.shifts)
            lines += wrapped(
                f"{_label(change, old.version)} {change.word}{shifts}: {change.text}", "  "
            )
    return lines


def _scenario_and_cover_lines(
    changes: Changes, wrapped: Callable[[str, str], list[str]]
) -> list[str]:
    """The scenarios added, moved, retitled and withdrawn; the bottom line; the horizon."""
    lines = []
    scenarios = changes.of("scenario", "changed", "added", "withdrawn")
    lines += ["", "Scenarios"] if scenarios else []
    for change in scenarios:
        rated = change.shift("likelihood")
        term = (
            f": {_term(rated, 'new')}"
            if rated and change.status == "added"
            else f"; {changes.since} rated it {_term(rated, 'old')}"
            if rated and change.status == "withdrawn"
            else ""
        )
        lines += wrapped(f"{change.text} {change.word}{term}", "  ")
        if change.status == "changed" and rated:
            lines.append(f"      likelihood: {_term(rated, 'old')} -> {_term(rated, 'new')}")
        if retitled := change.shift("title"):
            lines += wrapped(f"retitled; {changes.since} called it: {retitled.old}", "      ")
        if change.note:
            lines += wrapped(f"why: {change.note}", "      ")
    bottom_line, horizon = changes.one("bottom-line"), changes.one("horizon")
    if bottom_line:
        wording = bottom_line.shifts[0]
        lines += ["", f"Bottom line {bottom_line.word}"]
        lines += wrapped(f"{changes.since} read: {wording.old}", "  ") if wording.old else []
    if horizon:
        lines += ["", "Horizon", *wrapped(horizon.text, "  ")]
    return lines


def _label(change: Change, old: str) -> str:
    """'KJ3', 'KJ3 (KJ2 in 1.0)' when its number moved, 'KJ6 of 1.0' when withdrawn."""
    if change.status == "withdrawn" and change.subject != "event":
        return f"{change.label} of {old}"
    return f"{change.label} ({change.was_label} in {old})" if change.was_label else change.label


def _term(shift: Shift, which: str) -> str:
    word, band = (shift.old, shift.old_range) if which == "old" else (shift.new, shift.new_range)
    return f"{word} ({band})" if band else word


def _source_shift(shift: Shift) -> str:
    if shift.field == "grade" and not shift.old:
        return f"graded {shift.new}"
    if shift.field == "grade":
        return f"regraded {shift.old} -> {shift.new}"
    if shift.field == "label":
        return "relabelled"  # its label says from what
    return f"document changed ({shift.old} -> {shift.new})"
