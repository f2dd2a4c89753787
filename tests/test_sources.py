"""Sources as analysts receive them: text in Windows-1252, saved web pages, PDFs and Word
documents, registered with `briefing add-source` and read by the real libraries.

The web page and the PDFs are real documents (tests/fixtures/sources/LICENSES.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import random
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml
from click.testing import CliRunner

from briefing.build import build, check
from briefing.cli import main
from briefing.diagnostics import Diagnostics
from briefing.files import SOURCES
from briefing.options import Options
from briefing.readers.base import Extracted, SourceFile
from briefing.readers.pdf import _pdfminer_pages
from briefing.readers.registry import READERS, read_source
from briefing.source_findings import find_findings
from tests.conftest import BRIEF, SOURCE_TEXT, SOURCES_YAML, MakeProject, run

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"
ARS = FIXTURES / "ars-1.html"
FOUR_PAGES = FIXTURES / "pdflatex-4-pages.pdf"
MULTICOLUMN = FIXTURES / "multicolumn.pdf"
ENCRYPTED = FIXTURES / "libreoffice-writer-password.pdf"
ARS_ID = "ars-technica-2015"
ARS_TITLE = "Just-released Minecraft exploit makes it easy to crash game servers"
CITATIONS = 7  # the verified citations of conftest's project: brief and timeline

# A statement as it arrives from a Windows machine: curly quotes, an en dash, accents.
STATEMENT = (
    "Statement of the dockworkers’ union, 12 March 2024\n"
    "\n"
    "The union’s chair, Renée Marsh, said on Tuesday that “no deal is better than a bad "
    "deal” – and that the strike would go ahead unless the authority raised its offer.\n"
)


def add_source(root: Path, *files: Path | str, ident: str | None = None) -> tuple[int, str]:
    return run("add-source", *map(str, files), "-p", str(root), *(["--id", ident] if ident else []))


def files_of(root: Path) -> dict[str, bytes]:
    """Every file of the project, by path, with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": error: " in line]


def cite(root: Path, source: str, quote: str) -> None:
    """The conftest brief, with one more citation of source, quoting quote."""
    assert '"' not in quote, quote
    text = BRIEF + f'\nThe new source bears this out [@{source} "{quote}"].\n'
    (root / "brief.md").write_text(text, encoding="utf-8")


def verified(citations: int, sources: int) -> str:
    return f"{citations} citations verified against {sources} sources"


def register(root: Path, ident: str, file: str, title: str) -> None:
    with (root / SOURCES).open("a", encoding="utf-8") as register:
        register.write(f"  {ident}:\n    file: {file}\n    title: {title}\n")


def listing(output: str) -> dict[int, str]:
    """`sources show` output: each numbered line's text, furniture flag included."""
    found = {}
    for line in output.splitlines():
        match = re.fullmatch(r"\s*(\d+)  (.*)", line)
        if match:
            found[int(match.group(1))] = match.group(2)
        else:
            assert re.fullmatch(r"\s*--- page \d+ ---", line), line
    return found


# Windows-1252 text


def test_windows_1252_source_fails_until_its_encoding_is_declared(
    make_project: MakeProject,
) -> None:
    root = make_project()
    (root / "seeds" / "harbour.txt").write_bytes(SOURCE_TEXT.encode("cp1252"))
    code, output = run("check", str(root))
    assert code == 1
    (error,) = errors(output)
    assert error.startswith("seeds/harbour.txt:3:")  # the first curly quote, in "dockworkers’"
    assert "source is not valid UTF-8 (byte 0x92)" in error
    hint = output.splitlines()[output.splitlines().index(error) + 1]
    assert "'encoding: cp1252'" in hint
    assert "latin" not in output.lower()
    assert "not listed" not in output  # it is listed; it cannot be read

    declared = SOURCES_YAML.replace(
        "    file: harbour.txt\n", "    file: harbour.txt\n    encoding: cp1252\n"
    )
    (root / SOURCES).write_text(declared, encoding="utf-8")
    cite(root, "harbour", "talks with the dockworkers’ union would resume")
    code, output = run("check", str(root))
    assert code == 0, output
    assert verified(CITATIONS + 1, 2) in output
    code, output = run("sources", "show", "harbour", str(root))
    assert code == 0 and "dockworkers’ union" in output and "“We expect" in output


