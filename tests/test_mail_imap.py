"""`afterview mail --imap` against a real Dovecot on 127.0.0.1, and a server that drops out.

Every test checks afterview's promise to the mailbox: EXAMINE and BODY.PEEK leave
every message unread.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from freezegun import freeze_time

from afterview.formats.icsread import read_events
from mailserver import PASSWORD, USER, UTF8_PASSWORD, UTF8_USER, BrokenServer, Dovecot

RunCli = Callable[..., Result]
MAIL = Path(__file__).parent / "mail"
CORPUS = MAIL / "corpus"
INBOX = [
    MAIL / "sent-thanks-dana.eml",
    MAIL / "sent-thanks-omar.eml",
    CORPUS / "nw-final-round-invitation.eml",  # nw: the next round, with its invitation
    CORPUS / "fw-alternative-rejection.eml",  # fw: rejected
    CORPUS / "kr-bis-zum-datum.eml",  # kr: a new timeline, "bis zum 11. Dezember"
    CORPUS / "nw-newsletter-same-domain.eml",  # noise the tracker must not see
    CORPUS / "nw-auto-submitted.eml",
    CORPUS / "kr-abwesenheitsnotiz.eml",
]
NOW = "2026-12-04 12:00:00"  # Fri 4 Dec 2026


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tracker database only this test sees."""
    path = tmp_path / "tracker.db"
    monkeypatch.setenv("AFTERVIEW_DB", str(path))
    return path


@pytest.fixture
def dovecot(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dovecot]:
    """A Dovecot holding the inbox above, trusted through SSL_CERT_FILE, with the password set."""
    # Dovecot's own users must reach the folder: pytest's tmp folders are private.
    folder = Path(tempfile.mkdtemp(prefix="afterview-dovecot-"))
    os.chmod(folder, 0o755)
    server = Dovecot(folder)
    for path in INBOX:
        server.deliver(path.read_bytes())
    # A folder whose name is not ASCII: "Entwürfe" is "Entw&APw-rfe" on the wire.
    server.deliver((CORPUS / "kr-absage.eml").read_bytes(), "Entw&APw-rfe")
    server.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
    monkeypatch.setenv("MAIL_PW", PASSWORD)
    try:
        yield server
    finally:
        server.stop()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def track(run_cli: RunCli, *names: str) -> None:
    """Track the corpus interviews with these ids."""
    for name in names:
        result = run_cli("add", MAIL / "interviews" / f"{name}.toml")
        assert result.exit_code == 0, result.output


def tracked(run_cli: RunCli) -> dict[str, dict[str, object]]:
    """Every tracked interview by id, from `list --all --json`."""
    result = run_cli("list", "--all", "--json")
    assert result.exit_code == 0, result.output
    return {t["id"]: t for t in json.loads(result.stdout)}


def assert_all_unread(server: Dovecot) -> None:
    """No message of the inbox carries \\Seen."""
    flags = server.flags()
    assert len(flags) == len(INBOX)
    assert not [f for f in flags if "\\Seen" in f], flags


