"""Stage 5: draw the timeline figure as deterministic SVG, cached by a hash of its inputs.

The figure is a chronology: a time axis on the left, to one scale wherever it is drawn, so
quiet years look quiet and a busy month looks busy; runs of years without events are cut
out and marked with a break. Each event is marked at its date in its lane's column; its
label (date and title) sits on the right as near its mark as the labels around it allow,
in the events' order, fanning out where events are dense, with a leader line to its mark.
Who acted is shown by lane, marker shape and colour; how precisely the date is known by
the marker's fill and whiskers, which span the month or year. A dense spell (several events
in a stretch of time much shorter than the whole) is drawn as a lettered band on the main
axis, and again in a panel of its own, by day or by month, where its events have room. The
figure is as tall as its rows need, and its legend shows only the marks it has.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import logging
import os
import pickle
import re
import subprocess
import sys
import textwrap
import warnings
from collections import Counter
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .cache import code_digest, load_cached, store_cached
from .model import DATINGS, Dating, Event, Figure, Lane
from .typography import smart_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

KEPT_FIGURES = 32  # drawn figures kept in the user's cache
WIDTH = 6.3  # inches: the text width of an A4 or Letter page with the layout's margins
ROW = 0.19  # inches a label line is given in the figure's height
LINE = 0.15  # inches between label lines, at the closest (where labels fan out)
WRAP = 62  # characters of title per line
PANEL_LINES = 37  # label lines in one panel: 8.3 inches with the lanes' names, for A4 or Letter
LABELS_TOP = 0.45  # inches: the highest a label goes, below the legend
FAN = (0.2, 0.45)  # inches, at the least and the most, across which leader lines fan out
DATE_WIDTH, TITLE_ROOM = 0.78, 3.65  # inches for a label's date, and for WRAP characters
FIT_STEPS = 24  # tops and bottoms of the time axis tried, each
SHORT_DAYS = 92  # a time axis this short ends with its last event, not with the month
DENSE = ROW / 3  # inches: events nearer than this on the main axis may form a dense spell
SPELL_SHARE = 4  # a dense spell is at most a quarter of the time the main axis shows
LEGEND_ROW, TITLE_ROW = 0.36, 0.2  # inches the legend, a detail panel's title, take
MIN_POINTS = 7.0  # the smallest type in the figure, at its drawn size
BAND = "#efe6cc"  # a dense spell's band on the main axis

# The time axis: one scale throughout, but a run of QUIET_YEARS or more without an event is
# cut out and drawn as a break BREAK inches long.
QUIET_YEARS = 3
BREAK = 0.24
MIN_YEAR = 0.2  # inches a year takes at the least, but in a panel full of years
CUT = 0.07  # inches between the break's wavy lines
SPINE_X = 0.66  # the axis line; the years are set to its left
YEAR_ROOM, MONTH_ROOM = 0.14, 0.12  # inches the name of a year, of a month or day, needs
DAYS = {1: range(1, 32), 2: range(1, 30, 2), 7: (1, 8, 15, 22)}  # the days ticked, by step
AXIS_GREY, RULE, LEADER = "#999999", "#e6e6e6", "#bbbbbb"

# Lanes: who acted. Each has a marker shape as well as a colour, so it reads in greyscale.
LANE_LOOKS = (("o", "#1b4f72"), ("s", "#922b21"), ("v", "#1e6f4c"))
SEVERAL, OTHERS = ("D", "#5b2c6f"), ("^", "#555555")
LANE_X, LANE_STEP = 0.82, 0.2
MARK = 4.5  # points: an event's marker
MARK_GAP = MARK / 72 + 0.0025  # inches between markers' centres, at the closest
DODGE = 0.066  # inches between markers of a lane drawn side by side
ASIDE = (0.0, DODGE / 2, -DODGE / 2, DODGE, -DODGE)  # where else a marker may go
WHISKER = 0.05  # inches a whisker reaches above and below its marker, at the least
HEAD_CHAR = 0.049  # inches a character of a lane's upright name takes


@dataclass(frozen=True)
class Spell:
    """A dense spell of events: a band on the main axis, and a detail panel of its own."""

    key: str  # "A", "B", ...: the band's label and the detail panel's title say it
    events: tuple[Event, ...]

    @property
    def interval(self) -> tuple[dt.date, dt.date]:
        return self.events[0].date.interval[0], max(e.date.interval[1] for e in self.events)

    @property
    def by(self) -> str:
        """The detail panel's resolution: 'day' for a spell of up to three months."""
        start, end = self.interval
        return "day" if (end - start).days <= SHORT_DAYS else "month"


Item = Event | Spell  # what a panel marks and labels: an event, or a spell drawn elsewhere
Drawn = TypeVar("Drawn", bound=Item)


def _when(item: Item) -> tuple[dt.date, dt.date]:
    """The first and last day an item may be at."""
    return item.interval if isinstance(item, Spell) else item.date.interval


def _precise(item: Item) -> bool:
    return isinstance(item, Event) and item.date.precision == "day"


@dataclass(frozen=True)
class FigureStyle:
    """What a layout sets of the figure (see figure_style): its font families, in order, and
    its lanes' colours: the first three lanes', events of several lanes', everyone else's."""

    fonts: tuple[str, ...] = ("DejaVu Sans",)
    lanes: tuple[str, str, str] = (LANE_LOOKS[0][1], LANE_LOOKS[1][1], LANE_LOOKS[2][1])
    several: str = SEVERAL[1]
    others: str = OTHERS[1]


DEFAULT_STYLE = FigureStyle()


