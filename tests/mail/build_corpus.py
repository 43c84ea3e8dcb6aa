"""Write the mail corpus: each message as an .eml in corpus/, its expected proposal in corpus.toml.

Every text here was written for these tests, in the shapes real senders use: human
replies quoting the thank-you (Gmail, Outlook, Apple Mail), applicant-tracking
rejections with HTML-only bodies, quoted-printable and base64, ISO-8859-1 and
Windows-1252, automatic replies, newsletters from the company's own domain,
invitations with a calendar part, and replies in German, French and Spanish.

Run ``.venv/bin/python tests/mail/build_corpus.py`` after changing a message; the
files it writes are committed, and the tests read those.
"""

from __future__ import annotations

import email.policy
from email.message import EmailMessage, Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ME = "Alex Kim <alex.kim@example.org>"
THANKS_DANA = "<thanks-dana.20261125@example.org>"
THANKS_OMAR = "<thanks-omar.20261125@example.org>"

Entry = dict[str, Any]
CORPUS: list[tuple[str, Message, Entry]] = []


def text_part(
    body: str, subtype: str = "plain", charset: str = "utf-8", cte: str = "qp"
) -> Message:
    """A text part in the charset and transfer encoding given ("qp", "base64", "8bit")."""
    part = MIMEText("", subtype, charset)
    del part["Content-Transfer-Encoding"]
    data = body.encode(charset)
    if cte == "base64":
        import base64

        part.set_payload(base64.encodebytes(data).decode("ascii"))
        part["Content-Transfer-Encoding"] = "base64"
    elif cte == "qp":
        import quopri

        part.set_payload(quopri.encodestring(data).decode("ascii"))
        part["Content-Transfer-Encoding"] = "quoted-printable"
    else:
        part.set_payload(data.decode("ascii", "surrogateescape"))
        part["Content-Transfer-Encoding"] = "8bit"
    return part


def headers(message: Message, sender: str, date: str, subject: str, **extra: str) -> Message:
    message["From"] = sender
    message["To"] = extra.pop("to", ME)
    message["Date"] = date
    message["Subject"] = subject
    if "message_id" in extra:
        if extra["message_id"]:
            message["Message-ID"] = extra.pop("message_id")
        else:
            extra.pop("message_id")
    for name, value in extra.items():
        message[name.replace("_", "-")] = value
    return message


def add(
    name: str,
    message: Message,
    status: str | None,
    interview: str | None = None,
    decision: str | None = None,
    why: str = "",
    **extra: Any,
) -> None:
    """One corpus message and what afterview should propose for it (status None: nothing)."""
    if "Message-ID" not in message and extra.pop("with_id", True):
        message["Message-ID"] = f"<{name}@corpus.afterview.test>"
    entry: Entry = {"file": f"corpus/{name}.eml", "status": status or "none", "why": why}
    if interview:
        entry["interview"] = interview
    if decision:
        entry["decision"] = decision
    entry.update(extra)
    CORPUS.append((name, message, entry))


def plain(sender: str, date: str, subject: str, body: str, **options: str) -> Message:
    charset = options.pop("charset", "utf-8")
    cte = options.pop("cte", "qp")
    return headers(text_part(body, "plain", charset, cte), sender, date, subject, **options)


def html_only(sender: str, date: str, subject: str, html: str, **options: str) -> Message:
    charset = options.pop("charset", "utf-8")
    cte = options.pop("cte", "qp")
    return headers(text_part(html, "html", charset, cte), sender, date, subject, **options)


def alternative(
    sender: str, date: str, subject: str, body: str, html: str, **options: str
) -> Message:
    cte = options.pop("cte", "qp")
    message = MIMEMultipart("alternative")
    message.attach(text_part(body, "plain", "utf-8", cte))
    message.attach(text_part(html, "html", "utf-8", cte))
    return headers(message, sender, date, subject, **options)


def with_calendar(sender: str, date: str, subject: str, body: str, ics: str) -> Message:
    message = MIMEMultipart("mixed")
    inner = MIMEMultipart("alternative")
    inner.attach(text_part(body, "plain"))
    calendar = text_part(ics.replace("\n", "\r\n"), "calendar", "utf-8", "base64")
    calendar.set_param("method", "REQUEST")
    inner.attach(calendar)
    message.attach(inner)
    invite = MIMEApplication(ics.replace("\n", "\r\n").encode(), "ics", name="invite.ics")
    invite.add_header("Content-Disposition", "attachment", filename="invite.ics")
    message.attach(invite)
    return headers(message, sender, date, subject)


