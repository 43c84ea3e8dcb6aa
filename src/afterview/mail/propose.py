"""Read a mailbox, propose what changed for each open interview, apply it when asked.

``propose`` changes nothing: it reads the whole mailbox first (envelopes, then the
bodies of the messages that may answer an interview), so a mailbox that cannot be
read to the end proposes nothing at all. ``apply`` records every proposal in one
tracker transaction, each with its Message-ID, so running again applies nothing twice
and a failure leaves the tracker as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from afterview.core.businessdays import open_calendar
from afterview.core.timeline import resolve
from afterview.errors import AfterviewError, InviteError, TimelineError
from afterview.formats import eventcodec
from afterview.formats.icsread import Invitation
from afterview.model import Interview, Me
from afterview.tracker import commands as tracker
from afterview.tracker import records
from afterview.tracker.store import Store

from .classify import NEXT_ROUND, REPLIED, WAITING, Verdict, classify, is_auto_reply
from .match import OWN, READ, THREAD, Target, choose, company_domains, in_thread, screen
from .messages import Envelope, Letter, read_letter
from .sources import Source

# Interviews still waiting to hear; a "replied" one can still learn the outcome.
WATCHED = (None, "waiting", "replied")


@dataclass(frozen=True)
class Proposal:
    """What one message proposes for one interview, with what shows why."""

    interview_id: str
    company: str
    role: str
    status: str
    decision: str | None
    message_id: str
    sender: str
    date: dt.datetime
    subject: str
    sentence: str
    day: dt.date  # the news' date where the interview is
    invitation: Interview | None = None  # the next round, read from the message's calendar

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with exactly the stable keys."""
        return {
            "id": self.interview_id,
            "status": self.status,
            "decision": self.decision,
            "message_id": self.message_id,
        }


@dataclass(frozen=True)
class Watched:
    """An open interview, as the tracker has it and as the matcher needs it."""

    target: Target
    interview: Interview


def watched(store: Store) -> list[Watched]:
    """The tracked interviews whose news a mailbox may hold."""
    found = []
    with store.read():
        rows = [r for r in store.interviews() if r.outcome in WATCHED]
    for row in rows:
        interview = records.interview_of(row)
        start = interview.start.replace(tzinfo=zoneinfo.ZoneInfo(interview.timezone))
        emails = [p.email for p in interview.interviewers]
        target = Target(
            id=row.id,
            company=row.company,
            role=row.role,
            start=start,
            people=frozenset(e.lower() for e in emails if e),
            domains=company_domains(emails),
            outcome=row.outcome,
        )
        found.append(Watched(target, interview))
    return found


def message_key(env: Envelope) -> str:
    """The Message-ID, or one made from what identifies a message without one."""
    if env.message_id:
        return env.message_id
    date = env.date.isoformat() if env.date else ""
    digest = hashlib.sha256(f"{env.sender}|{date}|{env.subject}".encode()).hexdigest()[:24]
    return f"<{digest}@no-message-id.afterview>"


def _scan(
    source: Source, targets: list[Target], me: frozenset[str]
) -> dict[str, tuple[Envelope, tuple[str, ...]]]:
    """The messages worth reading (by key), each with the interviews it may answer."""
    since = min(t.start for t in targets).date()
    wanted: dict[str, tuple[Envelope, tuple[str, ...]]] = {}
    own: dict[str, tuple[str, ...]] = {}
    threads: list[Envelope] = []
    for env in source.envelopes(since):
        if env.date is not None and env.date.date() < since:
            continue
        screening = screen(env, targets, me)
        if screening.verdict == OWN and env.message_id:
            own[env.message_id] = screening.ids
        elif screening.verdict == READ:
            wanted[env.key] = (env, screening.ids)
        elif screening.verdict == THREAD:
            threads.append(env)
    for env in threads:  # the user's own message may come later in the mailbox
        screening = in_thread(env, own, targets)
        if screening.verdict == READ:
            wanted[env.key] = (env, screening.ids)
    return wanted


def propose(
    source: Source,
    store: Store,
    *,
    me: Iterable[str] = (),
    today: dt.date,
) -> list[Proposal]:
    """What the mailbox says about each watched interview; nothing is changed.

    ``me`` are the user's own addresses; ``today`` dates an invitation's sanity checks.
    """
    found = watched(store)
    if not found:
        return []
    by_id = {w.target.id: w for w in found}
    targets = [w.target for w in found]
    mine = frozenset(a.strip().lower() for a in me if a and a.strip())
    wanted = _scan(source, targets, mine)
    latest: dict[str, list[tuple[Letter, Verdict, Interview | None]]] = {}
    for key, data, cut in source.fetch(list(wanted)):
        env, ids = wanted[key]
        letter = read_letter(env, data, truncated=cut)
        sentences = letter.sentences()
        if is_auto_reply(env.subject, sentences):
            continue
        target = choose(letter, [by_id[i].target for i in ids])
        if target is None:
            continue
        verdict, invitation = _verdict(letter, sentences, by_id[target.id].interview, mine, today)
        latest.setdefault(target.id, []).append((letter, verdict, invitation))
    with store.read():
        applied = store.mail_applied()
    proposals = []
    for target_id, letters in latest.items():
        chosen = _meaningful(letters)
        proposal = _proposal(by_id[target_id], *chosen)
        if proposal.message_id in applied:
            continue
        if by_id[target_id].target.outcome == REPLIED and proposal.status == REPLIED:
            continue  # already recorded
        proposals.append(proposal)
    proposals.sort(key=lambda p: (p.date, p.interview_id))
    return proposals


