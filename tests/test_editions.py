"""Editions: `briefing release`, a brief compared with its previous edition (`previous:`,
`withdrawn:`, `:change:`), `:rests-on:`, `briefing diff`, and names kept whole.

Every project here is a copy of `briefing new`, its text edited in place. Edition 1.0 has
four key judgements; edition 2.0 moves one (likelihood and confidence, with the reason),
rewords one, withdraws one, adds one and keeps one; it regrades the example's source, adds
a second, and adds an event to the chronology.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefing import __version__
from briefing.cli import main
from briefing.typography import keep_names_whole

# --- running the command line ------------------------------------------------------------


def run(*args: str | Path) -> tuple[int, str]:
    """Exit status and everything printed; never a traceback or an escaped exception."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.output


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


def pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


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
def module_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Extracted texts cached in a folder of this module's, as conftest does for a test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIEFING_CACHE", str(tmp_path_factory.mktemp("edition-cache")))
        yield


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
    dist_after = snapshot(root / "dist")
    assert {k: v for k, v in dist_after.items() if k != ".briefing-stamp"} == {
        k: v for k, v in dist_before.items() if k != ".briefing-stamp"
    }
    # The release added editions/, an input: the stamp was re-keyed, nothing is rebuilt.
    code, output = run("build", root)
    assert code == 0 and output.startswith("up to date: "), output
    assert snapshot(root / "dist") == dist_after


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


NOT_UP_TO_DATE = "the build is not up to date with the project"


def test_release_without_a_build_is_refused(tmp_path: Path) -> None:
    root = new_project(tmp_path / "brief")
    before = snapshot(root)
    code, output = run("release", root)
    assert code == 1 and output.count("\n") == 1 and output.startswith("Error: "), output
    assert NOT_UP_TO_DATE in output and "run 'briefing build' first" in output
    code, output = run("release", root, "-o", tmp_path / "elsewhere")
    assert code == 1 and output.startswith(f"Error: {tmp_path / 'elsewhere'}: {NOT_UP_TO_DATE}")
    assert snapshot(root) == before
    assert not (tmp_path / "elsewhere").exists()


