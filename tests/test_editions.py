"""Editions: `briefing release`, a brief compared with its previous edition (`previous:`,
`withdrawn:`, `:change:`), `:rests-on:`, `briefing diff`, and names kept whole.

Every project here is a copy of `briefing new`, its text edited in place. Edition 1.0 has
four key judgements; edition 2.0 moves one (likelihood and confidence, with the reason),
rewords one, withdraws one, adds one and keeps one; it regrades the example's source, adds
a second, and adds an event to the chronology.
"""

from __future__ import annotations

import errno
import fcntl
import json
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from briefing import __version__
from briefing.lsp import BriefServer
from briefing.options import Options
from briefing.release import release

from .conftest import hyphenated_line_ends, pages_text, run

# --- running the command line ------------------------------------------------------------


def ok(*args: str | Path) -> str:
    code, output = run(*args)
    assert code == 0, output
    return output


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None) under folder, by relative path."""
    return {
        str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


def copy(project: Path, tmp_path: Path, name: str = "copy") -> Path:
    """A copy of a project, its files' times kept so that its build stays up to date."""
    return Path(shutil.copytree(project, tmp_path / name, symlinks=True))


def line_of(text: str, needle: str) -> int:
    """The 1-based line of brief.md on which needle begins."""
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


# --- the projects ------------------------------------------------------------------------


def judgement(ident: str, statement: str, estimate: str, argument: str, *options: str) -> str:
    likelihood, confidence = estimate.split("/")
    lines = [f":::{{judgement}} {statement}", f":id: {ident}", f":likelihood: {likelihood}"]
    lines += [f":confidence: {confidence}", *options, "", argument, ":::", "", ""]
    return "\n".join(lines)


SETTLE = "The strike will end in a settlement before the summer season."
MEDIATE_1 = "The council will ask the regional government to mediate."
MEDIATE_2 = "The town council will ask the regional government to mediate by April."
FERRIES = "Ferry lines will stay in Carrow until the strike ends."
CONTAINERS = "Container traffic will stay halted through March."
PAY = "The union will hold out for more than the 2% on offer."
CHANGE = "Talks broke off on 15 March."
REASON = "The ferry lines returned."

ARGUMENTS = {
    "settlement": 'The authority expects one [@gazette-2024 "We expect a settlement before '
    'the summer season"].',
    "mediation": 'The council said so [@gazette-2024 "would ask the regional government to '
    'mediate"].',
    "ferries": 'Two lines moved [@gazette-2024 "two ferry lines have moved to the neighbouring '
    'port of Carrow"].',
    "containers": 'The strike has halted it [@gazette-2024 "The strike has halted container '
    'traffic"; @council-2024 "Container traffic remains halted"].',
    "pay": 'The union asks for 4% [@gazette-2024 "The union is asking for a 4% pay rise"].',
}

EDITION_1 = [
    judgement("settlement", SETTLE, "likely/low", ARGUMENTS["settlement"]),
    judgement("mediation", MEDIATE_1, "likely/moderate", ARGUMENTS["mediation"]),
    judgement("ferries", FERRIES, "likely/low", ARGUMENTS["ferries"]),
    judgement("pay", PAY, "likely/moderate", ARGUMENTS["pay"]),
]
EDITION_2 = [
    judgement(
        "settlement",
        SETTLE,
        "unlikely/moderate",
        ARGUMENTS["settlement"],
        f":change: {CHANGE}",
        ":rests-on: gazette-2024",
    ),
    judgement("mediation", MEDIATE_2, "likely/moderate", ARGUMENTS["mediation"]),
    judgement("containers", CONTAINERS, "likely/moderate", ARGUMENTS["containers"]),
    judgement("pay", PAY, "likely/moderate", ARGUMENTS["pay"]),
]
FRONT_2 = f'version: "2.0"\nprevious: "1.0"\nwithdrawn:\n  - id: ferries\n    reason: {REASON}'

COUNCIL_TEXT = """\
Council notice on the harbour strike

Port Ellis Town Council, 8 March 2024

The council will ask the regional government to mediate if no agreement is reached by the
end of March. Container traffic remains halted at the harbour.
"""
COUNCIL_ENTRY = """\
  council-2024:
    file: council-notice.txt
    title: Council notice on the harbour strike
    outlet: Port Ellis Town Council
    author: not stated
    published: "2024-03-08"
    type: official notice
    reliability: A
    credibility: 2
"""
NEW_EVENT = """\
  - date: "2024-03-08"
    title: Ferry lines move to Carrow
    actors: [Ferry lines]
    cite:
      - source: gazette-2024
        quote: "two ferry lines have moved to the neighbouring port of Carrow"
"""


TALKS_EVENT = """\
  - date: "2024-03-08"
    title: Union and port authority return to talks
    actors: [Union, Port authority]
    cite:
      - source: gazette-2024
        quote: "the dockworkers' union and the port authority returned to talks"
"""


