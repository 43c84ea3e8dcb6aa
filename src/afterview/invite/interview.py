"""Start from the invitation: an .ics file or a saved e-mail becomes an interview.

The employer's calendar invitation already holds the time, the zone and the people;
this module reads it (``load_invitation``) and turns it into an Interview
(``interview_from_invitation``), asking only for what no invitation says. The
core is pure: the caller passes today's date, the user's defaults and a prompt
callback (``None`` when there is no terminal), so scripts and tests never block.

Decisions, each one a line a user can rely on:

- **Time zone.** A TZID keeps its zone (Windows names such as "Pacific Standard
  Time" map to IANA through icalendar's CLDR table); ``--timezone`` does not move
  it. UTC times (Zoom, schedulers) and zones known only by their VTIMEZONE are
  instants: they take ``--timezone``, else the settings' zone, else a question
  (offering the invitation's own hint: X-WR-TIMEZONE or Zoom's TZID line), else
  that hint, else stay in UTC with a line in the notes. Floating times (no zone at
  all) take ``--timezone``, else X-WR-TIMEZONE, else the settings' zone, else a
  question, else an InviteError: a floating time cannot be guessed.
- **A loop.** Every timed, non-cancelled event that starts on the first one's
  local day or the next (``LOOP_DAYS``) is part of the loop: a day of
  back-to-back interviews, or an onsite over two days. Start is the first start,
  end the last end, and everyone met gets one thank-you. A series (RRULE with
  COUNT or UNTIL, minus EXDATEs, with RECURRENCE-ID changes) counts its meetings;
  an endless series is a standing meeting, so only its first counts. Later
  meetings are left out, and the notes say so.
- **People.** The organizer comes first (usually the recruiter, so check-ins go
  there), then the attendees in the file's order, each once. Left out: the user
  (``me``, which the CLI takes from --me, AFTERVIEW_EMAIL or the settings; else
  the .eml's addressee), rooms and resources (CUTYPE ROOM/RESOURCE, or Google's
  resource calendars), groups, declined, delegated and non-participant
  attendees, and no-reply or calendar-service addresses. A missing name (Google
  writes the address as CN) becomes the address's local part, "priya.raman" ->
  "Priya Raman"; Outlook's "Raman, Priya" becomes "Priya Raman". Zoom's own .ics
  names no one, so its "<host> is inviting you" line names the interviewer.
- **Company.** ``--company``, else the organizer's domain ("northwind-traders.com"
  -> "Northwind Traders"), else the interviewers' most common work domain, else
  the title ("Interview with Northwind Traders", "Northwind Traders <> Alex
  Morgan"), else a question, else an InviteError asking for ``--company``. Free
  mail and scheduling services (gmail.com, zoom.us, greenhouse.io ...) never name
  the company. When the title spells the domain's name ("OpenAI" for openai.com),
  the title's spelling wins.
- **Role.** ``--role``, else the title ("Interview: Alex Morgan for Senior Data
  Engineer", "Senior Data Engineer interview", "Interview – Senior Data
  Engineer"), else a question, else an InviteError asking for ``--role``: drafts
  say "the <role> role", and a placeholder there would reach the employer.
- **Country.** ``--country``; with a terminal, a question offering the employer's
  country-code domain (".co.uk" -> GB), else the settings' country; without one,
  the settings' country, else an InviteError: afterview does not guess. Country
  codes used as generic names (.io, .ai, .co, .me, .tv ...) suggest nothing; .is
  is taken as Iceland, since the suggestion is only a default the user confirms.
- **Timeline and policy.** ``--decision``, else a question (blank for none),
  else none; ``--policy``, else "standard". Neither is checked here: the caller
  plans the interview (``planner.make_plan``) before saving it, as ``new`` does.
- **Notes.** The meeting link (Meet, Zoom, Teams, Webex ... from the conference
  properties, LOCATION or DESCRIPTION, never help or dial-in pages) as "Join:
  <url>", and a physical place as "Location: <place>".
- **Refusals.** No VEVENT, METHOD:CANCEL, only cancelled or all-day events, an
  interview more than a year before today, a broken or calendar-less .eml: one
  line and the InviteError exit code.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from afterview.errors import InviteError, PlaceError
from afterview.formats.files import INVITATION_SUFFIXES, read_bytes
from afterview.model import Interview, Interviewer

if TYPE_CHECKING:
    from email.message import Message

# ics.py imports this module for its dataclasses on every plan, so the e-mail
# package and the holiday calendar are imported only where an invitation is read.

Ask = Callable[[str, str | None], str]

# Events of one loop start within this many days of the first (an onsite over two days).
LOOP_DAYS = 2
# E-mails carry attachments, and Outlook embeds them in the .ics too: refuse only
# what no invitation reaches, so a wrong file (a video, a disk image) is not read.
MAX_INVITE_BYTES = 30_000_000
PAST_LIMIT = dt.timedelta(days=366)
FIRST_YEAR, LAST_YEAR = 2000, 2099  # what the interview file accepts
DEFAULT_LENGTH = dt.timedelta(hours=1)
ASK_TRIES = 3


def _words(text: str) -> frozenset[str]:
    """A set from words separated by white space: long lists stay readable."""
    return frozenset(text.split())


# Patterns are kept as text and compiled by re's cache on first use: ics.py imports
# this module on every plan, and most plans read no invitation.
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"  # the interview file's own check

# Free mail: the address says nothing about the employer.
FREE_MAIL = _words(
    """gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com ymail.com
    icloud.com me.com mac.com aol.com proton.me protonmail.com pm.me gmx.com gmx.de gmx.net
    web.de mail.com zoho.com yandex.com yandex.ru fastmail.com hey.com qq.com 163.com 126.com
    naver.com btinternet.com orange.fr free.fr t-online.de libero.it"""
)
# Country variants of the big free-mail brands (hotmail.co.uk, yahoo.fr ...).
FREE_MAIL_BRANDS = ("hotmail.", "outlook.", "yahoo.", "live.", "gmx.")
# Calendar, meeting and recruiting services that send invitations for employers.
SERVICES = _words(
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
    r"(?i)^(?:no-?reply|do-?not-?reply|notifications?|calendar(?:-notification)?|"
    r"mailer-daemon|postmaster|scheduling|invites?|bounces?)(?:[+._-].*)?$"
)
# Country-code domains that sell as generic names; they say nothing about the employer.
GENERIC_CCTLDS = _words(
    """ac ag ai am as bz cc cd cf co cx dj fm ga gd gg gl gq gs gy im io la ly md me ml ms
    mu nu pw sc sh so st tk tm to tv vc vg ws"""
)
# Second-level labels under a country code: fenwick-rowe.co.uk is "fenwick-rowe".
_SECOND_LEVEL = _words("co com org net ac gov edu ltd plc or ne gob gv go")

_KEYWORD = r"(?:interviews?|screen(?:ing)?|on-?site|loop)"
_ROLE_FOR = rf"(?i)\b{_KEYWORD}\b.*?\bfor\s+(?:the\s+|a\s+|an\s+)?(?P<role>.+)$"
_ROLE_BEFORE = rf"(?i)^(?P<role>.+?)\s+(?:phone\s+|video\s+)?{_KEYWORD}\b"
_ROLE_AFTER = rf"(?i)\b{_KEYWORD}\s*(?:[-:|])\s*(?P<role>.+)$"
_COMPANY_WITH = (
    r"(?i)\b(?:interviews?|screen(?:ing)?|chat|call|conversation|meeting|on-?site)\s+"
    r"(?:with|at)\s+(?P<company>.+)$"
)
_COMPANY_AT = rf"(?i)\b{_KEYWORD}\b.*?\s+at\s+(?P<company>[A-Z0-9].+)$"
# Where a title's next part starts: "Senior Data Engineer: System design".
_CUT = r"(?i)\s+[-|/]\s+|\s*:\s+|\s+\(|\s+(?:with|at|for|<>)\s+"
_PARTS = r"(?i)\s+(?:<>|x|/|\||-)\s+"
_STAGE_WORDS = _words(
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
_NAME_SUFFIXES = _words("jr jr. sr sr. ii iii iv phd md mba")


@dataclass(frozen=True)
class Attendee:
    """A person, room or group an invitation names (ORGANIZER or ATTENDEE)."""

    email: str | None
    name: str | None  # CN as written; Google writes the address when it knows no name
    cutype: str = "INDIVIDUAL"
    partstat: str = "NEEDS-ACTION"
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class InviteEvent:
    """One meeting of an invitation, as the file says it.

    ``start`` and ``end`` are wall-clock times in ``zone``: an IANA name, "UTC", or
    None when the time is floating. ``tzid`` is the TZID as written, for messages.
    """

    uid: str
    summary: str
    start: dt.datetime
    end: dt.datetime | None
    zone: str | None
    tzid: str | None = None
    all_day: bool = False
    status: str = ""
    organizer: Attendee | None = None
    attendees: tuple[Attendee, ...] = ()
    location: str | None = None
    description: str | None = None
    links: tuple[str, ...] = ()  # conference properties: X-GOOGLE-CONFERENCE, Teams, URL
    zone_hint: str | None = None  # a zone named beside UTC times (Zoom's TZID line)
    recurring: bool = False


@dataclass(frozen=True)
class Invitation:
    """An invitation file: its events, its METHOD and what it says about zones."""

    events: tuple[InviteEvent, ...]
    method: str | None = None
    zone_hint: str | None = None  # X-WR-TIMEZONE
    source: str = "invitation"  # the file, for messages
    recipient: str | None = None  # who a saved e-mail was delivered to


# ---------------------------------------------------------------------------- loading


def load_invitation(path: Path) -> Invitation:
    """The invitation in an .ics file or a saved e-mail (.eml), or an InviteError."""
    from afterview.formats.ics import read_invitation

    source = str(path)
    data = _read_bytes(path)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file: Outlook's .msg
        raise InviteError(
            f"{source}: Outlook .msg files cannot be read: save the invitation as .ics "
            "(or the message as .eml) and try again"
        )
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if head.startswith(b"BEGIN:VCALENDAR"):
        return read_invitation(data, source)
    if path.suffix.lower() in INVITATION_SUFFIXES[:4] and not _looks_like_mail(data):
        raise InviteError(
            f"{source}: not a calendar file (it does not start with BEGIN:VCALENDAR): "
            "save the invitation again from your calendar"
        )
    return _from_email(data, source)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, with the same messages as any other file afterview reads."""
    return read_bytes(path, "invitation (.ics or .eml)", MAX_INVITE_BYTES)


