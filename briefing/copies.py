"""Numbered copies and watermarks, stamped on the typeset brief (pikepdf), not typeset again.

The stamps are typeset once, as a small document of one page per copy on the brief's own
page geometry (its layout's paged CSS), each page holding that copy's line in the bottom
left margin box and the watermark; page k is laid over every page of copy k. A master
copy gets a distribution list as its last page.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from .diagnostics import BriefingError
from .files import read_regular
from .model import Rendered, print_styled
from .pdf import project_fetcher

COPIES = "copies"  # the subfolder of the output folder
MAX_RECIPIENTS = 500
MAX_NAME = 40  # characters: two lines of the copy's stamp beside "Copy 120 of 500 · "
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)
_BLANK = set("\u115f\u1160\u3164\uffa0\u2800")  # letters and signs that print as nothing


@dataclass(frozen=True)
class Copies:
    """What to stamp: how many numbered copies (and for whom), the watermark, one file."""

    count: int = 0
    recipients: tuple[str, ...] = ()
    watermark: str | None = None
    one_file: bool = False

    def names(self) -> list[str]:
        """The numbered copies' files, relative to the output folder, after the master's."""
        width = max(2, len(str(self.count)))
        if not self.count:
            return []
        if self.one_file:
            return [f"{COPIES}/brief-master.pdf", f"{COPIES}/brief-copies-{self.count}.pdf"]
        return [f"{COPIES}/brief-master.pdf"] + [
            f"{COPIES}/brief-copy-{k:0{width}}-of-{self.count:0{width}}.pdf"
            for k in range(1, self.count + 1)
        ]


def read_recipients(path: Path) -> tuple[str, ...]:
    """The names in a recipients file, one a line (blank lines skipped); a BriefingError
    naming the file and line for an empty, binary, special or too large file or a bad name."""
    try:
        data, problem = read_regular(path.resolve())
    except RuntimeError:
        data, problem = None, "a loop of links"
    if data is None:
        raise BriefingError(f"{path}: cannot read the recipients: {problem}")
    if b"\0" in data:
        raise BriefingError(f"{path}: a binary file, not a list of names (one a line)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        where = data[: error.start].count(b"\n") + 1
        raise BriefingError(f"{path}:{where}: not UTF-8 text") from None
    names = []
    for number, line in enumerate(text.split("\n"), start=1):
        name = _recipient(line, f"{path}:{number}")
        if name:
            names.append(name)
        if len(names) > MAX_RECIPIENTS:
            raise BriefingError(
                f"{path}:{number}: more than {MAX_RECIPIENTS} recipients; "
                "a brief for that many readers is a publication, not numbered copies"
            )
    if not names:
        raise BriefingError(f"{path}: no names in it (one a line)")
    return tuple(names)


def _recipient(line: str, where: str) -> str:
    """A line's name ('' for a blank line), or a BriefingError at where."""
    name = line.removesuffix("\r").strip()
    if _CONTROL.search(name):
        raise BriefingError(f"{where}: a control, line-separating or bidi character in a name")
    if name and not any(c.isprintable() and not c.isspace() and c not in _BLANK for c in name):
        raise BriefingError(f"{where}: a name with no visible character")
    if len(name) > MAX_NAME:
        raise BriefingError(
            f"{where}: a name of {len(name)} characters; at most {MAX_NAME} fit in a copy's stamp"
        )
    return name


