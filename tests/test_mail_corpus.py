"""The mail corpus: every message in tests/mail/corpus gives the proposal its manifest expects."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from afterview.mail.propose import Proposal, propose
from afterview.mail.sources import EmlFolder
from afterview.tracker import commands as tracker
from afterview.tracker.store import Store

MAIL = Path(__file__).parent / "mail"
MANIFEST = tomllib.loads((MAIL / "corpus.toml").read_text("utf-8"))["message"]
ME = "alex.kim@example.org"
ADDED = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 4)


def track_corpus_interviews(store: Store) -> None:
    """Track the interviews the corpus answers, with the ids its manifest names."""
    for path in sorted((MAIL / "interviews").glob("*.toml")):
        tracker.add(store, path.read_text("utf-8"), now=ADDED, where=str(path))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A tracker with the corpus's seven interviews (read only by these tests)."""
    with Store(tmp_path_factory.mktemp("corpus") / "tracker.db") as opened:
        track_corpus_interviews(opened)
        yield opened


def proposals_for(
    store: Store, folder: Path, *files: Path, me: tuple[str, ...] = (ME,)
) -> list[Proposal]:
    """What afterview proposes for a mailbox holding ``files`` and the user's thank-yous."""
    folder.mkdir()
    for path in (*files, MAIL / "sent-thanks-dana.eml", MAIL / "sent-thanks-omar.eml"):
        shutil.copy(path, folder / path.name)
    return propose(EmlFolder(folder), store, me=me, today=TODAY)


def test_the_corpus_is_large_and_covers_every_status() -> None:
    """At least 60 messages, every status and 'nothing' among them, in four languages."""
    assert len(MANIFEST) >= 60
    assert {m["status"] for m in MANIFEST} == {
        "none",
        "replied",
        "waiting",
        "rejected",
        "offer",
        "next-round",
    }
    prefixes = {m["interview"] for m in MANIFEST if "interview" in m}
    assert {"kr", "ml", "sd"} <= prefixes  # German, French, Spanish


@pytest.mark.parametrize("entry", MANIFEST, ids=[Path(m["file"]).stem for m in MANIFEST])
def test_corpus_message_gives_its_expected_proposal(
    store: Store, tmp_path: Path, entry: dict[str, Any]
) -> None:
    found = proposals_for(store, tmp_path / "box", MAIL / entry["file"])
    if entry["status"] == "none":
        assert found == [], entry["why"]
        return
    assert len(found) == 1, found
    proposal = found[0]
    assert proposal.interview_id == entry["interview"]
    assert proposal.status == entry["status"], proposal.sentence
    assert proposal.decision == entry.get("decision")
    assert proposal.sentence  # every proposal shows the sentence that decided it
    assert proposal.sender and proposal.subject
    if "round_start" in entry:
        assert proposal.invitation is not None
        assert proposal.invitation.start.isoformat() == entry["round_start"]


def test_a_reply_to_the_thank_you_from_a_personal_address_needs_the_thank_you(
    store: Store, tmp_path: Path
) -> None:
    """Without the user's thank-you in the mailbox, the personal address answers nothing."""
    reply = MAIL / "corpus" / "nw-thread-personal-address.eml"
    folder = tmp_path / "only-reply"
    folder.mkdir()
    shutil.copy(reply, folder / reply.name)
    assert propose(EmlFolder(folder), store, me=(ME,), today=TODAY) == []


def test_without_the_users_address_a_message_to_an_interviewer_is_the_users_own(
    store: Store, tmp_path: Path
) -> None:
    """With no address known, the thank-yous (sent to interviewers) still anchor the thread."""
    reply = MAIL / "corpus" / "nw-thread-personal-address.eml"
    found = proposals_for(store, tmp_path / "box", reply, me=())
    assert [(p.interview_id, p.status, p.decision) for p in found] == [
        ("nw", "waiting", "5 business days")
    ]


def test_a_message_without_message_id_gets_a_stable_one(store: Store, tmp_path: Path) -> None:
    """The made-up Message-ID is the same on every run, so --apply still applies it once."""
    message = MAIL / "corpus" / "bh-no-message-id.eml"
    first = proposals_for(store, tmp_path / "one", message)[0].message_id
    second = proposals_for(store, tmp_path / "two", message)[0].message_id
    assert first == second and first.endswith("@no-message-id.afterview>")


def test_the_latest_message_that_means_something_decides(store: Store, tmp_path: Path) -> None:
    """A timeline, then a rejection, then a thanks-for-your-note: the rejection is proposed."""
    corpus = MAIL / "corpus"
    found = proposals_for(
        store,
        tmp_path / "box",
        corpus / "nw-next-week.eml",  # Fri 27 Nov: waiting
        corpus / "nw-outlook-html-rejection.eml",  # Tue 1 Dec: rejected
        corpus / "nw-still-interviewing.eml",  # Tue 1 Dec 09:00, earlier that day: replied
        corpus / "kr-naechste-woche.eml",
    )
    by_id = {p.interview_id: p for p in found}
    assert by_id["nw"].status == "rejected"
    assert by_id["nw"].message_id == "<nw-outlook-html-rejection@corpus.afterview.test>"
    assert by_id["kr"].status == "waiting"


def test_the_whole_corpus_in_one_mbox_proposes_each_interviews_latest_news(
    store: Store, tmp_path: Path
) -> None:
    """All 67 messages in one mbox: per interview, the latest message that means something."""
    import email
    import email.utils

    from afterview.mail.sources import MboxSource

    latest: dict[str, tuple[dt.datetime, str]] = {}
    telling: dict[str, tuple[dt.datetime, str]] = {}
    for entry in MANIFEST:
        if entry["status"] == "none":
            continue
        message = email.message_from_bytes((MAIL / entry["file"]).read_bytes())
        when = email.utils.parsedate_to_datetime(str(message["Date"]))
        pair = (when, entry["status"])
        latest[entry["interview"]] = max(latest.get(entry["interview"], pair), pair)
        if entry["status"] != "replied":
            telling[entry["interview"]] = max(telling.get(entry["interview"], pair), pair)
    expected = {i: (telling.get(i) or latest[i])[1] for i in latest}
    box = tmp_path / "corpus.mbox"
    with box.open("wb") as out:
        for path in [MAIL / "sent-thanks-dana.eml", MAIL / "sent-thanks-omar.eml"] + [
            MAIL / m["file"] for m in MANIFEST
        ]:
            out.write(b"From corpus@afterview.test Thu Dec  3 12:00:00 2026\n")
            out.write(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From "))
            out.write(b"\n")
    found = propose(MboxSource(box), store, me=(ME,), today=TODAY)
    assert {p.interview_id: p.status for p in found} == expected
    assert len(found) == 7