def set_field(text: str, key: str, line: str) -> str:
    """brief.md with the front-matter line of key replaced by line (or lines)."""
    replaced, count = re.subn(rf"^{key}: .*$", lambda _: line, text, count=1, flags=re.M)
    assert count == 1, key
    return replaced


def with_judgements(text: str, judgements: list[str]) -> str:
    """brief.md with its key judgements section holding these judgements instead."""
    head, rest = text.split("\n## Key judgements\n", 1)
    _, tail = rest.split("\n## ", 1)
    return f"{head}\n## Key judgements\n\n{''.join(judgements)}## {tail}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def new_project(target: Path) -> Path:
    ok("new", target)
    return target


def edition_1_text(example: str) -> str:
    text = set_field(example, "version", 'version: "1.0"')
    return with_judgements(set_field(text, "issued", "issued: 2024-03-11"), EDITION_1)


def make_edition_2(root: Path) -> None:
    """Turn a project whose edition 1.0 is released into edition 2.0."""
    brief = root / "brief.md"
    text = set_field(brief.read_text(encoding="utf-8"), "version", FRONT_2)
    text = with_judgements(set_field(text, "issued", "issued: 2024-03-20"), EDITION_2)
    brief.write_text(text, encoding="utf-8")
    edit(root / "seeds/sources.yaml", "    reliability: B\n", "    reliability: C\n")
    with (root / "seeds/sources.yaml").open("a", encoding="utf-8") as register:
        register.write(COUNCIL_ENTRY)
    (root / "seeds/council-notice.txt").write_text(COUNCIL_TEXT, encoding="utf-8")
    with (root / "figures/timeline.yaml").open("a", encoding="utf-8") as timeline:
        timeline.write(NEW_EVENT)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, module_cache: None) -> Path:
    """`briefing new` at version 1.0, built (PDF, HTML and JSON), not released."""
    root = new_project(tmp_path_factory.mktemp("built") / "brief")
    brief = root / "brief.md"
    brief.write_text(set_field(brief.read_text("utf-8"), "version", 'version: "1.0"'), "utf-8")
    ok("build", root)
    return root


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory, module_cache: None) -> Path:
    """Edition 1.0 built and released, then edition 2.0 written and built."""
    root = new_project(tmp_path_factory.mktemp("editions") / "brief")
    brief = root / "brief.md"
    brief.write_text(edition_1_text(brief.read_text(encoding="utf-8")), encoding="utf-8")
    ok("build", root)
    ok("release", root)
    make_edition_2(root)
    output = ok("build", root)
    assert "warning" not in output and "error" not in output, output
    return root


