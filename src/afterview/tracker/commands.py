"""The tracker: the interviews you are waiting on, their dated actions, and what happened.

No click and no clock here. Functions that write take ``now`` (an aware datetime: the
DTSTAMP of whatever changes); queries take ``today``. Plans come from planner; this
module decides which planned event is still wanted and records what changed, so a
calendar subscribed to the feed updates instead of nagging:

- Every event keeps its UID for life (``ics.uid_for`` with the tracker id as the
  interview's key); an event whose content changes gets SEQUENCE + 1 and a new stamp.
- An event that is no longer wanted is cancelled (SEQUENCE + 1) and stays in the feed
  for 30 days after the date it ended on, so clients that have it remove it.
- Any outcome but ``waiting`` ends the open check-ins and the move-on date dated on or
  after the news. ``waiting`` with a new decision timeline starts a fresh run of
  check-ins from that timeline (new events; the open ones of the old run end), while
  check-ins dated before the news and actions you marked done or skipped stay.
- A next round (``add --round-of``) ends the earlier round's open check-ins the same way.
- Dates you chose with ``move`` are kept when the plan is made again; a re-plan that
  would put them closer than rule 4 allows is refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import io
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from afterview.core import cadence
from afterview.core.businessdays import open_calendar
from afterview.core.planner import get_policy, make_plan
from afterview.core.timeline import resolve
from afterview.errors import AfterviewError, PolicyError, TrackerError
from afterview.formats.ics import uid_for
from afterview.formats.interviewfile import dumps_interview, parse_interview
from afterview.formats.jsonstream import JSONStreamError, ObjectReader, TextSource
from afterview.model import Draft, FollowUp, Interview, Interviewer, Me, Plan, long_date, short_date
from afterview.policies import BUILT_IN, Policy
from afterview.tracker.store import EventRow, InterviewRow, Store, key_of

STATUSES = ("replied", "rejected", "offer", "withdrawn", "waiting")
NEXT_ROUND = "next-round"  # recorded on an earlier round when a later one is added
OPEN_OUTCOMES = (None, "waiting")
OVERDUE_DAYS = 14  # how far back `next` looks for open actions not yet done or skipped
TIMELINE_STEPS = frozenset({"check-in", "move-on"})
HANDLED = ("done", "skipped")
GRACE_DAYS = 30
TOKEN_BYTES = 24  # 192 bits
EXPORT_FORMAT = "afterview-tracker"
EXPORT_VERSION = 1
_ID_TRIES = 20


# ---------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Action:
    """One dated action of a tracked interview, as list, next and the CLI show it."""

    interview_id: str
    uid: str
    label: str
    step: str
    number: int
    person: str | None
    date: dt.date
    time: dt.time | None
    title: str
    reason: str
    status: str
    sequence: int
    company: str
    role: str
    candidate: str | None
    moved: bool

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with stable keys."""
        return {
            "id": self.interview_id,
            "uid": self.uid,
            "label": self.label,
            "step": self.step,
            "number": self.number or None,
            "person": self.person,
            "date": self.date.isoformat(),
            "weekday": f"{self.date:%A}",
            "time": f"{self.time:%H:%M}" if self.time else None,
            "title": self.title,
            "why": self.reason,
            "status": self.status,
            "sequence": self.sequence,
            "company": self.company,
            "role": self.role,
            "candidate": self.candidate,
            "moved": self.moved,
        }


