"""`make pages` (bench/pages.py) measures a project's pages and prints every figure."""

from __future__ import annotations

import re

import pytest

from bench import pages

FIGURES = [
    "total pages",
    "body pages",
    "annex pages",
    "pages under 60% full",
    "pages under 30% full",
    "headings at a page's foot",
    "running heads that disagree with the page's top",
    "hyphenated words in judgement statements",
]


def test_make_pages_prints_each_figure_for_the_new_project(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pages.main(["new"], rounds=1)
    printed = dict(re.findall(r"^  (.+?) {2,}(\S.*)$", capsys.readouterr().out, re.M))
    counts = {label: int(printed[label].split(":")[0]) for label in FIGURES}
    assert counts["total pages"] == counts["body pages"] + counts["annex pages"]
    assert counts["body pages"] > 0 and counts["annex pages"] > 0  # it has annotated sources
    assert counts["pages under 30% full"] <= counts["pages under 60% full"] <= counts["total pages"]
    assert re.fullmatch(r"\d+\.\d\d s", printed["cold build"])
    assert re.fullmatch(r"\d+\.\d\d s", printed["weasyprint alone, the same HTML and CSS"])
    assert re.fullmatch(r"\d+\.\d\d x", printed["ratio, cold build / weasyprint alone"])


def test_an_unknown_project_name_is_refused_naming_those_known() -> None:
    with pytest.raises(SystemExit, match="no such project: nowhere; known: default, new"):
        pages.main(["nowhere"], rounds=1)
