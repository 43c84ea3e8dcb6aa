"""A real ``afterview serve`` on 127.0.0.1 against hostile clients and replaced files."""

from __future__ import annotations

import os
import socket
import statistics
import time
from pathlib import Path

import httpx

from afterview.tracker import tokens
from afterview.tracker.store import Store

from .helpers import NOW, TIMEOUT, make_tracker, raw_request, run_cli, serving


def test_another_host_name_gets_421_and_is_never_echoed(tmp_path: Path) -> None:
    """Without --public-url only loopback names are answered: a rebinding page's name is not."""
    db = tmp_path / "tracker.db"
    token = make_tracker(db)
    with serving(db) as server, httpx.Client(base_url=server.base, timeout=TIMEOUT) as http:
        evil = http.get(f"/{token}/", headers={"Host": f"evil.example:{server.port}"})
        assert evil.status_code == 421
        assert "evil" not in evil.text and token not in evil.text
        assert "location" not in evil.headers
        for name in ("localhost", "127.0.0.1"):
            page = http.get(f"/{token}/", headers={"Host": f"{name}:{server.port}"})
            assert page.status_code == 200
            assert f"http://{name}:{server.port}/feed/{token}.ics" in page.text
        assert http.get("/", headers={"Host": "[::1]"}).status_code == 200


def test_public_url_is_the_only_other_host_and_every_link_uses_it(tmp_path: Path) -> None:
    """With --public-url, that host is answered, links name it, and Google's buttons appear."""
    db = tmp_path / "tracker.db"
    token = make_tracker(db)
    public = "https://feeds.example.org"
    with (
        serving(db, "--public-url", public) as server,
        httpx.Client(base_url=server.base, timeout=TIMEOUT) as http,
    ):
        page = http.get(f"/{token}/", headers={"Host": "feeds.example.org"})
        assert page.status_code == 200
        assert f"{public}/feed/{token}.ics" in page.text
        assert f"webcal://feeds.example.org/feed/{token}.ics" in page.text
        assert 'id="google"' in page.text and "Google holds the link" in page.text
        # Asked by its loopback address, the links still say the public one.
        local = http.get(f"/{token}/")
        assert f"{public}/feed/{token}.ics" in local.text and "127.0.0.1" not in local.text
        other = http.get(f"/{token}/", headers={"Host": "feeds.example.org.evil.example"})
        assert other.status_code == 421 and "evil" not in other.text
        # The fully qualified spelling, with its final dot, is the same name.
        assert http.get(f"/{token}/", headers={"Host": "feeds.example.org."}).status_code == 200
        assert http.get("/", headers={"Host": "localhost.:8765"}).status_code == 200
        assert http.get("/", headers={"Host": "."}).status_code == 421
    printed = run_cli(tmp_path, "token", "--db", str(db), "--public-url", public)
    assert printed.returncode == 0, printed.stderr
    assert f"feed:      {public}/feed/{token}.ics" in printed.stdout


def test_an_international_public_name_is_answered_in_its_idna_form(tmp_path: Path) -> None:
    """Clients (and Caddy) send Host: xn--bcher-kva.example for bücher.example."""
    db = tmp_path / "tracker.db"
    token = make_tracker(db)
    with (
        serving(db, "--public-url", "https://bücher.example") as server,
        httpx.Client(base_url=server.base, timeout=TIMEOUT) as http,
    ):
        page = http.get(f"/{token}/", headers={"Host": "xn--bcher-kva.example"})
        assert page.status_code == 200
        assert f"https://xn--bcher-kva.example/feed/{token}.ics" in page.text


def test_a_request_head_sent_slowly_is_cut_off_after_the_timeout(tmp_path: Path) -> None:
    """A client that never finishes its request head is disconnected after --timeout."""
    db = tmp_path / "tracker.db"
    make_tracker(db)
    with serving(db, "--timeout", "1") as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
            started = time.monotonic()
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: unfinished
            assert sock.recv(1024) == b""  # closed by the server
            elapsed = time.monotonic() - started
        assert 0.9 <= elapsed < 4.0


