"""The reading traps of issue 28, read from the printed PDF: running heads that name a
section the reader has not reached, a heading or caption left at a page's foot, nearly empty
pages, and words hyphenated in headings and judgement statements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import weasyprint

from bench import pagecheck
from briefing.build import build
from briefing.options import Options

from .conftest import REPO, MakeProject


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory, module_cache: None) -> Path:
    """The default brief's PDF, with its brief.json beside it."""
    out = tmp_path_factory.mktemp("traps")
    build(REPO, Options(outdir=out, formats=("pdf", "json")))
    return out / "brief.pdf"


def test_running_heads_name_the_section_open_at_the_page_top(default: Path) -> None:
    assert pagecheck.running_head_mismatches(default) == []
    heads = pagecheck.running_heads(default)
    starts = {h.page: h.text for h in pagecheck.outline(default) if h.level == 2}
    # The trap was a head naming the section that begins lower down the same page.
    mid_page = [page for page, text in starts.items() if heads[page - 1] not in ("", text)]
    assert mid_page, "no page of the default brief begins a section below its top"


def test_no_heading_or_caption_at_a_page_foot(default: Path) -> None:
    assert pagecheck.headings_at_foot(default) == []


def test_a_caption_stays_with_its_table_wherever_the_table_falls(tmp_path: Path) -> None:
    """The layout's tables, each begun a line lower down its page than the last: the caption
    never stays at the foot while the table goes on to the next page."""
    lines = "".join(f"<p>Line {n} of the text before the table.</p>" for n in range(45))
    rows = "<tr><td>2024</td><td>An event<br>on two lines</td></tr>" * 6
    table = (
        "<table><caption>Chronology: the events and their sources</caption>"
        f"<thead><tr><th>Date</th><th>Event</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    blocks = "".join(
        f'<div style="break-before: page">{lines[: lines.index(f"<p>Line {n} ")]}{table}</div>'
        for n in range(12, 42)
    )
    css = (REPO / "layouts/brief.css").read_text("utf-8")
    page = "@page { size: A5; margin: 24mm 18mm 22mm 27mm }"  # pagecheck's margins
    html = f"<html><head><style>{css}{page}</style></head><body>{blocks}</body></html>"
    weasyprint.HTML(string=html).write_pdf(tmp_path / "tables.pdf")
    assert pagecheck.headings_at_foot(tmp_path / "tables.pdf") == []


def test_no_nearly_empty_page_but_the_last(default: Path) -> None:
    fills = pagecheck.page_fill(default)
    assert len(pagecheck.pages_under(fills, 0.6)) <= 2, fills
    assert pagecheck.pages_under(fills, 0.3) == [], fills


def test_no_hyphenation_in_headings_or_judgement_statements(default: Path) -> None:
    data = json.loads(default.with_suffix(".json").read_text("utf-8"))
    statements = [judgement["text"] for judgement in data["judgements"]]
    headings = [heading.text for heading in pagecheck.outline(default)]
    assert pagecheck.hyphenated_in(default, statements) == []
    assert pagecheck.hyphenated_in(default, headings) == []
    assert pagecheck.hyphenated_words(default), "the body text is still hyphenated"


def paragraphs(count: int, topic: str) -> str:
    sentence = f"The {topic} is discussed at length here, with nothing of moment to report. "
    return "\n\n".join(sentence * 6 for _ in range(count))


def test_running_head_on_a_page_that_starts_a_section_and_one_that_continues(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """First runs onto page 2; Second's heading goes to the top of page 3 with the tall
    judgement it keeps with; Third begins below it and runs onto page 4, where Fourth
    begins half-way down."""
    argument = "The authority expects one [@harbour]. " * 95
    brief = f"""\
---
title: Port Ellis
marking: Unclassified
cutoff: 2024-03
issued: 2024-04-01
product_id: T-1
contents: false
---

:::{{bottom-line}}
A settlement is likely before winter [@harbour].
:::

## First

{paragraphs(11, "harbour")}

## Second

:::{{judgement}} A settlement will probably be reached before the winter season.
:id: settlement
:likelihood: likely
:confidence: moderate

{argument}
:::

## Third

{paragraphs(7, "union")}

## Fourth

{paragraphs(2, "crane")}
"""
    root = make_project({"brief.md": brief, "figures/timeline.yaml": None})
    build(root, Options(outdir=tmp_path / "out", formats=("pdf",)))
    pdf = tmp_path / "out/brief.pdf"
    starts = {h.text: h for h in pagecheck.outline(pdf) if h.level == 2}
    top_of_page = pagecheck.pages(pdf)[2].body[0].top
    assert (starts["Second"].page, starts["Second"].top <= top_of_page + 2) == (3, True)
    assert (starts["Third"].page, starts["Fourth"].page) == (3, 4)
    assert pagecheck.running_heads(pdf)[1:4] == ["First", "Second", "Third"]
    assert pagecheck.running_head_mismatches(pdf) == []
