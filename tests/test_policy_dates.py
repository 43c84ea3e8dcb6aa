"""Every date of the five built-in policies, worked out by hand from real calendars.

The expected dates below were derived from POLICIES.md and from the holidays library's
lists (holidays 0.109), never from afterview's output. Calendars used:

US-NY 2026 (Sat-Sun weekend): Tue 3 Nov Election Day, Wed 11 Nov Veterans Day,
Thu 26 Nov Thanksgiving, Fri 25 Dec Christmas; Fri 27 Nov is *not* a holiday.
US-NY/US 2027: Fri 1 Jan New Year, Mon 18 Jan MLK Day.
GB-ENG (Sat-Sun): Fri 25 Dec 2026 Christmas, Sat 26 Dec Boxing Day observed Mon 28 Dec,
Fri 1 Jan 2027 New Year; nothing else until Good Friday 26 Mar 2027.
SA (Fri-Sat weekend): Wed 23 Sep 2026 National Day; nothing else until Feb 2027.
US federal 2027-28: Christmas Sat 25 Dec 2027 observed Fri 24 Dec, New Year Sat 1 Jan 2028
observed Fri 31 Dec 2027, Mon 17 Jan 2028 MLK Day, Mon 21 Feb 2028 Washington's Birthday.

Each plan is compared as rows (step, number, person, date); timed events separately.
Numbers count check-ins only (model.FollowUp): under three-strikes the first contact is the
thank-you, so it carries number 0 and the check-ins are numbers 2 and 3.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from afterview.errors import InterviewError, PolicyError, TimelineError
from afterview.model import FollowUp, Interview, Interviewer, Plan
from afterview.policies import plan_interview

Row = tuple[str, int, str | None, dt.date]
Timed = tuple[str, str | None, dt.datetime, int]

# People. Only the fields that matter for dates are set.
ANA = Interviewer(
    "Ana Ruiz",
    title="Engineering Manager",
    email="ana.ruiz@acme.example",
    linkedin="https://www.linkedin.com/in/ana-ruiz",
    topics=("data pipelines",),
)
BEN = Interviewer(
    "Ben Cho",
    email="ben.cho@acme.example",
    contact=True,
    linkedin="https://www.linkedin.com/in/ben-cho",
    linkedin_ok=False,  # declined: no LinkedIn request under any policy
)
CARA = Interviewer("Cara Diaz", email="cara.diaz@acme.example")  # no profile: no request
SAM = Interviewer(
    "Sam Lee", email="sam.lee@acme.example", linkedin="https://www.linkedin.com/in/sam-lee"
)
# For biweekly, which asks first: only DANA agreed.
DANA = Interviewer(
    "Dana Park",
    email="dana.park@acme.example",
    linkedin="https://www.linkedin.com/in/dana-park",
    linkedin_ok=True,
)
ELI = Interviewer(
    "Eli Novak", email="eli.novak@acme.example", linkedin="https://www.linkedin.com/in/eli-novak"
)
FAY = Interviewer(
    "Fay Okafor",
    email="fay.okafor@acme.example",
    linkedin="https://www.linkedin.com/in/fay-okafor",
    linkedin_ok=False,
)
GUS = Interviewer("Gus Berg", email="gus.berg@acme.example", linkedin_ok=True)  # no URL

PLACES = {
    "US-NY": ("US", "NY", "America/New_York"),
    "US": ("US", None, "America/Chicago"),
    "GB-ENG": ("GB", "ENG", "Europe/London"),
    "SA": ("SA", None, "Asia/Riyadh"),
}


def d(year: int, month: int, day: int) -> dt.date:
    """A date, shorter to read in the tables."""
    return dt.date(year, month, day)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    """A naive local date-time on ``day`` at ``hhmm``."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute))


def interview(
    place: str,
    day: dt.date,
    hours: str,
    policy: str,
    people: tuple[Interviewer, ...],
    decision: str | None = None,
    **extra: Any,
) -> Interview:
    """An interview at ``place`` on ``day`` during ``hours`` ("10:00-11:00")."""
    country, subdivision, timezone = PLACES[place]
    begin, end = hours.split("-")
    return Interview(
        company="Acme Analytics",
        role="Data Engineer",
        start=at(day, begin),
        end=at(day, end),
        timezone=timezone,
        country=country,
        subdivision=subdivision,
        interviewers=people,
        policy=policy,
        decision=decision,
        **extra,
    )


def each(step: str, people: tuple[Interviewer, ...], day: dt.date, number: int = 0) -> list[Row]:
    """One row per person: thank-yous and notes are personal (rule 5)."""
    return [(step, number, person.name, day) for person in people]


def row_key(row: Row) -> tuple[dt.date, str, int, str]:
    """Sort rows by date, then step, number and person."""
    step, number, name, day = row
    return (day, step, number, name or "")


def rows_of(plan: Plan) -> list[Row]:
    """The plan as comparable rows."""
    rows = [(f.step, f.number, f.person.name if f.person else None, f.date) for f in plan.followups]
    return sorted(rows, key=row_key)


def timed_of(plan: Plan) -> list[Timed]:
    """The plan's timed events as (step, person, start, minutes)."""
    timed = [
        (f.step, f.person.name if f.person else None, f.start, f.minutes)
        for f in plan.followups
        if f.start is not None
    ]
    return sorted(timed, key=timed_key)


def timed_key(event: Timed) -> tuple[dt.datetime, str, str]:
    """Sort timed events by start, then step and person."""
    step, name, start, _ = event
    return (start, step, name or "")


@dataclass(frozen=True)
class Case:
    """One interview and the plan it must give."""

    id: str
    interview: Interview
    decision: dt.date | None  # S, as resolved from the phrase
    rows: list[Row]
    timed: list[Timed]
    few_days: bool = False


CASES: list[Case] = []

