"""The command line: a thin layer over briefing.build."""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import sys
from collections.abc import Callable, Iterable, Sized
from pathlib import Path
from typing import Any, cast

import click

from . import __version__
from .copies import MAX_RECIPIENTS, MAX_WATERMARK, Copies
from .diagnostics import BriefingError, BuildFailed, Diagnostic, Location, printable, suggest
from .formats import FORMATS
from .model import ANNEXES, PAPERS, Annex, Brief, Paper, Source, independent
from .options import Options
from .progress import Progress, timings_table
from .running import build_and_report, explain, report
from .schemas import SCHEMAS

# The pipeline's modules are imported inside the commands: a build with nothing to do
# answers before they would have loaded.

PROJECT_FOLDER = click.Path(file_okay=False, path_type=Path)
project_option = click.option(
    "-p",
    "--project",
    "project_option",
    type=PROJECT_FOLDER,
    help="The brief project (default: the current folder).",
)


def takes_project(operand: bool = True) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The project as every command takes it: -p/--project, or (with operand) a PROJECT
    operand where it stands; the command gets it as `project` (default: the current
    folder). Given both, they must name the same folder."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)  # click's parameters, declared below, carried over
        def merged(
            *args: Any, project_option: Path | None, project_operand: Path | None = None, **kw: Any
        ) -> None:
            command(*args, project=one_project(project_operand, project_option), **kw)

        with_option = project_option(merged)
        if not operand:
            return with_option
        return click.argument(
            "project_operand", required=False, metavar="[PROJECT]", type=PROJECT_FOLDER
        )(with_option)

    return decorate


def one_project(operand: Path | None, option: Path | None) -> Path:
    """The project named by the operand or -p (the current folder when neither)."""
    if operand and option and os.path.realpath(operand) != os.path.realpath(option):
        raise click.UsageError(f"two projects given, {operand} and -p {option}: give one")
    return option or operand or Path(".")


outdir_option = click.option(
    "-o",
    "--outdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: PROJECT/dist).",
)
paper_option = click.option(
    "--paper", type=click.Choice(PAPERS, case_sensitive=False), help="Override the paper size."
)
layout_option = click.option("--layout", help="Override the layout (a template name in layouts/).")
formats_option = click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(FORMATS)),
    help="Only these outputs (repeatable; default: all): "
    + "; ".join(f"{f.name}, {f.help}" for f in FORMATS.values())
    + ".",
)


def progress_options(command: Callable[..., None]) -> Callable[..., None]:
    """-v, -q and --timings: how much a command says on stderr as it goes."""
    for option in (
        click.option("-v", "--verbose", is_flag=True, help="Print each stage with its time."),
        click.option("-q", "--quiet", is_flag=True, help="Print errors only."),
        click.option("--timings", is_flag=True, help="Print a table of stage times at the end."),
    ):
        command = option(command)
    return command


QUIET = "briefing.quiet"  # in the click context's meta: -q, for the report of a failure


def _progress(verbose: bool, quiet: bool) -> Progress:
    """Stages shown with -v, or on a terminal once a build takes more than a second; -q
    noted for the report of a failure."""
    from .progress import ShownProgress

    if verbose and quiet:
        raise click.UsageError("-v and -q contradict each other; choose one")
    click.get_current_context().meta[QUIET] = quiet
    if verbose or (not quiet and sys.stderr.isatty()):
        return ShownProgress(verbose)
    return Progress()


