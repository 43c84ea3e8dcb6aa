"""The subscribable feed: one calendar of every tracked interview's actions, streamed.

The feed is never one big Calendar object: the header, each event and the footer are
written one after another. Each event's bytes are cached in the store under its UID,
SEQUENCE, status and change stamp, so after one change only that interview's events are
serialized again, and the result is byte for byte what a full render gives. DTSTAMP is
when the event last changed, so unchanged data gives unchanged bytes and an ETag
(the SHA-256 of the bytes) that means something. ``now`` only decides which cancelled
events have been in the feed for their 30 days.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import IO

from . import __version__, ics
from .interviewfile import parse_interview
from .model import Interview
from .store import StaleRow, Store
from .tracker import GRACE_DAYS, decode_followup, parse_stamp, stamp_of, timeline_key

DEFAULT_REMINDER = dt.time(9, 0)
CACHE_BATCH = 500
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


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


def _cutoff(now: dt.datetime) -> dt.date:
    """Cancelled events that ended before this date have had their 30 days."""
    stamp_of(now)  # refuses a naive datetime
    return now.astimezone(dt.UTC).date() - dt.timedelta(days=GRACE_DAYS)


def _cache_prefix(reminder: dt.time) -> str:
    # Another afterview version or reminder time serializes differently: not the same bytes.
    return f"{__version__}|{reminder:%H:%M}|"


def _frame(name: str) -> tuple[bytes, bytes]:
    head, end = ics.feed_chunks(name, (), _EPOCH)
    return head, end


class _Renderer:
    """Serializes events, reading each interview once."""

    def __init__(self, reminder: dt.time) -> None:
        self.reminder = reminder
        self._interviews: dict[tuple[str, int], Interview] = {}

    def render(self, row: StaleRow) -> bytes:
        key = (row.interview_id, row.timeline)
        interview = self._interviews.get(key)
        if interview is None:
            parsed = parse_interview(row.toml, f"tracked interview {row.interview_id}")
            # Check-ins of a later decision timeline are keyed apart (tracker.timeline_key).
            interview = replace(parsed, id=timeline_key(row.interview_id, row.timeline))
            self._interviews[key] = interview
        followup = decode_followup(row.data, row.status, row.sequence)
        stamp = parse_stamp(row.changed)
        return ics.event_bytes(interview, followup, stamp, self.reminder, uid=row.uid)


def refresh_cache(
    store: Store,
    *,
    now: dt.datetime,
    candidate: str | None = None,
    reminder: dt.time = DEFAULT_REMINDER,
) -> int:
    """Serialize the feed's events whose cached bytes are missing or stale; how many."""
    cutoff = _cutoff(now)
    prefix = _cache_prefix(reminder)
    renderer = _Renderer(reminder)
    after = ""
    count = 0
    while True:
        with store.read():
            batch = store.stale_rows(candidate, cutoff, prefix, after, CACHE_BATCH)
        if not batch:
            return count
        rendered = [(row, renderer.render(row)) for row in batch]
        # Serializing happens outside the write lock; an event changed meanwhile is not cached.
        with store.write():
            store.save_cache(prefix, rendered)
        count += len(batch)
        after = batch[-1].uid


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
    comes from the cache; without it every event is serialized (a full render).
    """
    if cache:
        refresh_cache(store, now=now, candidate=candidate, reminder=reminder)
    head, end = _frame(feed_name(candidate))
    renderer = _Renderer(reminder)
    prefix = _cache_prefix(reminder) if cache else None
    yield head
    for row in store.feed_rows(candidate, _cutoff(now), prefix):
        if row.ics is not None:
            yield row.ics
            continue
        # Not cached: a full render, or an event that changed since the refresh.
        stale = store.event_for_feed(row.uid)
        if stale is not None:
            yield renderer.render(stale)
    yield end


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
    for chunk in feed_chunks(store, now=now, candidate=candidate, reminder=reminder, cache=cache):
        out.write(chunk)
        digest.update(chunk)
        size += len(chunk)
        pieces += 1
    return FeedInfo(
        etag=digest.hexdigest(),
        last_modified=last_modified(store, now=now, candidate=candidate),
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
    chunks = list(feed_chunks(store, now=now, candidate=candidate, reminder=reminder, cache=cache))
    data = b"".join(chunks)
    info = FeedInfo(
        etag=hashlib.sha256(data).hexdigest(),
        last_modified=last_modified(store, now=now, candidate=candidate),
        events=len(chunks) - 2,
        size=len(data),
    )
    return data, info


def last_modified(
    store: Store, *, now: dt.datetime, candidate: str | None = None
) -> dt.datetime | None:
    """When the feed's bytes last changed: an event changed, dropped out, or was removed."""
    cutoff = _cutoff(now)
    with store.read():
        shown, dropped = store.feed_stamps(candidate, cutoff)
        removed = store.get_meta("feed_changed")
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
