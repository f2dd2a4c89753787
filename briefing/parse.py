"""Stage 2: parse brief.md into front matter, cover texts, blocks and citations.

The body is Markdown with fenced directives for the analytic constructs:

    :::{judgement} The one-sentence judgement.
    :id: backing
    :likelihood: very likely
    :confidence: high

    The argument, with citations [@source-id "a verbatim quote"].
    :::

mistune tokens carry no source positions, so this module scans the raw text itself: it
splits directives line by line and finds citations by character offset, replacing each
citation group with a placeholder that the Markdown renderer turns into links.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from .diagnostics import Diagnostics, Location
from .model import (
    Block,
    BriefText,
    CitationRef,
    Judgement,
    Markdown,
    Meta,
    Motive,
    MotiveSet,
    PartialDate,
    Prose,
    Scenario,
    TimelineSlot,
)
from .project import BRIEF
from .vocabulary import CONFIDENCE, VOCABULARIES
from .yamlfile import YamlMap, load_yaml, text_field

# A citation group is replaced by a placeholder of the same length and line breaks, so that
# an offset in a fragment's text is still an offset in brief.md: filler characters, then a
# marker holding one private-use character per citation index. (A line break among the
# group's last few characters moves in front of the marker: the line stays right, and only
# columns later on that line shift.)
FILL, CITE_OPEN, CITE_CLOSE = "\ue002", "\ue000", "\ue001"
_INDEX_BASE = 0xF0000
PLACEHOLDER = re.compile(f"(?:{FILL}[{FILL}\n]*)?{CITE_OPEN}([\U000f0000-\U000ffffd]+){CITE_CLOSE}")
MIN_QUOTE_WORDS = 3
MIN_QUOTE_CHARS = 15

FRONT_MATTER_KEYS = (
    "title", "subtitle", "short_title", "marking", "cutoff", "issued", "author",
    "product_id", "version", "paper", "layout", "vocabulary", "language", "keywords",
    "raw_html",
)  # fmt: skip
DIRECTIVES = ("bottom-line", "scope", "judgement", "motives", "scenario", "timeline")
JUDGEMENT_OPTIONS = ("id", "likelihood", "confidence")

_OPEN = re.compile(r"^:::\{(?P<name>[^}]*)\}[ \t]*(?P<arg>.*?)\s*$")
_CLOSE = re.compile(r"^:::\s*$")
_OPTION = re.compile(r"^:(?P<key>[A-Za-z][\w-]*):[ \t]*(?P<value>.*?)\s*$")
SOURCE_ID = re.compile(r"[A-Za-z0-9][\w.-]*")
_QUOTE_END = {'"': re.compile(r'"\s*[;\]]'), "\u201c": re.compile(r"\u201d\s*[;\]]")}
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LIST_ITEM = re.compile(r"^[-*+][ \t]+")
_JUDGEMENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def placeholder(group: str, indices: list[int]) -> str:
    marker = CITE_OPEN + "".join(chr(_INDEX_BASE + i) for i in indices) + CITE_CLOSE
    head, tail = group[: -len(marker)], group[-len(marker) :]
    return "".join("\n" if c == "\n" else FILL for c in head) + "\n" * tail.count("\n") + marker


def placeholder_indices(match: re.Match[str]) -> list[int]:
    """The citation indices of a PLACEHOLDER match."""
    return [ord(c) - _INDEX_BASE for c in match[1]]


def suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    """A 'did you mean' hint, or nothing."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f"did you mean '{close[0]}'?" if close else ""


@dataclass(frozen=True)
class _Chunk:
    """Text taken from brief.md; text[0] stands at line:col, later lines start at column 1."""

    text: str
    line: int
    col: int = 1

    def location(self, offset: int) -> Location:
        return Location(BRIEF, self.line, self.col).advance(self.text, offset)


@dataclass
class _Directive:
    name: str
    arg: _Chunk
    options: dict[str, tuple[str, Location]]
    content: _Chunk
    location: Location


