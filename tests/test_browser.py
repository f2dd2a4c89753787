"""The HTML brief in a real browser (Debian's Chromium, driven by Playwright) and checkers.

Set-up (`make test`) installs Chromium, Playwright, and, with npm, the W3C Nu HTML checker
and axe-core into node_modules/.
"""

from __future__ import annotations

import itertools
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, sync_playwright

from briefing.build import build
from briefing.cli import main
from briefing.options import Options

from .conftest import REPO, MakeProject, declared_language

CHROMIUM = "/usr/bin/chromium"
NODE_MODULES = REPO / "node_modules"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    build(REPO, Options(outdir=out, formats=("html",)))
    return out / "brief.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(
    browser: Browser, html: Path, width: int, height: int, bypass_csp: bool = False
) -> tuple[Page, list[str]]:
    """The brief at a viewport size; problems (console errors, requests) are collected.
    bypass_csp: let a test's own script run despite the page's policy."""
    page = browser.new_page(viewport={"width": width, "height": height}, bypass_csp=bypass_csp)
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "request",
        lambda r: problems.append(f"request: {r.url}") if r.url != html.as_uri() else None,
    )
    page.goto(html.as_uri())
    return page, problems


def test_nu_html_checker_reports_no_errors(html: Path) -> None:
    result = subprocess.run(
        ["java", "-jar", str(NODE_MODULES / "vnu-jar/build/dist/vnu.jar"), "--errors-only",
         "--format", "json", str(html)],
        capture_output=True, text=True,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert messages == []


def test_no_console_errors_and_no_requests(browser: Browser, html: Path) -> None:
    page, problems = open_page(browser, html, 1280, 900)
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Moscow and Damascus")
    assert problems == []
    page.close()


def test_citation_leads_to_its_passage_and_back(browser: Browser, html: Path) -> None:
    page, problems = open_page(browser, html, 1280, 900)
    cite = page.locator("#kj-why-moscow-backed-assad a.cite").first
    quote = cite.locator(".cite-quote")
    assert not quote.is_visible()
    cite.hover()
    assert quote.is_visible()  # the quoted passage shows on hover, without JavaScript
    target = cite.get_attribute("href")
    assert target and target.startswith("#p-")
    cite.click()
    assert page.url.endswith(target)
    passage = page.locator(target)
    assert passage.is_visible() and passage.locator("blockquote").inner_text() in quote.inner_text()
    back = passage.locator(".cited-by a").first
    back.click()
    assert page.url.endswith(str(back.get_attribute("href")))
    assert problems == []
    page.close()


def test_focus_shows_the_quote_too(browser: Browser, html: Path) -> None:
    page, _ = open_page(browser, html, 1280, 900)
    cite = page.locator("a.cite").first
    cite.focus()
    assert cite.locator(".cite-quote").is_visible()
    page.close()


def test_axe_finds_no_serious_or_critical_violation(browser: Browser, html: Path) -> None:
    page, _ = open_page(browser, html, 1280, 900, bypass_csp=True)
    page.add_script_tag(path=str(NODE_MODULES / "axe-core/axe.min.js"))
    result = page.evaluate("async () => await axe.run(document)")
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    page.close()


@pytest.mark.parametrize(("name", "width", "height"), [("phone", 390, 844), ("desktop", 1440, 900)])
def test_reads_from_phone_to_desktop(
    browser: Browser, html: Path, tmp_path: Path, name: str, width: int, height: int
) -> None:
    page, problems = open_page(browser, html, width, height)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    body = page.locator("body").bounding_box()
    assert body and body["width"] <= min(width, 46 * 16 + 40)
    markings = page.locator(".marking")
    assert markings.count() == 2 and markings.first.is_visible() and markings.last.is_visible()
    shot = tmp_path / f"{name}.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    assert problems == []
    page.close()


def test_document_structure_for_assistive_technology(browser: Browser, html: Path) -> None:
    page, _ = open_page(browser, html, 1280, 900)
    assert page.locator("html").get_attribute("lang") == declared_language()
    assert page.locator("h1").count() == 1
    levels = page.evaluate(
        "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
    )
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    assert page.locator("main").count() == 1 and page.locator("nav").count() == 1
    figure = page.locator("figure.timeline")
    assert figure.locator("figcaption").count() == 1
    art = figure.locator("[role=img]")
    assert (art.get_attribute("aria-label") or "").startswith("Timeline of 26 events")
    for table in page.locator("table").all():
        assert table.locator("caption").count() == 1
        assert table.locator("th").count() == table.locator("th[scope]").count()
    page.locator("nav a[href='#timeline']").click()
    assert page.locator("#timeline").is_visible()
    page.close()


def test_a_layouts_script_does_not_run_in_the_page(
    browser: Browser, make_project: MakeProject
) -> None:
    """A layout comes with a project: opening its page must not run its code."""
    ran = "document.title = 'ran'"
    layout = (
        f"<html><head><script>{ran}</script></head><body>"
        f'<p onmouseover="{ran}">Brief</p><img alt="" src="data:," onerror="{ran}"></body></html>'
    )
    root = make_project({"layouts/brief.html": layout})
    result = CliRunner().invoke(main, ["build", str(root), "--format", "html"])
    assert result.exit_code == 0, result.output
    page, problems = open_page(browser, root / "dist" / "brief.html", 800, 600)
    page.hover("p")
    assert page.title() != "ran"
    assert any("Content Security Policy" in problem for problem in problems), problems
    page.close()
