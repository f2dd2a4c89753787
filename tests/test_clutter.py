"""Clutter on the real path: what `add-source` makes of a saved page, with the clutter
trafilatura lets through (links to other articles, teasers, sign-up boxes) marked as page
furniture from the page's structure, so that a quote of it is an error naming why."""

from __future__ import annotations

from pathlib import Path

from briefing.readers.web import clutter
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
    assert "found only in: a link to another page (line 23)" in output
    assert "found only in: a teaser for another article (line 24)" in output


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
    return {text[f.start : f.end]: f.reason for f in clutter(data, text)}


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
        "Dockers vote to strike": "a link to another page",
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
