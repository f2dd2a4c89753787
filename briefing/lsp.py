"""`briefing lsp`: a language server (pygls, over stdio) for editors of brief projects.

Diagnostics come from the checks `briefing check` makes, run on the editor's unsaved text
of brief.md and the two registers, a moment after typing stops. The sources are read again
only when the register or a file in seeds/ changes. Completion offers source ids after
`[@` and `:rests-on:`, judgement ids after `:depends-on:`, passages after `[@id "`, the
vocabulary's terms in a judgement's options and the front matter's keys; hover shows a
citation's passage and grade, or a term's band; go to definition opens the source at the
passage; a broken quote offers the closest passage. Whatever the editor sends, the server
stays in step and answers every request (briefing/lsp_io.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from . import __version__
from .atomic import is_temporary
from .checking import read_project, verify
from .diagnostics import BriefingError, Diagnostic, Diagnostics, Location
from .directives.judgement import Judgement
from .files import BRIEF, SOURCES, TIMELINE, read_inside
from .folding import FoldedText, fold
from .lsp_io import AnsweringProtocol, FramedInput, refusal
from .markdown import plain
from .model import Project, Source
from .parse import FRONT_MATTER_KEYS, parse_brief
from .project import load_project
from .sources import ingest_sources
from .vocabulary import CONFIDENCE, VOCABULARIES

if TYPE_CHECKING:
    from pygls.server import ServerErrors

DEBOUNCE_SECONDS = 0.2
EDITED = (BRIEF, SOURCES, TIMELINE)  # the files whose unsaved text is checked
_CITATION = re.compile(r"@(?P<id>[A-Za-z0-9][\w.-]*)(?:\s+[\"“](?P<quote>[^\"”]*)[\"”])?")


@dataclass
class _Sources:
    """The sources as last read, and what reading them said; read again on a change."""

    key: tuple[object, ...] = ()
    project: Project | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    said: list[Diagnostic] = field(default_factory=list)


class BriefServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("briefing", __version__, protocol_cls=AnsweringProtocol)
        self.read = _Sources()
        self.pending: asyncio.Task[None] | None = None
        self.published: set[str] = set()

    def report_server_error(self, error: Exception, source: ServerErrors) -> None:
        """A message pygls could not read is answered with a JSON-RPC error, if it is owed
        one; other errors are shown as pygls shows them."""
        from_reader = source is JsonRpcException  # how pygls' reading loop reports
        refused = refusal(error) if from_reader else None
        if refused is None:
            super().report_server_error(error, source)
            return
        logging.getLogger(__name__).warning("briefing lsp: %s", refused)
        # pygls 2.1 has no public way to send an error response; and its converter would
        # leave out an id of null, which JSON-RPC requires.
        answer = {"code": refused.error.code, "message": refused.error.message}
        self.protocol._send_data({"jsonrpc": "2.0", "id": refused.msg_id, "error": answer})

    def root_of(self, uri: str) -> Path | None:
        """The project a document belongs to: the nearest folder up with a brief.md."""
        path = Path(to_fs_path(uri) or "")
        for folder in path.parents:
            if (folder / BRIEF).is_file() or (folder / SOURCES).is_file():
                return folder
        return None

    def unsaved(self, root: Path) -> dict[str, str]:
        texts = {}
        for name in EDITED:
            document = self.workspace.text_documents.get(from_fs_path(str(root / name)) or "")
            if document is not None:
                texts[name] = document.source
        return texts

    def sources(self, root: Path, register: str | None) -> _Sources:
        """The sources, read again only if the register's text or a file in seeds/ changed."""
        seeds = root / "seeds"
        files = sorted(
            (p.name, p.stat().st_mtime_ns, p.stat().st_size)
            for p in seeds.iterdir() if p.is_file() and not is_temporary(p)
        ) if seeds.is_dir() else []  # fmt: skip
        key = (str(root), register, tuple(files))
        if key != self.read.key:
            diagnostics = Diagnostics()
            project = load_project(root, diagnostics)
            if register is not None:
                project = dataclasses.replace(project, sources_yaml=register)
            sources = ingest_sources(project, diagnostics)
            self.read = _Sources(key, project, sources, list(diagnostics))
        return self.read

    def check(self, root: Path) -> tuple[list[Diagnostic], dict[str, Source]]:
        """What `briefing check` finds, on the editor's text."""
        texts = self.unsaved(root)
        read = self.sources(root, texts.get(SOURCES))
        assert read.project is not None
        project = dataclasses.replace(
            read.project,
            brief=texts.get(BRIEF, read.project.brief),
            timeline_yaml=texts.get(TIMELINE, read.project.timeline_yaml),
        )
        diagnostics = Diagnostics()
        verify(read_project(root, project, diagnostics, sources=read.sources), diagnostics)
        return [*read.said, *diagnostics], read.sources

    async def publish_later(self, uri: str) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS)
        root = self.root_of(uri)
        if root is None:
            return
        try:
            found, _ = self.check(root)
        except BriefingError as error:
            found = [Diagnostic(Location(BRIEF), "error", str(error))]
        except Exception:  # a bug: logged for the editor's output, the server goes on
            logging.getLogger(__name__).exception("checking %s failed", root)
            return
        # Every open file of the project is told, so that fixed problems go away.
        by_file: dict[str, list[lsp.Diagnostic]] = {
            from_fs_path(str(root / name)) or "": [] for name in self.unsaved(root)
        }
        for diagnostic in found:
            path = root / diagnostic.location.path
            uri_of = from_fs_path(str(path)) or ""
            text = self.text_of(uri_of, root, path)
            by_file.setdefault(uri_of, []).append(_lsp_diagnostic(diagnostic, text))
        for stale in self.published - set(by_file):
            by_file[stale] = []
        for uri_of, items in by_file.items():
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri_of, diagnostics=items)
            )
        self.published = {u for u, items in by_file.items() if items}

    def text_of(self, uri: str, root: Path, path: Path) -> str:
        """The file as the editor has it, else as saved: a project file, read as one."""
        document = self.workspace.text_documents.get(uri)
        if document is not None:
            return str(document.source)
        data, _ = read_inside(root, path)
        return data.decode("utf-8", errors="replace") if data is not None else ""

    def schedule(self, uri: str) -> None:
        if self.pending:
            self.pending.cancel()
        self.pending = asyncio.get_running_loop().create_task(self.publish_later(uri))


