"""afterview push: the feed's events into a real Radicale server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from afterview.errors import PublishError
from afterview.formats import icsread
from afterview.publish import feed
from afterview.publish.caldav import calendar_object, fingerprint, push
from afterview.tracker import commands as tracker
from afterview.tracker import queries
from afterview.tracker.store import Store
from loopback import free_port, start_radicale, stop
from trackerdata import stored_actions

NOW = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)
RENDER = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)
USER = "alice"
PASSWORD = "s3cret-pw"
TIMEOUT = 15.0


def interview(company: str, candidate: str | None = None) -> str:
    """A New York interview on 25 November 2026 with one interviewer."""
    who = f'candidate = "{candidate}"\n' if candidate else ""
    return (
        f'company = "{company}"\nrole = "Senior Data Engineer"\nstart = 2026-11-25T14:00:00\n'
        'timezone = "America/New_York"\ncountry = "US"\nsubdivision = "NY"\n'
        f'decision = "by Friday"\n{who}\n'
        '[[interviewers]]\nname = "Dana Lee"\nemail = "dana.lee@northwind.example"\n'
    )


@dataclass(frozen=True)
class Radicale:
    """A running Radicale server: its address and an HTTP client logged in as alice."""

    base: str
    http: httpx.Client


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """Radicale on a free loopback port, plain htpasswd auth, storage in a temp folder."""
    process, base = start_radicale(tmp_path_factory.mktemp("radicale"), USER, PASSWORD)
    try:
        with httpx.Client(base_url=base, auth=(USER, PASSWORD), timeout=TIMEOUT) as http:
            yield Radicale(base, http)
    finally:
        stop(process)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A tracker with Northwind (no candidate) and Acme (for Sam Roe)."""
    with Store(tmp_path / "tracker.db") as opened:
        tracker.add(opened, interview("Northwind Traders"), now=NOW)
        tracker.add(opened, interview("Acme Rockets", candidate="Sam Roe"), now=NOW)
        yield opened


def make_calendar(server: Radicale, name: str) -> str:
    """A new, empty calendar collection made with MKCALENDAR; its address."""
    path = f"/{USER}/{name}/"
    response = server.http.request("MKCALENDAR", path)
    assert response.status_code == 201, response.text
    return server.base + path


def resources(server: Radicale, calendar: str) -> dict[str, bytes]:
    """Each calendar object resource of a calendar, read back with plain WebDAV: href -> bytes."""
    listing = server.http.request(
        "PROPFIND",
        calendar,
        headers={"Depth": "1"},
        content=b'<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>',
    )
    assert listing.status_code == 207
    hrefs = [e.text or "" for e in ElementTree.fromstring(listing.content).iter("{DAV:}href")]
    own = httpx.URL(calendar).path
    return {h: server.http.get(h).content for h in hrefs if h.endswith(".ics") and h != own}


def events_on(server: Radicale, calendar: str) -> dict[str, dict[str, Any]]:
    """The events of a calendar by UID, each from its own resource with exactly one VEVENT."""
    found: dict[str, dict[str, Any]] = {}
    for data in resources(server, calendar).values():
        assert b"METHOD:" not in data  # RFC 4791 4.1: no METHOD in a calendar object
        events = icsread.read_events(data)
        assert len(events) == 1
        found[events[0]["uid"]] = events[0]
    return found


def feed_events(store: Store, now: dt.datetime, candidate: str | None = None) -> dict[str, Any]:
    """The feed's events by UID."""
    data, _ = feed.render_feed(store, now=now, candidate=candidate)
    return {e["uid"]: e for e in icsread.read_events(data)}


def planned(events: dict[str, Any]) -> dict[str, Any]:
    """The events that are not cancelled."""
    return {uid: e for uid, e in events.items() if e["status"] != "CANCELLED"}


# ---------------------------------------------------------------------------- round trip


