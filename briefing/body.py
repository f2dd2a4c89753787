"""The brief's body as paragraphs and sentences, each sentence knowing whether it cites, by
the part of the brief it stands in: what `briefing review` counts.

The body is every block but the cover (bottom line, scope note) and the timeline's caption:
the arguments of the key judgements (not their statements, which the arguments support),
the motives with their introductions, the scenarios' texts (not their titles), and the prose
between directives, each run of it named by the heading it stands under (Key assumptions,
Indicators to watch...). Headings are not sentences, nor is a bold run-in heading that starts
a paragraph ('**Higher pay.** It asks for more...'); a list item is a paragraph. A sentence
cites when a citation group stands in it, or follows it before the next sentence starts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .citations import PLACEHOLDER
from .directives.judgement import Judgement
from .directives.motives import MotiveSet
from .directives.prose import HEADING, Prose, heading_text
from .directives.scenario import Scenario
from .markdown import plain_text
from .model import Block, BriefText, Markdown
from .sentences import sentences

_CITED = "\ue000"  # stands for a citation group in a paragraph
_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+")
_RUN_IN = re.compile(r"^\s*(\*\*|__)[^*_]+?[.:?!]\1")  # '**Key questions.**' starting a paragraph
BEFORE_ANY_HEADING = "before the first heading"


@dataclass(frozen=True)
class Sentence:
    text: str  # plain words, citations left out
    cited: bool


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the body (a list item is one), its citation groups marked, and the
    part it stands in: a prose heading, or 'key judgements', 'motives: ACTOR', 'scenarios'."""

    part: str
    text: str
    prose: bool

    @property
    def cites(self) -> bool:
        return _CITED in self.text

    @property
    def is_item(self) -> bool:
        return bool(_ITEM.match(self.text))

    @property
    def content(self) -> str:
        """Its text without a list item's marker."""
        marker = _ITEM.match(self.text)
        return self.text[marker.end() :] if marker else self.text

    @property
    def words(self) -> str:
        """Its plain words, citations left out."""
        return _without_marks(plain_text(self.content))

    @property
    def sentences(self) -> list[Sentence]:
        """Its sentences, without a bold run-in heading ('**Higher pay.**'); a citation
        that starts a sentence belongs to the one before."""
        run_in = _RUN_IN.match(self.content)
        words = plain_text(self.content[run_in.end() :] if run_in else self.content)
        found: list[Sentence] = []
        for start, end in sentences(words, 0, len(words), wrapped=False):
            piece = words[start:end]
            leading = len(piece) - len(piece.lstrip(_CITED + " "))
            if leading and found:
                found[-1] = Sentence(found[-1].text, True)
            piece = piece[leading:]
            if any(c.isalnum() for c in piece):
                found.append(Sentence(_without_marks(piece), _CITED in piece))
        return found


def body_paragraphs(text: BriefText) -> Iterator[Paragraph]:
    """The paragraphs of the body, in reading order."""
    heading = BEFORE_ANY_HEADING
    for block in text.blocks:
        if isinstance(block, Prose):
            for part, paragraph in _paragraphs(block.content, heading):
                yield Paragraph(part, paragraph, prose=True)
            heading = block.section_after(heading)
        for part, fragment in _directive_texts(block):
            yield from paragraphs_of(fragment, part)


def paragraphs_of(fragment: Markdown, part: str) -> list[Paragraph]:
    """The paragraphs of a directive's text, as parts of the body named part."""
    return [Paragraph(part, p, prose=False) for _, p in _paragraphs(fragment, part)]


def body_sentences(text: BriefText) -> dict[str, list[Sentence]]:
    """The sentences of the body by part, parts in reading order (none without sentences)."""
    parts: dict[str, list[Sentence]] = {}
    for paragraph in body_paragraphs(text):
        parts.setdefault(paragraph.part, []).extend(paragraph.sentences)
    return {part: found for part, found in parts.items() if found}


def items_under(text: BriefText, word: str) -> list[str]:
    """The list items of the prose under the headings that have word (any case)."""
    return [
        p.words
        for p in body_paragraphs(text)
        if p.prose and p.is_item and word.casefold() in p.part.casefold()
    ]


def _directive_texts(block: Block) -> list[tuple[str, Markdown]]:
    if isinstance(block, Judgement):
        return [("key judgements", block.argument)]
    if isinstance(block, MotiveSet):
        return [(f"motives: {block.actor}", f) for f in block.fragments]
    if isinstance(block, Scenario):
        return [("scenarios", block.body)]
    return []  # prose has its own headings; the cover and the timeline are not body


def _paragraphs(fragment: Markdown, heading: str) -> Iterator[tuple[str, str]]:
    """The fragment's paragraphs (blank lines and list items start one) with the heading
    each stands under; citation groups become a mark."""
    lines: list[str] = []
    for line in [*PLACEHOLDER.sub(_CITED, fragment.text).splitlines(), ""]:
        found = HEADING.match(line)
        if (not line.strip() or found or _ITEM.match(line)) and lines:
            yield heading, " ".join(lines)
            lines = []
        if found:
            heading = heading_text(found)
        elif line.strip():
            lines.append(line.strip())


def _without_marks(text: str) -> str:
    return re.sub(r"\s+([.,;:!?)])", r"\1", " ".join(text.replace(_CITED, " ").split()))
