"""`make bench`: timings and peak memory of briefing, printed as medians and ratios.

Every command runs as its own process, so imports count, and the compared commands
alternate so that a slow moment of the machine hurts both alike. Set BENCH_ROUNDS to
change the number of rounds (default 5) and BENCH_SCALES for the growth runs (default
"1 10"; add 100 for the largest, which takes many minutes).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.eval_printouts import printouts
from bench.loop import find, preview
from bench.lsp import language_server
from bench.synthetic import make_project, quote_from

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "1 10").split()]


def run(command: list[str], cwd: Path = REPO, said: list[str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of one command; what it printed on
    stderr is appended to said, if given."""
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    with tempfile.TemporaryFile() as errors:  # WeasyPrint's CSS warnings, shown on failure
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                   stderr=errors)  # fmt: skip
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        errors.seek(0)
        if status:
            raise SystemExit(f"failed: {' '.join(command)}\n{errors.read().decode()}")
        if said is not None:
            said.append(errors.read().decode())
    return elapsed, usage.ru_maxrss / 1024


def median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def line(label: str, seconds: float, mib: float, note: str = "") -> None:
    print(f"  {label:44} {seconds:8.3f} s {mib:8.0f} MiB  {note}")


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[1])


def main() -> None:
    briefing = [str(BIN / "briefing")]
    work = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    os.environ["BRIEFING_CACHE"] = str(work / "cache")  # every figure from an empty cache
    try:
        print(
            f"briefing benchmark: {ROUNDS} rounds, medians; peak memory is the largest process seen"
        )
        page, page_css = typeset_alone(work)
        ours, pandoc, alone = [], [], []
        timings: list[str] = []
        for n in range(ROUNDS):
            ours.append(run([*briefing, "build", ".", "--timings", "-o", str(work / f"cold-{n}")],
                            said=timings))  # fmt: skip
            pandoc.append(run(["pandoc", "brief.md", "-o", str(work / f"pandoc-{n}.pdf"),
                               "--pdf-engine=weasyprint"]))  # fmt: skip
            alone.append(run([str(BIN / "weasyprint"), str(page), str(work / f"alone-{n}.pdf"),
                              "-s", str(page_css), "-u", f"{REPO}/"]))  # fmt: skip
        cold, pan, floor = median(ours), median(pandoc), median(alone)
        print("Default project")
        line(
            "cold build (PDF, HTML, JSON, figure drawn)",
            *cold,
            f"{pages(work / 'cold-0' / 'brief.pdf')} pages",
        )
        line(
            "pandoc brief.md --pdf-engine=weasyprint", *pan, f"{pages(work / 'pandoc-0.pdf')} pages"
        )
        print(
            f"  {'ratio, cold build / pandoc':44} {cold[0] / pan[0]:8.2f} x   (a reference: pandoc's PDF has half the text)"
        )
        line(
            "weasyprint alone on briefing's HTML and CSS",
            *floor,
            f"{pages(work / 'alone-0.pdf')} pages: the typesetting in the cold build",
        )
        print(
            f"  {'ratio, cold build / weasyprint alone':44} {cold[0] / floor[0]:8.2f} x   (goal at most 1.10 x)"
        )
        stages(timings)
        annex_modes(work, briefing)
        run([*briefing, "build", ".", "-o", str(work / "warm")])
        line(
            "rebuild, nothing changed",
            *median(
                [run([*briefing, "build", ".", "-o", str(work / "warm")]) for _ in range(ROUNDS)]
            ),
            "(target under 0.15 s)",
        )
        line(
            "HTML and JSON only",
            *median(
                [
                    run(
                        [
                            *briefing,
                            "build",
                            ".",
                            "--force",
                            "--format",
                            "html",
                            "--format",
                            "json",
                            "-o",
                            str(work / "html"),
                        ]
                    )
                    for _ in range(ROUNDS)
                ]
            ),
        )
        line("check", *median([run([*briefing, "check", "."]) for _ in range(ROUNDS)]))
        copies(work, briefing)
        preview(work, ROUNDS, cold[0])
        language_server(work, ROUNDS)

        print("Growth (synthetic projects; 1x is the default brief's size)")
        base = None
        for scale in SCALES:
            project = make_project(work / f"x{scale}", 5 * scale, 7 * scale, 25 * scale)
            seconds, mib = run([*briefing, "build", str(project)])
            count = pages(project / "dist" / "brief.pdf")
            base = base or (seconds / count, mib / count)
            line(f"{scale}x: {5 * scale} sources, {7 * scale} judgements, {25 * scale} events", seconds, mib,
                 f"{count} pages, {seconds / count:.3f} s/page, {mib / count:.1f} MiB/page")  # fmt: skip
        verify(work)
        find(work, ROUNDS)
        repeat_finder(work)
        sources(work, briefing)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def annex_modes(work: Path, briefing: list[str]) -> None:
    """The cold build (an empty cache each time: the figure drawn) with the annex appended
    to brief.pdf and with it separate, in brief-annex.pdf, typeset by a second process."""
    samples: dict[str, list[tuple[float, float]]] = {"appended": [], "separate": []}
    kept = os.environ["BRIEFING_CACHE"]
    try:
        for n in range(ROUNDS):
            for mode, taken in samples.items():
                os.environ["BRIEFING_CACHE"] = str(work / f"cache-{mode}-{n}")
                out = work / f"annex-{mode}-{n}"
                taken.append(run([*briefing, "build", ".", "--annex", mode, "-o", str(out)]))
    finally:
        os.environ["BRIEFING_CACHE"] = kept
    appended, separate = median(samples["appended"]), median(samples["separate"])
    body, annex = (
        work / "annex-separate-0" / "brief.pdf",
        work / "annex-separate-0" / "brief-annex.pdf",
    )
    line("cold build, annex: appended (empty cache)", *appended,
         f"{pages(work / 'annex-appended-0' / 'brief.pdf')} pages")  # fmt: skip
    line("cold build, annex: separate (empty cache)", *separate,
         f"{pages(body)} + {pages(annex)} pages, {separate[0] / appended[0]:.2f} x appended")  # fmt: skip


