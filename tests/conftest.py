"""Shared fixtures: run the command line the way a user does, without the user's settings."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

RunCli = Callable[..., Result]
PlanIcs = Callable[..., bytes]

_CACHE_ENV = "AFTERVIEW_CACHE_DIR"
_cache_key = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """The holiday calendars are kept in a cache folder of this run, not the user's."""
    if not os.environ.get(_CACHE_ENV):
        folder = tempfile.mkdtemp(prefix="afterview-test-cache-")
        os.environ[_CACHE_ENV] = folder
        config.stash[_cache_key] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_cache_key, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        del os.environ[_CACHE_ENV]


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
