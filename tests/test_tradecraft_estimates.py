"""Tradecraft rules 2 and 3: the bottom line carries the key judgements' estimates
(`estimates-carried`), and a judgement is no more likely than its premises (`premises`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.build import check
from briefing.diagnostics import Diagnostics
from briefing.directives.judgement import Judgement
from briefing.parse import parse_brief
from briefing.tradecraft.estimates_carried import (
    RESTATES,
    Terms,
    bottom_line_sentences,
    overlap,
    weights,
)
from briefing.vocabulary import VOCABULARIES

from .conftest import BRIEF, REPO, MakeProject, run
from .test_render import html_of
from .test_tradecraft import flags

BOTTOM_LINE = "A settlement is likely before winter [@harbour].\n"


def with_bottom_line(text: str) -> str:
    return BRIEF.replace(BOTTOM_LINE, text)


# --- estimates-carried ---------------------------------------------------------------------


def carried(make_project: MakeProject, bottom_line: str, brief: str = "") -> list[str]:
    """The rule's messages, each at its place, for a brief with this bottom line."""
    root = make_project({"brief.md": (brief or BRIEF).replace(BOTTOM_LINE, bottom_line)})
    return [f"{d.location}: {d.message}" for d in flags(root, "estimates-carried")]


def test_a_restated_judgement_without_its_likelihood_is_flagged(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {
            "brief.md": with_bottom_line(
                "Talks resume next week [@harbour].\nA settlement will be reached "
                "before the winter season [@harbour].\n"
            )
        }
    )
    (flag,) = flags(root, "estimates-carried")
    assert str(flag.location) == "brief.md:13:1"
    assert flag.message == "the bottom line restates KJ1 without its likelihood ('likely')"
    assert flag.hint.startswith("carry the estimate as KJ1 states it: likely (55–80%)")


def test_a_judgement_named_by_its_label_is_restated(make_project: MakeProject) -> None:
    assert carried(make_project, "As KJ1 says, talks will end the dispute [@harbour].\n") == [
        "brief.md:12:1: the bottom line restates KJ1 without its likelihood ('likely')"
    ]


def test_a_term_that_runs_over_a_line_end_is_carried(make_project: MakeProject) -> None:
    even = BRIEF.replace(":likelihood: likely", ":likelihood: roughly even chance")
    wrapped = "A settlement before winter is a roughly even\nchance [@harbour].\n"
    assert carried(make_project, wrapped, even) == []


def test_a_sentence_that_names_a_judgement_restates_that_one_only(
    make_project: MakeProject,
) -> None:
    """Its words may echo another judgement's; the label says which it restates."""
    second = BRIEF.replace(
        "## Motives",
        ":::{judgement} A settlement will be reached before the winter season on the union's"
        " terms.\n"
        ":id: offer\n:likelihood: unlikely\n:confidence: low\n\n"
        'It asks for more [@harbour "The union has asked for a 4% rise"; @cranes].\n:::\n\n'
        "## Motives",
    )
    named = "A settlement is likely before the winter season (KJ1) [@harbour].\n"
    assert carried(make_project, named, second) == []
    unnamed = "A settlement is likely before the winter season [@harbour].\n"
    assert carried(make_project, unnamed, second) == [
        "brief.md:12:1: the bottom line restates KJ2 without its likelihood ('unlikely')"
    ]


def test_another_term_of_the_vocabulary_is_named(make_project: MakeProject) -> None:
    revised = BRIEF.replace(":likelihood: likely", ":likelihood: very unlikely").replace(
        "will probably be reached", "will be reached"
    )
    found = carried(make_project, "A settlement before winter is unlikely [@harbour].\n", revised)
    assert found == [
        "brief.md:12:1: the bottom line says 'unlikely' where KJ1 says 'very unlikely'"
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "A settlement is likely before winter [@harbour].",  # the conftest project's own
        "A settlement before the winter season will probably be reached [@harbour].",
        "KJ1: a settlement is probable before winter.",  # another term of the same band
        "Talks resume next week [@harbour].\n\nWill the union accept 2%?",  # a question
    ],
)
def test_a_carried_likelihood_or_a_question_is_quiet(
    make_project: MakeProject, sentence: str
) -> None:
    assert carried(make_project, sentence + "\n") == []


def test_likely_is_not_found_inside_unlikely_or_very_likely(make_project: MakeProject) -> None:
    for said in ("very likely", "unlikely"):
        assert carried(make_project, f"A settlement before winter is {said} [@harbour].\n") == [
            f"brief.md:12:1: the bottom line says '{said}' where KJ1 says 'likely'"
        ]


