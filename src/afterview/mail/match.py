"""Which tracked interview a message answers: pure, no clock, no disk.

Two steps, so a large mailbox is judged on headers alone: ``screen`` looks at a
message's envelope and says whether its body is worth reading (and for which
interviews); ``choose`` decides with the body. A message answers an interview when
it is dated after the interview and comes from one of its interviewers, from the
company's domain (the interviewers' business addresses), from an applicant-tracking
system naming the company, or answers the user's own message to the interviewers
(In-Reply-To, References), even from a personal address. Never: the user's own
messages, automatic replies, newsletters and job alerts, or a message naming another
role than the tracked one.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files

from afterview.core.addresses import is_free_mail, is_service

from .classify import named_roles, same_role
from .messages import Envelope, Letter

OWN, SKIP, READ, THREAD = "own", "skip", "read", "thread"


@dataclass(frozen=True)
class Target:
    """A tracked interview as the matcher needs it."""

    id: str
    company: str
    role: str
    start: dt.datetime  # aware
    people: frozenset[str]  # the interviewers' addresses, lower case
    domains: frozenset[str]  # the company's mail domains, from business addresses
    outcome: str | None = None


@dataclass(frozen=True)
class Screening:
    """What the envelope says: OWN, SKIP, READ (for ``ids``) or THREAD (decide later)."""

    verdict: str
    ids: tuple[str, ...] = ()


def load_ats() -> dict[str, str]:
    """The applicant-tracking systems' mail domains, each with the system's name."""
    data = tomllib.loads(files(__package__).joinpath("ats.toml").read_text("utf-8"))
    return {domain: entry["name"] for entry in data["ats"] for domain in entry["domains"]}


ATS = load_ats()


def company_domains(addresses: Iterable[str | None]) -> frozenset[str]:
    """The mail domains business addresses show (free mail and services say nothing)."""
    found = set()
    for address in addresses:
        if not address or "@" not in address or is_service(address):
            continue
        domain = address.rsplit("@", 1)[1].lower()
        if not is_free_mail(domain):
            found.add(domain)
    return frozenset(found)


def _under(domain: str, parents: Iterable[str]) -> bool:
    return any(domain == p or domain.endswith("." + p) for p in parents)


def is_ats(domain: str, ats: dict[str, str] = ATS) -> bool:
    """Whether a domain sends mail for an applicant-tracking system."""
    return _under(domain, ats)


def screen(
    env: Envelope,
    targets: list[Target],
    me: frozenset[str],
    ats: dict[str, str] = ATS,
) -> Screening:
    """Judge a message on its envelope alone."""
    if env.date is None:
        return Screening(SKIP)
    people = {p for t in targets for p in t.people}
    if env.sender in me or env.sent_label:
        return Screening(OWN, _addressed(env, targets))
    if env.automatic or env.bulk:
        return Screening(SKIP)
    after = [t for t in targets if t.start < env.date]
    # Without the user's own address, a message to an interviewer from someone not at
    # the company is the user's (a thank-you in their Sent folder).
    if (
        not me
        and any(r in people for r in env.recipients)
        and env.sender not in people
        and not any(_under(env.domain, t.domains) for t in targets)
    ):
        return Screening(OWN, _addressed(env, targets))
    direct = tuple(t.id for t in after if env.sender in t.people or _under(env.domain, t.domains))
    if direct:
        return Screening(READ, direct)
    if after and is_ats(env.domain, ats):
        return Screening(READ, tuple(t.id for t in after))
    if after and env.refs:
        return Screening(THREAD)
    return Screening(SKIP)


def _addressed(env: Envelope, targets: list[Target]) -> tuple[str, ...]:
    """The interviews whose people a message of the user's was sent to."""
    return tuple(
        t.id
        for t in targets
        if any(r in t.people or _under(r.rsplit("@", 1)[-1], t.domains) for r in env.recipients)
    )


def in_thread(env: Envelope, own: dict[str, tuple[str, ...]], targets: list[Target]) -> Screening:
    """A reply to one of the user's own messages to an interview's people, if it is one."""
    assert env.date is not None
    ids = {i for ref in env.refs for i in own.get(ref, ())}
    found = tuple(t.id for t in targets if t.id in ids and t.start < env.date)
    return Screening(READ, found) if found else Screening(SKIP)


def _names_company(letter: Letter, company: str) -> bool:
    name = _company_key(company)
    haystack = " ".join((letter.envelope.sender_name, letter.envelope.subject, letter.text))
    pattern = rf"(?<!\w){re.escape(name)}(?!\w)"
    return bool(name) and re.search(pattern, haystack.casefold()) is not None


_LEGAL = re.compile(
    r"[,\s]+(?:inc|llc|ltd|limited|gmbh|ag|sa|sas|sarl|s\.l|sl|plc|bv|co)\.?$", re.IGNORECASE
)


def _company_key(company: str) -> str:
    return _LEGAL.sub("", company.strip()).casefold()


def choose(
    letter: Letter,
    candidates: list[Target],
    ats: dict[str, str] = ATS,
) -> Target | None:
    """The interview a read message answers, or None."""
    env = letter.envelope
    assert env.date is not None
    found = [t for t in candidates if t.start < env.date]
    if is_ats(env.domain, ats):
        found = [t for t in found if _names_company(letter, t.company)]
    roles = named_roles(f"{env.subject}\n{letter.text}")
    if roles:
        found = [t for t in found if any(same_role(r, t.role) for r in roles)]
    if not found:
        return None
    return max(found, key=lambda t: t.start)
