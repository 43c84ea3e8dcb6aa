"""Reading iCalendar: invitations (times, zones, people, series) and the events of a feed.

The other home of the icalendar library beside the writer. An invitation comes out as
plain records (Invitation, InviteEvent, Attendee) that the guesses in invite/ work on."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from icalendar import Calendar

from afterview.core.dates import expand_series
from afterview.core.zones import is_zone
from afterview.errors import InviteError


@dataclass(frozen=True)
class Attendee:
    """A person, room or group an invitation names (ORGANIZER or ATTENDEE)."""

    email: str | None
    name: str | None  # CN as written; Google writes the address when it knows no name
    cutype: str = "INDIVIDUAL"
    partstat: str = "NEEDS-ACTION"
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class InviteEvent:
    """One meeting of an invitation, as the file says it.

    ``start`` and ``end`` are wall-clock times in ``zone``: an IANA name, "UTC", or
    None when the time is floating. ``tzid`` is the TZID as written, for messages.
    """

    uid: str
    summary: str
    start: dt.datetime
    end: dt.datetime | None
    zone: str | None
    tzid: str | None = None
    all_day: bool = False
    status: str = ""
    organizer: Attendee | None = None
    attendees: tuple[Attendee, ...] = ()
    location: str | None = None
    description: str | None = None
    links: tuple[str, ...] = ()  # conference properties: X-GOOGLE-CONFERENCE, Teams, URL
    zone_hint: str | None = None  # a zone named beside UTC times (Zoom's TZID line)
    recurring: bool = False


@dataclass(frozen=True)
class Invitation:
    """An invitation file: its events, its METHOD and what it says about zones."""

    events: tuple[InviteEvent, ...]
    method: str | None = None
    zone_hint: str | None = None  # X-WR-TIMEZONE
    source: str = "invitation"  # the file, for messages
    recipient: str | None = None  # who a saved e-mail was delivered to
    lists: tuple[str, ...] = ()  # a saved e-mail's List-Id: the list, never a person
    sent_offset: dt.timedelta | None = None  # the UTC offset of a saved e-mail's Date


def read_events(data: bytes) -> list[dict[str, Any]]:
    """The VEVENTs of an .ics file as plain values (for tests and round trips)."""
    cal = Calendar.from_ical(data)
    found: list[dict[str, Any]] = []
    for event in cal.walk("VEVENT"):
        categories = event.get("categories")
        cats: list[str] = []
        if categories is not None:
            for entry in categories if isinstance(categories, list) else [categories]:
                cats.extend(str(c) for c in entry.cats)
        found.append(
            {
                "uid": str(event.get("uid")),
                "summary": str(event.get("summary")),
                "start": event.decoded("dtstart"),
                "end": event.decoded("dtend"),
                "categories": cats,
                "status": str(event.get("status", "")),
                "sequence": int(event.get("sequence", 0)),
                "description": str(event.get("description", "")),
            }
        )
    return found


# Where clients put the meeting link, best first: Google Meet, Teams, RFC 7986, URL.
_CONFERENCE_PROPERTIES = (
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK",
    "X-MICROSOFT-ONLINEMEETINGCONFLINK",
    "CONFERENCE",
    "URL",
)


# A series expands to at most this many meetings; invite.py keeps those of one loop.
MAX_OCCURRENCES = 10


def utf8_of(data: bytes) -> bytes:
    """The bytes as UTF-8: a calendar exported as UTF-16 (with its byte-order mark) is
    decoded, as Outlook and some Windows tools write it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data


# The PRODID afterview writes its own calendars with.
_OWN_PRODID = "-//afterview//"


def read_invitation(data: bytes, source: str = "invitation") -> Invitation:
    """The events of an iCalendar invitation as plain values, or an InviteError."""

    data = utf8_of(data)
    try:
        calendars = Calendar.from_ical(data.lstrip(b"\xef\xbb\xbf"), multiple=True)
    except (ValueError, AttributeError, TypeError, KeyError) as error:
        # icalendar raises more than ValueError on some broken files (a VTIMEZONE with
        # two TZIDs gives an AttributeError): all of them mean the same to the user.
        reason = str(error).split(":", 1)[0].strip() or "it cannot be parsed"
        raise InviteError(
            f"{source}: not a valid calendar file ({reason}): save the invitation again "
            "from your calendar or mail app"
        ) from None
    if not calendars:
        # icalendar returns nothing, rather than failing, for a file cut short.
        if b"BEGIN:VCALENDAR" in data.upper():
            raise InviteError(
                f"{source}: not a valid calendar file (it ends before END:VCALENDAR): "
                "save the invitation again from your calendar or mail app"
            )
        raise InviteError(f"{source}: no calendar (BEGIN:VCALENDAR) in it: is it an .ics file?")
    if any(str(cal.get("PRODID", "")).startswith(_OWN_PRODID) for cal in calendars):
        raise InviteError(
            f"{source}: this is a follow-up plan afterview wrote (its PRODID says so), not "
            "the employer's invitation: plan from the interview file or the invitation itself"
        )
    methods = [str(cal.get("METHOD", "")).strip().upper() for cal in calendars]
    hints = [_iana(str(cal.get("X-WR-TIMEZONE", ""))) for cal in calendars]
    events: list[InviteEvent] = []
    for cal in calendars:
        events.extend(_invite_events(cal, source))
    return Invitation(
        events=tuple(events),
        method=next((m for m in methods if m), None),
        zone_hint=next((h for h in hints if h), None),
        source=source,
    )


