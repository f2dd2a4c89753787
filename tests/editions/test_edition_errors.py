"""What a second edition must get right: errors at their lines, and the outputs kept."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefing import __version__

from ..conftest import run
from .conftest import (
    CHANGE,
    MOVED,
    PAY,
    PAY_BLOCK,
    REASON,
    SETTLE,
    WITHDRAWN,
    copy,
    edit,
    line_of,
    snapshot,
)

Breakage = Callable[[Path], list[str]]  # changes the project; returns the expected lines


def brief_edit(old: str, new: str, expected: Callable[[str], list[str]]) -> Breakage:
    """Replace old by new in brief.md; the expected lines are made from the new text."""

    def change(root: Path) -> list[str]:
        edit(root / "brief.md", old, new)
        return expected((root / "brief.md").read_text(encoding="utf-8"))

    return change


def previous_edition(content: bytes | Callable[[bytes], bytes], expected: str) -> Breakage:
    """Replace editions/1.0/brief.json; the error is at `previous:` and names the file."""

    def change(root: Path) -> list[str]:
        path = root / "editions/1.0/brief.json"
        path.write_bytes(content(path.read_bytes()) if callable(content) else content)
        line = line_of((root / "brief.md").read_text("utf-8"), "previous:")
        return [f"brief.md:{line}:11: error: edition '1.0' cannot be used: {path}{expected}"]

    return change


def edited_json(data: bytes, change: Callable[[Any], object]) -> bytes:
    """A brief.json's bytes, changed."""
    loaded = json.loads(data)
    change(loaded)
    return json.dumps(loaded).encode()


def newer(data: bytes) -> bytes:
    loaded = json.loads(data)
    loaded["generator"] = "briefing 99.0"
    return json.dumps(loaded).encode()


def at(needle: str, column: int, message: str, *more: str) -> Callable[[str], list[str]]:
    return lambda text: [f"brief.md:{line_of(text, needle)}:{column}: {message}", *more]


GONE = (
    "error: judgement 'ferries' (KJ3 of edition 1.0) is not in this edition: name it under "
    "'withdrawn:' with the reason"
)

