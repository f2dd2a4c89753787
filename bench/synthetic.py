"""Synthetic brief projects for benchmarks: N sources, M judgements, K events.

The text is made of plausible sentences from a fixed vocabulary and a seeded generator,
so the same parameters always give the same project. Every quote is cut from its source,
so every citation verifies.
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

SUBJECTS = [
    "The ministry",
    "The council",
    "Officials",
    "The army",
    "Negotiators",
    "The envoy",
    "Analysts",
    "The government",
    "Rebel commanders",
    "Diplomats",
    "The delegation",
]
VERBS = [
    "announced",
    "rejected",
    "postponed",
    "welcomed",
    "questioned",
    "confirmed",
    "denied",
    "proposed",
    "signed",
    "criticised",
    "extended",
    "suspended",
]
OBJECTS = [
    "a new ceasefire",
    "the basing agreement",
    "talks on the border",
    "the aid convoy",
    "a prisoner exchange",
    "the port lease",
    "new sanctions",
    "the election timetable",
    "a security guarantee",
    "the transition plan",
    "air patrols over the coast",
]
TAILS = ["after a week of meetings", "despite objections from the opposition",
         "according to state media", "in a statement on Tuesday", "without giving a reason",
         "as fighting continued in the north", "under pressure from its allies",
         "for the second time this year"]  # fmt: skip


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def quote_from(rng: random.Random, text: str) -> str:
    """A run of 6 to 12 words from the text, within one line and free of quote marks."""
    lines = [line for line in text.splitlines() if len(line.split()) > 14]
    words = rng.choice(lines).split()
    start = rng.randrange(0, len(words) - 12)
    return " ".join(words[start : start + rng.randint(6, 12)])


def make_project(root: Path, sources: int, judgements: int, events: int, seed: int = 1) -> Path:
    """Write a synthetic brief project at root and return root."""
    rng = random.Random(seed)
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    (root / "figures").mkdir(exist_ok=True)
    texts = {}
    register = ["sources:"]
    for n in range(sources):
        sid = f"src-{n:04d}"
        text = f"Report {n}\n\n" + "\n\n".join(paragraph(rng) for _ in range(rng.randint(8, 16)))
        texts[sid] = text
        (root / "seeds" / f"{sid}.txt").write_text(text + "\n", encoding="utf-8")
        register += [f"  {sid}:", f"    file: {sid}.txt", f"    title: Report {n}",
                     f"    published: '20{10 + n % 14}'", "    type: news",
                     "    reliability: C", "    credibility: 3"]  # fmt: skip
    (root / "seeds" / "sources.yaml").write_text("\n".join(register) + "\n", encoding="utf-8")

    def cite() -> str:
        sid = rng.choice(list(texts))
        return f'[@{sid} "{quote_from(rng, texts[sid])}"]'

    body = ["---", "title: A synthetic brief", "marking: Synthetic // Benchmark",
            "cutoff: 2024-12", "issued: 2025-01-15", "---", "",
            ":::{bottom-line}", f"{paragraph(rng, 3)} {cite()}", ":::", "",
            "## Key judgements", ""]  # fmt: skip
    for n in range(judgements):
        body += [f":::{{judgement}} {sentence(rng)}", f":id: kj-{n}", ":likelihood: likely",
                 ":confidence: moderate", "",
                 textwrap.fill(f"{paragraph(rng, 3)} {cite()} {paragraph(rng, 2)} {cite()}", 96),
                 "", f"We have moderate confidence because {sentence(rng).lower()}", ":::", ""]  # fmt: skip
        if n % 5 == 4:
            body += [
                f"## Section {n // 5 + 1}",
                "",
                textwrap.fill(f"{paragraph(rng)} {cite()}", 96),
                "",
            ]
    body += ["## Timeline", "", ":::{timeline} Synthetic events.", ":::", ""]
    (root / "brief.md").write_text("\n".join(body), encoding="utf-8")

    timeline = ["events:"]
    for n in range(events):
        year, month = divmod(2000 * 12 + n * 24 * 12 // max(events, 1), 12)  # in order
        sid = rng.choice(list(texts))
        timeline += [f"  - date: '{year}-{month + 1:02d}'", f"    title: {sentence(rng)[:-1]}",
                     "    actors: [Russia]", "    cite:", f"      - source: {sid}",
                     f"        quote: '{quote_from(rng, texts[sid])}'"]  # fmt: skip
    (root / "figures" / "timeline.yaml").write_text("\n".join(timeline) + "\n", encoding="utf-8")
    return root
