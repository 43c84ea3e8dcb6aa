"""`afterview mail` on files: mbox, Maildir and .eml folders, settings, and bad input."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from click.testing import Result
from freezegun import freeze_time

from afterview.mail.messages import MAX_READ_BYTES
from afterview.mail.propose import propose
from afterview.mail.sources import MboxSource
from afterview.tracker.store import Store

RunCli = Callable[..., Result]
MAIL = Path(__file__).parent / "mail"
CORPUS = MAIL / "corpus"
SENT = [MAIL / "sent-thanks-dana.eml", MAIL / "sent-thanks-omar.eml"]
NOW = "2026-12-04 12:00:00"
BOX = [
    *SENT,
    CORPUS / "nw-next-week.eml",
    CORPUS / "nw-outlook-html-rejection.eml",
    CORPUS / "fw-two-weeks.eml",
    CORPUS / "ml-offre.eml",
    CORPUS / "nw-newsletter-same-domain.eml",
]
EXPECTED = {
    ("fw", "waiting", "2 weeks"),
    ("ml", "offer", None),
    ("nw", "rejected", None),
}


def mbox_of(path: Path, messages: Iterable[bytes]) -> Path:
    """An mbox file of these messages, with the 'From ' lines mail programs write."""
    with path.open("wb") as out:
        for data in messages:
            out.write(b"From MAILER-DAEMON Thu Dec  3 12:00:00 2026\n")
            body = data.replace(b"\r\n", b"\n")
            out.write(
                b"\n".join(
                    b">" + line if line.startswith(b"From ") else line for line in body.split(b"\n")
                )
            )
            out.write(b"\n\n")
    return path


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tracker database only this test sees, with the corpus's interviews."""
    path = tmp_path / "tracker.db"
    monkeypatch.setenv("AFTERVIEW_DB", str(path))
    monkeypatch.setenv("AFTERVIEW_EMAIL", "alex.kim@example.org")
    return path


def track(run_cli: RunCli, *names: str) -> None:
    for name in names:
        result = run_cli("add", MAIL / "interviews" / f"{name}.toml")
        assert result.exit_code == 0, result.output


def outcomes(run_cli: RunCli) -> dict[str, object]:
    result = run_cli("list", "--all", "--json")
    return {t["id"]: t["outcome"] for t in json.loads(result.stdout)}


def found(result: Result) -> set[tuple[str, str, str | None]]:
    assert result.exit_code == 0, result.output + result.stderr
    return {(p["id"], p["status"], p["decision"]) for p in json.loads(result.stdout)}


@freeze_time(NOW)
def test_mbox_proposes_applies_once_and_the_tracker_follows(
    run_cli: RunCli, db: Path, tmp_path: Path
) -> None:
    """Proposals from an mbox change nothing; --apply records them; a second --apply nothing."""
    track(run_cli, "nw", "fw", "ml")
    box = mbox_of(tmp_path / "all.mbox", (p.read_bytes() for p in BOX))
    assert found(run_cli("mail", "--mbox", box, "--json")) == EXPECTED
    shown = run_cli("mail", "--mbox", box)
    assert "Nothing changed: run again with --apply" in shown.stdout
    assert 'from Dana Lee <dana.lee@northwind.example>, Tue 01 Dec 2026 14:30, "RE: Thank you"' in (
        shown.stdout
    )
    assert set(outcomes(run_cli).values()) == {None}
    applied = run_cli("mail", "--mbox", box, "--apply")
    assert applied.exit_code == 0, applied.output
    assert "Recorded rejected for nw." in applied.stdout
    assert outcomes(run_cli) == {"nw": "rejected", "fw": "waiting", "ml": "offer"}
    assert found(run_cli("mail", "--mbox", box, "--apply", "--json")) == set()


@freeze_time(NOW)
def test_applied_replies_are_published(run_cli: RunCli, db: Path, tmp_path: Path) -> None:
    """With a publish address set, --apply publishes the feed the replies changed."""
    from afterview.publish import publisher

    track(run_cli, "nw", "fw", "ml")
    folder = tmp_path / "Syncthing"
    folder.mkdir()
    assert run_cli("config", "set", "publish", f"file://{folder}").exit_code == 0
    assert run_cli("publish").exit_code == 0
    (before,) = (f.read_bytes() for f in folder.iterdir())
    box = mbox_of(tmp_path / "all.mbox", (p.read_bytes() for p in BOX))
    applied = run_cli("mail", "--mbox", box, "--apply")
    assert applied.exit_code == 0, applied.output
    assert "not published" not in applied.output
    (after,) = (f.read_bytes() for f in folder.iterdir())
    with Store(db) as store:
        assert after == publisher.render(store, now=dt.datetime.now(dt.UTC), detail="titles")
    assert after != before
    assert after.count(b"STATUS:CANCELLED") > before.count(b"STATUS:CANCELLED")


