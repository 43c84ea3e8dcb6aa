"""Tests for starting from an invitation: .ics and .eml files in, interviews out.

Each good invitation in tests/invites/ has the interview file it must give beside it
(same name, .toml), written the way Google Calendar, Outlook, Teams and Zoom write them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from afterview.core.addresses import registrable_name
from afterview.errors import FileProblem, InviteError, PlaceError
from afterview.formats.files import is_invitation
from afterview.formats.icsread import Invitation, read_invitation
from afterview.formats.interviewfile import dumps_interview, parse_interview, read_interview
from afterview.invite.guesses import (
    company_from_domain,
    company_from_summary,
    display_name,
    meeting_links,
    role_from_summary,
    suggest_country,
)
from afterview.invite.interview import interview_from_invitation
from afterview.invite.mail import load_invitation
from afterview.model import Interview, Interviewer

INVITES = Path(__file__).parent / "invites"
TODAY = dt.date(2026, 11, 16)
ME = "alex.morgan@example.com"


@dataclass
class Prompts:
    """A stand-in for the terminal: records each question and gives scripted answers."""

    answers: list[str] = field(default_factory=list)
    asked: list[tuple[str, str | None]] = field(default_factory=list)

    def __call__(self, question: str, default: str | None) -> str:
        self.asked.append((question, default))
        return self.answers.pop(0) if self.answers else ""


def build(inv: Invitation, **options: Any) -> Interview:
    """The interview for ``inv`` with every option unset unless given."""
    chosen: dict[str, Any] = {
        "me": None,
        "country": None,
        "subdivision": None,
        "decision": None,
        "policy": None,
        "timezone": None,
        "defaults": {},
        "ask": None,
        "today": TODAY,
    }
    chosen.update(options)
    return interview_from_invitation(inv, **chosen)


def from_file(name: str, **options: Any) -> Interview:
    """The interview for the invitation file ``tests/invites/<name>``."""
    return build(load_invitation(INVITES / name), **options)


def calendar(*events: str, method: str = "REQUEST", head: str = "") -> Invitation:
    """An invitation read from VEVENT bodies (one string per event)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    lines += [f"METHOD:{method}"] if method else []
    lines += [head] if head else []
    for number, body in enumerate(events):
        lines += ["BEGIN:VEVENT", f"UID:event-{number}@test", "DTSTAMP:20261101T000000Z"]
        lines += [line.strip() for line in body.strip().splitlines()]
        lines += ["END:VEVENT"]
    lines.append("END:VCALENDAR")
    return read_invitation("\r\n".join(lines).encode(), "test.ics")


PRIYA = "ORGANIZER;CN=Priya Raman:mailto:priya.raman@northwind-traders.example"
ALEX = f"ATTENDEE;CN=Alex Morgan;PARTSTAT=NEEDS-ACTION:mailto:{ME}"
ONE_HOUR = """
DTSTART;TZID=America/New_York:20261124T140000
DTEND;TZID=America/New_York:20261124T150000
"""


def simple(summary: str = "Interview: Alex Morgan for Senior Data Engineer", *extra: str) -> str:
    """One ordinary event body, with more property lines if given."""
    return "\n".join([ONE_HOUR, f"SUMMARY:{summary}", PRIYA, ALEX, *extra])


# ---------------------------------------------------------------------------- golden files

