"""Property tests: the laws of POLICIES.md hold for random interviews under every policy.

The plan's dates are only checked against laws here (business days, rule 4, order,
determinism, one event per step and person), never used to derive expected values.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from afterview.core.businessdays import open_calendar
from afterview.model import FollowUp, Interview, Interviewer, Plan
from afterview.policies import plan_interview

POLICIES = ("standard", "biweekly", "three-strikes", "deadline", "minimal")

# Different weekends (Fri-Sat in SA and IL), make-up working days (CN), subdivisions.
PLACES = (
    ("US", "NY", "America/New_York"),
    ("US", "CA", "America/Los_Angeles"),
    ("US", None, "America/Chicago"),
    ("GB", "ENG", "Europe/London"),
    ("SA", None, "Asia/Riyadh"),
    ("AE", None, "Asia/Dubai"),
    ("IL", None, "Asia/Jerusalem"),
    ("CN", None, "Asia/Shanghai"),
    ("DE", None, "Europe/Berlin"),
    ("DE", "BY", "Europe/Berlin"),
    ("FR", None, "Europe/Paris"),
    ("JP", None, "Asia/Tokyo"),
    ("IN", None, "Asia/Kolkata"),
    ("BR", None, "America/Sao_Paulo"),
    ("AU", "NSW", "Australia/Sydney"),
)

PHRASES = (
    None,
    "by Friday",
    "Friday",
    "two weeks",
    "a fortnight",
    "a few days",
    "a couple of days",
    "end of the month",
    "end of the week",
    "next week",
    "in 10 days",
    "within 3 business days",
    "a month",
    "no timeline",
)

NAMES = ("Ana Ruiz", "Ben Cho", "Cara Diaz", "Dana Park", "Eli Novak", "Fay Okafor")

# How many check-ins each policy plans, by number (three-strikes' #1 is the thank-you).
CHECK_IN_NUMBERS = {
    "standard": {1, 2},
    "biweekly": {1, 2, 3},
    "three-strikes": {2, 3},
    "deadline": {1},
    "minimal": {1, 2},
}

SAME_DAY_THANK_YOU = {"standard", "biweekly", "deadline", "minimal"}

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def interviewers(draw: st.DrawFn) -> tuple[Interviewer, ...]:
    """One to four people with distinct names, some with a LinkedIn profile or a contact flag."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    people = []
    for name in names:
        slug = name.lower().replace(" ", "-")
        people.append(
            Interviewer(
                name,
                email=f"{slug}@acme.example",
                contact=draw(st.booleans()),
                linkedin=draw(st.sampled_from([None, f"https://www.linkedin.com/in/{slug}"])),
                linkedin_ok=draw(st.sampled_from([None, True, False])),
            )
        )
    return tuple(people)


@st.composite
def interviews(draw: st.DrawFn) -> Interview:
    """A random interview in 2026-2028 with a random place, policy, timeline and blackouts."""
    country, subdivision, timezone = draw(st.sampled_from(PLACES))
    day = draw(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2028, 12, 31)))
    start = dt.datetime.combine(
        day, dt.time(draw(st.integers(7, 21)), draw(st.sampled_from([0, 15, 30, 45])))
    )
    end = start + dt.timedelta(minutes=draw(st.sampled_from([30, 45, 60, 90, 120])))
    iso = st.integers(0, 45).map(lambda days: (day + dt.timedelta(days=days)).isoformat())
    decision = draw(st.one_of(st.sampled_from(PHRASES), iso))
    offsets = draw(st.lists(st.integers(-3, 60), max_size=8, unique=True))
    blackout = tuple(sorted(day + dt.timedelta(days=offset) for offset in offsets))
    policy = draw(st.sampled_from(POLICIES))
    # skip may only name a step the policy has (an unknown label is refused)
    labels = sorted(f"check-in-{number}" for number in CHECK_IN_NUMBERS[policy])
    skip = draw(st.lists(st.sampled_from(labels), max_size=1))
    return Interview(
        company="Acme Analytics",
        role="Data Engineer",
        start=start,
        end=end,
        timezone=timezone,
        country=country,
        subdivision=subdivision,
        interviewers=draw(interviewers()),
        policy=policy,
        decision=decision,
        no_follow_ups=draw(st.booleans()),
        blackout=blackout,
        skip=tuple(skip),
    )


def steps(plan: Plan, step: str) -> list[FollowUp]:
    """The plan's events of one step."""
    return [f for f in plan.followups if f.step == step]


def contact_dates(plan: Plan) -> list[dt.date]:
    """The dates rule 4 counts: check-ins, plus three-strikes' first-contact thank-you."""
    dates = [f.date for f in steps(plan, "check-in")]
    if plan.interview.policy == "three-strikes":
        dates.extend({f.date for f in steps(plan, "thank-you")})
    return sorted(dates)


@PROPERTY_SETTINGS
@given(interviews())
def test_later_actions_land_on_business_days(interview: Interview) -> None:
    """Every all-day action falls after the interview day, on a business day."""
    plan = plan_interview(interview)
    calendar = open_calendar(interview.country, interview.subdivision, interview.blackout)
    for followup in plan.followups:
        if followup.start is None:
            assert followup.date > interview.day, followup
            assert calendar.is_business_day(followup.date), followup


