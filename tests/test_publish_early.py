"""A command that changes the tracker forks its publisher as it starts.

The publisher loads what a publish needs while the command makes its change, and
publishes once told the change is committed. Each scenario runs in a fresh Python
process, as the command does: a fork is only safe with no other thread running, and a
test runner may have some.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from afterview.publish import publisher
from afterview.tracker.store import Store
from conftest import RunCli
from publishing import tracked

# Run in a fresh interpreter: the tracker, the folder and the interview come as arguments.
HEADER = """\
import datetime as dt, json, os, signal, sys, threading, time
from pathlib import Path
from afterview.cli import publish as early
from afterview.tracker import commands as tracker
from afterview.tracker.store import Store
db, interview_id = sys.argv[1], sys.argv[2]
said = {}

def change():
    with Store(Path(db)) as store:
        tracker.set_status(
            store, interview_id, "replied", on=dt.date(2026, 12, 1),
            now=dt.datetime.now(dt.UTC).replace(microsecond=0),
        )

def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False

def ended(pid):
    # How the publisher ended: its exit code, or "reaped" when afterview reaped it.
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return "reaped"
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
"""


@pytest.fixture
def setup(run_cli: RunCli, tmp_path: Path) -> tuple[Path, Path, str]:
    """A tracker published in full to a folder, and its interview's id."""
    folder = tmp_path / "Syncthing"
    folder.mkdir()
    db = tmp_path / "tracker.db"
    interview_id = tracked(db)
    assert run_cli("config", "set", "publish", f"file://{folder}").exit_code == 0
    assert run_cli("config", "set", "publish_detail", "full").exit_code == 0
    assert run_cli("publish", "--db", db).exit_code == 0
    return db, folder, interview_id


def drive(code: str, db: Path, interview_id: str) -> dict[str, object]:
    """Run ``code`` after HEADER in a new interpreter; what it put in ``said``."""
    script = HEADER + textwrap.dedent(code) + "\nprint(json.dumps(said))\n"
    done = subprocess.run(
        [sys.executable, "-c", script, str(db), interview_id],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    found["stderr"] = done.stderr
    return found


def the_file(folder: Path) -> bytes:
    files = list(folder.iterdir())
    assert len(files) == 1
    return files[0].read_bytes()


def fresh_render(db: Path) -> bytes:
    with Store(db) as store:
        return publisher.render(store, now=dt.datetime.now(dt.UTC), detail="full")


def test_the_forked_publisher_publishes_the_committed_change(setup: tuple[Path, Path, str]) -> None:
    """It is another process, answers once told to go, and leaves no process behind."""
    db, folder, interview_id = setup
    before = the_file(folder)
    said = drive(
        """
        early._start_early(db)
        pid = early._early.pid
        said["other"] = pid != os.getpid()
        change()
        said["outcome"] = early._early_outcome()
        said["ended"] = ended(pid)
        """,
        db,
        interview_id,
    )
    assert said["other"] is True
    assert said["outcome"] == {"published": f"file://{folder}"}
    assert said["ended"] in (0, "reaped")  # a clean exit, once the old copy is removed
    after = the_file(folder)
    assert after != before and after == fresh_render(db)
    assert b"STATUS:CANCELLED" in after
    kept = list((publisher.state_folder_of(db) / publisher.COPIES).glob("copy-*.ics"))
    assert len(kept) == 1 and kept[0].read_bytes() == after  # the old one removed after


def test_a_command_that_changes_nothing_sends_its_publisher_away(
    setup: tuple[Path, Path, str],
) -> None:
    """A failed command, or one with nothing to publish: the publisher is ended and reaped."""
    db, folder, interview_id = setup
    before = the_file(folder)
    said = drive(
        """
        early._start_early(db)
        pid = early._early.pid
        early._dismiss()
        said["gone"] = gone(pid)
        said["left"] = early._early is None
        """,
        db,
        interview_id,
    )
    assert said == {"gone": True, "left": True, "stderr": ""}
    assert the_file(folder) == before


def test_a_publisher_that_died_leaves_the_publish_to_the_command(
    setup: tuple[Path, Path, str],
) -> None:
    """No answer from the fork: the command publishes by itself, and says so once."""
    db, folder, interview_id = setup
    said = drive(
        """
        early._start_early(db)
        pid = early._early.pid
        os.kill(pid, signal.SIGKILL)
        change()
        early.republish(db)
        said["gone"] = gone(pid)
        """,
        db,
        interview_id,
    )
    assert said["gone"] is True
    assert str(said["stderr"]).splitlines() == [f"Published the feed to file://{folder}"]
    assert the_file(folder) == fresh_render(db)


def test_no_fork_while_other_threads_run_or_without_a_publish_address(
    setup: tuple[Path, Path, str], config_file: Path
) -> None:
    """A fork would copy another thread's locks: then the command publishes by itself."""
    db, folder, interview_id = setup
    said = drive(
        """
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        early._start_early(db)
        said["forked"] = early._early is not None
        stop.set()
        other.join()
        change()
        early.republish(db)
        """,
        db,
        interview_id,
    )
    assert said["forked"] is False
    assert str(said["stderr"]).splitlines() == [f"Published the feed to file://{folder}"]
    assert the_file(folder) == fresh_render(db)
    config_file.write_text("", encoding="utf-8")  # no publish address: nothing to fork for
    said = drive('early._start_early(db)\nsaid["forked"] = early._early is not None', db, "x")
    assert said["forked"] is False


def test_status_as_a_command_publishes_through_its_fork(setup: tuple[Path, Path, str]) -> None:
    """The real command: one line about the publish, the file current, nothing else said."""
    db, folder, interview_id = setup
    afterview = Path(sys.executable).with_name("afterview")
    done = subprocess.run(
        [str(afterview), "status", interview_id, "replied", "--on", "2026-12-01", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [f"Published the feed to file://{folder}"]
    assert done.stdout.startswith(f"Recorded replied for {interview_id}.")
    assert the_file(folder) == fresh_render(db)
    unknown = subprocess.run(
        [str(afterview), "status", "nosuch", "replied", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert unknown.returncode != 0
    assert len(unknown.stderr.splitlines()) == 1 and "Published" not in unknown.stderr
    assert unknown.stdout == ""
