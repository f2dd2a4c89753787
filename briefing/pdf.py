"""Stage 8: typeset the HTML as PDF with WeasyPrint, reading nothing outside the project."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pyphen

from .diagnostics import Diagnostics, Location
from .files import BRIEF, MAX_IMAGE_PIXELS
from .inlining import CSS_URL, LOADED, MAY_LOAD, admitted, referenced_at
from .layout_css import own_layout_files
from .layouts import PROJECT_LAYOUTS
from .limits import deadline, memory_limit
from .model import Rendered
from .project import locate


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]
        """Admits `data:` URLs, regular files inside the project and those of the style's
        own shared folders; refuses the rest."""

        def __init__(self, root: Path, styles: tuple[Path, ...] = ()) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, timeout=5)
            self.root, self.styles = root.resolve(), styles
            self.refused: list[tuple[str, str]] = []
            self.read: list[Path] = []  # the project's files (a style's are hashed as inputs)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if urlsplit(url).scheme.lower() == "data":
                return super().fetch(url, headers)
            path, data, problem = admitted(self.root, url, self.styles)
            if path and data is not None:
                if path.resolve().is_relative_to(self.root):
                    self.read.append(path)
                return URLFetcherResponse(url, data)
            self.refused.append((url, problem))
            raise ValueError(problem)

    return ProjectFetcher


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {name.removeprefix("xlink:"): value or "" for name, value in attrs}
        if tag in LOADED and named.get(LOADED[tag]):
            self.urls.append(named[LOADED[tag]])
        if tag == "link" and {"stylesheet", "attachment"} & set(named.get("rel", "").split()):
            self.urls.append(named.get("href", ""))
        self.urls += CSS_URL.findall(named.get("style", ""))
        self.in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.urls += CSS_URL.findall(data)


def check_resources(page: Rendered, root: Path, diagnostics: Diagnostics) -> None:
    """Refuse, without typesetting, what typesetting would refuse to fetch: so that `check`
    fails whenever a build would (and an HTML-only build with it)."""
    found = _Resources()
    for fragment in MAY_LOAD.finditer(page.html):  # the parser alone takes 15 ms a page
        found.feed(fragment[0])
    base = root.resolve().as_uri() + "/"
    urls = found.urls + CSS_URL.findall(page.pdf_css)
    for url in dict.fromkeys(u for u in urls if not u.lower().startswith(("data:", "#"))):
        absolute = urljoin(base, url)
        _, data, problem = admitted(root.resolve(), absolute, page.style_folders)
        if data is None:
            where = referenced_at(root, url, absolute)
            diagnostics.error(where, f"resource refused: {absolute}: {problem}")


# The time limit on typesetting: 300 s for each megabyte of HTML, and never less than 300 s.
# The default brief (0.2 MB) takes 4 s; only a pathological document comes near the limit.
RENDER_SECONDS_PER_MB = 300
# And its memory: 1 GiB and 384 MiB for each megabyte of HTML, at most 6 GiB. The default
# brief (0.2 MB) takes 130 MiB; a brief ten times as long (1 MB, 70 pages) 330 MiB.
RENDER_MEMORY = 1 << 30
RENDER_MEMORY_PER_MB = 384 << 20
RENDER_MEMORY_MOST = 6 << 30


class _NamesWhole:
    """pyphen, as WeasyPrint's line breaking uses it, whose dictionaries never break a word
    that begins with a capital: on paper "Kh-meimim" and "Mo-scow" misread."""

    def __getattr__(self, name: str) -> Any:
        return getattr(pyphen, name)

    class Pyphen(pyphen.Pyphen):  # type: ignore[misc]
        def iterate(self, word: str) -> Iterator[tuple[str, str]]:
            return iter(()) if word[:1].isupper() else super().iterate(word)


def keep_names_whole() -> None:
    """Give WeasyPrint's line breaking a pyphen that keeps names whole.

    WeasyPrint (70) makes its hyphenation dictionaries with `pyphen.Pyphen` in
    weasyprint.text.line_break and has no hook for exceptions. Marking each name in the
    page with `hyphens: manual` instead cost a quarter of the typesetting time (1,500
    spans in the default brief). tests/test_editions.py checks that names stay whole and
    other words still break, so a WeasyPrint that no longer looks there is noticed."""
    from weasyprint.text import line_break

    line_break.pyphen = _NamesWhole()


class RenderTimeout(BaseException):
    """Raised by the alarm; a BaseException, so that WeasyPrint's own handlers let it by."""