def _looks_like_mail(data: bytes) -> bool:
    lines = data.lstrip()[:2000].split(b"\n", 2)
    first = lines[1] if lines[0].startswith(b"From ") and len(lines) > 1 else lines[0]  # mbox
    return re.match(rb"^[A-Za-z][A-Za-z0-9-]*:", first) is not None


def _from_email(data: bytes, source: str) -> Invitation:
    import email
    import email.errors
    import email.policy

    from afterview.formats.ics import read_invitation

    message = email.message_from_bytes(data, policy=email.policy.default)
    if not _looks_like_mail(data) or any(
        isinstance(d, email.errors.MissingHeaderBodySeparatorDefect) for d in message.defects
    ):
        raise InviteError(
            f"{source}: neither an invitation (.ics) nor a saved e-mail (.eml): "
            "save the message from your mail app ('Save as' or 'Download message')"
        )
    cut_short = (email.errors.CloseBoundaryNotFoundDefect, email.errors.StartBoundaryNotFoundDefect)
    for part in message.walk():
        if any(isinstance(d, cut_short) for d in part.defects):
            raise InviteError(
                f"{source}: the e-mail is cut short (a MIME part never ends): "
                "save the message again from your mail app"
            )
    parts = [part for part in message.walk() if _is_calendar(part)]
    if not parts:
        raise InviteError(
            f"{source}: no calendar invitation in this e-mail (no text/calendar part or "
            ".ics attachment): open the invitation itself, or save its .ics attachment"
        )
    first_error: InviteError | None = None
    for part in parts:
        try:
            invitation = read_invitation(_calendar_bytes(part, source), source)
        except InviteError as error:
            first_error = first_error or error
            continue
        return Invitation(
            events=invitation.events,
            method=invitation.method or _method_param(part),
            zone_hint=invitation.zone_hint,
            source=source,
            recipient=_recipient(message),
        )
    assert first_error is not None
    raise first_error


