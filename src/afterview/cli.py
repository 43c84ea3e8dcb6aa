"""The ``afterview`` command: parse arguments, call the core, print, exit.

The only module that imports ``click``. Heavy modules (icalendar, holidays) are
imported inside the commands that need them, so ``afterview --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
import sys
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any, TextIO, TypeVar

import click

from . import __version__
from .errors import AfterviewError, FileProblem, OutputError

if TYPE_CHECKING:
    from pathlib import Path

    from .model import FollowUp, Interview, Plan
    from .settings import Settings
    from .store import Store
    from .tracker import Action, Changes

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INTERNAL = 1
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # as a shell reports a command that SIGPIPE stopped


def reports_errors(command: F) -> F:
    """Turn afterview's errors into one line on stderr and the documented exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AfterviewError as error:
            click.echo(f"afterview: {one_line(str(error))}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("afterview: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # Whoever read standard output stopped (afterview feed | head): stop quietly.
            _drop_stdout()
            sys.exit(EXIT_BROKEN_PIPE)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # a bug: still one line, never a traceback
            if os.environ.get("AFTERVIEW_DEBUG"):
                raise
            click.echo(
                f"afterview: internal error ({type(error).__name__}: {one_line(str(error))}); "
                "run again with AFTERVIEW_DEBUG=1 for details and please report it",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


def _drop_stdout() -> None:
    """Point standard output at the null device, so exiting does not flush into the
    closed pipe again (Python would print a second error)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (tests)
        pass


def one_line(message: str) -> str:
    """``message`` with line breaks and control characters escaped, so it stays one line."""
    if message.isprintable():
        return message
    import unicodedata

    breaking = ("Cc", "Zl", "Zp")  # controls (\n, \r, ESC ...) and line or paragraph separators
    return "".join(
        c.encode("unicode_escape").decode() if unicodedata.category(c) in breaking else c
        for c in message
    )


# Commands that read at most one file and exit: they run with the cycle collector off,
# as the entry point starts them (see __main__.py). Every other command may work
# through a whole store or keep running, so it turns the collector back on.
_ONE_FILE_COMMANDS = frozenset({"plan", "show", "check", "policies", "new", "config"})


class _Afterview(click.Group):
    """The command group, with click's usage errors shortened to one line."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name not in _ONE_FILE_COMMANDS:
            gc.enable()
        return name, command, rest

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "afterview"
            message = one_line(error.format_message().rstrip("."))
            click.echo(f"afterview: {message} (see '{command} --help')", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            click.echo(f"afterview: {one_line(error.format_message())}", err=True)
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

    # The file is read once: it may be a pipe, which cannot be read twice.
    text = read_text(file, "TOML file")
    data = parse_toml(text, str(file))
    if "steps" in data and "interviewers" not in data:
        from .planner import check_policy
        from .policies import parse_policy

        policy = parse_policy(text, str(file))
        check_policy(policy)
        click.echo(
            f"ok: {file} is a valid policy '{policy.name}' with {len(policy.steps)} steps "
            f"and {policy.cadence_total} check-ins"
        )
        return
    from .interviewfile import interview_from_dict
    from .planner import make_plan

    settings = _settings()
    interview = interview_from_dict(data, text, str(file), settings.defaults())
    made = make_plan(interview, settings.me, base=file.parent)
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


# ---------------------------------------------------------------------------- tracker

_db_option = click.option(
    "--db",
    "db",
    metavar="PATH",
    help="The tracker database (default: $AFTERVIEW_DB, else your data folder).",
)
_candidate_option = click.option(
    "--candidate", metavar="NAME", help="Only this candidate's interviews (for coaches)."
)
_date_type = click.DateTime(formats=["%Y-%m-%d"])


def _store(db: str | None) -> Store:
    from .store import Store

    return Store(db)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _on(value: dt.datetime | None) -> dt.date:
    return value.date() if value is not None else dt.date.today()


def _action_line(action: Action, with_company: bool = True) -> str:
    when = f"{action.time:%H:%M}" if action.time else "all day"
    where = f"{action.interview_id}  " if with_company else ""
    return f"{_day(action.date)}  {when:<7}  {where}{action.title}"


def _changes_text(changes: Changes) -> list[str]:
    lines = [f"  cancelled: {_action_line(a)}" for a in changes.cancelled]
    lines += [f"  changed:   {_action_line(a)}" for a in changes.changed]
    lines += [f"  added:     {_action_line(a)}" for a in changes.added]
    return lines


@main.command()
@_file_argument
@click.option(
    "--round-of", metavar="ID", help="This is the next round of an interview already tracked."
)
@_policy_option
@_decision_option
@invite_options
@_db_option
@reports_errors
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

    from . import tracker

    settings = _settings()
    interview = _read(file, settings, _invite(flags, decision=decision, policy=policy))
    if policy is not None:
        interview = interview._replace(policy=policy)
    if decision is not None:
        interview = interview._replace(decision=decision)
    with _store(db) as store:
        added = tracker.add(
            store,
            interview,
            now=_now(),
            round_of=round_of,
            on=dt.date.today(),
            me=settings.me,
            where=str(file),
            defaults=settings.defaults(),
            base=file.parent,
        )
    for warning in added.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"{added.id}  {interview.company}, {interview.role}: {len(added.changes.added)} actions"
    )
    if round_of and added.earlier.cancelled:
        click.echo(f"Round {round_of}'s open check-ins end:")
        for action in added.earlier.cancelled:
            click.echo(f"  cancelled: {_action_line(action)}")


@main.command("list")
@click.option("--all", "include_all", is_flag=True, help="Include interviews that have ended.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with stable keys instead.")
@_candidate_option
@_db_option
@reports_errors
def list_command(include_all: bool, as_json: bool, candidate: str | None, db: str | None) -> None:
    """List tracked interviews with their next action.

    \b
    Example:
      afterview list
      afterview list --all --json
    """
    from . import tracker

    with _store(db) as store:
        found = tracker.list_interviews(
            store, today=dt.date.today(), include_all=include_all, candidate=candidate
        )
    if as_json:
        import json

        click.echo(json.dumps([t.as_dict() for t in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("No interviews tracked yet: afterview add FILE" if not include_all else "None.")
        return
    for t in found:
        who = f"{t.candidate}: " if t.candidate else ""
        state = t.outcome or "open"
        rounds = f", round {t.round} of {len(t.rounds)}" if len(t.rounds) > 1 else ""
        click.echo(f"{t.id}  {who}{t.company}, {t.role} ({state}{rounds})")
        if t.next_action is not None:
            click.echo(f"        next: {_action_line(t.next_action, with_company=False)}")


@main.command("next")
@click.option(
    "--days", default=7, show_default=True, type=click.IntRange(0, 366), help="How far ahead."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON with stable keys instead.")
@_candidate_option
@_db_option
@reports_errors
def next_command(days: int, as_json: bool, candidate: str | None, db: str | None) -> None:
    """What to do today and in the coming days, across all tracked interviews.

    \b
    Example:
      afterview next
      afterview next --days 14 --candidate "Alex Kim"
    """
    from . import tracker

    today = dt.date.today()
    with _store(db) as store:
        agenda = tracker.next_actions(store, today=today, days=days, candidate=candidate)
    if as_json:
        import json

        data = {
            "actions": [{**a.as_dict(), "overdue": a.date < today} for a in agenda.actions],
            "warnings": list(agenda.warnings),
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for warning in agenda.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not agenda.actions:
        click.echo(f"Nothing to do in the next {days} days.")
        return
    for action in agenda.actions:
        late = "  (overdue: send it, or afterview done/skip)" if action.date < today else ""
        click.echo(_action_line(action) + late)
        click.echo(f"    {action.label}; why: {action.reason}")


@main.command()
@click.argument("interview_id", metavar="ID")
@click.argument(
    "outcome", type=click.Choice(["replied", "rejected", "offer", "withdrawn", "waiting"])
)
@click.option("--on", "on", type=_date_type, help="When the news came (default: today).")
@_decision_option
@_db_option
@reports_errors
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
    from . import tracker

    settings = _settings()
    with _store(db) as store:
        changes = tracker.set_status(
            store,
            interview_id,
            outcome,
            on=_on(on),
            now=_now(),
            decision=decision,
            me=settings.me,
        )
    click.echo(f"Recorded {outcome} for {interview_id}.")
    for line in _changes_text(changes):
        click.echo(line)


@main.command()
@click.argument("interview_id", metavar="ID")
@click.option(
    "--file",
    "source",
    type=_PathType(),
    help="Replace the interview with this file instead of opening an editor.",
)
@_db_option
@reports_errors
def edit(interview_id: str, source: Path | None, db: str | None) -> None:
    """Change a tracked interview in your editor ($EDITOR); its events keep their ids.

    \b
    Example:
      afterview edit nw7k2q
      afterview edit nw7k2q --file northwind.toml
    """
    from . import tracker
    from .files import read_text

    settings = _settings()
    with _store(db) as store:
        if source is not None:
            text: str | None = read_text(source, "interview file (.toml)")
        else:
            text = click.edit(tracker.interview_text(store, interview_id), extension=".toml")
        if text is None:
            click.echo("No change.")
            return
        changes = tracker.edit(
            store,
            interview_id,
            text,
            now=_now(),
            me=settings.me,
            where=str(source or interview_id),
            defaults=settings.defaults(),
            base=source.parent if source else None,
        )
    click.echo(f"Updated {interview_id}.")
    for line in _changes_text(changes):
        click.echo(line)


@main.command()
@click.argument("interview_id", metavar="ID")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_db_option
@reports_errors
def remove(interview_id: str, yes: bool, db: str | None) -> None:
    """Stop tracking an interview (its events leave the feed).

    \b
    Example:
      afterview remove nw7k2q --yes
    """
    from . import tracker

    if not yes and not click.confirm(f"Remove {interview_id} and all its actions?"):
        click.echo("Kept.")
        return
    with _store(db) as store:
        tracker.remove(store, interview_id, now=_now(), me=_settings().me)
    click.echo(f"Removed {interview_id}.")


def _mark(verb: str, interview_id: str, step: str, person: str | None, db: str | None) -> None:
    from . import tracker

    handler = tracker.done if verb == "done" else tracker.skip
    with _store(db) as store:
        actions = handler(store, interview_id, step, person=person)
    for action in actions:
        click.echo(f"Marked {verb}: {_action_line(action)}")


_person_option = click.option(
    "--person", metavar="NAME", help="For steps with one action per person: whose."
)


@main.command()
@click.argument("interview_id", metavar="ID")
@click.argument("step")
@_person_option
@_db_option
@reports_errors
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
@_db_option
@reports_errors
def skip(interview_id: str, step: str, person: str | None, db: str | None) -> None:
    """Mark an action you will not take, so `next` stops showing it.

    \b
    Example:
      afterview skip nw7k2q handwritten-note
    """
    _mark("skipped", interview_id, step, person, db)


@main.command()
@click.argument("interview_id", metavar="ID")
@click.argument("step")
@click.argument("day", metavar="DATE", type=_date_type)
@_person_option
@_db_option
@reports_errors
def move(
    interview_id: str, step: str, day: dt.datetime, person: str | None, db: str | None
) -> None:
    """Move one action to a date you choose (still a business day, still polite).

    \b
    Example:
      afterview move nw7k2q check-in-1 2026-12-02
    """
    from . import tracker

    with _store(db) as store:
        action = tracker.move(
            store,
            interview_id,
            step,
            day.date(),
            now=_now(),
            me=_settings().me,
            person=person,
            today=dt.date.today(),
        )
    click.echo(f"Moved: {_action_line(action)}")


@main.command()
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
@_db_option
@reports_errors
def export(output: str | None, db: str | None) -> None:
    """Back up every tracked interview as JSON (import it with `afterview import`).

    \b
    Example:
      afterview export -o afterview-backup.json
    """
    from . import tracker

    if output is None or output == "-":
        with _store(db) as store, _utf8(sys.stdout.buffer) as out:
            tracker.write_export(store, out)
        sys.stdout.flush()
        return
    from pathlib import Path

    from .files import atomic_writer

    # One interview at a time: an export of thousands is never held whole.
    with _store(db) as store, atomic_writer(Path(output)) as raw, _utf8(raw) as out:
        tracker.write_export(store, out)
    click.echo(f"Exported to {output}")


@contextlib.contextmanager
def _utf8(raw: IO[bytes]) -> Iterator[TextIO]:
    """``raw`` as UTF-8 text for the block, flushed after it and left open."""
    import io

    text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    try:
        yield text
        text.flush()
    finally:
        text.detach()


@main.command("import")
@click.argument("file", type=_PathType())
@_db_option
@reports_errors
def import_command(file: Path, db: str | None) -> None:
    """Load interviews from an `afterview export` file; ones already tracked are skipped.

    \b
    Example:
      afterview import afterview-backup.json
    """
    from . import tracker

    # Read one interview at a time: an export of thousands is never held whole.
    with _open_export(file) as source, _store(db) as store:
        imported = tracker.import_file(store, source, now=_now(), where=str(file))
    click.echo(f"Imported {len(imported.added)}, skipped {len(imported.skipped)} already tracked.")


@contextlib.contextmanager
def _open_export(file: Path) -> Iterator[_ExportFile]:
    """An export file, open as text (a byte order mark is allowed)."""
    try:
        source = file.open(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileProblem(f"{file} does not exist: check the path") from None
    except IsADirectoryError:
        raise FileProblem(f"{file} is a folder: give an export file (.json)") from None
    except OSError as error:
        raise FileProblem(f"cannot read {file}: {error.strerror or error}") from None
    with source:
        yield _ExportFile(source, file)


class _ExportFile:
    """An open export file whose reading errors are one line that names it."""

    def __init__(self, source: TextIO, path: Path) -> None:
        self._source = source
        self._path = path

    def read(self, size: int, /) -> str:
        try:
            return self._source.read(size)
        except UnicodeDecodeError as error:
            raise FileProblem(
                f"{self._path} is not UTF-8 text ({error.reason}): give a file from "
                "afterview export"
            ) from None
        except OSError as error:
            raise FileProblem(f"cannot read {self._path}: {error.strerror or error}") from None


@main.command()
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
@_candidate_option
@_db_option
@reports_errors
def feed(output: str | None, candidate: str | None, db: str | None) -> None:
    """Write one calendar of every tracked interview's actions (what `serve` publishes).

    \b
    Example:
      afterview feed -o follow-ups.ics
    """
    from . import feed as feeds

    settings = _settings()
    with _store(db) as store:
        if output is None or output == "-":
            info = feeds.write_feed(
                sys.stdout.buffer,
                store,
                now=_now(),
                candidate=candidate,
                reminder=settings.reminder_time,
            )
            sys.stdout.flush()
            return
        from pathlib import Path

        from .files import atomic_writer

        with atomic_writer(Path(output)) as out:
            info = feeds.write_feed(
                out, store, now=_now(), candidate=candidate, reminder=settings.reminder_time
            )
    click.echo(f"Wrote {info.events} events to {output}")


@main.command()
@_candidate_option
@click.option("--rotate", is_flag=True, help="Replace the token: old links stop working.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Where `serve` listens.")
@click.option("--port", default=8765, show_default=True, type=int, help="Where `serve` listens.")
@_db_option
@reports_errors
def token(candidate: str | None, rotate: bool, host: str, port: int, db: str | None) -> None:
    """Print the secret page and feed links (`afterview serve` answers them).

    \b
    Example:
      afterview token
      afterview token --candidate "Alex Kim" --rotate
    """
    from . import tracker
    from .web import base_url, feed_links

    with _store(db) as store:
        secret = tracker.feed_token(store, candidate, now=_now(), rotate=rotate)
    links = feed_links(base_url(host, port), secret)
    click.echo(f"page:      {links.page}")
    click.echo(f"feed:      {links.feed}")
    click.echo(f"subscribe: {links.webcal}")
    click.echo("Keep these links private: anyone with them can read your interviews.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@_db_option
@reports_errors
def serve(host: str, port: int, db: str | None) -> None:
    """Serve your private page and live feed (links from `afterview token`).

    The feed holds personal data: it listens on this machine only unless told otherwise.

    \b
    Example:
      afterview serve
      afterview serve --port 9000
    """
    from . import web

    settings = _settings()
    web.serve(
        db,
        host,
        port,
        warn=lambda message: click.echo(f"warning: {message}", err=True),
        ready=lambda base: click.echo(
            f"Serving on {base} (Ctrl+C stops; afterview token for links)"
        ),
        reminder=settings.reminder_time,
    )


@main.command()
@click.option(
    "--caldav", "url", required=True, metavar="URL", help="The CalDAV calendar or server."
)
@click.option("--user", required=True, help="Your user name on the CalDAV server.")
@click.option(
    "--password-env",
    metavar="VAR",
    default="AFTERVIEW_CALDAV_PASSWORD",
    show_default=True,
    help="The environment variable that holds the password (never a command-line argument).",
)
@click.option("--calendar", "calendar_name", metavar="NAME", help="The calendar to use or create.")
@_candidate_option
@_db_option
@reports_errors
def push(
    url: str,
    user: str,
    password_env: str,
    calendar_name: str | None,
    candidate: str | None,
    db: str | None,
) -> None:
    """Write every tracked action to a CalDAV calendar: updated by UID, ended ones deleted.

    \b
    Example:
      DAV_PASSWORD=... afterview push --caldav https://dav.example.org/alex/ --user alex \\
        --password-env DAV_PASSWORD
    """
    from . import caldav_push
    from .errors import TrackerError

    password = os.environ.get(password_env)
    if password is None:
        raise TrackerError(
            f"${password_env} is not set: put the CalDAV password in it, or name another "
            "variable with --password-env"
        )
    settings = _settings()
    with _store(db) as store:
        result = caldav_push.push(
            store,
            url,
            user,
            password,
            now=_now(),
            candidate=candidate,
            calendar_name=calendar_name,
            reminder=settings.reminder_time,
        )
    click.echo(
        f"Pushed to {result.calendar}: {result.created} new, {result.updated} updated, "
        f"{result.deleted} deleted, {result.unchanged} unchanged"
    )


from .mail_command import mail as _mail  # noqa: E402  (its own module; registered last)

main.add_command(_mail)
