"""Estimative language: vocabulary mixing, likelihood beside confidence, contradictions."""

from __future__ import annotations

from briefing.diagnostics import Diagnostics
from briefing.language import check_language
from briefing.parse import parse_brief

FRONT = "---\ntitle: T\nmarking: M\ncutoff: 2024-03\nissued: 2024-04-01\n{extra}---\n"


def warnings(body: str, extra: str = "") -> list[str]:
    diagnostics = Diagnostics()
    text = parse_brief(FRONT.format(extra=extra) + body, diagnostics)
    assert text is not None and not diagnostics.errors
    check_language(text, diagnostics)
    return [str(d) for d in diagnostics.warnings]


def judgement(statement: str, likelihood: str, argument: str = "Because [@s].") -> str:
    return (
        f":::{{judgement}} {statement}\n:id: j\n:likelihood: {likelihood}\n:confidence: low\n\n"
        f"{argument}\n:::\n"
    )


def test_clean_text_has_no_warnings() -> None:
    body = judgement(
        "Russia will very likely keep the base.",
        "very likely",
        "Talks have begun [@s]. We have moderate confidence in this.",
    )
    assert warnings(body) == []


def test_term_of_the_other_vocabulary_is_a_warning() -> None:
    assert warnings("There is a realistic possibility of talks [@s].\n") == [
        "brief.md:7:12: warning: 'realistic possibility' is a term of the UK Professional Head "
        "of Intelligence Assessment probability yardstick, but this brief uses the ICD 203 "
        "expressions of likelihood"
    ]
    assert warnings("It is roughly even chance.\n", extra="vocabulary: uk-yardstick\n") == [
        "brief.md:8:7: warning: 'roughly even chance' is a term of the ICD 203 expressions of "
        "likelihood, but this brief uses the UK Professional Head of Intelligence Assessment "
        "probability yardstick"
    ]


def test_likelihood_and_confidence_in_one_sentence() -> None:
    body = "Intro.\n\nIt is likely, and we have high confidence, that talks resume. Next.\n"
    assert warnings(body) == [
        "brief.md:9:7: warning: likelihood ('likely') and confidence ('high confidence') share "
        "a sentence\n    ICD 203: state the confidence level in a sentence of its own"
    ]


def test_quoted_words_are_not_the_briefs_words() -> None:
    body = 'A source says so [@s "it is highly likely with high confidence"].\n'
    assert warnings(body) == []


def test_statement_contradicting_its_likelihood() -> None:
    assert warnings(judgement("Assad will almost certainly stay.", "unlikely")) == [
        "brief.md:7:27: warning: KJ1 says 'almost certainly' (95–99%) but its likelihood is "
        "'unlikely' (20–45%)\n    the likelihood is that the judgement holds as written, "
        "negation included: ':likelihood: almost certain' agrees with its words; to keep "
        "'unlikely', reword the judgement"
    ]
    assert warnings(judgement("Assad will probably stay.", "likely")) == []