@dataclass(frozen=True)
class LaneLook:
    label: str
    marker: str
    colour: str
    x: float


def lane_of(event: Event, lanes: tuple[Lane, ...]) -> str:
    """The lane an event is drawn in: its actors' lane, 'several' or 'others'."""
    names = {a.lower() for a in event.actors}
    matches = [lane.name for lane in lanes if names & lane.actors]
    return matches[0] if len(matches) == 1 else "several" if matches else "others"


def lane_looks(
    events: tuple[Event, ...], lanes: tuple[Lane, ...], style: FigureStyle = DEFAULT_STYLE
) -> dict[str, LaneLook]:
    """Marker, colour and position of each lane in use, in drawing order: the first lane,
    events of several lanes, the other lanes, then everyone else."""
    used = {lane_of(e, lanes) for e in events}
    looks = [
        (lane.name, lane.name, LANE_LOOKS[n][0], style.lanes[n]) for n, lane in enumerate(lanes)
    ]
    if "several" in used:
        several = "Both" if len(lanes) == 2 else "Several"
        looks.insert(1, ("several", several, SEVERAL[0], style.several))
    if "others" in used:
        looks.append(("others", "Others" if lanes else "Events", OTHERS[0], style.others))
    return {
        key: LaneLook(label, marker, colour, LANE_X + n * LANE_STEP)
        for n, (key, label, marker, colour) in enumerate(looks)
    }


def short_date(event: Event) -> str:
    d = event.date
    if d.precision == "day":
        return f"{d.day} {dt.date(d.year, d.month, 1):%b} {d.year}"
    if d.precision == "month":
        return f"{dt.date(d.year, d.month, 1):%b} {d.year}"
    return str(d.year)


def alt_text(events: tuple[Event, ...]) -> str:
    if not events:
        return "An empty timeline."
    first, last = events[0].date.display, events[-1].date.display
    items = "; ".join(f"{e.date.display}: {e.title}" for e in events)
    return f"Timeline of {len(events)} events from {first} to {last}. {items}."


DATED_BY: dict[Dating, str] = {
    "source": "dated by a cited source",
    "general knowledge": "dated with the help of general knowledge",
    "inferred": "inferred from what a source says",
}


def dating_note(events: tuple[Event, ...]) -> str:
    """How the events are dated, counted from their bases, for the figure's caption: '26
    events: 7 dated by a cited source, 11 dated with the help of general knowledge, 8
    inferred from what a source says.' or 'All 8 events dated by a cited source.'"""
    counts = Counter(event.dating for event in events)
    found = [(counts[dating], DATED_BY[dating]) for dating in DATINGS if counts[dating]]
    if len(found) > 1:
        return f"{len(events)} events: {', '.join(f'{n} {how}' for n, how in found)}."
    if not found:
        return ""
    every = {1: "One event,", 2: "Both events"}.get(len(events), f"All {len(events)} events")
    return f"{every} {found[0][1]}."


class TimelineFigure:
    """The timeline as SVG, taken from the cache or drawn by another process meanwhile.

    Drawing costs about a second, mostly importing matplotlib; in a process of its own it
    overlaps with the rest of the build on a second core. A process that has matplotlib
    loaded already (`briefing watch`) draws the figure itself.
    """

    def __init__(
        self,
        events: tuple[Event, ...],
        lanes: tuple[Lane, ...],
        caption: str,
        cache: Path | None,
        style: FigureStyle = DEFAULT_STYLE,
    ) -> None:
        inputs: list[Any] = [[str(e.date), e.title, list(e.actors)] for e in events]
        inputs += [[lane.name, sorted(lane.actors)] for lane in lanes]
        inputs.append(astuple(style))
        key = hashlib.sha256(json.dumps([code_digest(_draw), inputs]).encode()).hexdigest()[:20]
        self.events, self.lanes, self.caption, self.style = events, lanes, caption, style
        self.cached = cache / f"timeline-{key}.json" if cache else None
        self.panels = _valid(load_cached(self.cached)) if self.cached else []
        self.drawing: subprocess.Popen[bytes] | None = None
        if not self.panels and "matplotlib.figure" not in sys.modules:
            self.drawing = _start_drawing(events, lanes, style)

    def result(self) -> Figure:
        if not self.panels:
            if self.drawing and self.drawing.stdout:
                with self.drawing.stdout:
                    drawn = self.drawing.stdout.read()
                self.panels = _parse(drawn) if self.drawing.wait() == 0 else []
            # Without a second process, or should it fail, the figure is drawn here.
            self.panels = self.panels or _draw(self.events, self.lanes, self.style)
            if self.cached:
                store_cached(self.cached, self.panels)
                _prune(self.cached.parent)
        return Figure(
            panels=tuple(self.panels),
            alt=alt_text(self.events),
            caption=self.caption,
            dating=dating_note(self.events),
        )

    def close(self) -> None:
        """Stop the drawing process, should the build end before it is done."""
        if self.drawing and self.drawing.poll() is None:
            self.drawing.kill()
            self.drawing.wait()


