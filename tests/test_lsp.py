"""`briefing lsp` end to end: a pytest-lsp client talks to the server over stdio about the
default project, as an editor would."""

from __future__ import annotations

import io
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from briefing.build import check
from briefing.diagnostics import BuildFailed
from briefing.folding import fold
from briefing.lsp_io import FramedInput
from briefing.vocabulary import VOCABULARIES

from .conftest import BRIEF, REPO, SOURCES_YAML, MakeProject
from .test_tradecraft_estimates import WITH_PREMISE

BRIEF_URI = (REPO / "brief.md").as_uri()
QUOTE = "Russia’s immediate goal is to win militarily in Syria and prop up a regional ally"


@pytest_lsp.fixture(  # type: ignore[untyped-decorator]
    config=ClientServerConfig(server_command=[sys.executable, "-m", "briefing", "lsp"])
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=REPO.as_uri()
        )
    )
    yield
    await lsp_client.shutdown_session()


def brief_text() -> str:
    return (REPO / "brief.md").read_text(encoding="utf-8")


async def open_brief(client: LanguageClient, text: str) -> Sequence[lsp.Diagnostic]:
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=BRIEF_URI, language_id="markdown", version=1, text=text)
        )
    )
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics.get(BRIEF_URI, [])


def position_of(text: str, needle: str, offset: int = 0) -> lsp.Position:
    before = text[: text.index(needle) + offset]
    return lsp.Position(line=before.count("\n"), character=len(before.split("\n")[-1]))


@pytest.mark.asyncio
async def test_the_default_brief_has_no_errors_and_a_broken_quote_is_marked_where_it_is(
    client: LanguageClient,
) -> None:
    text = brief_text()
    found = await open_brief(client, text)
    assert not [d for d in found if d.severity == lsp.DiagnosticSeverity.Error]

    broken = text.replace(QUOTE, QUOTE.replace("militarily", "politically"), 1)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=BRIEF_URI, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=broken)],
        )
    )
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    (error,) = [
        d for d in client.diagnostics[BRIEF_URI] if d.severity == lsp.DiagnosticSeverity.Error
    ]
    wrong = QUOTE.replace("militarily", "politically")
    start = position_of(broken, wrong, -1)
    assert error.range.start == start  # from the opening quote mark to the closing one
    assert error.range.end.character == start.character + len(wrong) + 2
    assert "quote not found in source 'visit-2015'" in error.message
    assert error.code == "quote-not-found"  # the quick fix reads the code, not the prose

    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=BRIEF_URI),
            range=error.range,
            context=lsp.CodeActionContext(diagnostics=[error]),
        )
    )
    assert actions
    (action,) = actions
    assert isinstance(action, lsp.CodeAction) and action.edit and action.edit.changes
    (edit,) = action.edit.changes[BRIEF_URI]
    assert "militarily" in edit.new_text


@pytest.mark.asyncio
async def test_completion_hover_and_definition_know_the_sources(client: LanguageClient) -> None:
    text = brief_text()
    await open_brief(client, text)
    at = position_of(text, "[@visit-2015", 2)
    completed = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=lsp.TextDocumentIdentifier(uri=BRIEF_URI), position=at)
    )
    assert completed is not None
    items = completed.items if isinstance(completed, lsp.CompletionList) else completed
    assert {i.label for i in items} == {
        "raia-2020", "doha-2024", "visit-2015", "damascus-2020", "syrializm-2024",
    }  # fmt: skip
    rests_on = position_of(text, ":rests-on: doha-2024", len(":rests-on: d"))
    completed = await client.text_document_completion_async(
        lsp.CompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=BRIEF_URI), position=rests_on
        )
    )
    assert isinstance(completed, lsp.CompletionList)
    assert {i.label for i in completed.items} == {"doha-2024", "damascus-2020"}

    on_citation = position_of(text, "@visit-2015", 3)
    shown = await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=BRIEF_URI), position=on_citation
        )
    )
    assert shown is not None and "Emboldened Syrian President Visits Moscow" in str(shown.contents)

    target = await client.text_document_definition_async(
        lsp.DefinitionParams(
            text_document=lsp.TextDocumentIdentifier(uri=BRIEF_URI), position=on_citation
        )
    )
    assert isinstance(target, lsp.Location)
    assert target.uri.endswith("/seeds/002_838455a500a6ffa0.txt")


# Raw protocol: the server as a subprocess spoken to in bytes, as a careless or hostile
# editor might. Every wait is bounded; a server that answers nothing fails the test.

