"""A designer's hooks into the layouts: the print sheet's precedence, the brief's own values
for its layout (`extra:`), the shipped templates' named blocks, and preview and watch taking
--layout and --paper."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import jinja2
import pytest
from PIL import Image

from briefing.build import build
from briefing.layouts import shipped
from briefing.options import Options

from .conftest import BRIEF, MakeProject, pages_text, run


def html_of(root: Path, tmp_path: Path) -> str:
    build(root, Options(outdir=tmp_path / "html", formats=("html",)))
    return (tmp_path / "html" / "brief.html").read_text(encoding="utf-8")


def json_of(root: Path, tmp_path: Path) -> str:
    build(root, Options(outdir=tmp_path / "json", formats=("json",)))
    return (tmp_path / "json" / "brief.json").read_text(encoding="utf-8")


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
    return [
        page.getpixel((x, y))  # type: ignore[misc]
        for y in range(top, bottom + 1)
        for x in range(left, right + 1)
    ]


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


# --- extra: the brief's own values for its layout ---------------------------------------

WITH_EXTRA = BRIEF.replace(
    "product_id: T-1\n",
    "product_id: T-1\nextra:\n  distribution: Desk heads only\n  unit:\n    name: Harbour desk\n",
)
# The marking block runs in the brief and in its annex; the bottom line in both and in the
# read-ahead.
READS_EXTRA = {
    "layouts/brief.html": '{% extends "builtin/brief.html" %}{% block marking_top %}'
    "{{ super() }}<p>Distribution: {{ meta.extra.distribution }}.</p>{% endblock %}",
    "layouts/_bottom_line.html": '{% include "builtin/_bottom_line.html" %}'
    '<p>Unit: {{ meta.extra.unit.name | default("none given") }}.</p>'
    "{% if not meta.extra.distribution %}<p>For general distribution.</p>{% endif %}",
}


def test_extra_values_reach_every_template_and_brief_json(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project({"brief.md": WITH_EXTRA, **READS_EXTRA})
    out = tmp_path / "out"
    assert run("build", root, "-o", out, "--annex", "separate")[0] == 0
    for name in ("brief.pdf", "brief-annex.pdf", "brief-readahead.pdf"):
        text = " ".join(" ".join(pages_text(out / name)).split())
        assert "Desk heads only" in text or name == "brief-readahead.pdf", name
        assert "Unit: Harbour desk." in text or name == "brief-annex.pdf", name
    html = (out / "brief.html").read_text("utf-8")
    assert "Distribution: Desk heads only." in html and "Unit: Harbour desk." in html
    assert "For general distribution" not in html
    meta = json.loads((out / "brief.json").read_text("utf-8"))["meta"]
    assert meta["extra"] == {"distribution": "Desk heads only", "unit": {"name": "Harbour desk"}}


def test_a_value_the_brief_does_not_give_renders_empty(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """As mkdocs' config.extra: empty when printed, false in an if, `default` applies."""
    root = make_project(READS_EXTRA)
    html = html_of(root, tmp_path)
    assert "Distribution: .</p>" in html
    assert "Unit: none given." in html and "For general distribution." in html
    assert json.loads(json_of(root, tmp_path))["meta"]["extra"] == {}


def test_a_layout_value_outside_extra_is_pointed_there(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project(
        {
            "brief.md": BRIEF.replace("product_id: T-1\n", "product_id: T-1\ndistribution: All\n"),
            "layouts/brief.html": '{% extends "builtin/brief.html" %}'
            "{% block marking_top %}{{ meta.distribution }}{% endblock %}",
        }
    )
    status, output = run("build", root, "-o", tmp_path / "out", "--format", "html")
    assert status == 1
    assert (
        "brief.md:9:15: warning: unknown front-matter key 'distribution'\n"
        "    a value of this brief's own for its layout goes under extra:, and the layout "
        "reads it as meta.extra.distribution\n    extra:\n      distribution: ..."
    ) in output
    assert "error: template error: 'meta.distribution' does not exist" in output
    assert "give it under extra: and read meta.extra.distribution" in output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("extra: Desk heads only\n", "brief.md:9:8: error: 'extra' must be a mapping"),
        ("extra:\n  sent: !!binary aGVsbG8=\n", "brief.md:10:9: error: extra: a value YAML"),
        ("extra:\n  odd: .nan\n", "brief.md:10:8: error: extra: a value YAML reads as float"),
        (  # aliases: nine levels of nine would be 387 million values
            "extra:\n  a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + "".join(
                f"  {n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
                for p, n in zip("abcdefgh", "bcdefghi", strict=True)
            ),
            "error: 'extra' holds more than 10,000 values",
        ),
    ],
)
def test_extra_is_free_data_of_a_sane_size(
    make_project: MakeProject, tmp_path: Path, extra: str, message: str
) -> None:
    root = make_project(
        {"brief.md": BRIEF.replace("product_id: T-1\n", "product_id: T-1\n" + extra)}
    )
    status, output = run("check", root)
    assert status == 1 and message in output, output


