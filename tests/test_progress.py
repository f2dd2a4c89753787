"""-v, -q and --timings: what `briefing build` and `briefing check` say on stderr as they go.

The commands run as real processes, so that whether stderr is a terminal is decided as it
is for a user; the terminal cases give the process a pseudo-terminal for its stderr."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from briefing import progress as progress_module
from briefing.progress import ShownProgress, timings_table

from .conftest import BRIEF, SOURCES_YAML, MakeProject

FRONT = ["read project", "parse", "read sources", "verify", "figure, imports", "assemble"]
CHECK_STAGES = [*FRONT, "layout"]
BUILD_STAGES = [*CHECK_STAGES, "pdf", "html", "readahead", "json", "write"]
HTML_STAGES = [*CHECK_STAGES, "html", "write"]

# A source without grades is a warning; a quote the source does not have is an error.
CRANES_GRADES = "    reliability: F\n    credibility: 3\n"
UNGRADED = {"seeds/sources.yaml": SOURCES_YAML.replace(CRANES_GRADES, "")}
WARNING = "source 'cranes': reliability and credibility not yet graded"
MISQUOTE = {"brief.md": BRIEF.replace("before the winter", "before the summer")}
ERROR = "error: quote not found in source 'harbour'"

# Enough text for a dozen pages, so that typesetting alone takes a good part of a second.
PARAGRAPH = (
    "The harbour dispute has a long history in Port Ellis: the parties have met many times "
    "over the years without agreeing on pay, hours or the cranes on the northern quay.\n\n"
)
LONG_BRIEF = BRIEF + "\n## Background\n\n" + PARAGRAPH * 600  # some 2 s of typesetting

STAGE_LINE = re.compile(r"(?P<name>[a-z][a-z, ]*?) +(?P<seconds>\d+\.\d\d) s")
TIMINGS_LINE = re.compile(r"(?P<name>[a-z][a-z, ]*?) +(?P<seconds>\d+\.\d\d\d) s")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def environment() -> dict[str, str]:
    """This process's environment (with its private cache), as for a plain terminal."""
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONUNBUFFERED": "1"}
    for name in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        env.pop(name, None)
    return env


