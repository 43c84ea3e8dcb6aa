"""The ``afterview`` command group, the error decorator, and the options commands share.

Each group of commands lives in its own module and imports the libraries it needs
inside the command, so ``afterview --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from afterview import __version__
from afterview.errors import AfterviewError

if TYPE_CHECKING:
    from pathlib import Path

    from afterview.model import Interview, Plan
    from afterview.settings import Settings
    from afterview.tracker.store import Store


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
            click.echo(f"afterview: {one_line(message_of(error))}", err=True)
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


def message_of(error: AfterviewError) -> str:
    """The error's message with the command-line hint the library left to the CLI."""
    message = str(error)
    return f"{message} ({error.hint})" if error.hint else message


def _drop_stdout() -> None:
    """Point standard output at the null device, so exiting does not flush into the
    closed pipe again (Python would print a second error)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (tests)
        pass


def warn(message: str) -> None:
    """One warning line on stderr: ``warning: ...``, however the message already began."""
    text = message.strip()
    while text.casefold().startswith("warning:"):
        text = text[len("warning:") :].lstrip()
    click.echo(f"warning: {one_line(text)}", err=True)


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
@click.option(
    "--db",
    "db",
    metavar="PATH",
    help="The tracker database for the tracker commands (also accepted after the command).",
)
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """Plan your follow-ups after a job interview: thank-you notes, check-ins, and when to
    move on, as calendar events with ready-to-send drafts.

    \b
    Example:
      afterview plan northwind.toml        # writes northwind.ics
      afterview show northwind.toml        # the same plan in the terminal
    """
    ctx.ensure_object(dict)["db"] = db
    from afterview.core import calendarcache

    calendarcache.locate(_cache_folder)


def _cache_folder() -> Path:
    from afterview.settings import user_folder

    return user_folder("cache")


def user_settings() -> Settings:
    from afterview.settings import load_settings

    return load_settings()


def read_interview_file(
    path: Path, settings: Settings, invite: dict[str, Any] | None = None
) -> Interview:
    """The interview in an interview file, or the one an invitation (.ics, .eml) describes."""
    from afterview.formats.files import is_invitation

    if is_invitation(path):
        return from_invitation(path, settings, invite or {})
    from afterview.formats.interviewfile import read_interview

    return read_interview(path, settings.defaults())


def from_invitation(path: Path, settings: Settings, invite: dict[str, Any]) -> Interview:
    from afterview.invite.interview import interview_from_invitation
    from afterview.invite.mail import load_invitation

    me = invite.get("me") or os.environ.get("AFTERVIEW_EMAIL")
    options = {k: invite.get(k) for k in ("country", "subdivision", "timezone", "company", "role")}
    return interview_from_invitation(
        load_invitation(path),
        me=me,
        my_address=settings.email,
        decision=invite.get("decision"),
        policy=invite.get("policy"),
        defaults=settings.defaults(),
        ask=prompt if sys.stdin.isatty() else None,
        today=dt.date.today(),
        **options,
    )


def prompt(question: str, default: str | None) -> str:
    answer: str = click.prompt(question, default=default or "", show_default=bool(default))
    return answer


def plan_file(
    file: Path,
    policy: str | None,
    decision: str | None,
    settings: Settings,
    invite: dict[str, Any] | None = None,
) -> Plan:
    from afterview.policies import plan_interview

    interview = read_interview_file(file, settings, invite)
    return plan_interview(
        interview, settings.me, policy=policy, decision=decision, base=file.parent
    )


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


def invite_flags(kwargs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Pop the invitation flags out of a command's arguments."""
    found = {name: kwargs.pop(name, None) for name in _INVITE_OPTIONS}
    found.update(extra)
    return found


class PathType(click.ParamType["Path"]):
    """A file path argument; pathlib is imported only when a command runs."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from pathlib import Path

        return Path(value)


def quoted(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


policy_option = click.option(
    "--policy",
    metavar="NAME|PATH",
    help="The follow-up policy: a built-in name (afterview policies) or a policy file; "
    "it replaces the one an interview file names.",
)


decision_option = click.option(
    "--decision",
    metavar="TEXT",
    help="What they said about the decision timeline, e.g. 'by Friday'; it replaces "
    "what an interview file says.",
)


file_argument = click.argument("file", type=PathType())


db_option = click.option(
    "--db",
    "db",
    metavar="PATH",
    help="The tracker database (default: $AFTERVIEW_DB, else your data folder); "
    "also accepted before the command.",
)


candidate_option = click.option(
    "--candidate", metavar="NAME", help="Only this candidate's interviews (for coaches)."
)


date_type = click.DateTime(formats=["%Y-%m-%d"])


def tracker_path(db: str | None) -> Path:
    """The tracker's path: ``--db`` after the command, else before it, else the default."""
    from afterview.settings import db_path

    if db is None:
        # `afterview --db PATH list` names the tracker before the command.
        context = click.get_current_context(silent=True)
        root = context.find_root() if context else None
        if root is not None and isinstance(root.obj, dict):
            db = root.obj.get("db")
    return db_path(db)


def open_store(db: str | None, *, writing: bool = False) -> Store:
    """The tracker; ``writing`` first checks it for damage, so a write never spreads it."""
    from afterview.settings import default_db_path
    from afterview.tracker.store import Store

    path = tracker_path(db)
    store = Store(path, create_folder=path == default_db_path())
    if writing:
        try:
            store.verify()
        except BaseException:
            store.close()
            raise
    return store


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def day_of(value: dt.datetime | None) -> dt.date:
    return value.date() if value is not None else dt.date.today()