@dataclass(frozen=True)
class Tracked:
    """One tracked interview with its place among the rounds of its application."""

    id: str
    company: str
    role: str
    candidate: str | None
    start: dt.datetime
    timezone: str
    policy: str
    decision: str | None
    outcome: str | None
    outcome_on: dt.date | None
    round: int
    application: str
    rounds: tuple[str, ...]
    next_action: Action | None

    @property
    def is_open(self) -> bool:
        """Whether you are still waiting to hear (no outcome, or ``waiting``)."""
        return self.outcome in OPEN_OUTCOMES

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with stable keys."""
        return {
            "id": self.id,
            "company": self.company,
            "role": self.role,
            "candidate": self.candidate,
            "start": self.start.isoformat(),
            "timezone": self.timezone,
            "policy": self.policy,
            "decision": self.decision,
            "outcome": self.outcome,
            "outcome_on": self.outcome_on.isoformat() if self.outcome_on else None,
            "open": self.is_open,
            "round": self.round,
            "application": self.application,
            "rounds": list(self.rounds),
            "next": self.next_action.as_dict() if self.next_action else None,
        }


@dataclass(frozen=True)
class Agenda:
    """What ``next`` shows: actions in date order, and rule-4 warnings across interviews."""

    actions: tuple[Action, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Changes:
    """What a write did to the calendar: new events, changed ones, cancelled ones."""

    added: tuple[Action, ...] = ()
    changed: tuple[Action, ...] = ()
    cancelled: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Added:
    """A newly tracked interview: its id, the plan's warnings, and any earlier round's ends."""

    id: str
    warnings: tuple[str, ...]
    changes: Changes
    earlier: Changes


@dataclass(frozen=True)
class Imported:
    """The interview ids an import added, and those it left alone because they exist."""

    added: tuple[str, ...]
    skipped: tuple[str, ...]


@dataclass(frozen=True)
class FeedScope:
    """Whose feed a token opens: everyone's (None) or one candidate's."""

    candidate: str | None


@dataclass(frozen=True)
class _Want:
    followup: FollowUp
    uid: str
    timeline: int
    cadence: bool
    cancel_on: dt.date | None  # ended by an outcome on this date


# ---------------------------------------------------------------------------- helpers


def stamp_of(now: dt.datetime) -> str:
    """``now`` as the UTC stamp events carry (DTSTAMP), to the second."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (use datetime.now(datetime.UTC))")
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(stamp: str) -> dt.datetime:
    """A stored UTC stamp back as an aware datetime."""
    return dt.datetime.fromisoformat(stamp).astimezone(dt.UTC)


def _utc_day(now: dt.datetime) -> dt.date:
    stamp_of(now)  # refuses a naive datetime
    return now.astimezone(dt.UTC).date()


def timeline_key(interview_id: str, timeline: int) -> str:
    """The key check-ins of a decision timeline are identified by (ics.uid_for)."""
    return interview_id if timeline == 0 else f"{interview_id}|timeline-{timeline}"


