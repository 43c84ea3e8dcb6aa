"""Business days of an employer's country and region, minus the user's days off.

The only module that imports the ``holidays`` library. Each calendar caches the
holidays of the years it has been asked about, so date arithmetic stays cheap
when a plan or a feed asks thousands of questions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta

from .errors import PlaceError, close_matches

ONE_DAY = dt.timedelta(days=1)
# No realistic calendar has this many non-working days in a row; a longer run
# means the inputs are broken, and we stop instead of looping forever.
_MAX_GAP = 400


@cache
def _countries() -> dict[str, str]:
    """ISO code -> English country name, for every country the holidays library knows."""
    from holidays.registry import COUNTRIES

    # The registry names countries by class name ("UnitedKingdom"); spell them out.
    return {entry[1]: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0]) for entry in COUNTRIES.values()}


@lru_cache(maxsize=64)
def _holidays_for(country: str, subdivision: str | None) -> Any:
    """The holidays library's calendar; it fills in each year the first time it is asked."""
    import holidays

    return holidays.country_holidays(country, subdiv=subdivision)


def _suggest(word: str, options: Iterable[str]) -> list[str]:
    choices = list(options)
    return close_matches(word.upper(), choices, n=3, cutoff=0.5)


def check_country(country: str) -> str:
    """The country code in upper case, or a PlaceError that suggests close ones."""
    code = country.strip().upper()
    known = _countries()
    if code in known:
        return code
    aliases = {"UK": "GB", "EN": "GB", "ENGLAND": "GB", "USA": "US", "UAE": "AE", "KSA": "SA"}
    hints = [aliases[code]] if code in aliases else _suggest(code, known)
    by_name = [c for c, name in known.items() if name.lower() == country.strip().lower()]
    hints = by_name + [h for h in hints if h not in by_name]
    hint = ", ".join(f"'{h}' ({known[h]})" for h in hints[:3])
    tip = (
        f"did you mean {hint}?" if hint else "use an ISO 3166 two-letter code such as US, GB or DE."
    )
    raise PlaceError(f"unknown country '{country}': {tip}")


def check_subdivision(country: str, subdivision: str | None) -> str | None:
    """The subdivision code as the holidays library spells it, or a PlaceError."""
    if subdivision is None or not subdivision.strip():
        return None
    entity = _holidays_for(country, None)
    codes = [str(code) for code in entity.subdivisions]
    aliases: dict[str, str] = {
        str(k).upper(): str(v) for k, v in getattr(entity, "subdivisions_aliases", {}).items()
    }
    wanted = subdivision.strip().upper()
    for code in codes:
        if code.upper() == wanted:
            return code
    if wanted in aliases:
        return aliases[wanted]
    if not codes:
        raise PlaceError(
            f"country '{country}' has no subdivisions in the holiday calendar: remove "
            f"'subdivision = \"{subdivision}\"'"
        )
    close = _suggest(wanted, [c.upper() for c in codes])
    hint = f"did you mean {', '.join(close)}? " if close else ""
    shown = ", ".join(codes[:12]) + (", ..." if len(codes) > 12 else "")
    raise PlaceError(
        f"unknown subdivision '{subdivision}' for {country}: {hint}known codes are {shown}"
    )


class BusinessCalendar:
    """Working days of one employer, as seen by one user.

    A day is a business day when the holidays library counts it as a working day
    for the country and subdivision (its weekend, its public holidays, its
    make-up working days) and the user has not blacked it out.
    """

    def __init__(
        self, country: str, subdivision: str | None = None, blackout: Iterable[dt.date] = ()
    ) -> None:
        self.country = country
        self.subdivision = subdivision
        self.blackout = frozenset(blackout)
        self._entity = _holidays_for(country, subdivision)
        self._working: dict[dt.date, bool] = {}

    def employer(self) -> BusinessCalendar:
        """The same calendar without the user's blackout dates."""
        if not self.blackout:
            return self
        return BusinessCalendar(self.country, self.subdivision)

    def holiday_name(self, day: dt.date) -> str | None:
        """The public holiday on ``day``, if any."""
        name = self._entity.get(day)
        return str(name) if name else None

    def is_weekend(self, day: dt.date) -> bool:
        """Whether ``day`` is a weekend day of the country (make-up working days are not)."""
        return bool(self._entity.is_weekend(day)) and day not in self._entity.weekend_workdays

    def is_business_day(self, day: dt.date) -> bool:
        """Whether the employer works on ``day`` and the user has not blacked it out."""
        known = self._working.get(day)
        if known is None:
            known = day not in self.blackout and bool(self._entity.is_working_day(day))
            self._working[day] = known
        return known

    def why_not(self, day: dt.date) -> str | None:
        """Why ``day`` is not a business day ("weekend", a holiday's name, "your day off")."""
        if self.is_business_day(day):
            return None
        if day in self.blackout:
            return "your day off"
        name = self.holiday_name(day)
        if name and day not in self._entity.weekend_workdays:
            return name
        return "weekend"

    def roll(self, day: dt.date) -> dt.date:
        """``day`` when it is a business day, else the next business day."""
        for _ in range(_MAX_GAP):
            if self.is_business_day(day):
                return day
            day += ONE_DAY
        raise PlaceError(f"no business day within {_MAX_GAP} days of {day.isoformat()}")

    def bd(self, day: dt.date, n: int) -> dt.date:
        """The n-th business day strictly after ``day`` (n >= 1)."""
        if n < 1:
            raise ValueError("bd() counts at least one business day")
        for _ in range(n):
            day = self.roll(day + ONE_DAY)
        return day

    def skipped(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
        """The non-business days strictly after ``start`` and before ``end``, with reasons."""
        days: list[tuple[dt.date, str]] = []
        day = start + ONE_DAY
        while day < end:
            reason = self.why_not(day)
            if reason is not None:
                days.append((day, reason))
            day += ONE_DAY
        return days

    def weekend_days(self, day: dt.date) -> frozenset[int]:
        """The weekday numbers (Monday 0) of the country's weekend around ``day``."""
        return frozenset(int(w) for w in self._entity._get_weekend(day))

    def week_end(self, day: dt.date) -> dt.date:
        """The last day of the country's weekend on or after ``day``.

        Sunday for a Saturday-Sunday weekend, Saturday for a Friday-Saturday one.
        """
        weekend = self.weekend_days(day) or frozenset({6})
        last = next(w for w in sorted(weekend) if (w + 1) % 7 not in weekend)
        return day + dt.timedelta(days=(last - day.weekday()) % 7)

    def last_business_day(self, on_or_before: dt.date, floor: dt.date) -> dt.date:
        """The last business day on or before a date, but never earlier than ``floor``."""
        day = on_or_before
        while day > floor and not self.is_business_day(day):
            day -= ONE_DAY
        return max(day, floor)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months; 31 Jan plus one month is the last day of February."""
    later: dt.date = day + relativedelta(months=months)
    return later


def open_calendar(
    country: str, subdivision: str | None = None, blackout: Iterable[dt.date] = ()
) -> BusinessCalendar:
    """A business-day calendar, after checking the country and subdivision exist."""
    code = check_country(country)
    return BusinessCalendar(code, check_subdivision(code, subdivision), blackout)
