"""Start from the invitation: an .ics file or a saved e-mail becomes an interview.

The employer's calendar invitation already holds the time, the zone and the people;
this module reads it (``load_invitation``) and turns it into an Interview
(``interview_from_invitation``), asking only for what no invitation says. The
core is pure: the caller passes today's date, the user's defaults and a prompt
callback (``None`` when there is no terminal), so scripts and tests never block.

Decisions, each one a line a user can rely on:

- **Time zone.** A TZID keeps its zone (Windows names such as "Pacific Standard
  Time" map to IANA through icalendar's CLDR table); ``--timezone`` does not move
  it. UTC times (Google Calendar, Zoom, schedulers) and zones known only by their
  VTIMEZONE are instants: they take ``--timezone``, else the one zone of the
  employer's country or region (invite/zones.py), else the invitation's own hint
  (Zoom's TZID line, X-WR-TIMEZONE, Google's ``ctz=`` links, the e-mail's Date
  offset), else the settings' zone when it is one of the country's, else a
  question, else an InviteError. Floating times read X-WR-TIMEZONE first. The
  notes say where a chosen zone came from; a plan is never made in UTC.
- **A loop.** Every timed, non-cancelled event that starts on the first one's
  local day or the next (``LOOP_DAYS``) is part of the loop: a day of
  back-to-back interviews, or an onsite over two days. Start is the first start,
  end the last end, and everyone met gets one thank-you. A series (RRULE with
  COUNT or UNTIL, minus EXDATEs, with RECURRENCE-ID changes) counts its meetings;
  an endless series is a standing meeting, so only its first counts. Later
  meetings are left out, and the notes say so.
- **People.** The organizer comes first (usually the recruiter, so check-ins go
  there), then the attendees in the file's order, each once. Left out: the user
  (``me``: --me or AFTERVIEW_EMAIL, else the .eml's addressee, which wins over the
  settings' address because the invitation went there, else the settings; with
  none and several people invited, a question or a refusal), rooms and resources
  (CUTYPE ROOM/RESOURCE, or Google's resource calendars), groups and mailing
  lists (lists.* hosts, "-devel@"-style addresses, the e-mail's List-Id),
  declined, delegated and non-participant attendees, and no-reply or
  calendar-service addresses. RFC 6638's EMAIL= gives the address of a principal
  URL. A missing name (Google writes the address as CN) becomes the address's
  local part, "priya.raman" -> "Priya Raman"; Outlook's "Raman, Priya" becomes
  "Priya Raman" (only for a person's name); Lotus Notes' "Paul Wulf/Germany/IBM"
  becomes "Paul Wulf". Zoom's own .ics names no one, so its "<host> is inviting
  you" line names the interviewer.
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
  line and the InviteError exit code."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from afterview.core.addresses import clean_address, domain_of, is_mailing_list, is_service
from afterview.core.zones import known_zone, zone_problem
from afterview.errors import InviteError, PlaceError
from afterview.formats.icsread import Invitation, InviteEvent
from afterview.invite.guesses import (
    _DASHES,
    choose_company,
    company_from_summary,
    employer_domain,
    interviewers_of,
    is_person,
    known_names,
    notes_of,
    role_from_summary,
    spelled_as_written,
    suggest_country,
    zoom_host,
)
from afterview.model import Interview, Interviewer

if TYPE_CHECKING:
    pass


Ask = Callable[[str, str | None], str]


# Events of one loop start within this many days of the first (an onsite over two days).
LOOP_DAYS = 2


PAST_LIMIT = dt.timedelta(days=366)


FIRST_YEAR, LAST_YEAR = 2000, 2099  # what the interview file accepts


DEFAULT_LENGTH = dt.timedelta(hours=1)


ASK_TRIES = 3


# Patterns are kept as text and compiled by re's cache on first use: ics.py imports
# this module on every plan, and most plans read no invitation.


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
    my_address: str | None = None,
) -> Interview:
    """The interview an invitation describes; ``ask`` (None without a terminal) fills gaps.

    ``defaults`` are the user's settings (country, subdivision, timezone); ``today``
    dates the "more than a year ago" check. ``me`` is the address the user gave for
    this run (--me); ``my_address`` the one in their settings, which a saved e-mail's
    own addressee overrides. Raises InviteError or PlaceError.
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
    timed = [_without_lists(e, inv.lists) for e in timed]
    me, me_note = _who_am_i(timed, inv, me, my_address, ask)
    # The country comes before the zone: a country (or region) with one zone settles
    # the zone of an invitation written in UTC.
    chosen_country = _choose_country(country, employer_domain(timed, me), defaults, ask, source)
    if subdivision is None and chosen_country == defaults.get("country", "").upper():
        subdivision = defaults.get("subdivision")  # a region belongs to its own country
    place = (chosen_country, (subdivision or "").strip() or None)
    zone, zone_note = _choose_zone(timed, inv, timezone, defaults, ask, place)
    loop, later = _loop([_in_zone(e, zone) for e in timed])
    start = loop[0].start.replace(second=0, microsecond=0)
    end = max(_end(e) for e in loop).replace(second=0, microsecond=0)
    _check_date(start, today, source)
    domain = employer_domain(loop, me)
    found_company, found_role = _company_and_role(loop, domain, company, role, ask, source)
    people = interviewers_of(loop, me) or zoom_host(loop) or _ask_interviewer(ask, source)
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
        notes=notes_of(loop, later, "\n".join(n for n in (zone_note, me_note) if n) or None),
    )


