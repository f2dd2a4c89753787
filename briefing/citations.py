"""Citations as written in brief.md and figures/timeline.yaml, and the placeholders that
stand for them in Markdown text.

mistune tokens carry no source positions, so citations are found by scanning the raw
text: each citation group is recorded with its line and column and replaced by a
placeholder that the Markdown renderer turns into links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .diagnostics import Diagnostics, Location
from .files import BRIEF
from .model import CitationRef, Markdown
from .words import count_words

# A citation group is replaced by a placeholder of the same length and line breaks, so that
# an offset in a fragment's text is still an offset in brief.md: filler characters, then a
# marker holding one private-use character per citation index. (A line break among the
# group's last few characters moves in front of the marker: the line stays right, and only
# columns later on that line shift.)
FILL, CITE_OPEN, CITE_CLOSE = "\ue002", "\ue000", "\ue001"
_INDEX_BASE = 0xF0000
PLACEHOLDER = re.compile(f"(?:{FILL}[{FILL}\n]*)?{CITE_OPEN}([\U000f0000-\U000ffffd]+){CITE_CLOSE}")
MIN_QUOTE_WORDS = 3
MIN_QUOTE_CHARS = 15

SOURCE_ID = re.compile(r"[A-Za-z0-9][\w.-]*")
# Marks a writer may open or close a quote with; only " " and “ ” pair.
_QUOTE_MARKS = "\"\u201c\u201d'\u2018\u2019"
_PAIR = {'"': '"', "\u201c": "\u201d"}
_QUOTE_END = {mark: re.compile(closing + r"\s*[;\]]") for mark, closing in _PAIR.items()}
_ANY_QUOTE_END = re.compile(f"[{_QUOTE_MARKS}]" + r"\s*[;\]]")
_CURLY, _SINGLE = "\u201c\u201d\u2018\u2019", "'\u2018\u2019"
_BEYOND_QUOTE = re.compile(r"\n[ \t]*\n|\[@|;\s*@")  # a paragraph's end, a next citation


def placeholder(group: str, indices: list[int]) -> str:
    marker = CITE_OPEN + "".join(chr(_INDEX_BASE + i) for i in indices) + CITE_CLOSE
    head, tail = group[: -len(marker)], group[-len(marker) :]
    return "".join("\n" if c == "\n" else FILL for c in head) + "\n" * tail.count("\n") + marker


def placeholder_indices(match: re.Match[str]) -> list[int]:
    """The citation indices of a PLACEHOLDER match."""
    return [ord(c) - _INDEX_BASE for c in match[1]]


@dataclass(frozen=True)
class Chunk:
    """Text taken from brief.md; text[0] stands at line:col, later lines start at column 1."""

    text: str
    line: int
    col: int = 1

    def location(self, offset: int) -> Location:
        return Location(BRIEF, self.line, self.col).advance(self.text, offset)


class CitationScanner:
    """Finds citation groups in text, records them, and leaves placeholders behind."""

    def __init__(self, diagnostics: Diagnostics, first_index: int = 0) -> None:
        self.diagnostics = diagnostics
        self.citations: list[CitationRef] = []
        self.first_index = first_index

    def add(self, source: str, quote: str | None, location: Location) -> int:
        if quote is not None:
            quote = " ".join(quote.split())
            if count_words(quote) < MIN_QUOTE_WORDS or len(quote) < MIN_QUOTE_CHARS:
                self.diagnostics.error(
                    location,
                    f"quote '{quote}' is too short to identify a passage",
                    hint=f"quote at least {MIN_QUOTE_WORDS} words and {MIN_QUOTE_CHARS} "
                    "characters, or cite the source alone",
                )
        ref = CitationRef(self.first_index + len(self.citations), source, quote, location)
        self.citations.append(ref)
        return ref.index

    def scan(self, chunk: Chunk) -> Markdown:
        text, out, found, pos = chunk.text, [], [], 0
        while (start := text.find("[@", pos)) != -1:
            group = _group(chunk, start)
            if group is None:
                self.diagnostics.error(
                    chunk.location(start),
                    "malformed citation",
                    hint='write [@source-id] or [@source-id "verbatim quote"]; '
                    "separate several with ';'",
                )
                out.append(text[pos : start + 2])
                pos = start + 2
                continue
            out.append(text[pos:start])
            if group.unpaired:
                self._unpaired(chunk, start, group)
                out.append(text[start : group.end])
            else:
                indices = [self.add(*item) for item in group.items]
                out.append(placeholder(text[start : group.end], indices))
                found.extend(indices)
            pos = group.end
        out.append(text[pos:])
        return Markdown("".join(out), chunk.location(0), tuple(found))

    def _unpaired(self, chunk: Chunk, start: int, group: _Group) -> None:
        """One error for a group whose quote marks do not pair, at its '[', with the group
        rewritten with marks that do as the hint and the fix."""
        opening, closing = (chunk.text[i] for i in group.unpaired[0])
        if opening in _SINGLE or closing in _SINGLE:
            message = 'quotes take double marks (" or \u201c \u201d), not single ones'
        else:
            message = f"the quote opens with {opening} and closes with {closing}"
        fixed = list(chunk.text[start : group.end])
        for opens, closes in group.unpaired:
            curly = chunk.text[opens] in _CURLY or chunk.text[closes] in _CURLY
            fixed[opens - start], fixed[closes - start] = "\u201c\u201d" if curly else '""'
        fix = "".join(fixed)
        self.diagnostics.error(
            chunk.location(start), message, hint=" ".join(fix.split()), code="quote-marks", fix=fix
        )


@dataclass(frozen=True)
class _Group:
    """A citation group as written: where it ends, its citations (source, quote, where),
    and the offsets of each quote's marks that do not pair."""

    end: int
    items: list[tuple[str, str | None, Location]]
    unpaired: list[tuple[int, int]]