def _append(name: str, text: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        with (root / name).open("a", encoding="utf-8") as file:
            file.write(text)

    return change


STALE: dict[str, Callable[[Path], None]] = {
    "brief.md edited": _append("brief.md", "\nA closing remark.\n"),
    "source register edited": _append("seeds/sources.yaml", "# a comment\n"),
    "timeline edited": _append("figures/timeline.yaml", "# a comment\n"),
    "built PDF altered": _append("dist/brief.pdf", "%"),
    "built JSON removed": lambda root: (root / "dist/brief.json").unlink(),
    "built PDF removed": lambda root: (root / "dist/brief.pdf").unlink(),
}


@pytest.mark.parametrize("change", list(STALE.values()), ids=list(STALE))
def test_release_of_a_stale_build_is_refused(
    built: Path, tmp_path: Path, change: Callable[[Path], None]
) -> None:
    root = copy(built, tmp_path)
    change(root)
    before = snapshot(root)
    code, output = run("release", root)
    assert code == 1 and output.count("\n") == 1, output
    assert output.startswith(f"Error: {root / 'dist'}: {NOT_UP_TO_DATE}"), output
    assert snapshot(root) == before


def test_release_writes_from_the_output_folder_it_is_given(tmp_path: Path) -> None:
    root, out = new_project(tmp_path / "brief"), tmp_path / "out"
    ok("build", root, "-o", out)
    assert run("release", root)[0] == 1  # nothing in dist/
    assert ok("release", root, "-o", out).startswith("released edition ")
    (edition,) = (root / "editions").iterdir()
    for name in ("brief.json", "brief.pdf"):
        assert (edition / name).read_bytes() == (out / name).read_bytes()
    assert run("build", root, "-o", out)[1].startswith("up to date: ")


@pytest.mark.parametrize("version", ["1 0", "../1.0"])
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


def test_a_stale_build_after_raising_the_version_is_refused_as_stale(
    built: Path, tmp_path: Path
) -> None:
    root = copy(built, tmp_path)
    ok("release", root)
    brief = root / "brief.md"
    brief.write_text(set_field(brief.read_text("utf-8"), "version", 'version: "1.1"'), "utf-8")
    before = snapshot(root)
    code, output = run("release", root)
    assert code == 1 and snapshot(root) == before
    assert NOT_UP_TO_DATE in output, output


def test_an_empty_version_is_refused_as_a_bad_version(built: Path, tmp_path: Path) -> None:
    root = copy(built, tmp_path)
    brief = root / "brief.md"
    brief.write_text(set_field(brief.read_text("utf-8"), "version", 'version: ""'), "utf-8")
    ok("build", root)
    (root / "editions").mkdir()
    code, output = run("release", root)
    assert code == 1
    assert "version '' cannot name a folder" in output, output


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
    assert entry.find("p", "change-head").text == f"KJ1 Changed {SETTLE}"
    assert entry.find("a", "kj-number").attrs["href"] == "#kj-settlement"
    assert [p.text for p in entry.find_all("p", "change-shift")] == [
        "Likelihood: likely (55–80%) → unlikely (20–45%)",
        "Confidence: low → moderate",
    ]
    assert entry.find("p", "change-note").text == f"Why: {CHANGE}"


def test_reworded_added_withdrawn_and_kept_judgements(page: Element) -> None:
    reworded = page.by_id("change-judgement-mediation")
    assert [p.text for p in reworded.find_all("p", "change-shift")] == [
        f"Reworded. Edition 1.0 read: “{MEDIATE_1}”"
    ]
    assert reworded.find("p", "change-head").text == f"KJ2 Changed {MEDIATE_2}"
    added = page.by_id("change-judgement-containers")
    assert "change-added" in added.classes()
    assert added.find("p", "change-head").text == f"KJ3 New {CONTAINERS}"
    assert added.find("p", "change-note").text == "A judgement edition 1.0 did not make."
    withdrawn = page.by_id("change-judgement-ferries")
    assert "change-withdrawn" in withdrawn.classes()
    assert withdrawn.find("p", "change-head").text == f"KJ3 of 1.0 Withdrawn {FERRIES}"
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
    assert [h.text for h in section.find_all("h3")] == ["Sources", "Events"]
    items = section.find("ul", "change-sources").find_all("li")
    assert [i.text for i in items] == [
        "S1 Harbour strike enters third week in Port Ellis: regraded B3 → C3.",
        "S2 Council notice on the harbour strike: added.",
    ]
    assert [i.find("a").attrs["href"] for i in items] == ["#src-gazette-2024", "#src-council-2024"]
    assert section.find("p", "change-events").text == (
        "Added to the chronology: 8 March 2024, Ferry lines move to Carrow."
    )


def test_each_added_or_changed_judgement_is_marked_with_a_link_to_its_entry(
    page: Element,
) -> None:
    marks = {}
    for article in page.find_all("article", "judgement"):
        found = article.find_all("p", "change-mark")
        marks[article.attrs["id"]] = [(m.text, m.find("a").attrs["href"]) for m in found]
    assert marks == {
        "kj-settlement": [("Changed since edition 1.0", "#change-judgement-settlement")],
        "kj-mediation": [("Changed since edition 1.0", "#change-judgement-mediation")],
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
    marks = re.findall(r"(Changed|New) since edition 1\.0, p\. (\d+)", text)
    assert [m[0] for m in marks] == ["Changed", "Changed", "New"], marks
    heading = next(n for n, p in enumerate(pages, 1) if "What changed since edition 1.0" in p)
    (why,) = [n for n, p in enumerate(pages, 1) if f"Why: {CHANGE}" in p]
    assert int(marks[0][1]) == why >= heading
    assert "Likelihood: likely (55–80%) → unlikely (20–45%)" in text
    assert f"Why: {REASON}" in text and "Reworded. Edition 1.0 read:" in text
    reader = PdfReader(second / "dist/brief.pdf")
    destinations = reader.named_destinations
    page_of = reader.get_destination_page_number(destinations["change-judgement-settlement"])
    assert page_of is not None and page_of + 1 == why
    assert {"changes", "change-judgement-containers"} <= set(destinations)


def test_the_json_lists_the_changes(data: dict[str, Any]) -> None:
    changes = data["changes"]
    assert (changes["previous"], changes["previous_issued"]) == ("1.0", "2024-03-11")
    assert changes["summary"] == SUMMARY
    assert changes["list"] == [
        {
            "subject": "judgement",
            "status": "changed",
            "id": "settlement",
            "label": "KJ1",
            "text": SETTLE,
            "shifts": [
                {"field": "likelihood", "old": "likely", "new": "unlikely"},
                {"field": "confidence", "old": "low", "new": "moderate"},
            ],
            "note": CHANGE,
        },
        {
            "subject": "judgement",
            "status": "changed",
            "id": "mediation",
            "label": "KJ2",
            "text": MEDIATE_2,
            "shifts": [{"field": "statement", "old": MEDIATE_1, "new": MEDIATE_2}],
            "note": None,
        },
        {
            "subject": "judgement",
            "status": "added",
            "id": "containers",
            "label": "KJ3",
            "text": CONTAINERS,
            "shifts": [],
            "note": None,
        },
        {
            "subject": "judgement",
            "status": "kept",
            "id": "pay",
            "label": "KJ4",
            "text": PAY,
            "shifts": [],
            "note": None,
        },
        {
            "subject": "judgement",
            "status": "withdrawn",
            "id": "ferries",
            "label": "KJ3",
            "text": FERRIES,
            "shifts": [],
            "note": REASON,
        },
        {
            "subject": "source",
            "status": "changed",
            "id": "gazette-2024",
            "label": "S1",
            "text": "Harbour strike enters third week in Port Ellis",
            "shifts": [{"field": "grade", "old": "B3", "new": "C3"}],
            "note": None,
        },
        {
            "subject": "source",
            "status": "added",
            "id": "council-2024",
            "label": "S2",
            "text": "Council notice on the harbour strike",
            "shifts": [],
            "note": None,
        },
        {
            "subject": "event",
            "status": "added",
            "id": "2024-03-08 Ferry lines move to Carrow",
            "label": "8 March 2024",
            "text": "Ferry lines move to Carrow",
            "shifts": [],
            "note": None,
        },
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
        at(
            "- id: ferries",
            5,
            "error: 'withdrawn' names judgements of a previous edition, but no 'previous' is given",
        ),
    ),
    "withdrawn entry without a reason": brief_edit(
        f"    reason: {REASON}\n",
        "",
        at("- id: ferries", 5, "error: missing required field 'reason'"),
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
        ": it is not a brief.json (KeyError: 'meta')",
    ),
    "previous edition is a list": previous_edition(b"[]", ": it is not a brief.json (TypeError…"),
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
    assert re.fullmatch(
        r"Error: build failed: \d+ errors?; nothing was written", output.splitlines()[-1]
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
edition 1.0 (11 March 2024) -> 2.0 (20 March 2024): {SUMMARY}

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
  S1 regraded B3 -> C3: Harbour strike enters third week in Port Ellis
  S2 new: Council notice on the harbour strike

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
    assert code == 1 and output.startswith(f"Error: {bad}: it is not a brief.json"), output


def test_diff_of_a_project_that_does_not_build(second: Path, tmp_path: Path) -> None:
    root = copy(second, tmp_path)
    edit(root / "brief.md", f":change: {CHANGE}\n", "")
    code, output = run("diff", root / "editions/1.0", root)
    assert code == 1 and MOVED in output, output
    assert output.splitlines()[-1] == "Error: diff failed: 1 error"


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


# --- 6. names kept whole ------------------------------------------------------------------

SKIPPED = {"svg", "style", "script", "head", "title", "code", "pre"}
CAPITALISED = re.compile(r"(?<![\w'’])[A-ZÀ-ÖØ-Þ]\w{5,}")  # 6+ letters, a capital first


def bare_names(node: Element, named: bool = False) -> Iterator[str]:
    """Capitalised words of 6+ letters in body text that no span.name holds."""
    for child in node.children:
        if isinstance(child, str):
            if not named:
                yield from CAPITALISED.findall(child)
        elif child.tag not in SKIPPED:
            yield from bare_names(child, named or "name" in child.classes())


def test_every_capitalised_word_in_the_text_is_marked_for_the_pdf(second: Path) -> None:
    """The PDF is typeset from the page with its names marked; the HTML file stays clean."""
    html = (second / "dist/brief.html").read_text(encoding="utf-8")
    assert not parse_html(html).find_all("span", "name")
    marked = parse_html(keep_names_whole(html))
    assert list(bare_names(marked.find("body"))) == []
    names = [e.text for e in marked.find_all("span", "name")]
    assert {"Container", "Carrow", "Council", "Changed", "Whitfield"} <= set(names)
    assert all(n[0].isupper() for n in names), names
    assert not marked.find("head").find_all("span")


LONG_WORDS = "Khmeimimskaya Latakiagorod Damascusovich Tartusberg Moscowsky Hmeimimvale"


def hyphenated_line_ends(pdf: Path) -> list[str]:
    """The words broken with a hyphen at a line's end, as 'Kh-meimim'."""
    text = "\n".join(pages_text(pdf))
    return re.findall(r"(\w+)[-\u2010\u00ad]\n\s*(\w+)", text)  # WeasyPrint sets U+2010


@pytest.mark.parametrize("capitalised", [True, False])
def test_the_pdf_never_breaks_a_name(tmp_path: Path, capitalised: bool) -> None:
    """A paragraph of long names is set without a broken one; the same words in lower case
    do break, so the paragraph does reach hyphenation."""
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


def text_of(page: str) -> str:
    """All the text of a page, in order, entities decoded."""
    return parse_html(page).raw_text


PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><title>Khmeimim and Moscow</title>
<meta name="description" content="Khmeimim, Tartus">
<style>.Khmeimim { content: "Moscow"; }</style></head>
<body class="Brief">
<h1 id="Damascus">Why Moscow backed Assad</h1>
<p title="Khmeimim Airbase" data-x='Latakia'>Russia’s base at Khmeimim, near Latakia,
and Assad’s fall; Türkiye and Öcalan; the Al-Assad family, pro-Moscow; moscow in lower case.</p>
<p>&lt;Tartus&gt; &amp; &quot;Palmyra&quot; &#8220;Aleppo&#8221;</p>
<figure><svg viewBox="0 0 10 10"><text x="1">Khmeimim</text><title>Latakia</title></svg>
<figcaption>Bases at Khmeimim</figcaption></figure>
<pre>Damascus</pre> <code>Palmyra</code> <script>var Moscow = 1;</script>
<a href="#Khmeimim" class="Tartus">Tartus</a>
</body></html>
"""


def test_keep_names_whole_wraps_text_and_leaves_markup_alone() -> None:
    marked = keep_names_whole(PAGE)
    assert text_of(marked) == text_of(PAGE)  # the text is unchanged
    # Tags, attributes, the head, styles, scripts, code and the figure's SVG are untouched.
    tags = re.compile(r"<(?!/?span\b)[^>]*>")
    assert tags.findall(marked) == tags.findall(PAGE)
    for kept in (
        "<head><title>Khmeimim and Moscow</title>",
        '<style>.Khmeimim { content: "Moscow"; }</style>',
        '<svg viewBox="0 0 10 10"><text x="1">Khmeimim</text><title>Latakia</title></svg>',
        "<pre>Damascus</pre> <code>Palmyra</code> <script>var Moscow = 1;</script>",
    ):
        assert kept in marked, kept
    tree = parse_html(marked)
    assert [e.text for e in tree.find_all("span", "name")] == [
        "Moscow",
        "Russia’s",
        "Khmeimim",
        "Latakia",
        "Assad’s",
        "Türkiye",
        "Öcalan",
        "Moscow",
        "Tartus",
        "Palmyra",
        "Aleppo",
        "Khmeimim",
        "Tartus",
    ]
    assert "Assad</h1>" in marked and "moscow in lower case" in marked  # short, lower case
    assert '&lt;<span class="name">Tartus</span>&gt;' in marked  # entities kept whole


@pytest.mark.parametrize("word", ["переговоры", "środowisko", "συνομιλίες"])
def test_lower_case_words_of_other_scripts_are_not_names(word: str) -> None:
    marked = keep_names_whole(f"<p>{word} {word.capitalize()}</p>")
    assert marked == f'<p>{word} <span class="name">{word.capitalize()}</span></p>'
