"""``afterview push``: copy the feed's events into a CalDAV calendar, one resource per UID.

The only module that imports ``caldav``. A push makes the calendar show what the feed
shows: each event in the feed is written (created, or replaced where its UID already
is), a cancelled one is deleted, and an afterview event the tracker no longer has is
deleted too. Events of other candidates and events afterview did not write are left
alone. Each resource is a VCALENDAR with one VEVENT and no METHOD (RFC 4791 4.1),
holding the same bytes the feed serves, so SEQUENCE and DTSTAMP say what changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from caldav.calendarobjectresource import Event
from caldav.collection import Calendar
from caldav.davclient import DAVClient
from caldav.elements import dav
from caldav.lib import error as dav_error

from afterview.errors import AfterviewError, PublishError
from afterview.formats import ics
from afterview.publish import feed
from afterview.tracker.store import Store

TIMEOUT = 30  # seconds for each request to the server
UID_SUFFIX = "@afterview"
_CALENDAR_TYPE = "{urn:ietf:params:xml:ns:caldav}calendar"
_DURATION = re.compile(
    r"(?P<sign>[+-]?)P(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?:(?P<H>\d+)H)?(?:(?P<M>\d+)M)?(?:(?P<S>\d+)S)?)?"
)
_SECONDS = {"W": 604800, "D": 86400, "H": 3600, "M": 60, "S": 1}


@dataclass(frozen=True)
class PushResult:
    """What a push did: events created, updated, deleted and left as they were."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    calendar: str = ""  # the calendar's address (without credentials)


@dataclass(frozen=True)
class _Local:
    uid: str
    cancelled: bool
    body: bytes


def calendar_object(event: bytes) -> bytes:
    """One serialized VEVENT as a CalDAV calendar object resource: a VCALENDAR, no METHOD."""
    head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{ics.PRODID}\r\nCALSCALE:GREGORIAN\r\n"
    return head.encode("utf-8") + event + b"END:VCALENDAR\r\n"


def fingerprint(data: str | bytes) -> tuple[str, ...]:
    """The content lines of the VEVENTs, unfolded and sorted: equal for equal events.

    Servers may reorder properties, refold lines, change line ends or write a duration
    another way (Radicale turns P0D into PT0S) when they store an event; none of that is
    a change worth writing again.
    """
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = re.sub(r"\r?\n[ \t]", "", text.replace("\r\n", "\n"))
    lines: list[str] = []
    inside = 0
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if line.upper() == "BEGIN:VEVENT":
            inside += 1
        if inside and line:
            lines.append(_same_duration(line))
        if line.upper() == "END:VEVENT":
            inside = max(0, inside - 1)
    return tuple(sorted(lines))


def _same_duration(line: str) -> str:
    """A TRIGGER or DURATION line with its value in seconds, however it was written."""
    name, colon, value = line.partition(":")
    if not colon or name.split(";", 1)[0].upper() not in ("TRIGGER", "DURATION"):
        return line
    found = _DURATION.fullmatch(value.strip())
    if found is None:
        return line  # an absolute TRIGGER;VALUE=DATE-TIME
    seconds = sum(int(found[unit] or 0) * size for unit, size in _SECONDS.items())
    return f"{name}:{'-' if found['sign'] == '-' and seconds else ''}{seconds}"


def _local_events(
    store: Store, *, now: dt.datetime, candidate: str | None, reminder: dt.time
) -> list[_Local]:
    """The feed's events, each ready to PUT, with whether it is cancelled."""
    # The store knows each event's UID and status: no need to parse the bytes back.
    events = feed.feed_events(store, now=now, candidate=candidate, reminder=reminder)
    return [
        _Local(uid, status == "cancelled", calendar_object(data)) for uid, status, data in events
    ]


def _uids(store: Store, candidate: str | None) -> set[str]:
    """Every event UID the tracker has for a candidate (None: everyone), ended ones too."""
    return {row.uid for row in store.feed_rows(candidate, dt.date.min, None)}


