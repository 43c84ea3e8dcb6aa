"""Customary closures, the user's own working days, and years the holiday data lacks.

Dates worked out by hand (weekdays with Python's datetime, public holidays from the
holidays library 0.109): Japan's New Year's Day is Fri 1 Jan 2027 and Coming of Age Day
Mon 11 Jan 2027; Easter 2027 is Sun 28 Mar, so Carnival Monday and Tuesday are 8 and
9 Feb 2027; England observes Boxing Day 2026 on Mon 28 Dec; Sri Lanka's data ends in 2026.

The Chinese New Year (the first day of the first lunar month, the Spring Festival) is
Sun 22 Jan 2023, Sat 6 Feb 2027 and Wed 26 Jan 2028: the day, in Beijing time, of the
second new moon after the winter solstice, found with PyEphem's new-moon search (an
astronomical computation, not a table), and the same dates as the holidays library's
lunar table. China's State Council notice for 2023 gave 21 to 27 Jan off and made
Sat 28 and Sun 29 Jan working days. For 2027 and 2028 the library has no published
schedule (no make-up days) and computes only the statutory days: Chinese New Year's
Eve Fri 5 Feb 2027, New Year Sat 6 to Mon 8 Feb, observed on Tue 9 and Wed 10 Feb;
Eve Tue 25 Jan 2028, New Year Wed 26 to Fri 28 Jan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from icalendar import Calendar

from afterview.formats.interviewfile import parse_interview
from afterview.policies import plan_interview
from realcalendar import day, place

RunCli = Callable[..., Result]
PlanIcs = Callable[..., bytes]

SPRING_FESTIVAL = "the Spring Festival week customary in China"


def file_text(start: str, zone: str, country: str, extra: str = "") -> str:
    """An interview file with one interviewer."""
    return (
        f'company = "Kiso Rail"\nrole = "Planner"\nstart = {start}\ntimezone = "{zone}"\n'
        f'country = "{country}"\n{extra}\n[[interviewers]]\nname = "Aoi Sato"\n'
        'email = "aoi.sato@kiso-rail.example"\n'
    )


def dates_of(text: str) -> dict[str, dt.date]:
    """The date of each step of the plan of an interview file's text."""
    made = plan_interview(parse_interview(text, "test"))
    return {f.label: f.date for f in made.followups}


def test_japan_year_end_closure_is_skipped_and_named() -> None:
    """From Fri 25 Dec 2026 in Japan, check-in 1 skips the 29 Dec-3 Jan closure."""
    # bd(Fri 25 Dec, 5): Mon 28, (29-31 closure, 1 Jan holiday, 2-3 closure), Mon 4, Tue 5,
    # Wed 6, Thu 7 Jan.
    made = plan_interview(
        parse_interview(file_text("2026-12-25T10:00:00", "Asia/Tokyo", "JP"), "test")
    )
    first = next(f for f in made.followups if f.label == "check-in-1")
    assert first.date == day("Thu 2027-01-07")
    assert (
        "skipping the year-end closure customary in Japan (Tue 29 Dec to Thu 31 Dec), "
        "New Year's Day (Fri 1 Jan)" in first.reason
    )


def test_closures_false_plans_through_the_closure() -> None:
    """With closures = false, only public holidays count: check-in 1 is Mon 4 Jan 2027."""
    # bd(Fri 25 Dec, 5): Mon 28, Tue 29, Wed 30, Thu 31, (Fri 1 Jan), Mon 4 Jan.
    text = file_text("2026-12-25T10:00:00", "Asia/Tokyo", "JP", "closures = false")
    assert dates_of(text)["check-in-1"] == day("Mon 2027-01-04")


def test_brazil_carnival_is_skipped() -> None:
    """From Mon 1 Feb 2027 in Brazil, check-in 1 skips Carnival Monday and Tuesday."""
    # bd(Mon 1 Feb, 5): Tue 2, Wed 3, Thu 4, Fri 5, (Mon 8, Tue 9 Carnival), Wed 10 Feb.
    text = file_text("2027-02-01T10:00:00", "America/Sao_Paulo", "BR")
    assert dates_of(text)["check-in-1"] == day("Wed 2027-02-10")


