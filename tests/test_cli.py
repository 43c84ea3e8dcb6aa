"""The command line as a user meets it: plan, show, policies, check, new, config and --help."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time

from afterview.cli import main
from afterview.policies import BUILT_IN

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
THANKSGIVING = SAMPLES / "standard-thanksgiving.toml"

EVENT_KEYS = {
    "uid",
    "date",
    "weekday",
    "time",
    "minutes",
    "step",
    "number",
    "label",
    "person",
    "channel",
    "title",
    "why",
    "status",
    "draft",
}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run every test in an empty folder with its own settings file."""
    monkeypatch.setenv("AFTERVIEW_CONFIG", str(tmp_path / "settings" / "config.toml"))
    monkeypatch.delenv("AFTERVIEW_DEBUG", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def run(*args: str, input: str | None = None) -> Result:
    """Invoke ``afterview`` in-process."""
    return CliRunner().invoke(main, list(args), input=input)


def sample(name: str = "standard-thanksgiving.toml", folder: Path | None = None) -> Path:
    """A copy of a sample interview file in ``folder`` (default: the current folder)."""
    target = (folder or Path.cwd()) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLES / name, target)
    return target


def show_json(*args: str) -> dict[str, Any]:
    """The parsed output of ``afterview show --json``."""
    result = run("show", *args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def check_in_dates(data: dict[str, Any]) -> dict[str, str]:
    """Check-in label -> ISO date, from show --json."""
    return {e["label"]: e["date"] for e in data["events"] if e["step"] == "check-in"}


def one_line_error(result: Result, code: int) -> str:
    """Assert a failed run's documented exit code and single stderr line; return the line."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("afterview: ")
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    return result.stderr


# ---------------------------------------------------------------------------- plan


def test_plan_writes_ics_named_after_the_file_in_the_current_folder(isolated: Path) -> None:
    """plan writes FILE's name with .ics in the current folder, not beside FILE, and says so."""
    source = sample(folder=isolated / "interviews")
    result = run("plan", "interviews/standard-thanksgiving.toml")
    assert result.exit_code == 0, result.output
    written = isolated / "standard-thanksgiving.ics"
    assert written.is_file()
    assert not (source.parent / "standard-thanksgiving.ics").exists()
    assert str(written) in result.stdout
    assert "Planned 8 events" in result.stdout
    data = written.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR")
    assert data.count(b"BEGIN:VEVENT") == 8


def test_plan_leaves_no_temporary_files(isolated: Path) -> None:
    """An atomic write leaves only the calendar behind in the output folder."""
    sample()
    assert run("plan", "standard-thanksgiving.toml").exit_code == 0
    assert sorted(p.name for p in isolated.iterdir()) == [
        "standard-thanksgiving.ics",
        "standard-thanksgiving.toml",
    ]


def test_plan_to_stdout_writes_the_calendar_and_no_file(isolated: Path) -> None:
    """`-o -` prints the calendar on stdout and writes nothing to disk."""
    sample()
    result = run("plan", "standard-thanksgiving.toml", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("BEGIN:VCALENDAR")
    assert result.stdout.rstrip().endswith("END:VCALENDAR")
    assert result.stdout.count("BEGIN:VEVENT") == 8
    assert not (isolated / "standard-thanksgiving.ics").exists()


def test_plan_output_option_names_the_file(isolated: Path) -> None:
    """`-o OUT.ics` writes exactly there."""
    sample()
    (isolated / "cal").mkdir()
    result = run("plan", "standard-thanksgiving.toml", "-o", "cal/mine.ics")
    assert result.exit_code == 0, result.output
    assert (isolated / "cal" / "mine.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_plan_decision_option_overrides_the_file() -> None:
    """--decision 'within two weeks' moves check-in 1 to bd(I + 14d, 1) = Thu 10 Dec."""
    sample()
    assert check_in_dates(show_json("standard-thanksgiving.toml")) == {
        "check-in-1": "2026-11-30",
        "check-in-2": "2026-12-07",
    }
    data = show_json("standard-thanksgiving.toml", "--decision", "within two weeks")
    assert data["decision"] == {
        "said": "within two weeks",
        "date": "2026-12-09",
        "few_days": False,
        "note": None,
        "off": None,
    }
    assert check_in_dates(data) == {"check-in-1": "2026-12-10", "check-in-2": "2026-12-17"}
    result = run("plan", "standard-thanksgiving.toml", "--decision", "within two weeks", "-o", "-")
    assert result.exit_code == 0, result.output
    assert "DTSTART;VALUE=DATE:20261210" in result.stdout
    assert "DTSTART;VALUE=DATE:20261130" not in result.stdout


def test_plan_policy_option_overrides_the_file() -> None:
    """--policy minimal puts check-in 2 on roll(S + 14d) = Fri 11 Dec instead of Mon 7 Dec."""
    sample()
    data = show_json("standard-thanksgiving.toml", "--policy", "minimal")
    assert data["policy"] == "minimal"
    assert check_in_dates(data) == {"check-in-1": "2026-11-30", "check-in-2": "2026-12-11"}
    result = run("plan", "standard-thanksgiving.toml", "--policy", "minimal", "-o", "-")
    assert result.exit_code == 0, result.output
    assert "DTSTART;VALUE=DATE:20261211" in result.stdout
    assert "DTSTART;VALUE=DATE:20261207" not in result.stdout


def test_plan_policy_option_takes_a_policy_file(isolated: Path) -> None:
    """--policy PATH plans with the user's own policy file."""
    sample()
    policy = run("policies", "--show", "minimal").stdout
    (isolated / "mine.toml").write_text(policy.replace('"minimal"', '"mine"', 1))
    data = show_json("standard-thanksgiving.toml", "--policy", "mine.toml")
    assert data["policy"] == "mine"
    assert check_in_dates(data) == {"check-in-1": "2026-11-30", "check-in-2": "2026-12-11"}


def test_plan_refuses_to_write_over_its_input(isolated: Path) -> None:
    """plan FILE -o FILE fails with exit 8 and leaves the interview file as it was."""
    source = sample()
    before = source.read_bytes()
    result = run("plan", "standard-thanksgiving.toml", "-o", "./standard-thanksgiving.toml")
    assert "is the input file" in one_line_error(result, 8)
    assert source.read_bytes() == before


ME_MEET = "alex.morgan@example.com"  # the user in tests/invites/google-meet.ics


def test_plan_default_output_never_is_an_ics_input(isolated: Path) -> None:
    """An invitation (*.ics) gets a *-follow-ups.ics calendar, never itself."""
    source = isolated / "northwind.ics"
    shutil.copyfile(Path(__file__).parent / "invites" / "google-meet.ics", source)
    before = source.read_bytes()
    result = run(
        "plan", "northwind.ics", "--country", "US", "--decision", "by Friday", "--me", ME_MEET
    )
    assert result.exit_code == 0, result.output
    assert source.read_bytes() == before
    assert (isolated / "northwind-follow-ups.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_plan_cancel_marks_every_event_cancelled() -> None:
    """--cancel writes the same events (same UIDs) with STATUS:CANCELLED and a higher SEQUENCE."""
    sample()
    planned = run("plan", "standard-thanksgiving.toml", "-o", "-").stdout
    result = run("plan", "standard-thanksgiving.toml", "--cancel", "-o", "-")
    assert result.exit_code == 0, result.output
    cancelled = result.stdout
    assert cancelled.count("STATUS:CANCELLED") == 8
    assert "STATUS:CONFIRMED" not in cancelled
    assert "SEQUENCE:1" in cancelled and "SEQUENCE:0" not in cancelled

    def uids(text: str) -> list[str]:
        return sorted(line for line in text.splitlines() if line.startswith("UID:"))

    assert uids(cancelled) == uids(planned)


def test_plan_says_cancelled_when_writing_a_file(isolated: Path) -> None:
    """plan --cancel to a file reports the events it cancelled."""
    sample()
    result = run("plan", "standard-thanksgiving.toml", "--cancel")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Cancelled 8 events")


def test_plan_without_settings_hints_once_and_signs_neutrally() -> None:
    """Without settings, drafts are signed '[your name]' and stderr has one hint line."""
    sample()
    result = run("plan", "standard-thanksgiving.toml")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("\n") == 1
    assert "afterview config set name" in result.stderr
    data = show_json("standard-thanksgiving.toml")
    signed = [e["draft"]["body"] for e in data["events"] if e["channel"] != "private"]
    assert signed and all("[your name]" in body for body in signed)


def test_plan_with_settings_signs_drafts_and_drops_the_hint() -> None:
    """A saved name signs every draft and the hint goes away."""
    sample()
    assert run("config", "set", "name", "Alex Kim").exit_code == 0
    result = run("plan", "standard-thanksgiving.toml")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = show_json("standard-thanksgiving.toml")
    bodies = [e["draft"]["body"] for e in data["events"] if e["channel"] != "private"]
    assert bodies and all("Alex Kim" in body and "[your name]" not in body for body in bodies)


def test_plan_reminder_setting_changes_the_alarm() -> None:
    """`config set reminder 08:30` moves all-day reminders to 08:30 (a PT8H30M trigger)."""
    sample()
    assert "START:PT9H" in run("plan", "standard-thanksgiving.toml", "-o", "-").stdout
    assert run("config", "set", "reminder", "8:30").exit_code == 0
    calendar = run("plan", "standard-thanksgiving.toml", "-o", "-").stdout
    assert "START:PT8H30M" in calendar and "START:PT9H" not in calendar


# ---------------------------------------------------------------------------- show


def test_show_prints_date_weekday_step_person_and_why() -> None:
    """show prints one block per event: date with weekday, step, person and a 'why' line."""
    sample()
    result = run("show", "standard-thanksgiving.toml")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Northwind Traders" in text
    assert "they said: 'by Friday' (Fri 27 Nov)" in text
    events = show_json("standard-thanksgiving.toml")["events"]
    rows = [line for line in text.splitlines() if line[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri")]
    assert len(rows) == len(events) == 8
    for row, event in zip(rows, events, strict=True):
        assert row.startswith(f"{event['weekday'][:3]} ")
        assert event["label"] in row
        assert (event["person"] or "you") in row
    assert text.count("    why: ") == 8
    for event in events:
        assert f"why: {event['why']}" in text
    assert "Mon 30 Nov 2026" in text
    assert "skipping Thanksgiving Day (Thu 26 Nov)" in text


def test_show_json_has_the_documented_stable_keys() -> None:
    """show --json gives exactly the documented keys at every level."""
    sample()
    data = show_json("standard-thanksgiving.toml")
    assert set(data) == {
        "company",
        "role",
        "candidate",
        "interview",
        "policy",
        "decision",
        "no_follow_ups",
        "events",
        "warnings",
    }
    assert data["interview"] == {
        "start": "2026-11-25T14:00:00",
        "end": "2026-11-25T15:00:00",
        "timezone": "America/New_York",
        "country": "US",
        "subdivision": "NY",
    }
    assert data["decision"] == {
        "said": "by Friday",
        "date": "2026-11-27",
        "few_days": False,
        "note": None,
        "off": None,
    }
    assert (data["company"], data["policy"], data["no_follow_ups"]) == (
        "Northwind Traders",
        "standard",
        False,
    )
    assert data["candidate"] is None
    assert data["warnings"] == []
    for event in data["events"]:
        assert set(event) == EVENT_KEYS
        assert set(event["draft"]) == {"to", "subject", "body", "mailto", "tel"}
    first = data["events"][0]
    assert (first["date"], first["weekday"], first["time"], first["minutes"]) == (
        "2026-11-25",
        "Wednesday",
        "16:00",
        30,
    )
    assert (first["step"], first["number"], first["status"]) == ("thank-you", None, "planned")
    check_in = next(e for e in data["events"] if e["label"] == "check-in-2")
    assert (check_in["number"], check_in["time"], check_in["minutes"]) == (2, None, None)
    assert check_in["draft"]["mailto"].startswith("mailto:dana.lee@northwind.example?")
    assert len({e["uid"] for e in data["events"]}) == len(data["events"])


def test_show_json_is_deterministic() -> None:
    """The same file gives the same JSON twice (UIDs included)."""
    sample()
    assert run("show", "standard-thanksgiving.toml", "--json").stdout == (
        run("show", "standard-thanksgiving.toml", "--json").stdout
    )


def test_show_json_warnings_and_no_follow_ups() -> None:
    """A no-follow-ups interview shows the flag, no check-ins and its warning in JSON."""
    sample("minimal-no-follow-ups.toml")
    data = show_json("minimal-no-follow-ups.toml")
    assert data["no_follow_ups"] is True
    assert not check_in_dates(data)
    assert any("no follow-ups" in w for w in data["warnings"])


# ---------------------------------------------------------------------------- policies


def test_policies_lists_the_five_built_ins_one_per_line() -> None:
    """policies prints five lines, one per built-in name, and marks the default."""
    result = run("policies")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(BUILT_IN)
    assert "(default)" in lines[0] and lines[0].startswith("standard ")


def test_policies_json_parses_with_names_and_steps() -> None:
    """policies --json is a list of the five policies with their steps."""
    result = run("policies", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["name"] for p in data] == list(BUILT_IN)
    assert [p["default"] for p in data] == [True, False, False, False, False]
    for policy in data:
        assert set(policy) == {"name", "default", "summary", "steps"}
        assert policy["summary"]
        for step in policy["steps"]:
            assert set(step) == {"id", "step", "for", "optional", "on", "when"}


@pytest.mark.parametrize("name", BUILT_IN)
def test_policies_show_prints_toml_that_check_accepts(name: str, isolated: Path) -> None:
    """policies --show NAME prints a TOML policy that `check` accepts as a custom policy."""
    result = run("policies", "--show", name)
    assert result.exit_code == 0, result.output
    assert tomllib.loads(result.stdout)["name"] == name
    (isolated / "copy.toml").write_text(result.stdout)
    checked = run("check", "copy.toml")
    assert checked.exit_code == 0, checked.output
    assert f"valid policy '{name}'" in checked.stdout


def test_policies_show_unknown_name_suggests_a_close_one() -> None:
    """policies --show standrad fails with exit 7 and suggests 'standard'."""
    assert "did you mean 'standard'" in one_line_error(run("policies", "--show", "standrad"), 7)


# ---------------------------------------------------------------------------- check


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.toml")))
def test_check_accepts_every_sample(name: str) -> None:
    """check says ok for each sample interview file and exits 0."""
    result = run("check", str(SAMPLES / name))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"ok: {SAMPLES / name} plans ")


def test_check_accepts_a_custom_policy(isolated: Path) -> None:
    """check accepts a custom policy whose check-ins are a week apart."""
    (isolated / "weekly.toml").write_text(
        'name = "weekly"\nsummary = "a check-in a week, twice"\n\n'
        '[[steps]]\nstep = "thank-you"\nsame_day = { after_end_minutes = 60 }\n\n'
        '[[steps]]\nstep = "check-in"\nwhen = [{ from = "interview", weeks = 1 }]\n\n'
        '[[steps]]\nstep = "check-in"\nwhen = [{ from = "check-in-1", days = 7 }]\n'
    )
    result = run("check", "weekly.toml")
    assert result.exit_code == 0, result.output
    expected = "ok: weekly.toml is a valid policy 'weekly' with 3 steps and 2 check-ins\n"
    assert result.stdout == expected


def test_check_explains_a_broken_file_in_one_line(isolated: Path) -> None:
    """check of a file with a typo exits 4 with the line and the close key."""
    (isolated / "typo.toml").write_text(THANKSGIVING.read_text().replace("role =", "rol ="))
    message = one_line_error(run("check", "typo.toml"), 4)
    assert "line 3" in message and "did you mean 'role'" in message


# ---------------------------------------------------------------------------- config


def test_config_set_and_show_round_trip(tmp_path: Path) -> None:
    """config set stores cleaned values that config shows and the settings file holds."""
    for key, value in [
        ("name", "Alex Kim"),
        ("email", "alex@example.org"),
        ("phone", "+44 20 7946 0000"),
        ("signature", "Alex Kim\nData engineer"),
        ("country", "gb"),
        ("subdivision", "ENG"),
        ("timezone", "Europe/London"),
        ("reminder", "8:30"),
    ]:
        result = run("config", "set", key, value)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"Saved {key} in ")
    shown = run("config")
    assert shown.exit_code == 0, shown.output
    assert str(tmp_path / "settings" / "config.toml") in shown.stdout.splitlines()[0]
    assert '"Alex Kim"' in shown.stdout
    assert '"GB"' in shown.stdout
    assert '"08:30"' in shown.stdout
    saved = tomllib.loads((tmp_path / "settings" / "config.toml").read_text())
    assert saved == {
        "name": "Alex Kim",
        "email": "alex@example.org",
        "phone": "+44 20 7946 0000",
        "signature": "Alex Kim\nData engineer",
        "country": "GB",
        "subdivision": "ENG",
        "timezone": "Europe/London",
        "reminder": "08:30",
    }


def test_config_set_empty_value_removes_the_key(tmp_path: Path) -> None:
    """config set KEY '' removes the setting."""
    run("config", "set", "name", "Alex Kim")
    assert run("config", "set", "name", "").exit_code == 0
    assert "name" not in tomllib.loads((tmp_path / "settings" / "config.toml").read_text())
    assert "(not set)" in run("config").stdout.splitlines()[1]


def test_config_without_a_file_shows_nothing_set() -> None:
    """config works without a settings file and lists every key as not set."""
    result = run("config")
    assert result.exit_code == 0, result.output
    from afterview.settings import KEYS

    assert result.stdout.count("(not set)") == len(KEYS) == 14


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("reminder", "25:00", "reminder must be a time like 09:00"),
        ("reminder", "nine", "reminder must be a time like 09:00"),
        ("email", "nope", "'nope' is not an email address"),
        ("country", "EN", "did you mean 'GB' (United Kingdom)"),
        ("timezone", "Mars/Base", "'Mars/Base' is not a time zone"),
        ("nmae", "Alex", "did you mean 'name'"),
    ],
)
def test_config_set_refuses_bad_values(key: str, value: str, fragment: str, tmp_path: Path) -> None:
    """config set refuses a bad value with exit 9 and one line, and saves nothing."""
    assert run("config", "set", "name", "Alex Kim").exit_code == 0
    path = tmp_path / "settings" / "config.toml"
    before = path.read_bytes()
    assert fragment in one_line_error(run("config", "set", key, value), 9)
    assert path.read_bytes() == before


def test_a_broken_settings_file_is_reported_with_its_path(tmp_path: Path) -> None:
    """A settings file with a bad value fails with exit 9 naming the file."""
    path = tmp_path / "settings" / "config.toml"
    path.parent.mkdir()
    path.write_text('reminder = "25:00"\n')
    message = one_line_error(run("config"), 9)
    assert str(path) in message and "09:00" in message


def test_settings_defaults_fill_a_file_without_place(isolated: Path) -> None:
    """country and timezone from settings fill an interview file that lacks them."""
    text = THANKSGIVING.read_text()
    for line in ('timezone = "America/New_York"\n', 'country = "US"\n', 'subdivision = "NY"\n'):
        text = text.replace(line, "")
    (isolated / "short.toml").write_text(text)
    assert "'timezone' is missing" in one_line_error(run("check", "short.toml"), 4)
    run("config", "set", "timezone", "America/New_York")
    run("config", "set", "country", "US")
    data = show_json("short.toml")
    assert (data["interview"]["timezone"], data["interview"]["country"]) == (
        "America/New_York",
        "US",
    )


# ---------------------------------------------------------------------------- new

NEW_ANSWERS = [
    "Acme Corp",  # company
    "Engineer",  # role
    "2026-12-01",  # date
    "14:00",  # start time
    "45",  # minutes
    "Europe/London",  # time zone
    "GB",  # country
    "ENG",  # subdivision
    "Ana Ruiz",  # first interviewer
    "ana.ruiz@acme.example",
    "APIs, testing",
    "Ben Ode",  # second interviewer
    "",
    "",
    "",  # no more interviewers
    "within two weeks",  # decision
]


def answers(*lines: str) -> str:
    """Prompt answers, one per line."""
    return "\n".join(lines) + "\n"


def test_new_writes_a_file_that_plan_accepts(isolated: Path) -> None:
    """new with answers writes an interview file that check and plan accept."""
    run("config", "set", "name", "Alex Kim")
    result = run("new", "-o", "acme.toml", input=answers(*NEW_ANSWERS))
    assert result.exit_code == 0, result.output
    assert "Wrote acme.toml" in result.stdout
    data = tomllib.loads((isolated / "acme.toml").read_text())
    assert data["company"] == "Acme Corp"
    assert str(data["start"]) == "2026-12-01 14:00:00"
    assert str(data["end"]) == "2026-12-01 14:45:00"
    assert (data["timezone"], data["country"], data["subdivision"]) == (
        "Europe/London",
        "GB",
        "ENG",
    )
    assert data["decision"] == "within two weeks"
    assert [p["name"] for p in data["interviewers"]] == ["Ana Ruiz", "Ben Ode"]
    assert data["interviewers"][0]["topics"] == ["APIs", "testing"]
    assert "email" not in data["interviewers"][1]
    planned = run("plan", "acme.toml")
    assert planned.exit_code == 0, planned.output
    assert (isolated / "acme.ics").is_file()


def test_new_asks_for_the_name_once_and_saves_it(tmp_path: Path) -> None:
    """new asks for the user's name when settings lack it, saves it, and then stops asking."""
    first = run("new", "-o", "one.toml", input=answers("Alex Kim", *NEW_ANSWERS))
    assert first.exit_code == 0, first.output
    assert "Your name" in first.stdout
    saved = tomllib.loads((tmp_path / "settings" / "config.toml").read_text())
    assert saved["name"] == "Alex Kim"
    second = run("new", "-o", "two.toml", input=answers(*NEW_ANSWERS))
    assert second.exit_code == 0, second.output
    assert "Your name" not in second.stdout


@freeze_time("2026-11-23 08:00:00")
def test_new_defaults_to_today_and_settings(isolated: Path) -> None:
    """new offers today's date, 10:00, 60 minutes and the saved zone and country as defaults."""
    run("config", "set", "name", "Alex Kim")
    run("config", "set", "timezone", "Asia/Riyadh")
    run("config", "set", "country", "SA")
    result = run(
        "new", input=answers("Qamar", "Analyst", "", "", "", "", "", "", "Layla", "", "", "", "")
    )
    assert result.exit_code == 0, result.output
    assert "[2026-11-23]" in result.stdout
    written = isolated / "qamar-2026-11-23.toml"
    data = tomllib.loads(written.read_text())
    assert str(data["start"]) == "2026-11-23 10:00:00"
    assert str(data["end"]) == "2026-11-23 11:00:00"
    assert (data["timezone"], data["country"]) == ("Asia/Riyadh", "SA")
    assert "subdivision" not in data and "decision" not in data
    assert run("check", written.name).exit_code == 0


def test_new_asks_again_for_a_bad_date_or_time(isolated: Path) -> None:
    """new re-asks an unreadable date or time instead of failing on a file never shown."""
    run("config", "set", "name", "Alex Kim")
    retried = [*NEW_ANSWERS[:2], "tomorrow", NEW_ANSWERS[2], "25:00", "9:30", *NEW_ANSWERS[4:]]
    result = run("new", "-o", "acme.toml", input=answers(*retried))
    assert result.exit_code == 0, result.output
    assert "'tomorrow' is not a date like 2026-11-24" in result.output
    assert "'25:00' is not a time like 14:30" in result.output
    data = tomllib.loads((isolated / "acme.toml").read_text())
    assert str(data["start"]) == "2026-12-01 09:30:00"


def test_new_checks_each_answer_as_it_is_typed(isolated: Path) -> None:
    """new asks again for a wrong zone, country, region or phrase, offering the closest."""
    run("config", "set", "name", "Alex Kim")
    retried = [
        *NEW_ANSWERS[:5],
        "Europe/Londn",
        "Europe/London",
        "EN",
        "GB",
        "ENGG",
        "ENG",
        *NEW_ANSWERS[8:-1],
        "next Friday",
        "within two weeks",
    ]
    result = run("new", "-o", "acme.toml", input=answers(*retried))
    assert result.exit_code == 0, result.output
    assert "did you mean 'Europe/London'" in result.output
    assert "did you mean 'GB'" in result.output
    assert "unknown subdivision 'ENGG'" in result.output
    assert "next Friday" in result.output  # the refusal is shown, then the question again
    data = tomllib.loads((isolated / "acme.toml").read_text())
    assert (data["timezone"], data["country"], data["subdivision"]) == (
        "Europe/London",
        "GB",
        "ENG",
    )
    assert data["decision"] == "within two weeks"


def test_new_keeps_the_answers_in_a_draft_when_it_cannot_write(isolated: Path) -> None:
    """When new cannot write the file, the answers go to a draft file it names."""
    run("config", "set", "name", "Alex Kim")
    (isolated / "acme.toml").write_text("keep me\n")
    result = run("new", "-o", "acme.toml", input=answers(*NEW_ANSWERS, "n"))
    assert result.exit_code == 8, result.output
    assert "acme.draft.toml" in result.stderr
    assert (isolated / "acme.toml").read_text() == "keep me\n"
    kept = tomllib.loads((isolated / "acme.draft.toml").read_text())
    assert kept["company"] == "Acme Corp"
    assert [p["name"] for p in kept["interviewers"]] == ["Ana Ruiz", "Ben Ode"]


def test_new_splits_topics_typed_with_an_oxford_comma(isolated: Path) -> None:
    """Topics 'APIs, testing, and Kafka' become three topics, none starting with 'and'."""
    run("config", "set", "name", "Alex Kim")
    typed = list(NEW_ANSWERS)
    typed[10] = "APIs, testing, and Kafka"
    result = run("new", "-o", "acme.toml", input=answers(*typed))
    assert result.exit_code == 0, result.output
    data = tomllib.loads((isolated / "acme.toml").read_text())
    assert data["interviewers"][0]["topics"] == ["APIs", "testing", "Kafka"]


def test_new_keeps_an_existing_file_unless_told(isolated: Path) -> None:
    """new asks before replacing a file and keeps it when the answer is no (exit 8)."""
    run("config", "set", "name", "Alex Kim")
    (isolated / "acme.toml").write_text("keep me\n")
    result = run("new", "-o", "acme.toml", input=answers(*NEW_ANSWERS, "n"))
    assert result.exit_code == 8, result.output
    assert (isolated / "acme.toml").read_text() == "keep me\n"


# ---------------------------------------------------------------------------- help


def all_commands() -> list[list[str]]:
    """Every command path, the group itself included: [], ["plan"], ["config", "set"], ..."""
    found: list[list[str]] = []

    def walk(command: click.Command, path: list[str]) -> None:
        found.append(path)
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])

    walk(main, [])
    return found


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p) or "afterview")
def test_every_command_has_help_with_an_example(path: list[str]) -> None:
    """--help works on every command and subcommand and shows an example."""
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Example" in result.stdout
    assert "afterview " in result.stdout.split("Example", 1)[1]


