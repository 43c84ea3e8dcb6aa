"""The mail package's parts one by one: decoding, sources, matching, storing, applying."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from afterview.errors import MailError, TrackerError
from afterview.mail.match import OWN, READ, SKIP, THREAD, Target, company_domains, screen
from afterview.mail.messages import envelope, html_text, new_text, sentences
from afterview.mail.propose import Proposal, apply
from afterview.mail.sources import MboxSource, parse_imap_url
from afterview.tracker import commands as tracker
from afterview.tracker.store import Store

MAIL = Path(__file__).parent / "mail"
NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)

# ---------------------------------------------------------------------------- messages


def test_html_text_leaves_out_styles_scripts_and_quoted_replies() -> None:
    html = (
        "<html><head><style>p{color:red}</style></head><body><p>Hi Alex,</p>"
        "<p>We will decide by Friday.</p><script>track()</script>"
        '<div class="gmail_quote">On Wed you wrote: I hope to hear next week</div></body></html>'
    )
    assert html_text(html) == "Hi Alex,\nWe will decide by Friday."


def test_new_text_cuts_a_two_line_attribution_quotes_and_the_signature() -> None:
    text = (
        "Thanks, we will decide soon.\n-- \nDana Lee\nEngineering Manager\n\n"
        "On Wed, Nov 25, 2026 at 4:05 PM Alex Kim <\nalex.kim@example.org> wrote:\n> next week"
    )
    assert new_text(text) == "Thanks, we will decide soon."
    assert new_text("Sounds good.\n> we decided\n>> earlier") == "Sounds good."


def test_sentences_keep_german_dates_and_paragraphs_apart() -> None:
    found = sentences("Hallo Herr Kim,\n\nwir melden uns bis zum 11. Dezember. Danke!\nJonas")
    assert found == ["Hallo Herr Kim,", "wir melden uns bis zum 11. Dezember.", "Danke!", "Jonas"]


def test_envelope_reads_folded_encoded_and_list_headers() -> None:
    raw = (
        b"From: =?utf-8?q?Luc=C3=ADa_G=C3=B3mez?= <Lucia.Gomez@SoleraDigital.es>\r\n"
        b"To: Alex Kim <alex.kim@example.org>,\r\n Dana <dana@northwind.example>\r\n"
        b"Cc: omar@northwind.example\r\n"
        b"Subject: =?iso-8859-1?q?R=E9ponse?=\r\n  de Claire\r\n"
        b"Date: Tue, 01 Dec 2026 10:00:00 -0000\r\n"
        b"Message-ID: <abc@x>\r\nIn-Reply-To: <one@y>\r\nReferences: <zero@y> <one@y>\r\n"
        b"List-Unsubscribe: <mailto:u@x>\r\nX-Gmail-Labels: Inbox,Sent\r\n"
    )
    env = envelope("k", raw, 10)
    assert env.sender == "lucia.gomez@soleradigital.es" and env.sender_name == "Lucía Gómez"
    assert env.recipients == (
        "alex.kim@example.org",
        "dana@northwind.example",
        "omar@northwind.example",
    )
    assert env.subject == "Réponse de Claire"
    assert env.date == dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
    assert env.refs == ("<one@y>", "<zero@y>", "<one@y>") and env.message_id == "<abc@x>"
    assert env.bulk and env.sent_label and not env.automatic


def test_envelope_without_a_date_or_with_auto_submitted() -> None:
    env = envelope("k", b"From: a@b.example\r\nAuto-Submitted: auto-replied\r\nDate: soon\r\n")
    assert env.date is None and env.automatic and not env.bulk


# ---------------------------------------------------------------------------- sources


@pytest.mark.parametrize(
    ("url", "host", "port", "folder", "implicit"),
    [
        ("imaps://alex@imap.fastmail.com/INBOX", "imap.fastmail.com", 993, "INBOX", True),
        ("imap://alex@127.0.0.1:1143/Archive", "127.0.0.1", 1143, "Archive", False),
        (
            "imaps://alex%40gmail.com@imap.gmail.com/%5BGmail%5D/All%20Mail",
            "imap.gmail.com",
            993,
            "[Gmail]/All Mail",
            True,
        ),
        ("imap://alex@outlook.office365.com", "outlook.office365.com", 143, "INBOX", False),
    ],
)
def test_imap_addresses(url: str, host: str, port: int, folder: str, implicit: bool) -> None:
    address = parse_imap_url(url)
    assert (address.host, address.port, address.folder, address.implicit_tls) == (
        host,
        port,
        folder,
        implicit,
    )


def test_an_imap_address_with_a_password_or_without_a_user_is_refused() -> None:
    with pytest.raises(MailError, match="holds a password") as caught:
        parse_imap_url("imaps://alex:secret@imap.example.org/INBOX")
    assert "secret" not in str(caught.value) and caught.value.hint == "password"
    with pytest.raises(MailError, match="names no user"):
        parse_imap_url("imaps://imap.example.org/INBOX")


def test_mbox_offsets_find_each_message_again_and_undo_from_escaping(tmp_path: Path) -> None:
    box = tmp_path / "box.mbox"
    box.write_bytes(
        b"\nFrom a@x Thu Dec  3 12:00:00 2026\nFrom: a@x.example\nSubject: one\n\n"
        b">From here on, body.\n\n"
        b"From b@x Thu Dec  3 12:00:00 2026\nFrom: b@x.example\nSubject: two\n\nSecond.\n"
    )
    source = MboxSource(box)
    found = list(source.envelopes(dt.date(2026, 1, 1)))
    assert [e.subject for e in found] == ["one", "two"]
    fetched = {key: data for key, data, cut in source.fetch([e.key for e in found])}
    assert fetched[found[0].key].endswith(b"\nFrom here on, body.\n\n")
    assert fetched[found[1].key].startswith(b"From: b@x.example\n")


def test_an_empty_mbox_has_no_messages(tmp_path: Path) -> None:
    box = tmp_path / "empty.mbox"
    box.write_bytes(b"")
    assert list(MboxSource(box).envelopes(dt.date(2026, 1, 1))) == []


# ---------------------------------------------------------------------------- matching

TARGET = Target(
    id="nw",
    company="Northwind Traders",
    role="Senior Data Engineer",
    start=dt.datetime(2026, 11, 25, 19, 0, tzinfo=dt.UTC),
    people=frozenset({"dana.lee@northwind.example"}),
    domains=frozenset({"northwind.example"}),
)
ME = frozenset({"alex.kim@example.org"})


def env(sender: str, *extra: str, date: str = "Mon, 30 Nov 2026 10:00:00 +0000") -> bytes:
    return "\r\n".join([f"From: {sender}", f"Date: {date}", *extra]).encode() + b"\r\n"


@pytest.mark.parametrize(
    ("raw", "verdict"),
    [
        (env("alex.kim@example.org", "To: dana.lee@northwind.example"), OWN),
        (env("dana.lee@northwind.example"), READ),
        (env("recruiting@eu.northwind.example"), READ),  # a subdomain of the company
        (env("dana.lee@northwind.example", date="Tue, 24 Nov 2026 10:00:00 +0000"), SKIP),
        (env("dana.lee@northwind.example", "Auto-Submitted: auto-replied"), SKIP),
        (env("news@northwind.example", "List-Id: <news.northwind.example>"), SKIP),
        (env("no-reply@us.greenhouse-mail.io"), READ),
        (env("friend@gmail.com", "In-Reply-To: <x@y>"), THREAD),
        (env("friend@gmail.com"), SKIP),
        (env("dana.lee@northwind.example", date="whenever"), SKIP),
    ],
)
def test_screening_on_headers(raw: bytes, verdict: str) -> None:
    assert screen(envelope("k", raw), [TARGET], ME).verdict == verdict


def test_company_domains_ignore_free_mail_and_services() -> None:
    addresses = ["a@northwind.example", "b@gmail.com", "c@hotmail.co.uk", "d@greenhouse.io", None]
    assert company_domains(addresses) == frozenset({"northwind.example"})


# ---------------------------------------------------------------------------- storing, applying


def proposal(interview_id: str, message_id: str, status: str = "rejected") -> Proposal:
    return Proposal(
        interview_id=interview_id,
        company="Northwind Traders",
        role="Senior Data Engineer",
        status=status,
        decision=None,
        message_id=message_id,
        sender="Dana Lee <dana.lee@northwind.example>",
        date=dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC),
        subject="Re: Thank you",
        sentence="We have decided to move forward with other candidates.",
        day=dt.date(2026, 12, 1),
    )


def test_apply_is_all_or_nothing(tmp_path: Path) -> None:
    """A proposal that fails rolls back the ones before it, Message-IDs included."""
    with Store(tmp_path / "t.db") as store:
        tracker.add(store, (MAIL / "interviews" / "nw.toml").read_text(), now=NOW)
        with pytest.raises(TrackerError, match="no tracked interview 'zz'"):
            apply(store, [proposal("nw", "<a@x>"), proposal("zz", "<b@x>")], now=NOW)
        assert store.get_interview("nw").outcome is None  # type: ignore[union-attr]
        assert store.mail_applied() == set()


def test_apply_records_each_message_once(tmp_path: Path) -> None:
    with Store(tmp_path / "t.db") as store:
        tracker.add(store, (MAIL / "interviews" / "nw.toml").read_text(), now=NOW)
        first = apply(store, [proposal("nw", "<a@x>")], now=NOW)
        again = apply(store, [proposal("nw", "<a@x>")], now=NOW)
        assert [a.proposal.status for a in first] == ["rejected"] and again == []
        assert store.mail_applied() == {"<a@x>"}
        assert store.get_interview("nw").outcome == "rejected"  # type: ignore[union-attr]
        assert store._one("SELECT interview_id, status FROM mail_applied") == ("nw", "rejected")


def test_the_keyring_is_asked_for_the_account_when_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With keyring installed, the password is looked up as afterview-mail / user@host."""
    import sys
    import types

    from afterview.mail.sources import KEYRING_SERVICE, keyring_password

    asked: list[tuple[str, str]] = []
    stored = types.ModuleType("keyring")

    def get_password(service: str, user: str) -> str:
        asked.append((service, user))
        return "from the keyring"

    stored.get_password = get_password  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", stored)
    address = parse_imap_url("imaps://alex@imap.example.org/INBOX")
    assert keyring_password(address) == "from the keyring"
    assert asked == [(KEYRING_SERVICE, "alex@imap.example.org")]
    monkeypatch.setitem(sys.modules, "keyring", None)  # not installed: nothing to ask
    assert keyring_password(address) is None


