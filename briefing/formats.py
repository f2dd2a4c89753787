"""The output formats, as one table: the build and the command line read it.

A format's renderer imports what it needs when it runs, so that reading the table (the
command line does, before it knows whether anything must be built) stays cheap.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostics
from .model import Brief, Rendered


@dataclass
class RenderJob:
    """What a format's renderer gets, and where it notes the project files it read."""

    brief: Brief
    root: Path
    page: Rendered | None  # the HTML page, when a format chosen needs it
    pdf_variant: str | None
    diagnostics: Diagnostics
    resources: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Format:
    name: str
    filename: str
    render: Callable[[RenderJob], bytes | None]  # None: it failed, and a diagnostic says why
    help: str
    needs_html: bool = False  # rendered from the brief's HTML page
    needs_figure: bool = False  # shows the timeline figure
    preload: tuple[str, ...] = ()  # modules to import while the figure is drawn
    fetches: bool = False  # takes in the page's resources, refusing what it may not
    released: bool = False  # kept in editions/VERSION/ by `briefing release`


# Up to this many pages, a brief that leaves its contents page to the tool goes without:
# a whole page for a few entries would only be turned over.
CONTENTS_FROM_PAGES = 9


def _pdf(job: RenderJob) -> bytes | None:
    from .pdf import render_pdf

    assert job.page is not None
    first = Diagnostics()
    pdf, read = render_pdf(job.page, job.root, job.pdf_variant, first)
    decided = job.brief.meta.contents is not None or 'class="toc"' not in job.page.html
    if pdf and not decided and _page_count(pdf) < CONTENTS_FROM_PAGES:
        job.page = _without_contents(job) or job.page
        pdf, read = render_pdf(job.page, job.root, job.pdf_variant, first := Diagnostics())
    job.diagnostics.extend(first)
    job.resources += read
    return pdf


def _page_count(pdf: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def _without_contents(job: RenderJob) -> Rendered | None:
    """The page again, without its contents (the HTML output takes it too)."""
    from .html import render_html

    meta = dataclasses.replace(job.brief.meta, contents=False)
    return render_html(dataclasses.replace(job.brief, meta=meta), job.root, Diagnostics())


def _html(job: RenderJob) -> bytes:
    assert job.page is not None
    return job.page.html.encode()


def _json(job: RenderJob) -> bytes:
    from .brief_json import brief_json

    return brief_json(job.brief).encode()


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "pdf",
            "brief.pdf",
            _pdf,
            "print-ready PDF",
            needs_html=True,
            needs_figure=True,
            preload=("weasyprint",),
            fetches=True,
            released=True,
        ),
        Format(
            "html",
            "brief.html",
            _html,
            "one self-contained HTML page",
            needs_html=True,
            needs_figure=True,
        ),
        Format("json", "brief.json", _json, "the compiled brief as data", released=True),
    )
}