def test_workdays_make_a_holiday_a_business_day() -> None:
    """workdays = [2026-12-28] makes England's observed Boxing Day count as a working day."""
    # Wed 23 Dec 2026, "by Friday" = Christmas Day; bd(Fri 25 Dec, 1) = Mon 28 Dec when
    # the employer works that day (Tue 29 Dec otherwise).
    base = file_text("2026-12-23T10:00:00", "Europe/London", "GB", 'subdivision = "ENG"')
    base = base.replace('country = "GB"', 'country = "GB"\ndecision = "by Friday"')
    assert dates_of(base)["check-in-1"] == day("Tue 2026-12-29")
    worked = base.replace(
        'decision = "by Friday"', 'decision = "by Friday"\nworkdays = [2026-12-28]'
    )
    assert dates_of(worked)["check-in-1"] == day("Mon 2026-12-28")


def test_missing_holiday_data_is_one_warning_line(run_cli: RunCli, tmp_path: Path) -> None:
    """Sri Lanka in 2027 plans with one warning line and no library warning or file path."""
    source = tmp_path / "colombo.toml"
    source.write_text(file_text("2027-02-01T10:00:00", "Asia/Colombo", "LK"), encoding="utf-8")
    result = run_cli("show", source)
    assert result.exit_code == 0, result.output
    gap = [line for line in result.stderr.splitlines() if "holiday data" in line]
    assert gap == [
        "warning: the holiday data has no full list of Sri Lanka's public holidays for 2027: "
        "dates then may fall on holidays it does not know; add the employer's days off as "
        "'blackout' dates"
    ]
    assert "UserWarning" not in result.output
    assert ".py" not in result.stderr


def test_workdays_and_closures_survive_a_round_trip() -> None:
    """An interview file written back keeps its workdays and closures = false."""
    from afterview.formats.interviewfile import dumps_interview

    text = file_text(
        "2026-12-25T10:00:00", "Asia/Tokyo", "JP", "closures = false\nworkdays = [2026-12-29]"
    )
    first = parse_interview(text, "test")
    again = parse_interview(dumps_interview(first), "again")
    assert (again.workdays, again.closures) == ((day("Tue 2026-12-29"),), False)


def test_china_after_its_last_published_schedule_warns() -> None:
    """A plan reaching 2027 in China, whose 2027 schedule is not in the data, says so."""
    # The holidays library 0.109 has China's announced schedules up to 2026.
    text = file_text("2026-12-21T10:00:00", "Asia/Shanghai", "CN")
    made = plan_interview(parse_interview(text, "test"))
    assert [w for w in made.warnings if "holiday data" in w] == [
        "the holiday data has no full list of China's public holidays for 2027: dates then "
        "may fall on holidays it does not know; add the employer's days off as 'blackout' dates"
    ]


def test_china_within_its_published_schedule_does_not_warn() -> None:
    """A plan inside 2026 in China gets no holiday-data warning."""
    made = plan_interview(
        parse_interview(file_text("2026-06-01T10:00:00", "Asia/Shanghai", "CN"), "test")
    )
    assert not [w for w in made.warnings if "holiday data" in w]


def check_in_1(text: str) -> tuple[dt.date, str]:
    """The date and reason of the first check-in planned for an interview file's text."""
    made = plan_interview(parse_interview(text, "test"))
    first = next(f for f in made.followups if f.label == "check-in-1")
    return first.date, first.reason


@pytest.mark.parametrize(
    ("new_year", "week_end"),
    [
        pytest.param("Sun 2023-01-22", "Sat 2023-01-28", id="2023"),
        pytest.param("Sat 2027-02-06", "Fri 2027-02-12", id="2027-unpublished"),
        pytest.param("Wed 2028-01-26", "Tue 2028-02-01", id="2028-unpublished"),
    ],
)
def test_spring_festival_week_starts_on_the_lunar_new_year(new_year: str, week_end: str) -> None:
    """The closure is the seven days from the first day of the lunar year, and no other."""
    cal = place("CN")
    first, last = day(new_year), day(week_end)
    assert cal.closure_name(first - dt.timedelta(days=1)) is None
    assert cal.closure_name(first) == SPRING_FESTIVAL
    assert cal.closure_name(last + dt.timedelta(days=1)) is None
    if first.year == 2023:
        # Sat 28 Jan 2023, the seventh day, was decreed a working day: it stays one.
        assert cal.closure_name(last) is None
        assert cal.is_business_day(last)
    else:
        assert cal.closure_name(last) == SPRING_FESTIVAL


