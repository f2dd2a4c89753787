"""Layouts: the shipped templates, the search path a project's own templates come first in,
listing them, and copying one into a project to edit it.

A layout `NAME` is the template `NAME.html`, with optional stylesheets `NAME.css` and, for
the PDF only, `NAME-pdf.css`. Templates whose names start with '_' are parts that layouts
include; `builtin/NAME` always names the shipped file, so that a project's template can
extend the one it replaces.

Templates are looked for in the project's layouts/, then in the user's own folders (the
paths in BRIEFING_LAYOUTS, then $XDG_CONFIG_HOME/briefing/layouts), then in the folders
installed packages register (entry point group `briefing.layouts`), then in the shipped
folder. Only the user's environment names the shared folders, never the project.
"""

from __future__ import annotations

import importlib.metadata
import os
import stat
import sys
from dataclasses import dataclass
from importlib.machinery import PathFinder
from pathlib import Path

from .diagnostics import BriefingError, suggest
from .files import kind_of, leads_out, read_inside

PROJECT_LAYOUTS = "layouts"
USER_LAYOUTS_VARIABLE = "BRIEFING_LAYOUTS"  # a path list: os.pathsep between folders
ENTRY_POINT_GROUP = "briefing.layouts"


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
    """A template's file as the user knows it: relative to the project, 'builtin/...', or
    its full path in a shared folder."""
    path = Path(filename).resolve()
    if path.is_relative_to((project / PROJECT_LAYOUTS).resolve()):
        return str(path.relative_to(project.resolve()))
    if path.is_relative_to(shipped().resolve()):
        return "builtin/" + path.name
    return str(path)


# --- shared folders: the user's and the packages' -------------------------------------------


@dataclass(frozen=True)
class LayoutFolder:
    """A folder of layout files on the search path, and where it comes from."""

    path: Path
    origin: str  # as `layouts list` says it: "project layouts/", "user folder PATH", ...


def user_folders() -> list[LayoutFolder]:
    """The user's own layout folders: those BRIEFING_LAYOUTS lists, then the configuration
    folder ($XDG_CONFIG_HOME or ~/.config, then briefing/layouts), each if it exists."""
    named = os.environ.get(USER_LAYOUTS_VARIABLE, "")
    listed = [Path(p).expanduser() for p in named.split(os.pathsep) if p]
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    folders = [*listed, config / "briefing" / PROJECT_LAYOUTS]
    return [
        LayoutFolder(path.resolve(), f"user folder {path}")
        for path in dict.fromkeys(folders)
        if path.is_dir()
    ]


def package_folders(project: Path) -> list[LayoutFolder]:
    """The layout folders installed packages register, each an entry point of the group
    `briefing.layouts` whose value names a package ("house_style") or a folder in one
    ("house_style.layouts"). Found without importing anything, and never on a path inside
    the project (`python -m` puts the working folder on sys.path)."""
    inside = project.resolve()
    path = [p for p in sys.path if p and not Path(p).resolve().is_relative_to(inside)]
    found: dict[Path, LayoutFolder] = {}
    for distribution in importlib.metadata.distributions(path=path):
        for entry in distribution.entry_points.select(group=ENTRY_POINT_GROUP):
            folder = _package_folder(entry.module, path)
            if folder and not folder.is_relative_to(inside):
                name = distribution.metadata["Name"] or entry.name
                found.setdefault(folder, LayoutFolder(folder, f"package {name} ({entry.value})"))
    return list(found.values())


def _package_folder(module: str, path: list[str]) -> Path | None:
    """The folder a dotted name leads to: a package's, then folders in it."""
    top, *rest = module.split(".")
    spec = PathFinder.find_spec(top, path)
    locations = list(spec.submodule_search_locations or []) if spec else []
    folder = Path(locations[0], *rest).resolve() if locations else None
    return folder if folder and folder.is_dir() else None


