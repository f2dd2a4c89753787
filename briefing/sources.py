"""Stage 3: ingest the sources listed in seeds/sources.yaml.

The fingerprint is of the original bytes; the text used for matching is what the reader
for the file's kind makes of them (see briefing.readers).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .citations import SOURCE_ID
from .diagnostics import Diagnostics, Location, printable, suggest
from .files import SOURCES
from .model import Project, Source, SourceEntry
from .readers.base import SourceFile
from .readers.registry import read_source
from .source_findings import cached_findings
from .vocabulary import CREDIBILITY, RELIABILITY
from .words import count_words
from .yamlfile import Fields, YamlMap, check_keys, date_field, load_yaml

SOURCE_KEYS = (
    "file", "title", "outlet", "author", "published", "date_basis", "address", "requested",
    "retrieved", "type", "encoding", "reliability", "reliability_reason", "credibility",
    "credibility_reason", "descriptor", "repeats",
)  # fmt: skip
GRADES = ("reliability", "credibility")  # wanted before issuing: a warning until given
_NUMBERS = {str(n) for n in CREDIBILITY}
_BOTH_GRADES = re.compile(r"([A-F])[ /-]?([1-6])")  # 'B2', 'B-2', 'B/2' (upper-cased)
DESCRIBED = ("outlet", "author", "type")  # printed as 'not stated' when missing: a warning
# Required: file and title (an error when missing). Everything else is optional.


def ingest_sources(project: Project, diagnostics: Diagnostics) -> dict[str, Source]:
    """Read the source register and fingerprint and decode every document it lists."""
    data = load_yaml(project.sources_yaml, SOURCES, diagnostics) if project.sources_yaml else None
    if data is None:
        return {}
    if not isinstance(data, YamlMap) or not isinstance(data.get("sources"), YamlMap):
        diagnostics.error(
            Location(SOURCES, 1, 1), "expected a mapping 'sources:' of source ids to entries"
        )
        return {}
    register: YamlMap = data["sources"]
    sources = {}
    listed = {str(raw.get("file")) for raw in register.values() if isinstance(raw, YamlMap)}
    for number, (sid, raw) in enumerate(register.items(), start=1):
        where = register.where(sid)
        if not SOURCE_ID.fullmatch(sid):
            diagnostics.error(where, f"source id '{sid}' must be letters, digits, '.', '-', '_'")
            continue
        if not isinstance(raw, YamlMap):
            diagnostics.error(where, f"source '{sid}' must be a mapping of fields")
            continue
        entry = _entry(sid, f"S{number}", raw, diagnostics)
        if entry is None:
            continue
        source = _read(entry, project, diagnostics)
        if source is not None:
            sources[sid] = source
        _check_declared_repeat(entry, raw, list(register), diagnostics)
    for name in sorted(set(project.source_files) - listed):
        diagnostics.warning(Location(f"seeds/{name}"), "file is not listed in seeds/sources.yaml")
    return sources


def _check_declared_repeat(
    entry: SourceEntry, raw: YamlMap, registered: list[str], diagnostics: Diagnostics
) -> None:
    """`repeats:` names another registered source (see briefing.repeats)."""
    if not entry.repeats:
        return
    where = raw.where("repeats")
    if entry.repeats == entry.id:
        diagnostics.error(where, f"source '{entry.id}' cannot repeat itself")
    elif entry.repeats not in registered:
        diagnostics.error(
            where,
            f"source '{entry.id}' repeats '{entry.repeats}', which is not in {SOURCES}",
            suggest(entry.repeats, [sid for sid in registered if sid != entry.id]),
        )


def _grades(raw: YamlMap, diagnostics: Diagnostics) -> tuple[str, int]:
    """The reliability letter and the credibility number (0 if not given); each mistake an
    error at its value, with the two written as meant when that is plain."""
    reliability = Fields(raw, diagnostics).text("reliability").upper()
    credibility = raw.get("credibility")
    given = "" if credibility is None else str(credibility).strip().upper()
    if reliability in _NUMBERS and given in RELIABILITY:
        diagnostics.error(
            raw.where("reliability"),
            f"reliability {reliability} and credibility {given}: swapped?",
            hint=f"write reliability: {given} and credibility: {reliability}",
        )
        return "", 0
    for key, value in (("reliability", reliability), ("credibility", given)):
        if both := _BOTH_GRADES.fullmatch(value):
            letter, number = both.groups()
            diagnostics.error(
                raw.where(key),
                f"{key} '{value}' is both grades in one",
                hint=f"split it: reliability: {letter} and credibility: {number}",
            )
            return "", 0
    if reliability and reliability not in RELIABILITY:
        diagnostics.error(raw.where("reliability"), "reliability must be a letter A-F")
    if credibility is not None and (type(credibility) is not int or credibility not in CREDIBILITY):
        diagnostics.error(raw.where("credibility"), "credibility must be a number 1-6")
        return reliability, 0
    return reliability, credibility or 0


def _entry(sid: str, label: str, raw: YamlMap, diagnostics: Diagnostics) -> SourceEntry | None:
    checkpoint = diagnostics.checkpoint()
    check_keys(raw, SOURCE_KEYS, "source field", diagnostics)

    text = Fields(raw, diagnostics).text
    published = date_field(raw, "published", diagnostics)
    reliability, credibility = _grades(raw, diagnostics)
    ungraded = [key for key in GRADES if raw.get(key) in (None, "")]
    if ungraded:
        diagnostics.warning(
            raw.location,
            f"source '{sid}': {' and '.join(ungraded)} not yet graded",
            hint="reliability: a letter A-F (the source); credibility: a number 1-6 (the "
            "information); each with a _reason",
        )
    unstated = [key for key in DESCRIBED if raw.get(key) in (None, "")]
    if unstated:
        diagnostics.warning(
            raw.location,
            f"source '{sid}': no {', '.join(unstated)}; the appendix prints 'not stated'",
            hint=f"write it, or '{unstated[0]}: not stated' if the document does not say",
        )
    entry = SourceEntry(
        id=sid,
        label=label,
        file=text("file", required=True),
        title=text("title", required=True),
        outlet=text("outlet"),
        author=text("author"),
        published=published,
        date_basis=text("date_basis"),
        address=text("address"),
        requested=text("requested"),
        retrieved=text("retrieved"),
        type=text("type"),
        encoding=text("encoding"),
        reliability=reliability,
        reliability_reason=text("reliability_reason"),
        credibility=credibility,
        credibility_reason=text("credibility_reason"),
        descriptor=" ".join(text("descriptor").split()),
        repeats=text("repeats"),
        location=raw.location,
    )
    return None if diagnostics.errors_since(checkpoint) else entry


def _read(entry: SourceEntry, project: Project, diagnostics: Diagnostics) -> Source | None:
    if "/" in entry.file or "\\" in entry.file or entry.file.startswith("."):
        diagnostics.error(
            entry.location, f"source '{entry.id}': 'file' must name a file directly in seeds/"
        )
        return None
    if entry.file not in project.source_files:
        path = project.root / "seeds" / entry.file
        if path.is_dir():
            diagnostics.error(
                entry.location, f"source '{entry.id}': seeds/{entry.file} is a folder, not a file"
            )
            return None
        if path.exists():
            return None  # there, but unreadable: loading has said why
        diagnostics.error(
            entry.location,
            f"source '{entry.id}': no file seeds/{entry.file}",
            suggest(entry.file, list(project.source_files)),
        )
        return None
    file = SourceFile(
        f"seeds/{entry.file}", project.source_files[entry.file], entry.encoding or "utf-8"
    )
    read = read_source(file, diagnostics)
    if read is None:
        return None
    text = read.extracted.text
    return Source(
        entry,
        read.sha256,
        text,
        count_words(text),
        cached_findings(text, read.extracted.furniture, read.page_rules),
        read.extracted.pages,
        read.reader,
    )


def findings_summary(source: Source) -> str:
    """One line: the source, its kind and size, and how many findings of each kind."""
    counts = Counter(f.kind for f in source.findings)
    names = {"page-furniture": ("page furniture", "page furniture"),
             "repeated-passage": ("repeated passage", "repeated passages"),
             "shared-text": ("source sharing text", "sources sharing text")}  # fmt: skip
    found = ", ".join(f"{n} {names[kind][n != 1]}" for kind, n in sorted(counts.items()))
    found = found or "no findings"
    count = len(source.pages)
    pages = f", {count} page{'s' * (count != 1)}" if source.pages else ""
    return (
        f"{source.entry.label} {source.id}: {source.kind}{pages}, "
        f"{source.word_count:,} words; {found}"
    )


def listing(source: Source) -> list[str]:
    """The text quotes are matched against, line by line with numbers, as a writer sees
    it: page breaks marked, page furniture (which cannot be quoted alone) flagged, and
    where it first shares text with another source."""
    furniture = {
        line: f.detail
        for f in source.findings
        if f.kind == "page-furniture"
        for line in range(f.line, source.text.count("\n", 0, f.span[1]) + 2)
    }
    shared: dict[int, list[str]] = {}
    for finding in source.findings:
        if finding.kind == "shared-text":
            shared.setdefault(finding.line, []).append(finding.detail)
    width = len(str(source.text.count("\n") + 1))
    lines, offset = [], 0
    for number, line in enumerate(source.text.split("\n"), start=1):
        page = source.page_of(offset)
        if source.pages and offset in source.pages:
            lines.append(f"{'':>{width}}  --- page {page} ---")
        note = f"    [furniture: {furniture[number]}]" if number in furniture else ""
        note += "".join(f"    [shared text: {detail}]" for detail in shared.get(number, ()))
        lines.append(f"{number:>{width}}  {line}{note}")
        offset += len(line) + 1
    return lines


def source_metadata(entry: SourceEntry) -> dict[str, Any]:
    """The register entry's fields as read: text fields "" when not given, credibility
    and published None."""
    fields: dict[str, Any] = {key: getattr(entry, key) for key in SOURCE_KEYS}
    fields["published"] = str(entry.published) if entry.published else None
    fields["credibility"] = entry.credibility or None
    return fields


def source_json(source: Source) -> dict[str, Any]:
    """`sources show --json`: the text quotes are matched against, where its pages start,
    the register entry's fields and every finding, as the check sees them."""
    return {
        "id": source.id,
        "label": source.entry.label,
        "kind": source.kind,
        "file": f"seeds/{source.entry.file}",
        "sha256": source.sha256,
        "word_count": source.word_count,
        "metadata": source_metadata(source.entry),
        "text": source.text,
        "pages": list(source.pages),
        "findings": [
            {
                "kind": f.kind,
                "span": list(f.span),
                "line": f.line,
                "page": source.page_of(f.span[0]),
                "detail": f.detail,
                "excerpt": f.excerpt,
            }
            for f in source.findings
        ],
    }


