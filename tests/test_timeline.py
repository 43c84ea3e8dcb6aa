"""What the interviewer said about the timeline, resolved to a decision date S.

The phrases and their readings come from POLICIES.md ("Phrases an interviewer says about
the timeline" and "Readings where the table leaves room"). Every expected date was checked
by hand against a printed calendar and the holidays library's listing (holidays 0.109).
"""

from __future__ import annotations

import datetime as dt

import pytest

from afterview.core.timeline import resolve
from afterview.errors import TimelineError
from realcalendar import day, place

# The day before Thanksgiving: most cases are resolved against this interview in the US.
WED = "Wed 2026-11-25"


def resolved(phrase: str, interview: str = WED, where: str = "US") -> dt.date | None:
    """The decision date S for ``phrase`` said at an interview on ``interview``."""
    return resolve(phrase, day(interview), place(where)).date


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        pytest.param("2026-12-04", "Fri 2026-12-04", id="iso"),
        pytest.param("by 2026-12-04", "Fri 2026-12-04", id="by-iso"),
        pytest.param("2026-11-25", "Wed 2026-11-25", id="iso-same-day-as-interview"),
        pytest.param("2027-01-05", "Tue 2027-01-05", id="iso-next-year"),
        pytest.param("Dec 4", "Fri 2026-12-04", id="dec-4"),
        pytest.param("Dec 4th", "Fri 2026-12-04", id="dec-4th"),
        pytest.param("December 4", "Fri 2026-12-04", id="december-4"),
        pytest.param("December 4th", "Fri 2026-12-04", id="december-4th"),
        pytest.param("4 December", "Fri 2026-12-04", id="4-december"),
        pytest.param("4th December", "Fri 2026-12-04", id="4th-december"),
        pytest.param("4 Dec", "Fri 2026-12-04", id="4-dec"),
        pytest.param("by December 4th", "Fri 2026-12-04", id="by-december-4th"),
        pytest.param("1st December", "Tue 2026-12-01", id="1st"),
        pytest.param("Dec 2nd", "Wed 2026-12-02", id="2nd"),
        pytest.param("3rd December", "Thu 2026-12-03", id="3rd"),
        pytest.param("December 22nd", "Tue 2026-12-22", id="22nd"),
        pytest.param("Dec 5", "Sat 2026-12-05", id="weekend-date-is-kept"),
        pytest.param("Nov 25", "Wed 2026-11-25", id="no-year-same-day-this-year"),
        pytest.param("Jan 5", "Tue 2027-01-05", id="no-year-january-next-year"),
    ],
)
def test_dates(phrase: str, expected: str) -> None:
    """A date is that date; without a year, the one nearest the interview, on or after it."""
    assert resolved(phrase) == day(expected)


@pytest.mark.parametrize(
    ("phrase", "interview", "expected"),
    [
        pytest.param("by Friday", WED, "Fri 2026-11-27", id="by-friday"),
        pytest.param("Friday", WED, "Fri 2026-11-27", id="friday"),
        pytest.param("by Friday", "Fri 2026-11-27", "Fri 2026-12-04", id="friday-on-a-friday"),
        pytest.param("Friday", "Sat 2026-11-28", "Fri 2026-12-04", id="friday-on-a-saturday"),
        pytest.param("Monday", WED, "Mon 2026-11-30", id="monday"),
        pytest.param("by Tuesday", WED, "Tue 2026-12-01", id="tuesday"),
        pytest.param("Wednesday", WED, "Wed 2026-12-02", id="same-weekday-is-next-week"),
        pytest.param("by Thursday", WED, "Thu 2026-11-26", id="thursday-is-thanksgiving"),
        pytest.param("Saturday", WED, "Sat 2026-11-28", id="saturday"),
        pytest.param("by Sunday", WED, "Sun 2026-11-29", id="sunday"),
        pytest.param("by Friday", "Mon 2026-12-21", "Fri 2026-12-25", id="friday-is-christmas"),
    ],
)
def test_weekday_names(phrase: str, interview: str, expected: str) -> None:
    """A weekday name is the first such day strictly after the interview, as it is."""
    assert resolved(phrase, interview) == day(expected)