class _Commands(click.Group):
    """Every command's errors become one message and exit status 1, here and only here."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BriefingError as error:
            group = f"{ctx.info_name} " if ctx.parent else ""  # "sources remove"
            action = group + (ctx.invoked_subcommand or "")
            message = explain(error, action, ctx.meta.get(QUIET, False))
            lines = message.split("\n")
            raise click.ClickException("\n".join(map(printable, lines))) from None


@click.group(cls=_Commands)
@click.version_option(__version__, prog_name="briefing")
def main() -> None:
    """Compile analytic briefs into print-ready documents, web pages and data."""


@main.command("build")
@takes_project()
@outdir_option
@formats_option
@paper_option
@layout_option
@click.option(
    "--annex",
    type=click.Choice(ANNEXES),
    help="Override where the PDF prints the annex: appended, separate (brief-annex.pdf) or none.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(["pdf/ua-1", "pdf/a-3b"]),
    help="Produce a standardised PDF variant.",
)
@click.option("--force", is_flag=True, help="Build even if no input changed.")
@click.option(
    "--copies",
    type=click.IntRange(1, MAX_RECIPIENTS),
    help="Also write N numbered copies of the PDF.",
)
@click.option(
    "--recipients",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A numbered copy for each name in this file (one a line), named on its pages.",
)
@click.option("--one-file", is_flag=True, help="The numbered copies in one PDF.")
@click.option("--watermark", metavar="TEXT", help="Set TEXT (e.g. DRAFT) across every page.")
@progress_options
def build_command(
    project: Path,
    outdir: Path | None,
    formats: tuple[str, ...],
    paper: str | None,
    layout: str | None,
    annex: str | None,
    pdf_variant: str | None,
    force: bool,
    copies: int | None,
    recipients: Path | None,
    one_file: bool,
    watermark: str | None,
    verbose: bool,
    quiet: bool,
    timings: bool,
) -> None:
    """Build PROJECT (default: the current folder) into its outputs (see --format).

    Numbered copies (--copies, --recipients) go to OUTDIR/copies/, with a master copy
    that ends with the distribution list; they and --watermark are stamped on the PDF."""
    formats = formats or tuple(FORMATS)
    options = Options(
        outdir,
        formats,
        cast(Paper | None, paper),
        layout,
        pdf_variant,
        copies=_copies(copies, recipients, one_file, watermark, "pdf" in formats),
        annex=cast(Annex | None, annex),
    )
    progress = _progress(verbose, quiet)
    built = build_and_report(project, options, force, progress=progress, quiet=quiet)
    if timings and built:
        click.echo(timings_table(progress), err=True)


def _copies(
    count: int | None, recipients: Path | None, one_file: bool, watermark: str | None, pdf: bool
) -> Copies:
    """What to stamp on the PDF, from the build's options."""
    from .copies import read_recipients

    if count and recipients:
        raise click.UsageError("--copies and --recipients: choose one (the file gives the count)")
    if one_file and not (count or recipients):
        raise click.UsageError("--one-file needs --copies or --recipients")
    if (count or recipients or watermark) and not pdf:
        raise click.UsageError("copies and watermarks are stamped on the PDF: add --format pdf")
    if watermark is not None and (not watermark.strip() or not watermark.isprintable()):
        raise click.BadParameter("one line of printable characters", param_hint="--watermark")
    if watermark is not None and len(watermark) > MAX_WATERMARK:
        raise click.BadParameter(
            f"{len(watermark)} characters; at most {MAX_WATERMARK} fit across the page",
            param_hint="--watermark",
        )
    names = read_recipients(recipients) if recipients else ()
    return Copies(len(names) or count or 0, names, watermark, one_file)


@main.command("watch")
@takes_project()
@outdir_option
@formats_option
@paper_option
@layout_option
def watch_command(
    project: Path,
    outdir: Path | None,
    formats: tuple[str, ...],
    paper: str | None,
    layout: str | None,
) -> None:
    """Rebuild PROJECT on every change until interrupted (Ctrl-C)."""
    from .watch import watch

    if not project.is_dir():
        raise click.ClickException(f"{project}: not a folder")
    click.echo(f"watching {project}")
    options = Options(outdir, formats or tuple(FORMATS), cast(Paper | None, paper), layout)
    watch(project, options, click.echo)


@main.command("preview")
@takes_project()
@outdir_option
@paper_option
@layout_option
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True, help="Serve on another address.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
def preview_command(
    project: Path,
    outdir: Path | None,
    paper: str | None,
    layout: str | None,
    port: int,
    host: str,
    open_browser: bool,
) -> None:
    """Serve PROJECT's brief on HTTP, rebuilt and reloaded on every change (Ctrl-C stops).

    Open pages show the errors of a failed build over the last good page; the PDF is
    typeset behind it into the output folder and served at /brief.pdf."""
    import webbrowser

    from .output import locked
    from .preview import listen, preview
    from .project import check_is_project

    check_is_project(project)
    options = Options(outdir, paper=cast(Paper | None, paper), layout=layout)
    sock = listen(host, port)
    with locked(options.output_folder(project)):  # a folder that cannot be written: now
        pass
    if not ipaddress.ip_address(sock.getsockname()[0]).is_loopback:
        click.echo(f"note: serving on {host}: anyone who can reach this machine can read the brief")
    opened = webbrowser.open if open_browser else None
    preview(project, options, sock, click.echo, opened, host)


