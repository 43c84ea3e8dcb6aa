"""Rewrite the golden files samples/<name>.ics from samples/<name>.toml.

Run it on purpose, never from a test, and only after checking by eye that each plan's
dates are right against a real calendar and the holidays library, for example:

    .venv/bin/afterview show samples/standard-thanksgiving.toml
    python3 -c "import calendar; print(calendar.month(2026, 11))"
    .venv/bin/python -c "import holidays; \\
        print(sorted(holidays.country_holidays('US', subdiv='NY', years=2026).items()))"

and against the hand-derived tables in tests/test_samples.py. Then:

    .venv/bin/python tests/regen_golden.py                         # every sample
    .venv/bin/python tests/regen_golden.py standard-thanksgiving   # named samples only

Plans go through the command line with no user settings (drafts signed "[your name]",
reminders at 09:00) and a pinned DTSTAMP, so an unchanged plan rewrites the same bytes
and ``git diff samples/`` shows only real changes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner
from freezegun import freeze_time
from icalendar import Calendar

from afterview.cli import main

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"
STAMP = "2026-01-01T00:00:00Z"


def regenerate(source: Path) -> Path:
    """Plan ``source`` into the .ics beside it, as a user without settings would."""
    target = source.with_suffix(".ics")
    with tempfile.TemporaryDirectory() as home, freeze_time(STAMP):
        env = {"AFTERVIEW_CONFIG": str(Path(home) / "config.toml")}
        result = CliRunner().invoke(main, ["plan", str(source), "-o", str(target)], env=env)
    if result.exit_code != 0:
        raise SystemExit(f"{source.name}: afterview plan failed:\n{result.output}")
    return target


def outline(path: Path) -> str:
    """The events of ``path``, one line each, for a last look at the dates."""
    lines = [str(path.relative_to(SAMPLES_DIR.parent))]
    for event in Calendar.from_ical(path.read_bytes()).events:
        lines.append(f"  {event.start!s:<25}  {event.categories[0]:<16}  {event.summary}")
    return "\n".join(lines)


def run(names: list[str]) -> int:
    """Regenerate the named samples (all when none are named); 2 for an unknown name."""
    sources = [SAMPLES_DIR / f"{name.removesuffix('.toml')}.toml" for name in names]
    missing = [path.name for path in sources if not path.exists()]
    if missing:
        print(f"no such sample: {', '.join(missing)}", file=sys.stderr)
        return 2
    for source in sources or sorted(SAMPLES_DIR.glob("*.toml")):
        print(outline(regenerate(source)))
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
