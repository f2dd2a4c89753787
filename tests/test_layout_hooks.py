"""A designer's hooks into the layouts: the print sheet's precedence, the brief's own values
for its layout (`extra:`), the shipped templates' named blocks, and preview and watch taking
--layout and --paper."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image

from briefing.build import build
from briefing.options import Options

from .conftest import MakeProject

RED_BAND = ".marking { background: #ff0000; color: #ffffff; }\n"


def first_page_image(pdf: Path, folder: Path) -> Image.Image:
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(folder / "page")],
        check=True,
    )
    return Image.open(next(folder.glob("page*.png"))).convert("RGB")


def band_pixels(page: Image.Image) -> list[tuple[int, int, int]]:
    """The pixels of the red marking band at the page's top (the red itself and what is
    drawn on it)."""
    red = [
        (x, y)
        for y in range(page.height // 4)
        for x in range(page.width)
        if page.getpixel((x, y)) == (255, 0, 0)
    ]
    assert red, "no red band on the page"
    left, right = min(x for x, _ in red), max(x for x, _ in red)
    top, bottom = min(y for _, y in red), max(y for _, y in red)
    pixels = page.crop((left, top, right + 1, bottom + 1)).getdata()
    return [(int(r), int(g), int(b)) for r, g, b in pixels]


def test_the_print_sheet_wins_over_brief_css(make_project: MakeProject, tmp_path: Path) -> None:
    """brief.css sets the marking's colour; the print sheet's own rule for it wins in the
    PDF, with no !important (it was a user stylesheet and lost: dark text on the band)."""
    root = make_project(
        {"layouts/brief-pdf.css": '{% include "builtin/brief-pdf.css" %}\n' + RED_BAND}
    )
    build(root, Options(outdir=tmp_path / "out", formats=("pdf",)))
    pixels = band_pixels(first_page_image(tmp_path / "out" / "brief.pdf", tmp_path))
    assert not [p for p in pixels if max(p) < 128], "dark text on the red band"
    assert [p for p in pixels if min(p) > 230], "no white text on the red band"