def with_attachment(message: Message, filename: str, data: bytes) -> Message:
    outer = MIMEMultipart("mixed")
    for name, value in message.items():
        if name.lower() not in ("content-type", "content-transfer-encoding", "mime-version"):
            outer[name] = value
    body = MIMEText("", "plain", "utf-8")
    body.set_payload(message.get_payload())
    del body["Content-Transfer-Encoding"]
    body["Content-Transfer-Encoding"] = message["Content-Transfer-Encoding"]
    outer.attach(body)
    attachment = MIMEApplication(data, "pdf", name=filename)
    attachment.add_header("Content-Disposition", "attachment", filename=filename)
    outer.attach(attachment)
    return outer


DANA = "Dana Lee <dana.lee@northwind.example>"
OMAR = "Omar Haddad <omar.haddad@northwind.example>"
MARIA = "Maria Silva <maria.silva@northwind.example>"
PRIYA = "Priya Raman <priya.raman@fenwick-rowe.co.uk>"
JONAS = "Jonas Weber <jonas.weber@kranich-logistik.de>"
CLAIRE = "Claire Martin <claire.martin@maison-lumiere.fr>"
LUCIA = "=?utf-8?q?Luc=C3=ADa_G=C3=B3mez?= <lucia.gomez@soleradigital.es>"
SAM = "Sam Ortiz <sam.ortiz@blueheron.example>"
BEN = "Ben Carter <ben.carter@gmail.com>"

QUOTED_THANKS = """On Wed, Nov 25, 2026 at 4:05 PM Alex Kim <alex.kim@example.org> wrote:
> Hi Dana,
>
> Thank you for taking the time to talk with me today about streaming
> pipelines and the on-call rotation. You mentioned you would let me know
> next week how the decision goes; I look forward to hearing from you.
>
> Best regards,
> Alex
"""

OUTLOOK_QUOTE = """________________________________
From: Alex Kim <alex.kim@example.org>
Sent: Wednesday, November 25, 2026 4:05 PM
To: Omar Haddad <omar.haddad@northwind.example>
Subject: Thank you

Hi Omar, thank you for the conversation about data modelling. You said you
would let me know next week how the decision goes.
"""


def the_sent_thank_yous() -> list[tuple[str, Message]]:
    """The user's own thank-yous, as a Sent folder holds them: replies refer to them."""
    dana = plain(
        ME,
        "Wed, 25 Nov 2026 16:05:00 -0500",
        "Thank you",
        "Hi Dana,\n\nThank you for taking the time to talk with me today.\n\nBest regards,\nAlex\n",
        to=DANA,
        message_id=THANKS_DANA,
    )
    omar = plain(
        ME,
        "Wed, 25 Nov 2026 16:07:00 -0500",
        "Thank you",
        "Hi Omar,\n\nThank you for the conversation about data modelling.\n\nBest,\nAlex\n",
        to=OMAR,
        message_id=THANKS_OMAR,
    )
    return [("sent-thanks-dana", dana), ("sent-thanks-omar", omar)]


