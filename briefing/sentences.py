"""Sentences of a source's text, for the citations `briefing find` offers.

The text is cut into blocks first, at its line ends: a line that ends without a sentence end
and is followed by a new line is a heading, a byline, a caption or a list item, never part of
the next sentence; a line wrapped in a PDF or a hand-wrapped text file (it reaches the
text's width, or the next line goes on in lower case) is joined to the next. Each block is
then split by sentencex, a rule-based segmenter that knows "Mr.", "Oct. 12", "U.S. Army" and
"No. 10" do not end a sentence. Offsets are those of the text, so a sentence is a span of
it, exactly as the verifier finds a quote.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

from .words import ends_a_sentence

Span = tuple[int, int]
# Splits one block (line ends already made spaces) into its sentences, as spans of it.
Splitter = Callable[[str], list[Span]]

WRAPPED_KINDS = frozenset({"PDF", "text"})  # kinds whose lines may be wrapped paragraphs
_WRAP_SHARE = 0.8  # a line this share of the text's width or more was wrapped, when the
# next line's first word would not have fitted on it
_NARROWEST_WRAP = 40  # narrower lines are headings and items, never a column of text
_FEWEST_WRAPPED_LINES = 4  # fewer lines of that width tell nothing of a text's width
_LIST_ITEM = re.compile(r"[ \t]*(?:[•◦▪·*+–—-]|\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)])\s")
# Where the segmenter may still end a sentence wrongly: before a name after a title ("Dr. No"),
# before a number after "No.", "Vol." or a month, before a word in lower case.
_TITLE_ENDS = re.compile(
    r"(?<!\w)(?:Mr|Mrs|Ms|Messrs|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|Maj|Adm|Rev|Hon|St|vs)\.\s*$"
)
_BEFORE_NUMBER_ENDS = re.compile(
    r"(?<!\w)(?:No|Nos|Vol|Fig|pp?|Art|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.\s*$"
)
_CONTINUES = re.compile(r"[ \t]*[a-z]")  # the next line goes on in lower case


def sentences(
    text: str, start: int, end: int, wrapped: bool, split: Splitter | None = None
) -> list[Span]:
    """The sentences of text[start:end] (start at a line's start), without the white space
    around them. wrapped: the text's lines may be a paragraph's wrapped lines (a PDF)."""
    split = split or sentencex_split
    found: list[Span] = []
    for block_start, block_end in blocks(text, start, end, wrapped):
        block = text[block_start:block_end].replace("\n", " ")
        for a, b in _mended(block, split(block)):
            found.append(stripped(text, block_start + a, block_start + b))
    return [(a, b) for a, b in found if a < b]


def blocks(text: str, start: int, end: int, wrapped: bool) -> Iterator[Span]:
    """The paragraphs of text[start:end]: its lines, those wrapped joined."""
    lines = _lines(text, start, end)
    width = _width(lines) if wrapped else 0
    block_start = start
    for (line_start, line_end), (next_start, next_end) in itertools.pairwise(lines):
        if not _joined(text[line_start:line_end], text[next_start:next_end], width):
            yield block_start, line_end
            block_start = next_start
    if lines:
        yield block_start, lines[-1][1]


def _lines(text: str, start: int, end: int) -> list[Span]:
    spans = []
    while start < end:
        stop = text.find("\n", start, end)
        stop = end if stop == -1 else stop
        spans.append((start, stop))
        start = stop + 1
    return spans


def _width(lines: list[Span]) -> int:
    """How wide the text's wrapped lines are: the length three quarters of its lines of
    some length reach; 0 when too few lines are that long to tell."""
    lengths = sorted(b - a for a, b in lines if b - a >= _NARROWEST_WRAP)
    return lengths[(len(lengths) - 1) * 3 // 4] if len(lengths) >= _FEWEST_WRAPPED_LINES else 0


def _joined(line: str, following: str, width: int) -> bool:
    """Whether following goes on with line's paragraph."""
    if not line.strip() or not following.strip() or _LIST_ITEM.match(following):
        return False
    if _CONTINUES.match(following) and not ends_a_sentence(line.rstrip()):
        return True
    if width < _NARROWEST_WRAP or _title_case(line):
        return False
    first_word = following.split(maxsplit=1)[0]
    return len(line.rstrip()) + 1 + len(first_word) >= _WRAP_SHARE * width


def _title_case(line: str) -> bool:
    """Whether most of line's words are capitalised, as a headline's or a byline's are."""
    words = line.split()
    return len(words) >= 2 and sum(w[:1].isupper() for w in words) >= 0.6 * len(words)


def _mended(block: str, spans: list[Span]) -> list[Span]:
    """spans, each joined to the next where it cannot end a sentence."""
    mended: list[Span] = []
    for start, end in spans:
        if mended and _goes_on(block[slice(*mended[-1])], block[start:end].lstrip()):
            mended[-1] = (mended[-1][0], end)
        else:
            mended.append((start, end))
    return mended


def _goes_on(sentence: str, following: str) -> bool:
    if following[:2].islower() or _TITLE_ENDS.search(sentence):
        return True
    return following[:1].isdigit() and bool(_BEFORE_NUMBER_ENDS.search(sentence))


def stripped(text: str, start: int, end: int) -> Span:
    """The span without the white space at its ends."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentencex_split(block: str) -> list[Span]:
    """block's sentences by sentencex (which returns their text, each a piece of block)."""
    import sentencex

    return pieces_of(block, list(sentencex.segment("en", block)))


def pieces_of(block: str, pieces: list[str]) -> list[Span]:
    """The spans of pieces, found in block in order; one not found joins the next."""
    spans, at, start = [], 0, 0
    for piece in pieces:
        piece = piece.strip()
        found = block.find(piece, at) if piece else -1
        if found == -1:
            continue
        at = found + len(piece)
        spans.append((start, at))
        start = at
    if start < len(block):
        spans.append((start, len(block)))
    return spans
