"""Stage 6: assemble the compiled Brief from the parsed text, sources, events and figure."""

from __future__ import annotations

from collections import Counter

from .changes import Changes
from .directives.judgement import Judgement
from .directives.timeline import TimelineSlot
from .folding import fold
from .model import (
    Brief,
    BriefText,
    Citation,
    Figure,
    Passage,
    Repeat,
    Source,
    Timeline,
    independent,
)
from .repeats import with_shared_text


def assemble(
    text: BriefText,
    sources: dict[str, Source],
    timeline: Timeline,
    citations: tuple[Citation, ...],
    figure: Figure | None,
    changes: Changes | None = None,
    repeats: tuple[Repeat, ...] = (),
) -> Brief:
    sources = with_shared_text(sources, repeats)
    return Brief(
        meta=text.meta,
        text=text,
        sources=tuple(sources.values()),
        events=timeline.events,
        citations=citations,
        passages=_passages(citations, sources),
        contexts=_contexts(text, timeline),
        shown=_shown(text, timeline),
        summary=_summary(text, sources, citations, repeats),
        figure=figure,
        changes=changes,
        repeats=repeats,
    )


def _count(items: list[str], plural: bool = False) -> str:
    """'2 news analyses, 1 opinion': how many of each item, most first; with plural, each
    counted more than once is put in the plural (its words before a bracket)."""
    counts = Counter(items)
    return ", ".join(
        f"{n} {_plural(item) if plural and n > 1 else item}"
        for item, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def _plural(kind: str) -> str:
    """A kind of source in the plural, its words before a bracket: 'news analyses',
    'explainers (question and answer)'. (inflect would do it, but takes 1.2 s to import:
    more than the whole check of a small brief.)"""
    head, bracket, rest = kind.partition(" (")
    if head.endswith("sis"):
        head = head[:-2] + "es"
    elif head.endswith("y") and head[-2:-1] not in tuple("aeiou"):
        head = head[:-1] + "ies"
    elif head.endswith(("ss", "x", "z", "ch", "sh")):
        head += "es"
    elif not head.endswith("news"):
        head += "s"
    return f"{head}{bracket}{rest}"


def _summary(
    text: BriefText,
    sources: dict[str, Source],
    citations: tuple[Citation, ...],
    repeats: tuple[Repeat, ...],
) -> tuple[str, ...]:
    """The source summary statement, as sentences."""
    entries = [s.entry for s in sources.values()]
    if not entries:
        return ("The brief cites no sources.",)
    sentences = [
        f"The brief rests on {len(entries)} source{'s' if len(entries) != 1 else ''}: "
        f"{_count([e.type or 'untyped' for e in entries], plural=True)}.",
        f"Grades: {_count([e.grade for e in entries])}; "
        f"{sum(e.reliability in 'ABC' for e in entries)} of {len(entries)} from a source graded "
        "fairly reliable or better.",
    ]
    dated = sorted(e.published for e in entries if e.published)
    if dated:
        inferred = sum(bool(e.published) and not e.date_stated for e in entries)
        sentences.append(
            f"They were published between {dated[0].display} and {dated[-1].display}; "
            f"{inferred} of the dates {'is' if inferred == 1 else 'are'} inferred"
            + (f" and {len(entries) - len(dated)} unknown." if len(dated) < len(entries) else ".")
        )
    judgements = text.blocks_of(Judgement)
    if repeats:
        labels = [f"{sources[r.first].entry.label} and {sources[r.second].entry.label}"
                  for r in repeats]  # fmt: skip
        sentences.append(
            f"Sources that share text count as one where both are cited: {'; '.join(labels)} "
            f"({independent(list(sources), repeats)} independent sources of {len(entries)})."
        )
    single = [
        j.label
        for j in judgements
        if independent(list(dict.fromkeys(citations[i].source for i in j.citations)), repeats) == 1
    ]
    sentences.append(
        f"Key judgements citing only one source: {', '.join(single)}."
        if single
        else "Every key judgement cites at least two sources."
    )
    resting = [f"{j.label} ({sources[j.rests_on].entry.label})" for j in judgements if j.rests_on]
    if resting:
        sentences.append(
            "Key judgements whose central claim rests on one source, as their arguments say: "
            f"{', '.join(resting)}."
        )
    uncited = [e.label for e in entries if not any(c.source == e.id for c in citations)]
    sentences.append(
        f"Sources not cited: {', '.join(uncited)}." if uncited else "Every source is cited."
    )
    return tuple(sentences)


def _passages(citations: tuple[Citation, ...], sources: dict[str, Source]) -> tuple[Passage, ...]:
    """Group quoting citations by source and passage, in the order of the source text."""
    groups: dict[tuple[str, str], list[Citation]] = {}
    for citation in citations:
        if citation.quote is not None and citation.verified:
            groups.setdefault((citation.source, fold(citation.quote)), []).append(citation)
    ordered = sorted(groups.values(), key=lambda cs: (cs[0].source, cs[0].spans[0]))
    counters: dict[str, int] = {}
    passages = []
    for group in ordered:
        first = group[0]
        number = counters[first.source] = counters.get(first.source, 0) + 1
        passages.append(
            Passage(
                anchor=f"p-{first.source}-{number}",
                label=f"{sources[first.source].entry.label}.{number}",
                source=first.source,
                quote=first.quote or "",
                spans=first.spans,
                citations=tuple(c.index for c in group),
                page=sources[first.source].page_of(first.spans[0][0]),
            )
        )
    return tuple(passages)


def _shown(text: BriefText, timeline: Timeline) -> frozenset[int]:
    """The citations made where the body shows them: the brief's own, and the events' when
    the chronology is placed."""
    placed = bool(text.blocks_of(TimelineSlot))
    return frozenset(ref.index for ref in text.citations) | frozenset(
        i for event in timeline.events if placed for i in event.citations
    )


def _contexts(text: BriefText, timeline: Timeline) -> dict[int, str]:
    """For each citation, a short name of the place that makes it ('KJ2', 'Timeline: 2015')."""
    contexts: dict[int, str] = {}
    section = "Introduction"
    for block in text.blocks:
        contexts.update(block.contexts(section))
        section = block.section_after(section)
    for event in timeline.events:
        contexts.update(dict.fromkeys(event.citations, f"Timeline: {event.date.display}"))
    return contexts
