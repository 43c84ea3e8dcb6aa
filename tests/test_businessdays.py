"""The business-day calendar: weekends, public holidays and blackouts; bd(), roll().

Every expected date was checked by hand against a printed calendar and the holidays
library's own listing (holidays 0.109), never taken from the code under test.
"""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import subprocess
import sys
from collections.abc import Callable

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afterview.core import businessdays
from afterview.core.businessdays import BusinessCalendar, open_calendar
from afterview.errors import PlaceError
from realcalendar import day, place


@pytest.mark.parametrize(
    ("where", "start", "n", "expected"),
    [
        pytest.param("US", "Fri 2026-01-09", 1, "Mon 2026-01-12", id="us-friday-to-monday"),
        pytest.param("US", "Fri 2026-01-16", 1, "Tue 2026-01-20", id="us-friday-mlk-monday"),
        pytest.param("US", "Sat 2026-01-10", 1, "Mon 2026-01-12", id="us-saturday-to-monday"),
        pytest.param("US", "Sun 2026-01-11", 1, "Mon 2026-01-12", id="us-sunday-to-monday"),
        pytest.param("US", "Wed 2026-11-25", 1, "Fri 2026-11-27", id="us-over-thanksgiving"),
        pytest.param("US", "Wed 2026-11-25", 2, "Mon 2026-11-30", id="us-thanksgiving-2"),
        pytest.param("US", "Wed 2026-11-25", 5, "Thu 2026-12-03", id="us-thanksgiving-5"),
        pytest.param("US", "Thu 2026-11-26", 1, "Fri 2026-11-27", id="us-from-a-holiday"),
        pytest.param("US", "Mon 2026-11-02", 1, "Tue 2026-11-03", id="us-election-day-works"),
        pytest.param("US-NY", "Mon 2026-11-02", 1, "Wed 2026-11-04", id="ny-election-day-off"),
        pytest.param("US-NY", "Wed 2026-02-11", 1, "Fri 2026-02-13", id="ny-lincoln-birthday"),
        pytest.param("US", "Wed 2027-12-22", 2, "Mon 2027-12-27", id="us-christmas-observed"),
        pytest.param("US", "Thu 2027-12-30", 1, "Mon 2028-01-03", id="us-new-year-2028-in-2027"),
        pytest.param("US", "Fri 2027-12-31", 1, "Mon 2028-01-03", id="us-across-year-end"),
        pytest.param("GB-ENG", "Thu 2026-12-24", 1, "Tue 2026-12-29", id="eng-christmas-boxing"),
        pytest.param("GB-ENG", "Wed 2026-12-30", 2, "Mon 2027-01-04", id="eng-new-year"),
        pytest.param("GB-SCT", "Wed 2026-12-30", 2, "Tue 2027-01-05", id="sct-2-january-obs"),
        pytest.param("GB-ENG", "Fri 2026-08-28", 1, "Tue 2026-09-01", id="eng-august-bank-hol"),
        pytest.param("GB-SCT", "Fri 2026-08-28", 1, "Mon 2026-08-31", id="sct-no-late-august"),
        pytest.param("SA", "Thu 2026-09-17", 1, "Sun 2026-09-20", id="sa-thursday-to-sunday"),
        pytest.param("SA", "Tue 2026-09-22", 1, "Thu 2026-09-24", id="sa-national-day"),
        pytest.param("SA", "Tue 2026-09-22", 2, "Sun 2026-09-27", id="sa-national-day-2"),
        pytest.param("SA", "Thu 2026-02-19", 1, "Mon 2026-02-23", id="sa-founding-day-sunday"),
        pytest.param("AE", "Thu 2026-11-26", 1, "Fri 2026-11-27", id="ae-friday-works"),
        pytest.param("AE", "Tue 2026-12-01", 1, "Fri 2026-12-04", id="ae-national-day"),
        pytest.param("CN", "Fri 2026-02-13", 1, "Sat 2026-02-14", id="cn-makeup-saturday"),
        pytest.param("CN", "Sat 2026-02-14", 1, "Tue 2026-02-24", id="cn-spring-festival"),
        pytest.param("CN", "Fri 2026-09-18", 1, "Sun 2026-09-20", id="cn-makeup-sunday"),
        pytest.param("CN", "Wed 2025-12-31", 1, "Sun 2026-01-04", id="cn-new-year-makeup"),
        pytest.param("CN", "Fri 2026-10-09", 1, "Sat 2026-10-10", id="cn-october-makeup"),
    ],
)
def test_bd_counts_business_days_strictly_after(
    where: str, start: str, n: int, expected: str
) -> None:
    """bd(D, n) is the n-th business day strictly after D, skipping weekends and holidays."""
    assert place(where).bd(day(start), n) == day(expected)


