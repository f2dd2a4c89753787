"""The default project's two editions: 1.0, as issued in 2020, and the current brief, 2.0,
which shows what changed since."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from briefing.build import check
from briefing.cli import main
from briefing.model import PartialDate
from briefing.tradecraft.registry import RULES
from briefing.vocabulary import VOCABULARIES

from .conftest import REPO

RELEASED = REPO / "editions/1.0"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def as_recorded(new: Any, old: Any) -> Any:
    """new with only the fields old records: a later version may add fields (events'
    `dating`), never change those there were."""
    if isinstance(new, dict) and isinstance(old, dict):
        return {key: as_recorded(new.get(key), value) for key, value in old.items()}
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return [as_recorded(n, o) for n, o in zip(new, old, strict=True)]
    return new


def test_edition_1_0_cites_nothing_it_could_not_have_known() -> None:
    """Every source and event of 1.0 is dated no later than its cut-off, no 2024 source is
    cited or registered, and every citation verified."""
    data = load(RELEASED / "brief.json")
    cutoff_end = PartialDate.parse(data["meta"]["cutoff"]).interval[1]
    assert data["meta"]["version"] == "1.0" and cutoff_end.year == 2020
    published = {s["id"]: PartialDate.parse(s["published"]) for s in data["sources"]}
    assert {p.year for p in published.values()} == {2015, 2020}
    assert all(p.interval[0] <= cutoff_end for p in published.values())
    assert {c["source"] for c in data["citations"]} == set(published)
    assert all(c["verified"] for c in data["citations"])
    assert all(PartialDate.parse(e["date"]).interval[0] <= cutoff_end for e in data["events"])
    current = yaml.safe_load((REPO / "seeds/sources.yaml").read_text(encoding="utf-8"))
    later = [i for i, s in current["sources"].items() if str(s["published"]).startswith("2024")]
    assert len(later) == 2
    text = (RELEASED / "brief.md").read_text(encoding="utf-8")
    text += (RELEASED / "figures/timeline.yaml").read_text(encoding="utf-8")
    assert not [ident for ident in later if ident in text]


def test_edition_1_0_is_rebuilt_from_what_was_released(tmp_path: Path) -> None:
    """The edition's folder, with the source documents its register names, builds the
    same judgements and citations again: the release is the project as issued."""
    root = tmp_path / "edition-1.0"
    shutil.copytree(RELEASED, root, ignore=shutil.ignore_patterns("brief.json", "brief.pdf"))
    register = yaml.safe_load((root / "seeds/sources.yaml").read_text(encoding="utf-8"))
    for entry in register["sources"].values():
        shutil.copy2(REPO / "seeds" / entry["file"], root / "seeds" / entry["file"])
    result = CliRunner().invoke(main, ["build", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    # A tradecraft rule added since 1.0 was issued may find fault with it; nothing else warns.
    assert not [d for d in check(root).diagnostics.warnings if d.code not in RULES]
    rebuilt, released = load(root / "dist/brief.json"), load(RELEASED / "brief.json")
    for key in ("judgements", "citations", "events", "scenarios", "motives", "meta"):
        assert as_recorded(rebuilt[key], released[key]) == released[key], key
    scenario_ids = [s["id"] for s in rebuilt["scenarios"]]
    assert scenario_ids == ["backing-as-now", "backing-with-conditions", "moscow-lets-assad-go"]
    assert (rebuilt["meta"]["horizon"], rebuilt["meta"]["waived"]) == (None, {})
    assert [s["sha256"] for s in rebuilt["sources"]] == [s["sha256"] for s in released["sources"]]


def test_edition_2_0_says_what_changed_since_1_0() -> None:
    result = CliRunner().invoke(main, ["diff", "1.0", str(REPO), "-p", str(REPO), "--json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)
    assert (changes["from"], changes["to"]) == ("1.0", "2.0")
    judgements = [c for c in changes["list"] if c["subject"] == "judgement"]
    withdrawn = {c["id"]: c["note"] for c in judgements if c["status"] == "withdrawn"}
    assert set(withdrawn) == {"moscow-stands-by-assad", "frictions"}
    assert withdrawn["moscow-stands-by-assad"].startswith("Overturned by events")
    assert all(withdrawn.values())
    estimates = {"likelihood", "confidence"}
    moved = [c for c in judgements if {s["field"] for s in c["shifts"]} & estimates]
    assert {c["id"] for c in moved} == {"iran-and-soleimani"}
    assert all(c["note"] for c in moved)
    directions = {(s["field"], s["direction"]) for c in moved for s in c["shifts"]}
    assert {d for d in directions if d[0] in estimates} == {("likelihood", "down")}
    sources = {c["id"]: c["status"] for c in changes["list"] if c["subject"] == "source"}
    assert {i for i, status in sources.items() if status == "added"} == {
        "doha-2024",
        "syrializm-2024",
    }
    added_events = [c for c in changes["list"] if c["subject"] == "event"]
    assert added_events and all(c["status"] == "added" for c in added_events)


def test_the_2025_scenarios_can_sum_to_certainty() -> None:
    """The scenarios are exclusive outcomes at the end of 2025: their likelihood ranges
    must admit a total of 100%."""
    text = (REPO / "brief.md").read_text(encoding="utf-8")
    section = text[text.index("## Alternative scenarios") : text.index("## Indicators to watch")]
    terms = re.findall(r"^:likelihood: (.+)$", section, re.MULTILINE)
    bands = [VOCABULARIES["icd203"].band(term) for term in terms]
    assert len(terms) >= 3 and "end of 2025" in section
    assert sum(b.low for b in bands if b) <= 100 <= sum(b.high for b in bands if b), terms
