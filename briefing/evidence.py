"""Stage 4: resolve citations and verify every quote against the text of its source.

A quote and its source are compared folded (briefing.folding): only what copy-paste changes
is forgiven; a changed word, number, name or letter case still fails.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

from .diagnostics import Diagnostics, suggest
from .folding import FoldedText, fold
from .model import Citation, CitationRef, Source

_WORDS = re.compile(r"\w+(?:['-]\w+)*")


@dataclass
class SourceIndex:
    """A source with its folded text, built once per build for all quotes."""

    source: Source

    @cached_property
    def text(self) -> FoldedText:
        return FoldedText(self.source.text)


def verify_citations(
    refs: tuple[CitationRef, ...], sources: dict[str, Source], diagnostics: Diagnostics
) -> tuple[Citation, ...]:
    """Resolve each citation to its source and locate its quote; report what fails."""
    index = {sid: SourceIndex(source) for sid, source in sources.items()}
    results = []
    for ref in refs:
        if ref.source not in sources:
            diagnostics.error(
                ref.location,
                f"unknown source '{ref.source}'",
                suggest(ref.source, list(sources), "sources in seeds/sources.yaml")
                or "no sources are listed in seeds/sources.yaml",
            )
            results.append(Citation(ref, (), False))
            continue
        if ref.quote is None:
            results.append(Citation(ref, (), True))
            continue
        needle = fold(ref.quote)
        spans = index[ref.source].text.find_all(needle)
        furniture = [sources[ref.source].furniture_only(span) for span in spans]
        if spans and furniture[0] is not None and all(furniture):
            diagnostics.error(
                ref.location,
                f"quote is page furniture of source '{ref.source}', not its article text",
                hint=f"found only in: {furniture[0].detail}",
            )
            spans = []
        elif not spans:
            hint, closest = _hint(needle, ref.source, index)
            diagnostics.error(
                ref.location,
                f"quote not found in source '{ref.source}'",
                hint=hint,
                code="quote-not-found",
                fix=closest,
            )
        results.append(Citation(ref, tuple(spans), bool(spans)))
    return tuple(results)


def _hint(needle: str, cited: str, index: dict[str, SourceIndex]) -> tuple[str, str]:
    """Where the quote is after all, or the closest passage of the cited source and the
    diff; and that passage ("" when there is none)."""
    elsewhere = [sid for sid, si in index.items() if sid != cited and needle in si.text.folded]
    if elsewhere:
        file = index[elsewhere[0]].source.entry.file
        return f"the quote is in source '{elsewhere[0]}' ({file})", ""
    folded = index[cited].text
    found = fuzz.partial_ratio_alignment(needle, folded.folded)
    if found is None or found.score < 50:
        return f"no passage of '{cited}' resembles it", ""
    start, end = widen_to_words(folded.folded, found.dest_start, found.dest_end)
    passage = " ".join(folded.original[slice(*folded.original_span(start, end))].split())
    lines = [f"closest passage ({found.score:.0f}% similar): «{passage}»"]
    lines.extend(_differences(needle, folded.folded[start:end]))
    return "\n".join(lines), passage


def widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _differences(quote: str, passage: str) -> list[str]:
    """The words in which the quote and the passage differ, each with a word of context on
    either side; punctuation is compared only when the words agree."""
    q, p = _WORDS.findall(quote), _WORDS.findall(passage)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=q, b=p, autojunk=False).get_opcodes():
        said, source = _in_context(q, i1, i2), _in_context(p, j1, j2)
        if op == "replace":
            out.append(f'quote has "{said}" where the source has "{source}"')
        elif op == "delete":
            out.append(f'quote adds "{" ".join(q[i1:i2])}" in "{said}"')
        elif op == "insert" and 0 < i1 < len(q):
            out.append(f'quote leaves out "{" ".join(p[j1:j2])}" from "{source}"')
    if not out and q == p:
        out.append("the words agree; the punctuation differs from the source's")
    return out


def _in_context(words: list[str], start: int, end: int) -> str:
    return " ".join(words[max(start - 1, 0) : end + 1])
