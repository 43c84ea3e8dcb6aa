"""A damaged tracker: found before it spreads, and a way back through backups and doctor."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from afterview.tracker import backups
from afterview.tracker import commands as tracker
from afterview.tracker.store import Store

from .helpers import NOW, cli_env, interview, run_cli
from .test_server import damage_middle

COMPANIES = [f"Company {n:03d}" for n in range(40)]
YESTERDAY = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def tracked_forty(db: Path) -> None:
    """Forty interviews, enough rows to fill many pages of the file."""
    with Store(db) as store:
        for company in COMPANIES:
            tracker.add(store, interview(company), now=NOW)


def truncate(db: Path) -> None:
    """Cut the file to half its length, as a full disk or a killed copy would."""
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])


def companies_in(tmp_path: Path, db: Path) -> set[str]:
    listed = run_cli(tmp_path, "list", "--db", str(db), "--all", "--json")
    assert listed.returncode == 0, listed.stderr
    return {item["company"] for item in json.loads(listed.stdout)}


def damaged_tracker(tmp_path: Path) -> tuple[Path, bytes]:
    """Forty interviews with garbage in the middle of the file, and its bytes."""
    db = tmp_path / "tracker.db"
    tracked_forty(db)
    damage_middle(db)
    return db, db.read_bytes()


def test_a_write_refuses_a_damaged_file_that_list_would_reject(tmp_path: Path) -> None:
    """add on a file with garbage in the middle is refused (exit 10) and changes nothing."""
    db, before = damaged_tracker(tmp_path)
    source = tmp_path / "new.toml"
    source.write_text(interview("Fabrikam"))
    added = run_cli(tmp_path, "add", "--db", str(db), str(source))
    assert added.returncode == 10, added.stderr
    assert "damaged" in added.stderr and "afterview restore" in added.stderr
    assert len(added.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_mail_apply_refuses_a_damaged_file(tmp_path: Path) -> None:
    """mail --apply checks the file before it records anything, as every write does."""
    db, before = damaged_tracker(tmp_path)
    box = tmp_path / "empty.mbox"
    box.write_bytes(b"")
    applied = run_cli(tmp_path, "mail", "--db", str(db), "--mbox", str(box), "--apply")
    assert applied.returncode == 10, applied.stderr
    assert "damaged" in applied.stderr and len(applied.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_the_days_first_write_backs_up_and_restore_brings_it_back(tmp_path: Path) -> None:
    """One backup a day on a write; restore N puts it back and keeps the replaced file."""
    db = tmp_path / "tracker.db"
    tracked_forty(db)
    with Store(db) as store:
        tracker.set_status(store, _id_of(store, "Company 000"), "rejected", on=NOW.date(), now=NOW)
        tracker.set_status(store, _id_of(store, "Company 001"), "offer", on=NOW.date(), now=NOW)
    found = backups.list_backups(db)
    assert [b.reason for b in found] == ["daily"]  # the second write of the day made none
    with Store(db) as store:
        tracker.remove(store, _id_of(store, "Company 002"), now=NOW)
    assert "Company 002" not in companies_in(tmp_path, db)
    listed = run_cli(tmp_path, "backups", "--db", str(db))
    assert listed.returncode == 0 and listed.stdout.startswith(" 1  ")
    restored = run_cli(tmp_path, "restore", "--db", str(db))
    assert restored.returncode == 0, restored.stderr
    # The daily backup was taken before the first status change: all forty, all open.
    assert companies_in(tmp_path, db) == set(COMPANIES)
    reasons = [b.reason for b in backups.list_backups(db)]
    assert reasons[0] == "before-restore" and "daily" in reasons
    # The replaced file is itself a backup: restoring it undoes the restore.
    assert run_cli(tmp_path, "restore", "1", "--db", str(db)).returncode == 0
    assert companies_in(tmp_path, db) == set(COMPANIES) - {"Company 002"}


@pytest.mark.parametrize("command", [["backups"], ["restore", "1"], ["doctor"]])
def test_a_tracker_named_before_the_command_is_the_one_looked_after(
    tmp_path: Path, command: list[str]
) -> None:
    """`afterview --db PATH restore` restores PATH, not the default tracker."""
    db = tmp_path / "tracker.db"
    tracked_forty(db)
    with Store(db) as store:
        backups.backup_now(store, "test")
        tracker.remove(store, _id_of(store, "Company 002"), now=NOW)
    decoy = tmp_path / "decoy" / "tracker.db"  # the default tracker, which must stay alone
    env = {**cli_env(tmp_path), "AFTERVIEW_DB": str(decoy)}
    done = subprocess.run(
        [sys.executable, "-m", "afterview", "--db", str(db), *command],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not decoy.parent.exists()
    said = done.stdout + done.stderr
    assert str(db) in said or str(tmp_path / "backups") in said  # backups names its folder
    if command[0] == "restore":
        assert companies_in(tmp_path, db) == set(COMPANIES)


def test_only_the_last_seven_backups_are_kept(tmp_path: Path) -> None:
    """Daily backups over ten days leave the newest seven."""
    db = tmp_path / "tracker.db"
    tracked_forty(db)
    with Store(db) as store:
        for day in range(10):
            moment = YESTERDAY + dt.timedelta(days=day)
            assert backups.automatic_backup(store, "daily", once_a_day=True, now=moment)
    kept = backups.list_backups(db)
    assert len(kept) == backups.KEEP == 7
    assert kept[0].taken.date() == dt.date(2026, 12, 11)  # 2 December plus nine days
    assert kept[-1].taken.date() == dt.date(2026, 12, 5)


def test_doctor_salvages_a_file_with_garbage_in_the_middle(tmp_path: Path) -> None:
    """doctor finds the damage, saves the readable interviews, and restore puts them back."""
    db = tmp_path / "tracker.db"
    tracked_forty(db)
    damage_middle(db)
    checked = run_cli(tmp_path, "doctor", "--db", str(db))
    assert checked.returncode == 10, checked.stderr
    assert "is damaged" in checked.stdout and "Saved " in checked.stdout
    assert "afterview restore 1" in checked.stderr
    recovered = backups.list_backups(db)[0]
    assert recovered.reason == "recovered"
    assert run_cli(tmp_path, "doctor", "--db", str(recovered.path)).returncode == 0
    assert run_cli(tmp_path, "restore", "1", "--db", str(db)).returncode == 0
    saved = companies_in(tmp_path, db)
    assert saved and saved <= set(COMPANIES)
    assert run_cli(tmp_path, "doctor", "--db", str(db)).stdout.endswith("no damage found.\n")
    feed = run_cli(tmp_path, "feed", "--db", str(db))
    assert feed.returncode == 0 and "BEGIN:VCALENDAR" in feed.stdout


def test_doctor_salvages_a_truncated_file(tmp_path: Path) -> None:
    """A file cut in half: doctor saves what the first half holds into a usable tracker."""
    db = tmp_path / "tracker.db"
    tracked_forty(db)
    truncate(db)
    assert run_cli(tmp_path, "list", "--db", str(db)).returncode == 10
    checked = run_cli(tmp_path, "doctor", "--db", str(db))
    assert checked.returncode == 10, checked.stderr
    recovered = backups.list_backups(db)[0]
    assert recovered.reason == "recovered"
    restored = run_cli(tmp_path, "restore", "--db", str(db))
    assert restored.returncode == 0, restored.stderr
    assert "damaged" in [b.reason for b in backups.list_backups(db)]
    saved = companies_in(tmp_path, db)
    assert saved and saved <= set(COMPANIES) and saved != set(COMPANIES)


def test_doctor_says_a_healthy_file_is_healthy(tmp_path: Path) -> None:
    """An undamaged tracker gets exit 0 and one line, and no backup is written."""
    db = tmp_path / "tracker.db"
    tracked_forty(db)
    checked = run_cli(tmp_path, "doctor", "--db", str(db))
    assert checked.returncode == 0 and checked.stdout == f"{db}: no damage found.\n"
    assert backups.list_backups(db) == []


def test_restore_without_backups_says_so(tmp_path: Path) -> None:
    """restore with nothing to restore is a one-line tracker error, and the file is untouched."""
    db = tmp_path / "tracker.db"
    tracked_forty(db)
    before = db.read_bytes()
    result = run_cli(tmp_path, "restore", "--db", str(db))
    assert result.returncode == 10 and "no backups" in result.stderr
    assert db.read_bytes() == before


def _id_of(store: Store, company: str) -> str:
    return next(row.id for row in store.interviews() if row.company == company)
