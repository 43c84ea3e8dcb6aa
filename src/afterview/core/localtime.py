"""Local times that the clock skips or shows twice when daylight saving time changes."""

from __future__ import annotations

import datetime as dt
import zoneinfo


def clock_problem(moment: dt.datetime, zone_name: str) -> str | None:
    """Whether the naive local ``moment`` does not exist ("skipped") or happens twice ("twice").

    None for an ordinary time, or a zone the time-zone data does not know.
    """
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
    first = moment.replace(tzinfo=zone, fold=0)
    second = moment.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    back = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    return "skipped" if back != moment else "twice"
