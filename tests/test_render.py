"""Rendering: layouts and their errors, the figure, and the PDF stage's fetcher."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import figures
from briefing.build import build
from briefing.cache import load_cached, store_cached
from briefing.cli import main
from briefing.diagnostics import BuildFailed, Location
from briefing.figures import TimelineFigure, alt_text
from briefing.model import Event, PartialDate
from briefing.options import Options

from .conftest import BRIEF, OTHER_TEXT, SOURCES_YAML, TIMELINE_YAML, MakeProject


def html_of(root: Path, tmp_path: Path) -> str:
    build(root, Options(outdir=tmp_path / "out", formats=("html",)))
    return (tmp_path / "out" / "brief.html").read_text(encoding="utf-8")


def layout_errors(root: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(root, Options(outdir=tmp_path / "out", formats=("html",)))
    return [str(d) for d in failed.value.diagnostics]


def test_project_template_extends_the_shipped_one(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project(
        {
            "layouts/brief.html": '{% extends "builtin/brief.html" %}'
            "{% block cover %}<p>Custom cover for {{ meta.title }}</p>{% endblock %}"
        }
    )
    html = html_of(root, tmp_path)
    assert "<p>Custom cover for Port Ellis</p>" in html
    assert 'class="appendix"' in html and 'class="cover"' not in html


def test_project_file_overrides_a_shipped_part(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project({"layouts/_glance.html": "<p>No glance today</p>"})
    assert "<p>No glance today</p>" in html_of(root, tmp_path)


def test_template_syntax_error_names_file_and_line(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project({"layouts/brief.html": "<p>\n{% if meta.title %}\n<p>unclosed</p>\n"})
    assert layout_errors(root, tmp_path) == [
        "layouts/brief.html:3: error: template syntax error: Unexpected end of template. Jinja "
        "was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block "
        "that needs to be closed is 'if'.\n    <p>unclosed</p>"
    ]


def test_undefined_variable_is_an_error(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project({"layouts/brief.html": "<p>\n{{ meta.colour }}</p>\n"})
    assert layout_errors(root, tmp_path) == [
        "layouts/brief.html:2: error: template error: 'meta.colour' does not exist\n"
        "    a value of the brief's own: give it under extra: and read meta.extra.colour\n"
        "    {{ meta.colour }}</p>"
    ]


def test_text_is_escaped_whatever_the_template(make_project: MakeProject, tmp_path: Path) -> None:
    brief = (
        "---\ntitle: <script>alert(1)</script>\nmarking: M\ncutoff: 2024-03\nissued: 2024-04-01\n"
        "---\n\n<b>raw</b> <script>alert(2)</script>\n"
    )
    html = html_of(make_project({"brief.md": brief}), tmp_path)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html and "<script>alert(2)" not in html


def test_raw_html_only_when_the_brief_opts_in(make_project: MakeProject, tmp_path: Path) -> None:
    brief = (
        "---\ntitle: T\nmarking: M\ncutoff: 2024-03\nissued: 2024-04-01\nraw_html: true\n"
        "---\n\n<b>bold</b> and <em>kept</em>\n"
    )
    html = html_of(make_project({"brief.md": brief}), tmp_path)
    assert "<b>bold</b> and <em>kept</em>" in html


def test_missing_layout(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project()
    with pytest.raises(BuildFailed) as failed:
        build(root, Options(outdir=tmp_path / "out", formats=("html",), layout="poster"))
    assert [str(d) for d in failed.value.diagnostics] == [
        "brief.md: error: layout 'poster' not found (no template poster.html)\n"
        "    layouts: brief (shipped), onepage (shipped)"
    ]


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "/dev/urandom", "link.png", "../x.png"],
)
def test_pdf_stage_refuses_resources_outside_the_project(
    make_project: MakeProject, tmp_path: Path, url: str
) -> None:
    """Project stylesheets reach WeasyPrint's fetcher directly: it is the last guard."""
    css = '{% include "builtin/brief-pdf.css" %}\n.cover { background: url("' + url + '"); }\n'
    root = make_project({"layouts/brief-pdf.css": css, "x.png": "outside"})
    (root / "link.png").symlink_to("/etc/passwd")
    (root / "sub").mkdir()
    (root / "x.png").rename(root.parent / "x.png")
    with pytest.raises(BuildFailed) as failed:
        build(root, Options(outdir=tmp_path / "out", formats=("pdf",)))
    (message,) = [str(d) for d in failed.value.diagnostics]
    assert message.startswith("layouts/brief-pdf.css:2:27: error: resource refused: ")
    assert not (tmp_path / "out" / "brief.pdf").exists()


