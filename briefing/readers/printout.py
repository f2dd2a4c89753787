"""Browser printouts: a web page a browser saved as PDF ("Print -> Save as PDF").

Such a PDF holds the whole page: the site's menus (often twice, for desktop and phone),
teasers for other articles, comment threads, the footer, and the browser's own header and
footer (date and time, title, address, "3/12"). It is recognised by the browser named in
its metadata (Chromium writes "Skia/PDF" and its user agent) or by that header and footer,
and read as a web page: the article is the longest stretch of prose; what stands before
and after it, lines that are all link (menus, teasers), lines printed on most pages,
image file names and HTML tags are marked as furniture, each with its reason. The
browser's header and footer are furniture too, and give the title, address and print
date; a date and byline stated at the article's head are taken from the text.
"""

from __future__ import annotations

import bisect
import ctypes
import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from .. import source_findings
from ..words import count_words, ends_a_sentence
from . import web_metadata
from .base import Extracted, Furniture

# A user agent names several engines; the first of these that it names is the browser's.
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox", "Firefox"), ("Chrom", "Chrome"),
             ("Safari", "Safari"))  # fmt: skip
_PRINT_STAMP = re.compile(  # Chromium: 12/6/26, 2:30 PM; Firefox: 06/12/2026, 14:30
    r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{2,4}),?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]\.?M\.?)?",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"\b(?:https?|file)://\S+|\babout:\S+")
_COUNTER = re.compile(r"(?:^|\s)(\d{1,4})\s*(?:/|of)\s*(\d{1,4})$")
_IMAGE_FILE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|svg|avif)(?:\?\S*)?$", re.IGNORECASE)
_TAG = re.compile(r"^<\/?[a-z][^>]*>?$|^<(?:img|a|div|span|iframe|script)\b", re.IGNORECASE)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")  # fmt: skip
_MONTH = rf"(?:{'|'.join(m[:3] + f'(?:{m[3:]})?' for m in _MONTHS)})\.?"
_STATED_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\.?\s+(?P<m2>{_MONTH})\s+(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2}))\b",
    re.IGNORECASE,
)
# What may stand before a dateline's date: 'Published on Thu', 'Updated:'.
_DATELINE_LEAD = re.compile(
    r"^(?:(?:first\s+)?(?:published|posted|updated)(?:\s+on)?\s*:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?$",
    re.IGNORECASE,
)
BYLINE = re.compile(r"^(?:by|von|par|por|di|door)\s+[^\W\d_][^,|•·\n]{2}", re.IGNORECASE)
_COMMENTS = re.compile(  # the head of a comment thread, which ends the article
    r"^(?:\d+\s+)?(?:(?:view|show|read|see|expand|load)\s+(?:all\s+)?(?:\d+\s+)?)?"
    r"(?:comments?|reply|add (?:a )?comment|leave a (?:reply|comment)|join the discussion"
    r"|kommentare|commentaires|comentários|comentarios|reacties)\b",
    re.IGNORECASE,
)
# A note that points to other articles: "Main article: Economy of New Zealand".
_POINTER = re.compile(
    r"^(?:main articles?|see also|further information|voir aussi|article (?:détaillé|connexe)"
    r"|hauptartikel|siehe auch)\s*:",
    re.IGNORECASE,
)
_SITE_SEPARATOR = re.compile(r"\s+[|–—-]\s+")
MIN_PROSE_WORDS = 8  # a line of a wrapped paragraph is longer than a menu item or a label
MAX_GAP = 8  # lines between two paragraphs of one article: headings, captions, a list
MIN_STRETCH_WORDS = 80
_BROWSER_FURNITURE = "the browser's header or footer"
MAX_NAME_WORDS = 5  # a byline's part longer than this is a sentence about its author
HEAD_LINES = 12  # lines about the article's start where its headline, byline and date stand


@dataclass(frozen=True)
class _Line:
    index: int
    page: int  # from 0
    start: int
    end: int
    text: str
    link: bool  # all of it a link: a menu item, a teaser, a button

    @property
    def words(self) -> int:
        return count_words(self.text)

    @property
    def prose(self) -> bool:
        """A line of the article's paragraphs: long enough, not a link."""
        return not self.link and self.words >= MIN_PROSE_WORDS


