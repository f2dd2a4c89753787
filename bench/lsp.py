"""The language server in `make bench`: from a change in the editor to its diagnostics, on
the default brief and on a brief ten times its size (the debounce, 0.2 s, included)."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

from bench.loop import default_project, line
from bench.synthetic import make_project


async def _latency(root: Path, rounds: int) -> float:
    from lsprotocol import types as lsp
    from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

    config = ClientServerConfig(server_command=[sys.executable, "-m", "briefing", "lsp"])
    client = await config.start()
    assert isinstance(client, LanguageClient)
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri()
        )
    )
    uri, text = (root / "brief.md").as_uri(), (root / "brief.md").read_text(encoding="utf-8")
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "markdown", 1, text))
    )
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    times = []
    for n in range(rounds):
        # Each edit cites a source of its own that does not exist: its diagnostics are known
        # by that, and not taken for those of the change before (a brief's check publishes
        # for every file it finds problems in).
        marker = f"unknown source 'edit-{n}'"
        edited = text.replace("\n\n", f"\n\nEdit {n} [@edit-{n}].\n\n", 1)
        start = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(version=n + 2, uri=uri),
                [lsp.TextDocumentContentChangeWholeDocument(edited)],
            )
        )
        while not any(marker in d.message for d in client.diagnostics.get(uri, [])):
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        times.append(time.perf_counter() - start)
    await client.shutdown_session()
    return statistics.median(times)


def language_server(work: Path, rounds: int) -> None:
    print("Language server (briefing lsp): a change to its diagnostics, debounce of 0.2 s included")
    default = default_project(work / "lsp-default")
    line("default brief", asyncio.run(_latency(default, rounds)), "(goal at most 0.3 s)")
    tenfold = make_project(work / "lsp-10x", 50, 70, 250)
    line("10x brief (50 sources, 70 judgements)", asyncio.run(_latency(tenfold, rounds)))
