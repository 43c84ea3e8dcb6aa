"""Invitations as each producer writes them: one fixture per calendar program.

Every fixture in tests/invites/ is written in its producer's own style (PRODID,
Windows zone names, X-MICROSOFT-CDO-*, X-MS-OLK-*, X-LOTUS-*, X-APPLE-*, principal
URLs with EMAIL=, UTC times with Google's ctz= link, a UTF-16 export). Old files
are read with the clock frozen a few days after them, as a user would have.
Local times were worked out by hand from each zone's offset on that date.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from freezegun import freeze_time

from afterview.errors import InviteError
from afterview.formats.icsread import read_invitation
from afterview.invite.guesses import display_name
from afterview.invite.interview import interview_from_invitation
from afterview.invite.mail import load_invitation

RunCli = Callable[..., Result]  # the conftest fixture's type
INVITES = Path(__file__).parent / "invites"
ME = "alex.morgan@example.com"


def shown(run_cli: RunCli, name: str, *flags: str) -> dict[str, Any]:
    """`afterview show INVITE --json` with the given flags, checked to succeed."""
    result = run_cli("show", INVITES / name, "--json", "--decision", "", *flags)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def people(data: dict[str, Any]) -> list[str]:
    """Who gets a thank-you in a plan's JSON."""
    return [e["person"] for e in data["events"] if e["step"] == "thank-you"]


@freeze_time("2009-11-12")
def test_exchange_2007_reads_windows_zone_and_directory_names(run_cli: RunCli) -> None:
    """Exchange 2007: 'Pacific Standard Time', 'Raman, Priya' and a room left out."""
    data = shown(run_cli, "exchange-2007.ics", "--me", ME, "--country", "US")
    assert (data["company"], data["role"]) == ("Contoso", "Senior Data Engineer")
    assert data["interview"]["timezone"] == "America/Los_Angeles"
    assert data["interview"]["start"] == "2009-11-17T10:00:00"
    assert people(data) == ["Priya Raman", "Tom Okafor"]


@freeze_time("2012-03-01")
def test_exchange_2010_reads_company_pipe_role_titles(run_cli: RunCli) -> None:
    """Exchange 2010: 'Fabrikam | Data Analyst interview' in W. Europe Standard Time."""
    data = shown(run_cli, "exchange-2010.ics", "--me", ME, "--country", "DE")
    assert (data["company"], data["role"]) == ("Fabrikam", "Data Analyst")
    assert data["interview"]["timezone"] == "Europe/Berlin"
    assert people(data) == ["Petra Weber"]  # hr-team@ is a group address, not a person


@freeze_time("2011-05-04")
def test_outlook_14_reads_a_french_title_and_the_company_as_written(run_cli: RunCli) -> None:
    """Outlook 14: 'Entretien avec Lumière SA : Chef de projet data', in Paris."""
    data = shown(run_cli, "outlook-14.ics", "--me", ME, "--country", "FR")
    assert (data["company"], data["role"]) == ("Lumière SA", "Chef de projet data")
    assert data["interview"]["timezone"] == "Europe/Paris"
    assert data["interview"]["start"] == "2011-05-10T09:30:00"
    assert people(data) == ["Claire Dubois"]


@freeze_time("2015-10-07")
def test_apple_ical_reads_interview_company_dash_role_titles(run_cli: RunCli) -> None:
    """Apple iCal: 'Interview Fenwick & Rowe – Product Designer (Alex Morgan)'."""
    data = shown(run_cli, "apple-ical.ics", "--me", ME, "--country", "GB")
    assert (data["company"], data["role"]) == ("Fenwick & Rowe", "Product Designer")
    assert data["interview"]["start"] == "2015-10-14T10:30:00"
    assert sorted(people(data)) == ["Ben Ode", "Harriet Cole"]


@freeze_time("2016-06-01")
def test_iphone_reads_role_em_dash_interview_with_company(run_cli: RunCli) -> None:
    """iPhone: 'Senior Analyst — Interview with Qamar Logistics' in Riyadh."""
    data = shown(run_cli, "iphone.ics", "--me", ME, "--country", "SA")
    assert (data["company"], data["role"]) == ("Qamar Logistics", "Senior Analyst")
    assert data["interview"]["timezone"] == "Asia/Riyadh"
    assert people(data) == ["Layla Al-Harbi"]


@freeze_time("2012-10-09")
def test_lotus_notes_names_acronyms_and_german_titles(run_cli: RunCli) -> None:
    """Lotus Notes: 'Paul Wulf/Germany/IBM' is Paul Wulf at IBM; its 'W. Europe' zone
    (known only by its offsets) becomes Germany's one zone."""
    data = shown(run_cli, "lotus-notes.ics", "--me", ME, "--country", "DE")
    assert (data["company"], data["role"]) == ("IBM", "Softwareentwickler Java")
    assert sorted(people(data)) == ["Anna Schmidt", "Paul Wulf"]
    assert data["interview"]["timezone"] == "Europe/Berlin"
    assert data["interview"]["start"] == "2012-10-15T10:00:00"  # CEST, +02:00 that day


@freeze_time("2015-10-28")
def test_calendarserver_principal_urls_give_addresses_by_email_param(run_cli: RunCli) -> None:
    """CalendarServer: urn:x-uid and /principals/ values carry the address in EMAIL=."""
    data = shown(run_cli, "calendarserver.ics", "--me", ME, "--country", "US")
    assert (data["company"], data["role"]) == ("Wingtip Toys", "Backend Engineer")
    thanks = [e for e in data["events"] if e["step"] == "thank-you"]
    assert [e["draft"]["to"] for e in thanks] == [
        "dana.lee@wingtiptoys.com",
        "omar.haddad@wingtiptoys.com",
    ]