def search_path(project: Path) -> list[LayoutFolder]:
    """Where templates are looked for, first first."""
    own = LayoutFolder(project / PROJECT_LAYOUTS, "project layouts/")
    return [
        *([] if is_shipped(project) else [own]),
        *shared_folders(project),
        LayoutFolder(shipped(), "shipped"),
    ]


def shared_folders(project: Path) -> list[LayoutFolder]:
    """The user's folders, then the packages': the folders neither project nor shipped."""
    return [*user_folders(), *package_folders(project)]


def available_layouts(project: Path) -> dict[str, list[LayoutFolder]]:
    """Each layout's name and the folders that have it, the one used first."""
    found: dict[str, list[LayoutFolder]] = {}
    for folder in search_path(project):
        names = _layout_names(folder.path) if folder.path.is_dir() else []
        for name in names:
            found.setdefault(name, []).append(folder)
    return dict(sorted(found.items()))


def _layout_names(folder: Path) -> list[str]:
    return [layout_of(e.name) for e in os.scandir(folder) if is_layout(e.name) and e.is_file()]


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


def eject(project: Path, name: str, force: bool = False) -> list[tuple[str, Path]]:
    """Copy a layout (its template and the stylesheets it has) or one template file into
    PROJECT/layouts/, from the first shared or shipped folder that has it ('builtin/NAME':
    the shipped one); return each copy's origin and target. Nothing is written unless every
    target may be: none exists (or --force), and none leads out of the project."""
    copies = _to_eject(project, name)
    targets = [project / PROJECT_LAYOUTS / source.name for _, source in copies]
    for target in targets:
        if problem := leads_out(project, target):
            raise BriefingError(f"{target} is {problem}; not replaced")
        if os.path.lexists(target) and not target.is_symlink() and not target.is_file():
            raise BriefingError(f"{target} is not a regular file; not replaced")
    if (existing := [str(t) for t in targets if os.path.lexists(t)]) and not force:
        exist, them = ("exists", "it") if len(existing) == 1 else ("exist", "them")
        raise BriefingError(f"{', '.join(existing)} {exist} already; use --force to replace {them}")
    contents = []
    for folder, source in copies:
        data, problem = read_inside(folder, source)
        if data is None:
            raise BriefingError(f"{source}: {problem}")
        contents.append(data)
    (project / PROJECT_LAYOUTS).mkdir(parents=True, exist_ok=True)
    for target, data in zip(targets, contents, strict=True):
        target.unlink(missing_ok=True)  # a link is replaced, never written through
        target.write_bytes(data)
    return [(display_name(str(s), project), t) for (_, s), t in zip(copies, targets, strict=True)]


def _to_eject(project: Path, name: str) -> list[tuple[Path, Path]]:
    """The files `eject NAME` copies, each with the folder it is read from."""
    builtin = name.startswith("builtin/")
    name = name.removeprefix("builtin/")
    folders = [shipped()] if builtin else [f.path for f in shared_folders(project)] + [shipped()]
    if "/" in name or name.startswith("."):
        raise BriefingError(f"'{name}' is not a layout's or template's name")
    single = name.endswith((".html", ".css"))
    wanted = [name] if single else [template_name(name), f"{name}.css", pdf_stylesheet_name(name)]
    copies = []
    for file in wanted:
        folder = next((f for f in folders if (f / file).is_file()), None)
        if folder is not None:
            copies.append((folder, folder / file))
    if not copies or not (single or copies[0][1].name == template_name(name)):
        known = sorted({*(p.name for f in folders for p in _templates(f)), *_names(folders)})
        hint = suggest(name, known)
        raise BriefingError(
            f"no layout or template '{name}' outside the project"
            f"{f' ({hint})' if hint else ''}; see 'briefing layouts list'"
        )
    return copies


def _templates(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.suffix in (".html", ".css")] if folder.is_dir() else []


def _names(folders: list[Path]) -> list[str]:
    return [n for f in folders if f.is_dir() for n in _layout_names(f)]