_CALENDAR_TYPES = ("text/calendar", "application/ics", "application/x-ics", "text/x-vcalendar")


def _is_calendar(part: Message) -> bool:
    if part.is_multipart():
        return False
    filename = (part.get_filename() or "").lower()
    return part.get_content_type() in _CALENDAR_TYPES or filename.endswith((".ics", ".ical"))


def _calendar_bytes(part: Message, source: str) -> bytes:
    """The part's calendar as UTF-8 bytes, decoded from base64 or quoted-printable."""
    from email.errors import (
        InvalidBase64CharactersDefect,
        InvalidBase64LengthDefect,
        InvalidBase64PaddingDefect,
    )

    bad_base64 = (
        InvalidBase64CharactersDefect,
        InvalidBase64LengthDefect,
        InvalidBase64PaddingDefect,
    )
    payload = part.get_payload(decode=True)  # records bad base64 in part.defects
    if any(isinstance(d, bad_base64) for d in part.defects):
        raise InviteError(
            f"{source}: the e-mail's calendar attachment is damaged (bad base64): "
            "save the message again, or save the .ics attachment itself"
        )
    if not isinstance(payload, bytes):
        return b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace").encode("utf-8")
    except LookupError:  # an unknown charset name: iCalendar is UTF-8 by default
        return payload


