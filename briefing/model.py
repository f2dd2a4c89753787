"""The typed values that pass between the stages of the pipeline."""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar, get_args

from .diagnostics import Location
from .isodate import read_date

if TYPE_CHECKING:  # briefing.changes builds on the model; the model only names its values
    from .changes import Change, Changes

Precision = Literal["year", "month", "day"]
Paper = Literal["A4", "letter"]
PAPERS: tuple[str, ...] = get_args(Paper)
# Where the annex (annotated sources, corroboration, the language and grading tables) goes:
# after the body in brief.pdf, in a PDF of its own (brief-annex.pdf), or nowhere on paper.
Annex = Literal["appended", "separate", "none"]
ANNEXES: tuple[str, ...] = get_args(Annex)
B = TypeVar("B", bound="Block")
NEAR_IDENTICAL = 0.8  # most of a document, to be the same document twice


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day, and no more precisely."""

    year: int
    month: int = 0
    day: int = 0

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise DateError (a ValueError) saying
        why not otherwise."""
        return cls(*read_date(text))

    @property
    def precision(self) -> Precision:
        return "day" if self.day else "month" if self.month else "year"

    def __str__(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @property
    def display(self) -> str:
        """The date as a reader expects it: '2015', 'October 2015', '20 October 2015'."""
        if self.day:
            return f"{self.day} {calendar.month_name[self.month]} {self.year}"
        if self.month:
            return f"{calendar.month_name[self.month]} {self.year}"
        return str(self.year)

    @property
    def interval(self) -> tuple[dt.date, dt.date]:
        """First and last day the date may stand for."""
        if self.day:
            day = dt.date(self.year, self.month, self.day)
            return day, day
        if self.month:
            last = calendar.monthrange(self.year, self.month)[1]
            return dt.date(self.year, self.month, 1), dt.date(self.year, self.month, last)
        return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)


class Extra(dict[str, Any]):
    """The front matter's `extra:` mapping: values of the brief's own for its layout (text,
    numbers, true/false, lists and mappings; a mapping in it is an Extra too). A layout
    reads meta.extra.NAME, and a name the brief does not give renders empty (see
    briefing.sandbox), so a shared layout prints a value only where a brief gives it."""


@dataclass(frozen=True)
class Meta:
    """The brief's front matter."""

    title: str
    subtitle: str
    short_title: str
    marking: str
    cutoff: PartialDate
    issued: PartialDate
    author: str
    product_id: str
    version: str
    paper: Paper
    layout: str
    vocabulary: str
    language: str
    keywords: tuple[str, ...] = ()
    raw_html: bool = False
    contents: bool | None = None  # None: a contents page when the PDF runs over 8 pages
    previous: Previous | None = None  # the released edition this one is compared with
    withdrawn: tuple[Withdrawal, ...] = ()
    waived: tuple[Waiver, ...] = ()  # tradecraft rules turned off, each with its reason
    horizon: PartialDate | None = None  # the date the scenarios and outlook look to
    annex: Annex = "appended"  # where the PDF prints the annex (the HTML has it all)
    extra: Extra = field(default_factory=Extra, hash=False)  # the layout's own


@dataclass(frozen=True)
class Previous:
    """`previous: VERSION` in the front matter: an edition released under editions/."""

    version: str
    location: Location


@dataclass(frozen=True)
class Withdrawal:
    """A judgement of the previous edition that this one no longer makes, and why."""

    id: str
    reason: str
    location: Location


@dataclass(frozen=True)
class Waiver:
    """A tradecraft rule the brief turns off (its name, as briefing.tradecraft lists it),
    and the reason, which the scope note prints."""

    rule: str
    reason: str
    location: Location


# --- citations --------------------------------------------------------------------------


@dataclass(frozen=True)
class CitationRef:
    """A citation as written: a source id and, for a passage, its verbatim quote."""

    index: int
    source: str
    quote: str | None
    location: Location


@dataclass(frozen=True)
class Citation:
    """A citation resolved against its source: where the quote stands in the source text."""

    ref: CitationRef
    spans: tuple[tuple[int, int], ...]
    verified: bool

    @property
    def index(self) -> int:
        return self.ref.index

    @property
    def source(self) -> str:
        return self.ref.source

    @property
    def quote(self) -> str | None:
        return self.ref.quote


