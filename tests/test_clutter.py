"""Clutter on the real path: what `add-source` makes of a saved page, with the clutter
trafilatura lets through (links to other articles, teasers, sign-up boxes) marked as page
furniture from the page's structure, so that a quote of it is an error naming why."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.readers.clutter import find_clutter
from briefing.source_findings import find_findings
from tests.conftest import run

PAGES = Path(__file__).resolve().parent / "fixtures" / "web-pages"
ARTICLE = (
    "<p>The harbour authority said on Monday that the cranes would stay idle until the "
    "dispute over night shifts was settled by the two sides.</p>"
)


def project_with(tmp_path: Path, page: Path, ident: str, quotes: list[str]) -> Path:
    """A new project with the page added under ident and a brief that quotes it."""
    root = tmp_path / "brief"
    assert run("new", root)[0] == 0
    code, output = run("add-source", page, "-p", root, "--id", ident)
    assert code == 0, output
    brief = root / "brief.md"
    cited = "".join(f'- A passage [@{ident} "{quote}"].\n' for quote in quotes)
    brief.write_text(brief.read_text("utf-8") + "\n## From the page\n\n" + cited, "utf-8")
    return root


def errors(output: str) -> list[str]:
    return [line.split(": error: ")[1] for line in output.splitlines() if ": error: " in line]


def test_quotes_of_teasers_on_a_saved_page_are_errors_naming_why(tmp_path: Path) -> None:
    root = project_with(
        tmp_path,
        PAGES / "herald-sun-1.html",
        "herald",
        [
            "Wave of stupidity Doctor knows best, not Starbeam Fantapants",
            "It seems we’re being swamped by a wave of stupidity.",
            "I was involved as a member of the Walkley board.",
        ],
    )
    code, output = run("check", root)
    assert code == 1
    assert errors(output) == [
        "quote is page furniture of source 'herald', not its article text",
        "quote is page furniture of source 'herald', not its article text",
    ]
    assert output.count("found only in: a teaser for another article (lines 21-30)") == 2


def test_article_sentences_of_a_saved_page_still_verify(tmp_path: Path) -> None:
    root = project_with(
        tmp_path,
        PAGES / "lemonde-1.html",
        "lemonde",
        ["Les critiques de la CNIL contre le projet de loi sur le renseignement"],
    )
    code, output = run("check", root)
    assert code == 1
    assert "found only in: a link to another page (line 18)" in output
    brief = root / "brief.md"
    article = "adopté à une large majorité (438 contre 86 et 42 abstentions)"
    related = "Les critiques de la CNIL contre le projet de loi sur le renseignement"
    brief.write_text(brief.read_text("utf-8").replace(related, article), "utf-8")
    code, output = run("check", root)
    assert code == 0, output
    code, output = run("sources", "show", "lemonde", root)
    assert "[furniture: a link to another page (line 18)]" in output


def page(body: str) -> bytes:
    return f"<html><head><title>Cranes</title></head><body>{body}</body></html>".encode()


def reasons(data: bytes, text: str) -> dict[str, str]:
    """Each marked line of text, with its reason."""
    return {text[f.start : f.end]: f.reason for f in find_clutter(data, text)}


def test_boxes_named_for_sign_up_sharing_and_related_articles() -> None:
    data = page(
        f"<article>{ARTICLE * 3}"
        '<div class="newsletter-box"><p>Thanks for signing up! Check your inbox.</p></div>'
        '<div class="social-follow"><p>Follow the Gazette on Facebook and Twitter.</p></div>'
        '<aside><p>Our reporters were in the harbour all night.</p></aside>'
        '<ul class="related-stories">'
        '<li><a href="/a">China furious at Macron</a> [INSIGHT]</li></ul>'
        "</article>"
    )  # fmt: skip
    text = (
        "The harbour authority said on Monday that the cranes would stay idle until the "
        "dispute over night shifts was settled by the two sides.\n"
        "Thanks for signing up! Check your inbox.\n"
        "Follow the Gazette on Facebook and Twitter.\n"
        "Our reporters were in the harbour all night.\n"
        "- China furious at Macron [INSIGHT]"
    )
    assert reasons(data, text) == {
        "Thanks for signing up! Check your inbox.": "a newsletter sign-up box",
        "Follow the Gazette on Facebook and Twitter.": "share and follow buttons",
        "Our reporters were in the harbour all night.": "a box beside the article",
        "- China furious at Macron [INSIGHT]": "a teaser for another article",
    }


def test_teaser_card_with_a_linked_headline_and_a_link_alone() -> None:
    data = page(
        f"<article>{ARTICLE * 3}</article>"
        '<div><h3><a href="/other">Dockers vote to strike</a></h3>'
        "<p>The vote was close, and the union's leaders say it binds them.</p></div>"
        '<p><a href="/more">SEE MORE: Hong Kong protests</a></p>'
    )
    text = (
        "Dockers vote to strike\nThe vote was close, and the union's leaders say it binds them.\n"
        "SEE MORE: Hong Kong protests"
    )
    assert reasons(data, text) == {
        "Dockers vote to strike": "a teaser for another article",
        "The vote was close, and the union's leaders say it binds them.": (
            "a teaser for another article"
        ),
        "SEE MORE: Hong Kong protests": "a link to another page",
    }


def test_what_the_structure_does_not_make_clutter() -> None:
    # A page's wrapper named anything holds the article; a heading's permalink is no link to
    # another page; a sentence the page also has in a share box is the article's all the same;
    # a linked sentence in the text is prose.
    data = page(
        f'<div class="page share-enabled related-wrapper">{ARTICLE * 20}'
        '<h2><a href="#cranes">The cranes</a></h2><p>They stay idle, the authority says.</p>'
        '<p><a href="/report">The report is online.</a></p></div>'
        f'<div class="share">{ARTICLE}</div>'
    )
    text = (
        "The harbour authority said on Monday that the cranes would stay idle until the "
        "dispute over night shifts was settled by the two sides.\n"
        "The cranes\nThey stay idle, the authority says.\nThe report is online."
    )
    assert reasons(data, text) == {}


def test_a_table_row_is_no_menu_but_a_menu_still_is() -> None:
    text = "News | Sport | Weather | Travel\n| Port | Cranes | Ships |\n"
    found = [(f.line, f.detail) for f in find_findings(text, rules="article")]
    assert found == [(1, "menu (line 1)")]


PARAGRAPH = (
    "The harbour authority said on Monday that the cranes would stay idle until the dispute "
    "over night shifts was settled by the two sides."
)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("SEE MORE: Hong Kong protests: what the students want", "link to another article"),
        ("DON'T MISS", "heading of a list of other articles"),
        ("China furious at Macron for Hong Kong protest jibe [INSIGHT]",
         "teaser for another article"),
        ("(Graphic: Global assets in 2019 - here)", "link to a graphic"),
        ("Reporting by Kevin Yao; Editing by Sam Holmes", "reporting credits"),
        ("Keith Bradsher contributed reporting from Hong Kong.", "reporting credits"),
        ("Thanks for signing up!", "newsletter sign-up box"),
        ("Follow the Gazette on Facebook, Twitter and Instagram", "follow prompt"),
        ("Copyright 2019 The Gazette. All rights reserved.", "copyright or licence notice"),
        ("This website is licensed under a Creative Commons licence.",
         "copyright or licence notice"),
        ("Filed under: Ports, Unions", "the site's categories"),
        ("5 min read", "reading time"),
        ("We may earn a commission from links on this page.", "affiliate note"),
        ("Originally published at www.example.org on May 1, 2019.",
         "note of where the article first appeared"),
        ("Submit comments on this post to the editor.", "comment prompt"),
        ("- From the section US & Canada", "the article's section"),
        ("- 24 July 2015", "timestamp"),
        ("posted on April 21, 2015, at 11:29 a.m.", "timestamp"),
        ("PhotoCreditTed Chelsea para The New York Times", "credit line"),
    ],
)  # fmt: skip
def test_text_rules_mark_furniture_of_a_saved_page(line: str, reason: str) -> None:
    text = f"{PARAGRAPH}\n{line}\n{PARAGRAPH.replace('Monday', 'Tuesday')}\n"
    found = [(f.line, f.detail) for f in find_findings(text, rules="article")]
    assert found == [(2, f"{reason} (line 2)")]


def test_text_rules_leave_prose_alone() -> None:
    text = (
        "This was choice, powered by digital advertising, and premised on user experience.\n"
        "Reporting by the Gazette found the cranes idle for a month.\n"
        "- Dockers from the section of the port that closed say they were not told.\n"
    )
    assert find_findings(text, rules="article") == ()


def test_a_side_column_of_links_in_a_layout_table_is_marked_and_the_story_kept() -> None:
    side = "".join(
        f'<tr><td><b>Today {n}</b><br>\n<a href="/day/{n}">Story {n}</a></td></tr>'
        for n in range(4)
    )
    data = page(
        f"<table><tr><td><table>{side}</table></td><td><p>{ARTICLE * 3}</p></td></tr></table>"
    )
    rows = "".join(f"| Today {n} Story {n} |\n" for n in range(4))
    text = f"{rows}| {PARAGRAPH} |\n"
    found = reasons(data, text)
    assert found == {
        f"| Today {n} Story {n} |": "a column of links beside the article" for n in range(4)
    }


def test_heading_of_a_teaser_list_and_linked_subheadings_of_the_article() -> None:
    cards = "".join(
        f'<div><h4>Opinion <a href="/o/{n}">Column number {n} on the docks</a></h4>'
        f"<p>{PARAGRAPH}</p></div>"
        for n in range(3)
    )
    data = page(
        f"<article>{ARTICLE * 3}"
        '<h3><a href="https://shop.example/rez">Rez Infinite ($30)</a></h3>'
        "<p>Beloved cult hit Rez gets the treatment it deserves, with a new level to play.</p>"
        '<ul><li>bigiri has <a href="/bug/1">a patch to move the data map off the old API</a>'
        "</li></ul></article>"
        f'<div class="group"><div><h2>Other Opinion Columns</h2></div><div>{cards}</div></div>'
    )
    text = (
        "Rez Infinite ($30)\nBeloved cult hit Rez gets the treatment it deserves, with a new "
        "level to play.\n- bigiri has a patch to move the data map off the old API\n"
        "Other Opinion Columns\nOpinion Column number 0 on the docks\n"
    )
    assert reasons(data, text) == {
        "Other Opinion Columns": "the heading of a list of teasers",
        "Opinion Column number 0 on the docks": "a teaser for another article",
    }


def test_a_quote_of_a_reporting_credit_on_a_saved_page_is_an_error(tmp_path: Path) -> None:
    saved = tmp_path / "dockers.html"
    saved.write_text(
        "<html><head><title>Dockers strike</title></head><body><article><h1>Dockers strike</h1>"
        f"<p>{PARAGRAPH}</p><p>{PARAGRAPH.replace('Monday', 'Tuesday')}</p>"
        "<p>The union said the vote was binding on all of its members at the port.</p>"
        "<p>(Graphic: Port traffic in 2019 - here)</p>"
        "<p>Reporting by Kevin Yao; Editing by Sam Holmes</p></article></body></html>",
        "utf-8",
    )
    root = project_with(tmp_path, saved, "dockers", ["Editing by Sam Holmes"])
    code, output = run("check", root)
    assert code == 1
    assert errors(output) == ["quote is page furniture of source 'dockers', not its article text"]
    assert "found only in: reporting credits" in output
