"""Sources that repeat each other: a saved page and its printout, a wire story two outlets
ran, a statement both quote in full. They share sentences (of eight words or more, folded as
quotes are), found by hashing each source's sentences once. Sources that share text do not
corroborate each other: the source summary counts them as one."""

from __future__ import annotations

import functools
import itertools
from collections import Counter, defaultdict

from .diagnostics import Diagnostics
from .folding import fold
from .model import Repeat, Source
from .words import SENTENCE, count_words

MIN_WORDS = 8  # a sentence shorter than this is common enough to be shared by chance
NEAR_IDENTICAL = 0.8  # of the longer source's sentences: the same document twice


def find_repeats(sources: dict[str, Source]) -> tuple[Repeat, ...]:
    """Each pair of sources that share a sentence, in register order."""
    order = {sid: n for n, sid in enumerate(sources)}
    holders: dict[int, set[str]] = defaultdict(set)
    sentences: dict[str, int] = {}
    for sid, source in sources.items():
        keys = _sentence_keys(source.text)
        sentences[sid] = len(keys)
        for key in keys:
            holders[key].add(sid)
    shared: Counter[tuple[str, str]] = Counter()
    for ids in holders.values():
        for first, second in itertools.combinations(sorted(ids, key=order.__getitem__), 2):
            shared[first, second] += 1
    return tuple(
        Repeat(first, second, count, sentences[first], sentences[second])
        for (first, second), count in sorted(shared.items(), key=lambda kv: order[kv[0][1]])
    )


# The language server checks on every change while its sources stay the same: their
# sentences are hashed once, not at each keystroke (a string's hash is kept on it).
@functools.lru_cache(maxsize=4096)
def _sentence_keys(text: str) -> frozenset[int]:
    """A hash of each sentence of a line long enough to count, folded as quotes are (the
    hashes live only as long as this process)."""
    return frozenset(
        {
            hash(" ".join(sentence.split()))
            for line in text.splitlines()
            for sentence in SENTENCE.findall(fold(line))
            if len(sentence.split()) >= MIN_WORDS or count_words(sentence) >= MIN_WORDS
        }
    )


def check_repeats(sources: dict[str, Source], diagnostics: Diagnostics) -> tuple[Repeat, ...]:
    """A warning at the later source's entry for each pair that shares text."""
    repeats = find_repeats(sources)
    for repeat in repeats:
        first, second = sources[repeat.first].entry, sources[repeat.second].entry
        if repeat.shared >= NEAR_IDENTICAL * max(repeat.of_first, repeat.of_second):
            diagnostics.warning(
                second.location,
                f"source '{second.id}' repeats source '{first.id}' ({repeat.shared} of "
                f"{repeat.of_second} sentences): the same document twice, counted as one",
                hint="a page and its printout? remove one; kept, they corroborate nothing",
                code="repeated-source",
            )
        else:
            diagnostics.warning(
                second.location,
                f"source '{second.id}' shares {repeat.shared} "
                f"sentence{'s' * (repeat.shared != 1)} with source '{first.id}': they count "
                "as one source where both are cited",
                hint="wire copy, a common press release or a statement both quote in full",
                code="shared-text",
            )
    return repeats


def independent(sources: list[str], repeats: tuple[Repeat, ...]) -> int:
    """How many of sources are independent of each other: those linked by shared text,
    directly or through another, count once."""
    group = {sid: sid for sid in sources}

    def root(sid: str) -> str:
        while group[sid] != sid:
            sid = group[sid]
        return sid

    for repeat in repeats:
        if repeat.first in group and repeat.second in group:
            group[root(repeat.second)] = root(repeat.first)
    return len({root(sid) for sid in sources})
