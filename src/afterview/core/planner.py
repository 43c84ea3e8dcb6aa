"""From an interview and its policy to a plan: open its calendar, read its timeline, plan.

The pieces it joins (businessdays, timeline, cadence) stay independent of each other;
the policy comes in as a value (policies/ loads it by name or path).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from afterview.core import cadence
from afterview.core.businessdays import BusinessCalendar, open_calendar
from afterview.core.localtime import clock_problem
from afterview.core.policy import Policy
from afterview.core.timeline import resolve
from afterview.errors import InterviewError
from afterview.model import Interview, Me, Plan, short_date


def make_plan(
    interview: Interview,
    policy: Policy,
    me: Me | None = None,
    *,
    decision: str | None = None,
    outcome: str | None = None,
    news: dt.date | None = None,
    decision_on: dt.date | None = None,
    pins: Mapping[tuple[str, str | None], dt.date] | None = None,
) -> Plan:
    """The follow-up plan for ``interview`` under ``policy``; ``decision`` overrides its file.

    ``decision_on`` is the day a new timeline was said (the tracker's news): the phrase
    is then read from that day, and "a few days" means the date it gives, since a wait
    counted from the interview would land before the news.
    """
    if decision is not None:
        interview = interview._replace(decision=decision)
    check_skips(interview, policy)
    cal = calendar_for(interview)
    interview = interview._replace(country=cal.country, subdivision=cal.subdivision)
    if decision_on is None:
        said = resolve(interview.decision, interview.day, cal, interview.end)
    else:
        said = resolve(interview.decision, decision_on, cal)._replace(few_days=False)
    if said.date is not None and not cal.is_business_day(said.date):
        # Say so wherever S is shown: a check-in counted from a holiday looks wrong otherwise.
        said = said._replace(off=cal.day_off(said.date))
    # A coach plans for someone else: the drafts go out in the candidate's name, never
    # signed with the coach's own settings.
    signer = interview.signer or me
    made = cadence.plan(interview, policy, cal, said, signer, outcome=outcome, news=news, pins=pins)
    found = [*interview_warnings(interview, cal), *made.warnings]
    last = max((f.date for f in made.followups), default=interview.day)
    gaps = cal.data_gaps(interview.day, last)
    if gaps:
        years = ", ".join(str(y) for y in gaps)
        found.append(
            f"the holiday data has no full list of {cal.country_name()}'s public holidays for "
            f"{years}: dates then may fall on holidays it does not know; add the employer's days "
            "off as 'blackout' dates"
        )
    return made._replace(warnings=tuple(found))


def calendar_for(interview: Interview) -> BusinessCalendar:
    """The business days of the interview's employer, with the user's days off and workdays."""
    return open_calendar(
        interview.country,
        interview.subdivision,
        interview.blackout,
        interview.workdays,
        interview.closures,
    )


def interview_warnings(interview: Interview, cal: BusinessCalendar) -> list[str]:
    """One line each: an interview on the employer's day off, or at a local time DST makes odd."""
    found = []
    off = cal.employer().day_off(interview.day)
    if off:
        found.append(
            f"the interview on {short_date(interview.day)} {interview.day.year} falls on {off}: "
            "check the date"
        )
    for what, moment in (("starts", interview.start), ("ends", interview.end)):
        problem = clock_problem(moment, interview.timezone)
        if problem == "skipped":
            found.append(
                f"the interview {what} at {moment:%H:%M} on {short_date(moment.date())}, a time "
                f"the clocks skip in {interview.timezone} (daylight saving time starts): "
                "check the time"
            )
        elif problem == "twice":
            found.append(
                f"the interview {what} at {moment:%H:%M} on {short_date(moment.date())}, a time "
                f"that happens twice in {interview.timezone} (daylight saving time ends): "
                "calendars read it as the first"
            )
    return found


def check_skips(interview: Interview, policy: Policy) -> None:
    """Refuse a ``skip`` entry that names no step of the policy."""
    labels = [s.id for s in policy.steps]
    for entry in interview.skip:
        if entry not in labels:
            raise InterviewError(
                f"skip: '{entry}' is not a step of policy '{policy.name}': "
                f"its steps are {', '.join(labels)}"
            )
