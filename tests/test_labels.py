"""Passage labels (S3.4) as a reader of the printed brief follows them: from a citation in
the body to the same label beside the quoted words in the appendix."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from briefing.build import build
from briefing.markdown import CiteTarget, FragmentRenderer
from briefing.options import Options

from .conftest import REPO, MakeProject, copy_default_project, pages_text

LABEL = re.compile(r"\bS\d+\.\d+\b")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """The default brief's PDF as text, and its brief.json."""
    out = tmp_path_factory.mktemp("labels")
    build(REPO, Options(outdir=out, formats=("pdf", "json")))
    text = "\f".join(pages_text(out / "brief.pdf"))
    text = " ".join(re.sub(r"\u2010\s*\n\s*", "", text).split())  # hyphenated words joined
    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    return text, data


def test_every_label_in_the_body_stands_in_the_appendix_beside_its_quoted_words(
    printed: tuple[str, dict[str, Any]],
) -> None:
    text, data = printed
    body, appendix = text.split("Annotated sources Source summary", 1)
    labels = {c["label"]: c["quote"] for c in data["citations"] if "." in c["label"]}
    assert len(labels) > 50
    shown = set(LABEL.findall(body)) | {
        f"{group[0]}.{number}"
        for group in re.findall(r"(S\d+)\.\d+((?:, \d+\.\d+)+)", body)
        for number in re.findall(r"\d+\.(\d+)", group[1])
    }
    assert shown and shown <= set(labels), shown - set(labels)
    for label, quote in labels.items():
        assert f"{label} {' '.join(quote.split()[:3])}" in appendix, label


def test_no_source_is_named_twice_in_a_row_and_passages_of_one_source_share_its_label(
    printed: tuple[str, dict[str, Any]],
) -> None:
    text, _ = printed
    assert not re.search(r"\b(S\d+)(?:\.\d+)?, \1\b", text)
    assert re.search(r"\[S\d+\.\d+, \d+\.\d+", text)  # "S3.2, 3.4" in the brief


def test_a_citation_of_a_whole_source_keeps_the_source_label(make_project: MakeProject) -> None:
    data = json.loads(_json(make_project()))
    whole = [c for c in data["citations"] if c["quote"] is None]
    assert whole and all(re.fullmatch(r"S\d+", c["label"]) for c in whole)
    quoted = [c for c in data["citations"] if c["quote"] is not None]
    assert all(re.fullmatch(r"S\d+\.\d+", c["label"]) for c in quoted)


def test_labels_are_numbered_by_place_in_the_source_and_survive_unrelated_edits(
    tmp_path: Path,
) -> None:
    root = copy_default_project(tmp_path / "brief")

    def labels() -> dict[str, str]:
        data = json.loads(_json(root))
        return {f"{c['source']}:{c['quote']}": c["label"] for c in data["citations"]}

    before = labels()
    brief = root / "brief.md"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("## Key judgements", "## Key judgements\n\nNew prose.", 1))
    assert labels() == before
    by_source: dict[str, list[tuple[int, str]]] = {}
    for citation in json.loads(_json(root))["citations"]:
        if citation["quote"]:
            by_source.setdefault(citation["source"], []).append(
                (citation["span"][0], citation["label"])
            )
    for cited in by_source.values():
        numbers = [int(label.split(".")[1]) for _, label in sorted(cited)]
        assert numbers == sorted(numbers)  # in the order of the source's text


def _json(root: Path) -> str:
    build(root, Options(formats=("json",)))
    return (root / "dist" / "brief.json").read_text(encoding="utf-8")


def test_a_group_reads_source_then_numbers_and_keeps_every_anchor() -> None:
    def target(label: str) -> CiteTarget:
        return CiteTarget(label, label.split(".")[0], "#x", "quoted words here", "Title")

    renderer = FragmentRenderer(
        {0: target("S3.2"), 1: target("S3.4"), 2: target("S5"), 3: target("S3.2"), 4: target("S5")},
    )
    group = renderer.cite_group([0, 1, 2, 3, 4])
    shown = re.sub(r'<span class="cite-quote".*?</span>', "", group)
    assert re.sub(r"<[^>]+>", "", shown) == "[S3.2, 3.4, S5]"
    assert all(f'id="c{i}"' in group for i in range(5))
