"""The command line started from an invitation: new --from-invite, plan FILE.ics."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from freezegun import freeze_time

from afterview.formats.interviewfile import read_interview

RunCli = Callable[..., Result]  # the conftest fixture's type
INVITES = Path(__file__).parent / "invites"
TEAMS_FLAGS = (
    "--me",
    "alex.morgan@example.com",
    "--country",
    "US",
    "--subdivision",
    "CA",
    "--decision",
    "within two weeks",
    "--policy",
    "deadline",
)


@freeze_time("2026-11-20")
def test_new_from_invite_writes_the_expected_interview(run_cli: RunCli, tmp_path: Path) -> None:
    """Given every flag, new --from-invite asks nothing and writes the interview the invite says."""
    out = tmp_path / "teams.toml"
    result = run_cli("new", "--from-invite", INVITES / "teams.ics", "-o", out, *TEAMS_FLAGS)
    assert result.exit_code == 0, result.output
    assert read_interview(out) == read_interview(INVITES / "teams.toml")


@freeze_time("2026-11-20")
def test_new_from_invite_without_country_and_terminal_stops(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """With no country and nobody to ask, new --from-invite refuses in one line, writing nothing."""
    out = tmp_path / "teams.toml"
    result = run_cli(
        "new", "--from-invite", INVITES / "teams.ics", "-o", out, "--role", "x", *TEAMS_FLAGS[:2]
    )
    assert result.exit_code == 11
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--country" in result.stderr
    assert not out.exists()


@freeze_time("2026-11-20")
def test_plan_takes_an_invitation_and_never_overwrites_it(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan invite.ics writes invite-follow-ups.ics beside the user and leaves the invite alone."""
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "teams.ics"
    shutil.copyfile(INVITES / "teams.ics", source)
    before = source.read_bytes()
    result = run_cli("plan", "teams.ics", *TEAMS_FLAGS)
    assert result.exit_code == 0, result.output
    assert source.read_bytes() == before
    written = (tmp_path / "teams-follow-ups.ics").read_text(encoding="utf-8")
    # Thu 3 Dec 2026 10:00-11:00 Los Angeles; "within two weeks" = Thu 17 Dec; deadline's
    # check-in is bd(S, 1) = Fri 18 Dec; each of the three interviewers gets a thank-you.
    assert written.count("CATEGORIES:thank-you") == 3
    assert "DTSTART;VALUE=DATE:20261218" in written
    assert "alex.morgan" not in written.lower()


@freeze_time("2026-11-20")
def test_show_reads_a_saved_email(run_cli: RunCli) -> None:
    """show accepts a saved e-mail whose attachment is the invitation."""
    expected = read_interview(INVITES / "gmail-invite.toml")
    flags = ["--country", expected.country, "--policy", expected.policy]
    if expected.decision:
        flags += ["--decision", expected.decision]
    if expected.subdivision:
        flags += ["--subdivision", expected.subdivision]
    result = run_cli("show", INVITES / "gmail-invite.eml", "--json", *flags)
    assert result.exit_code == 0, result.output
    assert expected.company in result.stdout
    assert expected.interviewers[0].name in result.stdout
