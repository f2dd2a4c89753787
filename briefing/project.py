"""Stage 1: load the files of a brief project."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from .atomic import is_temporary
from .diagnostics import BriefingError, Diagnostics, Location
from .files import MAX_FILE_BYTES, leads_out, read_inside, read_regular
from .layouts import PROJECT_LAYOUTS
from .model import Project

BRIEF = "brief.md"
SOURCES = "seeds/sources.yaml"
TIMELINE = "figures/timeline.yaml"
RECORDED = (BRIEF, SOURCES, TIMELINE)  # what a released edition keeps of its project
EDITIONS = "editions"  # released editions, one folder each: editions/1.0/
# A version names a folder of editions/: letters, digits, '.', '-', '_', ending in a letter or
# a digit, and none of the names Windows keeps for devices.
VERSION_NAME = re.compile(
    r"(?!(?:con|prn|aux|nul|com\d|lpt\d)(?:\.|$))(?:[a-z0-9][\w.-]{0,38})?[a-z0-9]", re.I
)
MAX_IMAGE_PIXELS = 40_000_000  # about 6,300 px square: far more than print needs


def read_text(
    root: Path, name: str, diagnostics: Diagnostics, kept: dict[str, bytes] | None = None
) -> str | None:
    """Read a project file as UTF-8 text, or record why it cannot be read; kept, if given,
    receives the bytes read (under name)."""
    data = read_bytes(root, name, diagnostics)
    if data is None:
        return None
    if kept is not None:
        kept[name] = data
    if b"\0" in data:
        diagnostics.error(Location(name), "file is binary (it contains NUL bytes), not text")
        return None
    return decode_utf8(name, data, "file", diagnostics)


def decode_utf8(
    name: str,
    data: bytes,
    what: str,
    diagnostics: Diagnostics,
    hint: str = "save it as UTF-8 (from Windows-1252: iconv -f cp1252 -t utf-8)",
) -> str | None:
    """The bytes as text, a leading byte-order mark dropped; or an error at the bad byte."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        where, byte = undecodable(name, data, error)
        diagnostics.error(where, f"{what} is not valid UTF-8 ({byte})", hint=hint)
        return None


def undecodable(name: str, data: bytes, error: UnicodeDecodeError) -> tuple[Location, str]:
    """Where in a file its first byte that is not UTF-8 stands, and that byte ('byte 0xe9')."""
    before = data[: error.start]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return Location(name, before.count(b"\n") + 1, column), f"byte 0x{data[error.start]:02x}"


def read_bytes(root: Path, name: str, diagnostics: Diagnostics) -> bytes | None:
    path = root / name
    if not os.path.lexists(path):
        diagnostics.error(Location(name), "file not found")
        return None
    if problem := leads_out(root, path):
        diagnostics.error(Location(name), f"file is {problem}")
        return None
    if not path.exists():
        diagnostics.error(Location(name), "file is a link to nothing")
        return None
    status = path.stat()
    size = status.st_size
    if stat.S_ISREG(status.st_mode) and size > MAX_FILE_BYTES:
        diagnostics.error(
            Location(name),
            f"file is {size / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES / 2**20:.0f} MiB",
        )
        return None
    data, problem = read_regular(path.resolve())
    if data is None:
        diagnostics.error(Location(name), problem)
    return data


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
