"""Stage 8: typeset the HTML as PDF with WeasyPrint, reading nothing outside the project."""

from __future__ import annotations

import logging
import os
import signal
import stat
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .diagnostics import Diagnostics, Location
from .model import Rendered
from .project import MAX_FILE_BYTES


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]
        """Admits `data:` URLs and regular files inside the project; refuses the rest."""

        def __init__(self, root: Path) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, timeout=5)
            self.root = root.resolve()
            self.refused: list[tuple[str, str]] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                data, problem = self._read(Path(unquote(urlsplit(url).path)))
                if data is not None:
                    return URLFetcherResponse(url, data)
            else:
                problem = "only files inside the project and data: URLs may be used"
            self.refused.append((url, problem))
            raise ValueError(problem)

        def _read(self, path: Path) -> tuple[bytes | None, str]:
            """The file's bytes, read through one descriptor that was checked first."""
            try:
                resolved = path.resolve(strict=True)
            except (OSError, RuntimeError):
                return None, "no such file"
            if not resolved.is_relative_to(self.root):
                return None, "outside the project"
            try:
                # O_NOFOLLOW: a link swapped in after the check above is refused, not followed.
                handle = os.open(resolved, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                return None, "cannot be opened"
            with os.fdopen(handle, "rb") as file:
                status = os.fstat(file.fileno())
                if not stat.S_ISREG(status.st_mode):
                    return None, "not a regular file"
                if status.st_size > MAX_FILE_BYTES:
                    return None, f"larger than {MAX_FILE_BYTES // 2**20} MiB"
                return file.read(), ""

    return ProjectFetcher


RENDER_SECONDS = 300
MAX_IMAGE_PIXELS = 40_000_000  # about 6,300 px square: far more than print needs


class RenderTimeout(BaseException):
    """Raised by the alarm; a BaseException, so that WeasyPrint's own handlers let it by."""


class _Problems(logging.Handler):
    """Collects what WeasyPrint reports as errors, which it would otherwise only log."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0])


def _timeout(signum: int, frame: object) -> None:
    raise RenderTimeout


def render_pdf(
    page: Rendered,
    root: Path,
    variant: str | None,
    diagnostics: Diagnostics,
    time_limit: float = RENDER_SECONDS,
) -> bytes | None:
    """The PDF, or None when a resource was refused, an image failed or time ran out."""
    import PIL.Image
    import weasyprint

    PIL.Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    fetcher = _fetcher_class()(root)
    logger = logging.getLogger("weasyprint")
    problems = _Problems()
    logger.addHandler(problems)
    propagate, level = logger.propagate, logger.level
    logger.propagate = False
    logger.setLevel(logging.ERROR)
    timed = threading.current_thread() is threading.main_thread()
    if timed:
        previous = signal.signal(signal.SIGALRM, _timeout)
        # Re-armed every second: should one alarm be swallowed, the next still stops it.
        signal.setitimer(signal.ITIMER_REAL, time_limit, 1.0)
    pdf = None
    try:
        base = str(root.resolve()) + "/"
        document = weasyprint.HTML(string=page.html, base_url=base, url_fetcher=fetcher)
        paged = weasyprint.CSS(string=page.pdf_css, base_url=base, url_fetcher=fetcher)
        pdf = document.write_pdf(stylesheets=[paged], pdf_variant=variant)
    except RecursionError:
        diagnostics.error(Location("brief.md"), "the document is nested too deeply to typeset")
    except RenderTimeout:
        diagnostics.error(
            Location("brief.md"), f"typesetting took longer than {time_limit:g} s and was stopped"
        )
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        logger.removeHandler(problems)
        logger.propagate = propagate
        logger.setLevel(level)
    for url, problem in fetcher.refused:
        diagnostics.error(_referenced_at(root, url), f"resource refused: {url}: {problem}")
    refused = [url for url, _ in fetcher.refused]
    for message in problems.messages:
        if not any(url in message for url in refused):
            diagnostics.error(Location("brief.html"), f"typesetting failed: {message}")
    return pdf if pdf is not None and not fetcher.refused and not problems.messages else None


def _referenced_at(root: Path, url: str) -> Location:
    """Where the brief or a project layout names the refused URL, as best we can tell."""
    path = unquote(urlsplit(url).path)
    relative = os.path.relpath(path, root.resolve()) if path else ""
    candidates = [c for c in (url, relative, path) if c]
    layouts = sorted((root / "layouts").glob("*")) if (root / "layouts").is_dir() else []
    for file in [root / "brief.md", *layouts]:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, start=1):
            for candidate in candidates:
                if candidate in line:
                    name = str(file.relative_to(root))
                    return Location(name, number, line.index(candidate) + 1)
    return Location("brief.html")
