"""docs/self-hosting.md's setup, run: Debian's Caddy with its own CA in front of afterview serve.

``make caddy`` installs Caddy when it is missing; without it this test fails, it does not
skip. Caddy's local root certificate is trusted by this test's client only.
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from loopback import free_port

from .helpers import TIMEOUT, make_tracker, serving

CADDY = Path("/usr/bin/caddy")
NAME = "feeds.example.org"


# The global log block of docs/self-hosting.md's Caddyfile, word for word (a test below
# holds the two together): Caddy's error log names no request's address or headers.
LOG_BLOCK = """	log default {
		format filter {
			wrap console
			fields {
				request>uri delete
				request>headers delete
			}
		}
	}
"""


CADDYFILE = """{{
	admin off
	local_certs
	skip_install_trust
	storage file_system {{
		root {storage}
	}}
	http_port {http_port}
	https_port {https_port}
	auto_https disable_redirects
{log}}}

https://{name}:{https_port} {{
	bind 127.0.0.1
	tls internal
	reverse_proxy 127.0.0.1:{backend}
}}

http://127.0.0.1:{down_port} {{
	bind 127.0.0.1
	reverse_proxy 127.0.0.1:{nothing}
}}
"""


def test_the_documented_caddyfile_keeps_the_log_block_tested_here() -> None:
    """The block this test runs is the one the docs tell people to use."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "self-hosting.md"
    assert LOG_BLOCK in docs.read_text(encoding="utf-8")


def wait_for(path: Path, port: int, process: subprocess.Popen[str]) -> None:
    """Until Caddy listens on ``port`` and has written its root certificate."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"caddy stopped: {process.communicate()[1][-2000:]}")
        if path.exists():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                pass
        time.sleep(0.05)
    pytest.fail("caddy did not start within the timeout")


def test_the_feed_is_fetched_over_https_through_caddy(tmp_path: Path) -> None:
    """Caddy with tls internal proxies to serve: the feed and page arrive over verified TLS."""
    if not CADDY.exists():
        pytest.fail("Caddy is missing: run `make caddy` (installs the Debian package)")
    db = tmp_path / "tracker.db"
    token = make_tracker(db)
    https_port, http_port, down_port, nothing = free_port(), free_port(), free_port(), free_port()
    public = f"https://{NAME}:{https_port}"
    storage = tmp_path / "caddy"
    with serving(db, "--public-url", public, "--proxy", "127.0.0.1") as server:
        caddyfile = tmp_path / "Caddyfile"
        caddyfile.write_text(
            CADDYFILE.format(
                storage=storage,
                http_port=http_port,
                https_port=https_port,
                name=NAME,
                backend=server.port,
                log=LOG_BLOCK,
                down_port=down_port,
                nothing=nothing,
            )
        )
        env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"))
        env["XDG_DATA_HOME"] = str(tmp_path / "data")
        caddy = subprocess.Popen(
            [str(CADDY), "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
        try:
            root = storage / "pki" / "authorities" / "local" / "root.crt"
            wait_for(root, https_port, caddy)
            trusted = ssl.create_default_context(cafile=str(root))
            sni = {"sni_hostname": NAME}
            headers = {"Host": f"{NAME}:{https_port}"}
            address = f"https://127.0.0.1:{https_port}"
            with httpx.Client(verify=trusted, timeout=TIMEOUT) as http:
                response = http.get(f"{address}/feed/{token}.ics", headers=headers, extensions=sni)
                page = http.get(f"{address}/{token}/", headers=headers, extensions=sni)
            with (
                httpx.Client(timeout=TIMEOUT) as untrusting,
                pytest.raises(httpx.ConnectError),
            ):
                untrusting.get(f"{address}/feed/{token}.ics", headers=headers, extensions=sni)
            # afterview down (a restart, say): Caddy logs the 502 as an error.
            down = httpx.get(f"http://127.0.0.1:{down_port}/feed/{token}.ics", timeout=TIMEOUT)
        finally:
            os.killpg(caddy.pid, signal.SIGTERM)
            try:
                _, said = caddy.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(caddy.pid, signal.SIGKILL)
                _, said = caddy.communicate(timeout=TIMEOUT)
    assert down.status_code == 502
    assert "connection refused" in said and token not in said
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert (
        response.content.startswith(b"BEGIN:VCALENDAR") and b"Northwind Traders" in response.content
    )
    assert page.status_code == 200
    assert f"{public}/feed/{token}.ics" in page.text
    assert f"webcal://{NAME}:{https_port}/feed/{token}.ics" in page.text
    assert 'id="google"' in page.text