def _lsp_diagnostic(diagnostic: Diagnostic, text: str) -> lsp.Diagnostic:
    message = diagnostic.message + (f"\n{diagnostic.hint}" if diagnostic.hint else "")
    return lsp.Diagnostic(
        range=_range(text, diagnostic.location.line, diagnostic.location.col),
        message=message,
        severity=lsp.DiagnosticSeverity.Error
        if diagnostic.severity == "error"
        else lsp.DiagnosticSeverity.Warning,
        source="briefing",
        code=diagnostic.code or None,
        data={"fix": diagnostic.fix} if diagnostic.fix else None,
    )


def _range(text: str, line: int, col: int) -> lsp.Range:
    """From line:col (from 1) to the end of the quote or word there; the whole line when
    no column is known."""
    lines = text.splitlines() or [""]
    row = min(max(line - 1, 0), len(lines) - 1)
    content = lines[row]
    if col <= 0:
        return lsp.Range(lsp.Position(row, 0), lsp.Position(row, len(content)))
    start = min(col - 1, len(content))
    rest = content[start:]
    quoted = re.match(r"[\"“][^\"”]*[\"”]?", rest)
    word = re.match(r"\S+", rest)
    length = len(quoted.group()) if quoted else len(word.group()) if word else 0
    return lsp.Range(lsp.Position(row, start), lsp.Position(row, start + length))


server = BriefServer()


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: BriefServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: BriefServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: BriefServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