class _Problems(logging.Handler):
    """Collects what WeasyPrint reports as errors, which it would otherwise only log, and
    the characters it found in no font."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.missing_glyphs: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.messages.append(record.getMessage().splitlines()[0])
        elif str(record.msg).startswith(".notdef glyph") and isinstance(record.args, tuple):
            self.missing_glyphs[str(record.args[0])] = None


def typesetting_limit(html: str) -> float:
    """Seconds that typesetting this HTML may take."""
    return RENDER_SECONDS_PER_MB * max(1.0, len(html.encode()) / 1e6)


def typesetting_memory(html: str) -> int:
    """Bytes of memory that typesetting this HTML may take."""
    wanted = RENDER_MEMORY + RENDER_MEMORY_PER_MB * len(html.encode()) / 1e6
    return int(min(wanted, RENDER_MEMORY_MOST))


def render_pdf(
    page: Rendered,
    root: Path,
    variant: str | None,
    diagnostics: Diagnostics,
    time_limit: float | None = None,
) -> tuple[bytes | None, list[Path]]:
    """The PDF (None when a resource was refused, an image failed or time ran out), and the
    project files WeasyPrint read for it."""
    import PIL.Image
    import weasyprint

    PIL.Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    keep_names_whole()
    time_limit = time_limit or typesetting_limit(page.html)
    memory = typesetting_memory(page.html)
    fetcher = _fetcher_class()(root, page.style_folders)
    logger = logging.getLogger("weasyprint")
    problems = _Problems()
    logger.addHandler(problems)
    propagate, level = logger.propagate, logger.level
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    pdf = None
    try:
        base = str(root.resolve()) + "/"
        with memory_limit(memory), deadline(time_limit, RenderTimeout):
            document = weasyprint.HTML(string=page.printed, base_url=base, url_fetcher=fetcher)
            with warnings.catch_warnings():  # an image over the limit fails to load
                warnings.simplefilter("error", PIL.Image.DecompressionBombWarning)
                pdf = document.write_pdf(pdf_variant=variant)
    except RecursionError:
        diagnostics.error(Location(BRIEF), "the document is nested too deeply to typeset")
    except MemoryError:
        diagnostics.error(
            Location(BRIEF),
            f"typesetting needed more than {memory >> 20:,} MiB of memory and was stopped",
        )
    except RenderTimeout:
        diagnostics.error(
            Location(BRIEF), f"typesetting took longer than {time_limit:g} s and was stopped"
        )
    except Exception as error:  # WeasyPrint's own failure (an assertion), never a traceback
        diagnostics.error(*typesetting_crash(root, error))
    finally:
        logger.removeHandler(problems)
        logger.propagate = propagate
        logger.setLevel(level)
    for url, problem in fetcher.refused:
        diagnostics.error(referenced_at(root, url, url), f"resource refused: {url}: {problem}")
    refused = [url for url, _ in fetcher.refused]
    for message in problems.messages:
        if not any(url in message for url in refused):
            diagnostics.error(Location(BRIEF), f"typesetting failed: {message}")
    _warn_of_missing_glyphs(root, list(problems.missing_glyphs), diagnostics)
    failed = pdf is None or fetcher.refused or problems.messages
    return (None if failed else pdf), fetcher.read


def typesetting_crash(root: Path, error: BaseException) -> tuple[Location, str, str]:
    """Where and how to report WeasyPrint failing on a page: a CSS rule of the project's
    layouts it cannot lay out, most likely the last one changed (at the file changed last)."""
    kind = type(error).__name__
    files = own_layout_files(root)
    if not files:
        return (
            Location(BRIEF),
            f"typesetting failed in WeasyPrint ({kind}) with the shipped layouts",
            "",
        )
    return (
        Location(files[0]),
        f"typesetting failed in WeasyPrint ({kind}) with the layout files {', '.join(files)}: "
        "a CSS rule it cannot lay out",
        f"undo your last change to them (the last changed: {files[0]})",
    )


def _warn_of_missing_glyphs(root: Path, chars: list[str], diagnostics: Diagnostics) -> None:
    """One warning for each line that has characters no installed font has."""
    found = locate(root, chars, ["seeds", "figures", PROJECT_LAYOUTS])
    lines: dict[tuple[str, int], tuple[Location, list[str]]] = {}
    for char in chars:
        at = found.get(char, Location(BRIEF))
        lines.setdefault((at.path, at.line), (at, []))[1].append(char)
    for location, missing in lines.values():
        names = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing)
        diagnostics.warning(
            location,
            f"no font has the character {names}; it prints as an empty box"
            if len(missing) == 1
            else f"no font has the characters {names}; they print as empty boxes",
            hint="install a font that has them and name it in the layout's CSS font stack",
        )


def project_fetcher(root: Path, styles: tuple[Path, ...] = ()) -> Any:
    """A WeasyPrint URL fetcher that admits data: URLs and regular files inside root (and
    the style's shared folders, styles) alone."""
    return _fetcher_class()(root, styles)