@freeze_time("2026-11-20")
def test_utf16_export_is_read(run_cli: RunCli) -> None:
    """An Outlook export saved as UTF-16 with a byte-order mark reads like UTF-8."""
    assert (INVITES / "utf16-export.ics").read_bytes()[:2] == b"\xff\xfe"
    data = shown(run_cli, "utf16-export.ics", "--me", ME, "--country", "JP")
    assert data["role"] == "データエンジニア"
    assert data["interview"]["timezone"] == "Asia/Tokyo"
    assert people(data) == ["佐藤 花子"]


@freeze_time("2026-11-20")
def test_google_utc_invite_takes_the_zone_of_its_ctz_link(run_cli: RunCli) -> None:
    """Google writes 22:00 UTC; its ctz= link says Los Angeles: 14:00 local, and it says so."""
    data = shown(run_cli, "google-utc.eml", "--country", "US")
    assert data["interview"]["timezone"] == "America/Los_Angeles"
    assert data["interview"]["start"] == "2026-11-24T14:00:00"  # PST is UTC-8 in November
    assert (data["company"], data["role"]) == ("Northwind Traders", "Data Engineer")
    assert people(data) == ["Priya Raman"]  # the To: address is the user; a group is not


@freeze_time("2026-11-20")
def test_google_utc_invite_without_a_zone_hint_is_refused_in_a_script(run_cli: RunCli) -> None:
    """The same UTC times with --country US and no hint are never planned in UTC."""
    inv = load_invitation(INVITES / "google-utc.eml")
    bare = [e.__class__(**{**e.__dict__, "description": None}) for e in inv.events]
    stripped = inv.__class__(**{**inv.__dict__, "events": tuple(bare), "sent_offset": None})
    with pytest.raises(InviteError, match="US has several zones: pass --timezone"):
        interview_from_invitation(
            stripped,
            me=None,
            country="US",
            subdivision=None,
            decision=None,
            policy=None,
            timezone=None,
            defaults={},
            ask=None,
            today=dt.date(2026, 11, 20),
        )


@freeze_time("2026-11-12")
def test_mailing_list_invite_thanks_no_list_and_guesses_no_company(run_cli: RunCli) -> None:
    """A list's no-reply invite thanks only the person; with no company named, it refuses."""
    result = run_cli("show", INVITES / "mailing-list.eml", "--json", "--country", "NL")
    assert result.exit_code == 11, result.output
    assert "--company" in result.stderr
    data = shown(run_cli, "mailing-list.eml", "--country", "NL", "--company", "Example")
    assert people(data) == ["Jordan Ellis"]


def test_afterview_plan_given_back_is_refused(run_cli: RunCli) -> None:
    """A calendar afterview wrote is recognised by its PRODID and refused, exit 11."""
    sample = Path(__file__).parent.parent / "samples" / "standard-thanksgiving.ics"
    result = run_cli("show", sample, "--country", "US")
    assert result.exit_code == 11
    assert "a follow-up plan afterview wrote" in result.stderr


@pytest.mark.parametrize(
    ("cn", "expected"),
    [
        ("Admin Account, Tine 2.0", "Admin Account, Tine 2.0"),
        ("Raman, Priya", "Priya Raman"),
        ("CN=Paul Wulf/OU=Germany/O=IBM", "Paul Wulf"),
        ("Conf Room 4/2204 (12)", "Conf Room 4/2204 (12)"),
        ("Support Team, Berlin", "Support Team, Berlin"),
    ],
)
def test_names_are_reversed_only_when_they_are_a_persons(cn: str, expected: str) -> None:
    """'Last, First' turns round for people only; Notes hierarchies lose their path."""
    assert display_name(cn, "someone@example.org") == expected


def test_utf16_calendar_bytes_read_directly() -> None:
    """read_invitation itself accepts UTF-16 with a byte-order mark."""
    inv = read_invitation((INVITES / "utf16-export.ics").read_bytes(), "utf16.ics")
    assert inv.events[0].zone == "Asia/Tokyo"


@freeze_time("2026-11-20")
def test_eml_addressee_is_the_user_even_when_settings_name_another() -> None:
    """The To: of a saved e-mail is left out as the user, over the settings' address."""
    inv = load_invitation(INVITES / "gmail-invite.eml")
    got = interview_from_invitation(
        inv,
        me=None,
        my_address="alex.kim@elsewhere.example",
        country="GB",
        subdivision=None,
        decision=None,
        policy=None,
        timezone=None,
        defaults={},
        ask=None,
        today=dt.date(2026, 11, 20),
    )
    assert "Alex Morgan" not in [p.name for p in got.interviewers]
    assert got.notes is not None and "the address the e-mail was sent to" in got.notes


def test_acronyms_keep_the_spelling_the_invitation_writes() -> None:
    """A short domain name is an acronym (ibm.com: IBM); a longer one takes the text's case."""
    from afterview.invite.guesses import company_from_domain, spelled_as_written

    assert company_from_domain("de.ibm.com") == "IBM"
    assert company_from_domain("northwind-traders.com") == "Northwind Traders"
    texts = ["Your interview at NVIDIA Santa Clara"]
    assert spelled_as_written(company_from_domain("nvidia.com"), texts) == "NVIDIA"
    assert spelled_as_written("Northwind Traders", ["see you soon"]) == "Northwind Traders"
