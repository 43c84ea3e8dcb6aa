"""afterview publish: redaction, a local folder, and a real WebDAV server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from afterview.formats import redact
from afterview.publish import payload, publisher
from afterview.publish.targets import Conflict, Remote, is_published_name
from afterview.publish.webdav import WebDavTarget
from afterview.tracker import commands as tracker
from afterview.tracker import queries
from afterview.tracker.store import Store
from conformance.parsers import by_ical, by_icalendar
from conformance.rawtext import raw_problems
from conftest import RunCli
from publishing import (
    RENDER,
    REPLIED_ON,
    SECRETS,
    Dav,
    start_dav,
    start_full_disk,
    tracked,
)
from trackerdata import export_data

PASSWORD = "correct-horse-battery"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A tracker holding the interview full of addresses and phone numbers."""
    path = tmp_path / "tracker.db"
    tracked(path)
    return path


@pytest.fixture(scope="module")
def dav(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dav]:
    """wsgidav on 127.0.0.1: /private/ needs alex's password, /public/ lists to anyone."""
    yield from start_dav(tmp_path_factory.mktemp("dav"))


@pytest.fixture(scope="module")
def full_disk() -> Iterator[int]:
    """A WebDAV host whose disk is full."""
    yield from start_full_disk()


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> str:
    """The WebDAV password, where afterview looks for it by default."""
    monkeypatch.setenv("AFTERVIEW_PUBLISH_PASSWORD", PASSWORD)
    return PASSWORD


