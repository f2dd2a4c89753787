"""The writer's loop in `make bench`: an edit seen in the preview page and in its PDF, and
`briefing find` over the default sources and over 5 MB."""

from __future__ import annotations

import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.synthetic import make_project

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
PDF_CURRENT = """() => document.querySelector('briefing-preview')
    ?.shadowRoot.querySelector('.pdf').dataset.state === 'current'"""


def line(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:44} {seconds:8.3f} s {'':12} {note}")


def default_project(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(REPO / "brief.md", folder / "brief.md")
    for name in ("seeds", "figures", "editions"):  # the brief names editions/1.0 as previous
        shutil.copytree(REPO / name, folder / name)
    return folder


def preview(work: Path, rounds: int, cold_build: float) -> None:
    """Edit the title of the default brief; time until the open page has reloaded with it,
    and until the page says the PDF is current again."""
    from playwright.sync_api import sync_playwright

    project = default_project(work / "preview")
    brief = project / "brief.md"
    original = brief.read_text(encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "briefing", "preview", str(project), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    url = re.search(r"http://\S+/", server.stdout.readline())
    assert url, "the preview did not start"
    page_times, pdf_times = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url[0])
            page.wait_for_function(PDF_CURRENT, timeout=120_000)
            for n in range(rounds):
                title = f"Moscow and Damascus, edit {n}"
                with page.expect_event("load", timeout=30_000):
                    start = time.perf_counter()
                    brief.write_text(original.replace("Moscow and Damascus", title, 1), "utf-8")
                page_times.append(time.perf_counter() - start)
                assert title in page.inner_text("h1")
                page.wait_for_function(PDF_CURRENT, timeout=120_000, polling=20)
                pdf_times.append(time.perf_counter() - start)
            browser.close()
    finally:
        server.terminate()
        server.wait()
    edit, pdf = statistics.median(page_times), statistics.median(pdf_times)
    print("Preview (briefing preview on the default brief, headless Chromium)")
    line("edit -> page reloaded with it", edit, "(goal at most 0.5 s)")
    line(
        "edit -> PDF current again",
        pdf,
        f"{pdf / cold_build:.2f} x a cold build (goal at most 0.8 x)",
    )


def find(work: Path, rounds: int) -> None:
    """find in process, once the sources are read (what a language server or a second
    search pays), and the whole command."""
    from briefing.diagnostics import Diagnostics
    from briefing.project import load_project
    from briefing.search import find_passages
    from briefing.sources import ingest_sources

    big = make_project(work / "find", 50, 1, 1)
    for path in (big / "seeds").glob("*.txt"):  # about 100 KB each: 5 MB in all
        text = path.read_text(encoding="utf-8")
        path.write_text(text * (100_000 // len(text) + 1), encoding="utf-8")
    print("find (median of phrases cut from the sources, and of misspelt ones)")
    rng = random.Random(3)
    for label, root in (("default sources", REPO), ("5 MB of sources", big)):
        diagnostics = Diagnostics()
        sources = list(ingest_sources(load_project(root, diagnostics), diagnostics).values())
        size = sum(len(s.text.encode()) for s in sources) / 1e6
        phrases = [_phrase(rng, rng.choice(sources).text) for _ in range(rounds)]
        for kind, queries in (("phrase", phrases), ("misspelt", [_misspell(p) for p in phrases])):
            times = []
            for query in queries:
                start = time.perf_counter()
                found = find_passages(sources, query)
                times.append(time.perf_counter() - start)
                assert found, query
            line(
                f"{label} ({size:.1f} MB), {kind}",
                statistics.median(times),
                "(goal under 0.1 s / 0.5 s)",
            )
        command = [sys.executable, "-m", "briefing", "find", str(root), phrases[0]]
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        line(
            f"{label}: the whole command", statistics.median(times), "start-up and reading included"
        )


def _phrase(rng: random.Random, text: str) -> str:
    """Four words in a row from one sentence of text."""
    words: list[str] = []
    while len(words) < 4:
        words = rng.choice(re.split(r"(?<=[.!?])\s+", text)).split()
    start = rng.randrange(len(words) - 3)
    return " ".join(words[start : start + 4]).strip(".,;:")


def _misspell(phrase: str) -> str:
    """The phrase with its longest word's middle letters swapped."""
    word = max(phrase.split(), key=len)
    middle = len(word) // 2
    return phrase.replace(
        word, word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :], 1
    )
