"""The analytic vocabularies a brief may use, as data: likelihood, confidence, grading."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LikelihoodBand:
    terms: tuple[str, ...]
    low: int
    high: int

    @property
    def range(self) -> str:
        return f"{self.low}\u2013{self.high}%"  # an en dash, as typography wants in a range


@dataclass(frozen=True)
class Vocabulary:
    name: str
    title: str
    bands: tuple[LikelihoodBand, ...]

    def band(self, term: str) -> LikelihoodBand | None:
        wanted = term.strip().lower()
        return next((b for b in self.bands if wanted in b.terms), None)

    @property
    def terms(self) -> list[str]:
        return [t for b in self.bands for t in b.terms]


VOCABULARIES = {
    "icd203": Vocabulary(
        "icd203",
        "ICD 203 expressions of likelihood",
        (
            LikelihoodBand(("almost no chance", "remote"), 1, 5),
            LikelihoodBand(("very unlikely", "highly improbable"), 5, 20),
            LikelihoodBand(("unlikely", "improbable"), 20, 45),
            LikelihoodBand(("roughly even chance", "roughly even odds"), 45, 55),
            LikelihoodBand(("likely", "probable"), 55, 80),
            LikelihoodBand(("very likely", "highly probable"), 80, 95),
            LikelihoodBand(("almost certain", "nearly certain"), 95, 99),
        ),
    ),
    "uk-yardstick": Vocabulary(
        "uk-yardstick",
        "UK Professional Head of Intelligence Assessment probability yardstick",
        (
            LikelihoodBand(("remote chance",), 0, 5),
            LikelihoodBand(("highly unlikely",), 10, 20),
            LikelihoodBand(("unlikely",), 25, 35),
            LikelihoodBand(("realistic possibility",), 40, 50),
            LikelihoodBand(("likely", "probably"), 55, 75),
            LikelihoodBand(("highly likely",), 80, 90),
            LikelihoodBand(("almost certain",), 95, 100),
        ),
    ),
}

CONFIDENCE = {
    "high": "High-quality information and/or a solid analytic basis; still not a fact.",
    "moderate": "Credibly sourced and plausible, but not corroborated or good enough for high.",
    "low": "Questionable, fragmentary or poorly corroborated information.",
}

RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}

CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