def stamp(
    pdf: bytes,
    listing: str,
    page: Rendered,
    root: Path,
    copies: Copies,
    others: dict[str, bytes] | None = None,
) -> dict[str, bytes]:
    """The stamped files by name: brief.pdf again when watermarked (and the other PDFs by
    name, such as the read-ahead), the master copy with its distribution list (listing, the
    body of its page: see html.render_distribution), and the numbered copies (or one file of
    them all). root is the project, the one place the typesetting may read from."""
    import pikepdf

    count, names = copies.count, copies.names()
    lines = copy_lines(copies)
    marks = _stamp_pages(lines, page, root, copies)
    out: dict[str, bytes] = {}
    with pikepdf.open(io.BytesIO(marks)) as stamps:
        if copies.watermark:
            for name, document in {"brief.pdf": pdf, **(others or {})}.items():
                out[name] = _save(_overlaid(document, stamps.pages[0]))
        if not count:
            return out
        master = _overlaid(
            _joined([pdf, _distribution_list(pdf, listing, page, root)]), stamps.pages[1]
        )
        out[names[0]] = _save(master)
        numbered = [_overlaid(pdf, stamps.pages[2 + k]) for k in range(count)]
    if copies.one_file:
        out[names[1]] = _joined([_save(document) for document in numbered])
    else:
        out |= {name: _save(d) for name, d in zip(names[1:], numbered, strict=True)}
    return out


def stamp_annex(
    annex: bytes, stamped: dict[str, bytes], page: Rendered, root: Path, copies: Copies
) -> dict[str, bytes]:
    """The separate annex stamped as stamp() stamped the brief: watermarked, and a numbered
    copy of it beside each copy of the brief (copies/brief-annex-copy-01-of-03.pdf...), the
    links of each pair going to each other; with the brief's copies (in stamped) relinked."""
    import pikepdf

    from .annex import ANNEX_FILE, BODY_FILE, relinked

    lines = copy_lines(copies)
    marks = _stamp_pages(lines, page, root, copies)
    out: dict[str, bytes] = {}
    with pikepdf.open(io.BytesIO(marks)) as stamps:
        if copies.watermark:
            out[ANNEX_FILE] = _save(_overlaid(annex, stamps.pages[0]))
        if not copies.count:
            return out
        numbered = [_save(_overlaid(annex, stamps.pages[1 + k])) for k in range(copies.count + 1)]
    if copies.one_file:
        numbered = [numbered[0], _joined(numbered[1:])]
    for body, annex_copy in zip(copies.names(), numbered, strict=True):
        folder, name = body.split("/")
        annex_name = name.replace("brief-", "brief-annex-", 1)
        out[f"{folder}/{annex_name}"] = relinked(annex_copy, BODY_FILE, name)
        out[body] = relinked(stamped[body], ANNEX_FILE, annex_name)
    return out


def remove_stale(outdir: Path, files: dict[str, bytes]) -> None:
    """Remove the copies of an earlier build that this one does not write again."""
    if (outdir / COPIES).is_symlink():  # never followed: see output.write_outputs
        return
    for path in sorted((outdir / COPIES).glob("brief-*.pdf")):
        if f"{COPIES}/{path.name}" not in files:
            path.unlink(missing_ok=True)


def copy_lines(copies: Copies) -> list[str]:
    """Each numbered copy's line: 'Copy 2 of 3 · Bob Jones' (or without a name)."""
    lines = [f"Copy {k} of {copies.count}" for k in range(1, copies.count + 1)]
    if copies.recipients:
        lines = [f"{line} · {name}" for line, name in zip(lines, copies.recipients, strict=True)]
    return lines


