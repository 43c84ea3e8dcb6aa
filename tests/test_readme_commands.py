"""Every command the README shows runs as written, on the README's own interview file.

The clock is frozen on Wed 25 Nov 2026 at 20:00 UTC, the interview day the README's
file names (14:00-15:00 in New York), so the examples stay valid whatever today is.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from freezegun import freeze_time

RunCli = Callable[..., Result]  # the conftest fixture's type
ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
INVITES = Path(__file__).parent / "invites"
# Commands that cannot run in a test as written: a server that never returns, a push or
# an upload to a host on the internet, a mailbox the reader has, and an editor that needs
# a terminal (each tested apart against real servers on 127.0.0.1).
NOT_HERE = (
    "afterview serve",
    "afterview push",
    "afterview publish",
    "afterview mail",
    "afterview edit",
)


def readme_file() -> str:
    """The interview file the README describes, as its first TOML block writes it."""
    match = re.search(r"```toml\n(.*?)```", README, re.S)
    assert match
    return match.group(1)


def readme_commands() -> list[str]:
    """Each `afterview ...` line of the README's shell blocks, without its comment."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.splitlines():
            if line.startswith("afterview ") and not line.startswith(NOT_HERE):
                lines.append(re.split(r"\s+#\s", line, maxsplit=1)[0].strip())
    return lines


# The questions of `afterview new`, answered: name, company, role, date, time, length,
# zone, country, region, one interviewer (name, e-mail, topics), no second one, timeline.
NEW_ANSWERS = """Alex Kim
Northwind Traders
Data Engineer
2026-11-25
14:00
60
America/New_York
US
NY
Dana Lee
dana.lee@northwind.example
pipelines

by Friday
"""


@freeze_time("2026-11-25 20:00:00")
def test_every_readme_command_runs_as_written(
    run_cli: RunCli, config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each README command exits 0 on the README's file and the files it names."""
    # A user who set a default country, as "Your details" shows: with no terminal in a
    # test, an invitation without --country needs it.
    config_file.parent.mkdir(parents=True)
    config_file.write_text('country = "US"\n', encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("AFTERVIEW_DB", str(tmp_path / "tracker.db"))
    # The user of the sample invitations, as `afterview config set email` would save it.
    monkeypatch.setenv("AFTERVIEW_EMAIL", "alex.morgan@example.com")
    text = readme_file()
    (work / "northwind.toml").write_text(text, encoding="utf-8")
    second = text.replace("2026-11-25T14:00", "2026-12-03T10:00")
    second = second.replace("2026-11-25T15:00", "2026-12-03T11:00")
    (work / "round-two.toml").write_text(second.replace('id = "nw7k2q"', 'id = "nw7k2r"'))
    shutil.copyfile(INVITES / "google-meet.ics", work / "invite.ics")
    shutil.copyfile(INVITES / "gmail-invite.eml", work / "interview-email.eml")
    commands = readme_commands()
    assert len(commands) > 30
    for line in commands:
        args = shlex.split(line)[1:]
        answers = None
        if args[0] == "new":
            fresh = tmp_path / f"new-{len(list(tmp_path.iterdir()))}"
            fresh.mkdir()
            shutil.copyfile(work / "invite.ics", fresh / "invite.ics")
            monkeypatch.chdir(fresh)
            answers = NEW_ANSWERS if "--from-invite" not in args else None
        result = run_cli(*args, input=answers)
        monkeypatch.chdir(work)
        assert result.exit_code == 0, f"{line}: {result.output}"
