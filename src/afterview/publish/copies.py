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
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from afterview.formats import redact
from afterview.formats.files import write_atomic
from afterview.publish import feed
from afterview.tracker.store import Store

FORMAT = 1
# Readable by all, as a web host's file must be: sftp's put gives the new file on the host
# the local file's mode. Only this user can reach it: the folder is 0700.
MODE = 0o644


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
    keys: list[tuple[str, str]]  # (UID, key) of each event, in feed order
    lengths: list[int]


def _map_path(folder: Path, where: str) -> Path:
    return folder / (hashlib.sha256(where.encode()).hexdigest()[:16] + ".map")


def _load(path: Path) -> _Map | None:
    try:
        text = path.read_text(encoding="utf-8")
        first, _, rest = text.partition("\n")
        head = json.loads(first)
        if head.get("format") != FORMAT:
            return None
        keys: list[tuple[str, str]] = []
        lengths: list[int] = []
        for line in rest.split("\n"):
            if line:
                uid, key, length = line.split("\t")
                keys.append((uid, key))
                lengths.append(int(length))
        found = _Map(
            file=path.parent / str(head["file"]),
            detail=str(head["detail"]),
            prefix=str(head["prefix"]),
            calendar=str(head["calendar"]),
            head=int(head["head"]),
            end=int(head["end"]),
            size=int(head["size"]),
            keys=keys,
            lengths=lengths,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if found.head + found.end + sum(lengths) != found.size:
        return None
    try:
        if found.file.stat().st_size != found.size:
            return None
    except OSError:
        return None
    return found


def _save(path: Path, made: _Map) -> bool:
    """Write the map; False when a UID or key cannot be written in it (no map then)."""
    lines = [
        json.dumps(
            {
                "format": FORMAT,
                "file": made.file.name,
                "detail": made.detail,
                "prefix": made.prefix,
                "calendar": made.calendar,
                "head": made.head,
                "end": made.end,
                "size": made.size,
            }
        )
    ]
    for (uid, key), length in zip(made.keys, made.lengths, strict=True):
        if "\t" in uid or "\n" in uid or "\t" in key or "\n" in key:
            with contextlib.suppress(OSError):
                path.unlink()
            return False
        lines.append(f"{uid}\t{key}\t{length}")
    write_atomic(path, ("\n".join(lines) + "\n").encode(), private=True)
    return True


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
        self._keys = store.feed_keys(None, feed.cutoff_of(now))
        self._offsets: dict[str, tuple[str, int, int]] = {}  # UID: old key, start, length
        self._fresh: dict[str, bytes] = {}  # the changed events' new bytes, redacted
        self._same = False  # whether the old copy holds exactly the bytes wanted now
        if old is not None:
            self._compare(old)

    def _compare(self, old: _Map) -> None:
        at = old.head
        for (uid, key), length in zip(old.keys, old.lengths, strict=True):
            self._offsets[uid] = (key, at, length)
            at += length
        if old.keys == self._keys:
            self._same = True
            return
        offsets = self._offsets
        wanted = [uid for uid, key in self._keys if offsets.get(uid, ("",))[0] != key]
        if wanted:
            feed.refresh_cache(self.store, now=self.now, reminder=self.reminder)
            with self.store.read():
                cached = self.store.cached_bytes(wanted, self._prefix)
            keys = dict(self._keys)
            for uid in wanted:
                got = cached.get(uid)
                if got is None or got[0] != keys[uid]:
                    self._old = None  # changed again meanwhile: a full render says what is true
                    return
                self._fresh[uid] = redact.redact_chunk(got[1], self.detail)
        if [uid for uid, _ in self._keys] != [uid for uid, _ in old.keys]:
            return
        # The same events in the same order, some with new keys: a change that leaves the
        # bytes as they were (a step marked done, say) publishes nothing.
        try:
            with old.file.open("rb") as copy:
                for uid, data in self._fresh.items():
                    _key, start, length = offsets[uid]
                    copy.seek(start)
                    if length != len(data) or copy.read(length) != data:
                        return
        except OSError:
            self._old = None
            return
        self._same = True
        old.keys = list(self._keys)
        _save(self._map_file, old)

    @property
    def unchanged(self) -> bool:
        """Whether the copy made last already holds these bytes."""
        return self._old is not None and self._same

    def current(self) -> Built | None:
        """The copy made last, when it is what would be written now."""
        if self._old is None or not self._same:
            return None
        return Built(self._old.file, self._old.size)

    def write(self) -> Built:
        """Make the file to publish (the copy made last, when nothing changed)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = self.current()
        if found is not None:
            return found
        made = self._patched() if self._old is not None else None
        if made is None:
            made = self._rendered()
        _save(self._map_file, made)
        _sweep(self.folder, keep=made.file)
        self._old = made
        self._keys = made.keys
        self._same = True
        return Built(made.file, made.size)

    # ------------------------------------------------------------------ making copies

    def _new_file(self) -> tuple[int, Path]:
        handle, name = tempfile.mkstemp(prefix="copy-", suffix=".ics", dir=self.folder)
        os.fchmod(handle, MODE)
        return handle, Path(name)

    def _rendered(self) -> _Map:
        """A full render from the feed cache, written while it streams."""
        handle, path = self._new_file()
        keys: list[tuple[str, str]] = []
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
                        if keys or head:
                            end = len(piece)
                        else:
                            head = len(piece)
                        continue
                    keys.append((uid, key or ""))
                    lengths.append(len(piece))
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        return _Map(path, self.detail, self._prefix, self._calendar, head, end, size, keys, lengths)

    def _patched(self) -> _Map | None:
        """The old copy with the changed events replaced; None to render in full instead."""
        old = self._old
        assert old is not None
        offsets, fresh = self._offsets, self._fresh
        try:
            source = os.open(old.file, os.O_RDONLY)
        except OSError:
            return None
        handle, path = self._new_file()
        lengths: list[int] = []
        try:
            copier = _Copier(source, handle)
            copier.take(0, old.head)
            for uid, _key in self._keys:
                data = fresh.get(uid)
                if data is None:
                    _old_key, start, length = offsets[uid]
                    copier.take(start, length)
                else:
                    copier.put(data)
                    length = len(data)
                lengths.append(length)
            copier.take(old.size - old.end, old.end)
            size = copier.flush()
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        finally:
            os.close(handle)
            os.close(source)
        made = _Map(
            path, self.detail, self._prefix, self._calendar, old.head, old.end, size,
            list(self._keys), lengths,
        )  # fmt: skip
        if old.head + old.end + sum(lengths) != size:
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        return made


class _Copier:
    """Writes stretches of one file and new bytes into another, joining the stretches."""

    def __init__(self, source: int, target: int) -> None:
        self.source = source
        self.target = target
        self.at = 0  # where the next bytes go in the target
        self._start = 0
        self._length = 0

    def take(self, start: int, length: int) -> None:
        if self._start + self._length == start:
            self._length += length
            return
        self.flush()
        self._start, self._length = start, length

    def put(self, data: bytes) -> None:
        self.flush()
        view = memoryview(data)
        while view:
            step = os.pwrite(self.target, view, self.at)
            self.at += step
            view = view[step:]

    def flush(self) -> int:
        """Write the stretch taken so far; how long the target is now."""
        if self._length:
            _copy_range(self.source, self.target, self._start, self._length, self.at)
            self.at += self._length
        self._start, self._length = 0, 0
        return self.at


def _copy_range(source: int, target: int, start: int, length: int, at: int) -> None:
    """Copy ``length`` bytes from ``start`` of ``source`` to ``at`` in ``target``.

    The kernel copies where it can (copy_file_range); else the bytes pass through memory.
    """
    done = 0
    fast = hasattr(os, "copy_file_range")
    while done < length:
        if fast:
            try:
                step = os.copy_file_range(source, target, length - done, start + done, at + done)
            except OSError:
                fast = False
                continue
        else:
            data = os.pread(source, min(1 << 20, length - done), start + done)
            step = os.pwrite(target, data, at + done) if data else 0
        if step == 0:
            raise OSError(f"the last published feed's copy ended early, at byte {start + done}")
        done += step
