"""``afterview publish``: upload the feed where phones and Google Calendar can subscribe.

Also ``republish``, which every command that changes the tracker calls afterwards when
a publishing address is set: a failed upload there never fails the change, it says so
in one line, and ``afterview publish`` tries again.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from afterview.publish.publisher import Published
    from afterview.settings import Settings

PASSWORD_ENV = "AFTERVIEW_PUBLISH_PASSWORD"


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
    from afterview.errors import AfterviewError
    from afterview.settings import load_settings

    try:
        settings = load_settings()
        if not settings.publish:
            return
        done = _run(
            settings, db, settings.publish, detail=None, password_env=None, check_remote=False
        )
    except AfterviewError as error:
        _not_published(str(error))
        return
    except Exception as error:  # still one line: the change itself is saved
        _not_published(f"{type(error).__name__}: {error}")
        return
    if done.sent:
        click.echo(f"Published the feed to {done.where}", err=True)


def _not_published(reason: str) -> None:
    from afterview.cli.app import one_line

    click.echo(
        f"afterview: the change is saved but not published ({one_line(reason)}): run "
        "afterview publish to try again",
        err=True,
    )