# ---------------------------------------------------------------------------------------
# 1. US-NY, Wed 25 Nov 2026, the day before Thanksgiving.
# Business days after Wed 25 Nov: Fri 27 Nov, Mon 30, Tue 1 Dec, Wed 2, Thu 3, Fri 4, Mon 7,
# Tue 8, Wed 9, Thu 10, Fri 11, Mon 14, ... (Thu 26 Thanksgiving, weekends skipped).
# ---------------------------------------------------------------------------------------
NY_DAY = d(2026, 11, 25)
CASES.append(
    Case(
        "us-ny-thanksgiving-standard-by-friday-three-people",
        interview("US-NY", NY_DAY, "10:00-11:00", "standard", (ANA, BEN, CARA), "by Friday"),
        decision=d(2026, 11, 27),  # first Friday strictly after Wed 25 Nov
        rows=[
            *each("thank-you", (ANA, BEN, CARA), NY_DAY),  # I, one per interviewer
            # bd(Wed 25 Nov, 1): Thu 26 is Thanksgiving -> Fri 27 Nov
            *each("handwritten-note", (ANA, BEN, CARA), d(2026, 11, 27)),
            # only Ana: Ben declined, Cara has no profile URL; bd(I, 1) -> Fri 27 Nov
            ("linkedin", 0, "Ana Ruiz", d(2026, 11, 27)),
            # bd(S=Fri 27 Nov, 1): Sat, Sun -> Mon 30 Nov; to Ben, the contact
            ("check-in", 1, "Ben Cho", d(2026, 11, 30)),
            # bd(Mon 30 Nov, 5): Tue 1, Wed 2, Thu 3, Fri 4, Mon 7 Dec
            ("check-in", 2, "Ben Cho", d(2026, 12, 7)),
            # bd(Mon 7 Dec, 5): Tue 8, Wed 9, Thu 10, Fri 11, Mon 14 Dec
            ("move-on", 0, None, d(2026, 12, 14)),
        ],
        timed=[  # E 11:00 + 1h, 30 minutes
            ("thank-you", "Ana Ruiz", at(NY_DAY, "12:00"), 30),
            ("thank-you", "Ben Cho", at(NY_DAY, "12:00"), 30),
            ("thank-you", "Cara Diaz", at(NY_DAY, "12:00"), 30),
        ],
    )
)
CASES.append(
    Case(
        "us-ny-thanksgiving-biweekly-iso-date-chained-rolls",
        interview("US-NY", NY_DAY, "15:00-16:45", "biweekly", (DANA, ELI, FAY, GUS), "2026-12-10"),
        decision=d(2026, 12, 10),  # ISO date
        rows=[
            *each("thank-you", (DANA, ELI, FAY, GUS), NY_DAY),
            # bd(Wed 25 Nov, 1) -> Fri 27 Nov
            *each("handwritten-note", (DANA, ELI, FAY, GUS), d(2026, 11, 27)),
            # biweekly: only Dana said yes (Eli was not asked, Fay declined, Gus has no URL)
            ("linkedin", 0, "Dana Park", d(2026, 11, 27)),
            # bd(S=Thu 10 Dec, 1) -> Fri 11 Dec; no contact flag, so to Dana, the first
            ("check-in", 1, "Dana Park", d(2026, 12, 11)),
            # roll(Fri 11 Dec + 14d = Fri 25 Dec Christmas): Sat, Sun -> Mon 28 Dec
            ("check-in", 2, "Dana Park", d(2026, 12, 28)),
            # roll(Mon 28 Dec + 14d = Mon 11 Jan 2027) = Mon 11 Jan (chained from the date #2
            # actually got; from the unrolled Fri 25 Dec it would be Fri 8 Jan)
            ("check-in", 3, "Dana Park", d(2027, 1, 11)),
            # roll(Mon 11 Jan + 14d = Mon 25 Jan) = Mon 25 Jan
            ("move-on", 0, None, d(2027, 1, 25)),
        ],
        timed=[  # biweekly: E 16:45 + 30 min = 17:15, 30 minutes
            ("thank-you", name, at(NY_DAY, "17:15"), 30)
            for name in ("Dana Park", "Eli Novak", "Fay Okafor", "Gus Berg")
        ],
    )
)
CASES.append(
    Case(
        "us-ny-thanksgiving-three-strikes-no-timeline",
        interview("US-NY", NY_DAY, "09:30-10:30", "three-strikes", (SAM,)),
        decision=None,
        rows=[
            # #1 is the thank-you: bd(Wed 25 Nov, 3): Fri 27, Mon 30, Tue 1 Dec
            ("thank-you", 0, "Sam Lee", d(2026, 12, 1)),
            # #2 bd(Tue 1 Dec, 3): Wed 2, Thu 3, Fri 4 Dec
            ("check-in", 2, "Sam Lee", d(2026, 12, 4)),
            # #3 bd(Fri 4 Dec, 3): Mon 7, Tue 8, Wed 9 Dec
            ("check-in", 3, "Sam Lee", d(2026, 12, 9)),
            # bd(Wed 9 Dec, 3): Thu 10, Fri 11, Mon 14 Dec
            ("move-on", 0, None, d(2026, 12, 14)),
        ],
        timed=[],  # the three-strikes thank-you is an all-day contact, not a same-day event
    )
)
CASES.append(
    Case(
        "us-ny-thanksgiving-deadline-no-timeline-month-lands-on-christmas",
        interview("US-NY", NY_DAY, "14:00-15:00", "deadline", (SAM,)),
        decision=None,
        rows=[
            ("debrief", 0, None, NY_DAY),
            ("thank-you", 0, "Sam Lee", NY_DAY),
            # no S: roll(Wed 25 Nov + 14d = Wed 9 Dec) = Wed 9 Dec
            ("check-in", 1, "Sam Lee", d(2026, 12, 9)),
            # roll(I + 1 month = Fri 25 Dec Christmas): Sat, Sun -> Mon 28 Dec;
            # bd(Wed 9 Dec, 5) = Wed 16 Dec is earlier, so Mon 28 Dec
            ("move-on", 0, None, d(2026, 12, 28)),
        ],
        timed=[
            ("debrief", None, at(NY_DAY, "15:00"), 20),  # at E, 20 minutes
            ("thank-you", "Sam Lee", at(NY_DAY, "16:00"), 30),  # E + 1h
        ],
    )
)
CASES.append(
    Case(
        "us-ny-thanksgiving-minimal-end-of-the-month",
        interview("US-NY", NY_DAY, "11:00-12:00", "minimal", (SAM,), "end of the month"),
        decision=d(2026, 11, 30),  # last business day of Nov 2026: Mon 30 Nov
        rows=[
            ("thank-you", 0, "Sam Lee", NY_DAY),
            # bd(S=Mon 30 Nov, 1) -> Tue 1 Dec
            ("check-in", 1, "Sam Lee", d(2026, 12, 1)),
            # roll(S + 14d = Mon 14 Dec) = Mon 14 Dec; floor roll(Tue 1 Dec + 7d) = Tue 8 Dec
            ("check-in", 2, "Sam Lee", d(2026, 12, 14)),
            # bd(Mon 14 Dec, 5): Tue 15, Wed 16, Thu 17, Fri 18, Mon 21 Dec
            ("move-on", 0, None, d(2026, 12, 21)),
        ],
        timed=[("thank-you", "Sam Lee", at(NY_DAY, "13:00"), 30)],
    )
)

