"""`briefing review`: a review sheet of a checked brief by the ICD 203 analytic standards.

For each standard, what the tool can count and show on this brief, the tradecraft rules
filed under it (briefing.tradecraft), and, plainly, what it cannot judge. The sheet is
printed as text (`sheet_lines`) or as JSON (`sheet_json`), whose structure is stable:

    {"review": 1,                      # the structure's version; raised only if it changes
     "brief": {"title", "version", "previous"},
     "standards": [{"id", "name", "standard", "facts": {...}, "rules": [NAME...],
                    "cannot_judge"}],  # in ICD 203's order; facts as each dataclass below
     "rules": [{"name", "standard", "filed_under", "summary", "waived", "warnings": [...]}],
     "other_warnings": [...]}          # warnings as `check --json` prints them

A rule's warnings are filed under the standard its `standard` names; `filed_under` is that
standard's id, or null for a standard that is not one of ICD 203's nine.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
import textwrap
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .body import body_sentences, items_under, paragraphs_of
from .diagnostics import Diagnostic, Diagnostics, printable
from .directives.judgement import Judgement
from .directives.scenario import Scenario
from .directives.timeline import TimelineSlot
from .language import CONFIDENCE_PHRASE
from .markdown import plain
from .model import Brief, Event
from .tradecraft.registry import RULES
from .vocabulary import CONFIDENCE, VOCABULARIES

FORMAT = 1
STATUSES = ("added", "changed", "withdrawn", "kept")
WIDTH = 100

# ICD 203's analytic tradecraft standards, in its order: id, short name, its wording.
STANDARDS = (
    ("sourcing", "Sourcing",
     "Properly describes quality and credibility of underlying sources, data, and methodologies"),
    ("uncertainty", "Uncertainty",
     "Properly expresses and explains uncertainties associated with major analytic judgments"),
    ("distinguishing", "Information, assumptions and judgements",
     "Properly distinguishes between underlying intelligence information and analysts' "
     "assumptions and judgments"),
    ("alternatives", "Alternatives", "Incorporates analysis of alternatives"),
    ("relevance", "Relevance to the customer",
     "Demonstrates customer relevance and addresses implications"),
    ("argumentation", "Logical argumentation", "Uses clear and logical argumentation"),
    ("change", "Change from previous analysis",
     "Explains change to or consistency of analytic judgments"),
    ("accuracy", "Accuracy of judgements", "Makes accurate judgments and assessments"),
    ("visuals", "Visuals", "Incorporates effective visual information where appropriate"),
)  # fmt: skip

CANNOT_JUDGE = {
    "sourcing": "whether these are the right sources or the best to be had, whether their "
    "grades are deserved, whether a quote means in its context what the brief takes it to "
    "mean, and whether an uncited sentence needs a source",
    "uncertainty": "whether a likelihood is well calibrated, or a confidence level deserved "
    "beyond the single-source rule",
    "distinguishing": "whether an uncited sentence is the analyst's judgement or an "
    "unsourced fact, and whether the assumptions listed are the ones the judgements rest on",
    "alternatives": "whether the alternatives are the plausible ones, or the scenarios "
    "truly exclusive and complete",
    "relevance": "what the reader needs, and whether the brief answers it in time",
    "argumentation": "whether the argument persuades, or its evidence bears on its claim",
    "change": "whether the reasons given for a change are the real ones, or whether a "
    "judgement that stands should have moved",
    "accuracy": "whether the judgements are right: that is known only from the outcome, "
    "which the tool cannot know; it checks only that each quote stands in its source",
    "visuals": "whether the figure is clear or helps the reader, and whether its events are "
    "the ones that matter",
}

# Words that mark a paragraph weighing against its judgement (quotes are not the brief's).
AGAINST = re.compile(
    r"\b(?:the other way|against (?:it|this|that)|(?:weighs?|cuts?|points?|tells?) against"
    r"|however|on the other hand|the opposite|(?:to|on) the contrary|contradicts?"
    r"|disagrees?|both ways)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Part:
    name: str
    sentences: int
    cited: int


@dataclass(frozen=True)
class JudgementSources:
    label: str
    sources: int
    independent: int
    confidence: str
    rests_on: str | None


@dataclass(frozen=True)
class Sourcing:
    sentences: int  # of the body (see briefing.body)
    cited: int
    parts: tuple[Part, ...]
    grades: dict[str, tuple[str, ...]]  # a grade (F2, or 'ungraded'): its sources' labels
    judgements: tuple[JudgementSources, ...]
    single_source: tuple[str, ...]  # judgements on one independent source or :rests-on:

    def lines(self) -> list[str]:
        by_label = {j.label: j for j in self.judgements}
        return [
            f"Body sentences with a citation: {_share(self.cited, self.sentences)}",
            "  by part: " + "; ".join(f"{p.name} {p.cited}/{p.sentences}" for p in self.parts),
            "Sources by grade: "
            + _listed(f"{grade} {', '.join(s)}" for grade, s in self.grades.items()),
            "Independent sources per judgement: "
            + _listed(f"{j.label} {j.independent}" for j in self.judgements),
            "Single-source judgements (one independent source, or :rests-on:): "
            + _listed(f"{k} ({by_label[k].confidence} confidence)" for k in self.single_source),
        ]


@dataclass(frozen=True)
class Band:
    term: str
    range: str
    judgements: tuple[str, ...]


@dataclass(frozen=True)
class Uncertainty:
    judgements: int
    with_likelihood: int
    with_confidence: int
    likelihoods: tuple[Band, ...]  # the vocabulary's terms in use, least likely first
    confidences: dict[str, tuple[str, ...]]  # low, moderate, high: the judgements at each
    confidence_explained: int  # judgements whose argument names their confidence level

    def lines(self) -> list[str]:
        return [
            f"Judgements with a likelihood: {self.with_likelihood} of {self.judgements}; "
            f"with a confidence level: {self.with_confidence} of {self.judgements}",
            "Likelihoods: "
            + _listed(f"{b.term} ({b.range}) {', '.join(b.judgements)}" for b in self.likelihoods),
            "Confidence: "
            + _listed(f"{c} {', '.join(js)}" for c, js in self.confidences.items() if js),
            f"Arguments that state their confidence level: {self.confidence_explained} "
            f"of {self.judgements}",
        ]


@dataclass(frozen=True)
class Distinguishing:
    assumptions: int  # the list items under a heading that says 'assumption'
    if_wrong: int  # of them, those that say what follows 'if wrong'
    without_if_wrong: tuple[str, ...]

    def lines(self) -> list[str]:
        if not self.assumptions:
            return ["Key assumptions: none listed (a list under a heading 'Key assumptions')"]
        return [
            f"Key assumptions: {self.assumptions}, of which {self.if_wrong} say what follows "
            "if wrong",
            *(f"  without 'If wrong': {_clipped(a)}" for a in self.without_if_wrong),
        ]


@dataclass(frozen=True)
class ScenarioFacts:
    title: str
    likelihood: str
    range: str


@dataclass(frozen=True)
class Against:
    label: str
    markers: tuple[str, ...]  # the words that mark its paragraphs weighing the other way


@dataclass(frozen=True)
class Alternatives:
    scenarios: tuple[ScenarioFacts, ...]
    range_sum: str  # the scenarios' likelihood ranges added up: '85–145%'
    can_sum_to_100: bool | None  # whether 100% lies within that sum; None without scenarios
    indicators: int  # the list items under a heading that says 'indicator'
    against: tuple[Against, ...]  # every judgement, with the markers of contrary evidence

    def lines(self) -> list[str]:
        weighed = [a for a in self.against if a.markers]
        sums = (
            f"; their ranges sum to {self.range_sum}: 100% "
            f"{'is' if self.can_sum_to_100 else 'is not'} within it"
            if self.scenarios
            else ""
        )
        return [
            f"Scenarios: {len(self.scenarios)}{sums}",
            *(f"  {s.title}: {s.likelihood} ({s.range})" for s in self.scenarios),
            f"Indicators listed: {self.indicators}",
            f"Judgements with a cited paragraph weighing the other way ('however', 'the "
            f"other way', 'against it'...): {len(weighed)} of {len(self.against)}: "
            + _listed(f"{a.label} ('{a.markers[0]}')" for a in weighed),
        ]


@dataclass(frozen=True)
class Relevance:
    bottom_line: bool
    bottom_line_sentences: int
    scope_note: bool
    key_questions: tuple[str, ...]  # the scope note's sentences that end with '?'

    def lines(self) -> list[str]:
        bottom = f"yes, {_counted(self.bottom_line_sentences, 'sentence')}"
        return [
            f"Bottom line: {bottom if self.bottom_line else 'none'}",
            f"Scope note: {'yes' if self.scope_note else 'none'}; key questions: "
            f"{len(self.key_questions)}",
            *(f"  {_clipped(q)}" for q in self.key_questions),
        ]


@dataclass(frozen=True)
class Premises:
    label: str
    rests_on: str | None
    depends_on: tuple[str, ...]  # the judgements named by :depends-on:, by label (KJ8)


@dataclass(frozen=True)
class Argumentation:
    judgements: tuple[Premises, ...]

    def lines(self) -> list[str]:
        resting = [p for p in self.judgements if p.rests_on]
        depending = [p for p in self.judgements if p.depends_on]
        return [
            f"Judgements that declare the source they rest on (:rests-on:): {len(resting)}",
            *(f"  {p.label} on {p.rests_on}" for p in resting),
            f"Judgements that declare premises (:depends-on:): {len(depending)}",
            *(f"  {p.label} on {', '.join(p.depends_on)}" for p in depending),
        ]


@dataclass(frozen=True)
class JudgementChange:
    label: str  # in this edition; for a withdrawn judgement, in the previous one
    was: str | None  # its label in the previous edition, when that differs
    status: str  # added, changed, withdrawn, kept
    moved: tuple[str, ...]  # what changed: statement, likelihood, confidence
    explained: bool  # a :change: (or, withdrawn, a reason) is given


@dataclass(frozen=True)
class ChangeFacts:
    previous: str | None  # the previous edition's version
    summary: str
    judgements: tuple[JudgementChange, ...]

    def lines(self) -> list[str]:
        if self.previous is None:
            return ["Previous edition: none named (`previous:` in the front matter)"]
        counts = Counter(j.status for j in self.judgements)
        owed = [j for j in self.judgements if j.status != "kept"]
        return [
            f"Previous edition: {self.previous}; {self.summary}",
            "Judgements: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES),
            *(
                f"  {j.label}{f' ({j.was} in {self.previous})' if j.was else ''} {j.status}"
                f"{' (' + ', '.join(j.moved) + ')' if j.moved else ''}: "
                f"{'reason given' if j.explained else 'no reason given'}"
                for j in owed
            ),
        ]


@dataclass(frozen=True)
class Accuracy:
    citations: int
    quoting: int
    verified: int  # quotes found in their sources

    def lines(self) -> list[str]:
        return [
            f"Citations: {self.citations}, of which {self.quoting} quote; quotes found in "
            f"their sources: {self.verified} of {self.quoting}"
        ]


@dataclass(frozen=True)
class DatedEvent:
    date: str
    title: str


@dataclass(frozen=True)
class Visuals:
    figure: bool  # brief.md places the timeline
    caption: str
    events: int
    stated: int  # dated as their sources state (Event.dating)
    inferred: tuple[DatedEvent, ...]  # dated from the sources' words, as the basis says
    general_knowledge: tuple[DatedEvent, ...]  # the basis calls on general knowledge
    precision: dict[str, int]  # day, month, year: how many events are dated to each

    def lines(self) -> list[str]:
        if not self.events:
            return ["Timeline: no events"]
        shown = f"placed, caption '{self.caption}'" if self.figure else "not placed"
        return [
            f"Timeline figure: {shown}; {_counted(self.events, 'event')} (to the day "
            f"{self.precision['day']}, month {self.precision['month']}, year "
            f"{self.precision['year']})",
            f"Events dated as their sources state: {self.stated}; inferred from the sources' "
            f"words: {len(self.inferred)}; by general knowledge: {len(self.general_knowledge)}",
            *(f"  general knowledge: {e.date} {e.title}" for e in self.general_knowledge),
        ]


Facts = (
    Sourcing | Uncertainty | Distinguishing | Alternatives | Relevance | Argumentation
    | ChangeFacts | Accuracy | Visuals
)  # fmt: skip


@dataclass(frozen=True)
class Standard:
    id: str
    name: str
    standard: str  # ICD 203's wording
    facts: Facts
    rules: tuple[str, ...]  # the tradecraft rules filed under it
    cannot_judge: str


@dataclass(frozen=True)
class RuleReport:
    name: str
    standard: str
    filed_under: str | None  # the id of the ICD 203 standard it serves
    summary: str
    waived: str | None  # the reason it is turned off
    warnings: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class Review:
    title: str
    version: str
    previous: str | None
    standards: tuple[Standard, ...]
    rules: tuple[RuleReport, ...]
    other_warnings: tuple[Diagnostic, ...]


def review(brief: Brief, diagnostics: Diagnostics) -> Review:
    """The review sheet of a brief that checked without errors."""
    rules = _rules(brief, diagnostics)
    facts: dict[str, Facts] = {
        "sourcing": _sourcing(brief),
        "uncertainty": _uncertainty(brief),
        "distinguishing": _distinguishing(brief),
        "alternatives": _alternatives(brief),
        "relevance": _relevance(brief),
        "argumentation": _argumentation(brief),
        "change": _change(brief),
        "accuracy": _accuracy(brief),
        "visuals": _visuals(brief),
    }
    standards = tuple(
        Standard(
            ident,
            name,
            wording,
            facts[ident],
            tuple(r.name for r in rules if r.filed_under == ident),
            CANNOT_JUDGE[ident],
        )
        for ident, name, wording in STANDARDS
    )
    codes = {r.name for r in rules}
    others = tuple(d for d in diagnostics.warnings if d.code not in codes)
    meta = brief.meta
    previous = meta.previous.version if meta.previous else None
    return Review(meta.title, meta.version, previous, standards, rules, others)


# --- what the tool counts, standard by standard ---------------------------------------------


def _judgements(brief: Brief) -> list[Judgement]:
    return brief.text.blocks_of(Judgement)


def _sourcing(brief: Brief) -> Sourcing:
    parts = tuple(
        Part(name, len(found), sum(s.cited for s in found))
        for name, found in body_sentences(brief.text).items()
    )
    graded = sorted(brief.sources, key=lambda s: s.entry.grade)
    grades = {
        grade: tuple(s.entry.label for s in sources)
        for grade, sources in itertools.groupby(graded, key=lambda s: s.entry.grade)
    }
    judgements = tuple(
        JudgementSources(
            j.label,
            len(brief.sources_of(j)),
            brief.independent_of(j),
            j.confidence,
            j.rests_on or None,
        )
        for j in _judgements(brief)
    )
    single = tuple(j.label for j in judgements if j.independent == 1 or j.rests_on)
    return Sourcing(
        sum(p.sentences for p in parts),
        sum(p.cited for p in parts),
        parts,
        grades,
        judgements,
        single,
    )


def _uncertainty(brief: Brief) -> Uncertainty:
    judgements = _judgements(brief)
    vocabulary = VOCABULARIES[brief.meta.vocabulary]
    bands = []
    for band in vocabulary.bands:
        for term in band.terms:
            labels = tuple(j.label for j in judgements if j.likelihood == term)
            if labels:
                bands.append(Band(term, band.range, labels))
    confidences = {c: tuple(j.label for j in judgements if j.confidence == c) for c in CONFIDENCE}
    explained = sum(
        any(
            j.confidence in re.split(r"[\s-]+", m.group().lower())
            for m in CONFIDENCE_PHRASE.finditer(plain(j.argument))
        )
        for j in judgements
        if j.confidence
    )
    return Uncertainty(
        len(judgements),
        sum(bool(j.likelihood) for j in judgements),
        sum(bool(j.confidence) for j in judgements),
        tuple(bands),
        confidences,
        explained,
    )


def _distinguishing(brief: Brief) -> Distinguishing:
    assumptions = items_under(brief.text, "assumption")
    without = tuple(a for a in assumptions if "if wrong" not in a.casefold())
    return Distinguishing(len(assumptions), len(assumptions) - len(without), without)


def _alternatives(brief: Brief) -> Alternatives:
    vocabulary = VOCABULARIES[brief.meta.vocabulary]
    scenarios, low, high = [], 0, 0
    for scenario in brief.text.blocks_of(Scenario):
        band = vocabulary.band(scenario.likelihood)
        low, high = low + (band.low if band else 0), high + (band.high if band else 0)
        scenarios.append(
            ScenarioFacts(plain(scenario.title), scenario.likelihood, band.range if band else "")
        )
    against = tuple(
        Against(
            j.label,
            tuple(
                m.group().lower()
                for p in paragraphs_of(j.argument, j.label)
                if p.cites
                for m in AGAINST.finditer(p.words)
            ),
        )
        for j in _judgements(brief)
    )
    return Alternatives(
        tuple(scenarios),
        f"{low}\u2013{high}%",
        low <= 100 <= high if scenarios else None,
        len(items_under(brief.text, "indicator")),
        against,
    )


def _relevance(brief: Brief) -> Relevance:
    def sentences(kind: str) -> list[str]:
        text = brief.text.cover_text(kind)
        paragraphs = paragraphs_of(text, kind) if text else []
        return [s.text for p in paragraphs for s in p.sentences]

    questions = tuple(s for s in sentences("scope") if s.endswith("?"))
    bottom_line = sentences("bottom-line")
    return Relevance(
        brief.text.bottom_line is not None,
        len(bottom_line),
        brief.text.scope is not None,
        questions,
    )


def _argumentation(brief: Brief) -> Argumentation:
    judgements = _judgements(brief)
    labels = {j.id: j.label for j in judgements}
    return Argumentation(
        tuple(
            Premises(j.label, j.rests_on or None, tuple(labels[i] for i in j.depends_on))
            for j in judgements
        )
    )


def _change(brief: Brief) -> ChangeFacts:
    changes = brief.changes
    if changes is None:
        return ChangeFacts(None, "", ())
    judgements = tuple(
        JudgementChange(
            c.label,
            c.was_label or None,
            c.status,
            tuple(s.field for s in c.shifts),
            bool(c.note),
        )
        for c in changes.changes
        if c.subject == "judgement"
    )
    return ChangeFacts(changes.since, changes.summary, judgements)


def _accuracy(brief: Brief) -> Accuracy:
    quoting = [c for c in brief.citations if c.quote is not None]
    return Accuracy(len(brief.citations), len(quoting), sum(c.verified for c in quoting))


def _visuals(brief: Brief) -> Visuals:
    slots = brief.text.blocks_of(TimelineSlot)
    events = brief.events
    known = tuple(_dated(e) for e in events if e.dating == "general knowledge")
    inferred = tuple(_dated(e) for e in events if e.dating == "inferred")
    precision = Counter(e.date.precision for e in events)
    return Visuals(
        bool(slots),
        slots[0].caption if slots else "",
        len(events),
        sum(e.dating == "source" for e in events),
        inferred,
        known,
        {p: precision[p] for p in ("day", "month", "year")},
    )


def _dated(event: Event) -> DatedEvent:
    return DatedEvent(str(event.date), event.title)


# --- the tradecraft rules ---------------------------------------------------------------------


def _rules(brief: Brief, diagnostics: Diagnostics) -> tuple[RuleReport, ...]:
    waived = {w.rule: w.reason for w in brief.meta.waived}
    return tuple(
        RuleReport(
            rule.name,
            rule.standard,
            filed_under(rule.standard),
            rule.summary,
            waived.get(rule.name),
            tuple(d for d in diagnostics.warnings if d.code == rule.name),
        )
        for rule in RULES.values()
    )


def filed_under(standard: str) -> str | None:
    """The id of the ICD 203 standard a rule's `standard` names: its wording, or the start
    of it, or a close paraphrase; None for another."""
    wanted = _normal(standard)
    wordings = {_normal(wording): ident for ident, _, wording in STANDARDS}
    for wording, ident in wordings.items():
        if wanted and (wording.startswith(wanted) or wanted.startswith(wording)):
            return ident
    close = difflib.get_close_matches(wanted, list(wordings), n=1, cutoff=0.6)
    return wordings[close[0]] if close else None


def _normal(text: str) -> str:
    return " ".join(
        re.sub(r"[^\w\s]", "", text.casefold().replace("judgement", "judgment")).split()
    )


# --- the sheet as text and as JSON --------------------------------------------------------------


def sheet_lines(sheet: Review) -> list[str]:
    """The sheet as text, at most WIDTH columns wide."""
    edition = f"edition {sheet.version}" + (f", after {sheet.previous}" if sheet.previous else "")
    lines = [
        *_wrapped(f"Review of '{sheet.title}', {edition}", ""),
        *_wrapped(
            "By the ICD 203 analytic standards: what the tool counts on this brief, the "
            "tradecraft rules that check it, and what the tool cannot judge.",
            "",
        ),
    ]
    warned = {r.name: len(r.warnings) for r in sheet.rules}
    for number, standard in enumerate(sheet.standards, start=1):
        lines += ["", *_wrapped(f"{number}. {standard.name}: {standard.standard}", "", "   ")]
        for line in standard.facts.lines():
            lines += _wrapped(line, "   ", "       ")
        rules = ", ".join(f"{n} ({_counted(warned[n], 'warning')})" for n in standard.rules)
        lines += _wrapped(f"Rules: {rules or 'none'}", "   ", "       ")
        lines += _wrapped(f"Cannot judge: {standard.cannot_judge}.", "   ", "       ")
    return [*lines, "", *_warning_lines(sheet)]


def _warning_lines(sheet: Review) -> list[str]:
    lines = ["Rule warnings"]
    names = {ident: name for ident, name, _ in STANDARDS}
    for rule in sheet.rules:
        under = names.get(rule.filed_under or "", rule.standard)
        state = f"waived: {rule.waived}" if rule.waived else _counted(len(rule.warnings), "warning")
        lines += _wrapped(f"{rule.name} ({under}): {state}", "   ", "       ")
        lines += _wrapped(f"asks: {rule.summary}", "     ", "       ")
        for warning in rule.warnings:
            lines += _wrapped(f"{warning.location}: {warning.message}", "     ", "         ")
    lines += ["", f"Other warnings: {len(sheet.other_warnings) or 'none'}"]
    for warning in sheet.other_warnings:
        lines += _wrapped(f"{warning.location}: {warning.message}", "   ", "       ")
    return lines


def sheet_json(sheet: Review) -> dict[str, Any]:
    """The sheet as data, in the stable structure of the module's docstring."""
    return {
        "review": FORMAT,
        "brief": {"title": sheet.title, "version": sheet.version, "previous": sheet.previous},
        "standards": [
            {
                "id": s.id,
                "name": s.name,
                "standard": s.standard,
                "facts": dataclasses.asdict(s.facts),
                "rules": list(s.rules),
                "cannot_judge": s.cannot_judge,
            }
            for s in sheet.standards
        ],
        "rules": [
            {
                "name": r.name,
                "standard": r.standard,
                "filed_under": r.filed_under,
                "summary": r.summary,
                "waived": r.waived,
                "warnings": [w.as_json() for w in r.warnings],
            }
            for r in sheet.rules
        ],
        "other_warnings": [w.as_json() for w in sheet.other_warnings],
    }


def _wrapped(text: str, indent: str, more: str | None = None) -> list[str]:
    return textwrap.wrap(
        printable(text),
        WIDTH,
        initial_indent=indent,
        subsequent_indent=more if more is not None else indent,
        break_on_hyphens=False,
    )


def _listed(items: Iterable[str]) -> str:
    return "; ".join(items) or "none"


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({round(100 * part / whole)}%)" if whole else "none"


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _clipped(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 3].rstrip() + "..."
