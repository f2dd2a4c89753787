"""Rebuilds: nothing to do when no input changed; the same inputs give the same bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from briefing.cli import main

from .conftest import BRIEF, REPO, MakeProject


def build(*args: str) -> str:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_unchanged_inputs_are_not_rebuilt(make_project: MakeProject, tmp_path: Path) -> None:
    root, out = make_project(), tmp_path / "out"
    args = (str(root), "-o", str(out), "--format", "html", "--format", "json")
    assert build(*args).startswith("wrote ")
    current = f"up to date: {out / 'brief.html'}, {out / 'brief.json'}\n"
    assert build(*args) == current  # the inputs a build keeps are not outputs to report
    assert build(*args, "--force").startswith("wrote ")
    (root / "layouts").mkdir()
    (root / "layouts" / "_glance.html").write_text("<p>none</p>", encoding="utf-8")
    assert build(*args).startswith("wrote ")  # a layout is an input
    assert build(*args).startswith("up to date: ")
    (out / "brief.json").unlink()
    assert build(*args).startswith("wrote ")  # an output went missing
    assert build(str(root), "-o", str(out), "--format", "json").startswith("wrote ")  # options
    (root / "seeds" / "cranes.txt").write_text(
        "A second report\n\nInspectors found the northern crane unsafe and closed it.\n",
        encoding="utf-8",
    )
    assert build(str(root), "-o", str(out), "--format", "json").startswith("wrote ")


def test_check_and_html_never_load_the_heavy_renderers(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from briefing.build import build, check\n"
        "from briefing.options import Options\n"
        "check(Path(sys.argv[1]))\n"
        "assert 'weasyprint' not in sys.modules, 'check loaded WeasyPrint'\n"
        "assert 'matplotlib' not in sys.modules, 'check loaded matplotlib'\n"
        "build(Path(sys.argv[1]), Options(outdir=Path(sys.argv[2]), formats=('html',)))\n"
        "assert 'weasyprint' not in sys.modules, 'an HTML build loaded WeasyPrint'\n"
    )
    subprocess.run([sys.executable, "-c", script, str(REPO), str(tmp_path)], check=True)


def test_two_processes_write_identical_bytes(tmp_path: Path) -> None:
    for name in ("one", "two"):
        subprocess.run(
            [sys.executable, "-m", "briefing", "build", str(REPO), "-o", str(tmp_path / name)],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": "1" if name == "one" else "2"},
        )
    for output in ("brief.pdf", "brief.html", "brief.json"):
        one = (tmp_path / "one" / output).read_bytes()
        assert one == (tmp_path / "two" / output).read_bytes(), output
        assert str(tmp_path).encode() not in one and str(REPO).encode() not in one


def test_images_are_inlined_and_watched_for_changes(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project({"brief.md": BRIEF + "\n![A map](map.svg)\n"})
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
        '<rect width="4" height="4"/></svg>'
    )
    (root / "map.svg").write_text(svg, encoding="utf-8")
    out = tmp_path / "out"
    args = (str(root), "-o", str(out), "--format", "html")
    assert build(*args).startswith("wrote ")
    html = (out / "brief.html").read_text(encoding="utf-8")
    assert '<img src="data:image/svg+xml;base64,' in html and 'alt="A map"' in html
    assert build(*args).startswith("up to date: ")
    (root / "map.svg").write_text(svg.replace('"4"', '"5"'), encoding="utf-8")
    assert build(*args).startswith("wrote ")  # an image the brief uses is an input too
