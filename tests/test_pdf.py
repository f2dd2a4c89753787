"""The printed brief, read back: marking, page numbers, contents, outline, paper, tagging."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination, DictionaryObject

from briefing.build import build
from briefing.options import Options

from .conftest import BRIEF, REPO, TIMELINE_YAML, MakeProject, declared_language, pages_text


def pdfinfo(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def a4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("a4")
    build(REPO, Options(outdir=out, formats=("pdf",)))
    return out / "brief.pdf"


def outline(pdf: Path) -> list[tuple[str, int]]:
    reader = PdfReader(pdf)
    entries: list[tuple[str, int]] = []

    def walk(items: Iterable[Destination | list[Any]]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                page = reader.get_destination_page_number(item)
                assert item.title is not None and page is not None
                entries.append((item.title, page + 1))

    walk(reader.outline)
    return entries


def test_marking_top_and_bottom_and_page_n_of_m_on_every_page(a4: Path) -> None:
    pages = pages_text(a4)
    assert len(pages) > 5
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert "UNCLASSIFIED // FOR TRAINING USE" in lines[0], (number, lines[0])
        if number > 1:  # the running header: short title and current section
            assert lines[0].startswith("Moscow and Damascus"), (number, lines[0])
        bottom = " ".join(lines[-2:])  # the marking and the page number share the bottom margin
        assert "UNCLASSIFIED // FOR TRAINING USE" in bottom, (number, bottom)
        assert re.search(rf"\bPage {number} of {len(pages)}\b", bottom), (number, bottom)
        assert not any(re.search(r"\bPage \d+ of", line) for line in lines[:-2]), number


def test_contents_page_numbers_match_the_headings(a4: Path) -> None:
    contents = next(page for page in pages_text(a4) if "Contents" in page)
    # Leader dots mark the entries: the judgements may begin on the contents' page.
    listed = {
        m[1].strip(): int(m[2])
        for m in re.finditer(r"^\s*(.+?)\s*(?:\. ?){3,}\s*(\d+)\s*$", contents, re.M)
    }
    bookmarks = dict(outline(a4))
    headings = [t for t in listed if not t.startswith("KJ")]
    assert {"Key judgements", "Timeline", "Annotated sources"} <= set(headings)
    for title in headings:
        assert bookmarks[title] == listed[title], title
    judgements = [t for t in bookmarks if t.startswith("KJ")]
    assert len(judgements) >= 6
    for title, page in listed.items():
        if title.startswith("KJ"):
            match = next(b for b in judgements if b.startswith(title.split("...")[0][:30]))
            assert bookmarks[match] == page, title


def test_outline_has_every_section_and_judgement(a4: Path) -> None:
    titles = [title for title, _ in outline(a4)]
    for section in ("Key judgements", "What Assad wants", "What Putin wants", "Timeline",
                    "Key assumptions", "Alternative scenarios", "Indicators to watch",
                    "Information gaps", "Annotated sources",
                    "What changed since edition 1.0"):  # fmt: skip
        assert section in titles
    assert [t[:3] for t in titles if t.startswith("KJ")] == [f"KJ{n}" for n in range(1, 10)]


def test_metadata_from_the_brief(a4: Path) -> None:
    info = pdfinfo(a4)
    assert "Title:           Moscow and Damascus, 2015–2024" in info
    assert "Author:          Russia and Middle East desk" in info
    assert "Subject:         Why Putin backed Assad" in info
    assert "Keywords:        BRF-2020-001, Russia, Syria" in info
    assert "CreationDate:    Fri Dec 20 00:00:00 2024 UTC" in info
    assert "Page size:       595.276 x 841.89 pts (A4)" in info


def test_letter_paper(tmp_path: Path) -> None:
    build(REPO, Options(outdir=tmp_path, formats=("pdf",), paper="letter"))
    assert "Page size:       612 x 792 pts (letter)" in pdfinfo(tmp_path / "brief.pdf")


def test_tagged_accessible_variant(tmp_path: Path) -> None:
    build(REPO, Options(outdir=tmp_path, formats=("pdf",), pdf_variant="pdf/ua-1"))
    info = pdfinfo(tmp_path / "brief.pdf")
    assert "Tagged:          yes" in info
    catalog = PdfReader(tmp_path / "brief.pdf").trailer["/Root"]
    assert isinstance(catalog, DictionaryObject)
    lang = catalog["/Lang"]
    assert isinstance(lang, str)
    assert lang == declared_language()
    assert "Title:           Moscow and Damascus" in info


def test_one_page_read_ahead(tmp_path: Path) -> None:
    build(REPO, Options(outdir=tmp_path, formats=("pdf",), layout="onepage"))
    pdf = tmp_path / "brief.pdf"
    assert "Pages:           1" in pdfinfo(pdf)
    (page,) = pages_text(pdf)
    flat = " ".join(page.split())
    assert flat.startswith("UNCLASSIFIED // FOR TRAINING USE")
    assert flat.endswith("UNCLASSIFIED // FOR TRAINING USE")
    assert "BOTTOM LINE" in flat and "Figure 1." in flat
    judgements = flat[flat.index("KEY JUDGEMENTS") :]  # the bottom line names some too
    assert [f"KJ{n}" for n in range(1, 10)] == re.findall(r"\bKJ\d\b", judgements)
    assert flat.count("CONFIDENCE") == 9


def test_one_page_read_ahead_with_a_long_timeline(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """Its panels stand side by side; its citations link to a list of the sources."""
    events = "".join(
        f"  - date: '{2000 + n // 12}-{n % 12 + 1:02d}'\n"
        f"    title: Event number {n} of a long timeline\n    cite: [cranes]\n"
        for n in range(60)
    )
    root = make_project({"figures/timeline.yaml": "events:\n" + events})
    result = build(root, Options(outdir=tmp_path, formats=("pdf",), layout="onepage"))
    assert result.brief.figure is not None and len(result.brief.figure.panels) == 2
    assert "Pages:           1" in pdfinfo(tmp_path / "brief.pdf")
    (page,) = pages_text(tmp_path / "brief.pdf")
    assert "Sources. S1 Harbour talks resume in Port Ellis; S2" in " ".join(page.split())


def test_characters_no_font_has_are_a_warning_at_their_place(
    make_project: MakeProject, tmp_path: Path
) -> None:
    # U+1FAE8 to U+1FAEA (Unicode 15 and 16) are in none of the fonts the set-up installs.
    brief = BRIEF.replace("It asks for more", "It asks for more \U0001fae8\U0001fae9")
    line, column = next(
        (n, text.index("\U0001fae8") + 1)
        for n, text in enumerate(brief.splitlines(), 1)
        if "\U0001fae8" in text
    )
    events = TIMELINE_YAML.replace("title: Crane closed", "title: Crane closed \U0001faea")
    event_line = events.splitlines().index("    title: Crane closed \U0001faea") + 1
    root = make_project({"brief.md": brief, "figures/timeline.yaml": events})
    result = build(root, Options(outdir=tmp_path, formats=("pdf",)))
    assert [(str(w.location), w.message) for w in result.diagnostics.warnings] == [
        (
            f"brief.md:{line}:{column}",
            "no font has the characters \U0001fae8 (U+1FAE8), \U0001fae9 (U+1FAE9); "
            "they print as empty boxes",
        ),
        (
            f"figures/timeline.yaml:{event_line}:25",
            "no font has the character \U0001faea (U+1FAEA); it prints as an empty box",
        ),
    ]
    assert (tmp_path / "brief.pdf").exists()


def test_symbols_of_the_sources_have_a_font(tmp_path: Path) -> None:
    """The default brief quotes a cookie notice with an emoji; Symbola prints it."""
    result = build(REPO, Options(outdir=tmp_path, formats=("pdf",)))
    assert not result.diagnostics.warnings
    assert any("\U0001f36a" in page for page in pages_text(tmp_path / "brief.pdf"))
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "brief.pdf")], capture_output=True, text=True, check=True
    )
    assert "Symbola" in fonts.stdout
