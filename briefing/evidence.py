"""Stage 4: resolve citations and verify every quote against the text of its source.

Matching folds only what copy-paste changes: Unicode compatibility forms,
quote and apostrophe styles, dash variants, invisible format characters and runs of
whitespace. A changed word, number, name or letter case still fails.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

from .diagnostics import Diagnostics, suggest
from .model import Citation, CitationRef, Source

# Invisible characters: soft hyphen, zero-width characters, word joiner, BOM, bidi controls.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069"
_TRANSLATE = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u02bb\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys(
            "\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"
            "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
            "",
        ),
    }
)
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE}]")
_HAS_COMBINING = re.compile("[\u0300-\u036f]")
# Each folded character, with the characters that fold to it.
_FOLDED_FROM: dict[str, str] = {}
for _code, _folded in _TRANSLATE.items():
    if _folded:
        _FOLDED_FROM[str(_folded)] = _FOLDED_FROM.get(str(_folded), str(_folded)) + chr(_code)


def folding_pattern(needle: str) -> str:
    """A regular expression for the original texts whose folded form holds needle (folded
    already): the same quote, apostrophe and dash variants and white space, for searching
    a long text without folding it first; invisible characters (a soft hyphen) may stand
    anywhere. Compatibility forms (ligatures, full-width letters) are left to FoldedText."""
    parts = []
    for char in needle:
        if char == " ":
            parts.append(rf"[\s{_INVISIBLE}]+")
        elif char in _FOLDED_FROM:
            parts.append(f"[{re.escape(_FOLDED_FROM[char])}]")
        else:
            parts.append(re.escape(char))
    return f"[{_INVISIBLE}]*".join(parts)


@functools.cache
def _special(invisible: bool, combining: bool) -> re.Pattern[str]:
    """What folding may change: invisible characters with the whitespace around them,
    whitespace other than a lone space, a character with combining marks, and any character
    outside ASCII. Everything else maps to itself, which keeps long English sources to a
    few segments per line. The costly alternatives join only when the text needs them."""
    alternatives = [rf"(?:\s*[{_INVISIBLE}])+\s*"] if invisible else []
    alternatives += [r"\s{2,}", r"[^\S ]"]
    alternatives += [r".[\u0300-\u036f]+"] if combining else []
    return re.compile("|".join([*alternatives, r"[^\x00-\x7f]"]))


_WHITESPACE = re.compile(r"\s+")
_WORDS = re.compile(r"\w+(?:['-]\w+)*")


def fold_piece(piece: str) -> str:
    if piece.isspace():
        return " "
    folded = unicodedata.normalize("NFKC", piece).translate(_TRANSLATE)
    return " " if folded.isspace() else _WHITESPACE.sub(" ", folded)


def fold(text: str) -> str:
    """The folded form of a quote, for matching."""
    return FoldedText(text).folded.strip()


class FoldedText:
    """A text in folded form, with a map from folded offsets back to the original ones."""

    def __init__(self, text: str) -> None:
        self.original = text
        parts: list[str] = []
        # Each segment: (folded start, original start, original length, identity?)
        self._segments: list[tuple[int, int, int, bool]] = []
        folded_pos = original_pos = 0
        special = _special(bool(_HAS_INVISIBLE.search(text)), bool(_HAS_COMBINING.search(text)))
        for match in special.finditer(text):
            if match.start() > original_pos:
                length = match.start() - original_pos
                parts.append(text[original_pos : match.start()])
                self._segments.append((folded_pos, original_pos, length, True))
                folded_pos += length
            piece = match.group()
            folded = fold_piece(piece)
            if folded.startswith(" ") and parts and parts[-1].endswith(" "):
                folded = folded[
                    1:
                ]  # whitespace next to whitespace, e.g. around a dropped character
            if folded:
                parts.append(folded)
                self._segments.append((folded_pos, match.start(), len(piece), folded == piece))
                folded_pos += len(folded)
            original_pos = match.end()
        if original_pos < len(text):
            parts.append(text[original_pos:])
            self._segments.append((folded_pos, original_pos, len(text) - original_pos, True))
        self.folded = "".join(parts)
        self._starts = [s[0] for s in self._segments]

    def _segment(self, folded_offset: int) -> tuple[int, int, int, bool]:
        return self._segments[bisect.bisect_right(self._starts, folded_offset) - 1]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) of the folded [start, end)."""
        f0, o0, length, identity = self._segment(start)
        first = o0 + (start - f0) if identity else o0
        f1, o1, length, identity = self._segment(end - 1)
        last = o1 + (end - f1) if identity else o1 + length
        return first, last

    def find_all(self, needle: str) -> list[tuple[int, int]]:
        """Original spans of every occurrence of an already folded needle."""
        spans, at = [], self.folded.find(needle)
        while at != -1 and needle:
            spans.append(self.original_span(at, at + len(needle)))
            at = self.folded.find(needle, at + 1)
        return spans


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