def browser_name(info: dict[str, str]) -> str:
    """The browser the PDF's metadata names, or ''."""
    creator, producer = info.get("Creator", ""), info.get("Producer", "")
    if "Mozilla/" in creator or "Firefox" in creator or "Safari" in creator:
        return next((name for token, name in _BROWSERS if token in creator), "a browser")
    return "Chrome" if producer.startswith("Skia/PDF") and not creator else ""


def linked_lines(data: bytes) -> list[set[str]]:
    """For each page, the lines (stripped) that are wholly inside its link areas."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return [_page_links(page) for page in document]
    finally:
        document.close()


def _page_links(page: Any) -> set[str]:
    import pypdfium2.raw as pdfium_c

    areas = []
    position, link = ctypes.c_int(0), pdfium_c.FPDF_LINK()
    while pdfium_c.FPDFLink_Enumerate(page, ctypes.byref(position), ctypes.byref(link)):
        rect = pdfium_c.FS_RECTF()
        if pdfium_c.FPDFLink_GetAnnotRect(link, ctypes.byref(rect)):
            areas.append((rect.left - 1, rect.bottom - 1, rect.right + 1, rect.top + 1))
    if not areas:
        return set()
    textpage = page.get_textpage()
    text: str = textpage.get_text_range()
    if len(text) != textpage.count_chars():  # characters beyond the BMP: offsets differ
        return set()
    found, start = set(), 0
    for line in text.split("\r\n"):
        end = start + len(line)
        boxes = [textpage.get_charbox(i) for i in range(start, end) if not text[i].isspace()]
        if boxes and all(_inside(box, areas) for box in boxes):
            found.add(line.strip())
        start = end + 2
    return found


def _inside(box: tuple[float, ...], areas: list[tuple[float, float, float, float]]) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(left <= x <= right and bottom <= y <= top for left, bottom, right, top in areas)


def read_printout(extracted: Extracted, info: dict[str, str], links: list[set[str]]) -> Extracted:
    """A PDF's extraction read again as a printed web page: its furniture and metadata."""
    lines = _lines(extracted, links)
    reasons: dict[int, str] = {}
    browser = _browser_lines(lines, len(extracted.pages))
    reasons.update(dict.fromkeys((line.index for line in browser), _BROWSER_FURNITURE))
    skip = {line.index for line in browser}
    first, last = _article(lines, skip)
    window = _head_window(lines, first, skip)
    head = _head(window, _title(info, browser))
    said = _said(extracted.text, lines)
    for line in lines:
        if line.index in reasons or line.index in head:
            continue
        if reason := _reason(line, lines, first, last) or said.get(line.index, ""):
            reasons[line.index] = reason
    reasons.update(_printed_on_most_pages(lines, len(extracted.pages), reasons))
    furniture = [Furniture(line.start, line.end, _where(reasons[line.index], line))
                 for line in lines if line.index in reasons]  # fmt: skip
    known = [f for f in extracted.furniture if not any(f.start == g.start for g in furniture)]
    metadata = _metadata(extracted.metadata, info, browser, window)
    return replace(extracted, furniture=tuple(sorted(furniture + known, key=lambda f: f.start)),
                   metadata=metadata)  # fmt: skip


def is_printout(info: dict[str, str], extracted: Extracted) -> bool:
    """Whether the PDF is a web page a browser printed: its metadata names the browser,
    or its pages carry the browser's header and footer."""
    if browser_name(info):
        return True
    return bool(_browser_lines(_lines(extracted, []), len(extracted.pages)))


def _lines(extracted: Extracted, links: list[set[str]]) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    for raw in extracted.text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = offset + raw.index(stripped[0])
            page = max(bisect.bisect_right(extracted.pages, start) - 1, 0)
            link = page < len(links) and stripped in links[page]
            lines.append(_Line(len(lines), page, start, start + len(stripped), stripped, link))
        offset += len(raw) + 1
    return lines


def _browser_lines(lines: list[_Line], pages: int) -> list[_Line]:
    """The browser's header (print date and time, title) and footer (address, page
    counter), when most pages have them."""
    by_page: dict[int, list[_Line]] = defaultdict(list)
    for line in lines:
        by_page[line.page].append(line)
    found: list[_Line] = []
    stamped = 0
    for page_lines in by_page.values():
        edges = [*page_lines[:2], *page_lines[-2:]]
        marks = [line for line in dict.fromkeys(edges) if _browser_mark(line.text)]
        stamped += bool(marks)
        found += marks
    return found if pages and stamped * 2 > pages else []