# --- the brief text -----------------------------------------------------------------------


@dataclass(frozen=True)
class Markdown:
    """Markdown text whose citations are replaced by placeholders (see briefing.parse)."""

    text: str
    location: Location
    citations: tuple[int, ...]


class Block(ABC):
    """A part of the brief's body: the prose between directives, or what a directive built.

    Each kind of block lives in a module of briefing.directives, which says how it is
    written in brief.md, where it is rendered, what its citations are called and how it
    shows in brief.json.
    """

    kind: ClassVar[str]
    # The layout part that renders the block where it stands in the body; "" for a block
    # the layout places itself (the cover's bottom line and scope note).
    template: ClassVar[str] = ""
    location: Location

    @property
    @abstractmethod
    def fragments(self) -> tuple[Markdown, ...]:
        """Its Markdown texts, in reading order."""

    @property
    def citations(self) -> tuple[int, ...]:
        return tuple(i for fragment in self.fragments for i in fragment.citations)

    def contexts(self, section: str) -> dict[int, str]:
        """For each of its citations, a short name of the place that makes it ('KJ2');
        section is the heading the block stands under."""
        return dict.fromkeys(self.citations, section)

    def section_after(self, section: str) -> str:
        """The heading the next block stands under."""
        return section

    def heading(self) -> Heading | None:
        """Its entry in the contents and its anchor, if it has them."""
        return None

    def json_entries(self, brief: Brief) -> list[Any]:
        """What it adds to its directive's key in brief.json."""
        return []


@dataclass(frozen=True)
class BriefText:
    """brief.md parsed: front matter, cover texts, body blocks and the citations they make."""

    meta: Meta
    blocks: tuple[Block, ...]
    citations: tuple[CitationRef, ...]

    def blocks_of(self, kind: type[B]) -> list[B]:
        return [b for b in self.blocks if isinstance(b, kind)]

    def cover_text(self, kind: str) -> Markdown | None:
        """The text of the block of this kind ('bottom-line', 'scope'), if the brief has one."""
        block = next((b for b in self.blocks if b.kind == kind), None)
        return block.fragments[0] if block else None

    @property
    def bottom_line(self) -> Markdown | None:
        return self.cover_text("bottom-line")

    @property
    def scope(self) -> Markdown | None:
        return self.cover_text("scope")


# --- sources and events ---------------------------------------------------------------------


@dataclass(frozen=True)
class SourceEntry:
    """One source as described in seeds/sources.yaml."""

    id: str
    label: str
    file: str
    title: str
    outlet: str
    author: str
    published: PartialDate | None
    date_basis: str
    type: str
    reliability: str
    reliability_reason: str
    credibility: int
    credibility_reason: str
    descriptor: str
    location: Location
    address: str = ""
    requested: str = ""  # the address given to add-source, when it led elsewhere
    retrieved: str = ""  # when add-source fetched it (ISO 8601, UTC)
    encoding: str = ""  # of a text file that is not UTF-8
    repeats: str = ""  # the source this one is declared to repeat, kept on purpose

    @property
    def date_stated(self) -> bool:
        """Whether the document states its date: no basis given, or one that says where
        ('stated in the page's metadata', 'stated on page 3'); any other is an inference."""
        return not self.date_basis or self.date_basis.casefold().startswith("stated")

    @property
    def graded(self) -> bool:
        return bool(self.reliability and self.credibility)

    @property
    def grade(self) -> str:
        return f"{self.reliability}{self.credibility}" if self.graded else "ungraded"


@dataclass(frozen=True)
class Finding:
    """A quality problem found in a source's text: a repeated passage, page furniture, or
    text it shares with another source."""

    kind: Literal["repeated-passage", "page-furniture", "shared-text"]
    span: tuple[int, int]
    line: int
    detail: str
    excerpt: str


