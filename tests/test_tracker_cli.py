"""The tracker's commands end to end: add, list, next, status, done, skip, move, feed ..."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from freezegun import freeze_time

from afterview.formats.icsread import read_events

RunCli = Callable[..., Result]  # the conftest fixture's type
SAMPLES = Path(__file__).parent.parent / "samples"
THANKSGIVING = SAMPLES / "standard-thanksgiving.toml"
CHRISTMAS = SAMPLES / "biweekly-christmas.toml"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tracker database only this test sees."""
    path = tmp_path / "tracker.sqlite"
    monkeypatch.setenv("AFTERVIEW_DB", str(path))
    return path


def ok(result: Result) -> str:
    """The output of a command that must succeed."""
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def add(run_cli: RunCli, source: Path, *args: str) -> str:
    """Track ``source`` and return its short id."""
    return ok(run_cli("add", source, *args)).split()[0]


@freeze_time("2026-11-20 12:00:00")
def test_add_list_and_next_show_the_plan(run_cli: RunCli, db: Path) -> None:
    """add prints an id, list shows the interview with its next action, next shows the week."""
    interview_id = add(run_cli, THANKSGIVING)
    assert len(interview_id) == 6
    listed = ok(run_cli("list"))
    assert interview_id in listed and "Northwind Traders" in listed
    data = json.loads(ok(run_cli("list", "--json")))
    assert data[0]["id"] == interview_id
    assert data[0]["next"]["step"] == "thank-you"
    # Fri 20 Nov + 7 days = Fri 27 Nov: the thank-yous (Wed 25), the cards and LinkedIn (Fri 27).
    upcoming = json.loads(ok(run_cli("next", "--json")))["actions"]
    assert {a["step"] for a in upcoming} == {"thank-you", "handwritten-note", "linkedin"}
    assert all(a["date"] <= "2026-11-27" for a in upcoming)


@freeze_time("2026-11-20 12:00:00")
def test_status_replied_ends_check_ins_and_the_feed_keeps_them_cancelled(
    run_cli: RunCli, db: Path, tmp_path: Path
) -> None:
    """After 'replied', the feed holds the ended check-ins as CANCELLED with a higher SEQUENCE."""
    interview_id = add(run_cli, THANKSGIVING)
    before = tmp_path / "before.ics"
    ok(run_cli("feed", "-o", before))
    said = ok(run_cli("status", interview_id, "replied", "--on", "2026-11-27"))
    assert "cancelled" in said
    after = tmp_path / "after.ics"
    ok(run_cli("feed", "-o", after))
    old = {e["uid"]: e for e in read_events(before.read_bytes())}
    new = {e["uid"]: e for e in read_events(after.read_bytes())}
    assert set(old) == set(new)  # UIDs never change
    ended = [uid for uid, e in new.items() if e["status"] == "CANCELLED"]
    assert {new[uid]["categories"][0] for uid in ended} == {"check-in", "move-on"}
    assert all(new[uid]["sequence"] > old[uid]["sequence"] for uid in ended)


@freeze_time("2026-12-20 12:00:00")
def test_rejected_under_biweekly_adds_the_keep_on_file_reply(run_cli: RunCli, db: Path) -> None:
    """A rejection under biweekly plans the keep-my-CV reply on roll(news) in England."""
    interview_id = add(run_cli, CHRISTMAS)
    # News on Sat 26 Dec 2026 (Boxing Day): Sun 27, Mon 28 is Boxing Day observed, so Tue 29.
    ok(run_cli("status", interview_id, "rejected", "--on", "2026-12-26"))
    actions = json.loads(ok(run_cli("next", "--days", "30", "--json")))["actions"]
    keep = [a for a in actions if a["step"] == "keep-on-file"]
    assert [a["date"] for a in keep] == ["2026-12-29"]
    assert not [a for a in actions if a["step"] == "check-in"]


