"""`briefing add-source` under concurrency, kills and links: the register and seeds/ are
always whole, and nothing is read or written outside the project."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from briefing.files import SOURCES
from briefing.output import project_locked
from tests.conftest import MakeProject, run

# add-source in a process whose Nth call of os.replace or os.fsync (argv: the name, N)
# first kills the process, or says "paused" and waits for a line on stdin.
HOOKED = """\
import os, signal, sys
from briefing.cli import main
action, name, at = sys.argv[1], sys.argv[2], int(sys.argv[3])
real, calls = getattr(os, name), []
def hooked(*args, **kwargs):
    if len(calls) == at and action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if len(calls) == at:
        print("paused", flush=True)
        sys.stdin.readline()
    calls.append(args)
    return real(*args, **kwargs)
setattr(os, name, hooked)
main(["add-source", *sys.argv[4:]], prog_name="briefing")
"""


def note(folder: Path, name: str) -> Path:
    """A small text source, its words its own."""
    path = folder / f"{name}.txt"
    path.write_text(f"Note {name}\n\nThe {name} committee met on Tuesday.\n", encoding="utf-8")
    return path


def briefing(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "briefing", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def hooked(action: str, name: str, at: int, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", HOOKED, action, name, str(at), *args]
    return subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def registered(root: Path) -> dict[str, str]:
    """Each source id with its file's name."""
    entries = yaml.safe_load((root / SOURCES).read_text(encoding="utf-8"))["sources"]
    return {ident: entry["file"] for ident, entry in entries.items()}


def seeds(root: Path) -> set[str]:
    return {p.name for p in (root / "seeds").iterdir()} - {"sources.yaml"}


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# Two at once


def test_add_sources_run_at_once_each_keep_their_entry(
    make_project: MakeProject, tmp_path: Path
) -> None:
    for round_number in range(3):
        root = make_project()
        names = [f"r{round_number}-n{n}" for n in range(4)]
        running = [briefing("add-source", str(note(tmp_path, n)), "-p", str(root)) for n in names]
        outputs = [process.communicate(timeout=60)[0] for process in running]
        assert [process.returncode for process in running] == [0] * 4, outputs
        files = registered(root)
        assert {f"{n}.txt" for n in names} <= set(files.values()), outputs
        assert set(files.values()) == seeds(root)  # every file registered, every entry's file there


def _blocked_on_a_lock(pid: int) -> bool:
    """Whether the process waits for a file lock (Linux lists the waiters with '->')."""
    lines = Path("/proc/locks").read_text().splitlines()
    return any(line.split()[1] == "->" and line.split()[5] == str(pid) for line in lines)


def _wait_until_blocked(process: subprocess.Popen[str]) -> None:
    """Until the process waits for a lock (or, taking none, has finished)."""
    while process.poll() is None and not _blocked_on_a_lock(process.pid):
        time.sleep(0.01)


