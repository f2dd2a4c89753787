"""The README says what is true. Its quick start runs as written: in a shell whose PATH has
no briefing, from the activation line to `briefing build`, with the writer's edits made by a
stand-in `$EDITOR`. Its "How it works" names modules that exist, and the fields of a reader
and a format as the code has them."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import docx

from briefing.formats import Format
from briefing.readers.base import Reader

from .conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "sources"
README = (REPO / "README.md").read_text(encoding="utf-8")
QUICK_START = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
HOW_IT_WORKS = README.split("## How it works", 1)[1].split("\n## ", 1)[0]
SET_UP, WRITING = re.findall(r"```sh\n(.*?)```", QUICK_START, re.DOTALL)
# Real documents of the kinds the quick start adds (a Word document is made in the test).
SAVED = {".html": "ars-1.html", ".pdf": "multicolumn.pdf"}
# A sentence of the saved web page, which the stand-in editor cites.
PASSAGE = "The bug resides in the networking internals of the Minecraft protocol."

EDITOR = f"""#!{sys.executable}
# The writer's edits: every source graded, a passage of the page cited where the README says.
import sys
from pathlib import Path
from ruamel.yaml import YAML

path = Path(sys.argv[1])
if path.name == "sources.yaml":
    yaml = YAML()
    register = yaml.load(path)
    for entry in register["sources"].values():
        entry.setdefault("reliability", "C")
        entry.setdefault("reliability_reason", "not yet assessed")
        entry.setdefault("credibility", 3)
        entry.setdefault("credibility_reason", "not yet corroborated")
    yaml.dump(register, path)
else:
    with path.open("a", encoding="utf-8") as brief:
        brief.write(PARAGRAPH)
"""


def _commands(block: str) -> list[list[str]]:
    """Each line of a shell block as its words, comments left out."""
    return [words for line in block.splitlines() if (words := shlex.split(line, comments=True))]


def _downloads(home: Path) -> list[Path]:
    """The files the quick start adds, each a real document of its kind, where it says."""
    paths = [
        home / word.removeprefix("~/")
        for words in _commands(WRITING)
        if words[:2] == ["briefing", "add-source"]
        for word in words[2:]
        if word.startswith("~/")
    ]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".docx":
            document = docx.Document()
            document.add_paragraph("Soldiers of the presidential guard held the president.")
            document.save(str(path))
        else:
            shutil.copyfile(FIXTURES / SAVED[path.suffix], path)
    return paths


def test_set_up_commands_are_make_targets() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = [words[1] for words in _commands(SET_UP)]
    assert targets == ["brief", "test"]
    assert all(re.search(rf"^{target}:", makefile, re.MULTILINE) for target in targets)


def test_quick_start_runs_as_written(tmp_path: Path) -> None:
    # The activation line names the venv `make brief` makes; the clone's is this one.
    activation = _commands(WRITING)[0]
    assert activation == [".", ".venv/bin/activate"]
    assert re.search(r"^VENV := \.venv$", (REPO / "Makefile").read_text(), re.MULTILINE)
    clone, home = tmp_path / "clone", tmp_path / "home"
    clone.mkdir()
    (clone / ".venv").symlink_to(sys.prefix)
    added = _downloads(home)
    cited = re.search(r'\[@([\w-]+) "a passage"\]', WRITING)
    assert cited and len(added) == 3
    editor = tmp_path / "editor"
    paragraph = f'\n## Further reading\n\n{PASSAGE} [@{cited[1]} "{PASSAGE}"]\n'
    editor.write_text(EDITOR.replace("PARAGRAPH", repr(paragraph)), encoding="utf-8")
    editor.chmod(0o755)
    env = {**os.environ, "HOME": str(home), "PATH": "/usr/bin:/bin", "EDITOR": str(editor)}
    env.pop("VIRTUAL_ENV", None)
    shell = subprocess.run(
        ["bash", "-e", "-c", WRITING], cwd=clone, env=env, capture_output=True, text=True
    )
    assert shell.returncode == 0, shell.stdout + shell.stderr
    project = home / "briefs" / "niger"
    brief = json.loads((project / "dist" / "brief.json").read_text(encoding="utf-8"))
    assert (project / "dist" / "brief.pdf").read_bytes().startswith(b"%PDF")
    assert len(brief["sources"]) == 4  # the example's and the three added
    assert any(c["source"] == cited[1] and c["quote"] == PASSAGE for c in brief["citations"])
    assert "not yet graded" not in shell.stderr


def test_how_it_works_names_modules_that_exist() -> None:
    named = set(re.findall(r"[\w/]+\.(?:py|js)\b", HOW_IT_WORKS))
    assert "readers/registry.py" in named
    files = [p.relative_to(REPO).as_posix() for p in (REPO / "briefing").rglob("*")]
    files += [p.relative_to(REPO).as_posix() for p in (REPO / "tests").glob("*.py")]
    missing = [n for n in named if not any(f == n or f.endswith(f"/{n}") for f in files)]
    assert not missing, f"README's How it works names modules that do not exist: {missing}"


def test_how_it_works_gives_reader_and_format_fields() -> None:
    for kind in (Reader, Format):
        written = re.search(rf"`{kind.__name__}\(([^)]*)\)`", HOW_IT_WORKS)
        assert written, kind.__name__
        names = {name.strip().split("=")[0] for name in written[1].split(",")}
        assert names == {field.name for field in dataclasses.fields(kind)}
