"""Backups the tracker makes on its own, and the way back from a damaged file.

The tracker file is the user's only copy: ``export`` reads the same file, so it cannot
help once that file is damaged. Before every schema migration, and on the first write
of each day, the store copies itself with SQLite's online backup into a ``backups``
folder beside it, keeping the newest :data:`KEEP`. ``restore`` puts one back (after
keeping the current file too); ``doctor`` checks the file and, when it is damaged,
saves every row SQLite can still read into a new backup that ``restore`` can use."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from afterview.errors import TrackerError
from afterview.tracker.backups import Backup, _new_name, backup_folder, backup_now, list_backups
from afterview.tracker.store import Store, check_file, copy_database, salvage


@dataclass(frozen=True)
class Diagnosis:
    """What ``doctor`` found: ``ok``, or the damage and what a salvage saved where."""

    problem: str | None
    saved: dict[str, int] | None = None
    recovered: Path | None = None


def restore(db: Path, number: int = 1, now: dt.datetime | None = None) -> tuple[Backup, Path]:
    """Put backup ``number`` (1: the newest) in place of the tracker at ``db``.

    The current file is kept first, as a backup of its own (a damaged one is copied as
    it is). Returns the backup restored and where the replaced file went.
    """
    db = db.expanduser()
    backups = list_backups(db)
    if not backups:
        raise TrackerError(f"there are no backups of {db} in {backup_folder(db)}")
    if not 1 <= number <= len(backups):
        raise TrackerError(
            f"there is no backup {number}: the backups are numbered 1 to {len(backups)}",
            hint="afterview backups lists them",
        )
    chosen = backups[number - 1]
    problem = check_file(chosen.path)
    if problem != "ok":
        raise TrackerError(
            f"backup {number} ({chosen.path.name}) is damaged too ({problem[:200]}): "
            "choose another",
            hint="afterview backups lists them",
        )
    moment = now or dt.datetime.now(dt.UTC)
    kept = _keep_current(db, moment)
    # The copy is made beside the tracker, so the rename that puts it in place is atomic.
    temp = db.with_name(f".{db.name}.restore")
    temp.unlink(missing_ok=True)
    copy_database(chosen.path, temp)
    for extra in ("-wal", "-shm"):
        # The old file's log must not be replayed into the restored one.
        Path(f"{db}{extra}").unlink(missing_ok=True)
    os.replace(temp, db)
    with Store(db, create=False) as store:
        # Back to write-ahead logging, the schema brought up to date, and a new name for
        # the log of feed changes: its entries are numbered again from the backup's.
        store.rename_feed_log()
    return chosen, kept


def _keep_current(db: Path, now: dt.datetime) -> Path:
    """Keep the file a restore replaces: an online backup, or a raw copy when damaged."""
    if check_file(db) == "ok":
        with Store(db, create=False) as store:
            store.checkpoint()  # nothing of it left in the log that a restore removes
            return backup_now(store, "before-restore", now)
    target = _new_name(db, "damaged", now)
    for extra in ("", "-wal"):
        source = Path(f"{db}{extra}")
        if source.exists():
            shutil.copyfile(source, Path(f"{target}{extra}"))
            os.chmod(Path(f"{target}{extra}"), 0o600)
    return target


def doctor(db: Path, now: dt.datetime | None = None) -> Diagnosis:
    """SQLite's full integrity check; on damage, a salvage into a new backup."""
    db = db.expanduser()
    if not db.is_file():
        raise TrackerError(
            f"the tracker database {db} does not exist", hint="afterview backups, --db PATH"
        )
    problem = check_file(db)
    if problem == "ok":
        return Diagnosis(None)
    target = _new_name(db, "recovered", now or dt.datetime.now(dt.UTC))
    temp = target.with_name(f".{target.name}.tmp")
    temp.unlink(missing_ok=True)
    try:
        saved = salvage(db, temp)
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return Diagnosis(problem, saved, target)
