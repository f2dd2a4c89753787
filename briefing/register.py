"""`briefing add-source`: copy documents into seeds/ and register them in sources.yaml.

Each file is copied byte for byte (its fingerprint is of those bytes) and gets an entry
with every field its reader found: title, author, outlet, published and how that date was
found, address, type, and the encoding of text that is not UTF-8. Grading is left to the
analyst; `check` warns until it is done. The register is edited with a round-trip YAML
library, so the analyst's comments, order and quoting stay as they were.

A document that repeats a registered one nearly whole (a saved page and its printout) is
refused, naming the source it repeats, unless the analyst keeps both on purpose
(`--keep-repeat`): its entry then says `repeats: ID`, and the two count as one source.

The project is locked while it is read and changed, so concurrent commands see it before
or after, never in between. The copies and the new register are written under temporary
names first and renamed into place, the register last: a command killed at any point
leaves the project as it was, or as it would be, with at most unregistered copies (which
the next add-source of the same file reuses) and temporary files (which no command reads,
and the next add-source removes).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import Staged, write_atomically
from .checking import Read, read_project
from .citations import SOURCE_ID
from .diagnostics import BriefingError, BuildFailed, Diagnostics, Location, suggest
from .fetch import Fetched, fetch_all
from .files import BRIEF, SOURCES, TIMELINE, leads_out, read_inside, read_regular, read_text
from .model import Project, Repeat
from .output import project_locked
from .project import load_project
from .readers.base import SourceFile, SourceText
from .readers.registry import read_source
from .repeats import Page, furniture_of, repeated_source, sentence_keys
from .source_findings import cached_findings
from .yamlfile import YamlMap, load_yaml

SEEDS = "seeds"
# Fields a reader may find, and for a page fetched where and when, in the order written.
FOUND_FIELDS = ("title", "outlet", "author", "published", "date_basis", "address", "requested",
                "retrieved", "type", "encoding")  # fmt: skip
Given = Path | Fetched  # a file, or a page fetched from the web


@dataclass(frozen=True)
class NewSource:
    id: str
    file: str  # its name in seeds/
    data: bytes
    fields: dict[str, str]
    reader: str


def add_sources(
    root: Path,
    paths: Sequence[Path | str],
    wanted_id: str | None = None,
    waiting: Callable[[], object] = lambda: None,
    keep_repeat: bool = False,
) -> list[NewSource]:
    """Register each file (a str: a web address, fetched first) in the project at root;
    raise BuildFailed (nothing written) if any of them cannot be. `waiting` is called should
    another command hold the project. With keep_repeat, a file that repeats a registered
    source is kept and linked to it."""
    _require_register(root)
    if wanted_id is not None and len(paths) != 1:
        raise BriefingError("--id names one source: give one file with it")
    if wanted_id is not None and not SOURCE_ID.fullmatch(wanted_id):
        raise BriefingError(f"source id '{wanted_id}' must be letters, digits, '.', '-', '_'")
    # Fetched before the project is locked: a slow server holds up no other command.
    fetched = fetch_all([p for p in paths if isinstance(p, str)])
    given = [fetched[p] if isinstance(p, str) else p for p in paths]
    with project_locked(root, exclusive=True, waiting=waiting):
        _refuse_links(root)
        return _add(root, given, wanted_id, keep_repeat)


def _add(root: Path, paths: list[Given], wanted_id: str | None, keep: bool) -> list[NewSource]:
    yaml, document = _load_register(root)
    entries = _entries(document)
    known = _fingerprints(root, entries)
    registered = _sentence_keys(root, entries)
    diagnostics = Diagnostics()
    new: list[NewSource] = []
    taken_ids, taken_files = set(entries), {p.name for p in (root / SEEDS).iterdir()}
    # A registered name is taken even when its file is missing.
    taken_files |= {str(entry.get("file")) for entry in entries.values() if hasattr(entry, "get")}
    for path in paths:
        read = _read(path, diagnostics, known)
        if read is None:
            continue
        data, fields, reader, keys = read
        known[hashlib.sha256(data).hexdigest()] = f"{path}, given twice in this command"
        ident = wanted_id or _unique(_derive_id(fields, path), taken_ids)
        if ident in taken_ids:
            diagnostics.error(Location(str(path)), f"source id '{ident}' is taken already")
            continue
        page = Page.of(fields.get("title", ""), fields.get("address", ""))
        repeat = repeated_source(keys, page, {sid: (k, p) for sid, (k, p, _) in registered.items()})
        if repeat and not keep:
            _refuse_repeat(path, repeat, registered[repeat.first][2], diagnostics)
            continue
        if repeat:
            fields["repeats"] = repeat.first
        registered[ident] = (keys, page, f"{path}, given in this command")
        wanted_file = re.sub(r"[^\w-]", "-", ident) + path.suffix.lower()
        name = _free_file(root / SEEDS, wanted_file, data, taken_files)
        taken_ids.add(ident)
        taken_files.add(name)
        new.append(NewSource(ident, name, data, fields, reader))
    if diagnostics.errors:
        raise BuildFailed(diagnostics)
    for added in new:
        entries[_as_written(added.id)] = {
            key: _as_written(value) for key, value in {"file": added.file, **added.fields}.items()
        }
    _write(root, new, yaml, document)
    return new


def _entries(document: Any) -> Any:
    """The register's mapping of source ids to entries."""
    entries = document.get("sources") if isinstance(document, dict) else None
    if not isinstance(entries, dict):
        raise BriefingError(f"{SOURCES}: expected a mapping 'sources:' of source ids to entries")
    return entries