def test_spring_festival_week_is_skipped_in_a_year_without_a_schedule() -> None:
    """Mon 1 Feb 2027 in China: check-in 1 moves past the closure's Thu 11 and Fri 12 Feb."""
    # bd(Mon 1 Feb 2027, 5): Tue 2, Wed 3, Thu 4, (Fri 5 Eve; Sat 6 to Mon 8 New Year;
    # Tue 9, Wed 10 observed; Thu 11, Fri 12 the closure; Sat 13, Sun 14 weekend),
    # Mon 15, Tue 16 Feb.
    text = file_text("2027-02-01T10:00:00", "Asia/Shanghai", "CN")
    made = plan_interview(parse_interview(text, "test"))
    first = next(f for f in made.followups if f.label == "check-in-1")
    assert first.date == day("Tue 2027-02-16")
    assert f"{SPRING_FESTIVAL} (Thu 11 Feb to Fri 12 Feb)" in first.reason
    # The year still counts as missing data: the closure is no excuse to stay silent.
    assert [w for w in made.warnings if "holiday data" in w] == [
        "the holiday data has no full list of China's public holidays for 2027: dates then "
        "may fall on holidays it does not know; add the employer's days off as 'blackout' dates"
    ]


def test_closures_false_plans_through_the_spring_festival_week() -> None:
    """With closures = false, check-in 1 after Mon 1 Feb 2027 is Fri 12 Feb, in the week."""
    # bd(Mon 1 Feb 2027, 5): Tue 2, Wed 3, Thu 4, (Fri 5 to Wed 10 public holidays and
    # the weekend), Thu 11, Fri 12 Feb.
    text = file_text("2027-02-01T10:00:00", "Asia/Shanghai", "CN", "closures = false")
    when, reason = check_in_1(text)
    assert when == day("Fri 2027-02-12")
    assert SPRING_FESTIVAL not in reason


def test_spring_festival_week_after_a_short_official_holiday() -> None:
    """Thu 20 Jan 2028 in China: check-in 1 skips Mon 31 Jan and Tue 1 Feb, closure days."""
    # With the closure, bd(Thu 20 Jan 2028, 5): Fri 21, Mon 24, (Tue 25 Eve, Wed 26 to
    # Fri 28 New Year, Sat 29, Sun 30 weekend, Mon 31, Tue 1 Feb closure), Wed 2, Thu 3,
    # Fri 4 Feb. Without it: Fri 21, Mon 24, Mon 31, Tue 1, Wed 2 Feb.
    text = file_text("2028-01-20T10:00:00", "Asia/Shanghai", "CN")
    when, reason = check_in_1(text)
    assert when == day("Fri 2028-02-04")
    # The weekend inside the week is named as part of it, as Japan's 2-3 Jan are.
    assert f"{SPRING_FESTIVAL} (Sat 29 Jan to Tue 1 Feb)" in reason
    when, _reason = check_in_1(text.replace('country = "CN"', 'country = "CN"\nclosures = false'))
    assert when == day("Wed 2028-02-02")


def first_check_in_of(data: bytes) -> tuple[dt.date, str]:
    """The date and description of the earliest check-in event in iCalendar bytes."""
    found = [
        (event.decoded("DTSTART"), str(event.get("DESCRIPTION")))
        for event in Calendar.from_ical(data).walk("VEVENT")
        if "check-in" in str(event.get("CATEGORIES").to_ical(), "utf-8")
    ]
    return min(found)


def test_plan_command_skips_the_spring_festival_week(plan_ics: PlanIcs, tmp_path: Path) -> None:
    """afterview plan puts the first check-in after the week and says why in the event."""
    # As above: Mon 1 Feb 2027 -> Tue 16 Feb with the closure, Fri 12 Feb without.
    source = tmp_path / "shanghai.toml"
    source.write_text(file_text("2027-02-01T10:00:00", "Asia/Shanghai", "CN"), encoding="utf-8")
    when, description = first_check_in_of(plan_ics(source))
    assert when == day("Tue 2027-02-16")
    assert f"{SPRING_FESTIVAL} (Thu 11 Feb to Fri 12 Feb)" in " ".join(description.split())
    source.write_text(
        file_text("2027-02-01T10:00:00", "Asia/Shanghai", "CN", "closures = false"),
        encoding="utf-8",
    )
    when, description = first_check_in_of(plan_ics(source))
    assert when == day("Fri 2027-02-12")
    assert SPRING_FESTIVAL not in description
