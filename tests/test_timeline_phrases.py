"""Recruiters' everyday phrases, yearless dates and numeric dates, read against a real calendar.

Every expected date was worked out by hand (weekdays with Python's datetime, public
holidays from the holidays library 0.109): Thanksgiving 2026 is Thu 26 Nov, Christmas
Day Fri 25 Dec, Saint Andrew's Day in Scotland is moved to Mon 30 Nov 2026.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afterview.core.timeline import resolve
from afterview.errors import TimelineError
from realcalendar import day, place

WED = "Wed 2026-11-25"


def said(phrase: str, interview: str = WED, where: str = "US") -> dt.date | None:
    """S for ``phrase`` said at an interview on ``interview`` with an employer in ``where``."""
    return resolve(phrase, day(interview), place(where)).date


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        pytest.param("a couple of weeks", "Wed 2026-12-09", id="a-couple-of-weeks"),
        pytest.param("within a couple of weeks", "Wed 2026-12-09", id="within-a-couple"),
        pytest.param("a week or two", "Wed 2026-12-09", id="a-week-or-two"),
        pytest.param("one to two weeks", "Wed 2026-12-09", id="one-to-two-weeks"),
        pytest.param("2-3 weeks", "Wed 2026-12-16", id="2-3-weeks"),
        pytest.param("this Friday", "Fri 2026-11-27", id="this-friday"),
        pytest.param("early next week", "Wed 2026-12-02", id="early-next-week-far-end"),
        pytest.param("tomorrow", "Thu 2026-11-26", id="tomorrow-is-thanksgiving"),
        pytest.param("within 48 hours", "Fri 2026-11-27", id="within-48-hours"),
        pytest.param("24 hours", "Thu 2026-11-26", id="24-hours"),
        pytest.param("3-5 business days", "Thu 2026-12-03", id="3-5-business-days"),
        pytest.param("mid December", "Sun 2026-12-20", id="mid-december"),
        pytest.param("mid-December", "Sun 2026-12-20", id="mid-hyphen-december"),
        pytest.param("early December", "Thu 2026-12-10", id="early-december"),
        pytest.param("end of December", "Thu 2026-12-31", id="end-of-december"),
        pytest.param("end of next week", "Fri 2026-12-04", id="end-of-next-week"),
        pytest.param("by the end of this month", "Mon 2026-11-30", id="end-of-this-month"),
        pytest.param("end of week", "Fri 2026-11-27", id="end-of-week"),
        pytest.param("by end of day Friday", "Fri 2026-11-27", id="end-of-day-friday"),
        pytest.param("end of day tomorrow", "Thu 2026-11-26", id="end-of-day-tomorrow"),
        pytest.param("after Thanksgiving", "Fri 2026-11-27", id="after-thanksgiving"),
        pytest.param("before Christmas", "Thu 2026-12-24", id="before-christmas"),
        pytest.param("12/4", "Fri 2026-12-04", id="us-month-first"),
    ],
)
def test_recruiter_phrases_are_read(phrase: str, expected: str) -> None:
    """Each common recruiter phrase gives one date, ranges at their far end."""
    assert said(phrase) == day(expected)


def test_hours_count_from_the_end_of_the_interview() -> None:
    """Within 36 hours of an interview ending at 16:00 on Wednesday runs to Friday 04:00."""
    end = dt.datetime(2026, 11, 25, 16, 0)
    decision = resolve("within 36 hours", day(WED), place("US"), end)
    assert decision.date == day("Fri 2026-11-27")


def test_this_friday_on_a_friday_is_that_day() -> None:
    """ "This Friday" said on a Friday is that Friday, unlike plain "Friday"."""
    assert said("this Friday", "Fri 2026-11-27") == day("Fri 2026-11-27")
    assert said("Friday", "Fri 2026-11-27") == day("Fri 2026-12-04")


def test_a_range_says_how_it_was_read() -> None:
    """A range is shown back with the note that its far end was used."""
    decision = resolve("a week or two", day(WED), place("US"))
    assert "far end" in decision.describe()


def test_holiday_phrase_names_the_holiday() -> None:
    """After Thanksgiving is shown with the holiday it was counted from."""
    decision = resolve("after Thanksgiving", day(WED), place("US"))
    assert "Thanksgiving Day (Thu 26 Nov)" in decision.describe()


def test_unknown_holiday_is_refused() -> None:
    """A holiday the employer's country does not have is refused, not guessed."""
    with pytest.raises(TimelineError, match="no public holiday called 'thanksgiving'"):
        resolve("after Thanksgiving", day("Wed 2026-11-18"), place("GB-SCT"))


@pytest.mark.parametrize(
    ("phrase", "where", "expected", "order"),
    [
        pytest.param("12/4", "US", "Fri 2026-12-04", "month/day", id="us"),
        pytest.param("4/12", "GB-ENG", "Fri 2026-12-04", "day/month", id="gb"),
        pytest.param("4.12", "DE", "Fri 2026-12-04", "day/month", id="de-dots"),
        pytest.param("4/12/2026", "FR", "Fri 2026-12-04", "day/month", id="fr-with-year"),
    ],
)
def test_numeric_dates_follow_the_country(
    phrase: str, where: str, expected: str, order: str
) -> None:
    """A numeric date is read in the employer's country's order, and says which it used."""
    decision = resolve(phrase, day(WED), place(where))
    assert decision.date == day(expected)
    assert order in decision.describe()


