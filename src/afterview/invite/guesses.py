"""What an invitation suggests: the people met, the company, the role, the country, the notes.

Each guess is a pure function of the invitation's records; the questions and the
choices live in invite/interview.py.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from afterview.core.addresses import (
    domain_of,
    is_address,
    is_free_mail,
    is_service,
    registrable_name,
    words,
)
from afterview.errors import PlaceError
from afterview.formats.icsread import Attendee, InviteEvent
from afterview.model import Interviewer

if TYPE_CHECKING:
    pass


# Country-code domains that sell as generic names; they say nothing about the employer.
GENERIC_CCTLDS = words(
    """ac ag ai am as bz cc cd cf co cx dj fm ga gd gg gl gq gs gy im io la ly md me ml ms
    mu nu pw sc sh so st tk tm to tv vc vg ws"""
)


# English, German, French and Spanish words for the interview itself.
_KEYWORD = (
    r"(?:interviews?|screen(?:ing)?|on-?site|loop|vorstellungsgespr(?:ä|ae)ch|"
    r"bewerbungsgespr(?:ä|ae)ch|entretiens?|entrevistas?)"
)


# "Interview Fenwick & Rowe - Product Designer (Alex Morgan)": company, then role.
_SHAPED = (
    rf"(?i)^{_KEYWORD}\s+(?!(?:with|at|for|mit|avec|con|bei|chez)\b)"
    r"(?P<company>[^-|:()]+?)\s+[-|:]\s+(?P<role>[^()]+?)(?:\s*\([^()]*\))?$"
)


_ROLE_FOR = rf"(?i)\b{_KEYWORD}\b.*?\bfor\s+(?:the\s+|a\s+|an\s+)?(?P<role>.+)$"


_ROLE_BEFORE = rf"(?i)^(?P<role>.+?)\s+(?:phone\s+|video\s+)?{_KEYWORD}\b"


_ROLE_AFTER = rf"(?i)\b{_KEYWORD}\s*(?:[-:|])\s*(?P<role>.+)$"


_COMPANY_WITH = (
    rf"(?i)\b(?:{_KEYWORD}|chat|call|conversation|meeting)\s+"
    r"(?:with|at|mit|bei|avec|chez|con)\s+(?P<company>.+)$"
)


# "Interview with Northwind Traders - Data Engineer": the role after the company.
_ROLE_WITH = (
    rf"(?i)^{_KEYWORD}\s+(?:with|at|mit|bei|avec|chez|con)\s+[^-|:]+?\s*[-|:]\s+(?P<role>.+)$"
)


_COMPANY_AT = rf"(?i)\b{_KEYWORD}\b.*?\s+at\s+(?P<company>[A-Z0-9].+)$"


# Where a title's next part starts: "Senior Data Engineer: System design".
_CUT = r"(?i)\s+[-|/]\s+|\s*:\s+|\s+\(|\s+(?:with|at|for|<>)\s+"


_PARTS = r"(?i)\s+(?:<>|x|/|\||-)\s+"


_STAGE_WORDS = words(
    """technical final first second third fourth 1st 2nd 3rd round phone video virtual
    onsite on-site panel behavioral behavioural culture coding initial intro introductory
    recruiter hiring manager follow-up followup take-home interview interviews screen
    screening loop role position opening job the a an"""
)


_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-"})


# Meeting links worth a note; help and dial-in pages around them are not.
_LINK_END = r"[^\s\"'<>()\[\]]+"


_MEETING_LINK = (
    r"(?i)https://(?:"
    r"meet\.google\.com/[a-z]{3}-[a-z]{4}-[a-z]{3}"
    rf"|(?:[\w-]+\.)?zoom(?:gov)?\.(?:us|com)/(?:j|w|my|s)/{_LINK_END}"
    rf"|teams\.microsoft\.com/(?:l/meetup-join|meet)/{_LINK_END}"
    rf"|teams\.live\.com/meet/{_LINK_END}"
    rf"|(?:[\w-]+\.)?webex\.com/(?:meet/|join/|[\w-]+/j\.php){_LINK_END}"
    r"|(?:app\.)?chime\.aws/\d+"
    rf"|whereby\.com/{_LINK_END}"
    rf"|meet\.jit\.si/{_LINK_END}"
    r")"
)


_ANY_LINK = rf"(?i)https?://{_LINK_END}"


_PLATFORM_WORDS = ("teams", "zoom", "google meet", "webex", "online", "video call", "virtual")


_ZOOM_HOST = r"(?m)^(?P<name>[^\n]{1,80}?) is inviting you to a scheduled Zoom meeting"


_NAME_SUFFIXES = words("jr jr. sr sr. ii iii iv phd md mba")


def is_person(person: Attendee, me: str | None) -> bool:
    if person.cutype in ("ROOM", "RESOURCE", "GROUP"):
        return False
    if person.partstat in ("DECLINED", "DELEGATED") or person.role == "NON-PARTICIPANT":
        return False
    if person.email is None:
        return bool(person.name)
    return person.email.casefold() != me and not is_service(person.email)


def interviewers_of(events: list[InviteEvent], me: str | None) -> tuple[Interviewer, ...]:
    """Everyone met in the loop, once each: organizers first, then attendees."""
    # A declined or removed attendee in one event still counts if they attend another.
    chosen: dict[str, Attendee] = {}
    everyone = [e.organizer for e in events if e.organizer] + [
        a for e in events for a in e.attendees
    ]
    for person in everyone:
        if not is_person(person, me):
            continue
        key = (person.email or person.name or "").casefold()
        if key and key not in chosen:
            chosen[key] = person
    people: list[Interviewer] = []
    taken: set[str] = set()
    for person in chosen.values():
        name = display_name(person.name, person.email)
        email_ok = person.email if person.email and is_address(person.email) else None
        if name.casefold() in taken:  # two people, one name: the address tells them apart
            name = f"{name} ({person.email})"
        taken.add(name.casefold())
        people.append(Interviewer(name=name, email=email_ok))
    return tuple(people)


def zoom_host(events: list[InviteEvent]) -> tuple[Interviewer, ...]:
    """The host Zoom's own .ics names only in its text: "Jordan Ellis is inviting you ..."."""
    for event in events:
        match = re.search(_ZOOM_HOST, event.description or "")
        if match and match["name"].strip():
            return (Interviewer(name=match["name"].strip()),)
    return ()


