"""Editions from hostile or unlucky projects (issue 24): a previous edition's brief.json
that is nested too deep, holds a huge number, is too large or a named pipe; editions/ (or
an edition, or its brief.json) that is a link out of the project; and a save that lands
while an edition is released.

Each command answers with one message naming the file, exit status 1 and no traceback,
reads nothing outside the project and writes nothing there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import briefing.stamp
from briefing import __version__
from briefing.files import MAX_FILE_BYTES

from ..conftest import run
from .conftest import copy, line_of, new_project, ok, set_field, snapshot

NESTED = b"[" * 100_000 + b"]" * 100_000
LONG_NUMBER = b'{"generator": "briefing 0.1", "meta": ' + b"1" * 100_000 + b"}"


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory, module_cache: None) -> Path:
    """Edition 1.0 built and released; brief.md then at 2.0 with `previous: "1.0"`, built
    as JSON."""
    root = new_project(tmp_path_factory.mktemp("hostile") / "brief")
    brief = root / "brief.md"
    brief.write_text(set_field(brief.read_text("utf-8"), "version", 'version: "1.0"'), "utf-8")
    ok("build", root)
    ok("release", root)
    text = set_field(brief.read_text("utf-8"), "version", 'version: "2.0"\nprevious: "1.0"')
    brief.write_text(text, "utf-8")
    ok("build", root, "--format", "json")
    return root


def tree(folder: Path) -> dict[str, bytes | str | None]:
    """snapshot(), a link kept as where it points (followed nowhere, even when dangling)."""
    found: dict[str, bytes | str | None] = {}
    for directory, folders, files in os.walk(folder):
        for name in [*folders, *files]:
            path = Path(directory, name)
            key = str(path.relative_to(folder))
            if path.is_symlink():
                found[key] = f"-> {os.readlink(path)}"
            else:
                found[key] = None if path.is_dir() else path.read_bytes()
    return found


def at_previous(root: Path, message: str) -> str:
    """The error line of a build or check whose previous edition cannot be used."""
    line = line_of((root / "brief.md").read_text("utf-8"), "previous:")
    return f"brief.md:{line}:11: error: edition '1.0' cannot be used: {message}"


def assert_build_and_check_fail(root: Path, expected: str) -> None:
    """build, build --force and check: exit 1, the error first, the outputs kept."""
    dist = snapshot(root / "dist")
    for command in (["build"], ["build", "--force"], ["check"]):
        code, output = run(*command, root)
        assert code == 1, output
        assert output.splitlines()[0] == expected, output
    assert snapshot(root / "dist") == dist


# --- 7b and 8: a previous edition that cannot be read ------------------------------------


def writing(content: bytes) -> Callable[[Path], object]:
    return lambda path: path.write_bytes(content)


def made_large(path: Path) -> None:
    os.truncate(path, MAX_FILE_BYTES + 1)  # sparse: nothing is written


def made_a_pipe(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


UNREADABLE: dict[str, tuple[Callable[[Path], object], str]] = {
    "nested 100,000 deep": (writing(NESTED), ": not a brief.json: its JSON is nested too deep"),
    "a 100,000-digit number": (
        writing(LONG_NUMBER),
        ": not a brief.json: a number has 100000 digits (at most 4300 are read)",
    ),
    "larger than the limit": (made_large, f": larger than {MAX_FILE_BYTES // 2**20} MiB"),
    "a named pipe": (made_a_pipe, ": not a regular file (a named pipe)"),
    "a version of 5,000 digits": (
        writing(b'{"generator": "briefing ' + b"9" * 5000 + b'"}'),
        f": written by briefing {'9' * 30}…, newer than this briefing ({__version__}); "
        "upgrade briefing to compare with it",
    ),
}


@pytest.mark.parametrize(("change", "problem"), list(UNREADABLE.values()), ids=list(UNREADABLE))
def test_a_previous_edition_that_cannot_be_read_is_one_error_at_previous(
    released: Path, tmp_path: Path, change: Callable[[Path], object], problem: str
) -> None:
    root = copy(released, tmp_path)
    path = root / "editions/1.0/brief.json"
    change(path)
    assert_build_and_check_fail(root, at_previous(root, f"{path}{problem}"))


@pytest.mark.parametrize(("change", "problem"), list(UNREADABLE.values()), ids=list(UNREADABLE))
def test_diff_of_an_edition_that_cannot_be_read_names_the_file(
    released: Path, tmp_path: Path, change: Callable[[Path], object], problem: str
) -> None:
    """As a file, as a folder and as a version: one message, exit 1, never a wait on a
    named pipe (run as a process, so that a hang ends in a timeout, not a stuck suite)."""
    root = copy(released, tmp_path)
    path = root / "editions/1.0/brief.json"
    change(path)
    for operand in (path, path.parent, "1.0"):
        done = subprocess.run(
            [sys.executable, "-m", "briefing", "diff", str(operand), str(root)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (done.returncode, done.stdout) == (1, ""), done.stderr
        assert done.stderr == f"Error: {path}{problem}\n"


def test_a_previous_edition_of_the_largest_size_is_read(released: Path, tmp_path: Path) -> None:
    """The limit is the file's size: a brief.json padded with spaces to the limit is used."""
    root = copy(released, tmp_path)
    path = root / "editions/1.0/brief.json"
    data = path.read_bytes()
    path.write_bytes(data + b" " * (MAX_FILE_BYTES - len(data)))
    code, output = run("check", root)
    assert code == 0, output


