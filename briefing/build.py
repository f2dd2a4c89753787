"""The pipeline: one function per stage, and build() to run them in order."""

from __future__ import annotations

import dataclasses
import importlib
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import assemble
from .cache import cache_folder
from .checking import read_project, verify
from .copies import Copies, copy_lines, remove_stale, stamp, stamp_annex
from .diagnostics import BuildFailed, Diagnostics
from .directives.timeline import TimelineSlot
from .editions import kept_inputs
from .figures import DEFAULT_STYLE, FigureStyle
from .formats import FORMATS, Format, RenderJob, own_pages
from .html import render_distribution, render_html
from .layout_css import check_stylesheets
from .model import Brief, BriefText, Figure, Rendered, Timeline
from .options import Options
from .output import locked, project_locked, write_outputs
from .pdf import check_resources
from .progress import Progress
from .project import check_is_project, load_project
from .stamp import forget, inputs_key, record


@dataclass
class Result:
    brief: Brief
    diagnostics: Diagnostics
    written: list[Path] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # the outputs, by file name


def check(root: Path, progress: Progress | None = None) -> Result:
    """Every stage but drawing and rendering: parse, ingest, verify, assemble."""
    return build(root, Options(formats=()), progress)


def build(root: Path, options: Options | None = None, progress: Progress | None = None) -> Result:
    """Compile the brief project at root; raise BuildFailed if it has errors. The project
    is locked (shared) throughout, so add-source cannot change it while it is read."""
    check_is_project(root)  # before the lock, which needs the folder
    with project_locked(root):
        return _build(root, options or Options(), progress or Progress())


def _build(root: Path, options: Options, progress: Progress) -> Result:
    stage = progress.stage
    outdir = options.output_folder(root)
    formats = [f for f in FORMATS.values() if {f.name, f.comes_with} & set(options.formats)]
    writes = bool(formats) and options.write  # a check writes nothing
    diagnostics = Diagnostics()
    key = inputs_key(root, options) if writes else ""  # before anything is read
    stage("read project")
    project = load_project(root, diagnostics)
    read = read_project(root, project, diagnostics, stage=stage)
    _stop_on_errors(diagnostics, writes)
    assert read.text is not None  # parse_brief reports an error whenever it gives nothing
    stage("verify")
    verified = verify(read, diagnostics)
    _stop_on_errors(diagnostics, writes)
    text, timeline = _with_overrides(read.text, options), read.timeline
    stage("figure, imports")
    brief = assemble(
        text, read.sources, timeline, verified.citations, None, verified.changes, verified.repeats
    )
    if timeline.events and any(f.needs_figure for f in formats):
        style = _figure_style(brief, root)
        brief = dataclasses.replace(brief, figure=_timeline_figure(text, timeline, formats, style))
    stage("assemble")
    stage("layout")
    check_stylesheets(root, diagnostics)  # when a build typesets, WeasyPrint is loaded by now
    needs_page = not formats or any(f.needs_html for f in formats)  # check renders it too
    page = render_html(brief, root, diagnostics) if needs_page else None
    # A check renders the other pages the outputs would typeset too, for their errors.
    pages = [page, *(own_pages(brief, root, diagnostics) if page and not formats else [])]
    if not formats and page:  # and the master copy's distribution list
        render_distribution(brief, root, diagnostics, copy_lines(Copies(count=1)))
    if not any(f.fetches for f in formats):  # else typesetting refuses what it may not fetch
        for rendered in filter(None, pages):
            check_resources(rendered, root, diagnostics)
    _stop_on_errors(diagnostics, writes)
    files, resources = _render(brief, root, page, formats, options, diagnostics, progress)
    _stop_on_errors(diagnostics, writes)
    if page and "brief.pdf" in files and (options.copies.count or options.copies.watermark):
        stage("copies")
        listing = render_distribution(brief, root, diagnostics, copy_lines(options.copies))
        _stop_on_errors(diagnostics, writes)
        assert listing is not None  # else a diagnostic stopped the build
        readahead = {n: files[n] for n in ("brief-readahead.pdf",) if n in files}
        files |= stamp(files["brief.pdf"], listing, page, root, options.copies, readahead)
        if "brief-annex.pdf" in files:
            files |= stamp_annex(files["brief-annex.pdf"], files, page, root, options.copies)
    if not writes:  # a check, or a preview that serves the files from memory
        return Result(brief, diagnostics, files=files)
    made = [outdir / name for name in files]
    files |= kept_inputs(project)  # not reported: kept for `briefing release`
    stage("write")
    with locked(outdir):
        forget(outdir)
        written = write_outputs(outdir, files)
        remove_stale(outdir, files)
        _remove_unwanted(outdir, formats, brief)
        previous = read.previous
        taken_in = [*resources, previous.file] if previous and previous.file else resources
        record(outdir, key, written, root, taken_in)
    return Result(brief, diagnostics, made)


