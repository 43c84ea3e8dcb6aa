"""The calendars under test: golden samples, fresh plans, every policy, and the feed.

Plans are made through the command line (``afterview plan``), the way a user makes
them, with a settings file nobody wrote; the feed goes through the tracker, as
``afterview feed`` does.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from afterview.policies import BUILT_IN

from .parsers import ROOT

SAMPLES_DIR = ROOT / "samples"
SAMPLE_NAMES = tuple(sorted(path.stem for path in SAMPLES_DIR.glob("*.toml")))
FEED = "feed/all-samples"
# The tracker's clock for the feed: before every sample interview, so nothing has ended.
FEED_NOW = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
# Withdrawn on its interview day, so the feed also carries CANCELLED events (SEQUENCE 1).
WITHDRAWN = "standard-thanksgiving"

# Case name -> extra ``plan`` arguments; a "golden/..." case is the file in samples/.
PLANS: dict[str, tuple[str, ...]] = {
    **{f"plan/{name}": () for name in SAMPLE_NAMES},
    **{f"cancel/{name}": ("--cancel",) for name in SAMPLE_NAMES},
    **{
        f"policy-{policy}/{name}": ("--policy", policy)
        for policy in BUILT_IN
        for name in SAMPLE_NAMES
    },
}
GOLDEN = tuple(f"golden/{name}" for name in SAMPLE_NAMES)
CASES = (*GOLDEN, *PLANS, FEED)


@dataclass(frozen=True)
class Subject:
    """One calendar under test: its name, its bytes, and what ical.js made of it."""

    case: str
    data: bytes
    icaljs: dict[str, Any]


Load = Callable[[str], Subject]


def sample_of(case: str) -> Path:
    """The interview file a case is made from."""
    return SAMPLES_DIR / f"{case.rpartition('/')[2]}.toml"


def build_plans(folder: Path) -> dict[str, Path]:
    """Each case but the feed as a file: golden ones in samples/, the rest planned here."""
    from afterview.cli import main

    env = {"AFTERVIEW_CONFIG": str(folder / "no-settings" / "config.toml")}
    runner = CliRunner()
    paths = {}
    for case in GOLDEN:
        paths[case] = SAMPLES_DIR / f"{case.removeprefix('golden/')}.ics"
    for case, args in PLANS.items():
        out = folder / f"{case.replace('/', '--')}.ics"
        result = runner.invoke(main, ["plan", str(sample_of(case)), "-o", str(out), *args], env=env)
        assert result.exit_code == 0, f"{case}: {result.output}"
        paths[case] = out
    return paths


def build_feed(folder: Path) -> Path:
    """The subscribable feed of every sample interview, one of them withdrawn."""
    from afterview.publish import feed
    from afterview.tracker import commands as tracker
    from afterview.tracker.store import Store

    with Store(folder / "tracker.db") as store:
        for name in SAMPLE_NAMES:
            source = SAMPLES_DIR / f"{name}.toml"
            text = source.read_text(encoding="utf-8")
            added = tracker.add(store, text, now=FEED_NOW, base=SAMPLES_DIR, where=str(source))
            if name == WITHDRAWN:
                day = tomllib.loads(text)["start"].date()
                tracker.set_status(store, added.id, "withdrawn", on=day, now=FEED_NOW)
        data, _info = feed.render_feed(store, now=FEED_NOW)
    path = folder / "feed.ics"
    path.write_bytes(data)
    return path