def _line_at(ls: BriefServer, uri: str, position: lsp.Position) -> tuple[str, str, bool]:
    """The line's text before the position, the whole line, and whether it stands in the
    front matter."""
    lines = str(ls.workspace.get_text_document(uri).source).splitlines()
    line = lines[position.line] if position.line < len(lines) else ""
    fences = [n for n, text in enumerate(lines) if text.strip() == "---"][:2]
    front = len(fences) == 2 and fences[0] == 0 and 0 < position.line < fences[1]
    return line[: position.character], line, front


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["@", '"', " "])
)
def completion(ls: BriefServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    before, _, front = _line_at(ls, params.text_document.uri, params.position)
    root = ls.root_of(params.text_document.uri)
    items: list[lsp.CompletionItem] = []
    if root is not None:
        read = ls.sources(root, ls.unsaved(root).get(SOURCES))
        if passage := re.search(r"\[@([\w.-]+)\s+[\"“]([^\"”]*)$", before):
            items = _passages(read.sources.get(passage[1]), passage[2])
        elif ident := re.search(r"@([\w.-]*)$", before) or re.match(
            r"\s*:rests-on:\s*([\w.-]*)$", before
        ):
            items = [
                lsp.CompletionItem(
                    label=sid,
                    kind=lsp.CompletionItemKind.Reference,
                    detail=source.entry.title,
                    documentation=f"{source.entry.label}, graded {source.entry.grade}",
                )
                for sid, source in read.sources.items()
                if sid.startswith(ident[1])
            ]
    if option := re.match(r"\s*:(likelihood|confidence):\s*\S*$", before):
        terms = (
            [t for v in VOCABULARIES.values() for t in v.terms]
            if option[1] == "likelihood"
            else list(CONFIDENCE)
        )
        items = [
            lsp.CompletionItem(label=t, kind=lsp.CompletionItemKind.EnumMember)
            for t in dict.fromkeys(terms)
        ]
    elif premise := re.match(r"\s*:depends-on:(?:.*[\s,])?([\w-]*)$", before):
        text = str(ls.workspace.get_text_document(params.text_document.uri).source)
        items = _premises(text, params.position.line + 1, premise[1])
    elif front and re.fullmatch(r"[a-z_]*", before):
        kind = lsp.CompletionItemKind.Property
        items = [
            lsp.CompletionItem(label=key, insert_text=f"{key}: ", kind=kind)
            for key in FRONT_MATTER_KEYS
            if key.startswith(before)
        ]
    return lsp.CompletionList(is_incomplete=False, items=items)


def _premises(text: str, line: int, typed: str) -> list[lsp.CompletionItem]:
    """The ids of the brief's judgements that start with typed, but for the one written at
    line (1-based), which cannot depend on itself."""
    parsed = parse_brief(text, Diagnostics())
    judgements = parsed.blocks_of(Judgement) if parsed else []
    own = next((j for j in reversed(judgements) if j.location.line <= line), None)
    return [
        lsp.CompletionItem(
            label=j.id,
            kind=lsp.CompletionItemKind.Reference,
            detail=j.label,
            documentation=plain(j.statement),
        )
        for j in judgements
        if j is not own and j.id.startswith(typed)
    ]


def _passages(source: Source | None, typed: str) -> list[lsp.CompletionItem]:
    """The source's sentences that hold what was typed, as quotes to complete."""
    if source is None:
        return []
    from .search import find_passages

    found = find_passages([source], typed, limit=30) if typed.strip() else []
    return [
        lsp.CompletionItem(
            label=passage.quote[:80],
            insert_text=passage.quote[len(typed) :] if passage.quote.startswith(typed) else None,
            detail=f"line {passage.line}",
            kind=lsp.CompletionItemKind.Text,
        )
        for passage in found
        if not passage.unquotable
    ]


@dataclass(frozen=True)
class _Cited:
    """The citation under the cursor: its project, source id, source (None if unknown) and
    where its quote stands in the source (empty for a whole source or a broken quote)."""

    root: Path
    ident: str
    quote: str | None
    source: Source | None
    spans: list[tuple[int, int]]


def _citation_at(ls: BriefServer, uri: str, position: lsp.Position) -> _Cited | None:
    _, line, _ = _line_at(ls, uri, position)
    root = ls.root_of(uri)
    if root is None:
        return None
    for match in _CITATION.finditer(line):
        if match.start() <= position.character <= match.end():
            source = ls.sources(root, ls.unsaved(root).get(SOURCES)).sources.get(match["id"])
            quote = match["quote"]
            found = source and quote and FoldedText(source.text).find_all(fold(quote))
            return _Cited(root, match["id"], quote, source, found or [])
    return None


def _term_at(line: str, at: int) -> str | None:
    """What the vocabulary says of the likelihood term under the cursor."""
    for vocabulary in VOCABULARIES.values():
        for band in vocabulary.bands:
            for term in band.terms:
                spans = (m.span() for m in re.finditer(re.escape(term), line, re.IGNORECASE))
                if any(start <= at <= end for start, end in spans):
                    return f"**{term}**: {band.range} ({vocabulary.title})"
    return None


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: BriefServer, params: lsp.HoverParams) -> lsp.Hover | None:
    cited = _citation_at(ls, params.text_document.uri, params.position)
    if cited is None:
        _, line, _ = _line_at(ls, params.text_document.uri, params.position)
        term = _term_at(line, params.position.character)
        return lsp.Hover(contents=term) if term else None
    if cited.source is None:
        return lsp.Hover(contents=f"unknown source '{cited.ident}'")
    entry, source = cited.source.entry, cited.source
    head = f"**{entry.label}** {entry.title}, graded {entry.grade or 'not yet'}"
    if not cited.quote:
        return lsp.Hover(contents=head)
    if not cited.spans:
        return lsp.Hover(contents=f"{head}\n\nThe quote is not in the source.")
    page = f" (p. {source.page_of(cited.spans[0][0])})" if source.pages else ""
    return lsp.Hover(contents=f"{head}\n\n> {cited.quote}{page}")


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: BriefServer, params: lsp.DefinitionParams) -> lsp.Location | None:
    cited = _citation_at(ls, params.text_document.uri, params.position)
    if cited is None or cited.source is None:
        return None
    source = cited.source
    row = source.text.count("\n", 0, cited.spans[0][0]) if cited.spans else 0
    uri = from_fs_path(str(cited.root / "seeds" / source.entry.file)) or ""
    return lsp.Location(uri, lsp.Range(lsp.Position(row, 0), lsp.Position(row, 0)))


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION)
def code_action(ls: BriefServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    actions = []
    for diagnostic in params.context.diagnostics:
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        fix = data.get("fix")
        quick = _quick_fix(diagnostic, fix) if isinstance(fix, str) else None
        if quick:
            title, edit = quick
            actions.append(
                lsp.CodeAction(
                    title=title,
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=lsp.WorkspaceEdit(changes={params.text_document.uri: [edit]}),
                )
            )
    return actions


def _quick_fix(diagnostic: lsp.Diagnostic, fix: str) -> tuple[str, lsp.TextEdit] | None:
    """The title and edit of the diagnostic's quick fix, if it has one."""
    start = diagnostic.range.start
    if diagnostic.code == "quote-not-found":
        quoted = diagnostic.range
        inner = lsp.Range(
            lsp.Position(start.line, start.character + 1),
            lsp.Position(quoted.end.line, max(quoted.end.character - 1, 0)),
        )
        edit = lsp.TextEdit(range=inner, new_text=fix.strip('"“”'))
        return "Quote the closest passage of the source", edit
    if diagnostic.code == "quote-marks":
        # The fix is the citation with other marks: as long as it, line by line.
        *above, last = fix.split("\n")
        end = lsp.Position(start.line + len(above), len(last) + (0 if above else start.character))
        return "Pair the quote marks", lsp.TextEdit(lsp.Range(start, end), fix)
    return None


def serve() -> None:
    # pygls reads stdin only with readline() and read(n), which FramedInput offers.
    framed = FramedInput(functools.partial(os.read, sys.stdin.fileno()))
    server.start_io(stdin=cast(BinaryIO, framed))
