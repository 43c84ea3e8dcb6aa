"""The subscribable feed: what clients need to see, the 30-day grace, and the render cache."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from afterview.publish import feed
from afterview.tracker import commands as tracker
from afterview.tracker import queries
from afterview.tracker.store import Store
from trackerdata import stored_actions

NOW = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)
RENDER = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)
D = dt.date


def interview(
    company: str = "Northwind Traders",
    role: str = "Senior Data Engineer",
    candidate: str | None = None,
    day: int = 25,
) -> str:
    """A New York interview in late November 2026 with one interviewer."""
    who = f'candidate = "{candidate}"\n' if candidate else ""
    return (
        f'company = "{company}"\nrole = "{role}"\nstart = 2026-11-{day:02d}T14:00:00\n'
        'timezone = "America/New_York"\ncountry = "US"\nsubdivision = "NY"\n'
        f'decision = "by Friday"\n{who}\n'
        '[[interviewers]]\nname = "Dana Lee"\nemail = "dana.lee@northwind.example"\n'
        'linkedin = "https://www.linkedin.com/in/dana-lee"\n'
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty tracker in a temporary folder."""
    with Store(tmp_path / "tracker.db") as opened:
        yield opened


def events(data: bytes) -> dict[str, dict[str, Any]]:
    """The feed's VEVENTs by UID, read with icalendar."""
    cal = Calendar.from_ical(data)
    return {
        str(e["UID"]): {
            "status": str(e["STATUS"]),
            "sequence": int(str(e["SEQUENCE"])),
            "summary": str(e["SUMMARY"]),
            "dtstamp": e.decoded("DTSTAMP"),
        }
        for e in cal.walk("VEVENT")
    }


def test_feed_parses_strictly_and_names_itself(store: Store) -> None:
    """The feed reads with icalendar and the strict ical package and carries the feed headers."""
    tracker.add(store, interview(), now=NOW)
    tracker.add(store, interview(company="Acme", candidate="Sam Roe"), now=NOW)
    data, info = feed.render_feed(store, now=RENDER)
    text = data.decode("utf-8")
    for line in (
        "X-WR-CALNAME:Follow-ups (afterview)",
        "NAME:Follow-ups (afterview)",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
        "METHOD:PUBLISH",
    ):
        assert f"\r\n{line}\r\n" in text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only, which no parser checks
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    strict = IcsCalendarStream.calendar_from_ics(text)
    assert len(strict.events) == info.events == len(events(data)) == 12
    assert info.etag == hashlib.sha256(data).hexdigest()
    assert info.size == len(data)


def test_feed_keeps_ended_events_cancelled_with_a_higher_sequence(store: Store) -> None:
    """After a reply the ended check-in and move-on stay, CANCELLED, same UID, SEQUENCE + 1."""
    added = tracker.add(store, interview(), now=NOW)
    before = events(feed.render_feed(store, now=NOW)[0])
    tracker.set_status(store, added.id, "replied", on=D(2026, 12, 1), now=LATER)
    after = events(feed.render_feed(store, now=RENDER)[0])
    assert set(after) == set(before)
    ended = {a.uid: a.label for a in stored_actions(store, added.id) if a.status == "cancelled"}
    assert sorted(ended.values()) == ["check-in-2", "move-on"]
    for uid, event in after.items():
        if uid in ended:
            assert event["status"] == "CANCELLED"
            assert event["sequence"] == before[uid]["sequence"] + 1
            assert event["dtstamp"] == LATER.replace(second=0)
        else:
            assert event == before[uid]


def test_cancelled_events_drop_out_after_30_days(store: Store) -> None:
    """Events ended on 1 Dec are in the feed through 31 Dec and gone on 1 Jan."""
    added = tracker.add(store, interview(), now=NOW)
    tracker.set_status(store, added.id, "replied", on=D(2026, 12, 1), now=LATER)
    last_day = dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.UTC)
    gone_day = dt.datetime(2027, 1, 1, 1, 0, tzinfo=dt.UTC)
    kept = events(feed.render_feed(store, now=last_day)[0])
    dropped = events(feed.render_feed(store, now=gone_day)[0])
    assert sum(e["status"] == "CANCELLED" for e in kept.values()) == 2
    assert sum(e["status"] == "CANCELLED" for e in dropped.values()) == 0
    assert len(dropped) == len(kept) - 2
    modified = feed.last_modified(store, now=gone_day)
    assert modified == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)  # the day the bytes changed
    assert feed.last_modified(store, now=last_day) == LATER


