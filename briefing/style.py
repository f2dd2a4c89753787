"""The custom properties a layout declares on its root element (`:root` or `html`), read
from the page's rendered stylesheets, for what is drawn outside the page's CSS: the figure.
"""

from __future__ import annotations

from html.parser import HTMLParser

import tinycss2
import tinycss2.color3
from tinycss2.ast import Node

from .figures import DEFAULT_STYLE, FigureStyle
from .model import Rendered

ROOT = {":root", "html"}  # the selectors whose custom properties the whole page inherits
MAX_DEPTH = 16  # var() within var(): deeper is a loop
GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math"}

Properties = dict[str, list[Node]]


class _StyleText(HTMLParser):
    """The text of each <style> element of a page, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sheets: list[str] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self.inside = True
            self.sheets.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.sheets[-1] += data


def page_properties(page: Rendered) -> Properties:
    """The root's custom properties, by name, declared in the page's <style> elements and
    then its paged CSS (the later declaration of a name wins)."""
    parser = _StyleText()
    parser.feed(page.html)
    parser.close()
    found: Properties = {}
    for sheet in [*parser.sheets, page.pdf_css]:
        rules = tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True)
        for rule in rules:
            if rule.type != "qualified-rule" or not _on_root(rule.prelude):
                continue
            body = tinycss2.parse_blocks_contents(
                rule.content, skip_comments=True, skip_whitespace=True
            )
            for item in body:
                if item.type == "declaration" and item.name.startswith("--"):
                    found[item.name] = item.value
    return found


def _on_root(prelude: list[Node]) -> bool:
    return any(s.strip() in ROOT for s in tinycss2.serialize(prelude).split(","))


def value_of(properties: Properties, name: str, depth: int = 0) -> list[Node] | None:
    """A custom property's value with the var() in it replaced; None if it is not set (or
    names one that is not, without a fallback)."""
    value = properties.get(name)
    return None if value is None or depth > MAX_DEPTH else _resolved(value, properties, depth)


def _resolved(tokens: list[Node], properties: Properties, depth: int) -> list[Node] | None:
    out: list[Node] = []
    for token in tokens:
        if token.type != "function" or token.lower_name != "var":
            out.append(token)
            continue
        arguments = [t for t in token.arguments if t.type not in ("whitespace", "comment")]
        comma = next((n for n, t in enumerate(arguments) if t == ","), len(arguments))
        names = [t.value for t in arguments[:comma] if t.type == "ident"]
        found = value_of(properties, names[0], depth + 1) if names else None
        if found is None and comma < len(arguments):
            found = _resolved(arguments[comma + 1 :], properties, depth + 1)
        if found is None:
            return None
        out.extend(found)
    return out


def font_families(tokens: list[Node]) -> tuple[str, ...]:
    """The named families of a font-family value ('"Frutiger Next", Arial, sans-serif'
    gives Frutiger Next and Arial; the generic families are left out)."""
    families: list[str] = []
    words: list[str] = []
    for token in [*tokens, None]:
        if token is None or token == ",":
            name = " ".join(words)
            if name and name.lower() not in GENERIC:
                families.append(name)
            words = []
        elif token.type in ("string", "ident"):
            words.append(token.value)
    return tuple(families)


def colour(tokens: list[Node]) -> str | None:
    """A CSS colour as '#rrggbb' (or '#rrggbbaa', if not opaque); None if it is none."""
    significant = [t for t in tokens if t.type not in ("whitespace", "comment")]
    parsed = tinycss2.color3.parse_color(significant[0]) if len(significant) == 1 else None
    if not isinstance(parsed, tinycss2.color3.RGBA):
        return None
    channels = [parsed.red, parsed.green, parsed.blue] + ([parsed.alpha] * (parsed.alpha < 1))
    return "#" + "".join(f"{round(255 * c):02x}" for c in channels)


FIGURE_FONT = "--brief-figure-font"
LANES = ("--brief-lane-1", "--brief-lane-2", "--brief-lane-3")
SEVERAL, OTHERS = "--brief-lane-several", "--brief-lane-other"


def figure_style(page: Rendered) -> FigureStyle:
    """The figure's font and lanes' colours as the page's layout sets them: each property
    it does not set (or sets to no font or colour) keeps the figure's own."""
    properties = page_properties(page)

    def colour_of(name: str, default: str) -> str:
        value = value_of(properties, name)
        return (colour(value) if value else None) or default

    font = value_of(properties, FIGURE_FONT)
    one, two, three = (colour_of(n, c) for n, c in zip(LANES, DEFAULT_STYLE.lanes, strict=True))
    return FigureStyle(
        fonts=(font_families(font) if font else ()) or DEFAULT_STYLE.fonts,
        lanes=(one, two, three),
        several=colour_of(SEVERAL, DEFAULT_STYLE.several),
        others=colour_of(OTHERS, DEFAULT_STYLE.others),
    )