def _start_drawing(
    events: tuple[Event, ...], lanes: tuple[Lane, ...], style: FigureStyle
) -> subprocess.Popen[bytes] | None:
    """`python -m briefing.figures` drawing the figure, or None if it cannot be started."""
    if not sys.executable:  # an embedded interpreter
        return None
    package_parent = str(Path(__file__).resolve().parent.parent)
    path = os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))
    try:
        process = subprocess.Popen(
            # -P: not the current folder's `briefing`, nor a `briefing.py` that happens to be there
            [sys.executable, "-P", "-m", "briefing.figures"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
        )
    except OSError:
        return None
    try:
        assert process.stdin is not None
        with process.stdin:
            process.stdin.write(pickle.dumps((events, lanes, style)))
    except OSError:  # it died at once
        process.kill()
        process.wait()
        return None
    return process


def _parse(drawn: bytes) -> list[str]:
    """The panels in a JSON list of SVG texts, or none if it is anything else."""
    try:
        return _valid(json.loads(drawn))
    except ValueError:
        return []


def _valid(panels: Any) -> list[str]:
    valid = isinstance(panels, list) and all(
        isinstance(p, str) and p.startswith("<svg") for p in panels
    )
    return panels if valid else []


def _prune(folder: Path) -> None:
    """Keep the figures drawn last, for the projects being worked on."""
    try:
        kept = sorted(folder.glob("timeline-*.json"), key=lambda p: p.stat().st_mtime)
        for stale in kept[:-KEPT_FIGURES]:
            stale.unlink()
    except OSError:  # another build pruned it first
        pass


def _rows(items: tuple[Item, ...], lanes: tuple[Lane, ...] = ()) -> list[list[str]]:
    """Each event's title in lines; one of several lanes (of three) names them. A spell's
    says where it is drawn."""
    return [textwrap.wrap(_title(item, lanes), WRAP) or [""] for item in items]


def _title(item: Item, lanes: tuple[Lane, ...]) -> str:
    if isinstance(item, Spell):
        return f"{len(item.events)} events, drawn by {item.by} in detail {item.key} below"
    return smart_text(item.title + _which(item, lanes))


def _which(event: Event, lanes: tuple[Lane, ...]) -> str:
    """' (Assad / Syria, Putin / Russia)' for an event of several lanes, where a column of
    'Several' would not say which; with two lanes, the 'Both' column says it."""
    names = {a.lower() for a in event.actors}
    matches = [lane.name for lane in lanes if names & lane.actors]
    return f" ({', '.join(matches)})" if len(matches) > 1 and len(lanes) > 2 else ""


def _jan1(year: int) -> int:
    """The ordinal of the first of January of a year (of the year 10000 too)."""
    past = year - 1
    return past * 365 + past // 4 - past // 100 + past // 400 + 1


Run = tuple[int, int]  # a stretch of time the axis shows: its first day, and the day after


def _runs(items: tuple[Item, ...]) -> tuple[Run, ...]:
    """What the axis shows: from the month of the first event to that of the last (from the
    first's day to the last's, on an axis of SHORT_DAYS or fewer), less each run of
    QUIET_YEARS or more years without an event, cut out of it."""
    years: list[tuple[int, int]] = []
    held = {y for item in items for y in range(_when(item)[0].year, _when(item)[1].year + 1)}
    for year in sorted(held):
        if years and year - years[-1][1] <= QUIET_YEARS:
            years[-1] = (years[-1][0], year)
        else:
            years.append((year, year))
    runs = [(_jan1(first), _jan1(last + 1)) for first, last in years]
    first = min(_when(item)[0] for item in items)
    last = max(_when(item)[1] for item in items)
    short = (last - first.replace(day=1)).days < SHORT_DAYS
    end = last.toordinal() + 1 if short else _month_after(last.year, last.month)
    runs[0] = ((first if short else first.replace(day=1)).toordinal(), runs[0][1])
    runs[-1] = (runs[-1][0], end)
    return tuple(runs)


def _month_after(year: int, month: int) -> int:
    """The ordinal of the first day of the month after this one."""
    return _jan1(year + 1) if month == 12 else dt.date(year, month + 1, 1).toordinal()


def _axis_room(runs: tuple[Run, ...]) -> float:
    """Inches the time axis takes at the least: MIN_YEAR a year shown, and the breaks."""
    days = sum(end - start for start, end in runs)
    return days / 365.25 * MIN_YEAR + BREAK * (len(runs) - 1)


def _worth_cutting(runs: tuple[Run, ...], length: float) -> tuple[Run, ...]:
    """The runs, joined again where the quiet years between them, drawn to scale on an axis
    this long, would take little more room than the break that stands for them."""
    joined = list(runs)
    while len(joined) > 1:
        axis = TimeAxis.fitted(tuple(joined), 0, length)
        gaps = [(b[0] - a[1]) * axis.per_day for a, b in itertools.pairwise(joined)]
        n = min(range(len(gaps)), key=gaps.__getitem__)
        if gaps[n] >= 1.5 * BREAK:
            break
        joined[n : n + 2] = [(joined[n][0], joined[n + 1][1])]
    return tuple(joined)


@dataclass(frozen=True)
class TimeAxis:
    """Days (ordinals, the first of January 2000 being 730120) to inches down the figure.
    Every run shown is drawn to the same scale; the cuts between runs are BREAK inches long
    whatever they leave out."""

    runs: tuple[Run, ...]
    top: float  # where the first run starts
    per_day: float  # inches

    @classmethod
    def fitted(cls, runs: tuple[Run, ...], top: float, bottom: float) -> TimeAxis:
        days = sum(end - start for start, end in runs)
        return cls(runs, top, max(bottom - top - BREAK * (len(runs) - 1), 0.01) / days)

    def y(self, day: float) -> float:
        y = self.top
        for start, end in self.runs:
            if day <= end or (start, end) == self.runs[-1]:
                return y + (day - start) * self.per_day
            y += (end - start) * self.per_day + BREAK
        return y

    @property
    def day_step(self) -> int:
        """Every how many days a day has a tick and a name: 1, 2 or 7; 0 if days are short."""
        return next((step for step in DAYS if step * self.per_day >= MONTH_ROOM), 0)

    @property
    def months_named(self) -> bool:
        """Whether a month is long enough to have a tick and a name of its own."""
        return 30.4 * self.per_day >= MONTH_ROOM


def _span(item: Item) -> tuple[float, float]:
    """The days an event may have happened on: a point for a day (its middle), else from the
    start of its month or year (or spell) to the start of the next."""
    start, end = _when(item)
    if _precise(item):
        return start.toordinal() + 0.5, start.toordinal() + 0.5
    return start.toordinal(), end.toordinal() + 1


def _days(events: tuple[Item, ...]) -> list[float]:
    """The day each event is drawn at: its day, or within its month or year as near the middle
    as the order of the list allows (an event is never drawn above one listed before it, so
    labels in the list's order are in the axis's order and leader lines need not cross)."""
    spans = [_span(e) for e in events]
    lows = list(itertools.accumulate((low for low, _ in spans), max))
    highs = list(itertools.accumulate((high for _, high in reversed(spans)), min))[::-1]
    middles = _isotonic([(low + high) / 2 for low, high in spans])
    # Where the list contradicts the dates (the parser warns), the order wins.
    return [max(min(m, high), low) for m, low, high in zip(middles, lows, highs, strict=True)]


def _isotonic(values: list[float]) -> list[float]:
    """The non-decreasing sequence nearest to values, in least squares (pooling adjacent
    violators)."""
    blocks: list[tuple[float, int]] = []  # the sum and the number of values pooled
    for value in values:
        total, count = value, 1
        while blocks and blocks[-1][0] / blocks[-1][1] > total / count:
            pooled, pooled_count = blocks.pop()
            total, count = total + pooled, count + pooled_count
        blocks.append((total, count))
    return [total / count for total, count in blocks for _ in range(count)]


def _label_ys(targets: list[float], lines: list[int], top: float, bottom: float) -> list[float]:
    """Where each label's first line goes: in the list's order, LINE apart or more, with the
    first line at or below top and the last at or above bottom, and as near the targets as
    that allows (in least squares)."""
    before = [0.0, *itertools.accumulate(n * LINE for n in lines)]
    free = _isotonic([t - b for t, b in zip(targets, before, strict=False)])
    lowest = bottom - before[-1] + LINE
    return [max(min(z, lowest), top) + b for z, b in zip(free, before, strict=False)]


def _fit(days: list[float], lines: list[int], runs: tuple[tuple[int, int], ...],
         top: float, bottom: float, labels_top: float) -> TimeAxis:  # fmt: skip
    """The time axis, within top and bottom, whose events' labels lie least far from them:
    the largest distance and the mean, added."""
    best: tuple[float, TimeAxis] | None = None
    for i, j in itertools.product(range(FIT_STEPS), repeat=2):
        start = top + (bottom - top) * i / FIT_STEPS
        axis = TimeAxis.fitted(runs, start, bottom - (bottom - start) * j / FIT_STEPS)
        marks = [axis.y(day) for day in days]
        labels = _label_ys(marks, lines, labels_top, bottom)
        off = [abs(m - label) for m, label in zip(marks, labels, strict=True)]
        cost = max(off) + sum(off) / len(off)
        if best is None or cost < best[0] - 1e-6:
            best = (cost, axis)
    assert best is not None
    return best[1]


def _marks(xs: list[float], ys: list[float]) -> list[tuple[float, float]]:
    """Where each event's marker goes: at its date in its lane's column, beside those of its
    lane it would hide (up to three abreast, in the list's order), or failing that just
    below them; never above the marker of an event listed before it."""
    placed: list[tuple[float, float]] = []
    for x, date_y, dx in zip(xs, ys, _abreast(xs, ys), strict=True):
        y = max(date_y, placed[-1][1]) if placed else date_y
        while not (free := [x + d for d in (dx, *ASIDE) if _clear(x + d, y, placed)]):
            y += MARK_GAP / 4
        placed.append((free[0], y))
    return placed


def _abreast(xs: list[float], ys: list[float]) -> list[float]:
    """How far aside each marker is drawn: a lane's markers closer than MARK_GAP go side by
    side, three at most, centred on the lane's column."""
    offsets = [0.0] * len(xs)
    for x in dict.fromkeys(xs):
        group: list[int] = []
        for n in [n for n, other in enumerate(xs) if other == x] + [-1]:
            if n >= 0 and group and len(group) < 3 and ys[n] - ys[group[0]] < MARK_GAP:
                group.append(n)
                continue
            for k, member in enumerate(group):
                offsets[member] = (k - (len(group) - 1) / 2) * DODGE
            group = [n]
    return offsets


def _clear(x: float, y: float, placed: list[tuple[float, float]]) -> bool:
    return all(abs(px - x) >= MARK_GAP or abs(py - y) >= MARK_GAP for px, py in placed)


@dataclass(frozen=True)
class Layout:
    """Where events' marks and labels go, in inches from the figure's top left."""

    axis: TimeAxis
    marks: list[tuple[float, float]]
    spans: list[tuple[float, float]]  # the top and bottom of the time each event may be at
    labels: list[float]  # each label's first line


def layout(
    events: tuple[Item, ...],
    lines: list[int],
    xs: list[float],
    top: float,
    bottom: float,
    labels_top: float = LABELS_TOP,
) -> Layout:
    """Each event's mark at its date on a time axis between top and bottom, and its label as
    near as the labels before and after it allow, none above labels_top."""
    days = _days(events)
    runs = _worth_cutting(_runs(events), bottom - top)
    axis = _fit(days, lines, runs, top, bottom, labels_top)
    marks = _marks(xs, [axis.y(day) for day in days])
    spans = [(axis.y(low), axis.y(high)) for low, high in (_interval(e) for e in events)]
    labels = _label_ys([y for _, y in marks], lines, labels_top, bottom)
    precise = [_precise(e) for e in events]
    marks = _marks(xs, _toward_labels([y for _, y in marks], labels, spans, precise))
    return Layout(axis, marks, spans, labels)


def _toward_labels(
    ys: list[float], labels: list[float], spans: list[tuple[float, float]], precise: list[bool]
) -> list[float]:
    """Where each event is marked: an event known to the day at its day; one known to its
    month or year only as near its label as its month or year and the list's order allow,
    so that its leader line runs level where it can (its whiskers show how little is known
    of the day)."""
    inf = float("inf")
    fixed = [y if p else inf for y, p in zip(ys, precise, strict=True)]
    before = list(itertools.accumulate((-inf if y == inf else y for y in fixed), max))
    after = list(itertools.accumulate(reversed(fixed), min))[::-1]
    moved = [
        y if p else min(max(label, low, lowest), high, highest)
        for y, p, label, (low, high), lowest, highest in zip(
            ys, precise, labels, spans, before, after, strict=True
        )
    ]
    return list(itertools.accumulate(moved, max))


def _interval(item: Item) -> tuple[int, int]:
    start, end = _when(item)
    return start.toordinal(), end.toordinal() + 1


STYLE: dict[str, Any] = {
    "svg.hashsalt": "briefing",  # stable ids: the same events give the same bytes
    # Real text, not glyph outlines: five times smaller, searchable in the PDF, and several
    # times faster for WeasyPrint to draw. The set-up installs DejaVu Sans.
    "svg.fonttype": "none",
    # Measured with matplotlib's own copy of DejaVu Sans; the PDF is set in the system's copy
    # (installed by the set-up), browsers fall back to another sans-serif if they lack it.
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "text.parse_math": False,  # "$2 billion" is money, not mathematics
}


def dense_spells(events: tuple[Event, ...], lanes: tuple[Lane, ...] = ()) -> list[Spell]:
    """The runs of three or more events, on more than one date, each nearer the next than
    DENSE on the main axis and all in at most 1/SPELL_SHARE of the time it shows: their
    labels would fan far from their marks, so each is drawn in a panel of its own."""
    if len(events) < 3:
        return []
    runs = _runs(events)
    lines = sum(len(row) for row in _rows(events, lanes))
    length = min(max(lines * ROW, _axis_room(runs)), PANEL_LINES * ROW)
    axis = TimeAxis.fitted(_worth_cutting(runs, length), 0, length)
    ys = [axis.y(day) for day in _days(events)]
    shown = sum(end - start for start, end in axis.runs)
    groups: list[list[Event]] = [[events[0]]]
    for event, (above, y) in zip(events[1:], itertools.pairwise(ys), strict=True):
        if y - above < DENSE:
            groups[-1].append(event)
        else:
            groups.append([event])
    spells: list[Spell] = []
    for group in groups:
        spell = Spell(chr(ord("A") + len(spells)), tuple(group))
        start, end = spell.interval
        dense = len(group) >= 3 and len({e.date for e in group}) > 1
        if dense and (end - start).days < shown / SPELL_SHARE and len(spells) < 26:
            spells.append(spell)
    return spells


def _with_spells(events: tuple[Event, ...], spells: list[Spell]) -> tuple[Item, ...]:
    """The events for the main axis, each spell's in one item, the spell."""
    items: list[Item] = []
    firsts = {id(spell.events[0]): spell for spell in spells}
    inside = {id(e) for spell in spells for e in spell.events}
    for event in events:
        if id(event) in firsts:
            items.append(firsts[id(event)])
        elif id(event) not in inside:
            items.append(event)
    return tuple(items)


def panels_of(items: tuple[Drawn, ...], lanes: tuple[Lane, ...] = ()) -> list[tuple[Drawn, ...]]:
    """The events in runs of at most PANEL_LINES label lines: each run is drawn as a panel
    short enough for a page (an event longer than that has a panel of its own)."""
    panels: list[tuple[Drawn, ...]] = []
    run: list[Drawn] = []
    lines = 0
    for item, row in zip(items, _rows(items, lanes), strict=True):
        if run and lines + len(row) > PANEL_LINES:
            panels.append(tuple(run))
            run, lines = [], 0
        run.append(item)
        lines += len(row)
    return [*panels, tuple(run)]


def draw_panels(
    events: tuple[Event, ...], lanes: tuple[Lane, ...] = (), style: FigureStyle = DEFAULT_STYLE
) -> list[MplFigure]:
    """The figure's panels: the main axis, in panels short enough for a page, its dense
    spells marked as bands; then each spell in detail, in panels as short. Draw them within
    STYLE."""
    looks = lane_looks(events, lanes, style)  # the same in every panel
    spells = dense_spells(events, lanes)
    main = panels_of(_with_spells(events, spells), lanes)
    details = [(part, spell) for spell in spells for part in panels_of(spell.events, lanes)]
    return [draw_timeline(panel, lanes, looks) for panel in main] + [
        draw_timeline(part, lanes, looks, detail=spell) for part, spell in details
    ]


def _draw(
    events: tuple[Event, ...], lanes: tuple[Lane, ...], style: FigureStyle = DEFAULT_STYLE
) -> list[str]:
    """The timeline as SVG panels, each short enough for a page."""
    import matplotlib

    fonts = {"font.family": [*dict.fromkeys([*style.fonts, *DEFAULT_STYLE.fonts])]}
    # A layout's font that is not installed is measured as DejaVu Sans (the PDF falls back to
    # it too); the layout check warns of it, not matplotlib's log.
    finder = logging.getLogger("matplotlib.font_manager")
    level = finder.level
    finder.setLevel(logging.ERROR)
    try:
        with matplotlib.rc_context(cast(Any, STYLE | fonts)), warnings.catch_warnings():
            # The figure's text is real text: a glyph missing here is reported by the PDF stage.
            warnings.filterwarnings("ignore", "Glyph .* missing from font")
            panels = draw_panels(events, lanes, style)
            return [_svg(fig, f"timeline{n}-") for n, fig in enumerate(panels, start=1)]
    finally:
        finder.setLevel(level)


def _svg(fig: MplFigure, prefix: str) -> str:
    """The figure as SVG for inlining in HTML, its ids made unique with prefix."""
    import io

    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    # Drop the XML prologue and matplotlib's RDF metadata: the SVG goes inline into HTML.
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg[svg.index("<svg") :], flags=re.S)
    svg = re.sub(r'(\bid="|href="#|url\(#)', rf"\g<1>{prefix}", svg)
    return svg.replace("'DejaVu Sans'", "'DejaVu Sans', 'Bitstream Vera Sans', sans-serif")


