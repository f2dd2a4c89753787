"""Register fields from what a saved page states: JSON-LD, Open Graph and article: meta, the
canonical link, the address's path; read by the real reader and written by add-source."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from briefing.diagnostics import Diagnostics
from briefing.readers.base import SourceFile
from briefing.readers.registry import read_source

from .conftest import MakeProject, run
from .test_render import html_of

ARTICLE = (
    "<p>The harbour authority said on Monday that the northern crane would stay closed for "
    "three more weeks while inspectors wait for new brake pads from the maker.</p>"
    "<p>Dock workers, who have been on strike since the start of the month, said the delay "
    "showed that the port had put off its repairs for far too long already.</p>"
)


def page(head: str, title: str = "Crane stays closed") -> bytes:
    """A saved article page with head in its <head>."""
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><article><h1>Crane stays closed</h1>{ARTICLE}</article></body></html>"
    ).encode()


def json_ld(**fields: object) -> str:
    data = {"@context": "https://schema.org", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def metadata_of(data: bytes) -> dict[str, str]:
    read = read_source(SourceFile("seeds/page.html", data), Diagnostics())
    assert read is not None
    return read.extracted.metadata


def test_json_ld_gives_headline_publisher_persons_date_and_opinion() -> None:
    found = metadata_of(
        page(
            json_ld(
                **{"@type": "OpinionNewsArticle"},
                headline="The crane should never have failed",
                author=[
                    {"@type": "Person", "name": "Ana Ruiz"},
                    {"@type": "Organization", "name": "Harbour Desk"},
                ],
                publisher={"@type": "Organization", "name": "The Port Ellis Courier"},
                datePublished="2024-03-05T08:00:00Z",
            ),
            title="Crane | PEC",
        )
    )
    assert found["title"] == "The crane should never have failed"
    assert found["outlet"] == "The Port Ellis Courier"
    assert found["author"] == "Ana Ruiz"
    assert found["published"] == "2024-03-05"
    assert found["date_basis"] == "stated in the page's metadata"
    assert found["type"] == "opinion"


def test_a_wire_story_is_typed_wire() -> None:
    ld = json_ld(**{"@type": "NewsArticle"}, headline="Crane stays closed",
                 author={"@type": "Organization", "name": "Reuters"})  # fmt: skip
    found = metadata_of(page(ld + '<meta property="og:site_name" content="Deccan Herald">'))
    assert found["type"] == "wire"
    assert found["outlet"] == "Deccan Herald"
    assert "author" not in found  # an agency is not a person


def test_open_graph_title_loses_its_section_and_the_site_is_written_as_the_title_has_it() -> None:
    head = (
        '<meta property="og:title" content="The Guardian view on cranes: repair them | Editorial">'
        '<meta property="og:site_name" content="the Guardian">'
        '<meta property="article:section" content="Opinion">'
        '<link rel="canonical" href="https://www.theguardian.com/commentisfree/2024/mar/05/cranes">'
    )
    found = metadata_of(page(head, title="The Guardian view on cranes | Editorial | The Guardian"))
    assert found["title"] == "The Guardian view on cranes: repair them"
    assert found["outlet"] == "The Guardian"
    assert found["type"] == "editorial"
    assert found["address"] == "https://www.theguardian.com/commentisfree/2024/mar/05/cranes"


def test_an_opinion_address_types_the_page_and_the_canonical_link_is_its_address() -> None:
    head = (
        '<meta property="og:url" content="https://example.com/opinion/crane?utm=x">'
        '<link rel="canonical" href="https://example.com/opinion/crane">'
        '<meta property="og:type" content="article">'
    )
    found = metadata_of(page(head))
    assert found["type"] == "opinion"
    assert found["address"] == "https://example.com/opinion/crane"


def test_a_desk_in_the_byline_is_not_an_author() -> None:
    head = (
        '<meta name="author" content="Jill Disis; CNN Business">'
        '<meta property="og:site_name" content="CNN">'
        '<meta property="article:published_time" content="2024-03-05T10:00:00Z">'
    )
    found = metadata_of(page(head, title="Crane stays closed - CNN"))
    assert found["author"] == "Jill Disis"
    assert found["title"] == "Crane stays closed"
    assert found["type"] == "news"


def test_the_title_is_the_headline_not_the_outlets_name() -> None:
    ld = json_ld(**{"@type": "WebPage"}, headline="Port Ellis Gazette",
                 publisher={"@type": "Organization", "name": "Port Ellis Gazette"})  # fmt: skip
    head = ld + '<meta property="og:title" content="Crane stays closed for winter">'
    assert metadata_of(page(head, title="Port Ellis Gazette"))["title"] == (
        "Crane stays closed for winter"
    )


def test_add_source_writes_the_stated_fields_and_the_appendix_says_stated(
    make_project: MakeProject, tmp_path: Path
) -> None:
    ld = json_ld(**{"@type": "NewsArticle"}, headline="Crane stays closed",
                 author={"@type": "Person", "name": "Tom Rogan"},
                 publisher={"@type": "Organization", "name": "Washington Examiner"},
                 datePublished="2019-11-18")  # fmt: skip
    saved = tmp_path / "saved.html"
    saved.write_bytes(page(ld + '<link rel="canonical" href="https://example.com/opinion/x">'))
    root = make_project()
    code, output = run("add-source", str(saved), "-p", str(root), "--id", "examiner")
    assert code == 0, output
    entry = yaml.safe_load((root / "seeds/sources.yaml").read_text(encoding="utf-8"))["sources"][
        "examiner"
    ]
    assert entry["outlet"] == "Washington Examiner"
    assert entry["author"] == "Tom Rogan"
    assert entry["type"] == "opinion"
    assert entry["address"] == "https://example.com/opinion/x"
    assert (str(entry["published"]), entry["date_basis"]) == (
        "2019-11-18", "stated in the page's metadata"
    )  # fmt: skip
    brief = (root / "brief.md").read_text(encoding="utf-8")
    (root / "brief.md").write_text(brief + "\nA crane stayed shut [examiner].\n", encoding="utf-8")
    html = html_of(root, tmp_path)
    examiner = html[html.index('id="src-examiner"') :]
    examiner = examiner[: examiner.index("</article>")]
    assert "18 November 2019 (stated in the page’s metadata)" in examiner
    assert "inferred" not in examiner


def test_a_copyright_year_is_no_date_of_publication() -> None:
    footer = "<footer>© 2017 Port Ellis Gazette. All rights reserved.</footer>"
    html = page("").decode().replace("</body>", f"{footer}</body>")
    assert "published" not in metadata_of(html.encode())


def test_a_us_date_read_day_first_is_turned_round_by_the_pages_iso_date_or_language() -> None:
    head = '<meta name="publish_date" content="05/08/2014 07:01:00">'
    script = '<script>var stamp = {"date": "2014-05-08T16:40:56"};</script>'
    html = page(head).decode().replace("</body>", f"{script}</body>")
    assert metadata_of(html.encode())["published"] == "2014-05-08"
    assert metadata_of(page(head))["published"] == "2014-08-05"  # day first, as in most places
    american = page(head).replace(b"<html>", b"<html lang='en-US'>")
    assert metadata_of(american)["published"] == "2014-05-08"


def test_the_id_is_the_outlets_name_without_its_article(
    make_project: MakeProject, tmp_path: Path
) -> None:
    ld = json_ld(**{"@type": "NewsArticle"}, headline="Crane stays closed",
                 publisher={"@type": "Organization", "name": "The New York Times"},
                 datePublished="2017-01-13")  # fmt: skip
    saved = tmp_path / "saved.html"
    saved.write_bytes(page(ld))
    code, output = run("add-source", str(saved), "-p", str(make_project()))
    assert code == 0, output
    assert "added new-york-times-2017: seeds/new-york-times-2017.html" in output