def briefing(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command with stdout and stderr both pipes, not terminals."""
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=120,
    )


def briefing_on_terminal(*args: str) -> tuple[int, str, str]:
    """Run the command with stderr a pseudo-terminal: exit status, stdout, and the segments
    of stderr between carriage returns and newlines, without escape sequences."""
    master, slave = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "briefing", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=environment(),
        )
    finally:
        os.close(slave)
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError as error:  # the child has closed the terminal
                if error.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
    assert process.stdout is not None
    stdout = process.stdout.read().decode()
    process.stdout.close()
    code = process.wait(timeout=120)
    screen = ANSI.sub("", b"".join(chunks).decode(errors="replace"))
    return code, stdout, screen


def segments(screen: str) -> list[str]:
    """What was written between carriage returns and newlines, blanks left out."""
    return [part.strip() for part in re.split(r"[\r\n]+", screen) if part.strip()]


def stage_names(lines: list[str], pattern: re.Pattern[str] = STAGE_LINE) -> list[str]:
    return [match["name"] for line in lines if (match := pattern.fullmatch(line))]


def timings(stderr: str) -> list[tuple[str, float]]:
    """The rows of the --timings table, asserting that every line of stderr is one."""
    rows = []
    for line in stderr.splitlines():
        match = TIMINGS_LINE.fullmatch(line)
        assert match, f"not a timings row: {line!r} in\n{stderr}"
        rows.append((match["name"], float(match["seconds"])))
    return rows


def wrote(root: Path, *names: str) -> list[str]:
    return [f"wrote {root / 'dist' / name}" for name in names]


# The stages as they happen, on a clock the test moves.


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """briefing.progress's perf_counter, reading the number in this list."""
    now = [100.0]
    monkeypatch.setattr(progress_module, "time", SimpleNamespace(perf_counter=lambda: now[0]))
    return now


def test_a_quick_build_prints_nothing_and_a_slow_one_prints_the_stages_so_far(
    clock: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    progress = ShownProgress(verbose=False)
    progress.stage("read project")
    clock[0] = 100.25
    progress.stage("parse")
    clock[0] = 100.75
    progress.stage("verify")
    assert capsys.readouterr() == ("", "")  # 0.75 s in: nothing yet
    clock[0] = 101.5
    progress.stage("layout")  # verify ends 1.5 s in: the stages so far, in order
    assert capsys.readouterr() == (
        "",
        "read project      0.25 s\nparse             0.50 s\nverify            0.75 s\n",
    )
    clock[0] = 101.75
    progress.done()
    assert capsys.readouterr() == ("", "layout            0.25 s\n")
    clock[0] = 102.0
    assert timings_table(progress).splitlines() == [
        "read project       0.250 s",
        "parse              0.500 s",
        "verify             0.750 s",
        "layout             0.250 s",
        "total              2.000 s",
    ]


def test_a_build_under_a_second_stays_quiet_to_the_end(
    clock: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    progress = ShownProgress(verbose=False)
    for name in CHECK_STAGES:
        progress.stage(name)
        clock[0] += 0.1
    progress.done()
    assert capsys.readouterr() == ("", "")
    assert [name for name, _ in progress.timings] == CHECK_STAGES


def test_verbose_prints_each_stage_as_it_ends(
    clock: list[float], capsys: pytest.CaptureFixture[str]
) -> None:
    progress = ShownProgress(verbose=True)
    progress.stage("read project")
    clock[0] += 0.01
    progress.stage("parse")
    assert capsys.readouterr() == ("", "read project      0.01 s\n")


# The commands, with stderr a pipe.


def test_verbose_build_prints_the_stages_in_order_on_stderr_only(
    make_project: MakeProject,
) -> None:
    root = make_project()
    result = briefing("build", str(root), "-v")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == wrote(
        root, "brief.pdf", "brief.html", "brief-readahead.pdf", "brief.json"
    )
    lines = result.stderr.splitlines()
    assert stage_names(lines) == BUILD_STAGES
    assert len(lines) == len(BUILD_STAGES), result.stderr  # nothing else: no status line
    assert "\x1b" not in result.stderr and "typesetting" not in result.stderr


def test_verbose_check_prints_the_stages_it_runs_and_its_summary(
    make_project: MakeProject,
) -> None:
    result = briefing("check", str(make_project()), "--verbose")
    assert result.returncode == 0, result.stderr
    assert stage_names(result.stderr.splitlines()) == CHECK_STAGES
    assert result.stdout.splitlines()[-1] == (
        "ok: 1 judgement, 7 citations verified against 2 sources, 2 events"
    )


def test_timings_table_then_none_when_up_to_date(make_project: MakeProject) -> None:
    root = make_project()
    result = briefing("build", str(root), "--timings")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == wrote(
        root, "brief.pdf", "brief.html", "brief-readahead.pdf", "brief.json"
    )
    rows = timings(result.stderr)  # and nothing else on stderr, though over a second
    assert [name for name, _ in rows] == [*BUILD_STAGES, "total"]
    *stages, (_, total) = rows
    assert 0 < sum(seconds for _, seconds in stages) <= total + 0.001  # rounded to ms

    again = briefing("build", str(root), "--timings")
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""  # nothing built, nothing timed
    assert again.stdout.startswith("up to date: ")


def test_timings_of_one_format_and_of_a_check(make_project: MakeProject) -> None:
    root = make_project()
    result = briefing("build", str(root), "--format", "html", "--timings", "--force")
    assert result.returncode == 0, result.stderr
    assert [name for name, _ in timings(result.stderr)] == [*HTML_STAGES, "total"]
    assert result.stdout.splitlines() == wrote(root, "brief.html")

    check = briefing("check", str(root), "--timings")
    assert check.returncode == 0, check.stderr
    assert [name for name, _ in timings(check.stderr)] == [*CHECK_STAGES, "total"]
    assert check.stdout.startswith("S1 harbour: ")


def test_without_options_a_build_says_nothing_on_a_pipe(make_project: MakeProject) -> None:
    root = make_project()
    result = briefing("build", str(root), "--format", "json")
    assert result.returncode == 0
    assert (result.stdout, result.stderr) == ("\n".join(wrote(root, "brief.json")) + "\n", "")


def test_quiet_build_and_check_leave_out_warnings_and_what_was_written(
    make_project: MakeProject,
) -> None:
    root = make_project(UNGRADED)
    loud = briefing("build", str(root), "--format", "json")
    assert loud.returncode == 0 and WARNING in loud.stderr  # the project has a warning
    assert (root / "dist" / "brief.json").is_file()

    quiet = briefing("build", str(root), "--format", "json", "--force", "-q")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    up_to_date = briefing("build", str(root), "--format", "json", "--quiet")
    assert (up_to_date.returncode, up_to_date.stdout, up_to_date.stderr) == (0, "", "")

    check = briefing("check", str(root), "-q")
    assert (check.returncode, check.stdout, check.stderr) == (0, "", "")


@pytest.mark.parametrize("command", ["build", "check"])
def test_quiet_still_prints_errors_but_not_warnings(
    make_project: MakeProject, command: str
) -> None:
    root = make_project({**UNGRADED, **MISQUOTE})
    extra = ["--format", "json"] if command == "build" else []
    result = briefing(command, str(root), *extra, "-q")
    assert result.returncode == 1
    assert result.stdout == ""
    assert ERROR in result.stderr
    assert f"Error: {command} failed: 1 error" in result.stderr
    assert WARNING not in result.stderr


@pytest.mark.parametrize("command", ["build", "check"])
def test_verbose_and_quiet_together_is_a_usage_error(
    make_project: MakeProject, command: str
) -> None:
    root = make_project()
    result = briefing(command, str(root), "-v", "-q")
    assert result.returncode == 2
    assert "contradict" in result.stderr and "Usage:" in result.stderr
    assert result.stdout == ""
    assert not (root / "dist").exists()


# The commands, with stderr a terminal.


def test_on_a_terminal_a_slow_build_shows_its_stages_and_typesetting(
    make_project: MakeProject,
) -> None:
    root = make_project({"brief.md": LONG_BRIEF})
    code, stdout, screen = briefing_on_terminal("build", str(root))
    assert code == 0, screen
    assert stdout.splitlines() == wrote(
        root, "brief.pdf", "brief.html", "brief-readahead.pdf", "brief.json"
    )
    lines = segments(screen)
    assert stage_names(lines) == BUILD_STAGES, screen
    assert any(re.search(r"typesetting: page \d+ laid out", line) for line in lines), screen


def test_on_a_terminal_a_quick_check_shows_no_stages(make_project: MakeProject) -> None:
    code, stdout, screen = briefing_on_terminal("check", str(make_project()))
    assert code == 0, screen
    assert stdout.startswith("S1 harbour: ")
    assert segments(screen) == []  # a clean project: no warning, no stage, no status


def test_on_a_terminal_quiet_shows_neither_progress_nor_warnings(
    make_project: MakeProject,
) -> None:
    root = make_project({**UNGRADED, "brief.md": LONG_BRIEF})
    code, stdout, screen = briefing_on_terminal("build", str(root), "-q")
    assert code == 0, screen
    assert (stdout, segments(screen)) == ("", [])
    assert (root / "dist" / "brief.pdf").is_file()