@pytest.mark.parametrize(
    ("phrase", "where", "interview", "expected"),
    [
        pytest.param("end of the week", "US", WED, "Fri 2026-11-27", id="us-wednesday"),
        pytest.param("this week", "US", WED, "Fri 2026-11-27", id="us-this-week"),
        pytest.param("by the end of the week", "US", WED, "Fri 2026-11-27", id="us-by-the-end"),
        pytest.param("end of the week", "US", "Fri 2026-11-27", "Fri 2026-11-27", id="us-friday"),
        pytest.param("end of the week", "US", "Sat 2026-11-28", "Sat 2026-11-28", id="us-sat-is-i"),
        pytest.param("this week", "US", "Sun 2026-11-29", "Sun 2026-11-29", id="us-sunday-is-i"),
        pytest.param("end of the week", "US", "Mon 2026-12-21", "Thu 2026-12-24", id="us-xmas"),
        pytest.param("this week", "GB-ENG", "Mon 2026-12-21", "Thu 2026-12-24", id="eng-xmas"),
        pytest.param("end of the week", "SA", "Mon 2026-09-14", "Thu 2026-09-17", id="sa-monday"),
        pytest.param("this week", "SA", "Sun 2026-09-20", "Thu 2026-09-24", id="sa-sunday"),
        pytest.param("this week", "SA", "Mon 2026-09-21", "Thu 2026-09-24", id="sa-national-day"),
        pytest.param("end of the week", "SA", "Sat 2026-09-19", "Sat 2026-09-19", id="sa-sat-is-i"),
        pytest.param("end of the week", "CN", "Mon 2026-02-09", "Sat 2026-02-14", id="cn-makeup"),
        pytest.param("this week", "CN", "Mon 2026-09-14", "Sun 2026-09-20", id="cn-makeup-sunday"),
    ],
)
def test_end_of_the_week(phrase: str, where: str, interview: str, expected: str) -> None:
    """The end of the week is the last business day on or before the country's weekend end."""
    assert resolved(phrase, interview, where) == day(expected)


@pytest.mark.parametrize(
    ("phrase", "where", "interview", "expected"),
    [
        pytest.param("next week", "US", WED, "Fri 2026-12-04", id="us-wednesday"),
        pytest.param("end of next week", "US", WED, "Fri 2026-12-04", id="us-end-of-next-week"),
        pytest.param("by the end of next week", "US", WED, "Fri 2026-12-04", id="us-by-the-end"),
        pytest.param("next week", "US", "Sat 2026-11-28", "Fri 2026-12-04", id="us-saturday"),
        pytest.param("next week", "US", "Sun 2026-11-29", "Fri 2026-12-04", id="us-sunday"),
        pytest.param("next week", "US", "Mon 2026-12-14", "Thu 2026-12-24", id="us-xmas"),
        pytest.param("next week", "US", "Mon 2027-12-20", "Thu 2027-12-30", id="us-new-year-2028"),
        pytest.param("next week", "GB-ENG", "Mon 2026-12-21", "Thu 2026-12-31", id="eng-new-year"),
        pytest.param("next week", "SA", "Mon 2026-09-14", "Thu 2026-09-24", id="sa-monday"),
        pytest.param("next week", "SA", "Sat 2026-09-19", "Thu 2026-09-24", id="sa-saturday"),
    ],
)
def test_next_week(phrase: str, where: str, interview: str, expected: str) -> None:
    """Next week is the last business day of the week after the interview's week."""
    assert resolved(phrase, interview, where) == day(expected)