def test_the_command_list_is_complete() -> None:
    """The commands the issue asks for all exist."""
    names = {" ".join(p) for p in all_commands()}
    assert {"plan", "show", "policies", "check", "new", "config", "config set"} <= names


def test_help_does_not_import_heavy_libraries() -> None:
    """`afterview --help` loads neither icalendar nor holidays, so it starts fast."""
    script = (
        "import sys\n"
        "from afterview.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "heavy = sorted(m for m in ('icalendar', 'holidays', 'dateutil', 'tomli_w')\n"
        "               if m in sys.modules)\n"
        "print('HEAVY:' + ','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "Usage:" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "HEAVY:"


@pytest.mark.parametrize(
    ("command", "collector_on"),
    [
        (["plan", "--help"], False),
        (["show", "--help"], False),
        (["list", "--help"], True),
        (["feed", "--help"], True),
        (["serve", "--help"], True),
    ],
)
def test_only_one_file_commands_run_without_the_cycle_collector(
    command: list[str], collector_on: bool
) -> None:
    """The entry point starts with the collector off; store and server commands turn it on."""
    import gc

    gc.disable()
    try:
        result = run(*command)
        assert result.exit_code == 0, result.output
        assert gc.isenabled() is collector_on
    finally:
        gc.enable()


def test_python_dash_m_runs_the_same_command() -> None:
    """`python -m afterview` is the installed `afterview` command, collector switch included."""
    script = (
        "import gc, runpy, sys\n"
        "sys.argv = ['afterview', '--version']\n"
        "try:\n"
        "    runpy.run_module('afterview', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
        "print('COLLECTOR:', gc.isenabled())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("afterview, version ")
    assert done.stdout.strip().splitlines()[-1] == "COLLECTOR: False"
    version = subprocess.run(
        [sys.executable, "-m", "afterview", "--version"], capture_output=True, text=True
    )
    assert version.returncode == 0
    assert version.stdout.startswith("afterview, version ")


def test_check_reads_its_file_once_so_a_pipe_works(tmp_path: Path) -> None:
    """check accepts a named pipe, which can be read only once."""
    import os
    import threading

    fifo = tmp_path / "interview.toml"
    os.mkfifo(fifo)
    text = THANKSGIVING.read_bytes()

    def feed() -> None:
        with fifo.open("wb") as out:
            out.write(text)

    writer = threading.Thread(target=feed)
    writer.start()
    result = run("check", str(fifo))
    writer.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert "plans 8 events" in result.stdout


@pytest.mark.parametrize(
    ("place", "said", "date", "key", "expected"),
    [
        # Mon 30 Nov 2026 is St Andrew's Day, a bank holiday in Scotland only.
        (("GB", "SCT", "Europe/London"), "2026-11-30", "2026-11-30", "off", "Saint Andrew's Day"),
        # 12/4 in the US is month/day: Fri 4 Dec 2026.
        (("US", "NY", "America/New_York"), "12/4", "2026-12-04", "note", "read as month/day"),
    ],
    ids=["day-off", "date-order"],
)
def test_show_json_says_how_the_date_was_read_and_when_it_is_a_day_off(
    tmp_path: Path,
    place: tuple[str, str, str],
    said: str,
    date: str,
    key: str,
    expected: str,
) -> None:
    """The plan's JSON carries the day-off and reading notes the reasons show."""
    country, subdivision, zone = place
    source = tmp_path / "thistle.toml"
    source.write_text(
        f'company = "Thistle Labs"\nrole = "Analyst"\nstart = 2026-11-23T10:00:00\n'
        f'timezone = "{zone}"\ncountry = "{country}"\nsubdivision = "{subdivision}"\n'
        f'decision = "{said}"\n[[interviewers]]\nname = "Morag Reid"\n'
        'email = "morag.reid@thistle.example"\n',
        encoding="utf-8",
    )
    result = run("show", str(source), "--json")
    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)["decision"]
    assert decision["date"] == date
    assert expected in decision[key]
    assert decision["off" if key == "note" else "note"] is None
