"""Source findings by general rules, shown on text the detector was never tuned on."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.build import check
from briefing.cache import load_cached, store_cached
from briefing.diagnostics import BuildFailed
from briefing.source_findings import cached_findings, find_findings

from .conftest import REPO, MakeProject

UNSEEN = """\
Home › World › Harbour strike talks

Dockers and port owners meet again as the harbour strike enters its third week

The harbour strike in Port Ellis entered its third week on Friday as talks resumed.
Union leaders said they would not accept any offer below four per cent this year.
The port owners said a settlement depended on new working hours at the northern quay.

Union leaders said they would not accept any offer below four per cent this year.

Photo: Ellis Press Agency
Share
Tweet
Email
Print
Ferry timetable changes for the spring season
March 3, 2023Local bakery wins regional prize for its sourdough loaf
This site uses cookies to improve your experience. By continuing you accept our use of cookies.
12 comments
Ellis Evening Post
Serving the harbour towns since 1921
"""


def kinds(text: str) -> list[tuple[str, int, str]]:
    return [(f.kind, f.line, f.detail) for f in find_findings(text)]


def test_detector_finds_both_kinds_in_unseen_text() -> None:
    assert kinds(UNSEEN) == [
        ("page-furniture", 1, "breadcrumb (line 1)"),
        ("repeated-passage", 9, "a paragraph (line 9) repeating line 6"),
        ("page-furniture", 11, "credit line (line 11)"),
        ("page-furniture", 12, "share button (lines 12-15)"),
        ("page-furniture", 16, "dated teaser for another article (lines 16-17)"),
        ("page-furniture", 18, "cookie or privacy notice (line 18)"),
        ("page-furniture", 19, "comment counter (line 19)"),
        ("page-furniture", 20, "trailing site byline or footer (lines 20-21)"),
    ]


def test_repeated_sentence_inside_a_paragraph() -> None:
    text = (
        "The council approved the new budget for the coming year on Monday. Then it rested.\n"
        "Critics spoke. The council approved the new budget for the coming year on Monday.\n"
    )
    ((kind, line, detail),) = kinds(text)
    assert (kind, line, detail) == ("repeated-passage", 2, "sentence repeats line 1")


def test_clean_article_has_no_findings() -> None:
    text = "A title\n\nA first paragraph that says something useful about the harbour.\n"
    assert find_findings(text) == ()


def test_findings_spans_point_at_their_text() -> None:
    for finding in find_findings(UNSEEN):
        assert UNSEEN[slice(*finding.span)].startswith(finding.excerpt.split(" · ")[0])


def test_default_seeds_findings() -> None:
    found = {
        path.name[:3]: kinds(path.read_text(encoding="utf-8"))
        for path in sorted((REPO / "seeds").glob("*.txt"))
    }
    assert ("repeated-passage", 45, "3 paragraphs (lines 45-49) repeating lines 35-39") in found[
        "000"
    ]
    assert ("page-furniture", 63, "trailing site byline or footer (line 63)") in found["000"]
    assert ("repeated-passage", 2, "a paragraph (line 2) repeating line 1") in found["001"]
    assert ("page-furniture", 17, "row of buttons (lines 17-23)") in found["001"]
    assert ("page-furniture", 26, "cookie or privacy notice (line 26)") in found["001"]
    assert found["003"] == [] and found["004"] == []


def test_citing_page_furniture_is_an_error(make_project: MakeProject) -> None:
    furniture = "Article text long enough to count as a paragraph of news.\nLike\nShare\nTweet\n"
    root = make_project(
        {
            "seeds/cranes.txt": furniture,
            "figures/timeline.yaml": "events:\n  - date: '2024'\n    title: T\n    cite:\n"
            "      - source: cranes\n        quote: Like Share Tweet\n",
        }
    )
    with pytest.raises(BuildFailed) as failed:
        check(root)
    assert [str(d) for d in failed.value.diagnostics] == [
        "figures/timeline.yaml:6:16: error: quote is page furniture of source 'cranes', not its "
        "article text\n    found only in: row of buttons (line 2)"
    ]


def test_findings_are_kept_in_the_cache_and_recomputed_when_it_is_spoilt(
    private_cache: Path,
) -> None:
    computed = find_findings(UNSEEN)
    assert cached_findings(UNSEEN) == computed
    (kept,) = (private_cache / "findings").iterdir()
    stored = load_cached(kept)
    stored[0]["detail"] = "read from the cache"
    store_cached(kept, stored)
    assert cached_findings(UNSEEN)[0].detail == "read from the cache"
    assert cached_findings(UNSEEN + "\nOne more line.")[0].detail != "read from the cache"
    # Edited without its digest, cut short, of the wrong shape: worked out again.
    kept.write_bytes(kept.read_bytes().replace(b"read from the cache", b"edited by hand"))
    assert cached_findings(UNSEEN) == computed
    for spoilt in (kept.read_bytes()[:-20], b"{not json"):
        kept.write_bytes(spoilt)
        assert cached_findings(UNSEEN) == computed
    store_cached(kept, [{"kind": "page-furniture", "span": "0-4"}])
    assert cached_findings(UNSEEN) == computed