def northwind() -> None:
    add(
        "nw-gmail-reply-decision-date",
        plain(
            DANA,
            "Mon, 30 Nov 2026 09:12:44 -0500",
            "Re: Thank you",
            "Thanks Alex, it was great talking to you too.\n\nWe're finishing the last "
            "interviews this week and expect to make a decision by December 10.\n\nDana\n\n"
            + QUOTED_THANKS,
            In_Reply_To=THANKS_DANA,
            References=THANKS_DANA,
        ),
        "waiting",
        "nw",
        "December 10",
        "a Gmail reply quoting the thank-you gives a date",
    )
    add(
        "nw-outlook-reply-quote-ignored",
        plain(
            OMAR,
            "Thu, 26 Nov 2026 10:03:00 -0500",
            "RE: Thank you",
            "Hi Alex,\n\nThank you for the note. I've passed your comments on to Dana.\n\n"
            "Best,\nOmar\n\n" + OUTLOOK_QUOTE,
            cte="8bit",
        ),
        "replied",
        "nw",
        why="the timeline is only in Outlook's quoted message, so no timeline",
    )
    add(
        "nw-outlook-html-rejection",
        html_only(
            DANA,
            "Tue, 01 Dec 2026 14:30:00 -0500",
            "RE: Thank you",
            "<html><head><style>p {margin:0}</style></head><body>"
            "<div><p>Hi Alex,</p><p>Thank you again for your time with the team. "
            "Unfortunately, we have decided to move forward with other candidates whose "
            "experience more closely matches what we need right now.</p>"
            "<p>We wish you the best in your search.</p><p>Dana</p></div>"
            '<hr><div id="divRplyFwdMsg"><b>From:</b> Alex Kim<br><b>Sent:</b> Wednesday, '
            "November 25, 2026 4:05 PM</div><div>I look forward to hearing from you by "
            "Friday.</div></body></html>",
        ),
        "rejected",
        "nw",
        why="an HTML-only Outlook reply, quoted-printable",
    )
    add(
        "nw-next-week",
        plain(
            DANA,
            "Fri, 27 Nov 2026 11:20:00 -0500",
            "Re: Thank you",
            "Hi Alex,\n\nQuick update: we'll get back to you next week with a decision.\n\nDana\n",
        ),
        "waiting",
        "nw",
        "next week",
        "the day after Thanksgiving, 'next week'",
    )
    add(
        "nw-offer",
        plain(
            DANA,
            "Thu, 03 Dec 2026 16:00:00 -0500",
            "Good news",
            "Hi Alex,\n\nI'm delighted to extend you an offer for the Senior Data Engineer "
            "role! Maria will send the details this afternoon.\n\nDana\n",
        ),
        "offer",
        "nw",
    )
    add(
        "nw-final-round-invitation",
        with_calendar(
            MARIA,
            "Tue, 01 Dec 2026 10:00:00 -0500",
            "Invitation: Final round interview: Alex Kim for Senior Data Engineer",
            "Hi Alex,\n\nWe'd like to invite you to a final round interview with our VP of "
            "Data. The invitation is attached.\n\nMaria Silva, Recruiting\n",
            """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Corpus//afterview tests//EN
METHOD:REQUEST
BEGIN:VEVENT
UID:final-round-20261209@northwind.example
DTSTAMP:20261201T150000Z
DTSTART;TZID=America/New_York:20261209T150000
DTEND;TZID=America/New_York:20261209T160000
SUMMARY:Final round interview: Alex Kim for Senior Data Engineer
ORGANIZER;CN=Maria Silva:mailto:maria.silva@northwind.example
ATTENDEE;CN=Dana Lee;PARTSTAT=ACCEPTED:mailto:dana.lee@northwind.example
ATTENDEE;CN=Alex Kim;PARTSTAT=NEEDS-ACTION:mailto:alex.kim@example.org
END:VEVENT
END:VCALENDAR
""",
        ),
        "next-round",
        "nw",
        why="an invitation with a text/calendar part",
        round_start="2026-12-09T15:00:00",
    )
    add(
        "nw-newsletter-same-domain",
        alternative(
            "Northwind Traders <news@northwind.example>",
            "Mon, 30 Nov 2026 08:00:00 -0500",
            "Northwind news: we have decided to move forward with our new warehouse",
            "This month we have decided to move forward with other candidates for our new "
            "warehouse site.",
            "<p>This month we have decided to move forward with other candidates for our "
            "new warehouse site.</p>",
            List_Unsubscribe="<https://northwind.example/unsubscribe?u=1>",
        ),
        None,
        why="a newsletter from the company's domain (List-Unsubscribe)",
    )
    add(
        "nw-job-alert",
        plain(
            "Northwind Careers <careers@northwind.example>",
            "Tue, 01 Dec 2026 07:00:00 -0500",
            "New jobs at Northwind Traders",
            "Five new roles match your profile. The Senior Data Engineer position has been "
            "filled, but take a look at these.",
            List_Id="Northwind job alerts <alerts.northwind.example>",
        ),
        None,
        why="a job alert (List-Id)",
    )
    add(
        "nw-auto-submitted",
        plain(
            DANA,
            "Wed, 25 Nov 2026 16:06:00 -0500",
            "Automatic reply: Thank you",
            "I am out of the office until Monday 30 November.",
            Auto_Submitted="auto-replied",
        ),
        None,
        why="Auto-Submitted",
    )
    add(
        "nw-out-of-office-subject",
        plain(
            OMAR,
            "Wed, 25 Nov 2026 16:08:00 -0500",
            "Out of Office: Thank you",
            "Thanks for your message. We have decided to move forward with other candidates "
            "is not something I can answer until I return.",
        ),
        None,
        why="out-of-office wording in the subject, no header",
    )
    add(
        "nw-out-of-office-body",
        plain(
            DANA,
            "Thu, 26 Nov 2026 08:00:00 -0500",
            "Re: Thank you",
            "Hello,\n\nI am currently away with limited access to email and will reply when "
            "I am back on December 7.\n\nDana Lee",
        ),
        None,
        why="out-of-office wording in the body only",
    )
    add(
        "nw-before-interview",
        plain(
            DANA,
            "Tue, 24 Nov 2026 17:00:00 -0500",
            "See you tomorrow",
            "Hi Alex, looking forward to tomorrow. We expect to decide by Friday.",
        ),
        None,
        why="dated before the interview",
    )
    add(
        "nw-different-role",
        plain(
            MARIA,
            "Mon, 30 Nov 2026 12:00:00 -0500",
            "Your application",
            "Hi Alex,\n\nThank you for your interest in the Marketing Analyst position. "
            "Unfortunately, we have decided to move forward with other candidates.\n\nMaria",
        ),
        None,
        why="a rejection for another role at the same company",
    )
    add(
        "nw-greenhouse-base64-rejection",
        html_only(
            "Northwind Traders <no-reply@us.greenhouse-mail.io>",
            "Wed, 02 Dec 2026 18:45:00 +0000",
            "Your application to Northwind Traders",
            '<table><tr><td><img src="https://example.invalid/logo.png" alt="Northwind">'
            "</td></tr><tr><td><p>Dear Alex,</p><p>Thank you for your application for the "
            "Senior Data Engineer position at Northwind Traders.</p><p>After careful review, "
            "we will not be moving forward with your application at this time.</p>"
            "<p>Best,<br>The Northwind Traders Recruiting Team</p></td></tr></table>",
            cte="base64",
        ),
        "rejected",
        "nw",
        why="Greenhouse, HTML-only, base64, names the company and the role",
    )
    add(
        "nw-own-sent-message",
        plain(
            ME,
            "Mon, 30 Nov 2026 09:30:00 -0500",
            "Re: Thank you",
            "Hi Dana, I understand if you have decided to move forward with other candidates.",
            to=DANA,
        ),
        None,
        why="the user's own message",
    )
    add(
        "nw-hedged",
        plain(
            DANA,
            "Mon, 30 Nov 2026 15:00:00 -0500",
            "Re: Thank you",
            "Hi Alex,\n\nWe have not made a decision yet. If we have decided to move forward "
            "with other candidates by then, I will tell you myself.\n\nDana",
        ),
        "replied",
        "nw",
        why="a hedged sentence is not a rejection",
    )
    add(
        "nw-weekday-and-date",
        plain(
            OMAR,
            "Mon, 30 Nov 2026 11:00:00 -0500",
            "Re: Thank you",
            "Hi Alex,\n\nUnfortunately Dana is out sick, so we will only be able to make a "
            "decision by Friday, December 11.\n\nOmar",
        ),
        "waiting",
        "nw",
        "December 11",
        "'unfortunately' alone is not a rejection; the date wins over the weekday",
    )
    add(
        "nw-still-interviewing",
        plain(
            DANA,
            "Tue, 01 Dec 2026 09:00:00 -0500",
            "Re: Thank you",
            "Thanks for your patience, Alex. We're still interviewing.",
        ),
        "replied",
        "nw",
    )
    add(
        "nw-next-friday-ambiguous",
        plain(
            DANA,
            "Mon, 30 Nov 2026 10:00:00 -0500",
            "Re: Thank you",
            "Hi Alex, we hope to decide by next Friday.",
        ),
        "replied",
        "nw",
        why="'next Friday' is ambiguous: afterview's reader refuses it, so no timeline",
    )
    add(
        "nw-windows-1252",
        plain(
            OMAR,
            "Wed, 02 Dec 2026 13:00:00 -0500",
            "Re: Thank you",
            "Hi Alex,\n\nThank you for your patience. We’ve decided to proceed with other "
            "candidates for this role – I’m sorry it isn’t better news.\n\nOmar",
            charset="windows-1252",
        ),
        "rejected",
        "nw",
        why="Windows-1252, quoted-printable, typographic apostrophes",
    )
    add(
        "nw-thread-personal-address",
        plain(
            "Omar H <omar.h.personal@gmail.com>",
            "Sat, 28 Nov 2026 10:00:00 -0500",
            "Re: Thank you",
            "Happy to help! The team will let you know within 5 business days.\n\nOmar",
            In_Reply_To=THANKS_OMAR,
            References=THANKS_OMAR,
        ),
        "waiting",
        "nw",
        "5 business days",
        "a reply to the user's thank-you from a personal address",
    )
    add(
        "nw-thread-unknown",
        plain(
            "Someone <someone@gmail.com>",
            "Sat, 28 Nov 2026 10:00:00 -0500",
            "Re: Our trip",
            "We have decided to move forward with other candidates for the trip.",
            In_Reply_To="<holiday-plans@example.net>",
        ),
        None,
        why="a reply to another thread from a personal address",
    )
    add(
        "nw-lever-other-company",
        plain(
            "Acme Corp <no-reply@hire.lever.co>",
            "Tue, 01 Dec 2026 12:00:00 +0000",
            "Your application to Acme Corp",
            "Hi Alex, we have decided to move forward with other candidates.",
        ),
        None,
        why="an applicant-tracking system mail that names another company",
    )
    add(
        "nw-workday-other-role",
        plain(
            "Northwind Traders <northwind@myworkday.com>",
            "Tue, 01 Dec 2026 12:00:00 +0000",
            "Your application",
            "Thank you for applying for the Logistics Coordinator role at Northwind Traders. "
            "We have decided to move forward with other candidates.",
        ),
        None,
        why="Workday names the company but another role",
    )
    add(
        "nw-precedence-bulk",
        plain(
            "Northwind HR <hr@northwind.example>",
            "Tue, 01 Dec 2026 12:00:00 -0500",
            "Holiday schedule",
            "Our offices close for the holidays; we will let you know next week about the "
            "new schedule.",
            Precedence="bulk",
        ),
        None,
        why="Precedence: bulk",
    )
    add(
        "nw-position-filled",
        plain(
            MARIA,
            "Thu, 03 Dec 2026 09:00:00 -0500",
            "Senior Data Engineer",
            "Hi Alex, I wanted to let you know that the position has been filled. Thank you "
            "for your time.",
        ),
        "rejected",
        "nw",
    )
    add(
        "nw-mixed-signals",
        plain(
            DANA,
            "Wed, 02 Dec 2026 09:00:00 -0500",
            "Re: Thank you",
            "Hi Alex, we have decided to move forward with other candidates for now. We would "
            "like to invite you to a final interview in January, though.",
        ),
        "replied",
        "nw",
        why="'no' and 'yes' in one message: uncertain",
    )


