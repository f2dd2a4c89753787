"""`make eval`, part 7: the register's fields for the corpus's saved pages against
bench/metadata-truth.json (the right title, outlet, author, published and type of each,
read from the page), as the share right per field on each half of bench/split.json."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from briefing.diagnostics import Diagnostics
from briefing.readers.base import SourceFile
from briefing.readers.registry import read_source

BENCH = Path(__file__).resolve().parent
FIELDS = ("title", "outlet", "author", "published", "type")
QUOTES = str.maketrans("‘’“”", "''\"\"")


def normal(value: str) -> str:
    """A value as compared: NFKC, case-folded, quotes straightened, spaces collapsed."""
    text = unicodedata.normalize("NFKC", value).translate(QUOTES).casefold()
    return " ".join(re.sub(r"\s*;\s*", "; ", text).split()).strip(" .")


def right(found: str, truth: str | list[str]) -> bool:
    """Whether the found value is the right one, or one of the right ones."""
    accepted = truth if isinstance(truth, list) else [truth]
    return normal(found) in {normal(value) for value in accepted}


def found_metadata(page: Path) -> dict[str, str]:
    """The metadata add-source writes for the page."""
    read = read_source(
        SourceFile("source.html", (page / "source.html").read_bytes()), Diagnostics()
    )
    return dict(read.extracted.metadata) if read else {}


def evaluate(pages_folder: Path, show: bool = False) -> None:
    truth = json.loads((BENCH / "metadata-truth.json").read_text(encoding="utf-8"))["pages"]
    split = json.loads((BENCH / "split.json").read_text(encoding="utf-8"))
    print("7. Register fields of saved pages (bench/metadata-truth.json), share right")
    print(f"   {'half':<8}" + "".join(f"{f:>11}" for f in FIELDS) + "   opinion/editorial typed")
    for half in ("tune", "report"):
        names = [n for n in split[half] if n in truth]
        if not names:
            print(f"   {half:<8}no pages of this half in the truth table yet")
            continue
        counts = dict.fromkeys(FIELDS, 0)
        opinions = typed = 0
        for name in names:
            found = found_metadata(pages_folder / name)
            for field in FIELDS:
                ok = right(found.get(field, ""), truth[name][field])
                counts[field] += ok
                if show and not ok:
                    print(
                        f"   {half} {name} {field}: {found.get(field, '')!r} "
                        f"(right: {truth[name][field]!r})"
                    )
            kinds = truth[name]["type"]
            if {"opinion", "editorial"} & set(kinds if isinstance(kinds, list) else [kinds]):
                opinions += 1
                typed += right(found.get("type", ""), kinds)
        shares = "".join(f"{counts[f] / max(len(names), 1):>11.0%}" for f in FIELDS)
        print(f"   {half:<8}{shares}   {typed} of {opinions}   ({len(names)} pages)")
