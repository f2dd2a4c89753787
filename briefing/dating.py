"""Stage 4b: dates against the brief's information cut-off, and dates that rest on words
like "on Tuesday", which mean nothing without the day they were written."""

from __future__ import annotations

import re

from .diagnostics import Diagnostics
from .model import Meta, Source, Timeline

_RELATIVE = re.compile(
    r"\b(?:(?:on|last|this|next|since|by)\s+(?:monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday)|yesterday|today|tomorrow|tonight|(?:last|this|next|earlier this"
    r"|later this)\s+(?:week|month|year|weekend|spring|summer|autumn|fall|winter)"
    r"|\d+\s+(?:days?|weeks?|months?|years?)\s+ago)\b",
    re.IGNORECASE,
)


def check_dates(
    meta: Meta,
    sources: dict[str, Source],
    timeline: Timeline,
    diagnostics: Diagnostics,
) -> None:
    """Warn of sources and events dated after the cut-off, and of events whose cited
    passage dates them with a relative expression when no basis says how it was read."""
    cutoff_end = meta.cutoff.interval[1]
    for source in sources.values():
        published = source.entry.published
        if published and published.interval[0] > cutoff_end:
            diagnostics.warning(
                source.entry.location,
                f"source '{source.id}' is dated {published.display}, after the brief's "
                f"information cut-off ({meta.cutoff.display})",
            )
    refs = {ref.index: ref for ref in timeline.citations}
    for event in timeline.events:
        if event.date.interval[0] > cutoff_end:
            diagnostics.warning(
                event.location,
                f"event '{event.title}' ({event.date.display}) is after the brief's "
                f"information cut-off ({meta.cutoff.display})",
            )
        quotes = [refs[i].quote or "" for i in event.citations if i in refs]
        relative = next((m for q in quotes if (m := _RELATIVE.search(q))), None)
        if relative and not event.basis:
            diagnostics.warning(
                event.location,
                f"event '{event.title}' is dated from '{relative[0]}' in its source, with no "
                "'basis:' saying how that was read",
                hint="add e.g. basis: '\"on Tuesday\" in a report of 22 October 2015'",
            )
