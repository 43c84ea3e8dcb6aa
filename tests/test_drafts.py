"""Tests for the message drafts of each follow-up step."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from afterview.core.drafts import LINKEDIN_LIMIT, PLACEHOLDER, draft_for, mailto
from afterview.model import STEP_NAMES, Decision, Draft, Interview, Interviewer, Me

PRIYA = Interviewer(
    name="Priya Sharma",
    title="Head of Data",
    email="priya.sharma@acme.example",
    phone="+44 20 7946 0018",
    contact=True,
    linkedin="https://www.linkedin.com/in/priya-sharma",
    linkedin_ok=True,
    topics=("streaming pipelines", "on-call rotas", "the move to dbt"),
)
TOM = Interviewer(name="Tom Okafor", title="Staff Engineer", topics=("code review",))
INTERVIEW = Interview(
    company="Acme Analytics",
    role="Senior Data Engineer",
    start=dt.datetime(2026, 11, 24, 10, 0),
    end=dt.datetime(2026, 11, 24, 11, 0),
    timezone="Europe/London",
    country="GB",
    interviewers=(PRIYA, TOM),
    decision="by Friday",
    notes="Ask about the data platform roadmap.",
)
BY_FRIDAY = Decision(phrase="by Friday", date=dt.date(2026, 11, 27))
NO_DATE = Decision(phrase=None, date=None)
ME = Me(name="Ada Lovelace", email="ada@example.org", phone="+44 7700 900123")

CONTACT_STEPS = ("thank-you", "handwritten-note", "linkedin", "check-in", "keep-on-file")
COMPLAINTS = (
    "haven't heard",
    "have not heard",
    "not heard back",
    "hear back",
    "heard nothing",
    "still waiting",
    "no response",
    "no reply",
    "not replied",
    "following up again",
    "follow up again",
    "just checking in",
    "checking in again",
    "another reminder",
    "as i mentioned",
    "still haven't",
    "silence",
    "chase",
    "!",
)


def draft(
    step: str,
    *,
    interview: Interview = INTERVIEW,
    person: Interviewer | None = PRIYA,
    decision: Decision = BY_FRIDAY,
    me: Me = ME,
    style: str = "",
    channel: str = "email",
    number: int = 0,
    of: int = 0,
) -> Draft:
    """Build a draft for the sample interview, with any argument overridden."""
    return draft_for(
        step,
        interview=interview,
        person=person,
        decision=decision,
        me=me,
        style=style,
        channel=channel,
        number=number,
        of=of,
    )


def every_check_in() -> list[Draft]:
    """Every check-in variant: each number of each plan size, both channels, with and without S."""
    drafts = []
    for of in (1, 2, 3):
        for number in range(1, of + 1):
            for channel in ("email", "phone"):
                for decision in (BY_FRIDAY, NO_DATE, BY_FRIDAY._replace(few_days=True)):
                    drafts.append(
                        draft("check-in", number=number, of=of, channel=channel, decision=decision)
                    )
    return drafts


@pytest.mark.parametrize("style", ["", "topics-and-extras", "first-contact"])
def test_thank_you_names_person_role_company_and_topics(style: str) -> None:
    """Every thank-you style names the interviewer, the role, the company and their topics."""
    body = draft("thank-you", style=style).body
    assert body.startswith("Dear Priya,\n")
    assert "Senior Data Engineer" in body
    assert "Acme Analytics" in body
    assert "streaming pipelines, on-call rotas and the move to dbt" in body


def test_thank_you_topics_are_the_persons_own() -> None:
    """A thank-you to one interviewer mentions their topics and not another's."""
    body = draft("thank-you", person=TOM).body
    assert "code review" in body
    assert "streaming pipelines" not in body
    assert body.startswith("Dear Tom,\n")


