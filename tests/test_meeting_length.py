"""A brief of meeting length (tests/fixtures/meeting-brief, shaped like a new user's first
brief): its body prints in at most three pages, its key judgements start on page 1 under
the cover, one table on the cover gives every judgement's estimate, and the one-page
read-ahead is built beside it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from briefing.build import build
from briefing.options import Options

from .conftest import REPO, TIMELINE_YAML, MakeProject, pages_text, run
from .editions.conftest import Element, parse_html

MEETING = REPO / "tests" / "fixtures" / "meeting-brief"
READAHEAD = "brief-readahead.pdf"
# The fixture's judgements as the table gives them: statement, likelihood, confidence.
JUDGEMENTS = {
    "KJ1": (
        "The board and the union will probably agree a phased cut before planting begins in "
        "mid-April.",
        "Likely (55–80%)",
        "Moderate",
    ),
    "KJ2": (
        "The reservoir will very likely stay too low this spring for the board to drop the "
        "cut altogether.",
        "Very likely (80–95%)",
        "Moderate",
    ),
    "KJ3": (
        "Another blockade of the board’s offices before an agreement is a roughly even chance.",
        "Roughly even chance (45–55%)",
        "Low",
    ),
}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory, module_cache: None) -> Path:
    """The fixture built as it comes, every output."""
    root = Path(shutil.copytree(MEETING, tmp_path_factory.mktemp("meeting") / "brief"))
    code, output = run("build", root)
    assert code == 0 and "warning" not in output, output
    return root / "dist"


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.M)
    assert found, info.stdout
    return int(found[1])


def body_pages(pages: list[str]) -> int:
    """How many pages the body takes: up to the one its last words, the last indicator's,
    are on (the annotated sources may begin lower on that page)."""
    (last,) = [i for i, text in enumerate(pages) if "members calling their own" in text]
    assert any("Annotated sources" in text for text in pages[last:])
    return last + 1


def test_the_fixture_checks_with_no_warning() -> None:
    code, output = run("check", MEETING)
    assert code == 0 and "warning" not in output, output
    assert "3 judgements, 27 citations verified against 8 sources, 8 events" in output


def test_the_body_prints_in_at_most_three_pages(dist: Path) -> None:
    pages = pages_text(dist / "brief.pdf")
    assert len(pages) == page_count(dist / "brief.pdf")
    assert body_pages(pages) <= 3


def test_the_key_judgements_start_on_page_one_under_the_cover(dist: Path) -> None:
    first = pages_text(dist / "brief.pdf")[0]
    assert re.search(r"^\s*The Halden water dispute$", first, re.M)
    assert re.search(r"^\s*Key judgements$", first, re.M)
    assert "Both sides have moved towards the same terms" in first  # KJ1's argument
    assert "Contents" not in first  # left to the tool, a body this short goes without


def test_every_judgement_is_on_the_cover_with_its_estimate(dist: Path) -> None:
    first = pages_text(dist / "brief.pdf")[0]
    cover = first[: first.index("Both sides have moved")]
    assert "KEY JUDGEMENTS AT A GLANCE" in cover
    for label, (_, likelihood, confidence) in JUDGEMENTS.items():
        row = re.search(rf"^\s*{label}\s.*$", cover, re.M)
        assert row, label
        term = likelihood.split(" (")[0]
        assert re.search(rf"\s{term}\b.*\s{confidence}$", row[0]), row[0]
    page = parse_html((dist / "brief.html").read_text(encoding="utf-8"))
    assert glance_rows(page) == {
        label: (f"#{anchor}", *row)
        for (label, row), anchor in zip(
            JUDGEMENTS.items(),
            ("kj-phased-deal", "kj-reservoir-low", "kj-more-blockades"),
            strict=True,
        )
    }


def glance_rows(page: Element) -> dict[str, tuple[str, ...]]:
    """The at-a-glance table's rows by label: the label's link, then each cell's text."""
    table = page.find("section", "glance").find("table")
    rows = {}
    for row in table.find("tbody").find_all("tr"):
        label = row.find("th").find("a")
        rows[label.text] = (label.attrs["href"], *(cell.text for cell in row.find_all("td")))
    return rows


def test_the_read_ahead_is_built_by_default_on_one_page(dist: Path) -> None:
    readahead = dist / READAHEAD
    assert page_count(readahead) == 1
    (text,) = pages_text(readahead)
    assert "READ-AHEAD" in text and "The Halden water dispute" in text
    assert all(label in text for label in JUDGEMENTS)


def test_the_format_option_chooses_the_read_ahead_or_leaves_it_out(
    dist: Path, tmp_path: Path
) -> None:
    root = dist.parent
    code, output = run("build", root, "-o", tmp_path / "without", "--format", "pdf")
    assert code == 0, output
    assert not (tmp_path / "without" / READAHEAD).exists()
    assert (tmp_path / "without" / "brief.pdf").exists()
    code, output = run("build", root, "-o", tmp_path / "alone", "--format", "readahead")
    assert code == 0 and "warning" not in output, output
    written = {p.name for p in (tmp_path / "alone").iterdir() if not p.name.startswith(".")}
    assert written == {READAHEAD}
    assert page_count(tmp_path / "alone" / READAHEAD) == 1


def test_what_the_read_ahead_finds_too_is_said_once(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """The read-ahead is typeset beside the brief, from the same words: a character no font
    has, in an event's title (both show the figure), is one warning, not two."""
    events = TIMELINE_YAML.replace("title: Crane closed", "title: Crane closed \U0001faea")
    root = make_project({"figures/timeline.yaml": events})
    result = build(root, Options(outdir=tmp_path, formats=("pdf", "readahead")))
    assert [w.message for w in result.diagnostics.warnings] == [
        "no font has the character \U0001faea (U+1FAEA); it prints as an empty box"
    ]
    assert page_count(tmp_path / READAHEAD) == 1