def copies(work: Path, briefing: list[str]) -> None:
    """12 numbered copies, stamped on the typeset brief, against the brief alone."""
    pdf = [*briefing, "build", ".", "--force", "--format", "pdf"]
    single, twelve = [], []
    for _ in range(ROUNDS):
        single.append(run([*pdf, "-o", str(work / "single")]))
        twelve.append(run([*pdf, "--copies", "12", "-o", str(work / "twelve")]))
    alone, stamped = median(single), median(twelve)
    line("PDF only", *alone)
    line("PDF and 12 numbered copies", *stamped,
         f"{stamped[0] / alone[0]:.2f} x the PDF alone (goal under 2 x)")  # fmt: skip


def stages(printed: list[str]) -> None:
    """The median of each stage in the cold builds' `--timings` tables."""
    times: dict[str, list[float]] = {}
    for table in printed:
        for stage, seconds in re.findall(r"^(\S.*?)\s+(\d+\.\d+) s$", table, re.MULTILINE):
            times.setdefault(stage, []).append(float(seconds))
    print("  stages of the cold build (--timings):")
    for stage, samples in times.items():
        print(f"    {stage:42} {statistics.median(samples):8.3f} s")


def sources(work: Path, briefing: list[str]) -> None:
    """Extraction per MB for each kind of file (cold cache), and a project of 20 PDF and
    HTML sources checked and rebuilt with nothing changed (nothing extracted again)."""
    corpus = REPO.parent / "shared" / "corpus"
    if not corpus.is_dir():
        print("Sources: no corpus beside the repository (../shared/corpus); skipped")
        return
    cache = work / "cache-sources"
    os.environ["BRIEFING_CACHE"] = str(cache)
    print("Sources (the corpus in ../shared; extraction cache empty at first)")
    pages = taken(sorted(corpus.glob("web-pages/*/source.html")), work, briefing)
    pdfs = [p for p in sorted(corpus.glob("pdf/*.pdf")) if "password" not in p.name]
    printed = taken(list(printouts([p.parent for p in pages]).values()), work, briefing)
    for kind, files in (("web pages", pages), ("browser printouts", printed), ("PDFs", pdfs)):
        project = work / f"kind-{kind[:3]}"
        run([*briefing, "new", str(project)])
        seconds, mib = run([*briefing, "add-source", "--keep-repeat", "-p", str(project),
                            *map(str, files)])  # fmt: skip
        size = sum(f.stat().st_size for f in files) / 1e6
        line(f"add-source, {len(files)} {kind} ({size:.1f} MB)", seconds, mib,
             f"{seconds / size:.2f} s per MB, imports included")  # fmt: skip
    shutil.rmtree(cache)
    project = work / "twenty"
    run([*briefing, "new", str(project)])
    run([*briefing, "add-source", "--keep-repeat", "-p", str(project),
         *map(str, [*pdfs, *pages[: 20 - len(pdfs)]])])  # fmt: skip
    shutil.rmtree(cache)
    line("check, 20 sources, nothing cached", *run([*briefing, "check", str(project)]))
    line("check again, extraction cached",
         *median([run([*briefing, "check", str(project)]) for _ in range(ROUNDS)]))  # fmt: skip
    run([*briefing, "build", str(project), "--format", "html"])
    line("build again, nothing changed",
         *median([run([*briefing, "build", str(project), "--format", "html"]) for _ in range(ROUNDS)]))  # fmt: skip


