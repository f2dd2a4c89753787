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
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import Staged
from .citations import SOURCE_ID
from .diagnostics import BriefingError, BuildFailed, Diagnostics, Location
from .fetch import Fetched, fetch_all
from .files import SOURCES, leads_out, read_inside, read_regular, read_text
from .model import Repeat
from .output import project_locked
from .readers.base import SourceFile, SourceText
from .readers.registry import read_source
from .repeats import Page, furniture_of, repeated_source, sentence_keys
from .source_findings import cached_findings
from .yamlfile import load_yaml

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
    if not (root / SOURCES).is_file():
        raise BriefingError(
            f"{root}: not a brief project (no {SOURCES}); create one with 'briefing new DIR'"
        )
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
    entries = document.get("sources") if isinstance(document, dict) else None
    if not isinstance(entries, dict):
        raise BriefingError(f"{SOURCES}: expected a mapping 'sources:' of source ids to entries")
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
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.util import load_yaml_guess_indent

    diagnostics = Diagnostics()
    text = read_text(root, SOURCES, diagnostics)  # as the build reads it: no pipe, no giant
    if text is None:
        raise BuildFailed(diagnostics)
    yaml = YAML()
    yaml.preserve_quotes = True  # "No" stays a string, "2024-03" stays quoted
    yaml.width = 4096  # never re-wrap the analyst's lines
    try:
        _, indent, sequence_dash = load_yaml_guess_indent(text)
        yaml.indent(mapping=indent or 2, sequence=indent or 2, offset=sequence_dash or 0)
        document = yaml.load(text)
    except YAMLError as error:
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
    base = "-".join(base.split("-")[:3]) or "source"
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