def _verdict(
    letter: Letter, sentences: list[str], interview: Interview, me: frozenset[str], today: dt.date
) -> tuple[Verdict, Interview | None]:
    """What a message means, and the next round its invitation describes, if any."""
    env = letter.envelope
    assert env.date is not None
    day = _local_day(env.date, interview)
    cal = open_calendar(interview.country, interview.subdivision, interview.blackout)

    def readable(phrase: str) -> bool:
        try:
            return resolve(phrase, day, cal).date is not None
        except TimelineError:
            return False

    invited = _is_invitation(letter)
    invitation = None
    if invited and letter.calendar is not None:
        # The message was delivered to the user: its recipients tell which attendee is them.
        yours = me | frozenset(env.recipients)
        invitation = _next_round(letter.calendar, interview, yours, today)
        if invitation is not None and invitation.start <= interview.start:
            # The same meeting sent again (an update, a reminder): no next round.
            invited, invitation = False, None
    verdict = classify(sentences, invitation=invited, readable=readable)
    return verdict, invitation if verdict.status == NEXT_ROUND else None


def _is_invitation(letter: Letter) -> bool:
    calendar = letter.calendar or b""
    return b"BEGIN:VEVENT" in calendar and b"METHOD:CANCEL" not in calendar.upper()


def _meaningful(
    letters: list[tuple[Letter, Verdict, Interview | None]],
) -> tuple[Letter, Verdict, Interview | None]:
    """The latest message that means something, else the latest one."""
    ordered = sorted(letters, key=lambda pair: pair[0].envelope.date or dt.datetime.min)
    telling = [pair for pair in ordered if pair[1].status != REPLIED]
    return (telling or ordered)[-1]


def _local_day(moment: dt.datetime, interview: Interview) -> dt.date:
    return moment.astimezone(zoneinfo.ZoneInfo(interview.timezone)).date()


def _proposal(
    watch: Watched, letter: Letter, verdict: Verdict, invitation: Interview | None
) -> Proposal:
    env = letter.envelope
    assert env.date is not None
    sender = f"{env.sender_name} <{env.sender}>" if env.sender_name else env.sender
    return Proposal(
        interview_id=watch.target.id,
        company=watch.target.company,
        role=watch.target.role,
        status=verdict.status,
        decision=verdict.phrase if verdict.status == WAITING else None,
        message_id=message_key(env),
        sender=sender,
        date=env.date,
        subject=env.subject,
        sentence=verdict.sentence,
        day=_local_day(env.date, watch.interview),
        invitation=invitation,
    )


def _next_round(
    calendar: bytes, earlier: Interview, me: frozenset[str], today: dt.date
) -> Interview | None:
    """The next round an invitation describes, in the earlier round's country and policy."""
    from afterview.formats.icsread import read_invitation
    from afterview.invite.interview import interview_from_invitation

    try:
        invitation = read_invitation(calendar, "the invitation in the message")
        interview = interview_from_invitation(
            invitation,
            me=_me_in(invitation, me),
            country=earlier.country,
            subdivision=earlier.subdivision,
            decision=None,
            policy=earlier.policy,
            timezone=None,
            defaults={"timezone": earlier.timezone},
            ask=None,
            today=today,
            company=earlier.company,
            role=earlier.role,
        )
    except (InviteError, AfterviewError, ValueError):  # ValueError: a calendar too odd to read
        return None  # the round is proposed without its date: the user adds it
    return interview._replace(candidate=earlier.candidate, channel=earlier.channel)


def _me_in(invitation: Invitation, me: frozenset[str]) -> str | None:
    """The user's own address among the invitation's people (they may have several)."""
    present = {
        person.email.casefold()
        for event in invitation.events
        for person in (event.organizer, *event.attendees)
        if person is not None and person.email
    }
    mine = sorted(a.casefold() for a in me)
    return next((a for a in mine if a in present), next(iter(mine), None))


@dataclass(frozen=True)
class Applied:
    """One applied proposal and what it did to the calendar."""

    proposal: Proposal
    changes: records.Changes
    new_id: str | None = None  # the next round's tracker id


def apply(
    store: Store, proposals: list[Proposal], *, now: dt.datetime, me: Me | None = None
) -> list[Applied]:
    """Record every proposal in one transaction, each with its Message-ID; all or nothing."""
    done: list[Applied] = []
    stamp = eventcodec.stamp_of(now)
    with store.write():
        applied = store.mail_applied()
        for proposal in proposals:
            if proposal.message_id in applied:
                continue
            done.append(_apply_one(store, proposal, now=now, me=me))
            store.record_mail(proposal.message_id, proposal.interview_id, proposal.status, stamp)
            applied.add(proposal.message_id)
    return done


def _apply_one(store: Store, proposal: Proposal, *, now: dt.datetime, me: Me | None) -> Applied:
    target = proposal.interview_id
    if proposal.status == NEXT_ROUND and proposal.invitation is not None:
        added = tracker.add(
            store, proposal.invitation, now=now, round_of=target, on=proposal.day, me=me
        )
        return Applied(proposal, added.earlier, added.id)
    if proposal.status == NEXT_ROUND:
        # No date for the round yet: they answered, so the check-ins stop.
        changes = tracker.set_status(store, target, REPLIED, on=proposal.day, now=now, me=me)
        return Applied(proposal, changes)
    changes = tracker.set_status(
        store,
        target,
        proposal.status,
        on=proposal.day,
        now=now,
        decision=proposal.decision,
        me=me,
    )
    return Applied(proposal, changes)