def _stop_on_errors(diagnostics: Diagnostics, writes: bool) -> None:
    if diagnostics.errors:
        raise BuildFailed(diagnostics, writes)


def _remove_unwanted(outdir: Path, formats: list[Format], brief: Brief) -> None:
    """Remove what an earlier build wrote for a format this brief does not want (the
    separate annex of a brief that now appends it), lest it be taken for this one's."""
    for output in formats:
        if not output.wanted(brief.meta):
            (outdir / output.filename).unlink(missing_ok=True)


def _with_overrides(text: BriefText, options: Options) -> BriefText:
    """The brief with the paper, layout and annex chosen on the command line, if any."""
    meta = dataclasses.replace(
        text.meta,
        paper=options.paper or text.meta.paper,
        layout=options.layout or text.meta.layout,
        annex=options.annex or text.meta.annex,
    )
    return dataclasses.replace(text, meta=meta)


def _figure_style(brief: Brief, root: Path) -> FigureStyle:
    """The figure's font and colours as the brief's layout sets them, read off its page
    rendered without the figure (0.05 s); the figure's own if that fails, as the page's
    rendering proper then reports."""
    from .style import figure_style

    page = render_html(brief, root, Diagnostics())
    return figure_style(page) if page else DEFAULT_STYLE


def _timeline_figure(
    text: BriefText, timeline: Timeline, formats: list[Format], style: FigureStyle
) -> Figure:
    """The figure, drawn by another process while this one imports what the formats need
    (WeasyPrint: 0.5 s)."""
    from .figures import TimelineFigure  # matplotlib only when something is rendered

    slots = text.blocks_of(TimelineSlot)
    caption = slots[0].caption if slots and slots[0].caption else "Timeline"
    figures = cache_folder() / "figures"  # never the project's: one passed around is untrusted
    drawing = TimelineFigure(timeline.events, timeline.lanes, caption, figures, style)
    try:
        for module in dict.fromkeys(m for f in formats for m in f.preload):
            importlib.import_module(module)
        return drawing.result()
    finally:
        drawing.close()


def _render(
    brief: Brief,
    root: Path,
    page: Rendered | None,
    formats: list[Format],
    options: Options,
    diagnostics: Diagnostics,
    progress: Progress,
) -> tuple[dict[str, bytes], list[Path]]:
    """The output files' contents by name, and the project files read to make them. Those
    of the formats that fork are rendered by child processes meanwhile."""
    from .forked import Forked

    job = RenderJob(brief, root, page, options.pdf_variant, diagnostics)
    chosen = [output for output in formats if output.wanted(brief.meta)]
    children = {o.name: Forked(o.render, job, o.filename) for o in chosen if o.forked}
    files: dict[str, bytes] = {}
    try:
        with progress.counting_pages():
            for output in chosen:
                progress.stage(output.name)
                child = children.get(output.name)
                data = child.result(job) if child else output.render(job)
                if data is not None:
                    files[output.filename] = data
    finally:
        for child in children.values():
            child.close()
    resources = job.resources + list(page.resources if page else ())
    return files, resources
