"""Build options: light to import, so the command line can decide fast."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

FORMATS = ("pdf", "html", "json")


def shipped_layouts() -> Path:
    """The layouts shipped with the tool: inside the wheel, or the source checkout's."""
    package = Path(__file__).parent
    return package / "layouts" if (package / "layouts").is_dir() else package.parent / "layouts"


Paper = Literal["A4", "letter"]


@dataclass(frozen=True)
class Options:
    outdir: Path | None = None
    formats: tuple[str, ...] = FORMATS
    paper: Paper | None = None
    layout: str | None = None
    pdf_variant: str | None = None