ERRORS: dict[str, Breakage] = {
    "moved without :change:": brief_edit(
        f":change: {CHANGE}\n",
        "",
        at(
            f"{{judgement}} {SETTLE}",
            1,
            MOVED,
            "    add a line ':change: the new evidence or reasoning' below ':confidence:'",
        ),
    ),
    "confidence moved without :change:": brief_edit(
        PAY_BLOCK,
        PAY_BLOCK.replace("moderate", "high"),
        at(
            f"{{judgement}} {PAY}",
            1,
            "error: KJ4 moved its confidence from 'moderate' to 'high' since edition 1.0: say "
            "why in ':change:'",
        ),
    ),
    "gone but not withdrawn": brief_edit(
        WITHDRAWN,
        "",
        at("previous:", 11, GONE, "    withdrawn:", "      - id: ferries"),
    ),
    "withdrawn id not in the previous edition": brief_edit(
        "  - id: ferries\n",
        "  - id: ferry\n",
        lambda text: [
            f"brief.md:{line_of(text, 'previous:')}:11: {GONE}",
            f"brief.md:{line_of(text, '- id: ferry')}:5: error: 'ferry' is not a judgement "
            "of edition 1.0",
            "    its judgements: settlement, mediation, ferries, pay",
        ],
    ),
    "withdrawn id mistyped": brief_edit(
        "  - id: ferries\n",
        "  - id: feries\n",
        at(
            "- id: feries",
            5,
            "error: 'feries' is not a judgement of edition 1.0",
            "    did you mean 'ferries'?",
        ),
    ),
    "withdrawn twice": brief_edit(
        WITHDRAWN,
        WITHDRAWN + f"  - id: ferries\n    reason: {REASON}\n",
        lambda text: [
            f"brief.md:{line_of(text, 'withdrawn:') + 3}:5: error: judgement 'ferries' is "
            "withdrawn twice",
            f"    the first is at brief.md:{line_of(text, 'withdrawn:') + 1}:5",
        ],
    ),
    "withdrawn with an empty reason": brief_edit(
        f"    reason: {REASON}\n",
        '    reason: ""\n',
        at('reason: ""', 13, "error: withdrawn judgement 'ferries' needs a reason"),
    ),
    "withdrawn with a blank reason": brief_edit(
        f"    reason: {REASON}\n",
        '    reason: "  "\n',
        at('reason: "  "', 13, "error: withdrawn judgement 'ferries' needs a reason"),
    ),
    "withdrawn with nothing after 'reason:'": brief_edit(
        f"    reason: {REASON}\n",
        "    reason:\n",
        at("reason:\n", 12, "error: withdrawn judgement 'ferries' needs a reason"),
    ),
    "gone under another id": brief_edit(
        ":id: pay\n",
        ":id: pay-rise\n",
        at(
            "previous:",
            11,
            "error: judgement 'pay' (KJ4 of edition 1.0) is not in this edition: name it under "
            "'withdrawn:' with the reason",
            "    KJ4 has its words: did its id change from 'pay' to 'pay-rise'?",
        ),
    ),
    "withdrawn but still present": brief_edit(
        WITHDRAWN,
        WITHDRAWN + "  - id: pay\n    reason: Overtaken.\n",
        lambda text: [
            f"brief.md:{line_of(text, '- id: pay')}:5: error: judgement 'pay' is withdrawn but "
            "still in the brief",
            f"    it is at brief.md:{line_of(text, PAY_BLOCK)}:1",
        ],
    ),
    "withdrawn without previous": brief_edit(
        'previous: "1.0"\n',
        "",
        lambda text: [
            *at(
                "- id: ferries",
                5,
                "error: 'withdrawn' names judgements of a previous edition, but no 'previous' is "
                "given",
            )(text),
            *at(
                f"{{judgement}} {SETTLE}",
                1,
                "warning: KJ1 says what changed (':change:'), but the brief names no 'previous' "
                "edition to compare with",
            )(text),
        ],
    ),
    "withdrawn entry without a reason": brief_edit(
        f"    reason: {REASON}\n",
        "",
        at("- id: ferries", 5, "error: withdrawn judgement 'ferries' needs a reason"),
    ),
    "withdrawn entry that is not a mapping": brief_edit(
        WITHDRAWN,
        "withdrawn: [ferries]\n",
        at("withdrawn:", 12, "error: each entry of 'withdrawn' must have 'id' and 'reason'"),
    ),
    "withdrawn that is not a list": brief_edit(
        WITHDRAWN,
        "withdrawn: ferries\n",
        at(
            "withdrawn:",
            12,
            "error: 'withdrawn' must be a list of judgements, each with 'id' and 'reason'",
            "    withdrawn:",
        ),
    ),
    "previous edition missing": brief_edit(
        'previous: "1.0"',
        'previous: "0.9"',
        at(
            "previous:",
            11,
            "error: edition '0.9' not found: there is no editions/0.9/brief.json",
            "    released editions: 1.0",
        ),
    ),
    "previous is this edition": brief_edit(
        'previous: "1.0"',
        'previous: "2.0"',
        at("previous:", 11, "error: 'previous' is this edition's own version (2.0)"),
    ),
    "previous is not a folder name": brief_edit(
        'previous: "1.0"',
        'previous: "../1.0"',
        at("previous:", 11, "error: 'previous' must name a released version, not '../1.0'"),
    ),
    "previous edition is not JSON": previous_edition(
        b'{"meta": ', ":1:10: not a brief.json: invalid JSON (Expecting value)"
    ),
    "previous edition is not a brief.json": previous_edition(
        b'{"generator": "briefing 0.1", "judgements": []}',
        ": not a brief.json: 'meta' is missing",
    ),
    "previous edition is a list": previous_edition(
        b"[]", ": not a brief.json: 'meta' is asked of a list, not an object"
    ),
    "previous edition has a field of the wrong type": previous_edition(
        lambda data: edited_json(data, lambda d: d["judgements"][0].update(likelihood=3)),
        ": not a brief.json: 'likelihood' is a int, not a str",
    ),
    "previous edition has a list that is an object": previous_edition(
        lambda data: edited_json(data, lambda d: d.update(judgements={})),
        ": not a brief.json: 'judgements' is a dict, not a list",
    ),
    "previous edition has a judgement that is not an object": previous_edition(
        lambda data: edited_json(data, lambda d: d["judgements"].__setitem__(0, "settlement")),
        ": not a brief.json: 'id' is asked of a str, not an object",
    ),
    "previous edition has an event without a title": previous_edition(
        lambda data: edited_json(data, lambda d: d["events"][0].update(title=None)),
        ": not a brief.json: 'title' is missing",
    ),
    "previous edition is of another version": lambda root: (
        (root / "editions/1.0/brief.json").write_bytes(
            edited_json(
                (root / "editions/1.0/brief.json").read_bytes(),
                lambda d: d["meta"].update(version="9.9"),
            )
        ),
        at(
            "previous:",
            11,
            "error: editions/1.0/brief.json is edition 9.9, not 1.0",
            "    an edition's folder is named after its version: release it again",
        )((root / "brief.md").read_text("utf-8")),
    )[1],
    "previous is a number": brief_edit(
        'previous: "1.0"',
        "previous: 1.0",
        at(
            "previous:",
            11,
            "error: 'previous' is read as the number 1.0: write it in quotes",
            '    previous: "1.0" (or as you meant it, such as "1.10")',
        ),
    ),
    "previous edition is not UTF-8": previous_edition(
        lambda data: data.decode("utf-8").encode("utf-16"),
        ": cannot be read ('utf-8' codec can't decode byte 0xff in position 0: invalid start byte)",
    ),
    "previous edition from a newer briefing": previous_edition(
        newer,
        f": written by briefing 99.0, newer than this briefing ({__version__}); upgrade "
        "briefing to compare with it",
    ),
    "rests on an unknown source": brief_edit(
        ":rests-on: gazette-2024",
        ":rests-on: gazete-2024",
        at(
            f"{{judgement}} {SETTLE}",
            1,
            "error: KJ1 rests on 'gazete-2024', which is not in seeds/sources.yaml",
            "    did you mean 'gazette-2024'?",
        ),
    ),
    "rests on nothing": brief_edit(
        ":rests-on: gazette-2024",
        ":rests-on:",
        at(":rests-on:", 1, "error: ':rests-on:' needs the id of a source"),
    ),
    "rests on two sources": brief_edit(
        ":rests-on: gazette-2024",
        ":rests-on: gazette-2024, council-2024",
        at(
            f"{{judgement}} {SETTLE}",
            1,
            "error: KJ1 rests on 'gazette-2024, council-2024', which is not in seeds/sources.yaml",
            "    name one source: the one its central claim rests on",
        ),
    ),
    "rests on a source it does not cite": brief_edit(
        PAY_BLOCK,
        PAY_BLOCK + ":rests-on: council-2024\n",
        at(
            f"{{judgement}} {PAY}",
            1,
            "error: KJ4 rests on 'council-2024' but never cites it",
            "    cite the passage its central claim rests on",
        ),
    ),
}


