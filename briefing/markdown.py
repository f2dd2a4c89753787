"""Markdown fragments to HTML, with citations rendered as links into the source appendix."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import mistune
from markupsafe import Markup, escape

from .citations import PLACEHOLDER, placeholder_indices
from .model import Heading, Markdown
from .typography import smarten


@dataclass(frozen=True)
class CiteTarget:
    """How one citation shows in the text: its label, where it links, what it quotes."""

    label: str  # S3.4 for a passage, S3 for the source as a whole
    source_label: str  # S3
    href: str | None  # None: not linked (the annex is not printed)
    quote: str | None
    title: str
    page: int | None = None


_INLINE_MARKUP = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def plain_text(text: str) -> str:
    """Markdown text as plain words: citations, emphasis marks and link targets removed."""
    text = _LINK.sub(r"\1", PLACEHOLDER.sub("", text))
    text = " ".join(_INLINE_MARKUP.sub("", text).split())
    return re.sub(r"\s+([.,;:!?)])", r"\1", text)


def plain(fragment: Markdown | None) -> str:
    """A fragment as plain words (for bookmarks, the contents, brief.json)."""
    if fragment is None:
        return ""
    if not isinstance(fragment, Markdown):
        raise TypeError(f"expected a Markdown fragment, not {type(fragment).__name__}")
    return plain_text(fragment.text)


def slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())) or "section"


# Ids the shipped layouts give their own sections; headings never take them.
RESERVED_ANCHORS = (
    "bottom-line", "scope-note", "contents", "sources", "source-summary", "vocabulary",
    "timeline-figure", "changes",
)  # fmt: skip


class _Renderer(mistune.HTMLRenderer):
    def __init__(self, owner: FragmentRenderer, escape: bool) -> None:
        super().__init__(escape=escape)
        self.owner = owner

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        words = _CITE_MARKS.sub("", text)  # citations are no part of a heading's name
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", smarten(words))).split())
        anchor = self.owner.anchor(slug(words))
        level = max(level, 2)  # the brief's title is the page's only h1
        self.owner.headings.append(Heading(level, words, anchor))
        return f'<h{level} id="{anchor}">{text}</h{level}>\n'

    def cite(self, text: str) -> str:
        # A marker for now: the group goes in after smartypants, which must not touch the
        # quoted passages the group carries.
        return f"{_CITE_MARK}{text}{_CITE_MARK}"


_CITE_MARK = "\ue003"
_CITE_MARKS = re.compile(f"{_CITE_MARK}([0-9,]+){_CITE_MARK}")


def _parse_cite(inline: Any, match: re.Match[str], state: Any) -> int:
    indices = placeholder_indices(PLACEHOLDER.fullmatch(match.group()))  # type: ignore[arg-type]
    state.append_token({"type": "cite", "raw": ",".join(map(str, indices))})
    return match.end()


def _cite_plugin(md: mistune.Markdown) -> None:
    md.inline.register("cite", PLACEHOLDER.pattern, _parse_cite, before="link")


class FragmentRenderer:
    """Renders the brief's Markdown fragments, numbering headings and linking citations."""

    def __init__(self, targets: dict[int, CiteTarget], raw_html: bool = False) -> None:
        self.targets = targets
        self.headings: list[Heading] = []
        self._anchors: set[str] = set(RESERVED_ANCHORS)
        self._cache: dict[int, Markup] = {}
        self._markdown = mistune.create_markdown(
            escape=not raw_html,
            renderer=_Renderer(self, escape=not raw_html),
            plugins=["strikethrough", "table", _cite_plugin],
        )

    def anchor(self, wanted: str) -> str:
        """A document-unique anchor id based on wanted."""
        anchor, n = wanted, 1
        while anchor in self._anchors:
            n += 1
            anchor = f"{wanted}-{n}"
        self._anchors.add(anchor)
        return anchor

    def __call__(self, fragment: Markdown | None) -> Markup:
        """HTML for a fragment; the same fragment object renders once."""
        if fragment is None:
            return Markup("")
        if not isinstance(fragment, Markdown):
            raise TypeError(f"md expects a Markdown fragment, not {type(fragment).__name__}")
        key = id(fragment)
        if key not in self._cache:
            rendered = smarten(str(self._markdown(fragment.text)))
            self._cache[key] = Markup(
                _CITE_MARKS.sub(
                    lambda m: self.cite_group([int(i) for i in m[1].split(",")]), rendered
                )
            )
        return self._cache[key]

    def cite_group(self, indices: list[int]) -> str:
        """[S3.2, 3.4, S5]: passages of one source in a row read as its label and their
        numbers; a passage cited twice in the group is shown once (each citation keeps its
        anchor, which the appendix links back to)."""
        links: list[str] = []
        shown: dict[str, int] = {}  # label: its link's place in links
        previous: CiteTarget | None = None
        for index in indices:
            target = self.targets[index]
            if target.label in shown:
                links[shown[target.label]] += f'<a id="c{index}"></a>'
                continue
            shown[target.label] = len(links)
            text = target.label
            if previous and previous.source_label == target.source_label and "." in text:
                text = text.removeprefix(target.source_label.rstrip("0123456789"))
            previous = target
            page = f" (p. {target.page})" if target.page else ""
            quote = (
                f'<span class="cite-quote" role="tooltip">{escape(target.quote)}{page}</span>'
                if target.quote
                else ""
            )
            href = f' href="{target.href}"' if target.href is not None else ""
            links.append(
                f'<a class="cite" id="c{index}"{href} '
                f'title="{escape(target.title)}">{escape(text)}{quote}</a>'
            )
        return '<span class="cites">[' + ", ".join(links) + "]</span>"
