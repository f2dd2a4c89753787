"""Part of stage 3: quality findings in a source's text, by general rules, never per file.

- repeated passages: lines (the paragraphs of pasted text) or sentences that occur more
  than once; each repeat is a finding, and adjacent repeats merge into one;
- page furniture: lines that are not article text: rows of buttons, menu items and labels
  (up to four unpunctuated words that no paragraph follows), runs of headlines in title
  case, cookie and privacy notices, subscription, sign-in and advertising prompts, share
  buttons, headings of lists of other articles, dated teasers, timestamps, comment
  counters, credits, captions and breadcrumbs; the short unpunctuated lines before the
  article's first paragraph (the site's header) and after its last (bylines, footers);
  and what a reader knows to be furniture (a PDF's running headers and page numbers).

The rules are scored by `make eval` on a browser's copy of thirty real news pages.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

from . import folding, words
from .cache import cache_folder, code_digest, load_cached, store_cached
from .folding import fold
from .model import Finding
from .readers.base import Furniture, PageRules
from .words import SENTENCE, count_words, ends_a_sentence

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_DATE_FIRST = re.compile(rf"^(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}})")
_COOKIE = re.compile(r"\bcookies?\b.*\b(?:consent|privacy|browsing|accept|use)\b|"
                     r"\b(?:privacy policy|your privacy)\b", re.IGNORECASE)  # fmt: skip
_COMMENTS = re.compile(r"^(?:\d+\s+comments?|comments?\s*[:(]?\s*\d+\)?)$", re.IGNORECASE)
_CREDIT = re.compile(r"^(?:(?:source|photo|image|credit|photograph)s?\s*:"
                     r"|(?:photo|image)\s*credit)", re.IGNORECASE)  # fmt: skip
_CAPTION = re.compile(r"\((?:photo|image|picture)s?\s*:[^)]*\)\s*$", re.IGNORECASE)
_BREADCRUMB = re.compile(r"^home\b", re.IGNORECASE)
_PROMPT = re.compile(
    r"\b(?:sign (?:up|in)|log ?in|subscribe|subscription|newsletter|register|create an account"
    r"|download (?:the|our) app|follow us)\b",
    re.IGNORECASE,
)
_ADVERT = re.compile(r"\b(?:advertisement|advertising|sponsored)\b", re.IGNORECASE)
_SHARE = re.compile(r"^(?:share|tweet|e-?mail|print|pin it|save|bookmark|whatsapp|facebook"
                    r"|twitter|linkedin|reddit|copy link)\b", re.IGNORECASE)  # fmt: skip
_TEASER_HEAD = re.compile(r"^(?:related|read more|more from|more on|most (?:popular|read|viewed)"
                          r"|recommended|trending|you (?:may|might) also like|see also|top stories"
                          r"|latest|don[’']?t miss|must read)\b", re.IGNORECASE)  # fmt: skip
_DATE_ONLY = re.compile(rf"{_DATE_FIRST.pattern}\W*$")
_POSTED = re.compile(rf"^(?:posted|published|updated|last updated)(?: on| at)?\s*:?\s*"
                     rf"(?:{_MONTH}|\d)", re.IGNORECASE)  # fmt: skip
_SEE_MORE = re.compile(r"^(?:see more|read more|read also|also read|more|watch|related|lire aussi)"
                       r"\s*:", re.IGNORECASE)  # fmt: skip
_TAGGED = re.compile(r"\[[A-Z][A-Z ]{2,}\]$")  # 'China furious at Macron [INSIGHT]'
_GRAPHIC = re.compile(r"^\((?:graphic|chart|interactive|factbox)s?\b[^)]*\)$", re.IGNORECASE)
_REPORTING = re.compile(r"^\(?(?:additional )?(?:reporting|writing)(?: and \w+)? by\b"
                        r".*\bediting by\b|^\(?editing by\b"
                        r"|\bcontributed (?:reporting|research|to this (?:report|article|story))\b",
                        re.IGNORECASE)  # fmt: skip
_FOLLOW = re.compile(r"^follow\b.*\bon (?:facebook|twitter|instagram|linkedin|tiktok|youtube|x)\b",
                     re.IGNORECASE)  # fmt: skip
_SIGNED_UP = re.compile(r"^thanks?(?: you)? for (?:signing up|subscribing|registering)", re.I)
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\) \d{4})|\ball rights reserved\b"
                        r"|^(?:this|the|all) (?:website|site|blog|page|work|content|article"
                        r"|post)s?\b.*\blicen[sc]ed under\b", re.IGNORECASE)  # fmt: skip
_FILED = re.compile(r"^(?:filed|posted) (?:under|in)\s*:|^(?:tags|categories|topics)\s*:", re.I)
_READING_TIME = re.compile(r"^(?:reading time\s*:?\s*)?\d+\s*(?:min(?:ute)?s?|m)(?: read)?$", re.I)
_AFFILIATE = re.compile(r"\b(?:earn|receive|get) (?:a )?(?:small )?(?:commission|share of "
                        r"(?:the )?(?:sales|revenue))|\baffiliate (?:links?|commissions?)\b",
                        re.IGNORECASE)  # fmt: skip
_ORIGINALLY = re.compile(r"^(?:this (?:article|post|story) was )?originally (?:published|posted)"
                         r"\b", re.IGNORECASE)  # fmt: skip
_COMMENT_PROMPT = re.compile(r"^(?:submit|leave|post|add|write|send) (?:a |your )?"
                             r"(?:comments?|reply|replies)\b", re.IGNORECASE)  # fmt: skip
_SECTION = re.compile(r"^from the section\b", re.IGNORECASE)
_TIMESTAMP = re.compile(r"^(?:\d{1,2}[:.h]\d{2}\b|\d{1,2}[./-]\w{2,4}[./-]\d{2,4}\b)")
_MENU_SEPARATORS = re.compile(r"[|▪•·]")
_TABLE_ROW = re.compile(r"^\|.*\|$")  # '| cell | cell |': a table as an extractor writes it
_CAPITALISED = re.compile(r"[^\W\d_][\w’'-]*")
_ITEM = re.compile(r"^(?:[-*•]\s+|\d+\.\s+)")
MIN_REPEAT_WORDS = 8


@dataclass(frozen=True)
class _Line:
    number: int
    start: int
    end: int
    text: str

    @cached_property  # every rule asks; a long source has a hundred thousand lines
    def words(self) -> int:
        return count_words(self.text)

    @property
    def paragraph(self) -> bool:
        """A punctuated line of fifteen words or more: the article's own prose."""
        return self.words >= 15 and self.punctuated

    @cached_property
    def bare(self) -> str:
        """The text without a list item's mark ('- ', '1. ')."""
        return _ITEM.sub("", self.text)

    @cached_property
    def punctuated(self) -> bool:
        return ends_a_sentence(self.text)


