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
import time
from pathlib import Path

import pytest

from afterview import republishing
from afterview.publish import publisher
from afterview.tracker.store import Store
from conftest import RunCli
from publishing import tracked

# Run in a fresh interpreter: the tracker, the folder and the interview come as arguments.
HEADER = """\
import datetime as dt, json, os, signal, sys, threading, time
from pathlib import Path
from afterview.cli.publish import republish
from afterview import republishing
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


def run_script(script: str, db: Path, interview_id: str) -> dict[str, object]:
    """Run ``script`` in a new interpreter; the JSON object its last line printed, with
    what it wrote to stderr."""
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


def drive(code: str, db: Path, interview_id: str) -> dict[str, object]:
    """Run ``code`` after HEADER in a new interpreter; what it put in ``said``."""
    return run_script(
        HEADER + textwrap.dedent(code) + "\nprint(json.dumps(said))\n", db, interview_id
    )


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
        republishing.start()
        republishing.ready(Path(db))
        pid = republishing._early.pid
        said["other"] = pid != os.getpid()
        change()
        said["outcome"] = republishing.outcome()
        said["ended"] = ended(pid)
        """,
        db,
        interview_id,
    )
    assert said["other"] is True
    assert said["outcome"] == {"published": f"file://{folder}", "detail": "full"}
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
        republishing.start()
        republishing.ready(Path(db))
        pid = republishing._early.pid
        republishing.dismiss()
        said["gone"] = gone(pid)
        said["left"] = republishing._early is None
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
        republishing.start()
        republishing.ready(Path(db))
        pid = republishing._early.pid
        os.kill(pid, signal.SIGKILL)
        change()
        republish(db)
        said["gone"] = gone(pid)
        """,
        db,
        interview_id,
    )
    assert said["gone"] is True
    assert str(said["stderr"]).splitlines() == [f"Published the feed (full) to file://{folder}"]
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
        republishing.start()
        said["forked"] = republishing._early is not None
        stop.set()
        other.join()
        change()
        republish(db)
        """,
        db,
        interview_id,
    )
    assert said["forked"] is False
    assert str(said["stderr"]).splitlines() == [f"Published the feed (full) to file://{folder}"]
    assert the_file(folder) == fresh_render(db)
    config_file.write_text("", encoding="utf-8")  # no publish address: nothing to fork for
    said = drive('republishing.start()\nsaid["forked"] = republishing._early is not None', db, "x")
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
    assert done.stderr.splitlines() == [f"Published the feed (full) to file://{folder}"]
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


def test_the_entry_point_forks_before_the_command_line_is_loaded(
    setup: tuple[Path, Path, str],
) -> None:
    """As ``afterview status`` starts: forked with the standard library alone loaded
    (so the command has little memory to share), then told the tracker, then to go."""
    db, folder, interview_id = setup
    script = textwrap.dedent(
        """
        import datetime as dt, json, sys
        from pathlib import Path
        from afterview import republishing
        db, interview_id = sys.argv[1], sys.argv[2]
        republishing.start_for(["--db", db, "status", interview_id, "replied"])
        said = {"forked": republishing._early is not None, "click": "click" in sys.modules}
        republishing.start_for(["list"])  # already forked: nothing more
        from afterview.tracker import commands as tracker
        from afterview.tracker.store import Store
        republishing.ready(Path(db))
        with Store(Path(db)) as store:
            tracker.set_status(
                store, interview_id, "replied", on=dt.date(2026, 12, 1),
                now=dt.datetime.now(dt.UTC).replace(microsecond=0),
            )
        said["outcome"] = republishing.outcome()
        print(json.dumps(said))
        """
    )
    said = run_script(script, db, interview_id)
    assert said == {
        "forked": True,
        "click": False,
        "outcome": {"published": f"file://{folder}", "detail": "full"},
        "stderr": "",
    }
    assert the_file(folder) == fresh_render(db)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["status", "abc", "replied"], "status"),
        (["--db", "status", "done", "x"], "done"),  # a tracker file named "status"
        (["--db=t.db", "add", "x.toml"], "add"),
        (["--version"], None),
        (["-h"], None),
        (["list", "--db", "t.db"], "list"),
        (["--", "status"], None),
        ([], None),
    ],
)
def test_the_command_is_read_as_the_group_reads_it(args: list[str], named: str | None) -> None:
    assert republishing.command_named(args) == named


def test_the_commands_that_fork_are_the_ones_that_publish_their_changes() -> None:
    """The entry point cannot load the command line to ask: its list must agree."""
    from afterview.cli import main

    marked = {
        name
        for name, command in main.commands.items()
        if getattr(command.callback, "publishes_changes", False)
    }
    assert marked == set(republishing.CHANGING)
    assert {"add", "status", "done", "skip", "move", "edit", "remove", "import"} <= marked


def test_the_answer_comes_once_the_file_is_in_place_before_the_state_is_saved(
    setup: tuple[Path, Path, str],
) -> None:
    """What is remembered after the upload is the publisher's own business: the command
    hears as soon as a calendar fetching the file would get the change."""
    db, folder, interview_id = setup
    state = publisher.state_folder_of(db) / "state.json"
    before = state.read_text(encoding="utf-8")
    seen: dict[str, object] = {}

    def sent(done: publisher.Published) -> None:
        seen["sent"] = done.sent
        seen["remote is current"] = the_file(folder) == fresh_render(db)
        seen["state as it was"] = state.read_text(encoding="utf-8") == before

    with Store(db) as store:
        from afterview.tracker import commands as tracker

        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        tracker.set_status(store, interview_id, "replied", on=dt.date(2026, 12, 1), now=now)
        done = publisher.publish(
            store, f"file://{folder}", now=now, detail="full", check_remote=False, sent=sent
        )
    assert seen == {"sent": True, "remote is current": True, "state as it was": True}
    assert done.sent and state.read_text(encoding="utf-8") != before
    assert b"STATUS:CANCELLED" in the_file(folder)


def test_a_command_stopped_by_a_usage_error_leaves_no_publisher(
    setup: tuple[Path, Path, str],
) -> None:
    """Forked at the entry point, then the command line is wrong: one line, and the
    publisher goes with the command (it never publishes)."""
    db, folder, _interview_id = setup
    before = the_file(folder)
    afterview = Path(sys.executable).with_name("afterview")
    mark = f"afterview-test-{os.getpid()}-{id(setup)}"
    done = subprocess.run(
        [str(afterview), "status", "--db", str(db), "--no-such-option"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "AFTERVIEW_TEST_MARK": mark},
    )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "no-such-option" in done.stderr
    assert the_file(folder) == before
    assert processes_marked(mark) == []  # the publisher was ended with the command


def processes_marked(mark: str) -> list[int]:
    """Processes whose environment holds ``mark`` (Linux's /proc), once they settle."""
    deadline = time.monotonic() + 5
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if mark.encode() in (entry / "environ").read_bytes():
                        found.append(int(entry.name))
                except OSError:
                    continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)