@freeze_time("2026-11-20 12:00:00")
def test_done_skip_and_move(run_cli: RunCli, db: Path) -> None:
    """done and skip hide actions from next; move refuses a holiday and accepts a business day."""
    interview_id = add(run_cli, THANKSGIVING)
    ok(run_cli("done", interview_id, "thank-you"))
    ok(run_cli("skip", interview_id, "handwritten-note"))
    upcoming = json.loads(ok(run_cli("next", "--days", "30", "--json")))["actions"]
    steps = [a["step"] for a in upcoming]
    assert "thank-you" not in steps and "handwritten-note" not in steps
    refused = run_cli("move", interview_id, "check-in-1", "2026-11-26")  # Thanksgiving
    assert refused.exit_code == 10
    assert "Thanksgiving" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    ok(run_cli("move", interview_id, "check-in-1", "2026-12-01"))  # Tuesday
    upcoming = json.loads(ok(run_cli("next", "--days", "30", "--json")))["actions"]
    moved = [a for a in upcoming if a["label"] == "check-in-1"]
    assert moved[0]["date"] == "2026-12-01" and moved[0]["moved"]


def backed_up(run_cli: RunCli, tmp_path: Path) -> Path:
    """Track the Thanksgiving and Christmas samples and export them; the backup's path."""
    add(run_cli, THANKSGIVING)
    add(run_cli, CHRISTMAS)
    backup = tmp_path / "backup.json"
    ok(run_cli("export", "-o", backup))
    return backup


