"""Typed text cannot fake output, skipped actions leave calendars, exit codes mean one thing."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import pytest

from afterview.formats import icsread
from afterview.publish import feed
from afterview.tracker import commands as tracker
from afterview.tracker.store import Store

from .helpers import NOW, interview, run_cli

LATER = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('company = "Northwind\\nrole = fake"', "company"),
        ('company = "Northwind\\r[ok] all good"', "company"),
        ('company = "North\\u001b[2Jwind"', "company"),
        ('company = "North\\u2028wind"', "company"),
    ],
)
def test_check_refuses_control_characters_in_a_one_line_field(
    tmp_path: Path, line: str, field: str
) -> None:
    """A line break or escape code in a one-line field is refused, naming the field."""
    text = interview("Northwind Traders").replace('company = "Northwind Traders"', line)
    path = tmp_path / "bad.toml"
    path.write_text(text)
    result = run_cli(tmp_path, "check", str(path))
    assert result.returncode == 4, result.stderr
    assert f"'{field}'" in result.stderr and "line 1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_check_refuses_an_escape_code_in_an_interviewers_name(tmp_path: Path) -> None:
    """Fields of an interviewer are checked too, named with their place."""
    text = interview("Northwind").replace('name = "Dana Lee"', 'name = "Dana\\u0007Lee"')
    path = tmp_path / "bad.toml"
    path.write_text(text)
    result = run_cli(tmp_path, "check", str(path))
    assert result.returncode == 4 and "interviewers[1].name" in result.stderr
    assert "U+0007" in result.stderr


def test_notes_keep_their_lines(tmp_path: Path) -> None:
    """The one multi-line field may span lines; its other control characters are refused."""
    good = tmp_path / "good.toml"
    good.write_text('notes = """Panel on Zoom\nAsked about on-call"""\n' + interview("Northwind"))
    assert run_cli(tmp_path, "check", str(good)).returncode == 0
    bad = tmp_path / "bad.toml"
    bad.write_text('notes = "Panel\\u001b[31m on Zoom"\n' + interview("Northwind"))
    result = run_cli(tmp_path, "check", str(bad))
    assert result.returncode == 4 and "'notes'" in result.stderr


def feed_events(store: Store) -> dict[str, dict[str, str]]:
    data, _ = feed.render_feed(store, now=LATER)
    return {event["uid"]: event for event in icsread.read_events(data)}


def test_a_skipped_action_leaves_the_feed_as_cancelled_with_a_higher_sequence(
    tmp_path: Path,
) -> None:
    """skip marks the event CANCELLED with SEQUENCE + 1, and the other events stay."""
    with Store(tmp_path / "tracker.db") as store:
        added = tracker.add(store, interview("Northwind Traders"), now=NOW)
        before = feed_events(store)
        (note,) = tracker.skip(store, added.id, "handwritten-note", now=LATER)
        after = feed_events(store)
        assert after[note.uid]["status"] == "CANCELLED"
        assert int(after[note.uid]["sequence"]) == int(before[note.uid]["sequence"]) + 1
        others = set(before) - {note.uid}
        assert all(after[uid]["status"] == "CONFIRMED" for uid in others)


def test_skip_keep_leaves_the_action_in_the_calendars(tmp_path: Path) -> None:
    """skip --keep marks it for next and list only: the feed still shows it unchanged."""
    db = tmp_path / "tracker.db"
    with Store(db) as store:
        added = tracker.add(store, interview("Northwind Traders"), now=NOW)
        before = feed_events(store)
    kept = run_cli(tmp_path, "skip", "--db", str(db), added.id, "handwritten-note", "--keep")
    assert kept.returncode == 0, kept.stderr
    with Store(db) as store:
        assert feed_events(store) == before


def test_a_taken_port_has_its_own_exit_code(tmp_path: Path) -> None:
    """serve on a port in use exits 14 with one line, not 1 (a bug)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_cli(tmp_path, "serve", "--db", str(tmp_path / "t.db"), "--port", str(port))
    assert result.returncode == 14, result.stderr
    assert "choose another port (--port N)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ("serve", "--public-url", "https://[broken"),
        ("serve", "--public-url", "feeds.example.org"),
        ("token", "--public-url", "https://feeds.example.org/some/path?x=1"),
        ("push", "--caldav", "http://[::1", "--user", "alex"),
        ("token", "--public-url", "https://feeds example.org"),
        ("token", "--public-url", 'https://a"b.org'),
        ("token", "--public-url", "https://feeds\x01\x07.example.org"),
        ("token", "--public-url", "https://user:pw@feeds.example.org"),
        ("serve", "--public-url", "https://-bad-.example.org"),
    ],
)
def test_a_malformed_url_has_its_own_exit_code(tmp_path: Path, args: tuple[str, ...]) -> None:
    """A URL that is not one exits 16 with one line naming the flag."""
    result = run_cli(tmp_path, *args, "--db", str(tmp_path / "t.db"))
    assert result.returncode == 16, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert args[1] in result.stderr