# --- 9: links out of the project ---------------------------------------------------------


def outside_copy(root: Path, tmp_path: Path) -> Path:
    """A copy of the project's editions/ outside it."""
    return Path(shutil.copytree(root / "editions", tmp_path / "outside"))


def link_editions(root: Path, outside: Path) -> None:
    shutil.rmtree(root / "editions")
    (root / "editions").symlink_to(outside)


def link_edition(root: Path, outside: Path) -> None:
    shutil.rmtree(root / "editions/1.0")
    (root / "editions/1.0").symlink_to(outside / "1.0")


def link_brief_json(root: Path, outside: Path) -> None:
    (root / "editions/1.0/brief.json").unlink()
    (root / "editions/1.0/brief.json").symlink_to(outside / "1.0/brief.json")


LINKS: dict[str, Callable[[Path, Path], None]] = {
    "editions/ links out": link_editions,
    "editions/1.0 links out": link_edition,
    "editions/1.0/brief.json links out": link_brief_json,
}


@pytest.mark.parametrize("plant", list(LINKS.values()), ids=list(LINKS))
def test_a_previous_edition_through_a_link_out_of_the_project_is_refused(
    released: Path, tmp_path: Path, plant: Callable[[Path, Path], None]
) -> None:
    root = copy(released, tmp_path)
    plant(root, outside_copy(root, tmp_path))
    message = f"{root / 'editions/1.0/brief.json'}: file is a link to a place outside the project"
    assert_build_and_check_fail(root, at_previous(root, message))
    code, output = run("diff", "1.0", root, "-p", root)
    assert (code, output) == (1, f"Error: {message}\n")


@pytest.mark.parametrize("plant", list(LINKS.values()), ids=list(LINKS))
def test_a_build_made_before_a_link_out_was_planted_is_not_released(
    released: Path, tmp_path: Path, plant: Callable[[Path, Path], None]
) -> None:
    """editions/ is no input, but the previous edition the build read is: once it is
    reached through a link out of the project, the build is stale and nothing is written."""
    root = copy(released, tmp_path)
    ok("build", root, "--force")
    outside = outside_copy(root, tmp_path)
    plant(root, outside)
    before, elsewhere = snapshot(root), snapshot(outside)
    code, output = run("release", root)
    assert code == 1, output
    assert output.startswith("Error: cannot release: "), output
    assert (snapshot(root), snapshot(outside)) == (before, elsewhere)


@pytest.mark.parametrize("dangling", [False, True], ids=["to a folder", "to nothing yet"])
def test_release_into_editions_that_links_out_is_refused(
    built: Path, tmp_path: Path, dangling: bool
) -> None:
    root, outside = copy(built, tmp_path), tmp_path / "outside"
    if not dangling:
        outside.mkdir()
    (root / "editions").symlink_to(outside)
    before = tree(root)
    assert run("release", root) == (
        1,
        f"Error: cannot release: {root / 'editions'} is a link to a place outside the project\n",
    )
    assert tree(root) == before
    assert not dangling or not outside.exists()
    assert dangling or not list(outside.iterdir())


