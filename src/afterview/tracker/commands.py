"""The commands that change the tracker: add, edit, remove, status, done, skip, move.

No click and no clock here: functions that write take ``now`` (an aware datetime, the
DTSTAMP of whatever changes). Each command finds its rows, changes them and lets
``reconcile`` decide which planned events are still wanted:

- Any outcome but ``waiting`` ends the open check-ins and the move-on date dated on or
  after the news. ``waiting`` with a new decision timeline starts a fresh run of
  check-ins from that timeline (new events; the open ones of the old run end), while
  check-ins dated before the news and actions you marked done or skipped stay.
- A next round (``add --round-of``) ends the earlier round's open check-ins the same way.
- Dates you chose with ``move`` are kept when the plan is made again; a re-plan that
  would put them closer than rule 4 allows is refused."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from dataclasses import replace
from pathlib import Path

from afterview.core import cadence
from afterview.core.cadence import spacing_problem
from afterview.core.planner import calendar_for
from afterview.core.timeline import resolve
from afterview.errors import PolicyError, TrackerError
from afterview.formats.eventcodec import stamp_of
from afterview.formats.interviewfile import dumps_interview, parse_interview
from afterview.model import Interview, Interviewer, Me, long_date, short_date
from afterview.policies import BUILT_IN, plan_interview
from afterview.tracker.reconcile import contact_of, reconcile, utc_day
from afterview.tracker.records import (
    HANDLED,
    NEXT_ROUND,
    OPEN_OUTCOMES,
    STATUSES,
    TIMELINE_STEPS,
    Action,
    Added,
    Changes,
    action_of,
    get_row,
    interview_of,
)
from afterview.tracker.store import EventRow, InterviewRow, Store, key_of

_ID_TRIES = 20


def _new_id(store: Store) -> str:
    for _ in range(_ID_TRIES):
        candidate = base64.b32encode(secrets.token_bytes(5)).decode("ascii").lower()[:6]
        if store.get_interview(candidate) is None:
            return candidate
    raise TrackerError("could not find a free interview id: try again")


def _read_source(source: str | Interview, where: str, defaults: dict[str, str] | None) -> Interview:
    if isinstance(source, Interview):
        return source
    return parse_interview(source, where, defaults)


def _absolute_policy(interview: Interview, base: Path | None) -> Interview:
    """A custom policy named relative to the interview file, made absolute for later re-plans."""
    if interview.policy in BUILT_IN or base is None:
        return interview
    path = Path(interview.policy).expanduser()
    if path.is_absolute():
        return interview
    return interview._replace(policy=str((base / path).resolve()))


def _row_for(
    interview: Interview, interview_id: str, created: str, old: InterviewRow | None = None
) -> InterviewRow:
    """The stored form of an interview: canonical TOML with the tracker id in it."""
    row = old or InterviewRow(
        id=interview_id,
        toml="",
        company="",
        role="",
        candidate=None,
        day=interview.day,
        created=created,
    )
    return replace(
        row,
        toml=dumps_interview(interview._replace(id=interview_id)),
        company=interview.company,
        role=interview.role,
        candidate=interview.candidate,
        day=interview.day,
        zone=interview.timezone,
    )


def add(
    store: Store,
    source: str | Interview,
    *,
    now: dt.datetime,
    round_of: str | None = None,
    on: dt.date | None = None,
    me: Me | None = None,
    where: str = "interview",
    defaults: dict[str, str] | None = None,
    base: Path | None = None,
) -> Added:
    """Track an interview (TOML text or an Interview); its short id is in the answer.

    ``round_of`` names the earlier round of the same application: its open check-ins
    and move-on dated on or after ``on`` (the day you heard; default: today, UTC) end.
    ``base`` is the interview file's folder, for a custom policy named relative to it.
    """
    interview = _absolute_policy(_read_source(source, where, defaults), base)
    plan = plan_interview(
        interview, me
    )  # every problem with the file shows before anything is saved
    stamp = stamp_of(now)
    with store.write():
        earlier = _earlier_round(store, round_of, interview) if round_of else None
        _refuse_double(store, interview)
        if interview.id is not None:
            if store.get_interview(interview.id) is not None:
                raise TrackerError(
                    f"{where}: id '{interview.id}' is already tracked: change that interview, "
                    "or remove the id line to add a new one",
                    hint=f"afterview edit {interview.id}",
                )
            new_id = interview.id
        else:
            new_id = _new_id(store)
        row = _row_for(interview, new_id, stamp)
        if earlier is not None:
            row = replace(row, round_of=earlier.id)
        store.insert_interview(row)
        changes = reconcile(store, row, now, me, "adding it")
        ended = Changes()
        if earlier is not None:
            heard = on or utc_day(now)
            if heard < earlier.day:
                raise TrackerError(
                    f"the day you heard ({heard.isoformat()}) is before the earlier round "
                    f"({earlier.id}, {earlier.day.isoformat()}): give the day you were invited",
                    hint="--on DATE",
                )
            ended_row = replace(earlier, outcome=NEXT_ROUND, outcome_on=heard)
            store.update_interview(ended_row)
            ended = reconcile(store, ended_row, now, me, "the next round")
    return Added(id=new_id, warnings=plan.warnings, changes=changes, earlier=ended)


def _earlier_round(store: Store, round_of: str, interview: Interview) -> InterviewRow:
    earlier = get_row(store, round_of)
    later = store.later_round(earlier.id)
    if later is not None:
        raise TrackerError(
            f"{earlier.id} already has a next round ({later}): add this one after {later}",
            hint=f"--round-of {later}",
        )
    if earlier.company.strip().casefold() != interview.company.strip().casefold():
        raise TrackerError(
            f"the earlier round {earlier.id} is an interview at {earlier.company}, this one "
            f"is at {interview.company}: rounds of one application share the company name"
        )
    if key_of(earlier.candidate) != key_of(interview.candidate):
        raise TrackerError(
            f"the earlier round {earlier.id} is for candidate {earlier.candidate or '(none)'}, "
            f"this interview for {interview.candidate or '(none)'}: a round belongs to the same "
            "person"
        )
    return earlier


def _refuse_double(store: Store, interview: Interview) -> None:
    for other in store.same_day(interview.company, interview.role, interview.day):
        known = interview_of(other)
        if known.start == interview.start and key_of(known.candidate) == key_of(
            interview.candidate
        ):
            raise TrackerError(
                f"this interview is already tracked as {other.id} (same company, role and "
                "start): change that one instead",
                hint=f"afterview edit {other.id}",
            )


def edit(
    store: Store,
    interview_id: str,
    source: str | Interview,
    *,
    now: dt.datetime,
    me: Me | None = None,
    where: str = "interview",
    defaults: dict[str, str] | None = None,
    base: Path | None = None,
) -> Changes:
    """Replace an interview's description and re-plan it; UIDs stay, changed events bump."""
    interview = _absolute_policy(_read_source(source, where, defaults), base)
    with store.write():
        row = get_row(store, interview_id)
        if interview.id is not None and interview.id != row.id:
            raise TrackerError(
                f"{where}: id is '{interview.id}' but you are editing {row.id}: set "
                f'id = "{row.id}" or remove the id line'
            )
        updated = _row_for(interview, row.id, row.created, row)
        # A timed event keeps its local time in its data; in another zone it is another
        # instant, so it changes even when its data does not.
        before = interview_of(row)
        rezoned = before.timezone != interview.timezone
        renamed = renames(before.interviewers, interview.interviewers)
        store.update_interview(updated)
        if key_of(updated.candidate) != key_of(row.candidate):
            # Events leave that candidate's feed without a stamp of their own.
            store.set_meta("feed_changed", stamp_of(now))
        return reconcile(store, updated, now, me, "this edit", rezoned=rezoned, renamed=renamed)