@pytest.mark.parametrize(
    ("topics", "expected"),
    [
        (("SQL",), "about SQL"),
        (("SQL", "Kafka"), "about SQL and Kafka"),
        (("SQL", " ", "Kafka", "Airflow"), "about SQL, Kafka and Airflow"),
    ],
)
def test_topics_join_naturally(topics: tuple[str, ...], expected: str) -> None:
    """Topics read as 'A', 'A and B' or 'A, B and C', skipping blank ones."""
    person = PRIYA._replace(topics=topics)
    assert expected in draft("thank-you", person=person).body


def test_thank_you_without_topics_still_reads_well() -> None:
    """A thank-you to someone with no topics has no dangling 'about' clause."""
    body = draft("thank-you", person=PRIYA._replace(topics=())).body
    assert "about ." not in body
    assert "about  " not in body


def test_thank_you_styles_differ() -> None:
    """Each thank-you style produces its own text, and unknown styles fall back to the default."""
    bodies = {style: draft("thank-you", style=style).body for style in ("", "topics-and-extras")}
    bodies["first-contact"] = draft("thank-you", style="first-contact").body
    assert len(set(bodies.values())) == 3
    assert draft("thank-you", style="no-such-style").body == bodies[""]


def test_three_strikes_thank_you_does_not_ask_for_the_decision() -> None:
    """The three-strikes thank-you thanks and names the interview day, and asks nothing."""
    for decision in (BY_FRIDAY, NO_DATE):
        body = draft("thank-you", style="first-contact", decision=decision).body
        assert "decision" not in body
        assert "?" not in body
        assert "Tuesday 24 November" in body
        assert len(body.split()) < 120, body


def test_thank_you_goes_to_the_persons_email() -> None:
    """An email step is addressed to the person's email, and to nobody when they have none."""
    assert draft("thank-you").to == "priya.sharma@acme.example"
    assert draft("thank-you", person=TOM).to is None


@pytest.mark.parametrize("number", [1, 2, 3])
@pytest.mark.parametrize("channel", ["email", "phone"])
def test_check_in_names_the_decision_date(number: int, channel: str) -> None:
    """Every check-in names the decision date when one was given."""
    body = draft("check-in", number=number, of=3, channel=channel).body
    assert "Friday 27 November" in body
    assert "decision" in body


@pytest.mark.parametrize("number", [1, 2, 3])
@pytest.mark.parametrize("channel", ["email", "phone"])
def test_check_in_without_s_names_no_date(number: int, channel: str) -> None:
    """A check-in with no decision date invents none and does not quote a phrase."""
    body = draft("check-in", number=number, of=3, channel=channel, decision=NO_DATE).body
    assert "27 November" not in body
    assert "by Friday" not in body
    assert "expected" not in body


def test_few_days_check_in_says_few_days() -> None:
    """When they said 'a few days' the check-in says so rather than claiming a firm deadline."""
    decision = Decision(phrase="a few days", date=dt.date(2026, 11, 27), few_days=True)
    body = draft("check-in", number=1, of=1, decision=decision).body
    assert "a few days" in body
    assert "Friday 27 November" in body


def test_check_in_date_in_another_year_carries_the_year() -> None:
    """A decision date in the next year is written with its year."""
    decision = Decision(phrase="2027-01-08", date=dt.date(2027, 1, 8))
    body = draft("check-in", number=1, of=2, decision=decision).body
    assert "Friday 8 January 2027" in body


def test_no_check_in_complains() -> None:
    """No check-in draft, on any channel or number, complains about not hearing back."""
    for item in every_check_in():
        text = f"{item.subject}\n{item.body}".lower().replace("’", "'")
        for phrase in COMPLAINTS:
            assert phrase not in text, (phrase, item.body)


def test_check_ins_ask_about_the_decision_and_stay_short() -> None:
    """Every check-in asks about the decision and stays brief."""
    for item in every_check_in():
        assert "decision" in item.body
        assert len(item.body.split()) < 120, item.body


def test_only_the_final_check_in_welcomes_either_answer() -> None:
    """The last of several check-ins welcomes an answer either way; earlier ones do not."""
    for channel in ("email", "phone"):
        assert "either way" in draft("check-in", number=3, of=3, channel=channel).body
        assert "either way" not in draft("check-in", number=2, of=3, channel=channel).body
        assert "either way" not in draft("check-in", number=1, of=1, channel=channel).body