@main.command("check")
@takes_project()
@click.option("--findings", is_flag=True, help="List each source's findings with their lines.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the diagnostics as JSON on stdout, alone."
)
@progress_options
def check_command(
    project: Path, findings: bool, as_json: bool, verbose: bool, quiet: bool, timings: bool
) -> None:
    """Check PROJECT without rendering: front matter, citations, quotes, sources, timeline."""
    from .build import check
    from .sources import findings_summary

    if as_json and findings:
        raise click.UsageError("--json prints the diagnostics alone: drop --findings")
    progress = _progress(verbose, quiet)
    with progress.running():
        try:
            result = check(project, progress)
        except BriefingError as error:
            if not as_json:
                raise
            click.echo(_diagnostics_json(_as_diagnostics(error, project)))
            raise SystemExit(1) from None
    if as_json:
        click.echo(_diagnostics_json(result.diagnostics))
        return
    report(result.diagnostics, quiet)
    if timings:
        click.echo(timings_table(progress), err=True)
    if quiet:
        return
    brief = result.brief
    for source in brief.sources:
        click.echo(findings_summary(source))
        for finding in source.findings if findings else ():
            kind = finding.kind.replace("-", " ")
            click.echo(f"  seeds/{source.entry.file}:{finding.line}: {kind}: {finding.detail}")
    click.echo(
        f"ok: {_count(brief.judgements, 'judgement')}, "
        f"{_count(brief.citations, 'citation')} verified against "
        f"{_count(brief.sources, 'source')}{_independent(brief)}, {_count(brief.events, 'event')}"
    )


