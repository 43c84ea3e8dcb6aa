"""Ready-to-send messages for each follow-up step.

POLICIES.md decides what each message has to say; the wording is afterview's own.
Every function here is pure, so the same interview always gets the same text and a
re-planned calendar does not churn its event descriptions.

It stays whole, a little past 500 lines, so that every step's wording (and the
salutation, topic and sign-off rules they share) can be read and changed in one file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import NamedTuple
from urllib.parse import quote

from afterview.core.addresses import is_address
from afterview.model import Decision, Draft, Interview, Interviewer, Me, long_date

# The only placeholder a draft may contain: everything else is filled in or left out.
PLACEHOLDER = "[your name]"
# LinkedIn caps the note on a connection request at 200 characters for free accounts
# (300 for Premium); see LinkedIn Help, "Add a note to your invitation", and the 2023
# change reported at https://lettercounter.org/blog/linkedin-connection-request-character-limit.
# Every note is written to fit the free limit, since most users have no Premium.
LINKEDIN_LIMIT = 200

# Countries whose business letters address people by title and surname, not first name.
FORMAL_COUNTRIES = frozenset({"DE", "AT", "CH", "JP", "KR"})
# Countries where the document is a résumé; everywhere else it is a CV.
_RESUME_COUNTRIES = frozenset({"US", "CA"})
# Words that may open a written name without being the first name.
_HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "herr", "frau", "mme", "m"}
)

_CLOSING = "Kind regards,"
# Good enough to tell an address from a phone number or a URL; the mail client does the rest.


class _Ask(NamedTuple):
    """Everything one draft depends on, so the builders share a single argument."""

    step: str
    interview: Interview
    person: Interviewer | None
    decision: Decision
    me: Me
    style: str
    channel: str
    number: int
    of: int

    @property
    def role(self) -> str:
        return self.interview.role.strip()

    @property
    def company(self) -> str:
        return self.interview.company.strip()

    @property
    def met_on(self) -> str:
        return _natural_day(self.interview.day, self.interview.day)

    @property
    def is_final(self) -> bool:
        # A lone check-in is not a "last word": it still just asks about the status.
        return self.of >= 2 and self.number == self.of


def draft_for(
    step: str,
    *,
    interview: Interview,
    person: Interviewer | None,
    decision: Decision,
    me: Me,
    style: str = "",
    channel: str = "email",
    number: int = 0,
    of: int = 0,
) -> Draft:
    """The message for one follow-up step, addressed to ``person`` and signed for ``me``.

    Steps that reach the employer fall back to the interview's contact person when
    ``person`` is None. An unknown ``style`` gets the step's default wording.
    """
    builder = _BUILDERS.get(step)
    if builder is None:
        known = ", ".join(_BUILDERS)
        raise ValueError(f"no draft for step '{step}': use one of {known}")
    if person is None and step not in _PRIVATE and interview.interviewers:
        person = interview.contact
    ask = _Ask(step, interview, person, decision, me, style, channel, number, of)
    return builder(ask)


def cv_word(country: str) -> str:
    """``résumé`` for US and Canadian employers, ``CV`` for everyone else."""
    return "résumé" if country.strip().upper() in _RESUME_COUNTRIES else "CV"


def first_name(name: str) -> str:
    """The first name of a written name: ``Dana`` for ``Dr. Dana Lee``."""
    words = name.split()
    for word in words:
        if word.rstrip(".").casefold() not in _HONORIFICS:
            return word
    return name.strip()


def needs_salutation(interview: Interview, person: Interviewer) -> bool:
    """Whether the country's custom wants a title and surname that the file does not give."""
    return interview.country.upper() in FORMAL_COUNTRIES and not (
        person.salutation and person.salutation.strip()
    )


def tel(draft: Draft) -> str | None:
    """A ``tel:`` link (RFC 3966) that dials the draft's number, or None without one."""
    if draft.to is None or is_address(draft.to.strip()):
        return None
    digits = "".join(ch for ch in draft.to if ch.isdigit())
    if len(digits) < 3:
        return None
    plus = "+" if draft.to.strip().startswith("+") else ""
    return f"tel:{plus}{digits}"


def link(draft: Draft) -> str | None:
    """The draft's ``mailto:`` link for an e-mail, its ``tel:`` link for a call."""
    return mailto(draft) or tel(draft)


def mailto(draft: Draft) -> str | None:
    """A ``mailto:`` link that opens the draft in a mail client, or None without an address."""
    if draft.to is None or not is_address(draft.to.strip()):
        return None
    fields = []
    if draft.subject:
        fields.append("subject=" + quote(draft.subject, safe=""))
    fields.append("body=" + quote(_crlf(draft.body), safe=""))
    return f"mailto:{quote(draft.to.strip(), safe='@')}?{'&'.join(fields)}"


