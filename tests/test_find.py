"""`briefing find`: the passages of the sources that match some words, each with a citation
that verifies when pasted into the brief as printed.

The citations are checked by the real verifier (the citation parser and
briefing.evidence.verify_citations) and by `briefing check` on a brief that quotes them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from briefing.citations import MIN_QUOTE_CHARS, MIN_QUOTE_WORDS, Chunk, CitationScanner
from briefing.cli import main
from briefing.diagnostics import Diagnostics
from briefing.evidence import verify_citations
from briefing.folding import fold
from briefing.model import Source
from briefing.project import load_project
from briefing.search import find_passages
from briefing.sources import ingest_sources

from .conftest import BRIEF, REPO, SOURCES_YAML, MakeProject, copy_default_project

DEFAULT_IDS = ["raia-2020", "doha-2024", "visit-2015", "damascus-2020", "syrializm-2024"]
DAMASCUS = REPO / "seeds" / "003_428646a2024ebc46.txt"
SYRIALIZM = REPO / "seeds" / "004_7a787f18dd21e7a5.txt"
JSON_KEYS = {
    "source", "file", "line", "page", "match", "exact", "passage", "citation", "similarity",
    "furniture",
}  # fmt: skip

_WHERE = re.compile(
    r"(?P<source>[A-Za-z0-9][\w.-]*), (?:page (?P<page>\d+), )?line (?P<line>\d+)"
    r"(?: \(similar, (?P<similar>\d+)%\))?: (?P<rest>.*)"
)
_FURNITURE = re.compile(r"page furniture, (?P<detail>.+): cannot be quoted alone")


@dataclass(frozen=True)
class Printed:
    """One match as `find` prints it (not on a terminal: the matched words between **)."""

    source: str
    page: int | None
    line: int
    similar: int | None  # the percentage, for a similar sentence rather than the phrase
    shown: str  # the passage, matched words marked
    citation: str | None  # None for page furniture
    furniture: str | None

    @property
    def marked(self) -> str:
        """The matched words (those of a similar sentence, one after the other)."""
        return " ".join(re.findall(r"\*\*(.+?)\*\*", self.shown))

    @property
    def quote(self) -> str:
        assert self.citation is not None
        match = re.fullmatch(r'\[@[\w.-]+ "(.*)"\]', self.citation)
        assert match, self.citation
        return match.group(1)


def run(*args: str) -> tuple[int, str, str]:
    """Exit status, standard output, standard error."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def find(*args: str) -> list[Printed]:
    """The matches `find` prints; it must succeed."""
    code, out, err = run("find", *args)
    assert code == 0, out + err
    return parse(out)


def parse(out: str) -> list[Printed]:
    lines = out.splitlines()
    assert len(lines) % 2 == 0, out
    found = []
    for head, body in zip(lines[::2], lines[1::2], strict=True):
        where = _WHERE.fullmatch(head)
        assert where, head
        assert body.startswith("    ") and not body.startswith("     "), body
        furniture = _FURNITURE.fullmatch(where["rest"])
        found.append(
            Printed(
                source=where["source"],
                page=int(where["page"]) if where["page"] else None,
                line=int(where["line"]),
                similar=int(where["similar"]) if where["similar"] else None,
                shown=body.strip() if furniture else where["rest"],
                citation=None if furniture else body.strip(),
                furniture=furniture["detail"] if furniture else None,
            )
        )
    return found


def find_json(*args: str) -> list[dict[str, Any]]:
    code, out, err = run("find", *args, "--json")
    assert code == 0, out + err
    data = json.loads(out)
    assert isinstance(data, list)
    return data


def sources_of(root: Path) -> dict[str, Source]:
    diagnostics = Diagnostics()
    return ingest_sources(load_project(root, diagnostics), diagnostics)


def verify(citation: str, sources: dict[str, Source]) -> list[str]:
    """The errors of citation pasted into a sentence of brief.md; none if it verifies."""
    diagnostics = Diagnostics()
    scanner = CitationScanner(diagnostics)
    scanner.scan(Chunk(f"The sources say so {citation}.", 1))
    assert len(scanner.citations) == 1, citation
    (result,) = verify_citations(tuple(scanner.citations), sources, diagnostics)
    errors = [str(e) for e in diagnostics.errors]
    assert result.verified or errors
    return errors


def words(text: str) -> str:
    """The words of text, folded as quotes are matched, in lower case."""
    return " ".join(re.findall(r"\w+", fold(text).lower()))


