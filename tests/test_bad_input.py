"""Bad input of every kind: exit status 1, a message naming the file (and line), no
traceback, and the previous outputs left exactly as they were."""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main

from .conftest import BRIEF, SOURCE_TEXT, TIMELINE_YAML, MakeProject

Change = Callable[[Path], None]


def write(name: str, data: str | bytes) -> Change:
    def change(root: Path) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")

    return change


def remove(*names: str) -> Change:
    def change(root: Path) -> None:
        for name in names:
            (root / name).unlink()

    return change


def brief(old: str, new: str) -> Change:
    assert old in BRIEF, old
    return write("brief.md", BRIEF.replace(old, new, 1))


def append(text: str) -> Change:
    return write("brief.md", BRIEF + text)


def symlinked_image(root: Path) -> None:
    (root / "secret.png").symlink_to("/etc/passwd")
    append("\n![x](secret.png)\n")(root)


def huge_image(root: Path) -> None:
    from PIL import Image

    Image.new("1", (10_000, 10_000)).save(root / "figures" / "huge.png", optimize=True)
    append("\n![huge](figures/huge.png)\n")(root)


PDF = ("pdf",)
HTML = ("html", "json")
CASES: list[tuple[str, Change, tuple[str, ...], str]] = [
    ("empty brief", write("brief.md", ""), HTML, r"brief\.md:1:1: error: brief\.md is empty"),
    ("binary brief", write("brief.md", b"\x00\x01\x02PNG"), HTML, r"brief\.md: error: file is binary"),
    ("brief in Latin-1", write("brief.md", BRIEF.replace("Port Ellis", "Caf\xe9").encode("latin-1")), HTML,
     r"brief\.md:2:11: error: file is not valid UTF-8"),
    ("no front matter", write("brief.md", "# Port Ellis\n"), HTML,
     r"brief\.md:1:1: error: brief\.md must begin with YAML front matter"),
    ("invalid front matter", brief("title: Port Ellis", "title: [Port"), HTML,
     r"brief\.md:\d+:\d+: error: invalid YAML"),
    ("front matter never closed", write("brief.md", "---\ntitle: T\n"), HTML,
     r"brief\.md:1:1: error: front matter is never closed"),
    ("missing title", brief("title: Port Ellis\n", ""), HTML,
     r"brief\.md:2:1: error: missing required field 'title'"),
    ("unknown source", brief("[@harbour].", "[@harbor]."), HTML,
     r"brief\.md:12:39: error: unknown source 'harbor'"),
    ("quote not in source", brief("the authority has offered 2%", "the authority has offered 3%"), HTML,
     r"brief\.md:23:\d+: error: quote not found in source 'harbour'"),
    ("invalid date", brief("issued: 2024-04-01", "issued: soon"), HTML,
     r"brief\.md:6:9: error: issued: 'soon' is not a date"),
    ("impossible date", brief("issued: 2024-04-01", "issued: 2024-02-30"), HTML,
     r"brief\.md:6:9: error: issued: '2024-02-30' is not a date: February 2024 has 29 days"),
    ("impossible event date", write("figures/timeline.yaml", TIMELINE_YAML.replace('"2024-03"', '"2024-13"')),
     HTML, r"figures/timeline\.yaml:2:11: error: date: '2024-13' is not a date: there is no month 13"),
    ("duplicate judgement id", append(":::{judgement} Again [@harbour].\n:id: settlement\n"
     ":likelihood: likely\n:confidence: low\n:::\n"), HTML, r"brief\.md:\d+:1: error: duplicate judgement id"),
    ("control character in front matter", write("brief.md", "---\ntitle: a\x0cb\n---\n"), HTML,
     r"brief\.md:2:9: error: invalid YAML: the character U\+000C is not allowed"),
    ("motives without a list", append(":::{motives} Unions\n:::\n"), HTML,
     r"brief\.md:\d+:1: error: motives need a list, one '- ' item for each motive"),
    ("unknown directive", append(":::{judgment} X\n:::\n"), HTML,
     r"brief\.md:\d+:1: error: unknown directive 'judgment'"),
    ("missing seeds folder", remove("seeds/sources.yaml", "seeds/harbour.txt", "seeds/cranes.txt"), HTML,
     r"seeds/sources\.yaml: error: file not found"),
    ("missing sources.yaml", remove("seeds/sources.yaml"), HTML, r"seeds/sources\.yaml: error: file not found"),
    ("source in Latin-1", write("seeds/harbour.txt", "Caf\xe9 talks resume.\n".encode("latin-1")), HTML,
     r"seeds/harbour\.txt:1:4: error: source is not valid UTF-8 \(byte 0xe9\)"),
    ("source with NUL bytes", write("seeds/harbour.txt", SOURCE_TEXT.replace("Monday", "Mon\0day")), HTML,
     r"seeds/harbour\.txt:3: error: source contains NUL bytes"),
    ("source with a lone surrogate", write("seeds/harbour.txt", b"Talks \xed\xa0\x80 resume\n"), HTML,
     r"seeds/harbour\.txt:1:7: error: source is not valid UTF-8"),
    ("empty source", write("seeds/harbour.txt", "\n"), HTML, r"seeds/harbour\.txt: error: source is empty"),
    ("huge source", write("seeds/harbour.txt", "word " * 4_300_000), HTML,
     r"seeds/harbour\.txt: error: file is 20\.5 MiB; the limit is 20 MiB\nError"),
    ("template syntax error", write("layouts/brief.html", "{% if meta.title %}\n"), HTML,
     r"layouts/brief\.html:1: error: template syntax error"),
    ("undefined template variable", write("layouts/brief.html", "<p>{{ meta.logo }}</p>\n"), HTML,
     r"layouts/brief\.html:1: error: template error: 'meta\.logo' does not exist"),
    ("missing layout", brief("product_id: T-1", "product_id: T-1\nlayout: poster"), HTML,
     r"brief\.md: error: layout 'poster' not found"),
    ("image at file:///etc/passwd", append("\n![x](file:///etc/passwd)\n"), HTML,
     r"brief\.md:\d+:6: error: an image must be a file inside the project: 'file:///etc/passwd'"),
    ("image at /dev/urandom", append("\n![x](/dev/urandom)\n"), HTML,
     r"brief\.md:\d+:6: error: an image must be a file inside the project"),
    ("image over http", append("\n![x](http://127.0.0.1:9/x.png)\n"), HTML,
     r"brief\.md:\d+:6: error: an image must be a file inside the project"),
    ("image symlinked out of the project", symlinked_image, HTML,
     r"brief\.md:\d+:6: error: image 'secret\.png': a link to a place outside the project"),
    ("stylesheet at file:///etc/passwd",
     write("layouts/brief-pdf.css", '@import url("file:///etc/passwd");\n{% include "builtin/brief-pdf.css" %}\n'),
     PDF, r"layouts/brief-pdf\.css:1:14: error: resource refused: file:///etc/passwd"),
    ("stylesheet over http",
     write("layouts/brief-pdf.css", '@import url("http://127.0.0.1:9/a.css");\n{% include "builtin/brief-pdf.css" %}\n'),
     PDF, r"layouts/brief-pdf\.css:1:14: error: resource refused: http://127\.0\.0\.1:9/a\.css"),
    ("image in a layout at file:///etc/passwd",
     write("layouts/brief.html", '{% extends "builtin/brief.html" %}{% block cover %}\n<img src="file:///etc/passwd" alt="">{% endblock %}\n'),
     HTML, r"layouts/brief\.html:2:11: error: resource refused: file:///etc/passwd: outside the project"),
    ("style attribute at file:///etc/passwd",
     write("layouts/brief.html", '{% extends "builtin/brief.html" %}{% block cover %}\n<p title="a>b" style="background: url(\'file:///etc/passwd\')">x</p>{% endblock %}\n'),
     HTML, r"layouts/brief\.html:2:\d+: error: resource refused: file:///etc/passwd: outside the project"),
    ("raw HTML image over http", write("brief.md", BRIEF.replace("title: Port Ellis", "title: Port Ellis\nraw_html: true", 1) + '\n<img src="http://127.0.0.1:9/x.png" alt="">\n'),
     HTML, r"brief\.md:\d+:11: error: resource refused: http://127\.0\.0\.1:9/x\.png: only files inside"),
    ("javascript: link", append("\n[click](javascript:alert(1))\n"), HTML,
     r"brief\.md:\d+:9: error: 'javascript:' links are not allowed"),
    ("image that is a folder", append("\n![map](figures)\n"), HTML,
     r"brief\.md:\d+:\d+: error: image 'figures': not a regular file \(a folder\)"),
    ("image with too many pixels", huge_image, HTML,
     r"brief\.md:\d+:9: error: image 'figures/huge\.png': more than 80,000,000 pixels; the limit is 40,000,000"),
    ("timeline without events", write("figures/timeline.yaml", "events: []\n"), PDF,
     r"brief\.md:\d+:1: error: the timeline has no events to show"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "formats", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_fails_cleanly_and_keeps_previous_outputs(
    make_project: MakeProject,
    tmp_path: Path,
    change: Change,
    formats: tuple[str, ...],
    expected: str,
) -> None:
    root, out = make_project(), tmp_path / "out"
    args = ["build", str(root), "-o", str(out), *(f"--format={f}" for f in formats)]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = {
        p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name.startswith("brief")
    }
    assert before
    change(root)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert re.search(f"^{expected}", result.output, re.M), result.output
    assert result.output.rstrip().splitlines()[-1].startswith("Error: ")
    after = {
        p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name.startswith("brief")
    }
    assert after == before


def test_unwritable_output_folder(make_project: MakeProject, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(make_project()), "-o", str(blocker / "out")])
    assert result.exit_code == 1
    assert (
        result.output
        == f"Error: {blocker / 'out'}: cannot write the output folder (Not a directory)\n"
    )


def test_unknown_front_matter_key_is_a_warning_with_a_suggestion(make_project: MakeProject) -> None:
    root = make_project({"brief.md": BRIEF.replace("author:", "autor:")})
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0
    assert result.output.startswith("brief.md:7:8: warning: unknown front-matter key 'autor'\n"
                                    "    did you mean 'author'?\n")  # fmt: skip


def test_hostile_but_valid_sources_are_handled(make_project: MakeProject, tmp_path: Path) -> None:
    """A BOM, bidi controls and markup in a source: built, escaped, and flagged."""
    source = (
        "\ufeff"
        + SOURCE_TEXT.replace("talks with", "talks\u202e with")
        + "<script>alert(1)</script> the end\n"
    )
    timeline = (
        TIMELINE_YAML + "  - date: '2024'\n    title: Script\n    cite:\n      - source: harbour\n"
        "        quote: <script>alert(1)</script> the end\n"
    )
    root = make_project({"seeds/harbour.txt": source, "figures/timeline.yaml": timeline})
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path), "--format=html"])
    assert result.exit_code == 0, result.output
    assert (
        "seeds/harbour.txt:3: warning: source contains bidirectional control characters"
        in result.output
    )
    html = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert (
        "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; the end" in html
    )


