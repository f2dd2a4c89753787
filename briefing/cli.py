"""The command line: a thin layer over briefing.build."""

from __future__ import annotations

from collections.abc import Sized
from pathlib import Path
from typing import Any, cast

import click

from . import __version__
from .diagnostics import BriefingError
from .formats import FORMATS
from .model import PAPERS, Paper
from .options import Options
from .report import build_and_report, explain, report

# The pipeline's modules are imported inside the commands: a build with nothing to do
# answers before they would have loaded.

project_argument = click.argument(
    "project", default=".", type=click.Path(file_okay=False, path_type=Path)
)
outdir_option = click.option(
    "-o",
    "--outdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: PROJECT/dist).",
)
formats_option = click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(FORMATS)),
    help="Only these outputs (repeatable; default: all): "
    + "; ".join(f"{f.name}, {f.help}" for f in FORMATS.values())
    + ".",
)


class _Commands(click.Group):
    """Every command's errors become one message and exit status 1, here and only here."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BriefingError as error:
            raise click.ClickException(explain(error, ctx.invoked_subcommand or "")) from None


@click.group(cls=_Commands)
@click.version_option(__version__, prog_name="briefing")
def main() -> None:
    """Compile analytic briefs into print-ready documents, web pages and data."""


@main.command("build")
@project_argument
@outdir_option
@formats_option
@click.option("--paper", type=click.Choice(PAPERS), help="Override the paper size.")
@click.option("--layout", help="Override the layout (a template name in layouts/).")
@click.option(
    "--pdf-variant",
    type=click.Choice(["pdf/ua-1", "pdf/a-3b"]),
    help="Produce a standardised PDF variant.",
)
@click.option("--force", is_flag=True, help="Build even if no input changed.")
def build_command(
    project: Path,
    outdir: Path | None,
    formats: tuple[str, ...],
    paper: str | None,
    layout: str | None,
    pdf_variant: str | None,
    force: bool,
) -> None:
    """Build PROJECT (default: the current folder) into its outputs (see --format)."""
    options = Options(
        outdir, formats or tuple(FORMATS), cast(Paper | None, paper), layout, pdf_variant
    )
    build_and_report(project, options, force)


@main.command("watch")
@project_argument
@outdir_option
@formats_option
def watch_command(project: Path, outdir: Path | None, formats: tuple[str, ...]) -> None:
    """Rebuild PROJECT on every change until interrupted (Ctrl-C)."""
    from .watch import watch

    if not project.is_dir():
        raise click.ClickException(f"{project}: not a folder")
    click.echo(f"watching {project}")
    watch(project, Options(outdir, formats or tuple(FORMATS)), click.echo)


@main.command("check")
@project_argument
@click.option("--findings", is_flag=True, help="List each source's findings with their lines.")
def check_command(project: Path, findings: bool) -> None:
    """Check PROJECT without rendering: front matter, citations, quotes, sources, timeline."""
    from .build import check
    from .sources import findings_summary

    result = check(project)
    report(result.diagnostics)
    brief = result.brief
    for source in brief.sources:
        click.echo(findings_summary(source))
        for finding in source.findings if findings else ():
            kind = finding.kind.replace("-", " ")
            click.echo(f"  seeds/{source.entry.file}:{finding.line}: {kind}: {finding.detail}")
    click.echo(
        f"ok: {_count(brief.judgements, 'judgement')}, "
        f"{_count(brief.citations, 'citation')} verified against "
        f"{_count(brief.sources, 'source')}, {_count(brief.events, 'event')}"
    )


def _count(items: Sized, noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


@main.command("add-source")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-p",
    "--project",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
    help="The brief project (default: the current folder).",
)
@click.option("--id", "ident", help="The source id (with one file; default: outlet and year).")
def add_source_command(files: tuple[Path, ...], project: Path, ident: str | None) -> None:
    """Copy FILES into PROJECT/seeds/ and register them in seeds/sources.yaml.

    Text in any encoding, saved web pages (.html), PDF and Word (.docx) files; the
    register gets every field the document gives. Grade each source before issuing."""
    from .register import add_sources

    for source in add_sources(project, list(files), ident):
        click.echo(f"added {source.id}: seeds/{source.file} ({source.reader})")
        for key, value in source.fields.items():
            click.echo(f"  {key}: {value}")
    click.echo("next: grade each in seeds/sources.yaml (reliability A-F, credibility 1-6)")


@main.group("sources")
def sources_group() -> None:
    """Look at the sources as the brief sees them."""


@sources_group.command("show")
@click.argument("ident", metavar="ID")
@project_argument
def sources_show(ident: str, project: Path) -> None:
    """Print the text of source ID that quotes are matched against, with line numbers."""
    from .diagnostics import Diagnostics
    from .project import load_project
    from .sources import ingest_sources, listing

    diagnostics = Diagnostics()
    sources = ingest_sources(load_project(project, diagnostics), diagnostics)
    if ident not in sources:
        report(diagnostics)
        known = ", ".join(sources) or "none"
        raise click.ClickException(f"no readable source '{ident}' (sources: {known})")
    click.echo("\n".join(listing(sources[ident])))


@main.group("layouts")
def layouts_group() -> None:
    """List the shipped layouts, or copy one into a project to edit it."""


@layouts_group.command("list")
@project_argument
def layouts_list(project: Path) -> None:
    """Show the shipped layouts and templates, and which PROJECT overrides."""
    from .layouts import is_shipped, layout_of, template_files

    files = template_files(project)
    if is_shipped(project):
        click.echo("(The project's layouts/ is the shipped layouts: nothing is overridden.)")
    click.echo("Layouts (choose with `layout:` in brief.md or --layout):")
    for item in files:
        if item.layout:
            click.echo(f"  {layout_of(item.name)}")
    click.echo("Templates and stylesheets (copy one with `briefing layouts eject NAME`):")
    for item in files:
        note = (
            "  (overridden by the project's layouts/)"
            if item.overridden
            else "  (copied into the project's layouts/, unchanged)"
            if item.copied
            else ""
        )
        click.echo(f"  {item.name}{note}")


@layouts_group.command("eject")
@click.argument("name")
@project_argument
@click.option("--force", is_flag=True, help="Replace the project's file if it exists.")
def layouts_eject(name: str, project: Path, force: bool) -> None:
    """Copy the shipped template NAME into PROJECT/layouts/ for editing."""
    from .layouts import eject

    target = eject(project, name, force)
    click.echo(f"copied builtin/{target.name} to {target}")


@main.command("new")
@click.argument("directory", type=click.Path(path_type=Path))
def new_command(directory: Path) -> None:
    """Create a brief project in DIRECTORY with an example of every construct."""
    from .new import new_project

    files = new_project(directory)
    for path in files:
        click.echo(f"created {path}")
    click.echo(f"next: briefing check {directory} && briefing build {directory}")
