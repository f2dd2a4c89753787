"""`briefing new`: a new brief project with an example of every construct."""

from __future__ import annotations

import shutil
from pathlib import Path

from .diagnostics import BriefingError
from .files import SOURCES, TIMELINE
from .layouts import PROJECT_LAYOUTS
from .schemas import copy_schemas, modeline

EXAMPLE = Path(__file__).parent / "example_project"


def new_project(target: Path) -> list[Path]:
    """Create the project at target, which must not exist or be empty; return its files."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BriefingError(f"{target} exists and is not an empty folder")
    try:
        shutil.copytree(EXAMPLE, target, dirs_exist_ok=True)
        (target / ".gitignore").write_text("dist/\n", encoding="utf-8")
        (target / PROJECT_LAYOUTS).mkdir(exist_ok=True)
        for name, register in (("sources", SOURCES), ("timeline", TIMELINE)):
            path = target / register
            path.write_text(modeline(name) + path.read_text(encoding="utf-8"), encoding="utf-8")
    except OSError as error:
        raise BriefingError(f"{target}: cannot create the project ({error.strerror})") from error
    copy_schemas(target)
    return sorted(p for p in target.rglob("*") if p.is_file())
