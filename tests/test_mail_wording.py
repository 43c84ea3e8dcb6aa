"""The wording files, phrase by phrase: each language's forms give the status they promise."""

from __future__ import annotations

import datetime as dt

import pytest

from afterview.core.businessdays import open_calendar
from afterview.core.timeline import resolve
from afterview.mail.classify import (
    Verdict,
    classify,
    is_auto_reply,
    named_roles,
    same_role,
    timeline_phrase,
)
from afterview.mail.wording import CODES, LANGUAGES

# (language, sentence, status, timeline phrase for waiting)
PHRASES = [
    # English
    ("en", "We have decided to move forward with other candidates.", "rejected", None),
    ("en", "We've chosen to pursue other candidates for this role.", "rejected", None),
    ("en", "We will not be moving forward with your application.", "rejected", None),
    ("en", "We won’t be moving forward with your candidacy.", "rejected", None),
    ("en", "We have decided not to proceed with your application.", "rejected", None),
    ("en", "The position has been filled.", "rejected", None),
    ("en", "Unfortunately you were not selected for the role.", "rejected", None),
    ("en", "We have decided to go in a different direction.", "rejected", None),
    ("en", "We are pleased to extend you an offer.", "offer", None),
    ("en", "I'm thrilled to offer you the role!", "offer", None),
    ("en", "Your offer letter is attached.", "offer", None),
    ("en", "We'd like to invite you to a final round interview.", "next-round", None),
    ("en", "We would love to schedule a second interview.", "next-round", None),
    ("en", "We'd like to move you forward to the next stage.", "next-round", None),
    ("en", "We expect to make a decision by December 10.", "waiting", "December 10"),
    ("en", "We will decide by the 11th of December.", "waiting", "11 December"),
    ("en", "We'll get back to you by Friday.", "waiting", "by Friday"),
    ("en", "We'll let you know next week.", "waiting", "next week"),
    ("en", "We hope to decide by the end of the week.", "waiting", "end of the week"),
    ("en", "A decision is expected by the end of the month.", "waiting", "end of the month"),
    ("en", "You will hear from us within 5 business days.", "waiting", "5 business days"),
    ("en", "We'll get back to you within three weeks.", "waiting", "3 weeks"),
    ("en", "We will let you know in a few days.", "waiting", "a few days"),
    ("en", "Thanks, great to meet you.", "replied", None),
    ("en", "If we have decided to move forward with other candidates, I'll call.", "replied", None),
    ("en", "We haven't made a decision yet.", "replied", None),
    ("en", "We are not able to extend an offer at this time.", "replied", None),
    ("en", "We hope to decide by next Friday.", "replied", None),
    # Deutsch
    ("de", "Wir haben uns für einen anderen Kandidaten entschieden.", "rejected", None),
    ("de", "Leider können wir Ihre Bewerbung nicht weiter berücksichtigen.", "rejected", None),
    ("de", "Die Stelle ist bereits besetzt.", "rejected", None),
    ("de", "Wir freuen uns, Ihnen ein Vertragsangebot zu unterbreiten.", "offer", None),
    ("de", "Wir möchten Sie zu einem zweiten Gespräch einladen.", "next-round", None),
    ("de", "Sie sind in die nächste Runde gekommen.", "next-round", None),
    ("de", "Wir treffen unsere Entscheidung bis zum 11. Dezember.", "waiting", "11 December"),
    ("de", "Sie erhalten eine Rückmeldung bis zum 11.12.", "waiting", "11 December"),
    ("de", "Wir melden uns bis Freitag.", "waiting", "by Friday"),
    ("de", "Wir melden uns nächste Woche.", "waiting", "next week"),
    ("de", "Wir melden uns innerhalb von zwei Wochen.", "waiting", "2 weeks"),
    ("de", "Eine Rückmeldung erhalten Sie in 5 Werktagen.", "waiting", "5 business days"),
    ("de", "Wir melden uns in den nächsten Tagen.", "waiting", "a few days"),
    ("de", "Vielen Dank für Ihre Nachricht.", "replied", None),
    ("de", "Falls wir uns für einen anderen Kandidaten entscheiden, rufe ich an.", "replied", None),
    # Français
    ("fr", "Nous ne pouvons pas donner une suite favorable à votre candidature.", "rejected", None),
    ("fr", "Votre candidature n'a pas été retenue.", "rejected", None),
    ("fr", "Nous avons retenu un autre candidat.", "rejected", None),
    ("fr", "Le poste a été pourvu.", "rejected", None),
    ("fr", "Nous avons le plaisir de vous proposer le poste.", "offer", None),
    ("fr", "Votre promesse d'embauche est jointe.", "offer", None),
    ("fr", "Nous souhaitons vous inviter à un second entretien.", "next-round", None),
    ("fr", "Nous reviendrons vers vous d'ici le 9 décembre.", "waiting", "9 December"),
    ("fr", "Nous prendrons notre décision d'ici vendredi.", "waiting", "by Friday"),
    ("fr", "Vous aurez une réponse la semaine prochaine.", "waiting", "next week"),
    ("fr", "Nous reviendrons vers vous sous deux semaines.", "waiting", "2 weeks"),
    ("fr", "Vous aurez une réponse d'ici la fin du mois.", "waiting", "end of the month"),
    ("fr", "Merci pour votre message.", "replied", None),
    # Español
    ("es", "Hemos decidido seguir adelante con otros candidatos.", "rejected", None),
    ("es", "Tu candidatura no ha sido seleccionada.", "rejected", None),
    ("es", "El puesto ya ha sido cubierto.", "rejected", None),
    ("es", "Nos complace ofrecerte el puesto.", "offer", None),
    ("es", "Te adjuntamos la carta de oferta.", "offer", None),
    ("es", "Nos gustaría invitarte a una segunda entrevista.", "next-round", None),
    ("es", "Te daremos una respuesta antes del 11 de diciembre.", "waiting", "11 December"),
    ("es", "Te daremos una respuesta antes del viernes.", "waiting", "by Friday"),
    ("es", "Te informaremos la próxima semana.", "waiting", "next week"),
    ("es", "Tendrás una respuesta en 10 días.", "waiting", "in 10 days"),
    ("es", "Te contactaremos en dos semanas.", "waiting", "2 weeks"),
    ("es", "Gracias por tu mensaje.", "replied", None),
    (
        "es",
        "Si hemos decidido seguir adelante con otros candidatos, te avisaremos.",
        "replied",
        None,
    ),
]