def _sentence_keys(root: Path, entries: Any) -> dict[str, tuple[frozenset[int], Page, str]]:
    """The sentence keys, page and file name of each registered source that can be read
    (the build says why the others cannot)."""
    found = {}
    for ident, entry in entries.items():
        name = entry.get("file") if hasattr(entry, "get") else None
        data = read_inside(root, root / SEEDS / str(name))[0] if name else None
        encoding = str(entry.get("encoding") or "utf-8") if data is not None else ""
        if data is not None:
            file = SourceFile(f"{SEEDS}/{name}", data, encoding)
            if read := read_source(file, Diagnostics()):
                page = Page.of(str(entry.get("title", "")), str(entry.get("address", "")))
                found[str(ident)] = (_keys(read), page, f"{SEEDS}/{name}")
    return found


def _refuse_repeat(path: Given, repeat: Repeat, file: str, diagnostics: Diagnostics) -> None:
    diagnostics.error(
        Location(str(path)),
        f"repeats source '{repeat.first}' ({file}): {repeat.shared} of its "
        f"{repeat.of_second} sentences are the same, the same document twice",
        hint="a page and its printout? add it with --keep-repeat to keep both on purpose: "
        "they then count as one source",
    )


def _refuse_links(root: Path) -> None:
    """Refuse, as the build does, a seeds/ or a file in it that leads out of the project;
    and a register that is a link, which replacing it would break."""
    diagnostics, seeds = Diagnostics(), root / SEEDS
    if problem := leads_out(root, seeds):
        diagnostics.error(Location(SEEDS), f"folder is {problem}")
        raise BuildFailed(diagnostics)
    for path in sorted(seeds.iterdir()):
        where = Location(f"{SEEDS}/{path.name}")
        if problem := leads_out(root, path):
            diagnostics.error(where, f"file is {problem}")
        elif where.path == SOURCES and path.is_symlink():
            diagnostics.error(
                where,
                "file is a link; add-source would replace it with a file",
                hint="put the register itself in its place, or add the entry by hand",
            )
    if diagnostics.errors:
        raise BuildFailed(diagnostics)


