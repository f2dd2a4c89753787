"""Numbered copies and watermarks, read off the PDFs as a reader would (pdftotext)."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from briefing.cli import main
from briefing.new import new_project

NAMES = ["Ann Smith", "Bob Jones", "Céline Dupont"]


def pages_text(pdf: Path, raw: bool = False) -> list[str]:
    """The text of each page."""
    count = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(pdf)))[1])  # type: ignore[index]
    flags = ["-raw"] if raw else []
    return [
        _run("pdftotext", *flags, "-f", str(n), "-l", str(n), str(pdf), "-")
        for n in range(1, count + 1)
    ]


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def build(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", str(project), "--format", "pdf", *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("copies") / "brief"
    new_project(root)
    return root


@pytest.fixture(scope="module")
def recipients(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("names") / "recipients.txt"
    path.write_text("\n".join([NAMES[0], NAMES[1], "", NAMES[2]]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def stamped(project: Path, recipients: Path) -> Path:
    code, output = build(project, "--recipients", str(recipients), "--watermark", "DRAFT")
    assert code == 0, output
    return project / "dist"


def test_every_page_of_every_copy_says_which_copy_and_for_whom(stamped: Path) -> None:
    brief_pages = len(pages_text(stamped / "brief.pdf"))
    for k, name in enumerate(NAMES, start=1):
        copy = stamped / "copies" / f"brief-copy-{k:02}-of-03.pdf"
        pages = pages_text(copy)
        assert len(pages) == brief_pages
        for text in pages:
            assert text.count(f"Copy {k} of 3 · {name}") == 1, text[-300:]
            assert "EXAMPLE // NOT FOR DISTRIBUTION" in text  # beside the marking, which stays


def test_the_master_copy_ends_with_the_distribution_list(stamped: Path) -> None:
    pages = pages_text(stamped / "copies" / "brief-master.pdf")
    assert len(pages) == len(pages_text(stamped / "brief.pdf")) + 1
    assert all("Master copy" in text for text in pages[:-1])
    listing = pages[-1]
    assert "Distribution list" in listing
    assert [f"Copy {k} of 3 · {name}" for k, name in enumerate(NAMES, 1)] == re.findall(
        r"Copy \d of 3 · [^\n]+", listing
    )


def test_the_watermark_is_on_every_page_of_the_brief_and_the_copies(stamped: Path) -> None:
    for pdf in [stamped / "brief.pdf", *sorted((stamped / "copies").glob("*.pdf"))]:
        pages = pages_text(pdf, raw=True)
        if pdf.name == "brief-master.pdf":
            pages = pages[:-1]  # the distribution list is not the brief's page
        for text in pages:
            assert "DRAFT" in re.sub(r"\s", "", text), pdf.name


def test_the_read_ahead_is_watermarked_too(tmp_path: Path) -> None:
    """A DRAFT brief's one-page read-ahead must not go out unmarked."""
    root = tmp_path / "brief"
    new_project(root)
    result = CliRunner().invoke(main, ["build", str(root), "--watermark", "DRAFT"])
    assert result.exit_code == 0, result.output
    (page,) = pages_text(root / "dist/brief-readahead.pdf", raw=True)
    assert "DRAFT" in re.sub(r"\s", "", page)


def test_copies_are_the_same_bytes_when_built_again(
    project: Path, recipients: Path, stamped: Path
) -> None:
    before = {p.name: p.read_bytes() for p in (stamped / "copies").glob("*.pdf")}
    code, output = build(
        project, "--recipients", str(recipients), "--watermark", "DRAFT", "--force"
    )
    assert code == 0, output
    after = {p.name: p.read_bytes() for p in (stamped / "copies").glob("*.pdf")}
    assert after == before and len(after) == 4


