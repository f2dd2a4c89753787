"""Sources that repeat each other do not corroborate each other: the same document saved
twice, or a wire story two outlets ran, is found by the sentences they share."""

from __future__ import annotations

import json
from pathlib import Path

from briefing.model import Repeat
from briefing.repeats import independent

from .conftest import BRIEF, SOURCES_YAML, MakeProject, run

WIRE = [
    "The port authority and the dockworkers' union agreed on Tuesday to resume talks next week.",
    "Negotiators said the two sides remained far apart on pay after three weeks of strikes.",
    "The regional council has offered to mediate if the talks break down again this month.",
]
OWN = "Our reporter in Port Ellis found the quays empty and the cranes idle on Wednesday morning."


def register(name: str, ident: str) -> str:
    return f"  {ident}:\n    file: {name}\n    title: {ident}\n"


def project(make_project: MakeProject, first: str, second: str) -> Path:
    """The test project with two more sources, 'wire' and 'copy', and a judgement citing
    just those two."""
    cite = '[@wire "agreed on Tuesday to resume talks"; @copy "agreed on Tuesday to resume talks"]'
    brief = BRIEF.replace("The authority expects one", f"Talks resume {cite}. The authority")
    return make_project({
        "brief.md": brief.replace("The parties remain apart on pay", "They differ on pay"),
        "seeds/wire.txt": first,
        "seeds/copy.txt": second,
        "seeds/sources.yaml": SOURCES_YAML + register("wire.txt", "wire")
        + register("copy.txt", "copy"),
    })  # fmt: skip


def judgement_summary(root: Path) -> str:
    code, output = run("build", str(root), "--format", "json")
    assert code == 0, output
    data = json.loads((root / "dist" / "brief.json").read_text("utf-8"))
    return " ".join(data["source_summary"])


def test_the_same_document_twice_is_one_source(make_project: MakeProject) -> None:
    text = "\n".join(WIRE) + "\n"
    root = project(make_project, text, "Printed 12/03/2024\n" + text)
    code, output = run("check", str(root))
    assert code == 0, output
    assert "warning: source 'copy' repeats source 'wire' (3 of 3 sentences)" in output
    summary = judgement_summary(root)
    assert "count as one where both are cited: S3 and S4 (3 independent sources of 4)." in summary


def test_a_shared_statement_is_said_and_counted_once(make_project: MakeProject) -> None:
    root = project(make_project, "\n".join([*WIRE, OWN]) + "\n", "\n".join(WIRE[:2]) + "\n")
    code, output = run("check", str(root))
    assert code == 0, output
    assert "warning: source 'copy' shares 2 sentences with source 'wire'" in output


def test_sources_that_share_no_sentence_are_independent(make_project: MakeProject) -> None:
    other = "The mayor agreed on Tuesday to resume talks with the ferry lines on their timetable."
    root = project(make_project, "\n".join(WIRE) + "\n", f"{OWN}\n{other}\n")
    code, output = run("check", str(root))
    assert code == 0, output
    assert "repeats source" not in output and "shares" not in output


def test_sources_linked_by_shared_text_count_once() -> None:
    a_b, b_c = Repeat("a", "b", 3, 3, 3), Repeat("b", "c", 1, 3, 5)
    assert independent(["a", "b", "c"], ()) == 3
    assert independent(["a", "b", "c"], (a_b,)) == 2
    assert independent(["a", "b", "c"], (a_b, b_c)) == 1  # linked through b
    assert independent(["a", "c"], (a_b, b_c)) == 2  # b, not cited, links nothing here