WAIT_SECONDS = 20.0
ENDED = {"ended": True}  # what the reader queues when the server's stdout closes


def frame(body: bytes, length: int | None = None) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body


def request(msg_id: int, method: str, params: object) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}).encode()


def initialize(msg_id: int) -> bytes:
    return request(msg_id, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})


class RawServer:
    """`briefing lsp` over pipes; what it writes is read, message by message, on a thread."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefing", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stderr = bytearray()
        assert self.process.stdout and self.process.stderr
        self.threads = [
            threading.Thread(target=self.read_messages, args=(self.process.stdout,)),
            threading.Thread(target=self.read_log, args=(self.process.stderr,)),
        ]
        for thread in self.threads:
            thread.start()

    def read_messages(self, stdout: IO[bytes]) -> None:
        length = 0
        while line := stdout.readline():
            if line.startswith(b"Content-Length:"):
                length = int(line.split(b":")[1])
            elif line == b"\r\n":
                self.messages.put(json.loads(stdout.read(length)))
        self.messages.put(ENDED)

    def read_log(self, stderr: IO[bytes]) -> None:
        self.stderr.extend(stderr.read())

    def send(self, data: bytes) -> None:
        assert self.process.stdin
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def answer(self, msg_id: int | None) -> dict[str, Any]:
        """The response to msg_id (None: to a message whose id was unknown)."""
        while True:
            try:
                message = self.messages.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                raise AssertionError(f"no answer to {msg_id} within {WAIT_SECONDS} s") from None
            assert message is not ENDED, f"the server ended: {self.stderr.decode()[-2000:]}"
            if "id" in message and "method" not in message and message["id"] == msg_id:
                return message

    def close(self) -> str:
        """Ends the input; what the server logged."""
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=WAIT_SECONDS)
        for thread in self.threads:
            thread.join(timeout=WAIT_SECONDS)
        return self.stderr.decode()


@pytest.fixture
def raw() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait()


INITIALIZE = initialize(1)
MISFRAMED = {
    "too-short": frame(INITIALIZE, length=10),  # the rest of the body stands before the next
    "too-long": frame(INITIALIZE, length=len(INITIALIZE) + 500),
    "no-content-length": b"Content-Type: application/vscode-jsonrpc\r\n\r\n" + INITIALIZE,
    "not-a-number": b"Content-Length: twelve\r\n\r\n" + INITIALIZE,
    "no-header": INITIALIZE + b"\r\n\r\n",
}


@pytest.mark.parametrize("misframed", MISFRAMED.values(), ids=MISFRAMED.keys())
def test_after_a_misframed_message_the_server_answers_the_next(
    raw: RawServer, misframed: bytes
) -> None:
    raw.send(misframed + frame(initialize(2)))
    assert "capabilities" in raw.answer(2)["result"]
    raw.send(frame(request(3, "shutdown", None)))
    assert raw.answer(3)["result"] is None
    assert "a message was skipped" in raw.close()


def test_a_huge_content_length_is_refused_without_allocating_it(raw: RawServer) -> None:
    raw.send(b"Content-Length: 1000000000000\r\n\r\n" + frame(INITIALIZE))
    assert "capabilities" in raw.answer(1)["result"]
    status = Path(f"/proc/{raw.process.pid}/status").read_text()
    peak_kib = int(status.split("VmHWM:")[1].split()[0])  # the most it ever held
    assert peak_kib < 200 * 1024
    assert "Content-Length 1000000000000 is not a length" in raw.close()


def test_a_request_with_params_of_the_wrong_shape_is_answered_with_invalid_params(
    raw: RawServer,
) -> None:
    raw.send(frame(INITIALIZE) + frame(request(2, "textDocument/hover", {"foo": 1})))
    assert "capabilities" in raw.answer(1)["result"]
    error = raw.answer(2)["error"]
    assert error["code"] == -32602
    assert "$.params.textDocument" in error["message"]
    raw.send(frame(request(3, "shutdown", None)))
    assert raw.answer(3)["result"] is None


NOT_REQUESTS = {
    "not-json": (b"{not json", -32700),
    "not-utf-8": (b'{"jsonrpc": "2.0", "id": 5, "method": "\xff"}', -32700),
    "nested-too-deep": (b"[" * 100_000, -32700),
    "not-an-object": (b"[1, 2]", -32600),
}


@pytest.mark.parametrize(("body", "code"), NOT_REQUESTS.values(), ids=NOT_REQUESTS.keys())
def test_a_body_that_is_not_a_request_is_answered_with_an_error_then_the_next_is_served(
    raw: RawServer, body: bytes, code: int
) -> None:
    raw.send(frame(body) + frame(INITIALIZE))
    assert raw.answer(None)["error"]["code"] == code
    assert "capabilities" in raw.answer(1)["result"]


def test_a_request_after_shutdown_is_refused_not_ignored(raw: RawServer) -> None:
    raw.send(frame(INITIALIZE) + frame(request(2, "shutdown", None)))
    assert raw.answer(2)["result"] is None
    raw.send(frame(request(3, "shutdown", None)))
    assert raw.answer(3)["error"]["code"] == -32600


def test_framed_input_read_a_byte_at_a_time_hands_on_only_the_well_framed_bodies() -> None:
    good = [b'{"n": %d}' % n for n in range(5)]
    stream = io.BytesIO(
        frame(good[0])
        + b"\r\n"  # a stray line break between messages
        + frame(b'{"cut": "short"}', length=4)  # hands on '{"cu'; its rest is skipped
        + frame(good[1])
        + b"Content-Length: 99999999999\r\n\r\n"
        + frame(good[2])
        + frame(b'{"too": "long"}', length=80)
        + frame(good[3])
        + b"x" * 20_000  # no header ends within its limit
        + frame(good[4])
    )
    framed = FramedInput(lambda size: stream.read(1))
    read = []
    while header := framed.readline():  # as pygls reads: line by line, then the body whole
        length = int(header.split(b":")[1])
        assert framed.readline() == b"\r\n"
        read.append(framed.read(length))
    assert read == [good[0], b'{"cu', *good[1:]]


def notification(method: str, params: object) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "method": method, "params": params}).encode()


def published(raw: RawServer, *uris: str) -> dict[str, list[dict[str, Any]]]:
    """The diagnostics next published for each of uris."""
    found: dict[str, list[dict[str, Any]]] = {}
    while set(uris) - set(found):
        message = raw.messages.get(timeout=WAIT_SECONDS)
        assert message is not ENDED, raw.stderr.decode()[-2000:]
        params = message.get("params", {})
        if message.get("method") == "textDocument/publishDiagnostics":
            found.setdefault(params["uri"], list(params["diagnostics"]))
    return found


def test_special_files_in_the_project_are_errors_not_a_deaf_server(
    raw: RawServer, make_project: MakeProject
) -> None:
    """The server once read each file a diagnostic names without the checks every project
    file gets: a named pipe kept it waiting, /dev/zero filled its memory."""
    root = make_project()
    os.mkfifo(root / "seeds" / "pipe.txt")
    (root / "seeds" / "zero.txt").symlink_to("/dev/zero")
    brief = root / "brief.md"
    raw.send(frame(initialize(1)))
    raw.answer(1)
    raw.send(frame(notification("initialized", {})))
    item = {
        "uri": brief.as_uri(),
        "languageId": "markdown",
        "version": 1,
        "text": brief.read_text("utf-8"),
    }
    raw.send(frame(notification("textDocument/didOpen", {"textDocument": item})))
    expected = {
        "pipe.txt": "not a regular file (a named pipe)",
        "zero.txt": "file is a link to a place outside the project",
    }
    uris = {name: (root / "seeds" / name).as_uri() for name in expected}
    diagnostics = published(raw, *uris.values())
    for name, message in expected.items():
        (diagnostic,) = diagnostics[uris[name]]
        assert diagnostic["message"] == message
    raw.send(frame(request(2, "shutdown", None)))
    assert raw.answer(2)["result"] is None


def test_the_language_server_finds_what_check_finds(
    raw: RawServer, make_project: MakeProject
) -> None:
    """Both run the one check pipeline (briefing.checking): a check added to the build is
    in the editor too."""
    brief = (
        BRIEF.replace("cutoff: 2024-03", "cutoff: 2024-02")
        .replace('winter season"]', 'summer season"]')
        .replace(":confidence: moderate\n", ":confidence: moderate\n:rests-on: nobody\n")
    )
    root = make_project({"brief.md": brief})
    with pytest.raises(BuildFailed) as failed:
        check(root)
    expected = {
        (d.location.path, max(d.location.line, 1), d.message + (f"\n{d.hint}" if d.hint else ""))
        for d in failed.value.diagnostics
    }
    raw.send(frame(initialize(1)))
    raw.answer(1)
    item = {"uri": (root / "brief.md").as_uri(), "languageId": "markdown", "version": 1}
    raw.send(frame(notification("textDocument/didOpen", {"textDocument": {**item, "text": brief}})))
    paths = {(root / path).as_uri(): path for path, _, _ in expected}
    found = {
        (paths[uri], d["range"]["start"]["line"] + 1, d["message"])
        for uri, diagnostics in published(raw, *paths).items()
        for d in diagnostics
        if uri in paths
    }
    assert found == expected
    assert {"brief.md", "figures/timeline.yaml"} <= {path for path, _, _ in expected}
    assert len(expected) >= 4  # a quote, a rests-on, an event after the cut-off, ...
    assert any("held at moderate confidence" in message for _, _, message in expected)


@pytest.mark.asyncio
async def test_completion_offers_the_other_judgements_after_depends_on(
    client: LanguageClient, make_project: MakeProject
) -> None:
    text = WITH_PREMISE.replace(":depends-on: pay", ":depends-on: pay, ").replace(
        ":id: pay\n", ":id: pay\n:depends-on: se\n"
    )
    uri = (make_project({"brief.md": text}) / "brief.md").as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "markdown", 1, text))
    )
    offered = []
    for needle in (":depends-on: pay, ", ":depends-on: se"):
        completed = await client.text_document_completion_async(
            lsp.CompletionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                position=position_of(text, needle, len(needle)),
            )
        )
        assert isinstance(completed, lsp.CompletionList)
        offered.append([(i.label, i.detail) for i in completed.items])
    assert offered == [[("pay", "KJ2")], [("settlement", "KJ1")]]  # never its own id


def document_uri(client: LanguageClient, root: Path, text: str) -> str:
    """Open root's brief.md in the editor with text, not yet saved."""
    uri = (root / "brief.md").as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "markdown", 1, text))
    )
    return uri


