"""Plans as iCalendar: what Google Calendar, Outlook and Apple Calendar import.

The only module that imports ``icalendar``. Choices follow what those clients
really do (see "In your calendar" in the README): timed events in UTC so no VTIMEZONE can be
misread, all-day events with an exclusive DTEND, one relative DISPLAY alarm, the
links repeated in DESCRIPTION because Google hides URL, METHOD:PUBLISH.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from icalendar import Alarm, Calendar, Event, vDuration, vText

from . import __version__
from .drafts import mailto
from .errors import InviteError
from .model import FollowUp, Interview

if TYPE_CHECKING:
    # Only reading an invitation needs these; plan and feed never load invite.py.
    from .invite import Attendee, Invitation, InviteEvent

PRODID = f"-//afterview//afterview {__version__}//EN"
UID_NAMESPACE = uuid.UUID("5d0c5c50-8e0f-4a4e-9a8b-6f1d2f7a6d10")
REFRESH = dt.timedelta(hours=12)


def uid_for(interview_key: str, followup: FollowUp) -> str:
    """A UID that stays the same when the plan is made again, so clients update, not copy."""
    # Only an event sent to each interviewer names its person: a check-in keeps its UID
    # when the user changes who the contact is.
    person = followup.person.name.casefold() if followup.person and followup.per_person else ""
    name = f"{interview_key}|{followup.step}|{followup.number}|{person}"
    return f"{_uuid5(name)}@afterview"


def _uuid5(name: str) -> uuid.UUID:
    """uuid.uuid5(UID_NAMESPACE, name), without loading OpenSSL for one SHA-1.

    ``uuid.uuid5`` imports hashlib, whose OpenSSL binding costs a few milliseconds
    of every cold start; CPython's built-in SHA-1 gives the same digest.
    """
    try:
        from _sha1 import sha1  # type: ignore[import-not-found]
    except ImportError:  # a Python built without it
        return uuid.uuid5(UID_NAMESPACE, name)
    digest = sha1(UID_NAMESPACE.bytes + name.encode("utf-8")).digest()
    return uuid.UUID(bytes=digest[:16], version=5)


def calendar_name(interview: Interview) -> str:
    """``Follow-ups: Northwind Traders, Senior Data Engineer``."""
    who = f"{interview.candidate}: " if interview.candidate else ""
    return f"Follow-ups: {who}{interview.company}, {interview.role}"


def _calendar(name: str, feed: bool) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # Neither property is known to icalendar, so say they are TEXT to get them escaped.
    cal.add("x-wr-calname", vText(name))
    cal.add("name", vText(name))
    if feed:
        cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(REFRESH))
    return cal


def event_for(
    interview: Interview,
    followup: FollowUp,
    stamp: dt.datetime,
    reminder: dt.time = dt.time(9, 0),
    uid: str | None = None,
) -> Event:
    """One VEVENT for one follow-up of ``interview``; ``stamp`` is DTSTAMP (UTC).

    ``uid`` is the event's UID when it is already known (the tracker stores it).
    """
    event = Event()
    event.add("uid", uid or uid_for(interview.key, followup))
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("sequence", followup.sequence)
    event.add("summary", followup.title)
    if followup.start is not None:
        zone = zoneinfo.ZoneInfo(interview.timezone)
        start = followup.start.replace(tzinfo=zone).astimezone(dt.UTC)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=followup.minutes))
        trigger = dt.timedelta(0)
    else:
        event.add("dtstart", followup.date)
        event.add("dtend", followup.date + dt.timedelta(days=1))
        trigger = dt.timedelta(hours=reminder.hour, minutes=reminder.minute)
    event.add("transp", "TRANSPARENT")
    event.add("status", "CANCELLED" if followup.status == "cancelled" else "CONFIRMED")
    event.add("categories", [followup.step])
    mail = mail_link(followup)
    event.add("description", description(followup, mail))
    link = event_link(followup, mail)
    if link:
        event.add("url", link)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", followup.title)
    alarm.add("trigger", trigger, parameters={"RELATED": "START"})
    event.add_component(alarm)
    return event


def mail_link(followup: FollowUp) -> str | None:
    """The ``mailto:`` link of the follow-up's draft, when it is an e-mail to an address."""
    return mailto(followup.draft) if followup.draft is not None else None


