"""`check` and `build` agree, and each problem is named plainly, once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.build import build, check
from briefing.diagnostics import BuildFailed
from briefing.options import Options

from .conftest import BRIEF, SOURCES_YAML, MakeProject, run


def test_events_without_a_timeline_are_a_warning_and_the_brief_builds(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {"brief.md": BRIEF.replace(":::{timeline} Events in Port Ellis.\n:::\n", "")}
    )
    warnings = [str(w) for w in check(root).diagnostics.warnings]
    assert warnings == [
        "figures/timeline.yaml: warning: 2 events not shown: brief.md places no ':::{timeline}'\n"
        "    put ':::{timeline} A caption' and ':::' where the figure and the chronology "
        "should stand"
    ]
    result = build(root, Options(formats=("pdf", "html", "json")))  # WeasyPrint once failed
    assert [p.name for p in result.written] == ["brief.pdf", "brief.html", "brief.json"]
    html = (root / "dist" / "brief.html").read_text(encoding="utf-8")
    data = json.loads((root / "dist" / "brief.json").read_text(encoding="utf-8"))
    event_citations = {i for e in data["events"] for i in e["citations"]}
    for index in event_citations:  # still in the appendix, without a link to nowhere
        assert f'href="#c{index}"' not in html
        assert f'id="c{index}"' not in html
    assert "Timeline: March 2024" in html


def test_check_finds_a_layout_error_and_names_it_as_written(make_project: MakeProject) -> None:
    layout = (
        '{% extends "builtin/brief.html" %}\n'
        "{% block cover %}\n<h1>{{ meta.titel }}</h1>\n{% endblock %}\n"
    )
    root = make_project({"layouts/brief.html": layout})
    code, output = run("check", str(root))
    assert code == 1
    assert output.splitlines()[:3] == [
        "layouts/brief.html:3: error: template error: 'meta.titel' does not exist",
        "    did you mean 'meta.title'?",
        "    <h1>{{ meta.titel }}</h1>",
    ]
    assert "briefing.model" not in output


def test_outside_a_brief_project_one_line_suggests_briefing_new(tmp_path: Path) -> None:
    for command in ("build", "check"):
        assert run(command, str(tmp_path)) == (
            1,
            f"Error: {tmp_path}: not a brief project (it has no brief.md and no "
            "seeds/sources.yaml); create one with 'briefing new DIR'\n",
        )


def test_check_never_says_it_wrote_nothing(make_project: MakeProject) -> None:
    root = make_project({"brief.md": BRIEF.replace("[@harbour]", "[@harbor]")})
    code, output = run("check", str(root))
    assert code == 1 and output.endswith("Error: check failed: 1 error\n")
    code, output = run("build", str(root), "--format", "json")
    assert code == 1 and output.endswith("Error: build failed: 1 error; nothing was written\n")


def test_an_unknown_source_far_from_every_id_lists_the_ids(make_project: MakeProject) -> None:
    root = make_project({"brief.md": BRIEF.replace("[@harbour]", "[@gazette-2024]")})
    with pytest.raises(BuildFailed) as failed:
        check(root)
    (error,) = failed.value.diagnostics.errors
    assert (error.message, error.hint) == (
        "unknown source 'gazette-2024'",
        "sources in seeds/sources.yaml: harbour, cranes",
    )


def test_a_source_without_outlet_is_warned_of_not_silently_not_stated(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {"seeds/sources.yaml": SOURCES_YAML.replace("    outlet: Port Ellis Gazette\n", "")}
    )
    warnings = [str(w) for w in check(root).diagnostics.warnings]
    assert warnings == [
        "seeds/sources.yaml:3:5: warning: source 'harbour': no outlet; the appendix prints "
        "'not stated'\n    write it, or 'outlet: not stated' if the document does not say"
    ]


def test_an_undefined_template_variable_is_named_with_the_nearest(
    make_project: MakeProject,
) -> None:
    layout = (
        '{% extends "builtin/brief.html" %}\n{% block cover %}{{ metta.title }}{% endblock %}\n'
    )
    code, output = run("check", str(make_project({"layouts/brief.html": layout})))
    assert code == 1
    assert output.splitlines()[:2] == [
        "layouts/brief.html:2: error: template error: 'metta' is not defined",
        "    did you mean 'meta'?",
    ]