def draw_timeline(
    items: tuple[Item, ...],
    lanes: tuple[Lane, ...] = (),
    looks: dict[str, LaneLook] | None = None,
    detail: Spell | None = None,
) -> MplFigure:
    """A panel of the timeline as a matplotlib Figure (no pyplot state), as tall as its rows
    need; a detail panel says which spell it shows. Draw it within STYLE."""
    from matplotlib.figure import Figure as MplFigure

    rows = _rows(items, lanes)
    looks = looks or lane_looks(_events_of(items), lanes)
    header = Header.of(items, looks, detail)
    # Room for the labels' lines, or for the years, if more, as much as a panel has.
    axis = min(_axis_room(_runs(items)), PANEL_LINES * ROW) if items else 0
    height = header.top + max(sum(len(r) for r in rows) * ROW, axis) + 0.1
    # A detail panel's SVG says so in its id: the one-page read-ahead leaves it out.
    fig = MplFigure(figsize=(WIDTH, height), gid="detail-panel" if detail else None)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    columns = Columns.of(looks)
    header.draw(ax, looks, columns.label, height)
    if not items:
        return fig
    xs = [_band_x(looks) if isinstance(i, Spell) else looks[lane_of(i, lanes)].x for i in items]
    where = layout(items, [len(r) for r in rows], xs, header.top + ROW / 2,
                   height - 0.08 - LINE / 2, header.labels_top)  # fmt: skip
    _axis(ax, where.axis, columns.fan)
    for n, (item, row) in enumerate(zip(items, rows, strict=True)):
        mark, span, label_y = where.marks[n], where.spans[n], where.labels[n]
        if isinstance(item, Spell):
            _band(ax, looks, item, span)
        else:
            _mark(ax, looks[lane_of(item, lanes)], item, mark, span, n)
        _leader(ax, mark, label_y, columns, f"leader{n}")
        _label(ax, item, row, columns, label_y)
    return fig


