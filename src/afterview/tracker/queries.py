"""What the tracker shows: the interviews, the actions coming up, clashes between employers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from afterview.core import cadence
from afterview.core.cadence import spacing_problem
from afterview.errors import TrackerError
from afterview.tracker.reconcile import contact_of
from afterview.tracker.records import (
    OPEN_OUTCOMES,
    OVERDUE_DAYS,
    Agenda,
    Tracked,
    action_of,
    get_row,
    interview_of,
    make_action,
)
from afterview.tracker.store import InterviewRow, Store, key_of


def list_interviews(
    store: Store, *, today: dt.date, include_all: bool = False, candidate: str | None = None
) -> list[Tracked]:
    """Open interviews (or all) with their next action; rounds of one application together."""
    with store.read():
        rows = store.interviews(candidate)
        # The earliest open action, even a missed one: it is still the next thing to do.
        upcoming = store.next_planned(dt.date.min)
    chains = _chains(rows)
    by_id = {r.id: r for r in rows}
    found: list[tuple[tuple[dt.date, str, int], Tracked]] = []
    for row in rows:
        if not include_all and row.outcome not in OPEN_OUTCOMES:
            continue
        chain = chains[row.id]
        interview = interview_of(row)
        event = upcoming.get(row.id)
        tracked = Tracked(
            id=row.id,
            company=row.company,
            role=row.role,
            candidate=row.candidate,
            start=interview.start,
            timezone=interview.timezone,
            policy=interview.policy,
            decision=row.decision if row.timeline else interview.decision,
            outcome=row.outcome,
            outcome_on=row.outcome_on,
            round=chain.index(row.id) + 1,
            application=chain[0],
            rounds=chain,
            next_action=action_of(event, row) if event else None,
            next_overdue=event is not None and event.date < today,
        )
        found.append(((by_id[chain[0]].day, chain[0], tracked.round), tracked))
    found.sort(key=lambda pair: pair[0])
    return [tracked for _, tracked in found]


def _chains(rows: list[InterviewRow]) -> dict[str, tuple[str, ...]]:
    """Each interview's application: the ids of its rounds, first round first."""
    by_id = {r.id: r for r in rows}
    later = {r.round_of: r.id for r in rows if r.round_of in by_id}
    chains: dict[str, tuple[str, ...]] = {}
    for row in rows:
        first = row
        seen = {row.id}
        while first.round_of in by_id and first.round_of not in seen:
            first = by_id[first.round_of]
            seen.add(first.id)
        chain = [first.id]
        while chain[-1] in later and later[chain[-1]] not in chain:
            chain.append(later[chain[-1]])
        chains[row.id] = tuple(chain)
    return chains


def next_actions(
    store: Store, *, today: dt.date, days: int = 7, candidate: str | None = None
) -> Agenda:
    """What to do today and in the coming ``days`` days, across interviews.

    Open actions of the last two weeks that were neither done nor skipped come first:
    a missed thank-you is still worth sending, and `next` should not forget it.
    """
    if days < 0:
        raise TrackerError(f"days must be 0 or more, not {days}", hint="--days")
    with store.read():
        first = today - dt.timedelta(days=OVERDUE_DAYS)
        rows = store.agenda(first, today + dt.timedelta(days=days), candidate)
        warnings = company_warnings(store, today=today, candidate=candidate)
    found = [make_action(r.event, r.company, r.role, r.candidate) for r in rows]
    found.sort(key=lambda a: (a.date, a.time or dt.time.max, a.company, a.label, a.person or ""))
    return Agenda(actions=tuple(found), warnings=tuple(warnings))


def company_warnings(store: Store, *, today: dt.date, candidate: str | None = None) -> list[str]:
    """Rule-4 clashes between open interviews at the same company (for the same person)."""
    recent = today - dt.timedelta(days=cadence.WINDOW_DAYS - 1)
    rows = store.agenda(recent, None, candidate, ("planned", "done"), cadence_only=True)
    groups: dict[tuple[str | None, str], list[Any]] = {}
    for r in rows:
        if r.outcome not in OPEN_OUTCOMES:
            continue
        if r.event.status == "planned" and r.event.date < today:
            continue  # a past open check-in: it happened or it did not, nothing to space
        groups.setdefault((key_of(r.candidate), r.company.strip().casefold()), []).append(r)
    warnings: list[str] = []
    for group in groups.values():
        ids = sorted({r.event.interview_id for r in group})
        if len(ids) < 2:
            continue
        problem = spacing_problem(contact_of(r.event, f"{r.event.interview_id} ") for r in group)
        if problem:
            who = f" ({group[0].candidate})" if group[0].candidate else ""
            warnings.append(
                f"{group[0].company}{who}: planning {', '.join(ids)} together {problem}; "
                "move one with afterview move ID STEP DATE"
            )
    return warnings


def interview_text(store: Store, interview_id: str) -> str:
    """The stored interview in the public TOML format (its ``id`` line included), to edit."""
    return get_row(store, interview_id).toml
