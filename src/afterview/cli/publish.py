"""``afterview publish``: upload the feed where phones and Google Calendar can subscribe.

Also ``republish``, which every command that changes the tracker calls afterwards when
a publishing address is set: a failed upload there never fails the change, it says so
in one line, and ``afterview publish`` tries again.

Those commands are marked ``publishes_changes``. When a publishing address is set, such
a command forks a publisher as it starts. The publisher loads the serializer and the
upload code on another core while the command makes its change, then waits. The moment
the change is committed, ``republish`` tells it to go and prints what it answers. A
publish after a change then costs about what its upload does, not an interpreter's
worth of imports on top. Where there is no ``fork``, or threads are already running (a
fork would copy their locks), or the publisher does not answer, ``republish`` publishes
in the command's own process, as before.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from afterview.publish.publisher import Published
    from afterview.settings import Settings

PASSWORD_ENV = "AFTERVIEW_PUBLISH_PASSWORD"

F = TypeVar("F", bound=Callable[..., Any])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _run(
    settings: Settings,
    db: str | None,
    url: str,
    *,
    detail: str | None,
    password_env: str | None,
    rotate: bool = False,
    check_remote: bool = True,
) -> Published:
    from urllib.parse import urlsplit

    from afterview.cli.app import open_store
    from afterview.errors import PublishError
    from afterview.publish import publisher
    from afterview.publish.destinations import target_for
    from afterview.publish.targets import default_detail

    target_for(url)  # refuses a malformed address before anything is rendered
    env_name = password_env or settings.publish_password_env or PASSWORD_ENV
    password = publisher.password_for(url, env_name)
    parts = urlsplit(url)
    if parts.scheme in ("http", "https", "dav", "davs") and parts.username and password is None:
        if password_env:
            raise PublishError(
                f"${password_env} is not set: put the password in it, or name another "
                "variable with --password-env"
            )
        raise publisher.need_password(url, env_name)
    level = detail or settings.publish_detail or default_detail(url)
    with open_store(db) as store:
        return publisher.publish(
            store,
            url,
            now=_now(),
            detail=level,
            password=password,
            reminder=settings.reminder_time,
            rotate=rotate,
            check_remote=check_remote,
        )


@click.command("publish")
@click.option(
    "--to", "url", metavar="URL", help="Where to publish (default: your publish setting)."
)
@click.option(
    "--detail",
    type=click.Choice(["full", "titles", "busy"]),
    help="What the published file shows (default: titles, or full on this machine).",
)
@click.option(
    "--password-env",
    metavar="VAR",
    help=f"The environment variable with the WebDAV password (default: {PASSWORD_ENV}).",
)
@click.option(
    "--link-base",
    metavar="URL",
    help="The public https address of the folder, for the subscribe links.",
)
@click.option("--rotate", is_flag=True, help="Publish under a new random name, deleting the old.")
@click.option("--db", "db", metavar="PATH", help="The tracker database.")
def publish_command(
    url: str | None,
    detail: str | None,
    password_env: str | None,
    link_base: str | None,
    rotate: bool,
    db: str | None,
) -> None:
    """Upload the live feed to a host you have (WebDAV, SFTP, git pages, a synced folder).

    The file's name carries 128 random bits; anyone with the link can read it, so by
    default it shows titles and times only (--detail titles).

    \b
    Example:
      afterview publish --to https://alex@cloud.example.org/remote.php/dav/files/alex/cal/
      afterview publish --to sftp://alex@example.org/var/www/cal --link-base https://example.org/cal
      afterview config set publish git+ssh://git@codeberg.org/alex/pages.git#pages
    """
    from afterview.cli.app import reports_errors

    reports_errors(_publish)(url, detail, password_env, link_base, rotate, db)


def _publish(
    url: str | None,
    detail: str | None,
    password_env: str | None,
    link_base: str | None,
    rotate: bool,
    db: str | None,
) -> None:
    from afterview.errors import PublishError
    from afterview.publish.publisher import public_link, subscribe_links
    from afterview.settings import load_settings

    settings = load_settings()
    address = url or settings.publish
    if not address:
        raise PublishError(
            "nowhere to publish to: give --to URL, or save it with afterview config set publish URL"
        )
    done = _run(settings, db, address, detail=detail, password_env=password_env, rotate=rotate)
    for warning in done.warnings:
        click.echo(f"warning: {warning}", err=True)
    if done.sent:
        again = " (after another publisher's upload)" if done.retried else ""
        click.echo(f"Published {done.size} bytes ({done.detail}) to {done.where}{again}")
    else:
        click.echo(f"Up to date: {done.where} already has this feed ({done.detail})")
    click.echo(f"file:      {done.name}")
    if done.removed:
        click.echo(f"removed:   {done.removed} (the old links stop working)")
    link = public_link(address, done.name, link_base or settings.publish_link)
    if link is None:
        click.echo(
            "Subscribe links: give --link-base with the folder's public https address "
            "(or afterview config set publish_link URL)"
        )
        return
    links = subscribe_links(link)
    click.echo(f"subscribe: {links.webcal}")
    click.echo(f"google:    {links.google}")
    click.echo(f"https:     {links.https}")
    click.echo("Anyone with these links can read the file: share them with no one.")


def republish(db: str | None) -> None:
    """Publish again after a change, when a publish address is set; never fails the change."""
    outcome = _early_outcome()
    if outcome is None:
        outcome = _outcome(db)
    if "failed" in outcome:
        _not_published(outcome["failed"])
    elif "published" in outcome:
        click.echo(f"Published the feed to {outcome['published']}", err=True)


def _outcome(db: str | None) -> dict[str, str]:
    """Publish now: {"published": where}, {"failed": why}, or {} (nothing to send)."""
    from afterview.errors import AfterviewError
    from afterview.settings import load_settings

    try:
        settings = load_settings()
        if not settings.publish:
            return {}
        done = _run(
            settings, db, settings.publish, detail=None, password_env=None, check_remote=False
        )
    except AfterviewError as error:
        return {"failed": str(error)}
    except Exception as error:  # still one line: the change itself is saved
        return {"failed": f"{type(error).__name__}: {error}"}
    return {"published": done.where} if done.sent else {}


@dataclass
class _Early:
    """A publisher forked as a command started, waiting for the word to publish."""

    pid: int
    go: int  # written to once the change is committed; closed to send it away
    answer: int  # its outcome, as JSON, then end of file


_early: _Early | None = None


def publishes_changes(command: F) -> F:
    """Mark a command that may change the tracker: its publish is prepared meanwhile."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _start_early(kwargs.get("db"))
        try:
            return command(*args, **kwargs)
        finally:
            _dismiss()

    return wrapper  # type: ignore[return-value]