def test_edit_without_a_terminal_has_its_own_exit_code(tmp_path: Path) -> None:
    """edit with no terminal to open an editor in exits 15 and names --file."""
    db = tmp_path / "tracker.db"
    with Store(db) as store:
        added = tracker.add(store, interview("Northwind Traders"), now=NOW)
    result = run_cli(tmp_path, "edit", "--db", str(db), added.id)
    assert result.returncode == 15, result.stderr
    assert "--file" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_serving_beyond_loopback_needs_https_or_a_named_flag(tmp_path: Path) -> None:
    """--host 0.0.0.0 without --public-url https is a usage error (2), not a silent exposure."""
    db = tmp_path / "tracker.db"
    result = run_cli(tmp_path, "serve", "--db", str(db), "--host", "0.0.0.0", "--port", "0")
    assert result.returncode == 2 and "--public-url" in result.stderr
    plain = run_cli(
        tmp_path,
        "serve",
        "--db",
        str(db),
        "--host",
        "0.0.0.0",
        "--public-url",
        "http://feeds.example.org",
    )
    assert plain.returncode == 16 and "https" in plain.stderr
    # --insecure-http allows http, never a server without the name other machines use:
    # it would answer them 421 for every address.
    bare = run_cli(tmp_path, "serve", "--db", str(db), "--host", "0.0.0.0", "--insecure-http")
    assert bare.returncode == 2 and "--public-url" in bare.stderr
    assert len(bare.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("serve", "--proxy", "localhost"), "--proxy"),
        (("serve", "--proxy", "notanip"), "--proxy"),
        (("serve", "--proxy", ""), "--proxy"),
        (("serve", "--proxy", "*"), "--proxy"),
        (("serve", "--timeout", "nan"), "--timeout"),
        (("token", "--port", "99999"), "--port"),
        (("token", "--host", "0.0.0.0"), "--public-url"),
        (("token", "--host", "evil host"), "--public-url"),
    ],
)
def test_server_options_that_cannot_work_are_usage_errors(
    tmp_path: Path, args: tuple[str, ...], named: str
) -> None:
    """A mistyped --proxy would trust nobody (or with * everybody), a NaN timeout cuts
    every split request, a link to 0.0.0.0 opens nothing: each is one line and exit 2."""
    result = run_cli(tmp_path, *args, "--db", str(tmp_path / "t.db"))
    assert result.returncode == 2, result.stderr
    assert named in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "t.db").exists()


def test_a_public_url_is_written_as_clients_send_it(tmp_path: Path) -> None:
    """An international name becomes its IDNA form (what browsers and Caddy send as Host)."""
    result = run_cli(
        tmp_path, "token", "--public-url", "https://Bücher.example:8443/", "--db",
        str(tmp_path / "t.db"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "https://xn--bcher-kva.example:8443/" in result.stdout


def test_a_clear_text_caldav_server_is_warned_about_once(tmp_path: Path) -> None:
    """A plain http:// CalDAV server off this machine gets one warning line, one prefix."""
    result = run_cli(
        tmp_path,
        "push",
        "--caldav",
        "http://dav.example.org/cal/",
        "--user",
        "alex",
        "--password-env",
        "AFTERVIEW_TEST_UNSET_PASSWORD",
        "--db",
        str(tmp_path / "t.db"),
    )
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("warning: the CalDAV server dav.example.org uses plain http")
    assert not any("warning: warning:" in line for line in lines)
    assert result.returncode == 10 and "AFTERVIEW_TEST_UNSET_PASSWORD" in lines[1]
