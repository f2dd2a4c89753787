"""The compiled brief as data: brief.json."""

from __future__ import annotations

import json
from typing import Any

from . import __version__
from .changes import Changes
from .directives.registry import DIRECTIVES
from .model import Brief


def brief_json(brief: Brief) -> str:
    """The compiled brief as sorted, stable JSON."""
    meta = {
        **vars(brief.meta),
        "cutoff": str(brief.meta.cutoff),
        "issued": str(brief.meta.issued),
        "previous": brief.meta.previous.version if brief.meta.previous else None,
        "withdrawn": [{"id": w.id, "reason": w.reason} for w in brief.meta.withdrawn],
        "waived": {w.rule: w.reason for w in brief.meta.waived},
        "horizon": str(brief.meta.horizon) if brief.meta.horizon else None,
    }
    data: dict[str, Any] = {
        "generator": f"briefing {__version__}",
        "meta": meta,
        "changes": changes_json(brief.changes) if brief.changes else None,
        "source_summary": list(brief.summary),
        **_blocks(brief),
        "events": [
            {
                "date": str(e.date),
                "precision": e.date.precision,
                "title": e.title,
                "actors": list(e.actors),
                "basis": e.basis,
                "dating": e.dating,
                "citations": list(e.citations),
            }
            for e in brief.events
        ],
        "sources": [
            {
                "id": s.id,
                "label": s.entry.label,
                "file": f"seeds/{s.entry.file}",
                "sha256": s.sha256,
                "title": s.entry.title,
                "outlet": s.entry.outlet,
                "author": s.entry.author,
                "published": str(s.entry.published) if s.entry.published else None,
                "published_precision": s.entry.published.precision if s.entry.published else None,
                "date_basis": s.entry.date_basis,
                "type": s.entry.type,
                "address": s.entry.address,
                "reliability": s.entry.reliability or None,
                "credibility": s.entry.credibility or None,
                "grade": s.entry.grade if s.entry.graded else None,
                "word_count": s.word_count,
                "findings": [
                    {"kind": f.kind, "span": list(f.span), "line": f.line, "detail": f.detail}
                    for f in s.findings
                ],
            }
            for s in brief.sources
        ],
        "citations": [
            {
                "index": c.index,
                "label": brief.label_of(c),
                "source": c.source,
                "quote": c.quote,
                "location": str(c.ref.location),
                "context": brief.contexts.get(c.index, ""),
                "verified": c.verified,
                "span": list(c.spans[0]) if c.spans else None,
                "page": brief.page_of(c),
                "spans": [list(s) for s in c.spans],
            }
            for c in brief.citations
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def changes_json(changes: Changes) -> dict[str, Any]:
    """The differences from the previous edition, as brief.json lists them."""
    return {
        "previous": changes.since,
        "previous_issued": str(changes.issued),
        "summary": changes.summary,
        "list": [
            {
                "subject": c.subject,
                "status": c.status,
                "id": c.key,
                "label": c.label,
                "previous_label": c.was_label or None,
                "text": c.text,
                "shifts": [
                    {
                        "field": s.field,
                        "old": s.old or None,
                        "new": s.new,
                        "old_range": s.old_range or None,
                        "new_range": s.new_range or None,
                        "direction": s.direction or None,
                    }
                    for s in c.shifts
                ],
                "note": c.note or None,
            }
            for c in changes.changes
        ],
    }


def _blocks(brief: Brief) -> dict[str, Any]:
    """Each directive's key, with the value it makes of the entries of its blocks."""
    entries: dict[str, list[Any]] = {name: [] for name in DIRECTIVES}
    for block in brief.text.blocks:
        if block.kind in entries:
            entries[block.kind] += block.json_entries(brief)
    return {d.json_key: d.json_value(entries[d.name]) for d in DIRECTIVES.values() if d.json_key}