def fenwick() -> None:
    add(
        "fw-end-of-week",
        plain(
            PRIYA,
            "Tue, 01 Dec 2026 09:30:00 +0000",
            "Re: Thank you",
            "Hi Alex,\n\nThanks for your note. We hope to let you know by the end of the week."
            "\n\nKind regards,\nPriya",
        ),
        "waiting",
        "fw",
        "end of the week",
    )
    add(
        "fw-two-weeks",
        plain(
            PRIYA,
            "Tue, 01 Dec 2026 10:30:00 +0000",
            "Re: Thank you",
            "Hi Alex, we should have a decision within two weeks.",
        ),
        "waiting",
        "fw",
        "2 weeks",
    )
    add(
        "fw-alternative-rejection",
        alternative(
            PRIYA,
            "Wed, 02 Dec 2026 16:00:00 +0000",
            "Product Designer application",
            "Dear Alex,\n\nThank you for meeting us. We won't be moving forward with your "
            "application, but we were impressed by your portfolio.\n\nPriya",
            "<p>Dear Alex,</p><p>Thank you for meeting us. We won't be moving forward with "
            "your application, but we were impressed by your portfolio.</p><p>Priya</p>",
        ),
        "rejected",
        "fw",
        why="multipart/alternative, quoted-printable",
    )
    add(
        "fw-teamtailor-rejection",
        html_only(
            "Fenwick & Rowe <no-reply@teamtailor-mail.com>",
            "Thu, 03 Dec 2026 08:00:00 +0000",
            "Update on your application",
            "<div><p>Hi Alex,</p><p>Unfortunately, you have not been selected for the Product "
            "Designer role at Fenwick &amp; Rowe.</p><p>Fenwick &amp; Rowe Talent</p></div>",
        ),
        "rejected",
        "fw",
        why="Teamtailor names the company (with an HTML entity) and the role",
    )
    add(
        "fw-offer-with-attachment",
        with_attachment(
            plain(
                PRIYA,
                "Fri, 04 Dec 2026 11:00:00 +0000",
                "Offer",
                "Hi Alex,\n\nWe are delighted to offer you the position of Product Designer. "
                "The contract is attached.\n\nPriya",
            ),
            "contract.pdf",
            b"%PDF-1.4\n% a small stand-in for a contract\n" + bytes(range(256)) * 20,
        ),
        "offer",
        "fw",
        why="an offer with a PDF attachment",
    )
    add(
        "fw-second-interview",
        plain(
            PRIYA,
            "Wed, 02 Dec 2026 12:00:00 +0000",
            "Next steps",
            "Hi Alex, we'd like to invite you to a second interview with our design "
            "director. Could you send me a few times that suit you?",
        ),
        "next-round",
        "fw",
        why="another round without an invitation attached",
    )
    add(
        "fw-x-autoreply",
        plain(
            PRIYA,
            "Mon, 30 Nov 2026 15:00:00 +0000",
            "Re: Thank you",
            "Thank you for your email. I will respond as soon as possible.",
            X_Autoreply="yes",
        ),
        None,
        why="X-Autoreply",
    )
    add(
        "fw-iso-8859-1",
        plain(
            PRIYA,
            "Mon, 30 Nov 2026 17:00:00 +0000",
            "Re: Thank you",
            "Hi Alex,\n\nThanks for coming in. The £ figures you asked about are in the "
            "pack. We'll be in touch in a few days.\n\nPriya",
            charset="iso-8859-1",
        ),
        "waiting",
        "fw",
        "a few days",
        why="ISO-8859-1",
    )


