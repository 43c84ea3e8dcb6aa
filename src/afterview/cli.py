"""The ``afterview`` command: parse arguments, call the core, print, exit.

The only module that imports ``click``. Heavy modules (icalendar, holidays) are
imported inside the commands that need them, so ``afterview --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import AfterviewError, OutputError

if TYPE_CHECKING:
    from pathlib import Path

    from .model import FollowUp, Interview, Plan
    from .settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INTERNAL = 1
EXIT_INTERRUPTED = 130


def reports_errors(command: F) -> F:
    """Turn afterview's errors into one line on stderr and the documented exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AfterviewError as error:
            click.echo(f"afterview: {error}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("afterview: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # a bug: still one line, never a traceback
            if os.environ.get("AFTERVIEW_DEBUG"):
                raise
            click.echo(
                f"afterview: internal error ({type(error).__name__}: {error}); "
                "run again with AFTERVIEW_DEBUG=1 for details and please report it",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


class _Afterview(click.Group):
    """The command group, with click's usage errors shortened to one line."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "afterview"
            click.echo(
                f"afterview: {error.format_message().rstrip('.')} (see '{command} --help')",
                err=True,
            )
            sys.exit(error.exit_code)
        except click.ClickException as error:
            click.echo(f"afterview: {error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("afterview: stopped", err=True)
            sys.exit(EXIT_INTERRUPTED)


@click.group(
    cls=_Afterview,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="afterview")
def main() -> None:
    """Plan your follow-ups after a job interview: thank-you notes, check-ins, and when to
    move on, as calendar events with ready-to-send drafts.

    \b
    Example:
      afterview plan northwind.toml        # writes northwind.ics
      afterview show northwind.toml        # the same plan in the terminal
    """


# ---------------------------------------------------------------------------- helpers


def _settings() -> Settings:
    from .settings import load_settings

    return load_settings()


def _read(path: Path, settings: Settings, invite: dict[str, Any] | None = None) -> Interview:
    """The interview in an interview file, or the one an invitation (.ics, .eml) describes."""
    from .files import is_invitation

    if is_invitation(path):
        return _from_invitation(path, settings, invite or {})
    from .interviewfile import read_interview

    return read_interview(path, settings.defaults())


def _from_invitation(path: Path, settings: Settings, invite: dict[str, Any]) -> Interview:
    from .invite import interview_from_invitation, load_invitation

    me = invite.get("me") or os.environ.get("AFTERVIEW_EMAIL") or settings.email
    options = {k: invite.get(k) for k in ("country", "subdivision", "timezone", "company", "role")}
    return interview_from_invitation(
        load_invitation(path),
        me=me,
        decision=invite.get("decision"),
        policy=invite.get("policy"),
        defaults=settings.defaults(),
        ask=_prompt if sys.stdin.isatty() else None,
        today=dt.date.today(),
        **options,
    )


def _prompt(question: str, default: str | None) -> str:
    answer: str = click.prompt(question, default=default or "", show_default=bool(default))
    return answer


def _make_plan(
    file: Path,
    policy: str | None,
    decision: str | None,
    settings: Settings,
    invite: dict[str, Any] | None = None,
) -> Plan:
    from .planner import make_plan

    interview = _read(file, settings, invite)
    return make_plan(interview, settings.me, policy=policy, decision=decision, base=file.parent)


_INVITE_OPTIONS = ("country", "subdivision", "timezone", "me", "company", "role")


def invite_options(command: F) -> F:
    """The flags that fill in what an invitation (.ics or .eml) cannot say."""
    helps = {
        "country": ("CODE", "The employer's country (ISO code), for an invitation."),
        "subdivision": ("CODE", "The employer's state, province or region, for an invitation."),
        "timezone": ("ZONE", "The time zone for an invitation with floating or UTC times."),
        "me": ("EMAIL", "Your own address, left out of the interviewers (default: settings)."),
        "company": ("NAME", "The company, when the invitation does not say it."),
        "role": ("TITLE", "The role, when the invitation's title does not say it."),
    }
    for name in reversed(_INVITE_OPTIONS):
        metavar, text = helps[name]
        command = click.option(f"--{name}", metavar=metavar, help=text)(command)
    return command


def _invite(kwargs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Pop the invitation flags out of a command's arguments."""
    found = {name: kwargs.pop(name, None) for name in _INVITE_OPTIONS}
    found.update(extra)
    return found


def _warn(plan: Plan, settings: Settings) -> None:
    for warning in plan.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not settings.name:
        click.echo(
            "tip: drafts are signed '[your name]'; run: afterview config set name \"Your Name\"",
            err=True,
        )


class _PathType(click.ParamType["Path"]):
    """A file path argument; pathlib is imported only when a command runs."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from pathlib import Path

        return Path(value)


def _quoted(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _output_path(output: str | None, file: Path) -> Path:
    from pathlib import Path

    return Path(output) if output else _default_output(file)


def _default_output(file: Path) -> Path:
    from pathlib import Path

    name = f"{file.stem}-follow-ups.ics" if file.suffix.lower() == ".ics" else f"{file.stem}.ics"
    return Path.cwd() / name


def _span(followups: tuple[FollowUp, ...]) -> str:
    if not followups:
        return ""
    first, last = followups[0].date, followups[-1].date
    return f" ({first:%a} {first.day} {first:%b} to {last:%a} {last.day} {last:%b %Y})"


_policy_option = click.option(
    "--policy",
    metavar="NAME|PATH",
    help="Use this policy instead of the file's: a built-in name or a policy file.",
)
_decision_option = click.option(
    "--decision",
    metavar="TEXT",
    help="What they said about the decision timeline, e.g. 'by Friday' (overrides the file).",
)
_file_argument = click.argument("file", type=_PathType())


# ---------------------------------------------------------------------------- plan


@main.command()
@_file_argument
@click.option(
    "-o",
    "--output",
    metavar="OUT.ics",
    help="Where to write the calendar ('-' for standard output). Default: FILE's name with .ics.",
)
@_policy_option
@_decision_option
@click.option(
    "--cancel",
    is_flag=True,
    help="Write the same events as cancelled, to remove an imported plan from your calendar.",
)
@invite_options
@reports_errors
def plan(
    file: Path,
    output: str | None,
    policy: str | None,
    decision: str | None,
    cancel: bool,
    **flags: Any,
) -> None:
    """Write the follow-up calendar (.ics) for an interview file.

    \b
    FILE is an interview file (.toml), or the invitation itself (.ics, or a saved
    e-mail .eml): the plan of an invitation goes to NAME-follow-ups.ics.

    \b
    Example:
      afterview plan northwind.toml
      afterview plan northwind.toml --decision "within two weeks" -o northwind.ics
      afterview plan invite.ics --country US --decision "by Friday"
    """
    from .cadence import cancelled
    from .files import write_atomic
    from .ics import plan_calendar

    settings = _settings()
    made = _make_plan(
        file, policy, decision, settings, _invite(flags, decision=decision, policy=policy)
    )
    followups = cancelled(made.followups) if cancel else made.followups
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    data = plan_calendar(made.interview, followups, stamp, settings.reminder_time)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        _warn(made, settings)
        return
    target = _output_path(output, file)
    if target.exists() and target.resolve() == file.resolve():
        raise OutputError(f"{target} is the input file: choose another output name with -o")
    write_atomic(target, data)
    _warn(made, settings)
    verb = "Cancelled" if cancel else "Planned"
    click.echo(f"{verb} {len(followups)} events{_span(followups)}: wrote {target}")


# ---------------------------------------------------------------------------- show


@main.command()
@_file_argument
@_policy_option
@_decision_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON with stable keys instead.")
@invite_options
@reports_errors
def show(file: Path, policy: str | None, decision: str | None, as_json: bool, **flags: Any) -> None:
    """Print the follow-up timeline: date, step, who, and why that date.

    FILE is an interview file (.toml) or an invitation (.ics, .eml).

    \b
    Example:
      afterview show northwind.toml
      afterview show northwind.toml --json
      afterview show invite.ics --country GB
    """
    settings = _settings()
    made = _make_plan(
        file, policy, decision, settings, _invite(flags, decision=decision, policy=policy)
    )
    if as_json:
        import json

        click.echo(json.dumps(plan_json(made), indent=2, ensure_ascii=False))
        return
    click.echo(_timeline_text(made))
    _warn(made, settings)


def _timeline_text(made: Plan) -> str:
    interview = made.interview
    lines = [
        f"{interview.company}, {interview.role}: interview "
        f"{_day(interview.start.date())} {interview.start:%H:%M} ({interview.timezone}), "
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
        lines.append(f"{_day(f.date)}  {when:<7}  {f.label:<16}  {who}")
        lines.append(f"    {f.title}")
        lines.append(f"    why: {f.reason}")
    return "\n".join(lines)


def _day(day: dt.date) -> str:
    """``Mon  7 Dec 2026``: unpadded like the reasons, aligned in columns."""
    return f"{day:%a} {day.day:>2} {day:%b %Y}"


def plan_json(made: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data; the keys are documented in the README."""
    from .drafts import mailto
    from .ics import uid_for

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
                },
            }
            for f in made.followups
        ],
        "warnings": list(made.warnings),
    }


