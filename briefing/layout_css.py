"""The project's layout stylesheets, checked as WeasyPrint reads them but without typesetting:
each declaration or rule it would ignore, a block never closed (which silently nests every
rule after it), and a font that is not installed, each a warning at layouts/FILE:LINE:COL.

A stylesheet is a template: it is checked as written, its Jinja tags blanked to text of the
same length, so that a line and column WeasyPrint reports are the file's own. What a tag
would print is unknown here, so nothing is said of a declaration that holds one.
"""

from __future__ import annotations

import difflib
import functools
import logging
import os
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tinycss2

from .diagnostics import Diagnostics, Location
from .files import read_inside
from .layouts import PROJECT_LAYOUTS, is_shipped, layout_problems, shipped

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
# What a `{{ ... }}` becomes: a character CSS reads as part of a name, and no one writes.
_UNKNOWN = "\u2042"
# The CSS marks that open and close blocks, and what hides them: comments, strings, escapes.
_MARKS = re.compile(
    r"""/\*.*?(?:\*/|\Z)|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?|\\.|[{};]""", re.S
)
_LEADING = re.compile(r"(?:\s|/\*.*?\*/)*", re.S)
_AT = re.compile(r" at (\d+):(\d+)")
_IGNORED = re.compile(r"^Ignored `(?P<what>.*)` at \d+:\d+, (?P<why>.*?)\.?$", re.S)
_SELECTOR = re.compile(
    r"^Invalid or unsupported selector, '(?:\s*:is\(.*?\)\s*)?(?P<prelude>.*)'", re.S
)

GENERIC_FAMILIES = frozenset({
    "serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-serif",
    "ui-sans-serif", "ui-monospace", "ui-rounded", "math", "emoji", "fangsong",
    "inherit", "initial", "unset", "revert", "revert-layer",
})  # fmt: skip
_SIZE_WORDS = frozenset({
    "xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large", "xxx-large",
    "smaller", "larger",
})  # fmt: skip
FONTS_LISTED = 8


@dataclass(frozen=True)
class Stylesheet:
    """A layout stylesheet: its name as the user knows it, and its text with every Jinja tag
    blanked to the same length (so offsets, lines and columns are the file's own)."""

    name: str
    text: str

    def location(self, offset: int) -> Location:
        return Location(self.name, 1, 1).advance(self.text, offset)

    def offset(self, line: int, col: int) -> int:
        """The offset of a line and column (from 1) in the text."""
        lines = self.text.split("\n")
        return sum(len(text) + 1 for text in lines[: line - 1]) + col - 1

    def unknown_at(self, line: int, col: int) -> bool:
        """Whether a Jinja expression, whose printed text is unknown, stands there."""
        return self.text[self.offset(line, col) : self.offset(line, col) + 1] == _UNKNOWN


def blanked(text: str) -> str:
    """The stylesheet's text with each Jinja tag blanked: an expression `{{ ... }}` to
    unknown characters, a statement or comment to spaces; line breaks kept."""

    def blank(tag: re.Match[str]) -> str:
        fill = _UNKNOWN if tag[0].startswith("{{") else " "
        return re.sub(r"[^\n]", fill, tag[0])

    return _JINJA.sub(blank, text)


def own_stylesheets(root: Path) -> list[Stylesheet]:
    """The project's own stylesheets (none when its layouts/ is the shipped folder or cannot
    be read: rendering the layout reports that)."""
    folder = root / PROJECT_LAYOUTS
    if not folder.is_dir() or is_shipped(root) or layout_problems(root):
        return []
    sheets = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        data, _ = read_inside(root, Path(entry.path)) if entry.name.endswith(".css") else (None, "")
        try:
            text = data.decode("utf-8") if data is not None else None
        except UnicodeDecodeError:
            text = None  # rendering the layout reports it
        if text is not None:
            sheets.append(Stylesheet(f"{PROJECT_LAYOUTS}/{entry.name}", blanked(text)))
    return sheets


@functools.cache
def shipped_stylesheets() -> tuple[Stylesheet, ...]:
    return tuple(
        Stylesheet(f"builtin/{path.name}", blanked(path.read_text("utf-8")))
        for path in sorted(shipped().glob("*.css"))
    )


def own_layout_files(root: Path) -> list[str]:
    """The project's own layout files, the most recently changed first."""
    folder = root / PROJECT_LAYOUTS
    if not folder.is_dir() or is_shipped(root):
        return []
    files = [
        (entry.stat(follow_symlinks=False).st_mtime, f"{PROJECT_LAYOUTS}/{entry.name}")
        for entry in os.scandir(folder)
        if entry.name.endswith((".css", ".html")) and entry.is_file(follow_symlinks=False)
    ]
    return [name for _, name in sorted(files, reverse=True)]