@pytest.mark.parametrize(
    ("where", "start", "expected"),
    [
        pytest.param("US", "Wed 2026-11-25", "Wed 2026-11-25", id="us-business-day-stays"),
        pytest.param("US", "Thu 2026-11-26", "Fri 2026-11-27", id="us-thanksgiving"),
        pytest.param("US", "Sat 2026-11-28", "Mon 2026-11-30", id="us-saturday"),
        pytest.param("US", "Fri 2027-12-31", "Mon 2028-01-03", id="us-new-year-observed"),
        pytest.param("US", "Sat 2028-01-01", "Mon 2028-01-03", id="us-new-year-saturday"),
        pytest.param("GB-ENG", "Fri 2026-12-25", "Tue 2026-12-29", id="eng-christmas"),
        pytest.param("GB-ENG", "Sat 2026-12-26", "Tue 2026-12-29", id="eng-boxing-day"),
        pytest.param("GB-ENG", "Thu 2026-12-31", "Thu 2026-12-31", id="eng-new-years-eve"),
        pytest.param("SA", "Fri 2026-09-18", "Sun 2026-09-20", id="sa-friday"),
        pytest.param("SA", "Sun 2026-09-20", "Sun 2026-09-20", id="sa-sunday-stays"),
        pytest.param("SA", "Wed 2026-09-23", "Thu 2026-09-24", id="sa-national-day"),
        pytest.param("CN", "Sat 2026-01-03", "Sun 2026-01-04", id="cn-to-makeup-sunday"),
        pytest.param("CN", "Sun 2026-01-04", "Sun 2026-01-04", id="cn-makeup-sunday-stays"),
        pytest.param("CN", "Sat 2026-10-10", "Sat 2026-10-10", id="cn-makeup-saturday-stays"),
        pytest.param("CN", "Thu 2026-10-01", "Thu 2026-10-08", id="cn-golden-week"),
    ],
)
def test_roll_moves_to_the_next_business_day(where: str, start: str, expected: str) -> None:
    """roll(D) is D on a business day, else the first business day after it."""
    assert place(where).roll(day(start)) == day(expected)


@pytest.mark.parametrize(
    ("where", "when", "expected"),
    [
        pytest.param("US", "Thu 2026-11-26", False, id="us-thanksgiving"),
        pytest.param("US", "Fri 2026-11-27", True, id="us-day-after-thanksgiving"),
        pytest.param("US", "Sat 2026-11-28", False, id="us-saturday"),
        pytest.param("US", "Thu 2026-12-24", True, id="us-christmas-eve-unofficial"),
        pytest.param("US", "Fri 2026-04-03", True, id="us-good-friday-unofficial"),
        pytest.param("US", "Tue 2026-11-03", True, id="us-election-day"),
        pytest.param("US-NY", "Tue 2026-11-03", False, id="ny-election-day"),
        pytest.param("NL", "Tue 2026-05-05", True, id="nl-liberation-day-optional"),
        pytest.param("GB-ENG", "Mon 2026-12-28", False, id="eng-boxing-day-observed"),
        pytest.param("GB-ENG", "Mon 2026-11-30", True, id="eng-st-andrews-day"),
        pytest.param("GB-SCT", "Mon 2026-11-30", False, id="sct-st-andrews-day"),
        pytest.param("SA", "Fri 2026-09-18", False, id="sa-friday"),
        pytest.param("SA", "Sat 2026-09-19", False, id="sa-saturday"),
        pytest.param("SA", "Sun 2026-09-20", True, id="sa-sunday"),
        pytest.param("SA", "Wed 2026-09-23", False, id="sa-national-day"),
        pytest.param("AE", "Fri 2026-11-27", True, id="ae-friday"),
        pytest.param("AE", "Sat 2026-11-28", False, id="ae-saturday"),
        pytest.param("IR", "Fri 2026-01-09", False, id="ir-friday"),
        pytest.param("IR", "Sat 2026-01-10", True, id="ir-saturday"),
        pytest.param("CN", "Sun 2026-01-04", True, id="cn-makeup-2026-01-04"),
        pytest.param("CN", "Sat 2026-02-14", True, id="cn-makeup-2026-02-14"),
        pytest.param("CN", "Sun 2026-09-20", True, id="cn-makeup-2026-09-20"),
        pytest.param("CN", "Sat 2026-10-10", True, id="cn-makeup-2026-10-10"),
        pytest.param("CN", "Sat 2026-01-10", False, id="cn-plain-saturday"),
        pytest.param("CN", "Fri 2026-01-02", False, id="cn-substituted-day-off"),
    ],
)
def test_is_business_day(where: str, when: str, expected: bool) -> None:
    """A business day is off neither for the country's weekend nor for a public holiday."""
    assert place(where).is_business_day(day(when)) is expected