# ---------------------------------------------------------------------------------------
# 2. GB-ENG over Christmas 2026.
# Business days after Tue 22 Dec: Wed 23, Thu 24, Tue 29, Wed 30, Thu 31, Mon 4 Jan 2027,
# Tue 5, Wed 6, Thu 7, Fri 8, Mon 11, ... (Fri 25 Christmas, Mon 28 Boxing Day observed,
# Fri 1 Jan New Year, weekends skipped).
# ---------------------------------------------------------------------------------------
GB_DAY = d(2026, 12, 23)
CASES.append(
    Case(
        "gb-eng-christmas-standard-late-end-thank-you-next-morning",
        interview("GB-ENG", GB_DAY, "19:00-20:15", "standard", (SAM,)),
        decision=None,
        rows=[
            # E 20:15 + 1h = 21:15, after 21:00 -> 08:30 the next morning, Thu 24 Dec
            ("thank-you", 0, "Sam Lee", d(2026, 12, 24)),
            # bd(Wed 23 Dec, 1) -> Thu 24 Dec
            ("handwritten-note", 0, "Sam Lee", d(2026, 12, 24)),
            ("linkedin", 0, "Sam Lee", d(2026, 12, 24)),
            # bd(Wed 23 Dec, 5): Thu 24, Tue 29, Wed 30, Thu 31, Mon 4 Jan
            ("check-in", 1, "Sam Lee", d(2027, 1, 4)),
            # bd(Mon 4 Jan, 5): Tue 5, Wed 6, Thu 7, Fri 8, Mon 11 Jan
            ("check-in", 2, "Sam Lee", d(2027, 1, 11)),
            # bd(Mon 11 Jan, 5): Tue 12, Wed 13, Thu 14, Fri 15, Mon 18 Jan
            ("move-on", 0, None, d(2027, 1, 18)),
        ],
        timed=[("thank-you", "Sam Lee", at(d(2026, 12, 24), "08:30"), 30)],
    )
)
CASES.append(
    Case(
        "gb-eng-christmas-biweekly-end-of-the-week",
        interview("GB-ENG", d(2026, 12, 22), "10:00-11:00", "biweekly", (DANA,), "end of the week"),
        # week ends Sun 27 Dec; last business day on or before: Fri 25 holiday -> Thu 24 Dec
        decision=d(2026, 12, 24),
        rows=[
            ("thank-you", 0, "Dana Park", d(2026, 12, 22)),
            # bd(Tue 22 Dec, 1) -> Wed 23 Dec
            ("handwritten-note", 0, "Dana Park", d(2026, 12, 23)),
            ("linkedin", 0, "Dana Park", d(2026, 12, 23)),  # Dana agreed
            # bd(S=Thu 24 Dec, 1): Fri 25 Christmas, Sat, Sun, Mon 28 Boxing observed -> Tue 29
            ("check-in", 1, "Dana Park", d(2026, 12, 29)),
            # roll(Tue 29 Dec + 14d = Tue 12 Jan) = Tue 12 Jan
            ("check-in", 2, "Dana Park", d(2027, 1, 12)),
            # roll(Tue 12 Jan + 14d = Tue 26 Jan) = Tue 26 Jan
            ("check-in", 3, "Dana Park", d(2027, 1, 26)),
            # roll(Tue 26 Jan + 14d = Tue 9 Feb) = Tue 9 Feb
            ("move-on", 0, None, d(2027, 2, 9)),
        ],
        timed=[("thank-you", "Dana Park", at(d(2026, 12, 22), "11:30"), 30)],  # E + 30 min
    )
)
CASES.append(
    Case(
        "gb-eng-christmas-three-strikes-by-friday-two-people",
        interview("GB-ENG", GB_DAY, "10:00-12:00", "three-strikes", (ANA, BEN), "by Friday"),
        decision=d(2026, 12, 25),  # first Friday strictly after Wed 23 Dec: Christmas Day
        rows=[
            # #1, the thank-you, one per interviewer: bd(Wed 23 Dec, 3) = Thu 24, (Fri 25
            # Christmas, Sat, Sun, Mon 28 Boxing Day observed), Tue 29, Wed 30 Dec is after
            # S, so the last business day on or before S: Thu 24 Dec
            *each("thank-you", (ANA, BEN), d(2026, 12, 24)),
            # #2 bd(S=Fri 25 Dec, 1) = Tue 29 Dec, but no sooner than bd(Thu 24, 3):
            # Tue 29, Wed 30, Thu 31 Dec; to Ben
            ("check-in", 2, "Ben Cho", d(2026, 12, 31)),
            # #3 bd(Thu 31 Dec, 3): (Fri 1 Jan New Year) Mon 4, Tue 5, Wed 6 Jan
            ("check-in", 3, "Ben Cho", d(2027, 1, 6)),
            # bd(Wed 6 Jan, 3): Thu 7, Fri 8, Mon 11 Jan
            ("move-on", 0, None, d(2027, 1, 11)),
        ],
        timed=[],
    )
)
CASES.append(
    Case(
        "gb-eng-christmas-deadline-iso-date",
        interview("GB-ENG", d(2026, 12, 22), "09:00-10:00", "deadline", (SAM,), "2027-01-04"),
        decision=d(2027, 1, 4),
        rows=[
            ("debrief", 0, None, d(2026, 12, 22)),
            ("thank-you", 0, "Sam Lee", d(2026, 12, 22)),
            # bd(S=Mon 4 Jan, 1) -> Tue 5 Jan
            ("check-in", 1, "Sam Lee", d(2027, 1, 5)),
            # roll(Tue 22 Dec + 1 month = Fri 22 Jan) = Fri 22 Jan; bd(Tue 5 Jan, 5) = Tue 12 Jan
            # is earlier
            ("move-on", 0, None, d(2027, 1, 22)),
        ],
        timed=[
            ("debrief", None, at(d(2026, 12, 22), "10:00"), 20),
            ("thank-you", "Sam Lee", at(d(2026, 12, 22), "11:00"), 30),
        ],
    )
)
CASES.append(
    Case(
        "gb-eng-christmas-minimal-a-few-days",
        interview("GB-ENG", GB_DAY, "13:00-14:00", "minimal", (SAM,), "a few days"),
        decision=d(2026, 12, 26),  # I + 3 days = Sat 26 Dec
        few_days=True,
        rows=[
            ("thank-you", 0, "Sam Lee", GB_DAY),
            # bd(S=Sat 26 Dec, 1): Sun, Mon 28 Boxing Day observed -> Tue 29 Dec
            ("check-in", 1, "Sam Lee", d(2026, 12, 29)),
            # roll(S + 14d = Sat 9 Jan) -> Mon 11 Jan; floor roll(Tue 29 Dec + 7d) = Tue 5 Jan
            ("check-in", 2, "Sam Lee", d(2027, 1, 11)),
            # bd(Mon 11 Jan, 5): Tue 12, Wed 13, Thu 14, Fri 15, Mon 18 Jan
            ("move-on", 0, None, d(2027, 1, 18)),
        ],
        timed=[("thank-you", "Sam Lee", at(GB_DAY, "15:00"), 30)],
    )
)

