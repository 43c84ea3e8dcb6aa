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
from afterview.errors import AfterviewError, OutputError

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
    zone = click.prompt(
        "Time zone", default=settings.timezone or _local_zone(), value_proc=_zone_answer
    )
    country = click.prompt(
        "Employer's country (ISO code)",
        default=settings.country or "US",
        value_proc=_country_answer,
    )
    subdivision = click.prompt(
        "State, province or region (blank for none)",
        default=settings.subdivision or "" if country == settings.country else "",
        show_default=bool(settings.subdivision) and country == settings.country,
        value_proc=lambda text: _subdivision_answer(country, text),
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
        from afterview.core.drafts import split_topics

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
                "topics": split_topics(topics) or None,
            }
        )
    decision = click.prompt(
        "What did they say about the decision timeline? (e.g. 'by Friday', blank if nothing)",
        default="",
        show_default=False,
        value_proc=lambda text: _decision_answer(text, day, country, subdivision),
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
    try:
        interview = parse_interview(text, output or "the new interview")
        _save_new(interview, output)
    except (AfterviewError, OSError) as error:
        # Never lose the answers: keep them where the user can fix and plan them.
        kept = _keep_draft(text, output, company, day)
        if isinstance(error, AfterviewError):
            error.hint = f"your answers are in {kept}: fix it, then afterview check {kept}"
            raise
        raise OutputError(
            f"cannot write the interview file: {error.strerror or error}",
            hint=f"your answers are in {kept}",
        ) from None


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


def _keep_draft(text: str, output: str | None, company: str, day: str) -> str:
    """Write the answers to a draft file beside the intended one; its name, for the user."""
    from pathlib import Path

    from afterview.formats.files import write_atomic

    if output and output != "-":
        target = Path(output)
        draft = target.with_name(target.stem + ".draft.toml")
    else:
        draft = Path(f"{_slug(company)}-{day}.draft.toml")
    for candidate in (draft, Path.home() / draft.name):
        try:
            write_atomic(candidate, text.encode("utf-8"))
        except (OSError, AfterviewError):
            continue
        return str(candidate)
    return "(nowhere: the folder and your home folder are not writable)"


def _zone_answer(text: str) -> str:
    """A time zone answer as its IANA name; a wrong one is asked again with the closest."""
    import zoneinfo

    from afterview.errors import close_matches

    name = text.strip()
    try:
        zoneinfo.ZoneInfo(name)
        return name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    names = sorted(zoneinfo.available_timezones())
    lowered = {n.lower(): n for n in names}
    if name.lower() in lowered:
        return lowered[name.lower()]
    close = close_matches(name, names, n=1, cutoff=0.6)
    hint = f": did you mean '{close[0]}'?" if close else " (like America/New_York)"
    raise click.BadParameter(f"'{name}' is not a time zone{hint}")


def _country_answer(text: str) -> str:
    """A country answer as its ISO code; an unknown one is asked again with the closest."""
    from afterview.core.businessdays import check_country

    try:
        return check_country(text.strip())
    except AfterviewError as error:
        raise click.BadParameter(str(error)) from None


def _subdivision_answer(country: str, text: str) -> str:
    """A region answer checked against the country; blank for none."""
    from afterview.core.businessdays import check_subdivision

    if not text.strip():
        return ""
    try:
        return check_subdivision(country, text.strip()) or ""
    except AfterviewError as error:
        raise click.BadParameter(str(error)) from None


def _decision_answer(text: str, day: str, country: str, subdivision: str) -> str:
    """A timeline phrase afterview can read (checked against the interview day), or blank."""
    from afterview.core.businessdays import open_calendar
    from afterview.core.timeline import resolve

    if not text.strip():
        return ""
    try:
        resolve(text, dt.date.fromisoformat(day), open_calendar(country, subdivision or None))
    except AfterviewError as error:
        raise click.BadParameter(str(error)) from None
    return text.strip()


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