@pytest.mark.parametrize("dangling", [False, True], ids=["to a folder", "to nothing yet"])
def test_release_onto_an_edition_that_links_out_is_refused(
    built: Path, tmp_path: Path, dangling: bool
) -> None:
    root, outside = copy(built, tmp_path), tmp_path / "outside"
    if not dangling:
        outside.mkdir()
    (root / "editions").mkdir()
    (root / "editions/1.0").symlink_to(outside)
    before = tree(root)
    code, output = run("release", root)
    assert code == 1, output
    assert output.startswith(f"Error: edition 1.0 is already released ({root / 'editions/1.0'})")
    assert tree(root) == before
    assert not dangling or not outside.exists()
    assert dangling or not list(outside.iterdir())


# --- 9: a save during a release ----------------------------------------------------------


def test_release_records_the_bytes_the_build_read_even_if_a_save_lands_during_it(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save that lands after the release has checked the build cannot make the edition's
    brief.md differ from its brief.json: the release copies what the build read."""
    root = copy(built, tmp_path)
    read = {name: (root / name).read_bytes() for name in ("brief.md", "seeds/sources.yaml")}
    checked = briefing.stamp.why_not_built

    def saved_right_after_the_check(*args: object, **kwargs: object) -> str:
        reason = checked(*args, **kwargs)  # type: ignore[arg-type]
        with (root / "brief.md").open("a", encoding="utf-8") as brief:
            brief.write("\nA paragraph saved during the release.\n")
        (root / "seeds/sources.yaml").write_text("sources: {}\n", encoding="utf-8")
        return reason

    monkeypatch.setattr("briefing.release.why_not_built", saved_right_after_the_check)
    ok("release", root)
    edition = root / "editions/1.0"
    assert {name: (edition / name).read_bytes() for name in read} == read
    assert (edition / "brief.json").read_bytes() == (root / "dist/brief.json").read_bytes()


def test_release_records_a_byte_order_mark_as_the_build_read_it(
    built: Path, tmp_path: Path
) -> None:
    root = copy(built, tmp_path)
    brief = root / "brief.md"
    brief.write_bytes(b"\xef\xbb\xbf" + brief.read_bytes())
    ok("build", root)
    ok("release", root)
    assert (root / "editions/1.0/brief.md").read_bytes() == brief.read_bytes()


# --- the stamp that came with a project --------------------------------------------------


def made_deep(path: Path) -> None:
    path.write_bytes(NESTED)


@pytest.mark.parametrize(
    "change", [made_a_pipe, made_deep, made_large], ids=["a named pipe", "nested", "too large"]
)
def test_a_stamp_that_cannot_be_read_means_a_new_build(
    released: Path, tmp_path: Path, change: Callable[[Path], None]
) -> None:
    """The output folder's stamp may come with the project: one that is a named pipe, too
    large or nested too deep is no stamp, never a wait or a traceback (a process, so that
    a hang ends in a timeout)."""
    root = copy(released, tmp_path)
    change(root / "dist/.briefing-stamp")
    assert_rebuilt(root)


def test_a_stamp_naming_a_pipe_as_a_file_the_build_read_means_a_new_build(
    released: Path, tmp_path: Path
) -> None:
    """A stamp that matches the project (anyone can make one) but lists a named pipe among
    the files the build read: the pipe is never opened for reading, the build is redone."""
    root = copy(released, tmp_path)
    os.mkfifo(root / "pipe")
    stamp = json.loads((root / "dist/.briefing-stamp").read_text("utf-8"))
    stamp["resources"]["pipe"] = "0" * 64
    (root / "dist/.briefing-stamp").write_text(json.dumps(stamp), "utf-8")
    assert_rebuilt(root)


def assert_rebuilt(root: Path) -> None:
    """A JSON build of root is made (not found up to date), in a process that a hang ends."""
    done = subprocess.run(
        [sys.executable, "-m", "briefing", "build", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (done.returncode, done.stdout) == (0, f"wrote {root / 'dist/brief.json'}\n"), done.stderr