def _browser_mark(text: str) -> bool:
    return bool(_PRINT_STAMP.match(text) or (_COUNTER.search(text) and _ADDRESS.search(text))
                or (_ADDRESS.fullmatch(text)))  # fmt: skip


def _article(lines: list[_Line], skip: set[int]) -> tuple[int, int]:
    """The first and last line of the article: from the first stretch of prose (prose lines
    with at most MAX_GAP other lines between two) to the last, of those that hold a tenth of
    the longest's words or MIN_STRETCH_WORDS (a promotion's blurb holds fewer)."""
    stretches: list[list[int]] = []  # first line, last line, words
    for line in lines:
        if not line.prose or line.index in skip:
            continue
        if stretches and _gap(lines, stretches[-1][1], line.index, skip) <= MAX_GAP:
            stretches[-1][1:] = [line.index, stretches[-1][2] + line.words]
        else:
            stretches.append([line.index, line.index, line.words])
    if not stretches:
        return 0, len(lines) - 1
    most = max(words for _, _, words in stretches)
    kept = [s for s in stretches if s[2] >= min(most / 10, MIN_STRETCH_WORDS)]
    comments = _comments(lines[kept[0][0] : kept[-1][1] + 1]) or len(lines)
    kept = [s for s in kept if s[0] < comments] or kept[:1]
    first, last = kept[0][0], min(kept[-1][1], comments - 1)
    # The article's last paragraph ends on a short line of its own ("...overall.")
    while last + 1 < min(len(lines), comments) and not ends_a_sentence(lines[last].text):
        if lines[last + 1].link or lines[last + 1].index in skip:
            break
        last += 1
    return first, last


def _comments(stretch: list[_Line]) -> int:
    """The head of a comment thread ("View comments (27)", "Add comment") in the article's
    stretch: the first such short line with more of the stretch's prose before it than
    after (a thread is shorter than the article it follows; a line "Reply" early in the
    article is not its end), or 0."""
    total = sum(line.words for line in stretch if line.prose)
    before = 0
    for line in stretch:
        if before * 2 >= total and line.words <= 4 and _COMMENTS.match(line.text):
            return line.index
        before += line.words if line.prose else 0
    return 0


def _gap(lines: list[_Line], after: int, before: int, skip: set[int]) -> int:
    """The lines between two, the browser's header and footer aside."""
    return sum(i not in skip for i in range(after + 1, before))


def _head_window(lines: list[_Line], first: int, skip: set[int]) -> list[_Line]:
    """The lines about the article's first paragraph where its headline, byline and date
    stand, on whatever page it starts: HEAD_LINES before it (links aside) and HEAD_LINES
    from it on, without links, the browser's header and footer and the article's sentences."""
    before = [line for line in lines[:first] if not line.link and line.index not in skip]
    return [
        line
        for line in before[-HEAD_LINES:] + lines[first : first + HEAD_LINES]
        if not (line.link or line.index in skip or (line.prose and ends_a_sentence(line.text)))
    ]


def _head(window: list[_Line], title: str) -> set[int]:
    """The article's headline, byline and datelines among the lines of its head."""
    folded_title = " ".join(title.casefold().split())
    head = set()
    for line in window:
        text = " ".join(line.text.casefold().split())
        headline = bool(folded_title) and len(text) > 8 and text in folded_title
        if headline or _dateline(line) or BYLINE.match(line.text):
            head.add(line.index)
    return head


def _dateline(line: _Line) -> bool:
    """A line that states a date: a short one, or one that begins with its date
    ('Thu 3 Jan 2019 02.00 EST Last modified on Wed 16 Jan 2019 06.16 EST')."""
    if not (match := _STATED_DATE.search(line.text)):
        return False
    return line.words <= 12 or bool(_DATELINE_LEAD.match(line.text[: match.start()]))


def _reason(line: _Line, lines: list[_Line], first: int, last: int) -> str:
    """Why a line is furniture, or ''."""
    if line.index < first:
        return "before the article: the site's header and menu"
    if line.index > last:
        return "after the article: links to other articles, comments and the site's footer"
    if _IMAGE_FILE.match(line.text):
        return "an image's file name"
    if _TAG.match(line.text):
        return "an HTML tag printed as text"
    if _POINTER.match(line.text) and line.words <= 25 and not ends_a_sentence(line.text):
        return "a note pointing to other articles"
    if line.link and not _inside_paragraph(line, lines):
        return "a link to another page (a menu item or a teaser for another article)"
    return ""


