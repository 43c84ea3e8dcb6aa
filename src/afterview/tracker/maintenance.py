"""Backups the tracker makes on its own, and the way back from a damaged file.

The tracker file is the user's only copy: ``export`` reads the same file, so it cannot
help once that file is damaged. Before every schema migration, and on the first write
of each day, the store copies itself with SQLite's online backup into a ``backups``
folder beside it, keeping the newest :data:`KEEP`. ``restore`` puts one back (after
keeping the current file too); ``doctor`` checks the file and, when it is damaged,
saves every row SQLite can still read into a new backup that ``restore`` can use.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from afterview.errors import TrackerError
from afterview.tracker.store import Store, check_file, copy_database, salvage

KEEP = 7  # backups kept per tracker file


FOLDER = "backups"


# tracker-20261203-142501-daily.db: the file's stem, when (UTC), and why.
_NAME = re.compile(r"(?P<stem>.+)-(?P<when>\d{8}-\d{6})(?:-(?P<n>\d+))?-(?P<why>[a-z0-9-]+)\.db")


@dataclass(frozen=True)
class Backup:
    """One backup file: its number in ``afterview backups`` (1 is the newest)."""

    number: int
    path: Path
    taken: dt.datetime
    reason: str
    size: int


@dataclass(frozen=True)
class Diagnosis:
    """What ``doctor`` found: ``ok``, or the damage and what a salvage saved where."""

    problem: str | None
    saved: dict[str, int] | None = None
    recovered: Path | None = None


def backup_folder(db: Path) -> Path:
    """Where the backups of the tracker at ``db`` go: a folder beside it."""
    return db.expanduser().parent / FOLDER


def list_backups(db: Path) -> list[Backup]:
    """The backups of the tracker at ``db``, newest first."""
    db = db.expanduser()
    folder = backup_folder(db)
    found: list[tuple[dt.datetime, int, str, Path, str]] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        match = _NAME.fullmatch(entry.name)
        if match is None or match["stem"] != db.stem or not entry.is_file():
            continue
        when = dt.datetime.strptime(match["when"], "%Y%m%d-%H%M%S").replace(tzinfo=dt.UTC)
        # Two backups in one second are told apart by when each file was written.
        written = entry.stat().st_mtime_ns
        found.append((when, written, entry.name, Path(entry.path), match["why"]))
    found.sort(reverse=True)
    return [
        Backup(number, path, when, why, path.stat().st_size)
        for number, (when, _written, _name, path, why) in enumerate(found, start=1)
    ]


def _new_name(db: Path, reason: str, now: dt.datetime) -> Path:
    folder = backup_folder(db)
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    path = folder / f"{db.stem}-{stamp}-{reason}.db"
    number = 1
    while path.exists():  # two backups in one second
        number += 1
        path = folder / f"{db.stem}-{stamp}-{number}-{reason}.db"
    return path


def _prune(db: Path) -> None:
    for old in list_backups(db)[KEEP:]:
        old.path.unlink(missing_ok=True)


def automatic_backup(
    store: Store, reason: str, *, once_a_day: bool = False, now: dt.datetime | None = None
) -> Path | None:
    """Back the store up before a migration or the day's first write; None when skipped.

    Nothing is written for a tracker with no interview, nor (``once_a_day``) when a
    backup from today (UTC) is already there. A backup that cannot be written never
    stops the write it comes before: the command goes on without it.
    """
    moment = now or dt.datetime.now(dt.UTC)
    try:
        if store.is_empty():
            return None
        if once_a_day:
            today = moment.astimezone(dt.UTC).date()
            if any(b.taken.date() == today for b in list_backups(store.path)):
                return None
        target = _new_name(store.path, reason, moment)
        store.backup_into(target)
        _prune(store.path)
    except (TrackerError, OSError):
        return None
    return target


def backup_now(store: Store, reason: str = "manual", now: dt.datetime | None = None) -> Path:
    """A backup taken now whatever there already is (before a restore)."""
    target = _new_name(store.path, reason, now or dt.datetime.now(dt.UTC))
    store.backup_into(target)
    _prune(store.path)
    return target


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
    with Store(db, create=False):
        pass  # back to write-ahead logging, and the schema brought up to date
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
