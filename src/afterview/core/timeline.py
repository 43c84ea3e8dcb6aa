"""What the interviewer said about the decision ("by Friday", "two weeks") as a date.

The phrase is resolved against the interview day I with the employer's business
days. Anything outside the documented forms is refused: afterview never guesses.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from afterview.core.businessdays import BusinessCalendar
from afterview.core.dates import add_months
from afterview.errors import TimelineError
from afterview.model import Decision, short_date

FORMS = (
    "a date (2026-12-04, Dec 4, 4 December)",
    "a weekday (by Friday)",
    "end of the week",
    "next week",
    "in N days",
    "a few days",
    "N business days",
    "two weeks / a fortnight",
    "end of the month",
    "a month / N months",
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
}
# The last year a written date may have, as in the interview file.
LAST_YEAR = 2099
_LIMITS = {"day": 365, "business day": 365, "week": 52, "month": 12}

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_WEEKDAYS.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})
_WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9

_UNKNOWN = {"", "nothing", "no timeline", "not sure"}
_FEW_DAYS = {"a few days", "few days", "a couple of days", "couple of days", "a couple days"}
_THIS_WEEK = {"end of the week", "the end of the week", "this week", "end of this week"}
_NEXT_WEEK = {"next week", "end of next week", "the end of next week"}
_END_OF_MONTH = {"end of the month", "the end of the month", "end of month", "end of this month"}

_COUNT = re.compile(
    r"^(?P<n>\d+|[a-z]+) (?P<unit>business days?|working days?|days?|weeks?|months?)$"
)
_ORD = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_MONTH = r"(?P<m>[a-z]+)\.?"
_YEAR = r"(?:,? (?P<y>\d{4}))?"
_DAY_MONTH = re.compile(rf"^{_ORD} (?:of )?{_MONTH}{_YEAR}$")
_MONTH_DAY = re.compile(rf"^{_MONTH} {_ORD}{_YEAR}$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _refuse(phrase: str, why: str = "") -> TimelineError:
    reason = f"{why}; " if why else ""
    return TimelineError(
        f"cannot read the timeline '{phrase}': {reason}write one of: {'; '.join(FORMS)}"
    )


def normalize(phrase: str) -> str:
    """Lower case, single spaces, no final full stop, no leading "by", "in" or "within"."""
    text = " ".join(phrase.lower().split()).rstrip(".").strip()
    text = re.sub(r"^(?:by|in|within)\s+", "", text)
    return text


def resolve(phrase: str | None, day: dt.date, cal: BusinessCalendar) -> Decision:
    """S for ``phrase`` said on interview day ``day``: a Decision, or a TimelineError."""
    if phrase is None:
        return Decision(None, None)
    shown = " ".join(phrase.split()).rstrip(".")
    text = normalize(phrase)
    if text in _UNKNOWN:
        return Decision(shown or None, None)
    if text in _FEW_DAYS:
        return Decision(shown, day + dt.timedelta(days=3), few_days=True)
    found = _resolve_text(text, shown, day, cal.employer())
    if found < day:
        raise TimelineError(
            f"the decision date '{shown}' ({short_date(found)} {found.year}) is before the "
            f"interview ({short_date(day)} {day.year}): check the date or leave 'decision' out"
        )
    return Decision(shown, found)


def _resolve_text(text: str, shown: str, day: dt.date, cal: BusinessCalendar) -> dt.date:
    if text in _THIS_WEEK:
        return cal.last_business_day(cal.week_end(day), floor=day)
    if text in _NEXT_WEEK:
        return cal.last_business_day(cal.week_end(day) + dt.timedelta(days=7), floor=day)
    if text in _END_OF_MONTH:
        last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        return cal.last_business_day(last, floor=day)
    if text == "a fortnight" or text == "fortnight":
        return day + dt.timedelta(weeks=2)
    if text.startswith("next ") and text[5:] in _WEEKDAYS:
        raise TimelineError(
            f"'{shown}' is ambiguous (this coming {text[5:].capitalize()} or the one after?): "
            "give the date instead, for example '2026-12-04' or 'Dec 4'"
        )
    if text in _WEEKDAYS:
        ahead = (_WEEKDAYS[text] - day.weekday() - 1) % 7 + 1
        return day + dt.timedelta(days=ahead)
    counted = _COUNT.match(text)
    if counted:
        return _count(counted, shown, day, cal)
    return _calendar_date(text, shown, day)


def _count(match: re.Match[str], shown: str, day: dt.date, cal: BusinessCalendar) -> dt.date:
    raw, unit = match["n"], match["unit"].rstrip("s").replace("working", "business")
    if raw.isdigit():
        n = int(raw)
    elif raw in _NUMBER_WORDS:
        n = _NUMBER_WORDS[raw]
    else:
        raise _refuse(shown, f"'{raw}' is not a number from one to twelve")
    limit = _LIMITS[unit]
    if not 1 <= n <= limit:
        raise _refuse(shown, f"use 1 to {limit} {unit}s")
    if unit == "business day":
        return cal.bd(day, n)
    if unit == "day":
        return day + dt.timedelta(days=n)
    if unit == "week":
        return day + dt.timedelta(weeks=n)
    return add_months(day, n)


def _calendar_date(text: str, shown: str, day: dt.date) -> dt.date:
    found = _written_date(text, shown, day)
    if found.year > LAST_YEAR:  # a typo; counting business days from 9999 would overflow
        raise TimelineError(
            f"the decision date '{shown}' is in the year {found.year}: check the date "
            "or leave 'decision' out"
        )
    return found


def _written_date(text: str, shown: str, day: dt.date) -> dt.date:
    if _ISO.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise _refuse(shown, "that date does not exist") from None
    match = _DAY_MONTH.match(text) or _MONTH_DAY.match(text)
    if match is None or match["m"] not in _MONTHS:
        raise _refuse(shown)
    month, number = _MONTHS[match["m"]], int(match["d"])
    try:
        if match["y"]:
            return dt.date(int(match["y"]), month, number)
        found = dt.date(day.year, month, number)
        if found < day:
            found = dt.date(day.year + 1, month, number)
        return found
    except ValueError:
        raise _refuse(shown, "that date does not exist") from None
