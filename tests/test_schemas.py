"""The JSON Schemas of the analyst's files: valid schemas that accept the shipped projects,
and that agree with the build on what is refused."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from briefing.cli import main
from briefing.diagnostics import Diagnostics
from briefing.events import parse_timeline
from briefing.new import new_project
from briefing.parse import parse_meta
from briefing.project import load_project
from briefing.schemas import SCHEMAS, schema_text
from briefing.sources import ingest_sources
from briefing.yamlfile import YamlMap, load_yaml

from .conftest import REPO, SOURCES_YAML, TIMELINE_YAML, MakeProject


class _Yaml12(yaml.SafeLoader):
    """YAML as an editor's language server reads it: a date stays text."""


_Yaml12.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_text(name)))


def refused(name: str, text: str) -> bool:
    return bool(list(validator(name).iter_errors(yaml.load(text, Loader=_Yaml12))))


def front_matter(brief: str) -> str:
    return brief.split("---\n")[1]


def test_the_schemas_are_valid_json_schemas() -> None:
    for name in SCHEMAS:
        Draft202012Validator.check_schema(json.loads(schema_text(name)))


def test_the_default_and_the_new_project_follow_them(tmp_path: Path) -> None:
    new_project(tmp_path / "new")
    for root in (REPO, tmp_path / "new"):
        brief = (root / "brief.md").read_text(encoding="utf-8")
        assert not refused("front-matter", front_matter(brief)), root
        assert not refused("sources", (root / "seeds/sources.yaml").read_text("utf-8")), root
        assert not refused("timeline", (root / "figures/timeline.yaml").read_text("utf-8")), root


# Each case changes one thing of a valid file; both the schema and the build must refuse it.
SOURCE_CASES = {
    "no title": ("    title: Harbour talks resume in Port Ellis\n", ""),
    "reliability G": ("reliability: B", "reliability: G"),
    "credibility 7": ("credibility: 2", "credibility: 7"),
    "credibility as text": ("credibility: 2", 'credibility: "2"'),
    "month 13": ('published: "2024-03"', 'published: "2024-13"'),
    "a date in words": ('published: "2024-03"', "published: March 2024"),
    "an unknown field": ("    outlet: Port Ellis Gazette\n", "    outlte: Port Ellis Gazette\n"),
    "a path for a file": ("file: harbour.txt", "file: ../harbour.txt"),
    "an id with a space": ("  harbour:\n", "  harbour port:\n"),
    "an entry that is no mapping": ("sources:\n", "sources:\n  extra: just text\n"),
}
TIMELINE_CASES = {
    "no title": ("    title: Talks announced\n", ""),
    "no citation": ("    cite: [cranes]\n", "    cite: []\n"),
    "a citation without a source": ("      - source: harbour\n", "      - sourc: harbour\n"),
    "an unknown field": ("    actors: [Authority]\n", "    actor: [Authority]\n"),
    "a date with slashes": ('date: "2024-03"', 'date: "2024/03"'),
    "four lanes": ("events:\n", "lanes: {a: [x], b: [y], c: [z], d: [w]}\nevents:\n"),
    "a lane that is no list": ("events:\n", "lanes: {a: x}\nevents:\n"),
    "an unknown key": ("events:\n", "event: []\nevents:\n"),
}
FRONT_MATTER_CASES = {
    "no title": ("title: Port Ellis\n", ""),
    "no marking": ("marking: Unclassified\n", ""),
    "an issue date without its day": ("issued: 2024-04-01", 'issued: "2024-04"'),
    "a cut-off in words": ("cutoff: 2024-03", "cutoff: soon"),
    "paper A5": ("author:", "paper: A5\nauthor:"),
    "an unknown vocabulary": ("author:", "vocabulary: nato\nauthor:"),
    "raw_html yes": ("author:", "raw_html: maybe\nauthor:"),
    "contents maybe": ("author:", "contents: maybe\nauthor:"),
    "keywords as text": ("author:", "keywords: harbour\nauthor:"),
    "a horizon in words": ("author:", "horizon: the summer\nauthor:"),
}


def _changed(text: str, change: tuple[str, str]) -> str:
    old, new = change
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize("case", SOURCE_CASES)
def test_the_source_register_schema_refuses_what_the_build_refuses(
    make_project: MakeProject, case: str
) -> None:
    text = _changed(SOURCES_YAML, SOURCE_CASES[case])
    diagnostics = Diagnostics()
    ingest_sources(
        load_project(make_project({"seeds/sources.yaml": text}), diagnostics), diagnostics
    )
    assert diagnostics.errors, case
    assert refused("sources", text), case


@pytest.mark.parametrize("case", TIMELINE_CASES)
def test_the_timeline_schema_refuses_what_the_build_refuses(case: str) -> None:
    text = _changed(TIMELINE_YAML, TIMELINE_CASES[case])
    diagnostics = Diagnostics()
    parse_timeline(text, 0, diagnostics)
    assert diagnostics.errors, case
    assert refused("timeline", text), case


def _brief_front_matter() -> str:
    from .conftest import BRIEF

    return front_matter(BRIEF)


@pytest.mark.parametrize("case", FRONT_MATTER_CASES)
def test_the_front_matter_schema_refuses_what_the_build_refuses(case: str) -> None:
    text = _changed(_brief_front_matter(), FRONT_MATTER_CASES[case])
    diagnostics = Diagnostics()
    data = load_yaml(text, "brief.md", diagnostics)
    assert isinstance(data, YamlMap)
    parse_meta(data, diagnostics)
    assert diagnostics.errors, case
    assert refused("front-matter", text), case


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("sources", _changed(SOURCES_YAML, ("reliability: B", "reliability: b"))),
        ("sources", _changed(SOURCES_YAML, ('published: "2024-03"', "published: 2024"))),
        ("timeline", _changed(TIMELINE_YAML, ('date: "2024-03"', "date: 2024-03-04"))),
        ("timeline", _changed(TIMELINE_YAML, ("cite: [cranes]", "cite: [cranes, harbour]"))),
    ],
)
def test_what_the_build_accepts_the_schema_accepts(name: str, text: str) -> None:
    assert not refused(name, text)


def test_new_projects_name_the_schemas_their_editors_read(tmp_path: Path) -> None:
    new_project(tmp_path / "p")
    for register, name in (
        ("seeds/sources.yaml", "sources"),
        ("figures/timeline.yaml", "timeline"),
    ):
        first = (tmp_path / "p" / register).read_text(encoding="utf-8").splitlines()[0]
        found = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert found, first
        target = (tmp_path / "p" / register).parent / found[1]
        assert target.read_text(encoding="utf-8") == schema_text(name)


def test_the_schema_command_prints_each_schema() -> None:
    for name in SCHEMAS:
        result = CliRunner().invoke(main, ["schema", name])
        assert result.exit_code == 0
        schema: dict[str, Any] = json.loads(result.output)
        assert schema["$schema"].endswith("2020-12/schema")
    assert CliRunner().invoke(main, ["schema", "brief"]).exit_code == 2


def test_add_source_keeps_the_registers_schema_line(tmp_path: Path) -> None:
    new_project(tmp_path / "p")
    note = tmp_path / "note.txt"
    note.write_text("The harbour authority said talks would resume next week.\n", "utf-8")
    result = CliRunner().invoke(main, ["add-source", str(note), "-p", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    register = (tmp_path / "p" / "seeds" / "sources.yaml").read_text(encoding="utf-8")
    assert register.startswith("# yaml-language-server: $schema=../.briefing/sources.schema.json\n")
    assert "note.txt" in register
