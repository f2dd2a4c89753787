"""Saved web pages: the article's text by trafilatura; its metadata as the page states it
(briefing.readers.web_metadata), else as trafilatura and htmldate find it.

The page's navigation, captions and most teasers for other articles are left out of the
text; what is left that the page's structure shows to be clutter is marked as furniture
(briefing.readers.clutter), so it cannot be quoted."""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostics, Location
from ..words import has_paragraph
from .base import Extracted, SourceFile
from .clutter import find_clutter
from .web_metadata import page_metadata

# htmldate's settings: dates the page's markup gives, not a year guessed from its text (a
# copyright line is no date of publication); and a latest date that is not today, so the
# same page gives the same date whatever the clock says.
_DATES = {"original_date": True, "extensive_search": False, "max_date": "2099-12-31"}
# trafilatura's fields, and the register's names for them.
_FIELDS = {"title": "title", "author": "author", "sitename": "outlet", "url": "address"}


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
    from trafilatura.utils import load_html

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
    if document.date:
        found["published"] = str(document.date)
    tree = load_html(file.data)
    markup = file.data.decode("utf-8", "replace")
    metadata = page_metadata(tree, markup, found) if tree is not None else found
    return Extracted(text + "\n", furniture=find_clutter(file.data, text), metadata=metadata)
