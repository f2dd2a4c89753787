"""Up-to-date checks: a hash of every input, so an unchanged project is not rebuilt.

The inputs are brief.md, everything under seeds/, figures/ and layouts/, the shipped
layouts, the tool's own code and version, and the build options. The stamp in the output
folder records that hash and the size and time of each output written; a build whose
inputs hash the same and whose outputs are untouched has nothing to do.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from . import __version__, layouts
from .files import read_regular
from .options import INPUT_FOLDERS, Options

STAMP = ".briefing-stamp"
PACKAGE = Path(__file__).parent


def _files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        found.extend(Path(directory, name) for name in sorted(filenames))
    return found


def inputs_key(root: Path, options: Options) -> str:
    digest = hashlib.sha256(
        json.dumps(
            [
                *(__version__, options.formats, options.paper, options.layout),
                *(options.pdf_variant, dataclasses.asdict(options.copies)),
            ]
        ).encode()
    )
    project = [root / "brief.md", *(f for d in INPUT_FOLDERS for f in _files(root / d))]
    tool = [p for p in _files(PACKAGE) if p.suffix in (".py", ".md", ".txt", ".yaml")]
    shipped = layouts.shipped()
    groups = [
        ("project", root, project),
        ("shipped", shipped, _files(shipped)),
        ("tool", PACKAGE, tool),
    ]
    for name, base, files in groups:
        for path in files:
            data, problem = read_regular(path.resolve())  # a link is hashed as its target
            data = data if data is not None else f"\0{problem}".encode()
            digest.update(f"{name}:{path.relative_to(base)}\0".encode() + data + b"\0")
    return digest.hexdigest()


def _state(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def up_to_date(outdir: Path, key: str, root: Path) -> list[Path] | None:
    """The outputs, if they were built from inputs with this key and are untouched.

    Besides the inputs the key covers, the stamp lists the other project files the last
    build read (images, fonts a layout names) with their hashes: they must match too.
    """
    try:
        stamp = json.loads((outdir / STAMP).read_text(encoding="utf-8"))
        if stamp["key"] != key:
            return None
        if any(_digest(root / name) != digest for name, digest in stamp["resources"].items()):
            return None
        outputs = [outdir / name for name in stamp["outputs"]]
        if all(_state(outdir / name) == state for name, state in stamp["outputs"].items()):
            return outputs
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def record(outdir: Path, key: str, outputs: list[Path], root: Path, resources: list[Path]) -> None:
    read = {str(p.resolve().relative_to(root.resolve())): _digest(p) for p in resources}
    written = {str(p.relative_to(outdir)): _state(p) for p in outputs}
    stamp = {"key": key, "outputs": written, "resources": read}
    temporary = outdir / f"{STAMP}.{os.getpid()}"
    temporary.write_text(json.dumps(stamp), encoding="utf-8")
    temporary.replace(outdir / STAMP)


def rekey(outdir: Path, key: str) -> None:
    """Record that the outputs are current for inputs with a new key (after a change to the
    inputs that cannot change the outputs: releasing them as an edition)."""
    stamp = json.loads((outdir / STAMP).read_text(encoding="utf-8"))
    temporary = outdir / f"{STAMP}.{os.getpid()}"
    temporary.write_text(json.dumps({**stamp, "key": key}), encoding="utf-8")
    temporary.replace(outdir / STAMP)


def forget(outdir: Path) -> None:
    """Drop the stamp: the outputs may change without a matching record."""
    (outdir / STAMP).unlink(missing_ok=True)
