"""Dates against the cut-off, relative dates without a basis, and the register's files."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.build import check
from briefing.diagnostics import BuildFailed

from .conftest import BRIEF, SOURCES_YAML, TIMELINE_YAML, MakeProject


def warnings(root: Path) -> list[str]:
    return [str(d) for d in check(root).diagnostics.warnings]


def test_a_source_and_an_event_after_the_cut_off_are_warned_of(make_project: MakeProject) -> None:
    root = make_project(
        {
            "seeds/sources.yaml": SOURCES_YAML.replace(
                'published: "2024-03"', 'published: "2024-05"'
            ),
            "figures/timeline.yaml": TIMELINE_YAML.replace('date: "2024-03"', 'date: "2024-04-02"'),
        }
    )
    found = warnings(root)
    assert any(
        w.startswith("seeds/sources.yaml:3:")
        and "source 'harbour' is dated May 2024, after the brief's information cut-off (March 2024)"
        in w
        for w in found
    )
    assert any("event 'Talks announced' (2 April 2024) is after the brief's" in w for w in found)


def test_a_month_or_year_that_may_fall_before_the_cut_off_is_not_warned_of(
    make_project: MakeProject,
) -> None:
    root = make_project({"brief.md": BRIEF.replace("cutoff: 2024-03", "cutoff: 2024-03-15")})
    assert not any("cut-off" in w for w in warnings(root))  # March 2024 may be before the 15th


def test_an_event_dated_from_a_relative_expression_needs_a_basis(make_project: MakeProject) -> None:
    relative = TIMELINE_YAML.replace(
        'quote: "talks with the dockworkers\' union would resume"',
        'quote: "The harbour authority said on Monday that talks"',
    )
    found = warnings(make_project({"figures/timeline.yaml": relative}))
    assert any(
        w.startswith("figures/timeline.yaml:2:")
        and "event 'Talks announced' is dated from 'on Monday' in its source, with no 'basis:'" in w
        for w in found
    )
    with_basis = relative.replace(
        "    actors: [Authority]\n", "    actors: [Authority]\n    basis: a March report\n", 1
    )
    assert not any(
        "relative" in w or "on Monday" in w
        for w in warnings(make_project({"figures/timeline.yaml": with_basis}))
    )


def test_a_listed_file_whose_entry_has_an_error_is_not_called_unlisted(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {"seeds/sources.yaml": SOURCES_YAML.replace("reliability: F", "reliability: Z")}
    )
    with pytest.raises(BuildFailed) as failed:
        check(root)
    messages = [str(d) for d in failed.value.diagnostics]
    assert any("reliability must be a letter A-F" in m for m in messages)
    assert not any("not listed" in m for m in messages)
