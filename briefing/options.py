"""Build options: light to import, so the command line can decide fast."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .copies import Copies
from .diagnostics import BriefingError
from .files import BRIEF, EDITIONS, leads_out
from .formats import FORMATS
from .layouts import PROJECT_LAYOUTS
from .model import Annex, Paper

INPUT_FOLDERS = ("seeds", "figures", PROJECT_LAYOUTS)


@dataclass(frozen=True)
class Options:
    outdir: Path | None = None
    formats: tuple[str, ...] = field(default_factory=lambda: tuple(FORMATS))
    paper: Paper | None = None
    layout: str | None = None
    pdf_variant: str | None = None
    write: bool = True  # False: the outputs are returned, not written (a preview's page)
    copies: Copies = field(
        default_factory=Copies
    )  # numbered copies and a watermark, stamped on the PDF
    annex: Annex | None = None  # overrides the front matter's `annex:`

    def output_folder(self, project: Path) -> Path:
        """Where outputs go: never among the project's inputs, nor into another project."""
        outdir = self.outdir or project / "dist"
        if Path(os.path.abspath(outdir)).is_relative_to(os.path.abspath(project)) and (
            problem := leads_out(project, outdir)
        ):
            raise BriefingError(
                f"{outdir}: the output folder is {problem}: outputs are not written through "
                "it; remove it, or name a folder outside the project with -o"
            )
        out, root = outdir.resolve(), project.resolve()
        for name in INPUT_FOLDERS:
            if out.is_relative_to(root / name):
                raise BriefingError(
                    f"{outdir}: the output folder is in the project's {name}/, where the "
                    "next build would take the outputs for inputs; choose another (default: dist)"
                )
        if out.is_relative_to(root / EDITIONS):
            raise BriefingError(
                f"{outdir}: the output folder is in {EDITIONS}/, where released editions are "
                "kept as issued; choose another (default: dist)"
            )
        if out != root and (out / BRIEF).exists():
            raise BriefingError(
                f"{outdir}: that folder holds a {BRIEF}: it is a brief project, not an output "
                "folder; choose another (default: dist)"
            )
        return outdir
