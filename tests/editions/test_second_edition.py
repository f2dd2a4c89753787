"""A second edition: what changed since the first, on the cover, in its section, in its
marks and in brief.json."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from ..conftest import pages_text, run
from .conftest import (
    CHANGE,
    CONTAINERS,
    EDITION_2,
    FERRIES,
    MEDIATE_1,
    MEDIATE_2,
    PAY,
    PAY_BLOCK,
    REASON,
    SETTLE,
    TALKS_EVENT,
    WITHDRAWN,
    Element,
    copy,
    edit,
    line_of,
    ok,
    parse_html,
    with_judgements,
)

SUMMARY = (
    "1 judgement added; 1 judgement withdrawn; 1 judgement reworded; 1 likelihood moved; "
    "1 confidence level moved; 1 source added; 1 source regraded; 1 event added"
)


def test_the_cover_says_what_changed_and_links_to_the_section(page: Element) -> None:
    (line,) = page.find_all("p", "cover-changes")
    assert line.find("a").attrs["href"] == "#changes"
    assert line.text == f"Since edition 1.0 (11 March 2024): {SUMMARY}."


def test_the_section_follows_the_last_key_judgement(page: Element) -> None:
    order = [e.attrs["id"] for e in page.iter() if e.tag in ("article", "h2") and "id" in e.attrs]
    at = order.index("changes")
    assert order[at - 4 : at] == ["kj-settlement", "kj-mediation", "kj-containers", "kj-pay"]
    assert page.by_id("changes").text == "What changed since edition 1.0"
    section = page.find("section", "changes")
    lead = section.find("p", "changes-lead").text
    assert lead == f"Edition 1.0 was issued on 11 March 2024. Since then: {SUMMARY}."


def test_a_moved_estimate_shows_both_terms_their_ranges_and_why(page: Element) -> None:
    entry = page.by_id("change-judgement-settlement")
    assert entry.tag == "li" and "change-changed" in entry.classes()
    assert entry.find("p", "change-head").text == f"KJ1 changed {SETTLE}"
    assert entry.find("a", "kj-number").attrs["href"] == "#kj-settlement"
    assert [p.text for p in entry.find_all("p", "change-shift")] == [
        "Likelihood down: likely (55–80%) → unlikely (20–45%)",
        "Confidence up: low → moderate",
    ]
    assert entry.find("p", "change-note").text == f"Why: {CHANGE}"


def test_reworded_added_withdrawn_and_kept_judgements(page: Element) -> None:
    reworded = page.by_id("change-judgement-mediation")
    assert [p.text for p in reworded.find_all("p", "change-shift")] == [
        f"Reworded. Edition 1.0 read: “{MEDIATE_1}”"
    ]
    assert reworded.find("p", "change-head").text == f"KJ2 changed {MEDIATE_2}"
    added = page.by_id("change-judgement-containers")
    assert "change-added" in added.classes()
    assert added.find("p", "change-head").text == f"KJ3 new {CONTAINERS}"
    assert added.find("p", "change-note").text == "A judgement edition 1.0 did not make."
    withdrawn = page.by_id("change-judgement-ferries")
    assert "change-withdrawn" in withdrawn.classes()
    assert withdrawn.find("p", "change-head").text == f"KJ3 of 1.0 withdrawn {FERRIES}"
    assert not withdrawn.find_all("a")  # it is in no edition to link to
    assert withdrawn.find("p", "change-note").text == f"Why: {REASON}"
    kept = page.find("p", "changes-kept")
    assert kept.text == "Carried over unchanged: KJ4."
    assert kept.find("a").attrs["href"] == "#kj-pay"
    assert [e.attrs["id"] for e in page.find("ol", "change-list").find_all("li")] == [
        "change-judgement-settlement",
        "change-judgement-mediation",
        "change-judgement-containers",
        "change-judgement-ferries",
    ]


def test_sources_and_events_that_changed(page: Element) -> None:
    section = page.find("section", "changes")
    assert [h.text for h in section.find_all("h3")] == ["Sources", "Added to the chronology"]
    items = section.find("ul", "change-sources").find_all("li")
    assert [i.text for i in items] == [
        "S1 Harbour strike enters third week in Port Ellis: regraded B3 → C3.",
        "S2 Council notice on the harbour strike: added, graded A2.",
    ]
    assert [i.find("a").attrs["href"] for i in items] == ["#src-gazette-2024", "#src-council-2024"]
    (events,) = section.find_all("ul", "change-events")
    assert [i.text for i in events.find_all("li")] == ["8 March 2024: Ferry lines move to Carrow"]


def test_each_added_or_changed_judgement_is_marked_with_a_link_to_its_entry(
    page: Element,
) -> None:
    marks = {}
    for article in page.find_all("article", "judgement"):
        found = article.find_all("p", "change-mark")
        marks[article.attrs["id"]] = [(m.text, m.find("a").attrs["href"]) for m in found]
    assert marks == {
        "kj-settlement": [
            ("Likelihood down; Confidence up since edition 1.0", "#change-judgement-settlement")
        ],
        "kj-mediation": [("Reworded since edition 1.0", "#change-judgement-mediation")],
        "kj-containers": [("New since edition 1.0", "#change-judgement-containers")],
        "kj-pay": [],
    }
    ids = {e.attrs.get("id") for e in page.iter()}
    links = [a.attrs["href"] for a in page.find_all("a") if a.attrs.get("href", "")[:1] == "#"]
    assert {link[1:] for link in links} <= ids, "a link to nowhere"


def test_the_printed_brief_marks_changes_with_the_page_of_their_entry(second: Path) -> None:
    pages = pages_text(second / "dist/brief.pdf")
    text = "\n".join(pages)
    assert re.search(r"Since edition 1\.0 \(11 March 2024\): 1 judgement added", text)
    marks = re.findall(r"([A-Z][\w ;]*) since edition 1\.0, p\. (\d+)", text)
    assert [m[0] for m in marks] == ["Likelihood down; Confidence up", "Reworded", "New"], marks
    heading = next(n for n, p in enumerate(pages, 1) if "What changed since edition 1.0" in p)
    (why,) = [n for n, p in enumerate(pages, 1) if f"Why: {CHANGE}" in p]
    assert int(marks[0][1]) == why >= heading
    assert "Likelihood down: likely (55–80%) → unlikely (20–45%)" in text
    assert f"Why: {REASON}" in text and "Reworded. Edition 1.0 read:" in text
    reader = PdfReader(second / "dist/brief.pdf")
    destinations = reader.named_destinations
    page_of = reader.get_destination_page_number(destinations["change-judgement-settlement"])
    assert page_of is not None and page_of + 1 == why
    assert {"changes", "change-judgement-containers"} <= set(destinations)


def shift(
    field: str,
    old: str | None,
    new: str,
    ranges: tuple[str | None, str | None] | None = None,
    direction: str | None = None,
) -> dict[str, str | None]:
    """A shift as brief.json lists it."""
    old_range, new_range = ranges or (None, None)
    return {
        "field": field,
        "old": old,
        "new": new,
        "old_range": old_range,
        "new_range": new_range,
        "direction": direction,
    }


def listed(
    subject: str,
    status: str,
    ident: str,
    label: str,
    text: str,
    shifts: list[dict[str, str | None]] | None = None,
    note: str | None = None,
    previous_label: str | None = None,
) -> dict[str, Any]:
    """A change as brief.json lists it."""
    return {
        "subject": subject,
        "status": status,
        "id": ident,
        "label": label,
        "previous_label": previous_label,
        "text": text,
        "shifts": shifts or [],
        "note": note,
    }


def test_the_json_lists_the_changes(data: dict[str, Any]) -> None:
    changes = data["changes"]
    assert (changes["previous"], changes["previous_issued"]) == ("1.0", "2024-03-11")
    assert changes["summary"] == SUMMARY
    assert changes["list"] == [
        listed(
            "judgement",
            "changed",
            "settlement",
            "KJ1",
            SETTLE,
            [
                shift("likelihood", "likely", "unlikely", ("55–80%", "20–45%"), "down"),
                shift("confidence", "low", "moderate", None, "up"),
            ],
            CHANGE,
        ),
        listed(
            "judgement",
            "changed",
            "mediation",
            "KJ2",
            MEDIATE_2,
            [shift("statement", MEDIATE_1, MEDIATE_2)],
        ),
        listed("judgement", "added", "containers", "KJ3", CONTAINERS),
        listed("judgement", "kept", "pay", "KJ4", PAY),
        listed("judgement", "withdrawn", "ferries", "KJ3", FERRIES, note=REASON),
        listed(
            "source",
            "changed",
            "gazette-2024",
            "S1",
            "Harbour strike enters third week in Port Ellis",
            [shift("grade", "B3", "C3")],
        ),
        listed(
            "source",
            "added",
            "council-2024",
            "S2",
            "Council notice on the harbour strike",
            [shift("grade", None, "A2")],
        ),
        listed(
            "event",
            "added",
            "2024-03-08 Ferry lines move to Carrow",
            "8 March 2024",
            "Ferry lines move to Carrow",
        ),
    ]


def test_the_json_meta_and_judgements_carry_previous_withdrawn_change_rests_on(
    data: dict[str, Any], second: Path
) -> None:
    meta = data["meta"]
    assert (meta["version"], meta["previous"]) == ("2.0", "1.0")
    assert meta["withdrawn"] == [{"id": "ferries", "reason": REASON}]
    by_id = {j["id"]: j for j in data["judgements"]}
    assert (by_id["settlement"]["change"], by_id["settlement"]["rests_on"]) == (
        CHANGE,
        "gazette-2024",
    )
    assert (by_id["pay"]["change"], by_id["pay"]["rests_on"]) == (None, None)
    first = json.loads((second / "editions/1.0/brief.json").read_text("utf-8"))
    assert first["changes"] is None and first["meta"]["previous"] is None


def test_a_brief_without_previous_has_no_changes(built: Path) -> None:
    page = (built / "dist/brief.html").read_text(encoding="utf-8")
    assert 'id="changes"' not in page and 'class="change-mark"' not in page
    assert 'class="cover-changes"' not in page
    assert json.loads((built / "dist/brief.json").read_text("utf-8"))["changes"] is None


def test_an_edition_that_withdraws_every_judgement_still_says_what_changed(
    second: Path, tmp_path: Path
) -> None:
    root, out = copy(second, tmp_path), tmp_path / "out"
    reasons = "".join(
        f"  - id: {i}\n    reason: Overtaken.\n" for i in ("settlement", "mediation", "pay")
    )
    brief = root / "brief.md"
    text = with_judgements(brief.read_text("utf-8"), []).replace(WITHDRAWN, WITHDRAWN + reasons)
    brief.write_text(text, "utf-8")
    ok("build", root, "-o", out, "--format", "html")
    page = parse_html((out / "brief.html").read_text("utf-8"))
    assert page.find("p", "cover-changes").find("a").attrs["href"] == "#changes"
    assert page.by_id("changes").text == "What changed since edition 1.0"


def build_changes(root: Path, *options: str) -> tuple[Element, dict[str, Any]]:
    """Build root's HTML and JSON into an output folder beside it: the page and brief.json's
    changes."""
    out = root.parent / "out"
    output = ok("build", root, "-o", out, "--format", "html", "--format", "json", *options)
    assert "warning" not in output, output
    page = parse_html((out / "brief.html").read_text("utf-8"))
    return page, json.loads((out / "brief.json").read_text("utf-8"))["changes"]


def marks_of(page: Element) -> dict[str, str]:
    """Each marked judgement's mark, by its anchor."""
    return {
        article.attrs["id"]: mark.text
        for article in page.find_all("article", "judgement")
        for mark in article.find_all("p", "change-mark")
    }


