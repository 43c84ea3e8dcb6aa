"""A writer killed at random points, fifty times over: the tracker never loses a commit."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from afterview.tracker.store import Store

pytestmark = pytest.mark.conformance

ROUNDS = 50
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "standard-thanksgiving.toml"

# Adds interviews and records outcomes in a loop, printing each id only after the
# transaction that stored it has committed: a printed id must survive any kill.
WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from afterview.tracker import commands as tracker
    from afterview.tracker.store import Store

    db, sample, tag = sys.argv[1], sys.argv[2], sys.argv[3]
    text = open(sample, encoding="utf-8").read()
    now = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)
    with Store(db) as store:
        for n in range(10_000):
            source = text.replace("Northwind Traders", f"Company {tag}-{n}")
            added = tracker.add(store, source, now=now)
            if n % 3 == 0:
                tracker.set_status(store, added.id, "replied", on=dt.date(2026, 11, 30), now=now)
            print(added.id, flush=True)
    """
)


def test_fifty_kills_leave_a_readable_store_with_every_commit(tmp_path: Path) -> None:
    """SIGKILL at fifty random moments of writing leaves a database that opens and holds all."""
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    db = tmp_path / "tracker.sqlite"
    chance = random.Random(20261123)
    committed: set[str] = set()
    for round_number in range(ROUNDS):
        writer = subprocess.Popen(
            [sys.executable, str(script), str(db), str(SAMPLE), str(round_number)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert writer.stdout is not None
        # Let it commit at least one interview, then kill it somewhere in the next writes.
        first = writer.stdout.readline().strip()
        assert first, "the writer stopped before its first commit"
        committed.add(first)
        time.sleep(chance.uniform(0.0, 0.25))
        os.kill(writer.pid, signal.SIGKILL)
        rest, _ = writer.communicate(timeout=30)
        committed.update(line.strip() for line in rest.splitlines() if line.strip())
        assert writer.returncode == -signal.SIGKILL
        with Store(db) as store:
            assert store.check() == "ok"
            stored = store.interview_ids()
            assert committed <= stored, sorted(committed - stored)
            assert all(store.events_of(interview_id) for interview_id in committed)
