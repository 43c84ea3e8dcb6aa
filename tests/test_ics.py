"""The .ics that ``afterview plan`` writes: what calendar clients and strict parsers need.

Every check reads the file the command line wrote, three ways: as raw bytes (line ends,
folding, escaping: what no parser catches, see INTEROP.md), through icalendar, and
through the independent, stricter ``ical`` package. Expected values come from the
interview file (people, topics, time zone) and from a table of every sample's dates,
worked out by hand on the real calendar (``HAND_CHECKED``), never from the .ics itself.
``afterview show --json`` supplies the rest of what the calendar must carry (titles,
reasons, drafts), and its dates are held to the same table first.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest
from click.testing import Result
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

RunCli = Callable[..., Result]  # the conftest fixtures' types
PlanIcs = Callable[..., bytes]

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_NAMES = sorted(path.stem for path in SAMPLES_DIR.glob("*.toml"))

# The public contract: the only values CATEGORIES may hold (one per event).
STEPS = (
    "debrief",
    "thank-you",
    "handwritten-note",
    "linkedin",
    "check-in",
    "move-on",
    "keep-on-file",
)
EMAIL_STEPS = ("thank-you", "check-in", "keep-on-file")
PER_INTERVIEWER = ("thank-you", "handwritten-note", "linkedin")

# Interviews the samples do not cover, planned like the samples.
EXTRA = {
    # A summer evening in New York (EDT, UTC-4): the debrief crosses midnight UTC, the
    # thank-you would start after 21:00 so it moves to 08:30 the next morning, check-ins
    # go by phone, and the non-ASCII text makes folding count octets, not characters.
    "late-unicode-summer": """
candidate = "Zoë Ångström"
company = "株式会社ノースウィンド・トレーダーズ東京支社"
role = "シニアデータエンジニア（プラットフォーム）"
start = 2026-07-14T19:30:00
end = 2026-07-14T20:30:00
timezone = "America/New_York"
country = "US"
subdivision = "NY"
policy = "deadline"
decision = "next week"
channel = "phone"

[[interviewers]]
name = "Ólafur Þórsson"
email = "olafur@northwind.example"
topics = ["on-call"]

[[interviewers]]
name = "Dana Lee"
email = "dana.lee@northwind.example"
phone = "+1 555 0100"
contact = true
topics = ["ストリーミングパイプラインとオンコール体制についての詳しい話", "データモデリング"]
""",
    # Three-strikes with two interviewers and a date: the first contact is a thank-you to
    # each of them, the later contacts are check-ins to the contact person only.
    "three-strikes-pair": """
company = "Qamar Logistics"
role = "Operations Analyst"
start = 2026-10-05T11:00:00
end = 2026-10-05T12:00:00
timezone = "Asia/Riyadh"
country = "SA"
policy = "three-strikes"
decision = "by Thursday"

[[interviewers]]
name = "Layla Al-Harbi"
email = "layla.alharbi@qamar.example"
topics = ["route planning"]

