"""A PDF's or Word document's register title: its own metadata's, unless that says nothing
("Untitled", "Microsoft Word - draft3.docx"); then the title its first page states."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from briefing.diagnostics import Diagnostics
from briefing.files import SOURCES
from briefing.readers.base import SourceFile
from briefing.readers.registry import read_source
from tests.conftest import MakeProject, run

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"
HEADLINE = "Cranes idle as the harbour waits for brake pads"
BODY = (
    "The northern crane failed its load test on 4 March, when a brake slipped under a "
    "forty-tonne container. It will stay closed for three weeks while the inspectors "
    "wait for new brake pads from the maker. "
) * 6


def pdf_of(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def report_pdf(head: str = "", headline: str = HEADLINE) -> bytes:
    """A report whose page 1 opens with a big headline, a byline and a date."""
    return pdf_of(
        f"<html><head>{head}</head><body><h1 style='font-size: 26pt'>{headline}</h1>"
        f"<p>By Ann Smith</p><p>5 March 2024</p><p>{BODY}</p></body></html>"
    )


def title_of(name: str, data: bytes) -> str | None:
    diagnostics = Diagnostics()
    read = read_source(SourceFile(f"seeds/{name}", data), diagnostics)
    assert read is not None, list(diagnostics)
    return read.extracted.metadata.get("title")


def registered_title(root: Path, path: Path) -> str:
    """The title `briefing add-source` writes in the register for the file."""

    def entries() -> dict[str, dict[str, object]]:
        return dict(yaml.safe_load((root / SOURCES).read_text(encoding="utf-8"))["sources"])

    before = entries()
    code, output = run("add-source", str(path), "-p", str(root))
    assert code == 0, output
    (added,) = [entry for ident, entry in entries().items() if ident not in before]
    return str(added["title"])


def test_a_pdf_without_a_title_is_titled_by_its_largest_text_at_the_top() -> None:
    assert title_of("report.pdf", report_pdf()) == HEADLINE


def test_a_headline_wrapped_over_two_lines_is_joined() -> None:
    long = "The harbour authority's report on the northern crane and the brake that slipped"
    assert title_of("report.pdf", report_pdf(headline=long)) == long


@pytest.mark.parametrize(
    "useless",
    ["Untitled", "untitled document", "Microsoft Word - draft3.docx", "report_v2.pdf",
     "Document1", "WeasyPrint"],
)  # fmt: skip
def test_a_useless_metadata_title_gives_way_to_the_stated_one(useless: str) -> None:
    assert title_of("report.pdf", report_pdf(f"<title>{useless}</title>")) == HEADLINE


def test_a_good_metadata_title_is_kept() -> None:
    head = "<title>Crane inspection report, March 2024</title>"
    assert title_of("report.pdf", report_pdf(head)) == "Crane inspection report, March 2024"


def test_text_of_one_size_states_no_title() -> None:
    """No headline stands out: nothing is said, and add-source falls back on the file name."""
    assert title_of("plain.pdf", pdf_of(f"<p>{BODY}</p>")) is None
    assert title_of("plain.pdf", pdf_of(f"<title>Untitled</title><p>{BODY}</p>")) is None


def test_a_real_papers_title_is_read_from_its_first_page() -> None:
    """A LaTeX article with no title in its metadata (\\title, \\author, \\date)."""
    assert title_of("paper.pdf", (FIXTURES / "multicolumn.pdf").read_bytes()) == (
        "Two-Column Document with Lorem Ipsum"
    )


def test_add_source_registers_the_stated_title(make_project: MakeProject, tmp_path: Path) -> None:
    path = tmp_path / "scan-0042.pdf"
    path.write_bytes(report_pdf("<title>Untitled</title>"))
    assert registered_title(make_project(), path) == HEADLINE


def test_a_damaged_pdf_is_titled_by_its_first_block_of_lines(tmp_path: Path) -> None:
    """PDFium refuses it; pdfminer reads it, without font sizes."""
    damaged = report_pdf().replace(b"%PDF-", b"%XYZ-", 1)
    assert title_of("damaged.pdf", damaged) == HEADLINE


def test_pdfminers_doubled_bold_letters_are_mended_in_a_title() -> None:
    """A data sheet's first page as pdfminer reads it: bold faked by printing twice."""
    from briefing.readers.pdf import _first_block_title

    page = "Series 026 DDaattaa SShheeeett\nRotary Potentiometer\n\n®\nElectrocomponents\n"
    assert _first_block_title(page) == "Series 026 Data Sheet Rotary Potentiometer"
    assert _first_block_title("Lorem ipsum dolor sit amet, consetetur\nsadipscing.\n") == ""


def word_document(path: Path, core_title: str) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = core_title
    document.add_paragraph("Port Ellis Inspectorate")
    document.add_heading(HEADLINE, 0)  # level 0: the 'Title' style
    document.add_heading("What failed", 1)
    document.add_paragraph(BODY)
    document.save(str(path))
    return path


@pytest.mark.parametrize("core_title", ["", "Untitled", "Microsoft Word - draft3.docx"])
def test_a_word_documents_title_paragraph_is_its_title(tmp_path: Path, core_title: str) -> None:
    path = word_document(tmp_path / "draft.docx", core_title)
    assert title_of("draft.docx", path.read_bytes()) == HEADLINE


def test_a_word_documents_heading_is_its_title_when_it_has_no_title_paragraph(
    tmp_path: Path,
) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Crane inspection", 1)
    document.add_paragraph(BODY)
    document.save(str(tmp_path / "notes.docx"))
    assert title_of("notes.docx", (tmp_path / "notes.docx").read_bytes()) == "Crane inspection"


def test_a_word_documents_own_title_is_kept(tmp_path: Path) -> None:
    path = word_document(tmp_path / "draft.docx", "Crane inspection report")
    assert title_of("draft.docx", path.read_bytes()) == "Crane inspection report"


def test_add_source_registers_a_word_documents_title_paragraph(
    make_project: MakeProject, tmp_path: Path
) -> None:
    path = word_document(tmp_path / "draft.docx", "")
    assert registered_title(make_project(), path) == HEADLINE