@freeze_time(NOW)
def test_maildir_and_eml_folder_propose_what_the_mbox_does(
    run_cli: RunCli, db: Path, tmp_path: Path
) -> None:
    track(run_cli, "nw", "fw", "ml")
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    for index, path in enumerate(BOX):
        folder = "cur" if index % 2 else "new"
        suffix = ":2,S" if folder == "cur" else ""
        shutil.copy(path, maildir / folder / f"17000000{index}.M1P1.host{suffix}")
    eml = tmp_path / "saved" / "nested"
    eml.mkdir(parents=True)
    for path in BOX:
        shutil.copy(path, eml / path.name)
    assert found(run_cli("mail", "--maildir", maildir, "--json")) == EXPECTED
    assert found(run_cli("mail", "--eml", tmp_path / "saved", "--json")) == EXPECTED


@freeze_time(NOW)
def test_config_set_mail_makes_the_source_the_default(
    run_cli: RunCli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`config set mail PATH` stores the source; `afterview mail` alone then reads it."""
    track(run_cli, "nw", "fw", "ml")
    box = mbox_of(tmp_path / "all.mbox", (p.read_bytes() for p in BOX))
    monkeypatch.chdir(tmp_path)
    assert run_cli("config", "set", "mail", "all.mbox").exit_code == 0  # stored absolute
    assert str(box) in run_cli("config").stdout
    monkeypatch.chdir(MAIL)
    assert found(run_cli("mail", "--json")) == EXPECTED


def test_config_set_mail_refuses_a_password_in_the_address(run_cli: RunCli) -> None:
    result = run_cli("config", "set", "mail", "imaps://alex:hunter2@imap.example.org/INBOX")
    assert result.exit_code == 9 and "must not hold a password" in result.stderr


def test_mail_without_a_mailbox_is_a_usage_error(run_cli: RunCli, db: Path) -> None:
    result = run_cli("mail")
    assert result.exit_code == 2 and "no mailbox" in result.stderr


def test_mail_with_two_mailboxes_is_a_usage_error(
    run_cli: RunCli, db: Path, tmp_path: Path
) -> None:
    result = run_cli("mail", "--mbox", tmp_path / "a", "--eml", tmp_path)
    assert result.exit_code == 2 and "give one mailbox" in result.stderr


@freeze_time(NOW)
def test_nothing_tracked_means_no_news(run_cli: RunCli, db: Path, tmp_path: Path) -> None:
    box = mbox_of(tmp_path / "all.mbox", (p.read_bytes() for p in BOX))
    result = run_cli("mail", "--mbox", box)
    assert result.exit_code == 0 and "No news" in result.stdout


# ---------------------------------------------------------------------------- bad input


def one_line_error(result: Result, code: int, words: str) -> None:
    assert result.exit_code == code, result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert words in result.stderr, result.stderr


@freeze_time(NOW)
def test_a_file_that_is_not_an_mbox_is_refused(run_cli: RunCli, db: Path, tmp_path: Path) -> None:
    track(run_cli, "nw")
    broken = tmp_path / "broken.mbox"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    one_line_error(run_cli("mail", "--mbox", broken, "--apply"), 13, "is not an mbox file")
    assert outcomes(run_cli) == {"nw": None}


@freeze_time(NOW)
def test_a_folder_given_as_mbox_and_a_folder_without_cur_as_maildir(
    run_cli: RunCli, db: Path, tmp_path: Path
) -> None:
    one_line_error(run_cli("mail", "--mbox", tmp_path), 13, "is a folder")
    one_line_error(run_cli("mail", "--maildir", tmp_path), 13, "use --eml")


def broken_mime(sender: str) -> bytes:
    return (
        f"From: {sender}\r\nTo: alex.kim@example.org\r\nDate: Tue, 01 Dec 2026 10:00:00 -0500\r\n"
        "Subject: Re: Thank you\r\nMessage-ID: <broken@corpus.afterview.test>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="never-there"\r\n\r\n'
        "We have decided to move forward with other candidates.\r\n"
    ).encode()


@freeze_time(NOW)
def test_broken_mime_from_an_interviewer_stops_everything(
    run_cli: RunCli, db: Path, tmp_path: Path
) -> None:
    """A message that may answer an interview and cannot be read: exit 13, nothing applied,
    even for the good messages read before it."""
    track(run_cli, "nw", "fw", "ml")
    messages = [p.read_bytes() for p in BOX] + [
        broken_mime("Dana Lee <dana.lee@northwind.example>")
    ]
    box = mbox_of(tmp_path / "broken.mbox", messages)
    one_line_error(run_cli("mail", "--mbox", box, "--apply"), 13, "has broken MIME")
    assert set(outcomes(run_cli).values()) == {None}


@freeze_time(NOW)
def test_broken_mime_from_a_stranger_is_never_read(
    run_cli: RunCli, db: Path, tmp_path: Path
) -> None:
    """Only messages that may answer an interview are decoded: a broken stranger costs nothing."""
    track(run_cli, "nw", "fw", "ml")
    messages = [p.read_bytes() for p in BOX] + [broken_mime("spam@example.net")]
    box = mbox_of(tmp_path / "spam.mbox", messages)
    assert found(run_cli("mail", "--mbox", box, "--json")) == EXPECTED


@freeze_time(NOW)
def test_an_unknown_charset_is_one_line(run_cli: RunCli, db: Path, tmp_path: Path) -> None:
    track(run_cli, "nw")
    message = (
        b"From: Dana Lee <dana.lee@northwind.example>\r\nTo: alex.kim@example.org\r\n"
        b"Date: Tue, 01 Dec 2026 10:00:00 -0500\r\nSubject: Re: Thank you\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: text/plain; charset="x-klingon-7"\r\n\r\n'
        b"We have decided to move forward with other candidates.\r\n"
    )
    folder = tmp_path / "eml"
    folder.mkdir()
    (folder / "klingon.eml").write_bytes(message)
    one_line_error(
        run_cli("mail", "--eml", folder, "--apply"), 13, "unknown character set 'x-klingon-7'"
    )
    assert outcomes(run_cli) == {"nw": None}


@freeze_time(NOW)
def test_a_huge_attachment_is_never_loaded_whole(tmp_path: Path) -> None:
    """A 40 MB attachment after the text: the rejection is read, memory stays small."""
    from afterview.tracker import commands as tracker

    head = (CORPUS / "nw-windows-1252.eml").read_bytes()
    header, body = head.split(b"\r\n\r\n", 1)
    lines = [line for line in header.split(b"\r\n") if not line.lower().startswith(b"content-")]
    blob = (
        b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n" * 560_000
    )  # 40 MB of base64 lines
    message = b"\r\n".join(lines) + (
        b'\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain; charset=windows-1252\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + body + b"\r\n--b\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="portfolio.zip"\r\n\r\n' + blob + b"--b--\r\n"
    )
    box = mbox_of(tmp_path / "huge.mbox", [*(p.read_bytes() for p in SENT), message])
    assert box.stat().st_size > 40_000_000
    with Store(tmp_path / "t.db") as store:
        tracker.add(store, (MAIL / "interviews" / "nw.toml").read_text(), now=_now())
        tracemalloc.start()
        try:
            proposals = propose(
                MboxSource(box), store, me=["alex.kim@example.org"], today=_now().date()
            )
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert [(p.interview_id, p.status) for p in proposals] == [("nw", "rejected")]
    # Parsing costs a few times what is read; what is read is capped, whatever the file holds.
    assert peak < 12 * MAX_READ_BYTES < 40_000_000 / 3, peak


def _now() -> dt.datetime:
    return dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


def test_a_binary_file_without_lines_is_refused_without_reading_it_whole(
    run_cli: RunCli, db: Path, tmp_path: Path
) -> None:
    """20 MB of NUL bytes (no line ends): refused from its first bytes."""
    track(run_cli, "nw")
    blob = tmp_path / "disk.img"
    with blob.open("wb") as out:
        out.truncate(20_000_000)
    tracemalloc.start()
    try:
        result = run_cli("mail", "--mbox", blob)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    one_line_error(result, 13, "is not an mbox file")
    assert peak < 5_000_000, peak


@freeze_time(NOW)
def test_applied_news_reaches_the_published_feed(run_cli: RunCli, db: Path, tmp_path: Path) -> None:
    """With a publish folder set, --apply publishes again: the rejection ends the check-ins."""
    folder = tmp_path / "Dropbox"
    folder.mkdir()
    assert run_cli("config", "set", "publish", f"file://{folder}").exit_code == 0
    track(run_cli, "nw")
    (before,) = folder.iterdir()
    assert b"STATUS:CANCELLED" not in before.read_bytes()
    box = mbox_of(tmp_path / "all.mbox", (p.read_bytes() for p in BOX))
    applied = run_cli("mail", "--mbox", box, "--apply")
    assert applied.exit_code == 0, applied.output
    assert "not published" not in applied.output
    (after,) = folder.iterdir()
    assert b"STATUS:CANCELLED" in after.read_bytes()  # the check-ins after the news ended