def _events_of(items: tuple[Item, ...]) -> tuple[Event, ...]:
    return tuple(e for i in items for e in (i.events if isinstance(i, Spell) else (i,)))


@dataclass(frozen=True)
class Header:
    """What a panel shows above its first row, each only if it has it: a detail panel's
    title and the legend of hollow markers, over the labels; beside them, the lanes' names
    over their columns."""

    title: str
    hollow: bool  # some event is dated to its month or year only
    heads: float  # inches the lanes' names take: none for a single lane

    @classmethod
    def of(
        cls, items: tuple[Item, ...], looks: dict[str, LaneLook], detail: Spell | None
    ) -> Header:
        title = f"Detail {detail.key}: {_long_range(detail)}, by {detail.by}" if detail else ""
        hollow = any(not _precise(i) for i in items if isinstance(i, Event))
        return cls(title, hollow, _heads_height(looks) if len(looks) > 1 else 0.0)

    @property
    def lines_end(self) -> float:
        """Where the title and the legend end."""
        return 0.06 + TITLE_ROW * bool(self.title) + LEGEND_ROW * self.hollow

    @property
    def labels_top(self) -> float:
        """The highest a label goes: below the title and the legend (the lanes' names
        are left of the labels)."""
        return self.lines_end + 0.03

    @property
    def top(self) -> float:
        """Where the rows start."""
        return max(self.lines_end, 0.04 + self.heads)

    def draw(self, ax: Axes, looks: dict[str, LaneLook], left: float, height: float) -> None:
        if self.title:
            ax.text(left, 0.06, self.title, va="top", fontsize=8, fontweight="bold",
                    color="#222222")  # fmt: skip
        if self.hollow:
            top = 0.06 + TITLE_ROW * bool(self.title) - 0.04
            _legend(ax, (left - 0.1) / WIDTH, 1 - top / height)
        if self.heads:
            _lane_heads(ax, looks, self.top - 0.06)


