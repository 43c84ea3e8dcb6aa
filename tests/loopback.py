"""Real servers for the tests, on 127.0.0.1: a free port, waiting for a server and
stopping it, and a Radicale CalDAV server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

TIMEOUT = 15.0


def make_certificate(folder: Path, names: str = "IP:127.0.0.1") -> tuple[Path, Path]:
    """A self-signed certificate for ``names`` (subjectAltName entries), and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            f"subjectAltName={names}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(process: subprocess.Popen[bytes], port: int) -> bool:
    """Whether ``process`` listens on ``port`` within the timeout."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a server started by a test, killing it when it does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=TIMEOUT)


def _answers(process: subprocess.Popen[bytes], base: str) -> bool:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False  # it could not bind: another process took the port meanwhile
        try:
            httpx.get(base, timeout=1.0)
            return True
        except httpx.TransportError:
            time.sleep(0.05)
    return False


def start_radicale(folder: Path, user: str, password: str) -> tuple[subprocess.Popen[bytes], str]:
    """Radicale on a free loopback port, one plain-text user, storage in ``folder``.

    Its process and address; a port taken meanwhile is tried again, up to three times.
    """
    (folder / "users").write_text(f"{user}:{password}\n")
    for _attempt in range(3):
        port = free_port()
        config = folder / "config"
        config.write_text(
            f"[server]\nhosts = 127.0.0.1:{port}\n"
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {folder / 'users'}\n"
            "htpasswd_encryption = plain\ndelay = 0\n"
            f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
            "[logging]\nlevel = error\n"
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        if _answers(process, base):
            return process, base
        stop(process)
    raise RuntimeError("Radicale did not start on 127.0.0.1 within the timeout")
