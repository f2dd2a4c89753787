"""The printed surfaces outside the brief's page take the layout's style: the copies'
stamps and watermark, the master copy's distribution list and the timeline figure."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from briefing.model import Rendered
from briefing.new import new_project
from briefing.style import figure_style

from .conftest import run

HOUSE_CSS = """{% include "builtin/brief.css" %}
:root {
  --brief-accent: #0b6e4f;
  --brief-watermark-font: "DejaVu Sans Mono", monospace;
  --brief-watermark-colour: #0b6e4f;
  --brief-stamp-font: "DejaVu Serif";
  --brief-figure-font: "DejaVu Serif", serif;
  --brief-lane-1: var(--brief-accent);
  --brief-lane-2: rgb(200, 120, 0);
  --brief-lane-several: navy;
}
"""
LISTING = """{% extends "builtin/_distribution.html" %}
{% block distribution %}
<h2>Copies issued by the J2 cell</h2>
<ol>{% for line in copies %}<li>{{ line }} (signed for)</li>{% endfor %}</ol>
{% endblock %}
"""


def _project(root: Path, files: dict[str, str]) -> Path:
    new_project(root)
    (root / "layouts").mkdir(exist_ok=True)
    for name, text in files.items():
        (root / "layouts" / name).write_text(text, encoding="utf-8")
    return root


def _faces(pdf: Path, page: int) -> set[str]:
    """The fonts pdffonts lists for a page, without their subset prefixes."""
    listed = subprocess.run(
        ["pdffonts", "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    return {line.split()[0].partition("+")[2] for line in listed}


def _page_text(pdf: Path, page: int) -> str:
    command = ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _svgs(root: Path) -> list[str]:
    html = (root / "dist" / "brief.html").read_text(encoding="utf-8")
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("house") / "brief"
    return _project(root, {"brief.css": HOUSE_CSS, "_distribution.html": LISTING})


def test_the_stamps_and_watermark_are_set_in_the_layouts_fonts(house: Path) -> None:
    """They were Charis SIL Bold whatever the layout said."""
    code, output = run("build", house, "--format", "pdf", "--copies", "2", "--watermark", "DRAFT")
    assert code == 0, output
    faces = _faces(house / "dist" / "copies" / "brief-copy-01-of-02.pdf", 1)
    assert "DejaVu-Sans-Mono-Bold" in faces  # the watermark
    assert "DejaVu-Serif-Bold" in faces  # the copy's line
    assert "Copy 1 of 2" in _page_text(house / "dist" / "copies" / "brief-copy-01-of-02.pdf", 1)


def test_the_default_stamps_keep_the_layouts_own_face(tmp_path: Path) -> None:
    root = _project(tmp_path / "brief", {})
    code, output = run("build", root, "--format", "pdf", "--copies", "2", "--watermark", "DRAFT")
    assert code == 0, output
    faces = _faces(root / "dist" / "copies" / "brief-copy-01-of-02.pdf", 1)
    assert "Charis-SIL-Bold" in faces
    assert not faces & {"DejaVu-Sans-Mono-Bold", "DejaVu-Serif-Bold"}


def test_the_distribution_list_is_the_projects_own_template(house: Path) -> None:
    """It was typeset by the tool alone; now layouts/_distribution.html, with the page's
    marking bands and number as the brief's pages have them."""
    code, output = run("build", house, "--format", "pdf", "--copies", "2")
    assert code == 0, output
    master = house / "dist" / "copies" / "brief-master.pdf"
    pages = len(re.findall(r"\f", subprocess.getoutput(f"pdftotext {master} -")))
    listing = _page_text(master, pages)
    assert "Copies issued by the J2 cell" in listing and "Distribution list" not in listing
    assert "Copy 1 of 2 (signed for)" in listing and "Copy 2 of 2 (signed for)" in listing
    assert listing.count("EXAMPLE // NOT FOR DISTRIBUTION") == 2  # the bands, top and bottom
    assert f"Page {pages}" in listing


def test_an_error_in_the_distribution_template_fails_check_naming_its_line(
    tmp_path: Path,
) -> None:
    broken = (
        '{% extends "builtin/_distribution.html" %}\n'
        "{% block distribution %}{{ meta.titel }}{% endblock %}\n"
    )
    root = _project(tmp_path / "brief", {"_distribution.html": broken})
    code, output = run("check", root)
    assert code == 1, output
    assert "layouts/_distribution.html:2" in output and "meta.title" in output


def test_the_figure_takes_the_layouts_font_and_lane_colours(house: Path) -> None:
    """A CSS rule on the SVG's text had no effect: matplotlib set its font and colours."""
    code, output = run("build", house, "--format", "html")
    assert code == 0, output
    svg = "".join(_svgs(house))
    assert "font-family: 'DejaVu Serif', 'DejaVu Sans'" in svg
    assert "#0b6e4f" in svg and "#c87800" in svg and "#000080" in svg  # lanes 1, 2, several
    assert not {"#1b4f72", "#922b21", "#5b2c6f"} & set(re.findall(r"#[0-9a-f]{6}", svg))


def test_the_default_figure_is_unchanged_byte_for_byte(tmp_path: Path) -> None:
    """A layout that sets none of the figure's properties draws the figure the tool always
    drew (the same SVG as the drawing's own defaults, in the same font and colours)."""
    from briefing.checking import read_project
    from briefing.diagnostics import Diagnostics
    from briefing.figures import _draw
    from briefing.project import load_project

    plain = _project(tmp_path / "plain", {})
    other = _project(
        tmp_path / "other",
        {"brief.css": HOUSE_CSS.split(":root")[0] + ":root { --brief-accent: red; }\n"},
    )
    for root in (plain, other):
        code, output = run("build", root, "--format", "html")
        assert code == 0, output
    diagnostics = Diagnostics()
    timeline = read_project(plain, load_project(plain, diagnostics), diagnostics).timeline
    drawn = [svg.rstrip() for svg in _draw(timeline.events, timeline.lanes)]
    assert _svgs(plain) == _svgs(other) == drawn
    assert "'DejaVu Sans', 'Bitstream Vera Sans', sans-serif" in _svgs(plain)[0]
    assert "#1b4f72" in _svgs(plain)[0]


def test_the_figure_style_reads_the_roots_custom_properties_and_keeps_its_own_else() -> None:
    page = Rendered(
        "<html><head><style>:root { --brief-lane-1: var(--nope, #ABCDEF); "
        "--brief-lane-2: not-a-colour; --brief-figure-font: sans-serif; }"
        ".x { --brief-lane-3: red; }</style></head><body></body></html>",
        "html { --brief-lane-other: rgba(255, 0, 0, 0.5); }",
    )
    style = figure_style(page)
    assert style.lanes == ("#abcdef", "#922b21", "#1e6f4c")  # the others are the figure's own
    assert style.others == "#ff000080" and style.fonts == ("DejaVu Sans",)