def kranich() -> None:
    add(
        "kr-absage",
        plain(
            JONAS,
            "Mon, 30 Nov 2026 10:00:00 +0100",
            "Ihre Bewerbung",
            "Sehr geehrter Herr Kim,\n\nvielen Dank für das Gespräch. Leider müssen wir Ihnen "
            "mitteilen, dass wir uns für einen anderen Kandidaten entschieden haben.\n\n"
            "Mit freundlichen Grüßen\nJonas Weber",
        ),
        "rejected",
        "kr",
    )
    add(
        "kr-bis-zum-datum",
        plain(
            JONAS,
            "Fri, 27 Nov 2026 10:00:00 +0100",
            "AW: Vielen Dank",
            "Hallo Herr Kim,\n\nwir werden bis zum 11. Dezember eine Entscheidung treffen."
            "\n\nViele Grüße\nJonas Weber",
        ),
        "waiting",
        "kr",
        "11 December",
    )
    add(
        "kr-naechste-woche",
        plain(
            JONAS,
            "Thu, 26 Nov 2026 10:00:00 +0100",
            "AW: Vielen Dank",
            "Hallo Herr Kim,\n\nwir melden uns nächste Woche bei Ihnen.\n\nJonas",
            cte="8bit",
        ),
        "waiting",
        "kr",
        "next week",
    )
    add(
        "kr-abwesenheitsnotiz",
        plain(
            JONAS,
            "Tue, 24 Nov 2026 12:00:00 +0100",
            "Abwesenheitsnotiz: Vielen Dank",
            "Ich bin bis zum 30.11. nicht im Büro. Ihre Nachricht wird nicht weitergeleitet.",
        ),
        None,
        why="German out-of-office (Abwesenheitsnotiz)",
    )
    add(
        "kr-zweites-gespraech",
        plain(
            JONAS,
            "Tue, 01 Dec 2026 09:00:00 +0100",
            "Nächster Schritt",
            "Hallo Herr Kim,\n\nwir möchten Sie gerne zu einem zweiten Gespräch mit unserer "
            "CTO einladen.\n\nJonas",
        ),
        "next-round",
        "kr",
    )
    add(
        "kr-angebot",
        plain(
            JONAS,
            "Thu, 03 Dec 2026 15:00:00 +0100",
            "Ihr Angebot",
            "Hallo Herr Kim,\n\nwir freuen uns, Ihnen die Stelle als Backend-Entwickler "
            "anzubieten.\n\nJonas",
        ),
        "offer",
        "kr",
    )
    add(
        "kr-outlook-zitat",
        plain(
            JONAS,
            "Wed, 25 Nov 2026 09:00:00 +0100",
            "AW: Vielen Dank",
            "Hallo Herr Kim,\n\nvielen Dank für Ihre Nachricht, ich gebe sie an das Team "
            "weiter.\n\nJonas\n\nVon: Alex Kim <alex.kim@example.org>\nGesendet: Dienstag, "
            "24. November 2026 17:00\nAn: Jonas Weber\nBetreff: Vielen Dank\n\nSie sagten, "
            "Sie melden sich nächste Woche.\n",
        ),
        "replied",
        "kr",
        why="German Outlook quote: the timeline is only in the quote",
    )
    add(
        "kr-iso-8859-15-base64",
        plain(
            JONAS,
            "Wed, 25 Nov 2026 14:00:00 +0100",
            "AW: Vielen Dank",
            "Guten Tag Herr Kim,\n\ninnerhalb von zwei Wochen erhalten Sie eine Rückmeldung "
            "von uns. Grüße aus dem Büro (Kosten in €).\n\nJonas",
            charset="iso-8859-15",
            cte="base64",
        ),
        "waiting",
        "kr",
        "2 weeks",
        why="ISO-8859-15 in base64",
    )
    add(
        "kr-personio-absage",
        html_only(
            "Kranich Logistik GmbH <noreply@personio.de>",
            "Wed, 02 Dec 2026 11:00:00 +0100",
            "Ihre Bewerbung bei Kranich Logistik GmbH",
            "<p>Hallo Alex Kim,</p><p>vielen Dank für Ihr Interesse an der Kranich Logistik "
            "GmbH. Nach sorgfältiger Prüfung können wir Ihre Bewerbung leider nicht weiter "
            "berücksichtigen.</p><p>Ihr Recruiting-Team</p>",
        ),
        "rejected",
        "kr",
        why="Personio, HTML-only, German",
    )