def test_add_source_records_the_encoding_of_windows_1252_text(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project()
    statement = tmp_path / "statement.txt"
    statement.write_bytes(STATEMENT.encode("cp1252"))
    code, output = add_source(root, statement)
    assert code == 0, output
    assert "added statement: seeds/statement.txt (text)" in output
    assert "  encoding: cp1252" in output
    entry = yaml.safe_load((root / SOURCES).read_text(encoding="utf-8"))["sources"]["statement"]
    assert entry == {"file": "statement.txt", "title": "statement", "encoding": "cp1252"}
    assert (root / "seeds" / "statement.txt").read_bytes() == statement.read_bytes()

    cite(root, "statement", "The union’s chair, Renée Marsh, said on Tuesday")
    code, output = run("check", str(root))
    assert code == 0, output
    assert verified(CITATIONS + 1, 3) in output


# Saved web pages


def test_add_source_registers_a_saved_web_page_whose_sentences_verify(
    make_project: MakeProject,
) -> None:
    original = "# Sources of the Port Ellis brief.\n" + SOURCES_YAML.replace(
        "  cranes:\n", "  cranes:  # the inspectors' report\n"
    )
    root = make_project({"seeds/sources.yaml": original})
    code, output = add_source(root, ARS)
    assert code == 0, output
    assert output.startswith(f"added {ARS_ID}: seeds/{ARS_ID}.html (web page)\n")
    assert (root / "seeds" / f"{ARS_ID}.html").read_bytes() == ARS.read_bytes()

    text = (root / SOURCES).read_text(encoding="utf-8")
    assert text.startswith(original)  # comments, order and quoting kept to the byte
    assert "  cranes:  # the inspectors' report\n" in text
    before, after = yaml.safe_load(original)["sources"], yaml.safe_load(text)["sources"]
    assert list(after) == ["harbour", "cranes", ARS_ID]
    assert {k: after[k] for k in before} == before
    entry = after[ARS_ID]
    assert entry["file"] == f"{ARS_ID}.html"
    assert entry["title"] == ARS_TITLE
    assert entry["author"] == "Dan Goodin"
    assert entry["outlet"] == "Ars Technica"
    assert str(entry["published"]) == "2015-04-16"
    assert entry["date_basis"]
    assert not {"reliability", "credibility"} & set(entry)

    code, shown = run("sources", "show", ARS_ID, str(root))
    assert code == 0, shown
    first = listing(shown)[1]
    sentence = first[: first.index(".") + 1]
    assert sentence.startswith("A flaw in the wildly popular online game Minecraft")
    cite(root, ARS_ID, sentence)
    code, output = run("check", str(root))
    assert code == 0, output
    assert f"source '{ARS_ID}': reliability and credibility not yet graded" in output
    assert verified(CITATIONS + 1, 3) in output

    navigation = "Sign up or login to join the discussions"
    assert navigation.encode() in ARS.read_bytes()
    cite(root, ARS_ID, navigation)
    code, output = run("check", str(root))
    assert code == 1
    (error,) = errors(output)
    assert error.endswith(f"error: quote not found in source '{ARS_ID}'")


def test_adding_the_same_file_again_is_refused_and_writes_nothing(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project()
    assert add_source(root, ARS)[0] == 0
    before = files_of(root)
    copy = tmp_path / "saved-again.html"
    copy.write_bytes(ARS.read_bytes())
    for again in (ARS, copy):
        code, output = add_source(root, again)
        assert code == 1
        assert errors(output) == [f"{again}: error: already registered, as source '{ARS_ID}'"]
        assert output.endswith("Error: add-source failed: 1 error; nothing was written\n")
        assert files_of(root) == before


def test_a_batch_with_one_bad_file_writes_nothing(make_project: MakeProject) -> None:
    root = make_project()
    before = files_of(root)
    code, output = add_source(root, ARS, FOUR_PAGES, ENCRYPTED)
    assert code == 1
    (error,) = errors(output)
    assert error.startswith(f"{ENCRYPTED}: error: ") and "encrypted" in error
    assert "added" not in output
    assert files_of(root) == before


# Bad input

Maker = Callable[[Path], object]  # writes a file at the path (or, for a missing one, does not)


def copy_of(original: Path) -> Maker:
    return lambda path: shutil.copy(original, path)


def data(content: bytes) -> Maker:
    return lambda path: path.write_bytes(content)


def scanned_pdf(path: Path) -> None:
    """A PDF with a picture and no text layer, as a scanner makes."""
    import weasyprint

    page = '<div style="width:50px;height:50px;background:#000"></div>'
    path.write_bytes(weasyprint.HTML(string=page).write_pdf())


def zip_bomb(path: Path) -> None:
    """A .docx whose one member unpacks to 300 MB of zeros (about 300 KB packed), written
    a megabyte at a time."""
    block = bytes(2**20)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(300):
            member.write(block)


def nothing(path: Path) -> None:
    """The file is not there."""


def word_with(document_xml: bytes) -> Maker:
    """A .docx that python-docx made, its word/document.xml replaced."""

    def make(path: Path) -> None:
        import docx

        made = io.BytesIO()
        docx.Document().save(made)
        with zipfile.ZipFile(made) as original, zipfile.ZipFile(path, "w") as copy:
            for item in original.infolist():
                replaced = item.filename == "word/document.xml"
                copy.writestr(item, document_xml if replaced else original.read(item))

    return make


WORD_XML = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
TRUNCATED = WORD_XML + b"<w:body><w:p><w:r><w:t>The crane fail"
NESTED = (
    WORD_XML + b"<w:body>" + b"<w:p>" * 100_000 + b"</w:p>" * 100_000 + b"</w:body></w:document>"
)


def entities(levels: int) -> bytes:
    """A document of one word that is an entity of ten of the level below it, 10**levels
    times 'lol' (a billion laughs at nine levels)."""
    laugh = [b'<!ENTITY lol0 "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, levels + 1)
    ]
    body = b"<w:body><w:p><w:r><w:t>Before &lol%d; after</w:t></w:r></w:p></w:body>" % levels
    return b"<!DOCTYPE laughs [" + b"".join(laugh) + b"]>" + WORD_XML + body + b"</w:document>"


NO_ARTICLE = b"""<!DOCTYPE html><html><head><title>Gallery</title></head>
<body><img src="harbour.jpg" alt=""><script>var views = 1;</script></body></html>"""

# A section front: trafilatura falls back to the menus and the footer, which are no article.
MENUS_ONLY = b"""<html><body><nav><a href="/">Home</a> <a href="/news">News</a>
<a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
<footer>Copyright 2024 The Port Ellis Gazette. All rights reserved.</footer></body></html>"""

BAD_FILES: list[tuple[str, Maker, str]] = [
    ("locked.pdf", copy_of(ENCRYPTED), "the PDF is encrypted"),
    ("scan.pdf", scanned_pdf, "the PDF has no text layer"),
    ("x.pdf", data(random.Random(1).randbytes(4096)), "not a readable PDF"),
    ("letter.docx", data(b"Dear Sir,\n"), "not a readable Word document"),
    ("bomb.docx", zip_bomb, "refused as a zip bomb"),
    ("truncated.docx", word_with(TRUNCATED), "not a readable Word document: its XML is damaged"),
    ("nested.docx", word_with(NESTED), "not a readable Word document: its XML is damaged"),
    ("laughs.docx", word_with(entities(9)), "not a readable Word document: its XML is damaged"),
    ("empty.txt", data(b""), "source is empty"),
    ("data.xyz", data(b"harbour,talks\n"), "unsupported kind of source"),
    ("missing.txt", nothing, "no such file"),
    ("gallery.html", data(NO_ARTICLE), "no article text found in the page"),
    ("front.html", data(MENUS_ONLY), "no article text found in the page"),
]


@pytest.mark.parametrize(
    ("name", "make", "message"), BAD_FILES, ids=[name for name, _, _ in BAD_FILES]
)
def test_bad_file_is_one_clear_error_and_nothing_is_written(
    make_project: MakeProject, tmp_path: Path, name: str, make: Maker, message: str
) -> None:
    root = make_project()
    path = tmp_path / name
    make(path)
    before = files_of(root)
    code, output = add_source(root, path)
    assert code == 1
    (error,) = errors(output)
    assert error.startswith(f"{path}: error: ") and message in error
    assert "Traceback" not in output
    assert output.endswith("Error: add-source failed: 1 error; nothing was written\n")
    assert files_of(root) == before


HOSTILE_WORD = [("truncated", TRUNCATED), ("nested", NESTED), ("laughs", entities(9))]


@pytest.mark.parametrize(("name", "xml"), HOSTILE_WORD, ids=[n for n, _ in HOSTILE_WORD])
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_hostile_word_document_in_the_project_is_one_clear_error(
    make_project: MakeProject, tmp_path: Path, command: str, name: str, xml: bytes
) -> None:
    root = make_project({"seeds/cranes.txt": None})
    word_with(xml)(root / "seeds" / "cranes.docx")
    register = SOURCES_YAML.replace("file: cranes.txt", "file: cranes.docx")
    (root / SOURCES).write_text(register, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, [command, str(root), *(["-o", str(out)] * (command == "build"))]
    )
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    (error,) = errors(result.output)
    assert error.startswith("seeds/cranes.docx: error: not a readable Word document: its XML")
    assert not out.exists()


def test_a_word_documents_entities_are_not_expanded(tmp_path: Path) -> None:
    """python-docx's parser leaves entities unresolved: a thousand laughs are none."""
    path = tmp_path / "laughs.docx"
    word_with(entities(3))(path)
    read = read_source(SourceFile(str(path), path.read_bytes()), Diagnostics())
    assert read is not None and read.extracted.text == "Before\n"


# PDF


def test_pdf_pages_and_bare_page_numbers_as_furniture(make_project: MakeProject) -> None:
    root = make_project()
    code, output = add_source(root, FOUR_PAGES, ident="blind")
    assert code == 0, output
    code, output = run("check", "--findings", str(root))
    assert code == 0, output
    assert "S3 blind: PDF, 4 pages, " in output

    code, shown = run("sources", "show", "blind", str(root))
    assert code == 0, shown
    assert [line.strip() for line in shown.splitlines() if "--- page" in line] == [
        f"--- page {n} ---" for n in range(1, 5)
    ]
    lines = listing(shown)
    for page in range(1, 5):
        (number,) = [n for n, text in lines.items() if text.startswith(f"{page}    [furniture")]
        assert "[furniture: page number" in lines[number]
        assert f"  seeds/blind.pdf:{number}: page furniture: page number" in output
    assert sum("[furniture:" not in text for text in lines.values()) > 150  # the prose is not


def test_a_quote_carries_its_page_into_brief_json_and_the_appendix(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project()
    assert add_source(root, MULTICOLUMN, ident="columns")[0] == 0
    quote = "Integer arcu est, nonummy in, fermentum faucibus, egestas vel, odio."
    cite(root, "columns", quote)
    out = tmp_path / "out"
    build(root, Options(outdir=out, formats=("json", "html")))

    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    (citation,) = [c for c in data["citations"] if c["source"] == "columns"]
    assert citation["verified"] and len(citation["spans"]) == 1
    assert citation["page"] == 2
    assert {c["page"] for c in data["citations"] if c["source"] != "columns"} == {None}

    html = (out / "brief.html").read_text(encoding="utf-8")
    assert html.count("p.&nbsp;2 · ") == 1
    assert re.search(r'class="cited-by">p\.&nbsp;2 · Cited in', html)
    assert f"{quote} (p. 2)</span>" in html


def hyphenated_passage() -> tuple[str, str]:
    """A passage of multicolumn.pdf around a word that PDFium marks (U+FFFE) as broken by a
    hyphen at a line end, with the word whole; and the word as the PDF breaks it."""
    document = pdfium.PdfDocument(MULTICOLUMN.read_bytes())
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    whole = " ".join(text.replace("\ufffe", "").split())
    word = r"[\w,.;]+"
    around = rf"((?:{word} ){{3}})(\w+)\ufffe(\w+)((?: {word}){{3}})"
    for match in re.finditer(around, text):
        before, head, tail, after = match.groups()
        passage = f"{before}{head}{tail}{after}"
        if whole.count(passage) == 1:
            return passage, f"{head}-{tail}"
    raise AssertionError("no hyphenated word in multicolumn.pdf")


def test_a_word_hyphenated_at_a_line_end_is_quoted_whole(make_project: MakeProject) -> None:
    passage, broken = hyphenated_passage()
    root = make_project()
    assert add_source(root, MULTICOLUMN, ident="columns")[0] == 0
    code, shown = run("sources", "show", "columns", str(root))
    assert broken not in shown and "\ufffe" not in shown
    cite(root, "columns", passage)
    code, output = run("check", str(root))
    assert code == 0, output
    assert verified(CITATIONS + 1, 3) in output


def test_pdfminer_reads_pages_and_rejoins_words_hyphenated_at_line_ends() -> None:
    pages, *_ = _pdfminer_pages(FOUR_PAGES.read_bytes())
    assert len(pages) == 4
    assert pages[0].startswith("Hello, here is some text without a meaning.")
    assert pages[2].startswith("you information about the selected font")

    pages, *_ = _pdfminer_pages(MULTICOLUMN.read_bytes())
    assert len(pages) == 3
    first = " ".join(pages[0].split())
    # pdfminer gives "con-\nsectetuer", "Cur-\nabitur", "Maece-\nnas" here.
    assert "nonummy eget, consectetuer id" in first
    assert "nulla. Curabitur auctor" in first
    assert "leo. Maecenas lacinia" in first
    for page in pages:
        assert not re.search(r"[^\W\d_]-\n[a-z]", page)


def test_a_pdf_that_pdfium_refuses_is_read_by_pdfminer(
    make_project: MakeProject, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(FOUR_PAGES.read_bytes().replace(b"%PDF-", b"%XYZ-", 1))
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(damaged.read_bytes())
    root = make_project()
    code, output = add_source(root, damaged, ident="damaged")
    assert code == 0, output
    cite(root, "damaged", "Hello, here is some text without a meaning.")
    code, output = run("check", "--findings", str(root))
    assert code == 0, output
    assert "S3 damaged: PDF, 4 pages, " in output
    assert len(re.findall(r"seeds/damaged\.pdf:\d+: page furniture: page number", output)) == 4


# Word


def test_word_document_is_added_with_its_title_and_author(
    make_project: MakeProject, tmp_path: Path
) -> None:
    import docx

    document = docx.Document()
    properties = document.core_properties
    properties.title = "Crane inspection report"
    properties.author = "Port Ellis Inspectorate"
    properties.created = dt.datetime(2024, 3, 5, 9, 30)
    document.add_heading("Crane inspection", 1)
    document.add_paragraph(
        "The northern crane failed its load test on 4 March, when a brake slipped under a "
        "forty-tonne container."
    )
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate([("Crane", "Status"), ("Northern crane", "Closed for repairs")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_paragraph(
        "It will stay closed for three weeks while the inspectors wait for new brake pads "
        "from the maker."
    )
    path = tmp_path / "inspection.docx"
    document.save(str(path))

    root = make_project()
    code, output = add_source(root, path)
    assert code == 0, output
    assert "added inspection-2024: seeds/inspection-2024.docx (Word document)" in output
    entry = yaml.safe_load((root / SOURCES).read_text(encoding="utf-8"))["sources"][
        "inspection-2024"
    ]
    assert entry["title"] == "Crane inspection report"
    assert entry["author"] == "Port Ellis Inspectorate"
    assert str(entry["published"]) == "2024-03-05"
    assert "creation date" in entry["date_basis"]

    code, shown = run("sources", "show", "inspection-2024", str(root))
    assert code == 0 and "Northern crane | Closed for repairs" in shown
    assert shown.index("forty-tonne") < shown.index("Northern crane") < shown.index("brake pads")
    for quote in ("a brake slipped under a forty-tonne container", "Closed for repairs"):
        cite(root, "inspection-2024", quote)  # a paragraph, then a table's cell
        code, output = run("check", str(root))
        assert code == 0, output
        assert verified(CITATIONS + 1, 3) in output


# The cache


def test_a_pdf_is_extracted_once_and_then_read_from_the_cache(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, private_cache: Path, tmp_path: Path
) -> None:
    root = make_project()
    shutil.copy(FOUR_PAGES, root / "seeds" / "blind.pdf")
    register(root, "blind", "blind.pdf", "Blind text")
    reader, calls = READERS["PDF"], tmp_path / "calls"

    def counting(file: SourceFile, diagnostics: Diagnostics) -> Extracted | None:
        with calls.open("a", encoding="utf-8") as out:  # read in a child process
            out.write(file.path + "\n")
        return reader.read(file, diagnostics)

    monkeypatch.setitem(READERS, "PDF", dataclasses.replace(reader, read=counting))
    assert not any(private_cache.rglob("*"))
    first, second = check(root).brief.sources, check(root).brief.sources
    assert calls.read_text(encoding="utf-8") == "seeds/blind.pdf\n"
    entries = [p for p in (private_cache / "extracted").rglob("*") if p.is_file()]
    assert {p.suffix for p in entries} == {".json"} and len(entries) == 3  # and the two texts
    assert any(
        "Hello, here is some text without a meaning." in p.read_text(encoding="utf-8")
        for p in entries
    )
    assert [(s.text, s.pages, s.findings) for s in first] == [
        (s.text, s.pages, s.findings) for s in second
    ]
    assert len(second[-1].pages) == 4


def test_web_page_rules_leave_documents_alone() -> None:
    """A PDF's own short lines (a table, a title page's date) are no web page's furniture:
    only what its reader knows (page numbers) is."""
    read = read_source(SourceFile("seeds/multicolumn.pdf", MULTICOLUMN.read_bytes()), Diagnostics())
    assert read is not None and read.page_rules == "document"
    findings = find_findings(read.extracted.text, read.extracted.furniture, read.page_rules)
    furniture = {f.detail.split(" (")[0] for f in findings if f.kind == "page-furniture"}
    assert furniture == {"page number"}
    as_pasted = find_findings(read.extracted.text, read.extracted.furniture, "pasted")
    assert len(as_pasted) > len(findings)  # the web rules would have flagged the table


def test_register_values_yaml_would_misread_are_quoted(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """ruamel writes YAML 1.2, the register is read as 1.1: 'yes' and 'on' must stay text."""
    path = tmp_path / "yes.txt"
    path.write_text("The ferry company said it would keep sailing to Port Ellis.\n", "utf-8")
    root = make_project()
    code, output = add_source(root, path, ident="on")
    assert code == 0, output
    assert "  on:\n" not in (root / SOURCES).read_text(encoding="utf-8")  # quoted
    out = tmp_path / "out"
    build(root, Options(outdir=out, formats=("json",)))
    sources = json.loads((out / "brief.json").read_text(encoding="utf-8"))["sources"]
    added = next(s for s in sources if s["file"] == "seeds/on.txt")
    assert (added["id"], added["title"]) == ("on", "yes")


def test_an_id_with_a_dot_does_not_change_the_kind_of_the_copy(
    make_project: MakeProject, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Inspectors closed the crane after its brake slipped.\n", encoding="utf-8")
    root = make_project()
    code, output = add_source(root, path, ident="report.pdf")
    assert code == 0, output
    assert (root / "seeds" / "report-pdf.txt").read_bytes() == path.read_bytes()


def test_utf16_and_short_cyrillic_text_are_read_in_their_encodings(
    make_project: MakeProject, tmp_path: Path
) -> None:
    utf16 = tmp_path / "statement.txt"
    utf16.write_text("The union’s statement: talks resume on the quay.\n", encoding="utf-16")
    cyrillic = tmp_path / "tass.txt"
    cyrillic.write_bytes("Министр заявил, что переговоры продолжатся.\n".encode("cp1251"))
    root = make_project()
    code, output = add_source(root, utf16, cyrillic)
    assert code == 0, output
    register = yaml.safe_load((root / SOURCES).read_text(encoding="utf-8"))["sources"]
    assert {e["encoding"] for e in register.values() if "encoding" in e} == {"utf-16", "cp1251"}
    code, shown = run("sources", "show", "tass", str(root))
    assert code == 0 and "Министр заявил" in shown


@pytest.mark.parametrize(
    ("register", "message"),
    [
        ("- just\n- a list\n", "expected a mapping 'sources:'"),
        ("sources: [\n", "invalid YAML"),
    ],
)
def test_a_broken_register_is_one_clear_error(
    make_project: MakeProject, register: str, message: str
) -> None:
    root = make_project({"seeds/sources.yaml": register})
    before = files_of(root)
    code, output = add_source(root, ARS)
    assert code == 1 and message in output and "Traceback" not in output
    assert files_of(root) == before


def test_a_folder_is_not_a_source(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project()
    code, output = add_source(root, tmp_path)
    assert code == 1 and f"{tmp_path}: error: not a regular file" in output


def test_add_source_of_a_named_pipe_is_an_error_not_a_hang(
    make_project: MakeProject, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    pipe = tmp_path / "statement.txt"
    os.mkfifo(pipe)
    root = make_project()
    before = files_of(root)
    result = subprocess.run(  # a hang fails by the timeout
        [sys.executable, "-m", "briefing", "add-source", str(pipe), "-p", str(root)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert f"{pipe}: error: not a regular file (a named pipe)" in result.stderr
    assert files_of(root) == before