@freeze_time(NOW)
def test_imap_apply_records_rejection_timeline_and_next_round_and_leaves_mail_unread(
    run_cli: RunCli, db: Path, dovecot: Dovecot, tmp_path: Path
) -> None:
    """Over implicit TLS: a rejection, a German timeline and an invitation become tracker
    changes, the feed drops or re-plans the check-ins, and nothing was marked read."""
    track(run_cli, "nw", "fw", "kr")
    before = tmp_path / "before.ics"
    assert run_cli("feed", "-o", before).exit_code == 0
    url = f"imaps://{USER}@127.0.0.1:{dovecot.tls_port}/INBOX"
    result = run_cli("mail", "--imap", url, "--password-env", "MAIL_PW", "--apply")
    assert result.exit_code == 0, result.output + result.stderr
    assert "fw  Fenwick & Rowe, Product Designer: rejected" in result.stdout
    assert "because: \"We won't be moving forward with your application" in result.stdout
    assert "kr  Kranich Logistik GmbH, Backend-Entwickler: waiting ('11 December')" in result.stdout
    assert "Recorded next-round as" in result.stdout, result.stdout + result.stderr
    state = tracked(run_cli)
    assert state["fw"]["outcome"] == "rejected" and state["fw"]["outcome_on"] == "2026-12-02"
    assert state["kr"]["outcome"] == "waiting" and state["kr"]["decision"] == "11 December"
    assert state["nw"]["outcome"] == "next-round"
    later = [t for t in state.values() if t["rounds"] == ["nw", t["id"]] and t["id"] != "nw"]
    assert len(later) == 1 and later[0]["start"] == "2026-12-09T15:00:00"
    after = tmp_path / "after.ics"
    assert run_cli("feed", "-o", after).exit_code == 0
    events = read_events(after.read_bytes())
    old_uids = {e["uid"] for e in read_events(before.read_bytes())}
    fw_checkins = [
        e
        for e in events
        if e["uid"] in old_uids and "Fenwick" in e["summary"] and e["categories"][0] == "check-in"
    ]
    assert fw_checkins and all(e["status"] == "CANCELLED" for e in fw_checkins)
    # kr: "bis zum 11. Dezember" (Fri 11 Dec) plans check-in 1 on the next business day.
    kr_new = [
        e
        for e in events
        if e["uid"] not in old_uids
        and "Kranich" in e["summary"]
        and e["categories"][0] == "check-in"
        and e["status"] != "CANCELLED"
    ]
    assert min(str(e["start"]) for e in kr_new) == "2026-12-14"
    assert any(
        "Northwind" in e["summary"] and str(e["start"]).startswith("2026-12-09")
        for e in events
        if e["uid"] not in old_uids
    )
    assert_all_unread(dovecot)
    again = run_cli("mail", "--imap", url, "--password-env", "MAIL_PW", "--apply", "--json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout) == []  # every message was applied once already
    assert_all_unread(dovecot)


@freeze_time(NOW)
def test_imap_starttls_json_proposes_and_changes_nothing(
    run_cli: RunCli, db: Path, dovecot: Dovecot
) -> None:
    """Over STARTTLS, --json prints the proposals with exactly four keys and applies nothing."""
    track(run_cli, "nw", "fw", "kr")
    url = f"imap://{USER}@127.0.0.1:{dovecot.starttls_port}/INBOX"
    result = run_cli("mail", "--imap", url, "--password-env", "MAIL_PW", "--json")
    assert result.exit_code == 0, result.output + result.stderr
    found = json.loads(result.stdout)
    assert all(set(p) == {"id", "status", "decision", "message_id"} for p in found)
    assert {(p["id"], p["status"], p["decision"]) for p in found} == {
        ("fw", "rejected", None),
        ("kr", "waiting", "11 December"),
        ("nw", "next-round", None),
    }
    assert {p["message_id"] for p in found} >= {"<fw-alternative-rejection@corpus.afterview.test>"}
    assert {t["outcome"] for t in tracked(run_cli).values()} == {None}
    assert_all_unread(dovecot)


@freeze_time(NOW)
def test_imap_wrong_password_is_one_line_and_exit_13(
    run_cli: RunCli, db: Path, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused login: one line on stderr naming the fix, exit code 13, nothing applied."""
    track(run_cli, "fw")
    monkeypatch.setenv("MAIL_PW", "not the password")
    url = f"imaps://{USER}@127.0.0.1:{dovecot.tls_port}/INBOX"
    result = run_cli("mail", "--imap", url, "--password-env", "MAIL_PW", "--apply")
    assert result.exit_code == 13
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "refused the login for alex" in result.stderr and "--password-env" in result.stderr
    assert tracked(run_cli)["fw"]["outcome"] is None
    assert_all_unread(dovecot)


@freeze_time(NOW)
def test_imap_missing_password_says_where_to_put_it(
    run_cli: RunCli, db: Path, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No password in the variable nor in a keyring: exit 13 and how to give one."""
    monkeypatch.delenv("MAIL_PW")
    url = f"imaps://{USER}@127.0.0.1:{dovecot.tls_port}/INBOX"
    track(run_cli, "fw")
    result = run_cli("mail", "--imap", url, "--password-env", "MAIL_PW")
    assert result.exit_code == 13
    assert "$MAIL_PW is not set" in result.stderr and result.stderr.count("\n") == 1


@freeze_time(NOW)
def test_imap_untrusted_certificate_is_refused(
    run_cli: RunCli, db: Path, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A certificate nobody vouches for stops before the password is sent."""
    monkeypatch.delenv("SSL_CERT_FILE")
    track(run_cli, "fw")
    url = f"imaps://{USER}@127.0.0.1:{dovecot.tls_port}/INBOX"
    result = run_cli("mail", "--imap", url, "--password-env", "MAIL_PW")
    assert result.exit_code == 13
    assert "cannot be trusted" in result.stderr and "SSL_CERT_FILE" in result.stderr


@freeze_time(NOW)
def test_a_connection_dropped_mid_fetch_is_one_line_and_applies_nothing(
    run_cli: RunCli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server closes the connection inside a FETCH literal: exit 13, nothing applied."""
    track(run_cli, "fw")
    message = (CORPUS / "fw-alternative-rejection.eml").read_bytes()
    with BrokenServer(tmp_path, message) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        monkeypatch.setenv("MAIL_PW", "anything")
        url = f"imaps://{USER}@127.0.0.1:{server.port}/INBOX"
        result = run_cli("mail", "--imap", url, "--password-env", "MAIL_PW", "--apply")
    assert result.exit_code == 13, result.output
    assert "dropped while reading INBOX" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert any(c.upper().startswith("EXAMINE") for c in server.seen_commands)
    assert not any("SELECT" in c.upper() for c in server.seen_commands)
    assert tracked(run_cli)["fw"]["outcome"] is None


@freeze_time(NOW)
def test_xoauth2_sends_the_bearer_token(
    run_cli: RunCli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--oauth-token-env logs in with AUTHENTICATE XOAUTH2 and the token, no password."""
    track(run_cli, "fw")
    message = (CORPUS / "fw-alternative-rejection.eml").read_bytes()
    with BrokenServer(tmp_path, message, token="ya29.token-for-tests") as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        monkeypatch.setenv("MAIL_TOKEN", "ya29.token-for-tests")
        url = f"imaps://{USER}@127.0.0.1:{server.port}/INBOX"
        result = run_cli("mail", "--imap", url, "--oauth-token-env", "MAIL_TOKEN")
    assert "AUTHENTICATE XOAUTH2" in server.seen_commands
    assert "LOGIN" not in server.seen_commands
    # Logged in: the server got as far as the fetch, where it drops the connection.
    assert any("SEARCH SINCE 30-Nov-2026" in c for c in server.seen_commands)
    assert result.exit_code == 13 and "dropped" in result.stderr


@freeze_time(NOW)
def test_xoauth2_with_a_wrong_token_is_refused(
    run_cli: RunCli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token the server refuses: one line, exit 13."""
    track(run_cli, "fw")
    message = (CORPUS / "fw-alternative-rejection.eml").read_bytes()
    with BrokenServer(tmp_path, message, token="the-right-one") as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
        monkeypatch.setenv("MAIL_TOKEN", "a-wrong-one")
        url = f"imaps://{USER}@127.0.0.1:{server.port}/INBOX"
        result = run_cli("mail", "--imap", url, "--oauth-token-env", "MAIL_TOKEN")
    assert result.exit_code == 13
    assert "refused the login" in result.stderr and result.stderr.count("\n") == 1


@freeze_time(NOW)
def test_a_folder_named_in_german_is_found(run_cli: RunCli, db: Path, dovecot: Dovecot) -> None:
    """The folder in the address is written in IMAP's modified UTF-7 for the server."""
    track(run_cli, "kr")
    url = f"imaps://{USER}@127.0.0.1:{dovecot.tls_port}/Entw%C3%BCrfe"
    result = run_cli("mail", "--imap", url, "--password-env", "MAIL_PW", "--json")
    assert result.exit_code == 0, result.output + result.stderr
    assert [(p["id"], p["status"]) for p in json.loads(result.stdout)] == [("kr", "rejected")]


@freeze_time(NOW)
def test_an_unknown_folder_is_one_line(run_cli: RunCli, db: Path, dovecot: Dovecot) -> None:
    track(run_cli, "kr")
    url = f"imaps://{USER}@127.0.0.1:{dovecot.tls_port}/Nowhere"
    result = run_cli("mail", "--imap", url, "--password-env", "MAIL_PW")
    assert result.exit_code == 13 and "no folder 'Nowhere'" in result.stderr
    assert result.stderr.count("\n") == 1


@freeze_time(NOW)
def test_a_password_that_is_not_ascii_logs_in(
    run_cli: RunCli, db: Path, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LOGIN sends only ASCII: a password with umlauts goes through AUTHENTICATE PLAIN."""
    monkeypatch.setenv("MAIL_PW", UTF8_PASSWORD)
    url = f"imaps://{UTF8_USER}@127.0.0.1:{dovecot.tls_port}/INBOX"
    track(run_cli, "kr")
    result = run_cli("mail", "--imap", url, "--password-env", "MAIL_PW", "--json")
    assert result.exit_code == 0, result.output + result.stderr
    assert json.loads(result.stdout) == []  # jonas's own inbox is empty