@pytest.mark.parametrize("breakage", list(ERRORS.values()), ids=list(ERRORS))
def test_an_error_fails_the_build_and_keeps_the_outputs(
    second: Path, tmp_path: Path, breakage: Breakage
) -> None:
    root = copy(second, tmp_path)
    before = snapshot(root / "dist")
    expected = breakage(root)
    code, output = run("build", root)
    assert code == 1, output
    assert_lines(expected, output)
    assert diagnostic_lines(output) == [line for line in expected if not line.startswith(" ")]
    count = sum(": error: " in line for line in diagnostic_lines(output))
    assert output.splitlines()[-1] == (
        f"Error: build failed: {count} error{'' if count == 1 else 's'}; nothing was written"
    )
    assert snapshot(root / "dist") == before
    code, output = run("check", root)
    assert code == 1, output
    assert_lines(expected, output)


def assert_lines(expected: list[str], output: str) -> None:
    """Each expected line is in the output, in order; a hint (indented) right after the line
    before it; a line ending in '…' is a prefix."""
    lines, at = output.splitlines(), -1
    for line in expected:
        if line.startswith("    "):
            at += 1
        else:
            at = next((n for n in range(at + 1, len(lines)) if same(line, lines[n])), len(lines))
        assert at < len(lines) and same(line, lines[at]), f"{line!r} not in\n{output}"


def diagnostic_lines(output: str) -> list[str]:
    """The lines of output that report a problem (each hint left out)."""
    return [line for line in output.splitlines() if re.match(r"\S+:\d+:\d+: \w+: ", line)]


def same(expected: str, line: str) -> bool:
    return line.startswith(expected[:-1]) if expected.endswith("…") else line == expected


def test_a_reason_for_a_change_without_a_previous_edition_is_a_warning(
    second: Path, tmp_path: Path
) -> None:
    root, out = copy(second, tmp_path), tmp_path / "out"
    edit(root / "brief.md", 'previous: "1.0"\n' + WITHDRAWN, "")
    text = (root / "brief.md").read_text(encoding="utf-8")
    code, output = run("build", root, "-o", out, "--format", "json", "--format", "html")
    assert code == 0, output
    assert output.splitlines()[0] == (
        f"brief.md:{line_of(text, f'{{judgement}} {SETTLE}')}:1: warning: KJ1 says what "
        "changed (':change:'), but the brief names no 'previous' edition to compare with"
    )
    assert json.loads((out / "brief.json").read_text("utf-8"))["changes"] is None
    assert 'class="change-mark"' not in (out / "brief.html").read_text("utf-8")
