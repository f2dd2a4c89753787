"""Counting words and ending sentences in any script. Chinese, Japanese, Thai, Lao, Khmer and
Burmese are written without spaces between words, so a rule that counted words by spaces
would find a whole paragraph of them one word long: there two characters count as a word,
about what a word of those languages takes, and 。！？ end a sentence."""

from __future__ import annotations

import re

# Thai, Lao, Burmese, Khmer, Hiragana, Katakana, the CJK ideographs (Korean has spaces).
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
SENTENCE_ENDS = (".", "!", "?", "。", "！", "？")
# A sentence: up to its end mark and any closing quotes or brackets, or the line's end.
SENTENCE = re.compile(r"[^.!?。！？]+(?:[.!?。！？]+[\"”’)」』]*|$)")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*(?:\s|$)|[。！？][」』]*")


def count_words(text: str) -> int:
    """The words of text: spaced ones, and one for every two characters of a script
    written without spaces."""
    unspaced = len(_UNSPACED.findall(text))
    return len(_WORD.findall(_UNSPACED.sub(" ", text))) + (unspaced + 1) // 2


def ends_a_sentence(text: str) -> bool:
    """Whether text ends as a sentence does, closing quotes and brackets aside."""
    return text.rstrip('"”’)」』').endswith(SENTENCE_ENDS)


def has_paragraph(text: str) -> bool:
    """Whether the text has a sentence of ten words or more: what a page of nothing but
    menus and footers lacks (trafilatura falls back to whatever text a page has)."""
    return any(count_words(sentence) >= 10 for sentence in _SENTENCE_END.split(text)[:-1])