def test_an_assertion_without_estimate_or_citation_is_flagged(
    make_project: MakeProject,
) -> None:
    bottom_line = (
        "Dockworkers in Port Ellis have struck before. Cranes were closed\n"
        "for inspection [@cranes]. Harbour fees may rise. We hold this with moderate confidence.\n"
        "- Shipping could move to Carrow, at a roughly even chance.\n"
        "- The mayor stays silent.\n"
    )
    assert carried(make_project, bottom_line) == [
        "brief.md:12:1: a bottom-line sentence asserts without an estimate or a citation",
        "brief.md:13:27: a bottom-line sentence asserts without an estimate or a citation",
        "brief.md:15:1: a bottom-line sentence asserts without an estimate or a citation",
    ]


def test_a_citation_after_the_full_stop_belongs_to_its_sentence(
    make_project: MakeProject,
) -> None:
    assert carried(make_project, "The cranes were closed. [@cranes]\n") == []


def test_the_measure_tells_restatements_from_unrelated_sentences() -> None:
    """The default brief's first edition (editions/1.0, which no one rewrites now): each
    bottom-line sentence restates one judgement above the threshold, and shares with every
    other judgement well below it."""
    text = parse_brief((REPO / "editions/1.0/brief.md").read_text("utf-8"), Diagnostics())
    assert text is not None and text.bottom_line is not None
    terms = Terms(VOCABULARIES[text.meta.vocabulary])
    statements = [terms.content_words(j.statement.text) for j in text.blocks_of(Judgement)]
    weight = weights(statements)
    table = [
        [overlap(s, terms.content_words(sentence.words), weight) for s in statements]
        for sentence in bottom_line_sentences(text.bottom_line)
    ]
    restated = [[n + 1 for n, share in enumerate(row) if share >= RESTATES] for row in table]
    assert restated == [[1], [2], [4], [5]]
    assert max(share for row in table for share in row if share < RESTATES) < 0.3
    assert min(share for row in table for share in row if share >= RESTATES) > 0.45


def test_an_unrelated_sentence_restates_nothing() -> None:
    terms = Terms(VOCABULARIES["icd203"])
    statement = terms.content_words("A settlement will probably be reached before the winter.")
    other = terms.content_words("The winter storms closed the northern harbour for a week.")
    assert overlap(statement, other, weights([statement])) == 0.0  # one word in common
    same = terms.content_words("Before winter, a settlement is likely to be reached.")
    assert overlap(statement, same, weights([statement])) == 1.0


# --- premises ------------------------------------------------------------------------------

PAY = """\
:::{judgement} The union will hold out for more than the 2% on offer.
:id: pay
:likelihood: roughly even chance
:confidence: low

The union asks for 4% [@harbour "The union has asked for a 4% rise"].
:::

## Motives
"""
WITH_PREMISE = BRIEF.replace("## Motives\n", PAY).replace(
    ":confidence: moderate\n", ":confidence: moderate\n:depends-on: pay\n"
)


def test_a_judgement_above_its_premise_is_flagged(make_project: MakeProject) -> None:
    (flag,) = flags(make_project({"brief.md": WITH_PREMISE}), "premises")
    assert str(flag.location) == "brief.md:17:1"
    assert flag.message == (
        "KJ1 (likely, 55–80%) depends on KJ2 (roughly even chance, 45–55%): a judgement "
        "cannot be more likely than a premise it depends on"
    )
    assert "lower KJ1 to at most 'roughly even chance'" in flag.hint


def test_a_judgement_as_likely_as_its_premises_is_quiet(make_project: MakeProject) -> None:
    level = WITH_PREMISE.replace(":likelihood: roughly even chance", ":likelihood: likely")
    assert flags(make_project({"brief.md": level}), "premises") == []
    higher = WITH_PREMISE.replace(":likelihood: roughly even chance", ":likelihood: very likely")
    assert flags(make_project({"brief.md": higher}), "premises") == []


def test_the_check_prints_the_warning_at_its_place(make_project: MakeProject) -> None:
    code, out = run("check", make_project({"brief.md": WITH_PREMISE}))
    assert code == 0
    assert (
        "brief.md:17:1: warning: KJ1 (likely, 55–80%) depends on KJ2 (roughly even chance, "
        "45–55%): a judgement cannot be more likely than a premise it depends on"
    ) in out
    unsaid = with_bottom_line("The parties meet often [@harbour]. Winter comes early.\n")
    code, out = run("check", make_project({"brief.md": unsaid}))
    assert code == 0
    assert (
        "brief.md:12:36: warning: a bottom-line sentence asserts without an estimate or a citation"
    ) in out


