"""The command line: a thin layer over briefing.build."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

import click

from . import __version__
from .build import FORMATS, Options, Result, build, check
from .diagnostics import BriefingError, BuildFailed, Diagnostics
from .model import Paper

project_argument = click.argument(
    "project", default=".", type=click.Path(file_okay=False, path_type=Path)
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
@click.option(
    "-o",
    "--outdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: PROJECT/dist).",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Only these outputs (repeatable; default: all three).",
)
@click.option("--paper", type=click.Choice(["A4", "letter"]), help="Override the paper size.")
@click.option("--layout", help="Override the layout (a template name in layouts/).")
@click.option(
    "--pdf-variant",
    type=click.Choice(["pdf/ua-1", "pdf/a-3b"]),
    help="Produce a standardised PDF variant.",
)
def build_command(
    project: Path,
    outdir: Path | None,
    formats: tuple[str, ...],
    paper: str | None,
    layout: str | None,
    pdf_variant: str | None,
) -> None:
    """Build PROJECT (default: the current folder) into brief.pdf, brief.html and brief.json."""
    options = Options(outdir, formats or FORMATS, cast(Paper | None, paper), layout, pdf_variant)
    result = _run("build", lambda: build(project, options))
    for path in result.written:
        click.echo(f"wrote {path}")


@main.command("check")
@project_argument
def check_command(project: Path) -> None:
    """Check PROJECT without rendering: front matter, citations, quotes, sources, timeline."""
    result = _run("check", lambda: check(project))
    brief = result.brief
    click.echo(
        f"ok: {len(brief.judgements)} judgements, {len(brief.citations)} citations verified "
        f"against {len(brief.sources)} sources, {len(brief.events)} events"
    )