def display_name(cn: str | None, address: str | None) -> str:
    """A person's name from CN, else from the address: "priya.raman@x" -> "Priya Raman"."""
    name = _notes_name((cn or "").strip().strip("'\"").strip())
    if name and (address is None or name.casefold() != address.casefold()) and "@" not in name:
        return _first_last(name)
    local = (address or name).split("@", 1)[0]
    words = [w for w in re.split(r"[._+-]+", local) if w and not w.isdigit()]
    return " ".join(w.capitalize() for w in words) or (address or name)


def _notes_name(name: str) -> str:
    """Lotus Notes' hierarchical names as the person's own: "Paul Wulf/Germany/IBM" and
    "CN=Paul Wulf/OU=Germany/O=IBM" are "Paul Wulf"."""
    if "/" not in name or "@" in name or "://" in name:
        return name
    first, *rest = [part.strip() for part in name.split("/")]
    if not all(re.match(r"^(?:[A-Za-z]{1,2}=)?[^\W\d_][\w&.-]*$", part) for part in rest):
        return name  # "Conf Room 4/2204 (12)" is a room's name, not a Notes hierarchy
    if first[:3].upper() == "CN=":
        first = first[3:].strip()
    return first or name


# A name part of "Surname, Given": letters, with hyphens, apostrophes and full stops.
_NAME_PART = r"^[^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*)?$"


# Words that make a "Last, First" pair an account or a team, not a person.
_NOT_NAME_WORDS = words(
    """admin administrator account accounts team calendar room service support test user
    users system group office hr recruiting talent info"""
)


def _first_last(name: str) -> str:
    """Outlook's directory form "Raman, Priya" as "Priya Raman"; other names as written."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) != 2 or not all(parts) or parts[1].casefold() in _NAME_SUFFIXES:
        return name
    if not all(re.match(_NAME_PART, part) for part in parts):
        return name  # digits or long phrases: "Admin Account, Tine 2.0" is no person
    if any(w.casefold() in _NOT_NAME_WORDS for part in parts for w in part.split()):
        return name
    return f"{parts[1]} {parts[0]}"


def known_names(events: list[InviteEvent]) -> set[str]:
    """Every name the invitation gives a person, the user's included, folded for matching."""
    names: set[str] = set()
    for event in events:
        for person in ([event.organizer] if event.organizer else []) + list(event.attendees):
            names.add(display_name(person.name, person.email).casefold())
            if person.email:
                names.add(display_name(None, person.email).casefold())
    return names