def lumiere() -> None:
    add(
        "ml-refus",
        plain(
            CLAIRE,
            "Tue, 01 Dec 2026 10:00:00 +0100",
            "Votre candidature",
            "Bonjour Alex,\n\nNous sommes au regret de vous informer que nous ne pouvons pas "
            "donner une suite favorable à votre candidature.\n\nCordialement,\nClaire Martin",
        ),
        "rejected",
        "ml",
    )
    add(
        "ml-delai",
        plain(
            CLAIRE,
            "Fri, 27 Nov 2026 10:00:00 +0100",
            "RE: Merci",
            "Bonjour Alex,\n\nNous reviendrons vers vous d’ici le 9 décembre.\n\nClaire",
        ),
        "waiting",
        "ml",
        "9 December",
        why="a typographic apostrophe in d’ici",
    )
    add(
        "ml-semaine-prochaine",
        plain(
            CLAIRE,
            "Thu, 26 Nov 2026 10:00:00 +0100",
            "RE: Merci",
            "Bonjour Alex, nous prendrons notre décision la semaine prochaine.",
        ),
        "waiting",
        "ml",
        "next week",
    )
    add(
        "ml-absente",
        plain(
            CLAIRE,
            "Wed, 25 Nov 2026 18:00:00 +0100",
            "Absent : Re: Merci",
            "Je suis absente jusqu'au 30 novembre. En cas d'urgence, contactez l'accueil.",
        ),
        None,
        why="French out-of-office (absent)",
    )
    add(
        "ml-second-entretien",
        plain(
            CLAIRE,
            "Mon, 30 Nov 2026 10:00:00 +0100",
            "Prochaine étape",
            "Bonjour Alex,\n\nNous souhaitons vous inviter à un second entretien avec la "
            "directrice du digital.\n\nClaire",
        ),
        "next-round",
        "ml",
    )
    add(
        "ml-offre",
        plain(
            CLAIRE,
            "Thu, 03 Dec 2026 10:00:00 +0100",
            "Proposition",
            "Bonjour Alex,\n\nNous avons le plaisir de vous proposer le poste de Chef de "
            "projet digital.\n\nClaire",
        ),
        "offer",
        "ml",
    )
    add(
        "ml-windows-1252",
        plain(
            CLAIRE,
            "Wed, 02 Dec 2026 10:00:00 +0100",
            "Votre candidature",
            "Bonjour Alex,\n\nAprès réflexion, nous avons retenu un autre candidat pour ce "
            "poste. Nous vous remercions de l’intérêt porté à Maison Lumière.\n\nClaire",
            charset="windows-1252",
        ),
        "rejected",
        "ml",
        why="Windows-1252, French",
    )
    add(
        "ml-apple-mail-quote",
        plain(
            CLAIRE,
            "Thu, 26 Nov 2026 09:00:00 +0100",
            "Re: Merci",
            "Merci Alex, au plaisir.\n\nLe 25 nov. 2026 à 17:10, Alex Kim "
            "<alex.kim@example.org> a écrit :\n\n> Vous avez dit que la décision serait prise "
            "la semaine prochaine.\n",
        ),
        "replied",
        "ml",
        why="Apple Mail's French quote line",
    )


