"""Editions: a released brief, and what changed between two editions.

A released edition is the folder editions/VERSION/ holding the brief.json and brief.pdf of
a build, with the brief.md and registers they were made from. A brief whose front matter names
`previous: VERSION` is compared with that edition's brief.json: judgements by id, scenarios
by id (or title), the bottom line and the horizon, sources by id, events by date and title. A
judgement whose likelihood or confidence moved must say why (`:change:`); one that is gone must
be named under `withdrawn:` with the reason. (A scenario that moved without saying why is a
tradecraft warning: briefing.tradecraft.scenario_changes.)
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .changes import Change, Changes, ChangeStatus, Shift
from .diagnostics import BriefingError, Diagnostics, Location, closest, suggest
from .directives.cover import BottomLine
from .directives.judgement import Judgement
from .directives.scenario import Scenario, scenario_id
from .files import BRIEF, EDITIONS, VERSION_NAME, leads_out, read_regular
from .markdown import plain
from .model import BriefText, PartialDate, Project, Source, Timeline, Withdrawal

# The build keeps here, in its output folder, the bytes of brief.md and the registers it read,
# so that `briefing release` records what the edition was made from, whatever was saved since.
KEPT = ".briefing-inputs"


def kept_inputs(project: Project) -> dict[str, bytes]:
    """brief.md and the registers as the build read them, by their name in the output folder."""
    return {f"{KEPT}/{name}": data for name, data in project.recorded.items()}


class EditionError(BriefingError):
    """An edition that cannot be read: not found, not a brief.json, or too new."""


@dataclass(frozen=True)
class JudgementRecord:
    label: str
    text: str
    likelihood: str
    likelihood_range: str  # in its edition's vocabulary: '55–80%'
    confidence: str
    change: str = ""


@dataclass(frozen=True)
class ScenarioRecord:
    title: str
    likelihood: str
    likelihood_range: str  # in its edition's vocabulary
    change: str = ""


@dataclass(frozen=True)
class SourceRecord:
    label: str
    title: str
    grade: str
    sha256: str


@dataclass(frozen=True)
class Edition:
    """What two editions are compared on, from a brief.json or from a brief being built."""

    version: str
    issued: PartialDate
    judgements: dict[str, JudgementRecord]
    sources: dict[str, SourceRecord]
    events: tuple[tuple[str, str], ...]  # date and title
    withdrawn: dict[str, str]  # id: reason
    scenarios: dict[str, ScenarioRecord] = dataclasses.field(default_factory=dict)  # by id
    bottom_line: str = ""  # as plain text
    horizon: PartialDate | None = None  # what the scenarios look to
    file: Path | None = None  # the brief.json it was read from

    @classmethod
    def from_json(cls, data: Any) -> Edition:
        """Read a brief.json's data; raise ValueError saying what is missing or wrong."""
        meta = _field(data, "meta", dict)
        return cls(
            version=_field(meta, "version"),
            issued=PartialDate.parse(_field(meta, "issued")),
            judgements={
                _field(j, "id"): JudgementRecord(
                    f"KJ{_field(j, 'number', int)}",
                    _field(j, "text"),
                    _field(j, "likelihood"),
                    _field(j, "likelihood_range", str, ""),
                    _field(j, "confidence"),
                    _field(j, "change", str, ""),
                )
                for j in _field(data, "judgements", list, [])
            },
            sources={
                _field(s, "id"): SourceRecord(
                    _field(s, "label"),
                    _field(s, "title"),
                    _field(s, "grade", str, "ungraded"),
                    _field(s, "sha256", str, ""),
                )
                for s in _field(data, "sources", list)
            },
            events=tuple(
                (_field(e, "date"), _field(e, "title")) for e in _field(data, "events", list, [])
            ),
            withdrawn={
                _field(w, "id"): _field(w, "reason") for w in _field(meta, "withdrawn", list, [])
            },
            # An edition before scenario ids is read with each title made into its id.
            scenarios={
                _field(c, "id", str, "") or scenario_id(_field(c, "title")): ScenarioRecord(
                    _field(c, "title"),
                    _field(c, "likelihood"),
                    _field(c, "likelihood_range", str, ""),
                    _field(c, "change", str, ""),
                )
                for c in _field(data, "scenarios", list, [])
            },
            bottom_line=_field(data, "bottom_line", str, ""),
            horizon=PartialDate.parse(horizon)
            if (horizon := _field(meta, "horizon", str, ""))
            else None,
        )

    @classmethod
    def of_text(cls, text: BriefText, sources: dict[str, Source], timeline: Timeline) -> Edition:
        vocabulary = text.meta.vocabulary
        return cls(
            version=text.meta.version,
            issued=text.meta.issued,
            judgements={
                j.id: JudgementRecord(
                    j.label,
                    plain(j.statement),
                    j.likelihood,
                    j.likelihood_range(text.meta.vocabulary),
                    j.confidence,
                    j.change,
                )
                for j in text.blocks_of(Judgement)
            },
            sources={
                s.id: SourceRecord(s.entry.label, s.entry.title, s.entry.grade, s.sha256)
                for s in sources.values()
            },
            events=tuple((str(e.date), e.title) for e in timeline.events),
            withdrawn={w.id: w.reason for w in text.meta.withdrawn},
            scenarios={
                s.id: ScenarioRecord(
                    plain(s.title), s.likelihood, s.likelihood_range(vocabulary), s.change
                )
                for s in text.blocks_of(Scenario)
            },
            bottom_line=next((plain(b.content) for b in text.blocks_of(BottomLine)), ""),
            horizon=text.meta.horizon,
        )


