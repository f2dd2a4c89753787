"""Names are never hyphenated on paper."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import hyphenated_line_ends
from .conftest import ok

LONG_WORDS = "Khmeimimskaya Latakiagorod Damascusovich Tartusberg Moscowsky Hmeimimvale"


@pytest.mark.parametrize("capitalised", [True, False])
def test_the_pdf_never_breaks_a_name(tmp_path: Path, capitalised: bool) -> None:
    """A paragraph of long names is set without a broken one; the same words in lower case
    do break, so the paragraph does reach hyphenation (and pdf.keep_names_whole still
    reaches WeasyPrint's line breaking)."""
    root = tmp_path / "names"
    ok("new", root)
    words = LONG_WORDS if capitalised else LONG_WORDS.lower()
    prose = "\n\n## Names\n\n" + " ".join([f"See {words}."] * 12) + "\n"
    (root / "brief.md").write_text((root / "brief.md").read_text("utf-8") + prose, "utf-8")
    ok("build", root, "--format", "pdf")
    broken = hyphenated_line_ends(root / "dist/brief.pdf")
    named = [pair for pair in broken if pair[0][0].isupper() or pair[0] in words]
    if capitalised:
        assert named == []
    else:
        assert named, broken
