"""Every text and JSON rendering of plans and tracked actions, in one place."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from afterview.model import FollowUp, Plan
    from afterview.settings import Settings
    from afterview.tracker.records import Action, Changes, Tracked


def print_warnings(plan: Plan, settings: Settings) -> None:
    for warning in plan.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not settings.name:
        click.echo(
            "tip: drafts are signed '[your name]'; run: afterview config set name \"Your Name\"",
            err=True,
        )


def span(followups: tuple[FollowUp, ...]) -> str:
    if not followups:
        return ""
    first, last = followups[0].date, followups[-1].date
    return f" ({first:%a} {first.day} {first:%b} to {last:%a} {last.day} {last:%b %Y})"


def timeline_text(made: Plan) -> str:
    interview = made.interview
    lines = [
        f"{interview.company}, {interview.role}: interview "
        f"{day_text(interview.start.date())} {interview.start:%H:%M} ({interview.timezone}), "
        f"policy {made.policy}",
    ]
    if made.decision.date is not None:
        lines.append(f"Decision expected: {made.decision.describe()}")
    else:
        lines.append("Decision expected: no date given")
    if interview.no_follow_ups:
        lines.append("They asked for no follow-ups: only courtesies are planned.")
    lines.append("")
    for f in made.followups:
        when = f"{f.start:%H:%M}" if f.start else "all day"
        who = f.person.name if f.person else "you"
        lines.append(f"{day_text(f.date)}  {when:<7}  {f.label:<16}  {who}")
        lines.append(f"    {f.title}")
        lines.append(f"    why: {f.reason}")
    return "\n".join(lines)


def day_text(day: dt.date) -> str:
    """``Mon  7 Dec 2026``: unpadded like the reasons, aligned in columns."""
    return f"{day:%a} {day.day:>2} {day:%b %Y}"


def plan_json(made: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data; the keys are documented in the README."""
    from afterview.core.drafts import mailto, tel
    from afterview.formats.eventcodec import uid_for

    interview = made.interview
    return {
        "company": interview.company,
        "role": interview.role,
        "candidate": interview.candidate,
        "interview": {
            "start": interview.start.isoformat(),
            "end": interview.end.isoformat(),
            "timezone": interview.timezone,
            "country": interview.country,
            "subdivision": interview.subdivision,
        },
        "policy": made.policy,
        "decision": {
            "said": made.decision.phrase,
            "date": made.decision.date.isoformat() if made.decision.date else None,
            "few_days": made.decision.few_days,
            "note": made.decision.note or None,
            "off": made.decision.off or None,
        },
        "no_follow_ups": interview.no_follow_ups,
        "events": [
            {
                "uid": uid_for(interview.key, f),
                "date": f.date.isoformat(),
                "weekday": f"{f.date:%A}",
                "time": f"{f.start:%H:%M}" if f.start else None,
                "minutes": f.minutes or None,
                "step": f.step,
                "number": f.number or None,
                "label": f.label,
                "person": f.person.name if f.person else None,
                "channel": f.channel,
                "title": f.title,
                "why": f.reason,
                "status": f.status,
                "draft": None
                if f.draft is None
                else {
                    "to": f.draft.to,
                    "subject": f.draft.subject,
                    "body": f.draft.body,
                    "mailto": mailto(f.draft),
                    "tel": tel(f.draft) if f.channel == "phone" else None,
                },
            }
            for f in made.followups
        ],
        "warnings": list(made.warnings),
    }


def action_line(action: Action, with_company: bool = True) -> str:
    when = f"{action.time:%H:%M}" if action.time else "all day"
    where = f"{action.interview_id}  " if with_company else ""
    return f"{day_text(action.date)}  {when:<7}  {where}{action.title}"


def changes_text(changes: Changes) -> list[str]:
    lines = [f"  cancelled: {action_line(a)}" for a in changes.cancelled]
    lines += [f"  changed:   {action_line(a)}" for a in changes.changed]
    lines += [f"  added:     {action_line(a)}" for a in changes.added]
    return lines


def action_json(action: Action) -> dict[str, Any]:
    """A tracked action, JSON-ready, with the stable keys the README lists."""
    return {
        "id": action.interview_id,
        "uid": action.uid,
        "label": action.label,
        "step": action.step,
        "number": action.number or None,
        "person": action.person,
        "date": action.date.isoformat(),
        "weekday": f"{action.date:%A}",
        "time": f"{action.time:%H:%M}" if action.time else None,
        "title": action.title,
        "why": action.reason,
        "status": action.status,
        "sequence": action.sequence,
        "company": action.company,
        "role": action.role,
        "candidate": action.candidate,
        "moved": action.moved,
    }


def tracked_json(tracked: Tracked) -> dict[str, Any]:
    """A tracked interview, JSON-ready, with the stable keys the README lists."""
    return {
        "id": tracked.id,
        "company": tracked.company,
        "role": tracked.role,
        "candidate": tracked.candidate,
        "start": tracked.start.isoformat(),
        "timezone": tracked.timezone,
        "policy": tracked.policy,
        "decision": tracked.decision,
        "outcome": tracked.outcome,
        "outcome_on": tracked.outcome_on.isoformat() if tracked.outcome_on else None,
        "open": tracked.is_open,
        "round": tracked.round,
        "application": tracked.application,
        "rounds": list(tracked.rounds),
        "next": action_json(tracked.next_action) if tracked.next_action else None,
        "next_overdue": tracked.next_overdue,
    }