def event_link(followup: FollowUp, mail: str | None) -> str | None:
    """The event's URL: the draft's ``mailto:`` link (``mail``), else a LinkedIn profile."""
    return mail or _profile(followup)


def _profile(followup: FollowUp) -> str | None:
    if followup.step == "linkedin" and followup.person and followup.person.linkedin:
        return followup.person.linkedin
    return None


def description(followup: FollowUp, mail: str | None = None) -> str:
    """Why this date, then the ready-to-send draft and its links.

    ``mail`` is the draft's ``mailto:`` link when the caller has already built it.
    """
    parts = [f"Why this date: {followup.reason}."]
    if followup.status == "cancelled":
        parts.insert(0, "Cancelled: this follow-up is no longer needed.")
    if followup.hint:
        parts.append(followup.hint)
    draft = followup.draft
    if draft is not None:
        header = []
        if draft.to:
            header.append(f"{'Call' if followup.channel == 'phone' else 'To'}: {draft.to}")
        if draft.subject:
            header.append(f"Subject: {draft.subject}")
        parts.append("\n".join([*header, "", draft.body]).strip())
        mail = mail or mail_link(followup)
        if mail:
            parts.append(f"Open it in your mail app: {mail}")
    profile = _profile(followup)
    if profile:
        parts.append(f"Profile: {profile}")
    return "\n\n".join(parts)


def plan_calendar(
    interview: Interview,
    followups: Iterable[FollowUp],
    stamp: dt.datetime,
    reminder: dt.time = dt.time(9, 0),
) -> bytes:
    """The .ics bytes of one interview's plan."""
    cal = _calendar(calendar_name(interview), feed=False)
    for followup in followups:
        cal.add_component(event_for(interview, followup, stamp, reminder))
    data: bytes = cal.to_ical()
    return data


def write_feed(
    out: IO[bytes],
    name: str,
    events: Iterable[tuple[Interview, FollowUp]],
    stamp: dt.datetime,
    reminder: dt.time = dt.time(9, 0),
) -> None:
    """Stream a subscribable calendar of many interviews' events to ``out``.

    Events are serialized one at a time, so memory stays flat however many there are.
    """
    for chunk in feed_chunks(name, events, stamp, reminder):
        out.write(chunk)


def feed_chunks(
    name: str,
    events: Iterable[tuple[Interview, FollowUp]],
    stamp: dt.datetime,
    reminder: dt.time = dt.time(9, 0),
) -> Iterator[bytes]:
    """The feed's bytes in pieces: the calendar header, each event, then the footer."""
    head = _calendar(name, feed=True).to_ical()
    end = b"END:VCALENDAR\r\n"
    yield head[: -len(end)]
    for interview, followup in events:
        yield event_bytes(interview, followup, stamp, reminder)
    yield end


def event_bytes(
    interview: Interview,
    followup: FollowUp,
    stamp: dt.datetime,
    reminder: dt.time = dt.time(9, 0),
    uid: str | None = None,
) -> bytes:
    """One serialized VEVENT, ready to place inside a VCALENDAR."""
    data: bytes = event_for(interview, followup, stamp, reminder, uid).to_ical()
    return data


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


def text(value: str) -> vText:
    """An iCalendar TEXT value (escaping is icalendar's job)."""
    return vText(value)


# ---- reading invitations
#
# Invitations arrive from Google Calendar, Outlook, Teams, Zoom and schedulers, each
# with its own habits (docs in src/afterview/invite.py). This part only turns the file
# into plain values; deciding what they mean for the interview is invite.py's job.

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


def read_invitation(data: bytes, source: str = "invitation") -> Invitation:
    """The events of an iCalendar invitation as plain values, or an InviteError."""
    from .invite import Invitation

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
    from .invite import InviteEvent

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
    return next((c for c in candidates if c and _is_zone(c)), None)


def _is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "Pacific" is a folder
        return False
    return name != "localtime"


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
    from .businessdays import expand_series

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
    from .invite import Attendee

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
# A published feed may be read by anyone who gets its link. ``titles`` keeps what a
# calendar needs to show a day (UID, times, status, the title) and nothing of the
# drafts: no DESCRIPTION, URL, ATTENDEE or ORGANIZER, and no e-mail address, phone
# number or link even inside a title. ``busy`` keeps only the times, titled "Follow-up".
# It works on the serialized lines, so a feed of thousands of interviews is redacted
# at the speed of reading it, one event at a time.

