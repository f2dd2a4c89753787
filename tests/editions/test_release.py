"""`briefing release`: an edition frozen from the last build, and what it refuses."""

from __future__ import annotations

import errno
import fcntl
import json
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing.options import Options
from briefing.release import release

from ..conftest import run
from .conftest import copy, line_of, new_project, ok, set_field, snapshot


def test_release_copies_the_build_byte_for_byte_and_keeps_it_up_to_date(
    built: Path, tmp_path: Path
) -> None:
    root = copy(built, tmp_path)
    dist_before = snapshot(root / "dist")
    edition = root / "editions" / "1.0"
    assert run("release", root) == (0, f"released edition 1.0: {edition}\n")
    # The build's brief.json and brief.pdf, with the brief.md and registers it was made from.
    assert snapshot(edition) == {
        "brief.json": (root / "dist/brief.json").read_bytes(),
        "brief.pdf": (root / "dist/brief.pdf").read_bytes(),
        "brief.md": (root / "brief.md").read_bytes(),
        "seeds": None,
        "seeds/sources.yaml": (root / "seeds/sources.yaml").read_bytes(),
        "figures": None,
        "figures/timeline.yaml": (root / "figures/timeline.yaml").read_bytes(),
    }
    assert sorted(p.name for p in (root / "editions").iterdir()) == ["1.0"]  # no staging left
    # editions/ is not an input: the release leaves the output folder, its stamp included,
    # as it was, and the build stays up to date.
    assert snapshot(root / "dist") == dist_before
    code, output = run("build", root)
    assert code == 0 and output.startswith("up to date: "), output
    assert snapshot(root / "dist") == dist_before


def test_a_version_is_released_once(built: Path, tmp_path: Path) -> None:
    root = copy(built, tmp_path)
    ok("release", root)
    (root / "editions/1.0/brief.md").write_text("edited after release\n", encoding="utf-8")
    before = snapshot(root)
    code, output = run("release", root)
    assert code == 1
    assert output == (
        f"Error: edition 1.0 is already released ({root / 'editions' / '1.0'}): raise "
        "'version' in brief.md for a new edition\n"
    )
    assert snapshot(root) == before


def refused(reason: str) -> str:
    """What `briefing release` prints when the build cannot be released."""
    return f"Error: cannot release: {reason}; run 'briefing build', then release\n"


CHANGED = "the project (or briefing itself) changed since the last build"


def test_release_without_a_build_is_refused(tmp_path: Path) -> None:
    root = new_project(tmp_path / "brief")
    assert run("release", root) == (1, refused(f"{root / 'dist'} holds no build"))
    elsewhere = tmp_path / "elsewhere"
    assert run("release", root, "-o", elsewhere) == (1, refused(f"{elsewhere} holds no build"))
    assert not (root / "editions").exists()


def test_a_refused_release_creates_no_output_folder(tmp_path: Path) -> None:
    """A release changes nothing when it refuses: not even an empty output folder (or the
    lock file in it) where no build has been."""
    root = new_project(tmp_path / "brief")
    before = snapshot(root)
    assert run("release", root)[0] == 1
    assert run("release", root, "-o", tmp_path / "elsewhere")[0] == 1
    assert snapshot(root) == before
    assert not (tmp_path / "elsewhere").exists()