def test_a_request_body_sent_slowly_is_cut_off_after_the_timeout(tmp_path: Path) -> None:
    """A body that never arrives in full does not hold the connection beyond --timeout."""
    db = tmp_path / "tracker.db"
    make_tracker(db)
    with serving(db, "--timeout", "1") as server:
        started = time.monotonic()
        answer = raw_request(
            server.port,
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n\r\nabc",
        )
        elapsed = time.monotonic() - started
    assert elapsed < 4.0
    assert answer == b"" or answer.startswith(b"HTTP/1.1 405")


def test_a_request_with_a_large_body_is_refused(tmp_path: Path) -> None:
    """A declared body beyond the small bound gets 413 at once, before anything reads it."""
    db = tmp_path / "tracker.db"
    make_tracker(db)
    with serving(db) as server:
        answer = raw_request(
            server.port,
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\n",
        )
        chunked = raw_request(
            server.port,
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
    assert answer.startswith(b"HTTP/1.1 413")
    assert chunked.startswith(b"HTTP/1.1 413")


def test_300_slow_connections_do_not_hold_the_server(tmp_path: Path) -> None:
    """With 300 half-open connections, a normal request is still answered promptly."""
    db = tmp_path / "tracker.db"
    token = make_tracker(db)
    with serving(db) as server:
        with httpx.Client(base_url=server.base, timeout=TIMEOUT) as http:
            assert http.get(f"/feed/{token}.ics").status_code == 200  # warm
        slow = []
        try:
            for _ in range(300):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0")
                slow.append(sock)
            times = []
            for _ in range(9):
                with httpx.Client(base_url=server.base, timeout=TIMEOUT) as http:
                    started = time.monotonic()
                    response = http.get(f"/feed/{token}.ics")
                    times.append(time.monotonic() - started)
                assert response.status_code == 200
        finally:
            for sock in slow:
                sock.close()
        assert server.process.poll() is None
    assert statistics.median(times) < 0.5


def test_malformed_requests_get_400_and_one_log_line_without_traceback(tmp_path: Path) -> None:
    """Broken HTTP is answered 400 and logged as single lines, never a library traceback."""
    db = tmp_path / "tracker.db"
    make_tracker(db)
    with serving(db) as server:
        for garbage in (
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",  # TLS to an http port
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\n\r\n",
            b"GET /\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n",
        ):
            assert raw_request(server.port, garbage).startswith(b"HTTP/1.1 400")
        err = server.stop()
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "the malformed requests were logged"
    assert all(line.startswith(("afterview serve: ", "warning: ")) for line in lines), err
    assert "Traceback" not in err


def test_a_token_gone_with_a_replaced_file_gets_404_at_once(tmp_path: Path) -> None:
    """A tracker file put in place (a restore by mv) is served at once: the old token is 404."""
    db = tmp_path / "tracker.db"
    old = make_tracker(db)
    other = tmp_path / "other.db"
    new = make_tracker(other, "Contoso")
    with serving(db) as server, httpx.Client(base_url=server.base, timeout=TIMEOUT) as http:
        first = http.get(f"/feed/{old}.ics")
        assert first.status_code == 200 and b"Northwind Traders" in first.content
        etag = first.headers["etag"]
        assert http.get(f"/feed/{old}.ics", headers={"If-None-Match": etag}).status_code == 304
        assert http.get(f"/{old}/").status_code == 200
        os.replace(other, db)
        assert http.get(f"/feed/{old}.ics", headers={"If-None-Match": etag}).status_code == 404
        assert http.get(f"/feed/{old}.ics").status_code == 404
        assert http.get(f"/{old}/").status_code == 404
        fresh = http.get(f"/feed/{new}.ics")
        assert fresh.status_code == 200 and b"Contoso" in fresh.content


def test_a_rotated_token_in_a_swapped_file_is_404_within_the_same_day(tmp_path: Path) -> None:
    """The same tracker rotated elsewhere and moved back: the remembered feed is not served."""
    db = tmp_path / "tracker.db"
    old = make_tracker(db)
    copy = tmp_path / "copy.db"
    with Store(db) as source:
        source.backup_into(copy)
    with Store(copy) as store:
        rotated = tokens.feed_token(store, now=NOW, rotate=True)
    with serving(db) as server, httpx.Client(base_url=server.base, timeout=TIMEOUT) as http:
        assert http.get(f"/feed/{old}.ics").status_code == 200
        os.replace(copy, db)
        assert http.get(f"/feed/{old}.ics").status_code == 404
        assert http.get(f"/feed/{rotated}.ics").status_code == 200


def test_an_empty_file_put_in_the_trackers_place_is_an_error_not_a_new_tracker(
    tmp_path: Path,
) -> None:
    """SQLite takes an empty file for an empty database: the server must not fill it."""
    db = tmp_path / "tracker.db"
    token = make_tracker(db)
    with serving(db) as server, httpx.Client(base_url=server.base, timeout=TIMEOUT) as http:
        assert http.get(f"/feed/{token}.ics").status_code == 200
        empty = tmp_path / "empty"
        empty.write_bytes(b"")
        os.replace(empty, db)
        assert http.get(f"/feed/{token}.ics").status_code == 500
        assert http.get(f"/{token}/").status_code == 500
        assert db.stat().st_size == 0
        err = server.stop()
    assert "empty file" in err and "Traceback" not in err


def test_a_deleted_tracker_is_an_error_and_is_not_recreated_empty(tmp_path: Path) -> None:
    """After the file is deleted, requests get a 500 and the file stays gone."""
    db = tmp_path / "tracker.db"
    token = make_tracker(db)
    with serving(db) as server, httpx.Client(base_url=server.base, timeout=TIMEOUT) as http:
        assert http.get(f"/feed/{token}.ics").status_code == 200
        for extra in ("", "-wal", "-shm"):
            Path(f"{db}{extra}").unlink(missing_ok=True)
        assert http.get(f"/feed/{token}.ics").status_code == 500
        assert http.get(f"/{token}/").status_code == 500
        assert not db.exists()
        err = server.stop()
    assert "gone" in err and "Traceback" not in err


def test_serve_refuses_a_damaged_tracker_with_exit_code_10(tmp_path: Path) -> None:
    """A damaged file is refused at start with the restore command, before it listens."""
    db = tmp_path / "tracker.db"
    make_tracker(db)
    damage_middle(db)
    result = run_cli(tmp_path, "serve", "--db", str(db), "--port", "0")
    assert result.returncode == 10, result.stderr
    assert "afterview restore" in result.stderr and "damaged" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Serving" not in result.stdout


def damage_middle(db: Path) -> None:
    """Garbage over the pages in the middle of the file, leaving the header alone."""
    data = bytearray(db.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle : middle + 2 * page] = bytes((i * 131 + 7) % 256 for i in range(2 * page))
    db.write_bytes(bytes(data))


def test_forwarded_headers_count_only_from_a_named_proxy(tmp_path: Path) -> None:
    """X-Forwarded-Proto from a client that is not a --proxy does not change the links."""
    db = tmp_path / "tracker.db"
    token = make_tracker(db)
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    with serving(db) as server, httpx.Client(base_url=server.base, timeout=TIMEOUT) as http:
        page = http.get(f"/{token}/", headers=forged).text
    assert f"http://127.0.0.1:{server.port}/feed/{token}.ics" in page
    assert "https://127.0.0.1" not in page
    with (
        serving(db, "--proxy", "127.0.0.1") as server,
        httpx.Client(base_url=server.base, timeout=TIMEOUT) as http,
    ):
        page = http.get(f"/{token}/", headers=forged).text
    assert f"https://127.0.0.1:{server.port}/feed/{token}.ics" in page
