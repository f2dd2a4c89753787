"""The typography of the writer's own text (smartypants and ranges), with the passages
quoted from the sources left exactly as the sources have them."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefing.build import build
from briefing.options import Options
from briefing.typography import smart_text, smarten

from .conftest import REPO, MakeProject

VERBATIM = {"blockquote", "q", "code", "pre", "script", "style"}  # and the hover passages


class _WritersText(HTMLParser):
    """The page's text outside quoted passages, code, and the hover passages."""

    def __init__(self) -> None:
        super().__init__()
        self.skipping: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.skipping or tag in VERBATIM or "cite-quote" in classes:
            self.skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.text.append(data)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("typography")
    build(REPO, Options(outdir=out, formats=("html",)))
    return (out / "brief.html").read_text(encoding="utf-8")


def test_the_writers_text_has_curly_quotes_and_no_straight_ones(page: str) -> None:
    parser = _WritersText()
    parser.feed(page.split("<body", 1)[1])
    text = "".join(parser.text)
    assert "’" in text and "“" in text
    straight = [m.start() for m in re.finditer("[\"']", text)]
    assert not straight, [text[i - 30 : i + 30] for i in straight]


def test_quoted_passages_stay_as_the_sources_have_them(page: str) -> None:
    quotes = [html.unescape(q) for q in re.findall(r'role="tooltip">([^<]*)</span>', page)]
    assert any("'" in q for q in quotes)  # a straight apostrophe the source has, kept
    sources = " ".join(
        "".join(p.read_text("utf-8") for p in (REPO / "seeds").glob("*.txt")).split()
    )
    for quote in quotes:
        assert " ".join(quote.split()) in sources, quote


def test_likelihood_ranges_take_an_en_dash(page: str) -> None:
    assert re.search(r"\d+\u2013\d+%", page)
    assert not re.search(r"\(\d+-\d+%\)", page)


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ('He said "it\'s over"...', "He said \u201cit\u2019s over\u201d\u2026"),
        ("55-80% in 2015-2024", "55\u201380% in 2015\u20132024"),
        ("on 2024-03-01 and in 2024-03", "on 2024-03-01 and in 2024-03"),
        ("a pause -- and a break --- here", "a pause \u2013 and a break \u2014 here"),
        ("see KJ 3 and p. 4, not KJs 3", "see KJ\u00a03 and p.\u00a04, not KJs 3"),
        (
            'at https://x.org/2015-2024/a--b... "ok"',
            "at https://x.org/2015-2024/a--b... \u201cok\u201d",
        ),
    ],
)
def test_smart_text(written: str, printed: str) -> None:
    assert smart_text(written) == printed


def test_markup_keeps_its_tags_code_and_attributes() -> None:
    markup = '<p>"quoted" <a href="#p-raia-2020-14">2015-2024</a> <code>"x" 1-2</code></p>'
    assert smarten(markup) == (
        '<p>\u201cquoted\u201d <a href="#p-raia-2020-14">2015\u20132024</a> '
        '<code>"x" 1-2</code></p>'
    )


def test_a_quote_with_straight_marks_is_cited_verbatim(make_project: MakeProject) -> None:
    root = make_project()
    brief = root / "brief.md"
    brief.write_text(
        brief.read_text(encoding="utf-8").replace(
            "The authority expects one",
            'The "authority" expects one -- as it said [@harbour "We expect a settlement"]',
        ),
        encoding="utf-8",
    )
    build(root, Options(formats=("html",)))
    page = (Path(root) / "dist" / "brief.html").read_text(encoding="utf-8")
    assert "The \u201cauthority\u201d expects one \u2013 as it said" in page
    assert 'role="tooltip">We expect a settlement</span>' in page
