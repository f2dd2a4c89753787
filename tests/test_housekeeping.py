"""The register's housekeeping: `sources list`, `sources remove`, `sources show --json`,
and the project given the same way to every command (-p/--project)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from briefing.atomic import TEMPORARY
from briefing.files import SOURCES
from tests.conftest import BRIEF, SOURCES_YAML, TIMELINE_YAML, MakeProject, run

FOUR_PAGES = Path(__file__).resolve().parent / "fixtures" / "sources" / "pdflatex-4-pages.pdf"
LONG_TITLE = "Closing remarks of the harbour authority's chair to the annual assembly of members"
# Comments of the analyst's: above the register, above an entry, beside a field, at the end.
REGISTER = f"""\
# Sources of the Port Ellis brief
{SOURCES_YAML}\
  # background only; not cited yet
  notes:
    file: notes.txt
    title: Background notes  # from the desk

  # the chair's speech
  closing:
    file: closing.txt
    title: {LONG_TITLE}
    reliability: C
    credibility: 3
# end of the register
"""
NOTES = "Background notes\n\nThe harbour has twelve berths and two cranes.\n"
CLOSING = "Closing remarks\n\nThe chair thanked the members for a calm year.\n"


@pytest.fixture
def project(make_project: MakeProject) -> Path:
    """The conftest project with two sources more that nothing cites: notes (not graded)
    and closing (graded C3, with a long title)."""
    return make_project({SOURCES: REGISTER, "seeds/notes.txt": NOTES, "seeds/closing.txt": CLOSING})


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": error: " in line]


def places(text: str, ident: str, path: str) -> set[str]:
    """Where brief.md cites ident, by line: 'brief.md:12'."""
    lines = enumerate(text.splitlines(), start=1)
    return {f"{path}:{n}" for n, line in lines if f"@{ident}" in line}


# sources list


def test_list_shows_each_source_graded_or_not_and_how_often_it_is_cited(project: Path) -> None:
    code, output = run("sources", "list", project)
    assert code == 0, output
    heading, *rows = output.splitlines()
    assert heading.split() == ["label", "id", "kind", "title", "outlet", "date", "grade", "cited"]
    by_id = {row.split()[1]: row for row in rows}
    assert list(by_id) == ["harbour", "cranes", "notes", "closing"]
    assert re.search(r"^S1 +harbour +text +Harbour talks resume in Port Ellis +Port Ellis "
                     r"Gazette +2024-03 +B2 +5$", by_id["harbour"])  # fmt: skip
    assert re.search(r" F3 +2$", by_id["cranes"])
    assert re.search(r"^S3 +notes .* not graded +0$", by_id["notes"])
    # The long title is cut with an ellipsis; the columns stay aligned.
    assert " Closing remarks of the harbour authority's… " in by_id["closing"]
    assert LONG_TITLE not in output
    assert len({row.index(" text ") for row in rows}) == 1
    assert len({len(row) for row in rows if row.endswith(("5", "2", "0"))}) == 1


def test_list_fails_naming_a_source_it_cannot_read(project: Path) -> None:
    (project / "seeds" / "notes.txt").unlink()
    code, output = run("sources", "list", "--json", project)
    assert code == 1
    assert "seeds/sources.yaml" in output and "no file seeds/notes.txt" in output
    assert "1 error in the sources (see above): what cannot be read is not listed" in output
    assert '"id": "closing"' in output  # the others are listed all the same


def test_list_as_json_gives_every_field_with_file_and_address(project: Path) -> None:
    code, output = run("sources", "list", "--json", project)
    assert code == 0, output
    listed = {item["id"]: item for item in json.loads(output)}
    assert listed["harbour"] == {
        "label": "S1",
        "id": "harbour",
        "kind": "text",
        "title": "Harbour talks resume in Port Ellis",
        "outlet": "Port Ellis Gazette",
        "published": "2024-03",
        "grade": "B2",
        "cited": 5,
        "file": "seeds/harbour.txt",
        "address": "",
    }
    assert (listed["cranes"]["cited"], listed["cranes"]["grade"]) == (2, "F3")
    assert (listed["notes"]["cited"], listed["notes"]["grade"]) == (0, None)
    assert listed["closing"]["title"] == LONG_TITLE  # never cut in JSON


# sources remove


def test_remove_refuses_a_cited_source_naming_each_place(project: Path) -> None:
    before = files_of(project)
    code, output = run("sources", "remove", "harbour", "-p", project)
    assert code == 1
    named = [line.split(": error: ")[0] for line in errors(output)]
    quoted = next(n for n, line in enumerate(TIMELINE_YAML.splitlines()) if "quote:" in line)
    wanted = places(BRIEF, "harbour", "brief.md") | {f"figures/timeline.yaml:{quoted + 1}"}
    assert {place.rsplit(":", 1)[0] for place in named} == wanted
    assert len(named) == 5
    for place in named[:-1]:  # brief.md: each column is at the citation (or its quote)
        path, line, column = place.split(":")
        text = (project / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert "[@harbour" in text[max(int(column) - 11, 0) : int(column) + 9], place
    assert "sources remove failed" in output
    assert files_of(project) == before


def test_remove_refuses_a_source_another_entry_repeats(project: Path) -> None:
    register = REGISTER.replace("# end", "    repeats: notes\n# end")
    (project / SOURCES).write_text(register, encoding="utf-8")
    before = files_of(project)
    code, output = run("sources", "remove", "notes", "-p", project)
    assert code == 1
    line = register.splitlines().index("    repeats: notes") + 1
    assert f"{SOURCES}:{line}:14: error: source 'closing' repeats 'notes'" in output
    assert files_of(project) == before


def test_remove_from_a_register_that_is_no_yaml_says_where(project: Path) -> None:
    register = project / SOURCES
    register.write_text(register.read_text("utf-8").replace(
        "title: Background notes", 'title: Background notes: "open'), "utf-8")  # fmt: skip
    before = files_of(project)
    code, output = run("sources", "remove", "notes", project)
    assert code == 1
    assert re.search(r"^seeds/sources\.yaml:\d+:\d+: error: invalid YAML", output, re.M), output
    assert "unicode string" not in output and files_of(project) == before


def test_remove_of_an_unknown_id_suggests_the_one_meant(project: Path) -> None:
    before = files_of(project)
    code, output = run("sources", "remove", "note", project)
    assert code == 1
    assert "no source 'note' in seeds/sources.yaml; did you mean 'notes'?" in output
    assert files_of(project) == before


def test_remove_takes_out_the_file_and_the_entry_and_keeps_the_comments(project: Path) -> None:
    code, output = run("sources", "remove", "notes", project)
    assert code == 0, output
    assert "removed notes: its entry in seeds/sources.yaml and seeds/notes.txt" in output
    assert not (project / "seeds/notes.txt").exists()
    # The entry goes with the comment right above it; the next entry's stays.
    kept = REGISTER.replace(
        "  # background only; not cited yet\n  notes:\n    file: notes.txt\n"
        "    title: Background notes  # from the desk\n",
        "",
    )
    assert (project / SOURCES).read_text(encoding="utf-8") == kept
    code, output = run("check", project)
    assert code == 0, output
    assert "seeds/notes.txt" not in output

    code, output = run("sources", "remove", "closing", project)  # the last entry
    assert code == 0, output
    end = (project / SOURCES).read_text(encoding="utf-8")
    assert end == f"# Sources of the Port Ellis brief\n{SOURCES_YAML}\n# end of the register\n"


@pytest.mark.parametrize("failing", ["register", "file"])
def test_a_remove_that_cannot_finish_changes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """The register cannot be written (a full disk, a read-only seeds/), or the file
    cannot be removed once it is: the project is left as it was."""
    before = files_of(project)
    if failing == "register":
        real_replace = os.replace

        def full_disk(source: str, target: str) -> None:
            if str(target).endswith("sources.yaml"):
                raise OSError(28, "No space left on device")
            real_replace(source, target)

        monkeypatch.setattr(os, "replace", full_disk)
    else:
        real_unlink = Path.unlink

        def read_only(path: Path, missing_ok: bool = False) -> None:
            if path.name == "notes.txt":
                raise OSError(30, "Read-only file system")
            real_unlink(path, missing_ok)

        monkeypatch.setattr(Path, "unlink", read_only)
    code, output = run("sources", "remove", "notes", project)
    assert code == 1
    assert "nothing was removed" in output
    assert files_of(project) == before
    assert not list(project.rglob(f"{TEMPORARY}*"))


# sources show --json


def test_show_as_json_is_what_the_check_reads(project: Path) -> None:
    code, output = run("add-source", FOUR_PAGES, "--id", "paper", "-p", project)
    assert code == 0, output
    code, output = run("sources", "show", "paper", "--json", "-p", project)
    assert code == 0, output
    shown = json.loads(output)
    code, listed = run("sources", "show", "paper", project)
    numbered = [re.fullmatch(r" *\d+  (.*)", row) for row in listed.splitlines()]
    rows = [match[1] for match in numbered if match]
    lines = shown["text"].split("\n")
    assert len(rows) == len(lines) > 150
    assert all(row.startswith(line) for row, line in zip(rows, lines, strict=True))
    assert len(shown["pages"]) == 4 and shown["pages"][0] == 0
    assert all(shown["text"][start - 1] == "\n" for start in shown["pages"][1:])
    assert shown["metadata"]["file"] == "paper.pdf"
    assert shown["metadata"]["reliability"] == "" and shown["metadata"]["credibility"] is None
    assert (shown["kind"], shown["label"]) == ("PDF", "S5")
    page_numbers = [f for f in shown["findings"] if f["detail"].startswith("page number")]
    assert [f["page"] for f in page_numbers] == [1, 2, 3, 4]
    for finding in shown["findings"]:
        start, end = finding["span"]
        assert finding["kind"] in ("page-furniture", "repeated-passage", "shared-text")
        assert shown["text"].count("\n", 0, start) + 1 == finding["line"]
        assert finding["excerpt"].split()[0] in shown["text"][start:end]

    code, output = run("sources", "show", "harbour", "--json", project)
    metadata = json.loads(output)["metadata"]
    assert metadata["published"] == "2024-03" and metadata["credibility"] == 2
    assert metadata["reliability_reason"] == "established local paper"


# -p/--project on every command


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder: a command that ignored -p would find no project here."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


COMMANDS: dict[str, tuple[list[str | Path], int, str]] = {
    "build": (["build", "--format", "json"], 0, "{p}/dist/brief.json"),
    "check": (["check"], 0, "ok: 1 judgement, 7 citations verified against 4 sources"),
    "release": (["release"], 1, "cannot release: {p}/dist holds no build"),
    "find": (["find", "calm", "year"], 0, '[@closing "The chair thanked the members'),
    "add-source": (["add-source", FOUR_PAGES], 0, ".pdf (PDF)"),
    "sources list": (["sources", "list"], 0, "S4     closing"),
    "sources show": (["sources", "show", "notes"], 0, "3  The harbour has twelve berths"),
    "sources remove": (["sources", "remove", "notes"], 0, "removed notes"),
    "layouts list": (["layouts", "list"], 0, "brief.html  (overridden by the project's"),
    "layouts eject": (["layouts", "eject", "brief.css"], 0, "to {p}/layouts/brief.css"),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_the_project_with_p(
    command: str, project: Path, elsewhere: Path
) -> None:
    args, status, expected = COMMANDS[command]
    (project / "layouts").mkdir()
    (project / "layouts" / "brief.html").write_text("{# the project's own #}\n", "utf-8")
    code, output = run(*args, "-p", project)
    assert code == status, output
    assert expected.format(p=project) in output


def test_the_same_project_given_both_ways_is_one(project: Path, elsewhere: Path) -> None:
    code, output = run("check", "--project", project, Path(os.path.relpath(project)))
    assert code == 0, output
    assert "ok: 1 judgement" in output


@pytest.mark.parametrize(
    ("command", "expected"), [("watch", "{p}: not a folder"), ("preview", "{p}: not a brief")]
)
def test_commands_that_run_until_stopped_take_the_project_with_p(
    command: str, expected: str, tmp_path: Path, elsewhere: Path
) -> None:
    folder = tmp_path / "empty" if command == "preview" else tmp_path / "missing"
    folder.mkdir(exist_ok=command == "watch")
    if command == "watch":
        folder.rmdir()
    code, output = run(command, "-p", folder)
    assert code == 1
    assert expected.format(p=folder) in output


@pytest.mark.parametrize("args", [["check", "{q}"], ["find", "{q}", "calm", "year"]])
def test_two_different_projects_are_an_error(
    args: list[str], project: Path, make_project: MakeProject
) -> None:
    other = make_project()
    code, output = run(*[a.format(q=other) for a in args], "-p", project)
    assert code == 2
    assert f"two projects given, {other} and -p {project}: give one" in output


@pytest.mark.parametrize(
    ("broken", "text"),
    [("brief.md", "no front matter [@notes]\n"), ("figures/timeline.yaml", "events: [\n")],
)
def test_remove_refuses_while_the_citations_cannot_be_read(
    project: Path, broken: str, text: str
) -> None:
    (project / broken).write_text(text, encoding="utf-8")
    before = files_of(project)
    code, output = run("sources", "remove", "notes", project)
    assert code == 1
    assert f"{broken}: error: cannot be read, so its citations are not known" in output
    assert files_of(project) == before


def test_remove_from_a_register_in_flow_style(make_project: MakeProject) -> None:
    register = (
        "sources: {harbour: {file: harbour.txt, title: Harbour talks}, "
        "cranes: {file: cranes.txt, title: A second report}, notes: {file: notes.txt, "
        "title: Background notes}}\n"
    )
    root = make_project({SOURCES: register, "seeds/notes.txt": NOTES})
    code, output = run("sources", "remove", "notes", root)
    assert code == 0, output
    assert not (root / "seeds/notes.txt").exists()
    code, output = run("sources", "list", "--json", root)
    assert [source["id"] for source in json.loads(output)] == ["harbour", "cranes"]


def test_a_source_id_mistyped_without_its_year_gets_a_did_you_mean(tmp_path: Path) -> None:
    root = tmp_path / "brief"
    assert run("new", root)[0] == 0  # its sources: gazette-2024
    for command in (("sources", "remove"), ("sources", "show")):
        code, output = run(*command, "gazete", root)
        assert code == 1 and "did you mean 'gazette-2024'?" in output, output
