"""Stage 2: parse brief.md into front matter, cover texts, blocks and citations.

The body is Markdown with fenced directives for the analytic constructs:

    :::{judgement} The one-sentence judgement.
    :id: backing
    :likelihood: very likely
    :confidence: high

    The argument, with citations [@source-id "a verbatim quote"].
    :::

mistune tokens carry no source positions, so this module splits directives line by line
itself; each directive's block is built by its entry in briefing.directives, and
citations are found by briefing.citations.
"""

from __future__ import annotations

import math
import re
from typing import cast

from .citations import Chunk, CitationScanner
from .diagnostics import Diagnostics, Location, suggest
from .directives.base import ParseContext, Written
from .directives.prose import Prose
from .directives.registry import DIRECTIVES
from .files import BRIEF, VERSION_NAME
from .model import (
    ANNEXES,
    PAPERS,
    Annex,
    BriefText,
    Extra,
    Meta,
    Paper,
    Previous,
    Waiver,
    Withdrawal,
)
from .vocabulary import VOCABULARIES
from .yamlfile import Fields, YamlMap, check_keys, load_yaml

FRONT_MATTER_KEYS = (
    "title", "subtitle", "short_title", "marking", "cutoff", "issued", "author",
    "product_id", "version", "paper", "layout", "vocabulary", "language", "keywords",
    "raw_html", "contents", "previous", "withdrawn", "waive", "horizon", "annex", "extra",
)  # fmt: skip
EXTRA_MOST = 10_000  # values in `extra:`: YAML aliases could otherwise make billions

_OPEN = re.compile(r"^:::\{(?P<name>[^}]*)\}[ \t]*(?P<arg>.*?)\s*$")
_CLOSE = re.compile(r"^:::\s*$")
_OPTION = re.compile(r"^:(?P<key>[A-Za-z][\w-]*):[ \t]*(?P<value>.*?)\s*$")


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
    checkpoint = diagnostics.checkpoint()
    data = load_yaml("".join(lines[1:close]), BRIEF, diagnostics, line_offset=1)
    if data is None and diagnostics.errors_since(checkpoint):
        return None
    if not isinstance(data, YamlMap):
        diagnostics.error(Location(BRIEF, 2, 1), "front matter must be a mapping of keys")
        return None
    meta = parse_meta(data, diagnostics)
    scanner = CitationScanner(diagnostics)
    ctx = ParseContext(diagnostics, scanner, VOCABULARIES[meta.vocabulary if meta else "icd203"])
    _read_body(lines, close + 1, ctx)
    check_addresses("".join(lines[close + 1 :]), Location(BRIEF, close + 2, 1), diagnostics)
    if meta is None:
        return None
    return BriefText(meta=meta, blocks=tuple(ctx.blocks), citations=tuple(scanner.citations))


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
    # An unknown key in the front matter is a warning, not an error: a brief may carry keys
    # for other tools (a static-site generator's, a tracker's), and nothing is lost by
    # ignoring them. The registers (sources.yaml, timeline.yaml) are briefing's alone, so
    # there an unknown key is a mistake that would drop information, and an error.
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            hint = suggest(key, FRONT_MATTER_KEYS) or _as_extra(key)
            diagnostics.warning(data.where(key), f"unknown front-matter key '{key}'", hint)
    checkpoint = diagnostics.checkpoint()
    _check_version_names(data, diagnostics)
    field = Fields(data, diagnostics)
    title = field.text("title", required=True)
    meta = Meta(
        title=title,
        subtitle=field.text("subtitle"),
        short_title=field.text("short_title", title),
        marking=field.text("marking", required=True),
        cutoff=field.date("cutoff"),
        issued=field.date("issued", precision="day"),
        author=field.text("author"),
        product_id=field.text("product_id"),
        version=field.text("version", "1"),
        paper=cast(Paper, field.choice("paper", "A4", PAPERS, any_case=True)),
        layout=field.text("layout", "brief"),
        vocabulary=field.choice("vocabulary", "icd203", tuple(VOCABULARIES)),
        language=field.text("language", "en"),
        keywords=field.words("keywords"),
        raw_html=field.flag("raw_html"),
        contents=field.maybe_flag("contents"),
        previous=Previous(field.text("previous"), data.where("previous"))
        if "previous" in data
        else None,
        withdrawn=_withdrawn(data, diagnostics),
        waived=_waived(data, diagnostics),
        horizon=field.maybe_date("horizon"),
        annex=cast(Annex, field.choice("annex", "appended", ANNEXES)),
        extra=_extra(data, diagnostics),
    )
    if not diagnostics.errors_since(checkpoint) and meta.cutoff > meta.issued:
        diagnostics.error(data.where("cutoff"), "the information cut-off is after the issue date")
    return None if diagnostics.errors_since(checkpoint) else meta


