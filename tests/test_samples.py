"""The samples and their golden .ics files: fresh plans match them, and their dates are right.

A golden file is what ``afterview plan samples/<name>.toml`` wrote once, after its dates
were checked by eye; ``tests/regen_golden.py`` writes them, the tests never do. Goldens
are compared semantically (both files parsed, events matched by UID, DTSTAMP ignored).
The dates are also checked against tables derived by hand below, from a printed
calendar, the holidays library (0.109) and POLICIES.md, never from afterview's output.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from afterview.policies import BUILT_IN

PlanIcs = Callable[..., bytes]  # the conftest fixture's type

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"
SAMPLES = sorted(SAMPLES_DIR.glob("*.toml"))
NAMES = [path.stem for path in SAMPLES]
POLICIES = ("standard", "biweekly", "three-strikes", "deadline", "minimal")

D = dt.date
Row = tuple[str, dt.date]

# (step, local date) for every event of each sample; a step appears once per event, so
# a thank-you to two people is two rows. Notation as in POLICIES.md: I interview date,
# E its end, S the date they gave, bd(D, n) the n-th business day after D, roll(D) D or
# the next business day.
DATES: dict[str, list[Row]] = {
    # US-NY, Sat-Sun weekend. I = Wed 25 Nov 2026, E = 15:00.
    # NY holidays: Thu 26 Nov Thanksgiving (Fri 27 Nov is not one), Fri 25 Dec Christmas.
    # Interviewers: Dana Lee (contact, LinkedIn profile), Omar Haddad (no profile).
    # thank-you x2: I (16:00, E + 1 h).
    # handwritten-note x2 and linkedin x1 (Dana only): bd(I, 1) = Fri 27 Nov (Thu 26 skipped).
    # S = "by Friday" = the first Friday after I = Fri 27 Nov.
    # check-in 1 = bd(S, 1) = Mon 30 Nov.
    # check-in 2 = bd(Mon 30 Nov, 5): Tue 1, Wed 2, Thu 3, Fri 4, Mon 7 -> Mon 7 Dec.
    # move-on = bd(Mon 7 Dec, 5): Tue 8, Wed 9, Thu 10, Fri 11, Mon 14 -> Mon 14 Dec.
    "standard-thanksgiving": [
        ("thank-you", D(2026, 11, 25)),
        ("thank-you", D(2026, 11, 25)),
        ("handwritten-note", D(2026, 11, 27)),
        ("handwritten-note", D(2026, 11, 27)),
        ("linkedin", D(2026, 11, 27)),
        ("check-in", D(2026, 11, 30)),
        ("check-in", D(2026, 12, 7)),
        ("move-on", D(2026, 12, 14)),
    ],
    # GB-ENG, Sat-Sun weekend. I = Tue 22 Dec 2026, E = 11:30.
    # ENG holidays: Fri 25 Dec Christmas, Sat 26 Dec Boxing Day (observed Mon 28 Dec),
    # Fri 1 Jan 2027 New Year; none after that until Good Friday 26 Mar 2027.
    # Interviewers: Harriet Cole (first, so the contact; linkedin_ok = true), Ben Okafor
    # (profile, but never said yes: no request under biweekly).
    # thank-you x2: I (12:00, E + 30 min).
    # handwritten-note x2 and linkedin x1 (Harriet): bd(I, 1) = Wed 23 Dec.
    # S = "within two weeks" = I + 14 days = Tue 5 Jan 2027.
    # check-in 1 = bd(S, 1) = Wed 6 Jan; check-in 2 = roll(Wed 6 Jan + 14) = Wed 20 Jan;
    # check-in 3 = roll(Wed 20 Jan + 14) = Wed 3 Feb; move-on = roll(Wed 3 Feb + 14) = Wed 17 Feb.
    "biweekly-christmas": [
        ("thank-you", D(2026, 12, 22)),
        ("thank-you", D(2026, 12, 22)),
        ("handwritten-note", D(2026, 12, 23)),
        ("handwritten-note", D(2026, 12, 23)),
        ("linkedin", D(2026, 12, 23)),
        ("check-in", D(2027, 1, 6)),
        ("check-in", D(2027, 1, 20)),
        ("check-in", D(2027, 2, 3)),
        ("move-on", D(2027, 2, 17)),
    ],
    # US-IL, Sat-Sun weekend. I = Mon 27 Dec 2027, E = 16:00.
    # IL holidays: Fri 24 Dec Christmas (observed), Fri 31 Dec New Year (observed for
    # Sat 1 Jan 2028), Mon 17 Jan 2028 MLK Day.
    # debrief: I (16:00, at E); thank-you: I (17:00, E + 1 h).
    # S = "end of the week": the week ends Sun 2 Jan; Sat 1 Jan and Fri 31 Dec are not
    # business days, so S = Thu 30 Dec.
    # check-in = bd(S, 1): Fri 31 Dec, Sat 1, Sun 2 skipped -> Mon 3 Jan 2028.
    # move-on = later of roll(I + 1 month) = Thu 27 Jan 2028 and bd(Mon 3 Jan, 5) =
    # Mon 10 Jan -> Thu 27 Jan 2028.
    "deadline-new-year": [
        ("debrief", D(2027, 12, 27)),
        ("thank-you", D(2027, 12, 27)),
        ("check-in", D(2028, 1, 3)),
        ("move-on", D(2028, 1, 27)),
    ],
    # US-CA, Sat-Sun weekend. I = Mon 30 Nov 2026, E = 17:00; no follow-ups wanted.
    # CA holidays: Fri 25 Dec Christmas, Fri 1 Jan 2027 New Year.
    # thank-you: I (18:00, E + 1 h; that is 02:00 UTC on Tue 1 Dec, but the local date is I).
    # S = 2026-12-11 (Fri). No check-ins are written, but move-on counts them:
    # check-in 1 = bd(S, 1) = Mon 14 Dec; check-in 2 = roll(S + 14) = roll(Fri 25 Dec,
    # Christmas) = Mon 28 Dec, not before roll(#1 + 7) = Mon 21 Dec.
    # move-on = bd(Mon 28 Dec, 5): Tue 29, Wed 30, Thu 31, (Fri 1 Jan holiday), Mon 4,
    # Tue 5 -> Tue 5 Jan 2027.
    "minimal-no-follow-ups": [
        ("thank-you", D(2026, 11, 30)),
        ("move-on", D(2027, 1, 5)),
    ],
    # SA, Fri-Sat weekend. I = Mon 21 Sep 2026; no timeline given.
    # SA holidays: Wed 23 Sep 2026 National Day; nothing else until February.
    # thank-you (first contact, all day) = bd(I, 3): Tue 22, (Wed 23 holiday), Thu 24,
    # (Fri 25, Sat 26 weekend), Sun 27 -> Sun 27 Sep.
    # check-in 2 = bd(Sun 27, 3): Mon 28, Tue 29, Wed 30 -> Wed 30 Sep.
    # check-in 3 = bd(Wed 30, 3): Thu 1 Oct, Sun 4, Mon 5 -> Mon 5 Oct.
    # move-on = bd(Mon 5 Oct, 3): Tue 6, Wed 7, Thu 8 -> Thu 8 Oct.
    "three-strikes-riyadh": [
        ("thank-you", D(2026, 9, 27)),
        ("check-in", D(2026, 9, 30)),
        ("check-in", D(2026, 10, 5)),
        ("move-on", D(2026, 10, 8)),
    ],
}

UTC = dt.UTC
# (step, UTC start, minutes) for the timed events: local time converted by hand.
# New York in November is EST (UTC-5), London in December GMT (UTC+0), Chicago in
# December CST (UTC-6), Los Angeles in November PST (UTC-8), so 18:00 there is 02:00Z
# on the next day.
TIMED: dict[str, list[tuple[str, dt.datetime, int]]] = {
    "standard-thanksgiving": [
        ("thank-you", dt.datetime(2026, 11, 25, 21, 0, tzinfo=UTC), 30),
        ("thank-you", dt.datetime(2026, 11, 25, 21, 0, tzinfo=UTC), 30),
    ],
    "biweekly-christmas": [
        ("thank-you", dt.datetime(2026, 12, 22, 12, 0, tzinfo=UTC), 30),
        ("thank-you", dt.datetime(2026, 12, 22, 12, 0, tzinfo=UTC), 30),
    ],
    "deadline-new-year": [
        ("debrief", dt.datetime(2027, 12, 27, 22, 0, tzinfo=UTC), 20),
        ("thank-you", dt.datetime(2027, 12, 27, 23, 0, tzinfo=UTC), 30),
    ],
    "minimal-no-follow-ups": [
        ("thank-you", dt.datetime(2026, 12, 1, 2, 0, tzinfo=UTC), 30),
    ],
    "three-strikes-riyadh": [],
}


# ---------------------------------------------------------------------------- reading


def golden(sample: Path) -> Path:
    """The golden .ics beside a sample."""
    return sample.with_suffix(".ics")


def calendar_fields(data: bytes) -> dict[str, str]:
    """The calendar's own properties that a golden pins (PRODID carries the version).

    icalendar leaves NAME and X-WR-CALNAME as written, so their TEXT escapes are undone
    here: the value matters, not whether a comma was escaped.
    """
    cal = Calendar.from_ical(data)
    keys = ("VERSION", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME")
    return {key: unescape_text(str(cal.get(key))) for key in keys}


def unescape_text(value: str) -> str:
    """An RFC 5545 TEXT value with its escapes undone."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def events(data: bytes) -> dict[str, dict[str, Any]]:
    """Each event's meaningful fields by UID; DTSTAMP changes every run and is left out."""
    found: dict[str, dict[str, Any]] = {}
    for event in Calendar.from_ical(data).events:
        uid = str(event.get("UID"))
        assert uid not in found, f"duplicate UID {uid}"
        found[uid] = {
            "summary": str(event.get("SUMMARY")),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "categories": [str(c) for c in event.categories],
            "status": str(event.get("STATUS", "")),
            "sequence": int(event.get("SEQUENCE", 0)),
            "description": str(event.get("DESCRIPTION", "")),
            "transp": str(event.get("TRANSP", "")),
            "url": str(event.get("URL", "")),
            "alarms": [
                (str(a.get("ACTION")), a.decoded("TRIGGER"), str(a.get("DESCRIPTION", "")))
                for a in event.walk("VALARM")
            ],
        }
    return found