SAID_ON = dt.date(2026, 11, 30)  # Mon 30 Nov 2026
CAL = open_calendar("US", None, ())


def readable(phrase: str) -> bool:
    """Whether afterview's own timeline reader takes the phrase, said on SAID_ON."""
    return resolve(phrase, SAID_ON, CAL).date is not None


def test_every_language_has_a_data_file_and_phrases_here() -> None:
    """English, German, French and Spanish load, and each has tests of every status."""
    assert [language.code for language in LANGUAGES] == list(CODES) == ["en", "de", "fr", "es"]
    for code in CODES:
        statuses = {status for lang, _, status, _ in PHRASES if lang == code}
        assert {"rejected", "offer", "next-round", "waiting", "replied"} <= statuses, code


@pytest.mark.parametrize(
    ("language", "sentence", "status", "phrase"),
    PHRASES,
    ids=[f"{p[0]}-{i}" for i, p in enumerate(PHRASES)],
)
def test_phrase_gives_its_status(
    language: str, sentence: str, status: str, phrase: str | None
) -> None:
    verdict = classify([sentence], readable=readable)
    assert verdict == Verdict(status, sentence, phrase)
    if phrase is not None:  # afterview's reader takes every phrase the wording makes
        assert resolve(phrase, SAID_ON, CAL).date is not None


def test_the_timeline_needs_a_word_about_deciding() -> None:
    """'next week' alone (a holiday, a visit) is no timeline for the decision."""
    assert timeline_phrase("I'm on holiday next week.") is None
    assert timeline_phrase("We'll let you know next week.") == "next week"


def test_a_phrase_the_reader_refuses_is_not_a_timeline() -> None:
    """A date the reader cannot take makes the message 'replied', never a guessed date."""
    verdict = classify(["We will decide by December 10."], readable=lambda _: False)
    assert verdict.status == "replied"


def test_rejection_and_next_round_together_are_uncertain() -> None:
    """Both 'no' and 'another round' in one message: replied, with the rejection shown."""
    sentences = [
        "We have decided to move forward with other candidates.",
        "We'd like to invite you to a second interview.",
    ]
    assert classify(sentences).status == "replied"
    assert classify(sentences[:1], invitation=True).status == "replied"


def test_an_invitation_alone_is_the_next_round() -> None:
    assert classify(["Please find the details attached."], invitation=True).status == "next-round"


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Automatic reply: Thank you", ""),
        ("Out of Office: Re: Thank you", ""),
        ("Abwesenheitsnotiz: Vielen Dank", ""),
        ("Réponse automatique : Merci", ""),
        ("Respuesta automática: Gracias", ""),
        ("Re: Thank you", "I am currently on annual leave."),
        ("AW: Danke", "Ich bin derzeit im Urlaub."),
        ("RE: Merci", "Je suis absente jusqu'au lundi."),
        ("RE: Gracias", "Estoy fuera de la oficina hasta el lunes."),
    ],
)
def test_out_of_office_in_four_languages(subject: str, body: str) -> None:
    assert is_auto_reply(subject, [body] if body else [])


def test_a_human_reply_is_not_an_auto_reply() -> None:
    assert not is_auto_reply("Re: Thank you", ["Thanks, we will let you know next week."])


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Thank you for applying for the Logistics Coordinator role.", "Logistics Coordinator"),
        ("Your application for Senior Data Engineer at Northwind.", "Senior Data Engineer"),
        ("Ihre Bewerbung als Backend-Entwickler bei uns.", "Backend-Entwickler"),
        ("Votre candidature au poste de Chef de projet chez nous.", "Chef de projet"),
        ("Tu interés en el puesto de Diseñador UX.", "Diseñador UX"),
    ],
)
def test_roles_a_message_names(text: str, role: str) -> None:
    assert role in named_roles(text)


def test_generic_words_name_no_role() -> None:
    """'the position' is no role: it cannot rule out the tracked one."""
    assert named_roles("Thank you for your application for the position.") == []


def test_same_role_ignores_case_and_allows_a_shorter_spelling() -> None:
    assert same_role("senior data engineer", "Senior Data Engineer")
    assert same_role("Data Engineer", "Senior Data Engineer")
    assert not same_role("Marketing Analyst", "Senior Data Engineer")