@pytest.mark.parametrize(
    ("depends_on", "expected"),
    [
        ("payy", "KJ1 depends on 'payy', which is no judgement's id\n    did you mean 'pay'?"),
        (
            "wages",
            "KJ1 depends on 'wages', which is no judgement's id\n"
            "    the judgements' ids: settlement, pay",
        ),
        ("settlement", "KJ1 depends on itself"),
        (
            "pay, KJ1",
            "KJ1 depends on 'KJ1', which is no judgement's id\n    name KJ1 by its id, "
            "'settlement', which stays when judgements are renumbered",
        ),
    ],
)
def test_an_unknown_premise_or_the_judgement_itself_is_an_error(
    make_project: MakeProject, depends_on: str, expected: str
) -> None:
    brief = WITH_PREMISE.replace(":depends-on: pay", f":depends-on: {depends_on}")
    code, out = run("check", make_project({"brief.md": brief}))
    assert code == 1
    assert f"brief.md:17:1: error: {expected}" in out


def test_an_empty_depends_on_is_an_error(make_project: MakeProject) -> None:
    brief = WITH_PREMISE.replace(":depends-on: pay", ":depends-on: ,")
    code, out = run("check", make_project({"brief.md": brief}))
    assert code == 1
    assert "error: ':depends-on:' needs the id of a judgement" in out


def test_the_dependency_is_shown_on_paper_and_in_the_json(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project({"brief.md": WITH_PREMISE})
    html = html_of(root, tmp_path)
    assert '<p class="depends-on">Depends on <a href="#kj-pay">KJ2</a></p>' in html
    assert html.count('class="depends-on"') == 1
    code, out = run("build", root, "--format", "json", "-o", tmp_path / "json")
    assert code == 0, out
    judgements = json.loads((tmp_path / "json" / "brief.json").read_text("utf-8"))["judgements"]
    assert [j["depends_on"] for j in judgements] == [["pay"], []]


def second_edition(make_project: MakeProject, tmp_path: Path, first: str, second: str) -> Path:
    """A project whose edition 1.0 (brief.json only) had brief `first`, now at 2.0 with
    brief `second`."""
    root = make_project(
        {"brief.md": first.replace("product_id: T-1\n", 'product_id: T-1\nversion: "1.0"\n')}
    )
    code, out = run("build", root, "--format", "json", "-o", tmp_path / "1.0")
    assert code == 0, out
    (root / "editions" / "1.0").mkdir(parents=True)
    (tmp_path / "1.0" / "brief.json").rename(root / "editions" / "1.0" / "brief.json")
    front = 'product_id: T-1\nversion: "2.0"\nprevious: "1.0"\n'
    (root / "brief.md").write_text(second.replace("product_id: T-1\n", front), "utf-8")
    return root


LEVEL = WITH_PREMISE.replace(":likelihood: roughly even chance", ":likelihood: likely")
MOVED = WITH_PREMISE.replace(
    ":likelihood: roughly even chance\n:confidence: low",
    ":likelihood: unlikely\n:confidence: low\n:change: The union voted to accept less.",
)


def test_a_premise_that_moved_under_a_judgement_that_did_not_is_flagged(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = second_edition(make_project, tmp_path, LEVEL, MOVED)
    found = flags(root, "premises")
    assert [f.message for f in found] == [
        "KJ1 (likely, 55–80%) depends on KJ2 (unlikely, 20–45%): a judgement cannot be more "
        "likely than a premise it depends on",
        "KJ2, which KJ1 depends on, moved from likely to unlikely; say in KJ1's :change: why "
        "it stands",
    ]
    assert str(found[1].location) == "brief.md:19:1"


@pytest.mark.parametrize("named", ["KJ2", "pay"])
def test_a_change_that_names_the_premise_or_a_judgement_that_moved_is_quiet(
    make_project: MakeProject, tmp_path: Path, named: str
) -> None:
    said = MOVED.replace(
        ":depends-on: pay\n", f":depends-on: pay\n:change: {named} fell; the settlement stands.\n"
    )
    root = second_edition(make_project, tmp_path, LEVEL, said)
    assert [f.message for f in flags(root, "premises") if "moved" in f.message] == []
    both = MOVED.replace(
        ":likelihood: likely\n:confidence: moderate",
        (":likelihood: unlikely\n:confidence: moderate\n:change: The pay talks failed."),
    )
    root = second_edition(make_project, tmp_path, LEVEL, both)
    assert flags(root, "premises") == []


# --- both rules: quiet where they should be ------------------------------------------------


def test_the_new_and_the_small_projects_raise_no_warning(
    make_project: MakeProject, tmp_path: Path
) -> None:
    new = tmp_path / "new"
    assert run("new", new)[0] == 0
    assert check(new).diagnostics.warnings == []
    small = make_project()
    rules = ("estimates-carried", "premises")
    assert [d for d in check(small).diagnostics.warnings if d.code in rules] == []
