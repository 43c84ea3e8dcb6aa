"""Every calendar afterview writes, read by icalendar, the strict ``ical`` and ical.js.

The calendars: the golden samples, fresh plans of each sample (as planned, cancelled,
and under each of the five policies) and the feed of all samples. The parsers alone
miss LF-only files, long lines, a DTEND before DTSTART and a missing UID or DTSTAMP
(INTEROP.md), so each check also reads the raw text.
"""

from __future__ import annotations

import collections

import pytest
from icalendar import Calendar

from .corpus import CASES, FEED, SAMPLE_NAMES, WITHDRAWN, Load, Subject
from .parsers import Seen, by_ical, by_icalendar, by_icaljs
from .rawtext import event_problems, line_problems, read_components, tzid_problems

pytestmark = pytest.mark.conformance


@pytest.fixture(params=CASES)
def subject(request: pytest.FixtureRequest, load: Load) -> Subject:
    """Each calendar under test, by case name."""
    case: str = request.param
    return load(case)


def three_readings(subject: Subject) -> dict[str, list[Seen]]:
    """The events as each parser reads them, by parser name."""
    return {
        "icalendar": by_icalendar(subject.data),
        "ical": by_ical(subject.data),
        "ical.js": by_icaljs(subject.icaljs),
    }


def test_parses_without_error_in_all_three(subject: Subject) -> None:
    """icalendar, the strict ``ical`` and ical.js all read the calendar and find its events."""
    counts = {name: len(events) for name, events in three_readings(subject).items()}
    assert "error" not in subject.icaljs, subject.icaljs.get("error")
    assert len(set(counts.values())) == 1, counts
    assert counts["icalendar"] == subject.data.count(b"\r\nBEGIN:VEVENT\r\n") > 0


def test_lines_are_crlf_and_folded_at_75_octets(subject: Subject) -> None:
    """Lines end in CRLF only and none is over 75 octets, which no parser checks."""
    assert line_problems(subject.data) == []


def test_every_event_has_uid_dtstamp_and_dtstart(subject: Subject) -> None:
    """Every VEVENT carries exactly one UID, DTSTAMP and DTSTART, as written and as read."""
    assert event_problems(subject.data) == []
    for name, events in three_readings(subject).items():
        for event in events:
            assert event.uid, f"{name}: an event without UID"
            assert event.start, f"{name}: {event.uid} without DTSTART"
            assert event.dtstamp is not False, f"{name}: {event.uid} without DTSTAMP"


def test_every_tzid_has_its_vtimezone(subject: Subject) -> None:
    """Any TZID used names a VTIMEZONE in the same file, for every parser."""
    assert tzid_problems(subject.data) == []
    assert Calendar.from_ical(subject.data).get_missing_tzids() == set()
    defined = set(subject.icaljs["vtimezones"])
    for event in subject.icaljs["events"]:
        assert set(event["tzids"]) <= defined, event["uid"]


def test_events_end_after_they_start(subject: Subject) -> None:
    """All-day DTEND is a later date and timed DTEND a later time, in all three parsers."""
    for name, events in three_readings(subject).items():
        for event in events:
            assert event.end is not None, f"{name}: {event.uid} has no DTEND"
            assert not event.start.startswith("floating"), f"{name}: {event.uid} floats"
            assert len(event.end) == len(event.start), f"{name}: {event.uid} mixes date and time"
            assert event.end > event.start, f"{name}: {event.uid} {event.start}..{event.end}"


def test_uid_date_step_sets_agree(subject: Subject) -> None:
    """The set of (UID, date or UTC time, step) is the same in all three parsers."""
    keys = {name: sorted(e.key for e in events) for name, events in three_readings(subject).items()}
    assert keys["ical"] == keys["icalendar"]
    assert keys["ical.js"] == keys["icalendar"]
    assert len(set(keys["icalendar"])) == len(keys["icalendar"]), "a (UID, date, step) twice"
    assert all(len(key[2].split(",")) == 1 for key in keys["icalendar"]), "one step per event"


def test_text_reads_the_same_in_all_three(subject: Subject) -> None:
    """End, title, description, status and sequence of each event agree across the parsers."""
    readings = {
        name: {e.uid: e.text() for e in events} for name, events in three_readings(subject).items()
    }
    assert readings["ical"] == readings["icalendar"]
    assert readings["ical.js"] == readings["icalendar"]


def test_one_calendar_per_file_and_no_request_method(subject: Subject) -> None:
    """Each file is one VCALENDAR with METHOD:PUBLISH, never REQUEST (one event in Outlook)."""
    (calendar,) = read_components(subject.data)
    assert calendar.name == "VCALENDAR"
    assert [p.value for p in calendar.get("METHOD")] == ["PUBLISH"]
    assert subject.icaljs["method"] == "PUBLISH"


def test_feed_holds_every_sample_plan(load: Load) -> None:
    """The feed of all samples has the (date, step, title) events of their plans together."""
    feed = by_icaljs(load(FEED).icaljs)
    plans = [e for name in SAMPLE_NAMES for e in by_icaljs(load(f"plan/{name}").icaljs)]
    assert len(plans) > len(SAMPLE_NAMES)

    def shape(events: list[Seen]) -> collections.Counter[tuple[str, ...]]:
        return collections.Counter((e.start, *e.steps, e.summary) for e in events)

    assert shape(feed) == shape(plans)


def test_feed_keeps_a_withdrawn_interviews_timeline_cancelled(load: Load) -> None:
    """The withdrawn sample's check-ins and move-on stay in the feed, CANCELLED with SEQUENCE 1."""
    withdrawn = {(e.start, e.summary) for e in by_icaljs(load(f"plan/{WITHDRAWN}").icaljs)}
    cancelled = [e for e in by_icaljs(load(FEED).icaljs) if e.status == "CANCELLED"]
    assert {e.steps for e in cancelled} == {("check-in",), ("move-on",)}
    assert {(e.start, e.summary) for e in cancelled} <= withdrawn
    assert all(e.sequence == 1 for e in cancelled)


def test_cancelled_plans_keep_uids_and_dates(load: Load) -> None:
    """``plan --cancel`` reads, in ical.js too, as the same (UID, date, step) set, all CANCELLED."""
    for name in SAMPLE_NAMES:
        planned = by_icaljs(load(f"plan/{name}").icaljs)
        cancelled = by_icaljs(load(f"cancel/{name}").icaljs)
        assert {e.key for e in cancelled} == {e.key for e in planned}
        assert {e.status for e in cancelled} == {"CANCELLED"}
        assert all(e.sequence is not None and e.sequence > 0 for e in cancelled)


def test_golden_samples_match_fresh_plans(load: Load) -> None:
    """Each golden .ics reads, in ical.js, as the same (UID, date, step) set a fresh plan gives."""
    for name in SAMPLE_NAMES:
        golden = {e.key for e in by_icaljs(load(f"golden/{name}").icaljs)}
        assert golden == {e.key for e in by_icaljs(load(f"plan/{name}").icaljs)}, name