def _overlaid(pdf: bytes, mark: Any) -> Any:
    """A new copy of the brief with mark (a page) laid over each of its pages. (pikepdf's
    add_overlay names the stamp at random, which would change the bytes at each build.)"""
    import pikepdf

    document = pikepdf.open(io.BytesIO(pdf))
    stamp = document.copy_foreign(mark.as_form_xobject())
    for page in document.pages:
        page.add_resource(stamp, pikepdf.Name.XObject, pikepdf.Name.BriefingStamp)
        # The page's own drawing is wrapped, so that what it leaves set moves no stamp.
        page.contents_add(pikepdf.Stream(document, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(document, b"\nQ q /BriefingStamp Do Q\n"))
    return document


def _joined(pdfs: list[bytes]) -> bytes:
    """One PDF of the pages of several, in order, each part's links within it (the
    brief's links go to named destinations, which add_pages_from carries over)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdfs[0])) as joined:
        for pdf in pdfs[1:]:
            with pikepdf.open(io.BytesIO(pdf)) as part:
                joined.add_pages_from(part, outlines="ignore")
        return _save(joined)


def _save(document: Any) -> bytes:
    """The PDF's bytes; the same document gives the same bytes (its /ID from its content)."""
    buffer = io.BytesIO()
    document.save(buffer, deterministic_id=True)
    return buffer.getvalue()


# The stamps are set with the brief's own head (its stylesheets, fonts and custom properties)
# and paged CSS, for its page size and margins; these rules, added after them, make every
# page of the stamps transparent and empty but for the copy's line, whatever pages (:left,
# :right, :first, :blank) or backgrounds the layout styles. What a layout may style, the
# copy's line and the watermark, is set through custom properties with its own faces and ink
# as defaults (the shipped brief.css's --brief-text-font, --brief-heading-font, --brief-ink).
_MARGIN_BOXES = [
    f"{edge}-{place}"
    for edge, places in (
        ("top", ("left-corner", "left", "center", "right", "right-corner")),
        ("bottom", ("left-corner", "left", "center", "right", "right-corner")),
        ("left", ("top", "middle", "bottom")),
        ("right", ("top", "middle", "bottom")),
    )
    for place in places
]
_EMPTY_PAGE = "background: none !important; " + " ".join(
    f"@{box} {{ content: none !important; background: none !important; border: none !important; }}"
    for box in _MARGIN_BOXES
)
_COPY_LINE = (
    "@bottom-left { content: string(copy) !important; font-weight: bold; font-size: 8pt; "
    'font-family: var(--brief-stamp-font, var(--brief-text-font, "Charis SIL", serif)); '
    "color: var(--brief-stamp-colour, var(--brief-ink, black)); "
    "vertical-align: top; padding-top: 2mm; text-align: left; }"
)
_STAMPS_CSS = (
    "".join(
        f"@page{pages} {{ {_EMPTY_PAGE} {_COPY_LINE} }}\n"
        for pages in ("", " :left", " :right", " :first", " :blank")
    )
    + """
html, body { margin: 0; background: none !important; }
.stamp { string-set: copy content() !important; break-after: page !important; height: 0;
         visibility: hidden !important; }
.stamp:last-child { break-after: auto !important; }
.watermark { position: fixed; margin: 0; padding: 0; white-space: pre; text-align: center;
             font-weight: bold; font-size: 100pt; line-height: normal;
             font-family: var(--brief-watermark-font,
                              var(--brief-heading-font, "Charis SIL", serif));
             color: var(--brief-watermark-colour, var(--brief-ink, black));
             opacity: var(--brief-watermark-opacity, 0.13); }
"""
)
MAX_WATERMARK = 40  # characters: more would be set too small to read across a page
_WATERMARK_MOST = 96  # points: the size of a short watermark, such as DRAFT
_WATERMARK_CLEAR = 0.06  # of the page's shorter side: what the watermark keeps from its edges


def _stamps_html(lines: list[str], watermark: str | None, page: Rendered) -> str:
    mark = f'<div class="watermark">{escape(watermark)}</div>' if watermark else ""
    stamps = "".join(f'<div class="stamp">{escape(line)}</div>' for line in lines)
    return f"{_head(page)}<body class='stamps'>{mark}{stamps}</body></html>"


def _head(page: Rendered) -> str:
    """The brief's page up to its body: its stylesheets, fonts and custom properties."""
    found = _BODY.search(page.html)
    return page.html[: found.start()] if found else "<!DOCTYPE html><html lang='en'>"


_BODY = re.compile(r"<body\b", re.I)


_PROBE = "briefing-watermark-probe"  # ids no layout's own rules are likely to name


def _watermark_css(watermark: str, page: Rendered, root: Path) -> str:
    """The watermark's size and place: set along the page's diagonal, centred, as large as
    fits inside the page with room at its edges (at most _WATERMARK_MOST points). Its width
    and height are measured as WeasyPrint sets it (its fonts, fallbacks and kerning), once at
    100 points, on the stamps' own page geometry."""
    import weasyprint

    probe = (
        f"{_head(page)}<body class='stamps'>"
        f'<span id="{_PROBE}-text" class="watermark" '
        f'style="position: static; display: inline-block">{escape(watermark)}</span>'
        f'<div id="{_PROBE}-area" style="position: fixed; top: 0; left: 0"></div></body></html>'
    )
    sheets = [weasyprint.CSS(string=css) for css in (page.pdf_css, _STAMPS_CSS)]
    base = str(root.resolve()) + "/"
    fetcher = project_fetcher(root)
    measured = weasyprint.HTML(string=probe, base_url=base, url_fetcher=fetcher).render(
        stylesheets=sheets
    )
    sheet = measured.pages[0]
    if f"{_PROBE}-text" not in sheet.anchors or f"{_PROBE}-area" not in sheet.anchors:
        return ""  # the layout's CSS hides the probe (a rule on .watermark, span or body)
    left, top, right, bottom = sheet.anchors[f"{_PROBE}-text"]
    area_left, area_top = sheet.anchors[f"{_PROBE}-area"][:2]  # position: fixed counts from here
    width, height = right - left, bottom - top  # CSS pixels, at 100 points
    slope = math.atan2(sheet.height, sheet.width)
    clear = 2 * _WATERMARK_CLEAR * min(sheet.width, sheet.height)
    across = width * math.cos(slope) + height * math.sin(slope)  # the turned text's extent
    down = width * math.sin(slope) + height * math.cos(slope)
    scale = min((sheet.width - clear) / across, (sheet.height - clear) / down)
    scale = min(scale, _WATERMARK_MOST / 100)
    width, height = width * scale, height * scale
    return (
        f".watermark {{ font-size: {100 * scale:.3f}pt; width: {width:.3f}px; "
        f"height: {height:.3f}px; left: {(sheet.width - width) / 2 - area_left:.3f}px; "
        f"top: {(sheet.height - height) / 2 - area_top:.3f}px; "
        f"transform: rotate({-slope:.5f}rad); }}\n"
    )


def _distribution_list(pdf: bytes, listing: str, page: Rendered, root: Path) -> bytes:
    """The master copy's last page(s): the layout's _distribution.html (listing, a page's
    body) set with the brief's own head and paged CSS, numbered on from its last page."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        after = len(document.pages)
    numbered_on = (
        f'@page {{ @bottom-right {{ content: "Page " counter(page); }} }}\n'
        f"@page :first {{ counter-reset: page {after + 1}; }}\n"
    )
    return _typeset(
        print_styled(f"{_head(page)}{listing}</html>", page.pdf_css + numbered_on), [], root
    )


def _stamp_pages(lines: list[str], page: Rendered, root: Path, copies: Copies) -> bytes:
    """The stamps, a page each: the watermark alone, the master copy's, then each copy's
    (lines), each with the watermark if there is one."""
    mark = _watermark_css(copies.watermark, page, root) if copies.watermark else ""
    stamps_html = _stamps_html(["", "Master copy", *lines], copies.watermark, page)
    return _typeset(stamps_html, [page.pdf_css, _STAMPS_CSS + mark], root)


def _typeset(html: str, css: list[str], root: Path) -> bytes:
    """html as PDF with these stylesheets, reading nothing but the project's files."""
    import weasyprint

    fetcher = project_fetcher(root)
    base = str(root.resolve()) + "/"
    sheets = [weasyprint.CSS(string=text, base_url=base, url_fetcher=fetcher) for text in css]
    document = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher)
    return bytes(document.write_pdf(stylesheets=sheets))
