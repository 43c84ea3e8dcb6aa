"""The spacing trial: a custom policy is planned for many interviews before it is accepted.

Every weekday, two kinds of weekend, with and without a decision date and "a few
days": a policy that puts two check-ins closer than rule 4 allows on any of them is
refused, naming the line of the step that breaks it.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from afterview.core import cadence
from afterview.core.businessdays import BusinessCalendar, open_calendar
from afterview.core.policy import Policy
from afterview.core.timeline import resolve
from afterview.errors import PolicyError
from afterview.model import Decision, Interview, Interviewer

# Interviews a custom policy is tried on before it is accepted: every weekday, two
# kinds of weekend, with and without a decision date, and "a few days". A decision on
# the interview day itself (S = I) is tried as that day's ISO date, since "in 0 days"
# is not a phrase the timeline reads.
_TRIAL_COUNTRIES = ("US", "SA")


_TRIAL_START = dt.date(2027, 3, 1)


_TRIAL_PHRASES = (None, "a few days", *(f"in {n} days" for n in (1, 2, 5, 9, 14, 30)))


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
