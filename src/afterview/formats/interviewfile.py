"""The interview file: TOML in the public format, read into an Interview and written back.

Every problem is reported as one line that names the key (and its line) and says
how to fix it.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path
from typing import Any

from afterview.core.addresses import is_address
from afterview.core.zones import known_zone, zone_advice
from afterview.errors import InterviewError, PlaceError, close_matches
from afterview.formats.files import dumps_toml, line_of, parse_toml, read_text
from afterview.model import CHANNELS, Interview, Interviewer

INTERVIEW_KEYS = (
    "id",
    "company",
    "role",
    "start",
    "end",
    "timezone",
    "country",
    "subdivision",
    "policy",
    "decision",
    "no_follow_ups",
    "channel",
    "blackout",
    "workdays",
    "closures",
    "skip",
    "notes",
    "candidate",
    "candidate_email",
    "candidate_phone",
    "interviewers",
)
INTERVIEWER_KEYS = (
    "name",
    "title",
    "email",
    "phone",
    "contact",
    "linkedin",
    "linkedin_ok",
    "topics",
    "salutation",
)
REQUIRED = ("company", "role", "start", "timezone", "country", "interviewers")
FIRST_YEAR, LAST_YEAR = 2000, 2099
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MULTI_LINE = ("notes",)  # the one field whose text may span lines
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _is_control(char: str) -> bool:
    """C0 and C1 controls, DEL, and the Unicode line and paragraph separators."""
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or char in "\u2028\u2029"


class _Reader:
    """Typed access to one TOML table, with errors that point at the line."""

    def __init__(self, table: dict[str, Any], text: str, where: str, prefix: str = "") -> None:
        self.table, self.text, self.where, self.prefix = table, text, where, prefix

    def fail(self, key: str, message: str, error: type[InterviewError] = InterviewError) -> None:
        line = line_of(self.text, key)
        place = f"{self.where}, line {line}" if line else self.where
        raise error(f"{place}: '{self.prefix}{key}' {message}")

    def text_or_none(self, key: str) -> str | None:
        value = self.table.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(key, f'must be text in quotes, like {key} = "..."')
        self.plain(key, str(value))
        stripped = str(value).strip()
        if not stripped:
            self.fail(key, "is empty: fill it in or remove the line")
        return stripped

    def plain(self, key: str, value: str) -> None:
        """Refuse control characters, which could show fake lines in any output; line
        breaks only in a multi-line field (notes)."""
        if key == "policy":
            return  # a name or a path: the policy loader says what is wrong with it
        allowed = "\n\r\t" if key in MULTI_LINE else ""
        bad = next((c for c in value if _is_control(c) and c not in allowed), None)
        if bad is None:
            return
        if bad in _BREAKS and key not in MULTI_LINE:
            self.fail(key, "holds a line break: keep it on one line (only notes may span lines)")
        self.fail(key, f"holds the control character U+{ord(bad):04X}: remove it")

    def required_text(self, key: str) -> str:
        value = self.text_or_none(key)
        if value is None:
            self.fail(key, "is missing: add it")
        return str(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
        return bool(value)

    def optional_flag(self, key: str) -> bool | None:
        return None if self.table.get(key) is None else self.flag(key, False)

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f'must be a list of texts, like {key} = ["a", "b"]')
        for item in value:
            self.plain(key, item)
        return tuple(v.strip() for v in value if v.strip())


def read_interview(path: Path, defaults: dict[str, str] | None = None) -> Interview:
    """The interview described in the TOML file at ``path``."""
    text = read_text(path, "interview file (.toml)")
    return parse_interview(text, str(path), defaults)


def parse_interview(text: str, where: str, defaults: dict[str, str] | None = None) -> Interview:
    """An Interview from TOML text; ``defaults`` fills country, subdivision and timezone."""
    data = parse_toml(text, where)
    return interview_from_dict(data, text, where, defaults)


def interview_from_dict(
    data: dict[str, Any], text: str, where: str, defaults: dict[str, str] | None = None
) -> Interview:
    """An Interview from an already parsed table (text is used for line numbers)."""
    _check_keys(data, INTERVIEW_KEYS, text, where, "")
    merged = dict(data)
    for key in ("country", "subdivision", "timezone"):
        if key not in merged and defaults and defaults.get(key):
            if key == "subdivision" and "country" in data:
                continue  # a region only makes sense with the country it belongs to
            merged[key] = defaults[key]
    for key in REQUIRED:
        if key not in merged:
            hint = _REQUIRED_HINTS[key]
            raise InterviewError(f"{where}: '{key}' is missing: add {hint}")
    read = _Reader(merged, text, where)
    zone = _zone(read)
    start = _moment(read, "start", zone)
    end = _moment(read, "end", zone) if "end" in merged else start + dt.timedelta(hours=1)
    if end <= start:
        read.fail("end", f"({end:%Y-%m-%d %H:%M}) must be after start ({start:%Y-%m-%d %H:%M})")
    channel = read.text_or_none("channel") or "email"
    if channel not in CHANNELS:
        read.fail("channel", f"must be one of {', '.join(CHANNELS)}, not '{channel}'")
    identifier = read.text_or_none("id")
    if identifier is not None and not _ID.match(identifier):
        read.fail("id", "must be a short name of letters, digits, '.', '_' or '-'")
    interview = Interview(
        company=read.required_text("company"),
        role=read.required_text("role"),
        start=start,
        end=end,
        timezone=zone,
        country=read.required_text("country"),
        interviewers=_interviewers(merged.get("interviewers"), text, where),
        subdivision=read.text_or_none("subdivision"),
        policy=read.text_or_none("policy") or "standard",
        decision=_decision(merged.get("decision"), read, start.date()),
        no_follow_ups=read.flag("no_follow_ups", False),
        channel=channel,
        blackout=_dates(read, "blackout"),
        workdays=_dates(read, "workdays"),
        closures=read.flag("closures", True),
        skip=read.texts("skip"),
        notes=read.text_or_none("notes"),
        candidate=read.text_or_none("candidate"),
        id=identifier,
        candidate_email=read.text_or_none("candidate_email"),
        candidate_phone=read.text_or_none("candidate_phone"),
    )
    if interview.candidate_email is not None and not is_address(interview.candidate_email):
        read.fail("candidate_email", f"'{interview.candidate_email}' is not an email address")
    if interview.candidate is None and (interview.candidate_email or interview.candidate_phone):
        key = "candidate_email" if interview.candidate_email else "candidate_phone"
        read.fail(key, 'needs the candidate\'s name too: add candidate = "..."')
    return interview


_REQUIRED_HINTS = {
    "company": 'company = "Northwind Traders"',
    "role": 'role = "Senior Data Engineer"',
    "start": "start = 2026-11-24T14:00:00 (the local date and time of the interview)",
    "timezone": 'timezone = "America/New_York" (or set a default: afterview config set timezone)',
    "country": 'country = "US" (the employer\'s country; or afterview config set country US)',
    "interviewers": '[[interviewers]] with at least name = "..."',
}


def _check_keys(
    table: dict[str, Any], known: tuple[str, ...], text: str, where: str, prefix: str
) -> None:
    for key in table:
        if key in known:
            continue
        close = close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys are {', '.join(known)}"
        line = line_of(text, key)
        place = f"{where}, line {line}" if line else where
        raise InterviewError(f"{place}: unknown key '{prefix}{key}': {hint}")


def _zone(read: _Reader) -> str:
    name = read.required_text("timezone")
    known = known_zone(name)
    if known is None:
        read.fail(
            "timezone", f"is '{name}', which is not a time zone: {zone_advice(name)}", PlaceError
        )
    return known or name


def _moment(read: _Reader, key: str, zone: str) -> dt.datetime:
    value = read.table.get(key)
    example = f"{key} = 2026-11-24T14:00:00"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            read.fail(key, f"must be a date and time without quotes, like {example}")
    if not isinstance(value, dt.datetime):
        if isinstance(value, dt.date):
            read.fail(key, f"needs a time of day too, like {example}")
        read.fail(key, f"must be a local date and time, like {example}")
    assert isinstance(value, dt.datetime)
    _check_year(read, key, value)  # before moving zones: year 1 or 9999 would overflow
    if value.tzinfo is not None:
        value = value.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
        _check_year(read, key, value)
    return value.replace(second=0, microsecond=0)


def _check_year(read: _Reader, key: str, value: dt.datetime) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        read.fail(key, f"is in the year {value.year}: use a date between {FIRST_YEAR} and 2099")


def _dates(read: _Reader, key: str) -> tuple[dt.date, ...]:
    value = read.table.get(key, [])
    if not isinstance(value, list):
        read.fail(key, f"must be a list of dates, like {key} = [2026-12-24, 2026-12-31]")
    days: list[dt.date] = []
    for item in value:
        if isinstance(item, str):
            try:
                item = dt.date.fromisoformat(item)
            except ValueError:
                read.fail(key, f"has '{item}', which is not a date like 2026-12-24")
        if isinstance(item, dt.datetime) or not isinstance(item, dt.date):
            read.fail(key, f"must hold dates only, like {key} = [2026-12-24]")
        days.append(item)
    return tuple(sorted(set(days)))


def _decision(value: Any, read: _Reader, day: dt.date) -> str | None:
    if value is None:
        return None
    # The example is a week after the interview, so it is a date the user could mean.
    example = (day + dt.timedelta(days=7)).isoformat()
    if isinstance(value, dt.datetime):
        read.fail("decision", f"is a date and time: give a date such as {example}")
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        read.fail("decision", f'must be text such as "by Friday" or a date such as {example}')
    return str(value).strip() or None


def _interviewers(value: Any, text: str, where: str) -> tuple[Interviewer, ...]:
    if not isinstance(value, list) or not value:
        raise InterviewError(
            f"{where}: 'interviewers' must list at least one person: add a "
            '[[interviewers]] table with name = "..."'
        )
    people: list[Interviewer] = []
    for index, table in enumerate(value, start=1):
        if not isinstance(table, dict):
            raise InterviewError(f"{where}: each interviewer must be an [[interviewers]] table")
        prefix = f"interviewers[{index}]."
        _check_keys(table, INTERVIEWER_KEYS, text, where, prefix)
        read = _Reader(table, text, where, prefix)
        if "name" not in table:
            raise InterviewError(f"{where}: interviewer {index} has no 'name': add name = \"...\"")
        email = read.text_or_none("email")
        if email is not None and not is_address(email):
            read.fail("email", f"'{email}' is not an email address")
        linkedin = read.text_or_none("linkedin")
        if linkedin is not None and not linkedin.startswith(("https://", "http://")):
            read.fail("linkedin", "must be the profile's web address, starting with https://")
        people.append(
            Interviewer(
                name=read.required_text("name"),
                title=read.text_or_none("title"),
                email=email,
                phone=read.text_or_none("phone"),
                contact=read.flag("contact", False),
                linkedin=linkedin,
                linkedin_ok=read.optional_flag("linkedin_ok"),
                topics=read.texts("topics"),
                salutation=read.text_or_none("salutation"),
            )
        )
    if sum(p.contact for p in people) > 1:
        raise InterviewError(
            f"{where}: more than one interviewer has contact = true: check-ins go to one person"
        )
    names = [p.name.casefold() for p in people]
    if len(set(names)) != len(names):
        raise InterviewError(f"{where}: two interviewers have the same name: list each person once")
    return tuple(people)


def interview_to_dict(interview: Interview) -> dict[str, Any]:
    """The interview as a TOML-ready table in the public format."""
    data: dict[str, Any] = {
        "id": interview.id,
        "company": interview.company,
        "role": interview.role,
        "start": interview.start,
        "end": interview.end,
        "timezone": interview.timezone,
        "country": interview.country,
        "subdivision": interview.subdivision,
        "policy": interview.policy,
        "decision": interview.decision,
        "no_follow_ups": interview.no_follow_ups or None,
        "channel": interview.channel if interview.channel != "email" else None,
        "blackout": list(interview.blackout) or None,
        "workdays": list(interview.workdays) or None,
        "closures": None if interview.closures else False,
        "skip": list(interview.skip) or None,
        "notes": interview.notes,
        "candidate": interview.candidate,
        "candidate_email": interview.candidate_email,
        "candidate_phone": interview.candidate_phone,
        "interviewers": [
            {
                "name": p.name,
                "title": p.title,
                "email": p.email,
                "phone": p.phone,
                "contact": p.contact or None,
                "linkedin": p.linkedin,
                "linkedin_ok": p.linkedin_ok,
                "topics": list(p.topics) or None,
                "salutation": p.salutation,
            }
            for p in interview.interviewers
        ],
    }
    return data


def dumps_interview(interview: Interview) -> str:
    """The interview as TOML text that read_interview reads back to the same value."""
    return dumps_toml(interview_to_dict(interview))