_MISSING: Any = object()


def _field(data: Any, key: str, kind: type = str, default: Any = _MISSING) -> Any:
    """data[key], which must be of kind (null counts as missing); ValueError otherwise."""
    if not isinstance(data, dict):
        raise ValueError(f"'{key}' is asked of a {type(data).__name__}, not an object")
    value = data.get(key)
    if value is None and default is not _MISSING:
        return default
    if value is None:
        raise ValueError(f"'{key}' is missing")
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"'{key}' is a {type(value).__name__}, not a {kind.__name__}")
    return value


def read_edition(path: Path, root: Path | None = None) -> Edition:
    """The edition whose brief.json is at path; EditionError naming the file if it cannot be
    read (with root: if it is reached through a link out of root) or was written by a newer
    briefing."""
    data = _read_json(path, root)
    generator = str(data.get("generator", "")) if isinstance(data, dict) else ""
    if _version_numbers(generator) > _version_numbers(__version__):
        shown = generator if len(generator) <= 40 else generator[:39] + "…"
        raise EditionError(
            f"{path}: written by {shown}, newer than this briefing ({__version__}); "
            "upgrade briefing to compare with it"
        )
    try:
        return dataclasses.replace(Edition.from_json(data), file=path)
    except ValueError as error:
        raise EditionError(f"{path}: not a brief.json: {error}") from None


def _read_json(path: Path, root: Path | None) -> Any:
    """A brief.json's data, read as every project file is: a regular file of at most
    MAX_FILE_BYTES, never waited on, and with root, inside it."""
    if not path.exists():
        raise EditionError(f"{path}: file not found")
    if root is not None and (problem := leads_out(root, path)):
        raise EditionError(f"{path}: file is {problem}")
    content, problem = read_regular(path.resolve())
    if content is None:
        raise EditionError(f"{path}: {problem}")
    try:
        return json.loads(content.decode("utf-8"), parse_int=_integer)
    except UnicodeDecodeError as error:
        raise EditionError(f"{path}: cannot be read ({error})") from None
    except json.JSONDecodeError as error:
        raise EditionError(
            f"{path}:{error.lineno}:{error.colno}: not a brief.json: invalid JSON ({error.msg})"
        ) from None
    except ValueError as error:  # from _integer
        raise EditionError(f"{path}: not a brief.json: {error}") from None
    except RecursionError:
        raise EditionError(f"{path}: not a brief.json: its JSON is nested too deep") from None


def _integer(digits: str) -> int:
    """A JSON integer; one too long for Python to read is refused in words of our own."""
    count = len(digits.lstrip("-"))
    if count > _MAX_DIGITS:
        raise ValueError(f"a number has {count} digits (at most {_MAX_DIGITS} are read)")
    return int(digits)


_MAX_DIGITS = 4300  # Python's own limit on converting digits to an int


def _version_numbers(generator: str) -> tuple[int, ...]:
    """'briefing 0.10.2' -> (0, 10, 2); () when there is no version."""
    match = re.search(r"(\d{1,9}(?:\.\d{1,9})*)(?!\d)", generator)
    return tuple(int(n) for n in match[1].split(".")) if match else ()


def released(root: Path) -> list[str]:
    """The versions released under root/editions/, in name order."""
    folder = root / EDITIONS
    names = folder.iterdir() if folder.is_dir() and not leads_out(root, folder) else []
    return sorted(
        p.name
        for p in names
        if VERSION_NAME.fullmatch(p.name)
        and (p / "brief.json").is_file()
        and not leads_out(root, p / "brief.json")
    )


