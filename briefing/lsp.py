"""`briefing lsp`: a language server (pygls, over stdio) for editors of brief projects.

Diagnostics come from the checks `briefing check` makes, run on the editor's unsaved text
of brief.md and the two registers, a moment after typing stops. The sources are read again
only when the register or a file in seeds/ changes. Completion offers source ids after
`[@` and `:rests-on:`, judgement ids after `:depends-on:`, the source's passages after
`[@id "` (those holding the word typed; each source is cut into passages once), the terms
of the brief's own vocabulary in a judgement's options and the front matter's keys; hover
shows a citation's passage and grade, or a term's band; go to definition opens the text
quotes are matched against at the passage (a text file the source itself, else a copy of
the text read from it, kept in the cache folder); a broken quote offers the closest
passage. Whatever the editor sends, the server stays in step and answers every request
(briefing/lsp_io.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple, cast

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace.position_codec import PositionCodec

from . import __version__
from .atomic import is_temporary, write_atomically
from .cache import MAX_ENTRY_BYTES, cache_folder
from .checking import read_project, verify
from .diagnostics import BriefingError, Diagnostic, Diagnostics, Location
from .directives.judgement import Judgement
from .files import BRIEF, SOURCES, TIMELINE, read_inside, read_regular
from .folding import FoldedText, fold
from .layout_css import check_stylesheets
from .lsp_io import AnsweringProtocol, FramedInput, refusal
from .markdown import plain
from .model import Project, Source
from .parse import FRONT_MATTER_KEYS, parse_brief
from .project import load_project
from .search import Passage, passages_in_order
from .sources import ingest_sources
from .vocabulary import CONFIDENCE, VOCABULARIES, Vocabulary

if TYPE_CHECKING:
    from pygls.server import ServerErrors

DEBOUNCE_SECONDS = 0.2
EDITED = (BRIEF, SOURCES, TIMELINE)  # the files whose unsaved text is checked
_CITATION = re.compile(r"@(?P<id>[A-Za-z0-9][\w.-]*)(?:\s+[\"“](?P<quote>[^\"”]*)[\"”])?")
_VOCABULARY_KEY = re.compile(r"vocabulary:[ \t]*[\"']?([\w-]+)")
# The quote being typed in a citation: `[@id "` or `; @id "`, and what follows the mark.
_TYPED_QUOTE = re.compile(r"(?:\[|;)\s*@(?P<id>[\w.-]+)\s+(?P<mark>[\"“])(?P<typed>[^\"”]*)$")
# What a passage completed replaces after the cursor: the rest of the quote, up to its
# closing mark or the citation's end (never into the next citation).
_QUOTE_TAIL = re.compile(r"[^\"“”\]@]*(?P<end>[\"”\]]?)")
_OPTION_VALUE = re.compile(r"\s*:(?P<key>likelihood|confidence):[ \t]*(?P<typed>[\w ]*)$")
PASSAGES_OFFERED = 30  # the passages a quote being typed is offered
_START = lsp.Position(0, 0)


class _Quotable(NamedTuple):
    """A passage a quote being typed may complete to: its text, where it stands, and its
    text folded for matching what was typed."""

    quote: str
    where: str
    folded: str

    @classmethod
    def of(cls, passage: Passage) -> _Quotable:
        page = f"page {passage.page}, " if passage.page else ""
        return cls(passage.quote, f"{page}line {passage.line}", fold(passage.quote).lower())


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
        self.passages: dict[tuple[str, str | None, str], list[_Quotable]] = {}  # by source
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
            kept = {_fingerprint(source) for source in sources.values()}
            self.passages = {k: v for k, v in self.passages.items() if k in kept}
        return self.read

    def sources_of(self, uri: str) -> dict[str, Source]:
        """The sources of the project a document belongs to (none outside a project)."""
        root = self.root_of(uri)
        return self.sources(root, self.unsaved(root).get(SOURCES)).sources if root else {}

    def passages_with(self, source: Source, typed: str) -> list[_Quotable]:
        """The passages of source that hold typed at a word's start, those that begin
        with it first, else in the text's order; its first passages when typed is blank.
        The passages are found once a source, not at each key typed."""
        key = _fingerprint(source)
        if key not in self.passages:
            self.passages[key] = [_Quotable.of(p) for p in passages_in_order(source)]
        passages = self.passages[key]
        needle = fold(" ".join(typed.split())).lower()
        if not needle:
            return passages[:PASSAGES_OFFERED]
        at_a_word = re.compile(rf"(?<!\w){re.escape(needle)}")
        found = sorted(
            (match.start() > 0, n)
            for n, passage in enumerate(passages)
            if (match := at_a_word.search(passage.folded))
        )
        return [passages[n] for _, n in found[:PASSAGES_OFFERED]]

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
        check_stylesheets(root, diagnostics)
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


def _fingerprint(source: Source) -> tuple[str, str | None, str]:
    """What a source's text is made from: its bytes, their encoding, the reader."""
    return source.sha256, source.entry.encoding, source.kind


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
    at = ls.workspace.position_codec.position_from_client_units(lines, position).character
    return line[:at], line, front