BUSY_TITLE = "Follow-up"
_KEEP_PROPERTIES = frozenset(
    {
        "BEGIN",
        "END",
        "UID",
        "DTSTAMP",
        "SEQUENCE",
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "TRANSP",
        "STATUS",
        "CATEGORIES",
        "ACTION",
        "TRIGGER",
        "DESCRIPTION",  # kept only inside a VALARM, as the redacted title
    }
)
_CALENDAR_PROPERTIES = frozenset(
    {"PRODID", "VERSION", "CALSCALE", "METHOD", "X-WR-CALNAME", "NAME"}
    | {"REFRESH-INTERVAL", "X-PUBLISHED-TTL", "BEGIN"}
)
_HIDDEN = "[hidden]"


def _scrub_patterns() -> tuple[Any, ...]:
    import re

    return (
        re.compile(r"(?i)\b(?:mailto|tel|sms|https?|webcal|ftp):\S+"),
        re.compile(r"(?i)\bwww\.\S+"),
        re.compile(r"[\w.%+\\-]+(?:@|\s*\[at\]\s*)[\w-]+(?:\.[\w-]+)+"),
        # Seven or more digits with spaces, dots, dashes, slashes or brackets between:
        # a phone number in any country's way of writing it.
        re.compile(r"\+?\(?\d(?:[\s().\\/-]*\d){6,}"),
    )


def scrub_text(value: str) -> str:
    """``value`` without e-mail addresses, phone numbers or links (each becomes [hidden])."""
    for pattern in _scrub_patterns():
        value = pattern.sub(_HIDDEN, value)
    return value


def _fold(line: str) -> bytes:
    """One content line folded at 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    pieces: list[bytes] = []
    limit = 75
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # a continuation byte
            cut -= 1
        pieces.append(data[:cut])
        data = data[cut:]
        limit = 74  # the leading space of a continuation line counts
    pieces.append(data)
    return b"\r\n ".join(pieces) + b"\r\n"


def _unfolded(chunk: bytes) -> list[str]:
    text = chunk.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    return [line for line in text.split("\r\n") if line]


def _name_of(line: str) -> str:
    cut = min((i for i in (line.find(":"), line.find(";")) if i >= 0), default=len(line))
    return line[:cut].upper()


def redact_chunk(chunk: bytes, detail: str) -> bytes:
    """One piece of a feed (the header, one VEVENT, or the footer) at ``detail``.

    ``detail`` is ``titles`` or ``busy``; ``full`` returns the chunk as it is.
    """
    if detail == "full":
        return chunk
    if detail not in ("titles", "busy"):
        raise ValueError(f"unknown detail {detail!r}")
    out: list[bytes] = []
    components: list[str] = []
    title = BUSY_TITLE
    for line in _unfolded(chunk):
        name = _name_of(line)
        value = line.split(":", 1)[1] if ":" in line else ""
        if name == "BEGIN":
            components.append(value.upper())
        elif name == "END" and components:
            components.pop()
        inside = components[-1] if components else ""
        if inside == "VCALENDAR" or (name == "END" and value.upper() == "VCALENDAR"):
            if name in _CALENDAR_PROPERTIES or name == "END":
                out.append(_fold(scrub_text(line) if name in ("X-WR-CALNAME", "NAME") else line))
            continue
        if name not in _KEEP_PROPERTIES:
            continue
        if name == "SUMMARY":
            if detail == "titles":
                title = scrub_text(value)
            line = f"SUMMARY:{title}"
        elif name == "DESCRIPTION":
            if inside != "VALARM":
                continue
            line = f"DESCRIPTION:{title}"
        elif name == "CATEGORIES" and detail == "busy":
            continue
        out.append(_fold(line))
    return b"".join(out)


def redact_feed(chunks: Iterable[bytes], detail: str) -> Iterator[bytes]:
    """A feed's pieces (as ``feed_chunks`` gives them) redacted to ``detail``."""
    for chunk in chunks:
        yield redact_chunk(chunk, detail)
