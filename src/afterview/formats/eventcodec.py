"""What bytes an event has: its stored form, its stamps, the keys its UID is made from."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from afterview.model import FollowUp

if TYPE_CHECKING:
    # Only reading an invitation needs these; plan and feed never load invite.py.
    pass


import json

from afterview.model import Draft, Interviewer


def stamp_of(now: dt.datetime) -> str:
    """``now`` as the UTC stamp events carry (DTSTAMP), to the second."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (use datetime.now(datetime.UTC))")
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(stamp: str) -> dt.datetime:
    """A stored UTC stamp back as an aware datetime."""
    return dt.datetime.fromisoformat(stamp).astimezone(dt.UTC)


def timeline_key(interview_id: str, timeline: int) -> str:
    """The key check-ins of a decision timeline are identified by (ics.uid_for)."""
    return interview_id if timeline == 0 else f"{interview_id}|timeline-{timeline}"


def encode_followup(followup: FollowUp) -> str:
    """A follow-up as canonical JSON, without its status and sequence."""
    person = followup.person
    draft = followup.draft
    data = {
        "step": followup.step,
        "date": followup.date.isoformat(),
        "reason": followup.reason,
        "title": followup.title,
        "number": followup.number,
        "person": None
        if person is None
        else {
            "name": person.name,
            "title": person.title,
            "email": person.email,
            "phone": person.phone,
            "contact": person.contact,
            "linkedin": person.linkedin,
            "linkedin_ok": person.linkedin_ok,
            "topics": list(person.topics),
        },
        "start": followup.start.isoformat() if followup.start else None,
        "minutes": followup.minutes,
        "channel": followup.channel,
        "of": followup.of,
        "per_person": followup.per_person,
        "draft": None
        if draft is None
        else {"subject": draft.subject, "body": draft.body, "to": draft.to},
        "style": followup.style,
        "hint": followup.hint,
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def decode_followup(text: str, status: str = "planned", sequence: int = 0) -> FollowUp:
    """The follow-up ``encode_followup`` wrote, with a status and sequence."""
    data = json.loads(text)
    person = data["person"]
    draft = data["draft"]
    return FollowUp(
        step=str(data["step"]),
        date=dt.date.fromisoformat(data["date"]),
        reason=str(data["reason"]),
        title=str(data["title"]),
        number=int(data["number"]),
        person=None
        if person is None
        else Interviewer(
            name=str(person["name"]),
            title=person["title"],
            email=person["email"],
            phone=person["phone"],
            contact=bool(person["contact"]),
            linkedin=person["linkedin"],
            linkedin_ok=person["linkedin_ok"],
            topics=tuple(str(t) for t in person["topics"]),
        ),
        start=dt.datetime.fromisoformat(data["start"]) if data["start"] else None,
        minutes=int(data["minutes"]),
        channel=str(data["channel"]),
        of=int(data["of"]),
        draft=None if draft is None else Draft(draft["subject"], str(draft["body"]), draft["to"]),
        status=status,
        sequence=sequence,
        style=str(data["style"]),
        hint=str(data["hint"]),
        per_person=bool(data.get("per_person", False)),
    )


UID_NAMESPACE = uuid.UUID("5d0c5c50-8e0f-4a4e-9a8b-6f1d2f7a6d10")


def uid_for(interview_key: str, followup: FollowUp) -> str:
    """A UID that stays the same when the plan is made again, so clients update, not copy."""
    # Only an event sent to each interviewer names its person: a check-in keeps its UID
    # when the user changes who the contact is.
    person = followup.person.name.casefold() if followup.person and followup.per_person else ""
    name = f"{interview_key}|{followup.step}|{followup.number}|{person}"
    return f"{_uuid5(name)}@afterview"


def _uuid5(name: str) -> uuid.UUID:
    """uuid.uuid5(UID_NAMESPACE, name), without loading OpenSSL for one SHA-1.

    ``uuid.uuid5`` imports hashlib, whose OpenSSL binding costs a few milliseconds
    of every cold start; CPython's built-in SHA-1 gives the same digest.
    """
    try:
        from _sha1 import sha1  # type: ignore[import-not-found]
    except ImportError:  # a Python built without it
        return uuid.uuid5(UID_NAMESPACE, name)
    digest = sha1(UID_NAMESPACE.bytes + name.encode("utf-8")).digest()
    return uuid.UUID(bytes=digest[:16], version=5)
