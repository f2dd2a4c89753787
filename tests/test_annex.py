"""`annex: appended | separate | none`: the annex printed after the body, in a PDF of its
own (brief-annex.pdf), or not at all; read off the PDFs as a reader and a viewer would."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from briefing.annex import ANNEX_FILE, BODY_FILE
from briefing.diagnostics import Diagnostics
from briefing.forked import Forked
from briefing.formats import RenderJob
from briefing.new import new_project

from .conftest import run

MARKING = "EXAMPLE // NOT FOR DISTRIBUTION"
SHORT_TITLE = "Port Ellis strike"
ANNEX_HEADINGS = ("Annotated sources", "Estimative language used in this brief")


def briefing(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real command line, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "briefing", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
        timeout=120,
    )


def with_annex(root: Path, mode: str) -> None:
    """Set `annex: mode` in the project's front matter."""
    brief = root / "brief.md"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("\nlayout: brief\n", f"\nlayout: brief\nannex: {mode}\n", 1))


def pages_text(pdf: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(pdf).pages]


def pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def link_actions(pdf: Path) -> list[dict[str, str]]:
    """Each link annotation's action (or internal destination), as strings."""
    found = []
    for page in pypdf.PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            if action is None:
                found.append({"/S": "/GoTo", "/D": str(annotation.get("/Dest"))})
            else:
                found.append({key: str(value) for key, value in action.get_object().items()})
    return found


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The new user's project built in each mode: separate from its front matter, the
    others with --annex, which overrides it."""
    root = tmp_path_factory.mktemp("annex") / "brief"
    new_project(root)
    with_annex(root, "separate")
    out: dict[str, Path] = {}
    for mode in ("separate", "appended", "none"):
        dist = root.parent / f"dist-{mode}"
        override = () if mode == "separate" else ("--annex", mode)
        code, output = run("build", root, "-o", dist, *override)
        assert code == 0, output
        out[mode] = dist
    return out


def test_separate_writes_the_annex_numbered_a1_with_marking_and_title_on_each_page(
    builds: dict[str, Path],
) -> None:
    annex = builds["separate"] / ANNEX_FILE
    reader = pypdf.PdfReader(annex)
    count = len(reader.pages)
    assert count >= 2
    assert reader.page_labels == [f"A-{n}" for n in range(1, count + 1)]
    for number, text in enumerate(pages_text(annex), start=1):
        assert text.count(MARKING) == 2, text  # the bands at the top and the foot
        assert SHORT_TITLE in text  # the running head, the first page's too
        assert f"Page A-{number} of A-{count}" in text
    first = pdftotext(annex)
    assert "Annex to The Port Ellis harbour strike · EX-2024-001 · version 0.1" in first
    assert all(heading in first for heading in ANNEX_HEADINGS)


@pytest.mark.parametrize("mode", ["separate", "none"])
def test_the_body_has_no_annex_pages(builds: dict[str, Path], mode: str) -> None:
    body = pdftotext(builds[mode] / BODY_FILE)
    whole = pdftotext(builds["appended"] / BODY_FILE)
    assert all(heading in whole for heading in ANNEX_HEADINGS)
    assert not any(heading in body for heading in ANNEX_HEADINGS)
    assert "Key judgements" in body and MARKING in body
    assert len(pypdf.PdfReader(builds[mode] / BODY_FILE).pages) < len(
        pypdf.PdfReader(builds["appended"] / BODY_FILE).pages
    )


def test_the_body_labels_link_to_their_entries_in_the_annex_file_and_back(
    builds: dict[str, Path],
) -> None:
    body, annex = builds["separate"] / BODY_FILE, builds["separate"] / ANNEX_FILE
    into_annex = [a for a in link_actions(body) if a["/S"] == "/GoToR"]
    assert into_annex and {a["/F"] for a in into_annex} == {ANNEX_FILE}
    annex_places = set(pypdf.PdfReader(annex).named_destinations)
    assert {a["/D"] for a in into_annex} <= annex_places
    assert any(re.fullmatch(r"p-.+", a["/D"]) for a in into_annex)  # a passage's entry
    back = [a for a in link_actions(annex) if a["/S"] == "/GoToR"]
    assert back and {a["/F"] for a in back} == {BODY_FILE}
    assert {a["/D"] for a in back} <= set(pypdf.PdfReader(body).named_destinations)
    # No link names the folder the brief was built in.
    for pdf in (body, annex):
        assert not [a for a in link_actions(pdf) if a.get("/URI", "").startswith("file:")]
    # The annex prints the labels the body cites.
    cited = set(re.findall(r"S\d+\.\d+", pdftotext(body)))
    assert cited and cited <= set(re.findall(r"S\d+\.\d+", pdftotext(annex)))


def test_with_no_annex_the_labels_are_plain_text_and_say_where_the_sources_are(
    builds: dict[str, Path],
) -> None:
    body = builds["none"] / BODY_FILE
    assert not (builds["none"] / ANNEX_FILE).exists()
    actions = link_actions(body)
    assert not [a for a in actions if a["/S"] in ("/GoToR", "/URI")]
    text = pdftotext(body)
    assert re.search(r"\[S1\.1\]", text)
    assert "The annotated sources are not printed with this brief" in " ".join(text.split())


def test_the_html_keeps_everything_with_internal_links_in_every_mode(
    builds: dict[str, Path],
) -> None:
    pages = {mode: (dist / "brief.html").read_bytes() for mode, dist in builds.items()}
    assert pages["separate"] == pages["appended"] == pages["none"]
    html = pages["separate"].decode()
    assert 'id="sources"' in html and 'href="#p-' in html and ANNEX_FILE not in html


def test_brief_json_says_the_mode(builds: dict[str, Path]) -> None:
    for mode, dist in builds.items():
        assert json.loads((dist / "brief.json").read_text())["meta"]["annex"] == mode


def test_a_misspelt_mode_is_an_error_at_its_line_with_the_nearest(tmp_path: Path) -> None:
    root = tmp_path / "brief"
    new_project(root)
    with_annex(root, "seperate")
    line = root.joinpath("brief.md").read_text().splitlines().index("annex: seperate") + 1
    result = briefing("check", root)
    assert result.returncode == 1
    assert f"brief.md:{line}:8: error: 'annex' must be one of appended, separate, none" in (
        result.stderr
    )
    assert "did you mean 'separate'" in result.stderr
    assert "Traceback" not in result.stderr
    wrong = briefing("build", root, "--annex", "apended").stderr
    assert "'apended' is not one of 'appended', 'separate', 'none'" in wrong


def test_going_back_to_appended_removes_the_separate_annex(tmp_path: Path) -> None:
    root = tmp_path / "brief"
    new_project(root)
    assert run("build", root, "--format", "pdf", "--annex", "separate")[0] == 0
    assert (root / "dist" / ANNEX_FILE).is_file()  # it comes with the PDF
    assert run("build", root, "--format", "pdf")[0] == 0
    assert not (root / "dist" / ANNEX_FILE).exists()


def test_copies_and_release_take_the_annex_too(tmp_path: Path) -> None:
    root = tmp_path / "brief"
    new_project(root)
    with_annex(root, "separate")
    code, output = run("build", root, "--copies", "2", "--watermark", "DRAFT")
    assert code == 0, output
    dist = root / "dist"
    assert all("DRAFT" in text for text in pages_text(dist / ANNEX_FILE))
    for k in (1, 2):
        body, annex = f"brief-copy-{k:02}-of-02.pdf", f"brief-annex-copy-{k:02}-of-02.pdf"
        assert all(f"Copy {k} of 2" in text for text in pages_text(dist / "copies" / annex))
        assert {a["/F"] for a in link_actions(dist / "copies" / body) if "/F" in a} == {annex}
        assert {a["/F"] for a in link_actions(dist / "copies" / annex) if "/F" in a} == {body}
    assert (dist / "copies" / "brief-annex-master.pdf").is_file()
    assert run("release", root)[0] == 0
    released = root / "editions" / "0.1"
    assert (released / ANNEX_FILE).read_bytes() == (dist / ANNEX_FILE).read_bytes()


def _raises(job: RenderJob) -> bytes | None:
    raise RuntimeError("a bug")


def _dies(job: RenderJob) -> bytes | None:
    os.kill(os.getpid(), 9)
    return None


@pytest.mark.parametrize(
    ("render", "message"),
    [
        (_raises, "typesetting brief-annex.pdf failed (RuntimeError)"),
        (_dies, "typesetting brief-annex.pdf failed (ended by SIGKILL)"),
    ],
)
def test_a_child_that_fails_is_a_diagnostic_not_a_traceback(
    tmp_path: Path, render: object, message: str
) -> None:
    job = RenderJob(None, tmp_path, None, None, Diagnostics())  # type: ignore[arg-type]
    child = Forked(render, job, ANNEX_FILE)  # type: ignore[arg-type]
    assert child.result(job) is None
    assert [d.message for d in job.diagnostics] == [message]


def test_the_key_is_known_to_check(tmp_path: Path) -> None:
    root = tmp_path / "brief"
    shutil.copytree(Path(__file__).parent.parent / "briefing" / "example_project", root)
    with_annex(root, "separate")
    result = briefing("check", root)
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
