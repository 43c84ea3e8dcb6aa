"""What the interviewer said about the decision ("by Friday", "two weeks") as a date.

The phrase is resolved against the interview day I with the employer's business
days. Anything outside the documented forms, or open to two readings, is refused:
afterview never guesses. A phrase naming a range ("a week or two", "3-5 business
days", "early next week") is read at its far end, so a check-in never comes
before the time they gave has run out.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re

from afterview.core.businessdays import BusinessCalendar
from afterview.core.dates import add_months
from afterview.errors import TimelineError
from afterview.model import Decision, short_date

FORMS = (
    "a date ({iso}, {short}, {long})",
    "a weekday (by Friday, this Friday)",
    "tomorrow",
    "end of the week",
    "next week / early next week",
    "in N days / within 48 hours",
    "a few days",
    "N business days / 3-5 business days",
    "two weeks / a week or two / a couple of weeks",
    "end of the month / mid December",
    "a month / N months",
    "before or after a public holiday (after Thanksgiving)",
    "no timeline",
)

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple of": 2,
    "a couple of": 2,
    "couple": 2,
    "a couple": 2,
}
# The last year a written date may have, as in the interview file.
LAST_YEAR = 2099
# A date written without a year further ahead than this is more likely a slip
# (or next year's date said far ahead) than a plan: ask for the year.
YEARLESS_HORIZON = dt.timedelta(days=92)
_LIMITS = {"day": 365, "business day": 365, "week": 52, "month": 12, "hour": 720}

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_WEEKDAYS.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})
_WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9

# Countries whose short numeric dates put the month first (12/4 is 4 December).
# Year-first countries write short dates month/day too. Countries that use both
# orders (Canada) are left out: there 12/4 is ambiguous and refused.
MONTH_FIRST = frozenset(
    {"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "UM", "VI"}
    | {"CN", "JP", "KR", "TW", "MN", "HU", "LT"}
)
BOTH_ORDERS = frozenset({"CA"})

_UNKNOWN = {"", "nothing", "no timeline", "not sure"}
_FEW_DAYS = {"a few days", "few days", "a couple of days", "couple of days", "a couple days"}
_WEEK = r"(?:(?:the )?end of (?:the |this )?week|this week|end of week|eow|late this week)"
_THIS_WEEK = re.compile(rf"^{_WEEK}$")
_NEXT_WEEK = re.compile(r"^(?:(?:the )?end of next week|next week|late next week)$")
_EARLY_NEXT_WEEK = re.compile(r"^(?:early|mid|the middle of) next week$")
_MONTH_END = r"(?:(?:the )?end of (?:the |this )?month|end of month|this month|late this month)"
_END_OF_MONTH = re.compile(rf"^{_MONTH_END}$")
_END_OF_NEXT_MONTH = re.compile(r"^(?:(?:the )?end of next month|next month)$")
_PART_OF_MONTH = re.compile(
    r"^(?:(?P<part>early|mid|late|the middle of|the end of|end of)[ -])(?P<m>[a-z]+)\.?$"
)
_END_OF_DAY = re.compile(
    r"^(?:the )?(?:end of (?:the )?day|close of business|eod|cob)(?: (?P<rest>.+))?$"
)

_NUMBER = r"\d+|[a-z]+|a couple of|couple of|a couple"
_UNIT = r"business days?|working days?|days?|weeks?|months?|hours?"
_COUNT = re.compile(rf"^(?P<n>{_NUMBER}) (?P<unit>{_UNIT})$")
_RANGE = re.compile(
    rf"^(?P<a>{_NUMBER})(?: (?P<unit_a>{_UNIT}))? ?(?:-|to|or|–) ?"
    rf"(?P<n>{_NUMBER}) (?P<unit>{_UNIT})$"
)
_RANGE_TAIL = re.compile(rf"^(?P<a>{_NUMBER}) (?P<unit>{_UNIT}) or (?P<n>{_NUMBER})$")
_ORD = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_MONTH = r"(?P<m>[a-z]+)\.?"
_YEAR = r"(?:,? (?P<y>\d{4}))?"
_DAY_MONTH = re.compile(rf"^{_ORD} (?:of )?{_MONTH}{_YEAR}$")
_MONTH_DAY = re.compile(rf"^{_MONTH} {_ORD}{_YEAR}$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})[/.](?P<b>\d{1,2})(?:[/.](?P<y>\d{4}))?$")
_HOLIDAY = re.compile(r"^(?P<when>before|after) (?:the )?(?P<name>[a-z' ]+)$")


def _refuse(phrase: str, day: dt.date, why: str = "") -> TimelineError:
    reason = f"{why}; " if why else ""
    return TimelineError(f"cannot read the timeline '{phrase}': {reason}write one of: {forms(day)}")


def forms(day: dt.date) -> str:
    """The accepted forms, with example dates a week after the interview on ``day``."""
    later = day + dt.timedelta(days=7)
    examples = {"iso": later.isoformat(), "short": _example(day), "long": f"{later.day} {later:%B}"}
    return "; ".join(form.format(**examples) for form in FORMS)


def _example(day: dt.date) -> str:
    """A date a week after the interview, in the form a user would type."""
    later = day + dt.timedelta(days=7)
    return f"{later:%b} {later.day}"


def normalize(phrase: str) -> str:
    """Lower case, single spaces, no final full stop, no leading "by", "in" or "within"."""
    text = " ".join(phrase.lower().split()).rstrip(".").strip()
    return re.sub(r"^(?:by|in|within)\s+", "", text)


def resolve(
    phrase: str | None, day: dt.date, cal: BusinessCalendar, end: dt.datetime | None = None
) -> Decision:
    """S for ``phrase`` said on interview day ``day``: a Decision, or a TimelineError.

    ``end`` is when the interview ended, for phrases counted in hours.
    """
    if phrase is None:
        return Decision(None, None)
    shown = " ".join(phrase.split()).rstrip(".")
    spoken = " ".join(phrase.lower().split()).rstrip(".").strip()
    if spoken.startswith(("before ", "after ")):
        holiday = _holiday(spoken, shown, day, cal.employer())
        return _checked(shown, holiday[0], day, holiday[1])
    text = normalize(phrase)
    if text in _UNKNOWN:
        return Decision(shown or None, None)
    if text in _FEW_DAYS:
        return Decision(shown, day + dt.timedelta(days=3), few_days=True)
    found, note = _resolve_text(text, shown, day, cal.employer(), end)
    return _checked(shown, found, day, note)


def _checked(shown: str, found: dt.date, day: dt.date, note: str) -> Decision:
    if found < day:
        raise TimelineError(
            f"the decision date '{shown}' ({short_date(found)} {found.year}) is before the "
            f"interview ({short_date(day)} {day.year}): check the date or leave 'decision' out"
        )
    if found.year > LAST_YEAR:  # a typo; counting business days from 9999 would overflow
        raise TimelineError(
            f"the decision date '{shown}' is in the year {found.year}: check the date "
            "or leave 'decision' out"
        )
    return Decision(shown, found, note=note, show_year=found.year != day.year)


def _resolve_text(
    text: str, shown: str, day: dt.date, cal: BusinessCalendar, end: dt.datetime | None
) -> tuple[dt.date, str]:
    eod = _END_OF_DAY.match(text)
    if eod:
        text = eod["rest"] or "today"
        text = re.sub(r"^(?:on )", "", text)
    if text == "today":
        return day, ""
    if text == "tomorrow":
        return day + dt.timedelta(days=1), ""
    if text == "the day after tomorrow":
        return day + dt.timedelta(days=2), ""
    if _THIS_WEEK.match(text):
        return cal.last_business_day(cal.week_end(day), floor=day), ""
    if _NEXT_WEEK.match(text):
        return cal.last_business_day(cal.week_end(day) + dt.timedelta(days=7), floor=day), ""
    if _EARLY_NEXT_WEEK.match(text):
        return _middle_of_next_week(day, cal), "read at the middle of next week"
    if _END_OF_MONTH.match(text):
        return _month_end(day.year, day.month, day, cal), ""
    if _END_OF_NEXT_MONTH.match(text):
        following = add_months(day.replace(day=1), 1)
        return _month_end(following.year, following.month, day, cal), ""
    if text in ("a fortnight", "fortnight"):
        return day + dt.timedelta(weeks=2), ""
    if text.startswith("next ") and text[5:] in _WEEKDAYS:
        raise TimelineError(
            f"'{shown}' is ambiguous (this coming {text[5:].capitalize()} or the one after?): "
            f"give the date instead, for example '{_example(day)}'"
        )
    if text in _WEEKDAYS:
        ahead = (_WEEKDAYS[text] - day.weekday() - 1) % 7 + 1
        return day + dt.timedelta(days=ahead), ""
    if text.startswith("this ") and text[5:] in _WEEKDAYS:
        # "This Friday" said on a Friday is that day; otherwise the coming one.
        ahead = (_WEEKDAYS[text[5:]] - day.weekday()) % 7
        return day + dt.timedelta(days=ahead), ""
    part = _PART_OF_MONTH.match(text)
    if part and part["m"] in _MONTHS:
        return _part_of_month(part["part"], _MONTHS[part["m"]], shown, day, cal)
    counted = _COUNT.match(text)
    if counted:
        return _count(counted["n"], counted["unit"], shown, day, cal, end), ""
    ranged = _RANGE.match(text)
    if ranged:
        return _range(
            ranged["a"], ranged["unit_a"], ranged["n"], ranged["unit"], shown, day, cal, end
        )
    tail = _RANGE_TAIL.match(text)
    if tail:
        return _range(tail["a"], None, tail["n"], tail["unit"], shown, day, cal, end)
    return _written_date(text, shown, day, cal)


def _middle_of_next_week(day: dt.date, cal: BusinessCalendar) -> dt.date:
    """The middle working day of the week after the interview's (Wednesday in a Mon-Fri week)."""
    start = cal.week_end(day) + dt.timedelta(days=1)
    days = [start + dt.timedelta(days=k) for k in range(7)]
    working = [d for d in days if not cal.is_weekend(d)] or days
    return working[(len(working) - 1) // 2]


def _month_end(year: int, month: int, day: dt.date, cal: BusinessCalendar) -> dt.date:
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return cal.last_business_day(last, floor=day)


def _part_of_month(
    part: str, month: int, shown: str, day: dt.date, cal: BusinessCalendar
) -> tuple[dt.date, str]:
    """Early, mid or late in a named month, read at the end of that part (10th, 20th, last)."""
    year = _year_for(month, 1, shown, day, whole_month=True)
    if part == "early":
        return dt.date(year, month, 10), "read as the 10th, the end of the month's first third"
    if part in ("mid", "the middle of"):
        return dt.date(year, month, 20), "read as the 20th, the end of the month's middle third"
    return _month_end(year, month, day, cal), ""


def _number(raw: str, shown: str, day: dt.date) -> int:
    if raw.isdigit():
        return int(raw)
    if raw in _NUMBER_WORDS:
        return _NUMBER_WORDS[raw]
    raise _refuse(shown, day, f"'{raw}' is not a number from one to twelve")


def _count(
    raw: str,
    unit_text: str,
    shown: str,
    day: dt.date,
    cal: BusinessCalendar,
    end: dt.datetime | None,
) -> dt.date:
    n = _number(raw, shown, day)
    unit = unit_text.removesuffix("s").replace("working", "business")
    limit = _LIMITS[unit]
    if not 1 <= n <= limit:
        raise _refuse(shown, day, f"use 1 to {limit} {unit}s")
    if unit == "hour":
        if end is None:
            return day + dt.timedelta(days=math.ceil(n / 24))
        return (end + dt.timedelta(hours=n)).date()
    if unit == "business day":
        return cal.bd(day, n)
    if unit == "day":
        return day + dt.timedelta(days=n)
    if unit == "week":
        return day + dt.timedelta(weeks=n)
    return add_months(day, n)


def _range(
    low: str,
    low_unit: str | None,
    high: str,
    unit: str,
    shown: str,
    day: dt.date,
    cal: BusinessCalendar,
    end: dt.datetime | None,
) -> tuple[dt.date, str]:
    """A range of counts ("a week or two", "3-5 business days"), read at its far end."""
    near = _count(low, low_unit or unit, shown, day, cal, end)
    far = _count(high, unit, shown, day, cal, end)
    if far <= near:
        raise _refuse(shown, day, "the range runs backwards")
    return far, "read at the far end of the range"


def _year_for(month: int, number: int, shown: str, day: dt.date, whole_month: bool = False) -> int:
    """The year of a date said without one: the occurrence nearest the interview.

    Before the interview is refused; further ahead than about three months, the
    user is asked for the year instead of being given one silently.
    """
    candidates = _occurrences(month, number, range(day.year - 1, day.year + 2))
    if not candidates:
        # 29 February said in a year far from a leap year: the next one.
        candidates = _occurrences(month, number, range(day.year, day.year + 9))[:1]
    if not candidates:
        raise _refuse(shown, day, "that date does not exist")
    if whole_month:
        last = [dt.date(c.year, month, calendar.monthrange(c.year, month)[1]) for c in candidates]
        nearest = min(zip(candidates, last, strict=True), key=lambda pair: _distance(pair, day))
        first, final = nearest
        if final < day:
            raise _before(shown, first, day)
        if first - day > YEARLESS_HORIZON:
            raise _ask_year(shown, first, day)
        return first.year
    found = min(candidates, key=lambda c: abs((c - day).days))
    if found < day:
        raise _before(shown, found, day)
    if found - day > YEARLESS_HORIZON:
        raise _ask_year(shown, found, day)
    return found.year


def _occurrences(month: int, number: int, years: range) -> list[dt.date]:
    found = []
    for year in years:
        try:
            found.append(dt.date(year, month, number))
        except ValueError:
            continue  # 29 February outside a leap year
    return found


def _distance(pair: tuple[dt.date, dt.date], day: dt.date) -> int:
    first, last = pair
    if first <= day <= last:
        return 0
    return min(abs((first - day).days), abs((last - day).days))


def _before(shown: str, found: dt.date, day: dt.date) -> TimelineError:
    return TimelineError(
        f"the decision date '{shown}' ({short_date(found)} {found.year}) is before the "
        f"interview ({short_date(day)} {day.year}): check the date, add the year if you "
        "mean a later one, or leave 'decision' out"
    )


def _ask_year(shown: str, found: dt.date, day: dt.date) -> TimelineError:
    return TimelineError(
        f"the decision date '{shown}' has no year and would be {short_date(found)} "
        f"{found.year}, more than three months after the interview ({short_date(day)} "
        f"{day.year}): write the year, for example '{found:%b} {found.day} {found.year}'"
    )


def _written_date(
    text: str, shown: str, day: dt.date, cal: BusinessCalendar
) -> tuple[dt.date, str]:
    if _ISO.match(text):
        try:
            return dt.date.fromisoformat(text), ""
        except ValueError:
            raise _refuse(shown, day, "that date does not exist") from None
    numeric = _NUMERIC.match(text)
    if numeric:
        return _numeric_date(numeric, shown, day, cal)
    match = _DAY_MONTH.match(text) or _MONTH_DAY.match(text)
    if match is None or match["m"] not in _MONTHS:
        raise _refuse(shown, day)
    return _dated(_MONTHS[match["m"]], int(match["d"]), match["y"], shown, day), ""


def _dated(month: int, number: int, year: str | None, shown: str, day: dt.date) -> dt.date:
    if not 1 <= number <= 31:
        raise _refuse(shown, day, "that date does not exist")
    try:
        if year:
            return dt.date(int(year), month, number)
        return dt.date(_year_for(month, number, shown, day), month, number)
    except ValueError:
        raise _refuse(shown, day, "that date does not exist") from None


def _numeric_date(
    match: re.Match[str], shown: str, day: dt.date, cal: BusinessCalendar
) -> tuple[dt.date, str]:
    """12/4 in the order the employer's country writes it, or refused where both are used."""
    a, b = int(match["a"]), int(match["b"])
    if a != b and cal.country in BOTH_ORDERS:
        raise TimelineError(
            f"'{shown}' could be day/month or month/day in {cal.country_name()}: write the month "
            f"as a word, for example '{_example(day)}'"
        )
    if a == b:
        month, number, note = a, b, ""
    elif cal.country in MONTH_FIRST:
        month, number = a, b
        note = f"read as month/day, the order used for dates in {cal.country}"
    else:
        month, number = b, a
        note = f"read as day/month, the order used for dates in {cal.country}"
    if not 1 <= month <= 12:
        raise _refuse(shown, day, f"there is no month {month} ({note})")
    return _dated(month, number, match["y"], shown, day), note


def _holiday(text: str, shown: str, day: dt.date, cal: BusinessCalendar) -> tuple[dt.date, str]:
    """Before or after a public holiday of the employer: the business day on that side of it."""
    match = _HOLIDAY.match(text)
    if match is None:
        raise _refuse(shown, day)
    wanted = match["name"].strip()
    found = cal.find_holiday(wanted, day, day + dt.timedelta(days=366))
    names = sorted({name for _d, name in found})
    if not found:
        raise _refuse(shown, day, f"no public holiday called '{wanted}' in the next year")
    if len(names) > 1:
        raise TimelineError(
            f"'{shown}' could mean {' or '.join(names)}: give the date instead, "
            f"for example '{_example(day)}'"
        )
    holiday, name = found[0]
    if match["when"] == "before":
        before = cal.last_business_day(holiday - dt.timedelta(days=1), floor=day)
        return before, f"the last business day before {name} ({short_date(holiday)})"
    after = cal.bd(holiday, 1)
    return after, f"the first business day after {name} ({short_date(holiday)})"
