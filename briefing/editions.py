"""Editions: a released brief, and what changed between two editions.

A released edition is the folder editions/VERSION/ holding the brief.json and brief.pdf of
that build, with the brief.md they were made from. A brief whose front matter names
`previous: VERSION` is compared with that edition's brief.json: judgements by id, sources by
id, events by date and title. A judgement whose likelihood or confidence moved must say why
(`:change:`); one that is gone must be named under `withdrawn:` with the reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .diagnostics import BriefingError, Diagnostics, suggest
from .directives.judgement import Judgement
from .markdown import plain
from .model import (
    BriefText,
    Change,
    Changes,
    ChangeStatus,
    PartialDate,
    Shift,
    ShiftField,
    Source,
    Timeline,
)
from .project import EDITIONS

VERSION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


class EditionError(BriefingError):
    """An edition that cannot be read: not found, not a brief.json, or too new."""


@dataclass(frozen=True)
class JudgementRecord:
    label: str
    text: str
    likelihood: str
    confidence: str
    change: str = ""


@dataclass(frozen=True)
class SourceRecord:
    label: str
    title: str
    grade: str


@dataclass(frozen=True)
class Edition:
    """What two editions are compared on, from a brief.json or from a brief being built."""

    version: str
    issued: PartialDate
    vocabulary: str
    judgements: dict[str, JudgementRecord]
    sources: dict[str, SourceRecord]
    events: tuple[tuple[str, str], ...]  # date and title
    withdrawn: dict[str, str]  # id: reason

    @classmethod
    def from_json(cls, data: Any) -> Edition:
        """Read a brief.json's data; raise ValueError naming what is missing or wrong."""
        try:
            meta = data["meta"]
            return cls(
                version=str(meta["version"]),
                issued=PartialDate.parse(str(meta["issued"])),
                vocabulary=str(meta.get("vocabulary", "icd203")),
                judgements={
                    j["id"]: JudgementRecord(
                        f"KJ{j['number']}",
                        j["text"],
                        j["likelihood"],
                        j["confidence"],
                        j.get("change") or "",
                    )
                    for j in data.get("judgements", [])
                },
                sources={
                    s["id"]: SourceRecord(s["label"], s["title"], s.get("grade") or "ungraded")
                    for s in data["sources"]
                },
                events=tuple((e["date"], e["title"]) for e in data.get("events", [])),
                withdrawn={w["id"]: w["reason"] for w in meta.get("withdrawn") or []},
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"it is not a brief.json ({type(error).__name__}: {error})") from None

    @classmethod
    def of_text(cls, text: BriefText, sources: dict[str, Source], timeline: Timeline) -> Edition:
        return cls(
            version=text.meta.version,
            issued=text.meta.issued,
            vocabulary=text.meta.vocabulary,
            judgements={
                j.id: JudgementRecord(
                    j.label, plain(j.statement), j.likelihood, j.confidence, j.change
                )
                for j in text.blocks_of(Judgement)
            },
            sources={
                s.id: SourceRecord(s.entry.label, s.entry.title, s.entry.grade)
                for s in sources.values()
            },
            events=tuple((str(e.date), e.title) for e in timeline.events),
            withdrawn={w.id: w.reason for w in text.meta.withdrawn},
        )


