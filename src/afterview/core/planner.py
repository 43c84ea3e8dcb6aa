"""From an interview to a plan: load its policy, open its calendar, read its timeline.

This is the one call the command line and the tracker make; the pieces it joins
(policies, businessdays, timeline, cadence) stay independent of each other.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from afterview.core import cadence
from afterview.core.businessdays import BusinessCalendar, open_calendar
from afterview.core.timeline import resolve
from afterview.errors import InterviewError, PolicyError
from afterview.model import Decision, Interview, Interviewer, Me, Plan
from afterview.policies import Policy, load_policy

# Interviews a custom policy is tried on before it is accepted: every weekday, two
# kinds of weekend, with and without a decision date, and "a few days". A decision on
# the interview day itself (S = I) is tried as that day's ISO date, since "in 0 days"
# is not a phrase the timeline reads.
_TRIAL_COUNTRIES = ("US", "SA")
_TRIAL_START = dt.date(2027, 3, 1)
_TRIAL_PHRASES = (None, "a few days", *(f"in {n} days" for n in (1, 2, 5, 9, 14, 30)))


def make_plan(
    interview: Interview,
    me: Me | None = None,
    *,
    policy: str | None = None,
    decision: str | None = None,
    base: Path | None = None,
    outcome: str | None = None,
    news: dt.date | None = None,
    decision_on: dt.date | None = None,
) -> Plan:
    """The follow-up plan for ``interview``; ``policy`` and ``decision`` override its file.

    ``decision_on`` is the day a new timeline was said (the tracker's news): the phrase
    is then read from that day, and "a few days" means the date it gives, since a wait
    counted from the interview would land before the news.
    """
    if policy is not None:
        interview = interview._replace(policy=policy)
    if decision is not None:
        interview = interview._replace(decision=decision)
    chosen = get_policy(interview.policy, base)
    check_skips(interview, chosen)
    cal = open_calendar(interview.country, interview.subdivision, interview.blackout)
    interview = interview._replace(country=cal.country, subdivision=cal.subdivision)
    if decision_on is None:
        said = resolve(interview.decision, interview.day, cal)
    else:
        said = resolve(interview.decision, decision_on, cal)._replace(few_days=False)
    return cadence.plan(interview, chosen, cal, said, me, outcome=outcome, news=news)


def get_policy(name_or_path: str, base: Path | None = None) -> Policy:
    """A policy by name or path; a custom one is tried against rule 4 first."""
    chosen = load_policy(name_or_path, base)
    if not chosen.built_in:
        check_policy(chosen)
    return chosen


def check_skips(interview: Interview, policy: Policy) -> None:
    """Refuse a ``skip`` entry that names no step of the policy."""
    labels = [s.id for s in policy.steps]
    for entry in interview.skip:
        if entry not in labels:
            raise InterviewError(
                f"skip: '{entry}' is not a step of policy '{policy.name}': "
                f"its steps are {', '.join(labels)}"
            )


def check_policy(policy: Policy) -> None:
    """Refuse a policy that could put check-ins closer together than rule 4 allows."""
    for country in _TRIAL_COUNTRIES:
        cal = _trial_calendar(country)
        for offset in range(7):
            day = _TRIAL_START + dt.timedelta(days=offset)
            for phrase in (*_TRIAL_PHRASES, day.isoformat()):
                trial = _trial_interview(day, country, phrase)
                said = resolve(phrase, day, cal)
                try:
                    cadence.plan(trial, policy, cal, said)
                except PolicyError as error:
                    line = _breaking_line(policy, trial, cal, said)
                    place = f"{policy.source}, line {line}" if line else policy.source
                    raise PolicyError(
                        f"{place}: {error} (tried with an interview on "
                        f"{day:%a} {day.day} {day:%b %Y} in {country}"
                        + (f", decision '{phrase}'" if phrase else "")
                        + ")"
                    ) from None


def _breaking_line(policy: Policy, trial: Interview, cal: BusinessCalendar, said: Decision) -> int:
    """The line of the first step that breaks rule 4 (steps only count from steps above)."""
    for count in range(1, len(policy.steps) + 1):
        try:
            cadence.plan(trial, policy._replace(steps=policy.steps[:count]), cal, said)
        except PolicyError:
            return policy.steps[count - 1].line
    return policy.steps[-1].line


@lru_cache(maxsize=4)
def _trial_calendar(country: str) -> BusinessCalendar:
    return open_calendar(country)


def _trial_interview(day: dt.date, country: str, phrase: str | None) -> Interview:
    start = dt.datetime.combine(day, dt.time(10, 0))
    return Interview(
        company="Trial",
        role="Trial",
        start=start,
        end=start + dt.timedelta(hours=1),
        timezone="UTC",
        country=country,
        interviewers=(
            Interviewer("Trial Person", linkedin="https://example.org", linkedin_ok=True),
        ),
        decision=phrase,
    )


def resolve_for(interview: Interview) -> Decision:
    """S for an interview, on its employer's calendar."""
    cal = open_calendar(interview.country, interview.subdivision)
    return resolve(interview.decision, interview.day, cal)