async def completed_at(
    client: LanguageClient, uri: str, text: str, needle: str
) -> lsp.CompletionList:
    """What completion offers with the cursor just after needle."""
    completed = await client.text_document_completion_async(
        lsp.CompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=position_of(text, needle, len(needle)),
        )
    )
    assert isinstance(completed, lsp.CompletionList)
    return completed


def edit_of(item: lsp.CompletionItem) -> lsp.TextEdit:
    assert isinstance(item.text_edit, lsp.TextEdit)
    return item.text_edit


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("vocabulary", "saved", "foreign"),
    [
        ("icd203", "uk-yardstick", "realistic possibility"),
        ("uk-yardstick", "icd203", "roughly even chance"),
    ],
)
async def test_likelihood_completion_offers_the_briefs_own_vocabulary_only(
    client: LanguageClient, make_project: MakeProject, vocabulary: str, saved: str, foreign: str
) -> None:
    """The vocabulary is read from the editor's text, not the saved file; a term of the
    other vocabulary would be an error there."""
    root = make_project(
        {"brief.md": BRIEF.replace("product_id: T-1\n", f"product_id: T-1\nvocabulary: {saved}\n")}
    )
    text = BRIEF.replace(
        "product_id: T-1\n", f"product_id: T-1\nvocabulary: {vocabulary}\n"
    ).replace(":likelihood: likely", ":likelihood: roughly ev")
    uri = document_uri(client, root, text)
    blank = await completed_at(client, uri, text, ":likelihood: ")  # nothing typed yet
    completed = await completed_at(client, uri, text, ":likelihood: roughly ev")
    for offered in (blank, completed):
        labels = [item.label for item in offered.items]
        assert labels == VOCABULARIES[vocabulary].terms
        assert foreign not in labels
    typed = position_of(text, "roughly ev")
    for item in completed.items:  # each replaces all that was typed: a term has words
        edit = edit_of(item)
        assert edit.new_text == item.label == item.filter_text
        assert edit.range.start == typed
        assert edit.range.end.character == typed.character + len("roughly ev")
    likely = next(item for item in completed.items if item.label == "likely")
    assert likely.detail == VOCABULARIES[vocabulary].band("likely").range  # type: ignore[union-attr]


