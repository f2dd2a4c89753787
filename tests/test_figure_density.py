"""The timeline figure at every density: a six-week brief with a cluster of days, the default
brief's quarter century with its dense spells, and a single event. Each is as tall as its rows,
gives a dense spell a panel of its own, joins each label to its marker, shows in its legend only
the marks it has, and prints its type at 7 pt or more."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar

from briefing.diagnostics import Diagnostics, Location
from briefing.events import parse_timeline
from briefing.figures import ROW, STYLE, WIDTH, _draw, dense_spells, draw_panels
from briefing.model import Event, PartialDate, Timeline

from .conftest import REPO, run
from .test_figure import by_gid

AT = Location("figures/timeline.yaml")
NEAR = 0.4  # inches: the furthest a label may sit from its marker, above or below
PRINTED_WIDTH = (210 - 18 - 27) / 25.4 * 72  # points: the text width of A4 with the margins

# A new user's six weeks: eight events, four of them in three days of March.
SIX_WEEKS = [
    ("2024-02-16", "Dockworkers walk out at Port Ellis", "Union"),
    ("2024-02-19", "Port authority calls the strike unlawful", "Port authority"),
    ("2024-02-27", "Container traffic halted at the harbour", "Port authority"),
    ("2024-03-04", "Two ferry lines move to the port of Carrow", "Ferry lines"),
    ("2024-03-05", "Union rejects a 2% offer and a review of night shifts", "Union"),
    ("2024-03-06", "Council threatens to seek regional mediation", "Town council"),
    ("2024-03-06", "Authority's chair expects a settlement before summer", "Port authority"),
    ("2024-03-29", "Union and port authority return to talks", "Union, Port authority"),
]


def timeline_yaml(events: list[tuple[str, str, str]], quote: str = "") -> str:
    cite = f"    cite:\n      - source: gazette-2024\n        quote: {quote}\n" if quote else ""
    return "events:\n" + "".join(
        f'  - date: "{date}"\n    title: {title}\n    actors: [{actors}]\n'
        + (cite or "    cite: [s]\n")
        for date, title, actors in events
    )


def parsed(text: str) -> Timeline:
    return parse_timeline(text, 0, Diagnostics())


def default() -> Timeline:
    return parsed((REPO / "figures" / "timeline.yaml").read_text(encoding="utf-8"))


def six_weeks() -> Timeline:
    return parsed(timeline_yaml(SIX_WEEKS))


def one_event() -> Timeline:
    return parsed(timeline_yaml([("2024-03", "The harbour strike begins", "Union")]))


TIMELINES = {"six weeks": six_weeks, "default": default, "one event": one_event}


def panels(timeline: Timeline) -> list[MplFigure]:
    """The figure's panels, drawn: each text keeps the renderer it was drawn with."""
    with matplotlib.rc_context(cast(Any, STYLE)):
        figs = draw_panels(timeline.events, timeline.lanes)
        for fig in figs:
            FigureCanvasAgg(fig)
            fig.canvas.draw()
    return figs


