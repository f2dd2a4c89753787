"""Sources that repeat each other: a saved page and its printout, a wire story two outlets
ran, a statement both quote in full. They share sentences (of eight words or more, folded as
quotes are), found by hashing each source's sentences once and intersecting the sets.
Sources that share text do not corroborate each other: they count as one wherever sources
are counted, and each says what it shares with the other in its findings.

An analyst who keeps the same document twice on purpose says so in the register
(`repeats: ID` in the later one's entry): the pair still counts as one, without a warning."""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import re
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from .cache import cache_folder, code_digest, load_cached, store_cached
from .diagnostics import Diagnostics
from .folding import fold
from .model import Finding, Repeat, Source
from .words import SENTENCE, count_words

MIN_WORDS = 8  # a sentence shorter than this is common enough to be shared by chance
TAIL_WORDS = 12  # a sentence is known by its last words: a headline run into it is not
_EDGES = " .,;:!?()[]-"


Span = tuple[int, int]


def _lines(text: str, furniture: tuple[Span, ...]) -> list[tuple[Span, int, str]]:
    """The lines of text that can be quoted (not blank, not page furniture), each with its
    span and number, folded as quotes are: a printout's menus and teasers are not the
    page's text."""
    marked = sorted(furniture)
    lines, offset = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        start, offset = offset, offset + len(line) + 1
        first, last = start + len(line) - len(line.lstrip()), start + len(line.rstrip())
        inside = bisect.bisect_right(marked, (first, len(text)))
        if first < last and not (inside and marked[inside - 1][1] >= last):
            lines.append(((first, last), number, fold(line)))
    return lines


def _sentences(text: str, furniture: tuple[Span, ...]) -> Iterator[tuple[int, str]]:
    """The sentences of the quotable text long enough to count, each with the index of the
    line it ends on, keyed by its last words. Sentences run over line ends (a PDF wraps
    its lines), and a line without an end (a headline, a running header) then starts the
    next one; its last words are the sentence's all the same. A quotation mark ends a
    sentence too, and the punctuation at either end is left out: a statement quoted in a
    report ('The union said: "Our members ... years."') has the sentences of the statement."""
    lines = _lines(text, furniture)
    joined = " ".join(line for *_, line in lines)
    ends = list(itertools.accumulate(len(line) + 1 for *_, line in lines))
    for match in SENTENCE.finditer(joined):
        index = bisect.bisect_left(ends, match.end() - 1)
        for piece in match[0].split('"'):
            words = piece.strip(_EDGES).split()
            if len(words) >= MIN_WORDS:
                yield index, " ".join(words[-TAIL_WORDS:]).strip(_EDGES)
            elif count_words(piece) >= MIN_WORDS:  # a script without spaces: a printout's
                yield index, "".join(words)[-2 * TAIL_WORDS :]  # wraps add some


def _key(sentence: str) -> int:
    """A hash of a sentence, the same in every process (Python's own hash() is not)."""
    return int.from_bytes(hashlib.blake2b(sentence.encode(), digest_size=8).digest(), "little")


def _hash_sentences(text: str, furniture: tuple[Span, ...] = ()) -> frozenset[int]:
    return frozenset(_key(tail) for _, tail in _sentences(text, furniture))


def furniture_of(findings: Iterable[Finding]) -> tuple[Span, ...]:
    """The spans of page furniture among a source's findings."""
    return tuple(sorted(f.span for f in findings if f.kind == "page-furniture"))


def source_keys(source: Source) -> frozenset[int]:
    """The hash of each sentence of a source's quotable text long enough to count."""
    return sentence_keys(source.text, furniture_of(source.findings))


# The language server checks on every change while its sources stay the same: their keys
# are worked out once a process (a string's hash is kept on it), and once a text in the
# cache folder, so that a check of an unchanged project pays only the intersections.
@functools.lru_cache(maxsize=4096)
def sentence_keys(text: str, furniture: tuple[Span, ...] = ()) -> frozenset[int]:
    """The hash of each sentence long enough to count of text outside the furniture."""
    code = code_digest(_hash_sentences, fold, count_words)
    marked = json.dumps([code, furniture]).encode()
    digest = hashlib.sha256(marked + b"\0" + text.encode("utf-8", "surrogatepass"))
    entry = cache_folder() / "sentences" / f"{digest.hexdigest()}.json"
    cached = load_cached(entry)
    if isinstance(cached, str) and len(cached) % 16 == 0:
        try:
            keys = array("Q", bytes.fromhex(cached))
        except ValueError:
            pass
        else:
            if sys.byteorder == "big":
                keys.byteswap()
            return frozenset(keys)
    found = _hash_sentences(text, furniture)
    keys = array("Q", sorted(found))
    if sys.byteorder == "big":
        keys.byteswap()
    store_cached(entry, keys.tobytes().hex())
    return found


def _shared_counts(keys: dict[str, frozenset[int]]) -> dict[tuple[str, str], int]:
    """How many sentences each pair of sources shares, the earlier one first: set
    arithmetic, with the earlier sources visited only for a source that shares any."""
    seen: set[int] = set()
    earlier: list[tuple[str, frozenset[int]]] = []
    counts = {}
    for sid, own in keys.items():
        if shared := own & seen:
            for other, theirs in earlier:
                if count := len(shared & theirs):
                    counts[other, sid] = count
        seen |= own
        earlier.append((sid, own))
    return counts


