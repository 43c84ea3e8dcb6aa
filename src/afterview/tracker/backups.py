"""The backups the tracker makes on its own: before a migration and on the day's first write.

The store calls ``automatic_backup`` with itself; this module needs the store only as
a value, so it imports it for type checking alone and makes no import circle.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from afterview.errors import TrackerError

if TYPE_CHECKING:
    from afterview.tracker.store import Store


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
