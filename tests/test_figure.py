"""The timeline figure: legible at its printed size, honest about dates, deterministic."""

from __future__ import annotations

import itertools
from typing import Any, cast

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from briefing.build import check
from briefing.figures import STYLE, draw_timeline

from .conftest import REPO


def boxes(events: Any) -> tuple[list[tuple[str, Bbox]], list[Bbox]]:
    """Bounding boxes, in display units, of every text and of every marker."""
    with matplotlib.rc_context(cast(Any, STYLE)):
        fig = draw_timeline(events)
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        texts = [
            (t.get_text(), t.get_window_extent(renderer))
            for t in fig.findobj(matplotlib.text.Text)
            if t.get_text() and t.get_visible()
        ]
        marks = []
        for line in fig.findobj(Line2D):
            if line.get_marker() in ("None", None, "") or line.axes is None:
                continue
            size = line.get_markersize() * fig.dpi / 72
            for x, y in line.get_xydata():
                px, py = line.get_transform().transform((x, y))
                marks.append(Bbox.from_bounds(px - size / 2, py - size / 2, size, size))
    return texts, marks


@pytest.fixture(scope="module")
def default_events() -> Any:
    return check(REPO).brief.events


def assert_legible(events: Any) -> None:
    texts, marks = boxes(events)
    assert len(texts) > len(events)
    for (a, box_a), (b, box_b) in itertools.combinations(texts, 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"
    for text, box in texts:
        for mark in marks:
            assert not box.overlaps(mark), f"{text!r} overlaps a marker"
    for a, b in itertools.combinations(marks, 2):
        assert not a.overlaps(b), "two markers overlap"


def test_no_label_overlaps_another_label_or_a_mark(default_events: Any) -> None:
    assert_legible(default_events)


def test_dense_cluster_stays_legible() -> None:
    from briefing.model import Event, PartialDate

    events = tuple(
        Event(PartialDate(2024, 12, day), f"Event number {day} on the same few days", ("Putin",),
              "", (0,), None)  # type: ignore[arg-type]
        for day in (1, 1, 2, 2, 3, 8, 8, 9)
    )  # fmt: skip
    assert_legible(events)