VISIT = (REPO / "seeds" / "002_838455a500a6ffa0.txt").read_text(encoding="utf-8")


@pytest.mark.asyncio
async def test_passage_completion_from_an_empty_or_a_partial_word(
    client: LanguageClient,
) -> None:
    text = brief_text() + (
        '\nA new line [@visit-2015 "\n'
        'And another [@visit-2015 "Mosc\n'
        'Ranked [@visit-2015 "Russ\n'
        'And a closed one [@raia-2020 "ok"; @visit-2015 "Mosc"].\n'
    )
    await open_brief(client, text)
    empty = await completed_at(client, BRIEF_URI, text, 'line [@visit-2015 "')
    partial = await completed_at(client, BRIEF_URI, text, 'another [@visit-2015 "Mosc')
    closed = await completed_at(client, BRIEF_URI, text, '"ok"; @visit-2015 "Mosc')
    russ = await completed_at(client, BRIEF_URI, text, 'Ranked [@visit-2015 "Russ')
    assert empty.is_incomplete and partial.is_incomplete  # asked again as the word grows

    offered = [edit_of(item).new_text for item in empty.items]
    assert offered[:3] == [
        'Emboldened Syrian President Visits Moscow"]',
        "Syrian President Bashar al-Asad made an unannounced trip to Moscow on Tuesday, "
        'visiting with Russian President Vladimir Putin."]',
        "The two leaders discussed the Kremlin’s military intervention in Syria amid their "
        'alliance’s growing momentum against rebel forces and ISIS."]',
    ]  # the source's first passages, in its order; its menu line is not one
    folded_source = fold(" ".join(VISIT.split()))
    for item in [*empty.items, *partial.items]:
        quote = edit_of(item).new_text.removesuffix('"]')
        assert fold(quote) in folded_source  # a passage that verifies as written
        assert item.filter_text == ("" if item in empty.items else "Mosc")

    quotes = [edit_of(item).new_text for item in partial.items]
    assert [quote.split(",")[0][:40] for quote in quotes] == [
        "Emboldened Syrian President Visits Mosco",
        "Syrian President Bashar al-Asad made an ",
        "The visit shows Asad’s importance",
        "Back in Syria",
        "While Russia’s immediate goal is to win ",
    ]  # each passage with a word that begins so ("Moscow"), in the source's order
    assert all(quote.endswith('"]') for quote in quotes)
    ranked = [edit_of(item).new_text for item in russ.items]
    assert ranked[0].startswith("Russian military trainers are also advising")  # begins so
    assert ranked[1].startswith("Syrian President Bashar al-Asad")  # then in order
    start = position_of(text, 'another [@visit-2015 "', len('another [@visit-2015 "'))
    assert edit_of(partial.items[0]).range == lsp.Range(
        start, lsp.Position(start.line, start.character + len("Mosc"))
    )

    # A quote already closed: the passage replaces the word, and no second '"]' is added.
    edit = edit_of(closed.items[0])
    assert edit.new_text == quotes[0].removesuffix('"]')
    line = text.splitlines()[edit.range.start.line]
    assert line[edit.range.end.character :] == '"].'