def send(target: WebDavTarget, name: str, data: bytes, expect: Remote | None) -> None:
    """Upload ``data`` as another machine's afterview would: from a file."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "feed.ics"
        source.write_bytes(data)
        given = payload.Source.of_file(source)
        try:
            target.upload(name, given, expect)
        finally:
            given.close()


def contents(db: Path) -> object:
    """What the tracker holds (the feed's byte cache aside)."""
    with Store(db) as store:
        return export_data(store)


def render(db: Path, detail: str) -> bytes:
    with Store(db) as store:
        return publisher.render(store, now=RENDER, detail=detail)


def vevents_outside_alarms(data: bytes) -> list[str]:
    """Every unfolded content line of the VEVENTs that is not inside a VALARM."""
    text = data.decode().replace("\r\n ", "")
    lines, inside_alarm = [], False
    for line in text.split("\r\n"):
        if line == "BEGIN:VALARM":
            inside_alarm = True
        elif line == "END:VALARM":
            inside_alarm = False
        elif not inside_alarm:
            lines.append(line)
    return lines


# ---------------------------------------------------------------------------- redaction


def test_titles_file_has_no_address_phone_or_draft(db: Path) -> None:
    """A titles file keeps each title and time but no address, phone number or draft text."""
    full = render(db, "full")
    titles = render(db, "titles")
    unfolded_full = full.decode().replace("\r\n ", "")
    for secret in SECRETS:
        assert secret in unfolded_full  # the test data really has them
    assert "Subject:" in unfolded_full and "Why this date" in unfolded_full
    unfolded = titles.decode().replace("\r\n ", "")
    for secret in (*SECRETS, "Subject:", "Why this date", "streaming pipelines", "180k"):
        assert secret not in unfolded, secret
    for line in unfolded.split("\r\n"):  # no run of seven digits outside dates and ids
        if not line.startswith(("DTSTART", "DTEND", "DTSTAMP", "UID", "TRIGGER")):
            assert re.search(r"\d{7}", re.sub(r"[\s().+-]", "", line)) is None, line
    lines = vevents_outside_alarms(titles)
    names = {re.split(r"[;:]", line, maxsplit=1)[0] for line in lines if line}
    assert not names & {"DESCRIPTION", "URL", "ATTENDEE", "ORGANIZER", "CONTACT", "LOCATION"}
    assert "SUMMARY:Alex Kim: Call Dana Lee at Northwind Traders to check in (1 of 2)" in lines
    move_on = next(line for line in lines if line.startswith("SUMMARY:Alex Kim: Move on"))
    assert move_on == (
        "SUMMARY:Alex Kim: Move on from Northwind Traders "
        "(Data Engineer (reply to [hidden] or [hidden]))"
    )


def test_titles_and_busy_keep_every_event_time_and_status(db: Path) -> None:
    """Redacted files have the same events (UID, dates, status) as the full feed."""

    def shape(data: bytes) -> list[tuple[str, str, str | None, str]]:
        return sorted((e.uid, e.start, e.end, e.status) for e in by_icalendar(data))

    full = render(db, "full")
    assert len(shape(full)) == 8
    for detail in ("titles", "busy"):
        data = render(db, detail)
        assert shape(data) == shape(full)
        assert sorted((e.uid, e.start, e.summary) for e in by_ical(data)) == sorted(
            (e.uid, e.start, e.summary) for e in by_icalendar(data)
        )
        assert raw_problems(data) == []


def test_busy_file_names_only_follow_up_blocks(db: Path) -> None:
    """Every event of a busy file is titled Follow-up, with no step or person."""
    data = render(db, "busy")
    events = by_icalendar(data)
    assert {e.summary for e in events} == {"Follow-up"}
    assert {e.description for e in events} == {""}
    assert b"Dana" not in data and b"Northwind" not in data and b"CATEGORIES" not in data


def test_scrub_text_hides_addresses_numbers_and_links() -> None:
    """Addresses, phone numbers in several countries' styles and links become [hidden]."""
    said = redact.scrub_text(
        "Call Dana at +44 20 7946 0958, (212) 555-0142 or 030/1234567; "
        "mail dana@example.co.uk, see https://example.org/x and tel:+15550100"
    )
    assert said == (
        "Call Dana at [hidden], [hidden] or [hidden]; mail [hidden], see [hidden] and [hidden]"
    )
    assert redact.scrub_text("Check in (2 of 3) on 7 Dec") == "Check in (2 of 3) on 7 Dec"
    # A link inside brackets or ending a sentence leaves the punctuation after it.
    assert redact.scrub_text(
        "Acme (apply at https://acme.example/jobs/42), or www.acme.example."
    ) == ("Acme (apply at [hidden]), or [hidden].")
    assert redact.scrub_text("(mailto:dana@acme.example)") == "([hidden])"


# ---------------------------------------------------------------------------- a folder


def test_folder_publish_is_private_atomic_and_skips_unchanged(db: Path, tmp_path: Path) -> None:
    """A folder gets one 0600 file with a 128-bit name; the same bytes are not written twice."""
    folder = tmp_path / "Dropbox"
    folder.mkdir()
    url = f"file://{folder}"
    with Store(db) as store:
        first = publisher.publish(store, url, now=RENDER, detail="titles")
        files = list(folder.iterdir())
        assert [f.name for f in files] == [first.name] and is_published_name(first.name)
        assert files[0].stat().st_mode & 0o777 == 0o600
        assert files[0].read_bytes() == publisher.render(store, now=RENDER, detail="titles")
        stamp = files[0].stat().st_mtime_ns
        again = publisher.publish(store, url, now=RENDER, detail="titles")
        assert first.sent and not again.sent
        assert files[0].stat().st_mtime_ns == stamp
        rotated = publisher.publish(store, url, now=RENDER, detail="titles", rotate=True)
    assert rotated.removed == first.name and rotated.name != first.name
    assert [f.name for f in folder.iterdir()] == [rotated.name]
    # What stays beside the tracker names the secret file: the user's only, under any umask.
    kept = publisher.state_folder_of(db)
    for path in [kept, *kept.rglob("*")]:
        assert path.stat().st_mode & 0o077 == 0, path


def test_published_names_are_128_random_bits() -> None:
    """Each new name has 32 hex digits and no two are alike."""
    from afterview.publish.targets import new_name

    names = {new_name() for _ in range(200)}
    assert len(names) == 200 and all(is_published_name(n) for n in names)


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("ftp://example.org/cal/", "cannot publish to ftp:// addresses"),
        ("http://example.org/cal/", "plain http would send the password"),
        ("https://alex:hunter2@example.org/cal/", "a password does not belong in the address"),
        ("/no/such/clone", "is not a git clone"),
        ("http://alex@127.0.0.1:99999/private/", "Port out of range"),
        ("https://alex@example.org:abc/cal/", "check its host and port"),
        ("http://[::1/private/", "Invalid IPv6 URL"),
        ("sftp://127.0.0.1:99999/x", "check its host and port"),
        ("git+ssh://example.org:70000/x.git#pages", "check its host and port"),
        ("sftp://example.org/www%0Amkdir%20/tmp/INJECTED", "control character"),
        ("file:///tmp/a\nb", "control character"),
    ],
)
def test_bad_address_is_one_line_and_exit_12(
    run_cli: RunCli, db: Path, address: str, said: str
) -> None:
    """A bad address fails with one line naming the fix and exit code 12; nothing changes."""
    before = contents(db)
    result = run_cli("publish", "--to", address, "--db", db)
    assert result.exit_code == 12, result.output
    assert said in result.output and len(result.output.strip().splitlines()) == 1
    assert "hunter2" not in result.output
    assert contents(db) == before