@dataclass(frozen=True)
class Source:
    """A source document as ingested: its entry, the fingerprint of its bytes, its text."""

    entry: SourceEntry
    sha256: str
    text: str
    word_count: int
    findings: tuple[Finding, ...] = ()
    pages: tuple[int, ...] = ()  # where each page starts in text, for documents with pages
    kind: str = "text"  # the reader's: text, web page, PDF, Word document

    def page_of(self, offset: int) -> int | None:
        """The page (from 1) the text at offset stands on, for documents with pages."""
        return bisect.bisect_right(self.pages, offset) if self.pages else None

    def furniture_only(self, span: tuple[int, int]) -> Finding | None:
        """The first page-furniture finding of span, if furniture covers all of it (a span
        may run over several findings, with nothing but white space between them)."""
        start, end = span
        covering = [
            f
            for f in self.findings
            if f.kind == "page-furniture" and f.span[0] < end and start < f.span[1]
        ]
        reached = start
        for finding in sorted(covering, key=lambda f: f.span):
            if self.text[reached : finding.span[0]].strip():
                return None
            reached = max(reached, finding.span[1])
        return covering[0] if covering and reached >= end else None

    @property
    def id(self) -> str:
        return self.entry.id


@dataclass(frozen=True)
class Repeat:
    """Two sources that share sentences (see briefing.repeats)."""

    first: str  # the source registered first
    second: str
    shared: int  # sentences both have
    of_first: int  # sentences each has that are long enough to count
    of_second: int
    declared: bool = False  # by `repeats:` in the register: kept on purpose
    same_page: bool = False  # one title or one address: they say they are the same page

    @property
    def near_identical(self) -> bool:
        """Whether they are the same document twice (a page and its printout): most of the
        shorter one's sentences shared, and it most of the longer, or the two the same page
        by title or address (a printout keeps teasers and comments that the page's text
        does not; a press release a report quotes whole is only a part of the report)."""
        shorter, longer = sorted((self.of_first, self.of_second))
        contained = self.shared >= NEAR_IDENTICAL * max(shorter, 1)
        return contained and (shorter >= NEAR_IDENTICAL * longer or self.same_page)


def independent(sources: list[str], repeats: tuple[Repeat, ...]) -> int:
    """How many of sources are independent of each other: those linked by shared text,
    directly or through another of them, count once."""
    group = {sid: sid for sid in sources}

    def root(sid: str) -> str:
        while group[sid] != sid:
            sid = group[sid]
        return sid

    for repeat in repeats:
        if repeat.first in group and repeat.second in group:
            group[root(repeat.second)] = root(repeat.first)
    return len({root(sid) for sid in sources})


Dating = Literal["source", "general knowledge", "inferred"]
DATINGS: tuple[Dating, ...] = get_args(Dating)


@dataclass(frozen=True)
class Event:
    date: PartialDate
    title: str
    actors: tuple[str, ...]
    basis: str
    citations: tuple[int, ...]
    location: Location

    @property
    def dating(self) -> Dating:
        """How the event is dated, by its basis: by a cited source (no basis, or one that
        begins 'stated', as a source's date_basis does), with the help of general knowledge
        (a basis that says so), or else inferred (the basis says how it was read)."""
        basis = self.basis.casefold()
        if not basis or basis.startswith("stated"):
            return "source"
        return "general knowledge" if "general knowledge" in basis else "inferred"


@dataclass(frozen=True)
class Lane:
    """A lane of the timeline figure: the events of these actors (compared lower-case)."""

    name: str
    actors: frozenset[str]


@dataclass(frozen=True)
class Timeline:
    events: tuple[Event, ...]
    citations: tuple[CitationRef, ...]
    lanes: tuple[Lane, ...] = ()


@dataclass(frozen=True)
class Rendered:
    """The brief as one HTML page, and the paged-media CSS the PDF adds to it."""

    html: str
    pdf_css: str
    resources: tuple[Path, ...] = ()  # project files the HTML took in (images)
    # The shared layout folders (the user's, packages') its templates came from: the style's
    # own images and fonts, which the typesetter may read too.
    style_folders: tuple[Path, ...] = ()

    @property
    def printed(self) -> str:
        """The page the PDF typesets, its paged-media CSS last (see print_styled)."""
        return print_styled(self.html, self.pdf_css)


