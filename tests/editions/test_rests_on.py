"""`:rests-on:` and the source summary that says what it counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from briefing.lsp import BriefServer

from .conftest import ARGUMENTS, CHANGE, MOVED, SETTLE, Element, copy, edit, line_of, ok


def test_the_summary_names_judgements_on_one_source_and_what_they_rest_on(
    data: dict[str, Any], page: Element
) -> None:
    summary = data["source_summary"]
    assert "Key judgements citing only one source: KJ1, KJ2, KJ4." in summary
    assert (
        "Key judgements whose central claim rests on one source, as their arguments say: "
        "KJ1 (S1)." in summary
    )
    text = page.find("body").text
    assert "Key judgements citing only one source: KJ1, KJ2, KJ4." in text
    assert "rests on one source, as their arguments say: KJ1 (S1)." in text


def test_every_judgement_citing_two_sources_and_none_resting_on_one(
    second: Path, tmp_path: Path
) -> None:
    root, out = copy(second, tmp_path), tmp_path / "out"
    text = (root / "brief.md").read_text(encoding="utf-8").replace(":rests-on: gazette-2024\n", "")
    both = ' [@council-2024 "Container traffic remains halted"].'
    for ident in ("settlement", "mediation", "pay"):
        text = text.replace(ARGUMENTS[ident], ARGUMENTS[ident][:-2] + "]" + both)
    (root / "brief.md").write_text(text, encoding="utf-8")
    ok("build", root, "-o", out, "--format", "json")
    summary = json.loads((out / "brief.json").read_text("utf-8"))["source_summary"]
    assert "Every key judgement cites at least two sources." in summary
    assert not [s for s in summary if "rests on one source" in s or "only one source" in s]


def test_the_language_server_checks_rests_on_and_the_previous_edition(
    second: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `briefing lsp` publishes for brief.md: the build's checks of `:rests-on:` and of
    the changes since the previous edition."""
    root = copy(second, tmp_path)
    edit(root / "brief.md", ":rests-on: gazette-2024", ":rests-on: gazete-2024")
    edit(root / "brief.md", f":change: {CHANGE}\n", "")
    server = BriefServer()
    monkeypatch.setattr(server, "unsaved", lambda root: {})  # no editor: the files as saved
    found, _ = server.check(root)
    line = line_of((root / "brief.md").read_text("utf-8"), f"{{judgement}} {SETTLE}")
    assert [str(d) for d in found if d.severity == "error"] == [
        f"brief.md:{line}:1: error: KJ1 rests on 'gazete-2024', which is not in "
        "seeds/sources.yaml\n    did you mean 'gazette-2024'?",
        f"brief.md:{line}:1: {MOVED}\n    add a line ':change: the new evidence or reasoning' "
        "below ':confidence:'",
    ]
