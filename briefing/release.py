"""`briefing release`: freeze an edition of the brief under editions/VERSION/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .atomic import staged_folder
from .diagnostics import Diagnostics
from .editions import KEPT, EditionError
from .files import BRIEF, EDITIONS, RECORDED, VERSION_NAME, leads_out, read_text
from .formats import FORMATS, every_brief
from .options import Options
from .output import locked, project_locked
from .parse import parse_brief
from .project import check_is_project
from .stamp import built, why_not_built

RELEASED = tuple(f.filename for f in FORMATS.values() if f.released)  # what an edition keeps,
# of which those written for some briefs only when the build wrote them (brief-annex.pdf):
RELEASED_IF_BUILT = tuple(
    f.filename for f in FORMATS.values() if f.released and f.wanted is not every_brief
)
_BUILD_FIRST = "run 'briefing build', then release"


def release(root: Path, options: Options) -> Path:
    """Copy the last build's brief.json and brief.pdf (and brief-annex.pdf), with the
    brief.md and registers they were made from (as that build read them), into
    editions/VERSION/; refuse, changing
    nothing, unless that build is of the project as it is and VERSION is not released yet."""
    check_is_project(root)
    outdir = options.output_folder(root)
    if not outdir.is_dir():  # checked before the lock, which would create it
        raise EditionError(f"cannot release: {outdir} holds no build; {_BUILD_FIRST}")
    # The project's lock first, as build takes them: no add-source changes the project and
    # no build replaces the outputs while they are compared and copied.
    with project_locked(root), locked(outdir):
        # The inputs are copied from the build's own copy, not from the project, where a
        # save may land at any moment: the edition's brief.md is the one its brief.json is of.
        kept = {name: f"{KEPT}/{name}" for name in RECORDED if f"{KEPT}/{name}" in built(outdir)}
        written = built(outdir)
        outputs = [n for n in RELEASED if n not in RELEASED_IF_BUILT or n in written]
        stale = why_not_built(outdir, root, (*outputs, *kept.values()))
        if stale:
            raise EditionError(f"cannot release: {stale}; {_BUILD_FIRST}")
        target = _new_edition(root, _checked_version(outdir / KEPT))
        _copy_edition(outdir, {name: name for name in outputs} | kept, target)
    return target


def _checked_version(kept: Path) -> str:
    """The version the kept brief.md's front matter gives, if it can name a folder."""
    text = parse_brief(read_text(kept, BRIEF, Diagnostics()) or "", Diagnostics())
    if text is None:
        raise EditionError(f"{BRIEF} cannot be read: run 'briefing check' to see why")
    version = text.meta.version
    if not VERSION_NAME.fullmatch(version):
        raise EditionError(
            f"{BRIEF}: version '{version}' cannot name a folder of {EDITIONS}/: use letters, "
            "digits, '.', '-' and '_', such as 2.0"
        )
    return version


def _new_edition(root: Path, version: str) -> Path:
    """editions/VERSION, if nothing is there yet and editions/ is inside the project."""
    folder = root / EDITIONS
    if problem := leads_out(root, folder):
        raise EditionError(f"cannot release: {folder} is {problem}")
    target = folder / version
    if os.path.lexists(target):  # a link, even to nothing, is not written through
        raise EditionError(
            f"edition {version} is already released ({target}): raise 'version' in "
            f"{BRIEF} for a new edition"
        )
    return target


def _copy_edition(outdir: Path, files: dict[str, str], target: Path) -> None:
    """Copy files (each edition file's name: its name in outdir) into a staging folder beside
    target and rename the folder into place: all or nothing, even when interrupted."""
    created = not target.parent.exists()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with staged_folder(target.parent) as staging:
            for name, built_as in files.items():
                (staging / name).parent.mkdir(exist_ok=True)
                shutil.copy2(outdir / built_as, staging / name)
            staging.rename(target)
    except OSError as error:
        raise EditionError(f"{target}: cannot release: {error.strerror or error}") from None
    finally:
        if created and not target.exists():
            shutil.rmtree(target.parent, ignore_errors=True)
