"""One message, decoded: its envelope from the headers, its new text from the body.

Headers are read first and alone (``envelope``), so a large mailbox is scanned without
decoding a single body; the body of a message that may answer an interview is read
afterwards (``read_letter``): the text a person wrote, without what they quoted,
HTML turned into text, and any calendar part kept for the invitation reader.
"""

from __future__ import annotations

import datetime as dt
import email
import email.errors
import email.header
import email.policy
import email.utils
import re
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser

from afterview.errors import MailError

from .wording import LANGUAGES

# Bodies are read up to this many bytes; the rest of a message (attachments, mostly)
# is never loaded. The text a person writes comes first in every mail client's output.
MAX_READ_BYTES = 1_000_000
MAX_SENTENCE = 400
_AUTOMATIC_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponse")
_BULK_PRECEDENCE = ("bulk", "list", "junk", "auto_reply")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_BROKEN = (
    email.errors.StartBoundaryNotFoundDefect,
    email.errors.MultipartInvariantViolationDefect,
    email.errors.NoBoundaryInMultipartDefect,
)
_CALENDAR_TYPES = ("text/calendar", "application/ics")


@dataclass(frozen=True)
class Envelope:
    """What one message's headers say: enough to decide whether its body is worth reading.

    ``key`` is where its source finds the message again (an offset, a file, a UID).
    Addresses are lower case; ``date`` is aware (None when the header is missing or bad).
    """

    key: str
    message_id: str
    sender: str
    sender_name: str
    recipients: tuple[str, ...]
    date: dt.datetime | None
    subject: str
    refs: tuple[str, ...]
    automatic: bool
    bulk: bool
    sent_label: bool
    size: int = 0

    @property
    def domain(self) -> str:
        """The sender's domain."""
        return self.sender.rsplit("@", 1)[-1] if "@" in self.sender else ""


@dataclass(frozen=True)
class Letter:
    """A message read in full: its envelope, the new text as sentences, any calendar."""

    envelope: Envelope
    text: str
    calendar: bytes | None
    truncated: bool = False

    def sentences(self) -> list[str]:
        """The new text cut into sentences, each on one line."""
        return sentences(self.text)


def decode_words(value: str | None) -> str:
    """A header value with its RFC 2047 words decoded; undecodable words kept as written."""
    if not value:
        return ""
    if "=?" not in value:
        return " ".join(value.split())
    try:
        decoded = str(email.header.make_header(email.header.decode_header(value)))
    except (LookupError, UnicodeDecodeError, ValueError, email.errors.HeaderParseError):
        decoded = value
    return " ".join(decoded.split())


_SCANNED = """from to cc date subject message-id in-reply-to references auto-submitted
precedence x-gmail-labels list-id list-unsubscribe x-autoreply x-autorespond x-autoresponse"""
_WANTED = frozenset(_SCANNED.split())
_ANGLE = re.compile(r"<\s*([^<>\s@]+@[^<>\s]+?)\s*>")
_BARE = re.compile(r"[^\s<>,;:\"()\[\]]+@[^\s<>,;:\"()\[\]]+")


def header_fields(header_bytes: bytes) -> dict[str, str]:
    """The header fields a scan needs (lower-case names, folded lines joined; To and Cc
    gather every occurrence, the others keep their first)."""
    fields: dict[str, str] = {}
    name = ""
    # A scan reads every header of a large mailbox, so this is a plain split rather than
    # the email package's parser (three times slower); bodies still go through it.
    for line in header_bytes.decode("utf-8", "replace").splitlines():
        if line[:1] in (" ", "\t"):
            if name:
                fields[name] += " " + line.strip()
            continue
        field, colon, value = line.partition(":")
        field = field.strip().lower()
        if not colon or field not in _WANTED:
            name = ""
            continue
        if field in fields and field not in ("to", "cc"):
            name = ""
            continue
        name = field
        fields[field] = f"{fields[field]}, {value.strip()}" if field in fields else value.strip()
    return fields


def _sender(value: str) -> tuple[str, str]:
    """The display name and address of a From field."""
    found = _ANGLE.search(value)
    if found:
        return value[: found.start()].strip().strip('"').strip(), found.group(1)
    if _BARE.fullmatch(value.strip()):
        return "", value.strip()
    name, address = email.utils.parseaddr(value)  # comments, groups, odd quoting
    return name, address


def envelope(key: str, header_bytes: bytes, size: int = 0) -> Envelope:
    """The envelope of a message from its header block (the body is not needed)."""
    headers = header_fields(header_bytes)
    name, sender = _sender(headers.get("from", ""))
    recipients = tuple(
        a.lower() for a in _BARE.findall(f"{headers.get('to', '')} {headers.get('cc', '')}")
    )
    refs = _MESSAGE_ID.findall(f"{headers.get('in-reply-to', '')} {headers.get('references', '')}")
    message_id = _MESSAGE_ID.search(headers.get("message-id", ""))
    auto = headers.get("auto-submitted", "no").strip().lower()
    precedence = headers.get("precedence", "").strip().lower()
    return Envelope(
        key=key,
        message_id=message_id.group(0) if message_id else "",
        sender=sender.strip().lower(),
        sender_name=decode_words(name),
        recipients=recipients,
        date=_date(headers.get("date")),
        subject=decode_words(headers.get("subject", "")),
        refs=tuple(refs),
        automatic=(auto not in ("", "no")) or any(h in headers for h in _AUTOMATIC_HEADERS),
        bulk=precedence in _BULK_PRECEDENCE
        or "list-id" in headers
        or "list-unsubscribe" in headers,
        sent_label="sent"
        in {x.strip() for x in headers.get("x-gmail-labels", "").lower().split(",")},
        size=size,
    )


