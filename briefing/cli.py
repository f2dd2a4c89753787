"""The command line: a thin layer over briefing.build."""

from __future__ import annotations

from collections.abc import Callable, Sized
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from . import __version__
from .diagnostics import BriefingError, BuildFailed, Diagnostics
from .options import FORMATS, Options, Paper
from .stamp import inputs_key, up_to_date

if TYPE_CHECKING:
    from .build import Result

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
    type=click.Choice(FORMATS),
    help="Only these outputs (repeatable; default: all three).",
)


def _report(diagnostics: Diagnostics) -> None:
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)


def _run(action: str, run: Callable[[], Result]) -> Result:
    try:
        result: Result = run()
    except BuildFailed as failed:
        _report(failed.diagnostics)
        raise click.ClickException(f"{action} failed: {failed}") from None
    except BriefingError as error:
        raise click.ClickException(str(error)) from None
    _report(result.diagnostics)
    return result


@click.group()
@click.version_option(__version__, prog_name="briefing")
def main() -> None:
    """Compile analytic briefs into print-ready PDF, HTML and JSON."""


@main.command("build")
@project_argument
@outdir_option
@formats_option
@click.option("--paper", type=click.Choice(["A4", "letter"]), help="Override the paper size.")
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
    """Build PROJECT (default: the current folder) into brief.pdf, brief.html and brief.json."""
    options = Options(outdir, formats or FORMATS, cast(Paper | None, paper), layout, pdf_variant)
    raise SystemExit(build_and_report(project, options, force))


def build_and_report(project: Path, options: Options, force: bool = False) -> int:
    """Build (unless up to date), print what happened, and return the exit status."""
    if not force and project.is_dir():
        outdir = options.outdir or project / "dist"
        current = up_to_date(outdir, inputs_key(project, options), project)
        if current is not None:
            click.echo(f"up to date: {', '.join(str(p) for p in current)}")
            return 0
    from .build import build

    try:
        result = _run("build", lambda: build(project, options))
    except click.ClickException as error:
        error.show()
        return 1
    for path in result.written:
        click.echo(f"wrote {path}")
    return 0


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
    watch(project, Options(outdir, formats or FORMATS), click.echo)


@main.command("check")
@project_argument
def check_command(project: Path) -> None:
    """Check PROJECT without rendering: front matter, citations, quotes, sources, timeline."""
    from .build import check

    result = _run("check", lambda: check(project))
    brief = result.brief
    click.echo(
        f"ok: {_count(brief.judgements, 'judgement')}, "
        f"{_count(brief.citations, 'citation')} verified against "
        f"{_count(brief.sources, 'source')}, {_count(brief.events, 'event')}"
    )


def _count(items: Sized, noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


@main.group("layouts")
def layouts_group() -> None:
    """List the shipped layouts, or copy one into a project to edit it."""


@layouts_group.command("list")
@project_argument
def layouts_list(project: Path) -> None:
    """Show the shipped layouts and templates, and which PROJECT overrides."""
    from .templates import template_files

    files = template_files(project)
    click.echo("Layouts (choose with `layout:` in brief.md or --layout):")
    for item in files:
        if item.layout:
            click.echo(f"  {item.name.removesuffix('.html')}")
    click.echo("Templates and stylesheets (copy one with `briefing layouts eject NAME`):")
    for item in files:
        note = "  (overridden by the project's layouts/)" if item.overridden else ""
        click.echo(f"  {item.name}{note}")


@layouts_group.command("eject")
@click.argument("name")
@project_argument
@click.option("--force", is_flag=True, help="Replace the project's file if it exists.")
def layouts_eject(name: str, project: Path, force: bool) -> None:
    """Copy the shipped template NAME into PROJECT/layouts/ for editing."""
    from .templates import eject

    try:
        target = eject(project, name, force)
    except BriefingError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"copied builtin/{target.name} to {target}")


@main.command("new")
@click.argument("directory", type=click.Path(path_type=Path))
def new_command(directory: Path) -> None:
    """Create a brief project in DIRECTORY with an example of every construct."""
    from .new import new_project

    try:
        files = new_project(directory)
    except BriefingError as error:
        raise click.ClickException(str(error)) from None
    for path in files:
        click.echo(f"created {path}")
    click.echo(f"next: briefing check {directory} && briefing build {directory}")