def test_push_round_trip_through_radicale(radicale: Radicale, store: Store) -> None:
    """Push, read back, record a reply, push again: ended check-ins go, the rest stay as is."""
    calendar = make_calendar(radicale, "round-trip")
    first = push(store, calendar, USER, PASSWORD, now=NOW)
    shown = planned(feed_events(store, NOW))
    assert (first.created, first.updated, first.deleted, first.unchanged) == (len(shown), 0, 0, 0)
    assert first.calendar == calendar
    before = events_on(radicale, calendar)
    assert before == shown

    again = push(store, calendar, USER, PASSWORD, now=NOW)
    assert (again.created, again.updated, again.deleted, again.unchanged) == (0, 0, 0, len(shown))

    northwind = next(t.id for t in queries.list_interviews(store, today=NOW.date()))
    tracker.set_status(store, northwind, "replied", on=dt.date(2026, 12, 1), now=LATER)
    ended = {a.uid for a in stored_actions(store, northwind) if a.status == "cancelled"}
    assert len(ended) == 2  # the second check-in and the move-on date
    after_reply = push(store, calendar, USER, PASSWORD, now=RENDER)
    assert (after_reply.created, after_reply.updated, after_reply.deleted) == (0, 0, 2)
    assert after_reply.unchanged == len(shown) - 2
    after = events_on(radicale, calendar)
    assert set(after) == set(before) - ended
    assert after == {uid: event for uid, event in before.items() if uid not in ended}
    assert after == planned(feed_events(store, RENDER))

    last = push(store, calendar, USER, PASSWORD, now=RENDER)
    assert (last.created, last.updated, last.deleted, last.unchanged) == (0, 0, 0, len(after))


def test_push_to_an_account_makes_the_named_calendar(radicale: Radicale, store: Store) -> None:
    """Given the server's address, push finds or makes a calendar named after the feed."""
    result = push(store, radicale.base + "/", USER, PASSWORD, now=NOW, candidate="Sam Roe")
    assert result.created == len(planned(feed_events(store, NOW, "Sam Roe")))
    calendar = result.calendar
    name = radicale.http.request(
        "PROPFIND",
        calendar,
        headers={"Depth": "0"},
        content=b'<propfind xmlns="DAV:"><prop><displayname/></prop></propfind>',
    )
    assert b"Follow-ups: Sam Roe (afterview)" in name.content
    assert all(e["summary"].startswith("Sam Roe: ") for e in events_on(radicale, calendar).values())
    again = push(store, radicale.base + "/", USER, PASSWORD, now=NOW, candidate="Sam Roe")
    assert again.calendar == calendar and again.created == 0


def test_push_rewrites_an_event_edited_on_the_server(radicale: Radicale, store: Store) -> None:
    """An event changed on the server is written back under its UID, at its own address."""
    calendar = make_calendar(radicale, "edited")
    push(store, calendar, USER, PASSWORD, now=NOW)
    href, data = sorted(resources(radicale, calendar).items())[0]
    edited = data.replace(b"SUMMARY:", b"SUMMARY:Edited ", 1)
    assert radicale.http.put(href, content=edited).status_code in (201, 204)
    result = push(store, calendar, USER, PASSWORD, now=NOW)
    assert (result.updated, result.created, result.deleted) == (1, 0, 0)
    assert href in resources(radicale, calendar)
    assert events_on(radicale, calendar) == planned(feed_events(store, NOW))


def test_push_leaves_other_events_and_candidates_alone(radicale: Radicale, store: Store) -> None:
    """Foreign events and other candidates' stay; afterview events no one tracks are removed."""
    calendar = make_calendar(radicale, "shared")
    push(store, calendar, USER, PASSWORD, now=NOW)
    dentist = calendar_object(
        b"BEGIN:VEVENT\r\nUID:dentist@example.org\r\nDTSTAMP:20261120T100000Z\r\n"
        b"DTSTART;VALUE=DATE:20261203\r\nDTEND;VALUE=DATE:20261204\r\nSUMMARY:Dentist\r\n"
        b"END:VEVENT\r\n"
    )
    orphan = dentist.replace(b"dentist@example.org", b"0000-gone@afterview")
    for name, body in (("dentist.ics", dentist), ("orphan.ics", orphan)):
        assert radicale.http.put(calendar + name, content=body).status_code == 201
    result = push(store, calendar, USER, PASSWORD, now=NOW, candidate="Sam Roe")
    assert result.deleted == 1  # the orphan; Northwind's events belong to another feed
    on_server = set(events_on(radicale, calendar))
    assert "dentist@example.org" in on_server and "0000-gone@afterview" not in on_server
    assert planned(feed_events(store, NOW)).keys() <= on_server


