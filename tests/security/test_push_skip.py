"""A skipped action leaves a pushed CalDAV calendar too: a real Radicale on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx

from afterview.publish.caldav import push
from afterview.tracker import commands as tracker
from afterview.tracker.store import Store
from loopback import start_radicale

from .helpers import NOW, TIMEOUT, interview

USER, PASSWORD = "alex", "not-a-real-password"
LATER = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)


def test_a_skipped_action_is_deleted_from_a_pushed_calendar(tmp_path: Path) -> None:
    """Push, skip the handwritten note, push again: the note is gone, the rest unchanged."""
    process, base = start_radicale(tmp_path, USER, PASSWORD)
    try:
        with httpx.Client(base_url=base, auth=(USER, PASSWORD), timeout=TIMEOUT) as http:
            assert http.request("MKCALENDAR", f"/{USER}/follow-ups/").status_code == 201
        calendar = f"{base}/{USER}/follow-ups/"
        with Store(tmp_path / "tracker.db") as store:
            added = tracker.add(store, interview("Northwind Traders"), now=NOW)
            first = push(store, calendar, USER, PASSWORD, now=NOW)
            with httpx.Client(auth=(USER, PASSWORD), timeout=TIMEOUT) as http:
                (note,) = tracker.skip(store, added.id, "handwritten-note", now=LATER)
                there = http.get(f"{calendar}{note.uid}.ics")
                second = push(store, calendar, USER, PASSWORD, now=LATER)
                gone = http.get(f"{calendar}{note.uid}.ics")
    finally:
        process.terminate()
        process.wait(timeout=TIMEOUT)
    assert first.created > 1 and first.deleted == 0
    assert (second.created, second.updated, second.deleted) == (0, 0, 1)
    assert second.unchanged == first.created - 1
    assert there.status_code == 200 and note.uid.encode() in there.content
    assert gone.status_code == 404