def test_a_judgement_whose_number_moved_shows_its_number_in_the_previous_edition(
    second: Path, tmp_path: Path
) -> None:
    root = copy(second, tmp_path)
    brief = root / "brief.md"
    mediation, settlement, containers, pay = EDITION_2[1], EDITION_2[0], EDITION_2[2], EDITION_2[3]
    reordered = [mediation, settlement, pay, containers]
    brief.write_text(with_judgements(brief.read_text("utf-8"), reordered), "utf-8")
    page, changes = build_changes(root)
    heads = [p.text for p in page.find("ol", "change-list").find_all("p", "change-head")]
    assert heads == [
        f"KJ1 (KJ2 in 1.0) changed {MEDIATE_2}",
        f"KJ2 (KJ1 in 1.0) changed {SETTLE}",
        f"KJ4 new {CONTAINERS}",
        f"KJ3 of 1.0 withdrawn {FERRIES}",
    ]
    assert page.find("p", "changes-kept").text == "Carried over unchanged: KJ3 (KJ4 in 1.0)."
    judgements = [c for c in changes["list"] if c["subject"] == "judgement"]
    assert [(c["id"], c["label"], c["previous_label"]) for c in judgements] == [
        ("mediation", "KJ1", "KJ2"),
        ("settlement", "KJ2", "KJ1"),
        ("pay", "KJ3", "KJ4"),
        ("containers", "KJ4", None),
        ("ferries", "KJ3", None),
    ]
    diff = ok("diff", root / "editions/1.0", root)
    assert diff.split("\n\nJudgements\n")[1].split("\n\nSources\n")[0] == (
        "  KJ1 (KJ2 in 1.0) changed: The town council will ask the regional government to "
        "mediate\n"
        "    by April.\n"
        f"      reworded; 1.0 read: {MEDIATE_1}\n"
        "  KJ2 (KJ1 in 1.0) changed: The strike will end in a settlement before the summer\n"
        "    season.\n"
        "      likelihood: likely (55–80%) -> unlikely (20–45%)\n"
        "      confidence: low -> moderate\n"
        f"      why: {CHANGE}\n"
        f"  KJ4 new: {CONTAINERS}\n"
        f"  KJ3 of 1.0 withdrawn: {FERRIES}\n"
        f"      why: {REASON}\n"
        "  unchanged: KJ3 (KJ4 in 1.0)"
    )