# `briefing` with the repeat finder taken out, to measure what it adds to a check.
WITHOUT_REPEATS = ("import sys, briefing.checking as c; c.check_repeats = lambda s, d: (); "
                   "from briefing.cli import main; sys.argv[0] = 'briefing'; main()")  # fmt: skip


def repeat_finder(work: Path) -> None:
    """`check` of 200 sources of 50 pages each (30 MB), with and without the repeat finder:
    first with nothing cached (each from an empty cache folder of its own), then with the
    project unchanged (the goal: the finder adds at most 1 s)."""
    project = many_pages(work / "two-hundred", 200, 50)
    size = sum(p.stat().st_size for p in (project / "seeds").glob("*.txt")) / 1e6
    commands = {
        "without the repeat finder": [sys.executable, "-c", WITHOUT_REPEATS, "check", str(project)],
        "with it": [str(BIN / "briefing"), "check", str(project)],
    }
    caches = {label: work / f"cache-repeats-{n}" for n, label in enumerate(commands)}
    print(f"Sources that repeat each other: check of 200 sources of 50 pages ({size:.0f} MB)")
    for label, command in commands.items():
        os.environ["BRIEFING_CACHE"] = str(caches[label])
        line(f"first check, nothing cached, {label}", *run(command))
    again: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
    for _ in range(ROUNDS):
        for label, command in commands.items():
            os.environ["BRIEFING_CACHE"] = str(caches[label])
            again[label].append(run(command))
    (alone, alone_mib), (found, found_mib) = (median(again[label]) for label in commands)
    line("check again, unchanged, without the finder", alone, alone_mib)
    line("check again, unchanged, with it", found, found_mib,
         f"adds {found - alone:.3f} s (goal at most 1 s)")  # fmt: skip
    os.environ["BRIEFING_CACHE"] = str(work / "cache")


def many_pages(root: Path, count: int, pages: int) -> Path:
    """The synthetic project with count - 2 more sources of pages of about 3,000
    characters, of sentences from a vocabulary large enough that different sources rarely
    share one; the second of them is the first one's printout, the third quotes from it."""
    rng = random.Random(25)
    project = make_project(root, 2, 3, 3)
    vocabulary = ["".join(rng.choices("abcdefghijklmnoprstuvwy", k=rng.randint(2, 9)))
                  for _ in range(5000)]  # fmt: skip

    def paragraph() -> str:
        return " ".join(
            " ".join(rng.choices(vocabulary, k=rng.randint(8, 20))).capitalize() + "."
            for _ in range(6)
        )

    texts = ["\n\n".join(paragraph() for _ in range(pages * 5)) for _ in range(count - 2)]
    texts[1] = "12/03/2024, 09:14    Report 2\n" + texts[0]
    texts[2] += "\n\n" + texts[0][:20_000]
    register = [(project / "seeds" / "sources.yaml").read_text(encoding="utf-8").rstrip()]
    for n, text in enumerate(texts, start=2):
        sid = f"pages-{n:04d}"
        (project / "seeds" / f"{sid}.txt").write_text(text + "\n", encoding="utf-8")
        register += [f"  {sid}:", f"    file: {sid}.txt", f"    title: Report {n}",
                     "    published: '2020'", "    type: news", "    outlet: Synthetic",
                     "    author: Bench", "    reliability: C", "    credibility: 3"]  # fmt: skip
    (project / "seeds" / "sources.yaml").write_text("\n".join(register) + "\n", encoding="utf-8")
    return project


