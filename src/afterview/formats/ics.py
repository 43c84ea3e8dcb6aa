"""Plans as iCalendar: what Google Calendar, Outlook and Apple Calendar import.

The only module that imports ``icalendar``. Choices follow what those clients
really do (see "In your calendar" in the README): timed events in UTC so no VTIMEZONE can be
misread, all-day events with an exclusive DTEND, one relative DISPLAY alarm, the
links repeated in DESCRIPTION because Google hides URL, METHOD:PUBLISH."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

from icalendar import Alarm, Calendar, Event, vDuration, vText

from afterview import __version__
from afterview.core.drafts import mailto, tel
from afterview.formats.eventcodec import uid_for
from afterview.model import FollowUp, Interview

if TYPE_CHECKING:
    # Only reading an invitation needs these; plan and feed never load invite.py.
    pass


PRODID = f"-//afterview//afterview {__version__}//EN"


REFRESH = dt.timedelta(hours=12)


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
    uid: str,
    zone: str,
    followup: FollowUp,
    stamp: dt.datetime,
    reminder: dt.time = dt.time(9, 0),
) -> Event:
    """One VEVENT for one follow-up; ``stamp`` is DTSTAMP (UTC).

    All an event needs of its interview is its UID (``eventcodec.uid_for``) and the time
    zone that turns a timed follow-up's local start into UTC.
    """
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("sequence", followup.sequence)
    event.add("summary", followup.title)
    if followup.start is not None:
        start = followup.start.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC)
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
    """The event's URL: the draft's ``mailto:`` link (``mail``) or ``tel:`` link, else a
    LinkedIn profile."""
    return mail or _dial(followup) or _profile(followup)


def _dial(followup: FollowUp) -> str | None:
    if followup.channel != "phone" or followup.draft is None:
        return None
    return tel(followup.draft)


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
        dial = _dial(followup)
        if dial:
            parts.append(f"Call from your phone: {dial}")
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
        uid = uid_for(interview.key, followup)
        cal.add_component(event_for(uid, interview.timezone, followup, stamp, reminder))
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
        uid = uid_for(interview.key, followup)
        yield event_bytes(uid, interview.timezone, followup, stamp, reminder)
    yield end


def event_bytes(
    uid: str,
    zone: str,
    followup: FollowUp,
    stamp: dt.datetime,
    reminder: dt.time = dt.time(9, 0),
) -> bytes:
    """One serialized VEVENT, ready to place inside a VCALENDAR."""
    data: bytes = event_for(uid, zone, followup, stamp, reminder).to_ical()
    return data


def warm() -> None:
    """Serialize one made-up event, so the first real one finds the library's parts ready.

    A publish forked ahead of a change calls this while it waits: icalendar compiles its
    patterns on first use.
    """
    day = dt.date(2026, 1, 5)
    step = FollowUp("check-in", day, "warming up", "Check in", number=1, of=1)
    event_bytes("warm@afterview", "UTC", step, dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