def read_previous(root: Path, text: BriefText, diagnostics: Diagnostics) -> Edition | None:
    """The edition named by `previous:`, or None (with an error when it cannot be read)."""
    previous = text.meta.previous
    if previous is None:
        return None
    where, version = previous.location, previous.version
    if not VERSION_NAME.fullmatch(version):
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
    if not path.exists():
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
        edition = read_edition(path, root)
    except EditionError as error:
        diagnostics.error(where, f"edition '{version}' cannot be used: {error}")
        return None
    if edition.version != version:
        diagnostics.error(
            where,
            f"{EDITIONS}/{version}/brief.json is edition {edition.version}, not {version}",
            hint="an edition's folder is named after its version: release it again",
        )
        return None
    return edition


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
    if previous is None:
        _check_without_previous(text, judgements, diagnostics)
        return None
    where = text.meta.previous.location if text.meta.previous else Location(BRIEF)
    changes = changes_since(previous, Edition.of_text(text, sources, timeline))
    _check_moves(changes, judgements, diagnostics)
    _check_withdrawn(previous, changes, text.meta.withdrawn, judgements, where, diagnostics)
    if text.meta.issued < previous.issued:
        diagnostics.warning(
            where,
            f"this edition is issued {text.meta.issued.display}, before edition "
            f"{previous.version} ({previous.issued.display})",
        )
    return changes


def changes_since(old: Edition, new: Edition) -> Changes:
    return Changes(old.version, old.issued, compare(old, new))


def compare(old: Edition, new: Edition) -> tuple[Change, ...]:
    """What differs from old to new: judgements, scenarios, the bottom line and the horizon,
    then sources, then events."""
    return (
        *_judgement_changes(old, new),
        *_scenario_changes(old, new),
        *_cover_changes(old, new),
        *_source_changes(old, new),
        *_event_changes(old, new),
    )


def _judgement_changes(old: Edition, new: Edition) -> list[Change]:
    """Each judgement of new (added, changed or kept), then those of old it withdrew."""
    changes = []
    for ident, now in new.judgements.items():
        before = old.judgements.get(ident)
        if before is None:
            changes.append(Change("judgement", "added", ident, now.label, now.text, (), now.change))
            continue
        shifts = tuple(
            shift
            for shift in (
                Shift("statement", before.text, now.text),
                Shift.of_likelihood(before, now),
                Shift("confidence", before.confidence, now.confidence),
            )
            if shift.moved
        )
        status: ChangeStatus = "changed" if shifts else "kept"
        was = before.label if before.label != now.label else ""
        changes.append(
            Change("judgement", status, ident, now.label, now.text, shifts, now.change, was)
        )
    for ident, gone in old.judgements.items():
        if ident not in new.judgements:
            reason = new.withdrawn.get(ident, "")
            changes.append(
                Change("judgement", "withdrawn", ident, gone.label, gone.text, (), reason)
            )
    return changes


def _scenario_changes(old: Edition, new: Edition) -> list[Change]:
    """Scenarios added, moved or retitled, then those of old no longer in new. A scenario
    is matched by its id, or else by its title (in any case and spacing)."""
    unmatched = dict(old.scenarios)
    changes = []
    for ident, now in new.scenarios.items():
        key = ident if ident in unmatched else _same_title(now.title, unmatched)
        before = unmatched.pop(key, None) if key else None
        if before is None:
            rated = (Shift("likelihood", "", now.likelihood, "", now.likelihood_range),)
            changes.append(
                Change("scenario", "added", ident, now.title, now.title, rated, now.change)
            )
            continue
        shifts = tuple(
            shift
            for shift in (
                Shift("title", before.title, now.title),
                Shift.of_likelihood(before, now),
            )
            if shift.moved
        )
        status: ChangeStatus = "changed" if shifts else "kept"
        changes.append(Change("scenario", status, ident, now.title, now.title, shifts, now.change))
    changes += [
        Change(
            "scenario",
            "withdrawn",
            ident,
            gone.title,
            gone.title,
            (Shift("likelihood", gone.likelihood, "", gone.likelihood_range, ""),),
        )
        for ident, gone in unmatched.items()
    ]
    return [c for c in changes if c.status != "kept"]


def _same_title(title: str, scenarios: dict[str, ScenarioRecord]) -> str:
    """The id of the scenario with this title, in any case and spacing; '' if none."""
    wanted = " ".join(title.casefold().split())
    return next(
        (i for i, s in scenarios.items() if " ".join(s.title.casefold().split()) == wanted), ""
    )


