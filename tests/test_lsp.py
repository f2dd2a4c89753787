"""`briefing lsp` end to end: a pytest-lsp client talks to the server over stdio about the
default project, as an editor would."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Sequence

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from .conftest import REPO

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
