"""Files with personal data are readable by the user only, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import make_tracker, run_cli


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would make new files readable by everyone (0644)."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_export_feed_settings_and_backups_are_written_0600(
    tmp_path: Path, open_umask: None
) -> None:
    """export -o, feed -o, config set, the tracker and its backups: mode 0600 each."""
    db = tmp_path / "tracker.db"
    make_tracker(db)
    export = tmp_path / "backup.json"
    feed = tmp_path / "follow-ups.ics"
    assert run_cli(tmp_path, "export", "--db", str(db), "-o", str(export)).returncode == 0
    assert run_cli(tmp_path, "feed", "--db", str(db), "-o", str(feed)).returncode == 0
    # A second write keeps 0600 even over a file someone made readable to all.
    os.chmod(feed, 0o644)
    assert run_cli(tmp_path, "feed", "--db", str(db), "-o", str(feed)).returncode == 0
    settings = run_cli(tmp_path, "config", "set", "name", "Alex Kim")
    assert settings.returncode == 0, settings.stderr
    config = tmp_path / "no-settings" / "config.toml"
    skipped = run_cli(
        tmp_path, "skip", "--db", str(db), _first_id(tmp_path, db), "handwritten-note"
    )
    assert skipped.returncode == 0, skipped.stderr
    backups = sorted((tmp_path / "backups").iterdir())
    assert backups, "the day's first change made a backup"
    for path in (export, feed, config, db, *backups):
        assert mode_of(path) == 0o600, path
    assert mode_of(config.parent) == 0o700
    assert mode_of(tmp_path / "backups") == 0o700


def _first_id(tmp_path: Path, db: Path) -> str:
    listed = run_cli(tmp_path, "list", "--db", str(db), "--all")
    assert listed.returncode == 0, listed.stderr
    return listed.stdout.split()[0]