# ---------------------------------------------------------------------------------------
# 3. SA (Friday-Saturday weekend), around National Day, Wed 23 Sep 2026.
# Business days after Tue 22 Sep: Thu 24, Sun 27, Mon 28, Tue 29, Wed 30, Thu 1 Oct,
# Sun 4, Mon 5, Tue 6, Wed 7, Thu 8, Sun 11, ... (Wed 23 National Day, Fri-Sat skipped).
# ---------------------------------------------------------------------------------------
SA_DAY = d(2026, 9, 22)
CASES.append(
    Case(
        "sa-national-day-standard-end-of-the-week",
        interview("SA", SA_DAY, "10:00-11:00", "standard", (SAM,), "end of the week"),
        # the week ends Sat 26 Sep; last business day on or before it: Thu 24 Sep
        decision=d(2026, 9, 24),
        rows=[
            ("thank-you", 0, "Sam Lee", SA_DAY),
            # bd(Tue 22 Sep, 1): Wed 23 National Day -> Thu 24 Sep
            ("handwritten-note", 0, "Sam Lee", d(2026, 9, 24)),
            ("linkedin", 0, "Sam Lee", d(2026, 9, 24)),
            # bd(S=Thu 24 Sep, 1): Fri, Sat weekend -> Sun 27 Sep
            ("check-in", 1, "Sam Lee", d(2026, 9, 27)),
            # bd(Sun 27 Sep, 5): Mon 28, Tue 29, Wed 30, Thu 1 Oct, Sun 4 Oct
            ("check-in", 2, "Sam Lee", d(2026, 10, 4)),
            # bd(Sun 4 Oct, 5): Mon 5, Tue 6, Wed 7, Thu 8, Sun 11 Oct
            ("move-on", 0, None, d(2026, 10, 11)),
        ],
        timed=[("thank-you", "Sam Lee", at(SA_DAY, "12:00"), 30)],
    )
)
CASES.append(
    Case(
        "sa-national-day-biweekly-no-timeline-rolled-first-check-in",
        interview("SA", d(2026, 9, 9), "10:00-11:00", "biweekly", (DANA,)),
        decision=None,
        rows=[
            ("thank-you", 0, "Dana Park", d(2026, 9, 9)),
            # bd(Wed 9 Sep, 1) -> Thu 10 Sep
            ("handwritten-note", 0, "Dana Park", d(2026, 9, 10)),
            ("linkedin", 0, "Dana Park", d(2026, 9, 10)),
            # roll(Wed 9 Sep + 14d = Wed 23 Sep National Day) -> Thu 24 Sep
            ("check-in", 1, "Dana Park", d(2026, 9, 24)),
            # roll(Thu 24 Sep + 14d = Thu 8 Oct) = Thu 8 Oct (not Wed 7 Oct: chained from #1's
            # real date)
            ("check-in", 2, "Dana Park", d(2026, 10, 8)),
            # roll(Thu 8 Oct + 14d = Thu 22 Oct) = Thu 22 Oct
            ("check-in", 3, "Dana Park", d(2026, 10, 22)),
            # roll(Thu 22 Oct + 14d = Thu 5 Nov) = Thu 5 Nov
            ("move-on", 0, None, d(2026, 11, 5)),
        ],
        timed=[("thank-you", "Dana Park", at(d(2026, 9, 9), "11:30"), 30)],
    )
)
CASES.append(
    Case(
        "sa-national-day-three-strikes-no-timeline",
        interview("SA", SA_DAY, "10:00-11:00", "three-strikes", (SAM,)),
        decision=None,
        rows=[
            # #1 bd(Tue 22 Sep, 3): Thu 24, Sun 27, Mon 28 Sep
            ("thank-you", 0, "Sam Lee", d(2026, 9, 28)),
            # #2 bd(Mon 28 Sep, 3): Tue 29, Wed 30, Thu 1 Oct
            ("check-in", 2, "Sam Lee", d(2026, 10, 1)),
            # #3 bd(Thu 1 Oct, 3): Sun 4, Mon 5, Tue 6 Oct
            ("check-in", 3, "Sam Lee", d(2026, 10, 6)),
            # bd(Tue 6 Oct, 3): Wed 7, Thu 8, Sun 11 Oct
            ("move-on", 0, None, d(2026, 10, 11)),
        ],
        timed=[],
    )
)
CASES.append(
    Case(
        "sa-national-day-deadline-within-a-month-move-on-after-check-in",
        interview("SA", SA_DAY, "10:00-11:30", "deadline", (SAM,), "within a month"),
        decision=d(2026, 10, 22),  # I + 1 month = Thu 22 Oct
        rows=[
            ("debrief", 0, None, SA_DAY),
            ("thank-you", 0, "Sam Lee", SA_DAY),
            # bd(S=Thu 22 Oct, 1): Fri, Sat weekend -> Sun 25 Oct
            ("check-in", 1, "Sam Lee", d(2026, 10, 25)),
            # roll(I + 1 month) = Thu 22 Oct; bd(Sun 25 Oct, 5): Mon 26, Tue 27, Wed 28,
            # Thu 29, Sun 1 Nov is later, so Sun 1 Nov
            ("move-on", 0, None, d(2026, 11, 1)),
        ],
        timed=[
            ("debrief", None, at(SA_DAY, "11:30"), 20),
            ("thank-you", "Sam Lee", at(SA_DAY, "12:30"), 30),
        ],
    )
)
CASES.append(
    Case(
        "sa-national-day-minimal-business-days-on-a-sunday",
        interview("SA", d(2026, 9, 20), "10:00-11:00", "minimal", (SAM,), "within 3 business days"),
        # bd(Sun 20 Sep, 3): Mon 21, Tue 22, (Wed 23 National Day) Thu 24 Sep
        decision=d(2026, 9, 24),
        rows=[
            ("thank-you", 0, "Sam Lee", d(2026, 9, 20)),
            # bd(S=Thu 24 Sep, 1): Fri, Sat -> Sun 27 Sep
            ("check-in", 1, "Sam Lee", d(2026, 9, 27)),
            # roll(S + 14d = Thu 8 Oct) = Thu 8 Oct; floor roll(Sun 27 Sep + 7d) = Sun 4 Oct
            ("check-in", 2, "Sam Lee", d(2026, 10, 8)),
            # bd(Thu 8 Oct, 5): Sun 11, Mon 12, Tue 13, Wed 14, Thu 15 Oct
            ("move-on", 0, None, d(2026, 10, 15)),
        ],
        timed=[("thank-you", "Sam Lee", at(d(2026, 9, 20), "12:00"), 30)],
    )
)

