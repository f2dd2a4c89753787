"""The files a page names, taken into it: each image or font that a layout, the stylesheets
it carries inline or the brief names by a path in the project becomes a data: URL, so that
brief.html is one self-contained file (its policy loads nothing else) and the PDF typesets
the same bytes. What may be taken in is what typesetting may: a regular file inside the
project (no link out of it, no device) and no raster image over MAX_IMAGE_PIXELS.

A URL with a scheme (https:, file:) is left as written, for pdf.check_resources and the
typesetter's fetcher to refuse; so is a stylesheet (<link>, @import), which the PDF alone
takes in."""

from __future__ import annotations

import base64
import binascii
import html
import io
import mimetypes
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urljoin, urlsplit

from .diagnostics import Location
from .files import BRIEF, MAX_IMAGE_PIXELS, read_inside
from .layouts import PROJECT_LAYOUTS
from .project import find_reference

# Where a page names what WeasyPrint would fetch: the attributes of elements it loads, and
# CSS urls and imports (in <style>, style="" and the print stylesheet).
LOADED = {"img": "src", "image": "href", "use": "href", "object": "data", "embed": "src"}
# The elements that may name a resource, found quickly: a style sheet, or a start tag of a
# kind that loads one or that has a style attribute.
MAY_LOAD = re.compile(
    r"""<style\b.*?</style\s*>|<(?:img|image|use|object|embed|link)\b(?:[^>"']|"[^"]*"|'[^']*')*>"""
    r"""|<[a-z][\w:-]*\s(?:[^>"']|"[^"]*"|'[^']*')*?\bstyle\s*=(?:[^>"']|"[^"]*"|'[^']*')*>""",
    re.I | re.S,
)
CSS_URL = re.compile(r"""(?:url\(\s*|@import\s+)["']?([^"')\s;]+)""", re.I)
# A CSS url() to take in (one an @import names is a stylesheet, left as written).
# Both in linear time on a hostile page: a match starts only where a url( or a name does.
_CSS_FILE = re.compile(r"""(@import\s+)?\burl\(\s*(["']?)([^"'()\s]+)\2\s*\)""", re.I)
_ATTRIBUTE = re.compile(r"""(?<![^\s"'])([^\s"'<>/=]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
_TAG_NAME = re.compile(r"<([a-z][\w:-]*)", re.I)
_DATA_IMAGE = re.compile(r"data:(image/[\w.+-]+)(;base64)?,", re.I)


def image_problem(data: bytes, kind: str) -> str:
    """Why a raster image cannot be taken in (too many pixels, unreadable), or ''."""
    if not kind.startswith("image/") or kind == "image/svg+xml":
        return ""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # PIL refuses twice this before decoding
    try:
        with warnings.catch_warnings():  # a size over the limit is our error, not its warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        return f"more than {2 * MAX_IMAGE_PIXELS:,} pixels; the limit is {MAX_IMAGE_PIXELS:,}"
    except Exception:
        return "not a readable image"
    if width * height > MAX_IMAGE_PIXELS:
        return (
            f"{width:,} x {height:,} pixels ({width * height:,}); the limit is {MAX_IMAGE_PIXELS:,}"
        )
    return ""


def admitted(
    root: Path, url: str, styles: tuple[Path, ...] = ()
) -> tuple[Path | None, bytes | None, str]:
    """A file: URL's resource, if the page may take it in: a regular file inside the project
    or inside one of the style's shared folders (its path and bytes), or why not. A style
    names its files as a project's layouts name theirs, `layouts/img/logo.svg`: one the
    project's layouts/ lacks is looked for in the style's folders."""
    if urlsplit(url).scheme.lower() != "file":
        return None, None, "only files inside the project and data: URLs may be used"
    path = Path(unquote(urlsplit(url).path))
    folder, path = _in_style(root, Path(os.path.abspath(path)), styles)
    data, problem = read_inside(folder or root, path)
    if data is not None and (problem := image_problem(data, _kind(path))):
        return path, None, problem
    return path, data, problem


def _in_style(root: Path, path: Path, styles: tuple[Path, ...]) -> tuple[Path | None, Path]:
    """The style folder path is read from, and the file there; (None, path) when it is a
    project file (one in the project's layouts/ comes first)."""
    own = root / PROJECT_LAYOUTS
    if path.is_relative_to(own) and not os.path.lexists(path):
        named = [(folder, folder / path.relative_to(own)) for folder in styles]
        return next(((f, file) for f, file in named if os.path.lexists(file)), (None, path))
    return next(((folder, path) for folder in styles if path.is_relative_to(folder)), (None, path))


def _kind(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _data_image_problem(url: str) -> str:
    """Why the raster image a data: URL carries cannot be taken in, or ''."""
    header = _DATA_IMAGE.match(url)
    if header is None:
        return ""
    payload = url[header.end() :]
    try:
        data = base64.b64decode(unquote(payload)) if header[2] else unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return "not a readable image"
    return image_problem(data, header[1].lower())


def referenced_at(root: Path, written: str, url: str = "") -> Location:
    """Where the brief or a project layout names a URL: as written, else as resolved (url),
    else by its path in the project; brief.md when it is found nowhere."""
    path = unquote(urlsplit(url).path) if url.lower().startswith("file:") else ""
    inside = path and Path(path).is_relative_to(root.resolve())
    relative = str(Path(path).relative_to(root.resolve())) if inside else ""
    unescaped = html.unescape(written)
    for candidates in ([written, unescaped, unquote(unescaped)], [url], [relative, path]):
        found = find_reference(root, [c for c in candidates if c])
        if found.line:
            return found
    return Location(BRIEF)


@dataclass(frozen=True)
class Refused:
    """A reference the page may not take in: as written, and the message saying why."""

    written: str
    message: str


@dataclass
class Inlined:
    """A page with its project files taken in, the files it took, and what it refused
    (each replaced by an empty data: URL, so that nothing else refuses it again)."""

    html: str
    css: str
    files: list[Path] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


class _Inliner:
    def __init__(self, root: Path, styles: tuple[Path, ...]) -> None:
        self.root = root.resolve()
        self.styles = styles  # the shared folders of the layout in use
        self.base = self.root.as_uri() + "/"
        self.taken: dict[str, str] = {}  # a written URL: what it became
        self.page = Inlined("", "")

    def replace(self, written: str, what: str) -> str | None:
        """What to write for a URL the page names (a data: URL), or None to keep it."""
        url = html.unescape(written).strip()
        if not url or url.startswith("#"):
            return None
        if written not in self.taken:
            self.taken[written] = self._taken_in(written, url, what)
        return self.taken[written] or None

    def _taken_in(self, written: str, url: str, what: str) -> str:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            problem = _data_image_problem(url)
            shown = url if len(url) < 40 else url[:32] + "…"
            return self._refuse(written, f"image '{shown}': {problem}") if problem else ""
        if scheme:
            return ""  # refused where it is fetched (see the module's docstring)
        path, data, problem = admitted(self.root, urljoin(self.base, url), self.styles)
        if path is None or data is None:
            message = f"{what} '{url}': {problem}" if what == "image" else (
                f"resource refused: {url}: {problem}"
            )  # fmt: skip
            return self._refuse(written, message)
        if path.resolve().is_relative_to(self.root):  # a style's own files are hashed whole
            self.page.files.append(path)
        fragment = urlsplit(url).fragment
        encoded = base64.b64encode(data).decode()
        return f"data:{_kind(path)};base64,{encoded}" + (f"#{fragment}" if fragment else "")

    def _refuse(self, written: str, message: str) -> str:
        self.page.refused.append(Refused(written, message))
        return "data:,"

    def css(self, text: str) -> str:
        """CSS with each url() of a file taken in (a data: URL needs no quotes)."""

        def taken(match: re.Match[str]) -> str:
            if match[1]:  # an @import: a stylesheet
                return match[0]
            new = self.replace(match[3], "resource")
            return match[0] if new is None else f"url({new})"

        return _CSS_FILE.sub(taken, text)

    def tag(self, text: str) -> str:
        """A start tag with the file it loads, and those its style attribute names, taken in."""
        name = _TAG_NAME.match(text)
        loads = LOADED.get(name[1].lower(), "") if name else ""

        def taken(match: re.Match[str]) -> str:
            attribute, value = match[1].lower(), match[2]
            quote = value[0] if value[0] in "\"'" else ""
            inner = value[1:-1] if quote else value
            if attribute == "style":
                return f"{match[1]}={quote}{self.css(inner)}{quote}"
            if attribute.removeprefix("xlink:") != loads:
                return match[0]
            new = self.replace(inner, "image")
            return match[0] if new is None else f'{match[1]}="{new}"'

        return _ATTRIBUTE.sub(taken, text)


def inline_files(page: str, css: str, root: Path, styles: tuple[Path, ...] = ()) -> Inlined:
    """The page and its paged-media CSS with the project files (and the shared style's,
    styles) they name taken in."""
    inliner = _Inliner(root, styles)

    def taken(match: re.Match[str]) -> str:
        found = match[0]
        return inliner.css(found) if found[:6].lower() == "<style" else inliner.tag(found)

    inliner.page.html = MAY_LOAD.sub(taken, page)
    inliner.page.css = inliner.css(css)
    return inliner.page