def check_stylesheets(root: Path, diagnostics: Diagnostics) -> None:
    """Warn of what WeasyPrint would ignore in the project's own stylesheets, of blocks
    never closed, and of fonts that are not installed."""
    own = own_stylesheets(root)
    if not own:
        return
    found = Diagnostics()
    for sheet in own:
        _check_blocks(sheet, found)
        _check_with_weasyprint(sheet, root, found)
    _check_fonts(own, [*own, *shipped_stylesheets()], found)
    said = set(diagnostics)
    diagnostics.extend(d for d in dict.fromkeys(found) if d not in said)


# --- blocks ----------------------------------------------------------------------------------


def _check_blocks(sheet: Stylesheet, diagnostics: Diagnostics) -> None:
    """A `{` never closed (every rule after it is then nested in its rule, silently), and a
    `}` that closes nothing."""
    opened: list[tuple[int, int]] = []  # each open block: its `{`, and where its rule starts
    rule_start = 0
    for mark in _MARKS.finditer(sheet.text):
        if mark[0] == "{":
            opened.append((mark.start(), rule_start))
        elif mark[0] == "}" and opened:
            opened.pop()
        elif mark[0] == "}":
            diagnostics.warning(
                sheet.location(mark.start()),
                "a `}` that closes no block; WeasyPrint ignores the rule after it",
                hint="delete it, or open the block it was meant to close",
            )
        if mark[0] in ("{", "}", ";"):
            rule_start = mark.end()
    for brace, start in opened:
        if leading := _LEADING.match(sheet.text, start, brace):
            start = leading.end()
        rule = " ".join(sheet.text[start:brace].split())
        diagnostics.warning(
            sheet.location(start),
            f"the block of `{rule}` is never closed: every rule after it is read as nested "
            "inside it",
            hint="add the missing `}` where its declarations end",
        )


# --- what WeasyPrint ignores -----------------------------------------------------------------


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno == logging.WARNING:  # errors: a refused @import, said elsewhere
            self.messages.append(record.getMessage())


