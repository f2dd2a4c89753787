"""Stage 7: render the brief to one self-contained HTML page through its layout."""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import jinja2
from markupsafe import Markup, escape

from . import __version__
from .diagnostics import Diagnostics, Location, closest, suggest
from .files import BRIEF
from .inlining import inline_files, referenced_at
from .layouts import (
    available_layouts,
    display_name,
    layout_problems,
    pdf_stylesheet_name,
    template_name,
)
from .limits import OverTime, bounded
from .markdown import CiteTarget, FragmentRenderer, plain
from .model import Brief, Rendered
from .sandbox import LayoutFileError, environment
from .typography import smart_text
from .vocabulary import CONFIDENCE, CREDIBILITY, RELIABILITY, VOCABULARIES

# The page runs no script and fetches nothing (it is self-contained): a layout comes with a
# project, which may be anyone's, and opening the page must not run the layout's code.
POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)
POLICY_META = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
_HEAD = re.compile(r"\s*(?:<!doctype[^>]*>)?\s*(?:<html[^>]*>)?\s*(?:<head[^>]*>\n?)?", re.I)
# A layout renders in a tenth of a second; one that runs longer or takes more is broken.
LAYOUT_SECONDS = 20
LAYOUT_MEMORY = 1 << 30
DISTRIBUTION = "_distribution.html"  # the master copy's distribution list
Rendering = TypeVar("Rendering")


@dataclass(frozen=True)
class Part:
    """What one page of the brief holds (the whole brief, its body or its annex), and where
    its links to the other part go: "" this page, a file's name ("brief-annex.pdf"), or
    None when the other part is not printed (the labels are then not linked)."""

    name: Literal["whole", "body", "annex"] = "whole"
    elsewhere: str | None = ""

    @property
    def annex_href(self) -> str | None:
        return self.elsewhere if self.name == "body" else ""

    @property
    def body_href(self) -> str | None:
        return self.elsewhere if self.name == "annex" else ""


WHOLE = Part()


def cite_targets(brief: Brief, annex_href: str | None = "") -> dict[int, CiteTarget]:
    """Where each citation links: its passage in the appendix, or the source's entry, in
    the annex file annex_href ("" on the same page; None: nowhere, the label alone).

    Every citation names a known source here: an unknown one stopped the build earlier."""
    entries = {s.id: s.entry for s in brief.sources}
    anchors = {i: p.anchor for p in brief.passages for i in p.citations}
    return {
        c.index: CiteTarget(
            label=brief.label_of(c),
            source_label=entries[c.source].label,
            href=None
            if annex_href is None
            else f"{annex_href}#{anchors.get(c.index, f'src-{c.source}')}",
            quote=c.quote,
            title=entries[c.source].title,
            page=brief.page_of(c),
        )
        for c in brief.citations
    }


def smart(text: str | None) -> Markup:
    """The writer's words (a title, an event, a heading) with their typography, escaped."""
    return escape(smart_text(text or ""))