def test_config_set_publish_refuses_a_password(run_cli: RunCli, config_file: Path) -> None:
    """A password never reaches the settings file."""
    result = run_cli("config", "set", "publish", "https://alex:hunter2@example.org/cal/")
    assert result.exit_code == 9
    assert not config_file.exists() or "hunter2" not in config_file.read_text()


@pytest.mark.parametrize(
    ("link", "said"),
    [
        ("https://example.org/cal?x=1", "without ? or #"),
        ("example.org/cal", "not an http(s) address"),
        ("webcal://example.org/cal", "not an http(s) address"),
        ("https://exa mple.org/", "no valid host name"),
        ("https://user:hunter2@example.org/cal", "user name or password"),
    ],
)
def test_a_link_base_that_makes_no_link_is_refused(
    run_cli: RunCli, db: Path, tmp_path: Path, link: str, said: str
) -> None:
    """--link-base and publish_link become every subscribe link: checked before use."""
    result = run_cli("publish", "--to", f"file://{tmp_path}", "--link-base", link, "--db", db)
    assert result.exit_code == 2 and said in result.output, result.output
    assert "hunter2" not in result.output
    saved = run_cli("config", "set", "publish_link", link)
    assert saved.exit_code == 9 and said in saved.output


def test_a_folder_that_needs_a_login_gets_no_subscribe_links(
    run_cli: RunCli, dav: Dav, db: Path, password: str
) -> None:
    """Calendars cannot log in: the WebDAV address itself is no link to give them."""
    result = run_cli("publish", "--to", dav.private, "--db", db)
    assert result.exit_code == 0, result.output
    assert "subscribe:" not in result.output
    assert "the folder needs a login, which calendars do not have" in result.output


def test_a_password_put_where_a_variable_name_belongs_is_never_printed(
    run_cli: RunCli, config_file: Path, db: Path
) -> None:
    """publish_password_env = the password itself: the messages must not repeat it, and
    afterview config set must be able to set it right (or remove a password key)."""
    secret = "correct-horse-battery"
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(
        f'publish = "https://alex@example.org/cal/"\npublish_password_env = "{secret}"\n',
        encoding="utf-8",
    )
    shown = run_cli("config")
    assert shown.exit_code == 9 and secret not in shown.output
    assert "never the password itself" in shown.output
    fixed = run_cli("config", "set", "publish_password_env", "DAV_PASSWORD")
    assert fixed.exit_code == 0, fixed.output
    assert secret not in config_file.read_text(encoding="utf-8")
    flag = run_cli("publish", "--password-env", secret, "--db", db)
    assert flag.exit_code == 12 and secret not in flag.output
    assert "never the password itself" in flag.output
    # A key of its own for the password: the hint must not invite the same mistake.
    config_file.write_text(f'publish_password = "{secret}"\n', encoding="utf-8")
    listed = run_cli("config")
    assert listed.exit_code == 9 and secret not in listed.output
    assert "passwords never go in the settings file" in listed.output
    assert "did you mean" not in listed.output
    assert run_cli("config", "set", "publish_password", "").exit_code == 0
    assert secret not in config_file.read_text(encoding="utf-8")
    assert run_cli("config").exit_code == 0
    # A password in the address itself can be replaced by the address without it.
    config_file.write_text(f'publish = "https://alex:{secret}@example.org/cal/"\n')
    replaced = run_cli("config", "set", "publish", "https://alex@example.org/cal/")
    assert replaced.exit_code == 0, replaced.output
    assert secret not in config_file.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- WebDAV


