"""Images in layouts and in the brief: taken into brief.html as data: URLs (it is one
self-contained file), held to the pixel limit with one error where they are named, and a
refused address named at its own line."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image

from .conftest import BRIEF, MakeProject, run

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    '<rect width="40" height="20" fill="#c00"/></svg>\n'
)
# A layout that adds to the shipped cover: its line 2 names the image.
COVER = (
    '{% extends "builtin/brief.html" %}{% block cover %}\n'
    '<img class="logo" src="IMAGE" alt="Unit">\n'
    "{{ super() }}{% endblock %}\n"
)


def cover_with(image: str) -> str:
    return COVER.replace("IMAGE", image)


def data_urls(page: str) -> list[tuple[str, bytes]]:
    """The media type and bytes of each base64 data: URL in a page."""
    found = re.findall(r"data:([\w/+.-]+);base64,([A-Za-z0-9+/=]+)", page)
    return [(kind, base64.b64decode(payload)) for kind, payload in found]


def test_images_of_the_layout_its_stylesheet_and_the_brief_are_taken_into_the_html(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {
            "layouts/brief.html": cover_with("layouts/img/logo.svg"),
            "layouts/brief.css": '{% include "builtin/brief.css" %}\n'
            ".cover { background: url('layouts/img/band.png') no-repeat; }\n",
            "layouts/img/logo.svg": LOGO,
            "brief.md": BRIEF + "\n![The harbour](figures/map.png)\n",
        }
    )
    Image.new("RGB", (30, 10), "#2050a0").save(root / "layouts" / "img" / "band.png")
    Image.new("RGB", (12, 8), "#208040").save(root / "figures" / "map.png")
    status, output = run("build", root, "--format", "html")
    assert status == 0, output
    page = (root / "dist" / "brief.html").read_text(encoding="utf-8")
    for name in ("layouts/img/logo.svg", "layouts/img/band.png", "figures/map.png"):
        assert name not in page  # no reference to a file beside the page
        assert (root / name).read_bytes() in [data for _, data in data_urls(page)]
    assert ("image/svg+xml", LOGO.encode()) in data_urls(page)
    assert re.search(r'<img class="logo" src="data:image/svg\+xml;base64,', page)
    assert re.search(r"\.cover \{ background: url\(data:image/png;base64,", page)


def test_an_image_in_a_layout_is_in_the_pdf(make_project: MakeProject) -> None:
    root = make_project({"layouts/brief.html": cover_with("layouts/img/logo.png")})
    (root / "layouts" / "img").mkdir()
    Image.new("RGB", (64, 32), "#c00000").save(root / "layouts" / "img" / "logo.png")
    status, output = run("build", root, "--format", "pdf")
    assert status == 0, output
    listed = subprocess.run(
        ["pdfimages", "-list", str(root / "dist" / "brief.pdf")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert re.search(r"^\s*1\s+\d+\s+image\s+64\s+32\b", listed, re.M), listed


def build_in_a_child(root: Path) -> subprocess.CompletedProcess[str]:
    """`briefing build` as a user runs it: Pillow's warnings would reach its stderr."""
    return subprocess.run(
        [sys.executable, "-W", "default", "-m", "briefing", "build", str(root)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_an_image_over_the_pixel_limit_in_a_layout_stops_the_build_where_it_is_named(
    make_project: MakeProject,
) -> None:
    root = make_project({"layouts/brief.html": cover_with("layouts/img/big.png"),
                         "dist/brief.html": "the previous page\n"})  # fmt: skip
    (root / "layouts" / "img").mkdir()
    Image.new("1", (8000, 6000), 1).save(root / "layouts" / "img" / "big.png")  # 48 MP, 17 kB
    result = build_in_a_child(root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "layouts/brief.html:2:24: error: image 'layouts/img/big.png': "
        "8,000 x 6,000 pixels (48,000,000); the limit is 40,000,000"
    ), result.stderr
    assert "DecompressionBomb" not in result.stderr + result.stdout
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["brief.html"]
    assert (root / "dist" / "brief.html").read_text(encoding="utf-8") == "the previous page\n"


def test_an_image_over_the_pixel_limit_in_the_brief_is_one_error_without_a_warning(
    make_project: MakeProject,
) -> None:
    root = make_project({"brief.md": BRIEF + "\nThe harbour: ![map](figures/big.png)\n"})
    Image.new("1", (8000, 6000), 1).save(root / "figures" / "big.png")
    result = build_in_a_child(root)
    line = BRIEF.count("\n") + 2
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"brief.md:{line}:21: error: image 'figures/big.png': "
        "8,000 x 6,000 pixels (48,000,000); the limit is 40,000,000",
        "Error: build failed: 1 error; nothing was written",
    ]
    assert not (root / "dist").exists()


def test_an_image_over_the_pixel_limit_in_a_data_url_is_refused(
    make_project: MakeProject, tmp_path: Path
) -> None:
    Image.new("1", (8000, 6000), 1).save(tmp_path / "big.png")
    url = "data:image/png;base64," + base64.b64encode((tmp_path / "big.png").read_bytes()).decode()
    root = make_project({"layouts/brief.html": cover_with(url)})
    status, output = run("check", root)
    assert status == 1
    assert re.search(
        r"^layouts/brief\.html:2:24: error: image 'data:image/png;base64,\S+…': "
        r"8,000 x 6,000 pixels \(48,000,000\)",
        output,
        re.M,
    ), output


def test_a_refused_address_is_named_at_its_own_line(make_project: MakeProject) -> None:
    """The address's path (/img/logo.svg) is in the line above too: the address as written
    is what is looked for, in check and where typesetting refuses it."""
    layout = COVER.replace(
        '<img class="logo" src="IMAGE" alt="Unit">',
        '<img src="layouts/img/logo.svg" alt="">\n'
        '  <img src="https://unit.example/img/logo.svg" alt="">',
    )
    root = make_project({"layouts/brief.html": layout, "layouts/img/logo.svg": LOGO})
    expected = (
        "layouts/brief.html:3:13: error: resource refused: https://unit.example/img/logo.svg: "
        "only files inside the project and data: URLs may be used"
    )
    for command in (["check"], ["build", "--format", "pdf"]):
        status, output = run(*command, root)
        assert status == 1
        assert output.splitlines()[0] == expected, output


def test_an_image_linked_out_of_the_project_is_refused_where_the_layout_names_it(
    make_project: MakeProject,
) -> None:
    root = make_project({"layouts/brief.html": cover_with("layouts/img/secret.svg")})
    (root / "layouts" / "img").mkdir()
    (root / "layouts" / "img" / "secret.svg").symlink_to("/etc/passwd")
    status, output = run("check", root)
    assert status == 1
    assert output.splitlines()[0] == (
        "layouts/brief.html:2:24: error: image 'layouts/img/secret.svg': "
        "a link to a place outside the project"
    ), output


def test_a_tag_of_a_million_characters_is_read_in_linear_time(make_project: MakeProject) -> None:
    """Looking for the files a page names must not take hours on a hostile page (a pattern
    that backtracked took 2.7 s on 20 kB, and a million characters would take hours)."""
    long_tag = "<img " + "a" * 1_000_000 + ' src="#x">'
    style = "<style>" + "url(" * 250_000 + "</style>"
    root = make_project(
        {"layouts/brief.html": cover_with("#x").replace("\n{{", long_tag + style + "\n{{")}
    )
    result = subprocess.run(  # a hang fails by the timeout
        [sys.executable, "-m", "briefing", "check", str(root)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1  # for the url( of url( ..., which names no file
    assert result.stderr.endswith(": no such file\nError: check failed: 1 error\n")