def _append(name: str, text: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        with (root / name).open("a", encoding="utf-8") as file:
            file.write(text)

    return change


STALE: dict[str, tuple[Callable[[Path], None], str]] = {
    "brief.md edited": (_append("brief.md", "\nA closing remark.\n"), CHANGED),
    "source register edited": (_append("seeds/sources.yaml", "# a comment\n"), CHANGED),
    "source document edited": (_append("seeds/harbour-report.txt", "\nA late line.\n"), CHANGED),
    "timeline edited": (_append("figures/timeline.yaml", "# a comment\n"), CHANGED),
    "built PDF altered": (
        _append("dist/brief.pdf", "%"),
        "brief.pdf changed since the last build wrote it",
    ),
    "built JSON removed": (
        lambda root: (root / "dist/brief.json").unlink(),
        "brief.json changed since the last build wrote it",
    ),
    "built PDF removed": (
        lambda root: (root / "dist/brief.pdf").unlink(),
        "brief.pdf changed since the last build wrote it",
    ),
}


@pytest.mark.parametrize(("change", "reason"), list(STALE.values()), ids=list(STALE))
def test_release_of_a_stale_build_is_refused(
    built: Path, tmp_path: Path, change: Callable[[Path], None], reason: str
) -> None:
    root = copy(built, tmp_path)
    change(root)
    before = snapshot(root)
    assert run("release", root) == (1, refused(reason))
    assert snapshot(root) == before


def test_release_of_a_build_without_the_pdf_is_refused(built: Path, tmp_path: Path) -> None:
    root = copy(built, tmp_path)
    ok("build", root, "--format", "json")
    before = snapshot(root)
    assert run("release", root) == (1, refused("the last build did not write brief.pdf"))
    assert snapshot(root) == before


@pytest.mark.parametrize(
    "options",
    [["--paper", "letter"], ["--format", "pdf", "--format", "json"]],
    ids=["letter paper", "PDF and JSON only"],
)
def test_a_build_made_with_other_options_is_released(
    built: Path, tmp_path: Path, options: list[str]
) -> None:
    root = copy(built, tmp_path)
    ok("build", root, *options)
    dist = snapshot(root / "dist")
    assert run("release", root) == (0, f"released edition 1.0: {root / 'editions' / '1.0'}\n")
    for name in ("brief.json", "brief.pdf"):
        assert (root / "editions/1.0" / name).read_bytes() == dist[name]
    assert snapshot(root / "dist") == dist
    assert ok("build", root, *options).startswith("up to date: ")


def test_release_waits_for_the_output_folders_lock(built: Path, tmp_path: Path) -> None:
    """A build holding the output folder's lock may be replacing the outputs: the release
    copies them only once the lock is free."""
    root = copy(built, tmp_path)
    done: list[Path | BaseException] = []

    def release_it() -> None:
        try:
            done.append(release(root, Options()))
        except BaseException as error:  # reported by the assertion below
            done.append(error)

    with (root / "dist/.briefing.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        thread = threading.Thread(target=release_it)
        thread.start()
        thread.join(1.0)
        assert thread.is_alive() and not done
        assert not (root / "editions").exists()
        fcntl.flock(lock, fcntl.LOCK_UN)
    thread.join(30)
    assert done == [root / "editions" / "1.0"]


def test_a_release_that_fails_midway_leaves_nothing_behind(
    second: Path, built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staged and renamed into place: a copy that fails leaves no edition, no staging folder
    and no editions/ folder that was not there before."""
    first, later = copy(built, tmp_path, "first"), copy(second, tmp_path, "later")
    copy2 = shutil.copy2

    def failing(source: Path, target: Path) -> object:
        if Path(source).name == "brief.pdf":
            raise OSError(errno.ENOSPC, "No space left on device")
        return copy2(source, target)

    monkeypatch.setattr(shutil, "copy2", failing)
    for root, version in ((first, "1.0"), (later, "2.0")):
        before = snapshot(root)
        assert run("release", root) == (
            1,
            f"Error: {root / 'editions' / version}: cannot release: No space left on device\n",
        )
        assert snapshot(root) == before


@pytest.mark.parametrize("version", ["1 0", "../1.0", "1.0.", "CON"])
def test_a_version_that_cannot_name_a_folder_is_refused(
    built: Path, tmp_path: Path, version: str
) -> None:
    root = copy(built, tmp_path)
    brief = root / "brief.md"
    text = set_field(brief.read_text("utf-8"), "version", f'version: "{version}"')
    brief.write_text(text, "utf-8")
    ok("build", root)
    before = snapshot(root)
    assert run("release", root) == (
        1,
        f"Error: brief.md: version '{version}' cannot name a folder of editions/: use "
        "letters, digits, '.', '-' and '_', such as 2.0\n",
    )
    assert snapshot(root) == before
    assert not (root / "editions").exists() and not (root / "1.0").exists()


@pytest.mark.parametrize("version", ["../x", "1.0.", "CON"])
def test_a_version_that_cannot_name_a_folder_is_a_build_warning(
    built: Path, tmp_path: Path, version: str
) -> None:
    root, out = copy(built, tmp_path), tmp_path / "out"
    brief = root / "brief.md"
    text = set_field(brief.read_text("utf-8"), "version", f'version: "{version}"')
    brief.write_text(text, "utf-8")
    code, output = run("build", root, "-o", out, "--format", "json")
    assert code == 0, output
    line = line_of(brief.read_text("utf-8"), "version:")
    assert output.splitlines()[:2] == [
        f"brief.md:{line}:10: warning: version '{version}' cannot name a folder of editions/, "
        "so it cannot be released",
        "    use letters, digits, '.', '-' and '_', such as 2.0",
    ]


def test_a_version_written_as_a_number_is_a_warning(built: Path, tmp_path: Path) -> None:
    """YAML reads 0.10 as the number 0.1: the brief is built, with a warning."""
    root, out = copy(built, tmp_path), tmp_path / "out"
    brief = root / "brief.md"
    brief.write_text(set_field(brief.read_text("utf-8"), "version", "version: 0.10"), "utf-8")
    code, output = run("build", root, "-o", out, "--format", "json")
    assert code == 0, output
    assert output.splitlines()[:2] == [
        f"brief.md:{line_of(brief.read_text('utf-8'), 'version:')}:10: warning: 'version' is "
        "read as the number 0.1: write it in quotes",
        '    version: "0.1" (or as you meant it, such as "1.10")',
    ]


def test_a_stale_build_after_raising_the_version_is_refused_as_stale(
    built: Path, tmp_path: Path
) -> None:
    root = copy(built, tmp_path)
    ok("release", root)
    brief = root / "brief.md"
    brief.write_text(set_field(brief.read_text("utf-8"), "version", 'version: "1.1"'), "utf-8")
    before = snapshot(root)
    assert run("release", root) == (1, refused(CHANGED))
    assert snapshot(root) == before


def test_an_empty_version_is_refused_as_a_bad_version(built: Path, tmp_path: Path) -> None:
    root = copy(built, tmp_path)
    brief = root / "brief.md"
    brief.write_text(set_field(brief.read_text("utf-8"), "version", 'version: ""'), "utf-8")
    ok("build", root)
    (root / "editions").mkdir()
    code, output = run("release", root)
    assert code == 1
    assert "version '' cannot name a folder" in output, output


def test_the_previous_edition_is_read_by_the_build_that_names_it(
    second: Path, tmp_path: Path
) -> None:
    """editions/ is no input of its own: the build that compares with
    editions/1.0/brief.json is stale once that file changes, but releasing another edition
    keeps the build up to date."""
    root = copy(second, tmp_path)
    previous = root / "editions/1.0/brief.json"
    previous.write_text(json.dumps(json.loads(previous.read_text("utf-8"))), encoding="utf-8")
    before = snapshot(root)
    assert run("release", root) == (1, refused(CHANGED))
    assert snapshot(root) == before
    assert not ok("build", root).startswith("up to date: ")
    dist = snapshot(root / "dist")
    ok("release", root)
    assert snapshot(root / "dist") == dist
    assert ok("build", root).startswith("up to date: ")