[[interviewers]]
name = "Omar Saleh"
email = "omar.saleh@qamar.example"
contact = true
topics = ["warehouse KPIs"]
""",
}
# Every sample's actions as worked out by hand from POLICIES.md on the real calendar:
# (label, person, local date, local time or None for all-day). Weekdays checked with
# Python's calendar; holidays are those of the employer's country and region.
HAND_CHECKED: dict[str, list[tuple[str, str | None, str, str | None]]] = {
    # GB-ENG, Tue 22 Dec 2026, ends 11:30; "within two weeks" is Tue 5 Jan 2027.
    # Christmas (Fri 25), Boxing Day (Sat 26, observed Mon 28) and 1 Jan fall between.
    "biweekly-christmas": [
        ("thank-you", "Ben Okafor", "2026-12-22", "12:00"),  # 30 minutes after the end
        ("thank-you", "Harriet Cole", "2026-12-22", "12:00"),
        ("handwritten-note", "Ben Okafor", "2026-12-23", None),  # bd(I, 1): Wed
        ("handwritten-note", "Harriet Cole", "2026-12-23", None),
        ("linkedin", "Harriet Cole", "2026-12-23", None),
        ("check-in-1", "Harriet Cole", "2027-01-06", None),  # bd(S, 1): Wed 6 Jan
        ("check-in-2", "Harriet Cole", "2027-01-20", None),  # roll(#1 + 14d)
        ("check-in-3", "Harriet Cole", "2027-02-03", None),  # roll(#2 + 14d)
        ("move-on", None, "2027-02-17", None),  # roll(last + 14d)
    ],
    # US-IL, Mon 27 Dec 2027 15:00-16:00; "end of the week": the week ends Sun 2 Jan,
    # Fri 31 Dec is New Year's Day observed, so S is Thu 30 Dec.
    "deadline-new-year": [
        ("debrief", None, "2027-12-27", "16:00"),
        ("thank-you", "Maria Gonzalez", "2027-12-27", "17:00"),
        ("check-in-1", "Maria Gonzalez", "2028-01-03", None),  # bd(Thu 30 Dec, 1): Mon
        ("move-on", None, "2028-01-27", None),  # roll(I + 1 month), later than bd(#1, 5)
    ],
    # US-CA, Mon 30 Nov 2026, ends 17:00, S = Fri 11 Dec, no follow-ups: the check-ins are
    # counted but not planned: #1 Mon 14 Dec, #2 roll(Fri 25 Dec, Christmas) = Mon 28 Dec,
    # move-on bd(Mon 28 Dec, 5) skipping Fri 1 Jan.
    "minimal-no-follow-ups": [
        ("thank-you", "Priya Raman", "2026-11-30", "18:00"),
        ("move-on", None, "2027-01-05", None),
    ],
    # US-NY, Wed 25 Nov 2026, ends 15:00; Thu 26 Nov is Thanksgiving; "by Friday" is 27 Nov.
    "standard-thanksgiving": [
        ("thank-you", "Dana Lee", "2026-11-25", "16:00"),
        ("thank-you", "Omar Haddad", "2026-11-25", "16:00"),
        ("handwritten-note", "Dana Lee", "2026-11-27", None),  # bd(I, 1) skips Thanksgiving
        ("handwritten-note", "Omar Haddad", "2026-11-27", None),
        ("linkedin", "Dana Lee", "2026-11-27", None),  # the only one with a profile
        ("check-in-1", "Dana Lee", "2026-11-30", None),  # bd(S, 1): Mon
        ("check-in-2", "Dana Lee", "2026-12-07", None),  # bd(#1, 5)
        ("move-on", None, "2026-12-14", None),  # bd(#2, 5)
    ],
    # SA (Friday-Saturday weekend), Mon 21 Sep 2026, no date given; Wed 23 Sep is the
    # National Day holiday.
    "three-strikes-riyadh": [
        ("thank-you", "Layla Al-Harbi", "2026-09-27", None),  # bd(I, 3): Tue, Thu, Sun
        ("check-in-2", "Layla Al-Harbi", "2026-09-30", None),  # Mon, Tue, Wed
        ("check-in-3", "Layla Al-Harbi", "2026-10-05", None),  # Thu, Sun, Mon
        ("move-on", None, "2026-10-08", None),  # Tue, Wed, Thu
    ],
}

CASES = [*SAMPLE_NAMES, *EXTRA]

STANDARD = SAMPLES_DIR / "standard-thanksgiving.toml"
LINKEDIN_PEOPLE = """
company = "Acme Analytics"
role = "Data Engineer"
start = 2026-11-24T10:00:00
end = 2026-11-24T11:00:00
timezone = "America/New_York"
country = "US"
subdivision = "NY"

[[interviewers]]
name = "Ana Ruiz"
email = "ana.ruiz@acme.example"
linkedin = "https://www.linkedin.com/in/ana-ruiz"

[[interviewers]]
name = "Ben Cho"
email = "ben.cho@acme.example"
linkedin = "https://www.linkedin.com/in/ben-cho"
linkedin_ok = false

[[interviewers]]
name = "Cara Diaz"
email = "cara.diaz@acme.example"

[[interviewers]]
name = "Dev Patel"
email = "dev.patel@acme.example"
linkedin = "https://www.linkedin.com/in/dev-patel"
linkedin_ok = true
"""


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Alarm:
    """One VALARM as icalendar reads it."""

    action: str
    trigger: dt.timedelta
    related: str | None
    description: str


@dataclass(frozen=True)
class Event:
    """One VEVENT as icalendar reads it."""

    uid: str
    summary: str
    start: dt.date
    end: dt.date
    categories: tuple[str, ...]
    status: str
    sequence: int | None
    transp: str
    description: str
    url: str | None
    stamp: dt.datetime | None
    alarms: tuple[Alarm, ...]


def read_events(data: bytes) -> list[Event]:
    """The VEVENTs of ``data`` through icalendar."""
    return [_event(component) for component in Calendar.from_ical(data).walk("VEVENT")]


def _event(component: Any) -> Event:
    alarms = tuple(
        Alarm(
            action=str(alarm.get("ACTION")),
            trigger=alarm.decoded("TRIGGER"),
            related=alarm["TRIGGER"].params.get("RELATED"),
            description=str(alarm.get("DESCRIPTION", "")),
        )
        for alarm in component.walk("VALARM")
    )
    sequence = component.get("SEQUENCE")
    url = component.get("URL")
    return Event(
        uid=str(component.get("UID")),
        summary=str(component.get("SUMMARY")),
        start=component.decoded("DTSTART"),
        end=component.decoded("DTEND"),
        categories=tuple(str(c) for c in component.categories),
        status=str(component.get("STATUS", "")),
        sequence=None if sequence is None else int(sequence),
        transp=str(component.get("TRANSP", "")),
        description=str(component.get("DESCRIPTION", "")),
        url=None if url is None else str(url),
        stamp=component.decoded("DTSTAMP") if "DTSTAMP" in component else None,
        alarms=alarms,
    )


def unfolded(data: bytes) -> list[str]:
    """The logical content lines of ``data`` (RFC 5545 3.1 unfolding)."""
    text = data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    return text.split("\r\n")[:-1]


def split_line(line: str) -> tuple[str, str, str]:
    """``NAME;PARAMS:VALUE`` as its three parts (a colon inside quotes is not the split)."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            head, value = line[:index], line[index + 1 :]
            name, _, params = head.partition(";")
            return name.upper(), params, value
    raise AssertionError(f"not a content line: {line!r}")