def encode_followup(followup: FollowUp) -> str:
    """A follow-up as canonical JSON, without its status and sequence."""
    person = followup.person
    draft = followup.draft
    data = {
        "step": followup.step,
        "date": followup.date.isoformat(),
        "reason": followup.reason,
        "title": followup.title,
        "number": followup.number,
        "person": None
        if person is None
        else {
            "name": person.name,
            "title": person.title,
            "email": person.email,
            "phone": person.phone,
            "contact": person.contact,
            "linkedin": person.linkedin,
            "linkedin_ok": person.linkedin_ok,
            "topics": list(person.topics),
        },
        "start": followup.start.isoformat() if followup.start else None,
        "minutes": followup.minutes,
        "channel": followup.channel,
        "of": followup.of,
        "per_person": followup.per_person,
        "draft": None
        if draft is None
        else {"subject": draft.subject, "body": draft.body, "to": draft.to},
        "style": followup.style,
        "hint": followup.hint,
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def decode_followup(text: str, status: str = "planned", sequence: int = 0) -> FollowUp:
    """The follow-up ``encode_followup`` wrote, with a status and sequence."""
    data = json.loads(text)
    person = data["person"]
    draft = data["draft"]
    return FollowUp(
        step=str(data["step"]),
        date=dt.date.fromisoformat(data["date"]),
        reason=str(data["reason"]),
        title=str(data["title"]),
        number=int(data["number"]),
        person=None
        if person is None
        else Interviewer(
            name=str(person["name"]),
            title=person["title"],
            email=person["email"],
            phone=person["phone"],
            contact=bool(person["contact"]),
            linkedin=person["linkedin"],
            linkedin_ok=person["linkedin_ok"],
            topics=tuple(str(t) for t in person["topics"]),
        ),
        start=dt.datetime.fromisoformat(data["start"]) if data["start"] else None,
        minutes=int(data["minutes"]),
        channel=str(data["channel"]),
        of=int(data["of"]),
        draft=None if draft is None else Draft(draft["subject"], str(draft["body"]), draft["to"]),
        status=status,
        sequence=sequence,
        style=str(data["style"]),
        hint=str(data["hint"]),
        per_person=bool(data.get("per_person", False)),
    )


def interview_of(row: InterviewRow) -> Interview:
    """The Interview a stored row describes."""
    return parse_interview(row.toml, f"tracked interview {row.id}")


def _get(store: Store, interview_id: str) -> InterviewRow:
    row = store.get_interview(interview_id.strip())
    if row is None:
        known = sorted(store.interview_ids())
        hint = f"tracked ids are {', '.join(known[:10])}" if known else "nothing is tracked yet"
        more = ", ..." if len(known) > 10 else ""
        raise TrackerError(
            f"no tracked interview '{interview_id}': {hint}{more} (afterview list --all)"
        )
    return row


def _action(event: EventRow, row: InterviewRow) -> Action:
    return _make_action(event, row.company, row.role, row.candidate)


def _make_action(event: EventRow, company: str, role: str, candidate: str | None) -> Action:
    data = json.loads(event.data)
    start = dt.datetime.fromisoformat(event.start) if event.start else None
    return Action(
        interview_id=event.interview_id,
        uid=event.uid,
        label=event.label,
        step=event.step,
        number=event.number,
        person=event.person,
        date=event.date,
        time=start.time() if start else None,
        title=str(data["title"]),
        reason=str(data["reason"]),
        status=event.status,
        sequence=event.sequence,
        company=company,
        role=role,
        candidate=candidate,
        moved=event.pinned is not None,
    )


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


# ---------------------------------------------------------------------------- planning


def _plan_for(row: InterviewRow, me: Me | None) -> tuple[Plan, Policy]:
    """The plan the tracker wants for a row: the file's, or one from the latest timeline."""
    interview = interview_of(row)
    outcome, news = row.outcome, row.outcome_on
    policy = get_policy(interview.policy)
    if row.timeline == 0 or row.decision is None or row.decision_on is None:
        return make_plan(interview, me, outcome=outcome, news=news), policy
    # A new timeline is read from the day they said it (the news), not the interview day.
    plan = make_plan(
        interview,
        me,
        decision=row.decision,
        decision_on=row.decision_on,
        outcome=outcome,
        news=news,
    )
    return plan, policy


def _pinned(followup: FollowUp, day: dt.date) -> FollowUp:
    if followup.date == day:
        return followup
    start = dt.datetime.combine(day, followup.start.time()) if followup.start else None
    reason = f"you moved it here from {short_date(followup.date)}, where the plan had it: "
    return followup._replace(date=day, start=start, reason=reason + followup.reason)


def _wants(
    row: InterviewRow, plan: Plan, policy: Policy, existing: dict[str, EventRow]
) -> dict[str, _Want]:
    counted = {s.step for s in policy.steps if s.in_cadence}
    ending = row.outcome not in OPEN_OUTCOMES and row.outcome_on is not None
    news = row.outcome_on or dt.date.max
    wants: dict[str, _Want] = {}
    for followup in plan.followups:
        timeline = row.timeline if followup.step in TIMELINE_STEPS else 0
        if timeline and row.decision_on is not None and followup.date < row.decision_on:
            continue  # a custom policy counting from the interview: that day is past the news
        uid = uid_for(timeline_key(row.id, timeline), followup)
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


def _reconcile(
    store: Store,
    row: InterviewRow,
    now: dt.datetime,
    me: Me | None,
    doing: str,
    advice: str = "",
    *,
    rezoned: bool = False,
) -> Changes:
    """Make the stored events of ``row`` match its plan and state; refuse a rule-4 break.

    ``rezoned`` says the interview's time zone changed, which moves every timed event.
    """
    stamp = stamp_of(now)
    plan, policy = _plan_for(row, me)
    existing = {e.uid: e for e in store.events_of(row.id)}
    wants = _wants(row, plan, policy, existing)
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
            cancelled.append(_cancel(old, _utc_day(now), stamp))
    store.put_events([*added, *changed, *cancelled])
    final = {**existing, **{e.uid: e for e in (*added, *changed, *cancelled)}}
    problem = spacing_problem(
        _contact(e) for e in final.values() if e.cadence and e.status in ("planned", "done")
    )
    if problem:
        advice = advice or (
            f"move or skip one of them first (afterview move {row.id} STEP DATE, "
            f"afterview skip {row.id} STEP)"
        )
        raise PolicyError(f"{row.id}: {doing} would break rule 4: it {problem}; {advice}")
    return Changes(
        added=tuple(_action(e, row) for e in added),
        changed=tuple(_action(e, row) for e in changed),
        cancelled=tuple(_action(e, row) for e in cancelled),
    )


_SPACING_NAME = "\x00"


def _contact(event: EventRow, prefix: str = "") -> FollowUp:
    return FollowUp(step=prefix + event.step, date=event.date, reason="", number=event.number)


def spacing_problem(contacts: Iterable[FollowUp]) -> str | None:
    """What breaks rule 4 among these check-ins ("puts A and B ..."), or None."""
    try:
        cadence.check_spacing(list(contacts), _SPACING_NAME)
    except PolicyError as error:
        return str(error).removeprefix(f"policy '{_SPACING_NAME}' ")
    return None


# ---------------------------------------------------------------------------- add, edit, remove


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
    plan = make_plan(interview, me)  # every problem with the file shows before anything is saved
    stamp = stamp_of(now)
    with store.write():
        earlier = _earlier_round(store, round_of, interview) if round_of else None
        _refuse_double(store, interview)
        if interview.id is not None:
            if store.get_interview(interview.id) is not None:
                raise TrackerError(
                    f"{where}: id '{interview.id}' is already tracked: change it with "
                    f"afterview edit {interview.id}, or remove the id line to add a new one"
                )
            new_id = interview.id
        else:
            new_id = _new_id(store)
        row = _row_for(interview, new_id, stamp)
        if earlier is not None:
            row = replace(row, round_of=earlier.id)
        store.insert_interview(row)
        changes = _reconcile(store, row, now, me, "adding it")
        ended = Changes()
        if earlier is not None:
            heard = on or _utc_day(now)
            if heard < earlier.day:
                raise TrackerError(
                    f"--on {heard.isoformat()} is before the earlier round "
                    f"({earlier.id}, {earlier.day.isoformat()}): give the day you were invited"
                )
            ended_row = replace(earlier, outcome=NEXT_ROUND, outcome_on=heard)
            store.update_interview(ended_row)
            ended = _reconcile(store, ended_row, now, me, "the next round")
    return Added(id=new_id, warnings=plan.warnings, changes=changes, earlier=ended)


def _earlier_round(store: Store, round_of: str, interview: Interview) -> InterviewRow:
    earlier = _get(store, round_of)
    later = store.later_round(earlier.id)
    if later is not None:
        raise TrackerError(
            f"{earlier.id} already has a next round ({later}): use --round-of {later}"
        )
    if earlier.company.strip().casefold() != interview.company.strip().casefold():
        raise TrackerError(
            f"--round-of {earlier.id} is an interview at {earlier.company}, this one is at "
            f"{interview.company}: rounds of one application share the company name"
        )
    if key_of(earlier.candidate) != key_of(interview.candidate):
        raise TrackerError(
            f"--round-of {earlier.id} is for candidate {earlier.candidate or '(none)'}, this "
            f"interview for {interview.candidate or '(none)'}: a round belongs to the same person"
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
                f"start): change it with afterview edit {other.id}"
            )


def interview_text(store: Store, interview_id: str) -> str:
    """The stored interview in the public TOML format (its ``id`` line included), to edit."""
    return _get(store, interview_id).toml


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
        row = _get(store, interview_id)
        if interview.id is not None and interview.id != row.id:
            raise TrackerError(
                f"{where}: id is '{interview.id}' but you are editing {row.id}: set "
                f'id = "{row.id}" or remove the id line'
            )
        updated = _row_for(interview, row.id, row.created, row)
        # A timed event keeps its local time in its data; in another zone it is another
        # instant, so it changes even when its data does not.
        rezoned = interview_of(row).timezone != interview.timezone
        store.update_interview(updated)
        if key_of(updated.candidate) != key_of(row.candidate):
            # Events leave that candidate's feed without a stamp of their own.
            store.set_meta("feed_changed", stamp_of(now))
        return _reconcile(store, updated, now, me, "this edit", rezoned=rezoned)


def remove(store: Store, interview_id: str, *, now: dt.datetime, me: Me | None = None) -> None:
    """Stop tracking an interview; its events leave the feed at the next refresh."""
    with store.write():
        row = _get(store, interview_id)
        store.delete_interview(row.id)
        store.set_meta("feed_changed", stamp_of(now))
        if row.round_of is None:
            return
        earlier = store.get_interview(row.round_of)
        if earlier is not None and earlier.outcome == NEXT_ROUND:
            reopened = replace(earlier, outcome=None, outcome_on=None)
            store.update_interview(reopened)
            _reconcile(store, reopened, now, me, "reopening the earlier round")


# ---------------------------------------------------------------------------- what happened


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
            "--decision goes with waiting: afterview status ID waiting --decision 'by Dec 10'"
        )
    with store.write():
        row = _get(store, interview_id)
        if on < row.day:
            raise TrackerError(
                f"--on {on.isoformat()} is before the interview ({row.day.isoformat()}): "
                "give the day you heard from them"
            )
        updated = replace(row, outcome=outcome, outcome_on=on)
        doing = f"recording '{outcome}'"
        if decision is not None:
            said = _new_timeline(row, decision, on)
            updated = replace(updated, decision=said, decision_on=on, timeline=row.timeline + 1)
            doing = f"the new timeline '{said}'"
        store.update_interview(updated)
        return _reconcile(store, updated, now, me, doing)