@dataclass(frozen=True)
class Columns:
    """Where, across the figure, the leader lines fan out and the labels go."""

    fan: float  # the leader lines leave the lanes' columns here
    label: float  # the dates
    title: float  # the titles

    @classmethod
    def of(cls, looks: dict[str, LaneLook]) -> Columns:
        # Right of the lanes' columns, and room enough for a break's years between the two.
        fan = max(max(look.x for look in looks.values()) + DODGE + MARK_GAP / 2 + 0.02, 1.46)
        # The leader lines fan out over what room the titles leave, within reason.
        spare = WIDTH - TITLE_ROOM - DATE_WIDTH - 0.05 - fan
        label = fan + min(max(spare, FAN[0]), FAN[1]) + 0.05
        return cls(fan, label, label + DATE_WIDTH)


def _legend(ax: Axes, x: float, y: float) -> None:
    """What a hollow marker means, its top left at x, y (of the panel's width and height,
    from the foot); the lanes are named above their columns."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], marker="o", color="#333333", markerfacecolor="white", linestyle="",
               markersize=5, label="hollow, with whiskers: dated to the month or year only")
    ]  # fmt: skip
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(x, y), ncol=len(handles),
              frameon=False, fontsize=MIN_POINTS, handletextpad=0.6, columnspacing=1.4,
              borderaxespad=0.3)  # fmt: skip


def _heads_height(looks: dict[str, LaneLook]) -> float:
    """Inches above the first row for the lanes' upright names (7 pt type)."""
    return 0.16 + HEAD_CHAR * max((len(look.label) for look in looks.values()), default=0)


