"""Shared fixtures: small brief projects written into a temporary folder."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main

REPO = Path(__file__).resolve().parent.parent


def pages_text(pdf: Path) -> list[str]:
    """Each page of a PDF as pdftotext -layout reads it."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def hyphenated_line_ends(pdf: Path) -> list[tuple[str, str]]:
    """The words broken with a hyphen at a line's end, as ('Kh', 'meimim')."""
    text = "\n".join(pages_text(pdf))
    return re.findall(r"(\w+)[-\u2010\u00ad]\n\s*(\w+)", text)  # WeasyPrint sets U+2010


def run(*args: str | Path) -> tuple[int, str]:
    """`briefing ARGS` in this process: the exit status and everything printed. Never a
    traceback or an exception that escapes click."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.output


def copy_default_project(folder: Path) -> Path:
    """A copy of the default project's inputs: brief.md, seeds/, figures/ and editions/
    (its brief names edition 1.0 as the previous one)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "brief.md", folder / "brief.md")
    for name in ("seeds", "figures", "editions"):
        shutil.copytree(REPO / name, folder / name)
    return folder


def declared_language() -> str:
    """The language the default brief's front matter declares."""
    found = re.search(r"^language: (\S+)$", (REPO / "brief.md").read_text("utf-8"), re.M)
    assert found
    return found[1]


SOURCE_TEXT = """\
Harbour talks resume in Port Ellis

The harbour authority said on Monday that talks with the dockworkers’ union would resume
next week. “We expect a settlement before the winter season,” the chair said.

The union has asked for a 4% rise — the authority has offered 2%.
"""

OTHER_TEXT = """\
A second report

Inspectors found the northern crane unsafe and closed it for three weeks.
"""

SOURCES_YAML = """\
sources:
  harbour:
    file: harbour.txt
    title: Harbour talks resume in Port Ellis
    outlet: Port Ellis Gazette
    author: A. Reporter
    published: "2024-03"
    type: news
    reliability: B
    reliability_reason: established local paper
    credibility: 2
    credibility_reason: consistent with the union's statement
    descriptor: A short news report.
  cranes:
    file: cranes.txt
    title: A second report
    outlet: not stated
    author: not stated
    published: "2024"
    date_basis: mentions the March talks
    type: news
    reliability: F
    credibility: 3
"""

BRIEF = """\
---
title: Port Ellis
subtitle: The harbour dispute
marking: Unclassified
cutoff: 2024-03
issued: 2024-04-01
author: Test desk
product_id: T-1
---

:::{bottom-line}
A settlement is likely before winter [@harbour].
:::

## Key judgements

:::{judgement} A settlement will probably be reached before the winter season.
:id: settlement
:likelihood: likely
:confidence: moderate

The authority expects one [@harbour "We expect a settlement before the winter season"].
The parties remain apart on pay [@harbour "the authority has offered 2%"; @cranes].
:::

## Motives

:::{motives} The union
- **Pay.** It asks for more [@harbour "The union has asked for a 4% rise"].
:::

## Timeline

:::{timeline} Events in Port Ellis.
:::
"""

TIMELINE_YAML = """\
events:
  - date: "2024-03"
    title: Talks announced
    actors: [Authority]
    cite:
      - source: harbour
        quote: "talks with the dockworkers' union would resume"
  - date: "2024"
    title: Crane closed
    actors: [Inspectors]
    cite: [cranes]
"""


MakeProject = Callable[..., Path]


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Extracted source texts are cached in a folder of the test's own, never ~/.cache
    (beside tmp_path, not in it, so tests that list tmp_path do not see it)."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("BRIEFING_CACHE", str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_shared_layouts(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's own layout folders (BRIEFING_LAYOUTS, ~/.config/briefing/layouts) play no
    part in a test unless it names them."""
    monkeypatch.delenv("BRIEFING_LAYOUTS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Extracted texts cached in a folder of the module's, for its module-scoped fixtures,
    as private_cache does for a test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIEFING_CACHE", str(tmp_path_factory.mktemp("module-cache")))
        yield


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Write a small valid project; `changes` replaces files, or removes them when None."""

    def make(changes: dict[str, str | None] | None = None) -> Path:
        root = Path(tempfile.mkdtemp(prefix="project-", dir=tmp_path))
        contents: dict[str, str | None] = {
            "brief.md": BRIEF,
            "seeds/sources.yaml": SOURCES_YAML,
            "seeds/harbour.txt": SOURCE_TEXT,
            "seeds/cranes.txt": OTHER_TEXT,
            "figures/timeline.yaml": TIMELINE_YAML,
        }
        contents.update(changes or {})
        for name, text in contents.items():
            if text is not None:
                path = root / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make