def test_pdf_stage_admits_an_image_inside_the_project(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10"/></svg>'
    )
    (root / "figures" / "logo.svg").write_text(svg, encoding="utf-8")
    brief = (root / "brief.md").read_text(encoding="utf-8") + "\n![logo](figures/logo.svg)\n"
    (root / "brief.md").write_text(brief, encoding="utf-8")
    build(root, Options(outdir=tmp_path / "out", formats=("pdf",)))
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "out" / "brief.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Title:           Port Ellis" in info


AT = Location("figures/timeline.yaml")
EVENTS = (
    Event(PartialDate(2000), "Both leaders take office", ("Putin", "Assad"), "", (0,), AT),
    Event(PartialDate(2015, 10, 20), "A visit", ("Assad",), "", (1,), AT),
)


def test_figure_is_deterministic_and_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = TimelineFigure(EVENTS, (), "Caption", tmp_path).result()
    (panel,) = first.panels
    assert panel.startswith("<svg") and "Both leaders take office</text>" in panel
    (cached,) = tmp_path.glob("timeline-*")
    assert load_cached(cached) == [panel]
    store_cached(cached, ["<svg>from the cache</svg>"])
    from_cache = TimelineFigure(EVENTS, (), "Caption", tmp_path)
    assert from_cache.drawing is None
    assert from_cache.result().panels == ("<svg>from the cache</svg>",)
    cached.write_text('["<svg>edited by hand</svg>"]', encoding="utf-8")  # no digest: redrawn
    assert TimelineFigure(EVENTS, (), "Caption", tmp_path).result().panels == (panel,)
    assert TimelineFigure(EVENTS, (), "Caption", None).result().panels == (panel,)
    monkeypatch.setattr(figures, "KEPT_FIGURES", 1)
    TimelineFigure(EVENTS[:1], (), "Caption", tmp_path).result()
    assert len(list(tmp_path.glob("timeline-*"))) == 1  # the cache keeps the latest only