# --- named blocks in the shipped templates ------------------------------------------------

BLOCKS = {
    "brief.html": {
        "marking_top", "cover", "masthead", "title", "dates", "changes_note", "bottom_line",
        "glance", "scope", "contents", "main", "appendix", "source_summary", "source_entry",
        "vocabulary", "marking_bottom",
    },
    "onepage.html": {
        "marking_top", "masthead", "title", "changes_note", "bottom_line", "key_judgements",
        "figure", "source_digest", "marking_bottom",
    },
}  # fmt: skip
MASTHEAD = re.compile(r'<p class="product">.*?</p>', re.S)


def tags(html: str) -> str:
    """The page without the white space between its tags (a block's own indentation)."""
    return re.sub(r">\s+<", "><", html)


def child(layout: str, blocks: str = "") -> str:
    return f'{{% extends "builtin/{layout}.html" %}}{blocks}\n'


def test_the_shipped_layouts_have_the_named_blocks() -> None:
    env = jinja2.Environment()
    for name, blocks in BLOCKS.items():
        tree = env.parse((shipped() / name).read_text(encoding="utf-8"))
        assert {block.name for block in tree.find_all(jinja2.nodes.Block)} == blocks, name


@pytest.mark.parametrize("layout", ["brief", "onepage"])
def test_a_child_that_overrides_nothing_changes_nothing_and_one_block_one_thing(
    make_project: MakeProject, tmp_path: Path, layout: str
) -> None:
    brief = BRIEF.replace("product_id: T-1\n", f"product_id: T-1\nlayout: {layout}\n")
    shipped_html = html_of(make_project({"brief.md": brief}), tmp_path / "shipped")
    same = make_project({"brief.md": brief, f"layouts/{layout}.html": child(layout)})
    assert html_of(same, tmp_path / "same") == shipped_html
    masthead = '{% block masthead %}<p class="unit">Harbour desk</p>{% endblock %}'
    changed = make_project({"brief.md": brief, f"layouts/{layout}.html": child(layout, masthead)})
    expected = MASTHEAD.sub('<p class="unit">Harbour desk</p>', tags(shipped_html), count=1)
    assert expected != tags(shipped_html)
    assert tags(html_of(changed, tmp_path / "changed")) == expected


def test_a_child_changes_each_source_entry(make_project: MakeProject, tmp_path: Path) -> None:
    """source_entry is a scoped block in the loop over the sources: it sees `source`, and
    the layout's macros (cited_in) as the shipped entry does."""
    entry = (
        '{% block source_entry %}<article class="entry">{{ source.entry.label }}: '
        "{% for passage in brief.passages_of(source.id) %}"
        "{{ cited_in(passage.citations[0]) }}; {% endfor %}</article>{% endblock %}"
    )
    html = html_of(make_project({"layouts/brief.html": child("brief", entry)}), tmp_path)
    entries = re.findall(r'<article class="entry">(.*?)</article>', html)
    assert [e.split(":")[0] for e in entries] == ["S1", "S2"]
    assert 'href="#c' in entries[0]  # cited_in links where the passage is cited
    assert 'class="source-facts"' not in html and 'class="vocabulary"' in html


# --- preview and watch take --layout and --paper, as build does ---------------------------

PLAIN = child("brief", '{% block masthead %}<p class="unit">PLAIN MASTHEAD</p>{% endblock %}')


def page_when_built(url: str) -> str:
    """The preview's page, once its first build is in (it serves a waiting page before)."""
    deadline = time.monotonic() + 120  # a bound on waiting, not a measurement
    while True:
        page: str = urllib.request.urlopen(url, timeout=60).read().decode("utf-8")
        if "<h1>" in page or time.monotonic() > deadline:
            return page
        time.sleep(0.1)


def letter_pdf_when_written(pdf: Path, process: subprocess.Popen[str]) -> str:
    """pdfinfo's page size of the PDF, once the process has written it."""
    deadline = time.monotonic() + 120  # a bound on waiting, not a measurement
    while not pdf.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return next(line for line in info.stdout.splitlines() if line.startswith("Page size"))


@pytest.mark.parametrize("command", ["preview", "watch"])
def test_preview_and_watch_take_layout_and_paper(
    make_project: MakeProject, tmp_path: Path, command: str
) -> None:
    root = make_project({"layouts/plain.html": PLAIN})
    out = tmp_path / "out"
    port = ["--port", "0"] if command == "preview" else ["--format", "pdf"]
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", command, str(root), "-o", str(out), *port,
         "--layout", "plain", "--paper", "letter"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        if command == "preview":
            found = re.search(r"at (http://127\.0\.0\.1:\d+/)", first)
            assert found, first
            assert "PLAIN MASTHEAD" in page_when_built(found[1])
        assert "612 x 792 pts (letter)" in letter_pdf_when_written(out / "brief.pdf", process)
        assert "PLAIN MASTHEAD" in " ".join(pages_text(out / "brief.pdf"))
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