def push(
    store: Store,
    url: str,
    user: str | None,
    password: str | None,
    *,
    now: dt.datetime,
    candidate: str | None = None,
    calendar_name: str | None = None,
    reminder: dt.time = feed.DEFAULT_REMINDER,
    timeout: int = TIMEOUT,
) -> PushResult:
    """Make the CalDAV calendar at ``url`` show the feed (everyone's, or one candidate's).

    ``url`` is a calendar's address, or the server's (or your account's) address: then
    the calendar named ``calendar_name`` (default: the feed's name) is used, and made
    when it does not exist. Problems with the server come back as one-line PublishErrors.
    """
    shown = _display(url)
    if urlsplit(url).scheme not in ("http", "https"):
        raise PublishError(
            f"{shown}: give the http:// or https:// address of a calendar", hint="--caldav URL"
        )
    local = _local_events(store, now=now, candidate=candidate, reminder=reminder)
    others = _uids(store, None) - _uids(store, candidate) if candidate else set()
    name = calendar_name or feed.feed_name(candidate)
    try:
        client: Any = DAVClient(
            url=url,
            username=user or None,
            password=password,
            timeout=timeout,
            enable_rfc6764=False,
        )
        with client:
            calendar = _find_calendar(client, url, name, shown, user)
            return _sync(calendar, local, others)
    except AfterviewError:
        raise
    except dav_error.AuthorizationError as problem:
        raise _refused(problem, shown, user) from None
    except dav_error.NotFoundError:
        raise PublishError(
            f"no calendar at {shown}: give the address of a CalDAV calendar, or of your "
            "account on the server"
        ) from None
    except dav_error.PropfindError as problem:
        raise PublishError(
            f"{shown} does not answer as a CalDAV server ({_reason(problem)}): give the "
            "address of a calendar, or of your account on the server"
        ) from None
    except dav_error.DAVError as problem:
        raise PublishError(
            f"the CalDAV server at {shown} refused the push ({_reason(problem)})"
        ) from None
    except OSError as problem:  # the HTTP library's connection errors are OSErrors
        raise PublishError(
            f"cannot reach the CalDAV server at {shown} ({_network_reason(problem)}): "
            "is it running, and is the address right?"
        ) from None


def _find_calendar(client: Any, url: str, name: str, shown: str, user: str | None) -> Any:
    """The calendar at ``url``, or the one called ``name`` in the account ``url`` leads to."""
    target: Any = Calendar(client=client, url=url)
    kinds = target.get_properties([dav.ResourceType()]).get("{DAV:}resourcetype") or []
    if _CALENDAR_TYPE in (kinds if isinstance(kinds, list) else [kinds]):
        return target
    try:
        principal = client.principal()
        calendars = principal.get_calendars()
    except dav_error.AuthorizationError:
        raise
    except dav_error.DAVError:
        who = f" for {user}" if user else ""
        raise PublishError(
            f"{shown} is not a CalDAV calendar, and the server names no calendars{who} "
            "there: give the calendar's own address"
        ) from None
    for calendar in calendars:
        if calendar.get_display_name() == name:
            return calendar
    return principal.make_calendar(name=name)


def _sync(calendar: Any, local: list[_Local], others: set[str]) -> PushResult:
    remote: dict[str, Any] = {}
    for item in calendar.get_events():
        uid = item.id
        if uid:
            remote[str(uid)] = item
    created = updated = unchanged = 0
    live = {event.uid for event in local if not event.cancelled}
    for event in local:
        if event.cancelled:
            continue
        existing = remote.get(event.uid)
        if existing is None:
            Event(client=calendar.client, parent=calendar).save(raw_data=event.body)
            created += 1
        elif fingerprint(existing.data) == fingerprint(event.body):
            unchanged += 1
        else:
            # PUT where the UID already lives: a server or another client may have named it.
            Event(client=calendar.client, parent=calendar, url=existing.url).save(
                raw_data=event.body
            )
            updated += 1
    gone = _to_delete(remote, live, others)
    for uid in gone:
        remote[uid].delete()
    return PushResult(created, updated, len(gone), unchanged, _display(str(calendar.url)))


def _to_delete(remote: dict[str, Any], live: set[str], others: Iterable[str]) -> list[str]:
    """afterview's events on the server that the feed no longer shows as planned."""
    skip = live | set(others)
    return sorted(uid for uid in remote if uid.endswith(UID_SUFFIX) and uid not in skip)


def _display(url: str) -> str:
    """The address without any user:password@ in it, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _reason(problem: dav_error.DAVError) -> str:
    """The HTTP status the server gave (``405 Method Not Allowed``), else caldav's reason."""
    status = re.search(r"\b[1-5][0-9][0-9] [A-Z][A-Za-z -]*[a-z]", str(problem))
    if status:
        return status[0]
    reason = getattr(problem, "reason", None)
    if reason and reason != "no reason":
        return _one_line(str(reason))
    return type(problem).__name__


def _refused(problem: dav_error.AuthorizationError, shown: str, user: str | None) -> PublishError:
    who = f"user '{user}'" if user else "the push (no user given)"
    if "forbidden" in _reason(problem).lower():
        return PublishError(
            f"the CalDAV server at {shown} does not let {who} write there: give the address "
            "of a calendar of your own"
        )
    return PublishError(
        f"the CalDAV server at {shown} refused {who}: check the user name and the password",
        hint="--user NAME, and --password-env names the variable that holds the password",
    )


def _network_reason(problem: OSError) -> str:
    text = str(problem).lower()
    for clue, reason in (
        ("refused", "connection refused"),
        ("resolve", "unknown host"),
        ("name or service", "unknown host"),
        ("timed out", "timed out"),
        ("timeout", "timed out"),
        ("certificate", "its TLS certificate is not trusted"),
        ("ssl", "TLS failed"),
    ):
        if clue in text:
            return reason
    return _one_line(problem.strerror or type(problem).__name__)


__all__ = ["PushResult", "calendar_object", "fingerprint", "push"]