def _lines(text: str) -> list[_Line]:
    lines, offset = [], 0
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if stripped:
            start = offset + raw.index(stripped[0])
            lines.append(_Line(number, start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return lines


def cached_findings(
    text: str, known: tuple[Furniture, ...] = (), rules: PageRules = "pasted"
) -> tuple[Finding, ...]:
    """find_findings, kept in the cache folder under a hash of its inputs and of the code
    that finds them (a second build or search of 5 MB of sources saves about a second)."""
    code = code_digest(find_findings, folding, words)
    inputs = json.dumps([code, text, [asdict(f) for f in known], rules], ensure_ascii=False)
    digest = hashlib.sha256(inputs.encode()).hexdigest()
    entry = cache_folder() / "findings" / f"{digest}.json"
    cached = load_cached(entry)
    if isinstance(cached, list) and all(_is_finding(f, len(text)) for f in cached):
        return tuple(
            Finding(f["kind"], (f["span"][0], f["span"][1]), f["line"], f["detail"], f["excerpt"])
            for f in cached
        )
    findings = find_findings(text, known, rules)
    store_cached(entry, [asdict(f) for f in findings])
    return findings


def _is_finding(value: Any, length: int) -> bool:
    """Whether value is a Finding as asdict gives it, within a text of that length."""
    if not isinstance(value, dict) or value.keys() != {"kind", "span", "line", "detail", "excerpt"}:
        return False
    span = value["span"]
    return (
        value["kind"] in ("repeated-passage", "page-furniture")
        and isinstance(span, list)
        and len(span) == 2
        and all(type(n) is int and 0 <= n <= length for n in span)
        and type(value["line"]) is int
        and isinstance(value["detail"], str)
        and isinstance(value["excerpt"], str)
    )


def find_findings(
    text: str, known: tuple[Furniture, ...] = (), rules: PageRules = "pasted"
) -> tuple[Finding, ...]:
    """The findings of a text; known is the furniture its reader found (a PDF's running
    headers), reported like the rest. The furniture rules are for text pasted from a web
    page; for an article already extracted from a page only those that read what a line
    says apply, and for a document (PDF, Word) none: its reader knows its furniture."""
    lines = _lines(text)
    findings = _repeats(text, lines) + _furniture(lines, known, rules)
    return tuple(sorted(findings, key=lambda f: f.span))


def _repeats(text: str, lines: list[_Line]) -> list[Finding]:
    first: dict[str, _Line] = {}
    repeats: list[tuple[_Line, _Line]] = []
    for line in lines:
        key = fold(line.text)
        if line.words >= MIN_REPEAT_WORDS and key in first:
            repeats.append((line, first[key]))
        else:
            first.setdefault(key, line)
    findings = _merge(text, repeats)
    repeated = {line.number for line, _ in repeats}
    seen: dict[str, tuple[_Line, int]] = {}
    for line in lines:
        if line.number in repeated:
            continue
        for match in SENTENCE.finditer(line.text):
            sentence = match.group().strip()
            if count_words(sentence) < MIN_REPEAT_WORDS:
                continue
            key = fold(sentence)
            if key in seen:
                start = (
                    line.start + match.start() + (len(match.group()) - len(match.group().lstrip()))
                )
                findings.append(
                    Finding("repeated-passage", (start, start + len(sentence)), line.number,
                            f"sentence repeats line {seen[key][0].number}", sentence)
                )  # fmt: skip
            else:
                seen[key] = (line, match.start())
    return findings


def _merge(text: str, repeats: list[tuple[_Line, _Line]]) -> list[Finding]:
    """One finding per run of repeated lines separated only by blank lines."""
    runs: list[list[tuple[_Line, _Line]]] = []
    for repeat in repeats:
        if runs and not text[runs[-1][-1][0].end : repeat[0].start].strip():
            runs[-1].append(repeat)
        else:
            runs.append([repeat])
    findings = []
    for run in runs:
        (head, original), (tail, last_original) = run[0], run[-1]
        lines = f"lines {head.number}-{tail.number}" if tail is not head else f"line {head.number}"
        source = (
            f"lines {original.number}-{last_original.number}"
            if last_original is not original
            else f"line {original.number}"
        )
        count = f"{len(run)} paragraphs" if len(run) > 1 else "a paragraph"
        findings.append(
            Finding("repeated-passage", (head.start, tail.end), head.number,
                    f"{count} ({lines}) repeating {source}", head.text)
        )  # fmt: skip
    return findings


def _furniture(lines: list[_Line], known: tuple[Furniture, ...], rules: PageRules) -> list[Finding]:
    """Each furniture line with one reason: the first rule that marks it, most specific
    (what the line says) before most general (where it stands, how short it is)."""
    marks = _known(lines, known)
    if rules != "document":
        marks += _said(lines)
    if rules == "pasted":
        marks += _layout(lines)
    reasons: dict[int, str] = {}
    for line, reason in marks:
        reasons.setdefault(line.number, reason)
    return _furniture_findings(lines, reasons)


def _known(lines: list[_Line], known: tuple[Furniture, ...]) -> list[tuple[_Line, str]]:
    """The lines that start inside the furniture the reader found."""
    starts = [line.start for line in lines]
    return [
        (lines[i], f.reason)
        for f in known
        for i in range(bisect.bisect_left(starts, f.start), bisect.bisect_left(starts, f.end))
    ]


def _layout(lines: list[_Line]) -> list[tuple[_Line, str]]:
    """Lines that are furniture by where they stand and how short they are."""
    marks = [(line, "row of buttons") for line in _button_rows(lines)]
    marks += [(line, "list of headlines") for line in _headline_runs(lines)]
    marks += [(line, "site header, navigation or byline") for line in _leading_lines(lines)]
    marks += [(line, "trailing site byline or footer") for line in _trailing_lines(lines)]
    marks += [(line, "menu item or label") for line in _labels(lines)]
    return marks


def _button_rows(lines: list[_Line]) -> list[_Line]:
    """Rows of three or more adjacent one- or two-word lines: buttons, not prose."""
    rows = _runs(lines, lambda line: _short_label(line, 2))
    return [line for row in rows if len(row) >= 3 for line in row]


def _runs(lines: list[_Line], member: Callable[[_Line], bool]) -> list[list[_Line]]:
    """Runs of adjacent lines (no blank line between) that are all members."""
    runs: list[list[_Line]] = []
    for line in lines:
        if not member(line):
            continue
        if runs and line.number == runs[-1][-1].number + 1:
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _last_paragraph(lines: list[_Line]) -> int | None:
    """The index of the article's last paragraph: a punctuated line of fifteen words or more."""
    return max((i for i, line in enumerate(lines) if line.paragraph), default=None)


def _labels(lines: list[_Line]) -> list[_Line]:
    """Lines of up to four unpunctuated words that no paragraph follows: menu items,
    buttons and labels. (A subheading is followed by its paragraph.)"""
    found = []
    for line, after in zip(lines, [*lines[1:], None], strict=True):
        heading = after is not None and after.words >= 10 and after.punctuated
        if line.words <= 4 and not line.punctuated and not line.text.endswith(":") and not heading:
            found.append(line)
    return found


def _headline_runs(lines: list[_Line]) -> list[_Line]:
    """Two or more adjacent unpunctuated lines set in title case: headlines of other
    articles."""

    def headline(line: _Line) -> bool:
        words = _CAPITALISED.findall(line.text)
        capitals = sum(w[0].isupper() for w in words)
        return 3 <= len(words) <= 20 and capitals >= 0.6 * len(words) and not line.punctuated

    return [line for run in _runs(lines, headline) if len(run) >= 2 for line in run]


def _leading_lines(lines: list[_Line]) -> list[_Line]:
    """Lines of up to three unpunctuated words before the first paragraph: the site's
    header and navigation."""
    first = next((i for i, line in enumerate(lines) if line.paragraph), 0)
    return [line for line in lines[:first] if line.words <= 3 and not line.punctuated]


# What a line says, and the furniture that shows: (reason, test), in order of precedence.
_SAYS: tuple[tuple[str, Callable[[_Line], object]], ...] = (
    ("cookie or privacy notice", lambda line: line.words <= 45 and _COOKIE.search(line.text)),
    ("comment counter", lambda line: _COMMENTS.match(line.text)),
    ("credit line", lambda line: line.words <= 8 and _CREDIT.match(line.text)),
    ("photo caption", lambda line: _CAPTION.search(line.text)),
    ("breadcrumb", lambda line: _short_label(line, 12) and _BREADCRUMB.match(line.text)),
    ("timestamp", lambda line: line.words <= 8 and _TIMESTAMP.match(line.text)),
    ("menu", lambda line: not line.punctuated and len(_MENU_SEPARATORS.findall(line.text)) >= 2
     and not _TABLE_ROW.match(line.text)),
    ("subscription, sign-in or advertising prompt",
     lambda line: (line.words <= 15 and _PROMPT.search(line.text))
     or (_short_label(line, 8) and _ADVERT.search(line.text))),
    ("share button", lambda line: _short_label(line, 6) and _SHARE.match(line.text)),
    ("newsletter sign-up box", lambda line: line.words <= 15 and _SIGNED_UP.match(line.bare)),
    ("follow prompt", lambda line: line.words <= 25 and _FOLLOW.match(line.bare)),
    ("link to another article", lambda line: line.words <= 30 and _SEE_MORE.match(line.bare)),
    ("teaser for another article",
     lambda line: _short_label(line, 25) and _TAGGED.search(line.bare)),
    ("link to a graphic", lambda line: line.words <= 30 and _GRAPHIC.match(line.bare)),
    ("reporting credits", lambda line: line.words <= 40 and _REPORTING.search(line.bare)),
    ("copyright or licence notice", lambda line: line.words <= 40 and _COPYRIGHT.search(line.bare)),
    ("the site's categories", lambda line: line.words <= 30 and _FILED.match(line.bare)),
    ("reading time", lambda line: line.words <= 5 and _READING_TIME.match(line.bare)),
    ("affiliate note", lambda line: line.words <= 60 and _AFFILIATE.search(line.bare)),
    ("note of where the article first appeared",
     lambda line: line.words <= 60 and _ORIGINALLY.match(line.bare)),
    ("comment prompt", lambda line: line.words <= 15 and _COMMENT_PROMPT.match(line.bare)),
    ("the article's section", lambda line: _short_label(line, 8) and _SECTION.match(line.bare)),
    ("timestamp", lambda line: line.words <= 12 and (_POSTED.match(line.bare)
                                                    or _DATE_ONLY.match(line.bare))),
    ("heading of a list of other articles",
     lambda line: _short_label(line, 6) and _TEASER_HEAD.match(line.bare)),
)  # fmt: skip


def _short_label(line: _Line, words: int) -> bool:
    return line.words <= words and not line.punctuated


def _said(lines: list[_Line]) -> list[tuple[_Line, str]]:
    """Lines whose words show them to be furniture, each with its reason."""
    found = [(line, reason) for line in lines for reason, test in _SAYS if test(line)]
    return _dated_teasers(lines) + found


def _dated_teasers(lines: list[_Line]) -> list[tuple[_Line, str]]:
    """A short unpunctuated line that starts with a date, and the headline before it."""
    found = []
    for before, line in zip([None, *lines], lines, strict=False):
        if _DATE_FIRST.match(line.text) and _short_label(line, 25):
            found.append((line, "dated teaser for another article"))
            if before and before.number == line.number - 1 and _is_heading_like(before):
                found.append((before, "dated teaser for another article"))
    return found


def _is_heading_like(line: _Line) -> bool:
    """A teaser's headline: short and unpunctuated."""
    return line.words <= 20 and not line.punctuated


def _trailing_lines(lines: list[_Line]) -> list[_Line]:
    """Short unpunctuated lines after the last paragraph: the site's byline or footer."""
    last = _last_paragraph(lines)
    if last is None:
        return []
    return [line for line in lines[last + 1 :] if line.words <= 20 and not line.punctuated]


def _furniture_findings(lines: list[_Line], reasons: dict[int, str]) -> list[Finding]:
    """One finding for each run of adjacent lines marked for the same reasons."""
    blocks: list[list[_Line]] = []
    for line in lines:
        if line.number not in reasons:
            continue
        previous = blocks[-1][-1] if blocks else None
        if (
            previous
            and previous.number == line.number - 1
            and reasons[previous.number] == reasons[line.number]
        ):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    findings = []
    for block in blocks:
        head, tail = block[0], block[-1]
        where = f"lines {head.number}-{tail.number}" if len(block) > 1 else f"line {head.number}"
        excerpt = " · ".join(line.text for line in block)
        findings.append(
            Finding("page-furniture", (head.start, tail.end), head.number,
                    f"{reasons[head.number]} ({where})", excerpt)
        )  # fmt: skip
    return findings
