"""Saved web pages: the article's text by trafilatura; its metadata as the page states it
(briefing.readers.web_metadata), else as trafilatura and htmldate find it.

The page's navigation, captions, credits and teasers for other articles are left out of
the text, so they cannot be quoted."""

from __future__ import annotations

import re
from typing import Any

from ..diagnostics import Diagnostics, Location
from ..folding import fold
from ..words import count_words, ends_a_sentence
from .base import Extracted, Furniture, SourceFile
from .web_metadata import page_metadata

_SENTENCE_END = re.compile(r"[.!?][\"”’)]*(?:\s|$)|[。！？][」』]*")
# htmldate's settings, with a latest date that is not today: the same page must give the
# same date whatever the clock says.
_DATES = {"original_date": True, "extensive_search": True, "max_date": "2099-12-31"}
# trafilatura's fields, and the register's names for them.
_FIELDS = {"title": "title", "author": "author", "sitename": "outlet", "url": "address"}


def _has_paragraph(text: str) -> bool:
    """Whether the text has a sentence of ten words or more: what a page of nothing but
    menus and footers lacks (trafilatura falls back to whatever text a page has)."""
    return any(count_words(sentence) >= 10 for sentence in _SENTENCE_END.split(text)[:-1])


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
    if not isinstance(document, Document) or not _has_paragraph(text):
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
    metadata = page_metadata(tree, found) if tree is not None else found
    return Extracted(text + "\n", furniture=clutter(file.data, text), metadata=metadata)


# What a box is, by the class and id names of it or its ancestors: the first that matches.
_NAMED = (
    (re.compile(r"newsletter|sign-?up|subscri", re.I), "a newsletter sign-up box"),
    (re.compile(r"related|recommend|more-?stor|teaser|trending|popular|outbrain|taboola"
                r"|read-?more|most-?read", re.I), "a teaser for another article"),
    (re.compile(r"share|social|follow", re.I), "share and follow buttons"),
    (re.compile(r"promo|sponsor|advert|affiliate|\bads?\b", re.I), "an advertisement or promotion"),
    (re.compile(r"breadcrumb|\bnav|menu", re.I), "the site's navigation"),
    (re.compile(r"footer|copyright", re.I), "the site's footer"),
    (re.compile(r"caption|gallery", re.I), "a photo caption"),
)  # fmt: skip
_BOXES = {"nav": "the site's navigation", "footer": "the site's footer",
          "aside": "a box beside the article", "figcaption": "a photo caption"}  # fmt: skip
_BOX_WORDS = 150  # a box beside the article is short; a bigger one may hold the article
_CARD_WORDS = 80  # a teaser: a linked headline, a summary, a byline
_LONG = 4000  # characters: more than any box or card holds (its words are not counted)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CELLS = ("td", "th")
_COLUMN_WORDS = 400  # a side column of links; a bigger table may hold the article
_LIST_ITEM = re.compile(r"^(?:- |\d+\. )")
_TABLE_ROW = re.compile(r"^\|.*\|$")  # '| cell | cell |': a table row as trafilatura writes it