def _vocabulary_of(text: str) -> Vocabulary:
    """The likelihood vocabulary the brief's front matter names (ICD 203 by default)."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        for line in lines[1:]:
            if line.strip() in ("---", "..."):
                break
            if named := _VOCABULARY_KEY.match(line):
                return VOCABULARIES.get(named[1], VOCABULARIES["icd203"])
    return VOCABULARIES["icd203"]


@dataclass(frozen=True)
class _Typing:
    """Where completion was asked for: the line (from 0), its text and the cursor's index
    in it; ranges on it are given in the client's units."""

    row: int
    line: str
    at: int
    codec: PositionCodec

    def range(self, start: int, end: int | None = None) -> lsp.Range:
        """From index start on the line to end (the cursor by default)."""
        units = self.codec.client_num_units
        return lsp.Range(
            lsp.Position(self.row, units(self.line[:start])),
            lsp.Position(self.row, units(self.line[: self.at if end is None else end])),
        )


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["@", '"', " "])
)
def completion(ls: BriefServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    uri, position = params.text_document.uri, params.position
    before, line, front = _line_at(ls, uri, position)
    typing = _Typing(position.line, line, len(before), ls.workspace.position_codec)
    if quote := _TYPED_QUOTE.search(before):
        # Asked again as the word grows: the passages are filtered here, not by the editor.
        return lsp.CompletionList(is_incomplete=True, items=_passages(ls, uri, quote, typing))
    items: list[lsp.CompletionItem] = []
    if option := _OPTION_VALUE.match(before):
        text = str(ls.workspace.get_text_document(uri).source)
        items = _option_values(option, _vocabulary_of(text), typing)
    elif premise := re.match(r"\s*:depends-on:(?:.*[\s,])?([\w-]*)$", before):
        text = str(ls.workspace.get_text_document(uri).source)
        items = _premises(text, position.line + 1, premise[1])
    elif front and re.fullmatch(r"[a-z_]*", before):
        kind = lsp.CompletionItemKind.Property
        items = [
            lsp.CompletionItem(label=key, insert_text=f"{key}: ", kind=kind)
            for key in FRONT_MATTER_KEYS
            if key.startswith(before)
        ]
    elif ident := re.search(r"@([\w.-]*)$", before) or re.match(
        r"\s*:rests-on:\s*([\w.-]*)$", before
    ):
        items = _source_ids(ls, uri, ident[1])
    return lsp.CompletionList(is_incomplete=False, items=items)


def _source_ids(ls: BriefServer, uri: str, typed: str) -> list[lsp.CompletionItem]:
    return [
        lsp.CompletionItem(
            label=sid,
            kind=lsp.CompletionItemKind.Reference,
            detail=source.entry.title,
            documentation=f"{source.entry.label}, graded {source.entry.grade}",
        )
        for sid, source in ls.sources_of(uri).items()
        if sid.startswith(typed)
    ]


def _option_values(
    option: re.Match[str], vocabulary: Vocabulary, typing: _Typing
) -> list[lsp.CompletionItem]:
    """The terms a judgement's likelihood may take in the brief's own vocabulary, or the
    levels of confidence; each replaces what was typed (terms have several words)."""
    if option["key"] == "likelihood":
        offered = [
            (term, band.range, vocabulary.title) for band in vocabulary.bands for term in band.terms
        ]
    else:
        offered = [(level, "", meaning) for level, meaning in CONFIDENCE.items()]
    replaced = typing.range(option.start("typed"))
    return [
        lsp.CompletionItem(
            label=term,
            kind=lsp.CompletionItemKind.EnumMember,
            detail=detail or None,
            documentation=documentation,
            filter_text=term,
            text_edit=lsp.TextEdit(range=replaced, new_text=term),
        )
        for term, detail, documentation in offered
    ]


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


def _passages(
    ls: BriefServer, uri: str, quote: re.Match[str], typing: _Typing
) -> list[lsp.CompletionItem]:
    """The source's passages that hold the word being typed at a word's start, those it
    begins first; each completes the quote, and closes the citation if it is not."""
    source = ls.sources_of(uri).get(quote["id"])
    if source is None:
        return []
    tail = _QUOTE_TAIL.match(typing.line, typing.at)
    assert tail is not None  # it matches the empty string
    missing = {"": '"]', "]": '"', '"': "", "”": ""}[tail["end"]]
    closing = missing.replace('"', "”") if quote["mark"] == "“" else missing
    replaced = typing.range(quote.start("typed"), tail.start("end") if tail["end"] else None)
    return [
        lsp.CompletionItem(
            label=_shortened(passage.quote),
            kind=lsp.CompletionItemKind.Text,
            detail=passage.where,
            documentation=passage.quote,
            filter_text=quote["typed"],  # the editor keeps every passage offered, in order
            sort_text=f"{rank:04d}",
            text_edit=lsp.TextEdit(range=replaced, new_text=passage.quote + closing),
        )
        for rank, passage in enumerate(ls.passages_with(source, quote["typed"]))
    ]


def _shortened(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


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
    before, line, _ = _line_at(ls, uri, position)
    root = ls.root_of(uri)
    if root is None:
        return None
    for match in _CITATION.finditer(line):
        if match.start() <= len(before) <= match.end():
            source = ls.sources_of(uri).get(match["id"])
            quote = match["quote"]
            found = source and quote and FoldedText(source.text).find_all(fold(quote))
            return _Cited(root, match["id"], quote, source, found or [])
    return None


def _term_at(line: str, at: int, vocabulary: Vocabulary) -> str | None:
    """What the brief's vocabulary says of the likelihood term under the cursor."""
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
        before, line, _ = _line_at(ls, params.text_document.uri, params.position)
        text = str(ls.workspace.get_text_document(params.text_document.uri).source)
        term = _term_at(line, len(before), _vocabulary_of(text))
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
    path = cited.root / "seeds" / source.entry.file
    if source.kind != "text":  # the raw page or PDF is not what quotes are matched against
        copy = readable_copy(source)
        if copy is None:
            return lsp.Location(from_fs_path(str(path)) or "", lsp.Range(_START, _START))
        path = copy
    start, end = cited.spans[0] if cited.spans else (0, 0)
    position = functools.partial(_position, source.text, ls.workspace.position_codec)
    return lsp.Location(from_fs_path(str(path)) or "", lsp.Range(position(start), position(end)))


def _position(text: str, codec: PositionCodec, offset: int) -> lsp.Position:
    """Where offset stands in text, in the client's units: lines end at line feeds only, as
    in the LSP (a PDF's form feeds between pages are not line ends)."""
    row = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    return lsp.Position(row, codec.client_num_units(text[line_start:offset]))


def readable_copy(source: Source) -> Path | None:
    """The text of a source quotes are matched against, as a read-only file in the cache
    folder an editor can open (texts/DIGEST/NAME.txt); None if it cannot be written."""
    data = source.text.encode("utf-8", errors="replace")  # one character for one
    folder = cache_folder() / "texts" / hashlib.sha256(data).hexdigest()[:32]
    path = folder / f"{source.entry.file}.txt"
    kept, _ = read_regular(path, MAX_ENTRY_BYTES)
    if kept != data:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomically(path, data, mode=0o444, durable=False)
        except OSError:
            return None
    return path


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
