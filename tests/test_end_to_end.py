"""The default project built as a user would, and its PDF read back with real tools."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.folding import fold
from briefing.typography import smart_text

from .conftest import REPO, hyphenated_line_ends


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = CliRunner().invoke(main, ["build", str(REPO), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output  # e.g. a character no font has
    return out


def pdftext(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(text.stdout.split())


def test_pdf_is_valid_with_every_font_embedded(built: Path) -> None:
    subprocess.run(["qpdf", "--check", str(built / "brief.pdf")], check=True, capture_output=True)
    fonts = subprocess.run(
        ["pdffonts", str(built / "brief.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts, "the PDF has no fonts"
    assert all(line.split()[-5] == "yes" for line in fonts), fonts
    assert any("Charis" in line for line in fonts)


def test_pdf_carries_the_judgements_and_cited_quotes(built: Path) -> None:
    data = json.loads((built / "brief.json").read_text(encoding="utf-8"))
    text = pdftext(built / "brief.pdf")
    assert len(data["judgements"]) >= 3
    for judgement in data["judgements"]:  # brief.json has the words as written
        assert smart_text(judgement["text"])[:60] in text
    quotes = [c["quote"] for c in data["citations"] if c["quote"]]
    assert quotes and all(c["verified"] for c in data["citations"])
    joined = re.sub(r"(\w)- (\w)", r"\1\2", fold(text))  # words hyphenated at line ends
    for quote in quotes[:8]:
        assert fold(quote) in fold(text) or fold(quote) in joined, quote
    assert data["meta"]["marking"].upper() in text.upper()


def test_default_brief_uses_every_construct(built: Path) -> None:
    data = json.loads((built / "brief.json").read_text(encoding="utf-8"))
    assert {m["actor"] for m in data["motives"]} >= {"Assad", "Putin"}
    assert len(data["events"]) >= 8
    cited = {c["source"] for c in data["citations"]}
    assert cited == {s["id"] for s in data["sources"]} and len(cited) == 5
    html = (built / "brief.html").read_text(encoding="utf-8")
    assert "<svg" in html and "<link" not in html and "<script" not in html


def test_html_is_self_contained(built: Path) -> None:
    html = (built / "brief.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["'](?!#|data:)""", html)


def test_tampered_quote_fails_check_at_its_line(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns("dist", ".venv", ".git"))
    brief = (project / "brief.md").read_text(encoding="utf-8")
    match = re.search(r'\[@[\w.-]+ "(\w+) (\w+)', brief)
    assert match
    tampered = brief[: match.start(2)] + "CHANGED" + brief[match.end(2) :]
    (project / "brief.md").write_text(tampered, encoding="utf-8")
    line = brief.count("\n", 0, match.start()) + 1
    result = CliRunner().invoke(main, ["check", str(project)])
    assert result.exit_code == 1
    assert re.search(rf"^brief\.md:{line}:\d+: error: quote not found", result.output, re.M)
    (project / "brief.md").write_text(brief, encoding="utf-8")
    assert CliRunner().invoke(main, ["check", str(project)]).exit_code == 0


def test_what_changed_follows_the_key_judgements_on_paper(built: Path) -> None:
    """Edition 2.0 on paper: the cover counts the changes, each changed judgement points to
    its entry's page, and the section stands between the judgements and the motives."""
    text = pdftext(built / "brief.pdf")
    body = text[text.index("Key judgements KJ1") :]
    section = body.index("Edition 1.0 was issued on 6 July 2020. Since then:")
    assert body.index("KJ9 ROUGHLY") < section < body.index("The sources come from three moments")
    assert re.search(r"Since edition 1\.0 \(6 July 2020\): 5 judgements added; 2 judgements", text)
    marks = re.findall(
        r"(KJ\d) [A-Z ]+\(\d+–\d+%\) · \w+ CONFIDENCE ([\w ;]+?) since edition 1\.0", text
    )
    assert dict(marks) == {
        "KJ1": "Reworded", "KJ2": "New", "KJ3": "Reworded", "KJ4": "Reworded",
        "KJ5": "Likelihood down", "KJ6": "New", "KJ7": "New", "KJ8": "New", "KJ9": "New",
    }  # fmt: skip
    cover = text[: text.index("BOTTOM LINE")]
    assert re.search(r"PREPARED BY .*Russia and Middle East desk", cover, re.IGNORECASE), cover


def test_no_name_is_hyphenated_on_paper(built: Path) -> None:
    """Words are hyphenated at line ends (there are some), but never a capitalised one:
    "Kh-meimim", "Mo-scow" and "As-sad's" misread."""
    broken = hyphenated_line_ends(built / "brief.pdf")
    assert broken, "no hyphenation at all: the check would prove nothing"
    assert [pair for pair in broken if pair[0][0].isupper()] == []