def print_styled(html: str, css: str) -> str:
    """html with css in a <style> element of its own at its very end: after the layout's
    own styles (brief.css), so that the print sheet wins over them, as a designer expects.
    The CSS is unchanged, line for line, and of the author's origin (a stylesheet passed to
    WeasyPrint's write_pdf is the user's, and loses to any rule of the page)."""
    css = _STYLE_END.sub(r"<\\/", css)  # "\/" is "/" to CSS
    return f"{html}\n<style>{css}</style>\n" if css else html


_STYLE_END = re.compile(r"</(?=style)", re.I)  # would end the <style> element early


@dataclass(frozen=True)
class Figure:
    panels: tuple[str, ...]  # SVG, each short enough for a page
    alt: str
    caption: str  # the writer's
    dating: str = ""  # how its events are dated, counted: the tool's, printed after the caption


# --- the project and the compiled brief -----------------------------------------------------


@dataclass(frozen=True)
class Project:
    """The files of a brief project, read but not yet interpreted."""

    root: Path
    brief: str
    sources_yaml: str
    timeline_yaml: str | None
    source_files: dict[str, bytes] = field(default_factory=dict)
    recorded: dict[str, bytes] = field(default_factory=dict)  # brief.md, registers: as read


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Passage:
    """A distinct passage of a source that the brief cites, and every citation of it."""

    anchor: str
    label: str  # the source's label and the passage's number in it, in text order: S3.4
    source: str
    quote: str
    spans: tuple[tuple[int, int], ...]
    citations: tuple[int, ...]
    page: int | None = None  # where it starts, in a document with pages


@dataclass(frozen=True)
class Brief:
    """Everything a layout needs to render the brief."""

    meta: Meta
    text: BriefText
    sources: tuple[Source, ...]
    events: tuple[Event, ...]
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    contexts: dict[int, str]
    shown: frozenset[int]  # the citations the body shows, which the appendix may link to
    summary: tuple[str, ...]
    figure: Figure | None
    changes: Changes | None = None  # since the edition named by `previous`
    repeats: tuple[Repeat, ...] = ()  # sources linked by shared text: one where both are cited

    def sources_of(self, block: Block) -> dict[str, int]:
        """How many times the block (a judgement) cites each source, in register order."""
        cited = [self.citations[i].source for i in block.citations]
        return {s.id: cited.count(s.id) for s in self.sources if s.id in cited}

    def independent_of(self, block: Block) -> int:
        """How many independent sources the block (a judgement) cites: those linked by
        shared text, directly or through another source, count once."""
        return independent(list(self.sources_of(block)), self.repeats)

    def page_of(self, citation: Citation) -> int | None:
        """The page a quoting citation's passage starts on, in a document with pages."""
        if not citation.spans:
            return None
        source = next(s for s in self.sources if s.id == citation.source)
        return source.page_of(citation.spans[0][0])

    def passages_of(self, source: str) -> list[Passage]:
        return [p for p in self.passages if p.source == source]

    def label_of(self, citation: Citation) -> str:
        """How a citation is named on paper: its passage's label (S3.4), or its source's
        (S3) when it cites the source as a whole."""
        for passage in self.passages:
            if citation.index in passage.citations:
                return passage.label
        return next(s.entry.label for s in self.sources if s.id == citation.source)

    def cited_alone(self, source: str) -> list[Citation]:
        """Citations of the source as a whole, without a quote."""
        return [c for c in self.citations if c.source == source and c.quote is None]

    # For layouts; Python code that reads a judgement's fields asks text.blocks_of(Judgement).
    @property
    def judgements(self) -> list[Block]:
        return [b for b in self.text.blocks if b.kind == "judgement"]

    def change_of(self, block: Block) -> Change | None:
        """What changed in a judgement since the previous edition, if it was added or changed."""
        ident = getattr(block, "id", "")
        return self.changes.of_judgement(ident) if self.changes and ident else None

    @property
    def changes_follow(self) -> Block | None:
        """The block the "What changed" section follows, when the brief is compared with a
        previous edition: the last key judgement, or with none (all withdrawn) the first
        block of the body."""
        blocks = self.judgements or [b for b in self.text.blocks if b.template][:1]
        return blocks[-1] if self.changes and blocks else None

    @property
    def motive_sets(self) -> list[Block]:
        return [b for b in self.text.blocks if b.kind == "motives"]