def _as_written(text: str) -> str:
    """The text, double-quoted when the register's own reader (YAML 1.1, where ruamel
    writes 1.2) would read it unquoted as something else: 'Yes' as true, '1:20' as 80."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    plain = load_yaml(text, SOURCES, Diagnostics()) == text
    return text if plain else DoubleQuotedScalarString(text)


def _load_register(root: Path) -> tuple[Any, Any]:
    return _parse_register(_register_text(root))


def _register_text(root: Path, kept: dict[str, bytes] | None = None) -> str:
    """The register's text (kept, if given, receives its bytes)."""
    diagnostics = Diagnostics()
    text = read_text(root, SOURCES, diagnostics, kept)  # as the build reads it: no pipe, no giant
    if text is None:
        raise BuildFailed(diagnostics)
    return text


def _parse_register(text: str) -> tuple[Any, Any]:
    """The register read for round-trip editing: the YAML library and the document."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.util import load_yaml_guess_indent

    yaml = YAML()
    yaml.preserve_quotes = True  # "No" stays a string, "2024-03" stays quoted
    yaml.width = 4096  # never re-wrap the analyst's lines
    try:
        _, indent, sequence_dash = load_yaml_guess_indent(text)
        yaml.indent(mapping=indent or 2, sequence=indent or 2, offset=sequence_dash or 0)
        document = yaml.load(text)
    except YAMLError as error:
        diagnostics = Diagnostics()  # the register's own reader says where, as check does
        if load_yaml(text, SOURCES, diagnostics) is None and diagnostics.errors:
            raise BuildFailed(diagnostics) from None
        raise BriefingError(f"{SOURCES}: invalid YAML ({error}); fix it first") from None
    return yaml, document


def _fingerprints(root: Path, entries: Any) -> dict[str, str]:
    """The SHA-256 of each registered file, with its source id."""
    found = {}
    for ident, entry in entries.items():
        name = entry.get("file") if hasattr(entry, "get") else None
        data = read_inside(root, root / SEEDS / str(name))[0] if name else None
        if data is not None:
            found[hashlib.sha256(data).hexdigest()] = f"source '{ident}'"
    return found


def _read(
    path: Given, diagnostics: Diagnostics, known: dict[str, str]
) -> tuple[bytes, dict[str, str], str, frozenset[int]] | None:
    where = Location(str(path))
    data = path.data if isinstance(path, Fetched) else _file_data(path, where, diagnostics)
    if data is None:
        return None
    if (digest := hashlib.sha256(data).hexdigest()) in known:
        diagnostics.error(where, f"already registered, as {known[digest]}")
        return None
    read = _text_of(path, data, diagnostics)
    if read is None:
        return None
    found = {**read.extracted.metadata, "title": read.extracted.metadata.get("title") or path.stem}
    if isinstance(path, Fetched):
        found |= _where_and_when(path, found.get("address"))
    fields = {key: _printable(found[key]) for key in FOUND_FIELDS if found.get(key)}
    fields = {key: value for key, value in fields.items() if value}
    return data, fields, read.reader, _keys(read)


def _file_data(path: Path, where: Location, diagnostics: Diagnostics) -> bytes | None:
    if not path.exists():
        diagnostics.error(where, "no such file")
        return None
    data, problem = read_regular(path.resolve())  # a named pipe is refused, never waited on
    if data is None:
        diagnostics.error(where, problem)
    return data


def _text_of(path: Given, data: bytes, diagnostics: Diagnostics) -> SourceText | None:
    """The file's text; a fetched page's read as the file it will be, its diagnostics
    naming its address."""
    if isinstance(path, Path):
        return read_source(SourceFile(str(path), data), diagnostics)
    found = Diagnostics()
    read = read_source(SourceFile(f"fetched{path.suffix}", data), found)
    for problem in found:
        report = diagnostics.error if problem.severity == "error" else diagnostics.warning
        report(Location(path.requested), problem.message, problem.hint, problem.code)
    return read


def _where_and_when(page: Fetched, stated: str | None) -> dict[str, str]:
    """address (the page's own, else where it was found), where it was asked for when not
    there, and when it was retrieved."""
    address = stated or page.address
    requested = {"requested": page.requested} if page.requested != address else {}
    return {"address": address, **requested, "retrieved": page.retrieved}


def _keys(read: SourceText) -> frozenset[int]:
    """The sentence keys of the quotable text, as check finds repeats by them."""
    text, furniture = read.extracted.text, read.extracted.furniture
    return sentence_keys(text, furniture_of(cached_findings(text, furniture, read.page_rules)))


def _printable(text: str) -> str:
    """Metadata without control and format characters (a PDF's title may carry them)."""
    kept = (c if unicodedata.category(c) not in ("Cc", "Cf") else " " for c in text)
    return " ".join("".join(kept).split())


def _slug(text: str) -> str:
    """Lower-case ASCII words joined by '-': 'Aktuálně.cz' -> 'aktualne-cz'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def _derive_id(fields: dict[str, str], path: Given) -> str:
    """The outlet (or the site of its address, or the file's name), and the year."""
    site = re.sub(r"^www\.", "", re.sub(r"^\w+://([^/]+).*$", r"\1", fields.get("address", "")))
    base = _slug(fields.get("outlet", "")) or _slug(site.rsplit(".", 1)[0]) or _slug(path.stem)
    words = base.split("-")
    words = words[1:] if len(words) > 1 and words[0] == "the" else words
    base = "-".join(words[:3]) or "source"  # 'The New York Times': new-york-times
    year = fields.get("published", "")[:4]
    return f"{base}-{year}" if year else base


def _unique(ident: str, taken: set[str]) -> str:
    n, candidate = 1, ident
    while candidate in taken:
        n += 1
        candidate = f"{ident}-{n}"
    return candidate


def _free_file(seeds: Path, name: str, data: bytes, taken: set[str]) -> str:
    """name, else name-2, name-3...: the first not taken, or holding these very bytes
    unregistered (a copy an add-source killed before registering it left)."""
    stem, dot, suffix = name.rpartition(".")
    n, candidate = 1, name
    while candidate in taken and read_regular(seeds / candidate)[0] != data:
        n += 1
        candidate = f"{stem}-{n}{dot}{suffix}" if dot else f"{name}-{n}"
    return candidate


def _write(root: Path, new: list[NewSource], yaml: Any, document: Any) -> None:
    """Write the copies and the register under temporary names, then rename them into
    place, the register last; on failure, remove what was written."""
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    _check_reads_back(buffer.getvalue(), new)
    seeds, register = root / SEEDS, root / SOURCES
    copies = [s for s in new if not (seeds / s.file).exists()]  # the rest are there already
    staged = Staged()
    try:
        with staged:
            for source in copies:
                staged.add(seeds / source.file, source.data)
            mode = register.stat().st_mode & 0o777
            staged.add(register, buffer.getvalue().encode("utf-8"), mode)
            staged.place()
    except OSError as error:
        for path in staged.placed:  # copies: the register, placed last, raised no error
            path.unlink(missing_ok=True)
        raise BriefingError(
            f"cannot write {SEEDS}/ ({error.strerror}); nothing was added"
        ) from error


def _check_reads_back(text: str, new: list[NewSource]) -> None:
    """The register as written must give the build the entries meant (a safety net under
    the quoting: the two YAML libraries do not read everything alike)."""
    read = load_yaml(text, SOURCES, Diagnostics())
    entries = read.get("sources") if isinstance(read, dict) else None
    for source in new:
        meant = {"file": source.file, **source.fields}
        got = entries.get(source.id) if isinstance(entries, dict) else None
        if got != meant:
            raise BriefingError(f"{SOURCES}: entry '{source.id}' would not read back as written")


# --- sources remove ----------------------------------------------------------------------


@dataclass(frozen=True)
class Removed:
    """A source removed: its id and its file in seeds/; or "" and why the file stays."""

    id: str
    file: str
    kept: str = ""


def remove_source(root: Path, ident: str, waiting: Callable[[], object] = lambda: None) -> Removed:
    """Remove source ident's entry from the register and its file from seeds/, under the
    project's lock; refuse (nothing changed) a source that is cited or that another
    entry `repeats:`.

    The new register is placed first, then the file removed: a command killed in between
    leaves the document in seeds/, unlisted (check warns; nothing is lost, and adding it
    again works). The reverse order, the file moved aside first, would leave in that
    moment an entry without its file, which fails the build, and the file under a
    temporary name that the next command's sweep deletes. Should the file not be
    removable, the old register is put back."""
    _require_register(root)
    with project_locked(root, exclusive=True, waiting=waiting):
        _refuse_links(root)
        original: dict[str, bytes] = {}
        text = _register_text(root, original)
        yaml, document = _parse_register(text)
        entries, as_built = _entries(document), _as_built(text)
        if ident not in entries or ident not in as_built["sources"]:
            hint = suggest(ident, list(as_built["sources"]), "sources")
            raise BriefingError(f"no source '{ident}' in {SOURCES}" + (f"; {hint}" if hint else ""))
        _refuse_named(root, ident, as_built["sources"])
        file, kept = _own_file(root, ident, entries)
        new_text = _register_without(text, yaml, document, ident, as_built)
        _replace_then_delete(root, original[SOURCES], new_text, file)
    return Removed(ident, file, kept)


def _require_register(root: Path) -> None:
    if not (root / SOURCES).is_file():
        raise BriefingError(
            f"{root}: not a brief project (no {SOURCES}); create one with 'briefing new DIR'"
        )


def citing_places(read: Read) -> dict[str, list[Location]]:
    """Where each source is cited, as the check resolves citations: brief.md, then the
    timeline."""
    refs = (read.text.citations if read.text else ()) + read.timeline.citations
    places: dict[str, list[Location]] = {}
    for ref in refs:
        places.setdefault(ref.source, []).append(ref.location)
    return places


def unread_citations(read: Read, project: Project, diagnostics: Diagnostics) -> list[str]:
    """The files whose citations could not be read (errors in diagnostics say why)."""
    unread = [BRIEF] if read.text is None and project.brief.strip() else []
    timeline_failed = any(d.location.path == TIMELINE for d in diagnostics.errors)
    if project.timeline_yaml and not read.timeline.events and timeline_failed:
        unread.append(TIMELINE)
    return unread


def read_citations(root: Path, diagnostics: Diagnostics, sources: bool = False) -> Read:
    """The project read as the check reads it, to the citations (and, with sources, the
    sources), not verified."""
    project = load_project(root, diagnostics)
    read = read_project(root, project, diagnostics, None if sources else {}, previous=False)
    if unread := unread_citations(read, project, diagnostics):
        diagnostics.error(
            Location(unread[0]),
            "cannot be read, so its citations are not known",
            hint="see the errors above; 'briefing check' tells the same",
        )
    return read


def _as_built(text: str) -> YamlMap:
    """The register as the build reads it."""
    register = load_yaml(text, SOURCES, Diagnostics())
    if not isinstance(register, YamlMap) or not isinstance(register.get("sources"), YamlMap):
        raise BriefingError(f"{SOURCES} cannot be read; 'briefing check' says why")
    return register


def _refuse_named(root: Path, ident: str, entries: YamlMap) -> None:
    """Refuse a source that is cited, or that another entry says it repeats, naming each
    place."""
    diagnostics = Diagnostics()
    read = read_citations(root, diagnostics)
    named = Diagnostics()
    for error in diagnostics.errors:
        named.error(error.location, error.message, error.hint)
    citing = citing_places(read).get(ident, [])
    for n, where in enumerate(citing, start=1):
        last = n == len(citing)  # the hint once, under the last place
        named.error(where, f"cites source '{ident}'", "remove the citations first" * last)
    for other, entry in entries.items():
        if isinstance(entry, YamlMap) and entry.get("repeats") == ident:
            named.error(
                entry.where("repeats"),
                f"source '{other}' repeats '{ident}' (the two count as one)",
                hint=f"remove '{other}' first, or its 'repeats:' line to keep it alone",
            )
    if named.errors:
        raise BuildFailed(named)


def _own_file(root: Path, ident: str, entries: Any) -> tuple[str, str]:
    """The file in seeds/ that goes with the entry, or "" and why it stays."""
    name = _file_of(entries[ident])
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name[0] == ".":
        return "", "the entry names no file directly in seeds/"
    others = [str(o) for o, e in entries.items() if o != ident and _file_of(e) == name]
    if others:
        return "", f"source '{others[0]}' names it too"
    path = root / SEEDS / name
    if not os.path.lexists(path):
        return "", "it was missing"
    if stat.S_ISDIR(path.lstat().st_mode):
        return "", "it is a folder"
    return name, ""


def _file_of(entry: Any) -> object:
    return entry.get("file") if hasattr(entry, "get") else None


def _register_without(text: str, yaml: Any, document: Any, ident: str, as_built: YamlMap) -> str:
    """The register's text without entry ident, everything else as it was; checked to
    read back, for the build, as the register without that entry."""
    meant = {**as_built, "sources": {k: v for k, v in as_built["sources"].items() if k != ident}}
    new_text = _lines_without(text, document, ident)
    if new_text is None or load_yaml(new_text, SOURCES, Diagnostics()) != meant:
        del document["sources"][ident]  # a layout the lines cannot be cut from: rewrite it
        buffer = io.StringIO()
        yaml.dump(document, buffer)
        new_text = buffer.getvalue()
    if load_yaml(new_text, SOURCES, Diagnostics()) != meant:
        raise BriefingError(f"{SOURCES}: the register without '{ident}' would not read back")
    return new_text


def _lines_without(text: str, document: Any, ident: str) -> str | None:
    """The text with the entry's lines cut out: its key's line to the next entry's, with
    the comments right above it (at its indentation); the comments and blank lines that
    end it at the entries' indentation or less introduce what follows, and stay. (A
    round-trip library attaches those to the entry before, and would drop them with it.)
    None for a register in flow style ({...})."""
    entries = document["sources"]
    keys, top = list(entries), list(document)
    start, column = entries.lc.key(ident)
    first = document.lc.key("sources")[0] + 1  # the first line an entry can take
    if entries.fa.flow_style() or start < first:
        return None
    lines = text.splitlines(keepends=True)
    after_entry = keys[keys.index(ident) + 1 :]
    after_register = top[top.index("sources") + 1 :]
    end = (
        entries.lc.key(after_entry[0])[0]
        if after_entry
        else document.lc.key(after_register[0])[0]
        if after_register
        else len(lines)
    )
    while end > start + 1 and _introduces(lines[end - 1], column):
        end -= 1
    while start > first and _comment_at(lines[start - 1], column):
        start -= 1
    before, rest = lines[:start], lines[end:]
    if start == first or (before and not before[-1].strip()):
        while rest and not rest[0].strip():
            rest.pop(0)  # no blank line doubled, none left right under 'sources:'
    return "".join(before + rest)


def _introduces(line: str, column: int) -> bool:
    """A blank line, or a comment at the entries' indentation or less."""
    stripped = line.lstrip()
    return not stripped or (stripped[0] == "#" and len(line) - len(stripped) <= column)


def _comment_at(line: str, column: int) -> bool:
    stripped = line.lstrip()
    return stripped.startswith("#") and len(line) - len(stripped) == column


def _replace_then_delete(root: Path, old: bytes, new: str, file: str) -> None:
    """Place the new register, then delete the file; put the old register back should the
    file stay."""
    register = root / SOURCES
    mode = register.stat().st_mode & 0o777
    try:
        write_atomically(register, new.encode("utf-8"), mode)
    except OSError as error:
        raise BriefingError(
            f"cannot write {SOURCES} ({error.strerror}); nothing was removed"
        ) from error
    if not file:
        return
    try:
        (root / SEEDS / file).unlink()
    except OSError as error:
        try:
            write_atomically(register, old, mode)
        except OSError:
            raise BriefingError(
                f"cannot remove {SEEDS}/{file} ({error.strerror}), and the entry is "
                f"removed already: delete the file by hand"
            ) from error
        raise BriefingError(
            f"cannot remove {SEEDS}/{file} ({error.strerror}); nothing was removed"
        ) from error
