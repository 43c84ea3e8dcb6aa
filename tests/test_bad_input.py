"""Bad input: one line on stderr, the documented exit code, no traceback, no clobbered output."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from afterview.cli import main

GOOD = """\
company = "Acme"
role = "Engineer"
start = 2026-11-25T14:00:00
end = 2026-11-25T15:00:00
timezone = "America/New_York"
country = "US"
decision = "by Friday"

[[interviewers]]
name = "Ana Ruiz"
email = "ana.ruiz@acme.example"
topics = ["APIs"]
"""

OLD_CALENDAR = b"BEGIN:VCALENDAR\r\nX-OLD:keep me\r\nEND:VCALENDAR\r\n"

# Check-ins one business day apart: rule 4 forbids two contacts fewer than 3 days apart.
PEST_POLICY = """\
name = "pest"
summary = "check in every day"

[[steps]]
step = "check-in"
when = [{ from = "interview", business_days = 1 }]

[[steps]]
step = "check-in"
when = [{ from = "check-in-1", business_days = 1 }]
"""

FORMS = "a weekday (by Friday, this Friday)"


def edit(old: str, new: str) -> str:
    """GOOD with one piece of text replaced (which must be there)."""
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def add_top(line: str) -> str:
    """GOOD with one more top-level line."""
    return edit('decision = "by Friday"\n', f'decision = "by Friday"\n{line}\n')


def set_decision(value: str) -> str:
    """GOOD with another decision value (TOML text, quotes included when needed)."""
    return edit('decision = "by Friday"', f"decision = {value}")


def make_folder(path: Path) -> None:
    """The interview path is a folder."""
    path.mkdir()


def make_binary(path: Path) -> None:
    """The interview path holds binary garbage."""
    path.write_bytes(bytes(range(256)) * 16)


def make_latin1(path: Path) -> None:
    """The interview path holds text that is not UTF-8."""
    path.write_bytes(GOOD.replace("Acme", "Acmé").encode("latin-1"))


def make_huge(path: Path) -> None:
    """The interview path is a 2 MB file (a valid TOML comment, repeated)."""
    path.write_text(GOOD + "# padding padding padding padding\n" * 60_000)


def make_pest_policy(path: Path) -> None:
    """The interview uses a custom policy file beside it that breaks rule 4."""
    path.write_text(edit('decision = "by Friday"', 'policy = "pest.toml"'))
    (path.parent / "pest.toml").write_text(PEST_POLICY)


def make_plain_file(path: Path) -> None:
    """A good interview, plus a regular file the output path tries to use as a folder."""
    path.write_text(GOOD)
    (path.parent / "file.txt").write_text("not a folder\n")


def make_output_folder(path: Path) -> None:
    """A good interview, plus a folder where the output file should go."""
    path.write_text(GOOD)
    (path.parent / "cal.ics").mkdir()


@dataclass(frozen=True)
class Case:
    """One broken input: the interview text (or how to make the path), extra arguments,
    the exit code and a fragment of the message."""

    id: str
    code: int
    fragment: str
    text: str | None = GOOD
    make: Callable[[Path], None] | None = None
    args: tuple[str, ...] = ()
    output: str = "out.ics"
    also_check: bool = True
    fragments: tuple[str, ...] = field(default=())


CASES = [
    # --- interview files that read but do not make sense: 4
    Case("unknown key", 4, "did you mean 'company'?", edit("company =", "compnay =")),
    Case("unknown key names its line", 4, "interview.toml, line 2:", edit("role =", "rol =")),
    Case(
        "unknown interviewer key",
        4,
        "unknown key 'interviewers[1].emial': did you mean 'email'?",
        edit("email =", "emial ="),
    ),
    Case("missing company", 4, "'company' is missing", edit('company = "Acme"\n', "")),
    Case("missing start", 4, "'start' is missing", edit("start = 2026-11-25T14:00:00\n", "")),
    Case(
        "missing interviewers",
        4,
        "'interviewers' is missing",
        GOOD.split("[[interviewers]]")[0],
    ),
    Case(
        "interviewer without a name",
        4,
        "interviewer 1 has no 'name'",
        edit('name = "Ana Ruiz"\n', ""),
    ),
    Case(
        "start without time",
        4,
        "'start' needs a time of day too",
        edit("start = 2026-11-25T14:00:00", "start = 2026-11-25"),
    ),
    Case(
        "start as a number",
        4,
        "'start' must be a local date and time",
        edit("start = 2026-11-25T14:00:00", "start = 20261125"),
    ),
    Case(
        "start as unreadable text",
        4,
        "'start' must be a date and time without quotes",
        edit("start = 2026-11-25T14:00:00", 'start = "tomorrow at 2"'),
    ),
    Case(
        "topics not a list",
        4,
        "'interviewers[1].topics' must be a list of texts",
        edit('topics = ["APIs"]', 'topics = "APIs"'),
    ),
    Case("no_follow_ups as text", 4, "must be true or false", add_top('no_follow_ups = "yes"')),
    Case("company as a number", 4, "'company' must be text in quotes", edit('"Acme"', "42")),
    Case("empty role", 4, "'role' is empty", edit('"Engineer"', '"  "')),
    Case(
        "bad interviewer email",
        4,
        "'not-an-address' is not an email address",
        edit('"ana.ruiz@acme.example"', '"not-an-address"'),
    ),
    Case("unknown channel", 4, "must be one of email, phone", add_top('channel = "fax"')),
    Case(
        "end before start",
        4,
        "'end' (2026-11-25 13:00) must be after start (2026-11-25 14:00)",
        edit("end = 2026-11-25T15:00:00", "end = 2026-11-25T13:00:00"),
    ),
    Case(
        "end equal to start",
        4,
        "must be after start",
        edit("end = 2026-11-25T15:00:00", "end = 2026-11-25T14:00:00"),
    ),
    Case(
        "year 1",
        4,
        "in the year 1:",
        GOOD.replace("2026-11-25T", "0001-11-25T"),
    ),
    Case(
        "year 9999",
        4,
        "in the year 9999:",
        GOOD.replace("2026-11-25T", "9999-11-25T"),
    ),
    Case(
        "skip names a step the policy lacks",
        4,
        "'check-in-3' is not a step of policy 'standard'",
        add_top('skip = ["check-in-3"]'),
    ),
    Case(
        "two contacts",
        4,
        "more than one interviewer has contact = true",
        GOOD + 'contact = true\n\n[[interviewers]]\nname = "Bo Li"\ncontact = true\n',
    ),
    # --- broken TOML and unreadable files: 3
    Case(
        "bad TOML",
        3,
        "not valid TOML: Invalid value (at line 7, column 12)",
        edit('decision = "by Friday"', "decision = by Friday"),
    ),
    Case(
        "duplicate key",
        3,
        "(at line 4, column",
        edit("end =", 'company = "Again"\nend ='),
    ),
    Case("path is a folder", 3, "is a folder", None, make=make_folder),
    Case("missing file", 3, "does not exist", None),
    Case("binary garbage", 3, "is not a text file", None, make=make_binary),
    Case("not UTF-8", 3, "is not UTF-8 text", None, make=make_latin1),
    Case("2 MB file", 3, "KB", None, make=make_huge, fragments=("a few KB at most",)),
    # --- places: 5
    Case(
        "unknown country",
        5,
        "unknown country 'EN': did you mean 'GB' (United Kingdom)?",
        edit('"US"', '"EN"'),
    ),
    Case(
        "subdivision of another country",
        5,
        "unknown subdivision 'ENG' for US",
        add_top('subdivision = "ENG"'),
    ),
    Case(
        "subdivision close to a real one",
        5,
        "did you mean NY",
        add_top('subdivision = "NYY"'),
    ),
    Case(
        "unknown time zone",
        5,
        "did you mean 'America/New_York'",
        edit("America/New_York", "America/New_Yrok"),
    ),
    Case(
        "a time zone folder rather than a zone",
        5,
        "is not a time zone",
        edit("America/New_York", "Pacific"),
    ),
    # --- timeline phrases: 6
    Case(
        "unreadable phrase lists the forms",
        6,
        "cannot read the timeline 'soonish'",
        set_decision('"soonish"'),
        fragments=(FORMS, "in N days", "two weeks", "no timeline"),
    ),
    Case(
        "next Friday asks for a date",
        6,
        "'next Friday' is ambiguous",
        set_decision('"next Friday"'),
        fragments=("give the date",),
    ),
    Case(
        "decision date before the interview",
        6,
        "is before the interview",
        set_decision("2026-11-20"),
    ),
    Case(
        "decision date as text before the interview",
        6,
        "is before the interview",
        set_decision('"2026-11-20"'),
    ),
    Case("impossible date", 6, "that date does not exist", set_decision('"2026-02-30"')),
    Case("too many days", 6, "use 1 to 365 days", set_decision('"in 400 days"')),
    # --- policies: 7
    Case(
        "custom policy breaks rule 4",
        7,
        "rule 4",
        None,
        make=make_pest_policy,
        fragments=("pest.toml, line 8:", "fewer than 3 days apart"),
    ),
    Case(
        "unknown policy name",
        7,
        "unknown policy 'standrad': did you mean 'standard'?",
        add_top('policy = "standrad"'),
    ),
    # --- arguments
    Case(
        "unknown policy option",
        7,
        "did you mean 'three-strikes'?",
        args=("--policy", "three-strike"),
        also_check=False,
    ),
    Case(
        "missing policy file option",
        3,
        "does not exist",
        args=("--policy", "mine.toml"),
        also_check=False,
    ),
    Case(
        "unreadable decision option",
        6,
        "cannot read the timeline 'real soon'",
        args=("--decision", "real soon"),
        also_check=False,
        fragments=(FORMS,),
    ),
    Case(
        "next Friday option",
        6,
        "ambiguous",
        args=("--decision", "next friday"),
        also_check=False,
    ),
    # --- output paths: 8
    Case(
        "output inside a regular file",
        8,
        "cannot write file.txt/out.ics: file.txt is a file, not a folder",
        None,
        make=make_plain_file,
        output="file.txt/out.ics",
        also_check=False,
    ),
    Case(
        "output is a folder",
        8,
        "cal.ics is a folder",
        None,
        make=make_output_folder,
        output="cal.ics",
        also_check=False,
    ),
    Case(
        "output folder missing",
        8,
        "the folder nowhere does not exist",
        output="nowhere/out.ics",
        also_check=False,
    ),
    Case(
        "output is the input",
        8,
        "is the input file",
        output="interview.toml",
        also_check=False,
    ),
]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder with its own (absent) settings file."""
    monkeypatch.setenv("AFTERVIEW_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("AFTERVIEW_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    """Invoke ``afterview`` in-process."""
    return CliRunner().invoke(main, list(args))


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes (None for folders)."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def assert_one_line(result: Result, code: int, fragments: tuple[str, ...]) -> None:
    """The documented exit code, exactly one stderr line with the fragments, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.startswith("afterview: "), result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def prepare(case: Case, folder: Path) -> Path:
    """Write the case's interview (or let it make the path) and an old calendar to keep."""
    path = folder / "interview.toml"
    if case.make is not None:
        case.make(path)
    elif case.text is not None:
        path.write_text(case.text, encoding="utf-8")
    (folder / "out.ics").write_bytes(OLD_CALENDAR)
    return path


def test_the_base_interview_is_good(isolated: Path) -> None:
    """The interview every case breaks plans without error."""
    prepare(Case("good", 0, ""), isolated)
    result = run("plan", "interview.toml", "-o", "out.ics")
    assert result.exit_code == 0, result.output
    assert (isolated / "out.ics").read_bytes() != OLD_CALENDAR


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_plan_reports_bad_input_in_one_line(case: Case, isolated: Path) -> None:
    """plan fails with the documented exit code and one line, leaving every file as it was."""
    prepare(case, isolated)
    before = snapshot(isolated)
    result = run("plan", "interview.toml", "-o", case.output, *case.args)
    assert_one_line(result, case.code, (case.fragment, *case.fragments))
    assert (isolated / "out.ics").read_bytes() == OLD_CALENDAR
    assert snapshot(isolated) == before


@pytest.mark.parametrize("case", [c for c in CASES if c.also_check], ids=lambda c: c.id)
def test_check_and_show_report_the_same_problem(case: Case, isolated: Path) -> None:
    """check and show report the same problem with the same exit code, in one line."""
    prepare(case, isolated)
    before = snapshot(isolated)
    for command in ("check", "show"):
        result = run(command, "interview.toml")
        assert_one_line(result, case.code, (case.fragment, *case.fragments))
    assert snapshot(isolated) == before


def test_default_output_is_kept_when_planning_fails(isolated: Path) -> None:
    """A failed plan leaves the calendar it would have replaced (FILE.ics) untouched."""
    (isolated / "interview.toml").write_text(set_decision('"soonish"'))
    (isolated / "interview.ics").write_bytes(OLD_CALENDAR)
    assert_one_line(run("plan", "interview.toml"), 6, ("soonish",))
    assert (isolated / "interview.ics").read_bytes() == OLD_CALENDAR


def test_a_failed_rename_keeps_the_old_calendar_and_no_temp_file(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the final rename fails, the old calendar stays and the temp file is removed."""
    (isolated / "interview.toml").write_text(GOOD)
    (isolated / "out.ics").write_bytes(OLD_CALENDAR)

    def refuse(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("afterview.formats.files.os.replace", refuse)
    result = run("plan", "interview.toml", "-o", "out.ics")
    assert_one_line(result, 8, ("cannot write out.ics: No space left on device",))
    assert (isolated / "out.ics").read_bytes() == OLD_CALENDAR
    assert sorted(p.name for p in isolated.iterdir()) == ["interview.toml", "out.ics"]


def test_a_folder_that_refuses_the_temp_file_is_an_output_error(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the temp file cannot be created (a read-only folder, even for root), exit 8."""
    (isolated / "interview.toml").write_text(GOOD)
    (isolated / "out.ics").write_bytes(OLD_CALENDAR)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("afterview.formats.files.tempfile.mkstemp", refuse)
    result = run("plan", "interview.toml", "-o", "out.ics")
    assert_one_line(result, 8, ("cannot write out.ics: Permission denied", "-o"))
    assert (isolated / "out.ics").read_bytes() == OLD_CALENDAR


def test_read_only_output_folder_never_leaves_half_a_file(isolated: Path) -> None:
    """A read-only output folder refuses with exit 8 and keeps the old file.

    Root ignores folder permissions, so there the write succeeds, and must still be whole.
    """
    (isolated / "interview.toml").write_text(GOOD)
    locked = isolated / "locked"
    locked.mkdir()
    (locked / "out.ics").write_bytes(OLD_CALENDAR)
    locked.chmod(0o555)
    try:
        result = run("plan", "interview.toml", "-o", "locked/out.ics")
        written = (locked / "out.ics").read_bytes()
        if os.geteuid() != 0:
            assert_one_line(result, 8, ("cannot write locked/out.ics",))
            assert written == OLD_CALENDAR
        else:
            assert result.exit_code == 0, result.output
            assert written.startswith(b"BEGIN:VCALENDAR\r\n")
            assert written.endswith(b"END:VCALENDAR\r\n")
        assert sorted(p.name for p in locked.iterdir()) == ["out.ics"]
    finally:
        locked.chmod(0o755)


def test_internal_errors_are_one_line_too(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug surfaces as one line and exit 1, with a hint to rerun with AFTERVIEW_DEBUG."""
    (isolated / "interview.toml").write_text(GOOD)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("afterview.core.planner.make_plan", broken)
    result = run("plan", "interview.toml", "-o", "out.ics")
    assert_one_line(result, 1, ("internal error (RuntimeError: boom)", "AFTERVIEW_DEBUG=1"))


def test_check_of_a_broken_policy_file_is_one_line(isolated: Path) -> None:
    """check of a policy that breaks rule 4 exits 7 in one line naming the file's line."""
    (isolated / "pest.toml").write_text(PEST_POLICY)
    assert_one_line(run("check", "pest.toml"), 7, ("pest.toml, line 8:", "rule 4"))
