"""`briefing diff`: two editions compared, in every form of operand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ..conftest import run
from .conftest import (
    CHANGE,
    CONTAINERS,
    FERRIES,
    MEDIATE_1,
    MEDIATE_2,
    REASON,
    SETTLE,
    copy,
    edit,
    ok,
)

DIFF = f"""\
edition 1.0 (11 March 2024) -> 2.0 (20 March 2024): 1 judgement added; 1 judgement
  withdrawn; 1 judgement reworded; 1 likelihood moved; 1 confidence level moved; 1
  source added; 1 source regraded; 1 event added

Judgements
  KJ1 changed: {SETTLE}
      likelihood: likely (55–80%) -> unlikely (20–45%)
      confidence: low -> moderate
      why: {CHANGE}
  KJ2 changed: {MEDIATE_2}
      reworded; 1.0 read: {MEDIATE_1}
  KJ3 new: {CONTAINERS}
  KJ3 of 1.0 withdrawn: {FERRIES}
      why: {REASON}
  unchanged: KJ4

Sources
  S1 changed; regraded B3 -> C3: Harbour strike enters third week in Port Ellis
  S2 new; graded A2: Council notice on the harbour strike

Events
  8 March 2024 new: Ferry lines move to Carrow
"""


def test_diff_of_an_edition_folder_and_a_project(second: Path) -> None:
    assert run("diff", second / "editions/1.0", second) == (0, DIFF)


def test_diff_of_two_brief_jsons_as_json_matches_the_build(
    second: Path, data: dict[str, Any]
) -> None:
    output = ok("diff", second / "editions/1.0/brief.json", second / "dist/brief.json", "--json")
    diff = json.loads(output)
    assert (diff["from"], diff["to"]) == ("1.0", "2.0")
    assert {k: v for k, v in diff.items() if k not in ("from", "to")} == data["changes"]
    assert run("diff", second / "editions/1.0/brief.json", second / "dist/brief.json") == (
        0,
        DIFF,
    )


def test_diff_of_versions_released_under_a_project(second: Path, tmp_path: Path) -> None:
    root = copy(second, tmp_path)
    ok("release", root)
    assert run("diff", "1.0", "2.0", "-p", root) == (0, DIFF)
    assert json.loads(ok("diff", "1.0", "2.0", "-p", root, "--json"))["to"] == "2.0"
    reverse = ok("diff", "2.0", "1.0", "--project", root)
    assert reverse.startswith("edition 2.0 (20 March 2024) -> 1.0 (11 March 2024): ")
    assert f"KJ3 of 2.0 withdrawn: {CONTAINERS}" in reverse
    same = ok("diff", "2.0", root / "editions/2.0", "-p", root)
    assert same.splitlines()[0].endswith(": no change")


def test_diff_with_an_unknown_operand(second: Path, tmp_path: Path) -> None:
    assert run("diff", "0.9", "1.0", "-p", second) == (
        1,
        f"Error: '0.9': no such file or folder, and no edition 0.9 under "
        f"{second / 'editions'} (released: 1.0)\n",
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("diff", empty, second) == (
        1,
        f"Error: {empty}: neither a brief project nor a released edition's folder\n",
    )
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    code, output = run("diff", bad, second)
    assert (code, output) == (1, f"Error: {bad}: not a brief.json: 'meta' is missing\n")
    assert run("diff", "", second) == (1, "Error: an empty name is not an edition\n")


def test_diff_of_an_unknown_version_outside_a_project_names_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("diff", "1.0", "2.0") == (
        1,
        "Error: '1.0': no such file or folder, and no edition 1.0 under editions; name the "
        "project with -p\n",
    )


def test_diff_of_a_project_whose_moved_estimate_does_not_say_why_yet(
    second: Path, tmp_path: Path
) -> None:
    """A project is compared as it stands, without the build's checks: what changed can be
    seen before the reasons are written."""
    root = copy(second, tmp_path)
    edit(root / "brief.md", f":change: {CHANGE}\n", "")
    assert run("build", root, "--format", "json")[0] == 1
    assert run("diff", root / "editions/1.0", root) == (
        0,
        DIFF.replace(f"      why: {CHANGE}\n", ""),
    )


def test_diff_of_a_project_that_cannot_be_read(second: Path, tmp_path: Path) -> None:
    root = copy(second, tmp_path)
    text = (root / "brief.md").read_text("utf-8")
    (root / "brief.md").write_text(text.replace("\n---\n", "\n", 1), "utf-8")
    assert run("diff", root / "editions/1.0", root) == (
        1,
        "brief.md:1:1: error: front matter is never closed by a '---' line\n"
        "Error: diff failed: 1 error\n",
    )


def test_diff_finds_the_editions_of_the_project_given_as_the_other_operand(
    second: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(second.parent)
    assert run("diff", "1.0", second.name) == (0, DIFF)
    reverse = ok("diff", second.name, "1.0")
    assert reverse.startswith("edition 2.0 (20 March 2024) -> 1.0 (11 March 2024): ")


def test_diff_reads_a_brief_md_as_its_project(second: Path) -> None:
    assert run("diff", second / "editions/1.0", second / "brief.md") == (0, DIFF)


def test_diff_finds_the_editions_of_a_project_given_by_its_brief_md(
    second: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(second.parent)
    assert run("diff", "1.0", f"{second.name}/brief.md") == (0, DIFF)