def _invite_events(cal: Calendar, source: str) -> list[InviteEvent]:
    import dataclasses

    vevents = list(cal.walk("VEVENT"))
    # Occurrences that a RECURRENCE-ID event replaces must not be counted twice.
    moved: set[tuple[str, dt.datetime]] = set()
    for event in vevents:
        if "RECURRENCE-ID" in event and "DTSTART" in event:
            wall, _zone, _tzid, _day = _moment(event["RECURRENCE-ID"], event, source)
            moved.add((str(event.get("UID", "")), wall))
    found: list[InviteEvent] = []
    for event in vevents:
        first = _invite_event(event, source)
        if "RECURRENCE-ID" in event or not ("RRULE" in event or "RDATE" in event):
            found.append(first)
            continue
        length = first.end - first.start if first.end else None
        for start in _occurrences(event, first, source):
            if (first.uid, start) in moved:
                continue
            end = start + length if length is not None else None
            found.append(dataclasses.replace(first, start=start, end=end, recurring=True))
    return found


def _invite_event(event: Any, source: str) -> InviteEvent:

    summary = str(event.get("SUMMARY", "")).strip()
    named = f"'{summary}'" if summary else "without a title"
    if "DTSTART" not in event:
        raise InviteError(f"{source}: the event {named} has no start time (DTSTART)")
    start, zone, tzid, all_day = _moment(event["DTSTART"], event, source)
    end: dt.datetime | None = None
    if "DTEND" in event and not all_day:
        end_wall, end_zone, _tzid, _day = _moment(event["DTEND"], event, source)
        end = _convert(end_wall, end_zone, zone, source)
    elif "DURATION" in event and not all_day:
        duration = event["DURATION"].dt
        if isinstance(duration, dt.timedelta):
            end = start + duration
    organizer = event.get("ORGANIZER")
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    description = event.get("DESCRIPTION") or event.get("X-ALT-DESC")
    return InviteEvent(
        uid=str(event.get("UID", "")),
        summary=summary,
        start=start,
        end=end,
        zone=zone,
        tzid=tzid,
        all_day=all_day,
        status=str(event.get("STATUS", "")).strip().upper(),
        organizer=_attendee(organizer) if organizer is not None else None,
        attendees=tuple(_attendee(a) for a in attendees),
        location=_one_text(event.get("LOCATION")),
        description=_one_text(description),
        links=_conference_links(event),
        zone_hint=_iana(str(event.get("TZID", ""))),
    )


def _moment(prop: Any, event: Any, source: str) -> tuple[dt.datetime, str | None, str | None, bool]:
    """(wall-clock time, IANA zone or "UTC" or None if floating, TZID as written, all-day)."""
    summary = str(event.get("SUMMARY", "")).strip() or "without a title"
    if isinstance(prop, list):  # the property appears twice: icalendar gives a list
        raise InviteError(
            f"{source}: the event '{summary}' gives its start or end twice: save the "
            "invitation again from your calendar or mail app"
        )
    try:
        value = prop.dt
    except (AttributeError, ValueError):  # icalendar keeps a broken value unparsed
        value = None
    if not isinstance(value, dt.date):
        written = _written(prop)
        raise InviteError(f"{source}: the event '{summary}' has a broken date ({written!r})")
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time()), None, None, True
    written = prop.params.get("TZID")
    tzid = str(written).strip() if written else None
    zone = _iana(tzid) if tzid else None
    if zone is not None:
        # The wall-clock time as written; the IANA rules replace the file's VTIMEZONE.
        return value.replace(tzinfo=None), zone, tzid, False
    if value.tzinfo is None:
        return value, None, tzid, False  # floating, or a TZID nobody can look up
    # UTC, or a custom zone (Outlook's "Customized Time Zone") defined only by its
    # VTIMEZONE: keep the instant, in UTC.
    return value.astimezone(dt.UTC).replace(tzinfo=None), "UTC", tzid, False