@main.command("review")
@takes_project()
@click.option("--json", "as_json", is_flag=True, help="Print the review sheet as JSON.")
def review_command(project: Path, as_json: bool) -> None:
    """Print a review sheet of PROJECT by the ICD 203 analytic standards: for each, what
    the tool counts on the brief, the tradecraft rules' warnings, and what it cannot judge.

    The project is checked first; if it has errors they are printed as `check` prints
    them (with --json, as `check --json` does), and the command fails."""
    from .build import check
    from .review import review, sheet_json, sheet_lines

    try:
        result = check(project)
    except BriefingError as error:
        if not as_json:
            raise
        click.echo(_diagnostics_json(_as_diagnostics(error, project)))
        raise SystemExit(1) from None
    sheet = review(result.brief, result.diagnostics)
    if as_json:
        click.echo(json.dumps(sheet_json(sheet), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(sheet_lines(sheet)))


def _as_diagnostics(error: BriefingError, project: Path) -> Iterable[Diagnostic]:
    """A failed check's diagnostics; an error that has none (no project there) as one."""
    if isinstance(error, BuildFailed):
        return error.diagnostics
    return [Diagnostic(Location(str(project)), "error", str(error))]


def _diagnostics_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([d.as_json() for d in diagnostics], ensure_ascii=False, indent=2)


def _independent(brief: Brief) -> str:
    """' (15 independent)' when sources that share text make them fewer."""
    count = independent([s.id for s in brief.sources], brief.repeats)
    return f" ({count} independent)" if count != len(brief.sources) else ""


def _count(items: Sized, noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


@main.command("release")
@takes_project()
@outdir_option
def release_command(project: Path, outdir: Path | None) -> None:
    """Freeze PROJECT's current edition: copy the built brief.json and brief.pdf, with
    brief.md and the registers as that build read them, into PROJECT/editions/VERSION/
    (VERSION: the front matter's).

    The last build (made with any options) must be of the project as it is, and VERSION
    not yet released. A later edition names this one with `previous: VERSION` to show what
    changed since."""
    from .release import release

    target = release(project, Options(outdir))
    click.echo(f"released edition {target.name}: {target}")


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "-p",
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where OLD and NEW given as versions are released (default: the project given as "
    "the other operand, else the current folder).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def diff_command(old: str, new: str, project: Path | None, as_json: bool) -> None:
    """Print what changed from edition OLD to NEW: judgements added, withdrawn, reworded
    or re-estimated (with the reasons given), sources and events.

    Each of OLD and NEW is a brief.json, an edition's folder, a brief project (read as it
    stands) or a version released under the project's editions/ (not through a link out
    of the project). A brief.json is read as any project file: at most 20 MiB."""
    from .diff import diff_json, diff_lines, edition_at, project_among

    project = project or project_among(new, old)
    before, after = edition_at(old, project), edition_at(new, project)
    click.echo(diff_json(before, after) if as_json else "\n".join(diff_lines(before, after)))


class _NamingSourceKinds(click.Command):
    """A command whose help ends with the kinds of source the reader registry holds (read
    only when the help is shown: the registry's imports would slow every command)."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from .readers.registry import supported

        super().format_help_text(ctx, formatter)
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(f"Kinds of source: {supported()}.")


@main.command("add-source", cls=_NamingSourceKinds)
@click.argument("files", nargs=-1, required=True)
@takes_project(operand=False)
@click.option("--id", "ident", help="The source id (with one source; default: outlet and year).")
@click.option(
    "--keep-repeat",
    is_flag=True,
    help="Keep a document that repeats a registered one (a page and its printout), linked "
    "to it by 'repeats:' in its entry: the two count as one source.",
)
def add_source_command(
    files: tuple[str, ...], project: Path, ident: str | None, keep_repeat: bool
) -> None:
    """Copy FILES into PROJECT/seeds/ and register them in seeds/sources.yaml: the register
    gets every field the document gives. Grade each source before issuing. A document
    that repeats a registered one nearly whole is refused, unless --keep-repeat.

    A file given as an http or https address is fetched (a web page or a PDF, at most
    20 MiB, within a minute) and saved as it arrived; its entry says where and when it
    was retrieved."""
    from .fetch import is_address
    from .register import add_sources

    def waiting() -> None:
        click.echo(f"waiting for another briefing command on {project} to finish", err=True)

    given = [file if is_address(file) else Path(file) for file in files]
    for source in add_sources(project, given, ident, waiting, keep_repeat):
        click.echo(printable(f"added {source.id}: seeds/{source.file} ({source.reader})"))
        for key, value in source.fields.items():
            click.echo(printable(f"  {key}: {value}"))
    click.echo("next: grade each in seeds/sources.yaml (reliability A-F, credibility 1-6)")


@main.command("find")
@click.argument("args", nargs=-1, required=True, metavar="[PROJECT] WORDS...")
@click.option("--source", "only", multiple=True, metavar="ID", help="Search only this source.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print the matches as JSON.")
@project_option
def find_command(
    args: tuple[str, ...],
    only: tuple[str, ...],
    limit: int,
    as_json: bool,
    project_option: Path | None,
) -> None:
    """Find passages of the sources, each with a citation to paste into brief.md.

    Matches the words as a phrase, ignoring case, quote styles and line breaks; when no
    source has the phrase, the most similar sentences. PROJECT (default: the current
    folder) may come first, or be given with -p."""
    from .search import find_passages, passage_json, passage_lines

    operand, words = _project_and_words(args)
    project = one_project(operand, project_option)
    sources = _readable_sources(project, only)
    passages = find_passages(sources, " ".join(words), limit)
    if as_json:
        click.echo(json.dumps([passage_json(p) for p in passages], ensure_ascii=False, indent=2))
    else:
        for passage in passages:
            click.echo("\n".join(passage_lines(passage, _marker())))
    if not passages:
        asked = " ".join(words)
        asked = asked if len(asked) <= 60 else asked[:57] + "..."
        raise click.ClickException(f"no passage of the sources matches '{asked}'")


def _marker() -> Callable[[str], str]:
    """Bold on a terminal, else between ** as in Markdown."""
    if sys.stdout.isatty():
        return lambda words: click.style(words, bold=True, fg="yellow")
    return lambda words: f"**{words}**"


def _project_and_words(args: tuple[str, ...]) -> tuple[Path | None, tuple[str, ...]]:
    """PROJECT is the first argument if it is a brief project's folder; words must follow."""
    from .files import BRIEF, SOURCES

    first = Path(args[0])
    if (first / BRIEF).is_file() or (first / SOURCES).is_file():
        if len(args) == 1:
            raise click.UsageError(f"give the words to find in {first}'s sources after it")
        return first, args[1:]
    return None, args


def _readable_sources(project: Path, only: tuple[str, ...]) -> list[Source]:
    """The sources that can be read (the errors of the others printed); those named."""
    from .diagnostics import Diagnostics
    from .project import load_project
    from .sources import ingest_sources

    diagnostics = Diagnostics()
    sources = ingest_sources(load_project(project, diagnostics), diagnostics)
    report(diagnostics, quiet=True)
    if not sources:
        raise click.ClickException(f"{project}: no source could be read (see above)")
    _named(sources, only)
    return [s for sid, s in sources.items() if not only or sid in only]


def _named(sources: dict[str, Source], only: tuple[str, ...]) -> None:
    """Each source named is among the sources."""
    for ident in only:
        if ident not in sources:
            hint = suggest(ident, list(sources), "sources")
            raise click.ClickException(f"no readable source '{ident}' ({hint})")


@main.group("sources", cls=_Commands)
def sources_group() -> None:
    """List, look at and remove the sources as the brief sees them."""


@sources_group.command("list")
@takes_project()
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
def sources_list(project: Path, as_json: bool) -> None:
    """List PROJECT's sources that can be read: label, id, kind, title, outlet, date,
    grade, and how many times brief.md and the timeline cite each. The errors of the
    others are printed on stderr, and then the command fails."""
    import dataclasses

    from .diagnostics import Diagnostics
    from .output import project_locked
    from .register import citing_places, read_citations
    from .sources import Row, table

    diagnostics = Diagnostics()
    with project_locked(project):
        read = read_citations(project, diagnostics, sources=True)
    report(diagnostics, quiet=True)
    places = citing_places(read)
    rows = [Row.of(s, len(places.get(s.id, ()))) for s in read.sources.values()]
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(r) for r in rows], ensure_ascii=False, indent=2))
    elif rows:
        click.echo("\n".join(table(rows)))
    unread = [d for d in diagnostics.errors if d.location.path.startswith("seeds/")]
    if unread:
        raise click.ClickException(
            f"{_count(unread, 'error')} in the sources (see above): what cannot be read is "
            "not listed"
        )