# ---------------------------------------------------------------------------------------
# 4. US (federal), Christmas and New Year 2027-28 both observed on the Friday before.
# Business days after Wed 22 Dec 2027: Thu 23, Mon 27, Tue 28, Wed 29, Thu 30, Mon 3 Jan 2028,
# Tue 4, Wed 5, Thu 6, Fri 7, Mon 10, Tue 11, Wed 12, Thu 13, Fri 14, Tue 18 (Mon 17 MLK), ...
# (Fri 24 Dec and Fri 31 Dec are the observed holidays.)
# ---------------------------------------------------------------------------------------
US_DAY = d(2027, 12, 22)
CASES.append(
    Case(
        "us-new-year-observed-standard-by-friday",
        interview("US", US_DAY, "10:00-11:00", "standard", (SAM,), "by Friday"),
        decision=d(2027, 12, 24),  # first Friday after Wed 22 Dec: Christmas observed
        rows=[
            ("thank-you", 0, "Sam Lee", US_DAY),
            # bd(Wed 22 Dec, 1) -> Thu 23 Dec
            ("handwritten-note", 0, "Sam Lee", d(2027, 12, 23)),
            ("linkedin", 0, "Sam Lee", d(2027, 12, 23)),
            # bd(S=Fri 24 Dec, 1): Sat, Sun -> Mon 27 Dec
            ("check-in", 1, "Sam Lee", d(2027, 12, 27)),
            # bd(Mon 27 Dec, 5): Tue 28, Wed 29, Thu 30, (Fri 31 New Year observed, Sat 1,
            # Sun 2) Mon 3 Jan, Tue 4 Jan
            ("check-in", 2, "Sam Lee", d(2028, 1, 4)),
            # bd(Tue 4 Jan, 5): Wed 5, Thu 6, Fri 7, Mon 10, Tue 11 Jan
            ("move-on", 0, None, d(2028, 1, 11)),
        ],
        timed=[("thank-you", "Sam Lee", at(US_DAY, "12:00"), 30)],
    )
)
CASES.append(
    Case(
        "us-new-year-observed-biweekly-no-timeline-double-roll",
        interview("US", d(2027, 12, 17), "10:00-11:00", "biweekly", (DANA,)),
        decision=None,
        rows=[
            ("thank-you", 0, "Dana Park", d(2027, 12, 17)),
            # bd(Fri 17 Dec, 1): Sat, Sun -> Mon 20 Dec
            ("handwritten-note", 0, "Dana Park", d(2027, 12, 20)),
            ("linkedin", 0, "Dana Park", d(2027, 12, 20)),
            # roll(Fri 17 Dec + 14d = Fri 31 Dec, New Year observed): Sat, Sun -> Mon 3 Jan
            ("check-in", 1, "Dana Park", d(2028, 1, 3)),
            # roll(Mon 3 Jan + 14d = Mon 17 Jan MLK Day) -> Tue 18 Jan
            ("check-in", 2, "Dana Park", d(2028, 1, 18)),
            # roll(Tue 18 Jan + 14d = Tue 1 Feb) = Tue 1 Feb
            ("check-in", 3, "Dana Park", d(2028, 2, 1)),
            # roll(Tue 1 Feb + 14d = Tue 15 Feb) = Tue 15 Feb
            ("move-on", 0, None, d(2028, 2, 15)),
        ],
        timed=[("thank-you", "Dana Park", at(d(2027, 12, 17), "11:30"), 30)],
    )
)
CASES.append(
    Case(
        "us-new-year-observed-three-strikes-no-timeline",
        interview("US", d(2027, 12, 20), "10:00-11:00", "three-strikes", (SAM,)),
        decision=None,
        rows=[
            # #1 bd(Mon 20 Dec, 3): Tue 21, Wed 22, Thu 23 Dec
            ("thank-you", 0, "Sam Lee", d(2027, 12, 23)),
            # #2 bd(Thu 23 Dec, 3): (Fri 24 observed, Sat, Sun) Mon 27, Tue 28, Wed 29 Dec
            ("check-in", 2, "Sam Lee", d(2027, 12, 29)),
            # #3 bd(Wed 29 Dec, 3): Thu 30, (Fri 31 observed, Sat, Sun) Mon 3, Tue 4 Jan
            ("check-in", 3, "Sam Lee", d(2028, 1, 4)),
            # bd(Tue 4 Jan, 3): Wed 5, Thu 6, Fri 7 Jan
            ("move-on", 0, None, d(2028, 1, 7)),
        ],
        timed=[],
    )
)
CASES.append(
    Case(
        "us-new-year-observed-deadline-a-few-days-wins-over-s",
        interview("US", US_DAY, "16:00-17:00", "deadline", (SAM,), "a few days"),
        decision=d(2027, 12, 25),  # I + 3 days = Sat 25 Dec
        few_days=True,
        rows=[
            ("debrief", 0, None, US_DAY),
            ("thank-you", 0, "Sam Lee", US_DAY),
            # "a few days" wins: roll(Wed 22 Dec + 7d = Wed 29 Dec) = Wed 29 Dec
            # (bd(S, 1) would have been Mon 27 Dec)
            ("check-in", 1, "Sam Lee", d(2027, 12, 29)),
            # roll(I + 1 month = Sat 22 Jan 2028) -> Mon 24 Jan; bd(Wed 29 Dec, 5) = Thu 6 Jan
            # is earlier
            ("move-on", 0, None, d(2028, 1, 24)),
        ],
        timed=[
            ("debrief", None, at(US_DAY, "17:00"), 20),
            ("thank-you", "Sam Lee", at(US_DAY, "18:00"), 30),
        ],
    )
)
CASES.append(
    Case(
        "us-new-year-observed-minimal-iso-date",
        interview("US", US_DAY, "10:00-11:00", "minimal", (SAM,), "2027-12-30"),
        decision=d(2027, 12, 30),
        rows=[
            ("thank-you", 0, "Sam Lee", US_DAY),
            # bd(S=Thu 30 Dec, 1): Fri 31 New Year observed, Sat 1, Sun 2 -> Mon 3 Jan 2028
            ("check-in", 1, "Sam Lee", d(2028, 1, 3)),
            # roll(S + 14d = Thu 13 Jan) = Thu 13 Jan; floor roll(Mon 3 Jan + 7d) = Mon 10 Jan
            ("check-in", 2, "Sam Lee", d(2028, 1, 13)),
            # bd(Thu 13 Jan, 5): Fri 14, (Mon 17 MLK) Tue 18, Wed 19, Thu 20, Fri 21 Jan
            ("move-on", 0, None, d(2028, 1, 21)),
        ],
        timed=[("thank-you", "Sam Lee", at(US_DAY, "12:00"), 30)],
    )
)