def render_html(
    brief: Brief, project: Path, diagnostics: Diagnostics, part: Part = WHOLE
) -> Rendered | None:
    """The brief (or the part of it named) as HTML and its paged-media CSS, or None with a
    diagnostic if a layout fails."""
    env = environment(project)
    targets = cite_targets(brief, part.annex_href)
    markdown = FragmentRenderer(targets, raw_html=brief.meta.raw_html)
    block_headings = [block.heading() for block in brief.text.blocks]
    for block_heading in filter(None, block_headings):
        markdown.anchor(block_heading.anchor)  # the layouts' anchors for blocks (judgements)
    env.filters["md"] = markdown
    env.filters["plain"] = lambda fragment: smart(plain(fragment))
    env.filters["smart"] = smart
    env.filters["cites"] = lambda indices: Markup(markdown.cite_group(list(indices)))
    # Render every fragment once, in reading order, so headings are known for the contents.
    for block, heading in zip(brief.text.blocks, block_headings, strict=True):
        for fragment in block.fragments:
            markdown(fragment)
        if heading:
            markdown.headings.append(heading)
        if brief.changes and block is brief.changes_follow:
            markdown.headings.append(brief.changes.heading)
    context: dict[str, Any] = {
        "brief": brief,
        "meta": brief.meta,
        "toc": markdown.headings,
        "vocabulary": VOCABULARIES[brief.meta.vocabulary],
        "confidence_levels": CONFIDENCE,
        "reliability_scale": RELIABILITY,
        "credibility_scale": CREDIBILITY,
        "version": __version__,
        "part": part.name,
        "annex_href": part.annex_href,
        "body_href": part.body_href,
    }
    rendered = _render_layout(env, brief.meta.layout, context, project, diagnostics)
    if rendered is None:
        return None
    styles = env.shared_folders_used()
    page = inline_files(*rendered, project, styles)
    for refused in page.refused:
        diagnostics.error(referenced_at(project, refused.written), refused.message)
    return Rendered(with_policy(page.html), page.css, tuple(page.files), styles)


def with_policy(html: str) -> str:
    """The page with its content security policy first in its head, before anything a
    layout could put there."""
    end = found.end() if (found := _HEAD.match(html)) else 0
    return html[:end] + POLICY_META + html[end:]


def _render_layout(
    env: jinja2.Environment,
    layout: str,
    context: dict[str, Any],
    project: Path,
    diagnostics: Diagnostics,
) -> tuple[str, str] | None:
    """The layout's page and paged-media CSS, or None after a diagnostic naming the
    template file and line."""
    problems = layout_problems(project)
    for path, problem in problems:
        diagnostics.error(Location(path), problem)
    if problems:
        return None
    name = template_name(layout)
    templates = set(env.list_templates())
    if name not in templates:
        diagnostics.error(
            Location(BRIEF),
            f"layout '{layout}' not found (no template {name})",
            _layouts(project, layout),
        )
        return None

    def page_and_css() -> tuple[str, str]:
        html = env.get_template(name).render(context)
        pdf_css = _paged_stylesheet(env, name, templates)
        return html, env.get_template(pdf_css).render(context) if pdf_css else ""

    return _guarded(page_and_css, context, project, diagnostics)


def render_distribution(
    brief: Brief, project: Path, diagnostics: Diagnostics, copies: list[str]
) -> str | None:
    """The master copy's distribution list: the layouts' _distribution.html, the body of a
    page set with the brief's own head; None after a diagnostic if it fails."""
    env = environment(project)
    env.filters["smart"] = smart
    context = {"brief": brief, "meta": brief.meta, "copies": copies, "version": __version__}
    return _guarded(
        lambda: env.get_template(DISTRIBUTION).render(context), context, project, diagnostics
    )


def _guarded(
    render: Callable[[], Rendering],
    context: dict[str, Any],
    project: Path,
    diagnostics: Diagnostics,
) -> Rendering | None:
    """What render makes of the templates, within the layouts' time and memory, or None
    after a diagnostic naming the template file and line."""
    try:
        with bounded(LAYOUT_SECONDS, LAYOUT_MEMORY):
            return render()
    except jinja2.TemplateSyntaxError as error:
        source = (error.source or "").splitlines()
        line = source[error.lineno - 1].strip() if 0 < error.lineno <= len(source) else ""
        diagnostics.error(
            Location(
                display_name(error.filename, project) if error.filename else BRIEF, error.lineno
            ),
            f"template syntax error: {error.message}",
            hint=line,
        )
        return None
    except Exception as error:  # any mistake in a layout is the user's to fix, not a crash
        _report_template_error(error, context, project, diagnostics)
        return None