def _method_param(part: Message) -> str | None:
    method = part.get_param("method")
    return str(method).upper() if isinstance(method, str) else None


def _recipient(message: Message) -> str | None:
    """Who the e-mail was delivered to, when that is one address: most likely the user."""
    import email.utils

    for header in ("Delivered-To", "X-Original-To", "To"):
        values = message.get_all(header) or []
        addresses = [a for _name, a in email.utils.getaddresses([str(v) for v in values]) if a]
        unique = {a.casefold() for a in addresses}
        if len(unique) == 1:
            return addresses[0]
    return None


# ---------------------------------------------------------------------------- deciding


def interview_from_invitation(
    inv: Invitation,
    *,
    me: str | None,
    country: str | None,
    subdivision: str | None,
    decision: str | None,
    policy: str | None,
    timezone: str | None,
    defaults: dict[str, str],
    ask: Ask | None,
    today: dt.date,
    company: str | None = None,
    role: str | None = None,
) -> Interview:
    """The interview an invitation describes; ``ask`` (None without a terminal) fills gaps.

    ``defaults`` are the user's settings (country, subdivision, timezone); ``today``
    dates the "more than a year ago" check. Raises InviteError or PlaceError.
    """
    source = inv.source
    if inv.method == "CANCEL":
        raise InviteError(f"{source}: this invitation was cancelled (METHOD:CANCEL)")
    if not inv.events:
        raise InviteError(f"{source}: no event (VEVENT) in it: is it an invitation?")
    live = [e for e in inv.events if e.status != "CANCELLED"]
    if not live:
        raise InviteError(f"{source}: this invitation was cancelled (STATUS:CANCELLED)")
    timed = [e for e in live if not e.all_day]
    if not timed:
        raise InviteError(
            f"{source}: the event is all-day, with no time: write the interview file "
            "with afterview new instead"
        )
    for event in timed:  # before moving zones, which overflows in the year 1 or 9999
        _check_date(event.start, today, source)
    zone, zone_note = _choose_zone(timed, inv, timezone, defaults, ask)
    loop, later = _loop([_in_zone(e, zone) for e in timed])
    start = loop[0].start.replace(second=0, microsecond=0)
    end = max(_end(e) for e in loop).replace(second=0, microsecond=0)
    _check_date(start, today, source)
    me = _clean_address(me) or _clean_address(inv.recipient)
    domain = _employer_domain(loop, me)
    found_company, found_role = _company_and_role(loop, domain, company, role, ask, source)
    people = _interviewers(loop, me) or _zoom_host(loop) or _ask_interviewer(ask, source)
    chosen_country = _choose_country(country, domain, defaults, ask, source)
    if subdivision is None and chosen_country == defaults.get("country", "").upper():
        subdivision = defaults.get("subdivision")  # a region belongs to its own country
    if decision is None and ask is not None:
        decision = ask(
            "What did they say about the decision timeline? (e.g. 'by Friday', blank if nothing)",
            None,
        )
    return Interview(
        company=found_company,
        role=found_role,
        start=start,
        end=end,
        timezone=zone,
        country=chosen_country,
        interviewers=people,
        subdivision=(subdivision or "").strip() or None,
        policy=(policy or "").strip() or "standard",
        decision=(decision or "").strip() or None,
        notes=_notes(loop, later, zone_note),
    )


