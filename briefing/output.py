"""Stage 9: the brief as data (brief.json), and writing outputs atomically into dist/."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import __version__
from .diagnostics import BriefingError
from .model import Brief, Markdown
from .parse import PLACEHOLDER
from .vocabulary import VOCABULARIES

_INLINE_MARKUP = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def plain_text(text: str) -> str:
    """Markdown text as plain words: citations, emphasis marks and link targets removed."""
    text = _LINK.sub(r"\1", PLACEHOLDER.sub("", text))
    text = " ".join(_INLINE_MARKUP.sub("", text).split())
    return re.sub(r"\s+([.,;:!?)])", r"\1", text)


def plain(fragment: Markdown | None) -> str:
    """A fragment as plain words (for bookmarks, the contents, brief.json)."""
    if fragment is None:
        return ""
    if not isinstance(fragment, Markdown):
        raise TypeError(f"expected a Markdown fragment, not {type(fragment).__name__}")
    return plain_text(fragment.text)


def brief_json(brief: Brief) -> str:
    """The compiled brief as sorted, stable JSON."""
    vocabulary = VOCABULARIES[brief.meta.vocabulary]
    meta = {**vars(brief.meta), "cutoff": str(brief.meta.cutoff), "issued": str(brief.meta.issued)}
    data: dict[str, Any] = {
        "generator": f"briefing {__version__}",
        "meta": meta,
        "bottom_line": plain(brief.text.bottom_line),
        "scope": plain(brief.text.scope),
        "source_summary": list(brief.summary),
        "judgements": [
            {
                "number": j.number,
                "id": j.id,
                "text": plain(j.statement),
                "argument": plain(j.argument),
                "likelihood": j.likelihood,
                "likelihood_range": band.range if (band := vocabulary.band(j.likelihood)) else None,
                "confidence": j.confidence,
                "citations": list(j.citations),
                "sources": list(brief.sources_of(j)),
            }
            for j in brief.judgements
        ],
        "motives": [
            {"actor": s.actor, "text": plain(m.text), "citations": list(m.text.citations)}
            for s in brief.motive_sets
            for m in s.motives
        ],
        "events": [
            {
                "date": str(e.date),
                "precision": e.date.precision,
                "title": e.title,
                "actors": list(e.actors),
                "basis": e.basis,
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
                "reliability": s.entry.reliability,
                "credibility": s.entry.credibility,
                "grade": s.entry.grade,
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
                "source": c.source,
                "quote": c.quote,
                "location": str(c.ref.location),
                "context": brief.contexts.get(c.index, ""),
                "verified": c.verified,
                "span": list(c.spans[0]) if c.spans else None,
                "spans": [list(s) for s in c.spans],
            }
            for c in brief.citations
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@contextlib.contextmanager
def locked(outdir: Path) -> Iterator[None]:
    """Hold the output folder's lock, so two builds cannot interleave their files."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        handle = open(outdir / ".briefing.lock", "w")  # noqa: SIM115 - held for the block
    except OSError as error:
        raise BriefingError(
            f"{outdir}: cannot write the output folder ({error.strerror})"
        ) from error
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def write_outputs(outdir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write each file to a temporary name in outdir, then rename them all into place."""
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            handle, temporary_name = tempfile.mkstemp(prefix=f".{name}.", dir=outdir)
            staged.append((name, Path(temporary_name)))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary_name, 0o644)
        for name, temporary in staged:
            temporary.replace(outdir / name)
    except OSError as error:
        raise BriefingError(f"{outdir}: cannot write outputs ({error.strerror})") from error
    finally:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
    return [outdir / name for name in files]
