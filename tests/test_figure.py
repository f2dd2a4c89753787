"""The timeline figure: legible at its printed size, honest about dates, deterministic."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
import statistics
import textwrap
from typing import Any, cast

import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from briefing.diagnostics import Diagnostics, Location
from briefing.events import parse_timeline
from briefing.figures import (
    BREAK,
    PANEL_LINES,
    SPINE_X,
    STYLE,
    WRAP,
    _draw,
    _with_spells,
    dense_spells,
    draw_timeline,
    lane_looks,
    lane_of,
    panels_of,
)
from briefing.model import Event, Lane, PartialDate, Timeline

from .conftest import REPO

AT = Location("figures/timeline.yaml")


def drawn(events: tuple[Event, ...], lanes: tuple[Lane, ...] = ()) -> MplFigure:
    """The figure, drawn: each text keeps the renderer it was drawn with."""
    with matplotlib.rc_context(cast(Any, STYLE)):
        fig = draw_timeline(events, lanes)
        FigureCanvasAgg(fig)
        fig.canvas.draw()
    return fig


def boxes(fig: MplFigure) -> tuple[list[tuple[str, Bbox]], list[Bbox]]:
    """Bounding boxes, in display units, of every text and of every marker."""
    with matplotlib.rc_context(cast(Any, STYLE)):
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
    assert_figure_legible(drawn(events, lanes), len(events))


def assert_figure_legible(fig: MplFigure, events: int) -> None:
    texts, marks = boxes(fig)
    assert len(texts) > events
    page = fig.bbox
    for text, box in texts:  # nothing runs off the figure
        assert page.x0 <= box.x0 and box.x1 <= page.x1, f"{text!r} runs off the side"
        assert page.y0 <= box.y0 and box.y1 <= page.y1, f"{text!r} runs off the top or bottom"
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


# What a reader measures: where the years, the marks, the labels and the lines between them are.


def svg_ys(svg: str, kind: str) -> dict[int, float]:
    """The height (points from the top) of each tick, marker or the like in a drawn panel, by
    the number in its id: `tick2016` for the tick of 2016, `event3` for the fourth event."""
    use = r"(?:<defs>.*?</defs>\s*)?<g [^>]*>\s*<use [^>]*? y=\"([\d.]+)\""
    drawn = rf"(?:{use}|<path d=\"M [\d.]+ ([\d.]+))"
    found = re.findall(rf'<g id="timeline1-{kind}(\d+)">\s*{drawn}', svg, re.S)
    return {int(n): float(a or b) for n, a, b in found}


def days_in(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def test_the_axis_is_to_one_scale_with_a_tick_at_each_first_of_january(
    default_timeline: Timeline,
) -> None:
    events = default_timeline.events
    svg, *details = _draw(events, default_timeline.lanes)
    spells = dense_spells(events, default_timeline.lanes)
    ticks, marks = svg_ys(svg, "tick"), svg_ys(svg, "event")
    # The years with events, and the first of January that closes each run of them; the
    # quiet years 2001-10 and 2021-23 are cut out, 2012-13 (two only) are not.
    assert sorted(ticks) == [2000, 2001, *range(2011, 2022), 2024, 2025]
    per_day = (ticks[2025] - ticks[2024]) / 366
    for year in ticks:
        if year + 1 in ticks:  # every year, in every run, to the one scale
            assert ticks[year + 1] - ticks[year] == pytest.approx(per_day * days_in(year))
    # A cut is a fraction of the years it leaves out, and marked: a break, and those years.
    assert ticks[2011] - ticks[2001] == pytest.approx(BREAK * 72)
    assert 2 * 365 * per_day > BREAK * 72
    cut = r'<g id="timeline1-cut2001">\s*(?:<g id="[^"]+">.*?</g>\s*)?<text [^>]*>2001–10</text>'
    assert re.search(cut, svg, re.S)
    assert ">2021–23</text>" in svg and "2012–" not in svg

    def at(day: dt.date) -> float:  # where a day's start is, by the ticks
        return ticks[day.year] + (day - dt.date(day.year, 1, 1)).days * per_day

    for n, item in enumerate(_with_spells(events, spells)):
        if isinstance(item, Event):  # each mark within its day, month or year
            start, end = item.date.interval
            assert at(start) - 0.01 <= marks[n] <= at(end) + per_day + 0.01, item
    # Quiet years look quiet and a busy month busy: four years between the ticks of 2016
    # and 2020 hold three events (December 2019's opens spell A); the month of December 2024
    # holds seven, drawn by day in a detail panel of their own, marked on the main axis by a
    # band over the month.
    assert sum(ticks[2016] < y < ticks[2020] for y in marks.values()) == 3
    assert [e.title for e in spells[-1].events] == [
        e.title for e in events if str(e.date).startswith("2024-12")
    ] and len(spells[-1].events) == 7
    assert len(details) == len(spells) and ">Detail B: December 2024, by day</text>" in details[-1]
    assert 'id="timeline1-spellB"' in svg


def by_gid(fig: MplFigure, kind: str) -> dict[int, np.ndarray[Any, Any]]:
    """The points (inches from the top left) of each line with an id such as `leader3`."""
    found = {}
    for line in fig.findobj(Line2D):
        match = re.fullmatch(rf"{kind}(\d+)", line.get_gid() or "")
        if match:
            found[int(match[1])] = np.asarray(line.get_xydata())
    return found


def crosses(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> bool:
    """Whether two polylines cross: two of their segments meet at a point inside both (lines
    that merely touch, or run together for a while, do not cross)."""

    def turn(p: Any, q: Any, r: Any) -> float:
        return float((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    for (p1, p2), (q1, q2) in itertools.product(itertools.pairwise(a), itertools.pairwise(b)):
        if (
            turn(p1, p2, q1) * turn(p1, p2, q2) < -1e-12
            and turn(q1, q2, p1) * turn(q1, q2, p2) < -1e-12
        ):
            return True
    return False


def assert_leaders_fan_out_in_order(fig: MplFigure, events: int) -> list[float]:
    """Every event has a leader line from its mark to its date; no two cross; the labels are
    in the events' order. The distances, in inches, from each mark to its label."""
    leaders, marks = by_gid(fig, "leader"), by_gid(fig, "event")
    assert sorted(leaders) == sorted(marks) == list(range(events))
    texts = fig.findobj(matplotlib.text.Text)
    right = leaders[0][-1][0]  # the dates are right of where the leader lines end
    dates = [
        t
        for t in texts
        if re.fullmatch(r"[\w ]*\d{4}", t.get_text()) and t.get_position()[0] > right
    ]
    assert len(dates) == events
    for n, line in leaders.items():
        (mark_x, mark_y), (label_x, label_y) = marks[n][0], dates[n].get_position()
        assert line[0][1] == pytest.approx(mark_y) and line[0][0] > mark_x  # from its mark
        assert line[-1][1] == pytest.approx(label_y) and line[-1][0] < label_x  # to its label
        assert np.all(np.diff(line[:, 0]) > 0)  # rightwards, never back
    label_ys = [d.get_position()[1] for d in dates]
    assert label_ys == sorted(label_ys)
    for a, b in itertools.combinations(leaders, 2):
        assert not crosses(leaders[a], leaders[b]), f"the leader lines of events {a} and {b} cross"
    return [abs(leaders[n][0][1] - leaders[n][-1][1]) for n in range(events)]


