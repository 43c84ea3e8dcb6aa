"""Date arithmetic the calendar needs: whole months, and the dates of a recurrence rule.

The one home of python-dateutil.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months; 31 Jan plus one month is the last day of February."""
    later: dt.date = day + relativedelta(months=months)
    return later


def easter_sunday(year: int) -> dt.date:
    """Western Easter Sunday of ``year``."""
    from dateutil.easter import easter

    day: dt.date = easter(year)
    return day


def expand_series(
    rules: list[str],
    start: dt.datetime,
    more: list[dt.datetime],
    less: list[dt.datetime],
    limit: int,
) -> list[dt.datetime]:
    """The first ``limit`` meetings of a recurring series (RRULE texts, RDATE, EXDATE).

    Starts at ``start``, which counts as the first meeting; a rule that cannot be
    read gives the first meeting alone.
    """
    from dateutil.rrule import rruleset, rrulestr

    series = rruleset()
    try:
        for rule in rules:
            series.rrule(rrulestr(rule, dtstart=start))  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return [start]
    series.rdate(start)
    for moment in more:
        series.rdate(moment)
    for moment in less:
        series.exdate(moment)
    found: list[dt.datetime] = []
    for moment in series:
        found.append(moment)
        if len(found) == limit:
            break
    return found
