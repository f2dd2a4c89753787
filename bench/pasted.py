"""Make bench/pasted/NAME.txt: what a browser's select-all and copy gives for each page of
the web-page corpus (../shared/corpus/web-pages), for `make eval` to score the page
furniture rules on. Kept in the repository so that the scores do not move with inscriptis;
run again (`pip install inscriptis`, then `python bench/pasted.py`) only to remake them.

inscriptis lays the page out as text as a browser would; a browser's copy carries no list
markers or indentation, so those are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

from inscriptis import get_text

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "web-pages"
OUT = Path(__file__).resolve().parent / "pasted"
_MARKER = re.compile(r"^(?:[*+•-]|\d+\.)\s+")


def pasted(html: str) -> str:
    lines = (_MARKER.sub("", line.strip()) for line in get_text(html).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for page in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        html = (page / "source.html").read_text(encoding="utf-8", errors="replace")
        (OUT / f"{page.name}.txt").write_text(pasted(html), encoding="utf-8")


if __name__ == "__main__":
    main()