def check_quotes(printed: list[Printed], sources: dict[str, Source]) -> None:
    """Each citation verifies as printed, is long enough, and quotes the matched words."""
    for match in printed:
        assert match.citation is not None, match
        assert match.citation.startswith(f"[@{match.source} "), match
        assert verify(match.citation, sources) == [], match
        quote = match.quote
        assert len(quote.split()) >= MIN_QUOTE_WORDS and len(quote) >= MIN_QUOTE_CHARS, match
        if match.similar is None:
            assert words(match.marked) in words(quote), match
        else:  # the words of a similar sentence are marked one by one
            assert set(words(match.marked).split()) <= set(words(quote).split()), match


def listing(root: Path, ident: str) -> dict[int, str]:
    """`sources show`: each numbered line's text."""
    code, out, err = run("sources", "show", ident, str(root))
    assert code == 0, out + err
    found = {}
    for line in out.splitlines():
        numbered = re.fullmatch(r"\s*(\d+)  (.*)", line)
        if numbered:
            found[int(numbered.group(1))] = numbered.group(2)
    return found


def line_of(path: Path, text: str) -> int:
    (number,) = [n for n, line in enumerate(path.read_text("utf-8").split("\n"), 1) if text in line]
    return number


@pytest.fixture
def default(tmp_path: Path) -> Path:
    """A copy of the default project."""
    return copy_default_project(tmp_path / "default")


def with_source(make_project: MakeProject, name: str, text: str) -> Path:
    """The conftest project with one more text source, 'notes', read from name."""
    entry = f"  notes:\n    file: {name}\n    title: Notes\n"
    return make_project({"seeds/sources.yaml": SOURCES_YAML + entry, f"seeds/{name}": text})


def cite(root: Path, citations: list[str]) -> None:
    """brief.md of root, with a sentence quoting each citation after it."""
    brief = (root / "brief.md").read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    brief += "".join(f"The sources bear this out {c}.\n" for c in citations)
    (root / "brief.md").write_text(brief, encoding="utf-8")


# What find prints can be pasted: every citation verifies


QUERIES = [
    "Lavrov remarked",  # exact phrases, as in the seeds
    "unannounced trip to Moscow",
    "territorial integrity",
    "First Russian strikes",  # in a bulleted line
    "like a rollercoaster",  # in a sentence of over 30 words
    "RUSSIAN FOREIGN MINISTER",  # another case
    "Russia's military base at Hmeimim",  # a curly apostrophe typed straight
    'an "intimate" discussion',  # curly double quotes typed straight
    "Mariamite Catedral of Damascus",  # misspelt: similar sentences
    "Sergey Lavrow exhibited visible frustation",
]


def test_every_citation_find_prints_verifies_in_the_default_brief(default: Path) -> None:
    sources = sources_of(default)
    citations = []
    for query in QUERIES:
        printed = find(str(default), *query.split())
        assert printed, query
        check_quotes(printed, sources)
        assert all(p.furniture is None for p in printed), query
        similar = "Catedral" in query or "Lavrow" in query
        assert all((p.similar is not None) == similar for p in printed), query
        citations += [p.citation for p in printed if p.citation]
    assert len(citations) > len(QUERIES)

    def verified() -> int:
        code, out, err = run("check", str(default))
        assert code == 0, out + err
        counted = re.search(r"ok: \d+ judgements, (\d+) citations verified", out)
        assert counted, out
        return int(counted.group(1))

    before = verified()
    cite(default, citations)
    assert verified() == before + len(citations)


def test_the_library_gives_the_same_passages_as_the_command(default: Path) -> None:
    sources = sources_of(default)
    passages = find_passages(list(sources.values()), "Russia's military base at Hmeimim")
    (passage,) = passages
    (printed,) = find(str(default), "Russia's military base at Hmeimim")
    assert (passage.source.id, passage.line, passage.citation) == (
        printed.source,
        printed.line,
        printed.citation,
    )
    assert passage.source.text[slice(*passage.span)] == "Russia’s military base at Hmeimim"
    assert find_passages(list(sources.values()), "   ") == []


# Case and folding


def test_case_quote_styles_dashes_and_line_breaks_fold(make_project: MakeProject) -> None:
    root = make_project()
    sources = sources_of(root)
    cases = {
        "WOULD RESUME NEXT WEEK": (3, "would resume\nnext week"),  # over a line break
        "the dockworkers' union": (3, "the dockworkers’ union"),
        '"We expect a settlement': (4, "“We expect a settlement"),
        "a 4% rise - the authority": (6, "a 4% rise — the authority"),
    }
    for query, (line, match) in cases.items():
        printed = find(str(root), query)
        (entry,) = find_json(str(root), query)
        assert [(p.source, p.line, p.similar) for p in printed] == [("harbour", line, None)]
        assert (entry["line"], entry["match"], entry["similarity"]) == (line, match, 100.0)
        check_quotes(printed, sources)


