"""Helpers for tests that state dates from a real calendar."""

from __future__ import annotations

import datetime as dt

from afterview.core.businessdays import BusinessCalendar, open_calendar


def day(text: str) -> dt.date:
    """``"Fri 2026-11-27"`` -> that date; the weekday guards the test data against typos."""
    weekday, iso = text.split()
    value = dt.date.fromisoformat(iso)
    if f"{value:%a}" != weekday:
        raise ValueError(f"{iso} is a {value:%a}, not a {weekday}")
    return value


def place(where: str, blackout: tuple[dt.date, ...] = ()) -> BusinessCalendar:
    """``"GB-ENG"`` or ``"US"`` -> that place's calendar."""
    country, _, subdivision = where.partition("-")
    return open_calendar(country, subdivision or None, blackout=blackout)