def _lane_heads(ax: Axes, looks: dict[str, LaneLook], y: float) -> None:
    """Each lane's name over its column, upright to fit the narrow columns, in its colour
    and over its marker."""
    for look in looks.values():
        ax.plot([look.x], [y], marker=look.marker, markersize=4, color=look.colour, linestyle="")
        ax.text(look.x, y - 0.08, look.label, rotation=90, ha="center", va="bottom",
                fontsize=MIN_POINTS, color=look.colour)  # fmt: skip


def _axis(ax: Axes, axis: TimeAxis, right: float) -> None:
    """The axis line, run by run; a tick at each first of January, with a faint rule across
    the lanes, and at each first of a month if there is room; their names, room allowing;
    and a break where quiet years are cut out."""
    for n, (start, end) in enumerate(axis.runs):
        ax.plot([SPINE_X] * 2, [axis.y(start), axis.y(end)], color=AXIS_GREY, lw=0.8)
        for day in _ticks((start, end), axis):
            y, date = axis.y(day), dt.date.fromordinal(day)
            if date.day != 1:
                ax.plot([SPINE_X - 0.02, SPINE_X], [y, y], color=AXIS_GREY, lw=0.5)
            elif date.month == 1:
                ax.plot([SPINE_X - 0.05, SPINE_X], [y, y], color=AXIS_GREY, lw=0.8,
                        gid=f"tick{date.year}")  # fmt: skip
                ax.plot([SPINE_X, right], [y, y], color=RULE, lw=0.4, zorder=0)
            else:
                ax.plot([SPINE_X - 0.03, SPINE_X], [y, y], color=AXIS_GREY, lw=0.6,
                        gid=f"tick{date.year}-{date.month:02d}")  # fmt: skip
        if n:
            _cut(ax, axis.runs[n - 1][1], start, (axis.y(axis.runs[n - 1][1]) + axis.y(start)) / 2,
                 right)  # fmt: skip
    for name, y, bold in _tick_names(axis):
        ax.text(SPINE_X - 0.08, y, name, ha="right", va="center", fontsize=MIN_POINTS,
                fontweight="bold" if bold else "normal", color="#333333" if bold else "#666666",
                gid=f"year{name}" if name.isdigit() else None)  # fmt: skip


def _ticks(run: Run, axis: TimeAxis) -> list[int]:
    """The days of a run with a tick: its start, and each first of January, or of every
    month, until its end; and every day, second day or week if days are long enough."""
    start, end = run
    firsts = _firsts(start, end, axis.months_named)
    step = axis.day_step
    days = [d for d in range(start, end + 1) if step and dt.date.fromordinal(d).day in DAYS[step]]
    return sorted({start, *firsts, *days})


def _firsts(start: int, end: int, months: bool) -> list[int]:
    """The firsts of January, or of every month, from start to end (both included)."""
    firsts: list[int] = []
    date = dt.date.fromordinal(start)
    year, month = date.year, date.month if date.day == 1 else date.month + 1
    while True:
        year, month = (year + 1, 1) if month > 12 else (year, month)
        day = _jan1(year) if month == 1 else dt.date(year, month, 1).toordinal()
        if day > end:
            return firsts
        if months or month == 1:
            firsts.append(day)
        month = month + 1 if months else 13


def _tick_names(axis: TimeAxis) -> list[tuple[str, float, bool]]:
    """The names beside the ticks, and whether each is a year's (bold): each year, or every
    second, fifth, tenth... if years are short; each month if they are long, and each day
    ticked; and where a run starts, its month and year if it starts in the course of a year,
    its day and month in the course of a month."""
    year_height = 365.25 * axis.per_day
    step = next((s for s in (1, 2, 5, 10, 20, 50) if s * year_height >= YEAR_ROOM), 100)
    named: list[tuple[str, float, bool]] = []
    for start, end in axis.runs:
        for day in _ticks((start, end - 1), axis):
            y, date = axis.y(day), dt.date.fromordinal(day)
            room = YEAR_ROOM if (date.month, date.day) == (1, 1) else MONTH_ROOM
            if named and y - named[-1][1] < room:
                continue
            if date.day != 1:
                name = f"{date.day} {date:%b}" if day == start else str(date.day)
                named.append((name, y, day == start))
            elif day == start and date.month != 1:
                named.append((f"{date:%b} {date.year}", y, True))
            elif date.month != 1:
                named.append((f"{date:%b}", y, False))
            elif day == start or date.year % step == 0:
                named.append((str(date.year), y, True))
    return named