# Similar sentences


def test_a_misspelt_phrase_finds_the_sentence_it_means(default: Path) -> None:
    line = line_of(DAMASCUS, "Mariamite Cathedral of Damascus")
    first, *_ = find(str(default), "Mariamite", "Catedral", "of", "Damscus")
    assert (first.source, first.line) == ("damascus-2020", line)
    assert first.similar is not None and 75 <= first.similar < 100
    assert (
        f"damascus-2020, line {line} (similar, {first.similar}%): "
        in run("find", str(default), "Mariamite Catedral of Damscus")[1]
    )
    assert words(first.marked) == "mariamite cathedral damascus"  # "of": too short to count
    check_quotes([first], sources_of(default))

    entry = find_json(str(default), "Mariamite Catedral of Damscus")[0]
    assert 75 <= entry["similarity"] < 100 and entry["line"] == line

    (exact,) = find(str(default), "Mariamite Cathedral of Damascus")
    assert (exact.source, exact.line, exact.similar) == ("damascus-2020", line, None)


def test_the_phrase_wins_over_similar_sentences_and_nothing_like_it_is_an_error(
    default: Path,
) -> None:
    printed = find(str(default), "territorial integrity")
    assert printed and all(p.similar is None for p in printed)
    assert all("**territorial integrity**" in p.shown for p in printed)
    code, out, err = run("find", str(default), "zebra", "quokka", "xylophone")
    assert (code, out) == (1, "")
    assert err == "Error: no passage of the sources matches 'zebra quokka xylophone'\n"


# --source and --limit


def test_keywords_in_any_order_find_the_sentences_that_hold_them(default: Path) -> None:
    syrializm = line_of(SYRIALIZM, "granted political asylum")
    first, *_ = find(str(default), "granted", "asylum")
    assert (first.source, first.line, first.marked) == (
        "syrializm-2024",
        syrializm,
        "granted asylum",
    )
    assert first.similar == 100  # every word found, but not as a phrase
    for match in find(str(default), "Soleimani", "killed", "January", "2020"):
        assert "Soleimani" in match.marked and "killing" in match.marked, match  # another ending
    # Before, a short sentence inside the words ("Sad", a share button) matched them fully.
    found = find(str(default), "Moscow", "backed", "Assad")
    assert {"Moscow", "Assad"} <= set(found[0].marked.split())
    assert all(match.furniture is None for match in found)
    check_quotes(find(str(default), "Moscow", "backed", "Assad"), sources_of(default))


def test_a_phrase_in_quotes_is_the_phrase_and_a_repeated_passage_is_listed_once(
    default: Path,
) -> None:
    (game,) = find(str(default), '"long game"')
    assert (game.similar, game.marked) == (None, "long game")
    repeated = "They have mainly been acting against the Western Agenda in the region"
    assert (default / "seeds" / "000_51ec7366b82d23a9.txt").read_text().count(repeated) == 2
    assert len(find(str(default), repeated)) == 1


def test_source_restricts_the_search_and_an_unknown_one_is_named(default: Path) -> None:
    everywhere = find(str(default), "territorial", "integrity")
    assert len({p.source for p in everywhere}) >= 2
    only = find(str(default), "territorial", "integrity", "--source", "visit-2015")
    assert only and {p.source for p in only} == {"visit-2015"}
    assert only == [p for p in everywhere if p.source == "visit-2015"]
    two = find(
        str(default), "territorial integrity", "--source", "visit-2015", "--source", "doha-2024"
    )
    assert {p.source for p in two} == {"visit-2015", "doha-2024"}

    code, out, err = run("find", str(default), "Lavrov", "--source", "damascus-2020")
    assert (code, out) == (1, "")
    assert "no passage of the sources matches 'Lavrov'" in err  # it is only in doha-2024

    code, out, err = run("find", str(default), "Putin", "--source", "tass-2024")
    assert code == 1 and out == ""
    assert err == f"Error: no readable source 'tass-2024' (sources: {', '.join(DEFAULT_IDS)})\n"


def test_limit_caps_the_matches(default: Path) -> None:
    assert len(find(str(default), "Putin")) == 10
    (first,) = find(str(default), "Putin", "--limit", "1")
    assert first == find(str(default), "Putin")[0]
    code, _, err = run("find", str(default), "Putin", "--limit", "0")
    assert code == 2 and "--limit" in err


# --json


