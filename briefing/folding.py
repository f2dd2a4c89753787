"""Text folding: what copy-paste changes in a quote is folded away before it is matched,
so that a quote verifies (and `briefing find` searches) whatever its copy did to it.

Folding changes only Unicode compatibility forms, quote and apostrophe styles, dash
variants, invisible format characters and runs of whitespace: a quote with a changed word,
number, name or letter case still fails to match.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata

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
