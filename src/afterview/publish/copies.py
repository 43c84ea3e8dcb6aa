"""The last published feed, kept on this machine, so a republish rewrites only what changed.

Beside the file goes its map (``copymaps``). A republish asks the tracker's feed log
which events changed since the map was made, and reads only their keys; without a
usable log (an old map, a log that no longer reaches back) it reads every key from one
index and compares. Equal keys mean equal bytes, and nothing is rendered, hashed or
sent. When a few events changed, the new file is the old one's unchanged stretches,
copied by the kernel, with the changed events' bytes from the feed cache in between,
so a feed of 10,000 interviews costs about what its upload does. Anything unexpected
(no map, another detail level or afterview version, a file of the wrong size, an event
whose cached bytes moved on meanwhile) makes a full render instead: the copy only ever
saves time, never decides what the bytes are.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import itertools
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from afterview.errors import PublishError
from afterview.formats import redact
from afterview.publish import feed
from afterview.publish.copymaps import CopyMap, load, map_path, save, uid_of
from afterview.publish.payload import Segment, Source, Writer
from afterview.tracker.store import Store

_FEW = 64  # changed events found by searching the map's text; more index every UID
MODE = 0o600  # a copy holds what the published file holds: the user's alone


@dataclass(frozen=True)
class Built:
    """A local file holding exactly the bytes to publish."""

    path: Path
    size: int


def _read_ahead(path: Path) -> None:
    """Ask the kernel to start reading the last copy: its stretches are sent next."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    with contextlib.suppress(OSError):
        handle = os.open(path, os.O_RDONLY)
        try:
            advise(handle, 0, 0, os.POSIX_FADV_WILLNEED)
        finally:
            os.close(handle)


# Copies no map names any more, left for ``tidy`` when removing them can wait.
_LEFT: list[Path] | None = None


def defer_removals() -> None:
    """Leave the removal of old copies to ``tidy``: freeing the blocks of a feed of
    150 MB takes a while, and a forked publisher does it after it has answered."""
    global _LEFT
    if _LEFT is None:
        _LEFT = []


def tidy() -> None:
    """Remove the old copies left since ``defer_removals`` (no map names them: a copy's
    name is never used again, so they can go at any time)."""
    while _LEFT:
        with contextlib.suppress(OSError):
            _LEFT.pop().unlink()


