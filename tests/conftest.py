"""Shared fixtures: run the command line the way a user does, without the user's settings."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

RunCli = Callable[..., Result]
PlanIcs = Callable[..., bytes]


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A settings file only this test sees; it does not exist until the test writes it."""
    path = tmp_path / "settings" / "config.toml"
    monkeypatch.setenv("AFTERVIEW_CONFIG", str(path))
    return path


@pytest.fixture
def run_cli(config_file: Path) -> RunCli:
    """Invoke ``afterview ARGS...`` through click, isolated from the user's settings."""
    # Imported here so a broken CLI fails only the tests that use it, not collection.
    from afterview.cli import main

    def run(*args: str | Path, input: str | None = None) -> Result:
        return CliRunner().invoke(main, [str(arg) for arg in args], input=input)

    return run


@pytest.fixture
def plan_ics(run_cli: RunCli, tmp_path: Path) -> PlanIcs:
    """Run ``afterview plan FILE -o OUT [ARGS...]`` and return the bytes written to OUT."""
    numbers = itertools.count(1)

    def plan(source: Path, *args: str) -> bytes:
        out = tmp_path / f"plan-{next(numbers)}.ics"
        result = run_cli("plan", source, "-o", out, *args)
        assert result.exit_code == 0, result.output
        return out.read_bytes()

    return plan