def _said(text: str, lines: list[_Line]) -> dict[int, str]:
    """The lines that the text's rules for a web page's article find furniture by what
    they say (a credit, a share button, an advertisement, a copyright notice), among the
    lines that are whole paragraphs: a line of a paragraph the printout wrapped is not
    judged alone ("...advertising experiences, and subscription services.")."""
    starts = {line.start: line for line in lines}
    found = {}
    for finding in source_findings.find_findings(text, (), "article"):
        if finding.kind != "page-furniture":
            continue
        reason = re.sub(r" \(lines? [\d-]+\)$", "", finding.detail)
        for line in lines[bisect.bisect_left(lines, finding.span[0], key=_start) :]:
            if line.start >= finding.span[1]:
                break
            if line.start in starts and _whole_paragraph(line, lines):
                found[line.index] = reason
    return found


def _start(line: _Line) -> int:
    return line.start


def _whole_paragraph(line: _Line, lines: list[_Line]) -> bool:
    """Neither the line before runs on into it nor it into the line after."""
    before = lines[line.index - 1] if line.index else None
    runs_on = line.prose and not ends_a_sentence(line.text)
    return not runs_on and not (before and before.prose and not ends_a_sentence(before.text))


def _inside_paragraph(line: _Line, lines: list[_Line]) -> bool:
    """A line that is all link within a paragraph (a long link that fills a line)."""
    before = lines[line.index - 1] if line.index else None
    return bool(before and before.prose and not ends_a_sentence(before.text))


def _printed_on_most_pages(
    lines: list[_Line], pages: int, reasons: dict[int, str]
) -> dict[int, str]:
    """Lines printed on three pages or more and on most of them: a bar the site fixed to
    the window, printed on every page."""
    on_pages: dict[str, set[int]] = defaultdict(set)
    for line in lines:
        on_pages[_shape(line.text)].add(line.page)
    repeated = {s for s, p in on_pages.items() if len(p) >= 3 and len(p) * 2 >= pages}
    return {
        line.index: "printed on most pages: a bar of the site's, not the article"
        for line in lines
        if line.index not in reasons and _shape(line.text) in repeated
    }


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).casefold())


def _where(reason: str, line: _Line) -> str:
    return f"{reason}, printed on page {line.page + 1}"


def _title(info: dict[str, str], browser: list[_Line]) -> str:
    """The page's title: the PDF's, else the browser's header after the print date."""
    if title := " ".join(info.get("Title", "").split()):
        return title
    for line in browser:
        if match := _PRINT_STAMP.match(line.text):
            return line.text[match.end() :].strip()
    return ""


def _split_site(title: str) -> tuple[str, str]:
    """'Headline | Site' as the headline and the site."""
    parts = _SITE_SEPARATOR.split(title)
    if len(parts) >= 2 and len(parts[-1]) < len(title) / 2:
        return title[: title.rfind(parts[-1])].rstrip(" |–—-"), parts[-1]
    return title, ""


def _metadata(
    found: dict[str, str], info: dict[str, str], browser: list[_Line], window: list[_Line]
) -> dict[str, str]:
    """What the printout states: the page's title (its headline, outlet and address in the
    browser's header and footer) and the article's byline and date."""
    metadata = {k: v for k, v in found.items() if k not in ("published", "date_basis")}
    page_title = _title(info, browser)
    title, outlet = _split_site(page_title)
    byline = next((line.text for line in window if BYLINE.match(line.text)), "")
    persons = byline_persons(byline, outlet)
    title = _printed_headline(web_metadata.clean_title(title, outlet, "", persons), window)
    address = next(iter(_addresses(browser)), "")
    stated = (("title", title), ("outlet", outlet), ("author", "; ".join(persons)),
              ("address", address))  # fmt: skip
    metadata.update({key: value for key, value in stated if value})
    metadata |= _date(window, _print_date(browser) or found.get("published", ""))
    dated = metadata.get("date_basis", "").startswith("stated")
    if kind := _type(address, page_title, bool(persons) and dated):
        metadata["type"] = kind
    return metadata


