"""The command line as its help and the README describe it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from freezegun import freeze_time

RunCli = Callable[..., Result]  # the conftest fixture's type
ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "samples" / "standard-thanksgiving.toml"
INVITES = Path(__file__).parent / "invites"


def test_db_is_accepted_before_the_command(run_cli: RunCli, tmp_path: Path) -> None:
    """`afterview --db PATH add FILE` and `afterview list --db PATH` use the same tracker."""
    db = tmp_path / "mine.db"
    added = run_cli("--db", db, "add", SAMPLE)
    assert added.exit_code == 0, added.output
    assert db.is_file()
    listed = run_cli("list", "--db", db)
    assert listed.exit_code == 0, listed.output
    assert "Northwind Traders" in listed.stdout
    again = run_cli("--db", db, "list")
    assert again.stdout == listed.stdout


@pytest.mark.parametrize("command", [("list",), ("list", "--all"), ("next",)])
def test_empty_tracker_says_how_to_add_one(
    run_cli: RunCli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """list and next on an empty tracker say none is tracked and how to add one."""
    result = run_cli(*command, "--db", tmp_path / "empty.db")
    assert result.exit_code == 0, result.output
    assert "No interviews tracked yet" in result.stdout
    assert "afterview add FILE" in result.stdout


def test_edit_without_a_terminal_says_to_use_file(run_cli: RunCli, tmp_path: Path) -> None:
    """edit with no terminal for an editor stops with one line naming --file, not exit 1."""
    db = tmp_path / "t.db"
    assert run_cli("add", SAMPLE, "--db", db).exit_code == 0
    from afterview.tracker.store import Store

    with Store(db) as store:
        (interview_id,) = store.interview_ids()
    result = run_cli("edit", interview_id, "--db", db)
    assert result.exit_code == 15, result.output
    assert "--file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_policy_flag_ignores_a_skip_the_policy_lacks(run_cli: RunCli, tmp_path: Path) -> None:
    """--policy three-strikes on a file skipping the card warns and plans, not fails."""
    source = tmp_path / "northwind.toml"
    text = SAMPLE.read_text(encoding="utf-8")
    source.write_text('skip = ["handwritten-note"]\n' + text, encoding="utf-8")
    result = run_cli("show", source, "--policy", "three-strikes")
    assert result.exit_code == 0, result.output
    assert "skip 'handwritten-note' ignored" in result.stderr
    assert "policy three-strikes" in result.stdout
    # Without the flag, the same skip is kept under the file's own policy.
    plain = run_cli("show", source)
    assert plain.exit_code == 0 and "handwritten-note" not in plain.stdout


def test_help_texts_say_what_each_option_does(run_cli: RunCli) -> None:
    """serve --port and status --on have help, and no option talks of a file it lacks."""
    serve = run_cli("serve", "--help").stdout
    assert "The port to listen on" in serve
    status = run_cli("status", "--help").stdout
    assert "--on DATE" in status
    for command in ("status", "add", "plan", "show", "new"):
        assert "overrides the file" not in run_cli(command, "--help").stdout


@freeze_time("2026-11-20")
def test_plan_of_an_eml_goes_where_the_help_says(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan NAME.eml writes NAME-follow-ups.ics in the current folder, as plan --help says."""
    assert "NAME-follow-ups.ics for an invitation NAME.ics or NAME.eml" in " ".join(
        run_cli("plan", "--help").stdout.split()
    )
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(INVITES / "gmail-invite.eml", tmp_path / "interview-email.eml")
    result = run_cli("plan", "interview-email.eml", "--country", "GB", "--decision", "")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "interview-email-follow-ups.ics").is_file()
    assert not (tmp_path / "interview-email.ics").exists()
