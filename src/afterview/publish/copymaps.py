"""The map beside each kept copy of a published feed: what is where in the file.

For each event in feed order: its UID, what its bytes depend on (the interview's zone,
SEQUENCE, status and change stamp, as the feed cache keys them) and its length; and the
tracker's feed log entry and cutoff the keys were read at, so the next publish can ask
the log what changed since. A map is only ever replaced whole, under a new inode.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

from afterview.formats.files import write_atomic

FORMAT = 2


@dataclass
class CopyMap:
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
    mark: int | None = None  # the tracker's feed log entry the lines were read at
    cutoff: str | None = None  # and the cutoff they were read with
    log: str | None = None  # and which log that entry is in (Store.feed_log_identity)
    _spans: dict[str, tuple[int, int]] | None = field(default=None, repr=False, compare=False)
    _places: dict[str, int] | None = field(default=None, repr=False, compare=False)
    _text: str | None = field(default=None, repr=False, compare=False)  # "\n" + the lines

    def places(self) -> dict[str, int]:
        """Each event's index in the lines, by UID."""
        if self._places is None:
            self._places = {line[: line.index("\t")]: n for n, line in enumerate(self.lines)}
        return self._places

    def place(self, uid: str) -> int | None:
        """One event's index in the lines: a search of the map's text, quicker than
        indexing every UID when only a few are looked for."""
        if self._places is not None:
            return self._places.get(uid)
        if self._text is None:
            self._text = "\n" + "\n".join(self.lines)
        at = self._text.find(f"\n{uid}\t")
        return None if at < 0 else self._text.count("\n", 0, at + 1) - 1

    def spans(self) -> dict[str, tuple[int, int]]:
        """Each line's event in the file: its start and length."""
        if self._spans is None:
            starts = itertools.accumulate(self.lengths, initial=self.head)  # one too many
            spans = zip(starts, self.lengths, strict=False)
            self._spans = dict(zip(self.lines, spans, strict=True))
        return self._spans


# Maps read ahead of a publish, by path, with the file's identity when read.
READY: dict[Path, tuple[tuple[int, int, int], CopyMap]] = {}


def identity(path: Path) -> tuple[int, int, int] | None:
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
    path = map_path(folder, where)
    known = identity(path)
    found = load(path) if known is not None else None
    if found is not None and known is not None:
        found.spans()
        READY[path] = (known, found)


def map_path(folder: Path, where: str) -> Path:
    return folder / (hashlib.sha256(where.encode()).hexdigest()[:16] + ".map")


def uid_of(line: str) -> str:
    return line.split("\t", 1)[0]


def load(path: Path) -> CopyMap | None:
    ready = READY.pop(path, None)
    if ready is not None and ready[0] == identity(path):
        copy = identity(ready[1].file)
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
        found = CopyMap(
            file=path.parent / str(head["file"]),
            detail=str(head["detail"]),
            prefix=str(head["prefix"]),
            calendar=str(head["calendar"]),
            head=int(head["head"]),
            end=int(head["end"]),
            size=int(head["size"]),
            lines=lines,
            lengths=lengths,
            mark=int(head["mark"]) if head.get("mark") is not None else None,
            cutoff=str(head["cutoff"]) if head.get("cutoff") is not None else None,
            log=str(head["log"]) if head.get("log") is not None else None,
            _text="\n" + rest.removesuffix("\n"),
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


def save(path: Path, made: CopyMap) -> None:
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
        "mark": made.mark,
        "cutoff": made.cutoff,
        "log": made.log,
    }
    text = json.dumps(head, separators=(",", ":")) + "\n" + "".join(f"{x}\n" for x in made.lines)
    write_atomic(path, text.encode(), private=True)