def renames(old: tuple[Interviewer, ...], new: tuple[Interviewer, ...]) -> dict[str, str]:
    """Corrected names: each new name (casefolded) mapped to the old name of the same person.

    A person is the same when their e-mail address is, or else when they stand at the
    same place in the list and their old name has gone from it.
    """
    key = str.casefold
    old_names = {key(p.name.strip()) for p in old}
    new_names = {key(p.name.strip()) for p in new}
    gone = [p for p in old if key(p.name.strip()) not in new_names]
    found: dict[str, str] = {}
    for index, person in enumerate(new):
        name = key(person.name.strip())
        if name in old_names:
            continue
        match = next(
            (p for p in gone if p.email and person.email and key(p.email) == key(person.email)),
            None,
        )
        if match is None and index < len(old) and old[index] in gone:
            match = old[index]
        if match is not None:
            gone.remove(match)
            found[name] = key(match.name.strip())
    return found


def remove(store: Store, interview_id: str, *, now: dt.datetime, me: Me | None = None) -> None:
    """Stop tracking an interview; its events leave the feed at the next refresh."""
    with store.write():
        row = get_row(store, interview_id)
        store.delete_interview(row.id)
        store.set_meta("feed_changed", stamp_of(now))
        if row.round_of is None:
            return
        earlier = store.get_interview(row.round_of)
        if earlier is not None and earlier.outcome == NEXT_ROUND:
            reopened = replace(earlier, outcome=None, outcome_on=None)
            store.update_interview(reopened)
            reconcile(store, reopened, now, me, "reopening the earlier round")


