"""Browser printouts ("Print -> Save as PDF") read as the web pages they are: fixtures
printed by headless Chromium, with and without the browser's header and footer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from briefing.diagnostics import Diagnostics
from briefing.readers import pdf, printout
from briefing.readers.base import Extracted, SourceFile
from briefing.readers.registry import read_source

from .conftest import run

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WITH_HEADER = FIXTURES / "printouts" / "aclu-with-browser-header.pdf"
PLAIN = FIXTURES / "printouts" / "ars-1.pdf"
LATEX = FIXTURES / "sources" / "pdflatex-4-pages.pdf"
ACLU_ADDRESS = (
    "https://www.aclu.org/blog/privacy-technology/internet-privacy/"
    "facebook-tracking-me-even-though-im-not-facebook"
)


def project_with(tmp_path: Path, printed: Path, *quotes: str) -> tuple[Path, str]:
    """A new project with the printout added and a brief quoting it; and its id."""
    root = tmp_path / "brief"
    assert run("new", root)[0] == 0
    status, output = run("add-source", printed, "-p", root)
    assert status == 0, output
    (ident,) = re.findall(r"^added (\S+):", output, re.M)
    brief = root / "brief.md"
    cites = "".join(f'\nThe printout says so [@{ident} "{quote}"].\n' for quote in quotes)
    brief.write_text(brief.read_text(encoding="utf-8") + cites, encoding="utf-8")
    return root, ident


def test_a_quote_of_the_menu_or_a_teaser_is_an_error_naming_why(tmp_path: Path) -> None:
    menu, teaser = "Financial Info and Reports", "Why YouTube Shouldn’t Over-Rely on Artificial"
    root, ident = project_with(tmp_path, WITH_HEADER, menu, teaser)
    status, output = run("check", root)
    assert status == 1
    errors = [line for line in output.splitlines() if ": error: " in line]
    assert len(errors) == 2, output
    assert all(f"quote is page furniture of source '{ident}'" in e for e in errors)
    menu_reason = "before the article: the site's header and menu, printed on page 2"
    teaser_reason = "after the article: links to other articles, comments and the site's footer"
    assert f"found only in: {menu_reason}" in output
    assert f"found only in: {teaser_reason}, printed on page 7" in output


def test_an_article_sentence_verifies_with_its_page(tmp_path: Path) -> None:
    quote = "Similarly, I'm sure that I'm in some photographs that someone has uploaded to Facebook"
    root, ident = project_with(tmp_path, WITH_HEADER, quote)
    status, output = run("check", root)
    assert status == 0, output
    assert "citations verified" in output
    out = tmp_path / "out"
    assert run("build", root, "--format", "json", "-o", out)[0] == 0
    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    (citation,) = [c for c in data["citations"] if c["source"] == ident]
    assert citation["page"] == 3


def test_the_register_entry_says_what_the_printout_states(tmp_path: Path) -> None:
    root, ident = project_with(tmp_path, WITH_HEADER)
    entry = yaml.safe_load((root / "seeds" / "sources.yaml").read_text(encoding="utf-8"))
    entries = entry.get("sources", entry)
    found = entries[ident]
    assert found["title"] == "Facebook Is Tracking Me Even Though I’m Not on Facebook"
    assert found["outlet"] == "American Civil Liberties Union"
    assert found["author"] == "Daniel Kahn Gillmor"
    assert found["address"] == ACLU_ADDRESS
    assert str(found["published"]) == "2018-04-05"  # stated; not the day it was printed
    assert found["date_basis"].startswith("stated on page 2 of the printout (printed 20")


def test_a_printout_without_the_browsers_header_takes_its_date_from_the_text() -> None:
    read = read_source(SourceFile("ars.pdf", PLAIN.read_bytes()), Diagnostics())
    assert read is not None
    meta = read.extracted.metadata
    assert meta["title"] == "Just-released Minecraft exploit makes it easy to crash game servers"
    assert meta["outlet"] == "Ars Technica"
    assert meta["published"] == "2015-04-16"
    assert "address" not in meta
    reasons = {f.reason.split(",")[0] for f in read.extracted.furniture}
    assert "before the article: the site's header and menu" in reasons


def test_a_plain_pdf_is_not_taken_for_a_printout() -> None:
    pages, info, headline = pdf._pdfium_pages(LATEX.read_bytes())
    assert not printout.is_printout(info, pdf._assemble(pages, info, headline))
    read = read_source(SourceFile("latex.pdf", LATEX.read_bytes()), Diagnostics())
    assert read is not None
    assert {f.reason for f in read.extracted.furniture} == {"page number"}


def test_the_browsers_header_and_footer_alone_make_a_printout() -> None:
    """A browser that names itself nowhere in the metadata (Firefox on some systems)."""
    page = "12/6/26, 2:42 PM Title of the page\n{}\nhttps://example.org/story {}/3"
    texts = [page.format("A line of the page's own words, long enough to be prose here.", n)
             for n in (1, 2, 3)]  # fmt: skip
    starts = [sum(len(t) + 2 for t in texts[:n]) for n in range(3)]
    extracted = Extracted("\n\n".join(texts) + "\n", tuple(starts))
    assert printout.is_printout({"Producer": "cairo 1.18.0"}, extracted)
    assert not printout.is_printout({"Producer": "cairo 1.18.0"}, Extracted(texts[0][17:]))
    read = printout.read_printout(extracted, {}, [])
    assert read.metadata["address"] == "https://example.org/story"
    assert read.metadata["title"] == "Title of the page"
    assert read.metadata["published"] == "2026-12-06"
    assert read.metadata["date_basis"] == "the day the page was printed, not a stated date"
    browser = [f for f in read.furniture if f.reason.startswith("the browser's header")]
    assert len(browser) == 6


def test_chromium_is_known_by_its_metadata() -> None:
    _, info, _ = pdf._pdfium_pages(PLAIN.read_bytes())
    assert info["Producer"].startswith("Skia/PDF")
    assert printout.browser_name(info) == "Chrome"
    assert printout.browser_name({"Producer": "pdfTeX-1.40.21", "Creator": "LaTeX"}) == ""


ARTICLE = [  # a paragraph as a printout wraps it: full lines, the last one short
    "The council voted on Tuesday to close the old bridge to cars from the spring onward,",
    "after engineers found cracks in two of its piers during the winter inspection rounds.",
    "Traffic will move to the new crossing.",
]


def printed(*lines: str) -> tuple[Extracted, list[str]]:
    """A one-page printout of these lines (the browser named in its metadata)."""
    return Extracted("\n".join(lines) + "\n", (0,)), list(lines)


def reasons_of(lines: list[str], *quoted: str) -> dict[str, str]:
    """Each line quoted, with the reason the printout reader marks it furniture, or ''."""
    extracted, _ = printed(*lines)
    read = printout.read_printout(extracted, {"Producer": "Skia/PDF m120"}, [])
    text = read.text
    found = {}
    for line in quoted:
        start = text.index(line)
        found[line] = next((f.reason for f in read.furniture if f.start <= start < f.end), "")
    return found


def test_a_comment_thread_ends_the_article_even_run_into_its_prose() -> None:
    """The comment form's help is prose too, so the article and the thread were one
    stretch; the thread's head, in the stretch's last half, ends the article."""
    comment = "I have lived near that bridge for thirty years and never saw it this bad before."
    lines = [*ARTICLE * 4, "View comments (2)", "Web page addresses and e-mail addresses turn into",
             "links automatically.", "Anonymous", comment, "reply"]  # fmt: skip
    found = reasons_of(lines, ARTICLE[1], "View comments (2)", comment)
    assert found[ARTICLE[1]] == ""
    assert found["View comments (2)"].startswith("after the article: links to other articles")
    assert found[comment].startswith("after the article")


def test_a_reply_line_early_in_the_article_does_not_end_it() -> None:
    lines = [*ARTICLE, "Reply", *ARTICLE * 4]
    found = reasons_of(lines, "Reply", ARTICLE[2])
    assert found[ARTICLE[2]] == ""
    assert not found["Reply"].startswith("after the article")


def test_a_note_pointing_to_other_articles_is_furniture() -> None:
    note = "Main articles: Economy of New Zealand and Tourism in New Zealand"
    found = reasons_of([*ARTICLE * 2, note, *ARTICLE * 2], note, ARTICLE[0])
    assert found[note].startswith("a note pointing to other articles, printed on page 1")
    assert found[ARTICLE[0]] == ""


def test_the_text_rules_judge_whole_lines_not_a_wrapped_paragraphs_last_line() -> None:
    """A credit between paragraphs is marked as the page's text rules mark it; the last
    line of a wrapped paragraph is not judged alone (it would read as a sign-up prompt)."""
    credit = "Photo: Jane Doe / Reuters"
    wrapped = [
        "Readers told the paper they would pay for fewer trackers and better",
        "advertising experiences, and subscription services.",
    ]
    found = reasons_of([*ARTICLE * 2, credit, *ARTICLE, *wrapped, *ARTICLE * 2], credit, wrapped[1])
    assert found[credit].startswith("credit line, printed on page 1")
    assert found[wrapped[1]] == ""


def printed_page(title: str, address: str, *lines: str) -> dict[str, str]:
    """The metadata of a one-page printout with the browser's header (print date, title)
    and footer (address, counter) around these lines and an article after them."""
    text = "\n".join([f"12/6/26, 2:42 PM {title}", *lines, *ARTICLE * 4, f"{address} 1/1"])
    return printout.read_printout(Extracted(text + "\n", (0,)), {}, []).metadata


STORY = "https://example.org/environment/2019/jan/03/whales"


def test_the_date_a_dateline_states_is_taken_before_other_dates_and_the_print_date() -> None:
    """A dateline longer than a short line ('Thu 3 Jan 2019 ... Last modified on ...') is
    the article's date; a caption's date in the head is not, nor the day of printing."""
    caption = "Whale expert Hori Parata on the beach where the pod stranded on 12 December 2018,"
    dateline = "Thu 3 Jan 2019 02.00 EST Last modified on Wed 16 Jan 2019 06.16 EST"
    meta = printed_page("Whales beach | The Site", STORY, "Whales beach", caption, dateline)
    assert meta["published"] == "2019-01-03"
    assert meta["date_basis"] == "stated on page 1 of the printout (printed 2026-12-06)"
    without = printed_page("Whales beach | The Site", STORY, "Whales beach", caption)
    assert without["published"] == "2018-12-12"  # a date the head states, before the print date


def test_the_authors_are_the_persons_who_wrote_it_without_a_date_or_other_credits() -> None:
    persons = printout.byline_persons
    credits = "by Eleanor Ainge Roy (reporting) and Adrian Malloch (photography)"
    assert persons(credits) == ["Eleanor Ainge Roy"]
    assert persons("by Eleanor Ainge Roy (reporting) and Adrian Malloch (photogr") == [
        "Eleanor Ainge Roy"
    ]
    assert persons("By Ann Lee (graphics), Jan Smith and Bo Chen (video)") == ["Jan Smith"]
    assert persons("By JEFFREY GETTLEMAN JAN. 13, 2017") == ["JEFFREY GETTLEMAN"]
    assert persons("By Ahiza Garcia @ahiza_garcia February 1, 2018") == ["Ahiza Garcia"]
    assert persons("by Alissa Wilkinson Updated Jul 24, 2018") == ["Alissa Wilkinson"]
    meta = printed_page("Whales beach | The Site", STORY, "Whales beach", credits)
    assert meta["author"] == "Eleanor Ainge Roy"
    pdf_page = "A Report on Sudan\nBy JEFFREY GETTLEMAN JAN. 13, 2017\nLONDON — Officials said."
    stated = printout.first_page_statements(pdf_page)
    assert stated["author"] == "JEFFREY GETTLEMAN"
    assert stated["published"] == "2017-01-13"


def test_the_title_loses_a_trailing_author_section_and_site() -> None:
    """The headline the article's head prints cuts the title before an author and a section
    the title names after it; a section word and the site go without it too."""
    title = "Whales beach on the coast | Eleanor Ainge Roy | Environment | The Site"
    headline = ("Whales beach on the", "coast")  # as the printout wraps it
    meta = printed_page(title, STORY, *headline, "by Eleanor Ainge Roy")
    assert meta["title"] == "Whales beach on the coast"
    assert meta["outlet"] == "The Site"
    meta = printed_page("Whales beach on the coast | Eleanor Ainge Roy | The Site", STORY)
    assert meta["title"] == "Whales beach on the coast | Eleanor Ainge Roy"  # named by no byline
    meta = printed_page("Whales beach | World | The Site", STORY)
    assert meta["title"] == "Whales beach"
    label = ("Opinion", "Why whales beach on coasts")  # a label before the headline
    meta = printed_page("Opinion | Why whales beach on coasts | The Site", STORY, *label)
    assert meta["title"] == "Opinion | Why whales beach on coasts"


def test_the_type_is_what_the_printed_page_states() -> None:
    opinion = "https://example.org/commentisfree/2019/jan/03/whales"
    assert printed_page("Whales | The Site", opinion)["type"] == "opinion"
    assert printed_page("Why whales beach | Opinion | The Site", STORY)["type"] == "opinion"
    dated = ("Whales", "by Jane Doe", "3 January 2019")
    assert printed_page("Whales | The Site", STORY, *dated)["type"] == "news"
    assert "type" not in printed_page("Whales | The Site", STORY, *dated[::2])  # no byline
    assert "type" not in printed_page("Whales | The Site", STORY, *dated[:2])  # printed only
    local = "file:///home/me/opinion/whales.html"  # the printing machine's path says nothing
    assert "type" not in printed_page("Whales | The Site", local)
    read = read_source(SourceFile("aclu.pdf", WITH_HEADER.read_bytes()), Diagnostics())
    assert read is not None
    assert read.extracted.metadata["type"] == "blog"  # its address: aclu.org/blog/...