def test_check_in_without_person_goes_to_the_contact() -> None:
    """A check-in with no person is addressed to the interview's contact person."""
    item = draft("check-in", person=None, number=1, of=2)
    assert item.to == PRIYA.email
    assert item.body.startswith("Dear Priya,")


def test_phone_check_in_is_addressed_to_the_phone() -> None:
    """A phone check-in carries the person's phone number and has no mailto link."""
    item = draft("check-in", number=1, of=2, channel="phone")
    assert item.to == "+44 20 7946 0018"
    assert mailto(item) is None
    assert "Ada Lovelace" in item.body
    assert ME.phone is not None and ME.phone in item.body


def test_phone_check_in_without_a_number_has_no_recipient() -> None:
    """A phone check-in to someone without a phone number has no recipient."""
    assert draft("check-in", person=TOM, number=1, of=2, channel="phone").to is None


LONG = Interviewer(
    name="Maximiliana Alexandrina Konstantinopoulou-Vanderbilt-Featherstonehaugh " * 2,
    topics=("distributed consensus algorithms in practice", "event sourcing") * 4,
)


@pytest.mark.parametrize("style", ["", "agreed"])
@pytest.mark.parametrize("person", [PRIYA, TOM, LONG])
@pytest.mark.parametrize("company", ["Acme Analytics", "Very Long Company Name Holdings " * 10])
def test_linkedin_note_fits_the_limit(style: str, person: Interviewer, company: str) -> None:
    """A LinkedIn note never exceeds 300 characters, however long the names are."""
    interview = INTERVIEW._replace(company=company, role="Principal Staff Engineer " * 5)
    me = Me(name="Bartholomew " * 20)
    body = draft("linkedin", style=style, person=person, interview=interview, me=me).body
    assert len(body) <= LINKEDIN_LIMIT


def test_linkedin_note_is_personal_when_it_fits() -> None:
    """A LinkedIn note of ordinary length names the person, role, company and a topic."""
    item = draft("linkedin")
    assert item.body.startswith("Hi Priya,")
    assert "Senior Data Engineer" in item.body
    assert "Acme Analytics" in item.body
    assert "streaming pipelines" in item.body
    assert "Ada Lovelace" in item.body
    assert item.to is None


def test_linkedin_agreed_mentions_the_agreement() -> None:
    """The 'agreed' LinkedIn note says they agreed to connect; the default one does not."""
    assert "agreeing to connect" in draft("linkedin", style="agreed").body
    assert "agreeing" not in draft("linkedin").body


@pytest.mark.parametrize("style", ["post", "front-desk"])
def test_handwritten_note_is_a_short_personal_card(style: str) -> None:
    """The card text names the person and topics, stays short and is not emailed."""
    item = draft("handwritten-note", style=style)
    assert item.body.startswith("Dear Priya,")
    assert "on-call rotas" in item.body
    assert len(item.body) < 400
    assert item.to is None
    assert "@" not in item.body


def test_handwritten_note_title_says_how_to_deliver() -> None:
    """The card's title says whether to post it or leave it at the front desk."""
    assert "post" in (draft("handwritten-note", style="post").subject or "")
    assert "front desk" in (draft("handwritten-note", style="front-desk").subject or "")


def test_debrief_lists_people_topics_and_notes() -> None:
    """The debrief template lists each interviewer with topics and includes the user's notes."""
    item = draft("debrief", person=None)
    assert item.to is None
    assert "Priya Sharma (Head of Data): streaming pipelines, on-call rotas" in item.body
    assert "Tom Okafor (Staff Engineer): code review" in item.body
    assert "Ask about the data platform roadmap." in item.body
    assert "Tuesday 24 November 2026" in item.body


def test_debrief_without_notes_has_no_notes_section() -> None:
    """A debrief for an interview without notes has no empty notes heading."""
    body = draft("debrief", person=None, interview=INTERVIEW._replace(notes=None)).body
    assert "My earlier notes" not in body