def test_the_figure_is_cached_for_the_user_never_in_the_project(
    make_project: MakeProject, private_cache: Path
) -> None:
    """A project passed around could carry a cached figure of its own making (any SVG,
    scripts included) for the build to take as drawn."""
    root = make_project()
    result = CliRunner().invoke(main, ["build", str(root), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert len(list((private_cache / "figures").glob("timeline-*.json"))) == 1
    assert [p.name for p in (root / "dist").iterdir() if p.is_dir()] == [".briefing-inputs"]


@pytest.mark.parametrize(
    ("drawer", "drawn_here"),
    [(None, False), ("/bin/false", True), ("/nonexistent/python", True), ("", True)],
    ids=["other-process", "drawing-process-fails", "no-drawing-process", "embedded"],
)
def test_figure_is_drawn_in_another_process_or_else_here(
    make_project: MakeProject, drawer: str | None, drawn_here: bool
) -> None:
    root = make_project()
    script = (
        "import sys; from pathlib import Path; from briefing.build import build\n"
        + ("" if drawer is None else f"sys.executable = {drawer!r}\n")
        + f"build(Path({str(root)!r}))\n"
        "print('matplotlib.figure' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(drawn_here)
    assert "Talks announced</text>" in (root / "dist" / "brief.html").read_text(encoding="utf-8")


def test_alt_text_lists_the_events() -> None:
    assert alt_text(EVENTS) == (
        "Timeline of 2 events from 2000 to 20 October 2015. "
        "2000: Both leaders take office; 20 October 2015: A visit."
    )


def test_headings_with_citations_and_entities(make_project: MakeProject, tmp_path: Path) -> None:
    brief = (
        BRIEF + '\n## Pay & conditions [@harbour "the authority has offered 2%"]\n\n## Sources\n'
    )
    root = make_project({"brief.md": brief})
    result = build(root, Options(outdir=tmp_path / "out", formats=("html",)))
    html = (tmp_path / "out" / "brief.html").read_text(encoding="utf-8")
    assert '<a href="#pay-conditions">Pay &amp; conditions</a>' in html
    assert html.count('id="sources"') == 1 and 'id="sources-2"' in html
    assert "Pay & conditions" in result.brief.contexts.values()


def test_dollar_signs_in_event_titles_are_text(make_project: MakeProject, tmp_path: Path) -> None:
    timeline = TIMELINE_YAML.replace("title: Talks announced", "title: Offer of $2 or $3 a day")
    root = make_project({"figures/timeline.yaml": timeline})
    build(root, Options(outdir=tmp_path / "out", formats=("html",)))
    assert "Offer of $2 or $3 a day</text>" in (tmp_path / "out" / "brief.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("<p>\n{{ meta.title | md }}</p>", "layouts/brief.html:2: error: template error: md "
         "expects a Markdown fragment, not str\n    {{ meta.title | md }}</p>"),
        ('<p>\n{% include "_nope.html" %}</p>', "layouts/brief.html:2: error: template error: no "
         "template named '_nope.html'\n    {% include \"_nope.html\" %}</p>"),
    ],
)  # fmt: skip
def test_layout_mistakes_are_diagnostics(
    make_project: MakeProject, tmp_path: Path, template: str, message: str
) -> None:
    assert layout_errors(make_project({"layouts/brief.html": template}), tmp_path) == [message]


@pytest.mark.parametrize("extra_sources", [6, 7])
def test_corroboration_is_a_matrix_up_to_eight_sources_then_a_list(
    make_project: MakeProject, tmp_path: Path, extra_sources: int
) -> None:
    """The matrix grows as judgements times sources; past what fits a page it becomes a
    list of what each judgement cites, which grows with the citations only."""
    extra = {f"seeds/extra{n}.txt": OTHER_TEXT for n in range(extra_sources)}
    register = SOURCES_YAML + "".join(
        f"  extra{n}:\n    file: extra{n}.txt\n    title: Extra {n}\n    published: '2024'\n"
        "    type: news\n    reliability: C\n    credibility: 3\n"
        for n in range(extra_sources)
    )
    root = make_project({"seeds/sources.yaml": register, **extra})
    html = html_of(root, tmp_path)
    table = html[html.index('<table class="corroboration">') :]
    table = table[: table.index("</table>")]
    row = re.sub(r"<[^>]+>|\s+", " ", table[table.index("KJ1") :]).split()
    if extra_sources + 2 <= 8:  # a column for each source, and one for the count
        assert table.count('<th scope="col" class="count">') == extra_sources + 3
        cells = ["●", "●", *["–"] * extra_sources, "2"]  # harbour twice, cranes once: 2 sources
        assert row[: 4 + len(cells)] == ["KJ1", "likely", "·", "moderate", *cells]
    else:
        assert table.count('<th scope="col"') == 3 and "Sources cited" in table
        assert " ".join(row[:9]) == "KJ1 likely · moderate S1 (B2), S2 (F3) 2"


# A template error that only a page an output typesets besides the brief's own reaches.
ONLY_IN = {
    "appended": ("onepage.html", "</title>"),  # the read-ahead's layout
    "separate": ("brief.html", '<p class="annex-of">'),  # the annex part
    "none": ("brief.html", '<p class="annex-note">'),  # the body without its annex
}


@pytest.mark.parametrize("annex", list(ONLY_IN))
def test_check_fails_on_a_template_error_in_any_page_an_output_typesets(
    make_project: MakeProject, annex: str
) -> None:
    """The read-ahead's layout, and the body and annex parts of a separate or absent annex,
    are rendered by check too: check fails whenever build would."""
    layout, before = ONLY_IN[annex]
    shipped = (Path(__file__).resolve().parent.parent / "layouts" / layout).read_text("utf-8")
    broken = shipped.replace(before, "{{ meta.nosuch.x }}" + before, 1)
    assert broken != shipped
    brief = BRIEF.replace("product_id: T-1\n", f"product_id: T-1\nannex: {annex}\n")
    root = make_project({"brief.md": brief, f"layouts/{layout}": broken})
    checked = CliRunner().invoke(main, ["check", str(root)])
    built = CliRunner().invoke(main, ["build", str(root)])
    assert checked.exit_code == built.exit_code == 1, (checked.output, built.output)
    assert f"layouts/{layout}:" in checked.output
    assert "'meta.nosuch' does not exist" in checked.output