def _new_timeline(row: InterviewRow, phrase: str, on: dt.date) -> str:
    interview = interview_of(row)
    cal = open_calendar(interview.country, interview.subdivision, interview.blackout)
    said = resolve(phrase, on, cal)
    if said.date is None or said.phrase is None:
        raise TrackerError(
            f"--decision '{phrase}' gives no date: say when they expect to decide, like "
            "'by Dec 10' or 'in two weeks' (leave --decision out if they gave no date)"
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
    store: Store, interview_id: str, step: str, status: str, *, person: str | None = None
) -> tuple[Action, ...]:
    """Mark an action done or skipped (every person's, unless ``person`` says whose)."""
    if status not in HANDLED:
        raise ValueError(f"status must be one of {HANDLED}")
    with store.write():
        row = _get(store, interview_id)
        matches = _find(store.events_of(row.id), row.id, step, person)
        gone = [e for e in matches if e.status == "cancelled"]
        if gone:
            ended = gone[0].ended.isoformat() if gone[0].ended else "earlier"
            raise TrackerError(
                f"{row.id} {gone[0].label} was cancelled ({ended}): there is nothing left to do"
            )
        store.set_event_status([e.uid for e in matches], status)
        return tuple(_action(replace(e, status=status), row) for e in matches)


def done(
    store: Store, interview_id: str, step: str, *, person: str | None = None
) -> tuple[Action, ...]:
    """Mark an action done, so ``next`` stops showing it."""
    return mark(store, interview_id, step, "done", person=person)


