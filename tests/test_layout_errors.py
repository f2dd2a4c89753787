"""A designer's mistakes in a layout's CSS are reported, never silent: what WeasyPrint would
ignore, a block never closed, a font that is not installed (warnings at layouts/FILE:LINE:COL),
and a rule that crashes the typesetter (one error, no traceback, nothing written)."""

from __future__ import annotations

import shutil
from typing import Any

from briefing.layout_css import installed_fonts
from briefing.layouts import shipped

from .conftest import MakeProject, run
from .test_lsp import RawServer, frame, initialize, notification, published, request
from .test_preview import _get, _next_state, start, stop

INCLUDE = '{% include "builtin/brief.css" %}\n'
BRIEF_CSS = (
    INCLUDE
    + """\
.masthead {
  color: rde;
  margin: 0 0 4mm;
.band { background: #7a1f1f; }
.logo { width: 20mm; }
"""
)
BRIEF_PDF_CSS = """\
{% include "builtin/brief-pdf.css" %}
@page {
  size: A4 landscpe;
}
@page :left { size: {{ meta.paper }}; }
"""
EXPECTED = [
    "layouts/brief-pdf.css:3:3: warning: WeasyPrint ignores `size: A4 landscpe`: invalid value",
    "layouts/brief.css:2:1: warning: the block of `.masthead` is never closed: every rule "
    "after it is read as nested inside it",
    "layouts/brief.css:3:3: warning: WeasyPrint ignores `color: rde`: invalid value",
]


def _warnings(output: str) -> list[str]:
    return sorted(line for line in output.splitlines() if ": warning: " in line)


def test_css_mistakes_are_warnings_at_their_file_line_and_column(
    make_project: MakeProject,
) -> None:
    root = make_project({"layouts/brief.css": BRIEF_CSS, "layouts/brief-pdf.css": BRIEF_PDF_CSS})
    status, output = run("check", root)
    assert status == 0 and _warnings(output) == EXPECTED, output
    status, output = run("build", root, "--format", "pdf")
    assert status == 0 and _warnings(output) == EXPECTED, output
    assert (root / "dist" / "brief.pdf").is_file()


def test_a_stray_brace_and_a_bad_selector_are_found_too(make_project: MakeProject) -> None:
    root = make_project(
        {
            "layouts/brief.css": INCLUDE + ".a { color: red; } }\n.b { color: blue; }\n"
            ".c:hoverr { color: red; }\n"
        }
    )
    status, output = run("check", root)
    assert status == 0
    assert _warnings(output) == [
        "layouts/brief.css:2:20: warning: a `}` that closes no block; WeasyPrint ignores "
        "the rule after it",
        "layouts/brief.css:4:1: warning: WeasyPrint ignores the rule `.c:hoverr`: invalid or "
        "unsupported selector",
    ], output


def test_the_shipped_stylesheets_give_no_warning_as_a_projects_own(
    make_project: MakeProject,
) -> None:
    """Copied into the project, as a designer starts: Jinja in them ({{ meta.paper }}, an
    {% if %}) is not taken for CSS mistakes."""
    root = make_project()
    (root / "layouts").mkdir()
    for sheet in shipped().glob("*.css"):
        shutil.copy(sheet, root / "layouts" / sheet.name)
    status, output = run("check", root)
    assert status == 0 and "warning" not in output, output


def test_a_font_that_is_not_installed_is_named_with_what_is(make_project: MakeProject) -> None:
    installed = installed_fonts()
    assert installed, "fontconfig lists no font"
    present = sorted(installed.values())[0]
    root = make_project(
        {
            "layouts/brief.css": INCLUDE
            + """\
:root { --brief-text-font: "Frutiger Next", serif; }
@font-face { font-family: "House Face"; src: url(data:font/woff2,x); }
h1 { font-family: "House Face", serif; }
h2 { font-family: sans-serif; }
"""
            + f'h3 {{ font-family: "{present}", serif; }}\n'
            + "h4 { font: italic 9pt/1.2 Nosuch Grotesk, Arial, sans-serif; }\n"
        }
    )
    status, output = run("check", root)
    assert status == 0, output
    warnings = [line for line in output.splitlines() if "warning" in line]
    assert warnings == [
        "layouts/brief.css:2:9: warning: the font 'Frutiger Next' is not installed and no "
        "@font-face provides it: text set in it prints in another font",
        "layouts/brief.css:7:6: warning: the font 'Nosuch Grotesk' is not installed and no "
        "@font-face provides it: text set in it prints in another font",
    ], output
    families = len(set(installed.values()))
    assert f"installed ({families} famil" in output and present in output, output


CRASHING = INCLUDE + ".appendix { columns: 2; }\n.vocabulary { column-span: all; height: 400mm; }\n"
CRASH = (
    "layouts/brief.css: error: typesetting failed in WeasyPrint (AssertionError) with the "
    "layout files layouts/brief.css: a CSS rule it cannot lay out"
)


def test_a_rule_that_crashes_the_typesetter_is_one_error_and_nothing_is_written(
    make_project: MakeProject,
) -> None:
    root = make_project({"layouts/brief.css": CRASHING})
    status, output = run("build", root)  # run() asserts there is no traceback
    assert status == 1, output
    assert [line for line in output.splitlines() if ": error: " in line] == [CRASH], output
    assert "undo your last change to them" in output
    assert not (root / "dist").exists()


def test_preview_shows_a_typesetting_crash(make_project: MakeProject) -> None:
    root = make_project({"layouts/brief.css": CRASHING})
    server = start(root)
    try:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        events = _get(server, "/events", {"Host": f"127.0.0.1:{port}"})
        state: dict[str, Any] = _next_state(events)
        while state["pdf"] in ("waiting", "typesetting"):
            state = _next_state(events)
        events.close()
    finally:
        output = stop(server)
    assert state["pdf"] == "failed", state
    assert [p["message"] for p in state["problems"]] == [CRASH.split(": error: ")[1]], state
    assert "Traceback" not in output, output


def test_the_language_server_publishes_them_on_the_stylesheet(make_project: MakeProject) -> None:
    root = make_project({"layouts/brief.css": INCLUDE + "p {\n  colr: red;\n}\n"})
    server = RawServer()
    try:
        server.send(frame(initialize(1)))
        server.answer(1)
        brief = root / "brief.md"
        item = {"uri": brief.as_uri(), "languageId": "markdown", "version": 1}
        opened = {**item, "text": brief.read_text("utf-8")}
        server.send(frame(notification("textDocument/didOpen", {"textDocument": opened})))
        sheet = (root / "layouts" / "brief.css").as_uri()
        (found,) = published(server, sheet)[sheet]
        server.send(frame(request(2, "shutdown", None)))
        server.answer(2)
    finally:
        server.close()
    start_at = found["range"]["start"]
    assert (start_at["line"] + 1, start_at["character"] + 1) == (3, 3), found
    assert found["message"] == "WeasyPrint ignores `colr: red`: unknown property", found
