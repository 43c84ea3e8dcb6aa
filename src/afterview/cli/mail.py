"""``afterview mail``: read the employer's replies from a mailbox and propose what changed.

The mail package is imported inside the command, so ``afterview --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from afterview.mail.propose import Applied, Proposal
    from afterview.mail.sources import Source
    from afterview.settings import Settings

# How the command line completes a mail error's hint.
HINTS = {
    "password": "put the password in an environment variable named with --password-env "
    "(or `afterview config set mail_password_env VAR`), store it in the keyring, or give "
    "a token with --oauth-token-env",
    "certificate": "if the server uses its own certificate, point SSL_CERT_FILE at it",
    "mbox": "give an mbox file with --mbox, a Maildir with --maildir, or a folder with --eml",
    "eml": "for a folder of .eml files use --eml, for a Maildir --maildir",
    "source": "give --imap, --mbox, --maildir or --eml (or `afterview config set mail ...`)",
}
DEFAULT_PASSWORD_ENV = "AFTERVIEW_MAIL_PASSWORD"


@click.command("mail")
@click.option("--imap", metavar="URL", help="An IMAP folder: imaps://you@host[:port]/FOLDER.")
@click.option("--mbox", metavar="FILE", help="An mbox file (Gmail Takeout, Thunderbird, mutt).")
@click.option("--maildir", metavar="DIR", help="A Maildir folder.")
@click.option("--eml", metavar="DIR", help="A folder of saved messages (.eml).")
@click.option(
    "--password-env",
    metavar="VAR",
    help=f"The environment variable holding the IMAP password (default: ${DEFAULT_PASSWORD_ENV}"
    ", else the keyring).",
)
@click.option("--oauth-token-env", metavar="VAR", help="The variable holding an XOAUTH2 token.")
@click.option("--me", metavar="EMAIL", help="Your own address (default: your settings).")
@click.option("--apply", "do_apply", is_flag=True, help="Record the proposals in the tracker.")
@click.option("--json", "as_json", is_flag=True, help="Print the proposals as JSON.")
@click.option("--db", "db", metavar="PATH", help="The tracker database.")
def mail(**options: Any) -> None:
    """Read the employers' replies in your mailbox and propose what changed (read-only).

    Nothing is marked read and nothing changes until --apply; each applied message is
    remembered, so running again applies nothing twice.

    \b
    Example:
      afterview mail --imap imaps://alex@imap.fastmail.com/INBOX --password-env MAIL_PW
      afterview mail --mbox takeout.mbox --apply
    """
    from afterview.cli.app import reports_errors  # the one error decorator every command shares

    reports_errors(_run)(**options)


def _run(
    imap: str | None,
    mbox: str | None,
    maildir: str | None,
    eml: str | None,
    password_env: str | None,
    oauth_token_env: str | None,
    me: str | None,
    do_apply: bool,
    as_json: bool,
    db: str | None,
) -> None:
    from afterview.cli.app import open_store
    from afterview.errors import MailError
    from afterview.mail import propose
    from afterview.settings import load_settings

    settings = load_settings()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        source = _source(imap, mbox, maildir, eml, password_env, oauth_token_env, settings)
        with open_store(db, writing=do_apply) as store:  # checked for damage before --apply
            try:
                mine = [a for a in (me, os.environ.get("AFTERVIEW_EMAIL"), settings.email) if a]
                found = propose.propose(source, store, me=mine, today=dt.date.today())
            finally:
                source.close()
            applied = propose.apply(store, found, now=now, me=settings.me) if do_apply else []
    except MailError as error:
        if error.hint in HINTS:
            raise MailError(f"{error}: {HINTS[error.hint]}") from None
        raise
    if applied:
        from afterview.cli.publish import republish

        republish(db)  # a configured publish target shows what the mailbox changed
    if as_json:
        import json

        click.echo(json.dumps([p.as_dict() for p in found], indent=2, ensure_ascii=False))
        return
    _show(found, applied, do_apply)


def _source(
    imap: str | None,
    mbox: str | None,
    maildir: str | None,
    eml: str | None,
    password_env: str | None,
    oauth_token_env: str | None,
    settings: Settings,
) -> Source:
    from afterview.mail.sources import open_source

    given = [(k, v) for k, v in (("imap", imap), ("mbox", mbox), ("maildir", maildir)) if v]
    given += [("eml", eml)] if eml else []
    if len(given) > 1:
        raise click.UsageError("give one mailbox: --imap, --mbox, --maildir or --eml")
    kind, spec = given[0] if given else (None, settings.mail)
    if spec is None:
        raise click.UsageError(
            "no mailbox: give --imap, --mbox, --maildir or --eml, or save one with "
            "afterview config set mail imaps://you@host/INBOX"
        )
    variable = password_env or settings.mail_password_env or DEFAULT_PASSWORD_ENV
    return open_source(spec, kind, password_env=variable, token_env=oauth_token_env)


def _show(found: list[Proposal], applied: list[Applied], did_apply: bool) -> None:
    if not found:
        click.echo("No news in the mailbox for your open interviews.")
        return
    for proposal in found:
        click.echo(
            f"{proposal.interview_id}  {proposal.company}, {proposal.role}: {proposal.status}"
            + (f" ('{proposal.decision}')" if proposal.decision else "")
        )
        when = f"{proposal.date:%a %d %b %Y %H:%M}"
        click.echo(f'    from {proposal.sender}, {when}, "{proposal.subject}"')
        click.echo(f'    because: "{proposal.sentence}"')
        if proposal.status == "next-round" and proposal.invitation is None:
            click.echo(
                "    no invitation attached: when you have the date, afterview add FILE "
                f"--round-of {proposal.interview_id}"
            )
    if not did_apply:
        click.echo("Nothing changed: run again with --apply to record these.")
        return
    for done in applied:
        extra = f" as {done.new_id}" if done.new_id else ""
        click.echo(f"Recorded {done.proposal.status}{extra} for {done.proposal.interview_id}.")
        changes = done.changes
        for kind, actions in (("cancelled", changes.cancelled), ("changed", changes.changed)):
            for action in actions:
                click.echo(f"  {kind + ':':<10} {action.date:%a %d %b %Y}  {action.title}")
        for action in changes.added:
            click.echo(f"  {'added:':<10} {action.date:%a %d %b %Y}  {action.title}")
