"""The command line: exit codes and exact messages, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from briefing import __version__
from briefing.cli import main

from .conftest import BRIEF, MakeProject, run


def test_version_and_help() -> None:
    assert run("--version") == (0, f"briefing, version {__version__}\n")
    code, output = run("build", "--help")
    assert code == 0 and "--outdir" in output and "--paper" in output
    code, output = run("check", "--help")
    assert code == 0 and "without rendering" in output


def test_check_clean_project(make_project: MakeProject) -> None:
    code, output = run("check", str(make_project()))
    assert (code, output) == (
        0,
        "S1 harbour: text, 46 words; no findings\n"
        "S2 cranes: text, 15 words; no findings\n"
        "ok: 1 judgement, 7 citations verified against 2 sources, 2 events\n",
    )


def test_check_tampered_quote_names_file_line_and_closest_passage(
    make_project: MakeProject,
) -> None:
    root = make_project({"brief.md": BRIEF.replace("before the winter", "before the summer")})
    code, output = run("check", str(root))
    assert code == 1
    assert output.splitlines() == [
        "brief.md:22:37: error: quote not found in source 'harbour'",
        "    closest passage (91% similar): «“We expect a settlement before the winter season,”»",
        '    quote has "the summer season" where the source has "the winter season"',
        "Error: check failed: 1 error",
    ]


def test_build_writes_three_files_and_a_failed_build_keeps_them(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project()
    out = tmp_path / "out"
    code, output = run("build", str(root), "-o", str(out), "--format", "json", "--format", "html")
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "brief.html",
        "brief.json",
    ]
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (root / "brief.md").write_text(BRIEF.replace("@harbour]", "@harbor]"), encoding="utf-8")
    code, output = run("build", str(root), "-o", str(out))
    assert code == 1
    assert "brief.md:12:39: error: unknown source 'harbor'\n    did you mean 'harbour'?" in output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_json_has_the_compiled_brief(make_project: MakeProject, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", str(make_project()), "-o", str(out), "--format", "json")[0] == 0
    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    assert data["meta"]["title"] == "Port Ellis"
    (judgement,) = data["judgements"]
    assert judgement["id"] == "settlement" and judgement["likelihood"] == "likely"
    assert judgement["text"] == "A settlement will probably be reached before the winter season."
    assert data["motives"] == [
        {"actor": "The union", "citations": [4], "text": "Pay. It asks for more."}
    ]
    assert [e["precision"] for e in data["events"]] == ["month", "year"]
    quoted = data["citations"][1]
    assert quoted["location"] == "brief.md:22:37" and quoted["verified"] is True
    source = make_project() / "seeds/harbour.txt"
    start, end = quoted["span"]
    assert source.read_text(encoding="utf-8")[start:end] == quoted["quote"].replace('"', "")
    assert data["sources"][0]["sha256"] and data["sources"][0]["grade"] == "B2"


def test_not_a_folder_and_unwritable_output(tmp_path: Path, make_project: MakeProject) -> None:
    code, output = run("check", str(tmp_path / "nowhere"))
    assert code == 1 and output.endswith("nowhere: not a folder\n")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, output = run("build", str(make_project()), "-o", str(blocker / "out"), "--format", "json")
    assert code == 1 and "cannot write the output folder" in output
    assert "Traceback" not in output


def test_console_script_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout == f"briefing, version {__version__}\n"


def test_new_project_checks_and_builds_clean(tmp_path: Path) -> None:
    project = tmp_path / "brief"
    code, output = run("new", str(project))
    assert code == 0 and f"created {project / 'brief.md'}" in output
    code, output = run("check", str(project))
    assert code == 0 and output.endswith(
        "; no findings\nok: 1 judgement, 8 citations verified against 1 source, 2 events\n"
    )
    code, output = run("build", str(project), "--format", "html", "--format", "json")
    assert code == 0 and "warning" not in output
    data = json.loads((project / "dist/brief.json").read_text(encoding="utf-8"))
    assert data["judgements"] and data["motives"] and data["events"] and data["scenarios"]
    html = (project / "dist/brief.html").read_text(encoding="utf-8")
    assert 'class="scenario"' in html and 'class="timeline"' in html
    assert run("new", str(project)) == (1, f"Error: {project} exists and is not an empty folder\n")


def test_layouts_list_and_eject(make_project: MakeProject) -> None:
    root = make_project()
    code, output = run("layouts", "list", str(root))
    assert code == 0
    assert "  brief    shipped\n  onepage  shipped\n" in output and "  _glance.html" in output
    assert "overridden" not in output
    assert run("layouts", "eject", "onepage.html", str(root)) == (
        0,
        f"copied builtin/onepage.html to {root / 'layouts/onepage.html'}\n",
    )
    assert (
        "onepage.html  (copied into the project's layouts/, unchanged)"
        in run("layouts", "list", str(root))[1]
    )
    (root / "layouts" / "onepage.html").write_text("<p>mine</p>\n", encoding="utf-8")
    assert (
        "onepage.html  (overridden by the project's layouts/)"
        in run("layouts", "list", str(root))[1]
    )
    code, output = run("layouts", "eject", "onepage.html", str(root))
    assert code == 1 and output.endswith("exists already; use --force to replace it\n")
    assert run("layouts", "eject", "onepage.html", str(root), "--force")[0] == 0
    assert run("layouts", "eject", "poster", str(root)) == (
        1,
        "Error: no layout or template 'poster' outside the project; see 'briefing layouts list'\n",
    )


def test_check_json_prints_the_diagnostics_as_data(make_project: MakeProject) -> None:
    wrong = BRIEF.replace('winter season"]', 'summer season"]')
    root = make_project({"brief.md": wrong})
    result = CliRunner().invoke(main, ["check", str(root), "--json"])
    assert result.exit_code == 1
    (found,) = json.loads(result.stdout)
    assert found["code"] == "quote-not-found" and (found["file"], found["line"]) == ("brief.md", 22)
    assert found["fix"] == "“We expect a settlement before the winter season,”"
    assert found["severity"] == "error" and found["message"].startswith("quote not found")
    clean = CliRunner().invoke(main, ["check", str(make_project()), "--json"])
    assert clean.exit_code == 0 and json.loads(clean.stdout) == []


def test_check_json_of_no_project_is_one_diagnostic(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nowhere"), "--json"])
    assert result.exit_code == 1
    (found,) = json.loads(result.stdout)
    assert found["severity"] == "error" and found["message"].endswith(": not a folder")