def employer_domain(events: list[InviteEvent], me: str | None) -> str | None:
    """The organizer's work domain, else the interviewers' most common one."""
    mine = domain_of(me)

    def works_there(address: str | None) -> bool:
        domain = domain_of(address)
        if not domain or domain == mine or is_free_mail(domain):
            return False
        return not is_service(address or "")

    for event in events:
        if event.organizer and works_there(event.organizer.email):
            return domain_of(event.organizer.email)
    counts = Counter(
        domain_of(a.email)
        for e in events
        for a in e.attendees
        if is_person(a, me) and works_there(a.email)
    )
    return counts.most_common(1)[0][0] if counts else None


def company_from_domain(domain: str) -> str:
    """The company a domain names: northwind-traders.com -> "Northwind Traders".

    A name of three letters or fewer is taken as an acronym: ibm.com -> "IBM".
    """
    parts = [w for w in re.split(r"[-_]+", registrable_name(domain)) if w]
    return " ".join(w.upper() if len(w) <= 3 and w.isalpha() else w.capitalize() for w in parts)


def spelled_as_written(company: str, texts: list[str]) -> str:
    """The company as the invitation's own texts write it ("IBM", "OpenAI"), if they do."""
    pattern = r"(?<![\w])" + r"[\s-]?".join(re.escape(w) for w in company.split()) + r"(?![\w])"
    for text in texts:
        match = re.search(pattern, text or "", re.I)
        if match and match.group(0) != match.group(0).lower():
            return match.group(0)
    return company


# Legal forms a title may add to the name a domain gives: "Lumière SA" for lumiere.fr.
_LEGAL_FORMS = words("sa sas sarl ag gmbh kg se inc llc ltd plc co corp bv nv ab as oy spa srl kk")


def choose_company(domain: str | None, from_summary: str | None) -> str | None:
    if domain is None:
        return from_summary
    named = company_from_domain(domain)
    if from_summary and _letters(from_summary) == _letters(named):
        return from_summary  # the title spells it as the company does: "OpenAI", not "Openai"
    if from_summary:
        *head, last = from_summary.split() or [""]
        legal = bool(head) and last.casefold().strip(".") in _LEGAL_FORMS
        if legal and _letters(" ".join(head)) == _letters(named):
            return from_summary  # "Lumière SA" for lumiere.fr
    return named or from_summary


def _letters(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c))


def _segment(text: str) -> str:
    """The text up to the title's next part, without trailing punctuation."""
    return re.split(_CUT, text, maxsplit=1)[0].strip(" .;:-|\"'")


def _strip_stage(text: str) -> str:
    """A role without the words that name the interview's stage ("Final", "round")."""
    words = text.split()
    while words and words[0].casefold().strip("()") in _STAGE_WORDS:
        words.pop(0)
    while words and words[-1].casefold().strip("()") in _STAGE_WORDS:
        words.pop()
    return " ".join(words)


def role_from_summary(summary: str, names: set[str], company: str | None = None) -> str | None:
    """The role a title names, or None: "Interview: Alex Morgan for Senior Data Engineer"."""
    text = " ".join(summary.translate(_DASHES).split())
    found: list[str] = []
    match = re.search(_SHAPED, text)
    if match:  # "Interview Fenwick & Rowe - Product Designer (Alex Morgan)"
        found.append(match["role"])
    match = re.search(_ROLE_WITH, text)
    if match:  # "Interview with Northwind Traders - Data Engineer"
        found.append(_segment(match["role"]))
    match = re.search(_ROLE_FOR, text)
    if match:  # "... for Senior Data Engineer: System design"
        found.append(_segment(match["role"]))
    match = re.search(_ROLE_BEFORE, text)
    if match:  # "Northwind Traders - Senior Data Engineer interview"
        found.append(re.split(_PARTS, match["role"])[-1])
    match = re.search(_ROLE_AFTER, text)
    if match:  # "Interview - Senior Data Engineer - Alex Morgan"
        found.extend(_segment(part) for part in re.split(_PARTS, match["role"]))
    for candidate in found:
        candidate = candidate.strip(" -|:")
        role = _strip_stage(_without_company(_strip_stage(candidate), company))
        if _plausible(role, names, company):
            return role
    return None