def test_move_on_is_a_private_note() -> None:
    """The move-on note has no recipient, names the role and says what to do if they reply."""
    item = draft("move-on", person=None)
    assert item.to is None
    assert "Senior Data Engineer" in item.body
    assert "Acme Analytics" in item.body
    assert "get in touch later" in item.body
    assert not item.body.startswith("Dear")
    assert PLACEHOLDER not in item.body


def test_keep_on_file_asks_to_keep_the_cv() -> None:
    """The reply to a rejection thanks them and asks them to keep the CV on file."""
    item = draft("keep-on-file")
    assert "Thank you" in item.body
    assert "CV on file" in item.body
    assert item.to == PRIYA.email


@pytest.mark.parametrize("step", STEP_NAMES)
def test_no_placeholder_when_the_name_is_known(step: str) -> None:
    """No draft of any step contains the name placeholder when the user's name is set."""
    for channel in ("email", "phone"):
        item = draft(step, channel=channel, number=1, of=2)
        assert PLACEHOLDER not in item.body


@pytest.mark.parametrize("step", CONTACT_STEPS)
def test_placeholder_when_the_name_is_missing(step: str) -> None:
    """Every contact draft is signed with the placeholder when the user has no name."""
    item = draft(step, me=Me(), number=1, of=2)
    assert PLACEHOLDER in item.body


def test_signature_replaces_the_name() -> None:
    """An email is signed with the user's signature when one is set, without a placeholder."""
    me = Me(signature="Ada L.\nData engineer\n+44 7700 900123")
    body = draft("thank-you", me=me).body
    assert body.endswith("Kind regards,\nAda L.\nData engineer\n+44 7700 900123")
    assert PLACEHOLDER not in body


def test_signature_with_its_own_closing_is_not_doubled() -> None:
    """A signature that starts with its own closing line gets no second closing."""
    body = draft("check-in", number=1, of=2, me=Me(signature="Best wishes,\nAda")).body
    assert body.endswith("\n\nBest wishes,\nAda")
    assert "Kind regards" not in body


def test_name_signature_adds_contact_lines() -> None:
    """Without a signature an email is signed with the name, phone and email."""
    body = draft("thank-you").body
    assert body.endswith("Ada Lovelace\n+44 7700 900123\nada@example.org")


@pytest.mark.parametrize("step", ["thank-you", "check-in", "keep-on-file"])
def test_mailto_round_trips(step: str) -> None:
    """A mailto link decodes back to the draft's subject and CRLF body."""
    item = draft(step, number=1, of=2, me=ME._replace(name="Ada Lovelace & Co + 100%"))
    link = mailto(item)
    assert link is not None
    parts = urlsplit(link)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == item.to
    query = parse_qs(parts.query, strict_parsing=True)
    assert query["subject"] == [item.subject]
    assert query["body"] == [item.body.replace("\n", "\r\n")]
    assert "+" not in parts.query
    assert "%20" in parts.query
    assert "%0D%0A" in parts.query


def test_mailto_needs_an_email_address() -> None:
    """No mailto link without an address, or when the recipient is a phone number."""
    assert mailto(Draft(subject="Hi", body="Hello", to=None)) is None
    assert mailto(Draft(subject="Hi", body="Hello", to="+44 20 7946 0018")) is None
    assert mailto(Draft(subject="Hi", body="Hello", to="a@b.example")) is not None


def test_private_steps_have_no_recipient() -> None:
    """The debrief and move-on notes are never addressed to anyone."""
    for step in ("debrief", "move-on"):
        assert draft(step, person=PRIYA).to is None


def test_drafts_are_deterministic() -> None:
    """The same inputs give the same draft every time."""
    for step in STEP_NAMES:
        assert draft(step, number=2, of=3) == draft(step, number=2, of=3)


def test_unknown_step_is_refused() -> None:
    """An unknown step name raises an error that lists the known steps."""
    with pytest.raises(ValueError, match="thank-you"):
        draft("flowers")