# ---------------------------------------------------------------------------- policies


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead.")
@click.option("--show", "show_name", metavar="NAME", help="Print one policy's file, to adapt.")
@reports_errors
def policies(as_json: bool, show_name: str | None) -> None:
    """List the built-in follow-up policies, or print one as a start for your own.

    \b
    Example:
      afterview policies
      afterview policies --show standard > my-policy.toml
    """
    from .policies import BUILT_IN, built_in_text, load_policy

    if show_name is not None:
        click.echo(load_policy(show_name).text, nl=False)
        return
    loaded = [load_policy(name) for name in BUILT_IN]
    if as_json:
        data = [
            {
                "name": p.name,
                "default": p.name == "standard",
                "summary": p.summary,
                "steps": [
                    {
                        "id": s.id,
                        "step": s.step,
                        "for": s.audience,
                        "optional": s.optional,
                        "on": s.on,
                        "when": [r.describe() for r in s.when],
                    }
                    for s in p.steps
                ],
            }
            for p in loaded
        ]
        import json

        click.echo(json.dumps(data, indent=2))
        return
    width = max(len(p.name) for p in loaded)
    for p in loaded:
        default = " (default)" if p.name == "standard" else ""
        click.echo(f"{p.name:<{width}}  {p.summary}{default}")
    del built_in_text


