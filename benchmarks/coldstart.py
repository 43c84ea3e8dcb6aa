"""Cold-start benchmark: afterview next to the floor set by the libraries it stands on.

Runs each command and its floor alternately (so machine noise hits both alike) and
reports the medians and their ratio:

- ``afterview plan sample.toml -o x.ics`` vs. ``python -c "import click, icalendar,
  holidays; holidays.country_holidays('US', years=2026)"`` (target: ratio <= 1.10)
- ``afterview --help`` vs. ``python -c "import click"`` (target: ratio <= 1.20)

Usage: python benchmarks/coldstart.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "standard-thanksgiving.toml"
FLOOR_PLAN = "import click, icalendar, holidays; holidays.country_holidays('US', years=2026)"


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def compare(
    name: str, ours: list[str], floor: list[str], runs: int, env: dict[str, str], target: float
) -> bool:
    for _ in range(3):  # warm the disk cache for both
        timed(ours, env)
        timed(floor, env)
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a.append(timed(ours, env))
        b.append(timed(floor, env))
    ours_ms, floor_ms = statistics.median(a) * 1000, statistics.median(b) * 1000
    ratio = ours_ms / floor_ms
    verdict = "ok" if ratio <= target else "OVER TARGET"
    figures = f"{ours_ms:.1f} ms | {floor_ms:.1f} ms | {ratio:.3f}"
    print(f"| {name} | {figures} | <= {target:.2f} {verdict} |")
    return ratio <= target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    python = sys.executable
    afterview = str(Path(python).with_name("afterview"))
    with tempfile.TemporaryDirectory() as home:
        config = Path(home) / "config" / "afterview"
        config.mkdir(parents=True)
        (config / "config.toml").write_text('name = "Alex Kim"\nemail = "alex.kim@example.org"\n')
        env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERVIEW_")}
        env.update(
            XDG_CONFIG_HOME=str(Path(home) / "config"), XDG_DATA_HOME=str(Path(home) / "data")
        )
        out = str(Path(home) / "x.ics")
        python_version = platform.python_version()
        print(
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {python_version}, "
            f"{platform.system()} {platform.release()}; medians of {args.runs} alternating runs"
        )
        print()
        print("| command | afterview | floor | ratio | target |")
        print("|---|---|---|---|---|")
        ok = compare(
            "plan sample.toml",
            [afterview, "plan", str(SAMPLE), "-o", out],
            [python, "-c", FLOOR_PLAN],
            args.runs,
            env,
            1.10,
        )
        ok &= compare(
            "--help", [afterview, "--help"], [python, "-c", "import click"], args.runs, env, 1.20
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