class CitationScanner:
    """Finds citation groups in text, records them, and leaves placeholders behind."""

    def __init__(self, diagnostics: Diagnostics, first_index: int = 0) -> None:
        self.diagnostics = diagnostics
        self.citations: list[CitationRef] = []
        self.first_index = first_index

    def add(self, source: str, quote: str | None, location: Location) -> int:
        if quote is not None:
            quote = " ".join(quote.split())
            if len(quote.split()) < MIN_QUOTE_WORDS or len(quote) < MIN_QUOTE_CHARS:
                self.diagnostics.error(
                    location,
                    f"quote '{quote}' is too short to identify a passage",
                    hint=f"quote at least {MIN_QUOTE_WORDS} words and {MIN_QUOTE_CHARS} "
                    "characters, or cite the source alone",
                )
        ref = CitationRef(self.first_index + len(self.citations), source, quote, location)
        self.citations.append(ref)
        return ref.index

    def scan(self, chunk: _Chunk) -> Markdown:
        text, out, found, pos = chunk.text, [], [], 0
        while (start := text.find("[@", pos)) != -1:
            parsed = self._group(chunk, start)
            if parsed is None:
                self.diagnostics.error(
                    chunk.location(start),
                    "malformed citation",
                    hint='write [@source-id] or [@source-id "verbatim quote"]; '
                    "separate several with ';'",
                )
                out.append(text[pos : start + 2])
                pos = start + 2
                continue
            end, indices = parsed
            out.append(text[pos:start])
            out.append(placeholder(text[start:end], indices))
            found.extend(indices)
            pos = end
        out.append(text[pos:])
        return Markdown("".join(out), chunk.location(0), tuple(found))

    def _group(self, chunk: _Chunk, start: int) -> tuple[int, list[int]] | None:
        """Parse `[@id "quote"; @id]` at start; return its end and citation indices."""
        text, i, items = chunk.text, start + 1, []
        while True:
            while i < len(text) and text[i] in " \t\n":
                i += 1
            at = i
            if not text.startswith("@", i):
                return None
            ident = SOURCE_ID.match(text, i + 1)
            if not ident:
                return None
            i = ident.end()
            while i < len(text) and text[i] in " \t\n":
                i += 1
            quote = None
            quote_at = at
            if i < len(text) and text[i] in _QUOTE_END:
                end = _QUOTE_END[text[i]].search(text, i + 1)
                if not end or _BLANK_LINE.search(text, i, end.start()):
                    return None
                quote, quote_at, i = text[i + 1 : end.start()], i, end.start() + 1
                while text[i] in " \t\n":
                    i += 1
            items.append((ident.group(), quote, chunk.location(quote_at)))
            if i >= len(text) or text[i] not in ";]":
                return None
            if text[i] == "]":
                return i + 1, [self.add(*item) for item in items]
            i += 1


def parse_brief(source: str, diagnostics: Diagnostics) -> BriefText | None:
    """Parse brief.md; None when it is too broken to read at all."""
    if not source.strip():
        diagnostics.error(Location(BRIEF, 1, 1), "brief.md is empty")
        return None
    source = source.replace("\r\n", "\n")  # same lines and columns; one kind of line end
    lines = source.splitlines(keepends=True)
    if lines[0].rstrip() != "---":
        diagnostics.error(
            Location(BRIEF, 1, 1),
            "brief.md must begin with YAML front matter",
            hint="start the file with a line '---', the front matter, then another '---'",
        )
        return None
    close = next((n for n in range(1, len(lines)) if lines[n].rstrip() in ("---", "...")), None)
    if close is None:
        diagnostics.error(Location(BRIEF, 1, 1), "front matter is never closed by a '---' line")
        return None
    errors = len(diagnostics.errors)
    data = load_yaml("".join(lines[1:close]), BRIEF, diagnostics, line_offset=1)
    if data is None and len(diagnostics.errors) > errors:
        return None
    if not isinstance(data, YamlMap):
        diagnostics.error(Location(BRIEF, 2, 1), "front matter must be a mapping of keys")
        return None
    meta = parse_meta(data, diagnostics)
    scanner = CitationScanner(diagnostics)
    body = _Body(diagnostics, scanner, meta)
    body.read(lines, close + 1)
    check_addresses("".join(lines[close + 1 :]), Location(BRIEF, close + 2, 1), diagnostics)
    if meta is None:
        return None
    return BriefText(
        meta=meta,
        bottom_line=body.bottom_line,
        scope=body.scope,
        blocks=tuple(body.blocks),
        citations=tuple(scanner.citations),
    )