# ---------------------------------------------------------------------------- check


@main.command()
@_file_argument
@reports_errors
def check(file: Path) -> None:
    """Check an interview file or a policy file and explain any problem.

    \b
    Example:
      afterview check northwind.toml
      afterview check my-policy.toml
    """
    from .files import parse_toml, read_text

    text = read_text(file, "TOML file")
    data = parse_toml(text, str(file))
    if "steps" in data and "interviewers" not in data:
        from .planner import get_policy
        from .policies import BUILT_IN

        # A file named like a built-in ("minimal") must be read, not the built-in.
        path = os.path.join(os.curdir, file) if str(file) in BUILT_IN else str(file)
        policy = get_policy(path)
        click.echo(
            f"ok: {file} is a valid policy '{policy.name}' with {len(policy.steps)} steps "
            f"and {policy.cadence_total} check-ins"
        )
        return
    settings = _settings()
    made = _make_plan(file, None, None, settings)
    for warning in made.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"ok: {file} plans {len(made.followups)} events under policy {made.policy}"
        f"{_span(made.followups)}"
    )


# ---------------------------------------------------------------------------- new


@main.command()
@click.option("-o", "--output", metavar="FILE", help="Where to write the interview file.")
@click.option(
    "--from-invite",
    "invite_file",
    type=_PathType(),
    metavar="FILE",
    help="Start from the employer's invitation (.ics, or a saved e-mail .eml).",
)
@_decision_option
@_policy_option
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
    from .interviewfile import parse_interview
    from .settings import save_setting

    settings = _settings()
    if invite_file is not None:
        found = _from_invitation(
            invite_file, settings, _invite(flags, decision=decision, policy=policy)
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
    from .files import dumps_toml

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

    from .files import write_atomic
    from .interviewfile import dumps_interview
    from .planner import make_plan

    make_plan(interview)  # checks the country, region and timeline before anything is saved
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


# ---------------------------------------------------------------------------- config


@main.group(invoke_without_command=True)
@click.pass_context
@reports_errors
def config(context: click.Context) -> None:
    """Show your details (used to sign drafts and as defaults), or change one.

    \b
    Example:
      afterview config
      afterview config set name "Alex Kim"
    """
    if context.invoked_subcommand is not None:
        return
    from .settings import KEYS, settings_path

    settings = _settings()
    click.echo(f"# {settings_path()}")
    for key, meaning in KEYS.items():
        value = getattr(settings, key)
        shown = _quoted(value) if value is not None else "(not set)"
        click.echo(f"{key:<12} {shown:<30} {meaning}")


@config.command("set")
@click.argument("key")
@click.argument("value")
@reports_errors
def config_set(key: str, value: str) -> None:
    """Set KEY to VALUE (an empty VALUE removes it).

    \b
    Example:
      afterview config set country GB
      afterview config set reminder 08:30
    """
    from .settings import save_setting, settings_path

    save_setting(key, value)
    click.echo(f"Saved {key} in {settings_path()}")


if __name__ == "__main__":  # pragma: no cover
    main()
