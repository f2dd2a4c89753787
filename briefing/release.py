"""`briefing release` and `briefing diff`: freeze an edition, and compare two."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path
from typing import Any

from .brief_json import changes_json
from .diagnostics import Diagnostics
from .editions import VERSION_NAME, Edition, EditionError, compare, read_edition, released
from .model import Change, Changes
from .options import Options
from .project import BRIEF, EDITIONS, SOURCES, TIMELINE, check_is_project, read_text
from .stamp import inputs_key, rekey, up_to_date
from .vocabulary import VOCABULARIES

RELEASED = ("brief.json", "brief.pdf")  # from the output folder
RECORDED = (BRIEF, SOURCES, TIMELINE)  # from the project: what the edition was made from


def release(root: Path, options: Options) -> Path:
    """Copy the current build's brief.json and brief.pdf, with the brief.md and registers
    they were made from, into editions/VERSION/; refuse, changing nothing, unless the build
    is up to date and VERSION is new."""
    check_is_project(root)
    outdir = options.output_folder(root)
    version = _version(root)
    if version is not None and not VERSION_NAME.match(version):
        raise EditionError(
            f"{BRIEF}: version '{version}' cannot name a folder of {EDITIONS}/: use letters, "
            "digits, '.', '-' and '_', such as 2.0"
        )
    target = root / EDITIONS / (version or "")
    if version and target.exists():
        raise EditionError(
            f"edition {version} is already released ({target}): raise 'version' in {BRIEF} "
            "for a new edition"
        )
    current = up_to_date(outdir, inputs_key(root, options), root) or []
    if version is None or not {outdir / name for name in RELEASED} <= set(current):
        raise EditionError(
            f"{outdir}: the build is not up to date with the project (or lacks brief.pdf or "
            "brief.json): run 'briefing build' first, then release what it wrote"
        )
    staging = root / EDITIONS / f".{version}.{os.getpid()}"
    try:
        staging.mkdir(parents=True)
        for name in RELEASED:
            shutil.copy2(outdir / name, staging / name)
        for name in RECORDED:
            if (root / name).is_file():
                (staging / name).parent.mkdir(exist_ok=True)
                shutil.copy2(root / name, staging / name)
        staging.rename(target)  # all or nothing: a half-copied edition never shows
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise EditionError(f"{target}: cannot release: {error.strerror or error}") from None
    rekey(outdir, inputs_key(root, options))  # a new edition changes nothing this build made
    return target


def _version(root: Path) -> str | None:
    """The version brief.md's front matter gives; None if brief.md cannot be read."""
    from .parse import parse_brief

    text = parse_brief(read_text(root, BRIEF, Diagnostics()) or "", Diagnostics())
    return text.meta.version if text else None


def edition_at(operand: str, project: Path) -> Edition:
    """An edition named on the command line: a brief.json, an edition's folder, a project
    (built in memory), or a version released under the project's editions/."""
    path = Path(operand)
    if path.is_file():
        return read_edition(path)
    if path.is_dir() and (path / BRIEF).is_file() and not (path / "brief.json").is_file():
        return _built(path)
    if path.is_dir() and (path / "brief.json").is_file():
        return read_edition(path / "brief.json")
    if path.is_dir():
        raise EditionError(f"{path}: neither a brief project nor a released edition's folder")
    if (project / EDITIONS / operand / "brief.json").is_file():
        return read_edition(project / EDITIONS / operand / "brief.json")
    known = released(project)
    raise EditionError(
        f"'{operand}': no such file or folder, and no edition {operand} under "
        f"{project / EDITIONS}" + (f" (released: {', '.join(known)})" if known else "")
    )


def _built(project: Path) -> Edition:
    """A project's brief as it stands, compiled in memory to brief.json."""
    from .build import build

    result = build(project, Options(formats=("json",), write=False))
    return Edition.from_json(json.loads(result.files["brief.json"]))


def changes_between(old: Edition, new: Edition) -> Changes:
    return Changes(old.version, old.issued, compare(old, new))


def diff_json(old: Edition, new: Edition) -> str:
    data: dict[str, Any] = {
        "from": old.version,
        "to": new.version,
        **changes_json(changes_between(old, new)),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def diff_lines(old: Edition, new: Edition, width: int = 88) -> list[str]:
    """The changes from old to new as the terminal shows them."""
    changes = changes_between(old, new)
    vocabulary = VOCABULARIES.get(new.vocabulary)

    def term(word: str) -> str:
        band = vocabulary.band(word) if vocabulary else None
        return f"{word} ({band.range})" if band else word

    def wrapped(text: str, indent: str) -> list[str]:
        return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "  ")

    lines = [
        f"edition {old.version} ({old.issued.display}) -> {new.version} "
        f"({new.issued.display}): {changes.summary}"
    ]
    judgements = changes.of("judgement", "changed", "added", "withdrawn")
    if judgements:
        lines += ["", "Judgements"]
    for change in judgements:
        label = f"{change.label} of {old.version}" if change.status == "withdrawn" else change.label
        lines += wrapped(f"{label} {_STATUS[change.status]}: {change.text}", "  ")
        for shift in change.shifts:
            if shift.field == "statement":
                lines += wrapped(f"reworded; {old.version} read: {shift.old}", "      ")
            else:
                lines.append(f"      {shift.field}: {term(shift.old)} -> {term(shift.new)}")
        if change.note:
            lines += wrapped(f"why: {change.note}", "      ")
    kept = changes.of("judgement", "kept")
    if kept:
        lines += wrapped("unchanged: " + ", ".join(c.label for c in kept), "  ")
    lines += _section("Sources", changes.of("source", "added", "changed", "withdrawn"), wrapped)
    lines += _section("Events", changes.of("event", "added", "withdrawn"), wrapped)
    return lines


_STATUS = {"added": "new", "changed": "changed", "withdrawn": "withdrawn", "kept": "unchanged"}


def _section(title: str, changes: list[Change], wrapped: Any) -> list[str]:
    lines = ["", title] if changes else []
    for change in changes:
        shift = f" {change.shifts[0].old} -> {change.shifts[0].new}" if change.shifts else ""
        status = "regraded" if change.status == "changed" else _STATUS[change.status]
        lines += wrapped(f"{change.label} {status}{shift}: {change.text}", "  ")
    return lines