def byline_persons(byline: str, outlet: str = "") -> list[str]:
    """The persons who wrote what a byline line credits, as it writes them, without a date
    or a credit for another role ('By A (reporting) and B (photography) | 3 Jan' -> [A]):
    its names up to the first that is no person's (a role, a desk: 'A, Senior Writer, Org')."""
    names = web_metadata.split_byline(re.split(r"[|•·]", byline)[0])
    persons = itertools.takewhile(
        lambda name: len(name.split()) <= MAX_NAME_WORDS and web_metadata.is_person(name, outlet),
        names,
    )
    return list(dict.fromkeys(persons))


def _printed_headline(title: str, window: list[_Line]) -> str:
    """The title cut to the headline the article's head prints, where the title goes on
    after it with trailing parts shorter than it ('Headline | Author | Section'; not
    'Opinion | Headline'); else the title."""
    folded = title.casefold()
    for n, line in enumerate(window):
        printed = " ".join(line.text.split())
        for after in window[n + 1 :]:
            longer = f"{printed} {' '.join(after.text.split())}"
            if not folded.startswith(longer.casefold()):
                break
            printed = longer
        rest = title[len(printed) :]
        if folded.startswith(printed.casefold()) and _SITE_SEPARATOR.match(rest):
            parts = _SITE_SEPARATOR.split(rest)[1:]
            longest = max(count_words(part) for part in parts)
            return title[: len(printed)] if count_words(printed) > longest else title
    return title


def _date(window: list[_Line], printed: str) -> dict[str, str]:
    """The date the article's head states, a dateline's or a byline's before any other
    line's; else the day the page was printed."""
    ranked = sorted(window, key=lambda line: not (_dateline(line) or BYLINE.match(line.text)))
    stated = next(((date, line) for line in ranked if (date := stated_date(line.text))), None)
    if stated:
        basis = f"stated on page {stated[1].page + 1} of the printout"
        return {"published": stated[0],
                "date_basis": basis + (f" (printed {printed})" if printed else "")}  # fmt: skip
    if printed:
        return {"published": printed,
                "date_basis": "the day the page was printed, not a stated date"}  # fmt: skip
    return {}


def _type(address: str, page_title: str, byline_and_date: bool) -> str:
    """The kind of article the printed page states: by its title ('| Opinion') or its web
    address's path (a file's path on the printing machine says nothing); else news where
    the article's head has a byline and a stated date."""
    said = web_metadata.title_says(page_title)
    by_path = web_metadata.path_says(address, "") if address.startswith("http") else ""
    if said == "editorial":
        return said
    return by_path or said or ("news" if byline_and_date else "")


def _addresses(browser: list[_Line]) -> Iterable[str]:
    for line in browser:
        if match := _ADDRESS.search(line.text):
            yield match.group()


def _print_date(browser: list[_Line]) -> str:
    """The print date of the browser's header: month first, as Chromium prints it in
    English, unless the first number cannot be a month."""
    for line in browser:
        if match := _PRINT_STAMP.match(line.text):
            first, second, year = (int(g) for g in match.groups())
            if first > 31:  # 2026/12/06
                first, second, year = second, year, first
            year += 2000 if year < 100 else 0
            month, day = (first, second) if first <= 12 else (second, first)
            if date := _valid(year, month, day):
                return date
    return ""


def stated_date(text: str) -> str:
    """The first date the text states (YYYY-MM-DD), or ''."""
    match = _STATED_DATE.search(text)
    if not match:
        return ""
    parts = match.groupdict()
    for n in "123":
        if parts[f"y{n}"]:
            month = parts[f"m{n}"]
            number = int(month) if month.isdigit() else _month_number(month)
            return _valid(int(parts[f"y{n}"]), number, int(parts[f"d{n}"]))
    return ""


def _month_number(name: str) -> int:
    prefix = name.rstrip(".").casefold()[:3]
    return next((n for n, m in enumerate(_MONTHS, start=1) if m.startswith(prefix)), 0)


def _valid(year: int, month: int, day: int) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return ""


def first_page_statements(page: str, where: str = "on page 1") -> dict[str, str]:
    """The byline and the date a document's first page states (its first 40 lines), with
    a date_basis that says where."""
    lines = [" ".join(line.split()) for line in page.split("\n") if line.strip()][:40]
    found = {}
    byline = next((line for line in lines if BYLINE.match(line)), "")
    if persons := byline_persons(byline):
        found["author"] = "; ".join(persons)
    if date := next((d for line in lines if (d := stated_date(line))), ""):
        found |= {"published": date, "date_basis": f"stated {where}"}
    return found
