"""Drafts a person can send as they are: greetings, lists, LinkedIn's limit, local words."""

from __future__ import annotations

import datetime as dt

import pytest

from afterview.core.drafts import LINKEDIN_LIMIT, draft_for, first_name, tel
from afterview.formats.ics import description, event_link
from afterview.formats.interviewfile import dumps_interview, parse_interview
from afterview.model import Decision, Draft, Interview, Interviewer, Me
from afterview.policies import plan_interview

DANA = Interviewer(
    name="Dana Lee",
    title="Engineering Manager",
    email="dana.lee@northwind.example",
    phone="+1 212 555 0142",
    linkedin="https://www.linkedin.com/in/dana-lee",
    linkedin_ok=True,
    topics=("streaming pipelines", "on-call rotation"),
)
INTERVIEW = Interview(
    company="Northwind Traders",
    role="Senior Data Engineer",
    start=dt.datetime(2026, 11, 24, 14, 0),  # a Tuesday
    end=dt.datetime(2026, 11, 24, 15, 0),
    timezone="America/New_York",
    country="US",
    interviewers=(DANA,),
)
ME = Me(name="Alex Kim", email="alex.kim@example.org", phone="+1 917 555 0190")
NO_DATE = Decision(phrase=None, date=None)
POLICIES = ("standard", "biweekly", "three-strikes", "deadline", "minimal")


def draft(step: str, interview: Interview = INTERVIEW, **kwargs: object) -> Draft:
    """One draft for the sample interview's first interviewer."""
    person = kwargs.pop("person", interview.interviewers[0])
    return draft_for(
        step,
        interview=interview,
        person=person,  # type: ignore[arg-type]
        decision=NO_DATE,
        me=ME,
        **kwargs,  # type: ignore[arg-type]
    )


def test_greeting_uses_the_first_name() -> None:
    """An American thank-you opens with 'Dear Dana,', not the full name."""
    assert draft("thank-you").body.startswith("Dear Dana,\n")


def test_first_name_skips_an_honorific() -> None:
    """'Dr. Dana Lee' is greeted as Dana, not as 'Dr.'."""
    assert first_name("Dr. Dana Lee") == "Dana"
    assert first_name("Madonna") == "Madonna"


@pytest.mark.parametrize("country", ["DE", "AT", "CH", "JP", "KR"])
def test_formal_country_uses_the_salutation_as_written(country: str) -> None:
    """Where custom wants title and surname, the interviewer's salutation is the greeting."""
    person = DANA._replace(salutation="Ms Lee")
    interview = INTERVIEW._replace(country=country, interviewers=(person,))
    assert draft("thank-you", interview).body.startswith("Dear Ms Lee,\n")
    assert draft("check-in", interview, number=1, of=2).body.startswith("Dear Ms Lee,\n")
    assert draft("linkedin", interview).body.startswith("Hi Ms Lee,")


def test_formal_country_without_salutation_is_never_on_first_names() -> None:
    """A German plan with no salutation greets the full name and warns to add one."""
    interview = INTERVIEW._replace(
        country="DE", subdivision="BE", timezone="Europe/Berlin", interviewers=(DANA,)
    )
    plan = plan_interview(interview, ME)
    thank_you = next(f for f in plan.followups if f.step == "thank-you")
    assert thank_you.draft is not None
    assert thank_you.draft.body.startswith("Dear Dana Lee,\n")
    assert any("salutation" in warning and "Dana Lee" in warning for warning in plan.warnings)


def test_salutation_outside_formal_countries_is_still_used() -> None:
    """A salutation the user wrote wins over the first name in any country."""
    interview = INTERVIEW._replace(interviewers=(DANA._replace(salutation="Dr. Lee"),))
    assert draft("thank-you", interview).body.startswith("Dear Dr. Lee,\n")


def test_oxford_comma_topics_do_not_say_and_and() -> None:
    """Topics typed with an Oxford comma ('..., and Kafka') read 'A, B and C' once."""
    person = DANA._replace(topics=("SQL", "Airflow", "and Kafka"))
    body = draft("thank-you", person=person).body
    assert "and and" not in body
    assert "SQL, Airflow and Kafka" in body