def _group(chunk: Chunk, start: int) -> _Group | None:
    """Parse `[@id "quote"; @id]` at start, or None if it is not one."""
    text, i, items, unpaired = chunk.text, start + 1, [], []
    while True:
        i = _skip_space(text, i)
        at = i
        if not text.startswith("@", i):
            return None
        ident = SOURCE_ID.match(text, i + 1)
        if not ident:
            return None
        i = _skip_space(text, ident.end())
        quote = None
        quote_at = at
        if i < len(text) and (text[i] in _PAIR or _opens_quote(text, i)):
            closing = _quote_end(text, i)
            if closing is None:
                return None
            if _PAIR.get(text[i]) != text[closing]:
                unpaired.append((i, closing))
            quote, quote_at = text[i + 1 : closing], i
            i = _skip_space(text, closing + 1)
        items.append((ident.group(), quote, chunk.location(quote_at)))
        if i >= len(text) or text[i] not in ";]":
            return None
        if text[i] == "]":
            return _Group(i + 1, items, unpaired)
        i += 1


def _quote_end(text: str, opening: int) -> int | None:
    """Where the quote that opens at text[opening] closes: at the mark that pairs with
    the opening one, else at any quote mark (which does not pair); either followed by ';'
    or ']', within the paragraph and before the next citation (a quote holds none)."""
    beyond = _BEYOND_QUOTE.search(text, opening)
    limit = beyond.start() + 1 if beyond else len(text)  # + 1: the ';' may end the quote
    for end_mark in (_QUOTE_END.get(text[opening]), _ANY_QUOTE_END):
        if end_mark and (end := end_mark.search(text, opening + 1, limit)):
            return end.start()
    return None


def _opens_quote(text: str, i: int) -> bool:
    """A mark other than " and \u201c opens a quote only after a space: in `[@cnn's` it is an
    apostrophe."""
    return text[i] in _QUOTE_MARKS and text[i - 1] in " \t\n"


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n":
        i += 1
    return i
