"""Stage 1: load the files of a brief project."""

from __future__ import annotations

from pathlib import Path

from .atomic import is_temporary
from .diagnostics import BriefingError, Diagnostics, Location
from .files import BRIEF, SOURCES, TIMELINE, read_bytes, read_inside, read_text
from .layouts import PROJECT_LAYOUTS
from .model import Project


def check_is_project(root: Path) -> None:
    """Raise BriefingError unless root is a folder with a brief or a source register."""
    if not root.is_dir():
        raise BriefingError(f"{root}: not a folder")
    if not (root / BRIEF).exists() and not (root / SOURCES).exists():
        raise BriefingError(
            f"{root}: not a brief project (it has no {BRIEF} and no {SOURCES}); "
            "create one with 'briefing new DIR'"
        )


def load_project(root: Path, diagnostics: Diagnostics) -> Project:
    """Read brief.md, the source register and its documents, and the timeline."""
    check_is_project(root)
    read: dict[str, bytes] = {}  # byte for byte, for the build to keep (see Project)
    brief = read_text(root, BRIEF, diagnostics, read)
    sources_yaml = read_text(root, SOURCES, diagnostics, read)
    timeline_yaml = (
        read_text(root, TIMELINE, diagnostics, read) if (root / TIMELINE).exists() else None
    )
    seeds = root / "seeds"
    source_files = {}
    if seeds.is_dir():
        for path in sorted(seeds.iterdir()):
            # A folder in seeds/ is left alone unless an entry names it (then an error);
            # a file add-source was writing when killed is no source.
            if not path.is_dir() and path.name != "sources.yaml" and not is_temporary(path):
                data = read_bytes(root, f"seeds/{path.name}", diagnostics)
                if data is not None:
                    source_files[path.name] = data
    return Project(
        root=root,
        brief=brief or "",
        sources_yaml=sources_yaml or "",
        timeline_yaml=timeline_yaml,
        source_files=source_files,
        recorded=read,
    )


def find_reference(root: Path, candidates: list[str]) -> Location:
    """Where brief.md or a project layout first names one of candidates (an address)."""
    return next(iter(locate(root, candidates, [PROJECT_LAYOUTS]).values()), Location(BRIEF))


def locate(root: Path, texts: list[str], folders: list[str]) -> dict[str, Location]:
    """Where brief.md, then the files in folders, first have each of texts, in the order
    found; texts found nowhere are left out. Each file is read once."""
    paths = [root / BRIEF]
    paths += [p for f in folders if (root / f).is_dir() for p in sorted((root / f).iterdir())]
    wanted = [t for t in dict.fromkeys(texts) if t]
    found: dict[str, Location] = {}
    for path in paths:
        data, _ = read_inside(root, path)  # never through a link out, never a named pipe
        try:
            text = data.decode("utf-8") if data is not None else ""
        except UnicodeDecodeError:
            continue
        present = [t for t in wanted if t not in found and t in text]
        for number, line in enumerate(text.splitlines(), start=1):
            if not present:
                break
            for t in [t for t in present if t in line]:
                found[t] = Location(str(path.relative_to(root)), number, line.index(t) + 1)
                present.remove(t)
    return found