def _without_company(role: str, company: str | None) -> str:
    if company and role.casefold().startswith(company.casefold() + " "):
        return role[len(company) :].strip()
    return role


def _plausible(text: str, names: set[str], company: str | None) -> bool:
    if not text or len(text) > 80 or text.casefold() in names:
        return False
    if company and _letters(text) == _letters(company):
        return False
    return re.search(_KEYWORD, text, re.I) is None and any(c.isalpha() for c in text)


def company_from_summary(summary: str, names: set[str]) -> str | None:
    """The company a title names, or None: "Interview with Northwind Traders"."""
    text = " ".join(summary.translate(_DASHES).split())
    shaped = re.search(_SHAPED, text)
    if shaped and _plausible(shaped["company"].strip(), names, None):
        return shaped["company"].strip()
    for pattern in (_COMPANY_WITH, _COMPANY_AT):
        match = re.search(pattern, text)
        if match:
            candidate = _segment(match["company"])
            if _plausible(candidate, names, None):
                return candidate
    parts = [p.strip(" .:") for p in re.split(_PARTS, text)]
    if len(parts) < 2:
        return None
    role = role_from_summary(text, names)
    left = [
        p
        for p in parts
        if p
        and p.casefold() not in names
        and p != role
        and re.search(_KEYWORD, p, re.I) is None
        and (role is None or role not in p)
    ]
    return left[0] if len(left) == 1 and _plausible(left[0], names, None) else None


def suggest_country(domain: str | None) -> str | None:
    """The country a domain's country code suggests (".co.uk" -> GB), or None.

    Codes sold as generic names (.io, .ai, .co, .me, .tv ...) suggest nothing.
    """
    if not domain:
        return None
    code = domain.lower().strip(".").rsplit(".", 1)[-1]
    if len(code) != 2 or code in GENERIC_CCTLDS or code in ("eu", "su"):
        return None
    from afterview.core.businessdays import check_country

    code = "gb" if code == "uk" else code
    try:
        return check_country(code)
    except PlaceError:
        return None


def meeting_links(event: InviteEvent) -> list[str]:
    """The event's meeting links, best first: conference properties, LOCATION, DESCRIPTION."""
    import html

    found: list[str] = [link for link in event.links if re.match(_MEETING_LINK, link)]
    for text in (event.location, event.description):
        for match in re.finditer(_MEETING_LINK, text or ""):
            found.append(html.unescape(match.group(0)).rstrip(".,;:"))
    if not found:
        found = list(event.links)
    if not found and event.location:
        found = [m.group(0).rstrip(".,;:") for m in re.finditer(_ANY_LINK, event.location)]
    unique: list[str] = []
    for link in found:
        if link not in unique:
            unique.append(link)
    return unique


def place_of(event: InviteEvent, has_link: bool) -> str | None:
    """The event's physical location, without meeting-platform placeholders and links."""
    if not event.location:
        return None
    parts = [p.strip() for p in event.location.split(";")]
    kept = [
        p
        for p in parts
        if p
        and not re.search(_ANY_LINK, p)
        and not (has_link and any(w in p.casefold() for w in _PLATFORM_WORDS))
    ]
    return "; ".join(kept) or None


def notes_of(
    loop: list[InviteEvent], later: list[InviteEvent], zone_note: str | None
) -> str | None:
    lines: list[str] = []
    for event in loop:
        links = meeting_links(event)
        if links and f"Join: {links[0]}" not in lines:
            lines.append(f"Join: {links[0]}")
        place = place_of(event, bool(links))
        if place and f"Location: {place}" not in lines:
            lines.append(f"Location: {place}")
    if later:
        first = later[0].start
        lines.append(
            f"The invitation also holds {len(later)} later meeting(s), from "
            f"{first:%a} {first.day} {first:%b %Y}; they are not part of this plan."
        )
    if zone_note:
        lines.append(zone_note)
    return "\n".join(lines) or None
