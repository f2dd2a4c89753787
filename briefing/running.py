"""Running a build for a command: build unless up to date, and print the diagnostics, what
was written and why a command failed.

Shared by the command line and by `briefing watch`'s build processes."""

from __future__ import annotations

from pathlib import Path

import click

from .diagnostics import BriefingError, BuildFailed, Diagnostics
from .options import Options
from .progress import Progress
from .stamp import inputs_key, up_to_date


def report(diagnostics: Diagnostics, quiet: bool = False) -> None:
    """Print the diagnostics on stderr; quiet, only the errors."""
    for diagnostic in diagnostics.errors if quiet else diagnostics:
        click.echo(str(diagnostic), err=True)


def explain(error: BriefingError, action: str, quiet: bool = False) -> str:
    """The one-line message for a failed command, after printing the diagnostics behind it
    (quiet: the errors alone)."""
    if isinstance(error, BuildFailed):
        report(error.diagnostics, quiet)
        return f"{action} failed: {error}"
    return str(error)


def build_and_report(
    project: Path,
    options: Options,
    force: bool = False,
    outputs: bool = True,
    progress: Progress | None = None,
    quiet: bool = False,
) -> bool:
    """Build unless up to date, printing the diagnostics (quiet: the errors) and, with
    outputs, what was written; whether it built. Raise BriefingError on failure."""
    if not force and project.is_dir():
        outdir = options.output_folder(project)
        current = up_to_date(outdir, inputs_key(project, options), project)
        if current is not None:
            if outputs and not quiet:
                click.echo(f"up to date: {', '.join(str(p) for p in current)}")
            return False
    from .build import build  # the pipeline loads only when there is something to do

    progress = progress or Progress()
    with progress.running():
        result = build(project, options, progress)
    report(result.diagnostics, quiet)
    for path in result.written if outputs and not quiet else ():
        click.echo(f"wrote {path}")
    return True
