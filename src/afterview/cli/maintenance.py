"""Commands that look after the tracker file itself: backups, restore, doctor."""

from __future__ import annotations

import click

from afterview.cli.app import db_option, main, reports_errors


def _db_path(db: str | None) -> str:
    from afterview.cli.app import tracker_path  # --db after the command, or before it

    return str(tracker_path(db))


@main.command()
@db_option
@reports_errors
def backups(db: str | None) -> None:
    """List the tracker's automatic backups, newest first (numbers for `restore`).

    afterview backs the tracker up before every schema change and on the first
    change of each day, keeping the last seven beside it in a `backups` folder.

    \b
    Example:
      afterview backups
    """
    from pathlib import Path

    from afterview.tracker.backups import backup_folder, list_backups

    path = Path(_db_path(db))
    found = list_backups(path)
    if not found:
        click.echo(f"No backups of {path} yet (in {backup_folder(path)}).")
        return
    for backup in found:
        when = backup.taken.strftime("%Y-%m-%d %H:%M:%S UTC")
        click.echo(f"{backup.number:>2}  {when}  {backup.reason:<14} {backup.size // 1024:>6} KB")
    click.echo(f"In {backup_folder(path)}; afterview restore N brings one back.")


@main.command()
@click.argument("number", metavar="[N]", required=False, default=1, type=click.IntRange(1))
@db_option
@reports_errors
def restore(number: int, db: str | None) -> None:
    """Put backup N (default 1, the newest) in place of the tracker.

    The current file is kept first as a backup of its own, so a restore can be undone.
    A running `afterview serve` notices the new file and serves it, and a publish
    address set with `afterview config set publish` gets the restored feed.

    \b
    Example:
      afterview backups
      afterview restore 2
    """
    from pathlib import Path

    from afterview.tracker.maintenance import restore as restore_backup

    path = Path(_db_path(db))
    chosen, kept = restore_backup(path, number)
    click.echo(
        f"Restored {path} from backup {number} ({chosen.taken:%Y-%m-%d %H:%M:%S} UTC, "
        f"{chosen.reason}); the file it replaced is kept as {kept.name}."
    )
    from afterview.cli.publish import republish

    # In this process, after the file is in place: a publisher made ready beforehand
    # would have opened the file the restore replaced.
    republish(db)


@main.command()
@db_option
@reports_errors
def doctor(db: str | None) -> None:
    """Check the tracker file for damage; on damage, save what can be read into a backup.

    \b
    Example:
      afterview doctor
    """
    from pathlib import Path

    from afterview.errors import TrackerError
    from afterview.tracker.maintenance import doctor as diagnose

    path = Path(_db_path(db))
    found = diagnose(path)
    if found.problem is None:
        click.echo(f"{path}: no damage found.")
        return
    saved = found.saved or {}
    recovered = found.recovered
    click.echo(f"{path} is damaged: {found.problem[:300]}")
    click.echo(
        f"Saved {saved.get('interviews', 0)} interviews, {saved.get('events', 0)} events and "
        f"{saved.get('tokens', 0)} feed tokens into {recovered}."
    )
    raise TrackerError(
        f"{path} is damaged: what could be read is now backup 1",
        hint="afterview restore 1 puts it in place; afterview restore 2 is the backup before",
    )