def _refusing_fetcher() -> Any:
    """A URL fetcher that fetches nothing: an @import is not followed while checking (what it
    would refuse, check_resources reports)."""
    from weasyprint.urls import URLFetcher

    class Refusing(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError("not fetched while checking")

    return Refusing()


def weasyprint_warnings(text: str, root: Path) -> list[str]:
    """What WeasyPrint logs as it reads the stylesheet (declarations it ignores, ...)."""
    import weasyprint

    logger = logging.getLogger("weasyprint")
    handler = _Warnings()
    propagate, level = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        base = root.resolve().as_uri() + "/"
        weasyprint.CSS(string=text, base_url=base, url_fetcher=_refusing_fetcher())
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        logger.setLevel(level)
    return handler.messages


def _check_with_weasyprint(sheet: Stylesheet, root: Path, diagnostics: Diagnostics) -> None:
    for message in weasyprint_warnings(sheet.text, root):
        if warning := _warning_of(sheet, message):
            diagnostics.warning(*warning)


def _warning_of(sheet: Stylesheet, message: str) -> tuple[Location, str] | None:
    """What WeasyPrint said, where in the sheet; None for what is no mistake of the sheet's."""
    if _UNKNOWN in message or "media type" in message:
        # What a Jinja expression prints is unknown; and WeasyPrint reads no media query
        # (`@media screen and (max-width: 40em)`), which the HTML page's browser does.
        return None
    if selector := _SELECTOR.match(message):  # said without a line: found in the text
        prelude = " ".join(selector["prelude"].split())
        if prelude.startswith("}"):
            return None  # after a stray `}`, which _check_blocks reports
        found = sheet.text.find(prelude)
        where = sheet.location(found) if found >= 0 else Location(sheet.name)
        return where, f"WeasyPrint ignores the rule `{prelude}`: invalid or unsupported selector"
    at = _AT.search(message)
    line, col = (int(at[1]), int(at[2])) if at else (0, 0)
    if line and sheet.unknown_at(line, col):
        return None
    if ignored := _IGNORED.match(message):
        text = f"WeasyPrint ignores `{ignored['what'].strip()}`: {ignored['why']}"
    else:
        text = "WeasyPrint: " + _AT.sub("", message, count=1).rstrip(".")
    return Location(sheet.name, line, col), text


# --- fonts -----------------------------------------------------------------------------------


@functools.cache
def installed_fonts() -> dict[str, str] | None:
    """The installed font families as fontconfig knows them (each of a family's names,
    folded, to its first name); None when fontconfig cannot be asked."""
    try:
        listed = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families: dict[str, str] = {}
    for line in listed.splitlines():
        names = [n.replace("\\", "").strip() for n in line.split(",") if n.strip()]
        for name in names:
            families.setdefault(name.casefold(), names[0])
    return families


def _declarations(rules: Iterable[Any], at_rule: str = "") -> Iterator[tuple[str, Any]]:
    """Every declaration in the rules, nested ones too, with the at-rule it is in."""
    for rule in rules:
        if rule.type not in ("qualified-rule", "at-rule") or rule.content is None:
            continue
        keyword = rule.lower_at_keyword if rule.type == "at-rule" else at_rule
        contents = tinycss2.parse_blocks_contents(rule.content, True, True)
        for item in contents:
            if item.type == "declaration":
                yield keyword, item
        yield from _declarations(contents, keyword)


def _sheet_declarations(sheet: Stylesheet) -> Iterator[tuple[str, Any]]:
    return _declarations(tinycss2.parse_stylesheet(sheet.text, True, True))


def _family_list(tokens: list[Any]) -> list[str | None]:
    """The families a font-family value names, in order (None: one that is not written
    out, such as a var())."""
    families: list[str | None] = []
    for part in _split(tokens):
        words = [t.value for t in part if t.type in ("ident", "string")]
        whole = len(words) == len(part) and (len(words) == 1 or part[0].type == "ident")
        families.append(" ".join(words) if words and whole else None)
    return families


def _split(tokens: list[Any]) -> list[list[Any]]:
    parts: list[list[Any]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        elif token.type not in ("whitespace", "comment"):
            parts[-1].append(token)
    return parts


def _shorthand_families(tokens: list[Any]) -> list[str | None]:
    """The families of a `font` shorthand: what follows its size (and line height)."""
    solid = [t for t in tokens if t.type not in ("whitespace", "comment")]
    comma = next(
        (i for i, t in enumerate(solid) if t.type == "literal" and t.value == ","), len(solid)
    )
    sizes = [i for i, t in enumerate(solid[:comma]) if _is_size(t)]
    if not sizes:
        return []  # a system font (`font: caption`), or one that is not written out
    after = sizes[-1] + 1
    if after < len(solid) and solid[after].type == "literal" and solid[after].value == "/":
        after += 2
    return _family_list(solid[after:])


def _is_size(token: Any) -> bool:
    if token.type in ("dimension", "percentage"):
        return True
    return token.type == "ident" and token.lower_value in _SIZE_WORDS


def _var_names(tokens: Iterable[Any]) -> Iterator[str]:
    for token in tokens:
        if token.type == "function":
            if token.lower_name == "var":
                yield from (t.value for t in token.arguments[:1] if t.type == "ident")
            yield from _var_names(token.arguments)


def _font_properties(sheets: list[Stylesheet]) -> tuple[set[str], set[str]]:
    """The custom properties used in a font or font-family value, and the families that
    @font-face rules name (folded)."""
    used: set[str] = set()
    faces: set[str] = set()
    for sheet in sheets:
        for at_rule, declaration in _sheet_declarations(sheet):
            name = declaration.lower_name
            if at_rule == "font-face" and name == "font-family":
                faces.update(f.casefold() for f in _family_list(declaration.value) if f)
            elif name in ("font", "font-family"):
                used.update(_var_names(declaration.value))
    return used, faces


def _check_fonts(own: list[Stylesheet], every: list[Stylesheet], diagnostics: Diagnostics) -> None:
    """Warn of each font a declaration prefers (its first family) that is not installed and
    that no @font-face provides."""
    installed = installed_fonts()
    if installed is None:
        return
    font_properties, faces = _font_properties(every)
    for sheet in own:
        for at_rule, declaration in _sheet_declarations(sheet):
            families = _families_of(at_rule, declaration, font_properties)
            first = families[0] if families else None
            if first is None or _UNKNOWN in first or first.casefold() in GENERIC_FAMILIES:
                continue
            if first.casefold() in installed or first.casefold() in faces:
                continue
            where = Location(sheet.name, declaration.source_line, declaration.source_column)
            diagnostics.warning(
                where,
                f"the font '{first}' is not installed and no @font-face provides it: text set "
                "in it prints in another font",
                hint=_installed_hint(first, installed),
            )


def _families_of(at_rule: str, declaration: Any, font_properties: set[str]) -> list[str | None]:
    if at_rule == "font-face":
        return []
    if declaration.lower_name == "font-family" or declaration.name in font_properties:
        return _family_list(declaration.value)
    if declaration.lower_name == "font":
        return _shorthand_families(declaration.value)
    return []


def _installed_hint(family: str, installed: dict[str, str]) -> str:
    """The installed families, those close to family by name first, and their count."""
    names = sorted(set(installed.values()), key=str.casefold)
    close = difflib.get_close_matches(family, names, n=FONTS_LISTED, cutoff=0.4)
    shown = (close + [n for n in names if n not in close])[:FONTS_LISTED]
    more = ", ..." if len(names) > len(shown) else ""
    count = f"{len(names)} famil{'y' if len(names) == 1 else 'ies'}"
    return f"installed ({count}): {', '.join(shown)}{more}"
