"""The subscribable feed: one calendar of every tracked interview's actions, streamed.

The feed is never one big Calendar object: the header, each event and the footer are
written one after another, from one query. Each event's bytes are cached in the store
under its UID, SEQUENCE, status, change stamp and its interview's time zone, so after
one change only that interview's events are serialized again, and the result is byte
for byte what a full render gives. DTSTAMP is
when the event last changed, so unchanged data gives unchanged bytes and an ETag
(the SHA-256 of the bytes) that means something. ``now`` only decides which cancelled
events have been in the feed for their 30 days.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from afterview import __version__
from afterview.errors import TrackerError
from afterview.formats.eventcodec import decode_followup, parse_stamp, stamp_of
from afterview.formats.interviewfile import parse_interview
from afterview.tracker.records import GRACE_DAYS
from afterview.tracker.store import FeedEvent, Store

DEFAULT_REMINDER = dt.time(9, 0)
CACHE_BATCH = 500
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NO_TIME = dt.datetime(1970, 1, 1)
_KEEP_INTERVIEWS = 4096  # interviews kept at hand while streaming; a feed is in date order
_CACHED_UNDER = "feed_cache_prefix"  # meta: the prefix the whole feed was last cached under


@dataclass(frozen=True)
class FeedInfo:
    """What a web server needs beside the bytes: ETag, Last-Modified, and a count."""

    etag: str  # hex SHA-256 of the bytes, without quotes
    last_modified: dt.datetime | None
    events: int
    size: int


def feed_name(candidate: str | None = None) -> str:
    """The calendar's name in the user's calendar list."""
    if candidate and candidate.strip():
        return f"Follow-ups: {candidate.strip()} (afterview)"
    return "Follow-ups (afterview)"


def cutoff_of(now: dt.datetime) -> dt.date:
    """Cancelled events that ended before this date have had their 30 days."""
    stamp_of(now)  # refuses a naive datetime
    return now.astimezone(dt.UTC).date() - dt.timedelta(days=GRACE_DAYS)


def cache_prefix(reminder: dt.time = DEFAULT_REMINDER) -> str:
    """What every cached event's key starts with: afterview's version and the reminder.

    Another afterview version or reminder time serializes differently: not the same bytes.
    """
    return f"{__version__}|{reminder:%H:%M}|"


def _frame(name: str) -> tuple[bytes, bytes]:
    from afterview.formats import ics  # icalendar loads only when something is serialized

    head, end = ics.feed_chunks(name, (), _EPOCH)
    return head, end


class _Renderer:
    """Serializes events, making each interview's part once while it is in use."""

    def __init__(self, reminder: dt.time) -> None:
        self.reminder = reminder
        self._toml_zones: dict[str, str] = {}  # interviews stored before schema 3
        # zoneinfo keeps only a few zones alive by itself; one dropped is read from disk
        # again the next time. Holding each zone used keeps ics.event_for's lookups cheap.
        self._zones: dict[str, zoneinfo.ZoneInfo | None] = {}

    def _zone(self, row: FeedEvent) -> str:
        zone = row.zone
        if zone is None:  # stored before schema 3: only the TOML knows the time zone
            zone = self._toml_zones.get(row.interview_id)
            if zone is None:
                if len(self._toml_zones) >= _KEEP_INTERVIEWS:
                    self._toml_zones.clear()  # memory stays flat however many interviews
                where = f"tracked interview {row.interview_id}"
                zone = parse_interview(row.toml or "", where).timezone
                self._toml_zones[row.interview_id] = zone
        self._hold(zone)
        return zone

    def _hold(self, zone: str) -> None:
        if zone not in self._zones:
            try:
                self._zones[zone] = zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
                self._zones[zone] = None  # ics.event_for reports it for a timed event

    def render(self, row: FeedEvent) -> bytes:
        data = row.payload if isinstance(row.payload, str) else ""
        followup = decode_followup(data, row.status, row.sequence)
        stamp = parse_stamp(row.changed)
        from afterview.formats import ics

        return ics.event_bytes(row.uid, self._zone(row), followup, stamp, self.reminder)


