"""Stage 7: render the brief to one self-contained HTML page through Jinja2 layouts.

Templates are looked up in the project's `layouts/` first, then in the shipped layouts;
`builtin/NAME` always names the shipped template, so a project template can extend it.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import __version__
from .diagnostics import Diagnostics, Location
from .markdown import CiteTarget, FragmentRenderer
from .model import Brief, Heading, Judgement, Rendered
from .options import shipped_layouts
from .output import plain
from .project import find_reference
from .vocabulary import CONFIDENCE, CREDIBILITY, RELIABILITY, VOCABULARIES


def shipped_layout_names() -> list[str]:
    """Shipped layouts; templates whose name starts with '_' are parts that layouts include."""
    return sorted(p.stem for p in shipped_layouts().glob("*.html") if not p.stem.startswith("_"))


def environment(project: Path) -> jinja2.Environment:
    shipped = jinja2.FileSystemLoader(shipped_layouts())
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(project / "layouts"),
                jinja2.PrefixLoader({"builtin": shipped}),
                shipped,
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def cite_targets(brief: Brief) -> dict[int, CiteTarget]:
    """Where each citation links: its passage in the appendix, or the source's entry.

    Every citation names a known source here: an unknown one stopped the build earlier."""
    entries = {s.id: s.entry for s in brief.sources}
    anchors = {i: p.anchor for p in brief.passages for i in p.citations}
    return {
        c.index: CiteTarget(
            label=entries[c.source].label,
            href="#" + anchors.get(c.index, f"src-{c.source}"),
            quote=c.quote,
            title=entries[c.source].title,
        )
        for c in brief.citations
    }


def render_html(brief: Brief, project: Path, diagnostics: Diagnostics) -> Rendered | None:
    """The brief as HTML and its paged-media CSS, or None with a diagnostic if a layout fails."""
    env = environment(project)
    markdown = FragmentRenderer(cite_targets(brief), project, raw_html=brief.meta.raw_html)
    for judgement in brief.judgements:
        markdown.anchor(f"kj-{judgement.id}")  # the layouts' anchors for judgements
    env.filters["md"] = markdown
    env.filters["plain"] = plain
    env.filters["cites"] = lambda indices: Markup(markdown.cite_group(list(indices)))
    # Render every fragment once, in reading order, so headings are known for the contents.
    markdown(brief.text.bottom_line)
    markdown(brief.text.scope)
    for block in brief.text.blocks:
        for fragment in block.fragments:
            markdown(fragment)
        if isinstance(block, Judgement):
            title = f"KJ{block.number} {plain(block.statement)}"
            markdown.headings.append(Heading(3, title, f"kj-{block.id}"))
    context: dict[str, Any] = {
        "brief": brief,
        "meta": brief.meta,
        "toc": markdown.headings,
        "vocabulary": VOCABULARIES[brief.meta.vocabulary],
        "confidence_levels": CONFIDENCE,
        "reliability_scale": RELIABILITY,
        "credibility_scale": CREDIBILITY,
        "version": __version__,
    }
    name, pdf_css = f"{brief.meta.layout}.html", f"{brief.meta.layout}-pdf.css"
    templates = set(env.list_templates())
    if name not in templates:
        diagnostics.error(
            Location("brief.md"),
            f"layout '{brief.meta.layout}' not found (no template {name})",
            hint=f"shipped layouts: {', '.join(shipped_layout_names())}",
        )
        return None
    try:
        html = env.get_template(name).render(context)
        css = env.get_template(pdf_css).render(context) if pdf_css in templates else ""
    except jinja2.TemplateSyntaxError as error:
        source = (error.source or "").splitlines()
        line = source[error.lineno - 1].strip() if 0 < error.lineno <= len(source) else ""
        diagnostics.error(
            Location(_layout_path(error.filename, project), error.lineno),
            f"template syntax error: {error.message}",
            hint=line,
        )
        return None
    except Exception as error:  # any mistake in a layout is the user's to fix, not a crash
        where, line = _runtime_error(error, project)
        if isinstance(error, jinja2.TemplateNotFound):
            diagnostics.error(where, f"template error: no template named '{error.name}'", line)
        else:
            diagnostics.error(where, f"template error: {error}", line)
        return None
    for url, problem in markdown.problems:
        diagnostics.error(find_reference(project, [url]), f"image '{url}': {problem}")
    return Rendered(html, css, tuple(markdown.resources))


def _layout_path(filename: str | None, project: Path) -> str:
    """A template's file as the user knows it: relative to the project, or 'builtin/...'."""
    if not filename:
        return "layouts"
    path = Path(filename).resolve()
    if path.is_relative_to((project / "layouts").resolve()):
        return str(path.relative_to(project.resolve()))
    return "builtin/" + path.name


def _runtime_error(error: Exception, project: Path) -> tuple[Location, str]:
    """Where in the templates a rendering error happened, and that line's text."""
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if f.filename.endswith((".html", ".css"))
    ]
    if not frames or not frames[-1].lineno:
        return Location("layouts"), ""
    frame, lineno = frames[-1], frames[-1].lineno or 0
    try:
        lines = Path(frame.filename).read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    text = lines[lineno - 1].strip() if lineno <= len(lines) else ""
    return Location(_layout_path(frame.filename, project), lineno), text
