"""Business days of an employer's country and region, minus the user's days off.

The only module that imports the ``holidays`` library. What it says about each
country, region and year (a flag per day for the working days, the holidays' names,
the make-up working days, the weekend) is asked once and kept: for the process, as a
sorted list of day numbers so that ``bd()`` and ``roll()`` are a binary search, and
on disk (``calendarcache``), so that a command whose places and years were seen
before does not load the library at all. The user's blackout dates and the customary
closures are taken out per calendar."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from bisect import bisect_left
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from afterview.core import calendarcache, closures, dates
from afterview.core.calendarcache import Regions, Year
from afterview.core.closures import CLOSURES
from afterview.core.dates import easter_sunday
from afterview.errors import PlaceError, close_matches

# The answers kept on disk are worked out here, from the closures' table and dates.
calendarcache.asked_by(__file__, closures.__file__, dates.__file__)

ONE_DAY = dt.timedelta(days=1)


# No realistic calendar has this many non-working days in a row; a longer run
# means the inputs are broken, and we stop instead of looping forever.
_MAX_GAP = 400


@cache
def _countries() -> dict[str, str]:
    """ISO code -> English country name, for every country the holidays library knows."""
    return calendarcache.countries(_countries_asked)


def _countries_asked() -> dict[str, str]:
    from holidays.registry import COUNTRIES

    # The registry names countries by class name ("UnitedKingdom"); spell them out.
    return {entry[1]: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0]) for entry in COUNTRIES.values()}


@lru_cache(maxsize=64)
def _holidays_for(country: str, subdivision: str | None) -> Any:
    """The holidays library's calendar; it fills in each year the first time it is asked."""
    import holidays

    # Without a language the library picks one from the locale, and for any locale it
    # has no translation for (en_GB among them) names holidays in the country's own
    # language: reasons would read "skipping 元日" and "after Christmas" would find
    # nothing in Germany. afterview speaks English, and every country the library
    # knows has its names in English (as originals or as a translation).
    return holidays.country_holidays(country, subdiv=subdivision, language="en_US")


@lru_cache(maxsize=64)
def _place(country: str, subdivision: str | None) -> calendarcache.Place:
    return calendarcache.Place(country if subdivision is None else f"{country}-{subdivision}")


@lru_cache(maxsize=1024)
def _employer_year(country: str, subdivision: str | None, year: int) -> Year:
    """The employer's calendar of one year: kept from an earlier run, or asked now."""
    return _place(country, subdivision).year(year, lambda: _asked(country, subdivision, year))


def _asked(country: str, subdivision: str | None, year: int) -> Year:
    """What the holidays library says about every day of one year."""
    entity = _holidays_for(country, subdivision)
    start = dt.date(year, 1, 1)
    # Asking about a date fills in the year's holidays and make-up working days; a
    # weekend day alone would not, so ask before the first day is judged. The library
    # warns (with its file path) about years it lacks data for: that becomes a gap
    # the plan reports in its own words.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _ = start in entity
        first = start.toordinal()
        days = [dt.date.fromordinal(o) for o in range(first, dt.date(year, 12, 31).toordinal() + 1)]
        flags = bytes(1 if entity.is_working_day(day) else 0 for day in days)
        names = {d.toordinal(): str(entity.get(d)) for d in entity if d.year == year}
        make_up = frozenset(d.toordinal() for d in entity.weekend_workdays if d.year == year)
        weekends: list[tuple[int, frozenset[int]]] = []
        for day in days:
            weekend = frozenset(int(w) for w in entity._get_weekend(day))
            if not weekends or weekends[-1][1] != weekend:
                weekends.append((day.toordinal(), weekend))
    working = tuple(first + k for k in range(len(days)) if flags[k])
    end_year = getattr(entity, "end_year", None)
    start_year = getattr(entity, "start_year", None)
    outside = (end_year is not None and year > end_year) or (
        start_year is not None and year < start_year
    )
    lunar = None
    if any(closure.kind == "lunar-new-year" for closure in CLOSURES.get(country, ())):
        new_year = _lunar_new_year(year)
        lunar = new_year.toordinal() if new_year is not None else None
    gap = bool(caught) or outside or _unpublished(entity, year)
    return Year(first, flags, working, gap, names, make_up, tuple(weekends), lunar)


def _regions(country: str) -> Regions:
    """The country's regions: kept from an earlier run, or asked now."""
    return _place(country, None).regions(lambda: _regions_asked(country))


def _regions_asked(country: str) -> Regions:
    entity = _holidays_for(country, None)
    aliases = getattr(entity, "subdivisions_aliases", {})
    named: dict[str, list[str]] = getattr(entity, "get_subdivision_aliases", dict)()
    return Regions(
        [str(code) for code in entity.subdivisions],
        {str(k).upper(): str(v) for k, v in aliases.items()},
        {str(k): [str(n) for n in v] for k, v in named.items()},
    )


# Countries that set each year's holidays and make-up days by decree, published
# late in the year before: the library knows only the years already announced.
_ANNUAL_SCHEDULES = frozenset({"CN"})


