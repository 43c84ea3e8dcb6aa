"""The export format: the whole tracker as JSON, written and read one interview at a time."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any, TextIO

from afterview.errors import AfterviewError, TrackerError
from afterview.formats.eventcodec import decode_followup, parse_stamp, stamp_of
from afterview.formats.interviewfile import parse_interview
from afterview.formats.jsonstream import JSONStreamError, ObjectReader, TextSource
from afterview.tracker.records import HANDLED, NEXT_ROUND, STATUSES, Imported
from afterview.tracker.store import EventRow, InterviewRow, Store

EXPORT_FORMAT = "afterview-tracker"


EXPORT_VERSION = 1


def write_export(store: Store, out: TextIO, *, include_tokens: bool = False) -> None:
    """Write everything tracked to ``out`` as JSON, for a backup or a move to another machine.

    One interview at a time, in one read snapshot, so memory stays flat however many
    there are. The header (format, version, tokens) comes first, so an import knows
    what it reads before the first interview.
    """
    with store.read():
        out.write(f'{{\n  "format": {json.dumps(EXPORT_FORMAT)},\n  "version": {EXPORT_VERSION},\n')
        if include_tokens:
            tokens = [
                {"candidate": scope, "token": token}
                for scope, token in sorted(store.tokens(), key=lambda pair: pair[0] or "")
            ]
            out.write(f'  "tokens": {_indented(tokens)},\n')
        out.write('  "interviews": [')
        separator = "\n    "
        for row in store.interviews():
            out.write(separator + _indented(_interview_json(store, row), "    "))
            separator = ",\n    "
        out.write("]\n}\n" if separator == "\n    " else "\n  ]\n}\n")


def _indented(value: Any, prefix: str = "  ") -> str:
    """``value`` as JSON indented by two spaces a level, nested under ``prefix``."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n" + prefix)