def _company_and_role(
    loop: list[InviteEvent],
    domain: str | None,
    company: str | None,
    role: str | None,
    ask: Ask | None,
    source: str,
) -> tuple[str, str]:
    """The company and the role: the options, else the domain and titles, else questions."""
    names = _known_names(loop)
    titles = [event.summary.translate(_DASHES) for event in loop]
    from_title = next((c for t in titles if (c := company_from_summary(t, names))), None)
    found_company = (company or "").strip() or _company(domain, from_title)
    found_role = (role or "").strip() or next(
        (r for t in titles if (r := role_from_summary(t, names, from_title))), None
    )
    summary = loop[0].summary or "(no title)"
    if not found_company:
        found_company = _required(
            ask,
            "Company (the invitation does not say)",
            f"{source}: cannot tell the company from the invitation ('{summary}'): "
            'pass --company "Name"',
        )
    if not found_role:
        found_role = _required(
            ask,
            "Role (the invitation's title does not say)",
            f"{source}: the invitation's title '{summary}' does not name the role: "
            'pass --role "Title"',
        )
    return found_company, found_role


def _ask_interviewer(ask: Ask | None, source: str) -> tuple[Interviewer, ...]:
    """One interviewer from the terminal, when the invitation names no one but the user."""
    name = _required(
        ask,
        "Interviewer's name (the invitation names no one but you)",
        f"{source}: the invitation names no one but you: "
        "write the interview file with afterview new",
    )
    return (Interviewer(name=name),)


def _required(ask: Ask | None, question: str, refusal: str) -> str:
    if ask is not None:
        for _ in range(ASK_TRIES):
            answer = ask(question, None).strip()
            if answer:
                return answer
    raise InviteError(refusal)


# ---------------------------------------------------------------------------- time


def _choose_zone(
    events: list[InviteEvent],
    inv: Invitation,
    option: str | None,
    defaults: dict[str, str],
    ask: Ask | None,
) -> tuple[str, str | None]:
    """The interview's zone, and a note for the file when it had to stay UTC."""
    option = _check_zone(option) if option else None  # a typo is reported even if unused
    named = next((e.zone for e in events if e.zone not in (None, "UTC")), None)
    if named is not None:
        return named, None
    hint = next((e.zone_hint for e in events if e.zone_hint), None) or inv.zone_hint
    if option:
        return option, None
    floating = all(e.zone is None for e in events)
    settings = defaults.get("timezone")
    if floating and inv.zone_hint:
        return inv.zone_hint, None  # X-WR-TIMEZONE says how to read floating times
    if settings:
        return _check_zone(settings), None
    if ask is not None:
        kind = "no time zone" if floating else "times in UTC"
        question = f"Time zone of the interview (the invitation gives {kind}; e.g. Europe/London)"
        refusal = f"{inv.source}: no time zone given: pass --timezone (like America/New_York)"
        return _ask_valid(ask, question, hint, _check_zone, refusal), None
    if hint:
        return hint, None
    if floating:
        written = next((e.tzid for e in events if e.tzid), None)
        what = f"an unknown time zone '{written}'" if written else "no time zone"
        raise InviteError(
            f"{inv.source}: the invitation's times have {what}: "
            "pass --timezone (like America/New_York)"
        )
    return "UTC", "Times are in UTC (the invitation named no zone): change timezone if needed."


def _check_zone(name: str) -> str:
    cleaned = name.strip()
    try:
        zoneinfo.ZoneInfo(cleaned)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "Pacific" is a folder
        raise PlaceError(
            f"'{name}' is not a time zone: use an IANA name like America/New_York or Europe/London"
        ) from None
    return cleaned


def _ask_valid(
    ask: Ask, question: str, default: str | None, check: Callable[[str], str], refusal: str
) -> str:
    """Ask until ``check`` accepts the answer, at most ASK_TRIES times."""
    problem: PlaceError | None = None
    for _ in range(ASK_TRIES):
        shown = f"{problem}. {question}" if problem else question
        answer = ask(shown, default).strip() or (default or "")
        if not answer:
            continue
        try:
            return check(answer)
        except PlaceError as error:
            problem = error
    if problem is not None:
        raise problem
    raise InviteError(refusal)