def _unpublished(entity: Any, year: int) -> bool:
    """Whether ``year`` lies past the last announced schedule of such a country."""
    if getattr(entity, "country", None) not in _ANNUAL_SCHEDULES:
        return False
    announced = getattr(entity, "special_public_holidays", None) or {}
    return bool(announced) and year > max(announced)


@lru_cache(maxsize=1024)
def _closure_days(country: str, subdivision: str | None, year: int) -> dict[int, str]:
    """The customary closures of ``year``: ordinal -> the closure's name."""
    days: dict[int, str] = {}
    for closure in CLOSURES.get(country, ()):
        found: list[dt.date] = []
        if closure.kind == "fixed":
            (m1, d1), (m2, d2) = closure.first, closure.last
            begin, end = dt.date(year, m1, d1), dt.date(year, m2, d2)
            if end < begin:  # wraps over the new year: this year's start and end of it
                found += _span(dt.date(year, 1, 1), end) + _span(begin, dt.date(year, 12, 31))
            else:
                found += _span(begin, end)
        elif closure.kind == "easter":
            found += [easter_sunday(year) + dt.timedelta(days=k) for k in closure.offsets]
        elif closure.kind == "lunar-new-year":
            known = _employer_year(country, subdivision, year)
            if known.lunar_new_year is not None:
                new_year = dt.date.fromordinal(known.lunar_new_year)
                last = new_year + dt.timedelta(days=closure.length - 1)
                # The week's make-up working days stay working days.
                found += [d for d in _span(new_year, last) if d.toordinal() not in known.make_up]
        for day in found:
            days.setdefault(day.toordinal(), closure.name)
    return days


@cache
def _lunar_new_year(year: int) -> dt.date | None:
    """The first day of the Chinese lunar year that starts in ``year`` (1901 to 2100)."""
    # The holidays library's own table of lunar dates, the one its Chinese, Korean and
    # Vietnamese calendars use; it has no public name for it.
    from holidays.calendars.chinese import _ChineseLunisolar

    found: dt.date | None = _ChineseLunisolar().lunar_new_year_date(year)[0]
    return found


