"""What an e-mail address says: free mail, a bot or a scheduling service, the employer's domain.

One list of each, used by the planner's warnings and by the invitation reader alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


def words(text: str) -> frozenset[str]:
    """A set from words separated by white space: long lists stay readable."""
    return frozenset(text.split())


# Free mail: the address says nothing about the employer.
FREE_MAIL = words(
    """gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com ymail.com
    icloud.com me.com mac.com aol.com proton.me protonmail.com pm.me gmx.com gmx.de gmx.net
    web.de mail.com zoho.com yandex.com yandex.ru fastmail.com hey.com qq.com 163.com 126.com
    naver.com btinternet.com orange.fr free.fr t-online.de libero.it"""
)


# Country variants of the big free-mail brands (hotmail.co.uk, yahoo.fr ...).
FREE_MAIL_BRANDS = ("hotmail.", "outlook.", "yahoo.", "live.", "gmx.")


# Calendar, meeting and recruiting services that send invitations for employers.
SERVICES = words(
    """calendar.google.com group.calendar.google.com resource.calendar.google.com
    calendar-server.bounces.google.com zoom.us zoom.com zoomgov.com webex.com
    teams.microsoft.com scheduler.teams.microsoft.com calendly.com cal.com greenhouse.io
    greenhouse-mail.io lever.co hire.lever.co myworkday.com workday.com
    smartrecruiters.com ashbyhq.com goodtime.io modernloop.io paradox.ai hirevue.com
    icims.com jobvite.com teamtailor.com workable.com recruitee.com bamboohr.com breezy.hr
    gem.com"""
)


# Local parts of addresses no human reads.
_BOT = (
    r"(?i)^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|notifications?|calendar(?:-notification)?|"
    r"mailer-daemon|postmaster|scheduling|invites?|bounces?)(?:[+._-].*)?$"
)


# Mailing lists: their hosts, and the endings of list addresses (foo-devel@, bar-users@).
_LIST_HOSTS = words("googlegroups.com groups.io freelists.org")
_LIST_LOCAL = (
    r"(?i)^.+-(?:devel|dev|users|user|announce|discuss|discussion|list|l|commits|bugs|"
    r"general|all|everyone|staff|team|group|members|interest)$"
)


def is_mailing_list(address: str) -> bool:
    """Whether ``address`` is a mailing list or group rather than a person."""
    local, _, domain = address.casefold().rpartition("@")
    if domain.startswith(("lists.", "list.", "groups.")) or _under(domain, _LIST_HOSTS):
        return True
    return re.match(_LIST_LOCAL, local) is not None


# Second-level labels under a country code: fenwick-rowe.co.uk is "fenwick-rowe".
_SECOND_LEVEL = words("co com org net ac gov edu ltd plc or ne gob gv go")


def clean_address(address: str | None) -> str | None:
    if not address:
        return None
    cleaned = address.strip()
    if cleaned.lower().startswith("mailto:"):
        cleaned = cleaned[7:]
    return cleaned.casefold() or None


def domain_of(address: str | None) -> str:
    if not address or "@" not in address:
        return ""
    return address.rsplit("@", 1)[1].strip().lower().rstrip(".")


def _under(domain: str, parents: Iterable[str]) -> bool:
    return any(domain == p or domain.endswith("." + p) for p in parents)


# The shape of an address, as the interview file checks it: something@domain.tld.
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_address(text: str) -> bool:
    """Whether ``text`` has the shape of an e-mail address."""
    return _ADDRESS.match(text) is not None


def is_free_mail(domain: str) -> bool:
    """Whether ``domain`` is a free-mail provider (gmail.com, hotmail.co.uk ...)."""
    return domain in FREE_MAIL or domain.startswith(FREE_MAIL_BRANDS)


def is_service(address: str) -> bool:
    """Whether ``address`` belongs to a bot or a calendar, meeting or recruiting service."""
    local = address.split("@", 1)[0]
    if re.match(_BOT, local) is not None or _under(domain_of(address), SERVICES):
        return True
    return is_mailing_list(address)


def registrable_name(domain: str) -> str:
    """The name a domain registers: careers.fenwick-rowe.co.uk -> "fenwick-rowe"."""
    labels = [label for label in domain.lower().strip(".").split(".") if label]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else (labels[0] if labels else "")