def _without_lists(event: InviteEvent, lists: tuple[str, ...]) -> InviteEvent:
    """The event without the mailing list a saved e-mail came through (its List-Id)."""
    if not lists:
        return event

    def listed(address: str | None) -> bool:
        return bool(address) and str(address).casefold().replace("@", ".") in lists

    organizer = event.organizer if event.organizer and not listed(event.organizer.email) else None
    attendees = tuple(a for a in event.attendees if not listed(a.email))
    return replace(event, organizer=organizer, attendees=attendees)


def _who_am_i(
    loop: list[InviteEvent],
    inv: Invitation,
    given: str | None,
    settings: str | None,
    ask: Ask | None,
) -> tuple[str | None, str | None]:
    """The user's own address among the attendees, and a note that says how it was chosen.

    --me wins; then the address the saved e-mail was delivered to (the invitation was
    sent there, whatever the settings say); then the settings. With none of them and
    more than one person invited, afterview cannot tell who the user is: it asks, or
    refuses rather than plan a thank-you to the user.
    """
    if clean_address(given):
        return clean_address(given), None
    recipient = clean_address(inv.recipient)
    if recipient and (is_mailing_list(recipient) or recipient.replace("@", ".") in inv.lists):
        recipient = None  # sent to a list: its address is nobody's own
    if recipient:
        note = f"You: {clean_address(inv.recipient)}, the address the e-mail was sent to."
        return clean_address(inv.recipient), note
    if clean_address(settings):
        return clean_address(settings), None
    invited = {
        (p.email or p.name or "").casefold()
        for e in loop
        for p in ([e.organizer] if e.organizer else []) + list(e.attendees)
        if is_person(p, None)
    }
    if len(invited) <= 1:
        return None, None  # only the organizer: nobody to mistake for the user
    answer = _required(
        ask,
        "Your own e-mail address in this invitation (so you are not thanked)",
        f"{inv.source}: cannot tell which attendee is you: pass --me YOUR@ADDRESS, or set "
        "it once: afterview config set email YOUR@ADDRESS",
    )
    return clean_address(answer), None