_EXTRA_EXAMPLE = "extra:\n  distribution: Desk heads only"


def _as_extra(key: str) -> str:
    """The hint for an unknown key that is no misspelt one: a value for the layout."""
    return (
        f"a value of this brief's own for its layout goes under extra:, and the layout "
        f"reads it as meta.extra.{key}\nextra:\n  {key}: ..."
    )


def _extra(data: YamlMap, diagnostics: Diagnostics) -> Extra:
    """The `extra:` mapping, the layout's own values, as free data (what JSON can hold)."""
    given = data.get("extra")
    if given is None:
        return Extra()
    if not isinstance(given, YamlMap):
        diagnostics.error(
            data.where("extra"), "'extra' must be a mapping of names to values", _EXTRA_EXAMPLE
        )
        return Extra()
    counted = [0]

    def value_of(value: object, where: Location) -> object:
        counted[0] += 1
        if counted[0] > EXTRA_MOST:
            raise _TooMuch(where)
        if isinstance(value, YamlMap):
            return Extra({k: value_of(v, value.where(k)) for k, v in value.items()})
        if isinstance(value, list):
            return [value_of(item, where) for item in value]
        if value is None or isinstance(value, str | int) or _finite(value):
            return value
        diagnostics.error(
            where,
            f"extra: a value YAML reads as {type(value).__name__} is not allowed",
            hint="text, numbers, true or false, lists and mappings",
        )
        return None

    try:
        return cast(Extra, value_of(given, data.where("extra")))
    except _TooMuch as error:
        diagnostics.error(error.where, f"'extra' holds more than {EXTRA_MOST:,} values")
        return Extra()


def _finite(value: object) -> bool:
    return isinstance(value, float) and math.isfinite(value)


class _TooMuch(Exception):
    def __init__(self, where: Location) -> None:
        super().__init__()
        self.where = where


def _waived(data: YamlMap, diagnostics: Diagnostics) -> tuple[Waiver, ...]:
    """The `waive:` mapping: each tradecraft rule turned off, with the reason for it (whether
    the rule exists is checked with the rules, in briefing.tradecraft)."""
    entries = data.get("waive")
    if entries is None:
        return ()
    example = "waive:\n  single-source: why the rule does not apply to this brief"
    if not isinstance(entries, YamlMap):
        diagnostics.error(
            data.where("waive"), "'waive' must map each rule turned off to the reason", example
        )
        return ()
    waivers: list[Waiver] = []
    for rule, reason in entries.items():
        where = entries.where(rule)
        if not isinstance(reason, str) or not reason.strip():
            diagnostics.error(where, f"turning off the rule '{rule}' needs a reason", hint=example)
        else:
            waivers.append(Waiver(str(rule), " ".join(reason.split()), where))
    return tuple(waivers)


