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
    warn,
)

if TYPE_CHECKING:
    pass


def checked_url(
    url: str, what: str, flag: str, *, https_only: bool = False, with_path: bool = False
) -> str:
    """``url`` when it is an http(s) address with a host, else a URLError naming ``flag``.

    Without ``with_path`` it must be a server's address alone, and comes back without
    a final slash.
    """
    from urllib.parse import urlsplit

    from afterview.errors import URLError

    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (a port that is no number raises here)
    except ValueError as error:
        raise URLError(f"{what} {url!r} is not a URL: {error}", hint=flag) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise URLError(
            f"{what} {url!r} is not an http(s) address such as https://feeds.example.org",
            hint=flag,
        )
    from afterview.settings import host_in_url

    host = host_in_url(parts.hostname)
    if host is None:
        raise URLError(f"{what} {url!r} has no valid host name in it", hint=flag)
    if with_path:
        return url.strip()
    if parts.username is not None or parts.password is not None:
        raise URLError(
            f"{what} {url!r} holds a user name or password: every link would show it; "
            "give the address alone",
            hint=flag,
        )
    if parts.query or parts.fragment or (parts.path not in ("", "/")):
        raise URLError(
            f"{what} {url!r} must be the server's address alone, without a path", hint=flag
        )
    if https_only and parts.scheme != "https":
        raise URLError(f"{what} {url!r} must use https", hint=flag)
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}"


def proxy_address(value: str) -> str:
    """A --proxy value when it is an IP address or network, else a one-line usage error."""
    import ipaddress

    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an IP address or network: name the reverse proxy by its "
            "address, such as 127.0.0.1 or 10.0.0.0/8",
            param_hint="--proxy",
        ) from None


def warn_if_clear_text(url: str, what: str) -> None:
    """One warning line for a plain http:// address that is not this machine."""
    from urllib.parse import urlsplit

    from afterview.publish.links import is_loopback

    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return
    if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        warn(
            f"{what} {parts.hostname} uses plain http: the password and your data cross "
            "the network in clear"
        )


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

        with atomic_writer(Path(output), private=True) as out:
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
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="The port `serve` listens on.",
)
@click.option(
    "--public-url", metavar="URL", help="The address the world reaches `serve` at (links use it)."
)
@db_option
@reports_errors
def token(
    candidate: str | None,
    rotate: bool,
    host: str,
    port: int,
    public_url: str | None,
    db: str | None,
) -> None:
    """Print the secret page and feed links (`afterview serve` answers them).

    \b
    Example:
      afterview token
      afterview token --candidate "Alex Kim" --rotate
      afterview token --public-url https://feeds.example.org
    """
    from afterview.publish.links import base_url, feed_links, is_loopback
    from afterview.tracker import tokens

    if public_url is not None:
        base = checked_url(public_url, "the public URL", "--public-url")
    elif is_loopback(host):
        base = base_url(host.strip("[]"), port)
    else:
        # `serve` answers other machines only under its --public-url: so must the links.
        raise click.UsageError(
            f"links to {host or repr(host)} would not open: give the address other machines "
            "use with --public-url (the one `afterview serve` was given)"
        )
    with open_store(db, writing=True) as store:
        secret = tokens.feed_token(store, candidate, now=now_utc(), rotate=rotate)
    links = feed_links(base, secret)
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
@click.option(
    "--public-url",
    metavar="URL",
    help="The https address the world reaches this server at; links use it, other hosts get 421.",
)
@click.option("--insecure-http", is_flag=True, help="Allow an http:// --public-url (no https).")
@click.option(
    "--proxy",
    "proxies",
    metavar="ADDRESS",
    multiple=True,
    help="A reverse proxy's address whose X-Forwarded-* headers are trusted (repeatable).",
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.5, 300),
    help="Seconds a client has to send its request.",
)
@db_option
@reports_errors
def serve(
    host: str,
    port: int,
    public_url: str | None,
    insecure_http: bool,
    proxies: tuple[str, ...],
    timeout: float,
    db: str | None,
) -> None:
    """Serve your private page and live feed (links from `afterview token`).

    The feed holds personal data: it listens on this machine only unless told otherwise.
    Beyond this machine it needs --public-url https://... (http:// with --insecure-http).

    \b
    Example:
      afterview serve
      afterview serve --port 9000
      afterview serve --public-url https://feeds.example.org --proxy 127.0.0.1
    """
    import math

    from afterview.publish import web
    from afterview.publish.links import is_loopback

    if not math.isfinite(timeout):
        raise click.BadParameter(f"{timeout} is not a number of seconds", param_hint="--timeout")
    trusted = tuple(proxy_address(p) for p in proxies)
    public = None
    if public_url is not None:
        public = checked_url(
            public_url, "the public URL", "--public-url", https_only=not insecure_http
        )
    if not is_loopback(host) and public is None:
        # Requests must name the server's public host: without one, only loopback names
        # would be answered, and other machines would get 421 for every address.
        raise click.UsageError(
            f"serving on {host or repr(host)} reaches other machines: give the address "
            "they use with --public-url https://... (or an http:// one with --insecure-http)"
        )
    settings = user_settings()
    with open_store(db) as store:  # creates the default folder
        path = store.path
    web.serve(
        path,
        host,
        port,
        warn=warn,
        ready=lambda base: click.echo(
            f"Serving on {base}{f' as {public}' if public else ''} "
            "(Ctrl+C stops; afterview token for links)"
        ),
        reminder=settings.reminder_time,
        exposure=web.Exposure(public, trusted),
        timeout=timeout,
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

    url = checked_url(url, "the CalDAV address", "--caldav", with_path=True)
    warn_if_clear_text(url, "the CalDAV server")
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