@pytest.mark.parametrize(
    ("where", "when", "reason"),
    [
        pytest.param("US", "Sat 2026-11-28", "weekend", id="us-saturday"),
        pytest.param("US", "Sun 2026-11-29", "weekend", id="us-sunday"),
        pytest.param("SA", "Fri 2026-09-18", "weekend", id="sa-friday"),
        pytest.param("CN", "Sat 2026-01-10", "weekend", id="cn-saturday"),
    ],
)
def test_why_not_says_weekend(where: str, when: str, reason: str) -> None:
    """A weekend day is explained as "weekend"."""
    assert place(where).why_not(day(when)) == reason


@pytest.mark.parametrize(
    ("where", "when", "name"),
    [
        pytest.param("US", "Thu 2026-11-26", "Thanksgiving", id="us-thanksgiving"),
        pytest.param("US", "Fri 2027-12-31", "New Year", id="us-new-year-observed"),
        pytest.param("US-NY", "Tue 2026-11-03", "Election", id="ny-election-day"),
        pytest.param("GB-ENG", "Mon 2026-12-28", "Boxing Day", id="eng-boxing-day-observed"),
        pytest.param("SA", "Wed 2026-09-23", "National Day", id="sa-national-day"),
    ],
)
def test_why_not_names_the_holiday(where: str, when: str, name: str) -> None:
    """A public holiday on a weekday is explained by the holiday's name."""
    reason = place(where).why_not(day(when))
    assert reason is not None
    assert name in reason


@pytest.mark.parametrize(
    ("where", "when"),
    [
        pytest.param("US", "Fri 2026-11-27", id="us-friday"),
        pytest.param("SA", "Sun 2026-09-20", id="sa-sunday"),
        pytest.param("CN", "Sun 2026-01-04", id="cn-makeup-sunday"),
    ],
)
def test_why_not_is_none_on_a_business_day(where: str, when: str) -> None:
    """A business day needs no reason."""
    assert place(where).why_not(day(when)) is None


CHRISTMAS_EVE = day("Thu 2026-12-24")


def test_blackout_is_not_a_business_day() -> None:
    """A date the user blacked out is not a business day and is called "your day off"."""
    cal = place("US-NY", blackout=(CHRISTMAS_EVE,))
    assert cal.is_business_day(CHRISTMAS_EVE) is False
    assert cal.why_not(CHRISTMAS_EVE) == "your day off"


def test_bd_and_roll_skip_blackouts() -> None:
    """bd() and roll() step over blackout dates as over holidays."""
    cal = place("US-NY", blackout=(CHRISTMAS_EVE,))
    assert cal.bd(day("Wed 2026-12-23"), 1) == day("Mon 2026-12-28")
    assert cal.roll(CHRISTMAS_EVE) == day("Mon 2026-12-28")


def test_several_blackouts_are_all_skipped() -> None:
    """Every listed blackout date is skipped, not only the first."""
    cal = place("US", blackout=(day("Mon 2026-11-30"), day("Tue 2026-12-01")))
    assert cal.bd(day("Wed 2026-11-25"), 2) == day("Wed 2026-12-02")