def solera() -> None:
    add(
        "sd-rechazo",
        plain(
            LUCIA,
            "Tue, 01 Dec 2026 10:00:00 +0100",
            "Tu candidatura",
            "Hola Alex:\n\nLamentablemente, hemos decidido seguir adelante con otros "
            "candidatos.\n\nUn saludo,\nLucía",
        ),
        "rejected",
        "sd",
    )
    add(
        "sd-plazo",
        plain(
            LUCIA,
            "Fri, 27 Nov 2026 10:00:00 +0100",
            "RE: Gracias",
            "Hola Alex:\n\nTe daremos una respuesta antes del 11 de diciembre.\n\nLucía",
        ),
        "waiting",
        "sd",
        "11 December",
    )
    add(
        "sd-proxima-semana",
        plain(
            LUCIA,
            "Fri, 27 Nov 2026 12:00:00 +0100",
            "RE: Gracias",
            "Hola Alex, te informaremos la próxima semana.",
        ),
        "waiting",
        "sd",
        "next week",
    )
    add(
        "sd-fuera-de-la-oficina",
        plain(
            LUCIA,
            "Thu, 26 Nov 2026 18:00:00 +0100",
            "Respuesta automática: Gracias",
            "Estoy fuera de la oficina hasta el lunes.",
        ),
        None,
        why="Spanish out-of-office (fuera de la oficina)",
    )
    add(
        "sd-segunda-entrevista",
        plain(
            LUCIA,
            "Mon, 30 Nov 2026 10:00:00 +0100",
            "Siguiente paso",
            "Hola Alex:\n\nNos gustaría invitarte a una segunda entrevista con el equipo de "
            "datos.\n\nLucía",
        ),
        "next-round",
        "sd",
    )
    add(
        "sd-oferta",
        plain(
            LUCIA,
            "Thu, 03 Dec 2026 10:00:00 +0100",
            "Oferta",
            "Hola Alex:\n\nNos complace ofrecerte el puesto de Analista de datos.\n\nLucía",
        ),
        "offer",
        "sd",
    )
    add(
        "sd-base64",
        plain(
            LUCIA,
            "Mon, 30 Nov 2026 12:00:00 +0100",
            "RE: Gracias",
            "Hola Alex:\n\nEn los próximos días te contactaremos con novedades.\n\nLucía",
            cte="base64",
        ),
        "waiting",
        "sd",
        "a few days",
        why="UTF-8 in base64",
    )
    add(
        "sd-smartrecruiters-otro-puesto",
        plain(
            "Solera Digital <noreply@smartrecruiters.com>",
            "Wed, 02 Dec 2026 10:00:00 +0100",
            "Tu candidatura en Solera Digital",
            "Gracias por tu interés en el puesto de Diseñador UX. Lamentablemente, hemos "
            "decidido seguir adelante con otros candidatos.",
        ),
        None,
        why="another role at the same company, in Spanish",
    )


