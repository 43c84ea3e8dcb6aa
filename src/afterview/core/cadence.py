"""The cadence engine: an interview, a policy and a business-day calendar in, dated actions out.

Pure: no clock, no files, no printing. Every date it returns carries the reason
for it, in words a user can check against a calendar.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from afterview.core.addresses import domain_of, is_free_mail
from afterview.core.businessdays import BusinessCalendar
from afterview.core.dates import add_months
from afterview.core.drafts import cv_word, draft_for, needs_salutation
from afterview.core.policy import DateRule, Policy, PolicyStep
from afterview.errors import PolicyError
from afterview.model import Decision, FollowUp, Interview, Interviewer, Me, Plan, short_date

LATEST_SAME_DAY = dt.time(21, 0)
NEXT_MORNING = dt.time(8, 30)
MIN_GAP_DAYS = 3
WINDOW_DAYS = 7
MAX_IN_WINDOW = 2


class _Context(NamedTuple):
    interview: Interview
    policy: Policy
    cal: BusinessCalendar
    decision: Decision
    me: Me
    news: dt.date | None
    outcome: str | None
    anchors: dict[str, dt.date]
    contacts: list[dt.date]
    pins: Mapping[tuple[str, str | None], dt.date]


def plan(
    interview: Interview,
    policy: Policy,
    cal: BusinessCalendar,
    decision: Decision,
    me: Me | None = None,
    *,
    outcome: str | None = None,
    news: dt.date | None = None,
    pins: Mapping[tuple[str, str | None], dt.date] | None = None,
) -> Plan:
    """The dated follow-ups ``policy`` gives ``interview``, in date order.

    ``outcome`` and ``news`` (the date it came) add the steps a policy keeps for an
    outcome, such as the keep-my-CV-on-file reply to a rejection. ``pins`` are dates
    the user chose, by (label, person): later steps count from them.
    """
    context = _Context(
        interview, policy, cal, decision, me or Me(), news, outcome, {}, [], pins or {}
    )
    context.anchors["interview"] = interview.day
    if decision.date is not None:
        context.anchors["decision"] = decision.date
    if news is not None:
        context.anchors["news"] = news
    followups: list[FollowUp] = []
    for step in policy.steps:
        followups.extend(_run_step(step, context))
    followups.sort(key=_order)
    if not pins:  # dates the user chose are checked against the stored plan by the tracker
        check_spacing([f for f in followups if _in_cadence(f, policy)], policy.name)
    return Plan(
        interview=interview,
        policy=policy.name,
        decision=decision,
        followups=tuple(followups),
        warnings=tuple(warnings_for(interview, policy)),
    )


def _order(followup: FollowUp) -> tuple[dt.date, dt.datetime, int, int, str]:
    start = followup.start or dt.datetime.combine(followup.date, dt.time.max)
    rank = ("debrief", "thank-you", "handwritten-note", "linkedin", "check-in")
    position = rank.index(followup.step) if followup.step in rank else len(rank)
    name = followup.person.name if followup.person else ""
    return followup.date, start, position, followup.number, name


def _in_cadence(followup: FollowUp, policy: Policy) -> bool:
    return any(s.in_cadence and s.step == followup.step for s in policy.steps)


def _run_step(step: PolicyStep, context: _Context) -> list[FollowUp]:
    interview = context.interview
    if step.on is not None and (context.outcome != step.on or context.news is None):
        return []
    if step.same_day is not None:
        start, reason = _same_day_time(step.same_day, interview)
        day = start.date()
    else:
        start = None
        day, reason = _date_from_rules(step, context)
        if step.step == "check-in":
            day, reason = _after_thank_you(day, reason, context)
        if step.in_cadence:
            day, reason = _widen_for_make_up_days(day, reason, context)
    label = f"{step.step}-{step.number}" if step.step == "check-in" else step.step
    people = _people(step, interview)
    chosen = {
        _name(person): context.pins[(label, _name(person))]
        for person in people
        if (label, _name(person)) in context.pins
    }
    planned_day = day
    if chosen and step.same_day is None:
        # Later steps count from where the user put this one (the latest, if per person).
        day = max(chosen.values()) if len(chosen) == len(people) else max(day, *chosen.values())
    context.anchors[step.id] = day
    if step.in_cadence:
        context.anchors["last-check-in"] = day
        context.contacts.append(day)
    if label in interview.skip or step.id in interview.skip:
        return []
    if step.step == "check-in" and interview.no_follow_ups:
        return []
    if step.step == "move-on" and interview.no_follow_ups:
        reason += "; counted as if the check-ins had happened, since they asked for no follow-ups"
    minutes = step.same_day[1] if step.same_day else 0
    number = step.number if step.step == "check-in" else 0
    channel = interview.channel if step.step == "check-in" else _fixed_channel(step)
    followups = []
    for person in people:
        when, why = planned_day, reason
        pin = context.pins.get((label, _name(person)))
        if pin is not None and pin != when and step.same_day is None:
            why = f"you moved it here from {short_date(when)}, where the plan had it: {why}"
            when = pin
        draft = draft_for(
            step.step,
            interview=interview,
            person=person,
            decision=context.decision,
            me=context.me,
            style=step.style,
            channel=channel,
            number=step.number,
            of=context.policy.cadence_total,
        )
        followups.append(
            FollowUp(
                step=step.step,
                date=when,
                reason=why,
                title=title(step, interview, person, context.policy.cadence_total, channel),
                number=number,
                person=person,
                start=start,
                minutes=minutes,
                channel=channel,
                of=context.policy.cadence_total if step.in_cadence else 0,
                draft=draft,
                style=step.style,
                hint=_hint(step),
                per_person=step.audience == "each",
            )
        )
    return followups


def _name(person: Interviewer | None) -> str | None:
    return person.name if person else None


def _after_thank_you(day: dt.date, reason: str, context: _Context) -> tuple[dt.date, str]:
    """Keep a check-in after the thank-you.

    A late interview sends the thank-you the next morning; when they also promised
    a decision that same day, the first check-in could land with the thank-you.
    """
    thanked = context.anchors.get("thank-you")
    if thanked is None or day > thanked:
        return day, reason
    later = context.cal.bd(thanked, 1)
    return later, (
        f"{reason}; moved to {short_date(later)}, the business day after the thank-you "
        f"({short_date(thanked)}), so the two do not arrive together"
    )


def _widen_for_make_up_days(day: dt.date, reason: str, context: _Context) -> tuple[dt.date, str]:
    """Keep rule 4's "at most two in a week" where make-up working days fill a week.

    Counting business days keeps contacts apart only while every week has a weekend;
    a weekend day the country works (China, Russia, Azerbaijan) can give seven
    working days in a row, so the contact moves to a week after the one two back.
    """
    earlier = context.contacts
    if len(earlier) < MAX_IN_WINDOW or (day - earlier[-MAX_IN_WINDOW]).days >= WINDOW_DAYS:
        return day, reason
    start = earlier[-MAX_IN_WINDOW]
    worked = context.cal.make_up_days(start, day)
    if not worked:
        return day, reason
    later = context.cal.roll(start + dt.timedelta(days=WINDOW_DAYS))
    shown = ", ".join(short_date(d) for d in worked)
    return later, (
        f"{reason}; moved to {short_date(later)} so that no more than two contacts fall in "
        f"one week, since {shown} {'is a weekend day' if len(worked) == 1 else 'are weekend days'}"
        f" worked in {context.cal.place_name()}"
    )


def _fixed_channel(step: PolicyStep) -> str:
    return {
        "thank-you": "email",
        "handwritten-note": "mail",
        "linkedin": "linkedin",
        "keep-on-file": "email",
    }.get(step.step, "private")


def _hint(step: PolicyStep) -> str:
    if step.style == "topics-and-extras":
        return "Add anything you forgot to say in the interview, from your debrief notes."
    if step.step == "handwritten-note" and step.style == "front-desk":
        return "Leave the card at the front desk so it arrives today, not days later by post."
    return ""


def _people(step: PolicyStep, interview: Interview) -> list[Interviewer | None]:
    if step.audience == "me":
        return [None]
    if step.audience == "contact":
        return [interview.contact]
    people = list(interview.interviewers)
    if step.needs == "linkedin":
        people = [p for p in people if p.linkedin and p.linkedin_ok is not False]
    elif step.needs == "linkedin-agreed":
        people = [p for p in people if p.linkedin and p.linkedin_ok is True]
    return list(people)


def _same_day_time(same_day: tuple[int, int], interview: Interview) -> tuple[dt.datetime, str]:
    after, _minutes = same_day
    start = interview.end + dt.timedelta(minutes=after)
    # The evening limit belongs to the interview's local day: an interview ending after
    # midnight must not put a message in someone's inbox at 01:30.
    latest = dt.datetime.combine(interview.day, LATEST_SAME_DAY)
    morning = max(
        dt.datetime.combine(interview.day + dt.timedelta(days=1), NEXT_MORNING), interview.end
    )
    if after == 0:
        if start.date() > interview.day:
            return morning, (
                f"the interview ended after midnight ({interview.end:%H:%M}), "
                f"so first thing the next morning ({morning:%H:%M})"
            )
        return start, f"right after the interview ends ({interview.end:%H:%M})"
    delay = f"{after} minutes" if after % 60 else f"{after // 60} hour" + ("s" * (after > 60))
    if start > latest:
        return morning, (
            f"{delay} after the interview would be after {LATEST_SAME_DAY:%H:%M} on the "
            f"interview day, so first thing the next morning ({morning:%H:%M})"
        )
    return start, f"{delay} after the interview ends ({interview.end:%H:%M}), while it is fresh"


def _date_from_rules(step: PolicyStep, context: _Context) -> tuple[dt.date, str]:
    rule = next(r for r in step.when if _holds(r, context))
    day, reason = _apply(rule, context)
    if rule is not step.when[0] and context.decision.date is None:
        reason += "; no decision date was given"
    for floor_rule in step.not_before:
        if not _holds(floor_rule, context):
            continue
        floor, floor_reason = _apply(floor_rule, context)
        if floor > day:
            day = floor
            reason += f"; moved to {short_date(floor)}, as it comes no sooner than {floor_reason}"
    for ceiling_rule in step.not_after:
        if not _holds(ceiling_rule, context):
            continue
        ceiling = _ceiling(ceiling_rule, context)
        if day > ceiling:
            day = ceiling
            reason += (
                f"; moved to {short_date(ceiling)}, as it comes no later than "
                f"{_ceiling_words(ceiling_rule, context)}"
            )
    return day, reason


def _ceiling(rule: DateRule, context: _Context) -> dt.date:
    """The last business day on or before the rule's date, but after the interview day."""
    base = context.anchors[rule.anchor]
    if rule.unit == "business_days" and rule.amount:
        limit = context.cal.bd(base, rule.amount)
    else:
        limit = _shift(base, rule.unit, rule.amount)
    # Never on the interview day itself (all-day steps come after it); when no business
    # day comes between the interview and that date, the first one after the interview.
    after = context.interview.day + dt.timedelta(days=1)
    found = context.cal.last_business_day(max(limit, after), floor=after)
    return found if context.cal.is_business_day(found) else context.cal.roll(found)


