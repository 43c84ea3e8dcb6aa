"""From a plan to the stored events: which planned events are still wanted, and what changed.

Every event keeps its UID for life (the tracker id is the interview's key); an event
whose content changes gets SEQUENCE + 1 and a new stamp. An event that is no longer
wanted is cancelled (SEQUENCE + 1) and stays in the feed for 30 days after the date it
ended on, so clients that have it remove it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from afterview.core.cadence import spacing_problem
from afterview.core.planner import make_plan
from afterview.core.policy import Policy
from afterview.errors import PolicyError
from afterview.formats.eventcodec import encode_followup, stamp_of, timeline_key, uid_for
from afterview.model import FollowUp, Interviewer, Me, Plan, short_date
from afterview.policies import get_policy
from afterview.tracker.records import (
    HANDLED,
    OPEN_OUTCOMES,
    TIMELINE_STEPS,
    Changes,
    action_of,
    interview_of,
)
from afterview.tracker.store import EventRow, InterviewRow, Store


@dataclass(frozen=True)
class _Want:
    followup: FollowUp
    uid: str
    timeline: int
    cadence: bool
    cancel_on: dt.date | None  # ended by an outcome on this date


def utc_day(now: dt.datetime) -> dt.date:
    stamp_of(now)  # refuses a naive datetime
    return now.astimezone(dt.UTC).date()


def plan_for(
    row: InterviewRow, me: Me | None, events: list[EventRow] | None = None
) -> tuple[Plan, Policy]:
    """The plan the tracker wants for a row: the file's, or one from the latest timeline.

    The dates the user moved ``events`` to are kept, and later steps count from them.
    """
    interview = interview_of(row)
    outcome, news = row.outcome, row.outcome_on
    policy = get_policy(interview.policy)
    pins = {
        (e.label, e.person): e.pinned
        for e in events or ()
        if e.pinned is not None
        and e.status == "planned"
        and (e.step not in TIMELINE_STEPS or e.timeline == row.timeline)
    }
    if row.timeline == 0 or row.decision is None or row.decision_on is None:
        made = make_plan(interview, policy, me, outcome=outcome, news=news, pins=pins)
        return made, policy
    # A new timeline is read from the day they said it (the news), not the interview day.
    plan = make_plan(
        interview,
        policy,
        me,
        decision=row.decision,
        decision_on=row.decision_on,
        outcome=outcome,
        news=news,
        pins=pins,
    )
    return plan, policy


def _pinned(followup: FollowUp, day: dt.date) -> FollowUp:
    if followup.date == day:
        return followup
    start = dt.datetime.combine(day, followup.start.time()) if followup.start else None
    reason = f"you moved it here from {short_date(followup.date)}, where the plan had it: "
    return followup._replace(date=day, start=start, reason=reason + followup.reason)


def _same_person(one: Interviewer, other: Interviewer) -> bool:
    """The same person in two rounds: by profile, by address, or by name."""
    if one.linkedin and other.linkedin:
        return one.linkedin.rstrip("/").casefold() == other.linkedin.rstrip("/").casefold()
    if one.email and other.email and one.email.casefold() == other.email.casefold():
        return True
    return one.name.strip().casefold() == other.name.strip().casefold()


def asked_on_linkedin(store: Store, row: InterviewRow) -> list[Interviewer]:
    """People an earlier round of this application already has a LinkedIn request for."""
    asked: list[Interviewer] = []
    seen = {row.id}
    earlier_id = row.round_of
    while earlier_id is not None and earlier_id not in seen:
        seen.add(earlier_id)
        earlier = store.get_interview(earlier_id)
        if earlier is None:
            break
        names = {
            (e.person or "").casefold()
            for e in store.events_of(earlier.id)
            if e.step == "linkedin" and e.status in ("planned", "done")
        }
        people = interview_of(earlier).interviewers
        asked += [p for p in people if p.name.strip().casefold() in names]
        earlier_id = earlier.round_of
    return asked


def _wants(
    row: InterviewRow,
    plan: Plan,
    policy: Policy,
    existing: dict[str, EventRow],
    asked: list[Interviewer] | None = None,
    renamed: dict[str, str] | None = None,
) -> dict[str, _Want]:
    # A person's events keep the UID they were first given, even after their name is
    # corrected: look them up by step and person when the name-made UID is new.
    by_person = {
        (e.step, e.number, e.timeline, (e.person or "").casefold()): e.uid
        for e in existing.values()
        if e.person
    }
    counted = {s.step for s in policy.steps if s.in_cadence}
    ending = row.outcome not in OPEN_OUTCOMES and row.outcome_on is not None
    news = row.outcome_on or dt.date.max
    wants: dict[str, _Want] = {}
    for followup in plan.followups:
        person = followup.person
        if (
            followup.step == "linkedin"
            and person is not None
            and any(_same_person(person, other) for other in asked or ())
        ):
            continue  # one request per person: an earlier round already asks them
        timeline = row.timeline if followup.step in TIMELINE_STEPS else 0
        if timeline and row.decision_on is not None and followup.date < row.decision_on:
            continue  # a custom policy counting from the interview: that day is past the news
        uid = uid_for(timeline_key(row.id, timeline), followup)
        if uid not in existing and followup.per_person and person is not None:
            name = person.name.strip().casefold()
            for known in (name, (renamed or {}).get(name, name)):
                uid = by_person.get((followup.step, followup.number, timeline, known), uid)
        old = existing.get(uid)
        if old is not None and old.pinned is not None:
            followup = _pinned(followup, old.pinned)
        cancel_on = None
        if ending and followup.step in TIMELINE_STEPS and followup.date >= news:
            cancel_on = news
        wants[uid] = _Want(followup, uid, timeline, followup.step in counted, cancel_on)
    return wants


def _event_row(
    interview_id: str, want: _Want, data: str, sequence: int, stamp: str, pinned: dt.date | None
) -> EventRow:
    followup = want.followup
    return EventRow(
        uid=want.uid,
        interview_id=interview_id,
        step=followup.step,
        number=followup.number,
        label=followup.label,
        person=followup.person.name if followup.person else None,
        date=followup.date,
        start=followup.start.isoformat() if followup.start else None,
        status="planned",
        sequence=sequence,
        changed=stamp,
        data=data,
        pinned=pinned,
        timeline=want.timeline,
        cadence=want.cadence,
    )


def _cancel(event: EventRow, ended: dt.date, stamp: str) -> EventRow:
    return replace(
        event, status="cancelled", sequence=event.sequence + 1, changed=stamp, ended=ended
    )


def reconcile(
    store: Store,
    row: InterviewRow,
    now: dt.datetime,
    me: Me | None,
    doing: str,
    advice: str = "",
    *,
    rezoned: bool = False,
    renamed: dict[str, str] | None = None,
) -> Changes:
    """Make the stored events of ``row`` match its plan and state; refuse a rule-4 break.

    ``rezoned`` says the interview's time zone changed, which moves every timed event.
    ``renamed`` maps a person's corrected name to the one their events were stored under
    (both casefolded), so their events keep their UIDs.
    """
    stamp = stamp_of(now)
    stored = store.events_of(row.id)
    plan, policy = plan_for(row, me, stored)
    existing = {e.uid: e for e in stored}
    wants = _wants(row, plan, policy, existing, asked_on_linkedin(store, row), renamed)
    added: list[EventRow] = []
    changed: list[EventRow] = []
    cancelled: list[EventRow] = []
    for want in wants.values():
        old = existing.get(want.uid)
        data = encode_followup(want.followup)
        if old is None:
            if want.cancel_on is None:  # an ended event never shown needs no withdrawal
                added.append(_event_row(row.id, want, data, 0, stamp, None))
        elif old.status in HANDLED:
            continue  # what the user handled stays as they saw it
        elif want.cancel_on is not None:
            if old.status == "planned":
                cancelled.append(_cancel(old, want.cancel_on, stamp))
        elif old.status == "cancelled" or old.data != data or (rezoned and old.start is not None):
            changed.append(_event_row(row.id, want, data, old.sequence + 1, stamp, old.pinned))
    for old in existing.values():
        if old.uid in wants or old.status != "planned":
            continue
        superseded = old.step in TIMELINE_STEPS and old.timeline < row.timeline
        if superseded and row.decision_on is not None:
            if old.date < row.decision_on:
                continue  # before the new timeline: it belongs to what already happened
            cancelled.append(_cancel(old, row.decision_on, stamp))
        else:
            cancelled.append(_cancel(old, utc_day(now), stamp))
    store.put_events([*added, *changed, *cancelled])
    final = {**existing, **{e.uid: e for e in (*added, *changed, *cancelled)}}
    problem = spacing_problem(
        contact_of(e) for e in final.values() if e.cadence and e.status in ("planned", "done")
    )
    if problem:
        if advice:
            raise PolicyError(f"{row.id}: {doing} would break rule 4: it {problem}; {advice}")
        raise PolicyError(
            f"{row.id}: {doing} would break rule 4: it {problem}; move or skip one of them first",
            hint=f"afterview move {row.id} STEP DATE, afterview skip {row.id} STEP",
        )
    return Changes(
        added=tuple(action_of(e, row) for e in added),
        changed=tuple(action_of(e, row) for e in changed),
        cancelled=tuple(action_of(e, row) for e in cancelled),
    )


def contact_of(event: EventRow, prefix: str = "") -> FollowUp:
    return FollowUp(step=prefix + event.step, date=event.date, reason="", number=event.number)
