"""The same calendar read by three independent parsers, as comparable plain values.

icalendar (what afterview writes with), the strict ``ical`` package (pydantic models,
used by Home Assistant) and ical.js (Thunderbird's parser, run by Node on
conformance/parse.mjs). Each reader returns ``Seen`` values in one notation, so the
tests can compare them field by field.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

ROOT = Path(__file__).resolve().parents[2]
PARSE_MJS = ROOT / "conformance" / "parse.mjs"
ICALJS = ROOT / "conformance" / "node_modules" / "ical.js"
NODE_TIMEOUT = 120  # seconds, for every file at once

Key = tuple[str, str, str]  # (UID, start, step)


@dataclass(frozen=True)
class Seen:
    """One VEVENT as one parser read it; times as ``2026-11-27`` or ``2026-11-25T21:00:00Z``."""

    uid: str
    start: str
    end: str | None
    steps: tuple[str, ...]
    summary: str
    description: str
    status: str
    sequence: int | None
    dtstamp: bool | None  # None: the parser cannot tell (``ical`` invents a missing one)

    @property
    def key(self) -> Key:
        """(UID, date or UTC time, step): what must be the same in every parser."""
        return (self.uid, self.start, ",".join(self.steps))

    @property
    def all_day(self) -> bool:
        return len(self.start) == len("2026-11-27")

    def text(self) -> tuple[str | None, ...]:
        """What a user sees of the event, beside its key."""
        return (self.end, self.summary, self.description, self.status, str(self.sequence))


def moment(value: dt.date | None) -> str:
    """A DATE as ISO; a DATE-TIME as a UTC instant; a floating time marked as such."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    if value.tzinfo is None:
        return f"floating {value.isoformat()}"
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def by_icalendar(data: bytes) -> list[Seen]:
    """The VEVENTs as icalendar reads them."""
    seen = []
    events: list[Any] = Calendar.from_ical(data).walk("VEVENT")  # typed loosely upstream
    for event in events:
        sequence = event.get("SEQUENCE")
        seen.append(
            Seen(
                uid=str(event.get("UID", "")),
                start=moment(event.decoded("DTSTART")) if "DTSTART" in event else "",
                end=moment(event.decoded("DTEND")) if "DTEND" in event else None,
                steps=tuple(str(c) for c in event.categories),
                summary=str(event.get("SUMMARY", "")),
                description=str(event.get("DESCRIPTION", "")),
                status=str(event.get("STATUS", "")),
                sequence=None if sequence is None else int(sequence),
                dtstamp="DTSTAMP" in event,
            )
        )
    return seen


def by_ical(data: bytes) -> list[Seen]:
    """The VEVENTs as the strict ``ical`` package reads them (it raises on what it refuses)."""
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return [
        Seen(
            uid=event.uid,
            start=moment(event.dtstart),
            end=moment(event.dtend) if event.dtend is not None else None,
            steps=tuple(event.categories),
            summary=event.summary or "",
            description=event.description or "",
            status=event.status.value if event.status is not None else "",
            sequence=event.sequence,
            dtstamp=None,
        )
        for event in calendar.events
    ]


def by_icaljs(result: dict[str, Any]) -> list[Seen]:
    """The VEVENTs of one file as conformance/parse.mjs reported them."""
    if "error" in result:
        raise AssertionError(f"ical.js refused {result['path']}: {result['error']}")
    return [
        Seen(
            uid=event["uid"] or "",
            start=_js_moment(event["start"]),
            end=_js_moment(event["end"]) if event["end"] is not None else None,
            steps=tuple(event["steps"]),
            summary=event["summary"] or "",
            description=event["description"] or "",
            status=event["status"] or "",
            sequence=event["sequence"],
            dtstamp=event["dtstamp"],
        )
        for event in result["events"]
    ]


def _js_moment(value: dict[str, str] | None) -> str:
    if value is None:
        return ""
    if "floating" in value:
        return f"floating {value['floating']}"
    return value.get("date") or value["datetime"]


def run_icaljs(paths: Sequence[Path]) -> dict[Path, dict[str, Any]]:
    """Parse every file with ical.js in one Node process: its report for each path."""
    node = shutil.which("node")
    if node is None:
        raise AssertionError("node is not on PATH: make conformance needs Node and npm")
    if not ICALJS.is_dir():
        raise AssertionError(
            "ical.js is not installed: run `make conformance` "
            "(or `npm ci --prefix conformance`) first"
        )
    done = subprocess.run(
        [node, str(PARSE_MJS), *(str(path) for path in paths)],
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return {Path(result["path"]): result for result in results}
