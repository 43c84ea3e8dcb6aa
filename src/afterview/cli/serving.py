"""Commands that hand the feed to calendars: feed, token, serve, push."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from afterview.cli.app import (
    candidate_option,
    db_option,
    main,
    now_utc,
    open_store,
    reports_errors,
    user_settings,
)

if TYPE_CHECKING:
    pass


@main.command()
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
@candidate_option
@db_option
@reports_errors
def feed(output: str | None, candidate: str | None, db: str | None) -> None:
    """Write one calendar of every tracked interview's actions (what `serve` publishes).

    \b
    Example:
      afterview feed -o follow-ups.ics
    """
    from afterview.publish import feed as feeds

    settings = user_settings()
    with open_store(db) as store:
        if output is None or output == "-":
            info = feeds.write_feed(
                sys.stdout.buffer,
                store,
                now=now_utc(),
                candidate=candidate,
                reminder=settings.reminder_time,
            )
            sys.stdout.flush()
            return
        from pathlib import Path

        from afterview.formats.files import atomic_writer

        with atomic_writer(Path(output)) as out:
            info = feeds.write_feed(
                out, store, now=now_utc(), candidate=candidate, reminder=settings.reminder_time
            )
    click.echo(f"Wrote {info.events} events to {output}")


@main.command()
@candidate_option
@click.option("--rotate", is_flag=True, help="Replace the token: old links stop working.")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="The address `serve` listens on."
)
@click.option(
    "--port", default=8765, show_default=True, type=int, help="The port `serve` listens on."
)
@db_option
@reports_errors
def token(candidate: str | None, rotate: bool, host: str, port: int, db: str | None) -> None:
    """Print the secret page and feed links (`afterview serve` answers them).

    \b
    Example:
      afterview token
      afterview token --candidate "Alex Kim" --rotate
    """
    from afterview.publish.links import base_url, feed_links
    from afterview.tracker import tokens

    with open_store(db) as store:
        secret = tokens.feed_token(store, candidate, now=now_utc(), rotate=rotate)
    links = feed_links(base_url(host, port), secret)
    click.echo(f"page:      {links.page}")
    click.echo(f"feed:      {links.feed}")
    click.echo(f"subscribe: {links.webcal}")
    click.echo("Keep these links private: anyone with them can read your interviews.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="The port to listen on (0: any free port, printed at the start).",
)
@db_option
@reports_errors
def serve(host: str, port: int, db: str | None) -> None:
    """Serve your private page and live feed (links from `afterview token`).

    The feed holds personal data: it listens on this machine only unless told otherwise.

    \b
    Example:
      afterview serve
      afterview serve --port 9000
    """
    from afterview.publish import web

    settings = user_settings()
    with open_store(db) as store:  # creates the default folder; reports a damaged file now
        path = store.path
    web.serve(
        path,
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
@candidate_option
@db_option
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
    from afterview.errors import TrackerError
    from afterview.publish import caldav as caldav_push

    password = os.environ.get(password_env)
    if password is None:
        raise TrackerError(
            f"${password_env} is not set: put the CalDAV password in it, or name another "
            "variable with --password-env"
        )
    settings = user_settings()
    with open_store(db) as store:
        result = caldav_push.push(
            store,
            url,
            user,
            password,
            now=now_utc(),
            candidate=candidate,
            calendar_name=calendar_name,
            reminder=settings.reminder_time,
        )
    click.echo(
        f"Pushed to {result.calendar}: {result.created} new, {result.updated} updated, "
        f"{result.deleted} deleted, {result.unchanged} unchanged"
    )