def raw_properties(data: bytes, component: str) -> list[dict[str, list[tuple[str, str]]]]:
    """Each ``component``'s own properties as written: NAME -> [(params, value)]."""
    found: list[dict[str, list[tuple[str, str]]]] = []
    stack: list[str] = []
    for line in unfolded(data):
        name, params, value = split_line(line)
        if name == "BEGIN":
            stack.append(value.upper())
            if value.upper() == component:
                found.append({})
        elif name == "END":
            stack.pop()
        elif stack and stack[-1] == component:
            found[-1].setdefault(name, []).append((params, value))
    return found


def unescape_text(value: str) -> str:
    """An RFC 5545 TEXT value with its escapes undone."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def is_escaped_text(value: str) -> bool:
    """Whether ``value`` is valid TEXT: no bare comma or semicolon, no stray backslash."""
    return re.fullmatch(r"(?:[^\\,;]|\\[\\;,nN])*", value) is not None


# ---------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Planned:
    """One interview file, the .ics that ``plan`` wrote for it, and the plan it should carry."""

    name: str
    source: Path
    data: bytes
    plan: dict[str, Any]
    interview: dict[str, Any]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.interview["timezone"])

    @property
    def contact(self) -> dict[str, Any]:
        people: list[dict[str, Any]] = self.interview["interviewers"]
        return next((p for p in people if p.get("contact")), people[0])

    def person(self, name: str) -> dict[str, Any]:
        people: list[dict[str, Any]] = self.interview["interviewers"]
        return next(p for p in people if p["name"] == name)

    def planned(self) -> dict[str, dict[str, Any]]:
        """The plan's events by UID."""
        return {e["uid"]: e for e in self.plan["events"]}


def source_for(name: str, folder: Path) -> Path:
    """The interview file of a case: a sample, or an EXTRA written into ``folder``."""
    if name in EXTRA:
        path = folder / f"{name}.toml"
        path.write_text(EXTRA[name], encoding="utf-8")
        return path
    return SAMPLES_DIR / f"{name}.toml"


