"""``afterview new``: the questions that write an interview file."""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

import click

from afterview.cli.app import (
    PathType,
    decision_option,
    from_invitation,
    invite_flags,
    invite_options,
    main,
    policy_option,
    reports_errors,
    user_settings,
)
from afterview.errors import OutputError

if TYPE_CHECKING:
    from pathlib import Path

    from afterview.model import Interview


@main.command()
@click.option("-o", "--output", metavar="FILE", help="Where to write the interview file.")
@click.option(
    "--from-invite",
    "invite_file",
    type=PathType(),
    metavar="FILE",
    help="Start from the employer's invitation (.ics, or a saved e-mail .eml).",
)
@decision_option
@policy_option
@invite_options
@reports_errors
def new(
    output: str | None,
    invite_file: Path | None,
    decision: str | None,
    policy: str | None,
    **flags: Any,
) -> None:
    """Answer a few questions and get an interview file to plan from.

    With --from-invite, the time, zone, company, role and people come from the
    invitation, and only what it cannot say is asked (or given as options, so it
    runs in scripts).

    \b
    Example:
      afterview new -o northwind.toml
      afterview new --from-invite invite.ics --country US --decision "by Friday"
    """
    from afterview.formats.interviewfile import parse_interview
    from afterview.settings import save_setting

    settings = user_settings()
    if invite_file is not None:
        found = from_invitation(
            invite_file, settings, invite_flags(flags, decision=decision, policy=policy)
        )
        _save_new(found, output)
        return
    if decision is not None or policy is not None or any(flags.values()):
        raise click.UsageError("--decision, --policy and the invitation flags need --from-invite")
    if not settings.name:
        name = click.prompt(
            "Your name (to sign drafts; saved once)", default="", show_default=False
        )
        if name.strip():
            settings = save_setting("name", name)
    company = click.prompt("Company")
    role = click.prompt("Role")
    today = dt.date.today()
    day = click.prompt(
        "Interview date (YYYY-MM-DD)", default=today.isoformat(), value_proc=_date_answer
    )
    time = click.prompt("Start time (HH:MM)", default="10:00", value_proc=_time_answer)
    minutes = click.prompt("Length in minutes", default=60, type=click.IntRange(5, 600))
    zone = click.prompt("Time zone", default=settings.timezone or _local_zone())
    country = click.prompt("Employer's country (ISO code)", default=settings.country or "US")
    subdivision = click.prompt(
        "State, province or region (blank for none)",
        default=settings.subdivision or "",
        show_default=bool(settings.subdivision),
    )
    people: list[dict[str, Any]] = []
    while True:
        person = click.prompt(
            "Interviewer's name" + (" (blank to finish)" if people else ""),
            default="" if people else None,
            show_default=False,
        )
        if not person.strip():
            break
        email = click.prompt(
            f"{person}'s work email (blank if unknown)", default="", show_default=False
        )
        topics = click.prompt(
            f"What you discussed with {person} (comma-separated, blank for none)",
            default="",
            show_default=False,
        )
        people.append(
            {
                "name": person.strip(),
                "email": email.strip() or None,
                "topics": [t.strip() for t in topics.split(",") if t.strip()] or None,
            }
        )
    decision = click.prompt(
        "What did they say about the decision timeline? (e.g. 'by Friday', blank if nothing)",
        default="",
        show_default=False,
    )
    from afterview.formats.files import dumps_toml

    start = f"{day}T{time}:00"
    draft: dict[str, Any] = {
        "company": company,
        "role": role,
        "start": dt.datetime.fromisoformat(start) if _is_datetime(start) else start,
        "timezone": zone,
        "country": country,
        "subdivision": subdivision.strip() or None,
        "decision": decision.strip() or None,
        "interviewers": people,
    }
    if isinstance(draft["start"], dt.datetime):
        draft["end"] = draft["start"] + dt.timedelta(minutes=minutes)
    text = dumps_toml(draft)
    interview = parse_interview(text, output or "the new interview")
    _save_new(interview, output)


def _save_new(interview: Interview, output: str | None) -> None:
    """Check a new interview plans, then write it (asking before replacing a file)."""
    from pathlib import Path

    from afterview.formats.files import write_atomic
    from afterview.formats.interviewfile import dumps_interview
    from afterview.policies import plan_interview

    plan_interview(interview)  # checks the country, region and timeline before anything is saved
    default = f"{_slug(interview.company)}-{interview.day.isoformat()}.toml"
    target = Path(output) if output else Path(default)
    if target.exists() and not click.confirm(f"{target} exists: replace it?", default=False):
        raise OutputError(f"kept {target} as it was: choose another name with -o")
    write_atomic(target, dumps_interview(interview).encode("utf-8"))
    click.echo(f"Wrote {target}. Next: afterview plan {target}")


def _date_answer(text: str) -> str:
    """A prompt's date answer as YYYY-MM-DD; a wrong one is asked again."""
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise click.BadParameter(f"'{text}' is not a date like 2026-11-24") from None


def _time_answer(text: str) -> str:
    """A prompt's time answer as HH:MM; a wrong one is asked again."""
    try:
        return dt.time.fromisoformat(text.strip().zfill(5)).strftime("%H:%M")
    except ValueError:
        raise click.BadParameter(f"'{text}' is not a time like 14:30") from None


def _is_datetime(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _slug(text: str) -> str:
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(part for part in cleaned.split("-") if part) or "interview"


def _local_zone() -> str:
    zone = os.environ.get("TZ")
    if zone and "/" in zone:
        return zone
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return "UTC"
