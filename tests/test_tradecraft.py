"""Tradecraft rules (briefing.tradecraft): each fires where it should and stays quiet where
it should not; `waive:` turns one off only with a reason, which the scope note prints."""

from __future__ import annotations

import json
from pathlib import Path

from briefing.build import check
from briefing.diagnostics import Diagnostic

from .conftest import BRIEF, MakeProject, run
from .test_render import html_of


def flags(root: Path, rule: str) -> list[Diagnostic]:
    """The warnings of one rule when the project is checked."""
    return [d for d in check(root).diagnostics.warnings if d.code == rule]


ONE_SOURCE = BRIEF.replace("; @cranes]", "]")


def test_a_judgement_on_one_source_above_low_confidence_is_flagged(
    make_project: MakeProject,
) -> None:
    (flag,) = flags(make_project({"brief.md": ONE_SOURCE}), "single-source")
    assert str(flag.location) == "brief.md:17:1"
    assert flag.message == "KJ1 cites one source ('harbour') but is held at moderate confidence"
    assert "rate it low" in flag.hint


def test_rests_on_counts_as_one_source(make_project: MakeProject) -> None:
    rests = BRIEF.replace(":confidence: moderate", ":confidence: high\n:rests-on: harbour")
    (flag,) = flags(make_project({"brief.md": rests}), "single-source")
    assert "declares that it rests on 'harbour' but is held at high confidence" in flag.message


def test_two_sources_or_low_confidence_are_quiet(make_project: MakeProject) -> None:
    assert flags(make_project(), "single-source") == []
    low = ONE_SOURCE.replace(":confidence: moderate", ":confidence: low")
    assert flags(make_project({"brief.md": low}), "single-source") == []


WAIVED = ONE_SOURCE.replace(
    "product_id: T-1\n",
    "product_id: T-1\nwaive:\n  single-source: the union's own statement is the fact at issue\n",
)


def test_a_waived_rule_is_quiet_and_the_scope_note_says_why(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project({"brief.md": WAIVED})
    assert flags(root, "single-source") == []
    html = html_of(root, tmp_path)
    assert "Tradecraft rules turned off." in html
    assert "single-source: the union’s own statement is the fact at issue" in html
    code, _ = run("build", root, "--format", "json")
    data = json.loads((root / "dist/brief.json").read_text(encoding="utf-8"))
    assert code == 0
    assert data["meta"]["waived"] == {
        "single-source": "the union's own statement is the fact at issue"
    }


def test_a_waiver_needs_a_reason_and_a_rule_that_exists(make_project: MakeProject) -> None:
    blank = WAIVED.replace("the union's own statement is the fact at issue", '""')
    code, out = run("check", make_project({"brief.md": blank}))
    assert code == 1
    assert "brief.md:10:18: error: turning off the rule 'single-source' needs a reason" in out
    typo = WAIVED.replace("single-source:", "single-sauce:")
    code, out = run("check", make_project({"brief.md": typo}))
    assert code == 1
    assert "brief.md:10:17: error: 'waive' names no tradecraft rule 'single-sauce'" in out
    assert "did you mean 'single-source'?" in out