def _start_early(db: str | None) -> None:
    """Fork the publisher, when a publish address is set and a fork is safe here."""
    global _early
    if _early is not None or not hasattr(os, "fork"):
        return
    if "threading" in sys.modules:
        import threading

        if threading.active_count() != 1:
            return  # a fork copies other threads' locks, not the threads
    from afterview.errors import AfterviewError
    from afterview.settings import load_settings

    try:
        if not load_settings().publish:
            return
    except AfterviewError:
        return  # republish says what is wrong with the settings, after the change
    go_read, go_write = os.pipe()
    answer_read, answer_write = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        for fd in (go_read, go_write, answer_read, answer_write):
            os.close(fd)
        return
    if pid == 0:
        os.close(go_write)
        os.close(answer_read)
        _publisher(db, go_read, answer_write)  # never returns
    os.close(go_read)
    os.close(answer_write)
    _early = _Early(pid, go_write, answer_read)


def _publisher(db: str | None, go: int, answer: int) -> None:
    """The forked publisher: load, wait for the word, publish, answer, exit."""
    try:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it with the command
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)  # it never writes to the terminal: the command does
        sys.stdin = sys.stdout = sys.stderr = open(os.devnull, "r+")  # noqa: SIM115
        _load_publishing(db)
        if os.read(go, 1) != b"g":
            return  # the command ended without a change to publish
        data = json.dumps(_outcome(db)).encode()
        while data:
            data = data[os.write(answer, data) :]
        os.close(answer)  # the command goes on, while the old copy is removed here
        from afterview.publish import copies

        copies.tidy()
    except BaseException:  # the command publishes by itself when there is no answer
        pass
    finally:
        os._exit(0)


def _load_publishing(db: str | None) -> None:
    """Make ready what a publish after a change needs, before the change is made."""
    import fcntl  # noqa: F401  (the publish lock)

    import afterview.tracker.backups  # noqa: F401
    from afterview.cli.app import tracker_path
    from afterview.formats import ics
    from afterview.publish import copies, publisher
    from afterview.publish.destinations import target_for
    from afterview.settings import default_db_path, load_settings

    copies.defer_removals()
    ics.warm()  # icalendar loaded and its patterns compiled: the changed events' bytes
    default_db_path()  # the data folder's library, which opening the tracker asks
    "localhost".encode("idna")  # what a connection to a host name loads on first use
    address = load_settings().publish
    if address:
        target_for(address)  # its protocol's module
        publisher.get_ready(tracker_path(db), address)  # the last copy's map


def _early_outcome() -> dict[str, str] | None:
    """The forked publisher's outcome once told to go; None when there is none."""
    global _early
    early, _early = _early, None
    if early is None:
        return None
    data = b""
    try:
        os.write(early.go, b"g")
        while chunk := os.read(early.answer, 65536):
            data += chunk
    except OSError:
        data = b""
    finally:
        _end(early, kill=False, wait=False)
    try:
        found = json.loads(data)
    except ValueError:
        return None
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        return None
    return found


def _dismiss() -> None:
    """Send away a publisher the command did not use (it failed, or changed nothing)."""
    global _early
    early, _early = _early, None
    if early is not None:
        _end(early, kill=True)


# Publishers that answered and were still tidying up: reaped when next looked at.
_unreaped: list[int] = []


def _end(early: _Early, *, kill: bool, wait: bool = True) -> None:
    """Close the pipes and reap the publisher (or, when it may still be removing an old
    copy, leave it: the command need not wait, and it is reaped later or by init)."""
    import contextlib
    import signal

    with contextlib.suppress(OSError):
        if kill:
            os.kill(early.pid, signal.SIGKILL)
    for fd in (early.go, early.answer):
        with contextlib.suppress(OSError):
            os.close(fd)
    _unreaped.append(early.pid)
    for pid in list(_unreaped):
        try:
            done, _ = os.waitpid(pid, 0 if wait and pid == early.pid else os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _unreaped.remove(pid)


def _not_published(reason: str) -> None:
    from afterview.cli.app import one_line

    click.echo(
        f"afterview: the change is saved but not published ({one_line(reason)}): run "
        "afterview publish to try again",
        err=True,
    )
