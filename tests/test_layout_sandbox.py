"""A layout is untrusted code: it runs sandboxed, within a time and memory budget, and reads
nothing through a link out of the project."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import html
from briefing.build import build
from briefing.cli import main
from briefing.diagnostics import BuildFailed
from briefing.options import Options

from .conftest import MakeProject

ESCAPES = [
    '{{ cycler.__init__.__globals__.os.popen("touch MARK").read() }}',
    '{{ lipsum.__globals__["__builtins__"]["open"]("/etc/passwd").read() }}',
    '{{ joiner.__init__.__globals__["os"].system("touch MARK") }}',
    '{{ namespace.__init__.__globals__["os"].system("touch MARK") }}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ brief.__class__.__init__.__globals__ }}",
    "{{ meta.__dict__ }}",
    '{{ "{0.__class__.__init__.__globals__}".format(brief) }}',
    '{{ brief|attr("__class__") }}',
    "{{ range.__self__ }}",
    "{{ brief.contexts.clear() }}",
    "{{ brief.contexts.update({1: 'forged'}) }}",
]


def check(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(root)])
    return result.exit_code, result.output


@pytest.mark.parametrize("escape", ESCAPES)
def test_a_layout_cannot_reach_python_or_change_the_brief(
    make_project: MakeProject, escape: str
) -> None:
    root = make_project({"layouts/brief.html": f"<p>{escape}</p>\n"})
    os.chdir(root)  # where a 'touch MARK' that ran would leave its mark
    code, output = check(root)
    assert code == 1, output
    assert "layouts/brief.html:1: error: template error: " in output
    assert "Traceback" not in output and "root:" not in output
    assert not (root / "MARK").exists()


def test_the_shipped_layouts_render_in_the_sandbox(make_project: MakeProject) -> None:
    root = make_project()
    result = CliRunner().invoke(main, ["build", str(root), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert "Port Ellis" in (root / "dist" / "brief.html").read_text("utf-8")


ARITHMETIC = [
    "{{ 9 ** (9 ** 9) }}",
    '{{ "x" * 10 ** 9 }}',
    '{{ 10 ** 9 * "x" }}',
    "{{ 10 ** 8 * [1] }}",
    "{{ (10 ** 60000) * (10 ** 60000) }}",
]


@pytest.mark.parametrize("expression", ARITHMETIC)
def test_arithmetic_that_would_take_minutes_or_gigabytes_is_refused(
    make_project: MakeProject, expression: str
) -> None:
    root = make_project({"layouts/brief.html": f"<p>\n{expression}\n</p>\n"})
    code, output = check(root)
    assert code == 1
    assert "layouts/brief.html:2: error: template error: the result of " in output


ENDLESS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
GREEDY = (
    '{% set ns = namespace(text="x") %}\n'
    "{% for i in range(40) %}{% set ns.text = ns.text ~ ns.text %}{% endfor %}\n"
)


@pytest.mark.parametrize(
    ("layout", "spent"),
    [(ENDLESS, "took longer than 1 s"), (GREEDY, "took more than 64 MiB of memory")],
    ids=["time", "memory"],
)
def test_a_layout_over_its_budget_is_stopped_with_one_error(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, layout: str, spent: str
) -> None:
    monkeypatch.setattr(html, "LAYOUT_SECONDS", 1)
    monkeypatch.setattr(html, "LAYOUT_MEMORY", 64 << 20)
    limits = resource.getrlimit(resource.RLIMIT_AS)
    root = make_project({"layouts/brief.html": layout})
    code, output = check(root)
    assert code == 1
    assert f"error: the layout {spent} to render; is a loop endless?" in output
    assert "Traceback" not in output
    assert resource.getrlimit(resource.RLIMIT_AS) == limits  # the budget is given back
    (root / "layouts" / "brief.html").unlink()
    assert check(root)[0] == 0  # and the same process goes on working


@pytest.mark.parametrize(
    ("name", "including"),
    [("layouts/_part.html", '{% include "_part.html" %}'), ("layouts/brief.css", "")],
    ids=["template", "stylesheet"],
)
def test_a_layout_file_linked_out_of_the_project_is_refused(
    make_project: MakeProject, tmp_path: Path, name: str, including: str
) -> None:
    root = make_project()
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:secret\n", encoding="utf-8")
    (root / "layouts").mkdir()
    (root / name).symlink_to(outside)
    if including:
        (root / "layouts" / "brief.html").write_text(f"<p>{including}</p>\n", encoding="utf-8")
    for command in (["check"], ["build", "--format", "html"]):
        result = CliRunner().invoke(main, [*command, str(root)])
        assert result.exit_code == 1
        assert f"{name}: error: file is a link to a place outside the project" in result.output
        assert "secret" not in result.output
    assert not (root / "dist" / "brief.html").exists()


def test_a_layouts_folder_linked_out_of_the_project_is_refused(
    make_project: MakeProject, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "brief.html").write_text("<p>secret</p>\n", encoding="utf-8")
    root = make_project()
    (root / "layouts").symlink_to(outside)
    code, output = check(root)
    assert code == 1
    assert "layouts: error: folder is a link to a place outside the project" in output


def test_a_layout_file_linked_inside_the_project_is_read(make_project: MakeProject) -> None:
    root = make_project({"figures/house.css": "p.house { color: #123456; }\n"})
    (root / "layouts").mkdir()
    (root / "layouts" / "house.css").symlink_to(root / "figures" / "house.css")
    (root / "layouts" / "brief.html").write_text(
        '{% include "builtin/brief.html" %}<style>{% include "house.css" %}</style>\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["build", str(root), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert "#123456" in (root / "dist" / "brief.html").read_text("utf-8")


def test_eject_does_not_write_through_a_link_out_of_the_project(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project()
    outside = tmp_path / "victim.css"
    outside.write_text("kept\n", encoding="utf-8")
    (root / "layouts").mkdir()
    (root / "layouts" / "brief.css").symlink_to(outside)
    result = CliRunner().invoke(main, ["layouts", "eject", "brief.css", str(root), "--force"])
    assert result.exit_code == 1
    assert "a link to a place outside the project" in result.output
    assert outside.read_text("utf-8") == "kept\n"


def test_layouts_list_does_not_wait_on_a_named_pipe(make_project: MakeProject) -> None:
    root = make_project()
    (root / "layouts").mkdir()
    os.mkfifo(root / "layouts" / "brief.css")
    listing = subprocess.run(  # a hang fails by the timeout
        [sys.executable, "-m", "briefing", "layouts", "list", str(root)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    assert "  brief.css\n" in listing.stdout  # listed, neither copied nor overridden


def test_a_layout_is_never_rendered_unbounded_in_a_thread(make_project: MakeProject) -> None:
    """The limits are the process's, set only in the main thread: elsewhere rendering is
    refused (the preview renders in a child process's main thread)."""
    root = make_project({"layouts/brief.html": ENDLESS})
    with ThreadPoolExecutor(1) as pool:
        failure = pool.submit(build, root, Options(formats=())).exception(timeout=60)
    assert isinstance(failure, BuildFailed)
    assert [str(d) for d in failure.diagnostics.errors] == [
        "brief.md: error: template error: layouts render and PDFs are typeset only in a main thread"
    ]


def test_eject_replaces_a_link_inside_the_project_and_refuses_a_named_pipe(
    make_project: MakeProject,
) -> None:
    root = make_project({"figures/own.css": "p { color: red; }\n"})
    (root / "layouts").mkdir()
    (root / "layouts" / "brief.css").symlink_to(root / "figures" / "own.css")
    os.mkfifo(root / "layouts" / "onepage.css")
    result = CliRunner().invoke(main, ["layouts", "eject", "brief.css", str(root), "--force"])
    assert result.exit_code == 0, result.output
    assert not (root / "layouts" / "brief.css").is_symlink()
    assert (root / "figures" / "own.css").read_text("utf-8") == "p { color: red; }\n"
    result = CliRunner().invoke(main, ["layouts", "eject", "onepage.css", str(root), "--force"])
    assert result.exit_code == 1
    assert "onepage.css is not a regular file; not replaced" in result.output


def test_a_layout_file_that_is_not_utf8_is_an_error_at_its_byte(
    make_project: MakeProject,
) -> None:
    root = make_project()
    (root / "layouts").mkdir()
    (root / "layouts" / "brief.html").write_text('{% include "_part.html" %}\n', "utf-8")
    (root / "layouts" / "_part.html").write_bytes(b"<p>\n<p>Caf\xe9</p>\n")
    code, output = check(root)
    assert code == 1
    assert "layouts/_part.html:2:7: error: file is not valid UTF-8 (byte 0xe9)" in output