def texts(fig: MplFigure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


def labels(fig: MplFigure) -> list[Text]:
    """The labels' dates, in order: bold 7 pt, right of where the leader lines end (a detail
    panel's title is larger)."""
    leaders = by_gid(fig, "leader")
    if not leaders:
        return []
    right = leaders[0][-1][0]
    found = [
        t
        for t in texts(fig)
        if t.get_position()[0] > right and t.get_fontweight() == "bold" and t.get_fontsize() == 7
    ]
    return sorted(found, key=lambda t: t.get_position()[1])


@pytest.mark.parametrize("name", TIMELINES)
def test_no_two_texts_overlap_and_each_label_is_joined_to_its_marker(name: str) -> None:
    for fig in panels(TIMELINES[name]()):
        with matplotlib.rc_context(cast(Any, STYLE)):
            boxes = [(t.get_text(), t.get_window_extent()) for t in texts(fig)]
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"
        for text, box in boxes:
            assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1, f"{text!r} runs off"
        leaders, dates = by_gid(fig, "leader"), labels(fig)
        assert len(leaders) == len(dates)
        for n, date in enumerate(dates):
            line, (x, y) = leaders[n], date.get_position()
            assert line[-1][1] == pytest.approx(y) and 0 < x - line[-1][0] < 0.1  # joined
            assert abs(line[0][1] - y) < NEAR, f"{date.get_text()} is far from its marker"
        marks = by_gid(fig, "event")
        for n, mark in marks.items():  # each leader starts at its marker
            assert leaders[n][0][1] == pytest.approx(mark[0][1])
            assert 0 < leaders[n][0][0] - mark[0][0] < 0.06


def test_a_dense_spell_is_drawn_by_day_in_a_panel_of_its_own() -> None:
    timeline = six_weeks()
    (spell,) = dense_spells(timeline.events, timeline.lanes)
    assert [e.title for e in spell.events] == [title for _, title, _ in SIX_WEEKS[3:7]]
    main, detail = panels(timeline)
    # On the main axis, a band lettered A over the 4th to the 6th, its label says where to look.
    band = [p for p in main.findobj() if getattr(p, "get_gid", lambda: None)() == "spellA"]
    assert len(band) == 1
    main_texts = [t.get_text() for t in texts(main)]
    assert "4–6 Mar" in main_texts and "4 events, drawn by day in detail A below" in main_texts
    assert "A" in main_texts
    assert not any("Port of Carrow" in t for t in main_texts)  # drawn in the detail instead
    # The detail: its title, a tick named for each day, the four events at a day's distance.
    detail_texts = [t.get_text() for t in texts(detail)]
    assert detail_texts[0] == "Detail A: 4–6 March 2024, by day"
    assert {"4 Mar", "5", "6"} <= set(detail_texts)
    marks = by_gid(detail, "event")
    ys = [marks[n][0][1] for n in range(4)]
    day = ys[1] - ys[0]
    assert day > ROW and ys[2] - ys[1] == pytest.approx(day)  # a day is a label's height or more


def test_the_default_timeline_gives_its_2020_and_december_2024_spells_a_panel_each() -> None:
    timeline = default()
    spells = dense_spells(timeline.events, timeline.lanes)
    assert [(s.key, s.by, len(s.events)) for s in spells] == [("A", "month", 6), ("B", "day", 7)]
    main, *details = panels(timeline)
    bands = {t.get_text() for t in texts(main)}
    assert {"6 events, drawn by month in detail A below", "2019–20"} <= bands
    assert {"7 events, drawn by day in detail B below", "Dec 2024"} <= bands
    titles = [texts(d)[0].get_text() for d in details]
    assert titles == [
        "Detail A: December 2019 to March 2020, by month",
        "Detail B: December 2024, by day",
    ]
    # Marks known to the day sit at their day; the others near their labels, in their month.
    december = by_gid(details[1], "event")
    leaders = by_gid(details[1], "leader")
    level = sum(abs(leaders[n][0][1] - leaders[n][-1][1]) < 0.02 for n in december)
    assert level >= 4


def legend_texts(fig: MplFigure) -> list[str]:
    return [t.get_text() for legend in fig.findobj(Legend) for t in legend.get_texts()]


def upright(fig: MplFigure) -> list[str]:
    return [t.get_text() for t in texts(fig) if t.get_rotation() == 90]


def test_the_legend_shows_only_the_marks_that_appear() -> None:
    # Six weeks, every day known, several lanes: no hollow markers to explain; lanes named.
    for fig in panels(six_weeks()):
        assert legend_texts(fig) == []
        assert not any(line.get_markerfacecolor() == "white" for line in fig.findobj(Line2D))
        assert upright(fig) == ["Port authority", "Both", "Union", "Others"]
    # One event, in its month: the hollow marker is explained; one lane, so no lanes' names.
    (fig,) = panels(one_event())
    assert legend_texts(fig) == ["hollow, with whiskers: dated to the month or year only"]
    assert upright(fig) == []
    # The default: a panel explains hollow markers where it has one, and only there.
    for fig in panels(default()):
        hollow = any(line.get_markerfacecolor() == "white" for line in fig.findobj(Line2D)
                     if re.fullmatch(r"event\d+", line.get_gid() or ""))  # fmt: skip
        assert bool(legend_texts(fig)) == hollow


def height(fig: MplFigure) -> float:
    return float(fig.get_size_inches()[1])


def test_the_figure_is_as_tall_as_its_rows() -> None:
    events = [
        Event(PartialDate(2024, month, 10), f"Event {month}", ("Union",), "", (0,), AT)
        for month in range(1, 13, 2)
    ]
    heights = [height(panels(Timeline(tuple(events[:n]), ()))[0]) for n in range(1, 7)]
    assert heights == sorted(heights) and heights[0] < heights[-1] - 4 * ROW
    (one,) = panels(one_event())
    assert height(one) < 1.0  # a line of label, and the legend
    main, detail = panels(six_weeks())
    # Four rows' labels and the lanes' names: no page-high plot, no empty band above.
    assert height(main) < 2.1 and height(detail) < 1.9


def test_a_dense_spell_too_long_for_a_page_is_drawn_in_several_detail_panels() -> None:
    """Forty-five events of one week, each of two label lines: no panel is taller than the
    main axis's longest, and every event is drawn in detail."""
    title = "Crisis event {} with a title that runs onto two lines"
    week = [(f"2024-12-{20 + n // 6:02d}", title.format(n), "Union") for n in range(45)]
    timeline = parsed(timeline_yaml(SIX_WEEKS[:2] + week))
    figs = panels(timeline)
    details = [fig for fig in figs if any("Detail" in t.get_text() for t in texts(fig))]
    assert len(details) >= 2
    drawn = " ".join(" ".join(t.get_text().split()) for fig in details for t in texts(fig))
    assert all(f"Crisis event {n} " in drawn for n in range(45))
    tallest = max(height(fig) for fig in figs if fig not in details)
    assert max(height(fig) for fig in details) <= max(tallest, 9.0)  # within an A4 page


def printed_sizes(svg: str) -> list[float]:
    """The size, in points, each text of a panel prints at, scaled to the text width."""
    found = re.search(r'width="([\d.]+)pt"', svg)
    assert found
    scale = PRINTED_WIDTH / float(found[1])
    return [float(size) * scale for size in re.findall(r"font-size: ([\d.]+)px", svg)]


@pytest.mark.parametrize("name", TIMELINES)
def test_every_text_prints_at_7_points_or_more(name: str) -> None:
    timeline = TIMELINES[name]()
    for svg in _draw(timeline.events, timeline.lanes):
        sizes = printed_sizes(svg)
        assert sizes and min(sizes) >= 7
        assert float(re.findall(r'width="([\d.]+)pt"', svg)[0]) == pytest.approx(WIDTH * 72)


def test_the_drawing_is_deterministic() -> None:
    timeline = default()
    assert _draw(timeline.events, timeline.lanes) == _draw(timeline.events, timeline.lanes)


def pdf_font_sizes(pdf: Path) -> list[float]:
    """The size, in points as printed, of each character set in DejaVu Sans (the figure's
    face; the brief is set in Charis SIL) in a PDF, upright or turned a quarter."""

    def chars(item: Any) -> Iterator[LTChar]:
        if isinstance(item, LTChar):
            yield item
        elif isinstance(item, Iterable):
            for inner in item:
                yield from chars(inner)

    return [
        char.size if char.upright else char.width
        for page in extract_pages(pdf)
        for char in chars(page)
        if char.fontname.split("+")[-1] in ("DejaVu-Sans", "DejaVu-Sans-Bold")
    ]


def test_a_six_week_brief_prints_its_figure_at_7_points_or_more(tmp_path: Path) -> None:
    project = tmp_path / "brief"
    assert run("new", project)[0] == 0
    quote = "The strike at the Port Ellis harbour entered its third week"
    (project / "figures" / "timeline.yaml").write_text(timeline_yaml(SIX_WEEKS, quote), "utf-8")
    status, output = run("build", project)
    assert status == 0, output
    sizes = pdf_font_sizes(project / "dist" / "brief.pdf")
    assert len(sizes) > 20 and min(sizes) >= 7  # the figure's text, as the PDF sets it
    svgs = _draw(six_weeks().events, six_weeks().lanes)
    assert min(sizes) == pytest.approx(min(min(printed_sizes(svg)) for svg in svgs), abs=0.05)
    html = (project / "dist" / "brief.html").read_text("utf-8")
    assert "Hollow markers" not in html  # the caption explains no marks the figure lacks