def _span(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


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


@lru_cache(maxsize=256)
def check_subdivision(country: str, subdivision: str | None) -> str | None:
    """The subdivision code as the holidays library spells it, or a PlaceError."""
    if subdivision is None or not subdivision.strip():
        return None
    codes, aliases, _names = _regions(country)
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
        self,
        country: str,
        subdivision: str | None = None,
        blackout: Iterable[dt.date] = (),
        workdays: Iterable[dt.date] = (),
        closures: bool = True,
    ) -> None:
        self.country = country
        self.subdivision = subdivision
        self.blackout = frozenset(blackout)
        self.workdays = frozenset(workdays)
        self.closures = closures
        self._off = frozenset(d.toordinal() for d in self.blackout)
        self._on = frozenset(d.toordinal() for d in self.workdays)
        self._years: dict[int, Year] = {}

    def _closed(self, year: int) -> dict[int, str]:
        return _closure_days(self.country, self.subdivision, year) if self.closures else {}

    def _year(self, year: int) -> Year:
        """The year's working days for this calendar: the employer's, with the user's changes.

        Customary closures are taken out, the user's own working days put back, and
        the user's blackout dates taken out last.
        """
        found = self._years.get(year)
        if found is None:
            found = _employer_year(self.country, self.subdivision, year)
            end = found.first + len(found.flags)
            closed = [o for o in self._closed(year) if o not in self._on]
            on = [o for o in self._on if found.first <= o < end]
            off = [o for o in self._off if found.first <= o < end]
            if closed or on or off:
                flags = bytearray(found.flags)
                for o in closed:
                    flags[o - found.first] = 0
                for o in on:
                    flags[o - found.first] = 1
                for o in off:
                    flags[o - found.first] = 0
                working = tuple(found.first + k for k in range(len(flags)) if flags[k])
                found = found._replace(flags=bytes(flags), working=working)
            self._years[year] = found
        return found

    def data_gaps(self, first: dt.date, last: dt.date) -> list[int]:
        """The years from ``first`` to ``last`` the holidays library has no full data for."""
        return [y for y in range(first.year, last.year + 1) if self._year(y).gap]

    def closure_name(self, day: dt.date) -> str | None:
        """The customary closure on ``day`` (when closures count), if any."""
        if day in self.workdays:
            return None
        return self._closed(day.year).get(day.toordinal())

    def _next_working(self, day: dt.date) -> tuple[int, Year, int]:
        """The first business day on or after ``day``: (ordinal, its year, index in it).

        Gives up as the day-by-day walk did: after _MAX_GAP days without one.
        """
        start = day.toordinal()
        year = day.year
        while True:
            data = self._year(year)
            index = bisect_left(data.working, start if year == day.year else data.first)
            if index < len(data.working):
                found = data.working[index]
                if found - start >= _MAX_GAP:
                    break
                return found, data, index
            following = data.first + len(data.flags)
            if following - start >= _MAX_GAP:
                break
            if year >= dt.MAXYEAR:
                raise OverflowError("date value out of range")
            year += 1
        last = start + _MAX_GAP
        if last > dt.date.max.toordinal():
            raise OverflowError("date value out of range")  # as walking past 9999 would
        raise PlaceError(
            f"no business day within {_MAX_GAP} days of {dt.date.fromordinal(last).isoformat()}"
        )

    def employer(self) -> BusinessCalendar:
        """The same calendar without the user's blackout dates."""
        if not self.blackout:
            return self
        return BusinessCalendar(self.country, self.subdivision, (), self.workdays, self.closures)

    def holiday_name(self, day: dt.date) -> str | None:
        """The public holiday on ``day``, if any."""
        return self._year(day.year).names.get(day.toordinal())

    def country_name(self) -> str:
        """The country's English name ("United Kingdom")."""
        return _countries().get(self.country, self.country)

    def place_name(self) -> str:
        """The region's name when there is one ("Scotland"), else the country's."""
        if self.subdivision:
            named = _regions(self.country).names
            names = named.get(self.subdivision) or []
            if names:
                return str(names[0])
            return f"{_countries().get(self.country, self.country)} ({self.subdivision})"
        return _countries().get(self.country, self.country)

    def day_off(self, day: dt.date) -> str:
        """Why ``day`` is not a business day, in a clause for a sentence, or "".

        "Saint Andrew's Day, a public holiday in Scotland", "a weekend day in
        Brunei", "one of your days off".
        """
        why = self.why_not(day)
        if why is None:
            return ""
        if why == "your day off":
            return "one of your days off"
        if why == "weekend":
            return f"a weekend day in {self.place_name()}"
        if why == self.closure_name(day):
            return why
        return f"{why}, a public holiday in {self.place_name()}"

    def find_holiday(self, wanted: str, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
        """Public holidays from ``start`` to ``end`` whose name is ``wanted`` (or it + " Day").

        The first of each matching name, in date order.
        """
        key = wanted.lower().strip().replace("saint ", "st ").replace("'s", "s")
        found: dict[str, dt.date] = {}
        first, last = start.toordinal(), end.toordinal()
        for year in range(start.year, end.year + 1):
            for ordinal, names in sorted(self._year(year).names.items()):
                if not first <= ordinal <= last:
                    continue
                for name in names.split("; "):
                    simple = name.lower().replace("saint ", "st ").replace("'s", "s")
                    if simple in (key, f"{key} day") and name not in found:
                        found[name] = dt.date.fromordinal(ordinal)
        return sorted(((d, n) for n, d in found.items()), key=lambda pair: pair[0])

    def make_up_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Weekend days from ``start`` to ``end`` that the country works (make-up days)."""
        found = []
        day = start
        while day <= end:
            if self.is_business_day(day) and day.toordinal() in self._year(day.year).make_up:
                found.append(day)
            day += ONE_DAY
        return found

    def is_weekend(self, day: dt.date) -> bool:
        """Whether ``day`` is a weekend day of the country (make-up working days are not)."""
        data, ordinal = self._year(day.year), day.toordinal()
        return day.weekday() in data.weekend(ordinal) and ordinal not in data.make_up

    def is_business_day(self, day: dt.date) -> bool:
        """Whether the employer works on ``day`` and the user has not blacked it out."""
        data = self._year(day.year)
        return data.flags[day.toordinal() - data.first] == 1

    def why_not(self, day: dt.date) -> str | None:
        """Why ``day`` is not a business day ("weekend", a holiday's name, "your day off")."""
        if self.is_business_day(day):
            return None
        if day in self.blackout:
            return "your day off"
        name = self.holiday_name(day)
        if name and day.toordinal() not in self._year(day.year).make_up:
            return name
        closed = self.closure_name(day)
        if closed:
            return closed
        return "weekend"

    def roll(self, day: dt.date) -> dt.date:
        """``day`` when it is a business day, else the next business day."""
        found, _data, _index = self._next_working(day)
        return day if found == day.toordinal() else dt.date.fromordinal(found)

    def bd(self, day: dt.date, n: int) -> dt.date:
        """The n-th business day strictly after ``day`` (n >= 1)."""
        if n < 1:
            raise ValueError("bd() counts at least one business day")
        found, data, index = self._next_working(day + ONE_DAY)
        left = n - 1
        while index + left >= len(data.working):
            # The answer is in a later year: carry on from the last working day of this one.
            left -= len(data.working) - 1 - index
            last = data.working[-1]
            found, data, index = self._next_working(dt.date.fromordinal(last) + ONE_DAY)
            left -= 1
        if left:
            found = data.working[index + left]
        return dt.date.fromordinal(found)

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
        return self._year(day.year).weekend(day.toordinal())

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


def open_calendar(
    country: str,
    subdivision: str | None = None,
    blackout: Iterable[dt.date] = (),
    workdays: Iterable[dt.date] = (),
    closures: bool = True,
) -> BusinessCalendar:
    """A business-day calendar, after checking the country and subdivision exist."""
    code = check_country(country)
    sub = check_subdivision(code, subdivision)
    return BusinessCalendar(code, sub, blackout, workdays, closures)
