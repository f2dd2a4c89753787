"""Issue 29, items 3 and 5: quote marks that do not pair, named at the citation with the
citation as it should be written (the language server's quick fix); the paper in any
case; a did-you-mean for `sources show`; grades written together or swapped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.build import check
from briefing.citations import Chunk, CitationScanner
from briefing.diagnostics import BuildFailed, Diagnostics

from .conftest import BRIEF, SOURCES_YAML, TIMELINE_YAML, MakeProject, run
from .test_schemas import front_matter, refused

EXPECT = "We expect a settlement before the winter season"
OFFERED = "the authority has offered 2%"


def failed_alike(root: Path) -> str:
    """What `check` prints of root's problems, once `build` has printed the same and both
    have failed."""
    code, checked = run("check", root)
    built_code, built = run("build", root, "--format", "json")
    assert (code, built_code) == (1, 1), checked + built
    checked, _, summary = checked.rpartition("Error: check failed")
    built, _, _ = built.rpartition("Error: build failed")
    assert summary and checked == built
    assert not (root / "dist").exists()
    return checked


def brief_with(old: str, new: str) -> str:
    assert old in BRIEF, old
    return BRIEF.replace(old, new, 1)


# --- Item 3: quote marks that do not pair --------------------------------------------------


def test_a_curly_opening_and_a_straight_closing_mark_are_named_at_the_citation(
    make_project: MakeProject,
) -> None:
    root = make_project({"brief.md": brief_with(f'"{EXPECT}"', f'\u201c{EXPECT}"')})
    assert failed_alike(root) == (
        'brief.md:22:27: error: the quote opens with \u201c and closes with "\n'
        f"    [@harbour \u201c{EXPECT}\u201d]\n"
    )


def test_single_quotes_are_named_with_the_double_marks_they_take(
    make_project: MakeProject,
) -> None:
    root = make_project({"brief.md": brief_with(f'"{OFFERED}"', f"'{OFFERED}'")})
    assert failed_alike(root) == (
        "brief.md:23:33: error: quotes take double marks "
        '(" or \u201c \u201d), not single ones\n'
        f'    [@harbour "{OFFERED}"; @cranes]\n'
    )
    root = make_project({"brief.md": brief_with(f'"{OFFERED}"', f"\u2018{OFFERED}\u2019")})
    assert failed_alike(root).endswith(f"    [@harbour \u201c{OFFERED}\u201d; @cranes]\n")


def test_the_corrected_citation_is_the_diagnostics_fix(make_project: MakeProject) -> None:
    broken = f'[@harbour\n  \u201c{EXPECT}"]'  # the group spans two lines
    root = make_project({"brief.md": brief_with(f'[@harbour "{EXPECT}"]', broken)})
    with pytest.raises(BuildFailed) as failed:
        check(root)
    (error,) = failed.value.diagnostics.errors
    assert (str(error.location), error.code) == ("brief.md:22:27", "quote-marks")
    assert error.fix == f"[@harbour\n  \u201c{EXPECT}\u201d]"  # as long as what it replaces
    assert error.hint == f"[@harbour \u201c{EXPECT}\u201d]"
    code, output = run("check", "--json", root)
    assert code == 1
    (found,) = json.loads(output)
    assert (found["code"], found["fix"]) == ("quote-marks", error.fix)


def test_a_quote_that_does_not_close_is_not_read_into_the_next_citation(
    make_project: MakeProject,
) -> None:
    """The straight mark closes the curly quote, rather than the next citation's curly one
    (which would have made a quote of both and said it is not in the source)."""
    line = (
        f'The authority expects one [@harbour \u201c{EXPECT}"] and a pay gap '
        f"[@harbour \u201c{OFFERED}\u201d].\n"
    )
    written = f'The authority expects one [@harbour "{EXPECT}"].\n'
    root = make_project({"brief.md": brief_with(written, line)})
    output = failed_alike(root)
    assert output.startswith('brief.md:22:27: error: the quote opens with \u201c and closes with "')
    assert output.count("error:") == 1 and "not found" not in output


def test_a_quote_that_does_not_close_is_not_read_into_the_next_citation_of_its_group(
    make_project: MakeProject,
) -> None:
    group = f'[@harbour \u201c{OFFERED}"; @harbour "{EXPECT}"]'
    root = make_project({"brief.md": brief_with(f'[@harbour "{OFFERED}"; @cranes]', group)})
    assert failed_alike(root) == (
        'brief.md:23:33: error: the quote opens with \u201c and closes with "\n'
        f'    [@harbour \u201c{OFFERED}\u201d; @harbour "{EXPECT}"]\n'
    )


def test_marks_within_a_quote_still_belong_to_it() -> None:
    """A quote may hold other marks, even before a ';' (a quote within the quote), and an
    apostrophe after an id opens no quote."""
    diagnostics = Diagnostics()
    straight = "officials said 'no comment'; the \u201cred line\u201d; talks went on"
    curly = 'officials said \u2018no comment\u2019; the "red line"; talks went on'
    scanner = CitationScanner(diagnostics)
    scanner.scan(Chunk(f'See [@src "{straight}"] and [@src \u201c{curly}\u201d].', 5))
    assert [c.quote for c in scanner.citations] == [straight, curly]
    assert not list(diagnostics)
    scanner.scan(Chunk('As [@cnn\'s "own words here"] said.', 5))
    assert [(str(d.location), d.message) for d in diagnostics] == [
        ("brief.md:5:4", "malformed citation")
    ]


def test_the_old_message_at_the_first_column_is_gone_and_other_malformed_forms_keep_theirs(
    make_project: MakeProject,
) -> None:
    root = make_project({"brief.md": brief_with(f'"{EXPECT}"', f'\u201c{EXPECT}"')})
    assert "malformed citation" not in failed_alike(root)
    unclosed = brief_with('4% rise"]', "4% rise]")  # in the motives' list item, mid-line
    assert failed_alike(make_project({"brief.md": unclosed})).startswith(
        "brief.md:29:29: error: malformed citation\n"
        "    write [@source-id] or [@source-id \"verbatim quote\"]; separate several with ';'\n"
    )


def test_the_paper_is_taken_in_any_case_on_the_command_line(make_project: MakeProject) -> None:
    root = make_project()
    for given, paper in (("a4", "A4"), ("LETTER", "letter")):
        code, output = run("build", root, "--format", "json", "--paper", given, "--force")
        assert code == 0, output
        assert "Invalid value for '--paper'" not in output
        data = json.loads((root / "dist" / "brief.json").read_text(encoding="utf-8"))
        assert data["meta"]["paper"] == paper


def test_the_paper_is_taken_in_any_case_in_the_front_matter(make_project: MakeProject) -> None:
    brief = brief_with("author: Test desk\n", "author: Test desk\npaper: Letter\n")
    assert not refused("front-matter", front_matter(brief))  # nor by the editor's schema
    root = make_project({"brief.md": brief})
    assert run("check", root)[0] == 0
    code, output = run("build", root, "--format", "json")
    assert code == 0, output
    data = json.loads((root / "dist" / "brief.json").read_text(encoding="utf-8"))
    assert data["meta"]["paper"] == "letter"
    assert refused("front-matter", front_matter(brief).replace("Letter", "A5"))


# --- Item 5: a did-you-mean for `sources show` -----------------------------------------------


def test_sources_show_suggests_the_id_that_was_meant(make_project: MakeProject) -> None:
    ident = "port-ellis-gazette-2024"
    root = make_project(
        {
            "brief.md": BRIEF.replace("@harbour", f"@{ident}"),
            "seeds/sources.yaml": SOURCES_YAML.replace("  harbour:", f"  {ident}:"),
            "figures/timeline.yaml": TIMELINE_YAML.replace("source: harbour", f"source: {ident}"),
        }
    )
    assert run("check", root)[0] == 0
    for typed in ("gazette", "Port-Ellis-Gazette", "CRANES"):
        code, output = run("sources", "show", typed, root)
        meant = "cranes" if typed == "CRANES" else ident
        assert (code, output) == (
            1,
            f"Error: no readable source '{typed}' (did you mean '{meant}'?)\n",
        )
    code, output = run("sources", "remove", "gazette", root)  # as remove says it
    assert (code, output) == (
        1,
        f"Error: no source 'gazette' in seeds/sources.yaml; did you mean '{ident}'?\n",
    )


# --- Item 5: the two grades written together, or swapped ------------------------------------


def registered_with(old: str, new: str) -> dict[str, str]:
    assert old in SOURCES_YAML, old
    return {"seeds/sources.yaml": SOURCES_YAML.replace(old, new, 1)}


def test_both_grades_in_one_field_are_to_be_split(make_project: MakeProject) -> None:
    root = make_project(registered_with("reliability: B\n", "reliability: B2\n"))
    output = failed_alike(root)
    assert output == (
        "seeds/sources.yaml:9:18: error: reliability 'B2' is both grades in one\n"
        "    split it: reliability: B and credibility: 2\n"
    )
    assert "must be a letter" not in output
    root = make_project(registered_with("credibility: 3\n", "credibility: f3\n"))
    assert failed_alike(root) == (
        "seeds/sources.yaml:23:18: error: credibility 'F3' is both grades in one\n"
        "    split it: reliability: F and credibility: 3\n"
    )


def test_swapped_grades_are_asked_about_with_the_pair_the_right_way_round(
    make_project: MakeProject,
) -> None:
    changes = SOURCES_YAML.replace("reliability: B\n", "reliability: 2\n", 1).replace(
        "credibility: 2\n", "credibility: B\n", 1
    )
    output = failed_alike(make_project({"seeds/sources.yaml": changes}))
    assert output == (
        "seeds/sources.yaml:9:18: error: reliability 2 and credibility B: swapped?\n"
        "    write reliability: B and credibility: 2\n"
    )
    assert "must be a letter" not in output and "must be a number" not in output