def test_employer_calendar_ignores_blackouts() -> None:
    """employer() is the same calendar without the user's blackout dates."""
    employer = place("US-NY", blackout=(CHRISTMAS_EVE,)).employer()
    assert employer.is_business_day(CHRISTMAS_EVE) is True
    assert employer.why_not(CHRISTMAS_EVE) is None
    assert employer.bd(day("Wed 2026-12-23"), 1) == CHRISTMAS_EVE


def test_employer_calendar_keeps_holidays_and_subdivision() -> None:
    """employer() still has the country's weekend and the subdivision's holidays."""
    employer = place("US-NY", blackout=(CHRISTMAS_EVE,)).employer()
    assert employer.is_business_day(day("Fri 2026-12-25")) is False
    assert employer.is_business_day(day("Sat 2026-12-26")) is False
    assert employer.is_business_day(day("Tue 2026-11-03")) is False


def test_employer_calendar_keeps_a_friday_saturday_weekend() -> None:
    """employer() of a Friday-Saturday country still rests on Friday."""
    employer = place("SA", blackout=(day("Sun 2026-09-20"),)).employer()
    assert employer.bd(day("Thu 2026-09-17"), 1) == day("Sun 2026-09-20")


@pytest.mark.parametrize(
    ("where", "start", "expected"),
    [
        pytest.param("US", "Wed 2026-11-25", "Sun 2026-11-29", id="us-wednesday"),
        pytest.param("US", "Sat 2026-11-28", "Sun 2026-11-29", id="us-saturday"),
        pytest.param("US", "Sun 2026-11-29", "Sun 2026-11-29", id="us-sunday-itself"),
        pytest.param("US", "Mon 2026-11-30", "Sun 2026-12-06", id="us-monday"),
        pytest.param("GB-ENG", "Thu 2026-12-31", "Sun 2027-01-03", id="eng-across-year"),
        pytest.param("SA", "Wed 2026-09-16", "Sat 2026-09-19", id="sa-wednesday"),
        pytest.param("SA", "Fri 2026-09-18", "Sat 2026-09-19", id="sa-friday"),
        pytest.param("SA", "Sat 2026-09-19", "Sat 2026-09-19", id="sa-saturday-itself"),
        pytest.param("SA", "Sun 2026-09-20", "Sat 2026-09-26", id="sa-sunday"),
        pytest.param("AE", "Wed 2026-11-25", "Sun 2026-11-29", id="ae-saturday-sunday"),
        pytest.param("IR", "Wed 2026-01-07", "Fri 2026-01-09", id="ir-friday-only"),
    ],
)
def test_week_end_is_the_last_weekend_day(where: str, start: str, expected: str) -> None:
    """week_end(D) is the last day of the country's weekend on or after D."""
    assert place(where).week_end(day(start)) == day(expected)


def test_unknown_country_suggests_a_close_code() -> None:
    """An unknown country is refused with a PlaceError that suggests a close code."""
    with pytest.raises(PlaceError) as caught:
        open_calendar("EN", None)
    assert "EN" in str(caught.value)
    assert "GB" in str(caught.value)


def test_unknown_subdivision_is_refused() -> None:
    """A subdivision the country does not have is refused with a PlaceError naming it."""
    with pytest.raises(PlaceError) as caught:
        open_calendar("US", "ENG")
    assert "ENG" in str(caught.value)


# Laws that hold for any date, checked on the places above across three years.
PLACES = ("US", "US-NY", "GB-ENG", "GB-SCT", "SA", "AE", "CN")
DATES = st.dates(min_value=dt.date(2025, 12, 1), max_value=dt.date(2028, 1, 31))
CALENDARS: dict[str, BusinessCalendar] = {}


def cached(where: str) -> BusinessCalendar:
    """One calendar per place for the property tests, so holidays are loaded once."""
    if where not in CALENDARS:
        CALENDARS[where] = place(where)
    return CALENDARS[where]


@settings(max_examples=200, deadline=None)
@given(where=st.sampled_from(PLACES), start=DATES, n=st.integers(min_value=1, max_value=25))
def test_bd_law(where: str, start: dt.date, n: int) -> None:
    """bd(D, n) is a business day after D with exactly n business days in (D, bd(D, n)]."""
    cal = cached(where)
    result = cal.bd(start, n)
    assert result > start
    assert cal.is_business_day(result)
    between = [start + dt.timedelta(days=k) for k in range(1, (result - start).days + 1)]
    assert sum(cal.is_business_day(d) for d in between) == n


