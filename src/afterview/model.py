"""The values afterview works with: an interview, the people met, and planned follow-ups.

Everything here is an immutable record (a NamedTuple: copy one with changes through
``_replace``) with no behaviour that touches the clock, the disk or the terminal, so
the planning core can be tested with plain values. NamedTuples rather than frozen
dataclasses because every start of the program defines them, and a NamedTuple costs
a fraction of the time to define.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

# The step names a calendar event can carry in CATEGORIES (the public contract).
STEP_NAMES = (
    "debrief",
    "thank-you",
    "handwritten-note",
    "linkedin",
    "check-in",
    "move-on",
    "keep-on-file",
)

# Actions that reach the employer; the others are private steps for the user.
CONTACT_STEPS = frozenset({"thank-you", "handwritten-note", "linkedin", "check-in", "keep-on-file"})

CHANNELS = ("email", "phone")


class Interviewer(NamedTuple):
    """One person the candidate met."""

    name: str
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    contact: bool = False
    linkedin: str | None = None
    linkedin_ok: bool | None = None
    topics: tuple[str, ...] = ()
    salutation: str | None = None  # how to address them, as written: "Ms Lee", "Dr. Weber"


class Interview(NamedTuple):
    """One interview, as the user described it.

    ``start`` and ``end`` are naive local date-times in ``timezone``.
    """

    company: str
    role: str
    start: dt.datetime
    end: dt.datetime
    timezone: str
    country: str
    interviewers: tuple[Interviewer, ...]
    subdivision: str | None = None
    policy: str = "standard"
    decision: str | None = None
    no_follow_ups: bool = False
    channel: str = "email"
    blackout: tuple[dt.date, ...] = ()
    skip: tuple[str, ...] = ()
    notes: str | None = None
    candidate: str | None = None
    id: str | None = None
    # Days the employer works although its calendar says otherwise (a data error).
    workdays: tuple[dt.date, ...] = ()
    # Whether customary company closures (Japan's year-end) count as days off.
    closures: bool = True
    candidate_email: str | None = None  # a coach's candidate signs their own drafts
    candidate_phone: str | None = None

    @property
    def day(self) -> dt.date:
        """I: the interview's local date."""
        return self.start.date()

    @property
    def contact(self) -> Interviewer:
        """The person check-ins go to: the one marked ``contact``, else the first."""
        for person in self.interviewers:
            if person.contact:
                return person
        return self.interviewers[0]

    @property
    def signer(self) -> Me | None:
        """The candidate's own details when a coach planned this interview, else None."""
        if not self.candidate:
            return None
        return Me(name=self.candidate, email=self.candidate_email, phone=self.candidate_phone)

    @property
    def key(self) -> str:
        """What identifies this interview in event UIDs, stable across re-plans."""
        if self.id:
            return self.id
        return f"{self.company}|{self.role}|{self.day.isoformat()}"


class Decision(NamedTuple):
    """S: what the interviewer said about the decision, resolved to a date."""

    phrase: str | None
    date: dt.date | None
    few_days: bool = False
    # How the phrase was read, when there was a choice ("read as day/month, ...").
    note: str = ""
    # Whether S is in another year than the interview, so dates must show it.
    show_year: bool = False
    # Why S is not a business day ("Saint Andrew's Day, a public holiday in Scotland").
    off: str = ""

    def when(self) -> str:
        """S as ``Fri 27 Nov``, with the year when it is not the interview's."""
        if self.date is None:
            return ""
        shown = short_date(self.date)
        return f"{shown} {self.date.year}" if self.show_year else shown

    def describe(self) -> str:
        """``they said: 'by Friday' (Fri 27 Nov)``, or a note that they gave none."""
        if self.date is None or self.phrase is None:
            return "no decision date was given"
        extras = [e for e in (self.off, self.note) if e]
        more = "".join(f", {e}" for e in extras)
        return f"they said: '{self.phrase}' ({self.when()}{more})"


class Me(NamedTuple):
    """The user's own details, used to sign drafts. Every field may be missing."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    signature: str | None = None


class Draft(NamedTuple):
    """A message the user can send as it is."""

    subject: str | None
    body: str
    to: str | None = None  # an e-mail address, or a phone number for calls


class FollowUp(NamedTuple):
    """One dated action of a plan.

    ``number`` counts check-ins (1, 2, 3; 0 for other steps). ``start`` and
    ``minutes`` are set for timed events on the interview day (local time);
    everything else is an all-day event on ``date``.
    """

    step: str
    date: dt.date
    reason: str
    title: str = ""
    number: int = 0
    person: Interviewer | None = None
    start: dt.datetime | None = None
    minutes: int = 0
    channel: str = "email"
    of: int = 0  # how many check-ins the policy plans, for "2 of 3"
    draft: Draft | None = None
    status: str = "planned"  # planned | cancelled
    sequence: int = 0
    style: str = ""
    hint: str = ""  # advice shown beside the draft, not part of it
    per_person: bool = False  # one event per interviewer (thank-you, card, LinkedIn)

    @property
    def is_contact(self) -> bool:
        """Whether this action reaches the employer."""
        return self.step in CONTACT_STEPS

    @property
    def label(self) -> str:
        """The step's name with its number, as ``skip`` and the tracker write it."""
        return f"{self.step}-{self.number}" if self.number else self.step


class Plan(NamedTuple):
    """A whole plan: the actions in date order, and warnings for the user."""

    interview: Interview
    policy: str
    decision: Decision
    followups: tuple[FollowUp, ...]
    warnings: tuple[str, ...] = ()


def short_date(day: dt.date) -> str:
    """``Fri 27 Nov``: the form every reason uses, with the year when it is not obvious."""
    return f"{day:%a} {day.day} {day:%b}"


def long_date(day: dt.date) -> str:
    """``Friday 27 November 2026``, for drafts."""
    return f"{day:%A} {day.day} {day:%B} {day.year}"