def _company_and_role(
    loop: list[InviteEvent],
    domain: str | None,
    company: str | None,
    role: str | None,
    ask: Ask | None,
    source: str,
) -> tuple[str, str]:
    """The company and the role: the options, else the domain and titles, else questions."""
    names = known_names(loop)
    titles = [event.summary.translate(_DASHES) for event in loop]
    from_title = next((c for t in titles if (c := company_from_summary(t, names))), None)
    organizer = loop[0].organizer
    robot = organizer is not None and organizer.email and is_service(organizer.email)
    if robot and not from_title and domain != domain_of(organizer.email if organizer else ""):
        # Sent by a robot of a service or a list, with no company in the title: the
        # attendees' domains may be anyone's (a list's members), so nothing is guessed.
        domain = None
    found_company = (company or "").strip() or choose_company(domain, from_title)
    if found_company and not company and domain:
        texts = [*titles, *(e.description or "" for e in loop), *(e.location or "" for e in loop)]
        found_company = spelled_as_written(found_company, texts)
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


def _choose_zone(
    events: list[InviteEvent],
    inv: Invitation,
    option: str | None,
    defaults: dict[str, str],
    ask: Ask | None,
    place: tuple[str, str | None],
) -> tuple[str, str | None]:
    """The interview's zone, and a note for the file that says how it was chosen.

    A real TZID keeps its zone, and --timezone answers outright. Instants (UTC, or a
    VTIMEZONE known only by its offsets) and floating times take the one zone of the
    employer's country or region; else a hint of the invitation's own (X-WR-TIMEZONE,
    Zoom's TZID line, Google's ctz= links, the e-mail's Date offset); else the
    settings' zone when it is one of that country's; else a question; else a refusal.
    A plan is never made in UTC without a word: its days would be shifted.
    """
    from afterview.invite.zones import ctz_zone, place_zone, zone_with_offset

    option = _check_zone(option) if option else None  # a typo is reported even if unused
    named = next((e.zone for e in events if e.zone not in (None, "UTC")), None)
    if named is not None:
        return named, None
    if option:
        return option, None
    country, subdivision = place
    around = events[0].start
    where = f"{country}-{subdivision}" if subdivision else country
    floating = all(e.zone is None for e in events)
    if floating and inv.zone_hint:
        return inv.zone_hint, None  # X-WR-TIMEZONE says how to read floating times
    only = place_zone(country, subdivision, around)
    if only:
        return only, f"Time zone: {only}, the only one of {where} (the invitation gave none)."
    hints = [
        (next((e.zone_hint for e in events if e.zone_hint), None), "the invitation's TZID line"),
        (inv.zone_hint, "the invitation's X-WR-TIMEZONE"),
        (ctz_zone([t for e in events for t in (e.description, *e.links)]), "its ctz= link"),
    ]
    if inv.sent_offset is not None and not floating:
        hints.append((zone_with_offset(country, inv.sent_offset, around), "the e-mail's Date"))
    for zone, how in hints:
        if zone:
            return zone, f"Time zone: {zone}, from {how} (change timezone if it is wrong)."
    settings = defaults.get("timezone")
    if settings and settings in _country_zones(country):
        return _check_zone(settings), f"Time zone: {settings}, from your settings."
    written = next((e.tzid for e in events if e.tzid), None)
    kind = "no time zone" if floating else "times in UTC"
    if floating and written:
        kind = f"an unknown time zone '{written}'"
    refusal = (
        f"{inv.source}: the invitation gives {kind} and {where} has several zones: "
        "pass --timezone (like America/New_York)"
    )
    if ask is not None:
        question = f"Time zone of the interview (the invitation gives {kind}; e.g. Europe/London)"
        return _ask_valid(ask, question, settings, _check_zone, refusal), None
    raise InviteError(refusal)


def _country_zones(country: str) -> list[str]:
    from afterview.invite.zones import _zone_table

    return _zone_table().get(country.upper(), [])


def _check_zone(name: str) -> str:
    known = known_zone(name)
    if known is None:
        raise PlaceError(zone_problem(name))
    return known


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