_ADDRESS = re.compile(r"(!?)\[[^\]\n]*\]\(\s*<?([^)\s>]*)")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def check_addresses(body: str, start: Location, diagnostics: Diagnostics) -> None:
    """Links may go to the web; images must be files inside the project (or data: URLs)."""
    for match in _ADDRESS.finditer(body):
        image, address = bool(match[1]), match[2]
        has_scheme = _SCHEME.match(address)
        scheme = has_scheme[1].lower() if has_scheme else ""
        if image:
            inside = not scheme and not address.startswith(("/", "\\")) and ".." not in address
            problem = (
                "" if inside or scheme == "data" else "an image must be a file inside the project"
            )
        else:
            problem = (
                ""
                if scheme in ("", "http", "https", "mailto")
                else f"'{scheme}:' links are not allowed"
            )
        if problem:
            diagnostics.error(
                start.advance(body, match.start(2)), f"{problem}: '{address}'",
                hint="images: a relative path such as figures/map.png; links: http(s) or mailto",
            )  # fmt: skip


def parse_meta(data: YamlMap, diagnostics: Diagnostics) -> Meta | None:
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            diagnostics.warning(
                data.where(key),
                f"unknown front-matter key '{key}'",
                suggest(key, FRONT_MATTER_KEYS),
            )
    errors = len(diagnostics.errors)

    def text(key: str, default: str = "", required: bool = False) -> str:
        return text_field(data, key, diagnostics, required=required, default=default)

    def date(key: str, precision: str = "") -> PartialDate:
        value = text(key, required=True)
        try:
            parsed = PartialDate.parse(value)
        except ValueError as error:
            if value:
                diagnostics.error(data.where(key), f"'{key}': {error}")
            return PartialDate(1)
        if precision and parsed.precision != precision:
            diagnostics.error(data.where(key), f"'{key}' must be a full date, YYYY-MM-DD")
        return parsed

    def choice(key: str, default: str, choices: tuple[str, ...]) -> str:
        value = text(key, default)
        if value not in choices:
            diagnostics.error(
                data.where(key),
                f"'{key}' must be one of {', '.join(choices)}, not '{value}'",
                suggest(value, choices),
            )
            return default
        return value

    def flag(key: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            diagnostics.error(data.where(key), f"'{key}' must be true or false")
            return False
        return value

    def keywords() -> tuple[str, ...]:
        value = data.get("keywords") or []
        if not isinstance(value, list) or not all(isinstance(k, str | int) for k in value):
            diagnostics.error(data.where("keywords"), "'keywords' must be a list of words")
            return ()
        return tuple(str(k) for k in value)

    title = text("title", required=True)
    meta = Meta(
        title=title,
        subtitle=text("subtitle"),
        short_title=text("short_title", title),
        marking=text("marking", required=True),
        cutoff=date("cutoff"),
        issued=date("issued", precision="day"),
        author=text("author"),
        product_id=text("product_id"),
        version=text("version", "1"),
        paper=cast(Any, choice("paper", "A4", ("A4", "letter"))),
        layout=text("layout", "brief"),
        vocabulary=choice("vocabulary", "icd203", tuple(VOCABULARIES)),
        language=text("language", "en"),
        keywords=keywords(),
        raw_html=flag("raw_html"),
    )
    if len(diagnostics.errors) == errors and meta.cutoff > meta.issued:
        diagnostics.error(data.where("cutoff"), "the information cut-off is after the issue date")
    return meta if len(diagnostics.errors) == errors else None


class _Body:
    """Reads the Markdown body into blocks, one directive or prose run at a time."""

    def __init__(self, diagnostics: Diagnostics, scanner: CitationScanner, meta: Meta | None):
        self.diagnostics = diagnostics
        self.scanner = scanner
        self.vocabulary = VOCABULARIES[meta.vocabulary if meta else "icd203"]
        self.blocks: list[Block] = []
        self.bottom_line: Markdown | None = None
        self.scope: Markdown | None = None
        self.judgement_ids: dict[str, Location] = {}

    def read(self, lines: list[str], first: int) -> None:
        prose_start, n = first, first
        while n < len(lines):
            match = _OPEN.match(lines[n])
            if not match:
                if _CLOSE.match(lines[n]):
                    self.diagnostics.error(
                        Location(BRIEF, n + 1, 1), "':::' closes a directive that was never opened"
                    )
                n += 1
                continue
            self._prose(lines, prose_start, n)
            n = self._directive(lines, n, match)
            prose_start = n
        self._prose(lines, prose_start, len(lines))

    def _prose(self, lines: list[str], start: int, end: int) -> None:
        text = "".join(lines[start:end])
        if text.strip():
            self.blocks.append(Prose(self.scanner.scan(_Chunk(text, start + 1))))

    def _directive(self, lines: list[str], n: int, match: re.Match[str]) -> int:
        """Read the directive opened on line n; return the index of the line after it."""
        location = Location(BRIEF, n + 1, 1)
        arg = _Chunk(match["arg"], n + 1, match.start("arg") + 1)
        options: dict[str, tuple[str, Location]] = {}
        i = n + 1
        while i < len(lines) and (option := _OPTION.match(lines[i])):
            options[option["key"]] = (option["value"], Location(BRIEF, i + 1, 1))
            i += 1
        start = i
        while i < len(lines) and not _CLOSE.match(lines[i]):
            if _OPEN.match(lines[i]):
                self.diagnostics.error(
                    Location(BRIEF, i + 1, 1),
                    "a directive cannot open inside another",
                    hint=f"close the directive opened on line {n + 1} with ':::' first",
                )
            i += 1
        if i == len(lines):
            self.diagnostics.error(
                location, f"directive '{match['name']}' is never closed", hint="end it with ':::'"
            )
        content = _Chunk("".join(lines[start:i]), start + 1)
        self._build(_Directive(match["name"].strip(), arg, options, content, location))
        return i + 1

    def _build(self, d: _Directive) -> None:
        builders: dict[str, Callable[[_Directive], None]] = {
            "bottom-line": self._bottom_line,
            "scope": self._scope,
            "judgement": self._judgement,
            "motives": self._motives,
            "scenario": self._scenario,
            "timeline": self._timeline,
        }
        builder = builders.get(d.name)
        if builder is None:
            self.diagnostics.error(
                d.location, f"unknown directive '{d.name}'", suggest(d.name, DIRECTIVES)
            )
            return
        builder(d)

    def _check_options(self, d: _Directive, allowed: tuple[str, ...]) -> None:
        for key, (_, where) in d.options.items():
            if key not in allowed:
                hint = suggest(key, allowed) or (
                    f"'{d.name}' takes {', '.join(allowed)}" if allowed else "it takes no options"
                )
                self.diagnostics.error(where, f"unknown option ':{key}:' for '{d.name}'", hint)

    def _cover_text(self, d: _Directive) -> Markdown | None:
        self._check_options(d, ())
        if d.arg.text:
            self.diagnostics.error(
                d.arg.location(0),
                f"'{d.name}' takes no text on its opening line",
                hint="write the text on the lines below it",
            )
        if not d.content.text.strip():
            self.diagnostics.error(d.location, f"'{d.name}' is empty")
            return None
        return self.scanner.scan(d.content)

    def _bottom_line(self, d: _Directive) -> None:
        if self.bottom_line is not None:
            self.diagnostics.error(d.location, "the brief has a bottom line already")
        self.bottom_line = self._cover_text(d)

    def _scope(self, d: _Directive) -> None:
        if self.scope is not None:
            self.diagnostics.error(d.location, "the brief has a scope note already")
        self.scope = self._cover_text(d)

    def _judgement(self, d: _Directive) -> None:
        self._check_options(d, JUDGEMENT_OPTIONS)
        for key in JUDGEMENT_OPTIONS:
            if key not in d.options:
                self.diagnostics.error(d.location, f"judgement is missing ':{key}:'")
        ident, ident_at = d.options.get("id", ("", d.location))
        if ident and not _JUDGEMENT_ID.match(ident):
            self.diagnostics.error(
                ident_at, f"judgement id '{ident}' must be lower-case letters, digits and '-'"
            )
        if ident and ident in self.judgement_ids:
            self.diagnostics.error(
                ident_at,
                f"duplicate judgement id '{ident}'",
                hint=f"first used at {self.judgement_ids[ident]}",
            )
        if ident:
            self.judgement_ids.setdefault(ident, ident_at)
        likelihood = self._likelihood(*d.options.get("likelihood", ("", d.location)))
        confidence, confidence_at = d.options.get("confidence", ("", d.location))
        confidence = confidence.lower().removesuffix(" confidence")
        if confidence and confidence not in CONFIDENCE:
            self.diagnostics.error(
                confidence_at,
                f"confidence must be one of {', '.join(CONFIDENCE)}, not '{confidence}'",
            )
        if not d.arg.text:
            self.diagnostics.error(
                d.location, "judgement has no statement", hint="write it after ':::{judgement}'"
            )
        statement = self.scanner.scan(d.arg)
        argument = self.scanner.scan(d.content)
        if not statement.citations + argument.citations:
            self.diagnostics.error(d.location, "judgement cites no source")
        number = sum(isinstance(b, Judgement) for b in self.blocks) + 1
        self.blocks.append(
            Judgement(number, ident, statement, likelihood, confidence, argument, d.location)
        )

    def _likelihood(self, term: str, where: Location) -> str:
        term = " ".join(term.lower().split())
        if not term or self.vocabulary.band(term):
            return term
        other = next((v for v in VOCABULARIES.values() if v.band(term)), None)
        if other:
            hint = f"'{term}' belongs to the {other.title}"
        else:
            hint = suggest(term, self.vocabulary.terms) or "terms: " + ", ".join(
                self.vocabulary.terms
            )
        self.diagnostics.error(
            where, f"'{term}' is not a likelihood term of the {self.vocabulary.title}", hint
        )
        return term

    def _motives(self, d: _Directive) -> None:
        self._check_options(d, ())
        actor = d.arg.text.strip()
        if not actor:
            self.diagnostics.error(d.location, "motives need an actor: ':::{motives} Name'")
        lines = d.content.text.splitlines(keepends=True)
        starts = [i for i, line in enumerate(lines) if _LIST_ITEM.match(line)]
        if not starts:
            self.diagnostics.error(d.location, "motives need a list, one '- ' item for each motive")
        intro = self.scanner.scan(
            _Chunk("".join(lines[: starts[0] if starts else None]), d.content.line)
        )
        motives = []
        for k, first in enumerate(starts):
            last = starts[k + 1] if k + 1 < len(starts) else len(lines)
            item = lines[first:last]
            marker = _LIST_ITEM.match(item[0])
            assert marker is not None
            item[0] = item[0][marker.end() :]
            text = self.scanner.scan(
                _Chunk("".join(item), d.content.line + first, marker.end() + 1)
            )
            if not text.citations:
                self.diagnostics.error(text.location, f"this motive of {actor} cites no source")
            motives.append(Motive(text))
        self.blocks.append(MotiveSet(actor, intro, tuple(motives), d.location))

    def _scenario(self, d: _Directive) -> None:
        self._check_options(d, ("likelihood",))
        if "likelihood" not in d.options:
            self.diagnostics.error(d.location, "scenario is missing ':likelihood:'")
        if not d.arg.text:
            self.diagnostics.error(d.location, "scenario has no title")
        likelihood = self._likelihood(*d.options.get("likelihood", ("", d.location)))
        title = self.scanner.scan(d.arg)
        self.blocks.append(Scenario(title, likelihood, self.scanner.scan(d.content), d.location))

    def _timeline(self, d: _Directive) -> None:
        self._check_options(d, ())
        if any(isinstance(b, TimelineSlot) for b in self.blocks):
            self.diagnostics.error(d.location, "the timeline is placed twice")
        if "[@" in d.arg.text:
            self.diagnostics.error(d.arg.location(d.arg.text.index("[@")),
                                   "the timeline's caption cannot cite; its events do")  # fmt: skip
        if d.content.text.strip():
            self.diagnostics.warning(
                d.content.location(0), "text inside ':::{timeline}' is not shown; put it before"
            )
        self.blocks.append(TimelineSlot(d.arg.text.strip(), d.location))
