"""The timeline figure: legible at its printed size, honest about dates, deterministic."""

from __future__ import annotations

import itertools
import re
import textwrap
from typing import Any, cast

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from briefing.diagnostics import Diagnostics, Location
from briefing.events import parse_timeline
from briefing.figures import (
    PANEL_LINES,
    STYLE,
    WRAP,
    _draw,
    draw_timeline,
    lane_looks,
    lane_of,
    panels_of,
)
from briefing.model import Event, Lane, PartialDate, Timeline

from .conftest import REPO

AT = Location("figures/timeline.yaml")


def boxes(
    events: tuple[Event, ...], lanes: tuple[Lane, ...] = ()
) -> tuple[list[tuple[str, Bbox]], list[Bbox]]:
    """Bounding boxes, in display units, of every text and of every marker."""
    with matplotlib.rc_context(cast(Any, STYLE)):
        fig = draw_timeline(events, lanes)
        FigureCanvasAgg(fig)
        fig.canvas.draw()  # each text keeps the renderer it was drawn with
        texts = [
            (t.get_text(), t.get_window_extent())
            for t in fig.findobj(matplotlib.text.Text)
            if t.get_text() and t.get_visible()
        ]
        marks = []
        for line in fig.findobj(Line2D):
            if line.get_marker() in ("None", None, "") or line.axes is None:
                continue
            size = line.get_markersize() * fig.dpi / 72
            xy = line.get_xydata()
            assert isinstance(xy, np.ndarray)
            for x, y in xy:
                px, py = line.get_transform().transform((x, y))
                marks.append(Bbox.from_bounds(px - size / 2, py - size / 2, size, size))
    return texts, marks


@pytest.fixture(scope="module")
def default_timeline() -> Timeline:
    text = (REPO / "figures" / "timeline.yaml").read_text(encoding="utf-8")
    return parse_timeline(text, 0, Diagnostics())


def assert_legible(events: tuple[Event, ...], lanes: tuple[Lane, ...] = ()) -> None:
    texts, marks = boxes(events, lanes)
    assert len(texts) > len(events)
    for (a, box_a), (b, box_b) in itertools.combinations(texts, 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"
    for text, box in texts:
        for mark in marks:
            assert not box.overlaps(mark), f"{text!r} overlaps a marker"
    for mark_a, mark_b in itertools.combinations(marks, 2):
        assert not mark_a.overlaps(mark_b), "two markers overlap"


def test_no_label_overlaps_another_label_or_a_mark(default_timeline: Timeline) -> None:
    assert_legible(default_timeline.events, default_timeline.lanes)


def test_lanes_come_from_the_timeline(default_timeline: Timeline) -> None:
    looks = lane_looks(default_timeline.events, default_timeline.lanes)
    assert [look.label for look in looks.values()] == ["Assad / Syria", "Both", "Putin / Russia",
                                                      "Others"]  # fmt: skip
    assert len({look.marker for look in looks.values()}) == 4  # told apart without colour
    events = default_timeline.events
    assert [e.title for e in events if lane_of(e, default_timeline.lanes) == "several"][:1] == [
        "Putin and Assad both come to power"
    ]
    text = "events:\n" + "".join(
        f"  - date: '2020'\n    title: E{n}\n    actors: [{actor}]\n    cite: [s]\n"
        for n, actor in enumerate(["Union", "Union", "Council", "Mayor"])
    )
    undeclared = parse_timeline(text, 0, Diagnostics())
    assert [lane.name for lane in undeclared.lanes] == ["Union", "Council"]


def test_dense_cluster_stays_legible() -> None:
    from briefing.model import Event, PartialDate

    events = tuple(
        Event(PartialDate(2024, 12, day), f"Event number {day} on the same few days", ("Putin",),
              "", (0,), AT)
        for day in (1, 1, 2, 2, 3, 8, 8, 9)
    )  # fmt: skip
    assert_legible(events)


def height_in_inches(svg: str) -> float:
    match = re.search(r'height="([\d.]+)pt"', svg)
    assert match is not None
    return float(match[1]) / 72


def test_a_long_timeline_is_drawn_in_panels_that_fit_a_page() -> None:
    events = tuple(
        Event(PartialDate(2000 + n // 12, n % 12 + 1), f"Event number {n} " + "word " * (n % 20),
              ("Putin",) if n % 2 else ("Assad",), "", (n,), AT)
        for n in range(120)
    )  # fmt: skip
    panels = panels_of(events)
    assert len(panels) > 2 and sum(panels, ()) == events  # every event, in order, once
    for panel in panels:
        lines = sum(len(textwrap.wrap(e.title, WRAP)) for e in panel)
        assert lines <= PANEL_LINES
    drawn = _draw(events, ())
    assert len(drawn) == len(panels)
    heights = [height_in_inches(svg) for svg in drawn]
    assert max(heights) < 8.5  # inches: A4 and Letter both leave more than that
    for svg, panel in zip(drawn, panels, strict=True):
        first, last = (" ".join(e.title.split()[:3]) for e in (panel[0], panel[-1]))
        assert re.search(f">{first}[ <]", svg) and re.search(f">{last}[ <]", svg)  # its events
        assert "month or year only" in svg  # and the legend
    ids = [i for svg in drawn for i in re.findall(r'\bid="([^"]+)"', svg)]
    assert len(ids) == len(set(ids))  # the panels are inlined in one HTML page
    referenced = {r for svg in drawn for r in re.findall(r'(?:href="#|url\(#)([^")]+)', svg)}
    assert referenced and referenced <= set(ids)


def test_lanes_are_named_over_their_columns_and_an_event_of_several_says_which() -> None:
    lanes = (
        Lane("Union", frozenset({"union"})),
        Lane("Council", frozenset({"council"})),
        Lane("Port", frozenset({"port"})),
    )
    events = tuple(
        Event(PartialDate(2024, 3, day), title, actors, "", (0,), AT)
        for day, title, actors in [
            (1, "Strike called", ("Union",)),
            (2, "Talks with the council", ("Union", "Council")),
            (3, "Port closes", ("Port",)),
        ]
    )
    with matplotlib.rc_context(cast(Any, STYLE)):
        fig = draw_timeline(events, lanes)
    texts = {t.get_text(): t for t in fig.findobj(matplotlib.text.Text) if t.get_text()}
    looks = lane_looks(events, lanes)
    for look in looks.values():  # a name upright over its column
        head = texts[look.label]
        assert head.get_rotation() == 90 and head.get_position()[0] == look.x
    assert "Talks with the council (Union, Council)" in texts
    assert "Strike called" in texts
    assert_legible(events, lanes)