def _sweep(folder: Path, keep: Path) -> None:
    """Remove the copies no map names any more (the one just made stays)."""
    named = {keep.name}
    for path in folder.glob("*.map"):
        try:
            with path.open(encoding="utf-8") as lines:
                named.add(str(json.loads(lines.readline())["file"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    for path in folder.glob("copy-*.ics"):
        if path.name not in named:
            if _LEFT is not None:
                _LEFT.append(path)
                continue
            with contextlib.suppress(OSError):
                path.unlink()


class Plan:
    """What a publish to one target would write, found before anything is rendered."""

    def __init__(
        self,
        store: Store,
        folder: Path,
        where: str,
        *,
        now: dt.datetime,
        detail: str,
        reminder: dt.time,
    ) -> None:
        self.store = store
        self.folder = folder
        self.now = now
        self.detail = detail
        self.reminder = reminder
        self._map_file = map_path(folder, where)
        self._prefix = feed.cache_prefix(reminder)
        self._calendar = feed.feed_name()
        old = load(self._map_file)
        if old is not None and (old.detail, old.prefix, old.calendar) != (
            detail,
            self._prefix,
            self._calendar,
        ):
            old = None  # another level of detail, afterview version or reminder time
        self._old = old
        cutoff = feed.cutoff_of(now)
        self._cutoff = cutoff.isoformat()
        # With the log: the old lines' indexes that left, and the new lines' that came.
        self._delta: tuple[list[int], list[int]] | None = None
        self._moves: list[tuple[str, str]] | None = None
        with store.read():  # the keys and the log's mark from one snapshot
            found = self._changed_lines(old, cutoff) if old is not None else None
            if found is None:
                found = (store.feed_keys(None, cutoff), store.feed_mark())
            self._log = store.feed_log_identity(found[1])
        self._lines: list[str] = found[0]
        self._mark: int | None = found[1]
        self._offsets: dict[str, tuple[int, int]] = {}  # an old line: its start and length
        self._wanted: list[str] = []  # the lines of the events whose keys moved
        self._fresh: dict[str, bytes] | None = None  # their new bytes, redacted, once read
        self._same = False  # whether the old copy holds exactly the bytes wanted now
        if old is not None:
            if old.lines == self._lines:
                self._same = True
            else:
                _read_ahead(old.file)  # from disk while the changed events are serialized
                self._offsets = offsets = old.spans()
                if self._delta is not None:
                    came = [self._lines[n] for n in self._delta[1]]
                    self._wanted = [line for line in came if line not in offsets]
                else:
                    self._wanted = [line for line in self._lines if line not in offsets]

    def _changed_lines(self, old: CopyMap, cutoff: dt.date) -> tuple[list[str], int] | None:
        """The keys now, from the old map and the events logged since it was made.

        None when the log cannot tell (no mark, a log that no longer reaches back, a
        cutoff that went back): then every key is read.
        """
        if old.mark is None or old.cutoff is None:
            return None
        if old.log != self.store.feed_log_identity(old.mark):
            return None  # another file, or a log begun again (a backup put back)
        try:
            since = dt.date.fromisoformat(old.cutoff)
        except ValueError:
            return None
        delta = self.store.feed_delta(old.mark, since, cutoff)
        if delta is None:
            return None
        mark, changed = delta
        if not changed:
            self._delta = ([], [])
            return list(old.lines), mark
        if len(changed) > _FEW:
            places = old.places()
            gone = sorted(places[uid] for uid in changed if uid in places)
        else:
            gone = sorted(n for n in map(old.place, changed) if n is not None)
        lines: list[str] = []
        start = 0
        for at in gone:  # the old lines without the changed events, in their order
            lines.extend(old.lines[start:at])
            start = at + 1
        lines.extend(old.lines[start:])
        dates: dict[str, str | None] = {}

        def date_of(line: str) -> str:
            uid = uid_of(line)
            if uid not in dates:
                dates[uid] = self.store.feed_date(uid)
            return dates[uid] or ""

        placed: list[int] = []
        for date, line in sorted(found for found in changed.values() if found is not None):
            # The feed's order is (date, UID): find the place among the others by halving.
            # In that order each lands after the one before, which so keeps its place.
            place = (date, uid_of(line))
            low, high = (placed[-1] + 1 if placed else 0), len(lines)
            while low < high:
                middle = (low + high) // 2
                if (date_of(lines[middle]), uid_of(lines[middle])) < place:
                    low = middle + 1
                else:
                    high = middle
            lines.insert(low, line)
            placed.append(low)
            dates[place[1]] = date
        self._delta = (gone, placed)
        return lines, mark

    def _moved(self) -> list[tuple[str, str]]:
        """The (new, old) lines that differ, when the same number of events is in both."""
        old = self._old
        assert old is not None
        if self._moves is None:
            pairs: Iterable[tuple[str, str]]
            if self._delta is not None and self._delta[0] == self._delta[1]:
                # The changed events kept their places: only there can the lines differ.
                pairs = ((self._lines[n], old.lines[n]) for n in self._delta[1])
            else:
                pairs = zip(self._lines, old.lines, strict=True)
            self._moves = [(a, b) for a, b in pairs if a != b]
        return self._moves

    @property
    def surely_changed(self) -> bool:
        """Whether the bytes will differ, known without serializing anything.

        True when events came or went, or one has a new SEQUENCE or change stamp (both
        are in its bytes at every level of detail). A new status alone may leave the
        bytes as they were (a step marked done): only serializing tells.
        """
        if self._old is None:
            return True
        if self._same:
            return False
        if len(self._lines) != len(self._old.lines):
            return True
        for new, was in self._moved():
            (uid, key), (old_uid, old_key) = new.split("\t"), was.split("\t")
            if uid != old_uid:
                return True
            parts, old_parts = key.split("|"), old_key.split("|")
            if parts[1] != old_parts[1] or parts[3:] != old_parts[3:]:
                return True
        return False

    def _read_fresh(self) -> dict[str, bytes] | None:
        """The changed events' bytes from the feed cache; None when one moved on meanwhile."""
        if self._fresh is not None:
            return self._fresh
        fresh: dict[str, bytes] = {}
        if self._wanted:
            feed.refresh_cache(self.store, now=self.now, reminder=self.reminder)
            with self.store.read():
                cached = self.store.cached_bytes([uid_of(x) for x in self._wanted], self._prefix)
            for line in self._wanted:
                uid = uid_of(line)
                got = cached.get(uid)
                if got is None or f"{uid}\t{got[0]}" != line:
                    return None
                fresh[line] = redact.redact_chunk(got[1], self.detail)
        self._fresh = fresh
        return fresh

    def _settle(self) -> None:
        """Tell whether new keys left the bytes as they were (then the copy is current)."""
        old = self._old
        if old is None or self._same:
            return
        fresh = self._read_fresh()
        if fresh is None:
            self._old = None  # changed again meanwhile: a full render says what is true
            return
        if len(self._lines) != len(old.lines):
            return
        moved = self._moved()
        if any(uid_of(new) != uid_of(was) for new, was in moved):
            return
        # The same events in the same order, some with new keys: a change that leaves the
        # bytes as they were (a step marked done, say) publishes nothing.
        try:
            with old.file.open("rb") as copy:
                for new, was in moved:
                    start, length = self._offsets[was]
                    copy.seek(start)
                    if length != len(fresh[new]) or copy.read(length) != fresh[new]:
                        return
        except OSError:
            self._old = None
            return
        self._same = True
        old.lines = list(self._lines)
        old.mark, old.cutoff, old.log = self._mark, self._cutoff, self._log
        old._spans = old._places = old._text = None
        save(self._map_file, old)

    def current(self) -> Built | None:
        """The copy made last, when it is what would be written now."""
        self._settle()
        if self._old is None or not self._same:
            return None
        return Built(self._old.file, self._old.size)

    def write(self) -> Source:
        """The bytes to publish: the copy made last, or a new one (written meanwhile)."""
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            found = self.current()
            if found is not None:
                return Source.of_file(found.path)
            if self._old is not None:
                patched = self._patched(self._old)
                if patched is not None:
                    return patched
            made = self._rendered()
            self._done(made)
            return Source.of_file(made.file)
        except OSError as error:
            raise PublishError(
                f"cannot write the local copy of the feed in {self.folder}: "
                f"{error.strerror or error} (free some space there, then publish again)"
            ) from None

    def _done(self, made: CopyMap) -> None:
        save(self._map_file, made)
        _sweep(self.folder, keep=made.file)
        self._old = made
        self._lines = made.lines
        self._mark = made.mark
        self._same = True

    # ------------------------------------------------------------------ making copies

    def _new_file(self) -> tuple[int, Path]:
        handle, name = tempfile.mkstemp(prefix="copy-", suffix=".ics", dir=self.folder)
        os.fchmod(handle, MODE)
        return handle, Path(name)

    def _rendered(self) -> CopyMap:
        """A full render from the feed cache, written while it streams."""
        handle, path = self._new_file()
        lines: list[str] = []
        lengths: list[int] = []
        head = end = size = 0
        marks: list[int] = []
        try:
            with os.fdopen(handle, "wb") as out:
                for uid, key, data in feed.keyed_chunks(
                    self.store, now=self.now, reminder=self.reminder, marked=marks.append
                ):
                    piece = redact.redact_chunk(data, self.detail)
                    out.write(piece)
                    size += len(piece)
                    if uid is None:
                        if lines or head:
                            end = len(piece)
                        else:
                            head = len(piece)
                        continue
                    lines.append(f"{uid}\t{key}")
                    lengths.append(len(piece))
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        mark = marks[0] if marks else None
        return CopyMap(
            path, self.detail, self._prefix, self._calendar, head, end, size, lines, lengths,
            mark, self._cutoff, None if mark is None else self.store.feed_log_identity(mark),
        )  # fmt: skip

    def _patched(self, old: CopyMap) -> Source | None:
        """The old copy with the changed events replaced; None to render in full instead.

        The bytes stream from the old copy and the new pieces at once, while a thread
        writes the new copy from the same pieces.
        """
        fresh = self._read_fresh()
        if fresh is None:
            return None
        laid = self._laid_by_delta(old, fresh)
        segments, lengths = laid if laid is not None else self._laid_line_by_line(old, fresh)
        size = old.head + old.end + sum(lengths)
        try:
            base = os.open(old.file, os.O_RDONLY)
        except OSError:
            return None
        made = CopyMap(
            Path(), self.detail, self._prefix, self._calendar, old.head, old.end, size,
            list(self._lines), lengths, self._mark, self._cutoff, self._log,
        )  # fmt: skip
        try:
            handle, made.file = self._new_file()
        except BaseException:
            os.close(base)
            raise
        # The map is saved as soon as the file is whole, while the upload may still run.
        writer = Writer(base, handle, made.file, size, segments, lambda: self._done(made))
        return Source(size, segments, base, writer)

    def _laid_by_delta(
        self, old: CopyMap, fresh: dict[str, bytes]
    ) -> tuple[list[Segment], list[int]] | None:
        """The new file as runs of the old one between the changed events, found from
        the log's places alone; None when there is no log or the places do not add up."""
        if self._delta is None:
            return None
        gone, came = self._delta
        starts = list(itertools.accumulate(old.lengths, initial=old.head))
        segments: list[Segment] = [(0, old.head)] if old.head else []
        lengths: list[int] = []

        def stretch(first: int, after: int) -> None:
            at, size = starts[first], starts[after] - starts[first]
            last = segments[-1] if segments else None
            if isinstance(last, tuple) and last[0] + last[1] == at:
                segments[-1] = (last[0], last[1] + size)
            elif size:
                segments.append((at, size))
            lengths.extend(old.lengths[first:after])

        taken = skipped = 0  # old lines taken or skipped so far
        done = 0  # new lines laid so far
        for place in [*came, len(self._lines)]:
            count = place - done  # unchanged lines before this one
            while count > 0:
                while skipped < len(gone) and gone[skipped] == taken:
                    taken += 1
                    skipped += 1
                limit = gone[skipped] if skipped < len(gone) else len(old.lines)
                step = min(count, limit - taken)
                if step <= 0:
                    return None
                stretch(taken, taken + step)
                taken += step
                count -= step
            done = place
            if place < len(self._lines):
                line = self._lines[place]
                hit = self._offsets.get(line)
                if hit is not None:  # logged, yet its bytes are as they were
                    index = bisect.bisect_left(starts, hit[0])
                    stretch(index, index + 1)
                else:
                    segments.append(fresh[line])
                    lengths.append(len(fresh[line]))
                done += 1
        if len(lengths) != len(self._lines):
            return None
        stretch_end = (old.size - old.end, old.end)
        last = segments[-1] if segments else None
        if isinstance(last, tuple) and last[0] + last[1] == stretch_end[0]:
            segments[-1] = (last[0], last[1] + old.end)
        elif old.end:
            segments.append(stretch_end)
        return segments, lengths

    def _laid_line_by_line(
        self, old: CopyMap, fresh: dict[str, bytes]
    ) -> tuple[list[Segment], list[int]]:
        """The new file, each line looked up in the old map."""
        segments: list[Segment] = []
        lengths: list[int] = []
        offsets = self._offsets
        start, length = 0, old.head  # the stretch of the old copy being gathered
        for line in self._lines:
            hit = offsets.get(line)
            if hit is not None:
                if start + length == hit[0]:
                    length += hit[1]
                else:
                    if length:
                        segments.append((start, length))
                    start, length = hit
                lengths.append(hit[1])
                continue
            if length:
                segments.append((start, length))
            start, length = 0, 0
            data = fresh[line]
            segments.append(data)
            lengths.append(len(data))
        tail = old.size - old.end
        if length and start + length == tail:
            segments.append((start, length + old.end))
        else:
            if length:
                segments.append((start, length))
            segments.append((tail, old.end))
        return segments, lengths