@settings(max_examples=200, deadline=None)
@given(where=st.sampled_from(PLACES), start=DATES)
def test_roll_law(where: str, start: dt.date) -> None:
    """roll(D) is the first business day on or after D, and why_not agrees with it."""
    cal = cached(where)
    result = cal.roll(start)
    assert result >= start
    assert cal.is_business_day(result)
    skipped = [start + dt.timedelta(days=k) for k in range((result - start).days)]
    assert not any(cal.is_business_day(d) for d in skipped)
    assert (result == start) is cal.is_business_day(start)
    assert (cal.why_not(start) is None) is cal.is_business_day(start)


# The cached working days against the walk they replaced: asking the holidays library
# about each day in turn, on a calendar of its own.
WALK_PLACES = ("US-NY", "GB-ENG", "CN", "SA", "AE", "DE-BY", "IN", "JP")
WALK_DATES = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31))


WALKED: dict[str, holidays.HolidayBase] = {}


def walked_working(where: str, blackout: frozenset[dt.date]) -> Callable[[dt.date], bool]:
    """Whether a day is a business day, asked of a holidays calendar of its own day by day."""
    if where not in WALKED:
        country, _, subdivision = where.partition("-")
        entity = holidays.country_holidays(country, subdiv=subdivision or None)
        for year in range(2024, 2031):
            _ = dt.date(year, 1, 1) in entity  # filled in, make-up working days included
        WALKED[where] = entity
    entity = WALKED[where]
    return lambda d: d not in blackout and bool(entity.is_working_day(d))


@settings(max_examples=300, deadline=None)
@given(
    where=st.sampled_from(WALK_PLACES),
    start=WALK_DATES,
    n=st.integers(min_value=1, max_value=40),
    off=st.lists(st.integers(min_value=-3, max_value=30), max_size=6),
)
def test_cached_calendar_matches_the_day_by_day_walk(
    where: str, start: dt.date, n: int, off: list[int]
) -> None:
    """bd(), roll() and is_business_day() agree with walking the holidays library, blackouts too."""
    blackout = frozenset(start + dt.timedelta(days=k) for k in off)
    country, _, subdivision = where.partition("-")
    # The library's own data: customary closures (tested on their own) are left out.
    cal = open_calendar(country, subdivision or None, tuple(blackout), closures=False)
    working = walked_working(where, blackout)
    rolled = start
    while not working(rolled):
        rolled += dt.timedelta(days=1)
    counted = start
    for _ in range(n):
        counted += dt.timedelta(days=1)
        while not working(counted):
            counted += dt.timedelta(days=1)
    assert cal.roll(start) == rolled
    assert cal.bd(start, n) == counted
    window = [start + dt.timedelta(days=k) for k in range(-5, 20)]
    assert [cal.is_business_day(d) for d in window] == [working(d) for d in window]


def test_cached_calendar_keeps_china_make_up_days_and_blackouts() -> None:
    """Make-up Saturdays and Sundays count; a blacked-out make-up day does not."""
    makeup = day("Sat 2026-02-14")
    assert place("CN").bd(day("Fri 2026-02-13"), 1) == makeup
    blacked = place("CN", blackout=(makeup,))
    assert blacked.is_business_day(makeup) is False
    assert blacked.bd(day("Fri 2026-02-13"), 1) == day("Tue 2026-02-24")
    assert blacked.employer().bd(day("Fri 2026-02-13"), 1) == makeup


def test_bd_crosses_several_year_ends() -> None:
    """Counting hundreds of business days runs through the following years' lists."""
    cal = place("US")
    start = day("Mon 2026-12-28")
    expected = start
    for _ in range(600):
        expected = cal.bd(expected, 1)
    assert cal.bd(start, 600) == expected
    assert expected.year == 2029


def test_no_business_day_for_400_days_is_refused_as_before() -> None:
    """A blackout longer than 400 days gives the same PlaceError the day-by-day walk gave."""
    first = day("Thu 2026-01-01")
    everything = tuple(first + dt.timedelta(days=k) for k in range(450))
    cal = place("US", blackout=everything)
    with pytest.raises(PlaceError, match=r"no business day within 400 days of 2027-02-05$"):
        cal.roll(first)
    with pytest.raises(PlaceError, match=r"within 400 days of 2027-02-06$"):
        cal.bd(first, 1)