def test_incremental_render_matches_a_full_render(store: Store) -> None:
    """After one status change only that interview's changed events are serialized again."""
    ids = [tracker.add(store, interview(role=f"Engineer {n}"), now=NOW).id for n in range(6)]
    first = feed.refresh_cache(store, now=RENDER)
    assert first == 6 * 6
    assert feed.refresh_cache(store, now=RENDER) == 0
    tracker.set_status(store, ids[3], "replied", on=D(2026, 12, 1), now=LATER)
    assert feed.refresh_cache(store, now=RENDER) == 2
    cached, cached_info = feed.render_feed(store, now=RENDER)
    full, full_info = feed.render_feed(store, now=RENDER, cache=False)
    assert cached == full
    assert cached_info == full_info
    feed.clear_cache(store)
    assert feed.render_feed(store, now=RENDER)[0] == full


def test_unchanged_data_renders_the_same_bytes(store: Store) -> None:
    """DTSTAMP is when an event last changed, so later renders give the same bytes and ETag."""
    tracker.add(store, interview(), now=NOW)
    early, early_info = feed.render_feed(store, now=NOW)
    late, late_info = feed.render_feed(store, now=RENDER)
    assert early == late and early_info.etag == late_info.etag
    assert {e["dtstamp"] for e in events(late).values()} == {NOW}
    assert late_info.last_modified == NOW


def test_reminder_time_is_part_of_the_cache_key(store: Store) -> None:
    """A feed with another reminder time is rendered afresh, not served from the cache."""
    tracker.add(store, interview(), now=NOW)
    nine = feed.render_feed(store, now=RENDER)[0]
    half_eight = feed.render_feed(store, now=RENDER, reminder=dt.time(8, 30))[0]
    assert nine != half_eight
    assert b"TRIGGER;RELATED=START:PT8H30M" in half_eight
    assert (
        half_eight == feed.render_feed(store, now=RENDER, reminder=dt.time(8, 30), cache=False)[0]
    )


def test_candidate_feed_holds_only_their_events(store: Store) -> None:
    """A candidate's feed is named for them and holds their interviews only."""
    tracker.add(store, interview(), now=NOW)
    sam = tracker.add(store, interview(company="Acme", candidate="Sam Roe"), now=NOW)
    data, info = feed.render_feed(store, now=RENDER, candidate="Sam Roe")
    assert b"X-WR-CALNAME:Follow-ups: Sam Roe (afterview)" in data
    assert set(events(data)) == {a.uid for a in stored_actions(store, sam.id)}
    assert all(e["summary"].startswith("Sam Roe: ") for e in events(data).values())
    assert info.events == 6


def test_write_feed_streams_to_a_binary_file(store: Store) -> None:
    """write_feed writes the same bytes as render_feed and hashes what it wrote."""
    tracker.add(store, interview(), now=NOW)
    out = io.BytesIO()
    info = feed.write_feed(out, store, now=RENDER)
    data, rendered = feed.render_feed(store, now=RENDER)
    assert out.getvalue() == data
    assert info == rendered


def test_new_timeline_events_keep_the_uids_the_tracker_stored(store: Store) -> None:
    """Events of a later decision timeline appear in the feed under the UIDs the tracker knows."""
    added = tracker.add(store, interview(), now=NOW)
    tracker.set_status(
        store, added.id, "waiting", on=D(2026, 12, 1), decision="by Dec 10", now=LATER
    )
    stored = {a.uid: a for a in stored_actions(store, added.id)}
    shown = events(feed.render_feed(store, now=RENDER)[0])
    assert set(shown) == set(stored)
    statuses = sorted((stored[u].label, shown[u]["status"]) for u in shown)
    assert statuses.count(("check-in-1", "CONFIRMED")) == 2  # the old one, before the news
    assert ("check-in-2", "CANCELLED") in statuses and ("move-on", "CANCELLED") in statuses


