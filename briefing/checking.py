"""The checks: everything `build` finds before it draws and renders, as one pipeline that
`build` (and so `check`, `watch` and `preview`) and the language server run alike.

It has two halves. `read_project` parses the brief and the timeline and reads the sources
and the previous edition; `verify` checks them against each other. A build stops on errors
after each half; the language server runs both on the editor's unsaved text; `diff` reads
a project without verifying it, so that a brief being revised can be compared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .changes import Changes
from .dating import check_dates
from .diagnostics import Diagnostics
from .directives.registry import DIRECTIVES
from .editions import Edition, compare_with_previous, read_previous
from .events import check_placed, parse_timeline
from .evidence import verify_citations
from .language import check_language
from .model import BriefText, Citation, Project, Repeat, Source, Timeline
from .parse import parse_brief
from .repeats import check_repeats
from .sources import ingest_sources
from .tradecraft.base import Context
from .tradecraft.registry import check_tradecraft


@dataclass(frozen=True)
class Read:
    """A project as read: its brief (None when it cannot be parsed), timeline, sources, and
    the previous edition its brief names."""

    text: BriefText | None
    timeline: Timeline
    sources: dict[str, Source]
    previous: Edition | None


@dataclass(frozen=True)
class Verified:
    """What verifying a project found: its citations located, the changes since the
    previous edition."""

    citations: tuple[Citation, ...]
    changes: Changes | None
    repeats: tuple[Repeat, ...] = ()  # sources that share text


def _unnamed(stage: str) -> None:
    """A stage that nobody times."""


def read_project(
    root: Path,
    project: Project,
    diagnostics: Diagnostics,
    sources: dict[str, Source] | None = None,
    previous: bool = True,
    stage: Callable[[str], None] = _unnamed,
) -> Read:
    """Parse the brief and the timeline, read the sources (unless they are given: the
    language server keeps them while their files are unchanged) and, with previous, the
    edition the brief names."""
    stage("parse")
    text = parse_brief(project.brief, diagnostics)
    if text is not None:
        check_language(text, diagnostics)
    first_event_citation = len(text.citations) if text else 0
    timeline = parse_timeline(project.timeline_yaml, first_event_citation, diagnostics)
    stage("read sources")
    if sources is None:
        sources = ingest_sources(project, diagnostics)
    edition = read_previous(root, text, diagnostics) if text and previous else None
    return Read(text, timeline, sources, edition)


def verify(read: Read, diagnostics: Diagnostics) -> Verified:
    """Check the brief, its timeline and its sources against each other: events placed,
    dates in order, quotes found, sources that repeat each other, each directive's own
    checks, the changes since the previous edition explained, the tradecraft rules."""
    text, timeline, sources = read.text, read.timeline, read.sources
    if text is not None:
        check_placed(text, timeline, diagnostics)
        check_dates(text.meta, sources, timeline, diagnostics)
    refs = (text.citations if text else ()) + timeline.citations
    citations = verify_citations(refs, sources, diagnostics)
    repeats = check_repeats(sources, diagnostics)
    if text is None:
        return Verified(citations, None, repeats)
    for directive in DIRECTIVES.values():
        for check in directive.checks:
            check(text, sources, diagnostics)
    changes = compare_with_previous(read.previous, text, sources, timeline, diagnostics)
    context = Context(text, sources, timeline, repeats, read.previous)
    check_tradecraft(context, diagnostics)
    return Verified(citations, changes, repeats)