def test_weeks_use_the_employers_days_not_blackouts() -> None:
    """A blackout on the Friday does not move "end of the week" or "next week"."""
    cal = place("US", blackout=(day("Fri 2026-11-27"), day("Fri 2026-12-04")))
    assert resolve("end of the week", day(WED), cal).date == day("Fri 2026-11-27")
    assert resolve("next week", day(WED), cal).date == day("Fri 2026-12-04")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        pytest.param("in 10 days", "Sat 2026-12-05", id="in-10-days"),
        pytest.param("within 3 days", "Sat 2026-11-28", id="within-3-days"),
        pytest.param("5 days", "Mon 2026-11-30", id="bare-5-days"),
        pytest.param("in ten days", "Sat 2026-12-05", id="in-ten-days"),
        pytest.param("within twelve days", "Mon 2026-12-07", id="twelve-in-words"),
        pytest.param("in 1 day", "Thu 2026-11-26", id="in-1-day"),
        pytest.param("in a day", "Thu 2026-11-26", id="a-means-one"),
        pytest.param("within 365 days", "Thu 2027-11-25", id="365-days-is-the-limit"),
    ],
)
def test_calendar_days(phrase: str, expected: str) -> None:
    """In N days is the interview date plus N calendar days, holiday or not."""
    assert resolved(phrase) == day(expected)


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param("a few days", id="a-few-days"),
        pytest.param("in a few days", id="in-a-few-days"),
        pytest.param("within a few days", id="within-a-few-days"),
        pytest.param("a couple of days", id="a-couple-of-days"),
        pytest.param("in a couple of days", id="in-a-couple-of-days"),
    ],
)
def test_a_few_days(phrase: str) -> None:
    """A few days is the interview date plus 3 days, and the decision remembers it."""
    decision = resolve(phrase, day(WED), place("US"))
    assert decision.date == day("Sat 2026-11-28")
    assert decision.few_days is True


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param("in 3 days", id="in-3-days"),
        pytest.param("by Friday", id="by-friday"),
        pytest.param("two weeks", id="two-weeks"),
        pytest.param("3 business days", id="business-days"),
        pytest.param("end of the week", id="end-of-the-week"),
    ],
)
def test_other_phrases_are_not_a_few_days(phrase: str) -> None:
    """Only "a few days" and "a couple of days" set few_days."""
    assert resolve(phrase, day(WED), place("US")).few_days is False


@pytest.mark.parametrize(
    ("phrase", "where", "interview", "expected"),
    [
        pytest.param("3 business days", "US", WED, "Tue 2026-12-01", id="us-3-business-days"),
        pytest.param("within 5 working days", "US", WED, "Thu 2026-12-03", id="us-5-working"),
        pytest.param("in two business days", "US", WED, "Mon 2026-11-30", id="us-two-in-words"),
        pytest.param("1 business day", "US", WED, "Fri 2026-11-27", id="us-1-business-day"),
        pytest.param("ten working days", "US", WED, "Thu 2026-12-10", id="us-ten-working"),
        pytest.param("2 business days", "SA", "Tue 2026-09-22", "Sun 2026-09-27", id="sa-2"),
        pytest.param("3 working days", "GB-ENG", "Wed 2026-12-23", "Wed 2026-12-30", id="eng-3"),
    ],
)
def test_business_days(phrase: str, where: str, interview: str, expected: str) -> None:
    """N business days (or working days) is bd(I, N) on the employer's calendar."""
    assert resolved(phrase, interview, where) == day(expected)