def set_status(
    store: Store,
    interview_id: str,
    outcome: str,
    *,
    on: dt.date,
    now: dt.datetime,
    decision: str | None = None,
    me: Me | None = None,
) -> Changes:
    """Record what happened on ``on``: replied, rejected, offer, withdrawn or waiting.

    Anything but ``waiting`` ends the open check-ins and the move-on dated on or after
    ``on``. ``waiting`` reopens an ended interview; with ``decision`` ("by Dec 10",
    resolved against ``on``) it plans fresh check-ins and a move-on from that timeline.
    """
    outcome = outcome.strip().lower()
    if outcome not in STATUSES:
        raise TrackerError(f"unknown status '{outcome}': use one of {', '.join(STATUSES)}")
    if decision is not None and outcome != "waiting":
        raise TrackerError(
            "a new decision timeline goes with the status waiting",
            hint="afterview status ID waiting --decision 'by Dec 10'",
        )
    with store.write():
        row = get_row(store, interview_id)
        if on < row.day:
            raise TrackerError(
                f"the day of the news ({on.isoformat()}) is before the interview "
                f"({row.day.isoformat()}): give the day you heard from them",
                hint="--on DATE",
            )
        updated = replace(row, outcome=outcome, outcome_on=on)
        doing = f"recording '{outcome}'"
        if decision is not None:
            said = _new_timeline(row, decision, on)
            updated = replace(updated, decision=said, decision_on=on, timeline=row.timeline + 1)
            doing = f"the new timeline '{said}'"
        store.update_interview(updated)
        return reconcile(store, updated, now, me, doing)


def _new_timeline(row: InterviewRow, phrase: str, on: dt.date) -> str:
    interview = interview_of(row)
    cal = calendar_for(interview)
    said = resolve(phrase, on, cal)
    if said.date is None or said.phrase is None:
        raise TrackerError(
            f"the timeline '{phrase}' gives no date: say when they expect to decide, like "
            "'by Dec 10' or 'in two weeks', or give none if they gave no date",
            hint="--decision",
        )
    return said.phrase


def _find(
    events: list[EventRow], interview_id: str, step: str, person: str | None
) -> list[EventRow]:
    wanted = step.strip()
    matches = [e for e in events if e.uid == wanted] or [e for e in events if e.label == wanted]
    if not matches:
        labels = sorted({e.label for e in events})
        raise TrackerError(
            f"{interview_id} has no step '{step}': its steps are {', '.join(labels)}"
        )
    if person is not None:
        key = person.strip().casefold()
        named = [e for e in matches if e.person and e.person.casefold() == key]
        if not named:
            people = sorted({e.person for e in matches if e.person})
            raise TrackerError(
                f"{interview_id} {wanted} is not for '{person}'"
                + (f": it is for {', '.join(people)}" if people else "")
            )
        matches = named
    live = [e for e in matches if e.status != "cancelled"] or matches
    latest = max(e.timeline for e in live)
    return [e for e in live if e.timeline == latest]


def mark(
    store: Store,
    interview_id: str,
    step: str,
    status: str,
    *,
    person: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Action, ...]:
    """Mark an action done or skipped (every person's, unless ``person`` says whose).

    Given ``now``, a skipped action also leaves the calendars: the feed and pushes show
    it cancelled with a higher SEQUENCE, as an ended check-in. Without it, a skipped
    action stays in the calendars (the user asked to keep it there).
    """
    if status not in HANDLED:
        raise ValueError(f"status must be one of {HANDLED}")
    with store.write():
        row = get_row(store, interview_id)
        matches = _find(store.events_of(row.id), row.id, step, person)
        gone = [e for e in matches if e.status == "cancelled"]
        if gone:
            ended = gone[0].ended.isoformat() if gone[0].ended else "earlier"
            raise TrackerError(
                f"{row.id} {gone[0].label} was cancelled ({ended}): there is nothing left to do"
            )
        if status == "skipped" and now is not None:
            store.withdraw_events([e.uid for e in matches], stamp_of(now), utc_day(now))
        else:
            store.set_event_status([e.uid for e in matches], status)
        return tuple(action_of(replace(e, status=status), row) for e in matches)