PARAGRAPHS = [
    "The harbour authority said on Monday that talks with the dockworkers' union would resume "
    "next week.",
    "Negotiators said the two sides remained far apart on pay after three weeks of strikes.",
    "The regional council has offered to mediate if the talks break down again this month.",
]
PAGE = (
    "<!DOCTYPE html><html><head><title>Talks resume in Port Ellis</title>\n"
    "<style>p { color: #333 }</style>\n<script>var tracking = 1;</script></head><body>\n"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>\n"
    "<h1>Talks resume in Port Ellis</h1>"
    + "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    + "</article><footer>© Port Ellis Gazette</footer></body></html>"
)
QUOTED = "the two sides remained far apart on pay"


def report_pdf() -> bytes:
    from .test_document_titles import pdf_of

    return pdf_of(
        "<h1>Talks resume in Port Ellis</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    )


def offset_of(text: str, position: lsp.Position) -> int:
    """Where position stands in text (lines end at line feeds; characters in UTF-16, as
    the client was told, which are characters in this ASCII text)."""
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: position.line]) + position.character


@pytest.mark.asyncio
@pytest.mark.parametrize("name", ["page.html", "report.pdf"])
async def test_definition_opens_the_text_quotes_are_matched_against_at_the_passage(
    client: LanguageClient, make_project: MakeProject, private_cache: Path, name: str
) -> None:
    """Not the raw HTML or PDF: the text the reader made of it, in a file the tool keeps in
    its cache folder (never in the project), from the quote's start to its end."""
    data = PAGE.encode() if name == "page.html" else report_pdf()
    text = BRIEF.replace("The parties remain apart", f'Talks [@page "{QUOTED}"; @page].\nThe')
    root = make_project({
        "brief.md": text, "seeds/sources.yaml": SOURCES_YAML + f"  page:\n    file: {name}\n"
        "    title: Talks resume\n",
    })  # fmt: skip
    (root / "seeds" / name).write_bytes(data)
    uri = document_uri(client, root, text)
    targets = []
    for needle in (f'@page "{QUOTED}"', "; @page]"):
        target = await client.text_document_definition_async(
            lsp.DefinitionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                position=position_of(text, needle, 3),
            )
        )
        assert isinstance(target, lsp.Location)
        targets.append(target)
    quoted, whole = targets
    path = Path(quoted.uri.removeprefix("file://"))
    assert path.is_relative_to(private_cache) and path.name == f"{name}.txt"
    copy = path.read_text(encoding="utf-8")
    at_range = copy[offset_of(copy, quoted.range.start) : offset_of(copy, quoted.range.end)]
    assert " ".join(at_range.split()) == QUOTED
    assert whole.uri == quoted.uri and whole.range == lsp.Range(
        lsp.Position(0, 0), lsp.Position(0, 0)
    )
    assert not list(root.rglob(f"{name}.txt"))  # nothing written in the project


