"""Stage 2b: read figures/timeline.yaml into dated, cited events."""

from __future__ import annotations

import bisect
from collections import Counter

from .citations import CitationScanner
from .diagnostics import Diagnostics, Location
from .directives.timeline import TimelineSlot
from .files import TIMELINE
from .model import BriefText, Event, Lane, Timeline
from .ordering import out_of_order, places
from .yamlfile import YamlMap, check_keys, date_field, load_yaml, text_field

EVENT_KEYS = ("date", "title", "actors", "basis", "cite")
MAX_LANES = 3


def parse_timeline(text: str | None, first_index: int, diagnostics: Diagnostics) -> Timeline:
    """Parse the timeline; citations are numbered on from first_index."""
    scanner = CitationScanner(diagnostics, first_index)
    if text is None:
        return Timeline((), ())
    data = load_yaml(text, TIMELINE, diagnostics)
    if data is None:
        return Timeline((), ())
    if not isinstance(data, YamlMap) or not isinstance(data.get("events"), list):
        diagnostics.error(Location(TIMELINE, 1, 1), "expected a mapping with a list 'events:'")
        return Timeline((), ())
    check_keys(data, ("events", "lanes"), "key", diagnostics)
    events = []
    for item in data["events"]:
        if not isinstance(item, YamlMap):
            diagnostics.error(data.where("events"), "each event must be a mapping")
            continue
        event = _event(item, scanner, diagnostics)
        if event:
            events.append(event)
    _check_order(events, diagnostics)
    lanes = _lanes(data, events, diagnostics)
    return Timeline(tuple(events), tuple(scanner.citations), lanes)


def _lanes(data: YamlMap, events: list[Event], diagnostics: Diagnostics) -> tuple[Lane, ...]:
    """The lanes the file declares (`lanes: {name: [actor, ...]}`), or else one for each of
    the two actors named most often."""
    declared = data.get("lanes")
    if declared is None:
        counts = Counter(actor for event in events for actor in event.actors)
        return tuple(Lane(actor, frozenset([actor.lower()])) for actor, _ in counts.most_common(2))
    if not isinstance(declared, YamlMap) or not all(
        isinstance(actors, list) and all(isinstance(a, str) for a in actors)
        for actors in declared.values()
    ):
        diagnostics.error(data.where("lanes"), "'lanes' maps a lane's name to a list of actors")
        return ()
    if len(declared) > MAX_LANES:
        diagnostics.error(data.where("lanes"), f"at most {MAX_LANES} lanes fit beside the axis")
    return tuple(
        Lane(name, frozenset(a.lower() for a in actors))
        for name, actors in list(declared.items())[:MAX_LANES]
    )


def _check_order(events: list[Event], diagnostics: Diagnostics) -> None:
    """Events stay in the file's order, which must be possible given their dates: each of
    the fewest events whose removal leaves the rest in order is named once, with the events
    kept on either side of it and the place its date fits (see briefing.ordering)."""
    misplaced = out_of_order([event.date.interval for event in events])
    kept = sorted(set(range(len(events))) - set(misplaced))
    kept_events = [events[k] for k in kept]
    fits = places(
        [e.date.interval for e in kept_events], [events[k].date.interval for k in misplaced]
    )
    for k, fit in zip(misplaced, fits, strict=True):
        side = bisect.bisect_left(kept, k)  # how many kept events are listed before it
        before, after = kept[max(side - 1, 0) : side], kept[side : side + 1]
        around = " and ".join(_named(events[i]) for i in before + after)
        where = "between" if before and after else "after" if before else "before"
        event = events[k]
        diagnostics.warning(
            event.location,
            f"event {_named(event)} is out of order: it is listed {where} {around}",
            hint=f"{_move(kept_events, fit)}, or correct its date",
        )


def _move(kept: list[Event], fit: int | None) -> str:
    """Where to move an event that fits after the first `fit` kept events."""
    if fit is None:
        return "move it to where its date belongs"
    return f"move it after {_named(kept[fit - 1])}" if fit else f"move it before {_named(kept[0])}"


def _named(event: Event) -> str:
    return f"'{event.title}' ({event.date})"


def _event(item: YamlMap, scanner: CitationScanner, diagnostics: Diagnostics) -> Event | None:
    check_keys(item, EVENT_KEYS, "event field", diagnostics)
    title = text_field(item, "title", diagnostics, required=True)
    date = date_field(item, "date", diagnostics, required=True)
    if date is None:
        return None
    actors = item.get("actors") or []
    if not isinstance(actors, list) or not all(isinstance(a, str) for a in actors):
        diagnostics.error(item.where("actors"), "'actors' must be a list of names")
        actors = []
    cites = item.get("cite")
    if not isinstance(cites, list) or not cites:
        diagnostics.error(item.location, f"event '{title}' cites no source")
        cites = []
    indices = []
    for cite in cites:
        if isinstance(cite, str):
            indices.append(scanner.add(cite, None, item.where("cite")))
        elif isinstance(cite, YamlMap) and isinstance(cite.get("source"), str):
            quote = text_field(cite, "quote", diagnostics) or None
            indices.append(scanner.add(cite["source"], quote, cite.where("quote")))
        else:
            diagnostics.error(item.where("cite"), "a citation is a source id or {source:, quote:}")
    return Event(
        date=date,
        title=title,
        actors=tuple(actors),
        basis=text_field(item, "basis", diagnostics),
        citations=tuple(indices),
        location=item.location,
    )


def check_placed(text: BriefText, timeline: Timeline, diagnostics: Diagnostics) -> None:
    """Events that brief.md gives no place are a warning: their citations stay in the
    appendix, but no figure or chronology shows them. A place without events is an error:
    there is no figure to draw."""
    slots = text.blocks_of(TimelineSlot)
    if slots and not timeline.events:
        diagnostics.error(
            slots[0].location,
            "the timeline has no events to show",
            hint=f"add dated, cited events to {TIMELINE}, or remove the ':::{{timeline}}'",
        )
    if timeline.events and not slots:
        count = len(timeline.events)
        diagnostics.warning(
            Location(TIMELINE),
            f"{count} event{'s' * (count != 1)} not shown: brief.md places no ':::{{timeline}}'",
            hint="put ':::{timeline} A caption' and ':::' where the figure and the "
            "chronology should stand",
        )