def _date(value: object) -> dt.datetime | None:
    if value is None:
        return None
    try:
        found = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if found.tzinfo is None:  # "-0000": the time is UTC, its zone unknown (RFC 5322)
        found = found.replace(tzinfo=dt.UTC)
    return found


def header_end(data: bytes) -> int:
    """Where the header block of raw message bytes ends (after its blank line)."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        found = data.find(separator)
        if found >= 0:
            return found + len(separator)
    return len(data)


def _describe(env: Envelope) -> str:
    when = f"{env.date:%d %b %Y}" if env.date else "undated"
    return f"the message from {env.sender or 'an unknown sender'} ({when}, '{env.subject}')"


def read_letter(env: Envelope, data: bytes, *, truncated: bool = False) -> Letter:
    """The new text and calendar of a message; a MailError when its MIME or charset is broken.

    ``truncated`` says the source read only the start of a large message: a MIME part
    cut off there is expected, not damage.
    """
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    plain: list[str] = []
    html: list[str] = []
    calendar: bytes | None = None
    for part in message.walk():
        if any(isinstance(d, _BROKEN) for d in part.defects) or (
            not truncated
            and any(isinstance(d, email.errors.CloseBoundaryNotFoundDefect) for d in part.defects)
        ):
            raise MailError(f"{_describe(env)} has broken MIME (a part never starts or ends)")
        if part.is_multipart() or _is_attachment(part):
            if calendar is None and part.get_content_type() in _CALENDAR_TYPES:
                calendar = _text_of(part, env).encode("utf-8")
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            plain.append(_text_of(part, env))
        elif kind == "text/html":
            html.append(_text_of(part, env))
        elif kind in _CALENDAR_TYPES and calendar is None:
            calendar = _text_of(part, env).encode("utf-8")
    if plain and any(p.strip() for p in plain):
        text = "\n".join(plain)
    else:
        text = "\n".join(html_text(h) for h in html)
    return Letter(env, new_text(text), calendar, truncated)


def _is_attachment(part: Message) -> bool:
    return str(part.get("Content-Disposition", "")).strip().lower().startswith("attachment")


def _text_of(part: Message, env: Envelope) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = (part.get_content_charset() or "us-ascii").strip().strip('"')
    if charset in ("unknown-8bit", "x-unknown"):
        charset = "utf-8"
    try:
        return payload.decode(charset)
    except LookupError:
        raise MailError(
            f"{_describe(env)} is written in an unknown character set '{charset}'"
        ) from None
    except UnicodeDecodeError:
        # Mislabelled text (Windows-1252 sent as ISO-8859-1 or UTF-8) is common; a wrong
        # letter here and there does not change what a sentence means.
        return payload.decode("cp1252" if charset.lower() != "cp1252" else "latin-1", "replace")


# ---------------------------------------------------------------------------- text


class _HTMLText(HTMLParser):
    """The visible text of an HTML body, without quoted replies, styles or scripts."""

    _HIDDEN = frozenset({"script", "style", "head", "title", "blockquote"})
    _BREAKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "hr"})
    # Where mail clients put the message being replied to: everything after is quoted.
    _QUOTE_IDS = frozenset({"divrplyfwdmsg", "appendonsend", "mail-editor-reference-message"})
    _QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.stopped = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").lower()
        if (found.get("id") or "").lower() in self._QUOTE_IDS or any(
            c in classes for c in self._QUOTE_CLASSES
        ):
            self.stopped = True
        if tag in self._HIDDEN:
            self.hidden += 1
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.stopped:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The text an HTML body shows, one block a line."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def new_text(text: str) -> str:
    """What the sender wrote: quoted lines, the quoted message and the signature left out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cut = len(text)
    for language in LANGUAGES:
        for pattern in language.quote_starts:
            found = pattern.search(text)
            if found and found.start() < cut:
                cut = found.start()
    signature = re.search(r"(?m)^-- ?$", text)
    if signature and signature.start() < cut:
        cut = signature.start()
    kept = [line for line in text[:cut].splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(kept).strip()


# "11. Dezember" is a German date, not the end of a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b\d\.)(?<!\b\d\d\.)\s+(?=[^a-z0-9])|\n\s*\n")


def sentences(text: str) -> list[str]:
    """Sentences of ``text``, each on one line (paragraph breaks end a sentence too)."""
    found: list[str] = []
    for chunk in _SENTENCE_END.split(text):
        line = " ".join(chunk.split())
        if line:
            found.append(line[:MAX_SENTENCE])
    return found
