"""Part of stage 3: quality findings in a source's text, by general rules, never per file.

- repeated passages: lines (the paragraphs of pasted text) or sentences that occur more
  than once; each repeat is a finding, and adjacent repeats merge into one;
- page furniture: lines that are not article text: rows of reaction buttons, cookie and
  privacy notices, dated teasers for other articles, comment counters, credits and
  breadcrumbs, and the short unpunctuated lines that trail after the article's last
  paragraph (site bylines and footers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .evidence import fold
from .model import Finding

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_DATE_FIRST = re.compile(rf"^(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}})")
_COOKIE = re.compile(r"\bcookies?\b.*\b(?:consent|privacy|browsing|accept|use)\b|"
                     r"\b(?:privacy policy|your privacy)\b", re.IGNORECASE)  # fmt: skip
_COMMENTS = re.compile(r"^(?:\d+\s+comments?|comments?\s*[:(]?\s*\d+\)?)$", re.IGNORECASE)
_CREDIT = re.compile(r"^(?:source|photo|image|credit|photograph)s?\s*:", re.IGNORECASE)
_CAPTION = re.compile(r"\((?:photo|image|picture)s?\s*:[^)]*\)\s*$", re.IGNORECASE)
_BREADCRUMB = re.compile(r"^home\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"”’)]*|$)")
_WORD = re.compile(r"\w+")
MIN_REPEAT_WORDS = 8


@dataclass(frozen=True)
class _Line:
    number: int
    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.text))

    @property
    def punctuated(self) -> bool:
        return self.text.rstrip('"”’)').endswith((".", "!", "?"))


def _lines(text: str) -> list[_Line]:
    lines, offset = [], 0
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if stripped:
            start = offset + raw.index(stripped[0])
            lines.append(_Line(number, start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return lines


def find_findings(text: str) -> tuple[Finding, ...]:
    lines = _lines(text)
    findings = _repeats(text, lines) + _furniture(lines)
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
        for match in _SENTENCE.finditer(line.text):
            sentence = match.group().strip()
            if len(_WORD.findall(sentence)) < MIN_REPEAT_WORDS:
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


def _furniture(lines: list[_Line]) -> list[Finding]:
    reasons: dict[int, list[str]] = {}

    def mark(line: _Line, reason: str) -> None:
        reasons.setdefault(line.number, [])
        if reason not in reasons[line.number]:
            reasons[line.number].append(reason)

    # Rows of three or more one- or two-word lines: buttons, not prose.
    run: list[_Line] = []
    for line in [*lines, None]:
        button = line is not None and line.words <= 2 and not line.punctuated
        if line is not None and button and run and line.number == run[-1].number + 1:
            run.append(line)
            continue
        if len(run) >= 3:
            for item in run:
                mark(item, "row of buttons")
        run = [line] if line is not None and button else []
    for i, line in enumerate(lines):
        if _COOKIE.search(line.text):
            mark(line, "cookie or privacy notice")
        if _DATE_FIRST.match(line.text) and line.words <= 25 and not line.punctuated:
            mark(line, "dated teaser for another article")
            before = lines[i - 1] if i else None
            if (
                before
                and before.number == line.number - 1
                and before.words <= 20
                and not before.punctuated
            ):
                mark(before, "dated teaser for another article")
        if _COMMENTS.match(line.text):
            mark(line, "comment counter")
        if _CREDIT.match(line.text) and line.words <= 8:
            mark(line, "credit line")
        if _CAPTION.search(line.text):
            mark(line, "photo caption")
        if _BREADCRUMB.match(line.text) and line.words <= 12 and not line.punctuated:
            mark(line, "breadcrumb")
    # Short unpunctuated lines after the last paragraph: the site's byline or footer.
    last = max((i for i, ln in enumerate(lines) if ln.words >= 15 and ln.punctuated), default=None)
    if last is not None:
        for line in lines[last + 1 :]:
            if line.words <= 12 and not line.punctuated:
                mark(line, "trailing site byline or footer")
    # Adjacent lines marked for the same reasons make one finding.
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
                    f"{'; '.join(reasons[head.number])} ({where})", excerpt)
        )  # fmt: skip
    return findings