def _ceiling_words(rule: DateRule, context: _Context) -> str:
    base = context.anchors[rule.anchor]
    if rule.anchor == "decision" and rule.amount == 0:
        return f"the date they gave; {context.decision.describe()}"
    what = rule.describe().replace("the first business day from ", "")
    return f"{what} ({short_date(base)})"


def _holds(rule: DateRule, context: _Context) -> bool:
    decision = context.decision
    if rule.condition == "decision":
        return decision.date is not None
    if rule.condition == "no-decision":
        return decision.date is None
    if rule.condition == "few-days":
        return decision.few_days
    return True


def _apply(rule: DateRule, context: _Context) -> tuple[dt.date, str]:
    cal = context.cal
    base = context.anchors[rule.anchor]
    reason = f"{rule.describe()} ({short_date(base)})"
    if rule.unit == "business_days":
        day = cal.bd(base, rule.amount)
        notable = [(d, why) for d, why in cal.skipped(base, day) if why != "weekend"]
        if notable:
            reason += ", skipping " + ", ".join(_runs(notable))
    else:
        target = _shift(base, rule.unit, rule.amount)
        day = cal.roll(target)
        if day != target:
            reason += (
                f"; {short_date(target)} is {_not_working(cal, target)}, so the next business day"
            )
    if rule.anchor == "decision" or rule.condition in ("decision", "few-days"):
        reason += f"; {context.decision.describe()}"
    return day, reason


