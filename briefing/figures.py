"""Stage 5: draw the timeline figure as deterministic SVG, cached by a hash of its inputs.

The figure is a chronology: a compressed time axis on the left (long quiet stretches are
shortened and marked with a break) and one evenly spaced row per event on the right, so
labels never collide however dense a month is. Leader lines join each row to its mark.
Who acted is shown by lane, marker shape and colour; how precisely the date is known by
the marker's fill and whiskers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import pickle
import re
import subprocess
import sys
import textwrap
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from . import __version__
from .model import Event, Figure, Lane
from .typography import smart_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

WIDTH = 6.3  # inches: the text width of an A4 or Letter page with the layout's margins
ROW = 0.19  # inches per label line
AXIS_X, LABEL_X, TITLE_X = 0.55, 1.55, 2.45
WRAP = 62  # characters of title per line
PANEL_LINES = 37  # label lines in one panel: 8.3 inches with the lanes' names, for A4 or Letter

# Lanes: who acted. Each has a marker shape as well as a colour, so it reads in greyscale.
LANE_LOOKS = (("o", "#1b4f72"), ("s", "#922b21"), ("v", "#1e6f4c"))
SEVERAL, OTHERS = ("D", "#5b2c6f"), ("^", "#555555")
LANE_X, LANE_STEP = 0.78, 0.17
HEAD_CHAR = 0.045  # inches a character of a lane's upright name takes


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


def lane_looks(events: tuple[Event, ...], lanes: tuple[Lane, ...]) -> dict[str, LaneLook]:
    """Marker, colour and position of each lane in use, in drawing order: the first lane,
    events of several lanes, the other lanes, then everyone else."""
    used = {lane_of(e, lanes) for e in events}
    looks = [(lane.name, lane.name, *LANE_LOOKS[n]) for n, lane in enumerate(lanes)]
    if "several" in used:
        looks.insert(1, ("several", "Both" if len(lanes) == 2 else "Several", *SEVERAL))
    if "others" in used:
        looks.append(("others", "Others" if lanes else "Events", *OTHERS))
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


class TimelineFigure:
    """The timeline as SVG, taken from the cache or drawn by another process meanwhile.

    Drawing costs about a second, mostly importing matplotlib; in a process of its own it
    overlaps with the rest of the build on a second core. A process that has matplotlib
    loaded already (`briefing watch`) draws the figure itself.
    """

    def __init__(
        self, events: tuple[Event, ...], lanes: tuple[Lane, ...], caption: str, cache: Path | None
    ) -> None:
        inputs = [[str(e.date), e.title, list(e.actors)] for e in events]
        inputs += [[lane.name, sorted(lane.actors)] for lane in lanes]
        key = hashlib.sha256(
            Path(__file__).read_bytes() + json.dumps([__version__, inputs]).encode()
        ).hexdigest()[:20]
        self.events, self.lanes, self.caption = events, lanes, caption
        self.cached = cache / f"timeline-{key}.json" if cache else None
        self.panels = _read(self.cached) if self.cached else []
        self.drawing: subprocess.Popen[bytes] | None = None
        if not self.panels and "matplotlib.figure" not in sys.modules:
            self.drawing = _start_drawing(events, lanes)

    def result(self) -> Figure:
        if not self.panels:
            if self.drawing and self.drawing.stdout:
                with self.drawing.stdout:
                    drawn = self.drawing.stdout.read()
                self.panels = _parse(drawn) if self.drawing.wait() == 0 else []
            # Without a second process, or should it fail, the figure is drawn here.
            self.panels = self.panels or _draw(self.events, self.lanes)
            if self.cached:
                _store(self.cached, self.panels)
        return Figure(panels=tuple(self.panels), alt=alt_text(self.events), caption=self.caption)

    def close(self) -> None:
        """Stop the drawing process, should the build end before it is done."""
        if self.drawing and self.drawing.poll() is None:
            self.drawing.kill()
            self.drawing.wait()


def _start_drawing(
    events: tuple[Event, ...], lanes: tuple[Lane, ...]
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
            process.stdin.write(pickle.dumps((events, lanes)))
    except OSError:  # it died at once
        process.kill()
        process.wait()
        return None
    return process


def _read(path: Path) -> list[str]:
    try:
        return _parse(path.read_bytes())
    except OSError:  # not drawn yet, or replaced by a concurrent build: draw it
        return []


def _parse(drawn: bytes) -> list[str]:
    """The panels in a JSON list of SVG texts, or none if it is anything else."""
    try:
        panels = json.loads(drawn)
    except ValueError:
        return []
    valid = isinstance(panels, list) and all(
        isinstance(p, str) and p.startswith("<svg") for p in panels
    )
    return panels if valid else []


def _store(path: Path, panels: list[str]) -> None:
    """Keep a drawn figure for the next build; a cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(panels), encoding="utf-8")
        temporary.replace(path)
        for stale in path.parent.glob("timeline-*.*"):
            if stale != path:
                stale.unlink()
    except OSError:
        pass