def test_business_days_ignore_blackouts() -> None:
    """Business days in a phrase are the employer's, so the user's blackouts do not count."""
    cal = place("US", blackout=(day("Fri 2026-11-27"), day("Mon 2026-11-30")))
    assert resolve("3 business days", day(WED), cal).date == day("Tue 2026-12-01")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        pytest.param("two weeks", "Wed 2026-12-09", id="two-weeks"),
        pytest.param("2 weeks", "Wed 2026-12-09", id="2-weeks"),
        pytest.param("within two weeks", "Wed 2026-12-09", id="within-two-weeks"),
        pytest.param("in 3 weeks", "Wed 2026-12-16", id="in-3-weeks"),
        pytest.param("a fortnight", "Wed 2026-12-09", id="a-fortnight"),
        pytest.param("within a fortnight", "Wed 2026-12-09", id="within-a-fortnight"),
        pytest.param("a week", "Wed 2026-12-02", id="a-week"),
        pytest.param("within a week", "Wed 2026-12-02", id="within-a-week"),
        pytest.param("twelve weeks", "Wed 2027-02-17", id="twelve-weeks"),
        pytest.param("52 weeks", "Wed 2027-11-24", id="52-weeks-is-the-limit"),
    ],
)
def test_weeks(phrase: str, expected: str) -> None:
    """N weeks is the interview date plus N weeks."""
    assert resolved(phrase) == day(expected)


@pytest.mark.parametrize(
    ("phrase", "where", "interview", "expected"),
    [
        pytest.param("end of the month", "US", WED, "Mon 2026-11-30", id="us-november"),
        pytest.param("by the end of the month", "US", WED, "Mon 2026-11-30", id="us-by-the-end"),
        pytest.param("end of the month", "US", "Thu 2026-10-15", "Fri 2026-10-30", id="us-sat-31"),
        pytest.param("end of the month", "GB-ENG", "Mon 2026-12-14", "Thu 2026-12-31", id="eng"),
        pytest.param("end of the month", "US", "Mon 2027-12-13", "Thu 2027-12-30", id="us-nyd-obs"),
        pytest.param("end of the month", "US", "Mon 2026-08-03", "Mon 2026-08-31", id="us-august"),
        pytest.param("end of the month", "GB-ENG", "Mon 2026-08-03", "Fri 2026-08-28", id="eng-8"),
        pytest.param("end of the month", "SA", "Sun 2026-10-04", "Thu 2026-10-29", id="sa-october"),
    ],
)
def test_end_of_the_month(phrase: str, where: str, interview: str, expected: str) -> None:
    """The end of the month is the last business day of the interview's month."""
    assert resolved(phrase, interview, where) == day(expected)


def test_end_of_the_month_ignores_blackouts() -> None:
    """A blackout on the month's last business day does not move "end of the month"."""
    cal = place("US", blackout=(day("Mon 2026-11-30"),))
    assert resolve("end of the month", day(WED), cal).date == day("Mon 2026-11-30")


@pytest.mark.parametrize(
    ("phrase", "interview", "expected"),
    [
        pytest.param("a month", WED, "Fri 2026-12-25", id="a-month-lands-on-christmas"),
        pytest.param("within a month", WED, "Fri 2026-12-25", id="within-a-month"),
        pytest.param("2 months", WED, "Mon 2027-01-25", id="2-months"),
        pytest.param("in three months", WED, "Thu 2027-02-25", id="three-months"),
        pytest.param("twelve months", WED, "Thu 2027-11-25", id="twelve-months"),
        pytest.param("12 months", WED, "Thu 2027-11-25", id="12-months-is-the-limit"),
        pytest.param("a month", "Sat 2026-01-31", "Sat 2026-02-28", id="short-month-clamps"),
    ],
)
def test_months(phrase: str, interview: str, expected: str) -> None:
    """N months is the interview date plus N calendar months."""
    assert resolved(phrase, interview) == day(expected)


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param(None, id="none"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("no timeline", id="no-timeline"),
        pytest.param("No timeline.", id="no-timeline-capitalised"),
        pytest.param("not sure", id="not-sure"),
        pytest.param("  Not  sure. ", id="not-sure-spaced"),
    ],
)
def test_no_timeline_is_unknown(phrase: str | None) -> None:
    """No phrase, "no timeline" or "not sure" leave the decision date unknown."""
    decision = resolve(phrase, day(WED), place("US"))
    assert decision.date is None
    assert decision.few_days is False


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        pytest.param("BY FRIDAY", "Fri 2026-11-27", id="upper-case"),
        pytest.param("  by   Friday  ", "Fri 2026-11-27", id="extra-spaces"),
        pytest.param("By Friday.", "Fri 2026-11-27", id="full-stop"),
        pytest.param("Within Two Weeks.", "Wed 2026-12-09", id="title-case-two-weeks"),
        pytest.param("by the end of the month.", "Mon 2026-11-30", id="end-of-month-full-stop"),
        pytest.param("IN 10 DAYS", "Sat 2026-12-05", id="upper-case-days"),
        pytest.param("End Of The Week", "Fri 2026-11-27", id="title-case-week"),
        pytest.param("by dec 4", "Fri 2026-12-04", id="lower-case-month"),
        pytest.param("in  a   fortnight .", "Wed 2026-12-09", id="spaces-before-full-stop"),
    ],
)
def test_case_spaces_and_full_stop_are_ignored(phrase: str, expected: str) -> None:
    """Case, extra spaces and a final full stop do not change the reading."""
    assert resolved(phrase) == day(expected)