def test_typesetting_time_limit(make_project: MakeProject) -> None:
    from briefing.build import check
    from briefing.diagnostics import Diagnostics
    from briefing.model import Rendered
    from briefing.pdf import render_pdf

    check(make_project())
    diagnostics = Diagnostics()
    page = Rendered("<p>" + "words " * 200_000 + "</p>", "")
    assert render_pdf(page, make_project(), None, diagnostics, time_limit=0.05) == (None, [])
    assert [str(d) for d in diagnostics] == [
        "brief.md: error: typesetting took longer than 0.05 s and was stopped"
    ]


def test_typesetting_memory_limit(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A layout can make a page of a few MB that WeasyPrint would take gigabytes for."""
    from briefing import pdf
    from briefing.diagnostics import Diagnostics
    from briefing.model import Rendered

    monkeypatch.setattr(pdf, "RENDER_MEMORY", 150 << 20)
    monkeypatch.setattr(pdf, "RENDER_MEMORY_PER_MB", 0)
    limits = resource.getrlimit(resource.RLIMIT_AS)
    diagnostics = Diagnostics()
    page = Rendered("<p>" + "<b>x</b> " * 100_000 + "</p>", "")
    assert pdf.render_pdf(page, make_project(), None, diagnostics) == (None, [])
    assert [str(d) for d in diagnostics] == [
        "brief.md: error: typesetting needed more than 150 MiB of memory and was stopped"
    ]
    assert resource.getrlimit(resource.RLIMIT_AS) == limits


def test_typesetting_limit_grows_with_the_document() -> None:
    from briefing.pdf import typesetting_limit

    assert typesetting_limit("<p>short</p>") == 300  # the default brief takes 4 s
    assert typesetting_limit("x" * 4_000_000) == 1200  # 4 MB: a brief some twenty times larger


def test_deep_nesting_does_not_crash(make_project: MakeProject, tmp_path: Path) -> None:
    body = "\n" + ">" * 3000 + " deep\n\n" + "".join("  " * i + "- item\n" for i in range(300))
    root = make_project({"brief.md": BRIEF + body})
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path), "--format=html"])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    assert not isinstance(result.exception, RecursionError)


@pytest.mark.parametrize(
    ("name", "change"), [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_check_fails_whenever_build_does(
    make_project: MakeProject, name: str, change: Change
) -> None:
    """Every bad input above fails `build`; `check` must fail on it too (what typesetting
    would fetch is looked at without typesetting)."""
    root = make_project()
    change(root)
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output


# Special files: each would once have hung a build (the stamp and the loaders read them).
FIFOS = [
    ("seeds/harbour.txt", "seeds/harbour.txt: error: not a regular file (a named pipe)"),
    ("brief.md", "brief.md: error: not a regular file (a named pipe)"),
    ("figures/timeline.yaml", "figures/timeline.yaml: error: not a regular file (a named pipe)"),
    ("layouts/brief.html", "layouts/brief.html: error: not a regular file (a named pipe)"),
]


@pytest.mark.parametrize(("name", "message"), FIFOS, ids=[n for n, _ in FIFOS])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_named_pipe_is_an_error_not_a_hang(
    make_project: MakeProject, name: str, message: str, command: str
) -> None:
    root = make_project()
    path = root / name
    path.parent.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    formats = ["--format", "html"] if command == "build" else []
    result = subprocess.run(  # a hang fails by the timeout
        [sys.executable, "-m", "briefing", command, str(root), *formats],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert message in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


def test_a_named_pipe_beside_the_inputs_is_not_read_to_place_an_error(
    make_project: MakeProject,
) -> None:
    """Where a refused resource is named is looked up in the project's files; a named pipe
    among them is passed over, not waited on."""
    root = make_project()
    os.mkfifo(root / "figures" / "pipe")
    write("layouts/brief-pdf.css", '@import url("file:///etc/passwd");\n')(root)
    result = subprocess.run(  # a hang fails by the timeout
        [sys.executable, "-m", "briefing", "build", str(root), "--format", "pdf"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "layouts/brief-pdf.css:1:14: error: resource refused: file:///etc/passwd" in (
        result.stderr
    )


def test_a_folder_where_a_source_file_is_named(make_project: MakeProject) -> None:
    root = make_project()
    (root / "seeds" / "harbour.txt").unlink()
    (root / "seeds" / "harbour.txt").mkdir()
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "error: source 'harbour': seeds/harbour.txt is a folder, not a file" in result.output


@pytest.mark.parametrize("folder", ["seeds", "figures", "layouts", "seeds/out", "other"])
def test_an_output_folder_among_the_inputs_or_in_another_project_is_refused(
    make_project: MakeProject, folder: str
) -> None:
    root = make_project()
    (root / "layouts").mkdir(exist_ok=True)
    if folder == "other":
        other = make_project()
        outdir = other
    else:
        outdir = root / folder
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(outdir), "--format=json"])
    assert result.exit_code == 1
    expected = (
        "that folder holds a brief.md: it is a brief project, not an output folder"
        if folder == "other"
        else f"the output folder is in the project's {folder.split('/')[0]}/"
    )
    assert result.output.startswith(f"Error: {outdir}: ") and expected in result.output
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_the_project_folder_itself_may_take_the_outputs(make_project: MakeProject) -> None:
    root = make_project()
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(root), "--format=json"])
    assert result.exit_code == 0, result.output
    assert (root / "brief.json").is_file()


def test_layouts_list_in_the_repository_says_the_layouts_are_the_shipped_ones() -> None:
    from .conftest import REPO

    result = CliRunner().invoke(main, ["layouts", "list", str(REPO)])
    assert result.exit_code == 0
    assert "is the shipped layouts: nothing is overridden" in result.output
    assert "overridden by" not in result.output


def test_layouts_list_says_overridden_only_for_files_that_differ(
    make_project: MakeProject,
) -> None:
    from briefing.layouts import shipped

    root = make_project()
    (root / "layouts").mkdir(exist_ok=True)
    shutil.copy(shipped() / "brief.css", root / "layouts" / "brief.css")  # the same bytes
    (root / "layouts" / "onepage.css").write_text("body { color: red; }\n", encoding="utf-8")
    output = CliRunner().invoke(main, ["layouts", "list", str(root)]).output
    assert "  onepage.css  (overridden by the project's layouts/)" in output
    assert "  brief.css  (copied into the project's layouts/, unchanged)\n" in output


def test_a_file_name_cannot_forge_a_line_of_the_messages(make_project: MakeProject) -> None:
    """A line break or a bidi control in a name is escaped where the name is printed."""
    root = make_project()
    forged = "x\nbrief.md:9:9: error: forged\u202e.txt"
    (root / "seeds" / forged).write_text("Some words of a stray file.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    escaped = "seeds/x\\nbrief.md:9:9: error: forged\\u202e.txt: warning: file is not listed"
    assert escaped in result.output
    assert not any(line.startswith("brief.md:9:9") for line in result.output.splitlines())
    assert "\u202e" not in result.output


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("seeds/loop", "seeds/loop: error: file is a loop of links"),
        ("layouts/loop", "layouts/loop: error: file is a loop of links"),
        ("figures/loop", ""),  # not an input the build reads: no error, no traceback
        ("seeds/nowhere", "seeds/nowhere: error: file is a link to nothing"),
        ("editions", ""),
    ],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_loop_of_links_or_a_dangling_one_is_an_error_or_passed_over(
    make_project: MakeProject, name: str, message: str, command: str
) -> None:
    root = make_project()
    (root / name).parent.mkdir(exist_ok=True)
    (root / name).symlink_to("elsewhere" if name.endswith("nowhere") else (root / name).name)
    formats = ["--format", "html"] if command == "build" else []
    result = CliRunner().invoke(main, [command, str(root), *formats])
    assert isinstance(result.exception, SystemExit | None), result.output
    if message:
        assert result.exit_code == 1 and message in result.output, result.output
    else:
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("dist", "dist: the output folder is a link to a place outside the project"),
        ("dist/copies", "dist/copies: is a link; outputs are not written through it"),
        ("dist/.briefing-inputs", "dist/.briefing-inputs: is a link; outputs are not written"),
    ],
)
def test_outputs_are_never_written_or_removed_through_a_link_out(
    make_project: MakeProject, tmp_path: Path, link: str, message: str
) -> None:
    """A project passed around may carry links in its dist/: nothing is written or
    removed through them."""
    root = make_project()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "brief-1.pdf").write_text("precious\n", encoding="utf-8")
    (root / link).parent.mkdir(exist_ok=True)
    (root / link).symlink_to(outside)
    result = CliRunner().invoke(main, ["build", str(root), "--format", "pdf", "--copies", "1"])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert [p.name for p in outside.iterdir()] == ["brief-1.pdf"]
    assert (outside / "brief-1.pdf").read_text("utf-8") == "precious\n"