def test_json_has_every_field_and_its_lines_are_those_of_sources_show(default: Path) -> None:
    entries = find_json(str(default), "Kremlin", "--limit", "50")
    assert 10 < len(entries) < 50
    assert len({e["source"] for e in entries}) >= 3
    shown = {ident: listing(default, ident) for ident in {e["source"] for e in entries}}
    printed = find(str(default), "Kremlin", "--limit", "50")
    for entry, match in zip(entries, printed, strict=True):
        assert set(entry) == JSON_KEYS
        assert (default / entry["file"]).is_file() and entry["file"].startswith("seeds/")
        assert entry["page"] is None and entry["furniture"] is None
        assert entry["similarity"] == 100.0
        assert entry["match"] == "Kremlin"
        assert entry["match"] in shown[entry["source"]][entry["line"]]
        assert entry["citation"] == match.citation
        assert (entry["source"], entry["line"]) == (match.source, match.line)
        assert entry["passage"] in shown[entry["source"]][entry["line"]]
        assert entry["citation"] == f'[@{entry["source"]} "{entry["passage"]}"]'


def test_json_without_a_match_is_an_empty_list_and_exit_status_1(default: Path) -> None:
    code, out, err = run("find", str(default), "zebra", "quokka", "xylophone", "--json")
    assert code == 1 and json.loads(out) == []
    assert "no passage of the sources matches" in err


# PROJECT