def local_rows(data: bytes, zone: ZoneInfo) -> list[Row]:
    """(step, local date) of every event, timed ones on their date in the interview's zone."""
    rows: list[Row] = []
    for event in Calendar.from_ical(data).events:
        start = event.decoded("DTSTART")
        if isinstance(start, dt.datetime):
            start = start.astimezone(zone).date()
        (step,) = event.categories
        rows.append((str(step), start))
    return sorted(rows)


def zone_of(sample: Path) -> ZoneInfo:
    return ZoneInfo(tomllib.loads(sample.read_text(encoding="utf-8"))["timezone"])


def sample_named(name: str) -> Path:
    return SAMPLES_DIR / f"{name}.toml"


# ---------------------------------------------------------------------------- the set


def test_every_sample_has_a_golden_file() -> None:
    """Each samples/*.toml has its samples/*.ics, and no golden file is left without a sample."""
    assert SAMPLES
    assert [path.name for path in SAMPLES if not golden(path).exists()] == []
    orphans = [p.name for p in SAMPLES_DIR.glob("*.ics") if not p.with_suffix(".toml").exists()]
    assert orphans == []


def test_each_built_in_policy_has_a_sample() -> None:
    """At least one sample uses each built-in policy."""
    used = {tomllib.loads(p.read_text(encoding="utf-8")).get("policy", "standard") for p in SAMPLES}
    assert set(POLICIES) <= used
    assert set(BUILT_IN) <= used


