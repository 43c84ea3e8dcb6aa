"""From an interview and its policy to a plan: open its calendar, read its timeline, plan.

The pieces it joins (businessdays, timeline, cadence) stay independent of each other;
the policy comes in as a value (policies/ loads it by name or path).
"""

from __future__ import annotations

import datetime as dt

from afterview.core import cadence
from afterview.core.businessdays import open_calendar
from afterview.core.policy import Policy
from afterview.core.timeline import resolve
from afterview.errors import InterviewError
from afterview.model import Interview, Me, Plan


def make_plan(
    interview: Interview,
    policy: Policy,
    me: Me | None = None,
    *,
    decision: str | None = None,
    outcome: str | None = None,
    news: dt.date | None = None,
    decision_on: dt.date | None = None,
) -> Plan:
    """The follow-up plan for ``interview`` under ``policy``; ``decision`` overrides its file.

    ``decision_on`` is the day a new timeline was said (the tracker's news): the phrase
    is then read from that day, and "a few days" means the date it gives, since a wait
    counted from the interview would land before the news.
    """
    if decision is not None:
        interview = interview._replace(decision=decision)
    check_skips(interview, policy)
    cal = open_calendar(interview.country, interview.subdivision, interview.blackout)
    interview = interview._replace(country=cal.country, subdivision=cal.subdivision)
    if decision_on is None:
        said = resolve(interview.decision, interview.day, cal)
    else:
        said = resolve(interview.decision, decision_on, cal)._replace(few_days=False)
    # A coach plans for someone else: the drafts go out in the candidate's name, never
    # signed with the coach's own settings.
    signer = interview.signer or me
    return cadence.plan(interview, policy, cal, said, signer, outcome=outcome, news=news)


def check_skips(interview: Interview, policy: Policy) -> None:
    """Refuse a ``skip`` entry that names no step of the policy."""
    labels = [s.id for s in policy.steps]
    for entry in interview.skip:
        if entry not in labels:
            raise InterviewError(
                f"skip: '{entry}' is not a step of policy '{policy.name}': "
                f"its steps are {', '.join(labels)}"
            )