def _written(prop: Any) -> str:
    """A property's value as the file wrote it, for an error message."""
    try:
        return str(prop.to_ical().decode("utf-8", "replace"))
    except (AttributeError, ValueError, TypeError):
        return str(prop)


def _iana(tzid: str) -> str | None:
    """The IANA name for a TZID: itself, a Windows name, or the tail of a /vendor/ path."""
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    cleaned = tzid.strip().strip('"').strip()
    if not cleaned:
        return None
    if cleaned.upper() in ("UTC", "Z", "GMT", "ETC/UTC"):
        return "UTC"
    candidates = [cleaned, WINDOWS_TO_OLSON.get(cleaned, "")]
    parts = cleaned.strip("/").split("/")
    candidates += ["/".join(parts[i:]) for i in range(1, len(parts))]  # /mozilla.org/.../Area/City
    return next((c for c in candidates if c and is_zone(c)), None)


def _convert(
    wall: dt.datetime, zone: str | None, target: str | None, source: str = "invitation"
) -> dt.datetime:
    """``wall`` in ``zone`` as a wall-clock time in ``target`` (floating stays as it is)."""
    if zone is None or target is None or zone == target:
        return wall
    aware = wall.replace(tzinfo=zoneinfo.ZoneInfo(zone))
    try:
        return aware.astimezone(zoneinfo.ZoneInfo(target)).replace(tzinfo=None)
    except OverflowError:  # a date at the very end of the calendar (year 9999)
        raise InviteError(
            f"{source}: the invitation has a time in {wall.year}, which cannot be a real "
            "meeting: check the invitation"
        ) from None


def _occurrences(event: Any, first: InviteEvent, source: str) -> list[dt.datetime]:
    """The wall-clock starts of a series, first one included, at most MAX_OCCURRENCES.

    A rule without COUNT or UNTIL is a standing meeting, not a loop: only its first
    meeting counts. A rule that cannot be read also counts as its first meeting.
    """

    tz = zoneinfo.ZoneInfo(first.zone) if first.zone else None
    start = first.start.replace(tzinfo=tz)
    rules = event.get("RRULE", [])
    rules = rules if isinstance(rules, list) else [rules]
    if rules and not all("COUNT" in rule or "UNTIL" in rule for rule in rules):
        return [first.start]
    extra: dict[str, list[dt.datetime]] = {"RDATE": [], "EXDATE": []}
    for name, found_dates in extra.items():
        values = event.get(name, [])
        for prop in values if isinstance(values, list) else [values]:
            for item in prop.dts:
                if not isinstance(item.dt, dt.datetime):
                    continue  # a PERIOD or a whole day: no meeting time to add or remove
                wall, zone, _tzid, _day = _moment(item, event, source)
                found_dates.append(_convert(wall, zone, first.zone, source).replace(tzinfo=tz))
    texts = [rule.to_ical().decode() for rule in rules]
    moments = expand_series(texts, start, extra["RDATE"], extra["EXDATE"], MAX_OCCURRENCES)
    return [moment.replace(tzinfo=None) for moment in moments] or [first.start]


def _attendee(address: Any) -> Attendee:

    value = str(address).strip()
    email = value[7:].strip() if value.lower().startswith("mailto:") else None
    if email is None and "@" in value and ":" not in value:
        email = value
    params = getattr(address, "params", {})

    def param(name: str, default: str) -> str:
        found = params.get(name)
        if isinstance(found, list):
            found = found[0] if found else None
        return str(found).strip().strip('"').strip() if found else default

    # RFC 6638: a CalDAV server writes a principal URL as the value and the address in
    # an EMAIL parameter (CalendarServer, Apple's iCloud).
    given = param("EMAIL", "")
    if given.lower().startswith("mailto:"):
        given = given[7:].strip()
    if given and "@" in given and (email is None or "@" not in email):
        email = given

    return Attendee(
        email=email or None,
        name=param("CN", "") or None,
        cutype=param("CUTYPE", "INDIVIDUAL").upper(),
        partstat=param("PARTSTAT", "NEEDS-ACTION").upper(),
        role=param("ROLE", "REQ-PARTICIPANT").upper(),
    )


def _one_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    text = str(value).strip() if value is not None else ""
    return text or None


def _conference_links(event: Any) -> tuple[str, ...]:
    links: list[str] = []
    for name in _CONFERENCE_PROPERTIES:
        values = event.get(name, [])
        for value in values if isinstance(values, list) else [values]:
            link = str(value).strip()
            if link.lower().startswith(("https://", "http://")) and link not in links:
                links.append(link)
    return tuple(links)


# ---- redacting a feed for publishing
#