def test_spaced_couple_of_days_is_still_a_few_days() -> None:
    """Extra spaces and a full stop do not hide "a couple of days"."""
    decision = resolve("  A   couple of  days. ", day(WED), place("US"))
    assert decision.date == day("Sat 2026-11-28")
    assert decision.few_days is True


def test_decision_keeps_what_they_said() -> None:
    """The decision keeps the phrase, so it can be shown back with the date chosen."""
    decision = resolve("by Friday", day(WED), place("US"))
    assert decision.phrase == "by Friday"
    assert decision.date == day("Fri 2026-11-27")


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param("soon", id="soon"),
        pytest.param("ASAP", id="asap"),
        pytest.param("in 400 days", id="400-days"),
        pytest.param("in 366 days", id="366-days"),
        pytest.param("53 weeks", id="53-weeks"),
        pytest.param("13 months", id="13-months"),
        pytest.param("in thirteen days", id="thirteen-in-words"),
        pytest.param("in -3 days", id="negative"),
        pytest.param("end of the year", id="end-of-the-year"),
        pytest.param("Friday week", id="friday-week"),
        pytest.param("xq zzv plonk", id="gibberish"),
    ],
)
def test_unreadable_phrases_are_refused_with_the_forms(phrase: str) -> None:
    """A phrase outside the table is refused, and the message lists the accepted forms."""
    with pytest.raises(TimelineError) as caught:
        resolve(phrase, day(WED), place("US"))
    message = str(caught.value)
    assert "by Friday" in message
    assert "two weeks" in message


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param("2026-13-45", id="iso-month-13"),
        pytest.param("2027-02-30", id="iso-february-30"),
        pytest.param("Dec 32", id="december-32"),
        pytest.param("February 30th", id="february-30th"),
    ],
)
def test_impossible_dates_are_refused(phrase: str) -> None:
    """A date that does not exist is refused, not guessed."""
    with pytest.raises(TimelineError):
        resolve(phrase, day(WED), place("US"))


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param("next Friday", id="next-friday"),
        pytest.param("by next Friday.", id="by-next-friday"),
        pytest.param("Next Monday", id="next-monday"),
    ],
)
def test_next_weekday_asks_for_a_date(phrase: str) -> None:
    """Next Friday is ambiguous and refused with a message asking for the date."""
    with pytest.raises(TimelineError) as caught:
        resolve(phrase, day(WED), place("US"))
    assert "date" in str(caught.value).lower()


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param("2026-11-24", id="day-before"),
        pytest.param("by 2026-01-01", id="months-before"),
    ],
)
def test_iso_date_before_the_interview_is_refused(phrase: str) -> None:
    """A stated date earlier than the interview is refused."""
    with pytest.raises(TimelineError):
        resolve(phrase, day(WED), place("US"))