# --- wording helpers ---------------------------------------------------------------


def _join(items: Iterable[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``, whether or not the last item came with its "and"."""
    words = [_bare(item) for item in items]
    words = [word for word in words if word]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _bare(item: str) -> str:
    """A topic without the "and" or commas of the list it was typed in."""
    word = item.strip().strip(",;").strip()
    for joiner in ("and ", "& "):
        if word.casefold().startswith(joiner):
            word = word[len(joiner) :].strip()
    return word


def split_topics(text: str) -> list[str]:
    """Topics typed as one list (``SQL, Kafka, and Airflow``), without the joining "and"."""
    return [word for word in (_bare(part) for part in text.split(",")) if word]


def _natural_day(day: dt.date, reference: dt.date) -> str:
    """``Friday 27 November``, with the year only when it differs from the interview's."""
    if day.year == reference.year:
        return f"{day:%A} {day.day} {day:%B}"
    return long_date(day)


def _crlf(text: str) -> str:
    # RFC 6068 wants CRLF line breaks in a mailto body.
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _name_of(person: Interviewer | None) -> str | None:
    if person is None or not person.name.strip():
        return None
    return person.name.strip()


def _address(ask: _Ask) -> str | None:
    """What to call the person: their salutation, else their full name where custom is
    formal, else their first name."""
    person = ask.person
    if person is None:
        return None
    if person.salutation and person.salutation.strip():
        return person.salutation.strip().rstrip(",").strip()
    name = _name_of(person)
    if name is None:
        return None
    if ask.interview.country.upper() in FORMAL_COUNTRIES:
        # A first name would be too familiar and a guessed title may be wrong:
        # the full name is polite in every case (the plan warns to add a salutation).
        return name
    return first_name(name)


def _greeting(ask: _Ask) -> str:
    name = _address(ask)
    return f"Dear {name}," if name else "Hello,"


def _topics(person: Interviewer | None) -> str:
    return _join(person.topics) if person else ""


def _who(me: Me) -> str:
    """The user's name for a card, a call or a short note, where a signature block won't do."""
    if me.name and me.name.strip():
        return me.name.strip()
    return PLACEHOLDER


def _sign_off(me: Me) -> str:
    """A closing line and the signature, or the name with contact lines."""
    if me.signature and me.signature.strip():
        signature = me.signature.strip("\n")
        # A signature that brings its own closing ("Best wishes,") must not get a second one.
        if signature.splitlines()[0].rstrip().endswith(","):
            return signature
        return f"{_CLOSING}\n{signature}"
    lines = [_CLOSING, _who(me)]
    lines += [line.strip() for line in (me.phone, me.email) if line and line.strip()]
    return "\n".join(lines)


def _letter(ask: _Ask, *paragraphs: str) -> str:
    return "\n\n".join([_greeting(ask), *paragraphs, _sign_off(ask.me)])


def _email_to(person: Interviewer | None) -> str | None:
    if person is None or not person.email or not person.email.strip():
        return None
    return person.email.strip()


def _phone_to(person: Interviewer | None) -> str | None:
    if person is None or not person.phone or not person.phone.strip():
        return None
    return person.phone.strip()


def _decision_note(ask: _Ask) -> str | None:
    """How the draft names the date they gave, or None when they gave none."""
    day = ask.decision.date
    if day is None:
        return None
    when = _natural_day(day, ask.interview.day)
    if ask.decision.few_days:
        # They gave no date, only "a few days"; say so instead of inventing a deadline.
        return f"you expected a decision within a few days, around {when}"
    if ask.decision.off:
        return f"you expected to reach a decision by {when} ({ask.decision.off})"
    return f"you expected to reach a decision by {when}"


def _shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, ending in an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


# --- the steps ------------------------------------------------------------------------


def _debrief(ask: _Ask) -> Draft:
    people = []
    for person in ask.interview.interviewers:
        label = person.name.strip()
        if person.title:
            label += f" ({person.title.strip()})"
        topics = _join(person.topics)
        people.append(f"- {label}: {topics}")
    lines = [
        f"Debrief: {ask.role} at {ask.company}, {long_date(ask.interview.day)}",
        "Fill this in now, while every detail is still fresh.",
        "",
        "Went well:",
        "- ",
        "",
        "Could have gone better:",
        "- ",
        "",
        "What caught my attention about the company and the job:",
        "- ",
        "",
        "Points I meant to make but missed (work them into the thank-you notes):",
        "- ",
        "",
        "People I met and what we covered:",
        *(people or ["- "]),
        "",
        f"Decision timeline: {ask.decision.describe()}",
    ]
    if ask.interview.notes and ask.interview.notes.strip():
        lines += ["", "My earlier notes:", ask.interview.notes.strip()]
    return Draft(subject=f"Debrief: {ask.role} at {ask.company}", body="\n".join(lines))


def _thank_you(ask: _Ask) -> Draft:
    if ask.style == "first-contact":
        return _thank_you_later(ask)
    topics = _topics(ask.person)
    opening = (
        f"Thank you for your time in the interview for the {ask.role} role at {ask.company}. "
        "I came away with a much clearer picture of the team and the work."
    )
    if ask.style == "topics-and-extras" and topics:
        middle = (
            f"Our discussion of {topics} was the part I valued most. It showed me where "
            "I could contribute early on, and it made me more enthusiastic about the role."
        )
    elif topics:
        middle = (
            f"I especially enjoyed talking with you about {topics}, "
            "and it confirmed how much I would like to be part of this team."
        )
    else:
        middle = "Meeting you confirmed how much I would like to be part of this team."
    closing = "If any further detail from me would help, I would be happy to send it."
    return Draft(
        subject=f"Thank you – {ask.role} interview",
        body=_letter(ask, opening, middle, closing),
        to=_email_to(ask.person),
    )


def _thank_you_later(ask: _Ask) -> Draft:
    """The thank-you that is also the first check-in, sent days after the interview."""
    topics = _topics(ask.person)
    opening = f"Thank you for meeting me on {ask.met_on} about the {ask.role} role."
    if topics:
        opening += f" Our conversation about {topics} has stayed with me."
    interest = f"I remain very keen to join {ask.company} and would welcome the chance to help."
    # A thank-you only: the decision is asked about by the check-ins that follow it.
    closing = "If anything further from me would be useful, I would be glad to send it."
    return Draft(
        subject=f"Thank you – {ask.role} interview",
        body=_letter(ask, opening, interest, closing),
        to=_email_to(ask.person),
    )


def _handwritten_note(ask: _Ask) -> Draft:
    topics = _topics(ask.person)
    lines = [f"Thank you for meeting me about the {ask.role} role."]
    if topics:
        lines.append(f"I enjoyed our talk about {topics}.")
    lines.append(f"I hope we will have the chance to work together at {ask.company}.")
    body = "\n\n".join([_greeting(ask), " ".join(lines), f"With thanks,\n{_who(ask.me)}"])
    addressee = _name_of(ask.person) or ask.company
    if ask.person and ask.person.title:
        addressee += f", {ask.person.title.strip()}"
    how = "drop it at the front desk" if ask.style == "front-desk" else "post it today"
    return Draft(subject=f"Handwritten card for {addressee} – {how}", body=body)


def _linkedin(ask: _Ask) -> Draft:
    name = _name_of(ask.person)
    address = _address(ask)
    hello = f"Hi {address}," if address else "Hi,"
    signer = _who(ask.me)
    signs = [f"Best regards, {signer}", signer]
    if signer != PLACEHOLDER and first_name(signer) != signer:
        signs.append(first_name(signer))
    if ask.style == "agreed":
        opening = (
            f"thank you for agreeing to connect after my {ask.role} interview at {ask.company}."
        )
        middle = f"thank you for agreeing to connect after my interview at {ask.company}."
        short = "thank you for agreeing to connect after my interview."
    else:
        opening = f"it was a pleasure to meet you at my {ask.role} interview at {ask.company}."
        middle = f"it was a pleasure to meet you at my interview at {ask.company}."
        short = "it was a pleasure to meet you at my interview."
    topics = [_bare(t) for t in ask.person.topics] if ask.person else []
    topics = [t for t in topics if t]
    talks = [f" I enjoyed our talk about {_join(topics)}."] if topics else []
    if len(topics) > 1:
        talks.append(f" I enjoyed our talk about {topics[0]}.")
    keep = " I would be glad to stay in touch."
    # Richest first; drop detail until LinkedIn's limit is met, and cut only as a last resort.
    options = [
        f"{hello} {line}{talk}{keep} {sign}"
        for line in (opening, middle)
        for talk in [*talks, ""]
        for sign in signs
    ]
    options += [f"{hello} {short}{keep} {sign}" for sign in signs]
    options.append(f"Hi, {short}{keep} {signs[-1]}")
    body = next((text for text in options if len(text) <= LINKEDIN_LIMIT), None)
    if body is None:
        body = _shorten(options[-1], LINKEDIN_LIMIT)
    return Draft(subject=f"LinkedIn connection note for {name or 'your interviewer'}", body=body)


def _check_in(ask: _Ask) -> Draft:
    if ask.channel == "phone":
        return _check_in_call(ask)
    note = _decision_note(ask)
    context = f"We met on {ask.met_on} about the {ask.role} role at {ask.company}"
    context += f", and {note}." if note else "."
    if ask.is_final:
        paragraphs = [
            f"Thank you again for the time you gave me. {context}",
            "Could you tell me where the decision stands? I would welcome hearing either way, "
            "and I hope our paths cross again whatever the outcome.",
        ]
        subject = f"{ask.role} interview – thank you again"
    elif ask.number >= 2:
        paragraphs = [
            f"I hope your week is going well. {context}",
            "Is there any news on the decision you could share?",
            "I am very keen on the role and happy to provide references or anything else "
            "that would help.",
        ]
        subject = f"{ask.role} interview – next steps"
    else:
        paragraphs = [
            f"I hope you are well. {context}",
            "Could you let me know where the decision stands?",
            f"I remain very interested in joining {ask.company}, and I would be glad to help "
            "with anything else you need from me.",
        ]
        subject = f"{ask.role} interview – next steps"
    return Draft(subject=subject, body=_letter(ask, *paragraphs), to=_email_to(ask.person))


def _check_in_call(ask: _Ask) -> Draft:
    """A short script that reads the same to a person or to a voicemail box."""
    name = _name_of(ask.person)
    address = _address(ask)
    hello = (
        f"Hello {address}, this is {_who(ask.me)}."
        if address
        else f"Hello, this is {_who(ask.me)}."
    )
    note = _decision_note(ask)
    if note:
        ask_line = f"{note[0].upper()}{note[1:]}, so I am calling to ask where things stand."
    else:
        ask_line = "I am calling to ask where the decision stands."
    if ask.is_final:
        ask_line += " I would welcome hearing either way."
    lines = [
        hello,
        f"We met on {ask.met_on} about the {ask.role} role at {ask.company}.",
        ask_line,
        "I remain very interested in the role.",
    ]
    reach = [item.strip() for item in (ask.me.phone, ask.me.email) if item and item.strip()]
    if reach:
        lines.append(f"You can reach me on {' or '.join(reach)}.")
    lines.append("Thank you, and have a good day.")
    who = name or "your contact"
    return Draft(
        subject=f"Call {who} about the {ask.role} decision",
        body="\n".join(lines),
        to=_phone_to(ask.person),
    )


def _move_on(ask: _Ask) -> Draft:
    lines = [
        f"Time to stop waiting on the {ask.role} role at {ask.company}.",
        "",
        f"You interviewed on {long_date(ask.interview.day)}; {ask.decision.describe()}. "
        "The follow-ups planned for it are behind you. A long quiet spell usually means "
        "the company went another way; it says nothing about what you are worth.",
        "",
        "- Send no more check-ins for this one.",
        "- Put the time into other applications and interviews so the search keeps moving.",
        "- If they get in touch later, reply promptly and warmly, say whether you are still "
        "interested, and offer times to talk.",
        "- If they write to say no, thank them and ask them to keep your "
        f"{cv_word(ask.interview.country)} on file.",
    ]
    return Draft(subject=f"Move on: {ask.role} at {ask.company}", body="\n".join(lines))


def _keep_on_file(ask: _Ask) -> Draft:
    paragraphs = [
        f"Thank you for letting me know your decision on the {ask.role} role. I am sorry "
        "it did not work out this time, but I valued the chance to meet the team and "
        f"learn about {ask.company}.",
        f"Would you please keep my {cv_word(ask.interview.country)} on file? "
        "I would be glad to be considered for "
        "future openings that match my experience.",
        "I wish you and the team every success.",
    ]
    return Draft(
        subject=f"Thank you – {ask.role} role",
        body=_letter(ask, *paragraphs),
        to=_email_to(ask.person),
    )


_BUILDERS: dict[str, Callable[[_Ask], Draft]] = {
    "debrief": _debrief,
    "thank-you": _thank_you,
    "handwritten-note": _handwritten_note,
    "linkedin": _linkedin,
    "check-in": _check_in,
    "move-on": _move_on,
    "keep-on-file": _keep_on_file,
}

# Notes the user writes to themselves: no addressee, never sent.
_PRIVATE = frozenset({"debrief", "move-on"})
