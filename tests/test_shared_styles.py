"""House styles shared across projects: a package that registers its layouts (entry point
group `briefing.layouts`) and the user's own folders (BRIEFING_LAYOUTS, then
$XDG_CONFIG_HOME/briefing/layouts), which only the user's environment names; `layouts
list` and `eject`; the watcher's filter of editors' files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from briefing.watch import changed_inputs

from .conftest import REPO, MakeProject, run

HOUSE_HTML = """\
{% extends "builtin/brief.html" %}
{% block marking_top %}
<div class="house-band"><img src="layouts/img/logo.png" alt="The unit"></div>
{{ super() }}
{% endblock %}
"""
HOUSE_PDF_CSS = '.house-band::after { content: url("layouts/img/band.png"); }\n'


def write_style(folder: Path, name: str = "house") -> Path:
    """A house style in folder: NAME.html with a logo, NAME-pdf.css with a band image."""
    (folder / "img").mkdir(parents=True)
    (folder / f"{name}.html").write_text(HOUSE_HTML, encoding="utf-8")
    (folder / f"{name}-pdf.css").write_text(HOUSE_PDF_CSS, encoding="utf-8")
    Image.new("RGB", (40, 20), "red").save(folder / "img" / "logo.png")
    Image.new("RGB", (30, 10), "blue").save(folder / "img" / "band.png")
    return folder


def write_distribution(site: Path) -> Path:
    """An installed distribution house-style on the path site: its package house_style,
    whose folder layouts/ it registers as the layouts of 'house-style'."""
    write_style(site / "house_style" / "layouts")
    (site / "house_style" / "__init__.py").write_text("raise SystemExit('imported')\n")
    info = site / "house_style-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: house-style\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[briefing.layouts]\nhouse = house_style.layouts\n")
    return site


def briefing(*args: str | Path, cwd: Path, pythonpath: list[Path]) -> tuple[int, str]:
    """`python -m briefing ARGS` in a process of its own, with PYTHONPATH as given."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, pythonpath))}
    done = subprocess.run(
        [sys.executable, "-m", "briefing", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


def images_in(pdf: Path) -> list[tuple[int, int]]:
    """Each image in the PDF, as its width and height in pixels."""
    listed = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return [(int(line.split()[3]), int(line.split()[4])) for line in listed]


def with_layout(brief: str, layout: str) -> str:
    return brief.replace("---\n", f"---\nlayout: {layout}\n", 1)


def test_a_package_registers_a_house_style_a_project_builds_with(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """Found through the entry point without importing the package (its __init__ would stop
    the process), its logo and band read from its own folder."""
    from .conftest import BRIEF

    site = write_distribution(tmp_path / "site")
    root = make_project({"brief.md": with_layout(BRIEF, "house")})
    code, output = briefing(
        "build", root, "--format", "pdf", "--format", "html", cwd=tmp_path, pythonpath=[REPO, site]
    )
    assert code == 0, output
    assert "warning" not in output and "error" not in output
    assert 'class="house-band"' in (root / "dist/brief.html").read_text(encoding="utf-8")
    assert {(40, 20), (30, 10)} <= set(images_in(root / "dist/brief.pdf"))
    assert not (root / "layouts").exists()  # nothing copied into the project

    code, output = briefing("layouts", "list", root, cwd=tmp_path, pythonpath=[REPO, site])
    folder = site / "house_style" / "layouts"
    assert "  house    package house-style (house_style.layouts)\n" in output, output
    assert "  onepage  shipped\n" in output
    assert folder.exists()


def test_a_user_folder_named_in_briefing_layouts_styles_a_project(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .conftest import BRIEF

    style = write_style(tmp_path / "styles")
    monkeypatch.setenv(
        "BRIEFING_LAYOUTS", os.pathsep.join(["", str(tmp_path / "none"), str(style)])
    )
    root = make_project({"brief.md": with_layout(BRIEF, "house")})
    code, output = run("build", root, "--format", "pdf")
    assert code == 0, output
    assert {(40, 20), (30, 10)} <= set(images_in(root / "dist/brief.pdf"))

    # A change in the shared folder is a change of the project's inputs.
    assert run("build", root, "--format", "html")[0] == 0
    assert "up to date" in run("build", root, "--format", "html")[1]
    revised = HOUSE_HTML.replace("The unit", "The revised unit")
    (style / "house.html").write_text(revised, encoding="utf-8")
    code, output = run("build", root, "--format", "html")
    assert code == 0 and "up to date" not in output, output
    assert "The revised unit" in (root / "dist/brief.html").read_text(encoding="utf-8")


def test_the_configuration_folder_is_a_user_folder_and_the_project_comes_first(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    write_style(config / "briefing" / "layouts", "onepage")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    root = make_project({"layouts/onepage.html": "{% extends 'builtin/onepage.html' %}\n"})
    code, output = run("layouts", "list", root)
    assert code == 0
    user = f"user folder {config / 'briefing' / 'layouts'}"
    assert (
        "  onepage  project layouts/\n"
        f"           {user} (not used: the one above comes first)\n"
        "           shipped (not used: the one above comes first)\n"
    ) in output


def test_an_unknown_layout_lists_them_all_the_one_meant_first(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    style = write_style(tmp_path / "styles")
    monkeypatch.setenv("BRIEFING_LAYOUTS", str(style))
    root = make_project()
    code, output = run("build", root, "--layout", "hous", "--format", "html")
    assert code == 1
    assert (
        "error: layout 'hous' not found (no template hous.html)\n"
        "    did you mean 'house'?\n"
        f"    layouts: brief (shipped), house (user folder {style}), onepage (shipped)"
    ) in output


def test_a_project_cannot_name_a_folder_outside_it(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither a path in `layout:`, nor a distribution in the project (`python -m` run in it
    puts it on sys.path), nor a style's file while the style is not in use."""
    from .conftest import BRIEF

    outside = write_style(tmp_path / "outside")  # beside the projects
    for layout in (f"{outside}/house", "../outside/house", "builtin/../../outside/house"):
        root = make_project({"brief.md": with_layout(BRIEF, layout)})
        code, output = run("check", root)
        assert code == 1 and "not found" in output, output

    root = make_project({"brief.md": with_layout(BRIEF, "house")})
    write_distribution(root)  # house_style/ and its .dist-info inside the project
    code, output = briefing("check", ".", cwd=root, pythonpath=[REPO])
    assert code == 1 and "layout 'house' not found" in output, output
    assert "imported" not in output

    # The user's folder is readable only to a layout that comes from it.
    logo = (outside / "img" / "logo.png").as_uri()
    own = HOUSE_HTML.replace("layouts/img/logo.png", logo)
    root = make_project({"layouts/brief.html": own})
    monkeypatch.setenv("BRIEFING_LAYOUTS", str(outside))
    code, output = run("check", root)
    assert code == 1 and f"resource refused: {logo}: outside the project" in output, output


def test_eject_copies_a_layout_with_its_stylesheets_and_never_overwrites(
    make_project: MakeProject,
) -> None:
    root = make_project()
    code, output = run("layouts", "eject", "brief", root)
    assert code == 0, output
    names = ["brief.html", "brief.css", "brief-pdf.css"]
    assert output == "".join(f"copied builtin/{n} to {root / 'layouts' / n}\n" for n in names)
    (root / "layouts/brief.css").write_text("/* mine */\n", encoding="utf-8")
    code, output = run("layouts", "eject", "brief", root)
    assert code == 1 and "brief-pdf.css exist already; use --force to replace them" in output
    assert (root / "layouts/brief.css").read_text(encoding="utf-8") == "/* mine */\n"
    assert run("layouts", "eject", "brief", root, "--force")[0] == 0
    assert (root / "layouts/brief.css").read_bytes() == (REPO / "layouts/brief.css").read_bytes()


def test_eject_copies_a_shared_style_into_the_project_never_into_a_shared_folder(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    style = write_style(tmp_path / "styles")
    monkeypatch.setenv("BRIEFING_LAYOUTS", str(style))
    root = make_project()
    code, output = run("layouts", "eject", "house", root)
    assert code == 0, output
    assert output == (
        f"copied {style / 'house.html'} to {root / 'layouts/house.html'}\n"
        f"copied {style / 'house-pdf.css'} to {root / 'layouts/house-pdf.css'}\n"
    )
    assert code == 0 and "shipped" not in output
    assert run("layouts", "eject", "builtin/onepage.css", root)[0] == 0
    for name in ("../brief.html", "builtin/../../brief.html", "..", ".brief.css"):
        assert run("layouts", "eject", name, root, "--force") == (
            1,
            f"Error: '{name.removeprefix('builtin/')}' is not a layout's or template's name\n",
        )
    assert not (root / "brief.html").exists() and not (root.parent / "brief.html").exists()

    # A project whose layouts/ is a link to the shared folder: eject writes nowhere.
    linked = make_project()
    (linked / "layouts").symlink_to(style)
    before = sorted(p.name for p in style.iterdir())
    for name in ("brief", "house"):
        code, output = run("layouts", "eject", name, linked, "--force")
        assert code == 1 and "outside the project; not replaced" in output, output
    assert sorted(p.name for p in style.iterdir()) == before
    assert (style / "house.html").read_text(encoding="utf-8") == HOUSE_HTML


def test_editors_temporary_files_are_not_changes(tmp_path: Path) -> None:
    temporary = [".brief.md.swp", "brief.md~", "4913", ".#brief.md", "x.tmp"]
    temporary += ["layouts/4913", "layouts/5036", "layouts/#brief.html#", "seeds/x.yaml.tmp"]
    temporary += ["layouts/.brief.css.swp", "layouts/brief.css.swo", "figures/timeline.yaml~"]
    real = ["brief.md", "layouts/brief.css", "seeds/2024.txt", "seeds/4913.txt"]
    for name in temporary + real:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    paths = [str(tmp_path / name) for name in temporary + real]
    assert changed_inputs(tmp_path, tmp_path / "dist", paths) == sorted(real)


STYLED = """\
{% extends "builtin/brief.html" %}
{% block masthead %}<p class="masthead">The house masthead</p>{% endblock %}
"""
STYLED_PDF_CSS = """\
{% include "builtin/brief-pdf.css" %}
:root { --brief-lane-1: #ff00aa; --brief-lane-2: #ff00aa; --brief-lane-several: #ff00aa;
  --brief-lane-other: #ff00aa; --brief-watermark-font: "DejaVu Sans Mono";
  --brief-stamp-font: "DejaVu Serif"; }
"""
DISTRIBUTION = """\
{% extends "builtin/_distribution.html" %}
{% block distribution %}<h2>Issued by the house</h2>{{ super() }}{% endblock %}
"""


def test_a_house_style_in_a_user_folder_styles_every_surface_of_a_colleagues_project(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cover, the figure, the copies' stamps, the watermark and the distribution list
    take the house style, and nothing is copied into the project."""
    from .conftest import BRIEF

    style = tmp_path / "styles"
    style.mkdir()
    (style / "house.html").write_text(STYLED, encoding="utf-8")
    (style / "house-pdf.css").write_text(STYLED_PDF_CSS, encoding="utf-8")
    (style / "_distribution.html").write_text(DISTRIBUTION, encoding="utf-8")
    monkeypatch.setenv("BRIEFING_LAYOUTS", str(style))
    root = make_project({"brief.md": with_layout(BRIEF, "house")})
    code, output = run("build", root, "--copies", "1", "--watermark", "DRAFT")
    assert code == 0, output
    html = (root / "dist/brief.html").read_text(encoding="utf-8")
    assert "The house masthead" in html
    figure = html[html.index("<svg") : html.index("</svg>")]
    assert "#ff00aa" in figure.lower()  # the lanes' colour
    fonts = subprocess.run(
        ["pdffonts", str(root / "dist/copies/brief-master.pdf")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "DejaVuSansMono" in fonts.replace("-", "") and "DejaVuSerif" in fonts.replace("-", "")
    listing = subprocess.run(
        ["pdftotext", str(root / "dist/copies/brief-master.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Issued by the house" in listing and "The house masthead" in listing
    assert not (root / "layouts").exists()