def taken(files: list[Path], work: Path, briefing: list[str]) -> list[Path]:
    """The files add-source takes: a saved page without article text (a section front) or
    a printout of nothing but menus is refused, and left out of the figures."""
    probe = Path(tempfile.mkdtemp(dir=work)) / "probe"
    cache = probe.parent / "cache"
    run([*briefing, "new", str(probe)])
    result = subprocess.run([*briefing, "add-source", "--keep-repeat", "-p", str(probe),
                             *map(str, files)],
                            env={**os.environ, "BRIEFING_CACHE": str(cache)},
                            capture_output=True, text=True)  # fmt: skip
    refused = {
        line.split(": error: ")[0] for line in result.stderr.splitlines() if ": error: " in line
    }
    shutil.rmtree(cache, ignore_errors=True)
    if refused:
        print(f"  ({len(refused)} of {len(files)} files refused: no article text in them)")
    return [f for f in files if str(f) not in refused]


def typeset_alone(work: Path) -> tuple[Path, Path]:
    """The default brief's HTML and paged-media CSS, as the cold build hands them to
    WeasyPrint, written out for the `weasyprint` command."""
    from briefing.build import build
    from briefing.diagnostics import Diagnostics
    from briefing.html import render_html
    from briefing.options import Options

    brief = build(REPO, Options(outdir=work / "alone", formats=("html",))).brief
    rendered = render_html(brief, REPO, Diagnostics())
    assert rendered is not None
    (work / "alone.html").write_text(rendered.html, encoding="utf-8")
    (work / "alone.css").write_text(rendered.pdf_css, encoding="utf-8")
    return work / "alone.html", work / "alone.css"


def verify(work: Path) -> None:
    """1,000 quotes against 5 MB of sources, in process: ingestion and verification."""
    from briefing.diagnostics import Diagnostics, Location
    from briefing.evidence import verify_citations
    from briefing.model import CitationRef
    from briefing.project import load_project
    from briefing.sources import ingest_sources

    root = make_project(work / "verify", 50, 1, 1)
    for path in (root / "seeds").glob("*.txt"):  # about 100 KB each: 5 MB in all
        text = path.read_text(encoding="utf-8")
        path.write_text(text * (100_000 // len(text) + 1), encoding="utf-8")
    rng = random.Random(7)
    diagnostics = Diagnostics()
    start = time.perf_counter()
    sources = ingest_sources(load_project(root, diagnostics), diagnostics)
    ingested = time.perf_counter()
    ids = sorted(sources)
    refs = tuple(
        CitationRef(n, sid, quote_from(rng, sources[sid].text), Location("brief.md", n + 1, 1))
        for n, sid in enumerate(rng.choice(ids) for _ in range(1000))
    )
    checked = time.perf_counter()
    citations = verify_citations(refs, sources, diagnostics)
    done = time.perf_counter()
    size = sum(len(s.text.encode()) for s in sources.values()) / 1e6
    assert all(c.verified for c in citations), "a quote failed"
    print(f"Verification: 1,000 quotes against {size:.1f} MB in {len(sources)} sources")
    line("ingest (read, fingerprint, findings)", ingested - start, 0)
    line("verify 1,000 quotes (fold, find every span)", done - checked, 0, "(target under 0.5 s)")


if __name__ == "__main__":
    main()