# ---------------------------------------------------------------------------------------
# Options: no follow-ups, skip, blackouts, the minimal floor.
# ---------------------------------------------------------------------------------------
CASES.append(
    Case(
        "us-ny-thanksgiving-standard-no-follow-ups-keeps-courtesies-and-move-on",
        interview("US-NY", NY_DAY, "10:00-11:00", "standard", (SAM,), no_follow_ups=True),
        decision=None,
        rows=[
            ("thank-you", 0, "Sam Lee", NY_DAY),
            ("handwritten-note", 0, "Sam Lee", d(2026, 11, 27)),  # bd(Wed 25 Nov, 1)
            ("linkedin", 0, "Sam Lee", d(2026, 11, 27)),
            # no check-ins; move-on as if they existed:
            # #1 bd(Wed 25 Nov, 5): Fri 27, Mon 30, Tue 1, Wed 2, Thu 3 Dec
            # #2 bd(Thu 3 Dec, 5): Fri 4, Mon 7, Tue 8, Wed 9, Thu 10 Dec
            # bd(Thu 10 Dec, 5): Fri 11, Mon 14, Tue 15, Wed 16, Thu 17 Dec
            ("move-on", 0, None, d(2026, 12, 17)),
        ],
        timed=[("thank-you", "Sam Lee", at(NY_DAY, "12:00"), 30)],
    )
)
CASES.append(
    Case(
        "us-new-year-three-strikes-no-follow-ups-keeps-first-contact-thank-you",
        interview(
            "US", d(2027, 12, 20), "10:00-11:00", "three-strikes", (SAM,), no_follow_ups=True
        ),
        decision=None,
        rows=[
            # the thank-you stays on #1's date: bd(Mon 20 Dec, 3) = Thu 23 Dec
            ("thank-you", 0, "Sam Lee", d(2027, 12, 23)),
            # as if #2 = Wed 29 Dec and #3 = Tue 4 Jan existed: bd(Tue 4 Jan, 3) = Fri 7 Jan
            ("move-on", 0, None, d(2028, 1, 7)),
        ],
        timed=[],
    )
)
CASES.append(
    Case(
        "gb-eng-christmas-standard-skip-check-in-2",
        interview(
            "GB-ENG", d(2026, 12, 23), "10:00-11:00", "standard", (SAM,), skip=("check-in-2",)
        ),
        decision=None,
        rows=[
            ("thank-you", 0, "Sam Lee", d(2026, 12, 23)),
            ("handwritten-note", 0, "Sam Lee", d(2026, 12, 24)),  # bd(Wed 23 Dec, 1)
            ("linkedin", 0, "Sam Lee", d(2026, 12, 24)),
            # bd(Wed 23 Dec, 5): Thu 24, Tue 29, Wed 30, Thu 31, Mon 4 Jan
            ("check-in", 1, "Sam Lee", d(2027, 1, 4)),
            # check-in 2 (Mon 11 Jan) is skipped; the move-on date stays where the policy puts
            # it: bd(Mon 11 Jan, 5) = Mon 18 Jan
            ("move-on", 0, None, d(2027, 1, 18)),
        ],
        timed=[("thank-you", "Sam Lee", at(d(2026, 12, 23), "12:00"), 30)],
    )
)
CASES.append(
    Case(
        "us-ny-thanksgiving-standard-blackouts-push-everything",
        interview(
            "US-NY",
            NY_DAY,
            "10:00-11:00",
            "standard",
            (SAM,),
            blackout=(d(2026, 11, 25), d(2026, 11, 27), d(2026, 12, 3), d(2026, 12, 4)),
        ),
        decision=None,
        rows=[
            # blacking out I itself does not move the same-day thank-you
            ("thank-you", 0, "Sam Lee", NY_DAY),
            # bd(Wed 25 Nov, 1): Thu 26 Thanksgiving, Fri 27 blacked out, Sat, Sun -> Mon 30
            ("handwritten-note", 0, "Sam Lee", d(2026, 11, 30)),
            ("linkedin", 0, "Sam Lee", d(2026, 11, 30)),
            # bd(Wed 25 Nov, 5): Mon 30, Tue 1, Wed 2, (Thu 3, Fri 4 blacked out) Mon 7, Tue 8
            ("check-in", 1, "Sam Lee", d(2026, 12, 8)),
            # bd(Tue 8 Dec, 5): Wed 9, Thu 10, Fri 11, Mon 14, Tue 15 Dec
            ("check-in", 2, "Sam Lee", d(2026, 12, 15)),
            # bd(Tue 15 Dec, 5): Wed 16, Thu 17, Fri 18, Mon 21, Tue 22 Dec
            ("move-on", 0, None, d(2026, 12, 22)),
        ],
        timed=[("thank-you", "Sam Lee", at(NY_DAY, "12:00"), 30)],
    )
)
BLACKOUT_WEEK = tuple(d(2027, 2, day) for day in range(8, 13))  # Mon 8 - Fri 12 Feb 2027
CASES.append(
    Case(
        "gb-eng-minimal-floor-after-a-blacked-out-week",
        interview(
            "GB-ENG",
            d(2027, 2, 1),
            "10:00-11:00",
            "minimal",
            (SAM,),
            "by Friday",
            blackout=BLACKOUT_WEEK,
        ),
        decision=d(2027, 2, 5),  # first Friday after Mon 1 Feb
        rows=[
            ("thank-you", 0, "Sam Lee", d(2027, 2, 1)),
            # bd(S=Fri 5 Feb, 1): Mon 8 - Fri 12 blacked out, Sat, Sun -> Mon 15 Feb
            ("check-in", 1, "Sam Lee", d(2027, 2, 15)),
            # roll(S + 14d = Fri 19 Feb) = Fri 19 Feb is sooner than the floor
            # roll(Mon 15 Feb + 7d = Mon 22 Feb) = Mon 22 Feb, so Mon 22 Feb
            ("check-in", 2, "Sam Lee", d(2027, 2, 22)),
            # bd(Mon 22 Feb, 5): Tue 23, Wed 24, Thu 25, Fri 26, Mon 1 Mar
            ("move-on", 0, None, d(2027, 3, 1)),
        ],
        timed=[("thank-you", "Sam Lee", at(d(2027, 2, 1), "12:00"), 30)],
    )
)
CASES.append(
    Case(
        "sa-biweekly-next-week-late-end-thank-you-next-morning",
        interview("SA", d(2026, 9, 27), "19:30-20:40", "biweekly", (DANA,), "next week"),
        # SA weeks end on Saturday: I (Sun 27 Sep) is in the week ending Sat 3 Oct; next week
        # ends Sat 10 Oct; last business day on or before it: Thu 8 Oct
        decision=d(2026, 10, 8),
        rows=[
            # E 20:40 + 30 min = 21:10, after 21:00 -> 08:30 Mon 28 Sep
            ("thank-you", 0, "Dana Park", d(2026, 9, 28)),
            # bd(Sun 27 Sep, 1) -> Mon 28 Sep
            ("handwritten-note", 0, "Dana Park", d(2026, 9, 28)),
            ("linkedin", 0, "Dana Park", d(2026, 9, 28)),
            # bd(S=Thu 8 Oct, 1): Fri, Sat -> Sun 11 Oct
            ("check-in", 1, "Dana Park", d(2026, 10, 11)),
            # roll(Sun 11 Oct + 14d = Sun 25 Oct) = Sun 25 Oct (a working day in SA)
            ("check-in", 2, "Dana Park", d(2026, 10, 25)),
            # roll(Sun 25 Oct + 14d = Sun 8 Nov) = Sun 8 Nov
            ("check-in", 3, "Dana Park", d(2026, 11, 8)),
            # roll(Sun 8 Nov + 14d = Sun 22 Nov) = Sun 22 Nov
            ("move-on", 0, None, d(2026, 11, 22)),
        ],
        timed=[("thank-you", "Dana Park", at(d(2026, 9, 28), "08:30"), 30)],
    )
)

