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
from typing import TYPE_CHECKING

from .annex import ANNEX_FILE, ANNEX_PAGE_PREFIX, BODY_FILE
from .diagnostics import Diagnostics
from .model import Brief, Meta, Rendered

if TYPE_CHECKING:
    from .html import Part


@dataclass
class RenderJob:
    """What a format's renderer gets, and where it notes the project files it read."""

    brief: Brief
    root: Path
    page: Rendered | None  # the HTML page, when a format chosen needs it
    pdf_variant: str | None
    diagnostics: Diagnostics
    resources: list[Path] = field(default_factory=list)


def every_brief(meta: Meta) -> bool:
    return True


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
    wanted: Callable[[Meta], bool] = every_brief  # written for this brief
    forked: bool = False  # rendered by a child process while the others are rendered here
    comes_with: str = ""  # chosen whenever this other format is
    # The page it typesets when that is not the brief's own (another layout, or a part of
    # the brief); `check` renders it too, so that a template error fails check as build.
    own_page: Callable[[Brief, Path, Diagnostics], Rendered | None] | None = None


# A brief whose body (its pages before the annotated sources, contents included) is shorter
# than this goes without the contents page it leaves to the tool: a page of contents for a
# few pages would only be turned over, and would put the judgements off the first page.
CONTENTS_FROM_PAGES = 6
READAHEAD_LAYOUT = "onepage"


def _body_part(brief: Brief) -> Part:
    """What brief.pdf holds: the whole brief, or its body when the annex is not appended."""
    from .html import WHOLE, Part

    annex = brief.meta.annex
    elsewhere = ANNEX_FILE if annex == "separate" else None  # none: the labels not linked
    return WHOLE if annex == "appended" else Part("body", elsewhere)


def _body_page(brief: Brief, root: Path, diagnostics: Diagnostics) -> Rendered | None:
    """The body's own page when the annex is not appended (else the brief's page serves)."""
    from .html import WHOLE, render_html

    part = _body_part(brief)
    return None if part is WHOLE else render_html(brief, root, diagnostics, part)


def _pdf(job: RenderJob) -> bytes | None:
    """The brief, or its body alone when the annex is separate or left out."""
    from .html import WHOLE
    from .pdf import render_pdf

    assert job.page is not None
    part = _body_part(job.brief)
    page = job.page if part is WHOLE else _body_page(job.brief, job.root, job.diagnostics)
    if page is None:
        return None
    first = Diagnostics()
    pdf, read = render_pdf(page, job.root, job.pdf_variant, first)
    decided = job.brief.meta.contents is not None or 'class="toc"' not in page.html
    if pdf and not decided and _page_count(pdf) < CONTENTS_FROM_PAGES:
        job.page = _without_contents(job, WHOLE) or job.page
        page = job.page if part is WHOLE else _without_contents(job, part) or page
        pdf, read = render_pdf(page, job.root, job.pdf_variant, first := Diagnostics())
    job.diagnostics.extend(first)
    job.resources += read
    return _finished(pdf, job, ANNEX_FILE) if pdf and part.elsewhere else pdf


def _annex_page(brief: Brief, root: Path, diagnostics: Diagnostics) -> Rendered | None:
    from .html import Part, render_html

    return render_html(brief, root, diagnostics, Part("annex", BODY_FILE))


def _annex(job: RenderJob) -> bytes | None:
    """The annex alone, its pages A-1, A-2, ..., its links into the body to brief.pdf."""
    from .pdf import render_pdf

    page = _annex_page(job.brief, job.root, job.diagnostics)
    if page is None:
        return None
    pdf, read = render_pdf(page, job.root, job.pdf_variant, job.diagnostics)
    job.resources += read
    return _finished(pdf, job, BODY_FILE, ANNEX_PAGE_PREFIX) if pdf else None


def _finished(pdf: bytes, job: RenderJob, other: str, page_prefix: str = "") -> bytes:
    from .annex import finished

    return finished(pdf, job.root, other, page_prefix)


def _page_count(pdf: bytes) -> int:
    """The pages of the brief's body: those before the page its annotated sources start on
    (the layout's anchor `sources`), or all of them when it has none."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = [page.obj.objgen for page in document.pages]
        names = document.Root.get("/Names")
        if names is None or "/Dests" not in names:
            return len(pages)
        annex = pikepdf.NameTree(names.Dests).get("sources")
        return pages.index(annex[0].objgen) if annex is not None else len(pages)


def _without_contents(job: RenderJob, part: Part) -> Rendered | None:
    """The page (or the part of it) again, without its contents."""
    from .html import render_html

    meta = dataclasses.replace(job.brief.meta, contents=False)
    return render_html(dataclasses.replace(job.brief, meta=meta), job.root, Diagnostics(), part)


def _readahead_page(brief: Brief, root: Path, diagnostics: Diagnostics) -> Rendered | None:
    from .html import render_html

    meta = dataclasses.replace(brief.meta, layout=READAHEAD_LAYOUT)
    return render_html(dataclasses.replace(brief, meta=meta), root, diagnostics)


def _readahead(job: RenderJob) -> bytes | None:
    """The one-page read-ahead: the same brief through the onepage layout (typeset by a
    child while the brief is; what it finds that the brief found too is said once)."""
    from .pdf import render_pdf

    page = _readahead_page(job.brief, job.root, job.diagnostics)
    if page is None:
        return None
    pdf, read = render_pdf(page, job.root, job.pdf_variant, job.diagnostics)
    job.resources += read + list(page.resources)
    return pdf


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
            BODY_FILE,
            _pdf,
            "print-ready PDF (the body alone with annex: separate or none)",
            needs_html=True,
            needs_figure=True,
            preload=("weasyprint",),
            fetches=True,
            released=True,
            own_page=_body_page,
        ),
        Format(
            "html",
            "brief.html",
            _html,
            "one self-contained HTML page",
            needs_html=True,
            needs_figure=True,
        ),
        Format(
            "readahead",
            "brief-readahead.pdf",
            _readahead,
            "the one-page read-ahead (PDF)",
            needs_figure=True,
            preload=("weasyprint",),
            fetches=True,
            forked=True,
            own_page=_readahead_page,
        ),
        Format("json", "brief.json", _json, "the compiled brief as data", released=True),
        Format(
            "annex",
            ANNEX_FILE,
            _annex,
            "the annex as a PDF of its own, with annex: separate",
            preload=("weasyprint",),
            fetches=True,
            released=True,
            wanted=lambda meta: meta.annex == "separate",
            forked=True,
            comes_with="pdf",
            own_page=_annex_page,
        ),
    )
}


def own_pages(brief: Brief, root: Path, diagnostics: Diagnostics) -> list[Rendered]:
    """The pages the brief's outputs typeset besides its own page, rendered as a build
    would (a check's way to find their template errors); what the brief's page found too
    (an image the brief names) is said once."""
    found = Diagnostics()
    pages = [f.own_page(brief, root, found) for f in FORMATS.values()
             if f.own_page and f.wanted(brief.meta)]  # fmt: skip
    said = set(diagnostics)
    diagnostics.extend(d for d in dict.fromkeys(found) if d not in said)
    return [page for page in pages if page is not None]
