"""JSON Schemas of the files an analyst writes: the front matter of brief.md, the source
register and the timeline. An editor with the YAML language server reads them through the
`# yaml-language-server: $schema=` line that `briefing new` writes at the top of each
register; the tests check that what a schema refuses, the build refuses too."""

from __future__ import annotations

from pathlib import Path

from .atomic import write_atomically
from .diagnostics import BriefingError

FOLDER = Path(__file__).parent / "schemas"
SCHEMAS = {
    "front-matter": "front-matter.schema.json",
    "sources": "sources.schema.json",
    "timeline": "timeline.schema.json",
}
PROJECT_COPY = ".briefing"  # where a project keeps the schemas its registers name


def schema_text(name: str) -> str:
    return (FOLDER / SCHEMAS[name]).read_text(encoding="utf-8")


def modeline(name: str) -> str:
    """The line that tells the YAML language server which schema a register follows; the
    path is relative to the register (seeds/ or figures/)."""
    return f"# yaml-language-server: $schema=../{PROJECT_COPY}/{SCHEMAS[name]}\n"


def copy_schemas(root: Path) -> list[Path]:
    """The registers' schemas, copied into the project where their modelines point."""
    folder = root / PROJECT_COPY
    try:
        folder.mkdir(exist_ok=True)
        copies = []
        for name in ("sources", "timeline"):
            copy = folder / SCHEMAS[name]
            write_atomically(copy, schema_text(name).encode("utf-8"))
            copies.append(copy)
    except OSError as error:
        raise BriefingError(f"{folder}: cannot write the schemas ({error.strerror})") from error
    return copies