def _in_zone(event: InviteEvent, zone: str) -> InviteEvent:
    """The event's times as wall-clock times in ``zone`` (floating times are taken as it)."""
    if event.zone is None or event.zone == zone:
        return event
    source, target = zoneinfo.ZoneInfo(event.zone), zoneinfo.ZoneInfo(zone)

    def move(moment: dt.datetime) -> dt.datetime:
        return moment.replace(tzinfo=source).astimezone(target).replace(tzinfo=None)

    end = move(event.end) if event.end else None
    return replace(event, start=move(event.start), end=end, zone=zone)


def _loop(events: list[InviteEvent]) -> tuple[list[InviteEvent], list[InviteEvent]]:
    """The meetings of the first loop, in order, and the later ones left out."""
    ordered = sorted(events, key=lambda e: (e.start, _end(e)))
    last_day = ordered[0].start.date() + dt.timedelta(days=LOOP_DAYS - 1)
    loop = [e for e in ordered if e.start.date() <= last_day]
    return loop, [e for e in ordered if e.start.date() > last_day]


def _end(event: InviteEvent) -> dt.datetime:
    if event.end is None or event.end <= event.start:
        return event.start + DEFAULT_LENGTH
    return event.end


def _check_date(start: dt.datetime, today: dt.date, source: str) -> None:
    if start.date() < today - PAST_LIMIT:
        raise InviteError(
            f"{source}: the interview was on {start:%Y-%m-%d}, more than a year ago: "
            "check that this is the right invitation"
        )
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        raise InviteError(f"{source}: the interview is in the year {start.year}: check the file")


# ---------------------------------------------------------------------------- people


def _clean_address(address: str | None) -> str | None:
    if not address:
        return None
    cleaned = address.strip()
    if cleaned.lower().startswith("mailto:"):
        cleaned = cleaned[7:]
    return cleaned.casefold() or None


def _domain(address: str | None) -> str:
    if not address or "@" not in address:
        return ""
    return address.rsplit("@", 1)[1].strip().lower().rstrip(".")


def _under(domain: str, parents: Iterable[str]) -> bool:
    return any(domain == p or domain.endswith("." + p) for p in parents)


def is_free_mail(domain: str) -> bool:
    """Whether ``domain`` is a free-mail provider (gmail.com, hotmail.co.uk ...)."""
    return domain in FREE_MAIL or domain.startswith(FREE_MAIL_BRANDS)


def is_service(address: str) -> bool:
    """Whether ``address`` belongs to a bot or a calendar, meeting or recruiting service."""
    local = address.split("@", 1)[0]
    return re.match(_BOT, local) is not None or _under(_domain(address), SERVICES)


def _is_person(person: Attendee, me: str | None) -> bool:
    if person.cutype in ("ROOM", "RESOURCE", "GROUP"):
        return False
    if person.partstat in ("DECLINED", "DELEGATED") or person.role == "NON-PARTICIPANT":
        return False
    if person.email is None:
        return bool(person.name)
    return person.email.casefold() != me and not is_service(person.email)


def _interviewers(events: list[InviteEvent], me: str | None) -> tuple[Interviewer, ...]:
    """Everyone met in the loop, once each: organizers first, then attendees."""
    # A declined or removed attendee in one event still counts if they attend another.
    chosen: dict[str, Attendee] = {}
    everyone = [e.organizer for e in events if e.organizer] + [
        a for e in events for a in e.attendees
    ]
    for person in everyone:
        if not _is_person(person, me):
            continue
        key = (person.email or person.name or "").casefold()
        if key and key not in chosen:
            chosen[key] = person
    people: list[Interviewer] = []
    taken: set[str] = set()
    for person in chosen.values():
        name = display_name(person.name, person.email)
        email_ok = person.email if person.email and re.match(_EMAIL, person.email) else None
        if name.casefold() in taken:  # two people, one name: the address tells them apart
            name = f"{name} ({person.email})"
        taken.add(name.casefold())
        people.append(Interviewer(name=name, email=email_ok))
    return tuple(people)


def _zoom_host(events: list[InviteEvent]) -> tuple[Interviewer, ...]:
    """The host Zoom's own .ics names only in its text: "Jordan Ellis is inviting you ..."."""
    for event in events:
        match = re.search(_ZOOM_HOST, event.description or "")
        if match and match["name"].strip():
            return (Interviewer(name=match["name"].strip()),)
    return ()


