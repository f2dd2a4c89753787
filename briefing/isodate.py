"""Dates as the project's files write them (YYYY, YYYY-MM or YYYY-MM-DD), and why a value
is not one: an impossible day, or a date written in another common form, with the ISO form
it stands for when only one reading is possible.

The other forms are recognised here rather than by a general date parser: such a parser
picks one reading of 05/06/2019 without saying so, and fills a missing day from today's."""

from __future__ import annotations

import calendar
import re

FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"
Parts = tuple[int, int, int]  # year, month, day; 0 for a month or day not given

_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
} | {"sept": 9}
_MONTH = r"([a-z]+)\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_SEP = r"\s*[/.-]\s*"
_SEP2 = r"\s*[/-]\s*"  # not '.': YAML reads 2019.10, unquoted, as the number 2019.1
# Each other form, with the order of its groups: y(ear), m(onth), d(ay), or n for a day or
# a month (a number that may be either).
_OTHER_FORMS = [
    (re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})"), "ymd"),
    (re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})"), "nny"),
    (re.compile(rf"(\d{{4}}){_SEP2}(\d{{1,2}})"), "ym"),
    (re.compile(rf"(\d{{1,2}}){_SEP2}(\d{{4}})"), "my"),
    (re.compile(rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})"), "dmy"),
    (re.compile(rf"{_MONTH}\s+{_DAY},?\s+(\d{{4}})"), "mdy"),
    (re.compile(rf"{_MONTH},?\s+(\d{{4}})"), "my"),
]


class DateError(ValueError):
    """A value that is not a date: the message says why, the hint how to write it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def read_date(text: str) -> Parts:
    """The year, month and day of `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; DateError otherwise."""
    value = text.strip()
    match = _ISO.fullmatch(value)
    if not match:
        raise _other_form(value)
    parts = (int(match[1]), int(match[2] or 0), int(match[3] or 0))
    _check_possible(value, parts, bool(match[2]), bool(match[3]))
    return parts


def iso(parts: Parts) -> str:
    year, month, day = parts
    return f"{year:04d}" + f"-{month:02d}" * bool(month) + f"-{day:02d}" * bool(day)


def _check_possible(value: str, parts: Parts, has_month: bool, has_day: bool) -> None:
    """DateError if the year, month or day cannot be."""
    year, month, day = parts
    if not year:
        raise DateError(f"'{value}' is not a date: years count from 0001")
    if has_month and not 1 <= month <= 12:
        raise DateError(
            f"'{value}' is not a date: there is no month {month:02d}",
            "months run from 01 to 12",
        )
    if not has_day:
        return
    last = calendar.monthrange(year, month)[1]
    if 1 <= day <= last:
        return
    name = calendar.month_name[month]
    if not day:
        why = "days count from 01"
    elif month == 2 and day == 29:
        why = f"{year} is not a leap year, so February has 28 days"
    elif month == 2:
        why = f"February {year} has {last} days"
    else:
        why = f"{name} has {last} days"
    raise DateError(
        f"'{value}' is not a date: {why}",
        f"the last day of {name} {year} is {iso((year, month, last))}",
    )


def _other_form(value: str) -> DateError:
    """Why value, which is not in an ISO form, is not a date, and what it may stand for."""
    readings = _readings(value)
    not_iso = f"'{value}' is not a date of the form {FORMS}"
    if not readings:
        return DateError(not_iso, "write it as YYYY-MM-DD, or YYYY-MM or YYYY if the source "
                         "gives no more")  # fmt: skip
    if len(readings) == 2:
        first, second = (f"'{iso(parts)}' for {_spoken(parts)}" for parts in readings)
        return DateError(
            f"{not_iso}, and it can be read two ways",
            f"write {first}, or {second}",
        )
    try:
        _check_possible(value, readings[0], True, bool(readings[0][2]))
    except DateError as impossible:
        return impossible
    return DateError(not_iso, f"did you mean '{iso(readings[0])}'?")


def _readings(value: str) -> list[Parts]:
    """The dates value may stand for, written in one of the other forms: a day and month
    both 12 or less give two."""
    found = _other_match(value.lower())
    if found is None:
        return []
    match, order = found
    if order == "nny":
        first, second, year = match.groups()
        choices = [(year, second, first), (year, first, second)]  # day first, month first
    else:
        named = dict(zip(order, match.groups(), strict=True))
        choices = [(named["y"], named["m"], named.get("d", ""))]
    readings = [_parts(*choice) for choice in choices]
    possible = [p for p in readings if p and p[0] and 1 <= p[1] <= 12]
    return list(dict.fromkeys(possible))  # 05/05/2019 is read one way


def _other_match(value: str) -> tuple[re.Match[str], str] | None:
    for pattern, order in _OTHER_FORMS:
        if match := pattern.fullmatch(value):
            return match, order
    return None


def _parts(year: str, month: str, day: str) -> Parts | None:
    """The parts, or None for a day 00 or a name that is not a month's."""
    number = int(month) if month.isdecimal() else _MONTHS.get(month)
    if not number or (day and not int(day)):
        return None
    return int(year), number, int(day or 0)


def _spoken(parts: Parts) -> str:
    year, month, day = parts
    return f"{day} {calendar.month_name[month]} {year}"
