"""A real ``afterview serve`` in a subprocess, and trackers to serve."""

from __future__ import annotations

import datetime as dt
import os
import re
import select
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from afterview.tracker import commands as tracker
from afterview.tracker import tokens
from afterview.tracker.store import Store

TIMEOUT = 20.0
NOW = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)


def interview(company: str, candidate: str | None = None) -> str:
    """A New York interview on Wednesday 25 November 2026 with one interviewer."""
    who = f'candidate = "{candidate}"\n' if candidate else ""
    return (
        f'company = "{company}"\nrole = "Senior Data Engineer"\nstart = 2026-11-25T14:00:00\n'
        'timezone = "America/New_York"\ncountry = "US"\nsubdivision = "NY"\n'
        f'decision = "by Friday"\n{who}\n'
        '[[interviewers]]\nname = "Dana Lee"\nemail = "dana.lee@northwind.example"\n'
    )


def make_tracker(path: Path, company: str = "Northwind Traders") -> str:
    """A tracker at ``path`` with one interview; the token of everyone's feed."""
    with Store(path) as store:
        tracker.add(store, interview(company), now=NOW)
        return tokens.feed_token(store, now=NOW)


@dataclass
class Server:
    """A running ``afterview serve``: its process, base URL and port."""

    process: subprocess.Popen[str]
    base: str
    port: int

    def stop(self) -> str:
        """Stop the server (SIGTERM, then SIGKILL); what it wrote to stderr."""
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate(timeout=TIMEOUT)
        return err


def cli_env(tmp: Path) -> dict[str, str]:
    """The environment of a command run as a user would, without the user's settings."""
    env = dict(os.environ)
    env["AFTERVIEW_CONFIG"] = str(tmp / "no-settings" / "config.toml")
    env.pop("AFTERVIEW_DB", None)
    return env


def run_cli(tmp: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``afterview ARGS`` in a subprocess, with no terminal."""
    return subprocess.run(
        [sys.executable, "-m", "afterview", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=cli_env(tmp),
        timeout=TIMEOUT * 3,
    )


@contextmanager
def serving(db: Path, *args: str) -> Iterator[Server]:
    """``afterview serve --db DB --port 0 ARGS`` until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "afterview", "serve", "--db", str(db), "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(db.parent),
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], TIMEOUT)
    line = process.stdout.readline() if ready else ""
    found = re.search(r"Serving on (\S+)", line)
    if found is None:
        process.kill()
        _, err = process.communicate(timeout=TIMEOUT)
        raise AssertionError(f"afterview serve did not start: {line!r} {err[-2000:]}")
    base = found[1]
    server = Server(process, base, int(base.rsplit(":", 1)[1]))
    try:
        yield server
    finally:
        if process.poll() is None:
            server.stop()


def raw_request(port: int, data: bytes, timeout: float = TIMEOUT) -> bytes:
    """Send raw bytes to the server and read until it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)
