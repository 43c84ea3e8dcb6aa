"""``afterview publish``: upload the feed where phones and Google Calendar can subscribe.

Also ``republish``, which every command that changes the tracker calls afterwards when
a publishing address is set: a failed upload there never fails the change, it says so
in one line, and ``afterview publish`` tries again.

Those commands are marked ``publishes_changes``: their publish is prepared by a process
forked as the command starts, and runs the moment the change is committed (see
``afterview.republishing``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from afterview import republishing
from afterview.republishing import PASSWORD_ENV

F = TypeVar("F", bound=Callable[..., Any])


@click.command("publish")
@click.option(
    "--to", "url", metavar="URL", help="Where to publish (default: your publish setting)."
)
@click.option(
    "--detail",
    type=click.Choice(["full", "titles", "busy"]),
    help="What the published file shows, kept for this address (default: publish_detail, "
    "else titles; full for a WebDAV server on this machine).",
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
    from afterview.cli.app import tracker_path
    from afterview.errors import PublishError
    from afterview.publish.publisher import public_link, subscribe_links
    from afterview.settings import load_settings

    settings = load_settings()
    if link_base is not None:
        from afterview.settings import link_base_problem

        problem = link_base_problem(link_base)
        if problem:
            raise click.BadParameter(problem, param_hint="--link-base")
    address = url or settings.publish
    if not address:
        raise PublishError(
            "nowhere to publish to: give --to URL, or save it with afterview config set publish URL"
        )
    done = republishing.publish(
        settings, tracker_path(db), address, detail=detail, password_env=password_env,
        rotate=rotate,
    )  # fmt: skip
    for warning in done.warnings:
        click.echo(f"warning: {warning}", err=True)
    if detail is not None and settings.publish_detail and settings.publish_detail != detail:
        click.echo(
            f"note: publishes after changes use publish_detail ({settings.publish_detail}); "
            f"to keep {detail}: afterview config set publish_detail {detail}",
            err=True,
        )
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
        from urllib.parse import urlsplit

        why = (
            "the folder needs a login, which calendars do not have: "
            if urlsplit(address).username
            else ""
        )
        click.echo(
            f"Subscribe links: {why}give --link-base with the folder's public https address "
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
    outcome = republishing.outcome()
    if outcome is None:
        from afterview.cli.app import tracker_path

        outcome = republishing.publish_now(tracker_path(db))
    if "failed" in outcome:
        _not_published(outcome["failed"])
    elif "published" in outcome:
        detail = f" ({outcome['detail']})" if "detail" in outcome else ""
        click.echo(f"Published the feed{detail} to {outcome['published']}", err=True)
        if "name" in outcome:
            click.echo(
                f"It is a new file there, {outcome['name']}: run afterview publish for its "
                "subscribe links (a calendar subscribed to an older link no longer follows)",
                err=True,
            )


def publishes_changes(command: F) -> F:
    """Mark a command that may change the tracker: its publish is prepared meanwhile."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from afterview.cli.app import tracker_path
        from afterview.errors import AfterviewError

        republishing.start()  # when the entry point has not already (a command run in process)
        try:
            republishing.ready(tracker_path(kwargs.get("db")))
        except AfterviewError:
            republishing.dismiss()  # the command says what is wrong with the path
        try:
            return command(*args, **kwargs)
        finally:
            republishing.dismiss()

    wrapper.publishes_changes = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _not_published(reason: str) -> None:
    from afterview.cli.app import one_line

    click.echo(
        f"afterview: the change is saved but not published ({one_line(reason)}): run "
        "afterview publish to try again",
        err=True,
    )