def _cut(ax: Axes, after: int, before: int, y: float, right: float) -> None:
    """The break for the quiet years cut out of the axis, between the days after and before:
    two wavy lines across the axis and the lanes, and which years they are."""
    import numpy as np

    xs = np.linspace(SPINE_X - 0.08, right, 60)
    for dy in (-CUT / 2, CUT / 2):
        wave = y + dy + 0.012 * np.sin((xs - SPINE_X) * 2 * np.pi / 0.16)
        ax.plot(xs, wave, color=AXIS_GREY, lw=0.6)
    first, last = dt.date.fromordinal(after).year, dt.date.fromordinal(before - 1).year
    shown = f"{first}–{last if last // 100 != first // 100 else f'{last % 100:02d}'}"
    ax.text((SPINE_X + right) / 2, y, shown if last > first else str(first), ha="center",
            va="center", fontsize=MIN_POINTS, fontstyle="italic", color="#666666",
            gid=f"cut{first}",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})  # fmt: skip


def _mark(
    ax: Axes,
    look: LaneLook,
    event: Event,
    mark: tuple[float, float],
    span: tuple[float, float],
    n: int,
) -> None:
    """An event's marker, filled if its day is known; else hollow, with whiskers over the
    month or year it happened in (a little shorter, so that those of two years in a row do
    not join; and reaching past the marker however short a month is drawn)."""
    x, y = mark
    precise = event.date.precision == "day"
    if not precise:
        low, high = min(span[0] + 0.012, y - WHISKER), max(span[1] - 0.012, y + WHISKER)
        ax.plot([x, x], [low, high], color=look.colour, lw=0.9, zorder=2)
    ax.plot([x], [y], marker=look.marker, markersize=MARK, color=look.colour, linestyle="",
            markerfacecolor=look.colour if precise else "white", markeredgewidth=0.9,
            zorder=3, gid=f"event{n}")  # fmt: skip


def _band_x(looks: dict[str, LaneLook]) -> float:
    """Where a spell's leader line starts: the right of its band (less half a marker)."""
    return max(look.x for look in looks.values()) + DODGE + 0.03 - MARK_GAP / 2


def _band(ax: Axes, looks: dict[str, LaneLook], spell: Spell, span: tuple[float, float]) -> None:
    """A dense spell on the main axis: a band across the lanes over its time, lettered."""
    from matplotlib.patches import Rectangle

    left = min(look.x for look in looks.values()) - DODGE - 0.03
    right = _band_x(looks) + MARK_GAP / 2
    middle, half = (span[0] + span[1]) / 2, max(span[1] - span[0], MARK_GAP * 1.6) / 2
    ax.add_patch(Rectangle((left, middle - half), right - left, 2 * half, facecolor=BAND,
                           edgecolor="#a8935a", lw=0.6, zorder=1.5,
                           gid=f"spell{spell.key}"))  # fmt: skip
    ax.text((left + right) / 2, middle, spell.key, ha="center", va="center", fontsize=MIN_POINTS,
            fontweight="bold", color="#5a4a1a", zorder=2)  # fmt: skip


def _short_range(spell: Spell) -> str:
    """A spell's dates, short enough for the labels' date column: '4–8 Mar',
    'Dec 2024', 'Jan–Mar 2020', '2019–20'."""
    (first, *_, last), precise = (e.date for e in spell.events), all(map(_precise, spell.events))
    start, end = spell.interval
    if (start.year, start.month) == (end.year, end.month):
        return f"{first.day}–{last.day} {start:%b}" if precise else f"{start:%b} {start.year}"
    if start.year == end.year:
        return f"{start:%b}–{end:%b} {start.year}"
    return f"{start.year}–{end.year % 100:02d}"


def _long_range(spell: Spell) -> str:
    """A spell's dates in full, for its panel's title: '4–8 March 2024', 'December 2024',
    'December 2019 to March 2020'."""
    start, end = spell.interval
    if (start.year, start.month) == (end.year, end.month):
        precise = all(map(_precise, spell.events))
        return f"{start.day}–{end.day} {start:%B %Y}" if precise else f"{start:%B %Y}"
    if start.year == end.year:
        return f"{start:%B}–{end:%B %Y}"
    return f"{start:%B %Y} to {end:%B %Y}"


def _leader(ax: Axes, mark: tuple[float, float], y: float, columns: Columns, gid: str) -> None:
    """The line from a marker to its label: level to the right of the lanes, then straight
    to the label's height, then level again. Labels are in the markers' order, so two lines
    never cross."""
    x, mark_y = mark
    xs = [x + MARK_GAP / 2, columns.fan, columns.label - 0.08, columns.label - 0.03]
    ax.plot(xs, [mark_y, mark_y, y, y], color=LEADER, lw=0.5, zorder=1, gid=gid)


def _label(ax: Axes, item: Item, row: list[str], columns: Columns, y: float) -> None:
    date = _short_range(item) if isinstance(item, Spell) else short_date(item)
    ax.text(columns.label, y, date, va="center", fontsize=MIN_POINTS, fontweight="bold",
            color="#222222")  # fmt: skip
    for k, line in enumerate(row):
        ax.text(columns.title, y + k * LINE, line, va="center", fontsize=7.5, color="#111111")


def _end_with_parent() -> None:
    """Have the kernel stop this process when the build that started it dies (Linux)."""
    if sys.platform == "linux":
        import ctypes
        import signal

        parent = os.getppid()
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # it died already
            sys.exit(1)


if __name__ == "__main__":  # the drawing process started by TimelineFigure
    _end_with_parent()
    sys.stdout.write(json.dumps(_draw(*pickle.load(sys.stdin.buffer))))