@freeze_time("2026-11-20 12:00:00")
def test_export_import_round_trip_does_not_duplicate(
    run_cli: RunCli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export imported into a new database, twice, gives the same interviews once."""
    backup = backed_up(run_cli, tmp_path)
    monkeypatch.setenv("AFTERVIEW_DB", str(tmp_path / "other.sqlite"))
    assert "Imported 2" in ok(run_cli("import", backup))
    assert "Imported 0, skipped 2" in ok(run_cli("import", backup))
    assert len(json.loads(ok(run_cli("list", "--json")))) == 2


@freeze_time("2026-11-20 12:00:00")
def test_token_prints_private_links_and_rotates(run_cli: RunCli, db: Path) -> None:
    """token prints page, feed and webcal links; --rotate gives a new secret."""
    first = ok(run_cli("token"))
    assert "webcal://127.0.0.1:8765/feed/" in first
    assert first == ok(run_cli("token"))
    assert first != ok(run_cli("token", "--rotate"))


@freeze_time("2026-11-20 12:00:00")
def test_unknown_id_is_one_line_and_exit_10(run_cli: RunCli, db: Path) -> None:
    """A wrong interview id is a one-line tracker error."""
    result = run_cli("status", "nosuch", "replied")
    assert result.exit_code == 10
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@freeze_time("2026-11-20 12:00:00")
def test_remove_asks_unless_yes(run_cli: RunCli, db: Path) -> None:
    """remove keeps the interview when the user says no, and removes it with --yes."""
    interview_id = add(run_cli, THANKSGIVING)
    assert "Kept" in ok(run_cli("remove", interview_id, input="n\n"))
    # No answer at all (a script, input at its end): a usage line naming --yes, not
    # "stopped" as if interrupted, and nothing removed.
    unanswered = run_cli("remove", interview_id, input="")
    assert unanswered.exit_code == 2 and "add --yes" in unanswered.stderr
    assert "stopped" not in unanswered.stderr
    assert len(json.loads(ok(run_cli("list", "--all", "--json")))) == 1
    ok(run_cli("remove", interview_id, "--yes"))
    assert json.loads(ok(run_cli("list", "--all", "--json"))) == []


def test_push_without_the_password_variable_is_one_clear_line(
    run_cli: RunCli, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """push names the missing password variable instead of trying to connect."""
    monkeypatch.delenv("DAV_SECRET", raising=False)
    result = run_cli(
        "push", "--caldav", "http://127.0.0.1:9/", "--user", "u", "--password-env", "DAV_SECRET"
    )
    assert result.exit_code == 10
    assert "$DAV_SECRET is not set" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    """afterview serve starts a real server on a free loopback port and says only what it is."""
    import os
    import subprocess
    import sys
    import urllib.request

    env = {**os.environ, "AFTERVIEW_DB": str(tmp_path / "db.sqlite")}
    env["AFTERVIEW_CONFIG"] = str(tmp_path / "cfg.toml")
    command = [sys.executable, "-m", "afterview", "serve", "--port", "0"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line.startswith("Serving on http://127.0.0.1:"), line
        base = line.split()[2]
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with no_proxy.open(base + "/", timeout=10) as answer:
            body = answer.read().decode()
        assert answer.status == 200 and "afterview" in body
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_next_keeps_showing_a_missed_action_until_it_is_done(run_cli: RunCli, db: Path) -> None:
    """An open action from the last two weeks stays in next, marked overdue, until done."""
    with freeze_time("2026-11-20 12:00:00"):
        interview_id = add(run_cli, THANKSGIVING)
    with freeze_time("2026-11-28 12:00:00"):
        # The thank-yous were due Wed 25 Nov; nothing was marked done.
        actions = json.loads(ok(run_cli("next", "--json")))["actions"]
        late = [a for a in actions if a["step"] == "thank-you"]
        assert late and all(a["overdue"] and a["date"] == "2026-11-25" for a in late)
        assert "overdue" in ok(run_cli("next"))
        ok(run_cli("done", interview_id, "thank-you"))
        actions = json.loads(ok(run_cli("next", "--json")))["actions"]
        assert not [a for a in actions if a["step"] == "thank-you"]


@freeze_time("2026-11-20 12:00:00")
def test_a_reader_that_stops_early_ends_the_command_quietly(
    run_cli: RunCli, db: Path, tmp_path: Path
) -> None:
    """`afterview export | head` exits 141, as a shell reports SIGPIPE, without an error."""
    import os
    import subprocess
    import sys

    # Well over a pipe's 64 KB, so the writer is still writing when the reader leaves.
    text = THANKSGIVING.read_text(encoding="utf-8")
    for number in range(16):
        copy = tmp_path / f"interview-{number}.toml"
        copy.write_text(text.replace("Northwind Traders", f"Northwind {number}"), "utf-8")
        add(run_cli, copy)
    env = {**os.environ, "AFTERVIEW_DB": str(db), "AFTERVIEW_CONFIG": str(tmp_path / "c.toml")}
    for command in (["export"], ["feed"]):
        process = subprocess.Popen(
            [sys.executable, "-m", "afterview", *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline()  # the first line, then the reader goes away
        process.stdout.close()
        error = process.stderr.read().decode()
        process.stderr.close()
        assert process.wait(timeout=60) == 141, error
        assert error == "", error


@freeze_time("2026-11-20 12:00:00")
def test_import_reads_a_byte_order_mark_and_names_a_broken_file(
    run_cli: RunCli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export saved with a BOM imports; a cut one says where it breaks and adds nothing."""
    backup = backed_up(run_cli, tmp_path)
    text = backup.read_text(encoding="utf-8")
    monkeypatch.setenv("AFTERVIEW_DB", str(tmp_path / "other.sqlite"))
    with_bom = tmp_path / "bom.json"
    with_bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert "Imported 2" in ok(run_cli("import", with_bom))
    monkeypatch.setenv("AFTERVIEW_DB", str(tmp_path / "third.sqlite"))
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) * 3 // 4], encoding="utf-8")
    refused = run_cli("import", cut)
    assert refused.exit_code == 10
    assert "not JSON" in refused.stderr and " line " in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert json.loads(ok(run_cli("list", "--json"))) == []  # the first interview was rolled back
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{"format": "\xff\xfe"}')
    refused = run_cli("import", binary)
    assert refused.exit_code == 3 and "not UTF-8 text" in refused.stderr