def done(
    store: Store, interview_id: str, step: str, *, person: str | None = None
) -> tuple[Action, ...]:
    """Mark an action done, so ``next`` stops showing it."""
    return mark(store, interview_id, step, "done", person=person)


def skip(
    store: Store,
    interview_id: str,
    step: str,
    *,
    person: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Action, ...]:
    """Mark an action skipped, so ``next`` stops showing it (and, given ``now``, so it
    leaves the calendars)."""
    return mark(store, interview_id, step, "skipped", person=person, now=now)


def move(
    store: Store,
    interview_id: str,
    step: str,
    day: dt.date,
    *,
    now: dt.datetime,
    me: Me | None = None,
    person: str | None = None,
    today: dt.date | None = None,
) -> Action:
    """Put one action on a date you chose; kept on re-plans, refused if it breaks a rule."""
    with store.write():
        row = get_row(store, interview_id)
        matches = _find(store.events_of(row.id), row.id, step, person)
        if len(matches) > 1:
            people = ", ".join(e.person or "you" for e in matches)
            raise TrackerError(
                f"{row.id} {matches[0].label} is one event per person ({people}): "
                "say whose to move",
                hint="--person NAME",
            )
        event = matches[0]
        if event.status != "planned":
            raise TrackerError(f"{row.id} {event.label} is {event.status}: only open actions move")
        interview = interview_of(row)
        where = f"cannot move {row.id} {event.label} to {long_date(day)}"
        if day < interview.day:
            raise TrackerError(
                f"{where}: that is before the interview ({long_date(interview.day)})"
            )
        if today is not None and day < today:
            raise TrackerError(f"{where}: that is in the past")
        cal = calendar_for(interview)
        if not cal.is_business_day(day):
            why = cal.why_not(day) or "not a business day"
            why = "a weekend day" if why == "weekend" else why
            raise TrackerError(
                f"{where}: it is {why}, not a business day for {interview.company} "
                f"({cal.country}); the next business day is {long_date(cal.roll(day))}"
            )
        ended = row.outcome not in OPEN_OUTCOMES and event.step in TIMELINE_STEPS
        if ended and row.outcome_on is not None and day >= row.outcome_on:
            raise TrackerError(
                f"{where}: the interview ended ({row.outcome}, "
                f"{row.outcome_on.isoformat()}), so no {event.step} after that"
            )
        store.set_pin(event.uid, day)
        doing = f"moving {event.label} to {short_date(day)}"
        reconcile(store, row, now, me, doing, "choose another date")
        moved = next(e for e in store.events_of(row.id) if e.uid == event.uid)
        _refuse_out_of_order(store, row, where)
        _refuse_company_clash(store, row, moved, where)
        return action_of(moved, row)


def _refuse_out_of_order(store: Store, row: InterviewRow, where: str) -> None:
    """Refuse a plan where an open check-in falls on or after the move-on date."""
    open_events = [e for e in store.events_of(row.id) if e.status == "planned"]
    endings = [e for e in open_events if e.step == "move-on"]
    if not endings:
        return
    ending = min(endings, key=lambda e: e.date)
    for event in sorted(open_events, key=lambda e: e.date):
        if event.step == "check-in" and event.date >= ending.date:
            raise TrackerError(
                f"{where}: {event.label} ({short_date(event.date)}) would not come before "
                f"the move-on date ({short_date(ending.date)}); move the move-on date later "
                "first, or skip the check-in"
            )


def _refuse_company_clash(store: Store, row: InterviewRow, moved: EventRow, where: str) -> None:
    """Refuse a moved check-in that rule 4 forbids beside another interview at the company."""
    if not moved.cadence:
        return
    week = dt.timedelta(days=cadence.WINDOW_DAYS)
    near = [
        r
        for r in store.agenda(
            moved.date - week, moved.date + week, row.candidate, ("planned", "done"), True
        )
        if r.outcome in OPEN_OUTCOMES and _same_company(r.company, row.company)
    ]
    if row.candidate is None:
        near = [r for r in near if r.candidate is None]
    if len({r.event.interview_id for r in near}) < 2:
        return
    with_it = spacing_problem(contact_of(r.event, f"{r.event.interview_id} ") for r in near)
    without = spacing_problem(
        contact_of(r.event, f"{r.event.interview_id} ") for r in near if r.event.uid != moved.uid
    )
    if with_it and not without:
        raise PolicyError(f"{where}: with your other interviews at {row.company}, it {with_it}")


def _same_company(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()
