"""brief.md: front matter, directives and citations, with the positions diagnostics need."""

from __future__ import annotations

from briefing.citations import PLACEHOLDER, placeholder_indices
from briefing.diagnostics import Diagnostics, Location
from briefing.directives.judgement import Judgement
from briefing.directives.motives import MotiveSet
from briefing.directives.prose import Prose
from briefing.directives.scenario import Scenario
from briefing.directives.timeline import TimelineSlot
from briefing.model import BriefText, PartialDate
from briefing.parse import parse_brief

FRONT = """\
---
title: T
marking: M
cutoff: 2024-03
issued: 2024-04-01
---
"""


def parse(body: str, front: str = FRONT) -> tuple[BriefText | None, list[str]]:
    diagnostics = Diagnostics()
    text = parse_brief(front + body, diagnostics)
    return text, [str(d) for d in diagnostics]


def test_front_matter_fields_and_defaults() -> None:
    text, messages = parse("Body.\n")
    assert messages == []
    assert text is not None
    meta = text.meta
    assert (meta.title, meta.short_title, meta.paper, meta.vocabulary) == ("T", "T", "A4", "icd203")
    assert meta.cutoff == PartialDate(2024, 3) and meta.cutoff.precision == "month"


def test_missing_front_matter_is_an_error_at_line_1() -> None:
    text, messages = parse("# Just a heading\n", front="")
    assert text is None
    assert messages[0].startswith("brief.md:1:1: error: brief.md must begin with YAML front matter")


def test_invalid_yaml_reports_its_line_in_brief_md() -> None:
    _, messages = parse("", front="---\ntitle: T\nmarking: [unclosed\n---\n")
    assert messages and messages[0].startswith("brief.md:4:")
    assert "invalid YAML" in messages[0]


def test_unknown_key_is_a_warning_with_a_suggestion() -> None:
    text, messages = parse("Body.\n", front=FRONT.replace("title: T", "title: T\nsubtitel: S"))
    assert text is not None
    assert messages == [
        "brief.md:3:11: warning: unknown front-matter key 'subtitel'\n    did you mean 'subtitle'?"
    ]


def test_impossible_date_is_an_error() -> None:
    _, messages = parse("Body.\n", front=FRONT.replace("2024-04-01", "2024-02-30"))
    assert messages == [
        "brief.md:5:9: error: issued: '2024-02-30' is not a date: February 2024 has 29 days\n"
        "    the last day of February 2024 is 2024-02-29"
    ]


def test_citations_are_located_by_line_and_column() -> None:
    body = 'Intro.\n\nA claim [@src "a quoted passage here"; @other] and\nmore [@src].\n'
    text, messages = parse(body)
    assert messages == []
    assert text is not None
    refs = text.citations
    assert [(r.source, r.quote, str(r.location)) for r in refs] == [
        ("src", "a quoted passage here", "brief.md:9:15"),
        ("other", None, "brief.md:9:40"),
        ("src", None, "brief.md:10:7"),
    ]
    prose = text.blocks[0]
    assert isinstance(prose, Prose)
    found = list(PLACEHOLDER.finditer(prose.content.text))
    assert [placeholder_indices(m) for m in found] == [[0, 1], [2]]
    assert len(prose.content.text) == len(body)  # offsets in the fragment are offsets in the file
    assert [m.end() for m in found] == [body.index("] and") + 1, body.index("].") + 1]


def test_quote_may_wrap_lines_and_use_curly_quotes() -> None:
    text, messages = parse("See [@src “a quote that\n  wraps over lines”].\n")
    assert messages == []
    assert text is not None
    assert text.citations[0].quote == "a quote that wraps over lines"


def test_malformed_citation_and_short_quote_are_errors() -> None:
    _, messages = parse('Bad [@src "unclosed.\n\nShort [@src "two words"].\n')
    assert messages[0].startswith("brief.md:7:5: error: malformed citation")
    assert messages[1].startswith("brief.md:9:13: error: quote 'two words' is too short")


