"""`briefing watch`: rebuilds on change, reports errors and keeps going."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from briefing.watch import changed_inputs

from .conftest import BRIEF, MakeProject


def test_changed_inputs_leave_out_outputs_editor_files_and_other_files(tmp_path: Path) -> None:
    paths = [tmp_path / "brief.md", tmp_path / "dist" / "brief.pdf", tmp_path / "brief.md~",
             tmp_path / ".git" / "index", tmp_path / "seeds" / "a.txt",
             tmp_path / "notes.txt", tmp_path / "tests" / "test_x.py"]  # fmt: skip
    assert changed_inputs(tmp_path, tmp_path / "dist", map(str, paths)) == [
        "brief.md",
        "seeds/a.txt",
    ]


def test_watch_rebuilds_and_survives_errors(make_project: MakeProject) -> None:
    root = make_project()
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", "watch", str(root), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()

    def read_lines() -> None:
        for x in process.stdout or []:
            lines.put(x)

    threading.Thread(target=read_lines, daemon=True).start()

    def wait_for(text: str, timeout: float = 60) -> list[str]:
        seen, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if text in line:
                return seen
        raise AssertionError(f"no {text!r} in {seen}")

    try:
        wait_for("rebuilt in")
        json_file = root / "dist" / "brief.json"
        first = json_file.read_text(encoding="utf-8")
        (root / "brief.md").write_text(BRIEF.replace("Port Ellis", "Port Ellis today"), "utf-8")
        seen = wait_for("rebuilt in")
        assert any(line.startswith("changed: brief.md") for line in seen)
        assert json_file.read_text(encoding="utf-8") != first
        (root / "brief.md").write_text(BRIEF.replace("[@harbour]", "[@harbor]"), "utf-8")
        seen = wait_for("build failed in")
        assert any("error: unknown source 'harbor'" in line for line in seen)
        assert process.poll() is None  # still watching
        (root / "brief.md").write_text(BRIEF, "utf-8")
        wait_for("rebuilt in")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_watch_says_one_line_a_cycle_and_stops_cleanly_on_ctrl_c(
    make_project: MakeProject,
) -> None:
    root = make_project()
    subprocess.run(
        [sys.executable, "-m", "briefing", "build", str(root), "--format", "json"], check=True
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", "watch", str(root), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    try:
        assert process.stdout.readline() == f"watching {root}\n"
        assert process.stdout.readline() == "up to date; watching for changes\n"
        (root / "brief.md").write_text(BRIEF.replace("Port Ellis", "Port Ellis today"), "utf-8")
        line = process.stdout.readline()
        assert line.startswith("changed: brief.md; rebuilt in ") and "wrote" not in line
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert rest == "stopped watching\n"


def test_a_stop_that_arrives_in_a_finaliser_ends_the_build_quietly() -> None:
    # SIGTERM's handler raises SystemExit wherever the build is; in a finaliser or a weak
    # reference's callback Python would print "Exception ignored" and build on.
    script = """
import multiprocessing, sys
from briefing.watch import end_with_parent
parent, child = multiprocessing.Pipe()
end_with_parent(child)
class Stopped:
    def __del__(self):
        raise SystemExit(143)
Stopped()
print("built on")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (143, "", "")
