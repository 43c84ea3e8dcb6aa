"""Dates a user can trust: days off named honestly, warnings about odd interview times,
three-strikes' order, and split or shifted working weeks.

Expected dates were worked out by hand with Python's datetime for weekdays and the
holidays library 0.109 for public holidays (Saint Andrew's Day, Mon 30 Nov 2026 in
Scotland; Thanksgiving Day, Thu 26 Nov 2026 in the US; Brunei rests Friday and Sunday).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from freezegun import freeze_time

from afterview.core.timeline import resolve
from afterview.model import Interview, Interviewer
from afterview.policies import plan_interview
from realcalendar import day, place

RunCli = Callable[..., Result]
INVITES = Path(__file__).parent / "invites"
MOIRA = Interviewer("Moira Fraser", email="moira.fraser@glenlochy.example", contact=True)


def interview(
    country: str,
    subdivision: str | None,
    start: dt.datetime,
    policy: str = "standard",
    decision: str | None = None,
    zone: str = "Europe/London",
) -> Interview:
    """A one-hour interview with Moira at ``start``."""
    return Interview(
        company="Glenlochy Distillers",
        role="Supply Planner",
        start=start,
        end=start + dt.timedelta(hours=1),
        timezone=zone,
        country=country,
        subdivision=subdivision,
        interviewers=(MOIRA,),
        policy=policy,
        decision=decision,
    )


def test_decision_on_st_andrews_day_is_named_in_reasons_and_drafts() -> None:
    """A decision date on Saint Andrew's Day says so, and the check-in is the next business day."""
    # I = Fri 20 Nov 2026 in Scotland; S = "Nov 30" = Mon 30 Nov, Saint Andrew's Day.
    # standard: check-in 1 = bd(S, 1) = Tue 1 Dec.
    made = plan_interview(
        interview("GB", "SCT", dt.datetime(2026, 11, 20, 10, 0), decision="Nov 30")
    )
    first = next(f for f in made.followups if f.label == "check-in-1")
    assert first.date == day("Tue 2026-12-01")
    assert "Mon 30 Nov, Saint Andrew's Day, a public holiday in Scotland" in first.reason
    assert first.draft is not None
    assert "Monday 30 November (Saint Andrew's Day, a public holiday in Scotland)" in (
        first.draft.body
    )
    off = place("GB-SCT")
    assert all(off.is_business_day(f.date) for f in made.followups if f.start is None), (
        "an all-day step landed on a day off"
    )


def test_decision_on_thanksgiving_under_three_strikes_keeps_the_thank_you_first() -> None:
    """Under three-strikes, a decision promised for Thanksgiving gets the thank-you before it."""
    # I = Mon 23 Nov 2026 in New York; S = "by Thursday" = Thu 26 Nov, Thanksgiving Day.
    # bd(I, 3) = Tue 24, Wed 25, (Thu 26 Thanksgiving), Fri 27 is after S: the last
    # business day on or before S is Wed 25 Nov. Check-in 2 = bd(S, 1) = Fri 27 Nov, but
    # no sooner than bd(Wed 25, 3) = Fri 27, Mon 30, Tue 1 Dec. Check-in 3 = bd(Tue 1 Dec, 3)
    # = Fri 4 Dec; move on = bd(Fri 4 Dec, 3) = Wed 9 Dec.
    made = plan_interview(
        interview(
            "US",
            "NY",
            dt.datetime(2026, 11, 23, 14, 0),
            "three-strikes",
            "by Thursday",
            "America/New_York",
        )
    )
    dates = [(f.label, f.date) for f in made.followups]
    assert dates == [
        ("thank-you", day("Wed 2026-11-25")),
        ("check-in-2", day("Tue 2026-12-01")),
        ("check-in-3", day("Fri 2026-12-04")),
        ("move-on", day("Wed 2026-12-09")),
    ]
    thanks = made.followups[0]
    assert "no later than the date they gave" in thanks.reason
    assert "Thanksgiving Day, a public holiday in New York" in thanks.reason
    assert thanks.draft is not None and "decision" not in thanks.draft.body


@pytest.mark.parametrize(
    "phrase", ["tomorrow", "by Friday", "3 business days", "a week or two", "Dec 4"]
)
def test_three_strikes_thank_you_never_comes_after_their_date(phrase: str) -> None:
    """Whatever date they gave, the three-strikes thank-you is not later than it."""
    made = plan_interview(
        interview(
            "US",
            "NY",
            dt.datetime(2026, 11, 30, 9, 0),
            "three-strikes",
            phrase,
            "America/New_York",
        )
    )
    thanks = next(f for f in made.followups if f.step == "thank-you")
    assert made.decision.date is not None
    assert thanks.date <= max(made.decision.date, made.interview.day)
    later = [f.date for f in made.followups if f.step == "check-in"]
    assert all(d > made.decision.date for d in later[:1])


@freeze_time("2026-11-20")
def test_interview_on_thanksgiving_warns_in_one_line(run_cli: RunCli) -> None:
    """A Google Calendar invitation for Thanksgiving Day plans, with one warning line."""
    result = run_cli(
        "show",
        INVITES / "thanksgiving-google.ics",
        "--me",
        "jordan.kim@example.com",
        "--country",
        "US",
        "--subdivision",
        "NY",
        "--role",
        "Logistics Analyst",
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "Thanksgiving Day" in line]
    assert lines == [
        "warning: the interview on Thu 26 Nov 2026 falls on Thanksgiving Day, a public "
        "holiday in New York: check the date"
    ]


