"""Sources that would hang a read, exhaust memory or forge a quote: every read of a source
has a budget of time and memory, and the cache of extracted texts is believed only when
its entry is intact."""

from __future__ import annotations

import io
import os
import resource
import shutil
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from briefing.atomic import TEMPORARY
from briefing.build import check
from briefing.cache import load_cached, store_cached
from briefing.diagnostics import BuildFailed, Diagnostics
from briefing.readers import budget
from briefing.readers.base import Extracted, Reader, SourceFile
from briefing.readers.registry import READERS, read_source
from tests.conftest import BRIEF, SOURCES_YAML, MakeProject

FOUR_PAGES = Path(__file__).resolve().parent / "fixtures" / "sources" / "pdflatex-4-pages.pdf"
FIRST_LINE = "Hello, here is some text without a meaning."


def _pdf(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def long_pdf(pages: int) -> bytes:
    """A PDF of that many pages, each saying which it is."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                           BaseFont=pikepdf.Name.Helvetica)
    )  # fmt: skip
    for number in range(1, pages + 1):
        page = pdf.add_blank_page(page_size=(612, 792))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        words = f"Page {number} of the long report says what it says."
        page.Contents = pdf.make_stream(f"BT /F1 12 Tf 72 720 Td ({words}) Tj ET".encode())
    return _pdf(pdf)


def inflating_to(mebibytes: int) -> bytes:
    """zlib data that inflates to that many MiB of zeros, made without inflating them: a
    deflate block of a MiB of zeros, which a full flush makes the same every time, repeated."""
    compressor = zlib.compressobj(9)
    megabyte = bytes(2**20)
    first = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler32 = (mebibytes * 2**20 % 65521) << 16 | 1  # of zeros: A stays 1, B counts the bytes
    final_empty_block = b"\x03\x00"
    return first + again * (mebibytes - 1) + final_empty_block + struct.pack(">I", adler32)


def test_the_bomb_is_what_it_says() -> None:
    assert zlib.decompress(inflating_to(3)) == bytes(3 * 2**20)


def register(root: Path, name: str) -> None:
    """Make seeds/name the project's source 'cranes', in place of cranes.txt."""
    (root / "seeds" / "cranes.txt").unlink()
    text = SOURCES_YAML.replace("file: cranes.txt", f"file: {name}")
    (root / "seeds" / "sources.yaml").write_text(text, encoding="utf-8")


def errors_of(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        check(root)
    return [str(e).splitlines()[0] for e in failed.value.diagnostics.errors]  # not the hint


# The budget


def test_a_damaged_pdf_of_a_thousand_pages_is_read_in_one_pass() -> None:
    """PDFium refuses a PDF with junk before it; pdfminer, reading it instead, once parsed
    the whole document again for each page: 200 pages took 38 s, 5,000 over ten minutes."""
    data = b"junk " * 820 + long_pdf(1000)
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(data)
    diagnostics = Diagnostics()
    read = read_source(SourceFile("seeds/long.pdf", data), diagnostics)
    assert [str(d) for d in diagnostics] == []
    assert read is not None and len(read.extracted.pages) == 1000
    text, starts = read.extracted.text, read.extracted.pages
    for number in (1, 500, 1000):
        page = text[starts[number - 1] :].split("\n")[0]
        assert page == f"Page {number} of the long report says what it says."


def test_a_pdf_that_inflates_past_its_memory_budget_is_refused(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """A 1 MB content stream of flate-compressed zeros that inflates to 1 GiB, more than
    the budget for a file of 1 MB (some 580 MiB): once 5.3 GB were taken for such a file."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    page.Contents = pikepdf.Stream(pdf, inflating_to(1024))
    page.Contents.Filter = pikepdf.Name.FlateDecode  # the data is inflating_to's as it is
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(_pdf(pdf))
    root = make_project()

    def at_most_two_gib() -> None:  # should the budget fail, the test must not take more
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", "add-source", str(bomb), "-p", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=at_most_two_gib,
    )  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)  # usage: of the reading child too
    assert process.stderr is not None
    output = process.stderr.read()
    process.stderr.close()
    assert os.waitstatus_to_exitcode(status) == 1, output
    allowed = budget.Budget.for_size(bomb.stat().st_size)
    assert f"{bomb}: error: the reader was ended by SIG" in output
    assert f"needs more than {allowed.memory / 2**20:.0f} MiB of memory {allowed.of_file}" in output
    assert "Traceback" not in output
    assert usage.ru_maxrss * 1024 < 2**30
    assert not (root / "seeds" / "bomb.pdf").exists()


def _sleeper(pids: Path) -> Reader:
    def read_slowly(file: SourceFile, diagnostics: Diagnostics) -> Extracted:
        pids.write_text(str(os.getpid()))
        time.sleep(600)
        return Extracted("never")

    return Reader("slow", (".slow",), read_slowly)


def test_a_reader_past_its_time_budget_is_stopped(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pids = tmp_path / "pid"
    monkeypatch.setitem(READERS, "slow", _sleeper(pids))
    monkeypatch.setattr(budget, "SECONDS", 1.0)
    root = make_project({"seeds/cranes.slow": "Inspectors found the northern crane unsafe.\n"})
    register(root, "cranes.slow")
    assert errors_of(root) == [
        "seeds/cranes.slow: error: reading took longer than 1 s (the budget for a file of "
        "44 bytes) and was stopped"
    ]
    with pytest.raises(ProcessLookupError):  # the reader was stopped, not left running
        os.kill(int(pids.read_text()), 0)


def test_a_reader_past_its_memory_budget_is_stopped(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_greedily(file: SourceFile, diagnostics: Diagnostics) -> Extracted:
        return Extracted(str(bytearray(budget.MEMORY * 2)))

    monkeypatch.setitem(READERS, "greedy", Reader("greedy", (".greedy",), read_greedily))
    root = make_project({"seeds/cranes.greedy": "Inspectors found the crane unsafe.\n"})
    register(root, "cranes.greedy")
    assert errors_of(root) == [
        "seeds/cranes.greedy: error: reading needed more than 512 MiB of memory (the budget "
        "for a file of 35 bytes) and was stopped"
    ]


def test_a_reader_that_raises_is_one_error_naming_the_file(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_badly(file: SourceFile, diagnostics: Diagnostics) -> Extracted:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(READERS, "bad", Reader("bad", (".bad",), read_badly))
    root = make_project({"seeds/cranes.bad": "Inspectors found the crane unsafe.\n"})
    register(root, "cranes.bad")
    assert errors_of(root) == [
        "seeds/cranes.bad: error: the bad reader failed (RecursionError: maximum recursion "
        "depth exceeded)"
    ]


def test_the_budget_grows_with_the_file() -> None:
    small, large = budget.Budget.for_size(3_100_000), budget.Budget.for_size(20_000_000)
    assert (small.seconds, small.memory // 2**20) == (61, 710)
    assert (large.seconds, large.memory // 2**20) == (230, 1792)
    assert small.of_file == "(the budget for a file of 3.1 MB)"


# The cache


def _pdf_project(make_project: MakeProject, quote: str) -> Path:
    """The conftest project with a PDF source, 'blind', cited for quote."""
    root = make_project()
    shutil.copy(FOUR_PAGES, root / "seeds" / "blind.pdf")
    with (root / "seeds" / "sources.yaml").open("a", encoding="utf-8") as register:
        register.write("  blind:\n    file: blind.pdf\n    title: Blind text\n")
    (root / "brief.md").write_text(BRIEF + f'\nAs it says [@blind "{quote}"].\n', "utf-8")
    return root


def _entry(cache: Path, containing: str) -> Path:
    (entry,) = [p for p in (cache / "extracted").iterdir() if containing in p.read_text("utf-8")]
    return entry


def test_an_edited_cache_entry_cannot_make_a_quote_verify(
    make_project: MakeProject, private_cache: Path
) -> None:
    forged = "Hello, here is some text with a forged meaning."
    root = _pdf_project(make_project, forged)
    assert any("quote not found" in e for e in errors_of(root))
    entry = _entry(private_cache, FIRST_LINE)
    entry.write_text(entry.read_text("utf-8").replace(FIRST_LINE, forged), "utf-8")
    assert any("quote not found" in e for e in errors_of(root))
    assert FIRST_LINE in entry.read_text("utf-8")  # read again and written anew


def _text_of_wrong_type(entry: Path) -> None:
    store_cached(entry, {**load_cached(entry), "text": 42})


def _page_beyond_the_text(entry: Path) -> None:
    value = load_cached(entry)
    store_cached(entry, {**value, "pages": [0, len(value["text"]) + 1]})


def _furniture_without_reason(entry: Path) -> None:
    value = load_cached(entry)
    store_cached(entry, {**value, "furniture": [{"start": 0, "end": 3}]})


def _list(entry: Path) -> None:
    store_cached(entry, list(load_cached(entry).values()))


def _cut_short(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes()[:-100])


def _no_digest(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes().partition(b"\n")[2])


def _empty(entry: Path) -> None:
    entry.write_bytes(b"")


SPOILT = [_text_of_wrong_type, _page_beyond_the_text, _furniture_without_reason, _list,
          _cut_short, _no_digest, _empty]  # fmt: skip


@pytest.mark.parametrize("spoil", SPOILT, ids=[s.__name__.strip("_") for s in SPOILT])
def test_a_spoilt_cache_entry_is_read_again(
    make_project: MakeProject, private_cache: Path, spoil: Callable[[Path], None]
) -> None:
    root = _pdf_project(make_project, FIRST_LINE)
    first = check(root).brief.sources
    entry = _entry(private_cache, FIRST_LINE)
    spoil(entry)
    assert [(s.text, s.pages) for s in check(root).brief.sources] == [
        (s.text, s.pages) for s in first
    ]
    assert Extracted.from_json(load_cached(entry)) is not None  # written anew


def test_a_cache_entry_that_is_a_named_pipe_is_no_hang(
    make_project: MakeProject, private_cache: Path
) -> None:
    root = _pdf_project(make_project, FIRST_LINE)
    check(root)
    entry = _entry(private_cache, FIRST_LINE)
    entry.unlink()
    os.mkfifo(entry)
    result = subprocess.run(  # a hang fails by the timeout
        [sys.executable, "-m", "briefing", "check", str(root)],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "BRIEFING_CACHE": str(private_cache)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "8 citations verified against 3 sources" in result.stdout


def test_a_failed_cache_write_leaves_no_temporary_file(
    make_project: MakeProject, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    check(make_project())
    assert [p.name for p in private_cache.rglob("*") if p.is_file()] == []


def test_temporary_files_left_by_killed_writes_are_removed(
    make_project: MakeProject, private_cache: Path
) -> None:
    folder = private_cache / "extracted"
    folder.mkdir()
    # Both of a process still running (this one): the one two hours old was abandoned.
    stale = folder / f"{TEMPORARY}{os.getpid()}-stale"
    fresh = folder / f"{TEMPORARY}{os.getpid()}-fresh"
    for temporary in (stale, fresh):
        temporary.write_text("{half an entry", "utf-8")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    check(make_project())
    assert not stale.exists() and fresh.exists()


def test_a_reader_holds_none_of_its_parents_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A reading child keeps no lock or socket of the command's: its only files are its
    standard streams and the pipe its result goes up."""

    def read_own_files(file: SourceFile, diagnostics: Diagnostics) -> Extracted:
        return Extracted(" ".join(sorted(os.listdir("/proc/self/fd"), key=int)))

    monkeypatch.setitem(READERS, "files", Reader("files", (".fds",), read_own_files))
    with open(tmp_path / "held", "w") as held:  # a file the parent holds open
        read = read_source(SourceFile("seeds/x.fds", b"-"), Diagnostics())
        held_descriptor = held.fileno()
    assert read is not None
    descriptors = [int(fd) for fd in read.extracted.text.split()]
    assert len(descriptors) == 6  # 0-2, the child's own /dev/null, its pipe, listdir's
    assert held_descriptor > 4 and held_descriptor not in descriptors