def display_name(cn: str | None, address: str | None) -> str:
    """A person's name from CN, else from the address: "priya.raman@x" -> "Priya Raman"."""
    name = (cn or "").strip().strip("'\"").strip()
    if name and (address is None or name.casefold() != address.casefold()) and "@" not in name:
        return _first_last(name)
    local = (address or name).split("@", 1)[0]
    words = [w for w in re.split(r"[._+-]+", local) if w and not w.isdigit()]
    return " ".join(w.capitalize() for w in words) or (address or name)


def _first_last(name: str) -> str:
    """Outlook's directory form "Raman, Priya" as "Priya Raman"; other names as written."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) != 2 or not all(parts) or parts[1].casefold() in _NAME_SUFFIXES:
        return name
    if len(parts[0].split()) > 2 or len(parts[1].split()) > 2:
        return name
    return f"{parts[1]} {parts[0]}"


def _known_names(events: list[InviteEvent]) -> set[str]:
    """Every name the invitation gives a person, the user's included, folded for matching."""
    names: set[str] = set()
    for event in events:
        for person in ([event.organizer] if event.organizer else []) + list(event.attendees):
            names.add(display_name(person.name, person.email).casefold())
            if person.email:
                names.add(display_name(None, person.email).casefold())
    return names


# ---------------------------------------------------------------------------- company and role


def _employer_domain(events: list[InviteEvent], me: str | None) -> str | None:
    """The organizer's work domain, else the interviewers' most common one."""
    mine = _domain(me)

    def works_there(address: str | None) -> bool:
        domain = _domain(address)
        if not domain or domain == mine or is_free_mail(domain):
            return False
        return not is_service(address or "")

    for event in events:
        if event.organizer and works_there(event.organizer.email):
            return _domain(event.organizer.email)
    counts = Counter(
        _domain(a.email)
        for e in events
        for a in e.attendees
        if _is_person(a, me) and works_there(a.email)
    )
    return counts.most_common(1)[0][0] if counts else None


def registrable_name(domain: str) -> str:
    """The name a domain registers: careers.fenwick-rowe.co.uk -> "fenwick-rowe"."""
    labels = [label for label in domain.lower().strip(".").split(".") if label]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else (labels[0] if labels else "")


def company_from_domain(domain: str) -> str:
    """The company a domain names: northwind-traders.com -> "Northwind Traders"."""
    words = re.split(r"[-_]+", registrable_name(domain))
    return " ".join(w.capitalize() for w in words if w)


def _company(domain: str | None, from_summary: str | None) -> str | None:
    if domain is None:
        return from_summary
    named = company_from_domain(domain)
    if from_summary and _letters(from_summary) == _letters(named):
        return from_summary  # the title spells it as the company does: "OpenAI", not "Openai"
    return named or from_summary


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


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


# ---------------------------------------------------------------------------- country


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


def _choose_country(
    option: str | None,
    domain: str | None,
    defaults: dict[str, str],
    ask: Ask | None,
    source: str,
) -> str:
    from afterview.core.businessdays import check_country

    if option and option.strip():
        return check_country(option)
    suggested = suggest_country(domain)
    settings = defaults.get("country")
    if ask is not None:
        question = "Employer's country (ISO code, like US or GB)"
        refusal = f"{source}: no country given: pass --country (like US or GB)"
        return _ask_valid(ask, question, suggested or settings, check_country, refusal)
    if settings:
        return check_country(settings)
    hint = f" (the organizer's domain suggests {suggested})" if suggested else ""
    raise InviteError(
        f"{source}: the invitation does not say the employer's country: "
        f"pass --country{hint}, or set a default: afterview config set country US"
    )


# ---------------------------------------------------------------------------- notes


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


def _place(event: InviteEvent, has_link: bool) -> str | None:
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


def _notes(loop: list[InviteEvent], later: list[InviteEvent], zone_note: str | None) -> str | None:
    lines: list[str] = []
    for event in loop:
        links = meeting_links(event)
        if links and f"Join: {links[0]}" not in lines:
            lines.append(f"Join: {links[0]}")
        place = _place(event, bool(links))
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