def test_judgement_directive() -> None:
    body = (
        ":::{judgement} It will rain [@met].\n:id: rain\n:likelihood: Very Likely\n"
        ':confidence: high\n\nBecause [@met "the clouds are gathering fast"].\n:::\n'
    )
    text, messages = parse(body)
    assert messages == []
    assert text is not None
    (judgement,) = text.blocks
    assert isinstance(judgement, Judgement)
    assert (judgement.number, judgement.id, judgement.likelihood, judgement.confidence) == (
        1,
        "rain",
        "very likely",
        "high",
    )
    assert judgement.citations == (0, 1)
    assert str(judgement.location) == "brief.md:7:1"


def test_judgement_errors_are_collected_together() -> None:
    body = (
        ":::{judgement} A.\n:id: a\n:likelihood: probabel\n:confidence: sure\n\nNo cite.\n:::\n"
        ":::{judgement} B [@x].\n:id: a\n:likelihood: realistic possibility\n"
        ":confidence: low\n:::\n"
    )
    _, messages = parse(body)
    assert messages == [
        "brief.md:9:1: error: 'probabel' is not a likelihood term of the ICD 203 expressions of"
        " likelihood\n    did you mean 'probable'?",
        "brief.md:10:1: error: confidence must be one of high, moderate, low, not 'sure'",
        "brief.md:7:1: error: judgement cites no source",
        "brief.md:15:1: error: duplicate judgement id 'a'\n    first used at brief.md:7:1",
        "brief.md:16:1: error: 'realistic possibility' is not a likelihood term of the ICD 203"
        " expressions of likelihood\n    'realistic possibility' belongs to the UK Professional"
        " Head of Intelligence Assessment probability yardstick",
    ]


def test_motives_scenario_and_timeline() -> None:
    body = (
        ":::{motives} Assad\nIntro.\n\n- **Survive.** [@a]\n"
        "- Legitimacy, over\n  two lines [@b].\n:::\n"
        ":::{scenario} Things go well\n:likelihood: unlikely\n\nWatch for [@a].\n:::\n"
        ":::{timeline} Caption.\n:::\n"
    )
    text, messages = parse(body)
    assert messages == []
    assert text is not None
    motives, scenario, slot = text.blocks
    assert isinstance(motives, MotiveSet) and motives.actor == "Assad"
    assert [m.text.citations for m in motives.motives] == [(0,), (1,)]
    assert str(motives.motives[1].text.location) == "brief.md:11:3"
    assert isinstance(scenario, Scenario) and scenario.likelihood == "unlikely"
    assert isinstance(slot, TimelineSlot) and slot.caption == "Caption."


def test_uncited_motive_unknown_directive_and_unclosed_directive() -> None:
    body = ":::{motives} Putin\n- Power.\n:::\n:::{judgment} X\n:::\n:::{scope}\nText\n"
    _, messages = parse(body)
    assert messages == [
        "brief.md:8:3: error: this motive of Putin cites no source",
        "brief.md:10:1: error: unknown directive 'judgment'\n    did you mean 'judgement'?",
        "brief.md:12:1: error: directive 'scope' is never closed\n    end it with ':::'",
    ]


def test_empty_brief() -> None:
    diagnostics = Diagnostics()
    assert parse_brief("  \n", diagnostics) is None
    assert [d.location for d in diagnostics] == [Location("brief.md", 1, 1)]


def test_a_heading_is_read_without_its_closing_marks_and_spaces() -> None:
    from briefing.directives.prose import HEADING, heading_text

    for line, text in [("## Scope ##", "Scope"), ("# Key judgements   ", "Key judgements"),
                       ("### C# and F#", "C# and F#"), ("#\tTabbed", "Tabbed")]:  # fmt: skip
        found = HEADING.match(line)
        assert found and heading_text(found) == text
    assert HEADING.match("#no space") is None