@freeze_time("2026-10-20")
def test_interview_in_the_repeated_hour_warns(run_cli: RunCli) -> None:
    """An Apple iCal invitation at 01:30 on the night clocks go back warns of the repeated hour."""
    # Sun 1 Nov 2026, New York: 01:00-02:00 happens twice; it is also a weekend day.
    result = run_cli(
        "show",
        INVITES / "dst-fold-apple.ics",
        "--me",
        "jordan.kim@example.com",
        "--country",
        "US",
        "--subdivision",
        "NY",
        "--role",
        "Night Operations Lead",
    )
    assert result.exit_code == 0, result.output
    assert "happens twice in America/New_York" in result.stderr
    assert "falls on a weekend day in New York" in result.stderr
    assert "Traceback" not in result.output


def test_interview_in_the_skipped_hour_warns() -> None:
    """02:30 on Sun 8 Mar 2026 does not exist in New York, and the plan says so."""
    made = plan_interview(
        interview("US", "NY", dt.datetime(2026, 3, 8, 2, 30), zone="America/New_York")
    )
    assert any("the clocks skip in America/New_York" in w for w in made.warnings)


def test_ordinary_interview_has_no_day_or_clock_warning() -> None:
    """A Tuesday morning interview gets no day-off or daylight saving warning."""
    made = plan_interview(
        interview("US", "NY", dt.datetime(2026, 12, 1, 10, 0), zone="America/New_York")
    )
    assert not [w for w in made.warnings if "the interview" in w]


@pytest.mark.parametrize(
    ("phrase", "interview_day", "expected"),
    [
        # Brunei rests Friday and Sunday; Saturday is a working day.
        pytest.param("end of the week", "Mon 2026-11-16", "Thu 2026-11-19", id="monday"),
        pytest.param("this week", "Sat 2026-11-14", "Thu 2026-11-19", id="saturday-starts-week"),
        pytest.param("next week", "Mon 2026-11-16", "Thu 2026-11-26", id="next-week"),
    ],
)
def test_brunei_week_runs_saturday_to_thursday(
    phrase: str, interview_day: str, expected: str
) -> None:
    """In Brunei a week's last working day is Thursday, and Saturday begins the next one."""
    assert resolve(phrase, day(interview_day), place("BN")).date == day(expected)


def test_make_up_days_widen_three_strikes_instead_of_refusing() -> None:
    """Azerbaijan's worked weekend of 28-29 Dec 2024 widens the spacing, with the reason."""
    # I = Wed 18 Dec 2024, Baku. Thank-you bd(I, 3) = Mon 23 Dec; check-in 2 bd(Mon 23, 3)
    # = Thu 26 Dec; check-in 3 bd(Thu 26, 3) = Fri 27, Sat 28 and Sun 29 (both worked,
    # for the days off of 30 Dec and 3 Jan) -> Sun 29 Dec, a third contact within 7 days
    # of Mon 23. It moves to roll(Mon 23 + 7 = Mon 30 Dec): 30 Dec and 3 Jan are days off,
    # 31 Dec and 1-2 Jan public holidays, 4-5 Jan the weekend -> Mon 6 Jan 2025.
    # Move on bd(Mon 6 Jan, 3) = Thu 9 Jan.
    made = plan_interview(
        interview("AZ", None, dt.datetime(2024, 12, 18, 10, 0), "three-strikes", zone="Asia/Baku")
    )
    dates = [(f.label, f.date) for f in made.followups]
    assert dates == [
        ("thank-you", day("Mon 2024-12-23")),
        ("check-in-2", day("Thu 2024-12-26")),
        ("check-in-3", day("Mon 2025-01-06")),
        ("move-on", day("Thu 2025-01-09")),
    ]
    third = made.followups[2]
    assert "no more than two contacts fall in one week" in third.reason
    assert "Sat 28 Dec, Sun 29 Dec are weekend days worked in Azerbaijan" in third.reason


@pytest.mark.parametrize("country", ["CN", "RU", "AZ", "BY", "UZ"])
@pytest.mark.parametrize("policy", ["standard", "three-strikes", "minimal", "deadline"])
def test_built_in_policies_plan_through_make_up_days(country: str, policy: str) -> None:
    """Every built-in policy plans every day of 2024-2025 in countries with make-up days."""
    start = dt.date(2024, 1, 1)
    for offset in range(0, 731, 3):
        when = dt.datetime.combine(start + dt.timedelta(days=offset), dt.time(10))
        made = plan_interview(interview(country, None, when, policy, zone="UTC"))
        assert made.followups


TEAMS = (
    "--me",
    "alex.morgan@example.com",
    "--country",
    "US",
    "--subdivision",
    "CA",
    "--policy",
    "deadline",
)


@freeze_time("2026-11-20")
def test_exchange_invite_with_a_passed_yearless_date_is_refused(run_cli: RunCli) -> None:
    """An Exchange 2010 invitation for Thu 3 Dec 2026 with "Nov 20" is refused in one line."""
    result = run_cli("show", INVITES / "teams.ics", *TEAMS, "--decision", "Nov 20")
    assert result.exit_code == 6
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "before the interview" in lines[0]


@freeze_time("2026-11-20")
def test_exchange_invite_with_next_years_date_shows_the_year(run_cli: RunCli) -> None:
    """A yearless "Jan 5" after a December interview is 2027, and the headline says so."""
    result = run_cli("show", INVITES / "teams.ics", *TEAMS, "--decision", "Jan 5")
    assert result.exit_code == 0, result.output
    assert "Decision expected: they said: 'Jan 5' (Tue 5 Jan 2027)" in result.stdout