LONG = Interviewer(
    name="Maximiliana Alexandrina Konstantinopoulou-Vanderbilt Featherstonehaugh",
    linkedin="https://www.linkedin.com/in/maximiliana",
    linkedin_ok=True,
    topics=("distributed consensus algorithms in practice", "event sourcing at scale") * 3,
)


@pytest.mark.parametrize("policy", POLICIES)
def test_every_policys_linkedin_note_fits_free_accounts(policy: str) -> None:
    """Each policy's LinkedIn notes fit in 200 characters, even with very long names."""
    interview = INTERVIEW._replace(
        company="Konstantinopoulou International Consolidated Holdings Group",
        role="Principal Staff Distributed Systems Reliability Engineer",
        interviewers=(LONG, DANA),
        policy=policy,
    )
    me = Me(name="Bartholomew Alexander Fitzwilliam-Montgomery Featherstonehaugh")
    plan = plan_interview(interview, me)
    notes = [f.draft for f in plan.followups if f.step == "linkedin" and f.draft]
    if policy in ("standard", "biweekly"):
        assert len(notes) == 2
    for note in notes:
        assert len(note.body) <= LINKEDIN_LIMIT == 200
        assert not note.body.endswith("…"), note.body  # whole sentences, not a cut


@pytest.mark.parametrize(("country", "word"), [("US", "résumé"), ("CA", "résumé"), ("GB", "CV")])
def test_resume_in_north_america_cv_elsewhere(country: str, word: str) -> None:
    """The keep-on-file reply asks for the résumé in the US and Canada, the CV elsewhere."""
    body = draft("keep-on-file", INTERVIEW._replace(country=country)).body
    assert f"keep my {word} on file" in body
    other = "CV" if word == "résumé" else "résumé"
    assert other not in body


def test_card_does_not_presume_an_offer() -> None:
    """The handwritten card hopes to work together; it does not speak of joining them."""
    body = draft("handwritten-note").body.casefold()
    assert "join" not in body
    assert "delighted to" not in body


def test_coach_candidate_signs_the_drafts() -> None:
    """A coach's plan for a candidate signs with the candidate's name, e-mail and phone."""
    interview = INTERVIEW._replace(
        candidate="Jordan Reyes",
        candidate_email="jordan.reyes@example.net",
        candidate_phone="+1 646 555 0111",
    )
    coach = Me(name="Casey Coach", email="casey@coaching.example", phone="+1 718 555 0100")
    plan = plan_interview(interview, coach)
    bodies = [f.draft.body for f in plan.followups if f.is_contact and f.draft]
    assert bodies
    for body in bodies:
        assert "Jordan" in body
        assert "Casey" not in body and "casey@coaching.example" not in body
    check_in = next(f for f in plan.followups if f.step == "check-in")
    assert check_in.draft is not None and "jordan.reyes@example.net" in check_in.draft.body


def test_phone_check_in_carries_a_tel_link() -> None:
    """A phone check-in's event links a tel: URI the way an e-mail one links mailto:."""
    plan = plan_interview(INTERVIEW._replace(channel="phone"), ME)
    check_in = next(f for f in plan.followups if f.step == "check-in")
    assert check_in.draft is not None
    assert tel(check_in.draft) == "tel:+12125550142"
    assert event_link(check_in, None) == "tel:+12125550142"
    assert "tel:+12125550142" in description(check_in)


def test_email_draft_has_no_tel_link() -> None:
    """An e-mail draft is never given a tel: link."""
    assert tel(draft("thank-you")) is None


def test_salutation_and_candidate_details_round_trip_the_file() -> None:
    """The new optional keys are read from the interview file and written back the same."""
    text = """
company = "Kiefer Werke"
role = "Data Engineer"
start = 2026-11-24T10:00:00
timezone = "Europe/Berlin"
country = "DE"
candidate = "Jordan Reyes"
candidate_email = "jordan.reyes@example.net"
candidate_phone = "+49 30 555 0199"

[[interviewers]]
name = "Petra Weber"
salutation = "Frau Dr. Weber"
"""
    interview = parse_interview(text, "kiefer.toml")
    assert interview.interviewers[0].salutation == "Frau Dr. Weber"
    assert interview.candidate_email == "jordan.reyes@example.net"
    assert parse_interview(dumps_interview(interview), "again.toml") == interview
