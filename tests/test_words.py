"""Scripts written without spaces between words: a page of Chinese or Japanese is an
article like any other, and the rules that count words count its words."""

from __future__ import annotations

from pathlib import Path

from briefing.words import count_words, ends_a_sentence

from .conftest import MakeProject, run

CHINESE = [
    "港口管理局周一表示，与码头工人工会的谈判将于下周恢复，双方都希望在冬季到来之前达成协议。",
    "工会要求加薪百分之四，而管理局只提出了百分之二，双方在工资问题上仍然存在很大分歧。",
    "市议会表示，如果谈判再次破裂，它可能会要求地区政府出面调解这场已经持续三周的罢工。",
]
JAPANESE = "港湾局は月曜日、港湾労働者の組合との交渉を来週再開すると発表した。"


def page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>港口谈判将恢复</title>"
        f"</head><body><article><h1>港口谈判将恢复</h1>{body}</article></body></html>"
    )


def test_words_are_counted_in_scripts_without_spaces() -> None:
    assert count_words("The harbour talks resume next week.") == 6
    assert count_words(CHINESE[0]) >= 20  # 44 characters: some twenty words, not one
    assert count_words(JAPANESE) >= 15  # 31 characters
    assert count_words("DeepMind开发出") == 3  # a spaced word and three characters
    assert ends_a_sentence(CHINESE[0]) and ends_a_sentence("「ウゥー、ワン！」")
    assert not ends_a_sentence("港口谈判将恢复")


def test_a_chinese_page_is_an_article_its_sentences_quotable(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """Such a page was refused ('no article text found'): its paragraphs, counted by spaces,
    were one word long."""
    root = make_project()
    saved = tmp_path / "harbour-zh.html"
    saved.write_text(page(CHINESE), encoding="utf-8")
    code, output = run("add-source", str(saved), "-p", str(root), "--id", "harbour-zh")
    assert code == 0, output
    quote = "双方在工资问题上仍然存在很大分歧"
    with (root / "brief.md").open("a", encoding="utf-8") as brief:
        brief.write(f'\nThe two sides remain apart [@harbour-zh "{quote}"].\n')
    code, output = run("check", str(root))
    assert code == 0, output
    (summary,) = [line for line in output.splitlines() if line.startswith("S3 harbour-zh: ")]
    assert summary.startswith("S3 harbour-zh: web page, 6") and summary.endswith("no findings")