@pytest.mark.asyncio
async def test_the_warnings_of_tradecraft_rules_and_of_repeated_sources_are_published(
    client: LanguageClient, make_project: MakeProject
) -> None:
    """As check gives them: a judgement on one source held at moderate confidence, and
    a source that repeats another word for word."""
    from .test_repeats import WIRE, register
    from .test_tradecraft import ONE_SOURCE

    root = make_project({
        "brief.md": ONE_SOURCE,
        "seeds/wire.txt": "\n".join(WIRE) + "\n",
        "seeds/copy.txt": "Printed 12/03/2024\n" + "\n".join(WIRE) + "\n",
        "seeds/sources.yaml": SOURCES_YAML + register("wire.txt", "wire")
        + register("copy.txt", "copy"),
    })  # fmt: skip
    expected = {
        (
            d.location.path,
            d.location.line,
            d.code or None,
            d.message + (f"\n{d.hint}" if d.hint else ""),
        )
        for d in check(root).diagnostics
    }
    register_uri = (root / "seeds" / "sources.yaml").as_uri()
    document_uri(client, root, ONE_SOURCE)
    while register_uri not in client.diagnostics:  # all are published at once
        await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    published = {
        (str(Path(uri.removeprefix("file://")).relative_to(root)), d.range.start.line + 1,
         d.code, d.message)
        for uri, diagnostics in client.diagnostics.items()
        for d in diagnostics
        if d.severity == lsp.DiagnosticSeverity.Warning
    }  # fmt: skip
    assert published == expected
    assert {
        ("brief.md", 17, "single-source"),
        ("seeds/sources.yaml", 28, "repeated-source"),
    } <= {(path, line, code) for path, line, code, _ in published}


SECOND = (
    "Their intervention has enhanced their regional dominance to the detriment of U.S. interests"
)


def applied(text: str, edit: lsp.TextEdit) -> str:
    lines = text.split("\n")

    def offset(at: lsp.Position) -> int:
        return sum(len(line) + 1 for line in lines[: at.line]) + at.character

    return text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]


@pytest.mark.asyncio
async def test_the_language_server_offers_the_paired_marks_as_a_quick_fix(
    client: LanguageClient,
) -> None:
    text = (REPO / "brief.md").read_text(encoding="utf-8")
    written = f'"{QUOTE}"; @visit-2015 "{SECOND}"]'
    assert written in text
    broken = text.replace(written, f'"{QUOTE}";\n  @visit-2015 \u201c{SECOND}"]', 1)
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=BRIEF_URI, language_id="markdown", version=1, text=broken)
        )
    )
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    (error,) = [
        d for d in client.diagnostics[BRIEF_URI] if d.severity == lsp.DiagnosticSeverity.Error
    ]
    assert error.code == "quote-marks"
    assert error.message.startswith('the quote opens with \u201c and closes with "')
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=BRIEF_URI),
            range=error.range,
            context=lsp.CodeActionContext(diagnostics=[error]),
        )
    )
    (action,) = actions or []
    assert isinstance(action, lsp.CodeAction) and action.edit and action.edit.changes
    assert action.title == "Pair the quote marks"
    (edit,) = action.edit.changes[BRIEF_URI]
    assert applied(broken, edit) == broken.replace(f'{SECOND}"]', f"{SECOND}\u201d]", 1)


# --- Item 5: the paper in any case -------------------------------------------------------
