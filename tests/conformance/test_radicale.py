"""A round trip through a real CalDAV server: Radicale, started on 127.0.0.1 for these tests.

Each golden sample and the feed go in two ways: event by event (one UID per resource,
no METHOD, the VTIMEZONEs it needs, as RFC 4791 4.1 wants) and as a whole calendar
PUT on a new collection. Then a REPORT calendar-query reads them back, and the events
must be the ones we wrote. Nothing here talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from loopback import free_port, stop

from .corpus import FEED, GOLDEN, Load
from .parsers import Seen, by_ical, by_icalendar
from .rawtext import event_resources, read_components

pytestmark = pytest.mark.conformance

USER = "afterview"  # any name: auth is "none", but owner_only rights want a user
START_TIMEOUT = 30.0  # seconds for Radicale to answer
HTTP_TIMEOUT = 10.0
DAV, CALDAV = "DAV:", "urn:ietf:params:xml:ns:caldav"
CALENDAR_QUERY = b"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter>
    <C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter>
  </C:filter>
</C:calendar-query>
"""
ROUND_TRIPS = (*GOLDEN, FEED)


@dataclass(frozen=True)
class Server:
    """A running Radicale: an HTTP client bound to its 127.0.0.1 address, and its log."""

    client: httpx.Client
    log: Path

    def home(self, name: str) -> str:
        """A collection path in the test user's home."""
        return f"/{USER}/{name.replace('/', '-')}/"


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Radicale on a free 127.0.0.1 port with empty storage and no auth, always stopped after."""
    folder = tmp_path_factory.mktemp("radicale")
    port = free_port()
    log = folder / "radicale.log"
    command = [
        sys.executable,
        "-m",
        "radicale",
        "--config",
        "",  # no system or user config file
        "--server-hosts",
        f"127.0.0.1:{port}",
        "--storage-filesystem-folder",
        str(folder / "storage"),
        "--auth-type",
        "none",
        "--logging-level",
        "warning",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    # trust_env=False: no proxy from the environment, only the server we started.
    client = httpx.Client(
        base_url=f"http://127.0.0.1:{port}",
        auth=(USER, "unused"),
        timeout=HTTP_TIMEOUT,
        trust_env=False,
    )
    try:
        _wait_until_it_answers(client, process, log)
        yield Server(client, log)
    finally:
        client.close()
        stop(process)


def _wait_until_it_answers(
    client: httpx.Client, process: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"radicale exited with {process.returncode}:\n{log.read_text()}")
        try:
            client.request("PROPFIND", "/", headers={"Depth": "0"})
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"radicale did not answer within {START_TIMEOUT} s:\n{log.read_text()}")


def make_calendar(server: Server, path: str) -> None:
    """MKCALENDAR a fresh, empty calendar collection."""
    answer = server.client.request("MKCALENDAR", path)
    assert answer.status_code == 201, f"MKCALENDAR {path}: {answer.status_code} {answer.text}"


def query(server: Server, path: str) -> dict[str, bytes]:
    """REPORT calendar-query on a collection: each resource's href and calendar data."""
    answer = server.client.request(
        "REPORT",
        path,
        content=CALENDAR_QUERY,
        headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
    )
    assert answer.status_code == 207, f"REPORT {path}: {answer.status_code} {answer.text}"
    found = {}
    for response in ET.fromstring(answer.content).iter(f"{{{DAV}}}response"):
        href = response.findtext(f"{{{DAV}}}href", "")
        data = response.findtext(f".//{{{CALDAV}}}calendar-data")
        if data is not None:
            # XML turns CRLF into LF; put the iCalendar line ends back.
            found[href] = data.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
    return found


def by_uid(events: list[Seen]) -> dict[str, Seen]:
    """Events keyed by UID, refusing a UID seen twice."""
    keyed = {event.uid: event for event in events}
    assert len(keyed) == len(events), "a UID twice"
    return keyed


def comparable(event: Seen) -> tuple[object, ...]:
    """What must survive the server: UID, start, end, title, step, description, status."""
    return (
        event.uid,
        event.start,
        event.end,
        event.summary,
        event.steps,
        event.description,
        event.status,
    )


def assert_same_events(back: list[Seen], original: list[Seen]) -> None:
    """The events read back are the original ones, field by field."""
    theirs, ours = by_uid(back), by_uid(original)
    assert sorted(theirs) == sorted(ours)
    for uid, event in ours.items():
        assert comparable(theirs[uid]) == comparable(event), uid


@pytest.mark.parametrize("case", ROUND_TRIPS)
def test_each_event_round_trips_as_its_own_resource(
    case: str, load: Load, radicale: Server
) -> None:
    """Each event PUT as its own resource (one UID, no METHOD) comes back unchanged from REPORT."""
    data = load(case).data
    path = radicale.home(f"events-{case}")
    make_calendar(radicale, path)
    resources = event_resources(data)
    assert resources
    hrefs = {}
    for uid, text in resources:
        (calendar,) = read_components(text)
        assert not calendar.get("METHOD")
        assert [e.get("UID")[0].value for e in calendar.walk("VEVENT")] == [uid]
        href = f"{path}{quote(uid, safe='')}.ics"
        answer = radicale.client.put(
            href,
            content=text,
            headers={"Content-Type": "text/calendar; charset=utf-8", "If-None-Match": "*"},
        )
        assert answer.status_code == 201, f"PUT {uid}: {answer.status_code} {answer.text}"
        hrefs[href] = uid
    stored = query(radicale, path)
    assert set(stored) == set(hrefs)
    back: list[Seen] = []
    for href, text in stored.items():
        (event,) = by_icalendar(text)
        assert event.uid == hrefs[href]
        back.append(event)
    assert_same_events(back, by_icalendar(data))
    for href in hrefs:  # and plain GET gives the same resource, readable by the strict parser
        answer = radicale.client.get(href)
        assert answer.status_code == 200
        (strict,) = by_ical(answer.content)
        assert comparable(strict) == comparable(by_uid(back)[hrefs[href]])


@pytest.mark.parametrize("case", ROUND_TRIPS)
def test_whole_calendar_round_trips_as_a_collection(
    case: str, load: Load, radicale: Server
) -> None:
    """The whole file PUT as a new calendar collection comes back, one resource per UID."""
    data = load(case).data
    path = radicale.home(f"whole-{case}")
    answer = radicale.client.put(
        path, content=data, headers={"Content-Type": "text/calendar; charset=utf-8"}
    )
    assert answer.status_code == 201, f"PUT {path}: {answer.status_code} {answer.text}"
    stored = query(radicale, path)
    back = [event for text in stored.values() for event in by_icalendar(text)]
    assert len(back) == len(stored), "one event per resource"
    assert_same_events(back, by_icalendar(data))
    whole = radicale.client.get(path)
    assert whole.status_code == 200
    assert_same_events(by_ical(whole.content), by_ical(data))
