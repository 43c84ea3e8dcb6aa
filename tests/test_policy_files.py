"""A user's own policy file: the same loader and checks as the built-ins, errors that name the line.

Each broken policy below marks the line its error must name with a ``# here`` comment.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from afterview.cli import main
from afterview.core.policy import parse_policy
from afterview.errors import AfterviewError, FileProblem, PolicyError
from afterview.model import Interview, Interviewer
from afterview.policies import BUILT_IN, built_in_text, get_policy, load_policy, plan_interview
from afterview.policies.trial import check_policy

HEAD = """\
name = "mine"
summary = "my own cadence"

[[steps]]
step = "thank-you"
for = "each"
same_day = { after_end_minutes = 60, minutes = 30 }
"""

WEEKLY = (
    HEAD
    + """
[[steps]]
step = "check-in"
when = [
  { if = "decision", from = "decision", business_days = 1 },
  { from = "interview", days = 7 },
]

[[steps]]
step = "check-in"
when = [{ from = "check-in-1", days = 7 }]

[[steps]]
step = "move-on"
when = [{ from = "check-in-2", business_days = 5 }]
"""
)

# Tue 1 Dec 2026 in New York, nothing said about the decision.
INTERVIEW = Interview(
    company="Acme",
    role="Engineer",
    start=dt.datetime(2026, 12, 1, 10, 0),
    end=dt.datetime(2026, 12, 1, 11, 0),
    timezone="America/New_York",
    country="US",
    subdivision="NY",
    interviewers=(Interviewer("Ana Ruiz", email="ana.ruiz@acme.example"),),
)


def write(folder: Path, text: str, name: str = "mine.toml") -> Path:
    """A policy file in ``folder``."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def marked_line(text: str) -> int:
    """The number of the line that carries the ``# here`` marker."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.endswith("# here"))


BROKEN = [
    (
        "unknown step name",
        HEAD
        + '\n[[steps]]\nstep = "check-inn"  # here\n'
        + 'when = [{ from = "interview", days = 7 }]\n',
        "unknown step 'check-inn': did you mean 'check-in'?",
    ),
    (
        "unknown key in a step",
        HEAD + '\n[[steps]]\nstep = "check-in"\nwen = [{ from = "interview", days = 7 }]  # here\n',
        "unknown step key 'wen': did you mean 'when'?",
    ),
    (
        "unknown top-level key",
        HEAD.replace('summary = "my own cadence"', 'sumary = "my own cadence"  # here'),
        "unknown policy key 'sumary': did you mean 'summary'?",
    ),
    (
        "rule anchored on a later step",
        HEAD
        + '\n[[steps]]\nstep = "check-in"\nwhen = [{ from = "check-in-2", days = 7 }]  # here\n'
        + '\n[[steps]]\nstep = "check-in"\nwhen = [{ from = "interview", days = 14 }]\n',
        "'check-in-2', which is not known here",
    ),
    (
        "from decision without if",
        HEAD + '\n[[steps]]\nstep = "check-in"\nwhen = [{ from = "decision", days = 1 }]  # here\n',
        'needs if = "decision"',
    ),
    (
        "both same_day and when",
        HEAD
        + '\n[[steps]]  # here\nstep = "debrief"\nsame_day = { minutes = 20 }\n'
        + 'when = [{ from = "interview", days = 1 }]\n',
        "give a step either 'same_day' or 'when', not both or neither",
    ),
    (
        "neither same_day nor when",
        HEAD + '\n[[steps]]  # here\nstep = "move-on"\n',
        "not both or neither",
    ),
    (
        "last when rule conditional",
        HEAD
        + '\n[[steps]]\nstep = "check-in"\nwhen = [  # here\n'
        + '  { from = "interview", days = 7 },\n'
        + '  { if = "decision", from = "decision", business_days = 1 },\n]\n',
        "the last 'when' rule must have no 'if'",
    ),
    (
        "unknown unit",
        HEAD
        + '\n[[steps]]\nstep = "check-in"\n'
        + 'when = [{ from = "interview", hours = 7 }]  # here\n',
        "unknown rule key 'hours'",
    ),
    (
        "two units",
        HEAD
        + '\n[[steps]]\nstep = "check-in"\n'
        + 'when = [{ from = "interview", days = 7, weeks = 1 }]  # here\n',
        "give exactly one of",
    ),
    (
        "amount out of range",
        HEAD
        + '\n[[steps]]\nstep = "check-in"\n'
        + 'when = [{ from = "interview", business_days = 0 }]  # here\n',
        "'business_days' must be from 1 to 260",
    ),
    (
        "check-in for me",
        HEAD
        + '\n[[steps]]\nstep = "check-in"\nfor = "me"  # here\n'
        + 'when = [{ from = "interview", days = 7 }]\n',
        "a check-in step is for 'each' or 'contact'",
    ),
    (
        "bad name",
        HEAD.replace('name = "mine"', 'name = "My Policy"  # here'),
        "'name' must be a short lower-case name",
    ),
]

RULE_4 = [
    (
        "two check-ins one business day apart",
        HEAD
        + '\n[[steps]]\nstep = "check-in"\nwhen = [{ from = "interview", business_days = 5 }]\n'
        + '\n[[steps]]  # here\nstep = "check-in"\n'
        + 'when = [{ from = "check-in-1", business_days = 1 }]\n',
        "fewer than 3 days apart",
    ),
    (
        "three check-ins within seven days at three-day gaps",
        HEAD
        + '\n[[steps]]\nstep = "check-in"\nwhen = [{ from = "interview", days = 3 }]\n'
        + '\n[[steps]]\nstep = "check-in"\nwhen = [{ from = "check-in-1", days = 3 }]\n'
        + '\n[[steps]]  # here\nstep = "check-in"\nwhen = [{ from = "check-in-2", days = 3 }]\n',
        "3 check-ins between check-in-1",
    ),
    (
        "a counted thank-you too close to a check-in",
        HEAD.replace('for = "each"\n', 'for = "each"\ncounts = true\n').replace(
            "same_day = { after_end_minutes = 60, minutes = 30 }",
            'when = [{ from = "interview", business_days = 3 }]',
        )
        + '\n[[steps]]  # here\nstep = "check-in"\n'
        + 'when = [{ from = "thank-you", business_days = 2 }]\n',
        "fewer than 3 days apart",
    ),
]


ALL = BROKEN + RULE_4


def test_a_custom_policy_that_keeps_rule_4_is_accepted(tmp_path: Path) -> None:
    """A policy with check-ins seven days apart loads through get_policy as a custom policy."""
    policy = get_policy(str(write(tmp_path, WEEKLY)))
    assert (policy.name, policy.summary, policy.built_in) == ("mine", "my own cadence", False)
    assert [s.id for s in policy.steps] == ["thank-you", "check-in-1", "check-in-2", "move-on"]
    assert policy.cadence_total == 2
    assert [s.line for s in policy.steps] == [4, 9, 16, 20]


def test_a_custom_policy_plans_its_dates(tmp_path: Path) -> None:
    """A custom policy plans check-ins 7 days apart, rolled off weekends, by path."""
    path = write(tmp_path, WEEKLY)
    plan = plan_interview(INTERVIEW, policy=str(path))
    dates = {f.label: f.date for f in plan.followups}
    assert plan.policy == "mine"
    assert dates["check-in-1"] == dt.date(2026, 12, 8)  # Tue 1 Dec + 7 days
    assert dates["check-in-2"] == dt.date(2026, 12, 15)
    assert dates["move-on"] == dt.date(2026, 12, 22)  # bd(Tue 15 Dec, 5)
    with_date = plan_interview(INTERVIEW, policy=str(path), decision="by Friday")
    said = {f.label: f.date for f in with_date.followups}
    assert said["check-in-1"] == dt.date(2026, 12, 7)  # bd(Fri 4 Dec, 1)
    assert said["check-in-2"] == dt.date(2026, 12, 14)


def test_a_relative_policy_path_is_read_beside_the_interview_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """policy = "mine.toml" in an interview file means the file in the same folder."""
    monkeypatch.setenv("AFTERVIEW_CONFIG", str(tmp_path / "config.toml"))
    folder = tmp_path / "interviews"
    folder.mkdir()
    write(folder, WEEKLY)
    (folder / "acme.toml").write_text(
        'company = "Acme"\nrole = "Engineer"\nstart = 2026-12-01T10:00:00\n'
        'timezone = "America/New_York"\ncountry = "US"\npolicy = "mine.toml"\n\n'
        '[[interviewers]]\nname = "Ana Ruiz"\nemail = "ana.ruiz@acme.example"\n'
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "interviews/acme.toml"])
    assert result.exit_code == 0, result.output
    assert "under policy mine" in result.stdout


def test_check_accepts_a_custom_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`afterview check` says a valid custom policy is valid."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, WEEKLY)
    result = CliRunner().invoke(main, ["check", "mine.toml"])
    assert result.exit_code == 0, result.output
    assert "valid policy 'mine' with 4 steps and 2 check-ins" in result.stdout


def test_check_reads_a_file_named_like_a_built_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check minimal` with a policy file called 'minimal' checks that file, not the built-in."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, RULE_4[0][1], "minimal")
    result = CliRunner().invoke(main, ["check", "minimal"])
    assert result.exit_code == 7, result.output
    assert result.stderr.startswith(f"afterview: minimal, line {marked_line(RULE_4[0][1])}: ")


@pytest.mark.parametrize(("text", "fragment"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_policy_errors_name_the_line(text: str, fragment: str, tmp_path: Path) -> None:
    """A broken policy file is refused with a PolicyError naming the file and the line."""
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as raised:
        get_policy(str(path))
    message = str(raised.value)
    assert message.startswith(f"{path}, line {marked_line(text)}: "), message
    assert fragment in message
    assert "\n" not in message


@pytest.mark.parametrize("text", [c[1] for c in ALL], ids=[c[0] for c in ALL])
def test_check_reports_a_broken_policy_in_one_line(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`afterview check` exits 7 with one stderr line naming the policy file's line."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, text)
    result = CliRunner().invoke(main, ["check", "mine.toml"])
    assert result.exit_code == 7, result.output
    assert result.stderr.startswith(f"afterview: mine.toml, line {marked_line(text)}: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("text", "fragment"), [c[1:] for c in RULE_4], ids=[c[0] for c in RULE_4])
def test_rule_4_violations_are_refused(text: str, fragment: str, tmp_path: Path) -> None:
    """A custom policy that can put check-ins too close is refused, naming rule 4 and the step."""
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as raised:
        get_policy(str(path))
    message = str(raised.value)
    assert message.startswith(f"{path}, line {marked_line(text)}: "), message
    assert fragment in message
    assert "rule 4" in message
    assert re.search(r"tried with an interview on \w{3} \d{1,2} \w{3} \d{4} in (US|SA)", message)


def test_rule_4_is_checked_when_planning_with_a_custom_policy(tmp_path: Path) -> None:
    """make_plan refuses a rule-4-breaking policy file before planning anything."""
    path = write(tmp_path, RULE_4[0][1])
    with pytest.raises(PolicyError, match="rule 4"):
        plan_interview(INTERVIEW, policy=str(path))


def test_bad_toml_names_line_and_column(tmp_path: Path) -> None:
    """A policy file that is not TOML is a FileProblem naming the line and column."""
    text = HEAD + "\n[[steps]]\nstep = = 3\n"
    path = write(tmp_path, text)
    with pytest.raises(FileProblem, match=r"not valid TOML: .*\(at line 10, column 8\)"):
        get_policy(str(path))


def test_a_missing_policy_file_is_a_file_problem(tmp_path: Path) -> None:
    """A policy path that does not exist says so (exit 3, not a policy error)."""
    with pytest.raises(FileProblem, match="does not exist"):
        get_policy(str(tmp_path / "nope.toml"))


def test_an_unknown_policy_name_suggests_a_built_in() -> None:
    """An unknown name that is not a file suggests the closest built-in policy."""
    with pytest.raises(PolicyError, match="did you mean 'biweekly'"):
        get_policy("bi-weekly")


def test_a_policy_needs_steps(tmp_path: Path) -> None:
    """A policy file without [[steps]] is refused."""
    with pytest.raises(PolicyError, match=r"at least one \[\[steps\]\]"):
        get_policy(str(write(tmp_path, 'name = "empty"\n')))


@pytest.mark.parametrize("name", BUILT_IN)
def test_built_in_policies_pass_the_rule_4_trial(name: str) -> None:
    """Each built-in policy passes the same rule-4 trial a custom policy must pass."""
    check_policy(load_policy(name))


@pytest.mark.parametrize("name", BUILT_IN)
def test_a_copy_of_a_built_in_is_a_valid_custom_policy(name: str, tmp_path: Path) -> None:
    """A built-in's text saved as a file loads as a custom policy with the same steps."""
    path = write(tmp_path, built_in_text(name), f"{name}-copy.toml")
    custom = get_policy(str(path))
    built_in = load_policy(name)
    assert not custom.built_in and built_in.built_in
    assert custom.steps == built_in.steps


@pytest.mark.parametrize("name", BUILT_IN)
def test_a_copy_of_a_built_in_plans_like_the_built_in(name: str, tmp_path: Path) -> None:
    """Planning with a file copy of a built-in gives the same dates as the built-in."""
    path = write(tmp_path, built_in_text(name), f"{name}.toml")
    for decision in (None, "by Friday", "a few days"):
        mine = plan_interview(INTERVIEW, policy=str(path), decision=decision)
        theirs = plan_interview(INTERVIEW, policy=name, decision=decision)
        assert [(f.label, f.date) for f in mine.followups] == [
            (f.label, f.date) for f in theirs.followups
        ]


def test_parse_policy_is_the_same_loader_for_both() -> None:
    """parse_policy reads a built-in's text into the same policy load_policy returns."""
    for name in BUILT_IN:
        assert parse_policy(built_in_text(name), "built-in") == load_policy(name)


def test_policy_errors_are_afterview_errors_with_exit_7() -> None:
    """PolicyError carries the documented exit code 7."""
    assert PolicyError.exit_code == 7
    assert issubclass(PolicyError, AfterviewError)