def blue_heron() -> None:
    add(
        "bh-greenhouse-html-rejection",
        html_only(
            "Blue Heron Health <no-reply@greenhouse.io>",
            "Tue, 01 Dec 2026 15:00:00 +0000",
            "Blue Heron Health: your application",
            "<html><body><p>Hi Alex,</p><p>Thank you for your interest in the Platform "
            "Engineer role at Blue Heron Health. After careful consideration, we have decided "
            "to move forward with other candidates.</p><p>Blue Heron Health Recruiting</p>"
            "</body></html>",
        ),
        "rejected",
        "bh",
        why="Greenhouse, HTML-only, quoted-printable",
    )
    add(
        "bh-lever-waiting",
        plain(
            "Blue Heron Health <no-reply@hire.lever.co>",
            "Wed, 25 Nov 2026 15:00:00 +0000",
            "Your application at Blue Heron Health",
            "Hi Alex,\n\nOur hiring team is still reviewing candidates, and we expect to get "
            "back to you in 10 days.\n\nBlue Heron Health",
        ),
        "waiting",
        "bh",
        "in 10 days",
    )
    add(
        "bh-ashby-job-alert",
        plain(
            "Blue Heron Health <jobs@ashbyhq.com>",
            "Wed, 25 Nov 2026 15:00:00 +0000",
            "Jobs you might like at Blue Heron Health",
            "We have decided to move forward with new openings.",
            List_Unsubscribe="<mailto:unsubscribe@ashbyhq.com>",
        ),
        None,
        why="a job alert from an applicant-tracking system",
    )
    add(
        "bh-no-message-id",
        plain(
            SAM,
            "Thu, 26 Nov 2026 10:00:00 -0600",
            "Re: Thank you",
            "Hi Alex, we'd love to move you to the final round. Our coordinator will reach "
            "out with times.",
        ),
        "next-round",
        "bh",
        why="no Message-ID: one is made from sender, date and subject",
        with_id=False,
    )
    add(
        "bh-offer-negated",
        plain(
            SAM,
            "Wed, 02 Dec 2026 10:00:00 -0600",
            "Re: Thank you",
            "Hi Alex, we're not able to extend an offer at this time, as the role is on hold.",
        ),
        "replied",
        "bh",
        why="a negated offer is not an offer, nor a clear rejection",
    )


def quill() -> None:
    add(
        "qi-personal-interviewer",
        plain(
            BEN,
            "Wed, 02 Dec 2026 09:00:00 -0500",
            "Re: Thanks!",
            "Hey Alex, great chatting. We'll decide by Friday.",
        ),
        "waiting",
        "qi",
        "by Friday",
        why="an interviewer who gave a personal address",
    )
    add(
        "qi-stranger",
        plain(
            "Prize Desk <prizes@gmail.com>",
            "Wed, 02 Dec 2026 09:00:00 -0500",
            "Congratulations",
            "We are delighted to offer you the position of prize winner.",
        ),
        None,
        why="a stranger's offer wording",
    )


def write() -> None:
    """Write every message and the manifest."""
    folder = HERE / "corpus"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    for builder in (northwind, fenwick, kranich, lumiere, solera, blue_heron, quill):
        builder()
    policy = email.policy.compat32.clone(linesep="\r\n")
    lines = [
        "# The mail corpus: what afterview should propose for each message (written by",
        "# build_corpus.py). status 'none' means the message answers no tracked interview.",
        "",
    ]
    for name, message in the_sent_thank_yous():
        (HERE / f"{name}.eml").write_bytes(message.as_bytes(policy=policy))
    for name, message, entry in CORPUS:
        (folder / f"{name}.eml").write_bytes(message.as_bytes(policy=policy))
        lines.append("[[message]]")
        for key, value in entry.items():
            lines.append(f"{key} = {_toml(value)}")
        lines.append("")
    (HERE / "corpus.toml").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {len(CORPUS)} messages")


def _toml(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


if __name__ == "__main__":
    write()


__all__ = ["EmailMessage", "write"]
