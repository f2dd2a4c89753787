"""Dates said plainly (issue 29, items 1 and 2): one misdated event is named once, between
its neighbours, not the correct events after it; an impossible or foreign-form date names
its field and value, and the ISO form it stands for when that is unambiguous. `check` and
`build` give the same diagnostics."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.diagnostics import Diagnostics
from briefing.events import parse_timeline
from briefing.model import PartialDate
from briefing.ordering import Span, out_of_order

from .conftest import BRIEF, SOURCES_YAML, TIMELINE_YAML, MakeProject, copy_default_project, run

DIAGNOSTIC = re.compile(r"^\S+:\d+:\d+: (?:error|warning): .*(?:\n    .*)*", re.M)


def diagnostics(root: Path) -> list[str]:
    """What `check` reports, each diagnostic with its hint; `build` must report the same."""
    checked = run("check", root)
    built = run("build", root, "--format", "json")
    found = DIAGNOSTIC.findall(checked[1])
    assert DIAGNOSTIC.findall(built[1]) == found
    assert checked[0] == built[0]
    return found


# Item 1: events out of order.


def test_one_misdated_event_in_the_default_project_is_named_once(tmp_path: Path) -> None:
    root = copy_default_project(tmp_path / "project")
    timeline = root / "figures" / "timeline.yaml"
    text = timeline.read_text("utf-8")
    moved = '  - date: "2015"\n    title: Putin meets'
    assert text.count(moved) == 1
    timeline.write_text(text.replace(moved, moved.replace('"2015"', '"2019-12"')), "utf-8")
    line = text[: text.index(moved)].count("\n") + 1
    assert diagnostics(root) == [
        f"figures/timeline.yaml:{line}:5: warning: event 'Putin meets Turkish, Saudi and "
        "Egyptian leaders' (2019-12) is out of order: it is listed between 'Yanukovych flees "
        "Ukraine, an earlier ally Moscow lost' (2014) and 'Soleimani in Moscow to discuss "
        "Russia's intervention' (2015-07)\n"
        "    move it after 'Trump first announces a US withdrawal from Syria' (2018-12), or "
        "correct its date"
    ]


def test_the_correct_events_after_a_misdated_one_are_not_blamed(tmp_path: Path) -> None:
    root = copy_default_project(tmp_path / "project")
    timeline = root / "figures" / "timeline.yaml"
    text = timeline.read_text("utf-8")
    timeline.write_text(text.replace('date: "2015"', 'date: "2019-12"', 1), "utf-8")
    _, output = run("check", root)
    assert "is listed after" not in output and "which is later" not in output
    assert output.count("is out of order") == 1


def _timeline(*dates: str) -> str:
    return "events:\n" + "".join(
        f"  - date: '{date}'\n    title: E{n}\n    cite: [a]\n" for n, date in enumerate(dates)
    )


def _order_warnings(*dates: str) -> list[str]:
    found = Diagnostics()
    parse_timeline(_timeline(*dates), 0, found)
    return [str(d) for d in found]


def test_of_two_events_in_conflict_the_earlier_listed_is_kept() -> None:
    assert _order_warnings("2019", "2015") == [
        "figures/timeline.yaml:5:5: warning: event 'E1' (2015) is out of order: it is listed "
        "after 'E0' (2019)\n    move it before 'E0' (2019), or correct its date"
    ]


def test_an_event_listed_first_is_named_before_its_neighbour() -> None:
    assert _order_warnings("2030", "2015", "2016", "2017") == [
        "figures/timeline.yaml:2:5: warning: event 'E0' (2030) is out of order: it is listed "
        "before 'E1' (2015)\n    move it after 'E3' (2017), or correct its date"
    ]


def test_a_month_or_year_compares_as_any_day_in_it() -> None:
    """The rule the check has kept: an event may follow another unless it ends before the
    other begins, so a month or a year may follow a day within it."""
    assert _order_warnings("2015-10-20", "2015-10", "2015", "2015-10-21") == []
    # 2015-01 may follow 2015 and 2015 may follow 2015-03, but 2015-01 may not follow 2015-03.
    assert _order_warnings("2015-03", "2015", "2015-01") == [
        "figures/timeline.yaml:8:5: warning: event 'E2' (2015-01) is out of order: it is "
        "listed after 'E1' (2015)\n    move it before 'E0' (2015-03), or correct its date"
    ]


def test_several_misdated_events_are_each_named_once() -> None:
    warnings = _order_warnings("2010", "2019", "2011", "2012", "2001", "2013", "2014")
    assert [w.split(": warning: ")[1].split(" is out")[0] for w in warnings] == [
        "event 'E1' (2019)",
        "event 'E4' (2001)",
    ]
    assert "listed between 'E3' (2012) and 'E5' (2013)" in warnings[1]


def _fewest_removed_keeping_the_earliest(spans: list[Span]) -> list[int]:
    """By trying every set kept, largest first, in the order that lists earliest first."""
    for size in range(len(spans), -1, -1):
        for kept in itertools.combinations(range(len(spans)), size):
            pairs = itertools.combinations(kept, 2)
            if all(spans[i][0] <= spans[j][1] for i, j in pairs):
                return sorted(set(range(len(spans))) - set(kept))
    raise AssertionError("the empty list is in order")


_DATES = st.builds(
    lambda year, month, day: PartialDate(year, month, day if month else 0),
    st.integers(2014, 2016),
    st.integers(0, 3),
    st.integers(0, 3),
)


@given(st.lists(_DATES, max_size=8))
def test_the_fewest_events_out_of_order_keeping_the_earliest(dates: list[PartialDate]) -> None:
    spans = [date.interval for date in dates]
    assert out_of_order(spans) == _fewest_removed_keeping_the_earliest(spans)


# Item 2: dates that are not dates.

ISO = "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"
DATE_CASES = [
    ("2019-11-31", "'2019-11-31' is not a date: November has 30 days",
     "the last day of November 2019 is 2019-11-30"),
    ("2019-02-29", "'2019-02-29' is not a date: 2019 is not a leap year, so February has 28 days",
     "the last day of February 2019 is 2019-02-28"),
    ("2020-02-30", "'2020-02-30' is not a date: February 2020 has 29 days",
     "the last day of February 2020 is 2020-02-29"),
    ("2019-13", "'2019-13' is not a date: there is no month 13", "months run from 01 to 12"),
    ("0000", "'0000' is not a date: years count from 0001", ""),
    ("20/11/2019", f"'20/11/2019' {ISO}", "did you mean '2019-11-20'?"),
    ("20 November 2019", f"'20 November 2019' {ISO}", "did you mean '2019-11-20'?"),
    ("November 20, 2019", f"'November 20, 2019' {ISO}", "did you mean '2019-11-20'?"),
    ("2019/11/20", f"'2019/11/20' {ISO}", "did you mean '2019-11-20'?"),
    ("Nov 2019", f"'Nov 2019' {ISO}", "did you mean '2019-11'?"),
    ("31/11/2019", "'31/11/2019' is not a date: November has 30 days",
     "the last day of November 2019 is 2019-11-30"),
    ("05/06/2019", f"'05/06/2019' {ISO}, and it can be read two ways",
     "write '2019-06-05' for 5 June 2019, or '2019-05-06' for 6 May 2019"),
    ("soon", f"'soon' {ISO}",
     "write it as YYYY-MM-DD, or YYYY-MM or YYYY if the source gives no more"),
]  # fmt: skip


def _with_date(file: str, field: str, value: str) -> dict[str, str]:
    """The small project's files with one date replaced by value."""
    texts = {"brief.md": BRIEF, "seeds/sources.yaml": SOURCES_YAML,
             "figures/timeline.yaml": TIMELINE_YAML}  # fmt: skip
    old = re.search(rf"^ *{field}: (.*)$", texts[file], re.M)
    assert old
    return {file: texts[file].replace(old[0], old[0].replace(old[1], f'"{value}"'), 1)}