def test_webdav_upload_reads_back_equal_through_put_and_move(
    dav: Dav, db: Path, password: str
) -> None:
    """The file arrives by PUT to a temporary name and MOVE; read back, it is the render."""
    start = len(dav.requests())
    with Store(db) as store:
        done = publisher.publish(store, dav.private, now=RENDER, detail="titles", password=password)
        local = publisher.render(store, now=RENDER, detail="titles")
    sent = [line.rsplit(" ", 1)[0] for line in dav.requests()[start:]]
    temp = f"/private/.{done.name}.uploading"
    assert f"PUT {temp}" in sent and f"MOVE {temp}" in sent
    assert sent.index(f"PUT {temp}") < sent.index(f"MOVE {temp}")
    remote = WebDavTarget(dav.private, password).read(done.name)
    assert remote == local
    assert (dav.root / "private" / done.name).read_bytes() == local
    assert not (dav.root / "private" / f".{done.name}.uploading").exists()
    assert sorted(e.uid for e in by_ical(remote)) == sorted(e.uid for e in by_icalendar(local))


def test_two_publishers_never_silently_overwrite(dav: Dav, db: Path, password: str) -> None:
    """A MOVE tagged with the old ETag fails when another machine replaced the file."""
    with Store(db) as store:
        name = publisher.publish(
            store, dav.private, now=RENDER, detail="full", password=password
        ).name
    mine, theirs = WebDavTarget(dav.private, password), WebDavTarget(dav.private, password)
    seen = mine.stat(name)
    send(theirs, name, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", theirs.stat(name))
    with pytest.raises(Conflict):
        send(mine, name, b"mine", seen)
    assert (dav.root / "private" / name).read_bytes() == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


def test_the_loser_of_a_race_renders_again_and_retries_once(
    dav: Dav, db: Path, password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When another machine publishes between our look and our MOVE, we retry once and win."""
    with Store(db) as store:
        name = publisher.publish(
            store, dav.private, now=RENDER, detail="full", password=password
        ).name
        tracker.set_status(store, tracked_id(store), "replied", on=REPLIED_ON, now=RENDER)
    other = WebDavTarget(dav.private, password)
    real_stat = WebDavTarget.stat
    raced: list[str] = []

    def stat_then_race(self: WebDavTarget, wanted: str) -> object:
        found = real_stat(self, wanted)
        if not raced and self is not other:
            raced.append(wanted)  # the other machine's upload lands right after our look
            send(other, wanted, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", other.stat(wanted))
        return found

    monkeypatch.setattr(WebDavTarget, "stat", stat_then_race)
    with Store(db) as store:
        done = publisher.publish(store, dav.private, now=RENDER, detail="full", password=password)
        local = publisher.render(store, now=RENDER, detail="full")
    assert raced == [name] and done.retried and done.sent
    assert (dav.root / "private" / name).read_bytes() == local


def tracked_id(store: Store) -> str:
    return queries.list_interviews(store, today=dt.date(2026, 11, 25), include_all=True)[0].id


def test_listable_folder_is_warned_about_before_the_first_upload(
    run_cli: RunCli, dav: Dav, db: Path
) -> None:
    """A folder anyone can PROPFIND gets a warning; the upload still happens."""
    url = f"http://127.0.0.1:{dav.port}/public/"
    result = run_cli("publish", "--to", url, "--db", db)
    assert result.exit_code == 0, result.output
    assert "lists its files to anyone without a password" in result.output
    assert "subscribe: webcal://127.0.0.1:" in result.output
    assert "google:    https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F127.0.0.1" in (
        result.output
    )
    again = run_cli("publish", "--to", url, "--db", db)
    assert "lists its files" not in again.output and "Up to date" in again.output


def test_private_folder_is_not_warned_about(
    run_cli: RunCli, dav: Dav, db: Path, password: str
) -> None:
    """A folder that needs a login to list gets no warning."""
    result = run_cli("publish", "--to", dav.private, "--db", db)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output and "Published" in result.output


def test_wrong_password_is_one_line_exit_12_and_keeps_the_tracker(
    run_cli: RunCli, dav: Dav, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused login says so in one line; the tracker and the server are untouched."""
    monkeypatch.setenv("AFTERVIEW_PUBLISH_PASSWORD", "wrong")
    before = contents(db)
    files = sorted(p.name for p in (dav.root / "private").iterdir())
    result = run_cli("publish", "--to", dav.private, "--db", db)
    assert result.exit_code == 12
    assert result.output.strip().splitlines() == [
        f"afterview: http://alex@127.0.0.1:{dav.port}/private/: the server refused user alex "
        "and this password: check both (an app password, for Nextcloud)"
    ]
    assert contents(db) == before
    assert sorted(p.name for p in (dav.root / "private").iterdir()) == files


def test_missing_password_variable_names_it(run_cli: RunCli, dav: Dav, db: Path) -> None:
    """--password-env naming an unset variable is one line that names it."""
    result = run_cli("publish", "--to", dav.private, "--password-env", "NOPE_PW", "--db", db)
    assert result.exit_code == 12
    assert result.output.startswith("afterview: $NOPE_PW is not set")


def test_server_down_is_one_line_exit_12(run_cli: RunCli, db: Path, password: str) -> None:
    """Nothing listening: one line that says to try again; the tracker is intact."""
    from loopback import free_port

    before = contents(db)
    result = run_cli("publish", "--to", f"http://alex@127.0.0.1:{free_port()}/cal/", "--db", db)
    assert result.exit_code == 12
    assert "cannot reach the server" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert contents(db) == before


def test_the_connection_is_made_while_the_file_is_made() -> None:
    """prepare() connects at once, before any request: a TLS handshake overlaps the work."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(5)
        port = server.getsockname()[1]
        target = WebDavTarget(f"http://alex@127.0.0.1:{port}/cal/", PASSWORD)
        target.prepare()
        accepted, _ = server.accept()  # no request was made: only prepare() connected
        with accepted:
            assert target.requests == []
        target.close()


def test_disk_full_507_is_one_line_exit_12(
    run_cli: RunCli, full_disk: int, db: Path, password: str
) -> None:
    """507 Insufficient Storage: one line saying the old file is left as it was."""
    result = run_cli("publish", "--to", f"http://alex@127.0.0.1:{full_disk}/cal/", "--db", db)
    assert result.exit_code == 12
    assert "out of space (507 Insufficient Storage)" in result.output
    assert len(result.output.strip().splitlines()) == 1
    with Store(db) as store:
        assert publisher.load_state(store) == {}  # nothing remembered as published


# ---------------------------------------------------------------------------- after a change


def test_a_change_republishes_and_the_phone_drops_the_check_ins(
    run_cli: RunCli, dav: Dav, db: Path, password: str
) -> None:
    """With publish set, status replied updates the remote file: later check-ins cancelled."""
    assert run_cli("config", "set", "publish", dav.private).exit_code == 0
    # A loopback server defaults to full detail; a phone reads a host elsewhere: titles.
    assert run_cli("config", "set", "publish_detail", "titles").exit_code == 0
    first = run_cli("publish", "--db", db)
    assert first.exit_code == 0, first.output
    with Store(db) as store:
        interview_id = tracked_id(store)
        name = publisher.published_name(store, dav.private)
    assert name is not None
    result = run_cli("status", interview_id, "replied", "--on", "2026-12-01", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Published the feed (titles) to" in result.output
    remote = WebDavTarget(dav.private, password).read(name)
    cancelled = {e.summary for e in by_icalendar(remote) if e.status == "CANCELLED"}
    assert cancelled == {
        "Alex Kim: Call Dana Lee at Northwind Traders to check in (2 of 2)",
        "Alex Kim: Move on from Northwind Traders (Data Engineer (reply to [hidden] or [hidden]))",
    }
    assert b"northwind.example" not in remote


def test_republish_of_an_unchanged_feed_sends_nothing(
    run_cli: RunCli, dav: Dav, db: Path, password: str
) -> None:
    """`done` does not change the feed: the server sees no request at all afterwards."""
    assert run_cli("config", "set", "publish", dav.private).exit_code == 0
    assert run_cli("publish", "--db", db).exit_code == 0
    with Store(db) as store:
        interview_id = tracked_id(store)
    before = len(dav.requests())
    result = run_cli("done", interview_id, "thank-you", "--db", db)
    assert result.exit_code == 0, result.output
    assert dav.requests()[before:] == []
    moved = run_cli("status", interview_id, "replied", "--on", "2026-12-01", "--db", db)
    assert moved.exit_code == 0
    assert [r.split(" ", 1)[0] for r in dav.requests()[before:]].count("PUT") == 1


def test_failed_republish_keeps_the_change_and_says_so_once(
    run_cli: RunCli, db: Path, password: str
) -> None:
    """A server that is down never fails the change: exit 0, one line, publish retries."""
    from loopback import free_port

    url = f"http://alex@127.0.0.1:{free_port()}/cal/"
    assert run_cli("config", "set", "publish", url).exit_code == 0
    with Store(db) as store:
        interview_id = tracked_id(store)
    result = run_cli("status", interview_id, "replied", "--on", "2026-12-01", "--db", db)
    assert result.exit_code == 0
    said = [line for line in result.output.splitlines() if "not published" in line]
    assert len(said) == 1 and "run afterview publish to try again" in said[0]
    with Store(db) as store:
        assert queries.list_interviews(store, today=REPLIED_ON, include_all=True)[0].outcome == (
            "replied"
        )


def test_no_password_anywhere_stops_before_contacting_the_server(
    run_cli: RunCli, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A WebDAV login with no password (no variable, no keyring entry) is one line, exit 12."""
    monkeypatch.delenv("AFTERVIEW_PUBLISH_PASSWORD", raising=False)
    assert publisher.password_for("https://alex@dav.example.org/cal/", None) is None
    result = run_cli("publish", "--to", "davs://alex@dav.example.org/cal/", "--db", db)
    assert result.exit_code == 12
    assert result.output.strip().splitlines() == [
        "afterview: no password for davs://alex@dav.example.org/cal/: set "
        "$AFTERVIEW_PUBLISH_PASSWORD (or name another variable with --password-env, or store "
        "it with: keyring set afterview davs://alex@dav.example.org/cal/)"
    ]


def test_the_password_variable_can_be_named_in_the_settings(
    run_cli: RunCli, dav: Dav, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """publish_password_env names the variable; the settings file never holds the password."""
    monkeypatch.delenv("AFTERVIEW_PUBLISH_PASSWORD", raising=False)
    monkeypatch.setenv("NEXTCLOUD_APP_PASSWORD", PASSWORD)
    assert run_cli("config", "set", "publish", dav.private).exit_code == 0
    assert run_cli("config", "set", "publish_password_env", "NEXTCLOUD_APP_PASSWORD").exit_code == 0
    result = run_cli("publish", "--db", db)
    assert result.exit_code == 0, result.output
    settings_text = Path(os.environ["AFTERVIEW_CONFIG"]).read_text(encoding="utf-8")
    assert PASSWORD not in settings_text and "NEXTCLOUD_APP_PASSWORD" in settings_text


def test_a_file_that_appeared_since_we_looked_is_not_overwritten(dav: Dav, password: str) -> None:
    """Without an old ETag the MOVE says Overwrite: F, so a newcomer's file survives."""
    from afterview.publish.targets import new_name

    name = new_name()
    mine, theirs = WebDavTarget(dav.private, password), WebDavTarget(dav.private, password)
    seen = mine.stat(name)
    assert seen is None
    send(theirs, name, b"theirs", None)
    with pytest.raises(Conflict):
        send(mine, name, b"mine", seen)
    assert (dav.root / "private" / name).read_bytes() == b"theirs"


def test_config_set_publish_refuses_an_unknown_scheme(run_cli: RunCli) -> None:
    """A publish address afterview cannot use is refused when it is saved (exit 9)."""
    result = run_cli("config", "set", "publish", "gopher://example.org/cal/")
    assert result.exit_code == 9
    assert "cannot publish to gopher:// addresses" in result.output


def test_every_command_that_changes_the_feed_republishes_it(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """add, move, edit, remove, import, add --round-of and restore each leave the published
    file current."""
    from publishing import PERSONAL_INTERVIEW

    folder = tmp_path / "Syncthing"
    folder.mkdir()
    db = tmp_path / "tracker.db"
    source = tmp_path / "northwind.toml"
    source.write_text(PERSONAL_INTERVIEW, encoding="utf-8")
    assert run_cli("config", "set", "publish", f"file://{folder}").exit_code == 0
    published: list[bytes] = []

    def changed_by(*args: str | Path) -> str:
        result = run_cli(*args, "--db", db)
        assert result.exit_code == 0, result.output
        assert "not published" not in result.output
        files = list(folder.iterdir())
        assert len(files) == 1
        data = files[0].read_bytes()
        with Store(db) as store:
            assert data == publisher.render(store, now=dt.datetime.now(dt.UTC), detail="titles")
        assert not published or data != published[-1], args[0]  # what the change made
        published.append(data)
        return result.stdout

    interview_id = changed_by("add", source).split()[0]
    changed_by("move", interview_id, "check-in-2", "2026-12-08")  # Mon 7 -> Tue 8 Dec 2026
    edited = tmp_path / "edited.toml"
    edited.write_text(
        PERSONAL_INTERVIEW.replace("Data Engineer", "Staff Data Engineer"), encoding="utf-8"
    )
    changed_by("edit", interview_id, "--file", edited)
    backup = tmp_path / "backup.json"
    assert run_cli("export", "-o", backup, "--db", db).exit_code == 0
    changed_by("remove", interview_id, "--yes")
    changed_by("import", backup)
    assert published[-1] == published[-3]  # the import brought back what remove took
    second = tmp_path / "round-two.toml"
    second.write_text(
        PERSONAL_INTERVIEW.replace("2026-11-25T14:00:00", "2026-12-02T10:00:00"), encoding="utf-8"
    )
    from afterview.tracker.backups import backup_now

    with Store(db) as store:
        backup_now(store, "test")
    changed_by("add", second, "--round-of", interview_id)
    assert b"northwind.example" not in published[-1]
    changed_by("restore", "1")
    assert published[-1] == published[-3]  # the restore took the second round away again


def test_a_detail_asked_for_by_name_holds_for_the_publishes_after_changes(
    run_cli: RunCli, dav: Dav, db: Path, password: str
) -> None:
    """publish --detail titles to a loopback server (whose default is full): the next
    status must not publish the drafts, addresses and phone numbers after all."""
    assert run_cli("config", "set", "publish", dav.private).exit_code == 0
    first = run_cli("publish", "--detail", "titles", "--db", db)
    assert first.exit_code == 0 and "(titles)" in first.output, first.output
    with Store(db) as store:
        interview_id = tracked_id(store)
        name = publisher.published_name(store, dav.private)
    remote = dav.root / "private" / str(name)
    result = run_cli("status", interview_id, "replied", "--on", "2026-12-01", "--db", db)
    assert result.exit_code == 0 and "Published the feed (titles) to" in result.output
    data = remote.read_bytes()
    unfolded = data.decode().replace("\r\n ", "")
    assert not [secret for secret in SECRETS if secret in unfolded]
    with Store(db) as store:
        assert data == publisher.render(store, now=dt.datetime.now(dt.UTC), detail="titles")
    # A saved publish_detail is the user's standing choice: it wins, and publish says so.
    assert run_cli("config", "set", "publish_detail", "busy").exit_code == 0
    full = run_cli("publish", "--detail", "full", "--db", db)
    assert "publishes after changes use publish_detail (busy)" in full.output
    again = run_cli("done", interview_id, "thank-you", "--db", db)
    assert again.exit_code == 0, again.output
    run_cli("move", interview_id, "handwritten-note", "2026-11-30", "--db", db)
    assert b"SUMMARY:Follow-up" in remote.read_bytes()


def test_a_publish_after_a_change_under_a_new_name_says_so(
    run_cli: RunCli, tmp_path: Path, db: Path
) -> None:
    """The file's name lives beside the tracker: lost, the next publish makes a new file,
    and the phone's link stops following. The command must say so, not only "published"."""
    folder = tmp_path / "Dropbox"
    folder.mkdir()
    assert run_cli("config", "set", "publish", f"file://{folder}").exit_code == 0
    assert run_cli("publish", "--db", db).exit_code == 0
    with Store(db) as store:
        interview_id = tracked_id(store)
    shutil.rmtree(publisher.state_folder_of(db))
    result = run_cli("status", interview_id, "replied", "--on", "2026-12-01", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Published the feed (titles) to file://{folder}"
    assert lines[1].startswith("It is a new file there, afterview-")
    assert "run afterview publish for its subscribe links" in lines[1]
    assert len(list(folder.iterdir())) == 2


def test_git_file_address_publishes_to_a_bare_repository(db: Path, tmp_path: Path) -> None:
    """git+file:// names a repository on this machine; the feed lands on its own branch."""
    from publishing import git, git_blob

    bare = tmp_path / "pages.git"
    git("init", "-q", "--bare", bare)
    url = f"git+file://{bare}#pages"
    with Store(db) as store:
        done = publisher.publish(store, url, now=RENDER, detail="busy")
        assert git_blob(bare, f"pages:{done.name}") == publisher.render(
            store, now=RENDER, detail="busy"
        )
        assert not publisher.publish(store, url, now=RENDER, detail="busy").sent


def test_a_republish_sends_the_upload_alone_and_notices_another_publisher(
    dav: Dav, db: Path, password: str
) -> None:
    """After a change: PUT, MOVE tagged with the ETag published last, HEAD; nothing else.

    When another machine replaced the file since, the tagged MOVE is refused (412), so the
    republish looks, renders again and replaces the file with this tracker's feed.
    """
    with Store(db) as store:
        name = publisher.publish(
            store, dav.private, now=RENDER, detail="full", password=password
        ).name
        interview_id = tracked_id(store)
        tracker.set_status(store, interview_id, "replied", on=REPLIED_ON, now=RENDER)
        start = len(dav.requests())
        done = publisher.publish(
            store, dav.private, now=RENDER, detail="full", password=password, check_remote=False
        )
        sent = [line.split(" ", 1)[0] for line in dav.requests()[start:]]
        assert done.sent and not done.retried
        assert sent == ["PUT", "MOVE", "HEAD"]
        assert (dav.root / "private" / name).read_bytes() == render(db, "full")

        other = WebDavTarget(dav.private, password)
        send(other, name, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", other.stat(name))
        other.close()
        tracker.remove(store, interview_id, now=RENDER)
        start = len(dav.requests())
        again = publisher.publish(
            store, dav.private, now=RENDER, detail="full", password=password, check_remote=False
        )
        sent = [line.split(" ", 1)[0] for line in dav.requests()[start:]]
    assert again.sent and again.retried
    assert sent == ["PUT", "MOVE", "DELETE", "HEAD", "PUT", "MOVE", "HEAD"]
    assert (dav.root / "private" / name).read_bytes() == render(db, "full")
