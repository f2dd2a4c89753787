"""Every key judgement at a glance on the cover, and in a later edition what changed in it
since the previous one, as the judgement's own mark says it."""

from __future__ import annotations

from pathlib import Path

from .conftest import CONTAINERS, MEDIATE_2, PAY, SETTLE, Element, parse_html


def glance(page: Element) -> tuple[list[str], dict[str, list[str]], dict[str, str]]:
    """The table's column heads, its cells' texts by label, and its links by label."""
    table = page.find("section", "glance").find("table")
    heads = [th.text for th in table.find("thead").find_all("th")]
    cells, links = {}, {}
    for row in table.find("tbody").find_all("tr"):
        label = row.find("th").text
        cells[label] = [td.text for td in row.find_all("td")]
        links[label] = " ".join(a.attrs["href"] for a in row.find_all("a"))
    return heads, cells, links


def test_a_later_edition_gives_each_judgement_its_change_mark(page: Element) -> None:
    heads, cells, links = glance(page)
    assert heads == ["Judgement", "Likelihood", "Confidence", "Since 1.0"]
    assert cells == {
        "KJ1": [SETTLE, "Unlikely (20–45%)", "Moderate", "Likelihood down; Confidence up"],
        "KJ2": [MEDIATE_2, "Likely (55–80%)", "Moderate", "Reworded"],
        "KJ3": [CONTAINERS, "Likely (55–80%)", "Moderate", "New"],
        "KJ4": [PAY, "Likely (55–80%)", "Moderate", "Unchanged"],
    }
    assert links == {
        "KJ1": "#kj-settlement #change-judgement-settlement",
        "KJ2": "#kj-mediation #change-judgement-mediation",
        "KJ3": "#kj-containers #change-judgement-containers",
        "KJ4": "#kj-pay",
    }


def test_a_first_edition_has_no_change_column(built: Path) -> None:
    heads, cells, _ = glance(parse_html((built / "dist/brief.html").read_text("utf-8")))
    assert heads == ["Judgement", "Likelihood", "Confidence"]
    assert all(len(row) == 3 for row in cells.values())