GOLDEN: dict[str, dict[str, Any]] = {
    "google-meet.ics": {"me": ME, "country": "US", "subdivision": "NY", "decision": "by Friday"},
    "outlook-onsite.ics": {
        "me": ME,
        "defaults": {"country": "US", "timezone": "America/New_York"},
        "ask": Prompts(),
    },
    "teams.ics": {
        "me": ME,
        "country": "US",
        "subdivision": "CA",
        "decision": "within two weeks",
        "policy": "deadline",
    },
    "zoom.ics": {"country": "US", "subdivision": "IL"},
    "loop.ics": {"me": ME, "country": "DE", "subdivision": "BE"},
    "floating.ics": {
        "me": ME,
        "country": "US",
        "subdivision": "CO",
        "timezone": "America/Denver",
    },
    "series.ics": {"me": ME, "country": "DE", "subdivision": "NW", "decision": "next week"},
    "gmail-invite.eml": {"country": "US"},
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_invitation_gives_its_interview_file(name: str) -> None:
    """Each sample invitation gives exactly the interview file stored beside it."""
    options = dict(GOLDEN[name])
    if isinstance(options.get("ask"), Prompts):
        options["ask"] = Prompts()  # a fresh terminal for each run
    got = from_file(name, **options)
    expected = read_interview(INVITES / f"{Path(name).stem}.toml")
    for key in Interview._fields:
        assert getattr(got, key) == getattr(expected, key), key
    assert got == expected


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_interview_from_invitation_survives_the_file_format(name: str) -> None:
    """What an invitation gives, written as TOML, reads back as the same interview."""
    options = {k: v for k, v in GOLDEN[name].items() if k != "ask"}
    options.setdefault("country", "GB")
    got = from_file(name, **options)
    assert parse_interview(dumps_interview(got), "round-trip.toml") == got


def test_questions_are_only_country_and_timeline() -> None:
    """An invitation with a zone, a company and a role asks only for country and timeline."""
    prompts = Prompts()
    got = from_file("outlook-onsite.ics", me=ME, defaults={"country": "US"}, ask=prompts)
    assert [default for _question, default in prompts.asked] == ["GB", None]
    assert "country" in prompts.asked[0][0].lower()
    assert "timeline" in prompts.asked[1][0].lower()
    assert got.country == "GB" and got.subdivision is None


def test_nothing_is_asked_when_the_flags_say_it_all(tmp_path: Path) -> None:
    """With --country, --decision and --me given, a terminal is never used."""
    prompts = Prompts()
    from_file("google-meet.ics", me=ME, country="US", decision="by Friday", ask=prompts)
    assert prompts.asked == []


# ---------------------------------------------------------------------------- refusals


def write(folder: Path, data: bytes, name: str) -> Path:
    """``data`` saved as ``folder/name``."""
    path = folder / name
    path.write_bytes(data)
    return path


def refusal(call: Any, *words: str) -> str:
    """The one-line message of the InviteError that ``call()`` raises, checked for words."""
    with pytest.raises(InviteError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message and message.strip() == message
    assert caught.value.exit_code == InviteError.exit_code
    for word in words:
        assert word in message
    return message


def test_cancelled_invitation_is_refused() -> None:
    """METHOD:CANCEL gives one line that says the invitation was cancelled."""
    message = refusal(lambda: from_file("cancelled.ics", country="US"), "cancelled")
    assert message.startswith(str(INVITES / "cancelled.ics"))


def test_cancelled_event_in_a_request_is_refused() -> None:
    """An event whose STATUS is CANCELLED is not an interview to plan."""
    inv = calendar(simple("Interview", "STATUS:CANCELLED"))
    refusal(lambda: build(inv, country="US"), "cancelled")


def test_calendar_without_events_is_refused() -> None:
    """A calendar with no VEVENT (here a to-do) is refused."""
    refusal(lambda: from_file("no-event.ics", country="US"), "no event")


def test_broken_email_is_refused() -> None:
    """An e-mail cut short in the middle of its calendar part says so in one line."""
    refusal(lambda: load_invitation(INVITES / "broken.eml"), "cut short", "save the message")


def test_email_with_damaged_base64_is_refused(tmp_path: Path) -> None:
    """A calendar attachment whose base64 is damaged is reported, not half-read."""
    text = (
        "From: a@b.example\r\nTo: alex.morgan@example.com\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/calendar; method=REQUEST\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nQkVHSU46VkNBTEVOREFS=Q\r\n--b--\r\n"
    )
    path = write(tmp_path, text.encode(), "damaged.eml")
    refusal(lambda: load_invitation(path), "damaged")


def test_email_without_calendar_is_refused(tmp_path: Path) -> None:
    """An e-mail with no text/calendar part or .ics attachment says what to open instead."""
    path = write(
        tmp_path, b"From: a@b.example\r\nSubject: hello\r\n\r\nJust text.\r\n", "plain.eml"
    )
    refusal(lambda: load_invitation(path), "no calendar invitation")


def test_text_that_is_neither_is_refused(tmp_path: Path) -> None:
    """A file that is neither an .ics nor an e-mail is refused in one line."""
    path = write(tmp_path, b"Interview next Tuesday at 2pm with Priya\n", "notes.txt")
    refusal(lambda: load_invitation(path), "neither")


def test_outlook_msg_is_refused_with_advice(tmp_path: Path) -> None:
    """An Outlook .msg file is named as such, with the way to save something readable."""
    path = write(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "invite.msg")
    refusal(lambda: load_invitation(path), ".msg", ".ics")


def test_broken_ics_is_refused(tmp_path: Path) -> None:
    """An .ics that stops before END:VCALENDAR is refused in one line."""
    data = (INVITES / "google-meet.ics").read_bytes()[:900]
    refusal(lambda: load_invitation(write(tmp_path, data, "cut.ics")), "not a valid calendar")


def test_missing_file_is_a_file_problem() -> None:
    """A path that does not exist is a FileProblem, like any other input file."""
    with pytest.raises(FileProblem, match="does not exist"):
        load_invitation(INVITES / "nowhere.ics")


def test_interview_more_than_a_year_ago_is_refused() -> None:
    """An invitation more than a year before today is refused as probably the wrong one."""
    later = dt.date(2028, 1, 5)
    call = lambda: from_file("google-meet.ics", me=ME, country="US", today=later)  # noqa: E731
    refusal(call, "more than a year ago", "2026-11-24")


def test_recent_past_interview_is_accepted() -> None:
    """An interview a few months back still plans: the user may add it late."""
    got = from_file("google-meet.ics", me=ME, country="US", today=dt.date(2027, 4, 1))
    assert got.day == dt.date(2026, 11, 24)


def test_all_day_event_is_refused() -> None:
    """An all-day event has no interview time, so it is refused."""
    inv = calendar("DTSTART;VALUE=DATE:20261124\nSUMMARY:Onsite interview\n" + PRIYA)
    refusal(lambda: build(inv, country="US"), "all-day")


def test_event_without_start_is_refused() -> None:
    """A VEVENT without DTSTART is named in the message."""
    refusal(lambda: calendar("SUMMARY:Interview\n" + PRIYA), "'Interview'", "DTSTART")


# ---------------------------------------------------------------------------- time zones


def test_windows_zone_names_become_iana() -> None:
    """Outlook's "Pacific Standard Time" and "GMT Standard Time" map to IANA names."""
    teams = load_invitation(INVITES / "teams.ics").events[0]
    onsite = load_invitation(INVITES / "outlook-onsite.ics").events[0]
    assert (teams.zone, teams.tzid) == ("America/Los_Angeles", "Pacific Standard Time")
    assert (onsite.zone, onsite.tzid) == ("Europe/London", "GMT Standard Time")


def test_tzid_keeps_its_zone_even_with_timezone_option() -> None:
    """A TZID time stays in its own zone: --timezone is only for UTC and floating times."""
    got = from_file("teams.ics", me=ME, country="US", timezone="Europe/Berlin")
    assert got.timezone == "America/Los_Angeles"
    assert got.start == dt.datetime(2026, 12, 3, 10, 0)


def test_utc_times_take_the_timezone_option() -> None:
    """Zoom's UTC times are shown in --timezone when given."""
    got = from_file("zoom.ics", country="US", timezone="Europe/Berlin")
    assert (got.timezone, got.start) == ("Europe/Berlin", dt.datetime(2026, 11, 18, 17, 0))


def test_utc_times_take_the_settings_zone_when_nothing_else_says() -> None:
    """UTC times with no hint take the settings' zone when it is one of the country's."""
    inv = calendar(
        "DTSTART:20261124T190000Z\nDTEND:20261124T200000Z\nSUMMARY:Data Engineer interview\n"
        + PRIYA
    )
    got = build(inv, country="US", defaults={"timezone": "America/New_York"})
    assert (got.timezone, got.start) == ("America/New_York", dt.datetime(2026, 11, 24, 14, 0))
    assert got.notes is not None and "from your settings" in got.notes


def test_zoom_tzid_line_wins_over_the_settings_zone() -> None:
    """Zoom's own TZID line names the meeting's zone, before the user's settings."""
    got = from_file("zoom.ics", country="US", defaults={"timezone": "America/New_York"})
    assert (got.timezone, got.start) == ("America/Chicago", dt.datetime(2026, 11, 18, 10, 0))
    assert got.notes is not None and "TZID line" in got.notes


def test_utc_times_in_a_many_zone_country_are_asked_for() -> None:
    """With no hint and a terminal, UTC times in a country of several zones are asked."""
    inv = calendar(
        "DTSTART:20261124T190000Z\nDTEND:20261124T200000Z\nSUMMARY:Data Engineer interview\n"
        + PRIYA
    )
    prompts = Prompts(answers=["America/Denver", ""])
    got = build(inv, country="US", ask=prompts)
    assert "Time zone" in prompts.asked[0][0]
    assert (got.timezone, got.start) == ("America/Denver", dt.datetime(2026, 11, 24, 12, 0))


def test_utc_times_are_never_planned_in_utc_without_a_word() -> None:
    """UTC times with no zone anywhere, in a script, are refused rather than day-shifted."""
    inv = calendar(
        "DTSTART:20261125T030000Z\nDTEND:20261125T040000Z\nSUMMARY:Data Engineer interview\n"
        + PRIYA
    )
    with pytest.raises(InviteError, match="US has several zones: pass --timezone"):
        build(inv, country="US")


def test_utc_times_in_a_one_zone_country_take_that_zone() -> None:
    """03:00 UTC on Wed 25 Nov is 22:00 on Tue 24 Nov in New York state; the note says why."""
    inv = calendar(
        "DTSTART:20261125T030000Z\nDTEND:20261125T040000Z\nSUMMARY:Data Engineer interview\n"
        + PRIYA
    )
    got = build(inv, country="US", subdivision="NY")
    assert (got.timezone, got.start) == ("America/New_York", dt.datetime(2026, 11, 24, 22, 0))
    assert got.notes is not None and "the only one of US-NY" in got.notes
    japan = build(inv, country="JP")
    assert (japan.timezone, japan.start) == ("Asia/Tokyo", dt.datetime(2026, 11, 25, 12, 0))


@pytest.mark.parametrize(
    ("country", "region", "utc", "zone", "local"),
    [
        # São Paulo keeps UTC-03 all year: Brazil ended daylight saving time in 2019.
        ("BR", "SP", "20261124T130000Z", "America/Sao_Paulo", "2026-11-24T10:00"),
        # Brisbane keeps UTC+10 all year (Queensland has no daylight saving time): the
        # interview is on Wednesday morning there, Tuesday in UTC.
        ("AU", "QLD", "20261124T230000Z", "Australia/Brisbane", "2026-11-25T09:00"),
        # The Chatham Islands keep New Zealand's summer time (from Sun 27 Sep 2026) at
        # UTC+13:45, 45 minutes ahead of Auckland.
        ("NZ", "CIT", "20261124T190000Z", "Pacific/Chatham", "2026-11-25T08:45"),
        # The Azores keep UTC-01 in winter (summer time ended Sun 25 Oct 2026).
        ("PT", "20", "20261124T140000Z", "Atlantic/Azores", "2026-11-24T13:00"),
        # Madrid keeps UTC+01 in winter, the Canaries UTC+00.
        ("ES", "MD", "20261124T140000Z", "Europe/Madrid", "2026-11-24T15:00"),
        ("ES", "CN", "20261124T140000Z", "Atlantic/Canary", "2026-11-24T14:00"),
        # Magallanes keeps UTC-03 all year since December 2016; in July Santiago is on
        # its winter time, UTC-04 (summer time starts Sun 6 Sep 2026).
        ("CL", "MA", "20260714T130000Z", "America/Punta_Arenas", "2026-07-14T10:00"),
        ("CL", "RM", "20260714T130000Z", "America/Santiago", "2026-07-14T09:00"),
        # Guadeloupe keeps UTC-04 all year.
        ("FR", "971", "20261124T140000Z", "America/Guadeloupe", "2026-11-24T10:00"),
        # Puerto Rico keeps UTC-04 all year.
        ("US", "PR", "20261124T140000Z", "America/Puerto_Rico", "2026-11-24T10:00"),
    ],
)
def test_utc_times_take_the_one_zone_of_the_region(
    country: str, region: str, utc: str, zone: str, local: str
) -> None:
    """An invitation in UTC from a region of one zone is read in that zone, and says so."""
    start = dt.datetime.strptime(utc, "%Y%m%dT%H%M%SZ")
    end = (start + dt.timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    inv = calendar(f"DTSTART:{utc}\nDTEND:{end}\nSUMMARY:Data Engineer interview\n" + PRIYA)
    got = build(inv, country=country, subdivision=region)
    assert (got.timezone, got.start) == (zone, dt.datetime.fromisoformat(local))
    assert got.notes is not None and f"the only one of {country}-{region}" in got.notes


def test_utc_times_in_arizona_are_not_read_in_phoenix_time() -> None:
    """Arizona has two clocks (the Navajo Nation keeps daylight saving time): no guess."""
    inv = calendar(
        "DTSTART:20260714T170000Z\nDTEND:20260714T180000Z\nSUMMARY:Data Engineer interview\n"
        + PRIYA
    )
    with pytest.raises(InviteError, match="US-AZ has several zones: pass --timezone"):
        build(inv, country="US", subdivision="AZ")


def test_custom_outlook_zone_is_read_as_an_instant() -> None:
    """A TZID known only by its VTIMEZONE ("(UTC-08:00) Pacific Time") keeps its instant."""
    zone = "(UTC-08:00) Pacific Time (US & Canada)"
    head = "\r\n".join(
        [
            "BEGIN:VTIMEZONE",
            f"TZID:{zone}",
            "BEGIN:STANDARD",
            "DTSTART:16010101T020000",
            "TZOFFSETFROM:-0700",
            "TZOFFSETTO:-0800",
            "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:16010101T020000",
            "TZOFFSETFROM:-0800",
            "TZOFFSETTO:-0700",
            "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
        ]
    )
    body = (
        f'DTSTART;TZID="{zone}":20261203T100000\nDTEND;TZID="{zone}":20261203T110000\n'
        f"SUMMARY:Interview - Staff Engineer\n{PRIYA}"
    )
    inv = calendar(body, head=head)
    assert inv.events[0].zone == "UTC" and inv.events[0].tzid == zone
    got = build(inv, country="US", timezone="America/Los_Angeles")
    assert got.start == dt.datetime(2026, 12, 3, 10, 0)


def test_floating_time_without_a_zone_is_refused() -> None:
    """Floating times with no --timezone, settings or terminal stop with a clear line."""
    refusal(lambda: from_file("floating.ics", me=ME, country="US"), "--timezone")


def test_floating_time_takes_the_settings_zone() -> None:
    """Floating times are read in the settings' zone when no --timezone is given."""
    got = from_file("floating.ics", me=ME, country="US", defaults={"timezone": "America/Denver"})
    assert (got.timezone, got.start) == ("America/Denver", dt.datetime(2026, 12, 1, 15, 0))


def test_floating_time_follows_x_wr_timezone() -> None:
    """X-WR-TIMEZONE says how to read floating times, as Google does."""
    body = "DTSTART:20261201T150000\nDTEND:20261201T160000\nSUMMARY:Analyst interview\n" + PRIYA
    inv = calendar(body, head="X-WR-TIMEZONE:Europe/Madrid")
    got = build(inv, country="ES", defaults={"timezone": "America/New_York"})
    assert (got.timezone, got.start) == ("Europe/Madrid", dt.datetime(2026, 12, 1, 15, 0))


def test_unknown_tzid_without_vtimezone_needs_a_zone() -> None:
    """A TZID nobody can look up, with no VTIMEZONE, is named in the refusal."""
    body = "DTSTART;TZID=Customized Time Zone:20261201T150000\nSUMMARY:Analyst interview\n" + PRIYA
    refusal(lambda: build(calendar(body), country="US"), "Customized Time Zone", "--timezone")


def test_bad_timezone_option_is_a_place_error() -> None:
    """A --timezone that is not an IANA name is a PlaceError that shows the form."""
    with pytest.raises(PlaceError, match="Europe/London"):
        from_file("zoom.ics", country="US", timezone="Pacific")


def test_missing_end_is_one_hour() -> None:
    """An event with no DTEND or DURATION lasts an hour, as in interview files."""
    body = "DTSTART;TZID=Europe/London:20261124T140000\nSUMMARY:Analyst interview\n" + PRIYA
    got = build(calendar(body), country="GB")
    assert got.end - got.start == dt.timedelta(hours=1)


def test_duration_gives_the_end() -> None:
    """DURATION stands for DTEND, as schedulers write it."""
    body = (
        "DTSTART;TZID=Europe/London:20261124T140000\nDURATION:PT45M\n"
        "SUMMARY:Analyst interview\n" + PRIYA
    )
    got = build(calendar(body), country="GB")
    assert got.end == dt.datetime(2026, 11, 24, 14, 45)


# ---------------------------------------------------------------------------- loops and series


def test_loop_spans_first_start_to_last_end_with_everyone_once() -> None:
    """A loop of three interviews is one interview from 09:30 to 13:45, each person once."""
    got = from_file("loop.ics", me=ME, country="DE")
    assert (got.start.time(), got.end.time()) == (dt.time(9, 30), dt.time(13, 45))
    names = [p.name for p in got.interviewers]
    assert names == ["Ines Brandt", "Lena Vogt", "Ravi Menon", "Ayla Demir", "Jonas Weber"]


def test_series_with_a_moved_day_uses_the_moved_time() -> None:
    """A two-day series whose second day moved ends when the moved day ends."""
    got = from_file("series.ics", me=ME, country="DE")
    assert got.start == dt.datetime(2026, 12, 8, 9, 0)
    assert got.end == dt.datetime(2026, 12, 9, 15, 0)


def test_endless_series_counts_its_first_meeting_only() -> None:
    """A weekly meeting with no end is a standing meeting: only its first one counts."""
    inv = calendar(simple("Data Engineer interview", "RRULE:FREQ=WEEKLY"))
    got = build(inv, me=ME, country="US")
    assert got.end == dt.datetime(2026, 11, 24, 15, 0)
    assert got.notes is None


def test_meetings_after_the_loop_are_left_out_and_noted() -> None:
    """A series running past the loop's days keeps the first days and notes the rest."""
    inv = calendar(simple("Data Engineer interview", "RRULE:FREQ=WEEKLY;COUNT=3"))
    got = build(inv, me=ME, country="US")
    assert got.end == dt.datetime(2026, 11, 24, 15, 0)
    assert got.notes is not None and "2 later meeting(s)" in got.notes


def test_excluded_dates_of_a_series_are_skipped() -> None:
    """EXDATE removes a meeting from a series, so the loop ends on the first day."""
    inv = calendar(
        simple(
            "Data Engineer interview",
            "RRULE:FREQ=DAILY;COUNT=2",
            "EXDATE;TZID=America/New_York:20261125T140000",
        )
    )
    got = build(inv, me=ME, country="US")
    assert got.end == dt.datetime(2026, 11, 24, 15, 0) and got.notes is None


def test_loop_events_in_other_zones_are_moved_into_the_first_zone() -> None:
    """An event written in UTC joins a loop in the loop's own zone."""
    second = (
        "DTSTART:20261124T210000Z\nDTEND:20261124T220000Z\nSUMMARY:Data Engineer interview\n"
        + PRIYA
    )
    got = build(calendar(simple("Data Engineer interview"), second), me=ME, country="US")
    assert (got.timezone, got.end) == ("America/New_York", dt.datetime(2026, 11, 24, 17, 0))


# ---------------------------------------------------------------------------- people


def test_user_room_and_declined_are_not_interviewers() -> None:
    """The user, the room resource and the declined attendee are left out."""
    got = from_file("outlook-onsite.ics", me=ME, country="GB")
    assert [p.name for p in got.interviewers] == ["Dana Whitfield", "Jo Achterberg"]


def test_user_is_known_by_the_emails_addressee() -> None:
    """Without --me, the address a saved e-mail was delivered to is the user."""
    got = from_file("gmail-invite.eml", country="US")
    assert ME not in [p.email for p in got.interviewers]


def test_without_me_and_no_terminal_no_thank_you_to_the_user() -> None:
    """With no clue to who the user is and nobody to ask, the invitation is refused."""
    with pytest.raises(InviteError, match="cannot tell which attendee is you: pass --me"):
        from_file("google-meet.ics", country="US")


def test_without_me_the_terminal_is_asked_who_the_user_is() -> None:
    """With a terminal, the user's address is asked for and that attendee is left out."""
    answers = iter(["alex.morgan@example.com", ""])
    got = from_file("google-meet.ics", country="US", ask=lambda _q, _d: next(answers))
    assert "Alex Morgan" not in [p.name for p in got.interviewers]
    assert got.interviewers


def test_me_matches_whatever_the_case() -> None:
    """The user's address matches whatever its case or a mailto: prefix."""
    got = from_file("google-meet.ics", me="MAILTO:Alex.Morgan@Example.com", country="US")
    assert "Alex Morgan" not in [p.name for p in got.interviewers]


def test_no_reply_organizer_groups_and_non_participants_are_skipped() -> None:
    """Bots, mailing groups and non-participants are not thanked."""
    body = simple(
        "Data Engineer interview",
        "ATTENDEE;CUTYPE=GROUP;CN=Panel:mailto:panel@northwind-traders.example",
        "ATTENDEE;ROLE=NON-PARTICIPANT;CN=Ops:mailto:ops@northwind-traders.example",
        "ATTENDEE;CN=Kim Lee:mailto:kim.lee@northwind-traders.example",
    ).replace(PRIYA, "ORGANIZER;CN=Northwind Careers:mailto:no-reply@northwind-traders.example")
    got = build(calendar(body), me=ME, country="US")
    assert got.interviewers == (Interviewer("Kim Lee", email="kim.lee@northwind-traders.example"),)


def test_google_calendar_service_organizer_is_skipped() -> None:
    """calendar-notification@google.com is never an interviewer, and names no company."""
    body = simple("Data Engineer interview", "ATTENDEE;CN=Kim Lee:mailto:kim.lee@acme.example")
    body = body.replace(PRIYA, "ORGANIZER:mailto:calendar-notification@google.com")
    with pytest.raises(InviteError, match="cannot tell the company"):
        build(calendar(body), me=ME, country="US")
    got = build(calendar(body), me=ME, country="US", company="Acme")
    assert [p.name for p in got.interviewers] == ["Kim Lee"]
    titled = simple(
        "Data Engineer interview with Acme", "ATTENDEE;CN=Kim Lee:mailto:kim.lee@acme.example"
    ).replace(PRIYA, "ORGANIZER:mailto:calendar-notification@google.com")
    assert build(calendar(titled), me=ME, country="US").company == "Acme"


def test_people_with_one_name_are_told_apart() -> None:
    """Two people with the same name keep both entries, marked by their address."""
    body = simple(
        "Data Engineer interview",
        "ATTENDEE;CN=Priya Raman:mailto:priya.r2@northwind-traders.example",
    )
    got = build(calendar(body), me=ME, country="US")
    assert [p.name for p in got.interviewers] == [
        "Priya Raman",
        "Priya Raman (priya.r2@northwind-traders.example)",
    ]


def test_invitation_naming_no_one_else_is_refused_without_a_terminal() -> None:
    """An invitation that names only the user cannot list interviewers."""
    body = ONE_HOUR + "SUMMARY:Data Engineer interview\n" + ALEX
    refusal(lambda: build(calendar(body), me=ME, country="US", company="Acme"), "no one but you")


@pytest.mark.parametrize(
    ("cn", "address", "name"),
    [
        ("Priya Raman", "priya.raman@x.example", "Priya Raman"),
        ("Raman, Priya", "priya.raman@x.example", "Priya Raman"),
        ('"Raman, Priya"', None, "Priya Raman"),
        ("Priya Raman, PhD", None, "Priya Raman, PhD"),
        ("tom.okafor@x.example", "tom.okafor@x.example", "Tom Okafor"),
        (None, "jo_achterberg2@x.example", "Jo Achterberg2"),
        (None, "sam-osei@x.example", "Sam Osei"),
    ],
)
def test_display_names(cn: str | None, address: str | None, name: str) -> None:
    """Names come from CN, in first-last order, or from the address when CN has none."""
    assert display_name(cn, address) == name


# ---------------------------------------------------------------------------- company and role


@pytest.mark.parametrize(
    ("domain", "company"),
    [
        ("northwind-traders.com", "Northwind Traders"),
        ("careers.northwind-traders.com", "Northwind Traders"),
        ("fenwick-rowe.co.uk", "Fenwick Rowe"),
        ("halvorsen-biotech.example", "Halvorsen Biotech"),
        ("acme.com.au", "Acme"),
    ],
)
def test_company_from_domain(domain: str, company: str) -> None:
    """A domain's registrable name, title-cased, is the company."""
    assert company_from_domain(domain) == company


def test_registrable_name_skips_second_level_labels() -> None:
    """Under a country code, co/com/org are not the company's name."""
    assert registrable_name("mail.fenwick-rowe.co.uk") == "fenwick-rowe"
    assert registrable_name("fenwick.uk") == "fenwick"


def test_title_spelling_wins_when_it_matches_the_domain() -> None:
    """The title's spelling ("OpenAI") beats the domain's ("Openai") when they match."""
    body = simple("Interview with OpenAI for Research Engineer").replace(
        "priya.raman@northwind-traders.example", "priya.raman@openai.example"
    )
    assert build(calendar(body), me=ME, country="US").company == "OpenAI"


def test_free_mail_organizer_gives_way_to_interviewers_domain() -> None:
    """A recruiter writing from free mail does not name the company; colleagues' domain does."""
    body = simple(
        "Data Engineer interview",
        "ATTENDEE;CN=Kim Lee:mailto:kim.lee@bluefin-labs.example",
    ).replace("priya.raman@northwind-traders.example", "priya.raman@gmail.com")
    assert build(calendar(body), me=ME, country="US").company == "Bluefin Labs"


def test_service_organizer_gives_way_to_the_title() -> None:
    """A scheduler's invitation names the company in its title."""
    body = simple("Northwind Traders <> Alex Morgan - Data Engineer interview").replace(
        PRIYA, "ORGANIZER;CN=Greenhouse:mailto:no-reply@greenhouse.io"
    )
    body += "\nATTENDEE;CN=Kim Lee:mailto:kim.lee@gmail.com"
    got = build(calendar(body), me=ME, country="US")
    assert (got.company, got.role) == ("Northwind Traders", "Data Engineer")


def test_unknown_company_is_asked_with_a_terminal() -> None:
    """When nothing names the company, the terminal is asked for it."""
    body = simple("Data Engineer interview").replace(
        "priya.raman@northwind-traders.example", "priya.raman@gmail.com"
    )
    prompts = Prompts(answers=["Northwind Traders"])
    got = build(calendar(body), me=ME, country="US", decision="", ask=prompts)
    assert got.company == "Northwind Traders"
    assert "Company" in prompts.asked[0][0]


def test_unknown_company_without_terminal_is_refused() -> None:
    """When nothing names the company and no terminal can ask, --company is requested."""
    body = simple("Data Engineer interview").replace(
        "priya.raman@northwind-traders.example", "priya.raman@gmail.com"
    )
    refusal(lambda: build(calendar(body), me=ME, country="US"), "--company")


def test_company_and_role_options_win() -> None:
    """--company and --role replace whatever the invitation suggests."""
    got = from_file("google-meet.ics", me=ME, country="US", company="NWT", role="Staff Engineer")
    assert (got.company, got.role) == ("NWT", "Staff Engineer")


def test_unknown_role_without_terminal_is_refused() -> None:
    """A title that names no role stops with a line asking for --role."""
    inv = calendar(simple("Northwind Traders <> Alex Morgan"))
    message = refusal(lambda: build(inv, me=ME, country="US"), "--role")
    assert "Northwind Traders <> Alex Morgan" in message


NAMES = {"alex morgan", "priya raman", "jane doe"}


@pytest.mark.parametrize(
    ("summary", "role"),
    [
        ("Interview: Jane Doe for Senior Data Engineer", "Senior Data Engineer"),
        ("Senior Data Engineer interview", "Senior Data Engineer"),
        ("Interview – Senior Data Engineer", "Senior Data Engineer"),
        ("Interview - Senior Data Engineer - Alex Morgan", "Senior Data Engineer"),
        (
            "Interview with Northwind Traders for the Senior Data Engineer role",
            "Senior Data Engineer",
        ),
        ("Interview for Data Platform Engineer: System design", "Data Platform Engineer"),
        ("Interview for Engineer, Data Platform at Northwind Traders", "Engineer, Data Platform"),
        ("Final round interview - Product Designer", "Product Designer"),
        ("Video interview - UX Researcher", "UX Researcher"),
        ("Brightline Health | Product Designer interview", "Product Designer"),
        ("Phone screen: Alex Morgan", None),
        ("Technical interview", None),
        ("Northwind Traders <> Alex Morgan", None),
        ("Interview with Priya Raman", None),
        ("Coffee chat", None),
    ],
)
def test_role_from_summary(summary: str, role: str | None) -> None:
    """Titles name the role in a few common shapes; others name none."""
    assert role_from_summary(summary, NAMES) == role


@pytest.mark.parametrize(
    ("summary", "company"),
    [
        ("Interview with Northwind Traders", "Northwind Traders"),
        ("Interview with Northwind Traders for Data Engineer", "Northwind Traders"),
        ("Interview for Data Engineer at Northwind Traders", "Northwind Traders"),
        ("Northwind Traders <> Alex Morgan", "Northwind Traders"),
        ("Alex Morgan x Northwind Traders", "Northwind Traders"),
        ("Senior Analyst interview – Fenwick Rowe", "Fenwick Rowe"),
        ("Interview: Jane Doe for Senior Data Engineer", None),
        ("Interview with Priya Raman", None),
        ("Interview - Senior Data Engineer", None),
    ],
)
def test_company_from_summary(summary: str, company: str | None) -> None:
    """Titles name the company in a few common shapes; people's names are not companies."""
    assert company_from_summary(summary, NAMES) == company


# ---------------------------------------------------------------------------- country


@pytest.mark.parametrize(
    ("domain", "country"),
    [
        ("fenwick-rowe.co.uk", "GB"),
        ("fenwick.uk", "GB"),
        ("kessler.de", "DE"),
        ("example.fr", "FR"),
        ("saga.is", "IS"),
        ("startup.io", None),
        ("startup.ai", None),
        ("startup.co", None),
        ("startup.me", None),
        ("startup.tv", None),
        ("agency.eu", None),
        ("northwind-traders.com", None),
        ("northwind.example", None),
        (None, None),
    ],
)
def test_suggest_country(domain: str | None, country: str | None) -> None:
    """Country-code domains suggest their country; generic-use codes suggest nothing."""
    assert suggest_country(domain) == country


def test_country_is_required_without_a_terminal() -> None:
    """Without --country, settings or a terminal, the refusal names the suggestion."""
    message = refusal(lambda: from_file("outlook-onsite.ics", me=ME), "--country")
    assert "GB" in message


def test_settings_country_is_used_without_a_terminal() -> None:
    """Without a terminal, the settings' country is the user's stated default, not a guess."""
    got = from_file("outlook-onsite.ics", me=ME, defaults={"country": "GB", "subdivision": "ENG"})
    assert (got.country, got.subdivision) == ("GB", "ENG")


def test_settings_subdivision_is_dropped_for_another_country() -> None:
    """A settings region belongs to the settings country, so another country drops it."""
    got = from_file(
        "google-meet.ics", me=ME, country="DE", defaults={"country": "US", "subdivision": "NY"}
    )
    assert (got.country, got.subdivision) == ("DE", None)


def test_bad_country_answer_is_asked_again() -> None:
    """A mistyped country is asked again, with the reason in front of the question."""
    prompts = Prompts(answers=["EN", "GB", ""])
    got = from_file("outlook-onsite.ics", me=ME, ask=prompts)
    assert got.country == "GB"
    assert "did you mean" in prompts.asked[1][0]


def test_bad_country_option_is_a_place_error() -> None:
    """An unknown --country is a PlaceError with suggestions, as everywhere else."""
    with pytest.raises(PlaceError, match="did you mean"):
        from_file("google-meet.ics", me=ME, country="EN")


# ---------------------------------------------------------------------------- notes


def test_meeting_link_skips_help_and_dial_in_pages() -> None:
    """The Meet link is kept; Google's help and phone-number pages are not."""
    event = load_invitation(INVITES / "google-meet.ics").events[0]
    assert meeting_links(event) == ["https://meet.google.com/xkd-pqrs-tuv"]


def test_teams_link_comes_from_the_description_too() -> None:
    """A Teams link written as "Click here<https://...>" in DESCRIPTION is found whole."""
    event = load_invitation(INVITES / "teams.ics").events[0]
    link = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_Zm"
    from_text = meeting_links(replace(event, links=(), location=None))  # DESCRIPTION only
    assert from_text and from_text[0].startswith(link) and from_text[0].endswith("%7d")


def test_html_links_are_unescaped() -> None:
    """An &amp; in an HTML description becomes & in the link."""
    body = simple(
        "Data Engineer interview",
        'X-ALT-DESC;FMTTYPE=text/html:<a href="https://acme.zoom.us/j/123?pwd=a&amp;b=1">Join</a>',
    )
    event = calendar(body).events[0]
    assert meeting_links(event) == ["https://acme.zoom.us/j/123?pwd=a&b=1"]


def test_location_is_kept_when_there_is_no_link() -> None:
    """A physical location goes into the notes."""
    got = from_file("outlook-onsite.ics", me=ME, country="GB")
    assert got.notes == "Location: London 4.12 Thames (8); 30 Example Lane, London"


def test_platform_placeholder_location_is_dropped_beside_a_link() -> None:
    """A location such as "Microsoft Teams Meeting" is dropped once the link is known."""
    got = from_file("teams.ics", me=ME, country="US")
    assert got.notes is not None and "Location" not in got.notes


# ---------------------------------------------------------------------------- more shapes


def test_invitation_paths_are_told_by_their_suffix() -> None:
    """.ics and .eml files are invitations; .toml files are interview files."""
    assert is_invitation(Path("invite.ICS")) and is_invitation(Path("mail.eml"))
    assert not is_invitation(Path("northwind.toml"))


def test_mbox_style_email_is_read(tmp_path: Path) -> None:
    """An e-mail saved with an mbox "From " line first still reads."""
    data = b"From alex Mon Nov 16 09:00:00 2026\r\n" + (INVITES / "gmail-invite.eml").read_bytes()
    got = build(load_invitation(write(tmp_path, data, "saved.eml")), country="US")
    assert got.company == "Cobalt Freight"


def test_quoted_printable_calendar_part_is_read(tmp_path: Path) -> None:
    """A text/calendar part in quoted-printable, as Outlook sends it, reads like any other."""
    import quopri

    calendar_text = quopri.encodestring((INVITES / "teams.ics").read_bytes()).decode()
    text = (
        "From: marisol.reyes@halvorsen-biotech.example\r\nTo: alex.morgan@example.com\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + calendar_text
    )
    got = build(load_invitation(write(tmp_path, text.encode(), "teams.eml")), country="US")
    assert got.role == "Staff Platform Engineer"
    assert ME not in [p.email for p in got.interviewers]


def test_rdate_adds_a_meeting_to_the_loop() -> None:
    """An RDATE adds a meeting, so the loop runs to its end."""
    inv = calendar(
        simple(
            "Data Engineer interview",
            "RDATE;TZID=America/New_York:20261125T090000",
        )
    )
    got = build(inv, me=ME, country="US")
    assert got.end == dt.datetime(2026, 11, 25, 10, 0)


@pytest.mark.parametrize("domain", ["gmail.com", "hotmail.co.uk", "yahoo.fr", "proton.me"])
def test_free_mail_never_names_the_company(domain: str) -> None:
    """A recruiter on free mail, with no colleague invited, leaves the company to the title."""
    body = simple("Interview with Northwind Traders for Data Engineer").replace(
        "northwind-traders.example", domain
    )
    assert build(calendar(body), me=ME, country="US").company == "Northwind Traders"


def test_bad_timezone_option_is_reported_even_when_the_invite_has_a_zone() -> None:
    """A mistyped --timezone is reported, not silently ignored beside a TZID."""
    with pytest.raises(PlaceError):
        from_file("teams.ics", me=ME, country="US", timezone="Pacific")