def read_edition(path: Path) -> Edition:
    """The edition whose brief.json is at path; EditionError naming the file if it cannot be
    read or was written by a newer briefing."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EditionError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise EditionError(f"{path}: cannot be read ({error})") from None
    except json.JSONDecodeError as error:
        raise EditionError(
            f"{path}:{error.lineno}:{error.colno}: not a brief.json: invalid JSON ({error.msg})"
        ) from None
    generator = str(data.get("generator", "")) if isinstance(data, dict) else ""
    if _version_numbers(generator) > _version_numbers(__version__):
        raise EditionError(
            f"{path}: written by {generator}, newer than this briefing ({__version__}); "
            "upgrade briefing to compare with it"
        )
    try:
        return Edition.from_json(data)
    except ValueError as error:
        raise EditionError(f"{path}: {error}") from None


def _version_numbers(generator: str) -> tuple[int, ...]:
    """'briefing 0.10.2' -> (0, 10, 2); () when there is no version."""
    match = re.search(r"(\d+(?:\.\d+)*)", generator)
    return tuple(int(n) for n in match[1].split(".")) if match else ()


def released(root: Path) -> list[str]:
    """The versions released under root/editions/, in name order."""
    folder = root / EDITIONS
    names = folder.iterdir() if folder.is_dir() else []
    return sorted(p.name for p in names if (p / "brief.json").is_file())


def read_previous(root: Path, text: BriefText, diagnostics: Diagnostics) -> Edition | None:
    """The edition named by `previous:`, or None (with an error when it cannot be read)."""
    previous = text.meta.previous
    if previous is None:
        return None
    where, version = previous.location, previous.version
    if not VERSION_NAME.match(version):
        diagnostics.error(where, f"'previous' must name a released version, not '{version}'")
        return None
    if version == text.meta.version:
        diagnostics.error(
            where,
            f"'previous' is this edition's own version ({version})",
            hint="raise 'version' before changing the brief for its next edition",
        )
        return None
    path = root / EDITIONS / version / "brief.json"
    if not path.is_file():
        known = released(root)
        diagnostics.error(
            where,
            f"edition '{version}' not found: there is no {EDITIONS}/{version}/brief.json",
            hint=suggest(version, known)
            or (
                f"released editions: {', '.join(known)}"
                if known
                else "release an edition with 'briefing release' first"
            ),
        )
        return None
    try:
        return read_edition(path)
    except EditionError as error:
        diagnostics.error(where, f"edition '{version}' cannot be used: {error}")
        return None


def compare_with_previous(
    previous: Edition | None,
    text: BriefText,
    sources: dict[str, Source],
    timeline: Timeline,
    diagnostics: Diagnostics,
) -> Changes | None:
    """The changes since the previous edition, after checking that each moved estimate
    says why and each judgement that is gone is withdrawn with a reason."""
    judgements = text.blocks_of(Judgement)
    _check_rests_on(judgements, sources, text, diagnostics)
    if previous is None:
        _check_without_previous(text, judgements, diagnostics)
        return None
    current = Edition.of_text(text, sources, timeline)
    changes = compare(previous, current)
    _check_moves(changes, judgements, previous.version, diagnostics)
    _check_withdrawn(previous, text, judgements, diagnostics)
    return Changes(previous.version, previous.issued, changes)


def compare(old: Edition, new: Edition) -> tuple[Change, ...]:
    """What differs from old to new: judgements, then sources, then events."""
    return (*_judgement_changes(old, new), *_source_changes(old, new), *_event_changes(old, new))


def _judgement_changes(old: Edition, new: Edition) -> list[Change]:
    """Each judgement of new (added, changed or kept), then those of old it withdrew."""
    changes = []
    for ident, now in new.judgements.items():
        before = old.judgements.get(ident)
        if before is None:
            changes.append(Change("judgement", "added", ident, now.label, now.text, (), now.change))
            continue
        compared: tuple[tuple[ShiftField, str, str], ...] = (
            ("statement", before.text, now.text),
            ("likelihood", before.likelihood, now.likelihood),
            ("confidence", before.confidence, now.confidence),
        )
        shifts = tuple(
            Shift(name, was, becomes)
            for name, was, becomes in compared
            if " ".join(was.split()) != " ".join(becomes.split())
        )
        status: ChangeStatus = "changed" if shifts else "kept"
        changes.append(Change("judgement", status, ident, now.label, now.text, shifts, now.change))
    for ident, was in old.judgements.items():
        if ident not in new.judgements:
            reason = new.withdrawn.get(ident, "")
            changes.append(Change("judgement", "withdrawn", ident, was.label, was.text, (), reason))
    return changes


def _source_changes(old: Edition, new: Edition) -> list[Change]:
    changes = []
    for ident, source in new.sources.items():
        before = old.sources.get(ident)
        if before is None:
            changes.append(Change("source", "added", ident, source.label, source.title))
        elif before.grade != source.grade:
            grade = (Shift("grade", before.grade, source.grade),)
            changes.append(Change("source", "changed", ident, source.label, source.title, grade))
    changes += [
        Change("source", "withdrawn", ident, gone.label, gone.title)
        for ident, gone in old.sources.items()
        if ident not in new.sources
    ]
    return changes


def _event_changes(old: Edition, new: Edition) -> list[Change]:
    """Events added, then events no longer in the chronology (matched by date and title)."""
    added = [e for e in new.events if e not in old.events]
    removed = [e for e in old.events if e not in new.events]
    groups: tuple[tuple[ChangeStatus, list[tuple[str, str]]], ...] = (
        ("added", added),
        ("withdrawn", removed),
    )
    return [
        Change("event", status, f"{date} {title}", _display(date), title)
        for status, events in groups
        for date, title in events
    ]


def _check_moves(
    changes: tuple[Change, ...], judgements: list[Judgement], version: str, diag: Diagnostics
) -> None:
    by_id = {j.id: j for j in judgements}
    for change in changes:
        moved = [s for s in change.shifts if s.field in ("likelihood", "confidence")]
        if moved and not change.note:
            judgement = by_id[change.key]
            what = " and ".join(f"{s.field} from '{s.old}' to '{s.new}'" for s in moved)
            diag.error(
                judgement.location,
                f"{judgement.label} moved its {what} since edition {version}: say why in "
                "':change:'",
                hint="add a line ':change: the new evidence or reasoning' below ':confidence:'",
            )


def _check_withdrawn(
    previous: Edition, text: BriefText, judgements: list[Judgement], diag: Diagnostics
) -> None:
    present = {j.id: j for j in judgements}
    withdrawn = {w.id for w in text.meta.withdrawn}
    assert text.meta.previous is not None
    for ident, record in previous.judgements.items():
        if ident not in present and ident not in withdrawn:
            diag.error(
                text.meta.previous.location,
                f"judgement '{ident}' ({record.label} of edition {previous.version}) is not in "
                "this edition: name it under 'withdrawn:' with the reason",
                hint=f"withdrawn:\n  - id: {ident}\n    reason: why it is no longer judged",
            )
    for withdrawal in text.meta.withdrawn:
        if withdrawal.id in present:
            diag.error(
                withdrawal.location,
                f"judgement '{withdrawal.id}' is withdrawn but still in the brief",
                hint=f"it is at {present[withdrawal.id].location}",
            )
        elif withdrawal.id not in previous.judgements:
            diag.error(
                withdrawal.location,
                f"'{withdrawal.id}' is not a judgement of edition {previous.version}",
                hint=suggest(withdrawal.id, list(previous.judgements))
                or f"its judgements: {', '.join(previous.judgements) or 'none'}",
            )


def _check_without_previous(
    text: BriefText, judgements: list[Judgement], diag: Diagnostics
) -> None:
    for withdrawal in text.meta.withdrawn[:1]:
        diag.error(
            withdrawal.location,
            "'withdrawn' names judgements of a previous edition, but no 'previous' is given",
            hint="add 'previous: VERSION' (a folder under editions/)",
        )
    for judgement in judgements:
        if judgement.change:
            diag.warning(
                judgement.location,
                f"{judgement.label} says what changed (':change:'), but the brief names no "
                "'previous' edition to compare with",
            )


def _check_rests_on(
    judgements: list[Judgement], sources: dict[str, Source], text: BriefText, diag: Diagnostics
) -> None:
    """`:rests-on:` names a registered source that the judgement cites."""
    for judgement in judgements:
        ident = judgement.rests_on
        if not ident:
            continue
        if ident not in sources:
            diag.error(
                judgement.location,
                f"{judgement.label} rests on '{ident}', which is not in seeds/sources.yaml",
                hint=suggest(ident, list(sources)),
            )
        elif all(text.citations[i].source != ident for i in judgement.citations):
            diag.error(
                judgement.location,
                f"{judgement.label} rests on '{ident}' but never cites it",
                hint="cite the passage its central claim rests on",
            )


def _display(date: str) -> str:
    try:
        return PartialDate.parse(date).display
    except ValueError:
        return date
