"""Writing files whole or not at all (briefing/atomic.py): no write leaves its temporary
behind, one a killed command left is removed by the next write in its folder, and none is
ever read as a project's file."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import cache
from briefing.atomic import TEMPORARY, Staged, staged_folder, write_atomically
from briefing.cache import code_digest
from briefing.cli import main
from briefing.diagnostics import BriefingError, Diagnostics
from briefing.output import write_outputs
from briefing.project import load_project
from tests.conftest import MakeProject


def dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(f"{TEMPORARY}*"))


def full_disk(*args: object) -> None:
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("failing", ["replace", "fsync", "write"])
def test_a_failed_write_leaves_no_temporary_and_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "register.yaml"
    path.write_text("as it was\n", encoding="utf-8")
    if failing == "write":
        monkeypatch.setattr(os, "fchmod", full_disk)  # fails after the file is created
    else:
        monkeypatch.setattr(os, failing, full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(path, b"new words\n")
    assert temporaries(tmp_path) == []
    assert path.read_text(encoding="utf-8") == "as it was\n"


def test_a_write_is_whole_with_the_mode_asked(tmp_path: Path) -> None:
    write_atomically(tmp_path / "register.yaml", b"sources: {}\n", mode=0o600)
    assert (tmp_path / "register.yaml").read_bytes() == b"sources: {}\n"
    assert (tmp_path / "register.yaml").stat().st_mode & 0o777 == 0o600
    assert temporaries(tmp_path) == []


def test_outputs_that_cannot_all_be_placed_leave_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, calls = os.replace, []

    def second_fails(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == 2:
            full_disk()
        real(source, target)

    monkeypatch.setattr(os, "replace", second_fails)
    files = {"brief.html": b"<p>", "copies/brief-01.pdf": b"%PDF", "brief.json": b"{}"}
    with pytest.raises(BriefingError, match="cannot write outputs"):
        write_outputs(tmp_path / "dist", files)
    assert temporaries(tmp_path) == []


def test_a_stale_temporary_is_removed_by_the_next_write_and_a_live_ones_kept(
    tmp_path: Path,
) -> None:
    dead = tmp_path / f"{TEMPORARY}{dead_pid()}-a1b2c3"
    live = tmp_path / f"{TEMPORARY}{os.getpid()}-d4e5f6"  # a write of a running command
    old = tmp_path / f"{TEMPORARY}{os.getppid()}-0a0b0c"
    folder = tmp_path / f"{TEMPORARY}{dead_pid()}-0d0e0f"  # a release's staged edition
    for temporary in (dead, live, old):
        temporary.write_bytes(b"half a file")
    folder.mkdir()
    (folder / "brief.json").write_bytes(b"{")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))  # its process runs, but no write is so slow

    write_atomically(tmp_path / "brief.json", b"{}")
    assert temporaries(tmp_path) == [live.name]
    assert (tmp_path / "brief.json").read_bytes() == b"{}"


def test_stale_temporaries_elsewhere_are_left_to_the_writes_there(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    elsewhere = tmp_path / "other" / f"{TEMPORARY}{dead_pid()}-a1b2c3"
    elsewhere.write_bytes(b"half a file")
    write_atomically(tmp_path / "brief.json", b"{}")
    assert elsewhere.exists()


def test_a_link_named_as_a_temporary_is_removed_not_followed(tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep me\n", encoding="utf-8")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / f"{TEMPORARY}{dead_pid()}-a1b2c3").symlink_to(precious)
    write_atomically(tmp_path / "dist" / "brief.json", b"{}")
    assert temporaries(tmp_path / "dist") == []
    assert (precious / "keep.txt").read_text(encoding="utf-8") == "keep me\n"


def test_a_staged_folder_is_gone_once_renamed_or_failed(tmp_path: Path) -> None:
    with staged_folder(tmp_path) as staging:
        (staging / "brief.json").write_bytes(b"{}")
        staging.rename(tmp_path / "1.0")
    with pytest.raises(OSError), staged_folder(tmp_path) as staging:
        (staging / "brief.json").write_bytes(b"{}")
        full_disk()
    assert temporaries(tmp_path) == []
    assert (tmp_path / "1.0" / "brief.json").read_bytes() == b"{}"


def test_staged_files_are_placed_in_order_only_when_asked(tmp_path: Path) -> None:
    with Staged() as staged:
        staged.add(tmp_path / "copy.txt", b"copy")
        staged.add(tmp_path / "register.yaml", b"register")
        assert sorted(p.name for p in tmp_path.iterdir()) == temporaries(tmp_path)
        staged.place()
    assert staged.placed == [tmp_path / "copy.txt", tmp_path / "register.yaml"]
    assert temporaries(tmp_path) == []


def test_a_temporary_is_never_read_as_a_source(make_project: MakeProject) -> None:
    root = make_project()
    left = root / "seeds" / f"{TEMPORARY}{dead_pid()}-a1b2c3"
    left.write_text("Half of a copy add-source was writing when it was killed.\n", "utf-8")
    assert sorted(load_project(root, Diagnostics()).source_files) == ["cranes.txt", "harbour.txt"]
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    assert "against 2 sources" in result.output
    assert "seeds/." not in result.output and "not listed" not in result.output
    assert left.exists()  # check writes nothing, so it removes nothing


def test_a_build_removes_the_stale_temporaries_of_its_output_folder(
    make_project: MakeProject,
) -> None:
    root = make_project()
    (root / "dist").mkdir()
    left = root / "dist" / f"{TEMPORARY}{dead_pid()}-a1b2c3"
    left.write_bytes(b"half a brief.json")
    result = CliRunner().invoke(main, ["build", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert temporaries(root) == []
    assert (root / "dist" / "brief.json").is_file()


def test_the_code_digest_changes_with_the_code_and_only_with_it(tmp_path: Path) -> None:
    """A cache key holds the digest of the code that made the entry: other code, other key."""
    digests = []
    for folder, body in (("a", "X = 1\n"), ("b", "X = 2\n"), ("c", "X = 1\n")):
        path = tmp_path / folder / "reader.py"
        path.parent.mkdir()
        path.write_text(body, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(f"reader_{folder}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        digests.append(code_digest(module))
    assert digests[0] != digests[1] and digests[0] == digests[2]
    assert code_digest() not in digests  # the whole package's


def test_the_code_digest_passes_over_an_editors_lock_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Emacs leaves `.#name.py` as a link to nothing beside a file being edited: the tool's
    digest once failed on it, and every build with it."""
    (tmp_path / "module.py").write_text("X = 1\n", encoding="utf-8")
    (tmp_path / ".#module.py").symlink_to("user@host.1234")
    monkeypatch.setattr(cache, "PACKAGE", tmp_path)
    assert cache._package_files() == [tmp_path / "module.py"]
    assert cache.code_digest.__wrapped__()  # no error, a digest