def _rows(events: tuple[Event, ...], lanes: tuple[Lane, ...] = ()) -> list[list[str]]:
    """Each event's title in lines; one of several lanes (of three) names them."""
    return [textwrap.wrap(smart_text(e.title + _which(e, lanes)), WRAP) or [""] for e in events]


def _which(event: Event, lanes: tuple[Lane, ...]) -> str:
    """' (Assad / Syria, Putin / Russia)' for an event of several lanes, where a column of
    'Several' would not say which; with two lanes, the 'Both' column says it."""
    names = {a.lower() for a in event.actors}
    matches = [lane.name for lane in lanes if names & lane.actors]
    return f" ({', '.join(matches)})" if len(matches) > 1 and len(lanes) > 2 else ""


def _axis_positions(events: tuple[Event, ...], top: float, height: float) -> list[float]:
    """Vertical position of each event on the time axis.

    Half rank, half compressed time: every event keeps a marker's height of its own however
    close the dates, and long quiet stretches stay visibly longer than short ones.
    """
    if len(events) < 2:
        return [top] * len(events)
    # Events keep the author's order; a vague date never draws above an earlier row.
    days = list(
        itertools.accumulate((e.date.interval[0].toordinal() + _half(e) for e in events), max)
    )
    gaps = [min((b - a) / 365, 1.0) + (0.25 if b > a else 0) for a, b in itertools.pairwise(days)]
    elapsed = [0.0, *itertools.accumulate(gaps)]
    last = len(events) - 1
    return [
        top + height * (0.55 * i / last + 0.45 * t / (elapsed[-1] or 1))
        for i, t in enumerate(elapsed)
    ]


def _half(event: Event) -> float:
    start, end = event.date.interval
    return (end.toordinal() - start.toordinal()) / 2


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


def panels_of(events: tuple[Event, ...], lanes: tuple[Lane, ...] = ()) -> list[tuple[Event, ...]]:
    """The events in runs of at most PANEL_LINES label lines: each run is drawn as a panel
    short enough for a page (an event longer than that has a panel of its own)."""
    panels: list[tuple[Event, ...]] = []
    run: list[Event] = []
    lines = 0
    for event, row in zip(events, _rows(events, lanes), strict=True):
        if run and lines + len(row) > PANEL_LINES:
            panels.append(tuple(run))
            run, lines = [], 0
        run.append(event)
        lines += len(row)
    return [*panels, tuple(run)]