@pytest.mark.parametrize(("value", "message", "hint"), DATE_CASES, ids=[c[0] for c in DATE_CASES])
def test_an_event_date_that_is_not_a_date_says_why(
    make_project: MakeProject, value: str, message: str, hint: str
) -> None:
    root = make_project(_with_date("figures/timeline.yaml", "  - date", value))
    expected = f"figures/timeline.yaml:2:11: error: date: {message}"
    assert diagnostics(root) == [expected + f"\n    {hint}" * bool(hint)]


@pytest.mark.parametrize(
    ("file", "field", "where"),
    [
        ("brief.md", "issued", "brief.md:6:9"),
        ("brief.md", "cutoff", "brief.md:5:9"),
        ("seeds/sources.yaml", "published", "seeds/sources.yaml:7:16"),
    ],
)
def test_every_date_field_says_why_alike(
    make_project: MakeProject, file: str, field: str, where: str
) -> None:
    for value, message, hint in DATE_CASES[:1] + DATE_CASES[5:6] + DATE_CASES[-2:-1]:
        root = make_project(_with_date(file, field, value))
        expected = f"{where}: error: {field}: {message}\n    {hint}"
        assert diagnostics(root) == [expected]


def test_a_horizon_that_is_not_a_date_says_why(make_project: MakeProject) -> None:
    brief = BRIEF.replace("product_id: T-1", "product_id: T-1\nhorizon: 2019-02-29")
    root = make_project({"brief.md": brief})
    assert diagnostics(root) == [
        "brief.md:9:10: error: horizon: '2019-02-29' is not a date: 2019 is not a leap year, "
        "so February has 28 days\n    the last day of February 2019 is 2019-02-28"
    ]


def test_day_out_of_range_never_appears(make_project: MakeProject) -> None:
    for file, field in [("brief.md", "issued"), ("figures/timeline.yaml", "  - date"),
                        ("seeds/sources.yaml", "published")]:  # fmt: skip
        for value in ("2019-11-31", "2019-02-29", "2019-04-00", "31/04/2019"):
            _, output = run("check", make_project(_with_date(file, field, value)))
            assert "out of range" not in output and "is not a date:" in output


def test_a_year_and_month_yaml_reads_as_a_number_is_not_misread() -> None:
    """Unquoted, 2019.10 is the number 2019.1: no month is guessed from it."""
    found = Diagnostics()
    parse_timeline("events:\n  - date: 2019.10\n    title: X\n    cite: [a]\n", 0, found)
    assert [str(d) for d in found] == [
        f"figures/timeline.yaml:2:11: error: date: '2019.1' {ISO}\n"
        "    write it as YYYY-MM-DD, or YYYY-MM or YYYY if the source gives no more"
    ]