def _interview_json(store: Store, row: InterviewRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "toml": row.toml,
        "created": row.created,
        "round_of": row.round_of,
        "outcome": row.outcome,
        "outcome_on": _iso(row.outcome_on),
        "decision": row.decision,
        "decision_on": _iso(row.decision_on),
        "timeline": row.timeline,
        "events": [_event_json(e) for e in store.events_of(row.id)],
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _event_json(event: EventRow) -> dict[str, Any]:
    return {
        "uid": event.uid,
        "step": event.step,
        "number": event.number,
        "label": event.label,
        "person": event.person,
        "date": event.date.isoformat(),
        "start": event.start,
        "status": event.status,
        "sequence": event.sequence,
        "changed": event.changed,
        "ended": _iso(event.ended),
        "pinned": _iso(event.pinned),
        "timeline": event.timeline,
        "cadence": event.cadence,
        "data": json.loads(event.data),
    }


def import_file(
    store: Store, source: TextSource, *, now: dt.datetime, where: str = "import"
) -> Imported:
    """Add the interviews of an export; ids already tracked are left alone (idempotent).

    The file is read one interview at a time (``jsonstream``), all in one transaction:
    a damaged file adds nothing. A later round comes after the round it follows, or
    waits in memory until the end of the file when it comes first.
    """
    reader = ObjectReader(source)
    header: dict[str, Any] = {}
    damaged: TrackerError | None = None  # the first damaged entry, reported after the header
    added: list[str] = []
    skipped: list[str] = []
    waiting: list[tuple[InterviewRow, list[EventRow]]] = []
    try:
        with store.write():
            known = store.interview_ids()

            def insert(row: InterviewRow, events: list[EventRow]) -> None:
                if row.id in known:
                    skipped.append(row.id)
                    return
                if row.round_of is not None and row.round_of not in known:
                    row = replace(row, round_of=None)
                store.insert_interview(row)
                store.put_events(events)
                known.add(row.id)
                added.append(row.id)

            for name in reader.names():
                if name != "interviews" or not reader.at_array():
                    header[name] = reader.value()
                    continue
                header[name] = []
                for index, item in enumerate(reader.items()):
                    if damaged is not None:
                        continue  # read on only to learn the header
                    try:
                        _check_header(header, where, complete=False)
                        row, events = _parse_exported(item, index, where)
                    except TrackerError as error:
                        damaged = error
                        continue
                    if row.round_of is None or row.round_of in known:
                        insert(row, events)
                    else:
                        waiting.append((row, events))
            _check_header(header, where, complete=True)
            if damaged is not None:
                raise damaged
            for row, events in _dependency_order(waiting):
                insert(row, events)
            for scope, token in _exported_tokens(header, where):
                if not store.has_token(scope):  # a token in use here wins: its links are out there
                    store.set_token(scope, token, stamp_of(now))
    except JSONStreamError as error:
        raise TrackerError(
            f"{where}: not JSON ({error}): give a tracker export", hint="afterview export"
        ) from None
    except UnicodeDecodeError as error:
        raise TrackerError(
            f"{where}: not UTF-8 text ({error.reason}): give a tracker export",
            hint="afterview export",
        ) from None
    return Imported(added=tuple(added), skipped=tuple(skipped))


def _exported_tokens(data: dict[str, Any], where: str) -> list[tuple[str | None, str]]:
    entries = data.get("tokens") or []
    found: list[tuple[str | None, str]] = []
    for entry in entries if isinstance(entries, list) else [entries]:
        scope = entry.get("candidate") if isinstance(entry, dict) else None
        token = entry.get("token") if isinstance(entry, dict) else None
        if not isinstance(token, str) or len(token) < 22 or not isinstance(scope, str | None):
            raise TrackerError(f"{where}: a damaged feed token entry: {entry!r}")
        found.append((scope, token))
    return found


def _check_header(header: dict[str, Any], where: str, *, complete: bool) -> None:
    """Refuse what is not an afterview export of this version, as soon as that is known.

    While the header is incomplete (``complete`` False), only what it already says is
    checked: an export written before the header came first has its version last.
    """
    if ("format" in header or complete) and header.get("format") != EXPORT_FORMAT:
        raise TrackerError(
            f"{where}: not an afterview export: give a tracker export", hint="afterview export"
        )
    if ("version" in header or complete) and header.get("version") != EXPORT_VERSION:
        raise TrackerError(
            f"{where}: export version {header.get('version')!r}, this afterview reads "
            f"version {EXPORT_VERSION}: upgrade afterview"
        )
    if complete and not isinstance(header.get("interviews"), list):
        raise TrackerError(f"{where}: 'interviews' must be a list")


def _parse_exported(item: Any, index: int, where: str) -> tuple[InterviewRow, list[EventRow]]:
    place = f"{where}: interview {index + 1}"
    try:
        interview = parse_interview(item["toml"], place)
        if interview.id != item["id"]:
            raise TrackerError(f"{place}: its id '{item['id']}' does not match its TOML")
        row = InterviewRow(
            id=str(item["id"]),
            toml=str(item["toml"]),
            company=interview.company,
            role=interview.role,
            candidate=interview.candidate,
            day=interview.day,
            created=str(item["created"]),
            round_of=item.get("round_of"),
            outcome=item.get("outcome"),
            outcome_on=_date(item.get("outcome_on")),
            decision=item.get("decision"),
            decision_on=_date(item.get("decision_on")),
            timeline=int(item.get("timeline", 0)),
            zone=interview.timezone,
        )
        events = [_parse_event(e, row.id) for e in item["events"]]
    except AfterviewError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise TrackerError(f"{place}: damaged entry ({type(error).__name__}: {error})") from None
    if row.outcome not in (*STATUSES, NEXT_ROUND, None):
        raise TrackerError(f"{place}: unknown outcome '{row.outcome}'")
    return row, events


def _date(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def _parse_event(item: dict[str, Any], interview_id: str) -> EventRow:
    text = json.dumps(item["data"], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    status = str(item["status"])
    if status not in ("planned", *HANDLED, "cancelled"):
        raise ValueError(f"unknown event status '{status}'")
    decode_followup(text)  # a damaged event fails here, not in the feed
    parse_stamp(str(item["changed"]))
    return EventRow(
        uid=str(item["uid"]),
        interview_id=interview_id,
        step=str(item["step"]),
        number=int(item["number"]),
        label=str(item["label"]),
        person=item.get("person"),
        date=dt.date.fromisoformat(item["date"]),
        start=item.get("start"),
        status=status,
        sequence=int(item["sequence"]),
        changed=str(item["changed"]),
        data=text,
        ended=_date(item.get("ended")),
        pinned=_date(item.get("pinned")),
        timeline=int(item.get("timeline", 0)),
        cadence=bool(item.get("cadence", False)),
    )


def _dependency_order(
    parsed: list[tuple[InterviewRow, list[EventRow]]],
) -> list[tuple[InterviewRow, list[EventRow]]]:
    """Earlier rounds before later ones, so each round_of finds its interview."""
    pending = list(parsed)
    done_ids: set[str] = set()
    ids = {row.id for row, _ in parsed}
    order: list[tuple[InterviewRow, list[EventRow]]] = []
    while pending:
        ready = [
            p for p in pending if p[0].round_of not in ids or p[0].round_of in done_ids
        ] or pending[:1]  # a cycle (a damaged file): take them in file order
        for item in ready:
            order.append(item)
            done_ids.add(item[0].id)
            pending.remove(item)
    return order
