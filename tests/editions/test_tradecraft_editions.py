"""Scenarios, the bottom line, the horizon and source labels between editions: the
`scenario-changes` rule, and what "What changed" says of them on the page, in brief.json
and in `briefing diff`.

Edition 1.0 here is `briefing new` with a second scenario, built and released. Edition 2.0
moves the first scenario (saying why), withdraws the second, adds a third, revises the
bottom line, sets a horizon, and registers a new source ahead of the example's, so that the
example's S1 is now S2.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ..conftest import run
from ..test_tradecraft import flags
from .conftest import (
    COUNCIL_ENTRY,
    COUNCIL_TEXT,
    WAIVE,
    Element,
    copy,
    edit,
    line_of,
    new_project,
    ok,
    parse_html,
    set_field,
)
from .test_second_edition import shift

SUMMER = "The strike lasts into the summer"
SUMMER_BLOCK = f":::{{scenario}} {SUMMER}\n:likelihood: unlikely\n"
CLOSES = (
    ":::{scenario} The port closes for good\n:likelihood: very unlikely\n\nThe lines may stay "
    'away [@gazette-2024 "two ferry lines have moved to the neighbouring port of Carrow"].\n'
    ":::\n\n"
)
SETTLES = (
    ":::{scenario} The council settles it\n:likelihood: likely\n\nIt said it would "
    '[@council-2024 "the council will seek mediation by the regional government"].\n:::\n\n'
)
WHY = "Talks broke off on 15 March."
APART = "two sides remain apart on pay"
FAR_APART = "two sides remain far apart on pay"


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory, module_cache: None) -> Path:
    """Edition 1.0, with two scenarios and no horizon, built and released."""
    root = new_project(tmp_path_factory.mktemp("scenarios") / "brief")
    brief = root / "brief.md"
    text = set_field(brief.read_text("utf-8"), "version", f'{WAIVE}version: "1.0"')
    brief.write_text(text.replace("## Timeline", CLOSES + "## Timeline"), "utf-8")
    output = ok("build", root)
    assert "warning" not in output, output
    ok("release", root)
    return root


def second_edition(root: Path, move: str = f":change: {WHY}\n") -> Path:
    """Turn the released project into edition 2.0 (move: what the moved scenario says)."""
    brief = root / "brief.md"
    front = 'version: "2.0"\nprevious: "1.0"\nhorizon: 2024-09'
    brief.write_text(set_field(brief.read_text("utf-8"), "version", front), "utf-8")
    moved = SUMMER_BLOCK.replace("unlikely", "roughly even chance") + move
    edit(brief, SUMMER_BLOCK, moved)
    edit(brief, CLOSES, SETTLES)
    edit(brief, APART, FAR_APART)
    edit(root / "seeds/sources.yaml", "sources:\n", "sources:\n" + COUNCIL_ENTRY)
    (root / "seeds/council-notice.txt").write_text(COUNCIL_TEXT, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def second(released: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Edition 2.0, built as HTML and JSON into its dist/."""
    root = second_edition(copy(released, tmp_path_factory.mktemp("second")))
    output = ok("build", root, "--format", "html", "--format", "json")
    assert "warning" not in output, output
    return root


@pytest.fixture(scope="module")
def page(second: Path) -> Element:
    return parse_html((second / "dist/brief.html").read_text("utf-8"))