def test_numeric_date_in_a_country_of_both_orders_is_refused() -> None:
    """12/4 in Canada could be either order and is refused with a dated example."""
    with pytest.raises(TimelineError, match="day/month or month/day") as caught:
        resolve("12/4", day(WED), place("CA"))
    assert "Dec 2" in str(caught.value)


def test_day_month_order_can_put_a_numeric_date_too_far() -> None:
    """12/4 in Germany is 12 April, more than three months on, so the year is asked for."""
    with pytest.raises(TimelineError, match="write the year"):
        resolve("12/4", day(WED), place("DE"))


@pytest.mark.parametrize(
    ("phrase", "interview", "expected"),
    [
        pytest.param("Jan 5", "Tue 2026-12-15", "Tue 2027-01-05", id="january-after-december"),
        pytest.param("4th December", "Wed 2026-11-25", "Fri 2026-12-04", id="4th-december"),
        pytest.param("Feb 29", "Mon 2027-12-20", "Tue 2028-02-29", id="feb-29-next-leap-year"),
    ],
)
def test_yearless_dates_take_the_nearest_year(phrase: str, interview: str, expected: str) -> None:
    """A date without a year is the nearest such date, when it is on or after the interview."""
    assert said(phrase, interview) == day(expected)


@pytest.mark.parametrize(
    ("phrase", "interview"),
    [
        pytest.param("Nov 20", "Tue 2026-12-01", id="nov-20-after-the-fact"),
        pytest.param("4th December", "Sun 2026-12-20", id="4th-december-passed"),
        pytest.param("Feb 29", "Sun 2028-03-05", id="feb-29-just-passed"),
        pytest.param("mid November", WED, id="mid-november-passed"),
    ],
)
def test_yearless_date_before_the_interview_is_refused(phrase: str, interview: str) -> None:
    """A date without a year that has just passed is an error, not next year's date."""
    with pytest.raises(TimelineError, match="before the interview"):
        resolve(phrase, day(interview), place("US"))


@pytest.mark.parametrize(
    ("phrase", "interview"),
    [
        pytest.param("March 3", WED, id="march-over-three-months"),
        pytest.param("Feb 29", "Tue 2026-01-20", id="feb-29-two-years-off"),
    ],
)
def test_yearless_date_far_ahead_asks_for_the_year(phrase: str, interview: str) -> None:
    """A yearless date more than three months after the interview asks for the year."""
    with pytest.raises(TimelineError, match="write the year"):
        resolve(phrase, day(interview), place("US"))


def test_year_is_shown_when_it_is_not_the_interviews() -> None:
    """A decision in the next year shows its year; one in the same year does not."""
    later = resolve("Jan 5", day("Tue 2026-12-15"), place("US"))
    assert "(Tue 5 Jan 2027)" in later.describe()
    same = resolve("Dec 18", day("Tue 2026-12-15"), place("US"))
    assert "(Fri 18 Dec)" in same.describe()


def test_refusal_examples_come_after_the_interview() -> None:
    """The example dates in a refusal are a week after the interview, not fixed ones."""
    with pytest.raises(TimelineError) as caught:
        resolve("soon", day("Mon 2027-03-01"), place("US"))
    message = str(caught.value)
    assert "2027-03-08" in message
    assert "Mar 8" in message
    assert "2026-12-04" not in message


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param("next Friday", id="next-friday"),
        pytest.param("a few weeks", id="a-few-weeks"),
        pytest.param("2-1 weeks", id="range-backwards"),
    ],
)
def test_ambiguous_phrases_stay_refused(phrase: str) -> None:
    """Phrases with two readings are refused."""
    with pytest.raises(TimelineError):
        resolve(phrase, day(WED), place("US"))


@settings(max_examples=200, deadline=None)
@given(
    interview=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2030, 12, 31)),
    month=st.integers(min_value=1, max_value=12),
    number=st.integers(min_value=1, max_value=31),
)
def test_yearless_dates_are_refused_or_within_three_months(
    interview: dt.date, month: int, number: int
) -> None:
    """A date without a year is refused, or lands from the interview to 92 days after it."""
    phrase = f"{dt.date(2024, month, 1):%b} {number}"
    try:
        found = resolve(phrase, interview, place("GB-ENG")).date
    except TimelineError:
        return
    assert found is not None
    assert (found.month, found.day) == (month, number)
    assert interview <= found <= interview + dt.timedelta(days=92)


def test_decision_of_the_wrong_type_gives_an_example_after_the_interview() -> None:
    """decision = 3 in a file for Mon 1 Mar 2027 suggests 2027-03-08, not a fixed date."""
    from afterview.errors import InterviewError
    from afterview.formats.interviewfile import parse_interview

    text = (
        'company = "Acme"\nrole = "Analyst"\nstart = 2027-03-01T10:00:00\n'
        'timezone = "Europe/London"\ncountry = "GB"\ndecision = 3\n'
        '[[interviewers]]\nname = "Ana Ruiz"\nemail = "ana.ruiz@acme.example"\n'
    )
    with pytest.raises(InterviewError, match="2027-03-08"):
        parse_interview(text, "test")