def _withdrawn(data: YamlMap, diagnostics: Diagnostics) -> tuple[Withdrawal, ...]:
    """The `withdrawn:` list: each judgement of the previous edition no longer made, with
    its reason."""
    entries = data.get("withdrawn") or []
    if not isinstance(entries, list):
        diagnostics.error(
            data.where("withdrawn"),
            "'withdrawn' must be a list of judgements, each with 'id' and 'reason'",
            hint="withdrawn:\n  - id: the-judgement-id\n    reason: why it is withdrawn",
        )
        return ()
    withdrawals: list[Withdrawal] = []
    for entry in entries:
        if not isinstance(entry, YamlMap):
            diagnostics.error(
                data.where("withdrawn"), "each entry of 'withdrawn' must have 'id' and 'reason'"
            )
            continue
        check_keys(entry, ("id", "reason"), "key of a withdrawn judgement", diagnostics)
        field = Fields(entry, diagnostics)
        ident, reason = field.text("id", required=True), field.text("reason")
        first = next((w for w in withdrawals if w.id == ident), None)
        if not reason:
            diagnostics.error(
                entry.where("reason"), f"withdrawn judgement '{ident}' needs a reason"
            )
        elif first:
            diagnostics.error(
                entry.location,
                f"judgement '{ident}' is withdrawn twice",
                hint=f"the first is at {first.location}",
            )
        elif ident and reason:
            withdrawals.append(Withdrawal(ident, " ".join(reason.split()), entry.location))
    return tuple(withdrawals)


def _check_version_names(data: YamlMap, diagnostics: Diagnostics) -> None:
    """`version` and `previous` name folders of editions/: YAML reads 1.10 as the number
    1.1, so a number is refused for `previous` and warned of for `version`."""
    for key in ("version", "previous"):
        value = data.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            report = diagnostics.error if key == "previous" else diagnostics.warning
            report(
                data.where(key),
                f"'{key}' is read as the number {value}: write it in quotes",
                hint=f'{key}: "{value}" (or as you meant it, such as "1.10")',
            )
    version = data.get("version")
    if isinstance(version, str) and version and not VERSION_NAME.fullmatch(version):
        diagnostics.warning(
            data.where("version"),
            f"version '{version}' cannot name a folder of editions/, so it cannot be released",
            hint="use letters, digits, '.', '-' and '_', such as 2.0",
        )


def _read_body(lines: list[str], first: int, ctx: ParseContext) -> None:
    """Split the body into prose runs and directives, and build their blocks in order."""
    prose_start, n = first, first
    while n < len(lines):
        match = _OPEN.match(lines[n])
        if not match:
            if _CLOSE.match(lines[n]):
                ctx.diagnostics.error(
                    Location(BRIEF, n + 1, 1), "':::' closes a directive that was never opened"
                )
            n += 1
            continue
        _prose(lines, prose_start, n, ctx)
        written, n = _directive(lines, n, match, ctx.diagnostics)
        prose_start = n
        directive = DIRECTIVES.get(written.name)
        if directive is None:
            ctx.diagnostics.error(
                written.location,
                f"unknown directive '{written.name}'",
                suggest(written.name, list(DIRECTIVES)),
            )
        elif (block := directive.read(written, ctx)) is not None:
            ctx.blocks.append(block)
    _prose(lines, prose_start, len(lines), ctx)


def _prose(lines: list[str], start: int, end: int, ctx: ParseContext) -> None:
    text = "".join(lines[start:end])
    if text.strip():
        chunk = Chunk(text, start + 1)
        ctx.blocks.append(Prose(ctx.scan(chunk), chunk.location(0)))


def _directive(
    lines: list[str], n: int, match: re.Match[str], diagnostics: Diagnostics
) -> tuple[Written, int]:
    """The directive opened on line n, and the index of the line after it."""
    location = Location(BRIEF, n + 1, 1)
    argument = Chunk(match["arg"], n + 1, match.start("arg") + 1)
    options: dict[str, tuple[str, Location]] = {}
    i = n + 1
    while i < len(lines) and (option := _OPTION.match(lines[i])):
        options[option["key"]] = (option["value"], Location(BRIEF, i + 1, 1))
        i += 1
    start = i
    while i < len(lines) and not _CLOSE.match(lines[i]):
        if _OPEN.match(lines[i]):
            diagnostics.error(
                Location(BRIEF, i + 1, 1),
                "a directive cannot open inside another",
                hint=f"close the directive opened on line {n + 1} with ':::' first",
            )
        i += 1
    if i == len(lines):
        diagnostics.error(
            location, f"directive '{match['name']}' is never closed", hint="end it with ':::'"
        )
    content = Chunk("".join(lines[start:i]), start + 1)
    return Written(match["name"].strip(), argument, options, content, location), i + 1