def skip(
    store: Store, interview_id: str, step: str, *, person: str | None = None
) -> tuple[Action, ...]:
    """Mark an action skipped, so ``next`` stops showing it."""
    return mark(store, interview_id, step, "skipped", person=person)


def undo(
    store: Store,
    interview_id: str,
    step: str,
    *,
    now: dt.datetime,
    me: Me | None = None,
    person: str | None = None,
) -> tuple[Action, ...]:
    """Make a done or skipped action open again (and up to date with the plan)."""
    with store.write():
        row = _get(store, interview_id)
        matches = _find(store.events_of(row.id), row.id, step, person)
        store.set_event_status([e.uid for e in matches if e.status in HANDLED], "planned")
        _reconcile(store, row, now, me, f"reopening {step}")
        uids = {e.uid for e in matches}
        return tuple(_action(e, row) for e in store.events_of(row.id) if e.uid in uids)


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
        row = _get(store, interview_id)
        matches = _find(store.events_of(row.id), row.id, step, person)
        if len(matches) > 1:
            people = ", ".join(e.person or "you" for e in matches)
            raise TrackerError(
                f"{row.id} {matches[0].label} is one event per person ({people}): "
                "say whose to move with --person"
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
        cal = open_calendar(interview.country, interview.subdivision, interview.blackout)
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
        _reconcile(store, row, now, me, doing, "choose another date")
        moved = next(e for e in store.events_of(row.id) if e.uid == event.uid)
        _refuse_company_clash(store, row, moved, where)
        return _action(moved, row)


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
    with_it = spacing_problem(_contact(r.event, f"{r.event.interview_id} ") for r in near)
    without = spacing_problem(
        _contact(r.event, f"{r.event.interview_id} ") for r in near if r.event.uid != moved.uid
    )
    if with_it and not without:
        raise PolicyError(f"{where}: with your other interviews at {row.company}, it {with_it}")


def _same_company(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


# ---------------------------------------------------------------------------- queries


def actions(store: Store, interview_id: str) -> list[Action]:
    """Every event of one interview, whatever its status, in date order."""
    with store.read():
        row = _get(store, interview_id)
        return [_action(e, row) for e in store.events_of(row.id)]


def list_interviews(
    store: Store, *, today: dt.date, include_all: bool = False, candidate: str | None = None
) -> list[Tracked]:
    """Open interviews (or all) with their next action; rounds of one application together."""
    with store.read():
        rows = store.interviews(candidate)
        upcoming = store.next_planned(today)
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
            next_action=_action(event, row) if event else None,
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
        raise TrackerError(f"--days must be 0 or more, not {days}")
    with store.read():
        first = today - dt.timedelta(days=OVERDUE_DAYS)
        rows = store.agenda(first, today + dt.timedelta(days=days), candidate)
        warnings = company_warnings(store, today=today, candidate=candidate)
    found = [_make_action(r.event, r.company, r.role, r.candidate) for r in rows]
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
        problem = spacing_problem(_contact(r.event, f"{r.event.interview_id} ") for r in group)
        if problem:
            who = f" ({group[0].candidate})" if group[0].candidate else ""
            warnings.append(
                f"{group[0].company}{who}: planning {', '.join(ids)} together {problem}; "
                "move one with afterview move ID STEP DATE"
            )
    return warnings


# ---------------------------------------------------------------------------- tokens


def feed_token(
    store: Store, candidate: str | None = None, *, now: dt.datetime, rotate: bool = False
) -> str:
    """The secret in a feed's address (everyone's, or one candidate's); made on first use."""
    with store.write():
        if candidate is not None and key_of(candidate) is not None:
            names = store.candidates()
            if key_of(candidate) not in {key_of(n) for n in names}:
                known = ", ".join(names) if names else "none yet"
                raise TrackerError(
                    f"no tracked interview is for candidate '{candidate}': candidates are "
                    f'{known} (set candidate = "..." in the interview file)'
                )
        current = store.get_token(candidate)
        if current is not None and not rotate:
            return current
        token = secrets.token_urlsafe(TOKEN_BYTES)
        store.set_token(candidate, token, stamp_of(now))
        return token


def scope_of_token(store: Store, token: str) -> FeedScope | None:
    """Whose feed a token opens, or None; compared in constant time."""
    found: FeedScope | None = None
    with store.read():
        pairs = store.tokens()
        names = {key_of(n): n for n in store.candidates()}
    for scope, known in pairs:
        if hmac.compare_digest(known.encode(), token.encode()):
            found = FeedScope(None if scope is None else names.get(scope, scope))
    return found


# ---------------------------------------------------------------------------- export, import


def export_json(store: Store, *, include_tokens: bool = False) -> dict[str, Any]:
    """Everything tracked, as JSON-ready data (``write_export`` streams the same to a file)."""
    loaded: dict[str, Any] = json.loads(export_text(store, include_tokens=include_tokens))
    return loaded


def write_export(store: Store, out: TextIO, *, include_tokens: bool = False) -> None:
    """Write everything tracked to ``out`` as JSON, for a backup or a move to another machine.

    One interview at a time, in one read snapshot, so memory stays flat however many
    there are. The header (format, version, tokens) comes first, so an import knows
    what it reads before the first interview.
    """
    with store.read():
        out.write(f'{{\n  "format": {json.dumps(EXPORT_FORMAT)},\n  "version": {EXPORT_VERSION},\n')
        if include_tokens:
            tokens = [
                {"candidate": scope, "token": token}
                for scope, token in sorted(store.tokens(), key=lambda pair: pair[0] or "")
            ]
            out.write(f'  "tokens": {_indented(tokens)},\n')
        out.write('  "interviews": [')
        separator = "\n    "
        for row in store.interviews():
            out.write(separator + _indented(_interview_json(store, row), "    "))
            separator = ",\n    "
        out.write("]\n}\n" if separator == "\n    " else "\n  ]\n}\n")


def _indented(value: Any, prefix: str = "  ") -> str:
    """``value`` as JSON indented by two spaces a level, nested under ``prefix``."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n" + prefix)


def _interview_json(store: Store, row: InterviewRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "toml": row.toml,
        "created": row.created,
        "round_of": row.round_of,
        "outcome": row.outcome,
        "outcome_on": _iso(row.outcome_on),
        "decision": row.decision,
        "decision_on": _iso(row.decision_on),
        "timeline": row.timeline,
        "events": [_event_json(e) for e in store.events_of(row.id)],
    }


def export_text(store: Store, *, include_tokens: bool = False) -> str:
    """The export as JSON text."""
    out = io.StringIO()
    write_export(store, out, include_tokens=include_tokens)
    return out.getvalue()


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _event_json(event: EventRow) -> dict[str, Any]:
    return {
        "uid": event.uid,
        "step": event.step,
        "number": event.number,
        "label": event.label,
        "person": event.person,
        "date": event.date.isoformat(),
        "start": event.start,
        "status": event.status,
        "sequence": event.sequence,
        "changed": event.changed,
        "ended": _iso(event.ended),
        "pinned": _iso(event.pinned),
        "timeline": event.timeline,
        "cadence": event.cadence,
        "data": json.loads(event.data),
    }


def import_json(
    store: Store, source: str | dict[str, Any], *, now: dt.datetime, where: str = "import"
) -> Imported:
    """Add the interviews of an export (its text, or its data); see ``import_file``."""
    text = source if isinstance(source, str) else json.dumps(source)
    return import_file(store, io.StringIO(text), now=now, where=where)


def import_file(
    store: Store, source: TextSource, *, now: dt.datetime, where: str = "import"
) -> Imported:
    """Add the interviews of an export; ids already tracked are left alone (idempotent).

    The file is read one interview at a time (``jsonstream``), all in one transaction:
    a damaged file adds nothing. A later round comes after the round it follows, or
    waits in memory until the end of the file when it comes first.
    """
    reader = ObjectReader(source)
    header: dict[str, Any] = {}
    damaged: TrackerError | None = None  # the first damaged entry, reported after the header
    added: list[str] = []
    skipped: list[str] = []
    waiting: list[tuple[InterviewRow, list[EventRow]]] = []
    try:
        with store.write():
            known = store.interview_ids()

            def insert(row: InterviewRow, events: list[EventRow]) -> None:
                if row.id in known:
                    skipped.append(row.id)
                    return
                if row.round_of is not None and row.round_of not in known:
                    row = replace(row, round_of=None)
                store.insert_interview(row)
                store.put_events(events)
                known.add(row.id)
                added.append(row.id)

            for name in reader.names():
                if name != "interviews" or not reader.at_array():
                    header[name] = reader.value()
                    continue
                header[name] = []
                for index, item in enumerate(reader.items()):
                    if damaged is not None:
                        continue  # read on only to learn the header
                    try:
                        _check_header(header, where, complete=False)
                        row, events = _parse_exported(item, index, where)
                    except TrackerError as error:
                        damaged = error
                        continue
                    if row.round_of is None or row.round_of in known:
                        insert(row, events)
                    else:
                        waiting.append((row, events))
            _check_header(header, where, complete=True)
            if damaged is not None:
                raise damaged
            for row, events in _dependency_order(waiting):
                insert(row, events)
            for scope, token in _exported_tokens(header, where):
                if not store.has_token(scope):  # a token in use here wins: its links are out there
                    store.set_token(scope, token, stamp_of(now))
    except JSONStreamError as error:
        raise TrackerError(
            f"{where}: not JSON ({error}): give a file from afterview export"
        ) from None
    except UnicodeDecodeError as error:
        raise TrackerError(
            f"{where}: not UTF-8 text ({error.reason}): give a file from afterview export"
        ) from None
    return Imported(added=tuple(added), skipped=tuple(skipped))


def _exported_tokens(data: dict[str, Any], where: str) -> list[tuple[str | None, str]]:
    entries = data.get("tokens") or []
    found: list[tuple[str | None, str]] = []
    for entry in entries if isinstance(entries, list) else [entries]:
        scope = entry.get("candidate") if isinstance(entry, dict) else None
        token = entry.get("token") if isinstance(entry, dict) else None
        if not isinstance(token, str) or len(token) < 22 or not isinstance(scope, str | None):
            raise TrackerError(f"{where}: a damaged feed token entry: {entry!r}")
        found.append((scope, token))
    return found


def _check_header(header: dict[str, Any], where: str, *, complete: bool) -> None:
    """Refuse what is not an afterview export of this version, as soon as that is known.

    While the header is incomplete (``complete`` False), only what it already says is
    checked: an export written before the header came first has its version last.
    """
    if ("format" in header or complete) and header.get("format") != EXPORT_FORMAT:
        raise TrackerError(f"{where}: not an afterview export: give a file from afterview export")
    if ("version" in header or complete) and header.get("version") != EXPORT_VERSION:
        raise TrackerError(
            f"{where}: export version {header.get('version')!r}, this afterview reads "
            f"version {EXPORT_VERSION}: upgrade afterview"
        )
    if complete and not isinstance(header.get("interviews"), list):
        raise TrackerError(f"{where}: 'interviews' must be a list")


def _parse_exported(item: Any, index: int, where: str) -> tuple[InterviewRow, list[EventRow]]:
    place = f"{where}: interview {index + 1}"
    try:
        interview = parse_interview(item["toml"], place)
        if interview.id != item["id"]:
            raise TrackerError(f"{place}: its id '{item['id']}' does not match its TOML")
        row = InterviewRow(
            id=str(item["id"]),
            toml=str(item["toml"]),
            company=interview.company,
            role=interview.role,
            candidate=interview.candidate,
            day=interview.day,
            created=str(item["created"]),
            round_of=item.get("round_of"),
            outcome=item.get("outcome"),
            outcome_on=_date(item.get("outcome_on")),
            decision=item.get("decision"),
            decision_on=_date(item.get("decision_on")),
            timeline=int(item.get("timeline", 0)),
            zone=interview.timezone,
        )
        events = [_parse_event(e, row.id) for e in item["events"]]
    except AfterviewError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise TrackerError(f"{place}: damaged entry ({type(error).__name__}: {error})") from None
    if row.outcome not in (*STATUSES, NEXT_ROUND, None):
        raise TrackerError(f"{place}: unknown outcome '{row.outcome}'")
    return row, events


def _date(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def _parse_event(item: dict[str, Any], interview_id: str) -> EventRow:
    text = json.dumps(item["data"], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    status = str(item["status"])
    if status not in ("planned", *HANDLED, "cancelled"):
        raise ValueError(f"unknown event status '{status}'")
    decode_followup(text)  # a damaged event fails here, not in the feed
    parse_stamp(str(item["changed"]))
    return EventRow(
        uid=str(item["uid"]),
        interview_id=interview_id,
        step=str(item["step"]),
        number=int(item["number"]),
        label=str(item["label"]),
        person=item.get("person"),
        date=dt.date.fromisoformat(item["date"]),
        start=item.get("start"),
        status=status,
        sequence=int(item["sequence"]),
        changed=str(item["changed"]),
        data=text,
        ended=_date(item.get("ended")),
        pinned=_date(item.get("pinned")),
        timeline=int(item.get("timeline", 0)),
        cadence=bool(item.get("cadence", False)),
    )


def _dependency_order(
    parsed: list[tuple[InterviewRow, list[EventRow]]],
) -> list[tuple[InterviewRow, list[EventRow]]]:
    """Earlier rounds before later ones, so each round_of finds its interview."""
    pending = list(parsed)
    done_ids: set[str] = set()
    ids = {row.id for row, _ in parsed}
    order: list[tuple[InterviewRow, list[EventRow]]] = []
    while pending:
        ready = [
            p for p in pending if p[0].round_of not in ids or p[0].round_of in done_ids
        ] or pending[:1]  # a cycle (a damaged file): take them in file order
        for item in ready:
            order.append(item)
            done_ids.add(item[0].id)
            pending.remove(item)
    return order


__all__ = [
    "Action",
    "Added",
    "Agenda",
    "Changes",
    "FeedScope",
    "Imported",
    "Tracked",
    "actions",
    "add",
    "company_warnings",
    "done",
    "edit",
    "export_json",
    "export_text",
    "feed_token",
    "import_file",
    "import_json",
    "interview_text",
    "list_interviews",
    "mark",
    "move",
    "next_actions",
    "remove",
    "scope_of_token",
    "set_status",
    "skip",
    "undo",
    "write_export",
]
