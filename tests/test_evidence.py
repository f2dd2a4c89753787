"""Quote verification: what folding admits, what it refuses, and the hints on failure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.diagnostics import Diagnostics, Location
from briefing.evidence import verify_citations
from briefing.folding import FoldedText, fold, folding_pattern
from briefing.model import Citation, CitationRef, PartialDate, Source, SourceEntry


def source(sid: str, text: str) -> Source:
    entry = SourceEntry(
        sid, "S1", f"{sid}.txt", sid, "", "", PartialDate(2024), "", "news", "B", "", 2, "", "",
        Location("seeds/sources.yaml", 1, 1),
    )  # fmt: skip
    return Source(entry, "0" * 64, text, len(text.split()))


def verify(
    quote: str | None, text: str, others: dict[str, str] | None = None
) -> tuple[Citation, list[str]]:
    sources = {"s": source("s", text)} | {k: source(k, v) for k, v in (others or {}).items()}
    diagnostics = Diagnostics()
    ref = CitationRef(0, "s", quote, Location("brief.md", 3, 7))
    (citation,) = verify_citations((ref,), sources, diagnostics)
    return citation, [str(d) for d in diagnostics]


TEXT = "The minister said: “We’ll talk—but not yet.”\nTalks  resume in\nMarch 2024."


@pytest.mark.parametrize(
    "quote",
    [
        '"We\'ll talk-but not yet."',  # straight quotes, hyphen for the em dash
        "“We’ll talk—but not yet.”",  # exactly as in the source
        "Talks resume in March 2024",  # line break and double space folded
        "Talks\u00a0resume in March\u00a02024",  # no-break spaces
        "Talks re\u00adsume in March 2024",  # soft hyphen
        "Talks \u200b resume in March 2024",  # a zero-width space between spaces
    ],
)
def test_copy_paste_differences_are_folded(quote: str) -> None:
    citation, messages = verify(quote, TEXT)
    assert messages == [] and citation.verified


@pytest.mark.parametrize(
    "quote",
    [
        "Talks resume in March 2025",  # a number
        "talks resume in March 2024",  # letter case
        "Talks resumed in March 2024",  # a word
        "We will talk-but not yet",  # a contraction expanded
    ],
)
def test_changed_content_fails(quote: str) -> None:
    citation, messages = verify(quote, TEXT)
    assert not citation.verified and citation.spans == ()
    assert messages[0].startswith("brief.md:3:7: error: quote not found in source 's'")


def test_span_points_at_the_original_text() -> None:
    citation, _ = verify("Talks resume in March 2024", TEXT)
    (start, end) = citation.spans[0]
    assert TEXT[start:end] == "Talks  resume in\nMarch 2024"


def test_every_occurrence_is_recorded() -> None:
    text = "Repeat me here please. Other. Repeat me here please."
    citation, _ = verify("Repeat me here please", text)
    assert [text[a:b] for a, b in citation.spans] == ["Repeat me here please"] * 2
    assert citation.spans[1][0] == text.rindex("Repeat")


def test_hint_shows_the_closest_passage_and_the_difference() -> None:
    _, messages = verify("Talks resume in April 2024", TEXT + " Nothing else.")
    assert messages[0].split("\n")[1:] == [
        "    closest passage (85% similar): «Talks resume in March 2024.»",
        '    quote has "in April 2024" where the source has "in March 2024"',
    ]


def test_hint_names_the_source_that_has_the_quote() -> None:
    _, messages = verify(
        "cranes were closed for weeks", TEXT, {"other": "All cranes were closed for weeks."}
    )
    assert messages == [
        "brief.md:3:7: error: quote not found in source 's'\n"
        "    the quote is in source 'other' (other.txt)"
    ]


def test_unknown_source_suggests_a_known_one() -> None:
    sources = {"harbour": source("harbour", TEXT)}
    diagnostics = Diagnostics()
    verify_citations(
        (CitationRef(0, "harbor", None, Location("brief.md", 1, 2)),), sources, diagnostics
    )
    assert [str(d) for d in diagnostics] == [
        "brief.md:1:2: error: unknown source 'harbor'\n    did you mean 'harbour'?"
    ]


def test_folding_survives_hostile_text() -> None:
    hostile = "a\u202eb\x00c\ud800d\ufeffe e\u0301 \U0001f600 ﬁ"
    folded = FoldedText(hostile)
    assert folded.folded.startswith("ab\x00c\ud800de")
    assert fold("ﬁne") == "fine"
    for start in range(len(folded.folded)):
        a, b = folded.original_span(start, start + 1)
        assert 0 <= a < b <= len(hostile)


def test_default_project_sources_fold_and_map_back() -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        folded = FoldedText(text)
        for word in folded.folded.split()[::25]:
            for a, b in folded.find_all(word):
                assert fold(text[a:b]) == word


def test_decomposed_accents_match_composed_ones() -> None:
    citation, messages = verify("the café at noon", "We met at the cafe\u0301 at noon.")
    assert messages == [] and citation.verified


def test_differences_are_words_in_context_never_stray_punctuation() -> None:
    text = 'The council said "the new means" would help. Then it adjourned.'
    _, messages = verify("the new measures would help", text)
    assert messages[0].split("\n")[2:] == [
        '    quote has "new measures would" where the source has "new means would"'
    ]
    _, messages = verify("the new means would not help", text)
    assert messages[0].split("\n")[2:] == ['    quote adds "not" in "would not help"']
    _, messages = verify("The council said: the new means", text)
    assert messages[0].split("\n")[2:] == [
        "    the words agree; the punctuation differs from the source's"
    ]


def test_the_folding_pattern_finds_in_the_original_what_folding_makes_equal() -> None:
    originals = [
        "the dockworkers’ union — next week",
        "«quoted» and ‘single’ marks",
        "a\u00a0non-breaking  and\ttabbed\nline",
        "it′s 4% − 2%",
        "soft\u00adhyphen",
    ]
    for original in originals:
        found = re.search(folding_pattern(fold(original)), original)
        assert found and found.group() == original.strip(), original
    assert not re.search(folding_pattern(fold("the union’s")), "the unions")
