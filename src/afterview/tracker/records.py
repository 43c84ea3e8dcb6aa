"""The tracker's values as the commands return them, and the rows they come from."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from afterview.errors import TrackerError
from afterview.formats.interviewfile import parse_interview
from afterview.model import Interview
from afterview.tracker.store import EventRow, InterviewRow, Store

STATUSES = ("replied", "rejected", "offer", "withdrawn", "waiting")


NEXT_ROUND = "next-round"  # recorded on an earlier round when a later one is added


OPEN_OUTCOMES = (None, "waiting")


OVERDUE_DAYS = 14  # how far back `next` looks for open actions not yet done or skipped


TIMELINE_STEPS = frozenset({"check-in", "move-on"})


HANDLED = ("done", "skipped")


GRACE_DAYS = 30


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
    # Whether the next action's date has passed without it being done or skipped.
    next_overdue: bool = False

    @property
    def is_open(self) -> bool:
        """Whether you are still waiting to hear (no outcome, or ``waiting``)."""
        return self.outcome in OPEN_OUTCOMES


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


def interview_of(row: InterviewRow) -> Interview:
    """The Interview a stored row describes."""
    return parse_interview(row.toml, f"tracked interview {row.id}")


def get_row(store: Store, interview_id: str) -> InterviewRow:
    row = store.get_interview(interview_id.strip())
    if row is None:
        known = sorted(store.interview_ids())
        hint = f"tracked ids are {', '.join(known[:10])}" if known else "nothing is tracked yet"
        more = ", ..." if len(known) > 10 else ""
        raise TrackerError(
            f"no tracked interview '{interview_id}': {hint}{more}", hint="afterview list --all"
        )
    return row


def action_of(event: EventRow, row: InterviewRow) -> Action:
    return make_action(event, row.company, row.role, row.candidate)


def make_action(event: EventRow, company: str, role: str, candidate: str | None) -> Action:
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