def _cover_changes(old: Edition, new: Edition) -> list[Change]:
    """A bottom line revised (or added, or dropped), then a horizon moved (or set)."""
    changes = []
    wording = Shift("statement", old.bottom_line, new.bottom_line)
    if wording.moved:
        text = new.bottom_line or old.bottom_line
        changes.append(
            Change("bottom-line", _status(wording), "bottom-line", "Bottom line", text, (wording,))
        )
    horizon = Shift("horizon", str(old.horizon or ""), str(new.horizon or ""))
    if horizon.moved:
        said = _horizon_said(old, new)
        changes.append(Change("horizon", _status(horizon), "horizon", "Horizon", said, (horizon,)))
    return changes


def _status(shift: Shift) -> ChangeStatus:
    return "added" if not shift.old else "withdrawn" if not shift.new else "changed"


def _horizon_said(old: Edition, new: Edition) -> str:
    """'the scenarios now look to December 2025', and to what they looked before."""
    if new.horizon is None:
        before = old.horizon.display if old.horizon else ""
        return f"the scenarios no longer name a horizon (edition {old.version}: {before})"
    was = f", not {old.horizon.display}" if old.horizon else ""
    return f"the scenarios now look to {new.horizon.display}{was}"


def _source_changes(old: Edition, new: Edition) -> list[Change]:
    """Sources added (with their grade), regraded or with another document; withdrawn."""
    changes = []
    for ident, now in new.sources.items():
        before = old.sources.get(ident)
        if before is None:
            added = (Shift("grade", "", now.grade),)
            changes.append(Change("source", "added", ident, now.label, now.title, added))
            continue
        shifts = tuple(
            shift
            for shift in (
                Shift("grade", before.grade, now.grade),
                Shift("document", before.sha256[:12], now.sha256[:12]),
                Shift("label", before.label, now.label),
            )
            if shift.moved and shift.old
        )
        if shifts:
            was = before.label if before.label != now.label else ""
            changes.append(
                Change("source", "changed", ident, now.label, now.title, shifts, "", was)
            )
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


def _check_moves(changes: Changes, judgements: list[Judgement], diag: Diagnostics) -> None:
    by_id = {j.id: j for j in judgements}
    for change in changes.of("judgement", "changed"):
        moved = [s for s in change.shifts if s.field in ("likelihood", "confidence")]
        if moved and not change.note:
            judgement = by_id[change.key]
            what = " and ".join(
                f"{s.field} from '{s.old}' to '{s.new}'"
                if s.old != s.new
                else f"{s.field} '{s.new}' from {s.old_range} to {s.new_range}"
                for s in moved
            )
            diag.error(
                judgement.location,
                f"{judgement.label} moved its {what} since edition {changes.since}: say why "
                "in ':change:'",
                hint="add a line ':change: the new evidence or reasoning' below ':confidence:'",
            )


def _check_withdrawn(
    previous: Edition,
    changes: Changes,
    withdrawals: tuple[Withdrawal, ...],
    judgements: list[Judgement],
    where: Location,
    diag: Diagnostics,
) -> None:
    """Each judgement gone since the previous edition is withdrawn, and only those."""
    present = {j.id: j for j in judgements}
    unknown = [w for w in withdrawals if w.id not in previous.judgements]
    mistyped = {closest(w.id, list(previous.judgements)) for w in unknown}
    for change in changes.of("judgement", "withdrawn"):
        if change.note or change.key in mistyped:  # a typo is reported where it was made
            continue
        added = [c for c in changes.of("judgement", "added") if c.text == change.text]
        diag.error(
            where,
            f"judgement '{change.key}' ({change.label} of edition {previous.version}) is not "
            "in this edition: name it under 'withdrawn:' with the reason",
            hint=f"{added[0].label} has its words: did its id change from '{change.key}' to "
            f"'{added[0].key}'?"
            if added
            else f"withdrawn:\n  - id: {change.key}\n    reason: why it is no longer judged",
        )
    for withdrawal in withdrawals:
        if withdrawal.id in present:
            diag.error(
                withdrawal.location,
                f"judgement '{withdrawal.id}' is withdrawn but still in the brief",
                hint=f"it is at {present[withdrawal.id].location}",
            )
    for withdrawal in unknown:
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


def _display(date: str) -> str:
    try:
        return PartialDate.parse(date).display
    except ValueError:
        return date