def _draw(events: tuple[Event, ...], lanes: tuple[Lane, ...]) -> list[str]:
    """The timeline as SVG panels, each short enough for a page."""
    import matplotlib

    looks = lane_looks(events, lanes)  # the same in every panel
    with matplotlib.rc_context(cast(Any, STYLE)), warnings.catch_warnings():
        # The figure's text is real text: a glyph missing here is reported by the PDF stage.
        warnings.filterwarnings("ignore", "Glyph .* missing from font")
        return [
            _svg(draw_timeline(panel, lanes, looks), f"timeline{n}-")
            for n, panel in enumerate(panels_of(events, lanes), start=1)
        ]


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
    events: tuple[Event, ...],
    lanes: tuple[Lane, ...] = (),
    looks: dict[str, LaneLook] | None = None,
) -> MplFigure:
    """The timeline as a matplotlib Figure (no pyplot state); draw it within STYLE."""
    from matplotlib.figure import Figure as MplFigure

    rows = _rows(events, lanes)
    looks = looks or lane_looks(events, lanes)
    top = 0.42 + _heads_height(looks)
    height = top + sum(len(r) for r in rows) * ROW + 0.1
    fig = MplFigure(figsize=(WIDTH, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    _legend(ax)
    _lane_heads(ax, looks, top - 0.06)
    label_y, y = [], top + ROW / 2
    for r in rows:
        label_y.append(y)
        y += len(r) * ROW
    axis_y = _axis_positions(events, top + ROW / 2, label_y[-1] - label_y[0]) if events else []
    _axis(ax, events, axis_y)
    for event, row, ay, ly in zip(events, rows, axis_y, label_y, strict=True):
        _event(ax, looks[lane_of(event, lanes)], event, row, ay, ly)
    return fig


def _legend(ax: Axes) -> None:
    """What a hollow marker means; the lanes are named above their columns."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], marker="o", color="#333333", markerfacecolor="white", linestyle="",
               markersize=5, label="hollow, with whiskers: dated to the month or year only")
    ]  # fmt: skip
    ax.legend(handles=handles, loc="upper left", ncol=len(handles), frameon=False,
              fontsize=7, handletextpad=0.6, columnspacing=1.4, borderaxespad=0.3)  # fmt: skip


def _heads_height(looks: dict[str, LaneLook]) -> float:
    """Inches above the first row for the lanes' upright names (6.5 pt type)."""
    return 0.16 + HEAD_CHAR * max((len(look.label) for look in looks.values()), default=0)


def _lane_heads(ax: Axes, looks: dict[str, LaneLook], y: float) -> None:
    """Each lane's name over its column, upright to fit the narrow columns, in its colour
    and over its marker."""
    for look in looks.values():
        ax.plot([look.x], [y], marker=look.marker, markersize=4, color=look.colour, linestyle="")
        ax.text(look.x, y - 0.08, look.label, rotation=90, ha="center", va="bottom",
                fontsize=6.5, color=look.colour)  # fmt: skip


def _axis(ax: Axes, events: tuple[Event, ...], axis_y: list[float]) -> None:
    if not events:
        return
    ax.plot([AXIS_X + 0.15] * 2, [axis_y[0] - 0.1, axis_y[-1] + 0.1], color="#999999", lw=0.8)
    last_y, last_year = -1.0, 0
    for event, y in zip(events, axis_y, strict=True):
        if event.date.year != last_year and y - last_y > 0.14:
            ax.text(
                AXIS_X,
                y,
                str(event.date.year),
                ha="right",
                va="center",
                fontsize=7,
                fontweight="bold",
                color="#333333",
            )
            last_y, last_year = y, event.date.year
    for a, b, ya, yb in zip(events, events[1:], axis_y, axis_y[1:], strict=False):
        if (b.date.interval[0] - a.date.interval[1]).days > 365:
            middle = (ya + yb) / 2
            for dy in (-0.02, 0.02):
                ax.plot(
                    [AXIS_X + 0.09, AXIS_X + 0.21],
                    [middle + dy - 0.015, middle + dy + 0.015],
                    color="#999999",
                    lw=0.8,
                )


def _event(ax: Axes, look: LaneLook, event: Event, row: list[str], ay: float, ly: float) -> None:
    marker, colour, x = look.marker, look.colour, look.x
    precise = event.date.precision == "day"
    if not precise:
        whisker = 0.05 if event.date.precision == "month" else 0.09
        ax.plot([x, x], [ay - whisker, ay + whisker], color=colour, lw=0.9)
    ax.plot(
        [x],
        [ay],
        marker=marker,
        markersize=4.5,
        color=colour,
        linestyle="",
        markerfacecolor=colour if precise else "white",
        markeredgewidth=0.9,
    )
    ax.plot([x + 0.06, 1.48, LABEL_X - 0.03], [ay, ly, ly], color="#bbbbbb", lw=0.5)
    ax.text(
        LABEL_X, ly, short_date(event), va="center", fontsize=7, fontweight="bold", color="#222222"
    )
    for k, line in enumerate(row):
        ax.text(TITLE_X, ly + k * ROW, line, va="center", fontsize=7.5, color="#111111")


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
