"""The benchmarks still run: each one, made small, prints its table without a traceback.

``make bench`` measures at full size; ``make bench-quick`` (which CI runs) makes each
one small, to prove that the code behind each figure works, so a change to afterview
cannot leave a benchmark broken until the next time somebody measures. At these sizes
the ratios mean nothing and are not checked; what each benchmark checks of the bytes
(the incremental feed equal to a full render, the server answering with the feed's own
bytes and a 304 for its own ETag) is.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize(
    ("script", "arguments", "rows"),
    [
        ("coldstart.py", ["--runs", "1"], ["| plan sample.toml |", "| --help |"]),
        (
            "feed.py",
            ["--interviews", "30", "--runs", "1", "--changes", "1"],
            [
                "| bulk: full render,",
                "| incremental: render after one status change",
                "byte-identical to a full render",
                "bd(D, n)",
            ],
        ),
        (
            "server.py",
            ["--interviews", "10", "--seconds", "1", "--rounds", "1"],
            [
                "| feed server: full response (200) |",
                "| feed server: not modified (304) |",
                "| feed server: full response, rendered for each request |",
            ],
        ),
        (
            "hostile.py",
            ["--interviews", "5", "--seconds", "1", "--slow", "20"],
            [
                "| page, 64 connections: p50 |",
                "| 304, 48 connections beside 16 asking for the page: p50 |",
                "| peak memory, full feed to 64 connections while the data changes |",
                "| the same with 20 slow connections open (x idle) |",
            ],
        ),
        (
            "publish.py",
            ["--sizes", "20", "--runs", "1"],
            [
                "| WebDAV, 20 interviews (",
                "| SFTP, 20 interviews (",
                "| WebDAV, 20 interviews: republish after `done` (feed unchanged) | nothing sent",
                "| SFTP, 20 interviews: republish after `done` (feed unchanged) | nothing sent",
            ],
        ),
        (
            "mail.py",
            ["--messages", "300", "--interviews", "4", "--runs", "1"],
            ["| mail: scan an mbox, time |", "| mail: planted proposals found | 4 of 4 | | | ok |"],
        ),
    ],
    ids=["coldstart", "feed", "server", "hostile", "publish", "mail"],
)
def test_benchmark_runs_and_reports(script: str, arguments: list[str], rows: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    # 1 is a missed speed target, which means nothing at this toy size; a wrong answer
    # (bytes that differ, a failed request) stops a benchmark with its own message.
    assert done.returncode in (0, 1), done.stderr
    assert "NOT BYTE-IDENTICAL" not in done.stdout
    for row in rows:
        assert row in done.stdout, done.stdout
