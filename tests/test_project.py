"""Loading a project: the source register, the documents and the timeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.build import check
from briefing.diagnostics import BuildFailed, Diagnostics
from briefing.events import parse_timeline
from briefing.model import PartialDate

from .conftest import BRIEF, SOURCES_YAML, MakeProject


def errors_of(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        check(root)
    return [str(d) for d in failed.value.diagnostics]


def test_small_project_checks_clean(make_project: MakeProject) -> None:
    result = check(make_project())
    assert [str(d) for d in result.diagnostics] == []
    brief = result.brief
    assert [s.id for s in brief.sources] == ["harbour", "cranes"]
    harbour = brief.sources[0]
    assert harbour.entry.grade == "B2" and harbour.entry.label == "S1"
    assert len(harbour.sha256) == 64 and harbour.word_count == 46
    assert all(c.verified for c in brief.citations)


def test_fingerprint_is_of_the_original_bytes(make_project: MakeProject) -> None:
    import hashlib

    root = make_project()
    data = b"\xef\xbb\xbf" + (root / "seeds/cranes.txt").read_bytes()
    (root / "seeds/cranes.txt").write_bytes(data)
    cranes = check(root).brief.sources[1]
    assert cranes.sha256 == hashlib.sha256(data).hexdigest()
    assert not cranes.text.startswith("\ufeff")


def test_missing_register_and_missing_file(make_project: MakeProject) -> None:
    assert errors_of(make_project({"seeds/sources.yaml": None}))[0] == (
        "seeds/sources.yaml: error: file not found"
    )
    messages = errors_of(make_project({"seeds/cranes.txt": None}))
    assert (
        messages[0] == "seeds/sources.yaml:15:5: error: source 'cranes': no file seeds/cranes.txt"
    )


def test_register_field_errors_name_their_line(make_project: MakeProject) -> None:
    broken = SOURCES_YAML.replace("reliability: B", "reliability: Q").replace(
        "credibility: 3", "credibility: 9"
    )
    messages = errors_of(make_project({"seeds/sources.yaml": broken}))
    assert "seeds/sources.yaml:9:18: error: reliability must be a letter A-F" in messages
    assert "seeds/sources.yaml:23:18: error: credibility must be a number 1-6" in messages


def test_source_that_is_not_utf8(make_project: MakeProject) -> None:
    root = make_project()
    (root / "seeds/cranes.txt").write_bytes("Caf\xe9 closed.\n".encode("latin-1"))
    messages = errors_of(root)
    assert messages[0].startswith("seeds/cranes.txt:1:4: error: source is not valid UTF-8 (byte")


def test_unlisted_seed_is_a_warning(make_project: MakeProject) -> None:
    root = make_project({"seeds/extra.txt": "Unlisted."})
    assert [str(d) for d in check(root).diagnostics] == [
        "seeds/extra.txt: warning: file is not listed in seeds/sources.yaml"
    ]


def test_timeline_events_keep_order_precision_and_located_citations() -> None:
    diagnostics = Diagnostics()
    text = (
        "events:\n"
        "  - date: '2015-10-20'\n    title: Visit\n    cite: [a]\n"
        "  - date: '2015'\n    title: Intervention\n    cite:\n"
        "      - source: b\n        quote: a passage of b here\n"
    )
    timeline = parse_timeline(text, 5, diagnostics)
    assert list(diagnostics) == []  # a year-only date may fall after 20 October
    assert [e.date for e in timeline.events] == [PartialDate(2015, 10, 20), PartialDate(2015)]
    assert [(c.index, c.source, str(c.location)) for c in timeline.citations] == [
        (5, "a", "figures/timeline.yaml:4:11"),
        (6, "b", "figures/timeline.yaml:9:16"),
    ]


def test_timeline_out_of_order_is_a_warning() -> None:
    diagnostics = Diagnostics()
    text = (
        "events:\n  - date: '2016'\n    title: Later\n    cite: [a]\n"
        "  - date: '2015-03'\n    title: Earlier\n    cite: [a]\n"
    )
    parse_timeline(text, 0, diagnostics)
    assert [str(d) for d in diagnostics] == [
        "figures/timeline.yaml:5:5: warning: event 'Earlier' (2015-03) is out of order: it is "
        "listed after 'Later' (2016)\n    move it before 'Later' (2016), or correct its date"
    ]


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("date: '2015-13'\n    title: X\n    cite: [a]", "2:11: error: date: '2015-13' is not a"),
        ("date: '2015-02-30'\n    title: X\n    cite: [a]", "2:11: error: date: '2015-02-30' is"),
        ("date: 'soon'\n    title: X\n    cite: [a]", "2:11: error: date: 'soon' is not a"),
        ("date: '2015'\n    title: X", "2:5: error: event 'X' cites no source"),
        (
            "date: '2015'\n    title: X\n    cite: [a]\n    actor: [Y]",
            "5:12: error: unknown event field 'actor'",
        ),
    ],
)
def test_timeline_errors(event: str, message: str) -> None:
    diagnostics = Diagnostics()
    parse_timeline(f"events:\n  - {event}\n", 0, diagnostics)
    assert str(next(iter(diagnostics))).startswith(f"figures/timeline.yaml:{message}")


def test_source_summary_statement(make_project: MakeProject) -> None:
    brief = BRIEF.replace("; @cranes]", "]")
    timeline = "events:\n  - date: '2024'\n    title: T\n    cite: [harbour]\n"
    result = check(make_project({"brief.md": brief, "figures/timeline.yaml": timeline}))
    assert result.brief.summary == (
        "The brief rests on 2 sources: 2 news.",
        "Grades: 1 B2, 1 F3; 1 of 2 from a source graded fairly reliable or better.",
        "They were published between 2024 and March 2024; 1 of the dates is inferred.",
        "Key judgements citing only one source: KJ1.",
        "Sources not cited: S2.",
    )
    (judgement,) = result.brief.judgements
    assert result.brief.sources_of(judgement) == {"harbour": 2}


def test_source_summary_puts_each_type_counted_twice_in_the_plural(
    make_project: MakeProject,
) -> None:
    sources = SOURCES_YAML.replace("type: news", "type: news analysis")
    summary = check(make_project({"seeds/sources.yaml": sources})).brief.summary
    assert summary[0] == "The brief rests on 2 sources: 2 news analyses."
    one = SOURCES_YAML.replace("type: news\n", "type: news analysis\n", 1)
    summary = check(make_project({"seeds/sources.yaml": one})).brief.summary
    assert summary[0] == "The brief rests on 2 sources: 1 news, 1 news analysis."


def test_source_summary_lists_the_judgements_that_rest_on_one_source(
    make_project: MakeProject,
) -> None:
    """A judgement citing two sources may still rest on one: it says so, and the summary
    lists it by the label of that source."""
    brief = BRIEF.replace(":confidence: moderate\n", ":confidence: moderate\n:rests-on: cranes\n")
    assert brief != BRIEF
    summary = check(make_project({"brief.md": brief})).brief.summary
    assert "Every key judgement cites at least two sources." in summary
    assert summary[-2] == (
        "Key judgements whose central claim rests on one source, as their arguments say: KJ1 (S2)."
    )