def test_leader_lines_do_not_cross_and_labels_stay_near_their_marks(
    default_timeline: Timeline,
) -> None:
    events = default_timeline.events
    off = assert_leaders_fan_out_in_order(drawn(events, default_timeline.lanes), len(events))
    assert off[0] < 0.01  # 2000, alone: its leader is level
    # December 2024's eight labels fan out about their marks, half a fan above and half below:
    # none is further than that from its mark, and most are much nearer.
    assert max(off) < 0.7 and statistics.mean(off) < 0.25
    december = [o for o, e in zip(off, events, strict=True) if str(e.date).startswith("2024-12")]
    assert max(december) > 0.3  # they do fan out


PRECISIONS = st.sampled_from(["day", "month", "year"])


@st.composite
def timelines(draw: st.DrawFn) -> tuple[Event, ...]:
    """Up to 30 events in order, in up to four lanes, some on the same day or in the same month,
    with years apart or not."""
    days = draw(st.lists(st.integers(0, 365 * 30), min_size=1, max_size=30))
    dense = draw(st.integers(0, 365 * 30))
    events = []
    for n, day in enumerate(sorted(d if d % 3 else dense + d % 40 for d in days)):
        date = dt.date(1995, 1, 1) + dt.timedelta(days=day)
        precision = draw(PRECISIONS)
        partial = PartialDate(date.year, date.month if precision != "year" else 0,
                              date.day if precision == "day" else 0)  # fmt: skip
        actors = draw(st.sampled_from([("Putin",), ("Assad",), ("Putin", "Assad"), ("Iran",),
                                       ("Turkiye",)]))  # fmt: skip
        events.append(Event(partial, f"Event {n} " + "word " * draw(st.integers(0, 14)), actors,
                            "", (n,), AT))  # fmt: skip
    # In an order the dates allow: a vaguer date may come after a precise one within it.
    return tuple(sorted(events, key=lambda e: e.date.interval[1]))


# Two lanes and the columns 'Both' and 'Others'; or three, 'Several' and 'Others', the most.
LANES = (Lane("Assad", frozenset({"assad"})), Lane("Putin", frozenset({"putin"})))
THREE_LANES = (*LANES, Lane("Iran and its militias", frozenset({"iran"})))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=25, deadline=None)
@given(timelines(), st.sampled_from([LANES, THREE_LANES]))
def test_any_timeline_is_legible_and_its_leader_lines_do_not_cross(
    events: tuple[Event, ...], lanes: tuple[Lane, ...]
) -> None:
    for panel in panels_of(events, lanes):
        fig = drawn(panel, lanes)
        assert_leaders_fan_out_in_order(fig, len(panel))
        assert_figure_legible(fig, len(panel))


def test_a_timeline_of_a_few_weeks_is_drawn_to_the_day() -> None:
    events = tuple(
        Event(PartialDate(2024, 3, day), f"Day {day}", ("Union",), "", (0,), AT)
        for day in (1, 2, 20)
    )
    fig = drawn(events)
    marks = by_gid(fig, "event")
    first, second, third = (marks[n][0][1] for n in range(3))
    assert third - second == pytest.approx(18 * (second - first))
    # The axis is these days of March, not the year 2024: from the first of March to the 20th.
    lines = [np.asarray(line.get_xydata()) for line in fig.findobj(Line2D)]
    (spine,) = [xy[:, 1] for xy in lines if len(xy) == 2 and np.all(xy[:, 0] == SPINE_X)]
    start, end = spine
    assert third - first == pytest.approx((end - start) * 19 / 20)  # ends with the last day
    names = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    assert "Mar 2024" in names and "2024" not in names