@PROPERTY_SETTINGS
@given(interviews())
def test_timed_events_are_on_the_interview_day_or_the_next_morning(interview: Interview) -> None:
    """Timed events sit on I, except a late thank-you at 08:30 the next morning."""
    plan = plan_interview(interview)
    next_morning = dt.datetime.combine(interview.day + dt.timedelta(days=1), dt.time(8, 30))
    for followup in plan.followups:
        if followup.start is None:
            continue
        assert followup.step in {"debrief", "thank-you"}, followup
        assert followup.date == followup.start.date()
        if followup.step == "debrief":
            assert (followup.start, followup.minutes) == (interview.end, 20)
            continue
        delay = dt.timedelta(minutes=30 if interview.policy == "biweekly" else 60)
        planned = interview.end + delay
        late = planned.date() > interview.day or planned.time() > dt.time(21, 0)
        assert (followup.start, followup.minutes) == (next_morning if late else planned, 30)


@PROPERTY_SETTINGS
@given(interviews())
def test_rule_4_spaces_contacts_to_the_employer(interview: Interview) -> None:
    """Check-ins are never under 3 days apart, and never more than two in 7 days (rule 4)."""
    plan = plan_interview(interview)
    dates = contact_dates(plan)
    for earlier, later in pairwise(dates):
        assert (later - earlier).days >= 3, dates
    for earliest, latest in zip(dates, dates[2:], strict=False):
        assert (latest - earliest).days >= 7, dates


@PROPERTY_SETTINGS
@given(interviews())
def test_steps_come_in_order(interview: Interview) -> None:
    """Debrief, same-day thank-you, check-ins in number order, then the move-on date."""
    plan = plan_interview(interview)
    debriefs, thank_yous = steps(plan, "debrief"), steps(plan, "thank-you")
    check_ins = sorted(steps(plan, "check-in"), key=lambda f: f.number)
    (move_on,) = steps(plan, "move-on")
    if debriefs and thank_yous:
        assert debriefs[0].date <= min(f.date for f in thank_yous)
        for thank_you in thank_yous:
            assert debriefs[0].start is not None and thank_you.start is not None
            assert debriefs[0].start < thank_you.start
    if plan.interview.policy == "three-strikes":
        assert len({f.date for f in thank_yous}) == 1, "all thank-yous are contact #1"
    for thank_you in thank_yous:
        assert all(thank_you.date < check_in.date for check_in in check_ins)
        assert thank_you.date < move_on.date
    dates = [f.date for f in check_ins]
    assert all(earlier < later for earlier, later in pairwise(dates)), dates
    assert all(day < move_on.date for day in dates)


@PROPERTY_SETTINGS
@given(interviews())
def test_planning_is_deterministic(interview: Interview) -> None:
    """Planning the same interview twice gives the same plan."""
    assert plan_interview(interview) == plan_interview(interview)


@PROPERTY_SETTINGS
@given(interviews())
def test_one_event_per_step_number_and_person(interview: Interview) -> None:
    """No two events share step, number and person, and the plan is in date order."""
    plan = plan_interview(interview)
    keys = [(f.step, f.number, f.person.name if f.person else None) for f in plan.followups]
    assert len(keys) == len(set(keys)), keys
    assert [f.date for f in plan.followups] == sorted(f.date for f in plan.followups)
    assert all(f.step != "keep-on-file" for f in plan.followups)


@PROPERTY_SETTINGS
@given(interviews())
def test_who_gets_what(interview: Interview) -> None:
    """Thank-yous go to everyone, check-ins to the contact, LinkedIn only to those who may."""
    plan = plan_interview(interview)
    everyone = sorted(person.name for person in interview.interviewers)
    assert sorted(f.person.name for f in steps(plan, "thank-you") if f.person) == everyone
    for check_in in steps(plan, "check-in"):
        assert check_in.person == interview.contact
    for step in ("debrief", "move-on"):
        assert all(f.person is None for f in steps(plan, step))
    if interview.policy in {"standard", "biweekly"}:
        notes = sorted(f.person.name for f in steps(plan, "handwritten-note") if f.person)
        assert notes == everyone
    if interview.policy == "standard":
        allowed = [p for p in interview.interviewers if p.linkedin and p.linkedin_ok is not False]
    elif interview.policy == "biweekly":
        allowed = [p for p in interview.interviewers if p.linkedin and p.linkedin_ok is True]
    else:
        allowed = []
    linked = sorted(f.person.name for f in steps(plan, "linkedin") if f.person)
    assert linked == sorted(person.name for person in allowed)


@PROPERTY_SETTINGS
@given(interviews())
def test_check_ins_follow_the_policy_options(interview: Interview) -> None:
    """No follow-ups drops every check-in, skip drops its own; the move-on date always stays."""
    plan = plan_interview(interview)
    numbers = {f.number for f in steps(plan, "check-in")}
    if interview.no_follow_ups:
        expected: set[int] = set()
    else:
        expected = {
            n for n in CHECK_IN_NUMBERS[interview.policy] if f"check-in-{n}" not in interview.skip
        }
    assert numbers == expected
    assert len(steps(plan, "move-on")) == 1
    assert len(steps(plan, "debrief")) == (1 if interview.policy == "deadline" else 0)
    same_day = [f for f in steps(plan, "thank-you") if f.start is not None]
    if interview.policy in SAME_DAY_THANK_YOU:
        assert len(same_day) == len(interview.interviewers)
    else:
        assert same_day == []