def refresh_cache(
    store: Store,
    *,
    now: dt.datetime,
    candidate: str | None = None,
    reminder: dt.time = DEFAULT_REMINDER,
) -> int:
    """Serialize the feed's events whose cached bytes are missing or stale; how many."""
    cutoff = cutoff_of(now)
    prefix = cache_prefix(reminder)
    # Every write that changes an event's bytes drops them, so once the whole feed has
    # been cached under this prefix, the events without bytes are all there is to do.
    with store.read():
        missing_only = store.get_meta(_CACHED_UNDER) == prefix
    renderer = _Renderer(reminder)
    after = ""
    count = 0
    while True:
        with store.read():
            batch = store.stale_events(
                candidate, cutoff, prefix, after, CACHE_BATCH, missing_only=missing_only
            )
        if not batch:
            break
        rendered = [(row, renderer.render(row)) for row in batch]
        # Serializing happens outside the write lock; an event changed meanwhile is not cached.
        with store.write(backup=False):  # the cache is made again from the rows
            store.save_cache(prefix, rendered)
        count += len(batch)
        after = batch[-1].uid
    if not missing_only and candidate is None:
        with store.write(backup=False):
            store.set_meta(_CACHED_UNDER, prefix)
    return count


@dataclass
class _Seen:
    """What FeedInfo needs besides the bytes, gathered in the feed's read snapshot."""

    latest: str = ""  # the latest change stamp among the events shown
    removed: str | None = None
    dropped: dt.date | None = None
    mark: int | None = None  # the feed log's newest entry in the same snapshot


def _stream(
    store: Store,
    now: dt.datetime,
    candidate: str | None,
    reminder: dt.time,
    cache: bool,
    seen: _Seen,
) -> Iterator[bytes]:
    for _row, data in _pieces(store, now, candidate, reminder, cache, seen):
        yield data


def _pieces(
    store: Store,
    now: dt.datetime,
    candidate: str | None,
    reminder: dt.time,
    cache: bool,
    seen: _Seen,
) -> Iterator[tuple[FeedEvent | None, bytes]]:
    """The feed's pieces, each event's with its row (the header and footer have none)."""
    if cache:
        refresh_cache(store, now=now, candidate=candidate, reminder=reminder)
    cutoff = cutoff_of(now)
    head, end = _frame(feed_name(candidate))
    renderer = _Renderer(reminder)
    prefix = cache_prefix(reminder) if cache else None
    fresh: list[tuple[FeedEvent, bytes]] = []
    yield None, head
    with store.read():
        seen.removed = store.get_meta("feed_changed")
        seen.dropped = store.feed_dropped(candidate, cutoff)
        seen.mark = store.feed_mark()
        for row in store.feed_events(candidate, cutoff, prefix):
            if row.changed > seen.latest:
                seen.latest = row.changed
            if isinstance(row.payload, bytes):  # cached bytes, still valid
                yield row, row.payload
                continue
            # A full render, or an event whose bytes went stale since the refresh.
            data = renderer.render(row)
            if prefix is not None and len(fresh) < CACHE_BATCH:
                fresh.append((row, data))
            yield row, data
    if prefix is not None and fresh:
        # Only a shortcut for the next render: a busy database must not cut this one short.
        with contextlib.suppress(TrackerError), store.write(backup=False):
            store.save_cache(prefix, fresh)
    yield None, end


def feed_chunks(
    store: Store,
    *,
    now: dt.datetime,
    candidate: str | None = None,
    reminder: dt.time = DEFAULT_REMINDER,
    cache: bool = True,
) -> Iterator[bytes]:
    """The feed's bytes in pieces: header, one piece per event, footer.

    With ``cache`` the stale events are serialized and stored first, then every event
    comes from the cache; without it every event is serialized (a full render). Either
    way the events come from one query, streamed: memory stays flat.
    """
    return _stream(store, now, candidate, reminder, cache, _Seen())