def test_working_days_of_a_year_are_worked_out_once() -> None:
    """Calendars of one place share each year's working days, so a new calendar is warm."""
    first = place("GB-SCT")
    first.bd(day("Mon 2029-03-05"), 3)
    before = businessdays._employer_year.cache_info()
    second = place("GB-SCT", blackout=(day("Tue 2029-03-06"),))
    assert second.bd(day("Mon 2029-03-05"), 3) == day("Fri 2029-03-09")
    after = businessdays._employer_year.cache_info()
    assert after.misses == before.misses
    assert after.hits > before.hits


@pytest.mark.parametrize(
    "env",
    [
        pytest.param({"LANG": "en_GB.UTF-8"}, id="english-without-a-translation"),
        pytest.param({"LANGUAGE": "zh_CN", "LANG": "zh_CN.UTF-8"}, id="chinese"),
        pytest.param({}, id="no-locale"),
    ],
)
def test_holiday_names_are_english_whatever_the_locale(
    env: dict[str, str], tmp_path: pathlib.Path
) -> None:
    """Reasons name holidays in English, and "after Christmas" is found, in any locale."""
    # The holidays library reads the locale once per calendar, so each locale gets a
    # fresh process. Germany's Christmas Day is Fri 25 Dec 2026 and Second Day of
    # Christmas Sat 26 Dec; Japan's New Year's Day is Fri 1 Jan 2027.
    script = (
        "import datetime as dt\n"
        "from afterview.core.businessdays import open_calendar\n"
        "from afterview.core.timeline import resolve\n"
        "de = open_calendar('DE')\n"
        "print(de.holiday_name(dt.date(2026, 12, 25)))\n"
        "print(resolve('after Christmas', dt.date(2026, 12, 1), de).date)\n"
        "print(open_calendar('JP').holiday_name(dt.date(2027, 1, 1)))\n"
        "print(open_calendar('CN').holiday_name(dt.date(2027, 2, 6)))\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, **env, "AFTERVIEW_CACHE_DIR": "off"},  # the library itself, asked now
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    # After Christmas Day and Second Day of Christmas: Mon 28 Dec 2026.
    assert (result.stdout.splitlines(), result.stderr) == (
        ["Christmas Day", "2026-12-28", "New Year's Day", "Chinese New Year (Spring Festival)"],
        "",
    )


LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def test_the_upstream_report_shows_what_the_library_returns() -> None:
    """The Nepal report in docs/holiday-data.md prints what its comments say it prints."""
    # When an upgrade of the holidays library fixes Nepal's weekend, this fails: then the
    # report is done with, and the doc's override for Nepal can go.
    doc = pathlib.Path(__file__).parent.parent / "docs" / "holiday-data.md"
    text = doc.read_text(encoding="utf-8")
    block = text.split("> ```python\n", 1)[1].split("> ```\n", 1)[0]
    code = "\n".join(line.removeprefix(">").removeprefix(" ") for line in block.splitlines())
    expected = [
        line.split("#", 1)[1].rsplit(":", 1)[-1].strip()
        for line in code.splitlines()
        if line.startswith("print(")
    ]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert (result.stdout.splitlines(), result.stderr) == (expected, "")
    assert expected == ["{5, 6}", "False", "False", "False"]


def test_hong_kong_and_bavaria_are_as_the_doc_says() -> None:
    """Hong Kong works on Saturdays; Bavaria's 15 August is only in the catholic category."""
    # Sat 5 and Sun 6 Dec 2026; Sat 15 Aug 2026 (Assumption Day).
    hong_kong = holidays.country_holidays("HK", language="en_US")
    assert hong_kong.weekend == {6}
    assert hong_kong.is_working_day(day("Sat 2026-12-05"))
    assert not hong_kong.is_working_day(day("Sun 2026-12-06"))
    assumption = day("Sat 2026-08-15")
    bavaria = holidays.country_holidays("DE", subdiv="BY", language="en_US")
    assert bavaria.get(assumption) is None
    catholic = holidays.country_holidays("DE", subdiv="BY", language="en_US", categories="catholic")
    assert catholic.get(assumption) == "Assumption Day"