CASE_IDS = [case.id for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_plan_has_exactly_the_hand_computed_dates(case: Case) -> None:
    """The plan holds exactly the expected steps, numbers, people and dates."""
    plan = plan_interview(case.interview)
    assert rows_of(plan) == sorted(case.rows, key=row_key)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_timed_events_start_when_the_spec_says(case: Case) -> None:
    """Debriefs and same-day thank-yous start and last as Reading 6 says; the rest are all-day."""
    plan = plan_interview(case.interview)
    assert timed_of(plan) == sorted(case.timed, key=timed_key)
    for followup in plan.followups:
        if followup.start is not None:
            assert followup.date == followup.start.date()


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_decision_phrase_resolves_to_the_expected_date(case: Case) -> None:
    """The interviewer's phrase resolves to the hand-computed S, and "a few days" is flagged."""
    decision = plan_interview(case.interview).decision
    assert decision.date == case.decision
    assert decision.few_days is case.few_days


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_followups_are_sorted_by_date(case: Case) -> None:
    """The plan lists its actions in date order, and a fresh plan has no keep-on-file step."""
    followups: tuple[FollowUp, ...] = plan_interview(case.interview).followups
    assert [f.date for f in followups] == sorted(f.date for f in followups)
    assert all(f.step != "keep-on-file" for f in followups)


def test_check_in_reason_names_what_they_said() -> None:
    """A check-in after a stated date says so, with the date (rule 6)."""
    plan = plan_interview(CASES[0].interview)
    first = next(f for f in plan.followups if f.step == "check-in" and f.number == 1)
    assert "by Friday" in first.reason
    assert "Fri 27 Nov" in first.reason
    assert all(f.reason.strip() for f in plan.followups)


TUE = d(2026, 12, 1)  # US-NY; Wed 2 Dec is a business day
SAT = d(2026, 12, 5)


@pytest.mark.parametrize(
    ("policy", "day", "hours", "expected"),
    [
        # E 20:00 + 1h = 21:00 exactly: not after 21:00, so it stays on I
        ("standard", TUE, "19:00-20:00", at(TUE, "21:00")),
        # E 20:01 + 1h = 21:01: moves to 08:30 on Wed 2 Dec
        ("standard", TUE, "19:00-20:01", at(d(2026, 12, 2), "08:30")),
        # biweekly: E 20:30 + 30 min = 21:00, stays
        ("biweekly", TUE, "19:30-20:30", at(TUE, "21:00")),
        # biweekly: E 20:31 + 30 min = 21:01, moves
        ("biweekly", TUE, "19:30-20:31", at(d(2026, 12, 2), "08:30")),
        # E 23:30 + 1h is past midnight: 08:30 the next morning
        ("minimal", TUE, "22:30-23:30", at(d(2026, 12, 2), "08:30")),
        # I is a Saturday: the same-day thank-you stays on I all the same
        ("standard", SAT, "10:00-11:00", at(SAT, "12:00")),
    ],
    ids=[
        "standard-21h00-stays",
        "standard-21h01-next-morning",
        "biweekly-21h00-stays",
        "biweekly-21h01-next-morning",
        "minimal-past-midnight-next-morning",
        "standard-saturday-stays-on-i",
    ],
)
def test_same_day_thank_you_time(
    policy: str, day: dt.date, hours: str, expected: dt.datetime
) -> None:
    """The same-day thank-you starts after E, or at 08:30 the next morning after 21:00."""
    plan = plan_interview(interview("US-NY", day, hours, policy, (SAM,)))
    (thank_you,) = [f for f in plan.followups if f.step == "thank-you"]
    assert (thank_you.start, thank_you.minutes, thank_you.date) == (expected, 30, expected.date())


def test_late_deadline_debrief_stays_at_end_time() -> None:
    """The debrief starts at E even when the thank-you moves to the next morning."""
    plan = plan_interview(interview("US-NY", TUE, "21:00-22:30", "deadline", (SAM,)))
    (debrief,) = [f for f in plan.followups if f.step == "debrief"]
    (thank_you,) = [f for f in plan.followups if f.step == "thank-you"]
    assert (debrief.start, debrief.minutes, debrief.person) == (at(TUE, "22:30"), 20, None)
    assert (thank_you.start, thank_you.minutes) == (at(d(2026, 12, 2), "08:30"), 30)


def test_unknown_policy_is_refused() -> None:
    """A policy name that is not built in raises PolicyError."""
    with pytest.raises(PolicyError):
        plan_interview(interview("US-NY", TUE, "10:00-11:00", "weekly-pester", (SAM,)))


@pytest.mark.parametrize(
    "phrase", ["next Friday", "soon-ish", "whenever"], ids=["next-friday", "soon-ish", "whenever"]
)
def test_unreadable_decision_phrase_is_refused(phrase: str) -> None:
    """A phrase outside the timeline table is refused, never guessed."""
    with pytest.raises(TimelineError):
        plan_interview(interview("US-NY", TUE, "10:00-11:00", "standard", (SAM,), phrase))


def test_decision_date_before_the_interview_is_refused() -> None:
    """An ISO decision date earlier than NY_DAY is refused (Reading 3)."""
    with pytest.raises(InterviewError):
        plan_interview(interview("US-NY", TUE, "10:00-11:00", "standard", (SAM,), "2026-11-30"))


def test_late_thank_you_and_same_day_decision_do_not_collide() -> None:
    """A check-in never lands on the morning the delayed thank-you goes out."""
    dana = Interviewer("Dana Lee", email="dana.lee@acme.example")
    # Thu 1 Jan 2026 (New Year's Day) 19:30-20:30 in New York: the thank-you would start
    # at 21:30, so it moves to Fri 2 Jan 08:30. They promised a decision that day
    # (S = I = Thu 1 Jan), so bd(S, 1) = Fri 2 Jan, the thank-you's day: the check-in
    # moves to the next business day, Mon 5 Jan. Check-in 2 = bd(Mon 5 Jan, 5) = Mon 12 Jan.
    # Move on = bd(Mon 12 Jan, 5): 13, 14, 15, 16, Mon 19 is Martin Luther King Jr. Day,
    # so Tue 20 Jan.
    made = plan_interview(
        interview("US-NY", d(2026, 1, 1), "19:30-20:30", "standard", (dana,), "2026-01-01")
    )
    by_label = {f.label: f for f in made.followups if f.person is None or f.step != "thank-you"}
    thank_you = next(f for f in made.followups if f.step == "thank-you")
    assert thank_you.start == at(d(2026, 1, 2), "08:30")
    assert by_label["check-in-1"].date == d(2026, 1, 5)
    assert "after the thank-you" in by_label["check-in-1"].reason
    assert by_label["check-in-2"].date == d(2026, 1, 12)
    assert by_label["move-on"].date == d(2026, 1, 20)


@pytest.mark.parametrize(
    "policy", ["standard", "minimal", "deadline", "biweekly"], ids=lambda name: name
)
def test_interview_ending_after_midnight_thanks_next_morning(policy: str) -> None:
    """An interview from 23:30 to 00:30 sends its thank-you at 08:30 that morning, not 01:30."""
    # Tue 1 Dec 2026 23:30 to Wed 2 Dec 00:30 in New York: the evening limit of the
    # interview's day (Tue, 21:00) has passed, so 08:30 on Wed 2 Dec.
    made = plan_interview(
        interview("US-NY", TUE, "23:30-00:30", policy, (SAM,))._replace(
            end=at(d(2026, 12, 2), "00:30")
        )
    )
    (thank_you,) = [f for f in made.followups if f.step == "thank-you"]
    assert thank_you.start == at(d(2026, 12, 2), "08:30")
    assert "next morning" in thank_you.reason


def test_debrief_after_midnight_waits_for_the_morning() -> None:
    """Under deadline, a debrief that would start after midnight starts at 08:30 instead."""
    made = plan_interview(
        interview("US-NY", TUE, "23:30-00:30", "deadline", (SAM,))._replace(
            end=at(d(2026, 12, 2), "00:30")
        )
    )
    (debrief,) = [f for f in made.followups if f.step == "debrief"]
    assert debrief.start == at(d(2026, 12, 2), "08:30")