SAME_MEETING = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Corpus//afterview tests//EN
METHOD:REQUEST
BEGIN:VEVENT
UID:first-round@northwind.example
DTSTAMP:20261126T150000Z
DTSTART;TZID=America/New_York:20261125T140000
DTEND;TZID=America/New_York:20261125T150000
SUMMARY:Interview: Alex Kim for Senior Data Engineer
ORGANIZER;CN=Maria Silva:mailto:maria.silva@northwind.example
ATTENDEE;CN=Dana Lee:mailto:dana.lee@northwind.example
END:VEVENT
END:VCALENDAR
"""


def test_the_same_meeting_sent_again_is_no_next_round(tmp_path: Path) -> None:
    """An updated invitation for the interview already held is a reply, not another round."""
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    from afterview.mail.propose import propose
    from afterview.mail.sources import EmlFolder

    message = MIMEMultipart("alternative")
    message["From"] = "Maria Silva <maria.silva@northwind.example>"
    message["To"] = "alex.kim@example.org"
    message["Date"] = "Thu, 26 Nov 2026 10:00:00 -0500"
    message["Subject"] = "Updated invitation: Interview: Alex Kim for Senior Data Engineer"
    message["Message-ID"] = "<same-meeting@corpus.afterview.test>"
    message.attach(MIMEText("The notes from our conversation are in the invitation.", "plain"))
    message.attach(MIMEText(SAME_MEETING, "calendar"))
    folder = tmp_path / "box"
    folder.mkdir()
    (folder / "update.eml").write_bytes(message.as_bytes())
    with Store(tmp_path / "t.db") as store:
        tracker.add(store, (MAIL / "interviews" / "nw.toml").read_text(), now=NOW)
        found = propose(EmlFolder(folder), store, me=["alex.kim@example.org"], today=NOW.date())
    assert [(p.status, p.invitation) for p in found] == [("replied", None)]


def test_gmail_labels_with_spaces_still_say_sent() -> None:
    assert envelope("k", b"From: a@b.example\r\nX-Gmail-Labels: Opened, Sent\r\n").sent_label


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("INBOX", "INBOX"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("Boîte de réception", "Bo&AO4-te de r&AOk-ception"),
        ("R&D", "R&-D"),
        ("日本語", "&ZeVnLIqe-"),
    ],
)
def test_folder_names_in_imaps_modified_utf7(name: str, written: str) -> None:
    from afterview.mail.sources import modified_utf7

    assert modified_utf7(name) == written