def test_a_likelihood_is_compared_by_its_range_in_each_editions_vocabulary(
    second: Path, tmp_path: Path
) -> None:
    """The term 'likely' is 55–80% in icd203 and 55–75% in the UK yardstick: it moved."""
    root = copy(second, tmp_path)
    brief = root / "brief.md"
    edit(brief, "vocabulary: icd203", "vocabulary: uk-yardstick")
    edit(brief, ":id: mediation\n", ":id: mediation\n:change: The yardstick is the UK's.\n")
    code, output = run("build", root, "-o", tmp_path / "out", "--format", "json")
    assert code == 1, output
    (error,) = [line for line in output.splitlines() if ": error: " in line]
    at = f"brief.md:{line_of(brief.read_text('utf-8'), PAY_BLOCK)}:1: error: "
    assert error.startswith(at + "KJ4 moved its likelihood 'likely' from 55–80% to 55–75%"), output
    assert error.endswith("since edition 1.0: say why in ':change:'"), output
    edit(brief, PAY_BLOCK, PAY_BLOCK + ":change: The yardstick is the UK's.\n")
    # The scenario's 'unlikely' moved too (20–45% to 25–35%): a tradecraft warning until
    # it says why.
    edit(brief, ":likelihood: unlikely\n\nFerry", ":likelihood: unlikely\n:change: UK.\n\nFerry")
    page, changes = build_changes(root)
    shifts = {c["id"]: c["shifts"] for c in changes["list"] if c["subject"] == "judgement"}
    assert shifts["settlement"][0] == shift(
        "likelihood", "likely", "unlikely", ("55–80%", "25–35%"), "down"
    )
    assert shifts["pay"] == [shift("likelihood", "likely", "likely", ("55–80%", "55–75%"), "down")]
    assert shifts["mediation"][1:] == shifts["pay"]
    entry = page.by_id("change-judgement-pay")
    assert [p.text for p in entry.find_all("p", "change-shift")] == [
        "Likelihood down: likely (55–80%) → likely (55–75%)"
    ]
    assert marks_of(page)["kj-pay"] == "Likelihood down since edition 1.0"
    assert changes["summary"].startswith(
        "1 judgement added; 1 judgement withdrawn; 1 judgement reworded; 3 likelihoods moved; "
    )
    lines = ok("diff", root / "editions/1.0", root).splitlines()
    assert lines[lines.index(f"  KJ4 changed: {PAY}") + 1] == (
        "      likelihood: likely (55–80%) -> likely (55–75%)"
    )


