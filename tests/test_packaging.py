"""The wheel carries the shipped layouts, so an installed briefing builds any project."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import REPO


def test_wheel_contains_package_and_layouts(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("briefing-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"briefing/layouts/{p.name}" for p in (REPO / "layouts").iterdir()}
    assert shipped and shipped <= names
    assert "briefing/build.py" in names
    assert "briefing/example_project/brief.md" in names  # for `briefing new`
    assert not any(name.startswith(("tests/", "seeds/")) for name in names)
