"""The pipeline: one function per stage, and build() to run them in order."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import assemble
from .diagnostics import BuildFailed, Diagnostics
from .events import parse_timeline
from .evidence import verify_citations
from .html import render_html
from .language import check_language
from .model import Brief, TimelineSlot
from .options import Options
from .output import brief_json, locked, write_outputs
from .parse import parse_brief
from .project import load_project
from .sources import ingest_sources
from .stamp import forget, inputs_key, record


@dataclass
class Result:
    brief: Brief
    diagnostics: Diagnostics
    written: list[Path] = field(default_factory=list)


def check(root: Path) -> Result:
    """Every stage but drawing and rendering: parse, ingest, verify, assemble."""
    return build(root, Options(formats=()))


def build(root: Path, options: Options | None = None) -> Result:
    """Compile the brief project at root; raise BuildFailed if it has errors."""
    options = options or Options()
    diagnostics = Diagnostics()
    key = inputs_key(root, options)
    project = load_project(root, diagnostics)
    text = parse_brief(project.brief, diagnostics)
    if text is not None:
        check_language(text, diagnostics)
    timeline = parse_timeline(
        project.timeline_yaml, len(text.citations) if text else 0, diagnostics
    )
    sources = ingest_sources(project, diagnostics)
    if text is None or diagnostics.errors:
        raise BuildFailed(diagnostics)
    citations = verify_citations(text.citations + timeline.citations, sources, diagnostics)
    if diagnostics.errors:
        raise BuildFailed(diagnostics)
    text = dataclasses.replace(
        text,
        meta=dataclasses.replace(
            text.meta,
            paper=options.paper or text.meta.paper,
            layout=options.layout or text.meta.layout,
        ),
    )
    outdir = options.outdir or root / "dist"
    figure = None
    if options.formats:
        from .figures import timeline_figure

        slot = next((b for b in text.blocks if isinstance(b, TimelineSlot)), None)
        caption = slot.caption if slot and slot.caption else "Timeline"
        figure = timeline_figure(timeline.events, caption, outdir / ".cache")
    brief = assemble(text, sources, timeline, citations, figure)
    if not options.formats:
        return Result(brief, diagnostics)

    files: dict[str, bytes] = {}
    page = render_html(brief, root, diagnostics)
    if page is not None and "pdf" in options.formats:
        from .pdf import render_pdf

        pdf = render_pdf(page, root, options.pdf_variant, diagnostics)
        if pdf is not None:
            files["brief.pdf"] = pdf
    if page is not None and "html" in options.formats:
        files["brief.html"] = page.html.encode()
    if "json" in options.formats:
        files["brief.json"] = brief_json(brief).encode()
    if diagnostics.errors:
        raise BuildFailed(diagnostics)
    with locked(outdir):
        forget(outdir)
        written = write_outputs(outdir, files)
        record(outdir, key, written)
    return Result(brief, diagnostics, written)
