"""Build options: light to import, so the command line can decide fast."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .formats import FORMATS
from .model import Paper


@dataclass(frozen=True)
class Options:
    outdir: Path | None = None
    formats: tuple[str, ...] = field(default_factory=lambda: tuple(FORMATS))
    paper: Paper | None = None
    layout: str | None = None
    pdf_variant: str | None = None

    def output_folder(self, project: Path) -> Path:
        return self.outdir or project / "dist"
