"""The shipped layouts and templates, and copying one into a project to edit it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import BriefingError
from .options import shipped_layouts


@dataclass(frozen=True)
class TemplateFile:
    name: str
    layout: bool  # a whole layout (NAME.html), rather than a part or a stylesheet
    overridden: bool  # the project has its own file of this name


def template_files(project: Path) -> list[TemplateFile]:
    shipped = shipped_layouts()
    own = project / "layouts"
    same = own.is_dir() and own.resolve() == shipped.resolve()
    return [
        TemplateFile(
            path.name,
            path.suffix == ".html" and not path.name.startswith("_"),
            not same and (own / path.name).is_file(),
        )
        for path in sorted(shipped.iterdir())
        if path.suffix in (".html", ".css")
    ]


def eject(project: Path, name: str, force: bool = False) -> Path:
    """Copy a shipped template into PROJECT/layouts/ and return where it went."""
    names = [t.name for t in template_files(project)]
    if name not in names and f"{name}.html" in names:
        name = f"{name}.html"
    if name not in names:
        raise BriefingError(f"no shipped template '{name}'; see 'briefing layouts list'")
    target = project / "layouts" / name
    if target.exists() and not force:
        raise BriefingError(f"{target} exists already; use --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shipped_layouts() / name, target)
    return target