@dataclass(frozen=True)
class Row:
    """A source as `sources list` shows it."""

    label: str
    id: str
    kind: str
    title: str
    outlet: str
    published: str | None
    grade: str | None  # None: not graded
    cited: int  # times cited in brief.md and the timeline
    file: str
    address: str

    @classmethod
    def of(cls, source: Source, cited: int) -> Row:
        entry = source.entry
        published = str(entry.published) if entry.published else None
        grade = entry.grade if entry.graded else None
        return cls(entry.label, source.id, source.kind, entry.title, entry.outlet, published,
                   grade, cited, f"seeds/{entry.file}", entry.address)  # fmt: skip

    def cells(self) -> list[str]:
        """The row as `sources list` prints it, under HEADINGS."""
        return [self.label, self.id, self.kind, self.title, self.outlet, self.published or "",
                self.grade or "not graded", str(self.cited)]  # fmt: skip


HEADINGS = ("label", "id", "kind", "title", "outlet", "date", "grade", "cited")
CUT_AT = {"title": 44, "outlet": 24}  # a longer cell is cut with an ellipsis


def table(rows: list[Row]) -> list[str]:
    """The rows as aligned columns under a heading, long cells cut with an ellipsis, the
    counts aligned right."""
    cut = [CUT_AT.get(heading, 0) for heading in HEADINGS]
    cells = [list(HEADINGS)] + [
        [_cut(printable(cell), width) for cell, width in zip(row.cells(), cut, strict=True)]
        for row in rows
    ]
    widths = [max(len(line[n]) for line in cells) for n in range(len(HEADINGS))]
    return [
        "  ".join(
            cell.rjust(width) if n == len(HEADINGS) - 1 else cell.ljust(width)
            for n, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in cells
    ]


def _cut(text: str, width: int) -> str:
    return text if not width or len(text) <= width else text[: width - 1].rstrip() + "…"