# ---------------------------------------------------------------------------- errors


def test_wrong_password_is_one_clear_line(radicale: Radicale, store: Store) -> None:
    """A refused login names the user and how to fix it, on one line, without the password."""
    with pytest.raises(PublishError) as caught:
        push(store, radicale.base + f"/{USER}/", USER, "wrong-password", now=NOW)
    message = str(caught.value)
    assert "refused user 'alice'" in message and "--password-env" not in message
    assert caught.value.hint is not None and "--password-env" in caught.value.hint
    assert caught.value.exit_code == 12
    assert "\n" not in message and "wrong-password" not in message


def test_someone_elses_calendar_is_refused(radicale: Radicale, store: Store) -> None:
    """Writing into another account's calendar is refused with a one-line explanation."""
    with pytest.raises(PublishError, match="does not let user 'alice' write there"):
        push(store, radicale.base + "/bob/calendar/", USER, PASSWORD, now=NOW)


def test_missing_calendar_is_one_clear_line(radicale: Radicale, store: Store) -> None:
    """An address with no calendar behind it says so, on one line."""
    with pytest.raises(PublishError) as caught:
        push(store, radicale.base + f"/{USER}/no-such-calendar/", USER, PASSWORD, now=NOW)
    assert str(caught.value).startswith("no calendar at ")
    assert "\n" not in str(caught.value)


def test_unreachable_server_is_one_clear_line(store: Store) -> None:
    """Nothing listening on the port gives a one-line error, quickly, with no credentials in it."""
    port = free_port()
    url = f"http://{USER}:{PASSWORD}@127.0.0.1:{port}/{USER}/calendar/"
    started = time.monotonic()
    with pytest.raises(PublishError) as caught:
        push(store, url, None, None, now=NOW, timeout=5)
    message = str(caught.value)
    assert message.startswith(f"cannot reach the CalDAV server at http://127.0.0.1:{port}/")
    assert "connection refused" in message
    assert "\n" not in message and PASSWORD not in message
    assert time.monotonic() - started < 10


def test_only_http_addresses_are_taken(store: Store) -> None:
    """An address that is not http(s) is refused before anything is sent."""
    with pytest.raises(PublishError, match="http:// or https://"):
        push(store, "webcal://127.0.0.1/feed.ics", USER, PASSWORD, now=NOW)


def test_fingerprint_ignores_how_a_server_rewrites_an_event() -> None:
    """Reordered properties, refolded lines, LF ends and PT0S for P0D are the same event."""
    ours = calendar_object(
        b"BEGIN:VEVENT\r\nUID:a@afterview\r\n"
        b"SUMMARY:Send a thank-you note to Dana Lee at Northwi\r\n nd Traders\r\n"
        b"BEGIN:VALARM\r\nTRIGGER;RELATED=START:P0D\r\nEND:VALARM\r\nEND:VEVENT\r\n"
    )
    theirs = (
        b"BEGIN:VCALENDAR\nBEGIN:VEVENT\n"
        b"SUMMARY:Send a thank-you note to Dana Lee at Northwind Tr\n aders\n"
        b"UID:a@afterview\nBEGIN:VALARM\nTRIGGER;RELATED=START:PT0S\nEND:VALARM\n"
        b"END:VEVENT\nEND:VCALENDAR\n"
    )
    assert fingerprint(ours) == fingerprint(theirs)
    assert fingerprint(ours) != fingerprint(ours.replace(b"P0D", b"PT9H"))
