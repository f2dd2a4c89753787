"""`briefing review`: the review sheet by the ICD 203 standards, as text and as JSON, on the
default project, a `briefing new` project and small projects built here; the counts are
worked out in the tests from the project's own files."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from briefing.build import check
from briefing.review import STANDARDS, filed_under
from briefing.tradecraft.registry import RULES

from .conftest import BRIEF, REPO, MakeProject, run
from .test_tradecraft import WAIVED


def review_json(root: Path) -> dict[str, Any]:
    code, output = run("review", root, "--json")
    assert code == 0, output
    data: dict[str, Any] = json.loads(output)
    return data


def facts(data: dict[str, Any], standard: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s["facts"] for s in data["standards"] if s["id"] == standard)
    return found


def front_matter(brief: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(brief.split("---\n")[1])
    return data


def section(brief: str, heading: str) -> str:
    """The text under a level-2 heading, up to the next."""
    return brief.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_the_json_has_its_documented_shape(make_project: MakeProject) -> None:
    data = review_json(make_project())
    assert set(data) == {"review", "brief", "standards", "rules", "other_warnings"}
    assert data["review"] == 1
    assert data["brief"] == {"title": "Port Ellis", "version": "1", "previous": None}
    assert [s["id"] for s in data["standards"]] == [ident for ident, _, _ in STANDARDS]
    for standard in data["standards"]:
        assert set(standard) == {"id", "name", "standard", "facts", "rules", "cannot_judge"}
        assert isinstance(standard["facts"], dict) and standard["facts"]
        assert standard["cannot_judge"]
    assert [r["name"] for r in data["rules"]] == list(RULES)
    for rule in data["rules"]:
        assert set(rule) == {"name", "standard", "filed_under", "summary", "waived", "warnings"}
    assert set(facts(data, "sourcing")) == {
        "sentences", "cited", "parts", "grades", "judgements", "single_source",
    }  # fmt: skip


def test_the_default_project(tmp_path: Path) -> None:
    brief = (REPO / "brief.md").read_text("utf-8")
    data = review_json(REPO)
    judgements = re.findall(r"^:::\{judgement\}.*\n((?::[\w-]+:.*\n)+)", brief, re.M)
    options = [dict(re.findall(r"^:([\w-]+): *(.*)$", block, re.M)) for block in judgements]

    uncertainty = facts(data, "uncertainty")
    assert uncertainty["judgements"] == len(options) > 0
    by_likelihood = Counter(o["likelihood"] for o in options)
    assert {b["term"]: len(b["judgements"]) for b in uncertainty["likelihoods"]} == by_likelihood
    by_confidence = Counter(o["confidence"] for o in options)
    assert {c: len(js) for c, js in uncertainty["confidences"].items() if js} == by_confidence

    sourcing = facts(data, "sourcing")
    assert sourcing["sentences"] == sum(p["sentences"] for p in sourcing["parts"])
    assert 0 < sourcing["cited"] <= sourcing["sentences"]
    assert sum(p["cited"] for p in sourcing["parts"]) == sourcing["cited"]
    resting = {f"KJ{n}" for n, o in enumerate(options, 1) if "rests-on" in o}
    assert resting <= set(sourcing["single_source"])
    register = yaml.safe_load((REPO / "seeds/sources.yaml").read_text("utf-8"))["sources"]
    grades = Counter(f"{s['reliability']}{s['credibility']}" for s in register.values())
    assert {g: len(labels) for g, labels in sourcing["grades"].items()} == grades

    assumptions = section(brief, "Key assumptions").strip().split("\n- ")
    distinguishing = facts(data, "distinguishing")
    assert distinguishing["assumptions"] == len(assumptions)
    assert distinguishing["if_wrong"] == sum("*If wrong:*" in a for a in assumptions)

    alternatives = facts(data, "alternatives")
    assert len(alternatives["scenarios"]) == brief.count(":::{scenario}")
    assert alternatives["indicators"] == len(
        re.findall(r"^\d+\. ", section(brief, "Indicators to watch"), re.M)
    )

    labels = {o["id"]: f"KJ{n}" for n, o in enumerate(options, 1)}
    premises = {
        f"KJ{n}": [labels[i] for i in o["depends-on"].split()]
        for n, o in enumerate(options, 1)
        if "depends-on" in o
    }
    argued = facts(data, "argumentation")["judgements"]
    assert {j["label"]: j["depends_on"] for j in argued if j["depends_on"]} == premises

    change = facts(data, "change")
    meta = front_matter(brief)
    assert change["previous"] == meta["previous"]
    withdrawn = [j for j in change["judgements"] if j["status"] == "withdrawn"]
    assert len(withdrawn) == len(meta["withdrawn"]) and all(j["explained"] for j in withdrawn)

    events = yaml.safe_load((REPO / "figures/timeline.yaml").read_text("utf-8"))["events"]
    visuals = facts(data, "visuals")
    assert visuals["events"] == len(events)
    known = [e for e in events if "general knowledge" in e.get("basis", "")]
    assert [e["title"] for e in visuals["general_knowledge"]] == [e["title"] for e in known]
    assert visuals["stated"] == sum("basis" not in e for e in events)
    assert visuals["stated"] + len(visuals["inferred"]) + len(known) == len(events)

    warnings = check(REPO).diagnostics.warnings
    for rule in data["rules"]:
        assert len(rule["warnings"]) == sum(w.code == rule["name"] for w in warnings)
    assert len(data["other_warnings"]) == sum(w.code not in RULES for w in warnings)


def test_the_text_sheet_names_each_standard_in_100_columns() -> None:
    code, output = run("review", "-p", REPO)
    assert code == 0, output
    lines = output.splitlines()
    assert max(len(line) for line in lines) <= 100
    headings = [line for line in lines if re.match(r"\d\. ", line)]
    assert [h.split(":")[0] for h in headings] == [
        f"{n}. {name}" for n, (_, name, _) in enumerate(STANDARDS, 1)
    ]
    assert sum(line.startswith("   Cannot judge: ") for line in lines) == len(STANDARDS)


def test_a_new_project(tmp_path: Path) -> None:
    root = tmp_path / "new"
    assert run("new", root)[0] == 0
    data = review_json(root)
    assert data["other_warnings"] == []
    assert all(r["warnings"] == [] for r in data["rules"])
    assert facts(data, "change") == {"previous": None, "summary": "", "judgements": []}
    sourcing = facts(data, "sourcing")
    assert [j["label"] for j in sourcing["judgements"]] == ["KJ1"]
    assert facts(data, "relevance")["key_questions"] == [
        "Will the strike end before the summer season?"
    ]
    assert facts(data, "distinguishing")["assumptions"] == 0
    code, output = run("review", root)
    assert code == 0 and "Key assumptions: none listed" in output


ANNOTATED = BRIEF.replace(
    "The parties remain apart on pay",
    "Against it, the union says otherwise [@cranes].\n\nThe parties remain apart on pay",
) + (
    "\n## Key assumptions\n\n"
    "- **Talks go on.** The authority keeps talking. *If wrong:* the strike lasts.\n"
    "- **The offer stands.** The authority keeps its offer [@harbour].\n"
    "\n## Information gaps\n\n"
    "No second report names the union's terms. [@cranes] We have no figures.\n"
)


def test_sentences_and_paragraphs_are_counted_as_documented(make_project: MakeProject) -> None:
    data = review_json(make_project({"brief.md": ANNOTATED}))
    sourcing = facts(data, "sourcing")
    # The argument: three sentences, each citing; the motive's run-in heading is not one;
    # each assumption's is not either; a citation that starts a sentence is the one before's.
    assert sourcing["parts"] == [
        {"name": "key judgements", "sentences": 3, "cited": 3},
        {"name": "motives: The union", "sentences": 1, "cited": 1},
        {"name": "Key assumptions", "sentences": 3, "cited": 1},
        {"name": "Information gaps", "sentences": 2, "cited": 1},
    ]
    assert (sourcing["sentences"], sourcing["cited"]) == (9, 6)
    assert facts(data, "distinguishing") == {
        "assumptions": 2,
        "if_wrong": 1,
        "without_if_wrong": ["The offer stands. The authority keeps its offer."],
    }
    against = facts(data, "alternatives")["against"]
    assert against == [{"label": "KJ1", "markers": ["against it"]}]
    assert facts(data, "sourcing")["judgements"] == [
        {"label": "KJ1", "sources": 2, "independent": 2, "confidence": "moderate", "rests_on": None}
    ]


def test_rule_warnings_are_filed_under_their_standard_and_waivers_shown(
    make_project: MakeProject,
) -> None:
    one_source = BRIEF.replace("; @cranes]", "]")
    data = review_json(make_project({"brief.md": one_source}))
    (rule,) = [r for r in data["rules"] if r["name"] == "single-source"]
    assert rule["filed_under"] == "sourcing" and rule["waived"] is None
    assert [(w["line"], w["code"]) for w in rule["warnings"]] == [(17, "single-source")]
    sourcing = next(s for s in data["standards"] if s["id"] == "sourcing")
    assert "single-source" in sourcing["rules"]

    root = make_project({"brief.md": WAIVED})
    (rule,) = [r for r in review_json(root)["rules"] if r["name"] == "single-source"]
    assert rule["waived"] == "the union's own statement is the fact at issue"
    assert rule["warnings"] == []
    code, output = run("review", root)
    assert code == 0
    assert "single-source (Sourcing): waived: the union's own statement" in output


def test_a_rule_is_filed_by_its_standards_wording() -> None:
    assert filed_under("Properly describes quality and credibility of underlying sources") == (
        "sourcing"
    )
    assert filed_under("Uses clear and logical argumentation.") == "argumentation"
    assert filed_under("Explains change to or consistency of analytic judgements") == "change"
    assert filed_under("Writes in plain English") is None
    assert {filed_under(r.standard) for r in RULES.values()} <= {s for s, _, _ in STANDARDS}


def test_a_project_with_errors_prints_them_as_check_does_and_fails(
    make_project: MakeProject,
) -> None:
    root = make_project({"brief.md": BRIEF.replace("before the winter", "before the summer")})
    code, output = run("review", root)
    assert code == 1
    assert output.splitlines()[0] == "brief.md:22:37: error: quote not found in source 'harbour'"
    assert output.splitlines()[-1] == "Error: review failed: 1 error"
    code, output = run("review", root, "--json")
    (error,) = json.loads(output)  # as `check --json` prints it
    assert code == 1
    assert (error["line"], error["column"], error["severity"]) == (22, 37, "error")
