"""Honest captions: the timeline figure's caption counts its events by how they are dated,
from their bases, and a caption that says the sources date them all is flagged when some
are dated with general knowledge or inferred."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefing.build import build
from briefing.options import Options
from briefing.tradecraft.captions import CLAIM

from .conftest import BRIEF, TIMELINE_YAML, MakeProject, pages_text, run
from .test_render import html_of
from .test_tradecraft import flags

RULE = "honest-captions"

# Three events: one its passage dates, one dated with general knowledge, one inferred.
MIXED = TIMELINE_YAML.replace(
    "    actors: [Inspectors]\n",
    "    actors: [Inspectors]\n    basis: after the talks were announced\n",
).replace(
    "events:\n",
    """events:
  - date: "2024-02"
    title: Union rejects the first offer
    actors: [Union]
    basis: '"on Monday" in a report of March 2024; 26 February is general knowledge'
    cite:
      - source: harbour
        quote: "The union has asked for a 4% rise"
""",
)
CLAIMING = BRIEF.replace(
    ":::{timeline} Events in Port Ellis.",
    ":::{timeline} Port Ellis: events as dated by the two sources.",
)
NOTE = (
    "3 events: 1 dated by a cited source, 1 dated with the help of general knowledge, "
    "1 inferred from what a source says."
)


def test_the_caption_counts_the_events_by_how_they_are_dated(
    make_project: MakeProject, tmp_path: Path
) -> None:
    html = html_of(make_project({"figures/timeline.yaml": MIXED}), tmp_path)
    (caption,) = re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)
    assert " ".join(caption.split()).startswith(
        f'<span class="figure-number">Figure 1.</span> Events in Port Ellis. {NOTE}'
    )
    # The chronology says which events those are.
    assert "Dating (general knowledge): “on Monday” in a report of March 2024" in html
    assert "Dating (inferred): after the talks were announced" in html


def test_one_way_of_dating_is_said_once(make_project: MakeProject, tmp_path: Path) -> None:
    html = html_of(make_project(), tmp_path)
    assert "Events in Port Ellis. Both events dated by a cited source." in html
    stated = MIXED.replace(
        "basis: after the talks were announced", "basis: stated in the inspectors' notice"
    )
    html = html_of(make_project({"figures/timeline.yaml": stated}), tmp_path / "stated")
    assert "3 events: 2 dated by a cited source, 1 dated with the help of general knowledge." in (
        html
    )
    assert "Dating: stated in the inspectors’ notice" in html


def test_the_pdf_and_brief_json_carry_the_count(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project({"figures/timeline.yaml": MIXED})
    build(root, Options(outdir=tmp_path, formats=("pdf", "json")))
    text = " ".join(" ".join(pages_text(tmp_path / "brief.pdf")).split())
    assert NOTE in text
    data = json.loads((tmp_path / "brief.json").read_text(encoding="utf-8"))
    assert [e["dating"] for e in data["events"]] == ["general knowledge", "source", "inferred"]


def test_a_caption_that_says_the_sources_date_every_event_is_flagged(
    make_project: MakeProject,
) -> None:
    root = make_project({"brief.md": CLAIMING, "figures/timeline.yaml": MIXED})
    (flag,) = flags(root, RULE)
    assert str(flag.location) == "brief.md:34:34"
    assert flag.message == (
        "the caption says the events are dated by the sources, but 1 of 3 is dated with "
        "the help of general knowledge and 1 inferred"
    )
    assert "describe how the events are dated" in flag.hint
    inferred_only = MIXED.replace("; 26 February is general knowledge", "")
    (flag,) = flags(
        make_project({"brief.md": CLAIMING, "figures/timeline.yaml": inferred_only}), RULE
    )
    assert flag.message.endswith("but 2 of 3 are inferred")


def test_an_honest_caption_or_sourced_dates_are_quiet(make_project: MakeProject) -> None:
    assert flags(make_project({"figures/timeline.yaml": MIXED}), RULE) == []
    assert flags(make_project({"brief.md": CLAIMING}), RULE) == []  # every date sourced
    honest = CLAIMING.replace(
        "as dated by the two sources.",
        "events from the two sources, one dated with general knowledge and one inferred.",
    )
    assert flags(make_project({"brief.md": honest, "figures/timeline.yaml": MIXED}), RULE) == []
    # Naming general knowledge alone leaves the inferred event unsaid.
    half = honest.replace(" and one inferred", "")
    (flag,) = flags(make_project({"brief.md": half, "figures/timeline.yaml": MIXED}), RULE)
    assert "1 of 3 is dated with the help of general knowledge and 1 inferred" in flag.message


@pytest.mark.parametrize(
    "caption",
    [
        "Events as dated by the five sources.",
        "Dates from the sources.",
        "Moscow and Damascus, according to the sources",
        "Events as the cited sources date them",
        "Events as reported by its three sources.",
        "Events based on the sources",
        "A chronology with sourced dates",
    ],
)
def test_what_counts_as_saying_the_sources_date_the_events(caption: str) -> None:
    assert CLAIM.search(caption)


@pytest.mark.parametrize(
    "caption",
    [
        "Events in Port Ellis.",
        "Moscow and Damascus, 2000–2024",
        "Sources differ on the dates of some events",
        "Events from 2015 to 2024",
    ],
)
def test_what_does_not(caption: str) -> None:
    assert not CLAIM.search(caption)


def test_the_new_project_is_quiet(tmp_path: Path) -> None:
    root = tmp_path / "new"
    assert run("new", root)[0] == 0
    assert flags(root, RULE) == []