def test_removed_interview_leaves_the_feed_and_moves_last_modified(store: Store) -> None:
    """Removing an interview drops its events and marks the feed as changed then."""
    keep = tracker.add(store, interview(), now=NOW)
    gone = tracker.add(store, interview(company="Acme"), now=NOW)
    tracker.remove(store, gone.id, now=LATER)
    data, info = feed.render_feed(store, now=RENDER)
    assert set(events(data)) == {a.uid for a in stored_actions(store, keep.id)}
    assert info.last_modified == LATER


SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_stored_uid_and_zone_are_what_the_interview_file_gives(store: Store) -> None:
    """The feed serializes each event from its stored UID and zone: both match the file."""
    from afterview.formats.eventcodec import decode_followup, timeline_key, uid_for
    from afterview.tracker.records import interview_of

    for sample in sorted(SAMPLES.glob("*.toml")):
        added = tracker.add(store, sample.read_text(), now=NOW)
        news = D(2028, 1, 3)
        tracker.set_status(store, added.id, "waiting", on=news, decision="in 9 days", now=LATER)
        row = store.get_interview(added.id)
        assert row is not None and row.zone == interview_of(row).timezone
        for event in store.events_of(added.id):
            followup = decode_followup(event.data, event.status, event.sequence)
            assert event.uid == uid_for(timeline_key(row.id, event.timeline), followup)


def test_interviews_stored_without_a_zone_render_from_their_toml(store: Store) -> None:
    """Rows written before schema 3 (no zone) give the same feed, read from their TOML."""
    tracker.add(store, interview(), now=NOW)
    tracker.add(store, interview(company="Acme", day=24), now=NOW)
    before = feed.render_feed(store, now=RENDER, cache=False)[0]
    store._run("UPDATE interviews SET zone = NULL")
    assert feed.render_feed(store, now=RENDER, cache=False)[0] == before
    assert feed.render_feed(store, now=RENDER)[0] == before


def test_time_zone_edit_is_not_served_from_the_cache(store: Store) -> None:
    """Cached bytes name the interview's zone, so a zone edit renders as a full render does."""
    added = tracker.add(store, interview(), now=NOW)
    feed.refresh_cache(store, now=RENDER)
    text = queries.interview_text(store, added.id).replace("America/New_York", "America/Chicago")
    tracker.edit(store, added.id, text, now=LATER)
    cached = feed.render_feed(store, now=RENDER)[0]
    assert cached == feed.render_feed(store, now=RENDER, cache=False)[0]
    assert b"DTSTART:20261125T220000Z" in cached  # the thank-you at 16:00 in Chicago


def test_full_render_is_one_query_however_many_events(tmp_path: Path) -> None:
    """A full render reads every event with the same few queries for 1 or 8 interviews."""
    counts = []
    for size in (1, 8):
        with Store(tmp_path / f"t{size}.db") as opened:
            for n in range(size):
                tracker.add(opened, interview(role=f"Engineer {n}"), now=NOW)
            statements: list[str] = []
            opened._conn.set_trace_callback(statements.append)
            feed.render_feed(opened, now=RENDER, cache=False)
            opened._conn.set_trace_callback(None)
            counts.append(len(statements))
    assert counts[0] == counts[1]


def test_renderer_that_forgets_interviews_gives_the_same_bytes(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bounded set of interviews kept while streaming does not change the bytes."""
    for n in range(4):
        tracker.add(store, interview(role=f"Engineer {n}", day=20 + n), now=NOW)
    whole = feed.render_feed(store, now=RENDER, cache=False)[0]
    monkeypatch.setattr(feed, "_KEEP_INTERVIEWS", 1)
    assert feed.render_feed(store, now=RENDER, cache=False)[0] == whole
