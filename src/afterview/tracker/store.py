"""The tracker's SQLite database: interviews, their dated events, feed tokens.

The only module that imports ``sqlite3``. It stores and fetches rows and knows
nothing about plans: the tracker decides what the rows say. Every write runs in
one ``BEGIN IMMEDIATE`` transaction, the journal is WAL (readers never block the
writer, a killed writer loses only its open transaction) and a second writer
waits up to ``timeout`` seconds for the first before giving up with a clear error.

It stays whole, past 500 lines, because it is the one place that speaks SQL: every
statement the tracker runs is here, beside the connection and transaction rules
they rely on, so a change of schema or of database touches this file and schema.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from afterview.errors import TrackerError
from afterview.tracker.schema import MIGRATIONS, SCHEMA_VERSION

_Params = Sequence[Any] | Mapping[str, Any]


BUSY_TIMEOUT = 10.0
_FEED_LOG_NAME = "feed_log_name"  # meta key: the feed log's name


# What to do about a damaged file, in the command line's words.
REPAIR_HINT = "afterview doctor saves what it can; afterview restore brings back the latest backup"


# The tables a salvage copies, parents first, and the columns it copies.
_SALVAGE_TABLES = ("meta", "interviews", "events", "tokens")


@dataclass(frozen=True)
class InterviewRow:
    """One tracked interview as stored; ``toml`` is the public format with ``id`` set.

    ``zone`` is the interview's time zone as parsed from ``toml`` (None in rows written
    before schema 3).
    """

    id: str
    toml: str
    company: str
    role: str
    candidate: str | None
    day: dt.date
    created: str
    round_of: str | None = None
    outcome: str | None = None
    outcome_on: dt.date | None = None
    decision: str | None = None
    decision_on: dt.date | None = None
    timeline: int = 0
    zone: str | None = None


@dataclass(frozen=True)
class EventRow:
    """One planned action of a tracked interview, with its calendar identity and state.

    ``data`` is the follow-up as JSON (everything but status and sequence); ``changed``
    is the UTC stamp of the last change (the event's DTSTAMP); ``ended`` the date the
    event was cancelled for; ``pinned`` a date the user chose.
    """

    uid: str
    interview_id: str
    step: str
    number: int
    label: str
    person: str | None
    date: dt.date
    start: str | None
    status: str
    sequence: int
    changed: str
    data: str
    ended: dt.date | None = None
    pinned: dt.date | None = None
    timeline: int = 0
    cadence: bool = False


@dataclass(frozen=True)
class AgendaRow:
    """An event joined with the interview it belongs to, for listings."""

    event: EventRow
    company: str
    role: str
    candidate: str | None
    outcome: str | None


@dataclass(frozen=True)
class FeedRow:
    """What the feed needs of one event: its cached bytes when they are still valid."""

    uid: str
    interview_id: str
    ics: bytes | None


class FeedEvent(NamedTuple):
    """One event of the feed: its cached bytes when still valid, else what serializes it.

    ``payload`` is the cached VEVENT (bytes) or the follow-up as JSON (text), so the
    database judges the cache once per event; ``toml`` is only read for an interview
    stored without its ``zone`` (before schema 3).
    """

    uid: str
    interview_id: str
    timeline: int
    status: str
    sequence: int
    changed: str
    zone: str | None
    payload: bytes | str
    toml: str | None

    @property
    def ics(self) -> bytes | None:
        """The cached bytes, when still valid."""
        return self.payload if isinstance(self.payload, bytes) else None

    @property
    def data(self) -> str | None:
        """The follow-up as JSON, when there are no valid cached bytes."""
        return self.payload if isinstance(self.payload, str) else None


_INTERVIEW_COLUMNS = (
    "id, toml, company, role, candidate, day, created, round_of, outcome, outcome_on, "
    "decision, decision_on, timeline, zone"
)


_EVENT_COLUMNS = (
    "uid, interview_id, step, number, label, person, date, start, status, sequence, changed, "
    "data, ended, pinned, timeline, cadence"
)


class Version(NamedTuple):
    """What a server's answers depend on: which file (a generation) and its data version."""

    generation: int
    data: int


class ChangeWatcher:
    """Tells, in microseconds, whether the tracker changed since the last look.

    The feed server keeps one read-only connection open and asks SQLite's
    ``PRAGMA data_version``, which changes whenever another connection (the command
    line, or the server's own requests) commits. A server can then answer 304 from
    what it remembers without opening the store or rendering the feed.

    ``data_version`` only sees commits to the file the connection has open: a file
    put in its place (a restore by ``mv``, a sync tool's rename) or deleted goes
    unseen. So every look also compares the path's device and inode with the open
    file's; when they differ the watcher opens the new file and starts a new
    ``generation``, and the server forgets everything it remembered.
    """

    def __init__(self, path: str | Path) -> None:
        import threading

        self._path = Path(path)
        self._connection: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self.generation = 0

    def _current_identity(self) -> tuple[int, int] | None:
        try:
            info = os.stat(self._path)
        except OSError:
            return None
        return (info.st_dev, info.st_ino)

    def version(self) -> Version | None:
        """A value that changes when the data may have; None when the file is not there."""
        with self._lock:
            identity = self._current_identity()
            if identity != self._identity:
                self.close()
                self.generation += 1
                self._identity = identity
            if identity is None:
                return None
            try:
                if self._connection is None:
                    uri = f"{self._path.resolve().as_uri()}?mode=ro"
                    self._connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
                number = int(self._connection.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                self.close()
                self._identity = None  # look again next time
                return None
            return Version(self.generation, number)

    def close(self) -> None:
        """Let go of the connection (the next look opens a new one)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _is_empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


def key_of(candidate: str | None) -> str | None:
    """How candidate names are compared: case and outer spaces do not matter."""
    if candidate is None or not candidate.strip():
        return None
    return candidate.strip().casefold()


def _date(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


class Store:
    """An open tracker database. Use as a context manager, or call ``close()``."""

    def __init__(
        self,
        path: str | Path,
        *,
        timeout: float = BUSY_TIMEOUT,
        create_folder: bool = False,
        create: bool = True,
    ) -> None:
        """Open (or create) the tracker at ``path``; ``create_folder`` makes its folder too.

        ``create`` False refuses a missing file instead of starting an empty one (a
        server whose file was deleted must not hand out an empty tracker as the truth).
        """
        self.path = Path(path).expanduser()
        self._backed_up = False
        self._wrote = False
        if not create and not self.path.is_file():
            raise TrackerError(
                f"the tracker database {self.path} is gone (moved or deleted): put it back, "
                "or bring back a backup",
                hint="afterview backups, afterview restore",
            )
        if not create and _is_empty(self.path):
            # SQLite takes an empty file for an empty database and would start one in it.
            raise TrackerError(
                f"the tracker database {self.path} is an empty file now, not a tracker: put "
                "the tracker back, or bring back a backup",
                hint="afterview backups, afterview restore",
            )
        self._prepare_file(create_folder)
        try:
            self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise self._problem(error) from None
        self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        self._conn.execute("PRAGMA foreign_keys = ON")
        # Which file this is: another one put in its place has another log of changes.
        try:
            info = os.stat(self.path)
            self._file_id = f"{info.st_dev}:{info.st_ino}"
        except OSError:
            self._file_id = ""
        try:
            self._use_wal(timeout)
            self._migrate()
        except BaseException:
            self._conn.close()
            raise

    # ------------------------------------------------------------------ opening

    def _prepare_file(self, create_folder: bool) -> None:
        folder = self.path.parent
        if create_folder:
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as error:
                raise TrackerError(
                    f"cannot create the folder {folder} for the tracker database: "
                    f"{error.strerror or error}: choose another path",
                    hint="--db PATH or AFTERVIEW_DB",
                ) from None
        elif not folder.is_dir():
            raise TrackerError(
                f"cannot open the tracker database {self.path}: the folder {folder} does not "
                "exist: create it, or choose another path",
                hint="--db PATH or AFTERVIEW_DB",
            )
        if self.path.is_dir():
            raise TrackerError(f"{self.path} is a folder: give the path of a database file")
        if not self.path.exists():
            # The database holds the feed tokens, which are secrets: readable by the user only.
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            except OSError as error:
                raise TrackerError(
                    f"cannot create the tracker database {self.path}: {error.strerror or error}"
                ) from None
        elif _is_empty(self.path):
            # An empty file made elsewhere (touch) becomes a tracker here: the user's only.
            with contextlib.suppress(OSError):
                os.chmod(self.path, 0o600)

    def _use_wal(self, timeout: float) -> None:
        # Switching to WAL needs an exclusive lock and SQLite does not wait for it, so two
        # processes creating the database at once retry here until the timeout.
        deadline = time.monotonic() + timeout
        while True:
            try:
                mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()
                break
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise self._problem(error) from None
                time.sleep(0.01)
            except sqlite3.Error as error:
                raise self._problem(error) from None
        if mode is None or str(mode[0]).lower() != "wal":
            raise TrackerError(
                f"{self.path}: the database cannot use write-ahead logging (a network drive?): "
                "keep it on a local disk"
            )
        self._conn.execute("PRAGMA synchronous = NORMAL")

    def _migrate(self) -> None:
        if self._version() == SCHEMA_VERSION:
            return  # the usual case: no write lock needed just to open
        if self._version() > 0:
            from afterview.tracker.backups import automatic_backup

            # A migration rewrites tables: keep the file as it was first.
            automatic_backup(self, f"schema-{self._version()}")
        with self.write():  # another process may be migrating too: look again under the lock
            version = self._version()
            if version > SCHEMA_VERSION:
                raise TrackerError(
                    f"{self.path} was written by a newer afterview (schema {version}, this one "
                    f"knows {SCHEMA_VERSION}): upgrade afterview to use it"
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number]:
                    self._run(statement)
                self._run(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(number),),
                )

    def _version(self) -> int:
        tables = {str(r[0]) for r in self._all("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables:
            if tables:
                raise TrackerError(
                    f"{self.path} is a database, but not afterview's: choose another file",
                    hint="--db PATH or AFTERVIEW_DB",
                )
            return 0
        row = self._one("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(row[0]) if row else 0

    def schema_version(self) -> int:
        """The schema version the database is at."""
        return self._version()

    def close(self) -> None:
        """Close the connection; the data is already on disk.

        After a write the log is folded into the main file when no reader is in the
        way (never waiting for one), so the file on its own holds every commit: a copy,
        a sync tool or a ``mv`` that takes only the main file loses nothing.
        """
        if self._wrote:
            try:
                self._conn.execute("PRAGMA busy_timeout = 0")
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except sqlite3.Error:
                pass  # a reader is busy: the log stays until the next write folds it in
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def write(self, *, backup: bool = True) -> Iterator[None]:
        """One write transaction; nested calls join the outer one.

        The day's first write takes the day's backup first; ``backup`` False skips that
        for what can be made again from the rest (the feed cache), so a publisher
        filling the cache after a change does not list the backups on its way.
        """
        if self._conn.in_transaction:
            yield
            return
        if backup and not self._backed_up:
            self._backed_up = True
            from afterview.tracker.backups import automatic_backup

            automatic_backup(self, "daily", once_a_day=True)
        self._run("BEGIN IMMEDIATE")
        self._wrote = True
        try:
            yield
            self._run("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.rollback()
            raise

    @contextmanager
    def read(self) -> Iterator[None]:
        """A consistent snapshot for several reads; nested calls join the outer one."""
        if self._conn.in_transaction:
            yield
            return
        self._run("BEGIN")
        try:
            yield
        finally:
            if self._conn.in_transaction:
                self._conn.rollback()

    def _problem(self, error: sqlite3.Error) -> TrackerError:
        text = str(error)
        if isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
            return TrackerError(
                f"the tracker database {self.path} is busy: another afterview is writing to "
                "it; try again in a moment"
            )
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(
            error, sqlite3.IntegrityError | sqlite3.OperationalError
        ):
            return TrackerError(
                f"{self.path} is not an afterview database or is damaged ({text})",
                hint=REPAIR_HINT,
            )
        return TrackerError(f"tracker database {self.path}: {text}")

    def _run(self, sql: str, params: _Params = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.Error as error:
            raise self._problem(error) from None

    def _many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            self._conn.executemany(sql, rows)
        except sqlite3.Error as error:
            raise self._problem(error) from None

    def _one(self, sql: str, params: _Params = ()) -> Any:
        try:
            return self._conn.execute(sql, params).fetchone()
        except sqlite3.Error as error:
            raise self._problem(error) from None

    def _all(self, sql: str, params: _Params = ()) -> list[Any]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise self._problem(error) from None

    def check(self) -> str:
        """SQLite's own integrity check: ``ok`` for a healthy database."""
        rows = self._all("PRAGMA integrity_check(20)")
        return "; ".join(str(r[0]) for r in rows) if rows else "no answer"

    def quick_check(self) -> str:
        """SQLite's quick check (the page structure, not every index): ``ok`` when healthy."""
        rows = self._all("PRAGMA quick_check(20)")
        return "; ".join(str(r[0]) for r in rows) if rows else "no answer"

    def verify(self) -> None:
        """Refuse a damaged file before anything is written to it or served from it."""
        try:
            found = self.quick_check()
        except TrackerError as error:
            found = str(error)
        if found != "ok":
            raise TrackerError(
                f"the tracker database {self.path} is damaged ({found[:200]})", hint=REPAIR_HINT
            )

    def is_empty(self) -> bool:
        """Whether no interview is tracked (nothing worth a backup)."""
        return self._one("SELECT 1 FROM interviews LIMIT 1") is None

    def backup_into(self, target: Path) -> None:
        """A consistent copy of the whole database in ``target`` (SQLite's online backup),
        written beside it first and renamed into place, readable by the user only."""
        temp = target.with_name(f".{target.name}.tmp")
        temp.unlink(missing_ok=True)
        os.close(os.open(temp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
        try:
            copy = sqlite3.connect(temp)
            try:
                self._conn.backup(copy)
                # A copy on its own: no WAL file beside it to lose or mix up.
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
            os.replace(temp, target)
        except sqlite3.Error as error:
            temp.unlink(missing_ok=True)
            raise self._problem(error) from None
        except OSError as error:
            temp.unlink(missing_ok=True)
            raise TrackerError(
                f"cannot write the backup {target}: {error.strerror or error}"
            ) from None

    def checkpoint(self) -> None:
        """Move everything in the write-ahead log into the main file and empty the log."""
        self._run("PRAGMA wal_checkpoint(TRUNCATE)")

    # ------------------------------------------------------------------ meta

    def get_meta(self, key: str) -> str | None:
        """A value from the meta table."""
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a value in the meta table."""
        self._run(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # ------------------------------------------------------------------ interviews

    @staticmethod
    def _interview(row: Any) -> InterviewRow:
        return InterviewRow(
            id=row[0],
            toml=row[1],
            company=row[2],
            role=row[3],
            candidate=row[4],
            day=dt.date.fromisoformat(row[5]),
            created=row[6],
            round_of=row[7],
            outcome=row[8],
            outcome_on=_date(row[9]),
            decision=row[10],
            decision_on=_date(row[11]),
            timeline=int(row[12]),
            zone=row[13],
        )

    @staticmethod
    def _interview_values(row: InterviewRow) -> tuple[Any, ...]:
        return (
            row.id,
            row.toml,
            row.company,
            row.role,
            row.candidate,
            key_of(row.candidate),
            row.day.isoformat(),
            row.created,
            row.round_of,
            row.outcome,
            _iso(row.outcome_on),
            row.decision,
            _iso(row.decision_on),
            row.timeline,
            row.zone,
        )

    def insert_interview(self, row: InterviewRow) -> bool:
        """Add an interview; False when its id is taken."""
        try:
            self._conn.execute(
                "INSERT INTO interviews (id, toml, company, role, candidate, candidate_key, day, "
                "created, round_of, outcome, outcome_on, decision, decision_on, timeline, zone) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._interview_values(row),
            )
        except sqlite3.IntegrityError as error:
            if "UNIQUE" in str(error) or "PRIMARY KEY" in str(error):
                return False
            raise self._problem(error) from None
        except sqlite3.Error as error:
            raise self._problem(error) from None
        return True

    def update_interview(self, row: InterviewRow) -> None:
        """Replace everything stored for an interview but its id and creation stamp."""
        values = self._interview_values(row)
        # Timed events show their start in UTC: another time zone means other bytes.
        self._run(
            "UPDATE events SET ics = NULL, ics_key = NULL WHERE interview_id = :id "
            "AND ics IS NOT NULL AND (SELECT zone FROM interviews WHERE id = :id) IS NOT :zone",
            {"id": row.id, "zone": row.zone},
        )
        self._run(
            "UPDATE interviews SET toml = ?, company = ?, role = ?, candidate = ?, "
            "candidate_key = ?, day = ?, round_of = ?, outcome = ?, outcome_on = ?, "
            "decision = ?, decision_on = ?, timeline = ?, zone = ? WHERE id = ?",
            (*values[1:7], *values[8:], row.id),
        )

    def get_interview(self, interview_id: str) -> InterviewRow | None:
        """One interview, or None."""
        row = self._one(
            f"SELECT {_INTERVIEW_COLUMNS} FROM interviews WHERE id = ?", (interview_id,)
        )
        return None if row is None else self._interview(row)

    def interviews(self, candidate: str | None = None) -> list[InterviewRow]:
        """Every interview (of one candidate), oldest interview first."""
        where, params = self._candidate_filter(candidate, "")
        rows = self._all(
            f"SELECT {_INTERVIEW_COLUMNS} FROM interviews {where} ORDER BY day, created, id",
            params,
        )
        return [self._interview(r) for r in rows]

    def same_day(self, company: str, role: str, day: dt.date) -> list[InterviewRow]:
        """Interviews for the same company and role on the same day (to catch double adds)."""
        rows = self._all(
            f"SELECT {_INTERVIEW_COLUMNS} FROM interviews WHERE day = ? AND company = ? "
            "AND role = ?",
            (day.isoformat(), company, role),
        )
        return [self._interview(r) for r in rows]

    def interview_ids(self) -> set[str]:
        """The ids in use."""
        return {str(r[0]) for r in self._all("SELECT id FROM interviews")}

    def later_round(self, interview_id: str) -> str | None:
        """The interview recorded as the next round of this one, if any."""
        row = self._one("SELECT id FROM interviews WHERE round_of = ? LIMIT 1", (interview_id,))
        return None if row is None else str(row[0])

    def delete_interview(self, interview_id: str) -> bool:
        """Remove an interview and its events; False when there was none."""
        return self._run("DELETE FROM interviews WHERE id = ?", (interview_id,)).rowcount > 0

    def candidates(self) -> list[str]:
        """The candidate names in use, as first written."""
        rows = self._all(
            "SELECT min(candidate) FROM interviews WHERE candidate_key IS NOT NULL "
            "GROUP BY candidate_key ORDER BY candidate_key"
        )
        return [str(r[0]) for r in rows]

    @staticmethod
    def _candidate_filter(candidate: str | None, alias: str) -> tuple[str, tuple[Any, ...]]:
        key = key_of(candidate)
        if key is None:
            return "", ()
        return f"WHERE {alias}candidate_key = ?", (key,)

    # ------------------------------------------------------------------ events

    @staticmethod
    def _event(row: Sequence[Any]) -> EventRow:
        return EventRow(
            uid=row[0],
            interview_id=row[1],
            step=row[2],
            number=int(row[3]),
            label=row[4],
            person=row[5],
            date=dt.date.fromisoformat(row[6]),
            start=row[7],
            status=row[8],
            sequence=int(row[9]),
            changed=row[10],
            data=row[11],
            ended=_date(row[12]),
            pinned=_date(row[13]),
            timeline=int(row[14]),
            cadence=bool(row[15]),
        )

    @staticmethod
    def _event_values(row: EventRow) -> tuple[Any, ...]:
        return (
            row.uid,
            row.interview_id,
            row.step,
            row.number,
            row.label,
            row.person,
            row.date.isoformat(),
            row.start,
            row.status,
            row.sequence,
            row.changed,
            row.data,
            _iso(row.ended),
            _iso(row.pinned),
            row.timeline,
            int(row.cadence),
        )

    def events_of(self, interview_id: str) -> list[EventRow]:
        """Every event of one interview, in date order."""
        rows = self._all(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE interview_id = ? ORDER BY date, start, uid",
            (interview_id,),
        )
        return [self._event(r) for r in rows]

    def put_events(self, rows: Iterable[EventRow]) -> None:
        """Insert or replace events; any cached bytes of them are dropped."""
        self._many(
            f"INSERT OR REPLACE INTO events ({_EVENT_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self._event_values(r) for r in rows),
        )

    def set_event_status(self, uids: Iterable[str], status: str) -> None:
        """Mark events done, skipped or planned (the user's own bookkeeping: no SEQUENCE)."""
        self._many(
            "UPDATE events SET status = ?, ics = NULL, ics_key = NULL WHERE uid = ?",
            ((status, u) for u in uids),
        )

    def withdraw_events(self, uids: Iterable[str], stamp: str, ended: dt.date) -> None:
        """Mark events skipped and out of the calendars: SEQUENCE + 1, ended on ``ended``."""
        self._many(
            "UPDATE events SET status = 'skipped', sequence = sequence + 1, changed = ?, "
            "ended = ?, ics = NULL, ics_key = NULL WHERE uid = ?",
            ((stamp, ended.isoformat(), u) for u in uids),
        )

    def set_pin(self, uid: str, day: dt.date | None) -> None:
        """Record the date the user chose for an event."""
        self._run("UPDATE events SET pinned = ? WHERE uid = ?", (_iso(day), uid))

    def agenda(
        self,
        first: dt.date,
        last: dt.date | None,
        candidate: str | None = None,
        statuses: tuple[str, ...] = ("planned",),
        cadence_only: bool = False,
    ) -> list[AgendaRow]:
        """Events dated from ``first`` to ``last`` (inclusive; None: no end), in date order."""
        marks = ", ".join("?" for _ in statuses)
        sql = (
            f"SELECT {', '.join('e.' + c for c in _EVENT_COLUMNS.split(', '))}, "
            "i.company, i.role, i.candidate, i.outcome "
            "FROM events e JOIN interviews i ON i.id = e.interview_id "
            f"WHERE e.date >= ? AND e.status IN ({marks})"
        )
        params: list[Any] = [first.isoformat(), *statuses]
        if last is not None:
            sql += " AND e.date <= ?"
            params.append(last.isoformat())
        if cadence_only:
            sql += " AND e.cadence = 1"
        key = key_of(candidate)
        if key is not None:
            sql += " AND i.candidate_key = ?"
            params.append(key)
        sql += " ORDER BY e.date, e.start, i.company, e.uid"
        return [
            AgendaRow(self._event(r[:16]), r[16], r[17], r[18], r[19])
            for r in self._all(sql, params)
        ]

    def next_planned(self, first: dt.date) -> dict[str, EventRow]:
        """Each interview's earliest planned event dated on or after ``first``."""
        rows = self._all(
            f"SELECT {_EVENT_COLUMNS} FROM ("
            f"  SELECT {_EVENT_COLUMNS}, row_number() OVER ("
            "    PARTITION BY interview_id ORDER BY date, start, uid) AS place"
            "  FROM events WHERE status = 'planned' AND date >= ?"
            ") WHERE place = 1",
            (first.isoformat(),),
        )
        return {str(r[1]): self._event(r) for r in rows}

    # ------------------------------------------------------------------ feed

    # A skipped event with an end date has left the calendars: the feed shows it cancelled
    # (its SEQUENCE went up when it was skipped) and drops it like a cancelled one.
    _FEED_STATUS = (
        "CASE WHEN e.status = 'skipped' AND e.ended IS NOT NULL THEN 'cancelled' ELSE e.status END"
    )
    # The events still shown (a cancelled one for its 30 days), and whose feed they are in.
    _FEED_SHOWN = (
        "(e.status NOT IN ('cancelled', 'skipped') OR e.ended IS NULL OR e.ended >= :cutoff)"
    )
    _FEED_FILTER = f"{_FEED_SHOWN} AND (:key IS NULL OR i.candidate_key = :key)"
    # Cached bytes are valid for one afterview version and reminder time (the prefix), one
    # time zone of the interview, and one SEQUENCE, status and change stamp of the event.
    _CACHE_KEY = (
        "(:prefix || ifnull(i.zone, '') || '|' || e.sequence || '|' || "
        f"{_FEED_STATUS} || '|' || e.changed)"
    )
    _CACHE_OK = f"(e.ics IS NOT NULL AND e.ics_key = {_CACHE_KEY})"
    _FEED_FROM = "FROM events e JOIN interviews i ON i.id = e.interview_id"

    @classmethod
    def _feed_select(cls, cached: bool) -> str:
        payload = f"CASE WHEN {cls._CACHE_OK} THEN e.ics ELSE e.data END" if cached else "e.data"
        return (
            f"SELECT e.uid, e.interview_id, e.timeline, {cls._FEED_STATUS}, e.sequence, "
            f"e.changed, i.zone, {payload}, CASE WHEN i.zone IS NULL THEN i.toml END "
            f"{cls._FEED_FROM} "
        )

    @staticmethod
    def _feed_params(
        candidate: str | None, cutoff: dt.date, cache_prefix: str | None
    ) -> dict[str, Any]:
        return {"cutoff": cutoff.isoformat(), "key": key_of(candidate), "prefix": cache_prefix}

    def feed_events(
        self, candidate: str | None, cutoff: dt.date, cache_prefix: str | None
    ) -> Iterator[FeedEvent]:
        """The feed's events in feed order, each with its cached bytes or what serializes it.

        One query in one read snapshot, for as long as the iterator lives; ``cache_prefix``
        None asks for no cached bytes at all (a full render).
        """
        sql = (
            f"{self._feed_select(cache_prefix is not None)}"
            f"WHERE {self._FEED_FILTER} ORDER BY e.date, e.uid"
        )
        params = self._feed_params(candidate, cutoff, cache_prefix)
        with self.read():
            try:
                cursor = self._conn.execute(sql, params)
                yield from map(FeedEvent._make, cursor)
            except sqlite3.Error as error:
                raise self._problem(error) from None

    def feed_rows(
        self, candidate: str | None, cutoff: dt.date, cache_prefix: str | None
    ) -> Iterator[FeedRow]:
        """The feed's events in feed order, with cached bytes when still valid.

        Runs in one read snapshot for as long as the iterator lives; ``cache_prefix``
        None asks for no cached bytes at all.
        """
        ok = self._CACHE_OK if cache_prefix is not None else "0"
        sql = (
            f"SELECT e.uid, e.interview_id, CASE WHEN {ok} THEN e.ics END {self._FEED_FROM} "
            f"WHERE {self._FEED_FILTER} ORDER BY e.date, e.uid"
        )
        params = self._feed_params(candidate, cutoff, cache_prefix)
        with self.read():
            try:
                cursor = self._conn.execute(sql, params)
                for uid, interview_id, ics in cursor:
                    yield FeedRow(uid, interview_id, ics)
            except sqlite3.Error as error:
                raise self._problem(error) from None

    def feed_keys(self, candidate: str | None, cutoff: dt.date) -> list[str]:
        """The feed's events in feed order, each as "UID<tab>what its bytes depend on".

        The second part is the cache key without its prefix: the interview's zone,
        SEQUENCE, status and change stamp. Read from one covering index and the
        interviews' zones, never from the events' own rows, so it stays quick for a feed
        of any size.
        """
        params = self._feed_params(candidate, cutoff, None)
        with self.read():
            zones = {
                interview_id: f"\t{zone or ''}|"
                for interview_id, zone in self._all(
                    "SELECT id, zone FROM interviews WHERE :key IS NULL OR candidate_key = :key",
                    params,
                )
            }
            rows = self._all(
                f"SELECT e.uid, e.interview_id, e.sequence || '|' || {self._FEED_STATUS} || '|' "
                f"|| e.changed FROM events e INDEXED BY events_feed WHERE {self._FEED_SHOWN} "
                "ORDER BY e.date, e.uid",
                params,
            )
        return [uid + zones[iid] + rest for uid, iid, rest in rows if iid in zones]

    # How many logged events make the log no quicker than reading every key.
    _DELTA_MOST = 20_000

    def feed_mark(self) -> int:
        """The feed log's newest entry (0 when there is none): where the next change goes."""
        row = self._one("SELECT max(seq) FROM feed_log")
        return int(row[0]) if row and row[0] is not None else 0

    def feed_log_identity(self, mark: int) -> str:
        """What says the feed log at ``mark`` is the one it was: the file (its device and
        inode), the log's name (new after a restore) and the event logged at ``mark``.

        A backup put back, or another machine's copy synced in, brings a log whose
        entries are numbered from where that file stood, so the same number can mean
        another change: a map read at ``mark`` trusts the log only while this is equal.
        """
        row = self._one("SELECT uid FROM feed_log WHERE seq = ?", (mark,))
        logged = str(row[0]) if row is not None else ""
        return f"{self.get_meta(_FEED_LOG_NAME) or ''}|{self._file_id}|{logged}"

    def rename_feed_log(self) -> None:
        """Give the feed log a new name, so no publish reads it as the log it came from
        (a restored backup's)."""
        import secrets

        with self.write(backup=False):
            self.set_meta(_FEED_LOG_NAME, secrets.token_hex(8))

    def feed_delta(
        self, mark: int, since: dt.date, cutoff: dt.date
    ) -> tuple[int, dict[str, tuple[str, str] | None]] | None:
        """The feed's events that may have changed since the log's entry ``mark``.

        ``since`` is the cutoff the keys known at ``mark`` were read with. Returns the new
        mark and, for each such event, its (date, "UID<tab>key" as ``feed_keys`` gives)
        when it is shown now, or None when it is not (removed, or its 30 days ran out).
        None when the log no longer reaches back to ``mark``, when it holds too much to
        be quicker, or when the cutoff went back (then read every key).
        """
        if cutoff < since:
            return None
        with self.read():
            low, high = self._one("SELECT min(seq), max(seq) FROM feed_log") or (None, None)
            if high is None:
                if mark:
                    return None  # the log was emptied: it cannot say what changed
                return 0, {}
            if low is None or int(low) > mark + 1 or int(high) < mark:
                return None
            rows = self._all(
                "SELECT DISTINCT uid FROM feed_log WHERE seq > ? LIMIT ?",
                (mark, self._DELTA_MOST + 1),
            )
            uids = [str(r[0]) for r in rows]
            if since < cutoff:
                # Cancelled and skipped events whose 30 days ran out since.
                uids += [
                    str(r[0])
                    for r in self._all(
                        "SELECT uid FROM events INDEXED BY events_leaving WHERE status IN "
                        "('cancelled', 'skipped') AND ended >= ? AND ended < ?",
                        (since.isoformat(), cutoff.isoformat()),
                    )
                ]
            if len(uids) > self._DELTA_MOST:
                return None
            found: dict[str, tuple[str, str] | None] = dict.fromkeys(uids)
            unique = list(found)
            for start in range(0, len(unique), 500):
                part = unique[start : start + 500]
                params: dict[str, Any] = {f"u{n}": uid for n, uid in enumerate(part)}
                params["cutoff"] = cutoff.isoformat()
                marks = ", ".join(f":u{n}" for n in range(len(part)))
                for date, uid, zone, rest in self._all(
                    f"SELECT e.date, e.uid, ifnull(i.zone, ''), e.sequence || '|' || "
                    f"{self._FEED_STATUS} || '|' || e.changed {self._FEED_FROM} "
                    f"WHERE e.uid IN ({marks}) AND {self._FEED_SHOWN}",
                    params,
                ):
                    found[uid] = (date, f"{uid}\t{zone}|{rest}")
        return int(high), found

    def feed_date(self, uid: str) -> str | None:
        """The date an event is placed by in the feed (ISO), or None when there is none."""
        row = self._one("SELECT date FROM events WHERE uid = ?", (uid,))
        return str(row[0]) if row else None

    def cached_bytes(self, uids: Sequence[str], cache_prefix: str) -> dict[str, tuple[str, bytes]]:
        """The cached bytes of these events still valid, by UID, with their key (as feed_keys)."""
        found: dict[str, tuple[str, bytes]] = {}
        for start in range(0, len(uids), 500):
            part = list(uids[start : start + 500])
            marks = ", ".join("?" for _ in part)
            rows = self._all(
                f"SELECT e.uid, substr(e.ics_key, length(?) + 1), e.ics {self._FEED_FROM} "
                f"WHERE e.uid IN ({marks}) AND e.ics IS NOT NULL AND "
                "substr(e.ics_key, 1, length(?)) = ?",
                (cache_prefix, *part, cache_prefix, cache_prefix),
            )
            for uid, key, data in rows:
                found[uid] = (key, data)
        return found

    def stale_events(
        self,
        candidate: str | None,
        cutoff: dt.date,
        cache_prefix: str,
        after: str,
        limit: int,
        *,
        missing_only: bool = False,
    ) -> list[FeedEvent]:
        """Up to ``limit`` feed events (uid > ``after``, in uid order) without valid bytes.

        ``missing_only`` looks only at events with no bytes at all (an index finds them):
        enough when the cache was last filled with the same ``cache_prefix``, since every
        write that changes an event's bytes drops them.
        """
        params = self._feed_params(candidate, cutoff, cache_prefix)
        params.update(after=after, limit=limit)
        stale = "e.ics IS NULL" if missing_only else f"NOT {self._CACHE_OK}"
        rows = self._all(
            f"SELECT e.uid, e.interview_id, e.timeline, {self._FEED_STATUS}, e.sequence, "
            "e.changed, i.zone, e.data, CASE WHEN i.zone IS NULL THEN i.toml END "
            f"{self._FEED_FROM} WHERE {stale} AND e.uid > :after AND {self._FEED_FILTER} "
            "ORDER BY e.uid LIMIT :limit",
            params,
        )
        return [FeedEvent._make(r) for r in rows]

    def save_cache(self, cache_prefix: str, entries: Iterable[tuple[FeedEvent, bytes]]) -> None:
        """Keep serialized events, unless the event or its time zone changed since it was read."""
        self._many(
            "UPDATE events SET ics = ?, ics_key = ? "
            "WHERE uid = ? AND sequence = ? AND changed = ? AND "
            f"{self._FEED_STATUS.replace('e.', '')} = ? "
            "AND (SELECT zone FROM interviews WHERE id = events.interview_id) IS ?",
            (
                (
                    data,
                    f"{cache_prefix}{row.zone or ''}|{row.sequence}|{row.status}|{row.changed}",
                    row.uid,
                    row.sequence,
                    row.changed,
                    row.status,
                    row.zone,
                )
                for row, data in entries
            ),
        )

    def clear_cache(self) -> None:
        """Forget every serialized event (the next feed renders them all again)."""
        self._run("UPDATE events SET ics = NULL, ics_key = NULL")

    def feed_stamps(
        self, candidate: str | None, cutoff: dt.date
    ) -> tuple[str | None, dt.date | None]:
        """The latest change among the feed's events, and the latest end date of those dropped."""
        shown = self._one(
            f"SELECT max(e.changed) {self._FEED_FROM} WHERE {self._FEED_FILTER}",
            self._feed_params(candidate, cutoff, None),
        )
        return (shown[0] if shown else None), self.feed_dropped(candidate, cutoff)

    def feed_dropped(self, candidate: str | None, cutoff: dt.date) -> dt.date | None:
        """The latest end date of the cancelled events that have left the feed."""
        dropped = self._one(
            f"SELECT max(e.ended) {self._FEED_FROM} WHERE e.status IN ('cancelled', 'skipped') "
            "AND e.ended < :cutoff AND (:key IS NULL OR i.candidate_key = :key)",
            self._feed_params(candidate, cutoff, None),
        )
        return _date(dropped[0] if dropped else None)

    # ------------------------------------------------------------------ tokens

    def get_token(self, candidate: str | None) -> str | None:
        """The feed token of a candidate (None: the feed of everyone)."""
        row = self._one(
            "SELECT token FROM tokens WHERE ifnull(candidate, '') = ?", (key_of(candidate) or "",)
        )
        return None if row is None else str(row[0])

    def set_token(self, candidate: str | None, token: str, created: str) -> None:
        """Store a new token for a scope, replacing the old one."""
        scope = key_of(candidate)
        self._run("DELETE FROM tokens WHERE ifnull(candidate, '') = ?", (scope or "",))
        self._run(
            "INSERT INTO tokens (candidate, token, created) VALUES (?, ?, ?)",
            (scope, token, created),
        )

    def tokens(self) -> list[tuple[str | None, str]]:
        """Every (candidate key or None, token) pair."""
        return [(r[0], str(r[1])) for r in self._all("SELECT candidate, token FROM tokens")]

    def has_token(self, candidate: str | None) -> bool:
        """Whether a scope already has a token."""
        return self.get_token(candidate) is not None

    # ------------------------------------------------------------------ mail

    def mail_applied(self) -> set[str]:
        """The Message-IDs whose news is already recorded."""
        return {str(r[0]) for r in self._all("SELECT message_id FROM mail_applied")}

    def record_mail(self, message_id: str, interview_id: str, status: str, applied_at: str) -> None:
        """Remember that a message's news was recorded for an interview."""
        self._run(
            "INSERT OR IGNORE INTO mail_applied (message_id, interview_id, status, applied_at) "
            "VALUES (?, ?, ?, ?)",
            (message_id, interview_id, status, applied_at),
        )


# ---------------------------------------------------------------------- files on their own


def check_file(path: Path) -> str:
    """SQLite's integrity check of a file opened read-only: ``ok`` for a healthy one."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return str(error)
    try:
        rows = connection.execute("PRAGMA integrity_check(20)").fetchall()
        if rows and str(rows[0][0]) == "ok":
            connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return "; ".join(str(r[0]) for r in rows) if rows else "no answer"
    except sqlite3.Error as error:
        return str(error)
    finally:
        connection.close()


def copy_database(source: Path, target: Path) -> None:
    """A copy of the database file ``source`` (read-only) in ``target``, without a log."""
    try:
        origin = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise TrackerError(f"cannot open {source}: {error}") from None
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    copy = sqlite3.connect(target)
    try:
        origin.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as error:
        raise TrackerError(f"cannot copy {source}: {error}") from None
    finally:
        copy.close()
        origin.close()


def salvage(source: Path, target: Path) -> dict[str, int]:
    """Copy every row SQLite can still read from a damaged ``source`` into a new tracker.

    Each table is read whole when it can be; where a damaged page stops that, it is read
    again one row id at a time, so a bad page costs only the rows on it. Events whose
    interview was lost are left out. Returns how many rows of each table were saved.
    """
    with Store(target):
        pass  # the current schema, empty
    saved: dict[str, int] = {}
    work = target.with_name(f"{target.name}.work")
    # A row takes at least a few bytes: no row id past this many can be in the file
    # unless rows were deleted, and a probe beyond it finds nothing.
    probes = min(_PROBE_LIMIT, max(1000, _padded_copy(source, work) // 16))
    try:
        broken = sqlite3.connect(f"{work.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        work.unlink(missing_ok=True)
        raise TrackerError(f"cannot open {source} at all: {error}") from None
    fresh = sqlite3.connect(target, isolation_level=None)
    try:
        fresh.execute("PRAGMA foreign_keys = OFF")
        fresh.execute("BEGIN")
        fresh.execute("DELETE FROM meta")
        for table in _SALVAGE_TABLES:
            columns = _columns(fresh, table)
            rows = _readable_rows(broken, table, columns, probes)
            marks = ", ".join("?" for _ in columns)
            names = ", ".join(columns)
            count = 0
            for row in rows:
                try:
                    fresh.execute(f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})", row)
                    count += 1
                except sqlite3.Error:
                    continue  # a row that no longer fits the schema
            saved[table] = count
        # The schema is the fresh file's, whatever the damaged meta said.
        fresh.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        lost = fresh.execute(
            "DELETE FROM events WHERE interview_id NOT IN (SELECT id FROM interviews)"
        ).rowcount
        saved["events"] -= max(lost, 0)
        fresh.execute("UPDATE events SET ics = NULL, ics_key = NULL")
        fresh.execute("COMMIT")
        fresh.execute("PRAGMA journal_mode = DELETE")  # one file, nothing left in a log
    finally:
        fresh.close()
        broken.close()
        work.unlink(missing_ok=True)
    return saved


def _padded_copy(source: Path, work: Path) -> int:
    """A copy of ``source`` as long as its header says, the missing end as zeros.

    SQLite cannot even read the schema of a file cut short; with its length back, every
    page that survived reads again, and the lost ones read as empty.
    """
    data = source.read_bytes()
    if len(data) >= 100 and data.startswith(b"SQLite format 3\x00"):
        page = int.from_bytes(data[16:18], "big")
        page = 65536 if page == 1 else page
        pages = int.from_bytes(data[28:32], "big")
        wanted = page * pages
        if len(data) < wanted <= 2**34:
            data += bytes(wanted - len(data))
    os.close(os.open(work, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    work.write_bytes(data)
    return len(data)


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in connection.execute(f"PRAGMA table_info({table})")]


def _readable_rows(
    connection: sqlite3.Connection, table: str, columns: list[str], probes: int
) -> list[tuple[Any, ...]]:
    """The rows of ``table`` SQLite can read, with the columns the fresh schema has."""
    try:
        present = set(_columns(connection, table))
    except sqlite3.Error:
        return []
    if not present:
        return []
    wanted = ", ".join(c if c in present else "NULL" for c in columns)
    try:
        return list(connection.execute(f"SELECT {wanted} FROM {table}"))
    except sqlite3.Error:
        pass
    try:
        last = connection.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        last = None
    rows: list[tuple[Any, ...]] = []
    for rowid in range(1, int(last or probes) + 1):
        try:
            row = connection.execute(
                f"SELECT {wanted} FROM {table} WHERE rowid = ?", (rowid,)
            ).fetchone()
        except sqlite3.Error:
            continue
        if row is not None:
            rows.append(tuple(row))
    return rows


# The most row ids a salvage tries when even the largest one cannot be read.
_PROBE_LIMIT = 2_000_000