@sources_group.command("remove")
@click.argument("ident", metavar="ID")
@takes_project()
def sources_remove(ident: str, project: Path) -> None:
    """Remove source ID: its entry in seeds/sources.yaml and its file in seeds/, together.

    A source that brief.md or the timeline cites, or that another entry repeats, is
    refused, naming each place. The register keeps its comments and layout."""
    from .register import remove_source

    def waiting() -> None:
        click.echo(f"waiting for another briefing command on {project} to finish", err=True)

    removed = remove_source(project, ident, waiting)
    file = f"seeds/{removed.file}" if removed.file else f"no file ({removed.kept})"
    click.echo(printable(f"removed {removed.id}: its entry in seeds/sources.yaml and {file}"))


@sources_group.command("show")
@click.argument("ident", metavar="ID")
@takes_project()
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the text, where its pages start, the entry's fields and the findings as JSON.",
)
def sources_show(ident: str, project: Path, as_json: bool) -> None:
    """Print the text of source ID that quotes are matched against, with line numbers."""
    from .repeats import find_repeats, with_shared_text
    from .sources import listing, source_json

    sources = {s.id: s for s in _readable_sources(project, ())}
    _named(sources, (ident,))
    sources = with_shared_text(sources, find_repeats(sources))
    if as_json:
        click.echo(json.dumps(source_json(sources[ident]), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(listing(sources[ident])))


@main.group("layouts", cls=_Commands)
def layouts_group() -> None:
    """List the layouts a project can use, or copy one into it to edit it."""


@layouts_group.command("list")
@takes_project()
def layouts_list(project: Path) -> None:
    """Show the layouts PROJECT can use and where each comes from, and the shipped
    templates and which PROJECT overrides."""
    from .layouts import available_layouts, is_shipped, template_files

    files = template_files(project)
    if is_shipped(project):
        click.echo("(The project's layouts/ is the shipped layouts: nothing is overridden.)")
    click.echo("Layouts (choose with `layout:` in brief.md or --layout; the first found is used):")
    found = available_layouts(project)
    width = max(map(len, found))
    for name, folders in found.items():
        click.echo(f"  {name:<{width}}  {folders[0].origin}")
        for hidden in folders[1:]:
            click.echo(f"  {'':<{width}}  {hidden.origin} (not used: the one above comes first)")
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
@takes_project()
@click.option("--force", is_flag=True, help="Replace the project's files if they exist.")
def layouts_eject(name: str, project: Path, force: bool) -> None:
    """Copy the layout NAME (its template and stylesheets), or one template file, into
    PROJECT/layouts/ for editing: from your own or a package's layout folders, or the
    shipped ones ('builtin/NAME')."""
    from .layouts import eject

    for origin, target in eject(project, name, force):
        click.echo(f"copied {origin} to {target}")


@main.command("lsp")
def lsp_command() -> None:
    """Run the language server on stdio, for an editor (see the README)."""
    from .lsp import serve

    serve()


@main.command("schema")
@click.argument("name", type=click.Choice(list(SCHEMAS)))
def schema_command(name: str) -> None:
    """Print the JSON Schema of NAME: brief.md's front matter, seeds/sources.yaml or
    figures/timeline.yaml (for an editor's YAML language server)."""
    from .schemas import schema_text

    click.echo(schema_text(name), nl=False)


@main.command("new")
@click.argument("directory", type=click.Path(path_type=Path))
def new_command(directory: Path) -> None:
    """Create a brief project in DIRECTORY with an example of every construct."""
    from .new import new_project

    files = new_project(directory)
    for path in files:
        click.echo(f"created {path}")
    click.echo(f"next: briefing check {directory} && briefing build {directory}")