def test_project_may_come_first_from_any_folder(
    default: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    (printed,) = find(str(default), "Mariamite", "Cathedral")
    assert (printed.source, printed.line) == (
        "damascus-2020",
        line_of(DAMASCUS, "Mariamite Cathedral"),
    )
    (relative,) = find("../default", "Mariamite", "Cathedral")
    assert relative == printed

    monkeypatch.chdir(default)
    assert find("Mariamite", "Cathedral") == [printed]
    (default / "Lavrov").mkdir()  # a folder, but no brief project: a word
    (lavrov,) = find("Lavrov", "remarked")
    assert (lavrov.source, lavrov.marked) == ("doha-2024", "Lavrov remarked")
    code, _, err = run("find", "Lavrov")  # the only argument is a word, even a folder
    assert code == 0, err


# Page furniture


def running_header_pdf(header: str, pages: list[list[str]]) -> bytes:
    """A PDF of lines of Helvetica text, with header at the top of every page."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [{}] /Count {} >>".format(
            " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages))), len(pages)
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, lines in enumerate(pages):
        rows = [(800, header), *((760 - 16 * n, line) for n, line in enumerate(lines))]
        stream = "\n".join(f"BT /F1 11 Tf 72 {y} Td ({text}) Tj ET" for y, text in rows)
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return out


HEADER = "Port Ellis Harbour Review"
PAGES = [
    [
        "The cranes were inspected on Monday morning.",
        "Inspectors closed the northern crane for repairs.",
        "The union asked for a rise in pay this spring.",
        "Ships waited outside the harbour for two days.",
    ],
    [
        "The authority said that talks would resume soon.",
        "The Port Ellis Harbour Review is printed every quarter by the authority.",
        "Dockworkers met in the union hall on Thursday.",
        "A vote on the offer is expected before winter.",
    ],
    [
        "Fishing boats were allowed to leave at dawn.",
        "The ferry to the islands kept to its timetable.",
        "Traders complained about the delays at the gate.",
        "The chair of the authority declined to comment.",
    ],
    [
        "Cargo volumes fell by a tenth in the first quarter.",
        "Insurers raised their rates for the port.",
        "The union has called a meeting for next month.",
        "Talks are expected to continue through the summer.",
    ],
]


def test_a_running_header_is_listed_last_as_furniture_without_a_citation(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project()
    pdf = tmp_path / "review.pdf"
    pdf.write_bytes(running_header_pdf(HEADER, PAGES))
    code, out, err = run("add-source", str(pdf), "-p", str(root), "--id", "review")
    assert code == 0, out + err
    shown = listing(root, "review")
    headers = [n for n, text in shown.items() if text.startswith(HEADER + "    [furniture:")]
    assert len(headers) == 4

    printed = find(str(root), "port ellis harbour review")
    article, *furniture = printed
    assert (article.source, article.page, article.similar) == ("review", 2, None)
    assert article.citation == f'[@review "{PAGES[1][1]}"]'
    assert HEADER in shown[article.line]
    assert [(p.page, p.line) for p in furniture] == list(zip(range(1, 5), headers, strict=True))
    for match in furniture:
        assert match.citation is None and match.shown == f"**{HEADER}**"
        assert match.furniture and match.furniture.startswith("running header or footer")
    check_quotes([article], sources_of(root))

    entries = find_json(str(root), HEADER)
    assert [(e["page"], e["line"]) for e in entries] == [(p.page, p.line) for p in printed]
    assert entries[0]["furniture"] is None and entries[0]["citation"] == article.citation
    assert all(e["citation"] is None and e["furniture"] for e in entries[1:])

    inspected = find(str(root), "cranes were inspected")
    assert [(p.page, p.line, p.furniture) for p in inspected] == [(1, 2, None)]
    check_quotes(inspected, sources_of(root))
    cite(root, [article.citation, *(p.citation for p in inspected if p.citation)])
    code, out, err = run("check", str(root))
    assert code == 0, out + err


def test_text_sources_have_no_page(default: Path) -> None:
    assert all(p.page is None for p in find(str(default), "Putin"))
    assert ", page " not in run("find", str(default), "Putin")[1]


# Long sentences


def test_a_long_sentence_is_quoted_by_the_clause_around_the_match(default: Path) -> None:
    sources = sources_of(default)
    text = SYRIALIZM.read_text(encoding="utf-8").split("\n")
    for phrase, shortest in [("like a rollercoaster", 6), ("taming the stubborn", 6)]:
        line = line_of(SYRIALIZM, phrase)
        sentence = text[line - 1]
        assert len(sentence.split()) > 50  # over 30 words: a long sentence
        (printed,) = find(str(default), phrase)
        assert (printed.source, printed.line) == ("syrializm-2024", line)
        quote = printed.quote
        assert phrase in quote and quote in sentence and not sentence.startswith(quote)
        assert shortest <= len(quote.split()) < len(sentence.split()) * 2 / 3
        check_quotes([printed], sources)
    (printed,) = find(str(default), "like a rollercoaster")
    assert len(printed.quote.split()) <= 15

    (short,) = find(str(default), "unannounced trip")  # a sentence of 18 words: whole
    assert short.quote == (
        "Syrian President Bashar al-Asad made an unannounced trip to Moscow on Tuesday, "
        "visiting with Russian President Vladimir Putin."
    )


# Quotes that must still verify


def test_a_short_bulleted_line_is_quoted_with_enough_words_to_verify(
    make_project: MakeProject,
) -> None:
    """The quote must be long enough after the bullet is trimmed off, not only before."""
    root = with_source(
        make_project,
        "notes.txt",
        "What happened this week:\n\n• Strikes resumed.\n• The cranes were closed again.\n",
    )
    printed = find(str(root), "strikes resumed")
    assert [(p.source, p.line) for p in printed] == [("notes", 3)]
    check_quotes(printed, sources_of(root))


def test_a_sentence_that_starts_with_a_symbol_is_quoted_with_it(
    make_project: MakeProject,
) -> None:
    """A currency sign or hash the match begins with is part of the quote."""
    root = with_source(
        make_project,
        "notes.txt",
        "Harbour news\n\n$5 billion was pledged by the port authority for new cranes.\n",
    )
    (printed,) = find(str(root), "$5 billion")
    assert printed.marked == "$5 billion"
    assert printed.quote.startswith("$5 billion was pledged")


def test_a_sentence_wrapped_over_two_lines_is_quoted_whole(make_project: MakeProject) -> None:
    """Hard-wrapped text (and every PDF) breaks sentences over lines: the quote is the
    sentence, not the line."""
    root = make_project()
    (printed,) = find(str(root), "said on Monday")
    assert printed.line == 3
    assert printed.quote == (
        "The harbour authority said on Monday that talks with the dockworkers’ union "
        "would resume next week."
    )
    check_quotes([printed], sources_of(root))


def test_a_word_with_a_dotted_capital_i_matches_as_typed(make_project: MakeProject) -> None:
    """Lower-casing İ gives two characters: the phrase must still match, and the matched
    words be exactly those."""
    root = with_source(
        make_project,
        "notes.txt",
        "The harbour authority of İzmir said on Monday that talks would resume.\n",
    )
    (entry,) = find_json(str(root), "authority of İzmir")
    assert (entry["match"], entry["similarity"]) == ("authority of İzmir", 100.0)


def test_the_quotes_of_the_conftest_brief_are_found_again(
    make_project: MakeProject,
) -> None:
    """The citations of the conftest brief are found again by find, from their words."""
    root = make_project()
    for quote in re.findall(r'\[@harbour "([^"]+)"', BRIEF):
        printed = find(str(root), quote)
        assert printed[0].source == "harbour" and printed[0].similar is None
        assert quote in printed[0].quote


def test_a_project_with_no_words_after_it_asks_for_them(make_project: MakeProject) -> None:
    root = make_project()
    code, _, errors = run("find", str(root))
    assert code == 2
    assert f"give the words to find in {root}'s sources after it" in errors
