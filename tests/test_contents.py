"""A contents page only when it helps: above eight pages, or when the brief asks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from briefing.build import build
from briefing.formats import CONTENTS_FROM_PAGES
from briefing.new import new_project
from briefing.options import Options

from .conftest import copy_default_project


def printed(root: Path) -> tuple[int, str, str]:
    """Pages and text of the PDF, and the HTML page."""
    build(root, Options(formats=("pdf", "html")))
    pdf = root / "dist" / "brief.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return pages, text, (root / "dist" / "brief.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("setting", "wanted"), [("", False), ("contents: true\n", True), ("contents: false\n", False)]
)
def test_a_short_brief_has_contents_only_when_it_asks(
    tmp_path: Path, setting: str, wanted: bool
) -> None:
    root = tmp_path / "brief"
    new_project(root)
    brief = root / "brief.md"
    brief.write_text(brief.read_text(encoding="utf-8").replace("---\n", "---\n" + setting, 1))
    pages, text, page = printed(root)
    assert pages < CONTENTS_FROM_PAGES
    assert ("\nContents\n" in text) is wanted
    assert ('class="toc"' in page) is wanted  # the HTML page follows the PDF


def test_a_long_brief_keeps_its_contents_unless_told(tmp_path: Path) -> None:
    root = copy_default_project(tmp_path / "brief")
    text = (root / "brief.md").read_text(encoding="utf-8")
    pages, printed_text, _ = printed(root)
    assert pages >= CONTENTS_FROM_PAGES and "\nContents\n" in printed_text
    (root / "brief.md").write_text(text.replace("---\n", "---\ncontents: false\n", 1))
    fewer, printed_text, _ = printed(root)
    # the contents has no page of its own, so leaving it out need not save a whole page
    assert "\nContents\n" not in printed_text and fewer <= pages
