"""The tracker database: schema and migrations, where it lives, and writers that collide or die."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from afterview.errors import TrackerError
from afterview.settings import DB_ENV, db_path, default_db_path
from afterview.tracker import commands as tracker
from afterview.tracker import queries
from afterview.tracker.schema import SCHEMA_VERSION
from afterview.tracker.store import Store
from trackerdata import stored_actions

NOW = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)

INTERVIEW = """\
company = "Northwind Traders"
role = "Senior Data Engineer"
start = 2026-11-25T14:00:00
end = 2026-11-25T15:00:00
timezone = "America/New_York"
country = "US"
subdivision = "NY"
decision = "by Friday"

[[interviewers]]
name = "Dana Lee"
email = "dana.lee@northwind.example"
"""

# The schema as the first release wrote it, copied here on purpose: the migration test
# must keep opening databases of that shape even if MIGRATIONS is edited by mistake.
V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE interviews (
    id TEXT PRIMARY KEY,
    toml TEXT NOT NULL,
    company TEXT NOT NULL,
    role TEXT NOT NULL,
    candidate TEXT,
    candidate_key TEXT,
    day TEXT NOT NULL,
    created TEXT NOT NULL,
    round_of TEXT REFERENCES interviews(id) ON DELETE SET NULL,
    outcome TEXT,
    outcome_on TEXT,
    decision TEXT,
    decision_on TEXT,
    timeline INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE events (
    uid TEXT PRIMARY KEY,
    interview_id TEXT NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
    step TEXT NOT NULL,
    number INTEGER NOT NULL,
    label TEXT NOT NULL,
    person TEXT,
    date TEXT NOT NULL,
    start TEXT,
    status TEXT NOT NULL CHECK (status IN ('planned', 'done', 'skipped', 'cancelled')),
    sequence INTEGER NOT NULL,
    changed TEXT NOT NULL,
    ended TEXT,
    pinned TEXT,
    timeline INTEGER NOT NULL DEFAULT 0,
    cadence INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL
);
CREATE TABLE tokens (candidate TEXT, token TEXT NOT NULL UNIQUE, created TEXT NOT NULL);
CREATE UNIQUE INDEX tokens_scope ON tokens (ifnull(candidate, ''));
INSERT INTO meta (key, value) VALUES ('schema_version', '1');
"""

# A child process that adds interviews; used by the concurrency and crash tests.
CHILD = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from pathlib import Path
    from afterview.tracker import commands as tracker
    from afterview.tracker.store import Store

    db, tag, count, barrier = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    text = Path(sys.argv[0]).with_name("interview.toml").read_text()
    store = Store(db)
    Path(db + "." + tag + ".ready").touch()
    deadline = time.monotonic() + 60
    while not all(Path(db + "." + b + ".ready").exists() for b in barrier):
        if time.monotonic() > deadline:
            sys.exit("the other writer never started")
        time.sleep(0.005)
    now = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)
    number = 0
    while count < 0 or number < count:
        role = f'role = "Engineer {tag}-{number}"'
        added = tracker.add(store, text.replace('role = "Senior Data Engineer"', role), now=now)
        print(added.id, flush=True)
        number += 1
    """
)


@pytest.fixture
def child(tmp_path: Path) -> Path:
    """The writer script and the interview it adds, in a folder of their own."""
    folder = tmp_path / "child"
    folder.mkdir()
    (folder / "interview.toml").write_text(INTERVIEW)
    script = folder / "writer.py"
    script.write_text(CHILD)
    return script


def test_new_database_uses_wal_foreign_keys_and_is_private(tmp_path: Path) -> None:
    """A new database is at the current schema, in WAL mode, and readable by its owner only."""
    path = tmp_path / "t.db"
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_empty_file_made_elsewhere_becomes_a_private_tracker(tmp_path: Path) -> None:
    """touch tracker.db (0644 under a usual umask) then a first command: the tokens it
    will hold are the user's only; a reader that must not create refuses the empty file."""
    path = tmp_path / "t.db"
    path.write_bytes(b"")
    path.chmod(0o644)
    with pytest.raises(TrackerError, match="empty file"):
        Store(path, create=False)
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_folder_that_cannot_be_made_is_one_tracker_error(tmp_path: Path) -> None:
    """HOME pointing at a file, say: the data folder cannot be made; a TrackerError naming
    it and the way out, never an OSError that reaches the user as an internal error."""
    home = tmp_path / "home"
    home.write_text("not a folder")
    with pytest.raises(TrackerError, match="cannot create the folder") as caught:
        Store(home / ".local" / "share" / "afterview" / "afterview.db", create_folder=True)
    assert caught.value.hint == "--db PATH or AFTERVIEW_DB"


