"""A figure's caption that says its events are dated by the sources, when some are not."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from ..directives.timeline import TimelineSlot
from ..model import Dating
from .base import Context, Flag, Rule

_SOURCES = r"(?:the|its|their|these|our)\s+(?:[\w-]+\s+){0,2}?sources\b"  # "the five sources"
_BY = (
    r"(?:as\s+)?(?:dated|dates?|as\s+(?:given|reported|stated|recorded))\s+(?:by|in|from)"
    r"|from|according\s+to|based\s+on|per"
)
# "as dated by the five sources", "dates from the sources", "according to its sources",
# "as the sources date them", "sourced dates"
CLAIM = re.compile(
    rf"\b(?:{_BY})\s+{_SOURCES}|\b{_SOURCES}\s+(?:date|dated|give|gave)\b|\bsourced\s+dates\b",
    re.IGNORECASE,
)
# What the caption may say of each other way of dating, so that it claims no more.
OWNED: dict[Dating, re.Pattern[str]] = {
    "general knowledge": re.compile(r"general\s+knowledge", re.IGNORECASE),
    "inferred": re.compile(r"\binfer", re.IGNORECASE),
}


def _check(context: Context) -> Iterator[Flag]:
    slots = context.text.blocks_of(TimelineSlot)
    caption = slots[0].written if slots else None
    claim = CLAIM.search(caption.text) if caption else None
    if not (caption and claim):
        return
    events = context.timeline.events
    counts = Counter(event.dating for event in events)
    if all(said.search(caption.text) for way, said in OWNED.items() if counts[way]):
        return
    (n, how), *more = [(counts[way], _dated(way)) for way in OWNED if counts[way]]
    others = [f"{n} of {len(events)} {'is' if n == 1 else 'are'} {how}"]
    others += [f"{n} {how}" for n, how in more]
    yield Flag(
        caption.location(claim.start()),
        f"the caption says the events are dated by the sources, but {' and '.join(others)}",
        hint="describe how the events are dated, or leave that to the count the figure's "
        "caption prints after it",
    )


def _dated(way: Dating) -> str:
    return "inferred" if way == "inferred" else f"dated with the help of {way}"


RULE = Rule(
    "honest-captions",
    standard="Incorporates effective visual information where appropriate; properly "
    "describes quality and credibility of underlying sources",
    summary="the timeline's caption claims its dates come from the sources only when every "
    "event is dated by a cited source",
    check=_check,
)
