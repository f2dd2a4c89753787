"""Saved web pages: the article's text and metadata, by trafilatura (dates by htmldate).

The page's navigation, captions and most teasers for other articles are left out of the
text; what is left that the page's structure shows to be clutter is marked as furniture
(briefing.readers.clutter), so it cannot be quoted."""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostics, Location
from ..words import has_paragraph
from .base import Extracted, SourceFile
from .clutter import find_clutter

# htmldate's settings, with a latest date that is not today: the same page must give the
# same date whatever the clock says.
_DATES = {"original_date": True, "extensive_search": True, "max_date": "2099-12-31"}
# trafilatura's fields, and the register's names for them.
_FIELDS = {"title": "title", "author": "author", "sitename": "outlet", "url": "address"}


def _without_site(title: str, site: str) -> str:
    """The title without the site's name after it ('Headline | Site')."""
    for separator in (" | ", " - ", " – ", " — "):
        if title.lower().endswith(f"{separator}{site}".lower()):
            return title[: -len(separator + site)].strip()
    return title


def extraction(data: bytes) -> Any:
    """trafilatura's reading of the page: its text and metadata (a Document, or None)."""
    from trafilatura import bare_extraction

    return bare_extraction(
        data,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATES,
    )


def read_web_page(file: SourceFile, diagnostics: Diagnostics) -> Extracted | None:
    from trafilatura.settings import Document

    try:
        document = extraction(file.data)
    except MemoryError:  # over the memory budget: said as such by the one who set it
        raise
    except Exception as error:  # lxml and trafilatura raise many kinds on broken markup
        diagnostics.error(Location(file.path), f"cannot read the page: {error}")
        return None
    text = (document.text or "").strip() if isinstance(document, Document) else ""
    if not isinstance(document, Document) or not has_paragraph(text):
        diagnostics.error(
            Location(file.path),
            "no article text found in the page",
            hint="save the article's own page (not a section front), or paste its text "
            "into a .txt file",
        )
        return None
    found = {key: getattr(document, attribute) for attribute, key in _FIELDS.items()}
    found = {key: " ".join(str(value).split()) for key, value in found.items() if value}
    if "author" in found:  # 'A. Writer; A. WRITER': one of each
        names: dict[str, str] = {}
        for name in found["author"].split("; "):
            names.setdefault(name.casefold(), name)
        found["author"] = "; ".join(names.values())
    if "outlet" in found:  # 'Aktuálně.cz - Víte, co se právě děje': the name, not the motto
        found["outlet"] = found["outlet"].split(" - ")[0].split(" | ")[0]
        if "title" in found:
            found["title"] = _without_site(found["title"], found["outlet"])
    if document.date:
        found["published"] = str(document.date)
        found["date_basis"] = "taken from the saved page (its metadata or text, read by htmldate)"
    if document.pagetype == "article":
        found["type"] = "news"
    return Extracted(text + "\n", furniture=find_clutter(file.data, text), metadata=found)