def test_a_check_waits_for_add_source_and_sees_the_project_whole(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project()
    # Paused before its last rename: the copy is in seeds/ and the register not yet replaced.
    adding = hooked("pause", "replace", 1, str(note(tmp_path, "minutes")), "-p", str(root))
    assert adding.stdout and adding.stdout.readline() == "paused\n"
    checking = briefing("check", str(root))
    _wait_until_blocked(checking)
    adding.communicate("go\n", timeout=60)
    output = checking.communicate(timeout=60)[0]
    assert adding.returncode == 0 and checking.returncode == 0, output
    assert "not listed" not in output
    assert "against 3 sources" in output  # the new one, whole


def test_release_takes_the_same_lock(make_project: MakeProject) -> None:
    root = make_project()
    (root / "dist").mkdir()
    with project_locked(root, exclusive=True):
        releasing = briefing("release", str(root))
        _wait_until_blocked(releasing)
        assert releasing.poll() is None  # it waits
    output = releasing.communicate(timeout=60)[0]
    assert releasing.returncode == 1 and "holds no build" in output, output


def test_add_source_says_it_waits_for_a_build(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project()
    with project_locked(root):  # as a build holds it
        adding = briefing("add-source", str(note(tmp_path, "minutes")), "-p", str(root))
        _wait_until_blocked(adding)
        assert adding.poll() is None
    output = adding.communicate(timeout=60)[0]
    assert adding.returncode == 0, output
    assert output.startswith(f"waiting for another briefing command on {root} to finish\n")
    assert "added minutes" in output


# A kill at each step


@pytest.mark.parametrize(
    ("name", "at"),
    [("fsync", 0), ("fsync", 1), ("replace", 0), ("replace", 1)],
    ids=["writing the copy", "writing the register", "placing the copy", "placing the register"],
)
def test_add_source_killed_at_any_step_leaves_no_debris_that_matters(
    make_project: MakeProject, tmp_path: Path, name: str, at: int
) -> None:
    root = make_project()
    source = note(tmp_path, "minutes")
    killed = hooked("kill", name, at, str(source), "-p", str(root))
    killed.communicate(timeout=60)
    assert killed.returncode == -9

    code, output = run("check", str(root))
    assert code == 0 and "seeds/." not in output  # no warning about a temporary file

    code, output = run("add-source", str(source), "-p", str(root))
    assert code == 0 and "added minutes: seeds/minutes.txt" in output, output
    assert registered(root)["minutes"] == "minutes.txt"
    assert seeds(root) == {"harbour.txt", "cranes.txt", "minutes.txt"}  # the debris is gone
    assert "not listed" not in run("check", str(root))[1]


def test_a_copy_left_unregistered_is_reused_only_if_its_bytes_are_the_same(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project()
    (root / "seeds" / "minutes.txt").write_text("other words\n", encoding="utf-8")
    code, output = run("add-source", str(note(tmp_path, "minutes")), "-p", str(root))
    assert code == 0 and "added minutes: seeds/minutes-2.txt" in output, output
    assert (root / "seeds" / "minutes.txt").read_text(encoding="utf-8") == "other words\n"


# Links out of the project


@pytest.mark.parametrize(
    ("linked", "message"),
    [
        ("seeds", "seeds: error: folder is a link to a place outside the project"),
        (SOURCES, f"{SOURCES}: error: file is a link to a place outside the project"),
        ("seeds/minutes.txt", "seeds/minutes.txt: error: file is a link to a place outside"),
    ],
)
def test_add_source_through_a_link_out_of_the_project_changes_nothing(
    make_project: MakeProject, tmp_path: Path, linked: str, message: str
) -> None:
    root = make_project()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / Path(linked).name
    (root / linked).rename(target) if (root / linked).exists() else target.write_text("x\n")
    (root / linked).symlink_to(target)
    before, outside = files_of(root), files_of(elsewhere)

    code, output = run("add-source", str(note(tmp_path, "minutes")), "-p", str(root))
    assert code == 1 and message in output and "Traceback" not in output, output
    assert files_of(root) == before and files_of(elsewhere) == outside
    assert (root / linked).is_symlink()


def test_a_register_linked_inside_the_project_is_not_replaced_by_a_copy(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project()
    (root / "registers").mkdir()
    (root / SOURCES).rename(root / "registers" / "sources.yaml")
    (root / SOURCES).symlink_to(Path("..", "registers", "sources.yaml"))
    before = files_of(root)
    code, output = run("add-source", str(note(tmp_path, "minutes")), "-p", str(root))
    assert code == 1 and f"{SOURCES}: error: file is a link; add-source would" in output, output
    assert files_of(root) == before and (root / SOURCES).is_symlink()


def test_a_link_in_place_of_the_output_lock_is_refused_not_written_through(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n", encoding="utf-8")
    (root / "dist").mkdir()
    (root / "dist" / ".briefing.lock").symlink_to(precious)
    code, output = run("build", str(root), "--format", "json")
    assert code == 1 and "dist/.briefing.lock: is a link" in output, output
    assert precious.read_text(encoding="utf-8") == "keep me\n"
