"""The tracker's commands: add, list, next, status, edit, remove, done, skip, move."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

import click

from afterview.cli.app import (
    PathType,
    candidate_option,
    date_type,
    day_of,
    db_option,
    decision_option,
    file_argument,
    invite_flags,
    invite_options,
    main,
    now_utc,
    open_store,
    policy_option,
    read_interview_file,
    reports_errors,
    user_settings,
)
from afterview.cli.publish import publishes_changes, republish
from afterview.cli.views import action_json, action_line, changes_text, tracked_json

if TYPE_CHECKING:
    from pathlib import Path


@main.command()
@file_argument
@click.option(
    "--round-of", metavar="ID", help="This is the next round of an interview already tracked."
)
@policy_option
@decision_option
@invite_options
@db_option
@reports_errors
@publishes_changes
def add(
    file: Path,
    round_of: str | None,
    policy: str | None,
    decision: str | None,
    db: str | None,
    **flags: Any,
) -> None:
    """Track an interview (an interview file or an invitation) and print its short id.

    \b
    Example:
      afterview add northwind.toml
      afterview add second-round.toml --round-of nw7k2q
    """

    from afterview.tracker import commands as tracker

    settings = user_settings()
    interview = read_interview_file(
        file, settings, invite_flags(flags, decision=decision, policy=policy)
    )
    if policy is not None:
        interview = interview._replace(policy=policy)
    if decision is not None:
        interview = interview._replace(decision=decision)
    with open_store(db, writing=True) as store:
        added = tracker.add(
            store,
            interview,
            now=now_utc(),
            round_of=round_of,
            on=dt.date.today(),
            me=settings.me,
            where=str(file),
            defaults=settings.defaults(),
            base=file.parent,
        )
    republish(db)
    for warning in added.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"{added.id}  {interview.company}, {interview.role}: {len(added.changes.added)} actions"
    )
    if round_of and added.earlier.cancelled:
        click.echo(f"Round {round_of}'s open check-ins end:")
        for action in added.earlier.cancelled:
            click.echo(f"  cancelled: {action_line(action)}")


EMPTY = (
    "No interviews tracked yet: add one with afterview add FILE "
    "(an interview file, or the invitation .ics or .eml)."
)


@main.command("list")
@click.option("--all", "include_all", is_flag=True, help="Include interviews that have ended.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with stable keys instead.")
@candidate_option
@db_option
@reports_errors
def list_command(include_all: bool, as_json: bool, candidate: str | None, db: str | None) -> None:
    """List tracked interviews with their next action.

    \b
    Example:
      afterview list
      afterview list --all --json
    """

    from afterview.tracker import queries

    with open_store(db) as store:
        found = queries.list_interviews(
            store, today=dt.date.today(), include_all=include_all, candidate=candidate
        )
    if as_json:
        import json

        click.echo(json.dumps([tracked_json(t) for t in found], indent=2, ensure_ascii=False))
        return
    if not found:
        with open_store(db) as store:
            empty = not store.interview_ids()
        click.echo(EMPTY if empty else "No open interviews (afterview list --all shows the rest).")
        return
    for t in found:
        who = f"{t.candidate}: " if t.candidate else ""
        state = t.outcome or "open"
        rounds = f", round {t.round} of {len(t.rounds)}" if len(t.rounds) > 1 else ""
        click.echo(f"{t.id}  {who}{t.company}, {t.role} ({state}{rounds})")
        if t.next_action is not None:
            late = "  (overdue)" if t.next_overdue else ""
            click.echo(f"        next: {action_line(t.next_action, with_company=False)}{late}")


@main.command("next")
@click.option(
    "--days", default=7, show_default=True, type=click.IntRange(0, 366), help="How far ahead."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON with stable keys instead.")
@candidate_option
@db_option
@reports_errors
def next_command(days: int, as_json: bool, candidate: str | None, db: str | None) -> None:
    """What to do today and in the coming days, across all tracked interviews.

    \b
    Example:
      afterview next
      afterview next --days 14 --candidate "Alex Kim"
    """

    from afterview.tracker import queries

    today = dt.date.today()
    with open_store(db) as store:
        agenda = queries.next_actions(store, today=today, days=days, candidate=candidate)
    if as_json:
        import json

        data = {
            "actions": [{**action_json(a), "overdue": a.date < today} for a in agenda.actions],
            "warnings": list(agenda.warnings),
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for warning in agenda.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not agenda.actions:
        with open_store(db) as store:
            empty = not store.interview_ids()
        click.echo(EMPTY if empty else f"Nothing to do in the next {days} days.")
        return
    for action in agenda.actions:
        late = "  (overdue: send it, or afterview done/skip)" if action.date < today else ""
        click.echo(action_line(action) + late)
        click.echo(f"    {action.label}; why: {action.reason}")


@main.command()
@click.argument("interview_id", metavar="ID")
@click.argument(
    "outcome", type=click.Choice(["replied", "rejected", "offer", "withdrawn", "waiting"])
)
@click.option(
    "--on", "on", type=date_type, metavar="DATE", help="When the news came (default: today)."
)
@decision_option
@db_option
@reports_errors
@publishes_changes
def status(
    interview_id: str,
    outcome: str,
    on: dt.datetime | None,
    decision: str | None,
    db: str | None,
) -> None:
    """Record what happened: the open check-ins after the news end.

    `waiting --decision TEXT` records a new timeline and re-plans the check-ins from it.

    \b
    Example:
      afterview status nw7k2q replied
      afterview status nw7k2q waiting --decision "by Dec 10" --on 2026-12-01
    """
    from afterview.tracker import commands as tracker

    settings = user_settings()
    with open_store(db, writing=True) as store:
        changes = tracker.set_status(
            store,
            interview_id,
            outcome,
            on=day_of(on),
            now=now_utc(),
            decision=decision,
            me=settings.me,
        )
    republish(db)
    click.echo(f"Recorded {outcome} for {interview_id}.")
    for line in changes_text(changes):
        click.echo(line)


@main.command()
@click.argument("interview_id", metavar="ID")
@click.option(
    "--file",
    "source",
    type=PathType(),
    help="Replace the interview with this file instead of opening an editor.",
)
@db_option
@reports_errors
@publishes_changes
def edit(interview_id: str, source: Path | None, db: str | None) -> None:
    """Change a tracked interview in your editor ($EDITOR); its events keep their ids.

    \b
    Example:
      afterview edit nw7k2q
      afterview edit nw7k2q --file northwind.toml
    """
    from afterview.formats.files import read_text
    from afterview.tracker import commands as tracker
    from afterview.tracker import queries

    settings = user_settings()
    with open_store(db, writing=True) as store:
        if source is not None:
            text: str | None = read_text(source, "interview file (.toml)")
        else:
            text = _edit_in_editor(queries.interview_text(store, interview_id))
        if text is None:
            click.echo("No change.")
            return
        changes = tracker.edit(
            store,
            interview_id,
            text,
            now=now_utc(),
            me=settings.me,
            where=str(source or interview_id),
            defaults=settings.defaults(),
            base=source.parent if source else None,
        )
    republish(db)
    click.echo(f"Updated {interview_id}.")
    for line in changes_text(changes):
        click.echo(line)


@main.command()
@click.argument("interview_id", metavar="ID")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@db_option
@reports_errors
@publishes_changes
def remove(interview_id: str, yes: bool, db: str | None) -> None:
    """Stop tracking an interview (its events leave the feed).

    \b
    Example:
      afterview remove nw7k2q --yes
    """
    from afterview.tracker import commands as tracker

    if not yes:
        try:
            sure = click.confirm(f"Remove {interview_id} and all its actions?")
        except click.Abort:
            import sys

            if sys.stdin is not None and sys.stdin.isatty():
                raise  # Ctrl-C or Ctrl-D at the question
            click.echo(err=True)
            raise click.UsageError(
                "nothing answered the question (no terminal, or no more input): add --yes "
                "to remove without asking"
            ) from None
        if not sure:
            click.echo("Kept.")
            return
    with open_store(db, writing=True) as store:
        tracker.remove(store, interview_id, now=now_utc(), me=user_settings().me)
    republish(db)
    click.echo(f"Removed {interview_id}.")


def _mark(
    verb: str,
    interview_id: str,
    step: str,
    person: str | None,
    db: str | None,
    *,
    keep: bool = False,
) -> None:
    from afterview.tracker import commands as tracker

    with open_store(db, writing=True) as store:
        if verb == "done":
            actions = tracker.done(store, interview_id, step, person=person)
        else:
            leave = None if keep else now_utc()
            actions = tracker.skip(store, interview_id, step, person=person, now=leave)
    republish(db)
    for action in actions:
        click.echo(f"Marked {verb}: {action_line(action)}")


_person_option = click.option(
    "--person", metavar="NAME", help="For steps with one action per person: whose."
)


@main.command()
@click.argument("interview_id", metavar="ID")
@click.argument("step")
@_person_option
@db_option
@reports_errors
@publishes_changes
def done(interview_id: str, step: str, person: str | None, db: str | None) -> None:
    """Mark an action handled, so `next` stops showing it.

    \b
    Example:
      afterview done nw7k2q thank-you
      afterview done nw7k2q check-in-1
    """
    _mark("done", interview_id, step, person, db)


@main.command()
@click.argument("interview_id", metavar="ID")
@click.argument("step")
@_person_option
@click.option(
    "--keep", is_flag=True, help="Leave it in your calendars (by default it is withdrawn)."
)
@db_option
@reports_errors
@publishes_changes
def skip(interview_id: str, step: str, person: str | None, keep: bool, db: str | None) -> None:
    """Mark an action you will not take: `next` stops showing it and it leaves your calendars.

    The feed and `push` show it cancelled, so subscribed calendars remove it; with
    --keep it stays there.

    \b
    Example:
      afterview skip nw7k2q handwritten-note
      afterview skip nw7k2q linkedin --keep
    """
    _mark("skipped", interview_id, step, person, db, keep=keep)


@main.command()
@click.argument("interview_id", metavar="ID")
@click.argument("step")
@click.argument("day", metavar="DATE", type=date_type)
@_person_option
@db_option
@reports_errors
@publishes_changes
def move(
    interview_id: str, step: str, day: dt.datetime, person: str | None, db: str | None
) -> None:
    """Move one action to a date you choose (still a business day, still polite).

    \b
    Example:
      afterview move nw7k2q check-in-1 2026-12-02
    """
    from afterview.tracker import commands as tracker

    with open_store(db, writing=True) as store:
        action = tracker.move(
            store,
            interview_id,
            step,
            day.date(),
            now=now_utc(),
            me=user_settings().me,
            person=person,
            today=dt.date.today(),
        )
    republish(db)
    click.echo(f"Moved: {action_line(action)}")


def _edit_in_editor(text: str) -> str | None:
    """The text after the user's editor changed it (None: unchanged), or an EditorError."""
    from afterview.errors import EditorError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise EditorError(
            "there is no terminal to open an editor in", hint="give the new file with --file"
        )
    try:
        edited: str | None = click.edit(text, extension=".toml")
    except click.ClickException as error:
        raise EditorError(
            f"cannot open an editor ({error.format_message()})",
            hint="set $EDITOR, or give the new file with --file",
        ) from None
    return edited
