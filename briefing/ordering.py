"""The fewest items of a list that are out of order, when each item is a span of time: a
date known only to the year or the month stands for every day in it.

An item may be listed after another unless it ends before the other begins: a month may
follow a day within it, and a day the month it falls in, but not a day of an earlier month.
A list is in order when each item may follow every item before it. The items out of order
are the fewest whose removal leaves the rest in order; of several such sets, the one that
keeps the earliest-listed items, so that the answer does not depend on chance."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Sequence

Span = tuple[dt.date, dt.date]  # the first and the last day a date may stand for


def out_of_order(spans: Sequence[Span]) -> list[int]:
    """The indices of the items out of order."""
    # What may follow a kept list depends only on the latest start among its items, m (0
    # while none is kept, else that start's rank among all starts, from 1): an item may
    # follow when it ends no earlier. most[k](m), the most items of spans[k:] that can
    # follow such a list, never grows with m. The backward pass (_ranges) finds it, each
    # item adding one to the next item's on a range of m; the forward pass then keeps each
    # item whenever keeping it still lets the most be kept, which keeps the earliest-listed.
    starts = sorted({first for first, _ in spans})
    start_rank = [bisect.bisect_left(starts, first) + 1 for first, _ in spans]
    end_rank = [bisect.bisect_right(starts, last) for _, last in spans]
    most = _RangeCounts(len(starts) + 1)
    ranges = _ranges(start_rank, end_rank, most)
    latest, dropped = 0, []
    for k, (low, high) in enumerate(ranges):
        possible = most.at(latest)  # from item k on
        most.add(low, high, -1)  # now from item k + 1 on
        keeping = 1 + most.at(max(latest, start_rank[k]))
        if latest <= end_rank[k] and keeping == possible:
            latest = max(latest, start_rank[k])
        else:
            dropped.append(k)
    return dropped


def _ranges(
    start_rank: list[int], end_rank: list[int], most: _RangeCounts
) -> list[tuple[int, int]]:
    """Each item's range of m, from the last item to the first, where keeping it adds one
    to the most the items after it allow: every m above its start and up to its end, where
    it follows freely; and from its start down while the items after it allow no more than
    at its start, since below that they allow more without it."""
    ranges = []
    for start, end in zip(reversed(start_rank), reversed(end_rank), strict=True):
        at_start = most.at(start)
        low = bisect.bisect_left(range(start + 1), -at_start, key=lambda m: -most.at(m))
        most.add(low, end, 1)
        ranges.append((low, end))
    return ranges[::-1]


class _RangeCounts:
    """Counts at 0..size-1, each range added to in O(log size) (a Fenwick tree of their
    differences)."""

    def __init__(self, size: int) -> None:
        self.tree = [0] * (size + 1)

    def add(self, low: int, high: int, amount: int) -> None:
        self._add(low, amount)
        self._add(high + 1, -amount)

    def _add(self, index: int, amount: int) -> None:
        index += 1
        while index < len(self.tree):
            self.tree[index] += amount
            index += index & -index

    def at(self, index: int) -> int:
        index += 1
        total = 0
        while index > 0:
            total += self.tree[index]
            index -= index & -index
        return total


def places(kept: Sequence[Span], spans: Sequence[Span]) -> list[int | None]:
    """Where each span could be inserted into kept, a list in order, for it to stay in
    order: the fewest kept items it can follow, or None if no place fits."""
    latest_starts = list(itertools.accumulate((first for first, _ in kept), max))
    earliest_ends = list(itertools.accumulate((last for _, last in reversed(kept)), min))[::-1]
    fitting = []
    for first, last in spans:
        earliest = bisect.bisect_left(earliest_ends, first)  # after all that end sooner
        latest = bisect.bisect_right(latest_starts, last)  # before all that start later
        fitting.append(earliest if earliest <= latest else None)
    return fitting
