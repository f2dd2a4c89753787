"""Sources that repeat each other do not corroborate each other: the same document saved
twice, or a wire story two outlets ran, is found by the sentences they share."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from briefing import repeats
from briefing.model import Repeat, independent

from .conftest import BRIEF, SOURCES_YAML, MakeProject, run

WIRE = [
    "The port authority and the dockworkers' union agreed on Tuesday to resume talks next week.",
    "Negotiators said the two sides remained far apart on pay after three weeks of strikes.",
    "The regional council has offered to mediate if the talks break down again this month.",
]
OWN = "Our reporter in Port Ellis found the quays empty and the cranes idle on Wednesday morning."


def register(name: str, ident: str) -> str:
    return f"  {ident}:\n    file: {name}\n    title: {ident}\n"


def project(make_project: MakeProject, first: str, second: str) -> Path:
    """The test project with two more sources, 'wire' and 'copy', and a judgement citing
    just those two."""
    cite = '[@wire "agreed on Tuesday to resume talks"; @copy "agreed on Tuesday to resume talks"]'
    brief = BRIEF.replace("The authority expects one", f"Talks resume {cite}. The authority")
    return make_project({
        "brief.md": brief.replace("The parties remain apart on pay", "They differ on pay"),
        "seeds/wire.txt": first,
        "seeds/copy.txt": second,
        "seeds/sources.yaml": SOURCES_YAML + register("wire.txt", "wire")
        + register("copy.txt", "copy"),
    })  # fmt: skip


def judgement_summary(root: Path) -> str:
    code, output = run("build", str(root), "--format", "json")
    assert code == 0, output
    data = json.loads((root / "dist" / "brief.json").read_text("utf-8"))
    return " ".join(data["source_summary"])


def test_the_same_document_twice_is_one_source(make_project: MakeProject) -> None:
    text = "\n".join(WIRE) + "\n"
    root = project(make_project, text, "Printed 12/03/2024\n" + text)
    code, output = run("check", str(root))
    assert code == 0, output
    assert "warning: source 'copy' repeats source 'wire' (3 of 3 sentences)" in output
    summary = judgement_summary(root)
    assert "count as one where both are cited: S3 and S4 (3 independent sources of 4)." in summary


def test_a_shared_statement_is_said_and_counted_once(make_project: MakeProject) -> None:
    root = project(make_project, "\n".join([*WIRE, OWN]) + "\n", "\n".join(WIRE[:2]) + "\n")
    code, output = run("check", str(root))
    assert code == 0, output
    assert "warning: source 'copy' shares 2 sentences with source 'wire'" in output


def test_sources_that_share_no_sentence_are_independent(make_project: MakeProject) -> None:
    other = "The mayor agreed on Tuesday to resume talks with the ferry lines on their timetable."
    root = project(make_project, "\n".join(WIRE) + "\n", f"{OWN}\n{other}\n")
    code, output = run("check", str(root))
    assert code == 0, output
    assert "repeats source" not in output and "shares" not in output


def test_sources_linked_by_shared_text_count_once() -> None:
    a_b, b_c = Repeat("a", "b", 3, 3, 3), Repeat("b", "c", 1, 3, 5)
    assert independent(["a", "b", "c"], ()) == 3
    assert independent(["a", "b", "c"], (a_b,)) == 2
    assert independent(["a", "b", "c"], (a_b, b_c)) == 1  # linked through b
    assert independent(["a", "c"], (a_b, b_c)) == 2  # b, not cited, links nothing here


# --- add-source: the same document twice ------------------------------------------------


def add(root: Path, *files: Path, keep: bool = False) -> tuple[int, str]:
    return run("add-source", *files, "-p", root, *(["--keep-repeat"] if keep else []))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "seeds").iterdir())}


def page_and_printout(make_project: MakeProject, tmp_path: Path) -> tuple[Path, Path]:
    """A project with the page 'wire' registered, and its printout outside it."""
    root = make_project()
    page, printout = tmp_path / "wire.txt", tmp_path / "printout.txt"
    page.write_text("\n".join(WIRE) + "\n", encoding="utf-8")
    printout.write_text("12/03/2024, 09:14    Talks\n" + "\n".join(WIRE) + "\n1/1\n", "utf-8")
    code, output = add(root, page)
    assert code == 0, output
    return root, printout


def test_add_source_refuses_the_same_document_twice(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root, printout = page_and_printout(make_project, tmp_path)
    before = snapshot(root)
    code, output = add(root, printout)
    assert code == 1
    assert (
        f"{printout}: error: repeats source 'wire' (seeds/wire.txt): 3 of its 3 sentences "
        "are the same, the same document twice"
    ) in output
    assert "--keep-repeat" in output and "nothing was written" in output
    assert snapshot(root) == before


def test_add_source_refuses_a_repeat_given_in_the_same_command(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project()
    page, printout = tmp_path / "page.txt", tmp_path / "printout.txt"
    page.write_text(f"{OWN}\n" + "\n".join(WIRE) + "\n", encoding="utf-8")
    printout.write_text("\n".join(WIRE) + f"\n{OWN}\nPage 1 of 1\n", encoding="utf-8")
    before = snapshot(root)
    code, output = add(root, page, printout)
    assert code == 1  # the page is not added either
    assert f"{printout}: error: repeats source 'page' ({page}, given in this command)" in output
    assert snapshot(root) == before


def test_a_repeat_kept_on_purpose_is_linked_and_counts_once(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root, printout = page_and_printout(make_project, tmp_path)
    code, output = add(root, printout, keep=True)
    assert code == 0, output
    assert "  repeats: wire" in output
    register = (root / "seeds" / "sources.yaml").read_text("utf-8")
    assert register.endswith("    repeats: wire\n"), register
    code, output = run("check", root)
    assert code == 0, output
    assert "repeats source" not in output and "shares" not in output
    assert "verified against 4 sources (3 independent)" in output
    code, output = run("sources", "show", "wire", root)
    assert code == 0, output
    assert "[shared text: repeats S4 (3 of 3 sentences), kept on purpose; they count" in output


def test_a_declared_repeat_of_an_unknown_source_is_an_error(make_project: MakeProject) -> None:
    root = project(make_project, "\n".join(WIRE) + "\n", "\n".join(WIRE) + "\n")
    register = root / "seeds" / "sources.yaml"
    register.write_text(register.read_text("utf-8") + "    repeats: wirre\n", "utf-8")
    code, output = run("check", root)
    assert code == 1
    assert "error: source 'copy' repeats 'wirre', which is not in seeds/sources.yaml" in output
    assert "did you mean 'wire'?" in output


def test_a_declared_repeat_that_shares_nothing_is_a_warning(make_project: MakeProject) -> None:
    root = project(make_project, "\n".join(WIRE) + "\n", f"{OWN}\n{WIRE[0]}\n")
    register = root / "seeds" / "sources.yaml"
    register.write_text(register.read_text("utf-8") + "    repeats: cranes\n", "utf-8")
    code, output = run("check", root)
    assert code == 0, output
    assert (
        "source 'copy' is declared to repeat source 'cranes', but they share no sentence" in output
    )
    assert "shares 1 sentence with source 'wire'" in output  # undeclared: still said
    assert "verified against 4 sources (2 independent)" in output
    code, output = run("check", root, "--findings")
    assert "seeds/copy.txt:1: shared text: declared to repeat S2, with no sentence shared" in output


# --- what the built brief says ------------------------------------------------------------


def built(root: Path) -> tuple[str, dict[str, Any]]:
    code, output = run("build", root, "--format", "html", "--format", "json")
    assert code == 0, output
    html = (root / "dist" / "brief.html").read_text("utf-8")
    return html, json.loads((root / "dist" / "brief.json").read_text("utf-8"))


def test_shared_text_is_a_finding_of_both_sources_in_the_appendix(
    make_project: MakeProject,
) -> None:
    root = project(make_project, "\n".join([OWN, *WIRE]) + "\n", "\n".join(WIRE[:2]) + "\n")
    html, data = built(root)
    wire = html[html.index('id="src-wire"') : html.index('id="src-copy"')]
    copy = html[html.index('id="src-copy"') :]
    assert "<strong>Shared text</strong>, shares 2 sentences with S4: <q>The port" in wire
    assert "<strong>Shared text</strong>, shares 2 sentences with S3: <q>The port" in copy
    findings = {s["id"]: s["findings"] for s in data["sources"]}
    assert findings["wire"] == [
        {"kind": "shared-text", "span": [len(OWN) + 1, len(OWN) + 1 + len(WIRE[0])],
         "line": 2, "detail": "shares 2 sentences with S4"}
    ]  # fmt: skip
    code, output = run("sources", "show", "copy", root)
    assert code == 0, output
    assert f"1  {WIRE[0]}    [shared text: shares 2 sentences with S3]" in output


def test_a_page_and_its_copy_count_once_in_the_corroboration_table(
    make_project: MakeProject,
) -> None:
    text = "\n".join(WIRE) + "\n"
    root = project(make_project, text, "Printed 12/03/2024\n" + text)
    html, data = built(root)
    start = html.index('<table class="corroboration">')
    table = html[start : html.index("</table>", start)]
    assert "how many independent sources that is (sources that share text count as one)" in table
    # The judgement cites harbour, cranes, wire and its copy: three independent sources.
    assert '<td class="count">3 <span class="cited-count">(4 cited)</span></td>' in table
    summary = " ".join(data["source_summary"])
    assert "count as one where both are cited: S3 and S4 (3 independent sources of 4)" in summary
    (judgement,) = data["judgements"]
    assert judgement["sources"] == ["harbour", "cranes", "wire", "copy"]
    assert [f["detail"] for f in data["sources"][3]["findings"]] == [
        "repeats S3 (3 of 3 sentences)"
    ]


# --- the cache ----------------------------------------------------------------------------


def test_cached_sentence_keys_give_the_links_a_fresh_run_gives(private_cache: Path) -> None:
    texts = {p.stem: p.read_text("utf-8") for p in sorted(WIRE_COPIES.glob("*.txt"))}
    fresh = {sid: repeats._hash_sentences(text) for sid, text in texts.items()}
    repeats.sentence_keys.cache_clear()
    first = {sid: repeats.sentence_keys(text) for sid, text in texts.items()}
    assert len(list((private_cache / "sentences").iterdir())) == len(texts)
    repeats.sentence_keys.cache_clear()  # a new process: from the cache folder alone
    kept = {sid: repeats.sentence_keys(text) for sid, text in texts.items()}
    assert fresh == first == kept
    for entry in (private_cache / "sentences").iterdir():  # damaged: worked out again
        entry.write_bytes(entry.read_bytes()[:-9] + b'0000000"')
    repeats.sentence_keys.cache_clear()
    assert {sid: repeats.sentence_keys(text) for sid, text in texts.items()} == fresh
    # The keys do not depend on the process (Python's own hash() of a string does).
    script = "from briefing.repeats import _key; print(_key('the same sentence in any process'))"
    printed = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }  # fmt: skip
    assert printed == {f"{repeats._key('the same sentence in any process')}\n"}


# --- wire copies ----------------------------------------------------------------------------

WIRE_COPIES = Path(__file__).parent / "fixtures" / "wire"
# The press release and the statement are what two reports quote, not sources here.
REPORTS = ["grain-wire", "grain-ledger", "grain-own", "reservoir-herald", "reservoir-courier",
           "reservoir-own", "strike-observer", "strike-tribune"]  # fmt: skip


def test_wire_copies_are_found_as_partly_shared_text(make_project: MakeProject) -> None:
    files = {f"seeds/{n}.txt": (WIRE_COPIES / f"{n}.txt").read_text("utf-8") for n in REPORTS}
    entries = "".join(register(f"{name}.txt", name) for name in REPORTS)
    root = make_project({**files, "seeds/sources.yaml": SOURCES_YAML + entries})
    code, output = run("check", root, "--json")
    assert code == 0, output
    linked = sorted((d["code"], d["message"].split(":")[0]) for d in json.loads(output)
                    if d["code"] in ("shared-text", "repeated-source"))  # fmt: skip
    assert linked == [
        ("shared-text", "source 'grain-ledger' shares 8 sentences with source 'grain-wire'"),
        ("shared-text",
         "source 'reservoir-courier' shares 7 sentences with source 'reservoir-herald'"),
        ("shared-text", "source 'strike-tribune' shares 3 sentences with source 'strike-observer'"),
    ]  # fmt: skip
    code, output = run("check", root)
    assert "verified against 10 sources (7 independent)" in output


def test_a_printout_wrapped_over_lines_with_a_menu_is_the_page_again() -> None:
    page = "\n".join(WIRE) + "\n"
    menu = "Home\nWorld\nBusiness\nSport\n"
    # The printout wraps each sentence over two lines, prints a menu and a running head
    # inside the text, and its dateline runs into the first sentence.
    wrapped = "".join(textwrap.fill(sentence, 40) + "\n" for sentence in WIRE)
    printout = "PORT ELLIS (Wire) " + wrapped.replace("\n", f"\n{menu}", 1)
    menu_at = printout.index(menu)
    furniture = ((menu_at, menu_at + len(menu) - 1),)
    assert repeats.sentence_keys(printout, furniture) == repeats.sentence_keys(page)
    assert repeats.sentence_keys(printout) != repeats.sentence_keys(page)  # the menu counts
    # Printed with comments the page's text lacks: the same page by its title.
    comments = "".join(f"Reader {n} wrote that the talks were long overdue for the port.\n"
                       for n in range(5))  # fmt: skip
    keys = repeats.sentence_keys(printout + comments, furniture)
    titled = repeats.Page.of("Port talks to resume | The Wire", "")
    earlier = {"page": (repeats.sentence_keys(page), repeats.Page.of("Port talks to resume", ""))}
    repeat = repeats.repeated_source(keys, titled, earlier)
    assert repeat is not None and (repeat.first, repeat.shared) == ("page", 3)
    assert repeats.repeated_source(keys, repeats.Page.of("Other", ""), earlier) is None


def test_a_sentence_without_spaces_wrapped_by_a_printout_is_the_same() -> None:
    sentence = "完善的、与国际接轨的知识产权保护法能够很好地促进国民经济的发展。"
    wrapped = sentence[:14] + "\n" + sentence[14:]  # a PDF's line end, read as a space
    assert repeats.sentence_keys(wrapped) == repeats.sentence_keys(sentence)
    assert repeats.sentence_keys(sentence)


def test_a_saved_page_and_its_browser_printout_are_one_document(make_project: MakeProject) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    page, printout = fixtures / "sources" / "ars-1.html", fixtures / "printouts" / "ars-1.pdf"
    root = make_project()
    assert add(root, page)[0] == 0
    code, output = add(root, printout)
    assert code == 1
    refusal = (
        f"{printout}: error: repeats source 'ars-technica-2015' (seeds/ars-technica-2015.html)"
    )
    assert refusal in output and "the same document twice" in output
    code, output = run("add-source", "--keep-repeat", "-p", str(root), str(printout))
    assert code == 0, output
    assert "  repeats: ars-technica-2015" in output
    code, output = run("check", str(root))
    assert "repeated-source" not in run("check", str(root), "--json")[1]
    assert "verified against 4 sources (3 independent)" in output
