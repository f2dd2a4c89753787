"""Property tests: any text gives a result or a clean diagnostic, never a crash."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.build import build, check
from briefing.diagnostics import BuildFailed, Diagnostics
from briefing.folding import FoldedText, fold
from briefing.language import check_language
from briefing.options import Options
from briefing.parse import parse_brief

from .conftest import MakeProject

# Any text, lone surrogates, NUL, bidi controls and combining marks included.
texts = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
# Text made of the brief's own syntax, so the parser's branches are reached often.
syntax = st.lists(
    st.sampled_from(
        ["---\n", "title: T\n", "marking: M\n", "cutoff: 2024\n", "issued: 2024-01-02\n",
         ":::{judgement} J\n", ":::{motives} A\n", ":::{scenario} S\n", ":::{timeline}\n",
         ":::\n", ":id: x\n", ":likelihood: likely\n", ":confidence: low\n", "- item [@s]\n",
         '[@s "a quote of words"]', "[@", '"', "]", ";", "@s", "\n", " ", "# H\n", "\u202e",
         "\ufeff", "é", "’", "—"]
    ),
    max_size=60,
).map("".join)  # fmt: skip


@given(texts)
def test_folding_never_crashes_and_maps_back(text: str) -> None:
    folded = FoldedText(text)
    assert fold(folded.folded) == folded.folded.strip()  # folding is idempotent
    for start in range(0, len(folded.folded), 7):
        a, b = folded.original_span(start, start + 1)
        assert 0 <= a < b <= len(text)


@given(texts, texts)
def test_a_passage_taken_from_a_text_is_found_in_it(prefix: str, passage: str) -> None:
    text = prefix + passage + prefix
    needle = fold(passage)
    if needle:
        spans = FoldedText(text).find_all(needle)
        assert spans
        assert any(fold(text[a:b]) == needle for a, b in spans)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(st.one_of(texts, syntax))
def test_parser_gives_a_brief_or_diagnostics(text: str) -> None:
    diagnostics = Diagnostics()
    brief = parse_brief(text, diagnostics)
    assert brief is not None or diagnostics.errors
    if brief is not None:
        check_language(brief, diagnostics)
    for diagnostic in diagnostics:
        assert diagnostic.location.path == "brief.md" and diagnostic.location.line >= 1


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          max_examples=40, deadline=None)  # fmt: skip
@given(syntax)
def test_check_fails_whenever_build_does(make_project: MakeProject, body: str) -> None:
    """On briefs made of the brief's own syntax, `check` says ok only if `build` (HTML and
    JSON, which typeset nothing) succeeds."""
    root = make_project({"brief.md": FRONT + body})
    checked = _fails(lambda: check(root))
    built = _fails(lambda: build(root, Options(formats=("html", "json"))))
    assert checked or not built


FRONT = "---\ntitle: T\nmarking: M\ncutoff: 2024\nissued: 2024-01-02\n---\n"


def _fails(run: Callable[[], object]) -> bool:
    try:
        run()
    except BuildFailed:
        return True
    return False