def _runs(days: list[tuple[dt.date, str]]) -> list[str]:
    """``Christmas Day (Fri 25 Dec)``, or one entry for days in a row with the same reason."""
    runs: list[tuple[dt.date, dt.date, str]] = []
    for day, why in days:
        if runs and runs[-1][2] == why and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day, why)
        else:
            runs.append((day, day, why))
    return [
        f"{why} ({short_date(first)})"
        if first == last
        else f"{why} ({short_date(first)} to {short_date(last)})"
        for first, last, why in runs
    ]


def _not_working(cal: BusinessCalendar, day: dt.date) -> str:
    why = cal.why_not(day) or "not a business day"
    return "a weekend day" if why == "weekend" else why


def _shift(day: dt.date, unit: str, amount: int) -> dt.date:
    if unit == "days":
        return day + dt.timedelta(days=amount)
    if unit == "weeks":
        return day + dt.timedelta(weeks=amount)
    return add_months(day, amount)


def spacing_problem(contacts: Iterable[FollowUp]) -> str | None:
    """What breaks rule 4 among these check-ins ("puts A and B ..."), or None.

    Rule 4: check-ins at least 3 days apart, and at most two in any 7 days. Several
    events on one day for one step (a thank-you to each interviewer) are one contact
    with the employer.
    """
    days = sorted({(f.date, f.label) for f in contacts})
    for (first, a), (second, b) in itertools.pairwise(days):
        if (second - first).days < MIN_GAP_DAYS:
            return (
                f"puts {a} ({short_date(first)}) and {b} "
                f"({short_date(second)}) fewer than {MIN_GAP_DAYS} days apart: space "
                "check-ins at least 3 days apart (rule 4 of the follow-up rules)"
            )
    for index in range(len(days) - MAX_IN_WINDOW):
        first, a = days[index]
        last, b = days[index + MAX_IN_WINDOW]
        if (last - first).days < WINDOW_DAYS:
            return (
                f"puts {MAX_IN_WINDOW + 1} check-ins between {a} "
                f"({short_date(first)}) and {b} ({short_date(last)}), within 7 days: "
                "allow at most two in any week (rule 4 of the follow-up rules)"
            )
    return None