def test_a_confidence_that_moved_alone_is_marked_as_such(second: Path, tmp_path: Path) -> None:
    root = copy(second, tmp_path)
    brief = root / "brief.md"
    raised = PAY_BLOCK.replace("moderate", "high") + ":change: The union's funds ran low.\n"
    edit(brief, PAY_BLOCK, raised)
    page, changes = build_changes(root)
    assert marks_of(page)["kj-pay"] == "Confidence up since edition 1.0"
    assert [p.text for p in page.by_id("change-judgement-pay").find_all("p", "change-shift")] == [
        "Confidence up: moderate → high"
    ]
    pay = next(c for c in changes["list"] if c["id"] == "pay")
    assert pay["shifts"] == [shift("confidence", "moderate", "high", None, "up")]
    out = tmp_path / "onepage"
    ok("build", root, "-o", out, "--format", "html", "--layout", "onepage")
    onepage = parse_html((out / "brief.html").read_text("utf-8"))
    assert [m.text for m in onepage.find_all("span", "change-mark")] == [
        "· likelihood down; confidence up",
        "· reworded",
        "· new",
        "· confidence up",
    ]


def test_a_source_whose_document_changed_and_an_event_no_longer_in_the_chronology(
    second: Path, tmp_path: Path
) -> None:
    root = copy(second, tmp_path)
    with (root / "seeds/harbour-report.txt").open("a", encoding="utf-8") as report:
        report.write("\nA correction was appended.\n")
    edit(root / "figures/timeline.yaml", TALKS_EVENT, "")
    page, changes = build_changes(root)
    summary = (
        "1 judgement added; 1 judgement withdrawn; 1 judgement reworded; 1 likelihood moved; "
        "1 confidence level moved; 1 source added; 1 source regraded; 1 source document "
        "changed; 1 event added; 1 event removed"
    )
    assert changes["summary"] == summary
    section = page.find("section", "changes")
    assert section.find("p", "changes-lead").text.endswith(f"Since then: {summary}.")
    assert [i.text for i in section.find("ul", "change-sources").find_all("li")] == [
        "S1 Harbour strike enters third week in Port Ellis: regraded B3 → C3; its document "
        "changed.",
        "S2 Council notice on the harbour strike: added, graded A2.",
    ]
    assert [h.text for h in section.find_all("h3")] == [
        "Sources",
        "Added to the chronology",
        "No longer in the chronology",
    ]
    events = section.find_all("ul", "change-events")
    assert [[i.text for i in ul.find_all("li")] for ul in events] == [
        ["8 March 2024: Ferry lines move to Carrow"],
        ["8 March 2024: Union and port authority return to talks"],
    ]
    gazette = next(c for c in changes["list"] if c["id"] == "gazette-2024")
    old, new = gazette["shifts"][1]["old"], gazette["shifts"][1]["new"]
    assert gazette["shifts"][1] == shift("document", old, new) and old != new
    removed = [c for c in changes["list"] if c["subject"] == "event" and c["status"] != "added"]
    assert [(c["status"], c["text"]) for c in removed] == [
        ("withdrawn", "Union and port authority return to talks")
    ]
    diff = ok("diff", root / "editions/1.0", root)
    assert diff.split("\n\nSources\n")[1] == (
        f"  S1 changed; regraded B3 -> C3; document changed ({old} -> {new}):\n"
        "    Harbour strike enters third week in Port Ellis\n"
        "  S2 new; graded A2: Council notice on the harbour strike\n"
        "\n"
        "Events\n"
        "  8 March 2024 new: Ferry lines move to Carrow\n"
        "  8 March 2024 removed: Union and port authority return to talks\n"
    )


