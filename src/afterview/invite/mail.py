"""Reading an invitation from a file: an .ics, or a saved e-mail (.eml) that carries one."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from afterview.errors import InviteError
from afterview.formats.files import INVITATION_SUFFIXES, read_bytes
from afterview.formats.icsread import Invitation, read_invitation

if TYPE_CHECKING:
    from email.message import Message


# E-mails carry attachments, and Outlook embeds them in the .ics too: refuse only
# what no invitation reaches, so a wrong file (a video, a disk image) is not read.
MAX_INVITE_BYTES = 30_000_000


def load_invitation(path: Path) -> Invitation:
    """The invitation in an .ics file or a saved e-mail (.eml), or an InviteError."""

    from afterview.formats.icsread import utf8_of

    source = str(path)
    data = utf8_of(_read_bytes(path))
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
            lists=_list_ids(message),
            sent_offset=_sent_offset(message),
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


def _sent_offset(message: Message) -> dt.timedelta | None:
    """The UTC offset the sender's clock wrote in the Date header, when it gives one."""
    import email.utils

    value = message.get("Date")
    if not value:
        return None
    try:
        sent = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    return sent.utcoffset() if sent.tzinfo is not None else None


def _list_ids(message: Message) -> tuple[str, ...]:
    """The mailing list a message came through (RFC 2919 List-Id: "<devel.lists.x.org>")."""
    found = []
    for value in message.get_all("List-Id") or []:
        match = re.search(r"<([^<>\s]+)>", str(value))
        if match:
            found.append(match.group(1).casefold())
    return tuple(found)


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
