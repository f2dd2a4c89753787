"""The annex as a PDF of its own (`annex: separate`): the links between it and the body,
and its page labels (A-1, A-2, ...), set on the typeset PDFs with pikepdf.

WeasyPrint writes a link to another file as a URI action holding an absolute `file:` URL,
made against the project folder (the base URL it typesets with): a link from brief.pdf to
`brief-annex.pdf#p-3-1` would name the build machine's project folder, not the file beside
it. So such links become remote go-to actions (/GoToR), PDF's own way into another file:
its name relative to this one, and a named destination there (WeasyPrint names one for each
element with an id).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

BODY_FILE = "brief.pdf"
ANNEX_FILE = "brief-annex.pdf"
ANNEX_PAGE_PREFIX = "A-"


def finished(pdf: bytes, root: Path, other: str, page_prefix: str = "") -> bytes:
    """The PDF with its links to the file `other` (made against the project folder root)
    turned into links to `other` beside it, and its pages labelled page_prefix + number."""
    import pikepdf

    target = root.resolve() / other

    def change(document: Any, annotation: Any) -> None:
        action = annotation.get("/A")
        if action is None or action.get("/S") != pikepdf.Name.URI:
            return
        url = urlsplit(str(action.URI))
        if url.scheme == "file" and Path(unquote(url.path)) == target and url.fragment:
            annotation.A = document.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Action,
                    S=pikepdf.Name.GoToR,
                    F=pikepdf.String(other),
                    D=pikepdf.String(unquote(url.fragment)),
                )
            )

    return _rewritten(pdf, change, page_prefix)


def relinked(pdf: bytes, old: str, new: str) -> bytes:
    """The PDF with its links into the file old going to the file new (beside it) instead:
    a numbered copy's body and annex link to each other."""
    import pikepdf

    def change(document: Any, annotation: Any) -> None:
        action = annotation.get("/A")
        goes_to = action is not None and action.get("/S") == pikepdf.Name.GoToR
        if goes_to and str(action.get("/F", "")) == old:
            action.F = pikepdf.String(new)

    return _rewritten(pdf, change)


def _rewritten(pdf: bytes, change: Callable[[Any, Any], None], page_prefix: str = "") -> bytes:
    """The PDF with change(document, annotation) made to each of its annotations, and its
    pages labelled page_prefix + number if one is given."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for annotation in page.get("/Annots", ()):
                change(document, annotation)
        if page_prefix:
            label = pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String(page_prefix))
            document.Root.PageLabels = pikepdf.Dictionary(Nums=[0, label])
        buffer = io.BytesIO()
        document.save(buffer, deterministic_id=True)  # the same PDF gives the same bytes
        return buffer.getvalue()