def test_a_changes_heading_in_the_body_takes_another_anchor(second: Path, tmp_path: Path) -> None:
    root = copy(second, tmp_path)
    with (root / "brief.md").open("a", encoding="utf-8") as brief:
        brief.write("\n## Changes\n\nThe port changed its rules.\n")
    page, _ = build_changes(root)
    ids = [e.attrs["id"] for e in page.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "an id used twice"
    assert page.by_id("changes").text == "What changed since edition 1.0"
    (heading,) = [h for h in page.find_all("h2") if h.text == "Changes"]
    assert heading.attrs["id"] not in ("", "changes")
    assert page.find("p", "cover-changes").find("a").attrs["href"] == "#changes"


def test_an_edition_issued_before_the_previous_one_is_a_warning(
    second: Path, tmp_path: Path
) -> None:
    root, out = copy(second, tmp_path), tmp_path / "out"
    edit(root / "brief.md", "issued: 2024-03-20", "issued: 2024-03-10")
    code, output = run("build", root, "-o", out, "--format", "json")
    assert code == 0, output
    line = line_of((root / "brief.md").read_text("utf-8"), "previous:")
    assert output.splitlines()[0] == (
        f"brief.md:{line}:11: warning: this edition is issued 10 March 2024, before edition "
        "1.0 (11 March 2024)"
    )
