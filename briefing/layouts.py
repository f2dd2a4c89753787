"""Layouts: the shipped templates, the search path a project's own templates come first in,
listing them, and copying one into a project to edit it.

A layout `NAME` is the template `NAME.html`, with optional stylesheets `NAME.css` and, for
the PDF only, `NAME-pdf.css`. Templates whose names start with '_' are parts that layouts
include; `builtin/NAME` always names the shipped file, so that a project's template can
extend the one it replaces.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import BriefingError
from .files import kind_of, leads_out, read_inside

PROJECT_LAYOUTS = "layouts"


def shipped() -> Path:
    """The layouts shipped with the tool: inside the wheel, or the source checkout's."""
    package = Path(__file__).parent
    return package / "layouts" if (package / "layouts").is_dir() else package.parent / "layouts"


def is_layout(name: str) -> bool:
    """Whether a template file is a whole layout rather than a part or a stylesheet."""
    return name.endswith(".html") and not name.startswith("_")


def shipped_layout_names() -> list[str]:
    return sorted(p.stem for p in shipped().iterdir() if is_layout(p.name))


def layout_of(template: str) -> str:
    """The layout a layout's template file makes: brief.html -> brief."""
    return template.removesuffix(".html")


def template_name(layout: str) -> str:
    return f"{layout}.html"


def pdf_stylesheet_name(layout: str) -> str:
    """The layout's paged-media stylesheet, given to WeasyPrint only."""
    return f"{layout}-pdf.css"


def layout_problems(project: Path) -> list[tuple[str, str]]:
    """The project's layout files that must not be read, each with why: links to a place
    outside the project (the folder itself, or a file in it) and files that are not regular
    files, which a template loader would block on (a named pipe)."""
    folder = project / PROJECT_LAYOUTS
    if not folder.is_dir() or is_shipped(project):
        return []
    if problem := leads_out(project, folder):
        return [(PROJECT_LAYOUTS, f"folder is {problem}")]
    found = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        name = f"{PROJECT_LAYOUTS}/{entry.name}"
        if entry.is_symlink() and (problem := leads_out(project, Path(entry.path))):
            found.append((name, f"file is {problem}"))
            continue
        mode = entry.stat().st_mode if os.path.exists(entry.path) else stat.S_IFREG
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            found.append((name, f"not a regular file ({kind_of(mode)})"))
    return found


def is_shipped(project: Path) -> bool:
    """Whether the project's layouts/ is the shipped folder (this repository's own)."""
    own = project / PROJECT_LAYOUTS
    return own.is_dir() and own.resolve() == shipped().resolve()


def display_name(filename: str, project: Path) -> str:
    """A template's file as the user knows it: relative to the project, or 'builtin/...'."""
    path = Path(filename).resolve()
    if path.is_relative_to((project / PROJECT_LAYOUTS).resolve()):
        return str(path.relative_to(project.resolve()))
    return "builtin/" + path.name


@dataclass(frozen=True)
class TemplateFile:
    name: str
    layout: bool  # a whole layout (NAME.html), rather than a part or a stylesheet
    copied: bool  # the project has its own file of this name
    overridden: bool  # ... and it differs from the shipped one


def template_files(project: Path) -> list[TemplateFile]:
    """The shipped templates and stylesheets, and which of them the project overrides."""
    own = project / PROJECT_LAYOUTS
    same = is_shipped(project)

    def template_file(path: Path) -> TemplateFile:
        mine, _ = (None, "") if same else read_inside(project, own / path.name)
        copied = mine is not None
        changed = copied and mine != path.read_bytes()
        return TemplateFile(path.name, is_layout(path.name), copied, changed)

    return [
        template_file(path)
        for path in sorted(shipped().iterdir())
        if path.suffix in (".html", ".css")
    ]


def eject(project: Path, name: str, force: bool = False) -> Path:
    """Copy a shipped template into PROJECT/layouts/ and return where it went."""
    names = [t.name for t in template_files(project)]
    if name not in names and f"{name}.html" in names:
        name = f"{name}.html"
    if name not in names:
        raise BriefingError(f"no shipped template '{name}'; see 'briefing layouts list'")
    target = project / PROJECT_LAYOUTS / name
    if problem := leads_out(project, target):
        raise BriefingError(f"{target} is {problem}; not replaced")
    if os.path.lexists(target):
        if not force:
            raise BriefingError(f"{target} exists already; use --force to replace it")
        if not target.is_symlink() and not target.is_file():
            raise BriefingError(f"{target} is not a regular file; not replaced")
        target.unlink()  # a link is replaced, never written through
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shipped() / name, target)
    return target
