"""The editions' tests share these: running the command line, the projects of two
editions built once a module, and a small HTML tree to read the pages with.

Every project here is a copy of `briefing new`, its text edited in place. Edition 1.0 has
four key judgements; edition 2.0 moves one (likelihood and confidence, with the reason),
rewords one, withdraws one, adds one and keeps one; it regrades the example's source, adds
a second, and adds an event to the chronology.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from ..conftest import run

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
# The example's judgements rest on one source at moderate confidence: these tests are about
# editions, not about that rule.
WAIVE = "waive:\n  single-source: the example rests on one report\n"
FRONT_2 = (
    f'{WAIVE}version: "2.0"\nprevious: "1.0"\nwithdrawn:\n  - id: ferries\n    reason: {REASON}'
)

COUNCIL_TEXT = """\
Council notice on the harbour strike

Port Ellis Town Council, 8 March 2024

Should the parties fail to agree by the end of March, the council will seek mediation by the
regional government. Container traffic remains halted at the harbour.
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


# A bottom line both editions can keep: it restates no judgement, so the settlement's move
# in edition 2.0 leaves it true (tradecraft: estimates-carried).
BOTTOM_LINE = (
    "The harbour strike will probably end with a settlement before the summer season, but the"
)
KEPT_BOTTOM_LINE = "Talks on the harbour strike go on, and the"


def edition_1_text(example: str) -> str:
    text = set_field(example, "version", 'version: "1.0"').replace(BOTTOM_LINE, KEPT_BOTTOM_LINE)
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


# Pieces of the second edition's brief that several tests change or expect.
WITHDRAWN = f"withdrawn:\n  - id: ferries\n    reason: {REASON}\n"
MOVED = (
    "error: KJ1 moved its likelihood from 'likely' to 'unlikely' and confidence from 'low' "
    "to 'moderate' since edition 1.0: say why in ':change:'"
)
PAY_BLOCK = f":::{{judgement}} {PAY}\n:id: pay\n:likelihood: likely\n:confidence: moderate\n"