def _layouts(project: Path, wanted: str) -> str:
    """The layouts there are, and where each comes from; the one meant first, if any."""
    found = available_layouts(project)
    listed = ", ".join(f"{name} ({folders[0].origin})" for name, folders in found.items())
    meant = closest(wanted, list(found))
    return "\n".join(filter(None, [meant and f"did you mean '{meant}'?", f"layouts: {listed}"]))


def _paged_stylesheet(env: jinja2.Environment, name: str, templates: set[str]) -> str:
    """The layout's paged-media stylesheet: its own, or else that of the layout it extends
    ({% extends "builtin/brief.html" %} takes brief-pdf.css); "" when there is none."""
    seen: set[str] = set()
    while name not in seen:
        seen.add(name)
        folder, _, file = name.rpartition("/")
        own = "/".join(filter(None, [folder, pdf_stylesheet_name(file.removesuffix(".html"))]))
        if own in templates:
            return own
        assert env.loader is not None
        tree = env.parse(env.loader.get_source(env, name)[0])
        parent = next(tree.find_all(jinja2.nodes.Extends), None)
        if parent is None or not isinstance(parent.template, jinja2.nodes.Const):
            return ""
        name = str(parent.template.value)
    return ""


def _report_template_error(
    error: Exception, context: dict[str, Any], project: Path, diagnostics: Diagnostics
) -> None:
    where, line = _runtime_error(error, project)
    if isinstance(error, LayoutFileError):
        diagnostics.error(error.location, error.problem)
    elif isinstance(error, OverTime | MemoryError):
        memory = f"took more than {LAYOUT_MEMORY >> 20} MiB of memory"
        spent = str(error) if isinstance(error, OverTime) else memory
        diagnostics.error(where, f"the layout {spent} to render; is a loop endless?", line)
    elif isinstance(error, jinja2.TemplateNotFound):
        diagnostics.error(where, f"template error: no template named '{error.name}'", line)
    elif isinstance(error, jinja2.UndefinedError):
        message, suggestion = _undefined(str(error), line, context)
        hint = "\n".join(filter(None, [suggestion, line]))
        diagnostics.error(where, f"template error: {message}", hint)
    else:
        diagnostics.error(where, f"template error: {error}", line)


_NO_ATTRIBUTE = re.compile(r"^'(?P<owner>.+)' has no attribute '(?P<name>\w+)'$")
_NO_VARIABLE = re.compile(r"^'(?P<name>\w+)' is undefined$")


def _undefined(message: str, line: str, context: dict[str, Any]) -> tuple[str, str]:
    """A missing name as the template writer sees it ('meta.titel', not the class behind
    meta), and the nearest name that exists."""
    if match := _NO_VARIABLE.match(message):
        name = match["name"]
        return f"'{name}' is not defined", suggest(name, sorted(context))
    match = _NO_ATTRIBUTE.match(message)
    written = re.search(rf"([A-Za-z_][\w.]*)\.{match['name']}\b", line) if match else None
    if match is None or written is None:
        return message, ""
    path, name = written[1], match["name"]
    owner: Any = context
    for part in path.split("."):
        owner = owner.get(part) if isinstance(owner, dict) else getattr(owner, part, None)
    names = sorted(n for n in dir(owner) if not n.startswith("_")) if owner is not None else []
    close = suggest(name, names)
    hint = close.replace("'", f"'{path}.", 1) if close else ""
    if path == "meta" and not hint:
        hint = f"a value of the brief's own: give it under extra: and read meta.extra.{name}"
    return f"'{path}.{name}' does not exist", hint


def _runtime_error(error: Exception, project: Path) -> tuple[Location, str]:
    """Where in the templates a rendering error happened, and that line's text."""
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if f.filename.endswith((".html", ".css"))
    ]
    if not frames or not frames[-1].lineno:
        return Location(BRIEF), ""
    frame, lineno = frames[-1], frames[-1].lineno or 0
    try:
        lines = Path(frame.filename).read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    text = lines[lineno - 1].strip() if lineno <= len(lines) else ""
    return Location(display_name(frame.filename, project), lineno), text
