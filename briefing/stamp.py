"""Up-to-date checks: a hash of every input, so an unchanged project is not rebuilt.

The inputs are brief.md, everything under seeds/, figures/ and layouts/, the shipped
layouts and the shared ones (the user's and packages' folders), the tool's own code and
version, and the build options. The stamp in the output folder records that hash, the
other project files the build read (images, the previous edition's brief.json) with theirs,
and the size and time of each output written; a build whose inputs hash the same and whose
outputs are untouched has nothing to do.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from . import __version__, layouts
from .atomic import is_temporary, write_atomically
from .cache import code_digest
from .files import read_inside, read_regular
from .options import INPUT_FOLDERS, Options

STAMP = ".briefing-stamp"


def _files(folder: Path) -> list[Path]:
    """The files under folder, but for the temporaries of writes (never a project's file)."""
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        found += [Path(directory, n) for n in sorted(filenames) if not is_temporary(Path(n))]
    return found


def inputs_key(root: Path, options: Options) -> str:
    """The project's digest (see project_key), a dot, and the build options' digest."""
    chosen = [
        *(__version__, options.formats, options.paper, options.layout),
        *(options.pdf_variant, dataclasses.asdict(options.copies), options.annex),
    ]
    return f"{project_key(root)}.{hashlib.sha256(json.dumps(chosen).encode()).hexdigest()}"


def project_key(root: Path) -> str:
    """A digest of the project's inputs, the shipped and shared layouts and the tool's code."""
    digest = hashlib.sha256(f"{__version__}\0tool:{code_digest()}\0".encode())
    project = [root / "brief.md", *(f for d in INPUT_FOLDERS for f in _files(root / d))]
    shipped = layouts.shipped()
    folders = [("project", root, project), ("shipped", shipped, _files(shipped))]
    # The user's and the packages' layout folders, each named by its path.
    folders += [(str(f.path), f.path, _files(f.path)) for f in layouts.shared_folders(root)]
    for name, base, files in folders:
        for path in files:
            # A link is hashed as its target, a link out of the project as refused.
            data, problem = read_inside(base, path)
            data = data if data is not None else f"\0{problem}".encode()
            digest.update(f"{name}:{path.relative_to(base)}\0".encode() + data + b"\0")
    return digest.hexdigest()


def _state(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _digest(root: Path, name: str) -> str:
    """The hash of the project file name; '' unless it is a regular file inside the project
    (a stamp is no more trusted than the project it came with)."""
    data, _ = read_inside(root, root / name)
    return hashlib.sha256(data).hexdigest() if data is not None else ""


def up_to_date(outdir: Path, key: str, root: Path) -> list[Path] | None:
    """The outputs, if they were built from inputs with this key and are untouched.

    Besides the inputs the key covers, the stamp lists the other project files the last
    build read (images, fonts a layout names, the previous edition) with their hashes:
    they must match too.
    """
    stamp = _read(outdir)
    if stamp is None or stamp["key"] != key or not _same_resources(stamp, root):
        return None
    if not all(_unchanged(outdir / name, state) for name, state in stamp["outputs"].items()):
        return None
    # The outputs as the user knows them, without the inputs a build keeps (.briefing-inputs/).
    return [outdir / name for name in stamp["outputs"] if not name.startswith(".")]


def why_not_built(outdir: Path, root: Path, needed: tuple[str, ...]) -> str:
    """Why the outputs named in needed are not those of a build, with any options, of the
    project as it is now: '' when they are."""
    stamp = _read(outdir)
    if stamp is None:
        return f"{outdir} holds no build"
    missing = [name for name in needed if name not in stamp["outputs"]]
    if missing:
        return f"the last build did not write {' or '.join(missing)}"
    if str(stamp["key"]).split(".")[0] != project_key(root) or not _same_resources(stamp, root):
        return "the project (or briefing itself) changed since the last build"
    touched = [n for n in needed if not _unchanged(outdir / n, stamp["outputs"][n])]
    return f"{', '.join(touched)} changed since the last build wrote it" if touched else ""


def built(outdir: Path) -> list[str]:
    """The names of the files the last build wrote in outdir, as its stamp lists them."""
    stamp = _read(outdir)
    return list(stamp["outputs"]) if stamp else []


def _read(outdir: Path) -> dict[str, Any] | None:
    """The stamp, if the output folder has a readable one (a regular file, not too large,
    of JSON not nested too deep: it came with the project, and is no more trusted)."""
    data, _ = read_regular(outdir / STAMP)
    try:
        stamp = json.loads(data) if data is not None else None
    except (ValueError, RecursionError):
        return None
    shape = {"key": str, "outputs": dict, "resources": dict}
    valid = isinstance(stamp, dict) and all(isinstance(stamp.get(k), t) for k, t in shape.items())
    return stamp if valid else None


def _same_resources(stamp: dict[str, Any], root: Path) -> bool:
    return all(_digest(root, name) == digest for name, digest in stamp["resources"].items())


def _unchanged(path: Path, state: list[int]) -> bool:
    try:
        return _state(path) == state
    except OSError:
        return False


def record(outdir: Path, key: str, outputs: list[Path], root: Path, resources: list[Path]) -> None:
    names = [str(p.resolve().relative_to(root.resolve())) for p in resources]
    read = {name: _digest(root, name) for name in names}
    written = {str(p.relative_to(outdir)): _state(p) for p in outputs}
    stamp = {"key": key, "outputs": written, "resources": read}
    # Not forced to disk: a stamp cut short by a crash is no stamp, and the next build redoes all.
    write_atomically(outdir / STAMP, json.dumps(stamp).encode(), durable=False)


def forget(outdir: Path) -> None:
    """Drop the stamp: the outputs may change without a matching record."""
    (outdir / STAMP).unlink(missing_ok=True)