def find_repeats(sources: dict[str, Source]) -> tuple[Repeat, ...]:
    """Each pair of sources that share a sentence or are declared to repeat each other,
    the earlier registered first, in register order of the later."""
    order = {sid: n for n, sid in enumerate(sources)}
    keys = {sid: source_keys(source) for sid, source in sources.items()}
    pages = {
        sid: Page.of(source.entry.title, source.entry.address) for sid, source in sources.items()
    }
    found = {
        (a, b): Repeat(
            a, b, count, len(keys[a]), len(keys[b]), same_page=pages[a].same_as(pages[b])
        )
        for (a, b), count in _shared_counts(keys).items()
    }
    for sid, source in sources.items():
        other = source.entry.repeats
        if other in sources and other != sid:
            first, second = sorted((other, sid), key=order.__getitem__)
            link = found.get((first, second)) or Repeat(
                first, second, 0, len(keys[first]), len(keys[second])
            )
            found[first, second] = replace(link, declared=True)
    return tuple(sorted(found.values(), key=lambda r: (order[r.second], order[r.first])))


@dataclass(frozen=True)
class Page:
    """What a document says of the page it is: its title's words and its address, either
    of which, the same in two documents, makes them the same page (a printout's title adds
    the site's name, and only a printout with the browser's footer has an address)."""

    words: str
    address: str

    @classmethod
    def of(cls, title: str, address: str) -> Page:
        words = " ".join(re.findall(r"\w+", title.casefold()))
        where = re.sub(r"^https?://(www\.)?|[?#].*$|/+$", "", address.strip().casefold())
        return cls(words, where)

    def same_as(self, other: Page) -> bool:
        """Whether the two have one address, or one title has the other's three words or
        more in a row."""
        if self.address and self.address == other.address:
            return True
        shorter, longer = sorted((self.words, other.words), key=len)
        return len(shorter.split()) >= 3 and f" {shorter} " in f" {longer} "


def check_repeats(sources: dict[str, Source], diagnostics: Diagnostics) -> tuple[Repeat, ...]:
    """A warning at the later source's entry for each pair that shares text and is not
    declared, and for each declared pair that shares none."""
    repeats = find_repeats(sources)
    for repeat in repeats:
        first, second = sources[repeat.first].entry, sources[repeat.second].entry
        declarer = second if second.repeats == first.id else first
        if repeat.declared and not repeat.shared:
            diagnostics.warning(
                declarer.location,
                f"source '{declarer.id}' is declared to repeat source '{declarer.repeats}', "
                "but they share no sentence",
                hint="check that 'repeats:' names the right source (a scan without text "
                "shares none); they count as one all the same",
                code="unfounded-repeat",
            )
        elif repeat.declared:
            continue
        elif repeat.near_identical:
            diagnostics.warning(
                second.location,
                f"source '{second.id}' repeats source '{first.id}' ({repeat.shared} of "
                f"{repeat.of_second} sentences): the same document twice, counted as one",
                hint="a page and its printout? remove one, or keep both on purpose with "
                f"'repeats: {first.id}' in its entry",
                code="repeated-source",
            )
        else:
            diagnostics.warning(
                second.location,
                f"source '{second.id}' shares {_sentences_n(repeat.shared)} with source "
                f"'{first.id}': they count as one source where both are cited",
                hint="wire copy, a common press release or a statement both quote in full",
                code="shared-text",
            )
    return repeats


def _sentences_n(count: int) -> str:
    return f"{count} sentence{'s' * (count != 1)}"


def repeated_source(
    keys: frozenset[int], page: Page, earlier: dict[str, tuple[frozenset[int], Page]]
) -> Repeat | None:
    """The first of the earlier sources (by id, their sentence keys and page) that a
    document of these keys repeats nearly whole, as a page its printout: what add-source
    refuses unless told to keep both."""
    for sid, (theirs, their_page) in earlier.items():
        shared = len(keys & theirs)
        repeat = Repeat(sid, "", shared, len(theirs), len(keys), same_page=page.same_as(their_page))
        if shared and repeat.near_identical:
            return repeat
    return None


def with_shared_text(sources: dict[str, Source], repeats: tuple[Repeat, ...]) -> dict[str, Source]:
    """The sources, each linked one with a finding for each source it shares text with:
    'shares 12 sentences with S3', at its first line holding one of them."""
    found: dict[str, list[Finding]] = {sid: [] for sid in sources}
    for repeat in repeats:
        shared = source_keys(sources[repeat.first]) & source_keys(sources[repeat.second])
        for this, other, of_this in ((repeat.first, repeat.second, repeat.of_first),
                                     (repeat.second, repeat.first, repeat.of_second)):  # fmt: skip
            found[this].append(
                _finding(sources[this], sources[other].entry.label, repeat, of_this, shared)
            )
    return {
        sid: replace(source, findings=source.findings + tuple(found[sid])) if found[sid] else source
        for sid, source in sources.items()
    }


def _finding(
    source: Source, other: str, repeat: Repeat, of_this: int, shared: frozenset[int]
) -> Finding:
    if not repeat.shared:
        detail = f"declared to repeat {other}, with no sentence shared; they count as one"
    elif repeat.near_identical:
        detail = f"repeats {other} ({repeat.shared} of {of_this} sentences)"
    else:
        detail = f"shares {_sentences_n(repeat.shared)} with {other}"
    if repeat.declared and repeat.shared:
        detail += ", kept on purpose; they count as one"
    furniture = furniture_of(source.findings)
    lines = _lines(source.text, furniture)
    for index, tail in _sentences(source.text, furniture):
        if _key(tail) in shared:
            span, number, _ = lines[index]
            return Finding("shared-text", span, number, detail, source.text[span[0] : span[1]])
    return Finding("shared-text", (0, 0), 1, detail, "")