def test_one_file_holds_every_copy_in_order_and_stale_copies_go(
    tmp_path: Path, project: Path
) -> None:
    """Copies a build does not write again go, also when it writes none."""
    out = tmp_path / "out"
    code, output = build(project, "-o", str(out), "--copies", "3")
    assert code == 0, output
    assert (out / "copies" / "brief-copy-03-of-03.pdf").exists()
    code, output = build(project, "-o", str(out), "--copies", "12", "--one-file")
    assert code == 0, output
    assert sorted(p.name for p in (out / "copies").iterdir()) == [
        "brief-copies-12.pdf",
        "brief-master.pdf",
    ]
    pages = pages_text(out / "copies" / "brief-copies-12.pdf")
    per_copy = len(pages_text(out / "brief.pdf"))
    assert len(pages) == 12 * per_copy
    for n, text in enumerate(pages):
        assert f"Copy {n // per_copy + 1} of 12" in text
    code, output = build(project, "-o", str(out))
    assert code == 0, output
    assert not list((out / "copies").iterdir())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no names in it"),
        (b"\n  \n", "no names in it"),
        (b"Ann\x00Smith\n", "a binary file"),
        (b"Ann\nB\xe9a\n", ":2: not UTF-8 text"),
        (b"Ann\nBob\x1b[31m\n", ":2: a control, line-separating or bidi character in a name"),
        ("Ann\nBo\u2028b\n".encode(), ":2: a control, line-separating or bidi character"),
        ("Ann\nBob \u202eevil\n".encode(), ":2: a control, line-separating or bidi character"),
        ("Ann\n\u200b\u200b \u200b\n".encode(), ":2: a name with no visible character"),
        ("Ann\n\u3164\n".encode(), ":2: a name with no visible character"),
        ("Ann\nAlice \u200fRLM\n".encode(), ":2: a control, line-separating or bidi character"),
        (b"Ann\n" + b"Director " * 5 + b"\n", ":2: a name of 44 characters; at most 40 fit"),
        ("\n".join(f"Reader {n}" for n in range(501)).encode(), ":501: more than 500"),
    ],
)
def test_a_bad_recipients_file_is_one_clear_error_and_nothing_is_written(
    tmp_path: Path, project: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "names.txt"
    path.write_bytes(content)
    out = tmp_path / "out"
    code, output = build(project, "-o", str(out), "--recipients", str(path))
    assert code == 1 and message in output and "Traceback" not in output, output
    assert not out.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (os.mkfifo, "not a regular file (a named pipe)"),
        (lambda path: path.write_bytes(b"Ann\n" * (6 << 20)), "larger than 20 MiB"),
        (lambda path: path.symlink_to("/dev/zero"), "not a regular file (a device)"),
    ],
    ids=["named pipe", "too large", "device"],
)
def test_a_recipients_file_is_read_like_a_project_file(
    tmp_path: Path, project: Path, make: Callable[[Path], None], message: str
) -> None:
    """A named pipe once hung the build; /dev/zero ended in a MemoryError."""
    path = tmp_path / "names.txt"
    make(path)
    out = tmp_path / "out"
    code, output = build(project, "-o", str(out), "--recipients", str(path))
    assert code == 1, output
    assert f"{path}: cannot read the recipients: {message}" in output
    assert "Traceback" not in output and not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--copies", "2", "--recipients", "names.txt"], "choose one"),
        (["--one-file"], "--one-file needs --copies or --recipients"),
        (["--copies", "0"], "0 is not in the range"),
        (["--watermark", "DRAFT\nFINAL"], "printable"),
    ],
)
def test_contradictory_options_are_usage_errors(
    tmp_path: Path, project: Path, args: list[str], message: str
) -> None:
    (tmp_path / "names.txt").write_text("Ann\n", encoding="utf-8")
    args = [str(tmp_path / a) if a == "names.txt" else a for a in args]
    code, output = build(project, "-o", str(tmp_path / "out"), *args)
    assert code == 2 and message in output, output


def test_copies_need_the_pdf(tmp_path: Path, project: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", str(project), "--format", "html", "--copies", "2", "-o", str(tmp_path)]
    )
    assert result.exit_code == 2 and "add --format pdf" in result.output


def _ink(pdf: Path, page: int) -> int:
    """How many dark pixels page has, rendered at 30 dpi in grey."""
    png = pdf.with_suffix(f".{page}")
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "30", "-f", str(page), "-l", str(page), "-singlefile",
         "-png", str(pdf), str(png)],
        check=True,
    )  # fmt: skip
    with Image.open(png.with_suffix(f".{page}.png")) as image:
        return sum(image.convert("L").histogram()[:128])


def test_a_layout_that_tints_its_pages_and_styles_left_and_right_keeps_its_text_under_the_stamp(
    tmp_path: Path,
) -> None:
    root = tmp_path / "brief"
    new_project(root)
    assert CliRunner().invoke(main, ["layouts", "eject", "brief-pdf.css", str(root)]).exit_code == 0
    css = root / "layouts" / "brief-pdf.css"
    css.write_text(
        css.read_text(encoding="utf-8")
        + "@page { background: #fffdf5; }\n"
        + '@page :right { @bottom-right { content: "Right page " counter(page); } }\n'
        + '@page :left { @bottom-right { content: "Left page " counter(page); } }\n',
        encoding="utf-8",
    )
    code, output = build(root, "--copies", "2")
    assert code == 0, output
    brief, copy = root / "dist" / "brief.pdf", root / "dist" / "copies" / "brief-copy-02-of-02.pdf"
    for page, text in enumerate(pages_text(copy), start=1):
        assert text.count("Copy 2 of 2") == 1 and text.count(" page ") == 1, text[-200:]
        assert _ink(copy, page) >= _ink(brief, page) > 0  # nothing under the stamp is hidden