def show_json(run_cli: RunCli, source: Path, *args: str) -> dict[str, Any]:
    """``afterview show FILE --json``: the plan as the command line reports it."""
    result = run_cli("show", source, "--json", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(params=CASES)
def planned(
    request: pytest.FixtureRequest, tmp_path: Path, run_cli: RunCli, plan_ics: PlanIcs
) -> Planned:
    """Each sample and extra interview, planned through the command line."""
    name: str = request.param
    source = source_for(name, tmp_path)
    plan = show_json(run_cli, source)
    if name in HAND_CHECKED:  # the plan the calendar must carry is the hand-checked one
        assert _dated(plan["events"]) == sorted(HAND_CHECKED[name]), name
    return Planned(
        name=name,
        source=source,
        data=plan_ics(source),
        plan=plan,
        interview=tomllib.loads(source.read_text(encoding="utf-8")),
    )


def _dated(events: list[dict[str, Any]]) -> list[tuple[str, str | None, str, str | None]]:
    return sorted((e["label"], e["person"], e["date"], e["time"]) for e in events)


def test_every_sample_has_its_dates_checked_by_hand() -> None:
    """A new sample needs its dates worked out by hand before its calendar is trusted."""
    assert sorted(HAND_CHECKED) == SAMPLE_NAMES


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_calendars_carry_the_hand_checked_dates(name: str, plan_ics: PlanIcs) -> None:
    """Read with the strict ``ical`` parser, each sample's calendar has exactly the dates above."""
    data = plan_ics(SAMPLES_DIR / f"{name}.toml")
    interview = tomllib.loads((SAMPLES_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    zone = ZoneInfo(interview["timezone"])
    found: list[tuple[str, str | None, str]] = []
    for event in IcsCalendarStream.calendar_from_ics(data.decode("utf-8")).events:
        start = event.dtstart
        assert start is not None
        if isinstance(start, dt.datetime):
            local = start.astimezone(zone)
            found.append((local.date().isoformat(), f"{local:%H:%M}", event.categories[0]))
        else:
            found.append((start.isoformat(), None, event.categories[0]))
    assert sorted(found) == sorted((d, t, _step(label)) for label, _, d, t in HAND_CHECKED[name])


def _step(label: str) -> str:
    return "check-in" if label.startswith("check-in") else label


def by_uid(data: bytes) -> dict[str, Event]:
    return {event.uid: event for event in read_events(data)}


def local_date(event: Event, zone: ZoneInfo) -> dt.date:
    """The day an event is on for the user: a timed one's date in the interview's zone."""
    if isinstance(event.start, dt.datetime):
        return event.start.astimezone(zone).date()
    return event.start


# ---------------------------------------------------------------------------- raw text


def test_lines_end_in_crlf_and_are_folded_at_75_octets(planned: Planned) -> None:
    """Every line ends in CRLF, none is longer than 75 octets, and there is no bare LF or CR."""
    data = planned.data
    assert data.endswith(b"\r\n")
    between = data.replace(b"\r\n", b"")
    assert b"\n" not in between, "bare LF"
    assert b"\r" not in between, "bare CR"
    for line in data.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # folding never cuts a UTF-8 character in two


def test_calendar_header(planned: Planned) -> None:
    """The VCALENDAR has PRODID, VERSION 2.0, CALSCALE, METHOD:PUBLISH and a name."""
    lines = unfolded(planned.data)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    (header,) = raw_properties(planned.data, "VCALENDAR")
    assert header["PRODID"][0][1].startswith("-//afterview//")
    assert header["VERSION"] == [("", "2.0")]
    assert header["CALSCALE"] == [("", "GREGORIAN")]
    assert header["METHOD"] == [("", "PUBLISH")]
    for key in ("X-WR-CALNAME", "NAME"):
        ((_, value),) = header[key]
        name = unescape_text(value)
        assert planned.plan["company"] in name
        assert planned.plan["role"] in name


def test_calendar_name_is_escaped_text(planned: Planned) -> None:
    """NAME and X-WR-CALNAME are TEXT: their commas and semicolons are escaped (RFC 5545 3.3.11)."""
    (header,) = raw_properties(planned.data, "VCALENDAR")
    for key in ("X-WR-CALNAME", "NAME"):
        ((_, value),) = header[key]
        assert is_escaped_text(value), f"{key}:{value}"
    strict = IcsCalendarStream.calendar_from_ics(planned.data.decode("utf-8"))
    assert strict.name == [unescape_text(header["NAME"][0][1])]
    assert ", " in strict.name[0]  # "Company, Role" comes back with its comma


def test_event_text_is_escaped(planned: Planned) -> None:
    """SUMMARY and DESCRIPTION of every event (and its alarm) are escaped TEXT."""
    for component in ("VEVENT", "VALARM"):
        for props in raw_properties(planned.data, component):
            for key in ("SUMMARY", "DESCRIPTION"):
                for _, value in props.get(key, []):
                    assert is_escaped_text(value), f"{key}:{value}"


def test_every_tzid_has_a_vtimezone(planned: Planned) -> None:
    """Timed events are in UTC, so any TZID used would need its VTIMEZONE; none is used."""
    used = set(re.findall(r";TZID=([^;:]+)", "\n".join(unfolded(planned.data))))
    defined = {
        value
        for props in raw_properties(planned.data, "VTIMEZONE")
        for _, value in props.get("TZID", [])
    }
    assert used <= defined
    assert not used
    assert Calendar.from_ical(planned.data).get_missing_tzids() == set()


# ---------------------------------------------------------------------------- events


def test_one_event_per_planned_action(planned: Planned) -> None:
    """Each action of the plan is one VEVENT with its UID, title and date, and nothing else."""
    events = by_uid(planned.data)
    expected = planned.planned()
    assert len(events) == len(read_events(planned.data))
    assert set(events) == set(expected)
    for uid, event in events.items():
        action = expected[uid]
        assert event.summary == action["title"]
        assert local_date(event, planned.zone).isoformat() == action["date"]


def test_categories_hold_exactly_one_step_name(planned: Planned) -> None:
    """CATEGORIES holds one step name from the public list, the action's own step."""
    expected = planned.planned()
    for event in read_events(planned.data):
        assert len(event.categories) == 1
        assert event.categories[0] in STEPS
        assert event.categories[0] == expected[event.uid]["step"]
    raw = [props["CATEGORIES"] for props in raw_properties(planned.data, "VEVENT")]
    assert all(len(values) == 1 and "," not in values[0][1] for values in raw)


def test_check_ins_go_to_the_contact_one_event_each(planned: Planned) -> None:
    """Each check-in is one event on its own date, addressed to the contact person."""
    contact = planned.contact
    expected = planned.planned()
    check_ins = [e for e in read_events(planned.data) if e.categories == ("check-in",)]
    assert len({e.start for e in check_ins}) == len(check_ins)
    by_phone = planned.interview.get("channel") == "phone"
    address = f"Call: {contact['phone']}" if by_phone else f"To: {contact['email']}"
    for event in check_ins:
        assert expected[event.uid]["person"] == contact["name"]
        assert contact["name"] in event.summary
        assert address in event.description
    others = [p["name"] for p in planned.interview["interviewers"] if p is not contact]
    assert not any(name in e.summary for e in check_ins for name in others)


def test_courtesies_are_one_per_interviewer(planned: Planned) -> None:
    """Thank-you and card events come once per interviewer, LinkedIn once per profile at most."""
    expected = planned.planned()
    people = [p["name"] for p in planned.interview["interviewers"]]
    for step in PER_INTERVIEWER:
        names = [
            expected[e.uid]["person"] for e in read_events(planned.data) if e.categories == (step,)
        ]
        assert len(names) == len(set(names)), step
        if step == "linkedin":
            with_profile = {p["name"] for p in planned.interview["interviewers"] if "linkedin" in p}
            assert set(names) <= with_profile
        elif names:
            assert sorted(names) == sorted(people), step
        for event in read_events(planned.data):
            if event.categories == (step,):
                assert expected[event.uid]["person"] in event.summary


def test_linkedin_only_with_a_profile_and_never_when_declined(
    tmp_path: Path, run_cli: RunCli, plan_ics: PlanIcs
) -> None:
    """Under standard, a LinkedIn request goes to each person with a profile who did not decline."""
    source = tmp_path / "people.toml"
    source.write_text(LINKEDIN_PEOPLE, encoding="utf-8")
    expected = show_json(run_cli, source)["events"]
    person = {e["uid"]: e["person"] for e in expected}
    events = [e for e in read_events(plan_ics(source)) if e.categories == ("linkedin",)]
    assert sorted(person[e.uid] for e in events) == ["Ana Ruiz", "Dev Patel"]
    for event in events:
        slug = person[event.uid].lower().replace(" ", "-")
        assert f"https://www.linkedin.com/in/{slug}" in event.description


def test_biweekly_linkedin_only_when_they_agreed(
    tmp_path: Path, run_cli: RunCli, plan_ics: PlanIcs
) -> None:
    """Under biweekly, only the person with ``linkedin_ok = true`` gets a LinkedIn request."""
    source = tmp_path / "people.toml"
    source.write_text(LINKEDIN_PEOPLE, encoding="utf-8")
    expected = show_json(run_cli, source, "--policy", "biweekly")["events"]
    person = {e["uid"]: e["person"] for e in expected}
    data = plan_ics(source, "--policy", "biweekly")
    events = [e for e in read_events(data) if e.categories == ("linkedin",)]
    assert [person[e.uid] for e in events] == ["Dev Patel"]


def test_three_strikes_first_contact_is_a_thank_you_per_interviewer(
    tmp_path: Path, plan_ics: PlanIcs
) -> None:
    """Under three-strikes the first contact is a thank-you to each interviewer, then check-ins."""
    source = source_for("three-strikes-pair", tmp_path)
    events = sorted(read_events(plan_ics(source)), key=lambda e: (e.start, e.summary))
    steps = [(e.categories[0], e.start) for e in events]
    # SA rests Friday and Saturday; no holiday from 24 Sep 2026 until February.
    # I = Mon 5 Oct 2026; S = "by Thursday" = Thu 8 Oct.
    # thank-you x2 = bd(I, 3): Tue 6, Wed 7, Thu 8 Oct, not after S, so Thu 8 Oct.
    # check-in 2 = bd(S, 1) = Sun 11, no sooner than bd(Thu 8, 3): Sun 11, Mon 12, Tue 13.
    # check-in 3 = bd(Tue 13, 3): Wed 14, Thu 15, (Fri 16, Sat 17), Sun 18 -> Sun 18 Oct.
    # move-on = bd(Sun 18, 3): Mon 19, Tue 20, Wed 21 -> Wed 21 Oct.
    assert steps == [
        ("thank-you", dt.date(2026, 10, 8)),
        ("thank-you", dt.date(2026, 10, 8)),
        ("check-in", dt.date(2026, 10, 13)),
        ("check-in", dt.date(2026, 10, 18)),
        ("move-on", dt.date(2026, 10, 21)),
    ]
    assert {e.summary for e in events[:2]} == {
        "Send a thank-you email to Layla Al-Harbi at Qamar Logistics (1 of 3)",
        "Send a thank-you email to Omar Saleh at Qamar Logistics (1 of 3)",
    }
    assert [e.summary for e in events[2:4]] == [
        "Check in with Omar Saleh at Qamar Logistics (2 of 3)",
        "Check in with Omar Saleh at Qamar Logistics (3 of 3)",
    ]


# ---------------------------------------------------------------------------- time


def test_debrief_and_same_day_thank_you_are_timed_in_utc(planned: Planned) -> None:
    """Timed events are UTC instants equal to the planned local time in the interview's zone."""
    starts = {p["uid"]: p for p in planned.plan["events"]}
    raw = {props["UID"][0][1]: props for props in raw_properties(planned.data, "VEVENT")}
    for event in read_events(planned.data):
        action = starts[event.uid]
        if action["time"] is None:
            continue
        assert event.categories[0] in ("debrief", "thank-you")
        local = dt.datetime.fromisoformat(f"{action['date']}T{action['time']}")
        assert isinstance(event.start, dt.datetime)
        assert isinstance(event.end, dt.datetime)
        assert event.start.utcoffset() == dt.timedelta(0)
        assert event.start == local.replace(tzinfo=planned.zone)
        assert event.end - event.start == dt.timedelta(minutes=action["minutes"])
        for key in ("DTSTART", "DTEND"):
            ((params, value),) = raw[event.uid][key]
            assert params == ""
            assert re.fullmatch(r"\d{8}T\d{6}Z", value), value


def test_which_steps_are_timed(planned: Planned) -> None:
    """The debrief and a same-day thank-you are timed; every other step is all-day."""
    for event in read_events(planned.data):
        timed = isinstance(event.start, dt.datetime)
        step = event.categories[0]
        if step == "debrief" or (step == "thank-you" and planned.plan["policy"] != "three-strikes"):
            assert timed, event.summary
        else:
            assert not timed, event.summary


def test_sample_thank_you_lands_at_2100z(plan_ics: PlanIcs) -> None:
    """16:00 in New York on 25 Nov 2026 (EST, UTC-5) is written as 20261125T210000Z."""
    raw = raw_properties(plan_ics(STANDARD), "VEVENT")
    thanks = [p for p in raw if p["CATEGORIES"] == [("", "thank-you")]]
    assert len(thanks) == 2
    for props in thanks:
        assert props["DTSTART"] == [("", "20261125T210000Z")]
        assert props["DTEND"] == [("", "20261125T213000Z")]


def test_later_actions_are_all_day_with_an_exclusive_end(planned: Planned) -> None:
    """All-day events are DTSTART;VALUE=DATE with DTEND;VALUE=DATE on the next day."""
    for props in raw_properties(planned.data, "VEVENT"):
        ((params, start),) = props["DTSTART"]
        if params != "VALUE=DATE":
            continue
        ((end_params, end),) = props["DTEND"]
        assert end_params == "VALUE=DATE"
        first = dt.datetime.strptime(start, "%Y%m%d").date()
        assert dt.datetime.strptime(end, "%Y%m%d").date() == first + dt.timedelta(days=1)


def test_each_event_has_one_display_alarm(planned: Planned) -> None:
    """Each event has one DISPLAY alarm saying what to do; all-day ones fire at 09:00."""
    for event in read_events(planned.data):
        (alarm,) = event.alarms
        assert alarm.action == "DISPLAY"
        assert alarm.description
        assert alarm.related in (None, "START")
        if not isinstance(event.start, dt.datetime):
            assert alarm.trigger == dt.timedelta(hours=9)
    triggers = [props["TRIGGER"] for props in raw_properties(planned.data, "VALARM")]
    all_day = sum(
        props["DTSTART"][0][0] == "VALUE=DATE" for props in raw_properties(planned.data, "VEVENT")
    )
    assert sum(values[0][1] == "PT9H" for values in triggers) == all_day


def test_reminder_time_comes_from_the_users_settings(config_file: Path, plan_ics: PlanIcs) -> None:
    """With ``reminder = "08:30"`` saved, all-day events remind at PT8H30M after the start."""
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text('reminder = "08:30"\n', encoding="utf-8")
    data = plan_ics(STANDARD)
    all_day = [e for e in read_events(data) if not isinstance(e.start, dt.datetime)]
    assert all_day
    assert all(e.alarms[0].trigger == dt.timedelta(hours=8, minutes=30) for e in all_day)
    assert b"TRIGGER;RELATED=START:PT8H30M\r\n" in data


def test_every_event_is_transparent(planned: Planned) -> None:
    """Follow-ups never block time: TRANSP:TRANSPARENT on every event."""
    events = read_events(planned.data)
    assert events
    assert all(event.transp == "TRANSPARENT" for event in events)


# ---------------------------------------------------------------------------- words


def test_summary_says_the_action_and_the_person(planned: Planned) -> None:
    """Each title names the company or the role, and the person when the action reaches one."""
    expected = planned.planned()
    for event in read_events(planned.data):
        assert planned.plan["company"] in event.summary or planned.plan["role"] in event.summary
        person = expected[event.uid]["person"]
        if person is not None:
            assert person in event.summary


def test_standard_sample_titles(plan_ics: PlanIcs) -> None:
    """The standard sample's titles read as instructions, check-ins counted "n of 2"."""
    summaries = sorted(e.summary for e in read_events(plan_ics(STANDARD)))
    assert summaries == [
        "Check in with Dana Lee at Northwind Traders (1 of 2)",
        "Check in with Dana Lee at Northwind Traders (2 of 2)",
        "Mail a handwritten thank-you card to Dana Lee at Northwind Traders",
        "Mail a handwritten thank-you card to Omar Haddad at Northwind Traders",
        "Move on from Northwind Traders (Senior Data Engineer)",
        "Send a LinkedIn request to Dana Lee (Northwind Traders)",
        "Send a thank-you email to Dana Lee at Northwind Traders",
        "Send a thank-you email to Omar Haddad at Northwind Traders",
    ]


def test_description_says_why_this_date(planned: Planned) -> None:
    """Each description starts with why the event is on its date, as the plan worked it out."""
    expected = planned.planned()
    for event in read_events(planned.data):
        assert event.description.startswith(f"Why this date: {expected[event.uid]['why']}")


def test_description_names_what_they_said_and_its_date(planned: Planned) -> None:
    """An event dated from what they said quotes the phrase and the date it became."""
    said = planned.plan["decision"]["said"]
    expected = planned.planned()
    for event in read_events(planned.data):
        why = expected[event.uid]["why"]
        if said is None:
            assert "they said" not in why
            continue
        if "they said" in why:
            day = dt.date.fromisoformat(planned.plan["decision"]["date"])
            start = dt.datetime.fromisoformat(planned.plan["interview"]["start"])
            year = f" {day.year}" if day.year != start.year else ""
            assert f"they said: '{said}' ({day:%a} {day.day} {day:%b}{year}" in event.description


def test_standard_check_in_quotes_by_friday(plan_ics: PlanIcs) -> None:
    """The first check-in after "by Friday" says so, with Fri 27 Nov, in its description."""
    events = read_events(plan_ics(STANDARD))
    (first,) = [e for e in events if e.summary.endswith("(1 of 2)")]
    assert "they said: 'by Friday' (Fri 27 Nov)" in first.description
    assert first.start == dt.date(2026, 11, 30)


def test_no_decision_date_is_said_so(plan_ics: PlanIcs) -> None:
    """Without a phrase, the first check-in's description says no decision date was given."""
    events = read_events(plan_ics(SAMPLES_DIR / "three-strikes-riyadh.toml"))
    first = min((e for e in events if e.categories == ("check-in",)), key=lambda e: e.start)
    assert "no decision date was given" in first.description


def test_few_days_check_in_names_the_date_it_became(tmp_path: Path, plan_ics: PlanIcs) -> None:
    """Under deadline, "a few days" (Tue 14 Jul + 3 = Fri 17 Jul) is quoted with that date."""
    source = tmp_path / "few-days.toml"
    source.write_text(
        'company = "Acme"\nrole = "Analyst"\nstart = 2026-07-14T10:00:00\n'
        'timezone = "America/New_York"\ncountry = "US"\nsubdivision = "NY"\n'
        'policy = "deadline"\ndecision = "a few days"\n'
        '[[interviewers]]\nname = "Dana Lee"\nemail = "dana.lee@acme.example"\n',
        encoding="utf-8",
    )
    (check_in,) = [e for e in read_events(plan_ics(source)) if e.categories == ("check-in",)]
    assert check_in.start == dt.date(2026, 7, 21)  # roll(I + 7 days): Tue 21 Jul
    assert "they said: 'a few days' (Fri 17 Jul)" in check_in.description


def test_description_carries_the_draft_for_this_person(planned: Planned) -> None:
    """Each description holds the plan's draft, greeting its person and naming their topics."""
    expected = planned.planned()
    for event in read_events(planned.data):
        action = expected[event.uid]
        draft = action["draft"]
        assert draft is not None, event.summary
        assert draft["body"] in event.description
        if draft["subject"]:
            assert f"Subject: {draft['subject']}" in event.description
        if action["person"] is None:
            continue
        person = planned.person(action["person"])
        assert person["name"].split()[0] in draft["body"]  # greeted by first name
        if action["step"] in ("thank-you", "handwritten-note"):
            for topic in person.get("topics", []):
                assert topic in draft["body"]
            for other in planned.interview["interviewers"]:
                for topic in other.get("topics", []):
                    if other is not person and topic not in person.get("topics", []):
                        assert topic not in draft["body"]


def test_email_steps_carry_a_mailto_link_that_matches_the_draft(planned: Planned) -> None:
    """The mailto: link in an email step's description opens exactly the draft shown above it."""
    expected = planned.planned()
    seen = 0
    for event in read_events(planned.data):
        action = expected[event.uid]
        draft = action["draft"]
        links = re.findall(r"mailto:\S+", event.description)
        if action["step"] not in EMAIL_STEPS or action["channel"] != "email":
            assert not links, event.summary
            continue
        (link,) = links
        seen += 1
        parts = urlsplit(link)
        assert parts.scheme == "mailto"
        assert unquote(parts.path) == planned.person(action["person"])["email"] == draft["to"]
        query = parse_qs(parts.query, strict_parsing=True)
        assert query["subject"] == [draft["subject"]]
        (body,) = query["body"]
        assert body == draft["body"].replace("\n", "\r\n")  # RFC 6068: CRLF line breaks
        assert body.replace("\r\n", "\n") in event.description
        assert event.url == link
    assert seen


# ---------------------------------------------------------------------------- identity


def test_uids_are_uuid5_and_unique_within_a_file(planned: Planned) -> None:
    """Every UID is a version-5 UUID and no two events of a file share one."""
    uids = [event.uid for event in read_events(planned.data)]
    assert len(uids) == len(set(uids))
    for uid in uids:
        assert uuid.UUID(uid.partition("@")[0]).version == 5


def test_uids_are_stable_across_runs(planned: Planned, plan_ics: PlanIcs) -> None:
    """Planning the same file again gives the same UIDs for the same steps and dates."""
    again = plan_ics(planned.source)
    first = {(e.uid, e.start, e.categories) for e in read_events(planned.data)}
    assert {(e.uid, e.start, e.categories) for e in read_events(again)} == first


def test_uids_differ_when_the_interview_id_differs(tmp_path: Path, plan_ics: PlanIcs) -> None:
    """Two interviews that differ only in ``id`` share no UID."""
    text = STANDARD.read_text(encoding="utf-8")
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(f'id = "northwind-1"\n{text}', encoding="utf-8")
    second.write_text(f'id = "northwind-2"\n{text}', encoding="utf-8")
    uids_a = {e.uid for e in read_events(plan_ics(first))}
    uids_b = {e.uid for e in read_events(plan_ics(second))}
    uids_plain = {e.uid for e in read_events(plan_ics(STANDARD))}
    assert len(uids_a) == len(uids_b) == len(uids_plain) == 8
    assert not uids_a & uids_b
    assert not uids_a & uids_plain


def test_changed_decision_keeps_the_uids_of_the_same_steps(plan_ics: PlanIcs) -> None:
    """Re-planning with another decision moves events but keeps each step's UID."""
    before = by_uid(plan_ics(STANDARD))
    after = by_uid(plan_ics(STANDARD, "--decision", "within two weeks"))
    assert set(after) == set(before)
    assert all(after[uid].categories == before[uid].categories for uid in before)
    moved = {before[uid].start for uid in before if after[uid].start != before[uid].start}
    # "within two weeks" is Wed 9 Dec, so check-in 1 leaves Mon 30 Nov for Thu 10 Dec.
    assert dt.date(2026, 11, 30) in moved


def test_plan_writes_dtstamp_and_sequence_zero(planned: Planned) -> None:
    """Every event has a UTC DTSTAMP, SEQUENCE 0 and STATUS CONFIRMED."""
    for props in raw_properties(planned.data, "VEVENT"):
        ((_, stamp),) = props["DTSTAMP"]
        assert re.fullmatch(r"\d{8}T\d{6}Z", stamp), stamp
        assert props["SEQUENCE"] == [("", "0")]
        assert props["STATUS"] == [("", "CONFIRMED")]


def test_cancel_writes_the_same_uids_cancelled_with_sequence_one(
    planned: Planned, plan_ics: PlanIcs
) -> None:
    """``plan --cancel`` writes every UID again, STATUS:CANCELLED and SEQUENCE:1, same dates."""
    planned_events = by_uid(planned.data)
    cancelled = by_uid(plan_ics(planned.source, "--cancel"))
    assert set(cancelled) == set(planned_events)
    for uid, event in cancelled.items():
        assert event.status == "CANCELLED"
        assert event.sequence == 1
        assert (event.start, event.end) == (planned_events[uid].start, planned_events[uid].end)
        assert event.categories == planned_events[uid].categories


# ---------------------------------------------------------------------------- parsers


def test_strict_parser_reads_the_same_events(planned: Planned) -> None:
    """icalendar and the strict ``ical`` package read the same (UID, start, step) set."""
    strict = IcsCalendarStream.calendar_from_ics(planned.data.decode("utf-8"))
    assert strict.prodid.startswith("-//afterview//")
    assert strict.version == "2.0"
    assert strict.method == "PUBLISH"
    assert not strict.timezones
    ours = sorted((e.uid, e.start.isoformat(), e.categories[0]) for e in read_events(planned.data))
    theirs = sorted((e.uid, e.start.isoformat(), *e.categories) for e in strict.events)
    assert theirs == ours
    for event in strict.events:
        assert event.end > event.start
        assert event.transparency == "TRANSPARENT"
        assert [alarm.action for alarm in event.alarm] == ["DISPLAY"]


def test_newline_in_a_name_gives_a_valid_calendar_or_a_clear_error(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """A role written over two lines never crashes ``plan``: valid TEXT, or a clear refusal."""
    source = tmp_path / "two-lines.toml"
    source.write_text(
        'company = "Northwind Traders"\nrole = "Senior Data Engineer\\n(Platform)"\n'
        'start = 2026-11-25T14:00:00\ntimezone = "America/New_York"\ncountry = "US"\n'
        '[[interviewers]]\nname = "Dana Lee"\nemail = "dana.lee@northwind.example"\n',
        encoding="utf-8",
    )
    out = tmp_path / "two-lines.ics"
    result = run_cli("plan", source, "-o", out)
    assert "internal error" not in result.output
    if result.exit_code == 0:
        strict = IcsCalendarStream.calendar_from_ics(out.read_text(encoding="utf-8"))
        assert strict.name == ["Follow-ups: Northwind Traders, Senior Data Engineer\n(Platform)"]
    else:
        assert "role" in result.output


@pytest.mark.parametrize("name", ["", "Northwind|check-in|1|dana lee", "Zoë|thank-you|0|josé"])
def test_fast_uuid5_matches_the_standard_library(name: str) -> None:
    """The UID hash built on CPython's own SHA-1 equals uuid.uuid5 for the same name."""
    import uuid

    from afterview.formats.eventcodec import UID_NAMESPACE, _uuid5

    assert _uuid5(name) == uuid.uuid5(UID_NAMESPACE, name)


def test_check_in_uid_survives_a_change_of_contact() -> None:
    """Changing who the contact is keeps the check-ins' UIDs; per-person events differ."""
    import datetime as dt

    from afterview.formats.eventcodec import uid_for
    from afterview.model import Interview, Interviewer
    from afterview.policies import plan_interview

    dana, omar = Interviewer("Dana Lee"), Interviewer("Omar Haddad")
    base = Interview(
        company="Northwind Traders",
        role="Data Engineer",
        start=dt.datetime(2026, 11, 25, 14),
        end=dt.datetime(2026, 11, 25, 15),
        timezone="America/New_York",
        country="US",
        interviewers=(dana, omar._replace(contact=True)),
        id="nw",
    )
    switched = base._replace(interviewers=(dana._replace(contact=True), omar))

    def uids(interview: Interview, step: str) -> set[str]:
        made = plan_interview(interview)
        return {uid_for(interview.key, f) for f in made.followups if f.step == step}

    assert uids(base, "check-in") == uids(switched, "check-in")
    assert len(uids(base, "thank-you")) == 2
