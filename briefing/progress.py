"""What a build says as it goes: each stage with its time and, while the PDF is typeset,
the pages laid out so far. On stderr only: stdout stays for what the command produced."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.status import Status

# WeasyPrint logs "Step 5 - Creating layout - Page %d" here as it lays out each page.
WEASYPRINT_PROGRESS = "weasyprint.progress"


class Progress:
    """Times the stages of a build, saying nothing; subclasses show what it records."""

    def __init__(self) -> None:
        self.timings: list[tuple[str, float]] = []
        self.began = time.perf_counter()
        self._stage: tuple[str, float] | None = None

    def stage(self, name: str) -> None:
        """Begin a stage, ending the one before."""
        self.done()
        self._stage = (name, time.perf_counter())
        self.started(name)

    def done(self) -> None:
        """End the stage under way, if any."""
        if self._stage is not None:
            name, began = self._stage
            self._stage = None
            self.timings.append((name, time.perf_counter() - began))
            self.finished(name, self.timings[-1][1])

    @contextmanager
    def running(self) -> Iterator[None]:
        """Around a build: its last stage ends with it, or is dropped if it fails or is
        interrupted (it did not end)."""
        try:
            yield
        except BaseException:
            self._stage = None
            self.stopped()
            raise
        self.done()

    @contextmanager
    def counting_pages(self) -> Iterator[None]:
        """While WeasyPrint runs inside, pass what it is doing on to typesetting()."""
        logger = logging.getLogger(WEASYPRINT_PROGRESS)
        handler, level = _PageCounter(self), logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)

    def started(self, name: str) -> None:
        """A stage began."""

    def finished(self, name: str, seconds: float) -> None:
        """A stage ended after seconds."""

    def typesetting(self, news: str) -> None:
        """WeasyPrint has got this far."""

    def stopped(self) -> None:
        """The build stopped before its end."""


class _PageCounter(logging.Handler):
    """Turns WeasyPrint's steps into what the reader of the progress line wants to know."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if page := re.search(r"Creating layout - Page (\d+)", message):
            self.progress.typesetting(f"page {page[1]} laid out")
        elif "Repagination" in message:
            self.progress.typesetting("laying out again, for the page numbers")
        elif "Creating PDF" in message:
            self.progress.typesetting("writing the PDF")


class ShownProgress(Progress):
    """Prints each stage with its time on stderr, with a line that counts pages during
    typesetting: always when verbose, else once the build has run for `after` seconds
    (the stages before are printed then), so that a quick build stays quiet."""

    def __init__(self, verbose: bool, after: float = 1.0) -> None:
        super().__init__()
        self.after = 0.0 if verbose else after
        self._console: Console | None = None
        self._status: Status | None = None
        self._pending: list[str] = []

    def started(self, name: str) -> None:
        self._say(None)
        if self._console is not None:
            self._status = self._console.status(f"{name}…")
            self._status.start()

    def finished(self, name: str, seconds: float) -> None:
        self.stopped()
        self._say(f"{name:<16}{seconds:6.2f} s")

    def stopped(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def typesetting(self, news: str) -> None:
        self._say(None)
        if self._console is not None and self._status is None:
            self._status = self._console.status("")
            self._status.start()
        if self._status is not None:
            self._status.update(f"typesetting: {news}")

    def _say(self, line: str | None) -> None:
        if line is not None:
            self._pending.append(line)
        if self._console is None and time.perf_counter() - self.began >= self.after:
            from rich.console import Console  # only for a build that shows its progress

            self._console = Console(stderr=True, highlight=False)
        if self._console is not None:
            for pending in self._pending:
                self._console.print(pending)
            self._pending.clear()


def timings_table(progress: Progress) -> str:
    """The stage times, one a line, and their total: what `--timings` prints."""
    rows = [*progress.timings, ("total", time.perf_counter() - progress.began)]
    return "\n".join(f"{name:<16}{seconds:8.3f} s" for name, seconds in rows)