def test_every_sample_has_a_hand_derived_table() -> None:
    """The date tables below cover every sample, and only samples."""
    assert set(DATES) == set(NAMES)
    assert set(TIMED) == set(NAMES)


# ---------------------------------------------------------------------------- goldens


@pytest.mark.parametrize("sample", SAMPLES, ids=NAMES)
def test_fresh_plan_matches_its_golden_file(sample: Path, plan_ics: PlanIcs) -> None:
    """A fresh ``plan`` of the sample has the golden file's events, field by field."""
    fresh = plan_ics(sample)
    expected = golden(sample).read_bytes()
    assert calendar_fields(fresh) == calendar_fields(expected)
    new, old = events(fresh), events(expected)
    missing = sorted(old[uid]["summary"] for uid in set(old) - set(new))
    extra = sorted(new[uid]["summary"] for uid in set(new) - set(old))
    assert (missing, extra) == ([], []), "events differ: run tests/regen_golden.py if intended"
    for uid, event in old.items():
        assert new[uid] == event, uid


@pytest.mark.parametrize("sample", SAMPLES, ids=NAMES)
def test_golden_file_is_well_formed(sample: Path) -> None:
    """The golden file kept its CRLF line ends and 75-octet folding (git did not rewrite it)."""
    data = golden(sample).read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75


@pytest.mark.parametrize("sample", SAMPLES, ids=NAMES)
def test_golden_file_reads_the_same_in_both_parsers(sample: Path) -> None:
    """icalendar and the strict ``ical`` package find the same (UID, start, step) in a golden."""
    data = golden(sample).read_bytes()
    ours = sorted(
        (uid, event["start"].isoformat(), *event["categories"])
        for uid, event in events(data).items()
    )
    strict = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    theirs = sorted((e.uid, e.start.isoformat(), *e.categories) for e in strict.events)
    assert theirs == ours


# ---------------------------------------------------------------------------- dates


@pytest.mark.parametrize("name", sorted(DATES))
@pytest.mark.parametrize("kind", ["golden", "fresh"])
def test_dates_match_the_hand_derived_table(name: str, kind: str, plan_ics: PlanIcs) -> None:
    """Every event of the sample falls on the date worked out by hand above."""
    sample = sample_named(name)
    data = golden(sample).read_bytes() if kind == "golden" else plan_ics(sample)
    assert local_rows(data, zone_of(sample)) == sorted(DATES[name])


@pytest.mark.parametrize("name", sorted(TIMED))
@pytest.mark.parametrize("kind", ["golden", "fresh"])
def test_timed_events_match_the_hand_converted_utc_times(
    name: str, kind: str, plan_ics: PlanIcs
) -> None:
    """The debrief and same-day thank-yous start at the UTC instants converted by hand."""
    sample = sample_named(name)
    data = golden(sample).read_bytes() if kind == "golden" else plan_ics(sample)
    timed = []
    for event in events(data).values():
        start, end = event["start"], event["end"]
        if isinstance(start, dt.datetime):
            minutes = int((end - start).total_seconds() // 60)
            timed.append((event["categories"][0], start, minutes))
    assert sorted(timed) == sorted(TIMED[name])