class _Page:
    """A saved page's elements, with their words and the share of them in links, each
    counted once."""

    def __init__(self, data: bytes, longest: int) -> None:
        """Parse the page and index its elements of up to longest characters by their
        folded text."""
        from lxml import etree
        from trafilatura.utils import load_html

        self.by_text: dict[str, list[Any]] = {}
        self.words: dict[Any, int] = {}
        self.links: dict[Any, float] = {}
        tree = load_html(data)
        if tree is None:
            return
        etree.strip_elements(tree, "script", "style", "noscript", "template", with_tail=False)
        for element in tree.iter(etree.Element):
            text = " ".join(element.text_content().split())
            self.words[element] = count_words(text) if len(text) <= _LONG else _LONG
            if len(text) <= longest:
                self.by_text.setdefault(fold(text), []).append(element)

    def link_share(self, element: Any) -> float:
        """The share of the element's text in links to other pages (not to a place in the
        same page: a heading's permalink, a footnote), its spaces collapsed."""
        if element not in self.links:
            text = _length(element)
            links = sum(_length(a) for a in element.iter("a") if _links_out(a))
            self.links[element] = min(links / text, 1.0) if text else 0.0
        return self.links[element]

    def is_link(self, element: Any, line: str) -> bool:
        """Whether the element is a link to another page: mostly a link, unpunctuated,
        with no words before the link but a label ('Read more:'), and no subheading
        of the paragraph after it."""
        if self.link_share(element) < 0.6 or ends_a_sentence(line):
            return False
        lead = _lead(element)
        if lead and not (lead.endswith(":") and count_words(lead) <= 3):
            return False  # 'bigiri has a patch ...': a sentence whose object is a link
        after = _next_with_text(element)
        return not (
            element.tag in _HEADINGS
            and after is not None
            and after.tag == "p"
            and _has_paragraph(after.text_content())
            and self.link_share(after) < 0.5
        )

    def named(self, element: Any, most: int) -> str:
        """What the element, or the box of at most most words it stands in, is by its tag
        or its names, or ''. (A bigger box may hold the article: a page's wrapper is named
        anything.)"""
        for box in (element, *element.iterancestors()):
            if self.words.get(box, _LONG) > most:
                break
            if box.tag in _BOXES:
                return _BOXES[box.tag]
            names = f"{box.get('class', '')} {box.get('id', '')}"
            for pattern, reason in _NAMED:
                if pattern.search(names):
                    return reason
        return ""

    def in_teaser(self, element: Any) -> bool:
        """Whether the element stands in a teaser: a small box (a card) with a heading that
        is a link to another page."""
        for level, box in enumerate(element.iterancestors()):
            if level >= 4 or self.words.get(box, _LONG) > _CARD_WORDS:
                return False
            if box.tag in _HEADINGS:
                continue  # a card is more than its heading
            if any(self.link_share(h) >= 0.6 for h in box.iter(*_HEADINGS)):
                return True
        return False

    def heads_teasers(self, element: Any) -> bool:
        """Whether the element is a heading of a list of teasers: a heading, not a link,
        the box after it holding two linked headings or more and little else."""
        if element.tag not in _HEADINGS or self.link_share(element) >= 0.6:
            return False
        after = element.getnext()
        if after is None and (parent := element.getparent()) is not None:
            after = parent.getnext()  # the heading in a box of its own ('group-header')
        if after is None:
            return False
        linked = sum(self.link_share(h) >= 0.6 for h in after.iter(*_HEADINGS))
        return linked >= 2 and self.words.get(after, _LONG) <= linked * _CARD_WORDS

    def in_link_column(self, element: Any) -> bool:
        """Whether the element is a cell of a column of links: a small table of three rows
        or more, one cell each, most of them with a link to another page (a layout
        table's side column)."""
        table = next(element.iterancestors("table"), None) if element.tag in _CELLS else None
        if table is None or self.words.get(table, _LONG) > _COLUMN_WORDS:
            return False
        rows = [r for r in table.iter("tr") if next(r.iterancestors("table")) is table]
        cells = [[c for c in r if c.tag in _CELLS and _length(c)] for r in rows]
        filled = [row[0] for row in cells if row]
        linking = sum(any(_links_out(a) for a in cell.iter("a")) for cell in filled)
        return (
            len(filled) >= 3 and all(len(row) <= 1 for row in cells) and 2 * linking > len(filled)
        )

    def nests(self, key: str) -> list[list[Any]]:
        """The elements whose folded text is key, in nests: an element with those inside
        it that have the same text (a row, its cell, the cell's link)."""
        nests: list[list[Any]] = []
        for element in self.by_text.get(key, ()):  # in document order: outer ones first
            if nests and any(a is nests[-1][0] for a in element.iterancestors()):
                nests[-1].append(element)
            else:
                nests.append([element])
        return nests

    def reason_nested(self, nest: list[Any], line: str, most: int) -> str:
        """Why a nest of elements is page furniture: the first reason of one of them (a
        link only if the outermost is: a heading's link is the heading's text)."""
        if named := next((n for e in nest if (n := self.named(e, most))), ""):
            return named
        if self.is_link(nest[0], line):
            return "a link to another page"
        return next((r for e in nest if (r := self.reason(e))), "")

    def reason(self, element: Any) -> str:
        """Why the element is page furniture by what stands around it, or ''."""
        if self.in_teaser(element):
            return "a teaser for another article"
        if self.heads_teasers(element):
            return "the heading of a list of teasers"
        if self.in_link_column(element):
            return "a column of links beside the article"
        return ""


def _length(element: Any) -> int:
    """The length of the element's text, its spaces collapsed."""
    return len(" ".join(element.text_content().split()))


def _links_out(anchor: Any) -> bool:
    """Whether the anchor links to another page (not to a place in the same page)."""
    return not anchor.get("href", "#").startswith(("#", "javascript:"))


def _next_with_text(element: Any) -> Any:
    """The element's next sibling with text (past a video's frame, an image), or None."""
    return next((e for e in element.itersiblings() if _length(e)), None)


def _lead(element: Any) -> str:
    """The element's words before its first link to another page."""
    words = []
    for text in element.xpath(".//text()"):
        owner = text.getparent().getparent() if text.is_tail else text.getparent()
        while owner is not None and owner is not element and owner.tag != "a":
            owner = owner.getparent()
        if owner is not None and owner.tag == "a" and _links_out(owner):
            break
        words.append(str(text))
    return " ".join("".join(words).split())


def clutter(data: bytes, text: str) -> tuple[Furniture, ...]:
    """The lines of the extracted text that the page's structure shows to be clutter: links
    to other pages, teasers, boxes named or set as navigation, sign-up, sharing, promotion
    or footer; each with a reason a reader understands. A line is clutter only if it is
    wherever the page has its text."""
    lines = text.split("\n")
    page = _Page(data, max(map(len, lines), default=0))
    most = min(count_words(text) // 2, _BOX_WORDS)
    judged: dict[str, str] = {}

    def judge(part: str) -> str:
        """Why the part of a line is clutter wherever the page has it, or ''."""
        key = fold(_LIST_ITEM.sub("", part.strip()))
        if key not in judged:
            reasons = {page.reason_nested(nest, part, most) for nest in page.nests(key)}
            judged[key] = min(reasons) if reasons and "" not in reasons else ""
        return judged[key]

    found, offset = [], 0
    for line in lines:
        cells = [c for c in line.strip().strip("|").split("|") if c.strip()]
        row = _TABLE_ROW.match(line.strip()) and cells
        reasons = {judge(cell) for cell in cells} if row else {judge(line)}
        if "" not in reasons:  # a table row: clutter when each of its cells is
            found.append(Furniture(offset, offset + len(line), min(reasons)))
        offset += len(line) + 1
    return tuple(found)