@pytest.fixture(scope="module")
def changes(second: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((second / "dist/brief.json").read_text("utf-8"))
    return data


# --- the rule --------------------------------------------------------------------------------


def test_a_scenario_that_moved_without_saying_why_is_flagged(
    released: Path, tmp_path: Path
) -> None:
    root = second_edition(copy(released, tmp_path), move="")
    (flag,) = flags(root, "scenario-changes")
    text = (root / "brief.md").read_text("utf-8")
    assert str(flag.location) == f"brief.md:{line_of(text, SUMMER_BLOCK[:-25])}:1"
    assert flag.message == (
        f"scenario '{SUMMER}' moved from unlikely to roughly even chance since edition 1.0 "
        "without a ':change:' saying why"
    )
    assert "':change:" in flag.hint
    code, output = run("check", root)
    assert code == 0 and "warning: scenario 'The strike lasts into the summer' moved" in output


def test_a_moved_scenario_with_change_and_an_unmoved_one_are_quiet(
    released: Path, second: Path, tmp_path: Path
) -> None:
    assert flags(second, "scenario-changes") == []
    root = copy(released, tmp_path)  # the scenario kept at 'unlikely' in a later edition
    front = 'version: "2.0"\nprevious: "1.0"'
    (root / "brief.md").write_text(
        set_field((root / "brief.md").read_text("utf-8"), "version", front), "utf-8"
    )
    assert flags(root, "scenario-changes") == []


def test_a_reworded_title_keeps_its_scenario_by_case_and_spacing_or_by_id(
    released: Path, tmp_path: Path
) -> None:
    root = second_edition(copy(released, tmp_path), move="")
    brief = root / "brief.md"
    edit(brief, f"}} {SUMMER}\n", "}  the STRIKE lasts  into the summer\n")
    (flag,) = flags(root, "scenario-changes")  # still the same scenario: it moved
    assert flag.message.startswith("scenario 'the STRIKE lasts into the summer' moved from")
    edit(brief, "}  the STRIKE lasts  into the summer\n", "} The strike outlasts the spring\n")
    assert flags(root, "scenario-changes") == []  # a new scenario, the old one withdrawn
    edit(
        brief, "spring\n:likelihood:", "spring\n:id: the-strike-lasts-into-the-summer\n:likelihood:"
    )
    (flag,) = flags(root, "scenario-changes")
    assert flag.message.startswith("scenario 'The strike outlasts the spring' moved from")


def test_an_edition_whose_scenarios_carry_no_ids_is_matched_by_title(
    released: Path, tmp_path: Path
) -> None:
    """An edition released before scenario ids: its brief.json has none."""
    root = second_edition(copy(released, tmp_path), move="")
    edition = root / "editions/1.0/brief.json"
    data = json.loads(edition.read_text("utf-8"))
    for scenario in data["scenarios"]:
        del scenario["id"], scenario["change"]
    del data["meta"]["horizon"]
    edition.write_text(json.dumps(data), "utf-8")
    (flag,) = flags(root, "scenario-changes")
    assert flag.message.startswith(f"scenario '{SUMMER}' moved from unlikely to roughly even")


def test_change_on_a_scenario_of_a_first_edition_is_flagged(released: Path, tmp_path: Path) -> None:
    root = copy(released, tmp_path)
    edit(root / "brief.md", SUMMER_BLOCK, SUMMER_BLOCK + f":change: {WHY}\n")
    (flag,) = flags(root, "scenario-changes")
    assert flag.message == (
        f"scenario '{SUMMER}' says what changed (':change:'), but the brief names no "
        "'previous' edition to compare with"
    )


def test_scenario_ids_must_be_well_formed_and_unique(released: Path, tmp_path: Path) -> None:
    root = copy(released, tmp_path)
    brief = root / "brief.md"
    edit(brief, SUMMER_BLOCK, SUMMER_BLOCK + ":id: The Summer\n")
    code, output = run("check", root)
    at = line_of(brief.read_text("utf-8"), ":id: The Summer")
    assert code == 1
    assert f"brief.md:{at}:1: error: scenario id 'The Summer' must be lower-case letters" in output
    assert "such as ':id: the-summer'" in output
    edit(brief, ":id: The Summer\n", ":id: the-port-closes-for-good\n")
    code, output = run("check", root)
    assert code == 1 and "error: duplicate scenario id 'the-port-closes-for-good'" in output


# --- what changed ----------------------------------------------------------------------------

SUMMARY = (
    "1 scenario added; 1 scenario withdrawn; 1 scenario moved; bottom line revised; "
    "scenarios now look to September 2024; 1 source added; 1 source relabelled"
)


def test_the_cover_and_the_section_sum_up_the_new_kinds_of_change(page: Element) -> None:
    assert page.find("p", "cover-changes").text == f"Since edition 1.0 (11 March 2024): {SUMMARY}."
    section = page.find("section", "changes")
    assert section.find("p", "changes-lead").text.endswith(f"Since then: {SUMMARY}.")
    assert [h.text for h in section.find_all("h3")] == [
        "Scenarios",
        "Bottom line",
        "Horizon",
        "Sources",
    ]


def test_the_section_lists_scenarios_added_withdrawn_and_moved_with_their_terms(
    page: Element,
) -> None:
    items = page.find("ul", "change-scenarios").find_all("li")
    assert [(i.attrs["id"], i.text) for i in items] == [
        (
            "change-scenario-the-strike-lasts-into-the-summer",
            f"{SUMMER}: likelihood up: unlikely (20–45%) → roughly even chance (45–55%). "
            f"Why: {WHY}",
        ),
        ("change-scenario-the-council-settles-it", "The council settles it: new, likely (55–80%)."),
        (
            "change-scenario-the-port-closes-for-good",
            "The port closes for good: withdrawn; edition 1.0 rated it very unlikely (5–20%).",
        ),
    ]


def test_the_section_says_the_bottom_line_was_revised_the_horizon_and_the_relabelled_source(
    page: Element,
) -> None:
    revised = page.by_id("change-bottom-line").text
    assert revised.startswith("Revised. Edition 1.0 read: “The harbour strike will probably")
    assert APART in revised and FAR_APART not in revised
    assert page.by_id("change-horizon").text == "The scenarios now look to September 2024."
    items = page.find("ul", "change-sources").find_all("li")
    assert [i.text for i in items] == [
        "S1 Council notice on the harbour strike: added, graded A2.",
        "S2 (S1 in 1.0) Harbour strike enters third week in Port Ellis: relabelled.",
    ]


def test_the_appendix_gives_a_relabelled_source_its_old_label(page: Element) -> None:
    heads = [a.find("h3").text for a in page.find_all("article", "source")]
    assert heads == [
        "S1 Council notice on the harbour strike",
        "S2 (S1 in edition 1.0) Harbour strike enters third week in Port Ellis",
    ]


def test_the_json_lists_them(changes: dict[str, Any]) -> None:
    listed = changes["changes"]
    assert listed["summary"] == SUMMARY
    found = {(c["subject"], c["status"], c["id"]): c for c in listed["list"]}
    moved = found["scenario", "changed", "the-strike-lasts-into-the-summer"]
    assert (moved["label"], moved["note"]) == (SUMMER, WHY)
    assert moved["shifts"] == [
        shift("likelihood", "unlikely", "roughly even chance", ("20–45%", "45–55%"), "up")
    ]
    added = found["scenario", "added", "the-council-settles-it"]
    assert added["shifts"] == [shift("likelihood", None, "likely", (None, "55–80%"))]
    gone = found["scenario", "withdrawn", "the-port-closes-for-good"]
    assert gone["shifts"] == [shift("likelihood", "very unlikely", "", ("5–20%", None))]
    bottom_line = found["bottom-line", "changed", "bottom-line"]
    (wording,) = bottom_line["shifts"]
    assert APART in wording["old"] and FAR_APART in wording["new"] == bottom_line["text"]
    horizon = found["horizon", "added", "horizon"]
    assert horizon["text"] == "the scenarios now look to September 2024"
    assert horizon["shifts"] == [shift("horizon", None, "2024-09")]
    gazette = found["source", "changed", "gazette-2024"]
    assert (gazette["label"], gazette["previous_label"]) == ("S2", "S1")
    assert gazette["shifts"] == [shift("label", "S1", "S2")]
    assert changes["meta"]["horizon"] == "2024-09"
    ids = [(s["id"], s["change"]) for s in changes["scenarios"]]
    assert ids == [("the-strike-lasts-into-the-summer", WHY), ("the-council-settles-it", None)]


def test_diff_says_them(second: Path) -> None:
    output = ok("diff", second / "editions/1.0", second)
    assert SUMMARY in " ".join(output.split())
    tail = output.split("\n\nScenarios\n")[1].split("\n\nEvents\n")[0]
    lines = [line for line in tail.splitlines() if "1.0 read:" not in line]
    assert re.sub(r"\n {4}\S.*", "", "\n".join(lines)) == (
        f"  {SUMMER} changed\n"
        "      likelihood: unlikely (20–45%) -> roughly even chance (45–55%)\n"
        f"      why: {WHY}\n"
        "  The council settles it new: likely (55–80%)\n"
        "  The port closes for good withdrawn; 1.0 rated it very unlikely (5–20%)\n"
        "\n"
        "Bottom line revised\n"
        "\n"
        "Horizon\n"
        "  the scenarios now look to September 2024\n"
        "\n"
        "Sources\n"
        "  S1 new; graded A2: Council notice on the harbour strike\n"
        "  S2 (S1 in 1.0) changed; relabelled: Harbour strike enters third week in Port Ellis"
    )
    assert "  1.0 read: The harbour strike will probably end" in output


def test_a_horizon_moved_says_from_what(second: Path, tmp_path: Path) -> None:
    root = copy(second, tmp_path)
    edition = root / "editions/1.0/brief.json"
    data = json.loads(edition.read_text("utf-8"))
    data["meta"]["horizon"] = "2024-06"
    edition.write_text(json.dumps(data), "utf-8")
    diff = json.loads(ok("diff", edition, root, "--json"))
    (horizon,) = [c for c in diff["list"] if c["subject"] == "horizon"]
    assert (horizon["status"], horizon["text"]) == (
        "changed",
        "the scenarios now look to September 2024, not June 2024",
    )
    assert "scenarios now look to September 2024, not June 2024;" in diff["summary"]


def test_a_horizon_must_be_a_date(released: Path, tmp_path: Path) -> None:
    root = copy(released, tmp_path)
    brief = root / "brief.md"
    brief.write_text(set_field(brief.read_text("utf-8"), "paper", "paper: A4\nhorizon: soon"))
    code, output = run("check", root)
    at = line_of(brief.read_text("utf-8"), "horizon: soon")
    assert code == 1
    assert f"brief.md:{at}:10: error: horizon: 'soon' is not a date" in output


def test_brief_json_carries_the_waived_rules_and_no_horizon_when_none_is_set(
    released: Path,
) -> None:
    meta = json.loads((released / "editions/1.0/brief.json").read_text("utf-8"))["meta"]
    assert meta["waived"] == {"single-source": "the example rests on one report"}
    assert meta["horizon"] is None