def _grey(pdf: Path, page: int, png: Path) -> Image.Image:
    """Page of pdf rendered at 30 dpi in grey, as a PIL image."""

    subprocess.run(
        ["pdftoppm", "-gray", "-r", "30", "-f", str(page), "-l", str(page), "-singlefile",
         "-png", str(pdf), str(png.with_suffix(""))],
        check=True,
    )  # fmt: skip
    return Image.open(png)


@pytest.mark.parametrize("paper", ["A4", "letter"])
@pytest.mark.parametrize("watermark", ["MW" * 20, "DRAFT – NOT FOR ONWARD TRANSMISSION – ÉT"])
def test_a_watermark_of_40_characters_fits_inside_the_page(
    tmp_path: Path, project: Path, paper: str, watermark: str
) -> None:
    """The watermark's ink (what it changes on the page) stays clear of every edge, and
    still runs along most of the diagonal. Once 22 characters ran off every page."""
    assert len(watermark) == 40
    plain, marked = tmp_path / "plain", tmp_path / "marked"
    for out, extra in ((plain, []), (marked, ["--watermark", watermark])):
        code, output = build(project, "-o", str(out), "--paper", paper, *extra)
        assert code == 0, output
    before = _grey(plain / "brief.pdf", 1, tmp_path / "before.png")
    after = _grey(marked / "brief.pdf", 1, tmp_path / "after.png")
    ink = ImageChops.difference(before, after).point(lambda value: 255 if value > 8 else 0)
    bounds = ink.getbbox()
    assert bounds, "no watermark on the page"
    left, top, right, bottom = bounds
    width, height = ink.size
    edge = 0.02 * min(width, height)  # pixels: the ink keeps at least this from each edge
    assert edge <= left and right <= width - edge and edge <= top and bottom <= height - edge
    assert right - left > 0.6 * width and bottom - top > 0.6 * height  # along the diagonal


def test_a_watermark_of_41_characters_is_refused_naming_the_limit(
    tmp_path: Path, project: Path
) -> None:
    out = tmp_path / "out"
    code, output = build(project, "-o", str(out), "--watermark", "DRAFT – NOT FOR ONWARD" * 2)
    assert code == 2, output  # a usage error, click's convention
    assert "--watermark" in output and "44 characters; at most 40 fit across the page" in output
    assert "Traceback" not in output and not out.exists()


def _faces(pdf: Path, first: int, last: int) -> set[str]:
    """The fonts pdffonts lists for these pages, without their subset prefixes."""
    listed = _run("pdffonts", "-f", str(first), "-l", str(last), str(pdf)).splitlines()[2:]
    return {line.split()[0].partition("+")[2] for line in listed}


def test_the_distribution_list_is_set_like_the_brief_and_marked_and_numbered(
    stamped: Path,
) -> None:
    """It was set in DejaVu Serif (WeasyPrint's default), with no marking bands or number."""
    brief_pages = len(pages_text(stamped / "brief.pdf"))
    master = stamped / "copies" / "brief-master.pdf"
    listing_faces = _faces(master, brief_pages + 1, brief_pages + 1)
    assert "Charis-SIL" in listing_faces
    assert listing_faces <= _faces(stamped / "brief.pdf", 1, brief_pages)
    lines = pages_text(master)[-1].split("\n")
    text = [line for line in lines if line.strip() and "DRAFT" not in line]
    marking = "EXAMPLE // NOT FOR DISTRIBUTION"
    assert text[0] == marking  # the top band, then the bottom's and the page's number
    assert text[-3:] == ["Master copy", marking, f"Page {brief_pages + 1}"]


def test_a_layout_that_hides_what_the_watermark_is_measured_with_is_no_traceback(
    tmp_path: Path,
) -> None:
    """The watermark is measured in a probe typeset with the layout's print CSS; a rule that
    hides it leaves no size to fit, and the build goes on."""
    root = tmp_path / "brief"
    new_project(root)
    shipped = Path(__file__).resolve().parent.parent / "layouts" / "brief-pdf.css"
    (root / "layouts").mkdir(exist_ok=True)
    hidden = shipped.read_text("utf-8") + "\n.watermark { display: none !important; }\n"
    (root / "layouts/brief-pdf.css").write_text(hidden, encoding="utf-8")
    code, output = build(root, "--watermark", "DRAFT")
    assert code == 0, output
    assert "Traceback" not in output