@pytest.fixture(scope="module")
def page(second: Path) -> Element:
    return parse_html((second / "dist/brief.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data(second: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((second / "dist/brief.json").read_text("utf-8"))
    return loaded


# --- a small HTML tree -------------------------------------------------------------------

VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"]
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    @property
    def raw_text(self) -> str:
        """The text content, in document order, as it is."""
        return "".join(c if isinstance(c, str) else c.raw_text for c in self.children)

    @property
    def text(self) -> str:
        """The text content, its white space collapsed."""
        return " ".join(self.raw_text.split())

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def find_all(self, tag: str = "", cls: str = "") -> list[Element]:
        return [
            e for e in self.iter() if (not tag or e.tag == tag) and (not cls or cls in e.classes())
        ]

    def find(self, tag: str = "", cls: str = "") -> Element:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag or '*'} class={cls!r}>"
        return found[0]

    def by_id(self, ident: str) -> Element:
        (found,) = [e for e in self.iter() if e.attrs.get("id") == ident]
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open: list[Element] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if any(e.tag == tag for e in self.open[1:]):
            while self.open.pop().tag != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parse_html(page: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


# --- 1. release ---------------------------------------------------------------------------


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


# --- 2. a second edition -----------------------------------------------------------------


SUMMARY = (
    "1 judgement added; 1 judgement withdrawn; 1 judgement reworded; 1 likelihood moved; "
    "1 confidence level moved; 1 source added; 1 source regraded; 1 event added"
)


def test_the_cover_says_what_changed_and_links_to_the_section(page: Element) -> None:
    (line,) = page.find_all("p", "cover-changes")
    assert line.find("a").attrs["href"] == "#changes"
    assert line.text == f"Since edition 1.0 (11 March 2024): {SUMMARY}."


def test_the_section_follows_the_last_key_judgement(page: Element) -> None:
    order = [e.attrs["id"] for e in page.iter() if e.tag in ("article", "h2") and "id" in e.attrs]
    at = order.index("changes")
    assert order[at - 4 : at] == ["kj-settlement", "kj-mediation", "kj-containers", "kj-pay"]
    assert page.by_id("changes").text == "What changed since edition 1.0"
    section = page.find("section", "changes")
    lead = section.find("p", "changes-lead").text
    assert lead == f"Edition 1.0 was issued on 11 March 2024. Since then: {SUMMARY}."


def test_a_moved_estimate_shows_both_terms_their_ranges_and_why(page: Element) -> None:
    entry = page.by_id("change-judgement-settlement")
    assert entry.tag == "li" and "change-changed" in entry.classes()
    assert entry.find("p", "change-head").text == f"KJ1 changed {SETTLE}"
    assert entry.find("a", "kj-number").attrs["href"] == "#kj-settlement"
    assert [p.text for p in entry.find_all("p", "change-shift")] == [
        "Likelihood down: likely (55–80%) → unlikely (20–45%)",
        "Confidence up: low → moderate",
    ]
    assert entry.find("p", "change-note").text == f"Why: {CHANGE}"


def test_reworded_added_withdrawn_and_kept_judgements(page: Element) -> None:
    reworded = page.by_id("change-judgement-mediation")
    assert [p.text for p in reworded.find_all("p", "change-shift")] == [
        f"Reworded. Edition 1.0 read: “{MEDIATE_1}”"
    ]
    assert reworded.find("p", "change-head").text == f"KJ2 changed {MEDIATE_2}"
    added = page.by_id("change-judgement-containers")
    assert "change-added" in added.classes()
    assert added.find("p", "change-head").text == f"KJ3 new {CONTAINERS}"
    assert added.find("p", "change-note").text == "A judgement edition 1.0 did not make."
    withdrawn = page.by_id("change-judgement-ferries")
    assert "change-withdrawn" in withdrawn.classes()
    assert withdrawn.find("p", "change-head").text == f"KJ3 of 1.0 withdrawn {FERRIES}"
    assert not withdrawn.find_all("a")  # it is in no edition to link to
    assert withdrawn.find("p", "change-note").text == f"Why: {REASON}"
    kept = page.find("p", "changes-kept")
    assert kept.text == "Carried over unchanged: KJ4."
    assert kept.find("a").attrs["href"] == "#kj-pay"
    assert [e.attrs["id"] for e in page.find("ol", "change-list").find_all("li")] == [
        "change-judgement-settlement",
        "change-judgement-mediation",
        "change-judgement-containers",
        "change-judgement-ferries",
    ]


def test_sources_and_events_that_changed(page: Element) -> None:
    section = page.find("section", "changes")
    assert [h.text for h in section.find_all("h3")] == ["Sources", "Added to the chronology"]
    items = section.find("ul", "change-sources").find_all("li")
    assert [i.text for i in items] == [
        "S1 Harbour strike enters third week in Port Ellis: regraded B3 → C3.",
        "S2 Council notice on the harbour strike: added, graded A2.",
    ]
    assert [i.find("a").attrs["href"] for i in items] == ["#src-gazette-2024", "#src-council-2024"]
    (events,) = section.find_all("ul", "change-events")
    assert [i.text for i in events.find_all("li")] == ["8 March 2024: Ferry lines move to Carrow"]


def test_each_added_or_changed_judgement_is_marked_with_a_link_to_its_entry(
    page: Element,
) -> None:
    marks = {}
    for article in page.find_all("article", "judgement"):
        found = article.find_all("p", "change-mark")
        marks[article.attrs["id"]] = [(m.text, m.find("a").attrs["href"]) for m in found]
    assert marks == {
        "kj-settlement": [
            ("Likelihood down; Confidence up since edition 1.0", "#change-judgement-settlement")
        ],
        "kj-mediation": [("Reworded since edition 1.0", "#change-judgement-mediation")],
        "kj-containers": [("New since edition 1.0", "#change-judgement-containers")],
        "kj-pay": [],
    }
    ids = {e.attrs.get("id") for e in page.iter()}
    links = [a.attrs["href"] for a in page.find_all("a") if a.attrs.get("href", "")[:1] == "#"]
    assert {link[1:] for link in links} <= ids, "a link to nowhere"


def test_the_printed_brief_marks_changes_with_the_page_of_their_entry(second: Path) -> None:
    pages = pages_text(second / "dist/brief.pdf")
    text = "\n".join(pages)
    assert re.search(r"Since edition 1\.0 \(11 March 2024\): 1 judgement added", text)
    marks = re.findall(r"([A-Z][\w ;]*) since edition 1\.0, p\. (\d+)", text)
    assert [m[0] for m in marks] == ["Likelihood down; Confidence up", "Reworded", "New"], marks
    heading = next(n for n, p in enumerate(pages, 1) if "What changed since edition 1.0" in p)
    (why,) = [n for n, p in enumerate(pages, 1) if f"Why: {CHANGE}" in p]
    assert int(marks[0][1]) == why >= heading
    assert "Likelihood down: likely (55–80%) → unlikely (20–45%)" in text
    assert f"Why: {REASON}" in text and "Reworded. Edition 1.0 read:" in text
    reader = PdfReader(second / "dist/brief.pdf")
    destinations = reader.named_destinations
    page_of = reader.get_destination_page_number(destinations["change-judgement-settlement"])
    assert page_of is not None and page_of + 1 == why
    assert {"changes", "change-judgement-containers"} <= set(destinations)


def shift(
    field: str,
    old: str | None,
    new: str,
    ranges: tuple[str, str] | None = None,
    direction: str | None = None,
) -> dict[str, str | None]:
    """A shift as brief.json lists it."""
    old_range, new_range = ranges or (None, None)
    return {
        "field": field,
        "old": old,
        "new": new,
        "old_range": old_range,
        "new_range": new_range,
        "direction": direction,
    }


def listed(
    subject: str,
    status: str,
    ident: str,
    label: str,
    text: str,
    shifts: list[dict[str, str | None]] | None = None,
    note: str | None = None,
    previous_label: str | None = None,
) -> dict[str, Any]:
    """A change as brief.json lists it."""
    return {
        "subject": subject,
        "status": status,
        "id": ident,
        "label": label,
        "previous_label": previous_label,
        "text": text,
        "shifts": shifts or [],
        "note": note,
    }


def test_the_json_lists_the_changes(data: dict[str, Any]) -> None:
    changes = data["changes"]
    assert (changes["previous"], changes["previous_issued"]) == ("1.0", "2024-03-11")
    assert changes["summary"] == SUMMARY
    assert changes["list"] == [
        listed(
            "judgement",
            "changed",
            "settlement",
            "KJ1",
            SETTLE,
            [
                shift("likelihood", "likely", "unlikely", ("55–80%", "20–45%"), "down"),
                shift("confidence", "low", "moderate", None, "up"),
            ],
            CHANGE,
        ),
        listed(
            "judgement",
            "changed",
            "mediation",
            "KJ2",
            MEDIATE_2,
            [shift("statement", MEDIATE_1, MEDIATE_2)],
        ),
        listed("judgement", "added", "containers", "KJ3", CONTAINERS),
        listed("judgement", "kept", "pay", "KJ4", PAY),
        listed("judgement", "withdrawn", "ferries", "KJ3", FERRIES, note=REASON),
        listed(
            "source",
            "changed",
            "gazette-2024",
            "S1",
            "Harbour strike enters third week in Port Ellis",
            [shift("grade", "B3", "C3")],
        ),
        listed(
            "source",
            "added",
            "council-2024",
            "S2",
            "Council notice on the harbour strike",
            [shift("grade", None, "A2")],
        ),
        listed(
            "event",
            "added",
            "2024-03-08 Ferry lines move to Carrow",
            "8 March 2024",
            "Ferry lines move to Carrow",
        ),
    ]


def test_the_json_meta_and_judgements_carry_previous_withdrawn_change_rests_on(
    data: dict[str, Any], second: Path
) -> None:
    meta = data["meta"]
    assert (meta["version"], meta["previous"]) == ("2.0", "1.0")
    assert meta["withdrawn"] == [{"id": "ferries", "reason": REASON}]
    by_id = {j["id"]: j for j in data["judgements"]}
    assert (by_id["settlement"]["change"], by_id["settlement"]["rests_on"]) == (
        CHANGE,
        "gazette-2024",
    )
    assert (by_id["pay"]["change"], by_id["pay"]["rests_on"]) == (None, None)
    first = json.loads((second / "editions/1.0/brief.json").read_text("utf-8"))
    assert first["changes"] is None and first["meta"]["previous"] is None


def test_a_brief_without_previous_has_no_changes(built: Path) -> None:
    page = (built / "dist/brief.html").read_text(encoding="utf-8")
    assert 'id="changes"' not in page and 'class="change-mark"' not in page
    assert 'class="cover-changes"' not in page
    assert json.loads((built / "dist/brief.json").read_text("utf-8"))["changes"] is None


def test_an_edition_that_withdraws_every_judgement_still_says_what_changed(
    second: Path, tmp_path: Path
) -> None:
    root, out = copy(second, tmp_path), tmp_path / "out"
    reasons = "".join(
        f"  - id: {i}\n    reason: Overtaken.\n" for i in ("settlement", "mediation", "pay")
    )
    brief = root / "brief.md"
    text = with_judgements(brief.read_text("utf-8"), []).replace(WITHDRAWN, WITHDRAWN + reasons)
    brief.write_text(text, "utf-8")
    ok("build", root, "-o", out, "--format", "html")
    page = parse_html((out / "brief.html").read_text("utf-8"))
    assert page.find("p", "cover-changes").find("a").attrs["href"] == "#changes"
    assert page.by_id("changes").text == "What changed since edition 1.0"


def build_changes(root: Path, *options: str) -> tuple[Element, dict[str, Any]]:
    """Build root's HTML and JSON into an output folder beside it: the page and brief.json's
    changes."""
    out = root.parent / "out"
    output = ok("build", root, "-o", out, "--format", "html", "--format", "json", *options)
    assert "warning" not in output, output
    page = parse_html((out / "brief.html").read_text("utf-8"))
    return page, json.loads((out / "brief.json").read_text("utf-8"))["changes"]


def marks_of(page: Element) -> dict[str, str]:
    """Each marked judgement's mark, by its anchor."""
    return {
        article.attrs["id"]: mark.text
        for article in page.find_all("article", "judgement")
        for mark in article.find_all("p", "change-mark")
    }


def test_a_judgement_whose_number_moved_shows_its_number_in_the_previous_edition(
    second: Path, tmp_path: Path
) -> None:
    root = copy(second, tmp_path)
    brief = root / "brief.md"
    mediation, settlement, containers, pay = EDITION_2[1], EDITION_2[0], EDITION_2[2], EDITION_2[3]
    reordered = [mediation, settlement, pay, containers]
    brief.write_text(with_judgements(brief.read_text("utf-8"), reordered), "utf-8")
    page, changes = build_changes(root)
    heads = [p.text for p in page.find("ol", "change-list").find_all("p", "change-head")]
    assert heads == [
        f"KJ1 (KJ2 in 1.0) changed {MEDIATE_2}",
        f"KJ2 (KJ1 in 1.0) changed {SETTLE}",
        f"KJ4 new {CONTAINERS}",
        f"KJ3 of 1.0 withdrawn {FERRIES}",
    ]
    assert page.find("p", "changes-kept").text == "Carried over unchanged: KJ3 (KJ4 in 1.0)."
    judgements = [c for c in changes["list"] if c["subject"] == "judgement"]
    assert [(c["id"], c["label"], c["previous_label"]) for c in judgements] == [
        ("mediation", "KJ1", "KJ2"),
        ("settlement", "KJ2", "KJ1"),
        ("pay", "KJ3", "KJ4"),
        ("containers", "KJ4", None),
        ("ferries", "KJ3", None),
    ]
    diff = ok("diff", root / "editions/1.0", root)
    assert diff.split("\n\nJudgements\n")[1].split("\n\nSources\n")[0] == (
        "  KJ1 (KJ2 in 1.0) changed: The town council will ask the regional government to "
        "mediate\n"
        "    by April.\n"
        f"      reworded; 1.0 read: {MEDIATE_1}\n"
        "  KJ2 (KJ1 in 1.0) changed: The strike will end in a settlement before the summer\n"
        "    season.\n"
        "      likelihood: likely (55–80%) -> unlikely (20–45%)\n"
        "      confidence: low -> moderate\n"
        f"      why: {CHANGE}\n"
        f"  KJ4 new: {CONTAINERS}\n"
        f"  KJ3 of 1.0 withdrawn: {FERRIES}\n"
        f"      why: {REASON}\n"
        "  unchanged: KJ3 (KJ4 in 1.0)"
    )


def test_a_likelihood_is_compared_by_its_range_in_each_editions_vocabulary(
    second: Path, tmp_path: Path
) -> None:
    """The term 'likely' is 55–80% in icd203 and 55–75% in the UK yardstick: it moved."""
    root = copy(second, tmp_path)
    brief = root / "brief.md"
    edit(brief, "vocabulary: icd203", "vocabulary: uk-yardstick")
    edit(brief, ":id: mediation\n", ":id: mediation\n:change: The yardstick is the UK's.\n")
    code, output = run("build", root, "-o", tmp_path / "out", "--format", "json")
    assert code == 1, output
    (error,) = [line for line in output.splitlines() if ": error: " in line]
    at = f"brief.md:{line_of(brief.read_text('utf-8'), PAY_BLOCK)}:1: error: "
    assert error.startswith(at + "KJ4 moved its likelihood 'likely' from 55–80% to 55–75%"), output
    assert error.endswith("since edition 1.0: say why in ':change:'"), output
    edit(brief, PAY_BLOCK, PAY_BLOCK + ":change: The yardstick is the UK's.\n")
    page, changes = build_changes(root)
    shifts = {c["id"]: c["shifts"] for c in changes["list"] if c["subject"] == "judgement"}
    assert shifts["settlement"][0] == shift(
        "likelihood", "likely", "unlikely", ("55–80%", "25–35%"), "down"
    )
    assert shifts["pay"] == [shift("likelihood", "likely", "likely", ("55–80%", "55–75%"), "down")]
    assert shifts["mediation"][1:] == shifts["pay"]
    entry = page.by_id("change-judgement-pay")
    assert [p.text for p in entry.find_all("p", "change-shift")] == [
        "Likelihood down: likely (55–80%) → likely (55–75%)"
    ]
    assert marks_of(page)["kj-pay"] == "Likelihood down since edition 1.0"
    assert changes["summary"].startswith(
        "1 judgement added; 1 judgement withdrawn; 1 judgement reworded; 3 likelihoods moved; "
    )
    lines = ok("diff", root / "editions/1.0", root).splitlines()
    assert lines[lines.index(f"  KJ4 changed: {PAY}") + 1] == (
        "      likelihood: likely (55–80%) -> likely (55–75%)"
    )


def test_a_confidence_that_moved_alone_is_marked_as_such(second: Path, tmp_path: Path) -> None:
    root = copy(second, tmp_path)
    brief = root / "brief.md"
    raised = PAY_BLOCK.replace("moderate", "high") + ":change: The union's funds ran low.\n"
    edit(brief, PAY_BLOCK, raised)
    page, changes = build_changes(root)
    assert marks_of(page)["kj-pay"] == "Confidence up since edition 1.0"
    assert [p.text for p in page.by_id("change-judgement-pay").find_all("p", "change-shift")] == [
        "Confidence up: moderate → high"
    ]
    pay = next(c for c in changes["list"] if c["id"] == "pay")
    assert pay["shifts"] == [shift("confidence", "moderate", "high", None, "up")]
    out = tmp_path / "onepage"
    ok("build", root, "-o", out, "--format", "html", "--layout", "onepage")
    onepage = parse_html((out / "brief.html").read_text("utf-8"))
    assert [m.text for m in onepage.find_all("span", "change-mark")] == [
        "· likelihood down; confidence up",
        "· reworded",
        "· new",
        "· confidence up",
    ]


def test_a_source_whose_document_changed_and_an_event_no_longer_in_the_chronology(
    second: Path, tmp_path: Path
) -> None:
    root = copy(second, tmp_path)
    with (root / "seeds/harbour-report.txt").open("a", encoding="utf-8") as report:
        report.write("\nA correction was appended.\n")
    edit(root / "figures/timeline.yaml", TALKS_EVENT, "")
    page, changes = build_changes(root)
    summary = (
        "1 judgement added; 1 judgement withdrawn; 1 judgement reworded; 1 likelihood moved; "
        "1 confidence level moved; 1 source added; 1 source regraded; 1 source document "
        "changed; 1 event added; 1 event removed"
    )
    assert changes["summary"] == summary
    section = page.find("section", "changes")
    assert section.find("p", "changes-lead").text.endswith(f"Since then: {summary}.")
    assert [i.text for i in section.find("ul", "change-sources").find_all("li")] == [
        "S1 Harbour strike enters third week in Port Ellis: regraded B3 → C3; its document "
        "changed.",
        "S2 Council notice on the harbour strike: added, graded A2.",
    ]
    assert [h.text for h in section.find_all("h3")] == [
        "Sources",
        "Added to the chronology",
        "No longer in the chronology",
    ]
    events = section.find_all("ul", "change-events")
    assert [[i.text for i in ul.find_all("li")] for ul in events] == [
        ["8 March 2024: Ferry lines move to Carrow"],
        ["8 March 2024: Union and port authority return to talks"],
    ]
    gazette = next(c for c in changes["list"] if c["id"] == "gazette-2024")
    old, new = gazette["shifts"][1]["old"], gazette["shifts"][1]["new"]
    assert gazette["shifts"][1] == shift("document", old, new) and old != new
    removed = [c for c in changes["list"] if c["subject"] == "event" and c["status"] != "added"]
    assert [(c["status"], c["text"]) for c in removed] == [
        ("withdrawn", "Union and port authority return to talks")
    ]
    diff = ok("diff", root / "editions/1.0", root)
    assert diff.split("\n\nSources\n")[1] == (
        f"  S1 changed; regraded B3 -> C3; document changed ({old} -> {new}):\n"
        "    Harbour strike enters third week in Port Ellis\n"
        "  S2 new; graded A2: Council notice on the harbour strike\n"
        "\n"
        "Events\n"
        "  8 March 2024 new: Ferry lines move to Carrow\n"
        "  8 March 2024 removed: Union and port authority return to talks\n"
    )


def test_a_changes_heading_in_the_body_takes_another_anchor(second: Path, tmp_path: Path) -> None:
    root = copy(second, tmp_path)
    with (root / "brief.md").open("a", encoding="utf-8") as brief:
        brief.write("\n## Changes\n\nThe port changed its rules.\n")
    page, _ = build_changes(root)
    ids = [e.attrs["id"] for e in page.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "an id used twice"
    assert page.by_id("changes").text == "What changed since edition 1.0"
    (heading,) = [h for h in page.find_all("h2") if h.text == "Changes"]
    assert heading.attrs["id"] not in ("", "changes")
    assert page.find("p", "cover-changes").find("a").attrs["href"] == "#changes"


def test_an_edition_issued_before_the_previous_one_is_a_warning(
    second: Path, tmp_path: Path
) -> None:
    root, out = copy(second, tmp_path), tmp_path / "out"
    edit(root / "brief.md", "issued: 2024-03-20", "issued: 2024-03-10")
    code, output = run("build", root, "-o", out, "--format", "json")
    assert code == 0, output
    line = line_of((root / "brief.md").read_text("utf-8"), "previous:")
    assert output.splitlines()[0] == (
        f"brief.md:{line}:11: warning: this edition is issued 10 March 2024, before edition "
        "1.0 (11 March 2024)"
    )


# --- 3. errors: exit 1, file:line:col, no traceback, the outputs kept ----------------------


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


WITHDRAWN = f"withdrawn:\n  - id: ferries\n    reason: {REASON}\n"
MOVED = (
    "error: KJ1 moved its likelihood from 'likely' to 'unlikely' and confidence from 'low' "
    "to 'moderate' since edition 1.0: say why in ':change:'"
)
GONE = (
    "error: judgement 'ferries' (KJ3 of edition 1.0) is not in this edition: name it under "
    "'withdrawn:' with the reason"
)
PAY_BLOCK = f":::{{judgement}} {PAY}\n:id: pay\n:likelihood: likely\n:confidence: moderate\n"

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


# --- 4. diff ------------------------------------------------------------------------------


DIFF = f"""\
edition 1.0 (11 March 2024) -> 2.0 (20 March 2024): 1 judgement added; 1 judgement
  withdrawn; 1 judgement reworded; 1 likelihood moved; 1 confidence level moved; 1
  source added; 1 source regraded; 1 event added

Judgements
  KJ1 changed: {SETTLE}
      likelihood: likely (55–80%) -> unlikely (20–45%)
      confidence: low -> moderate
      why: {CHANGE}
  KJ2 changed: {MEDIATE_2}
      reworded; 1.0 read: {MEDIATE_1}
  KJ3 new: {CONTAINERS}
  KJ3 of 1.0 withdrawn: {FERRIES}
      why: {REASON}
  unchanged: KJ4

Sources
  S1 changed; regraded B3 -> C3: Harbour strike enters third week in Port Ellis
  S2 new; graded A2: Council notice on the harbour strike

Events
  8 March 2024 new: Ferry lines move to Carrow
"""


def test_diff_of_an_edition_folder_and_a_project(second: Path) -> None:
    assert run("diff", second / "editions/1.0", second) == (0, DIFF)


def test_diff_of_two_brief_jsons_as_json_matches_the_build(
    second: Path, data: dict[str, Any]
) -> None:
    output = ok("diff", second / "editions/1.0/brief.json", second / "dist/brief.json", "--json")
    diff = json.loads(output)
    assert (diff["from"], diff["to"]) == ("1.0", "2.0")
    assert {k: v for k, v in diff.items() if k not in ("from", "to")} == data["changes"]
    assert run("diff", second / "editions/1.0/brief.json", second / "dist/brief.json") == (
        0,
        DIFF,
    )


def test_diff_of_versions_released_under_a_project(second: Path, tmp_path: Path) -> None:
    root = copy(second, tmp_path)
    ok("release", root)
    assert run("diff", "1.0", "2.0", "-p", root) == (0, DIFF)
    assert json.loads(ok("diff", "1.0", "2.0", "-p", root, "--json"))["to"] == "2.0"
    reverse = ok("diff", "2.0", "1.0", "--project", root)
    assert reverse.startswith("edition 2.0 (20 March 2024) -> 1.0 (11 March 2024): ")
    assert f"KJ3 of 2.0 withdrawn: {CONTAINERS}" in reverse
    same = ok("diff", "2.0", root / "editions/2.0", "-p", root)
    assert same.splitlines()[0].endswith(": no change")


def test_diff_with_an_unknown_operand(second: Path, tmp_path: Path) -> None:
    assert run("diff", "0.9", "1.0", "-p", second) == (
        1,
        f"Error: '0.9': no such file or folder, and no edition 0.9 under "
        f"{second / 'editions'} (released: 1.0)\n",
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("diff", empty, second) == (
        1,
        f"Error: {empty}: neither a brief project nor a released edition's folder\n",
    )
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    code, output = run("diff", bad, second)
    assert (code, output) == (1, f"Error: {bad}: not a brief.json: 'meta' is missing\n")
    assert run("diff", "", second) == (1, "Error: an empty name is not an edition\n")


def test_diff_of_an_unknown_version_outside_a_project_names_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("diff", "1.0", "2.0") == (
        1,
        "Error: '1.0': no such file or folder, and no edition 1.0 under editions; name the "
        "project with -p\n",
    )


def test_diff_of_a_project_whose_moved_estimate_does_not_say_why_yet(
    second: Path, tmp_path: Path
) -> None:
    """A project is compared as it stands, without the build's checks: what changed can be
    seen before the reasons are written."""
    root = copy(second, tmp_path)
    edit(root / "brief.md", f":change: {CHANGE}\n", "")
    assert run("build", root, "--format", "json")[0] == 1
    assert run("diff", root / "editions/1.0", root) == (
        0,
        DIFF.replace(f"      why: {CHANGE}\n", ""),
    )


def test_diff_of_a_project_that_cannot_be_read(second: Path, tmp_path: Path) -> None:
    root = copy(second, tmp_path)
    text = (root / "brief.md").read_text("utf-8")
    (root / "brief.md").write_text(text.replace("\n---\n", "\n", 1), "utf-8")
    assert run("diff", root / "editions/1.0", root) == (
        1,
        "brief.md:1:1: error: front matter is never closed by a '---' line\n"
        "Error: diff failed: 1 error\n",
    )


def test_diff_finds_the_editions_of_the_project_given_as_the_other_operand(
    second: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(second.parent)
    assert run("diff", "1.0", second.name) == (0, DIFF)
    reverse = ok("diff", second.name, "1.0")
    assert reverse.startswith("edition 2.0 (20 March 2024) -> 1.0 (11 March 2024): ")


def test_diff_reads_a_brief_md_as_its_project(second: Path) -> None:
    assert run("diff", second / "editions/1.0", second / "brief.md") == (0, DIFF)


def test_diff_finds_the_editions_of_a_project_given_by_its_brief_md(
    second: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(second.parent)
    assert run("diff", "1.0", f"{second.name}/brief.md") == (0, DIFF)


# --- 5. rests-on and the source summary ----------------------------------------------------


def test_the_summary_names_judgements_on_one_source_and_what_they_rest_on(
    data: dict[str, Any], page: Element
) -> None:
    summary = data["source_summary"]
    assert "Key judgements citing only one source: KJ1, KJ2, KJ4." in summary
    assert (
        "Key judgements whose central claim rests on one source, as their arguments say: "
        "KJ1 (S1)." in summary
    )
    text = page.find("body").text
    assert "Key judgements citing only one source: KJ1, KJ2, KJ4." in text
    assert "rests on one source, as their arguments say: KJ1 (S1)." in text


def test_every_judgement_citing_two_sources_and_none_resting_on_one(
    second: Path, tmp_path: Path
) -> None:
    root, out = copy(second, tmp_path), tmp_path / "out"
    text = (root / "brief.md").read_text(encoding="utf-8").replace(":rests-on: gazette-2024\n", "")
    both = ' [@council-2024 "Container traffic remains halted"].'
    for ident in ("settlement", "mediation", "pay"):
        text = text.replace(ARGUMENTS[ident], ARGUMENTS[ident][:-2] + "]" + both)
    (root / "brief.md").write_text(text, encoding="utf-8")
    ok("build", root, "-o", out, "--format", "json")
    summary = json.loads((out / "brief.json").read_text("utf-8"))["source_summary"]
    assert "Every key judgement cites at least two sources." in summary
    assert not [s for s in summary if "rests on one source" in s or "only one source" in s]


def test_the_language_server_checks_rests_on_and_the_previous_edition(
    second: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `briefing lsp` publishes for brief.md: the build's checks of `:rests-on:` and of
    the changes since the previous edition."""
    root = copy(second, tmp_path)
    edit(root / "brief.md", ":rests-on: gazette-2024", ":rests-on: gazete-2024")
    edit(root / "brief.md", f":change: {CHANGE}\n", "")
    server = BriefServer()
    monkeypatch.setattr(server, "unsaved", lambda root: {})  # no editor: the files as saved
    found, _ = server.check(root)
    line = line_of((root / "brief.md").read_text("utf-8"), f"{{judgement}} {SETTLE}")
    assert [str(d) for d in found if d.severity == "error"] == [
        f"brief.md:{line}:1: error: KJ1 rests on 'gazete-2024', which is not in "
        "seeds/sources.yaml\n    did you mean 'gazette-2024'?",
        f"brief.md:{line}:1: {MOVED}\n    add a line ':change: the new evidence or reasoning' "
        "below ':confidence:'",
    ]


# --- 6. names kept whole ------------------------------------------------------------------

LONG_WORDS = "Khmeimimskaya Latakiagorod Damascusovich Tartusberg Moscowsky Hmeimimvale"


@pytest.mark.parametrize("capitalised", [True, False])
def test_the_pdf_never_breaks_a_name(tmp_path: Path, capitalised: bool) -> None:
    """A paragraph of long names is set without a broken one; the same words in lower case
    do break, so the paragraph does reach hyphenation (and pdf.keep_names_whole still
    reaches WeasyPrint's line breaking)."""
    root = tmp_path / "names"
    ok("new", root)
    words = LONG_WORDS if capitalised else LONG_WORDS.lower()
    prose = "\n\n## Names\n\n" + " ".join([f"See {words}."] * 12) + "\n"
    (root / "brief.md").write_text((root / "brief.md").read_text("utf-8") + prose, "utf-8")
    ok("build", root, "--format", "pdf")
    broken = hyphenated_line_ends(root / "dist/brief.pdf")
    named = [pair for pair in broken if pair[0][0].isupper() or pair[0] in words]
    if capitalised:
        assert named == []
    else:
        assert named, broken
