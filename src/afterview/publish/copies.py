"""The last published feed, kept on this machine, so a republish rewrites only what changed.

Beside the file goes its map: for each event in order, its UID, what its bytes depend on
(the interview's zone, SEQUENCE, status and change stamp, as the feed cache keys them)
and its length. A republish reads the same keys from one index of the tracker and
compares: equal lists mean equal bytes, and nothing is rendered, hashed or sent. When a
few events changed, the new file is the old one's unchanged stretches, copied by the
kernel, with the changed events' bytes from the feed cache in between, so a feed of
10,000 interviews costs about what its upload does. Anything unexpected (no map,
another detail level or afterview version, a file of the wrong size, an event whose
cached bytes moved on meanwhile) makes a full render instead: the copy only ever saves
time, never decides what the bytes are.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from afterview.errors import PublishError
from afterview.formats import redact
from afterview.formats.files import write_atomic
from afterview.publish import feed
from afterview.publish.payload import Segment, Source, Writer
from afterview.tracker.store import Store

FORMAT = 2
MODE = 0o600  # a copy holds what the published file holds: the user's alone


@dataclass(frozen=True)
class Built:
    """A local file holding exactly the bytes to publish."""

    path: Path
    size: int


@dataclass
class _Map:
    """What the map beside a copy says about it."""

    file: Path
    detail: str
    prefix: str  # the feed cache's prefix: afterview's version and the reminder time
    calendar: str
    head: int  # the length of the calendar's header, before the first event
    end: int  # the length of its footer
    size: int
    lines: list[str]  # "UID<tab>key" of each event, in feed order
    lengths: list[int]
    _spans: dict[str, tuple[int, int]] | None = field(default=None, repr=False, compare=False)

    def spans(self) -> dict[str, tuple[int, int]]:
        """Each line's event in the file: its start and length."""
        if self._spans is None:
            starts = itertools.accumulate(self.lengths, initial=self.head)  # one too many
            spans = zip(starts, self.lengths, strict=False)
            self._spans = dict(zip(self.lines, spans, strict=True))
        return self._spans


# Maps read ahead of a publish, by path, with the file's identity when read.
_READY: dict[Path, tuple[tuple[int, int, int], _Map]] = {}


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)


def preload(folder: Path, where: str) -> None:
    """Read a target's map now, for a publish about to come.

    A publisher forked ahead of a change calls this while the change is made. The
    publish uses what was read only if the map is still the same file (a map is only
    ever replaced whole, under a new inode).
    """
    path = _map_path(folder, where)
    identity = _identity(path)
    found = _load(path) if identity is not None else None
    if found is not None and identity is not None:
        found.spans()
        _READY[path] = (identity, found)


def _map_path(folder: Path, where: str) -> Path:
    return folder / (hashlib.sha256(where.encode()).hexdigest()[:16] + ".map")


def _uid(line: str) -> str:
    return line.split("\t", 1)[0]


def _load(path: Path) -> _Map | None:
    ready = _READY.pop(path, None)
    if ready is not None and ready[0] == _identity(path):
        copy = _identity(ready[1].file)
        if copy is not None and copy[1] == ready[1].size:
            return ready[1]
    try:
        text = path.read_text(encoding="utf-8")
        first, _, rest = text.partition("\n")
        head = json.loads(first)
        if head.get("format") != FORMAT:
            return None
        lines = rest.split("\n")
        if lines[-1] == "":
            lines.pop()
        lengths = [int(n) for n in head["lengths"]]
        found = _Map(
            file=path.parent / str(head["file"]),
            detail=str(head["detail"]),
            prefix=str(head["prefix"]),
            calendar=str(head["calendar"]),
            head=int(head["head"]),
            end=int(head["end"]),
            size=int(head["size"]),
            lines=lines,
            lengths=lengths,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if len(lines) != len(lengths) or found.head + found.end + sum(lengths) != found.size:
        return None
    try:
        if found.file.stat().st_size != found.size:
            return None
    except OSError:
        return None
    return found


def _save(path: Path, made: _Map) -> None:
    """Write the map (or, when an event's line cannot be written in it, remove it)."""
    if any(line.count("\t") != 1 or "\n" in line for line in made.lines):
        with contextlib.suppress(OSError):
            path.unlink()  # no map: the next publish renders in full
        return
    head = {
        "format": FORMAT,
        "file": made.file.name,
        "detail": made.detail,
        "prefix": made.prefix,
        "calendar": made.calendar,
        "head": made.head,
        "end": made.end,
        "size": made.size,
        "lengths": made.lengths,
    }
    text = json.dumps(head, separators=(",", ":")) + "\n" + "".join(f"{x}\n" for x in made.lines)
    write_atomic(path, text.encode(), private=True)


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
        self._map_file = _map_path(folder, where)
        self._prefix = feed.cache_prefix(reminder)
        self._calendar = feed.feed_name()
        old = _load(self._map_file)
        if old is not None and (old.detail, old.prefix, old.calendar) != (
            detail,
            self._prefix,
            self._calendar,
        ):
            old = None  # another level of detail, afterview version or reminder time
        self._old = old
        self._lines = store.feed_keys(None, feed.cutoff_of(now))
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
                self._wanted = [line for line in self._lines if line not in offsets]

    def _moved(self) -> list[tuple[str, str]]:
        """The (new, old) lines that differ, when the same number of events is in both."""
        assert self._old is not None
        return [(a, b) for a, b in zip(self._lines, self._old.lines, strict=True) if a != b]

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
                cached = self.store.cached_bytes([_uid(x) for x in self._wanted], self._prefix)
            for line in self._wanted:
                uid = _uid(line)
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
        if any(_uid(new) != _uid(was) for new, was in moved):
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
        old._spans = None
        _save(self._map_file, old)

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

    def _done(self, made: _Map) -> None:
        _save(self._map_file, made)
        _sweep(self.folder, keep=made.file)
        self._old = made
        self._lines = made.lines
        self._same = True

    # ------------------------------------------------------------------ making copies

    def _new_file(self) -> tuple[int, Path]:
        handle, name = tempfile.mkstemp(prefix="copy-", suffix=".ics", dir=self.folder)
        os.fchmod(handle, MODE)
        return handle, Path(name)

    def _rendered(self) -> _Map:
        """A full render from the feed cache, written while it streams."""
        handle, path = self._new_file()
        lines: list[str] = []
        lengths: list[int] = []
        head = end = size = 0
        try:
            with os.fdopen(handle, "wb") as out:
                for uid, key, data in feed.keyed_chunks(
                    self.store, now=self.now, reminder=self.reminder
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
        return _Map(
            path, self.detail, self._prefix, self._calendar, head, end, size, lines, lengths
        )

    def _patched(self, old: _Map) -> Source | None:
        """The old copy with the changed events replaced; None to render in full instead.

        The bytes stream from the old copy and the new pieces at once, while a thread
        writes the new copy from the same pieces.
        """
        fresh = self._read_fresh()
        if fresh is None:
            return None
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
        size = old.head + old.end + sum(lengths)
        try:
            base = os.open(old.file, os.O_RDONLY)
        except OSError:
            return None
        made = _Map(
            Path(), self.detail, self._prefix, self._calendar, old.head, old.end, size,
            list(self._lines), lengths,
        )  # fmt: skip
        try:
            handle, made.file = self._new_file()
        except BaseException:
            os.close(base)
            raise
        # The map is saved as soon as the file is whole, while the upload may still run.
        writer = Writer(base, handle, made.file, size, segments, lambda: self._done(made))
        return Source(size, segments, base, writer)
