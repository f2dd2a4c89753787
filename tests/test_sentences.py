"""`briefing find` offers whole sentences: never ended or begun at an abbreviation, a PDF's
wrapped lines joined, a headline and a byline kept apart from the first sentence, a long
sentence cut at a clause. Through the real commands: `new`, `add-source`, `find`, the
citations pasted into brief.md, `check`."""

from __future__ import annotations

from pathlib import Path

from .test_find import Printed, cite, find, run, running_header_pdf


def project_with(tmp_path: Path, name: str, data: bytes) -> Path:
    """A new project with the file registered as source 'notes'."""
    root = tmp_path / "project"
    code, out, err = run("new", str(root))
    assert code == 0, out + err
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run("add-source", str(path), "-p", str(root), "--id", "notes")
    assert code == 0, out + err
    return root


def quote_of(root: Path, words: str) -> Printed:
    (printed,) = find(str(root), words, "--source", "notes")
    return printed


def check_pasted(root: Path, printed: list[Printed]) -> None:
    """The citations, pasted into brief.md, pass `briefing check`."""
    cite(root, [p.citation for p in printed if p.citation])
    code, out, err = run("check", str(root))
    assert code == 0, out + err


ABBREVIATIONS = (
    "Mr. Lee met Gen. Adams on Oct. 12 at No. 10 Downing Street. "
    "The U.S. Navy sent two ships at 9 a.m. on Monday. Talks resumed.\n"
)


def test_a_citation_never_ends_or_begins_at_an_abbreviation(tmp_path: Path) -> None:
    root = project_with(tmp_path, "notes.txt", ABBREVIATIONS.encode())
    first = "Mr. Lee met Gen. Adams on Oct. 12 at No. 10 Downing Street."
    second = "The U.S. Navy sent two ships at 9 a.m. on Monday."
    printed = [quote_of(root, words) for words in ("Gen. Adams", "Downing Street", "Mr. Lee")]
    assert {p.quote for p in printed} == {first}
    printed += [quote_of(root, words) for words in ("sent two ships", "on Monday", "U.S. Navy")]
    assert {p.quote for p in printed[3:]} == {second}
    check_pasted(root, printed)


WRAPPED = [
    "Port Ellis, 12 October 2019",
    "The harbour authority said talks with the striking dockworkers and the",
    "Union would resume when Mr. Lee of the U.S. Navy met with",
    "Gen. Adams at No. 10 Quay. Ships waited outside the harbour for two days",
    "while the cranes were repaired by the crews of the northern quay.",
]


def test_a_sentence_wrapped_over_a_pdfs_lines_is_one_sentence(tmp_path: Path) -> None:
    pdf = running_header_pdf("Harbour talks resume", [WRAPPED])  # one page: a headline
    root = project_with(tmp_path, "review.pdf", pdf)
    wrapped = quote_of(root, "Union would resume")
    assert wrapped.quote == (
        "The harbour authority said talks with the striking dockworkers and the Union would "
        "resume when Mr. Lee of the U.S. Navy met with Gen. Adams at No. 10 Quay."
    )
    assert quote_of(root, "Gen. Adams").quote == wrapped.quote
    headline = quote_of(root, "talks resume")
    assert headline.quote == "Harbour talks resume"
    dateline = quote_of(root, "October 2019")
    assert dateline.quote == "Port Ellis, 12 October 2019"
    check_pasted(root, [wrapped, headline, dateline])


STORY = (
    "Iran says talks with the West have failed\n"
    "By Jane Doe and John Roe, Reuters\n"
    "150 diplomats left Geneva on Tuesday, officials said. The talks will not resume.\n"
)


def test_a_headline_and_a_byline_stay_apart_from_the_first_sentence(tmp_path: Path) -> None:
    root = project_with(tmp_path, "story.txt", STORY.encode())
    headline = quote_of(root, "talks with the West")
    assert headline.quote == "Iran says talks with the West have failed"
    byline = quote_of(root, "Jane Doe")
    assert byline.quote == "By Jane Doe and John Roe, Reuters"
    first = quote_of(root, "diplomats left Geneva")
    assert first.quote == "150 diplomats left Geneva on Tuesday, officials said."
    check_pasted(root, [headline, byline, first])


LONG = (
    "On Oct. 12, 2019, the harbour authority, which had refused for months, agreed to reopen "
    "the northern quay; the union, for its part, said the strike in Port Ellis, Dover and Calais "
    "would go on until the end of the winter season.\n"
)


def test_a_long_sentence_is_cut_at_a_clause_that_stands_on_its_own(tmp_path: Path) -> None:
    root = project_with(tmp_path, "long.txt", LONG.encode())
    assert len(LONG.split()) > 30
    strike = quote_of(root, "the strike in Port Ellis")
    assert strike.quote == (
        "the union, for its part, said the strike in Port Ellis, Dover and Calais would go on "
        "until the end of the winter season."
    )
    date = quote_of(root, "Oct. 12")
    assert date.quote == (
        "On Oct. 12, 2019, the harbour authority, which had refused for months, agreed to "
        "reopen the northern quay"
    )
    check_pasted(root, [strike, date])