def check_spacing(contacts: list[FollowUp], policy: str) -> None:
    """Refuse check-ins that break rule 4, naming the policy that planned them."""
    problem = spacing_problem(contacts)
    if problem:
        raise PolicyError(f"policy '{policy}' {problem}")


def title(
    step: PolicyStep, interview: Interview, person: Interviewer | None, of: int, channel: str
) -> str:
    """The event title: what to do, for whom, at which company."""
    company = interview.company
    who = person.name if person else ""
    count = f" ({step.number} of {of})" if step.in_cadence and of > 1 else ""
    texts = {
        "debrief": f"Debrief: note how the {interview.role} interview at {company} went",
        "thank-you": f"Send a thank-you email to {who} at {company}",
        "handwritten-note": (
            f"Drop off a thank-you card for {who} at the {company} front desk"
            if step.style == "front-desk"
            else f"Mail a handwritten thank-you card to {who} at {company}"
        ),
        "linkedin": f"Send a LinkedIn request to {who} ({company})",
        "check-in": (
            f"Call {who} at {company} to check in{count}"
            if channel == "phone"
            else f"Check in with {who} at {company}{count}"
        ),
        "move-on": f"Move on from {company} ({interview.role})",
        "keep-on-file": f"Reply to {who} at {company}: ask them to keep your "
        f"{cv_word(interview.country)} on file",
    }
    text = texts[step.step]
    if step.step == "thank-you" and step.in_cadence:
        text = f"Send a thank-you email to {who} at {company}{count}"
    if interview.candidate:
        text = f"{interview.candidate}: {text}"
    return text


def warnings_for(interview: Interview, policy: Policy) -> list[str]:
    """Things the user should know before sending anything."""
    found: list[str] = []
    for person in interview.interviewers:
        if is_free_mail(domain_of(person.email)):
            found.append(
                f"{person.email} ({person.name}) looks like a personal address: follow-ups "
                "belong at a business address, so ask for a work email or write to the "
                "recruiter instead"
            )
    for person in interview.interviewers:
        if needs_salutation(interview, person):
            found.append(
                f"{person.name}: business letters in {interview.country.upper()} address people "
                "by title and surname; the drafts say 'Dear "
                f'{person.name},\' until you add salutation = "Ms ..." (as you would write it)'
            )
    contact = interview.contact
    has_check_ins = any(s.step == "check-in" for s in policy.steps)
    if has_check_ins and not interview.no_follow_ups:
        if interview.channel == "email" and not contact.email:
            found.append(
                f"no email for {contact.name}: add 'email' to that interviewer so the check-in "
                "drafts have an address"
            )
        if interview.channel == "phone" and not contact.phone:
            found.append(
                f"check-ins are by phone but {contact.name} has no 'phone': add the number"
            )
    if interview.no_follow_ups and has_check_ins:
        found.append("they asked for no follow-ups: no check-ins are planned, only courtesies")
    if any(s.needs == "linkedin-agreed" for s in policy.steps):
        for person in interview.interviewers:
            if person.linkedin and person.linkedin_ok is None:
                found.append(
                    f"{person.name}: no LinkedIn request is planned until they agree to connect "
                    "(set linkedin_ok = true once they do)"
                )
    return found


def cancelled(followups: tuple[FollowUp, ...]) -> tuple[FollowUp, ...]:
    """The same actions marked cancelled with a higher SEQUENCE, to withdraw a plan."""
    return tuple(f._replace(status="cancelled", sequence=f.sequence + 1) for f in followups)