def keyed_chunks(
    store: Store,
    *,
    now: dt.datetime,
    reminder: dt.time = DEFAULT_REMINDER,
    marked: Callable[[int], None] | None = None,
) -> Iterator[tuple[str | None, str | None, bytes]]:
    """The whole feed's pieces as (UID, key, bytes); the header and footer have no UID.

    The key is what the piece's bytes depend on besides the cache prefix, as
    ``Store.feed_keys`` gives it. ``marked`` is told the feed log's mark of the snapshot
    the events were read in, before the footer comes.
    """
    seen = _Seen()
    for row, data in _pieces(store, now, None, reminder, True, seen):
        if row is None:
            if marked is not None and seen.mark is not None:
                marked(seen.mark)
            yield None, None, data
        else:
            key = f"{row.zone or ''}|{row.sequence}|{row.status}|{row.changed}"
            yield row.uid, key, data


def feed_events(
    store: Store,
    *,
    now: dt.datetime,
    candidate: str | None = None,
    reminder: dt.time = DEFAULT_REMINDER,
) -> Iterator[tuple[str, str, bytes]]:
    """Each event of the feed as (UID, status, its VEVENT bytes), for a CalDAV push."""
    for row, data in _pieces(store, now, candidate, reminder, True, _Seen()):
        if row is not None:
            yield row.uid, row.status, data


def write_feed(
    out: IO[bytes],
    store: Store,
    *,
    now: dt.datetime,
    candidate: str | None = None,
    reminder: dt.time = DEFAULT_REMINDER,
    cache: bool = True,
) -> FeedInfo:
    """Stream the feed to a binary file object; the ETag is the hash of what was written."""
    digest = hashlib.sha256()
    size = 0
    pieces = 0
    seen = _Seen()
    for chunk in _stream(store, now, candidate, reminder, cache, seen):
        out.write(chunk)
        digest.update(chunk)
        size += len(chunk)
        pieces += 1
    return FeedInfo(
        etag=digest.hexdigest(),
        last_modified=_modified(seen.latest, seen.removed, seen.dropped, now),
        events=pieces - 2,
        size=size,
    )


def render_feed(
    store: Store,
    *,
    now: dt.datetime,
    candidate: str | None = None,
    reminder: dt.time = DEFAULT_REMINDER,
    cache: bool = True,
) -> tuple[bytes, FeedInfo]:
    """The whole feed in memory (fine for one person's interviews), with its FeedInfo."""
    seen = _Seen()
    chunks = list(_stream(store, now, candidate, reminder, cache, seen))
    data = b"".join(chunks)
    info = FeedInfo(
        etag=hashlib.sha256(data).hexdigest(),
        last_modified=_modified(seen.latest, seen.removed, seen.dropped, now),
        events=len(chunks) - 2,
        size=len(data),
    )
    return data, info


def last_modified(
    store: Store, *, now: dt.datetime, candidate: str | None = None
) -> dt.datetime | None:
    """When the feed's bytes last changed: an event changed, dropped out, or was removed."""
    cutoff = cutoff_of(now)
    with store.read():
        shown, dropped = store.feed_stamps(candidate, cutoff)
        removed = store.get_meta("feed_changed")
    return _modified(shown, removed, dropped, now)


def _modified(
    shown: str | None, removed: str | None, dropped: dt.date | None, now: dt.datetime
) -> dt.datetime | None:
    moments = [parse_stamp(s) for s in (shown, removed) if s]
    if dropped is not None:
        # An event ending on E is in the feed through E + 30 days and gone the day after.
        gone = dropped + dt.timedelta(days=GRACE_DAYS + 1)
        moments.append(dt.datetime.combine(gone, dt.time(0, 0), tzinfo=dt.UTC))
    limit = now.astimezone(dt.UTC)
    moments = [m for m in moments if m <= limit]
    return max(moments) if moments else None


def clear_cache(store: Store) -> None:
    """Forget every cached event (the next feed serializes everything again)."""
    with store.write():
        store.clear_cache()
