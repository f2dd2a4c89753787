"""Stage 8: typeset the HTML as PDF with WeasyPrint, reading nothing outside the project."""

from __future__ import annotations

import logging
import stat
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .diagnostics import Diagnostics, Location
from .model import Rendered


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]
        """Admits `data:` URLs and regular files inside the project; refuses the rest."""

        def __init__(self, root: Path) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, timeout=5)
            self.root = root.resolve()
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path))
                problem = self._problem(path)
                if not problem:
                    return URLFetcherResponse(url, path.resolve().read_bytes())
            else:
                problem = "only files inside the project and data: URLs may be used"
            self.refused.append(f"{url}: {problem}")
            raise ValueError(problem)

        def _problem(self, path: Path) -> str:
            try:
                resolved = path.resolve(strict=True)
            except (OSError, RuntimeError):
                return "no such file"
            if not resolved.is_relative_to(self.root):
                return "outside the project"
            if not stat.S_ISREG(resolved.stat().st_mode):
                return "not a regular file"
            return ""

    return ProjectFetcher


def render_pdf(
    page: Rendered, root: Path, variant: str | None, diagnostics: Diagnostics
) -> bytes | None:
    """The PDF, or None when a resource was refused or the layout failed."""
    import weasyprint

    fetcher = _fetcher_class()(root)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        base = str(root.resolve()) + "/"
        document = weasyprint.HTML(string=page.html, base_url=base, url_fetcher=fetcher)
        paged = weasyprint.CSS(string=page.pdf_css, base_url=base, url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(stylesheets=[paged], pdf_variant=variant)
    except RecursionError:
        diagnostics.error(Location("brief.md"), "the document is nested too deeply to typeset")
        return None
    for refused in fetcher.refused:
        diagnostics.error(Location("brief.html"), f"resource refused: {refused}")
    return None if fetcher.refused else pdf
