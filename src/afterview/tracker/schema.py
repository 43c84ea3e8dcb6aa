"""The tracker's tables, as the steps that build them: each step takes a database one version up."""

from __future__ import annotations

# Each entry takes the database from the version before it to its own number.
# Never edit a released step: add a new one, so every old database can catch up.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE interviews (
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
        )""",
        """CREATE TABLE events (
            uid TEXT PRIMARY KEY,
            interview_id TEXT NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
            step TEXT NOT NULL,
            number INTEGER NOT NULL,
            label TEXT NOT NULL,
            person TEXT,
            date TEXT NOT NULL,
            start TEXT,
            status TEXT NOT NULL
                CHECK (status IN ('planned', 'done', 'skipped', 'cancelled')),
            sequence INTEGER NOT NULL,
            changed TEXT NOT NULL,
            ended TEXT,
            pinned TEXT,
            timeline INTEGER NOT NULL DEFAULT 0,
            cadence INTEGER NOT NULL DEFAULT 0,
            data TEXT NOT NULL
        )""",
        """CREATE TABLE tokens (
            candidate TEXT,
            token TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL
        )""",
        "CREATE UNIQUE INDEX tokens_scope ON tokens (ifnull(candidate, ''))",
    ),
    # v2: the feed's cache of serialized events, and the indexes a large tracker needs
    # (deleting an interview cascades through events by interview_id and clears the
    # round_of of its later round; adding one looks for the same interview by day).
    2: (
        "ALTER TABLE events ADD COLUMN ics BLOB",
        "ALTER TABLE events ADD COLUMN ics_key TEXT",
        "CREATE INDEX events_interview ON events (interview_id)",
        "CREATE INDEX events_date ON events (date, uid)",
        "CREATE INDEX interviews_candidate ON interviews (candidate_key)",
        "CREATE INDEX interviews_day ON interviews (day, company, role)",
        "CREATE INDEX interviews_round_of ON interviews (round_of)",
    ),
    # v3: each interview's time zone, the one thing of its TOML that serializing an event
    # needs, so a feed of thousands of interviews does not parse thousands of files. A row
    # written before has none until the tracker next writes it (the feed then reads its
    # TOML). The cache key now names the zone, so bytes cached under v2 are dropped. Every
    # write that changes an event's bytes now drops them, so the events to serialize again
    # are found in an index of those without; another for the events that left the feed.
    3: (
        "ALTER TABLE interviews ADD COLUMN zone TEXT",
        "UPDATE events SET ics = NULL, ics_key = NULL WHERE ics IS NOT NULL",
        "CREATE INDEX events_uncached ON events (uid) WHERE ics IS NULL",
        "CREATE INDEX events_ended ON events (ended) WHERE status = 'cancelled'",
    ),
    # v4: the messages `afterview mail --apply` recorded, so a message is applied once.
    4: (
        """CREATE TABLE mail_applied (
            message_id TEXT PRIMARY KEY,
            interview_id TEXT NOT NULL,
            status TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )""",
    ),
    # v5: what each feed event's bytes depend on, in feed order, in one covering index, so
    # a republish can tell which events changed without reading the events themselves.
    5: (
        "CREATE INDEX events_feed ON events (date, uid, interview_id, status, ended, sequence, "
        "changed)",
    ),
    # v6: a log of the events whose place or bytes in the feed may have changed (added,
    # removed, a new date, status, end, SEQUENCE, change stamp or data, or a new time zone
    # of their interview), written by triggers on every write, so a republish reads the
    # few events logged since its last map instead of every key. The log keeps its last
    # 10,000 entries or so; a reader whose mark is older compares every key, as before.
    # And an index of the events leaving the feed as the 30 days after their end run out.
    6: (
        "CREATE TABLE feed_log (seq INTEGER PRIMARY KEY, uid TEXT NOT NULL)",
        "CREATE TRIGGER feed_log_added AFTER INSERT ON events "
        "BEGIN INSERT INTO feed_log (uid) VALUES (NEW.uid); END",
        "CREATE TRIGGER feed_log_changed "
        "AFTER UPDATE OF uid, interview_id, date, status, ended, sequence, changed, data "
        "ON events WHEN NEW.uid IS NOT OLD.uid OR NEW.interview_id IS NOT OLD.interview_id "
        "OR NEW.date IS NOT OLD.date OR NEW.status IS NOT OLD.status "
        "OR NEW.ended IS NOT OLD.ended OR NEW.sequence IS NOT OLD.sequence "
        "OR NEW.changed IS NOT OLD.changed OR NEW.data IS NOT OLD.data "
        "BEGIN INSERT INTO feed_log (uid) VALUES (OLD.uid); "
        "INSERT INTO feed_log (uid) SELECT NEW.uid WHERE NEW.uid IS NOT OLD.uid; END",
        "CREATE TRIGGER feed_log_removed AFTER DELETE ON events "
        "BEGIN INSERT INTO feed_log (uid) VALUES (OLD.uid); END",
        "CREATE TRIGGER feed_log_zone AFTER UPDATE OF zone ON interviews "
        "WHEN NEW.zone IS NOT OLD.zone "
        "BEGIN INSERT INTO feed_log (uid) SELECT uid FROM events WHERE interview_id = NEW.id; END",
        "CREATE TRIGGER feed_log_trim AFTER INSERT ON feed_log WHEN NEW.seq % 1000 = 0 "
        "BEGIN DELETE FROM feed_log WHERE seq <= NEW.seq - 10000; END",
        "CREATE INDEX events_leaving ON events (ended) WHERE status IN ('cancelled', 'skipped')",
    ),
}


SCHEMA_VERSION = max(MIGRATIONS)