def test_foreign_keys_cascade_to_events(tmp_path: Path) -> None:
    """Removing an interview removes its events (the foreign keys are on)."""
    with Store(tmp_path / "t.db") as store:
        added = tracker.add(store, INTERVIEW, now=NOW)
        assert store.events_of(added.id)
        tracker.remove(store, added.id, now=NOW)
        assert store.events_of(added.id) == []


def test_v1_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    """A database written by the first schema opens, gains the feed cache, and keeps its rows."""
    source = tmp_path / "source.db"
    with Store(source) as store:
        added = tracker.add(store, INTERVIEW, now=NOW)
    old = tmp_path / "v1.db"
    with sqlite3.connect(old) as conn:
        conn.executescript(V1_SCHEMA)
        conn.execute("ATTACH DATABASE ? AS src", (str(source),))
        for table in ("interviews", "events"):  # the v1 columns of today's rows
            info = conn.execute(f"PRAGMA main.table_info({table})").fetchall()
            columns = ", ".join(r[1] for r in info)
            conn.execute(f"INSERT INTO main.{table} SELECT {columns} FROM src.{table}")
    conn.close()
    with Store(old) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert [r.id for r in store.interviews()] == [added.id]
        labels = [a.label for a in stored_actions(store, added.id)]
        assert "check-in-1" in labels
        indexes = {r[0] for r in store._all("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"events_interview", "events_date", "interviews_round_of"} <= indexes
        columns_now = {r[1] for r in store._all("PRAGMA table_info(events)")}
        assert {"ics", "ics_key"} <= columns_now


def test_database_from_newer_afterview_is_refused(tmp_path: Path) -> None:
    """A schema newer than this afterview knows is refused with a hint to upgrade."""
    path = tmp_path / "t.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(TrackerError, match="newer afterview"):
        Store(path)


def test_other_files_are_refused(tmp_path: Path) -> None:
    """Another program's database, or a file that is no database, gives a TrackerError."""
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    conn.close()
    with pytest.raises(TrackerError, match="not afterview's"):
        Store(foreign)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(TrackerError, match="not an afterview database"):
        Store(junk)


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    """An explicit path in a folder that does not exist is refused, not created."""
    with pytest.raises(TrackerError, match="does not exist"):
        Store(tmp_path / "nowhere" / "t.db")


def test_path_argument_beats_environment_beats_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--db wins over AFTERVIEW_DB, which wins over the user data folder."""
    monkeypatch.delenv(DB_ENV, raising=False)
    assert db_path() == default_db_path()
    assert default_db_path().parts[-2:] == ("afterview", "afterview.db")
    monkeypatch.setenv(DB_ENV, str(tmp_path / "env.db"))
    assert db_path() == tmp_path / "env.db"
    assert db_path(tmp_path / "arg.db") == tmp_path / "arg.db"
    with Store(db_path()) as store:
        assert store.path == tmp_path / "env.db"


def test_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    """An error inside a write transaction rolls all of it back."""
    with Store(tmp_path / "t.db") as store:
        with pytest.raises(RuntimeError), store.write():
            store.set_meta("half", "written")
            raise RuntimeError("boom")
        assert store.get_meta("half") is None


def test_busy_database_gives_a_clear_error(tmp_path: Path) -> None:
    """A writer that waits longer than its timeout gets a TrackerError, not a traceback."""
    path = tmp_path / "t.db"
    Store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store(path, timeout=0.2) as store, pytest.raises(TrackerError, match="busy"):
            tracker.add(store, INTERVIEW, now=NOW)
    finally:
        holder.rollback()
        holder.close()


def test_two_processes_adding_at_once_lose_nothing(tmp_path: Path, child: Path) -> None:
    """Two processes each adding 200 interviews at the same time leave all 400 stored."""
    db = str(tmp_path / "t.db")  # not created yet: both writers create and migrate it at once
    procs = [
        subprocess.Popen(
            [sys.executable, str(child), db, tag, "200", "a", "b"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    printed: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        printed.extend(out.split())
    assert len(printed) == 400
    with Store(db) as store:
        stored = store.interview_ids()
        assert stored == set(printed)
        assert all(store.events_of(i) for i in list(stored)[:20])
        assert store.check() == "ok"


def test_writer_killed_mid_write_leaves_every_committed_interview(
    tmp_path: Path, child: Path
) -> None:
    """SIGKILL during a stream of writes leaves a readable database with every committed add."""
    db = str(tmp_path / "t.db")
    proc = subprocess.Popen(
        [sys.executable, str(child), db, "k", "-1", "k"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    committed: list[str] = []
    deadline = time.monotonic() + 60
    while len(committed) < 40 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed.append(line.strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert proc.stderr is not None
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert len(committed) == 40
    with Store(db) as store:
        assert store.check() == "ok"
        stored = store.interview_ids()
        assert set(committed) <= stored
        for interview_id in committed:
            assert store.events_of(interview_id)


# Schema 2 as released: schema 1 plus the feed cache and the indexes, copied on purpose.
V2_STEPS = """
ALTER TABLE events ADD COLUMN ics BLOB;
ALTER TABLE events ADD COLUMN ics_key TEXT;
CREATE INDEX events_interview ON events (interview_id);
CREATE INDEX events_date ON events (date, uid);
CREATE INDEX interviews_candidate ON interviews (candidate_key);
CREATE INDEX interviews_day ON interviews (day, company, role);
CREATE INDEX interviews_round_of ON interviews (round_of);
UPDATE meta SET value = '2' WHERE key = 'schema_version';
"""


def test_v2_database_is_migrated_and_renders_the_same_feed(tmp_path: Path) -> None:
    """A schema-2 database gains the zone column, drops its cached bytes, serves the same feed."""
    from afterview.publish import feed

    render = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)
    source = tmp_path / "source.db"
    with Store(source) as store:
        first = tracker.add(store, INTERVIEW, now=NOW)
        tracker.add(store, INTERVIEW.replace("Northwind", "Acme"), now=NOW)
        tracker.set_status(store, first.id, "replied", on=dt.date(2026, 12, 1), now=NOW)
        expected = feed.render_feed(store, now=render, cache=False)[0]
    old = tmp_path / "v2.db"
    with sqlite3.connect(old) as conn:
        conn.executescript(V1_SCHEMA + V2_STEPS)
        conn.execute("ATTACH DATABASE ? AS src", (str(source),))
        for table in ("interviews", "events"):
            info = conn.execute(f"PRAGMA main.table_info({table})").fetchall()
            columns = ", ".join(r[1] for r in info if r[1] not in ("ics", "ics_key"))
            conn.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM src.{table}")
        conn.execute("UPDATE events SET ics = x'00', ics_key = 'cached by schema 2'")
    conn.close()
    with Store(old) as store:
        assert store.schema_version() == SCHEMA_VERSION == 6
        assert {r.zone for r in store.interviews()} == {None}
        assert store._one("SELECT count(*) FROM events WHERE ics IS NOT NULL")[0] == 0
        assert feed.render_feed(store, now=render, cache=False)[0] == expected
        assert feed.render_feed(store, now=render)[0] == expected  # cached from the TOML
        tracker.edit(store, first.id, queries.interview_text(store, first.id), now=NOW)
        zones = {r.id: r.zone for r in store.interviews()}
        assert zones[first.id] == "America/New_York"  # written again: the zone is stored
        assert feed.render_feed(store, now=render)[0] == expected
