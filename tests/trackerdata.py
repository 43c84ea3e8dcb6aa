"""What the tests read back from a tracker, through the same calls the commands use."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from afterview.tracker import backup
from afterview.tracker.records import Action, Imported, action_of, get_row
from afterview.tracker.store import Store


def stored_actions(store: Store, interview_id: str) -> list[Action]:
    """Every event of one interview, whatever its status, in date order."""
    with store.read():
        row = get_row(store, interview_id)
        return [action_of(e, row) for e in store.events_of(row.id)]


def export_text(store: Store, *, include_tokens: bool = False) -> str:
    """The export as ``afterview export`` writes it."""
    out = io.StringIO()
    backup.write_export(store, out, include_tokens=include_tokens)
    return out.getvalue()


def export_data(store: Store) -> dict[str, Any]:
    """The export, parsed."""
    data: dict[str, Any] = json.loads(export_text(store))
    return data


def import_text(store: Store, source: str | dict[str, Any], *, now: dt.datetime) -> Imported:
    """Import an export's text (or its data) as ``afterview import`` reads a file."""
    text = source if isinstance(source, str) else json.dumps(source)
    return backup.import_file(store, io.StringIO(text), now=now, where="import")
