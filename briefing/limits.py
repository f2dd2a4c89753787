"""Limits on the work an untrusted project controls (a layout's template code, typesetting):
a time after which it is interrupted, and memory beyond which its allocations fail.

Both are the process's own (a timer signal, the address-space limit), so they can be set
only in the main thread: elsewhere such work is refused, never run unbounded (the preview
and the watcher build in child processes for that)."""

from __future__ import annotations

import os
import resource
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from .diagnostics import BriefingError


class OverTime(BriefingError):
    """The work took longer than its budget allows."""


@contextmanager
def bounded(seconds: float, memory: int) -> Iterator[None]:
    """Run the block with at most `seconds` of wall time (OverTime is raised inside it then)
    and at most `memory` more bytes of address space (MemoryError inside it then)."""
    with memory_limit(memory), deadline(seconds, OverTime):
        yield


@contextmanager
def deadline(seconds: float, raised: type[BaseException]) -> Iterator[None]:
    """Raise `raised` inside the block once `seconds` have passed, and again every second
    after, should code in the block swallow it."""
    _require_main_thread()

    def expire(signum: int, frame: FrameType | None) -> None:
        raise raised(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        while True:  # should the timer go off meanwhile, its exception is dropped
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except raised:
                continue


@contextmanager
def memory_limit(extra: int) -> Iterator[None]:
    """Let the block map at most `extra` more bytes: past that, allocations fail."""
    _require_main_thread()
    replaced = limit_memory(extra)
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, replaced)


def limit_memory(extra: int) -> tuple[int, int]:
    """Let this process's address space grow by at most `extra` bytes from now (Linux's
    RLIMIT_AS; allocations past it fail); the limits it replaced, to restore them."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + extra
    for bound in (soft, hard):
        if bound != resource.RLIM_INFINITY:
            limit = min(limit, bound)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return soft, hard


def _require_main_thread() -> None:
    if threading.current_thread() is not threading.main_thread():
        raise BriefingError("layouts render and PDFs are typeset only in a main thread")


def _address_space() -> int:
    """The bytes of address space this process has mapped now."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")
