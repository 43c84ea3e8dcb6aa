"""Redacting a feed for publishing: ``titles`` keeps titles and times, ``busy`` only times.

A published file may be read by anyone who gets its link, so what leaves the machine
at a lower detail level is decided here, on the serialized lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

# A published feed may be read by anyone who gets its link. ``titles`` keeps what a
# calendar needs to show a day (UID, times, status, the title) and nothing of the
# drafts: no DESCRIPTION, URL, ATTENDEE or ORGANIZER, and no e-mail address, phone
# number or link even inside a title. ``busy`` keeps only the times, titled "Follow-up".
# It works on the serialized lines, so a feed of thousands of interviews is redacted
# at the speed of reading it, one event at a time.

BUSY_TITLE = "Follow-up"
_KEEP_PROPERTIES = frozenset(
    {
        "BEGIN",
        "END",
        "UID",
        "DTSTAMP",
        "SEQUENCE",
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "TRANSP",
        "STATUS",
        "CATEGORIES",
        "ACTION",
        "TRIGGER",
        "DESCRIPTION",  # kept only inside a VALARM, as the redacted title
    }
)
_CALENDAR_PROPERTIES = frozenset(
    {"PRODID", "VERSION", "CALSCALE", "METHOD", "X-WR-CALNAME", "NAME"}
    | {"REFRESH-INTERVAL", "X-PUBLISHED-TTL", "BEGIN"}
)
_HIDDEN = "[hidden]"


def _scrub_patterns() -> tuple[Any, ...]:

    return (
        # A link ends before the punctuation that follows it in a sentence: "(see
        # https://example.org/x)" keeps its closing bracket.
        re.compile(r"(?i)\b(?:mailto|tel|sms|https?|webcal|ftp):\S*[^\s.,;:!?)\]}'\"]"),
        re.compile(r"(?i)\bwww\.\S*[^\s.,;:!?)\]}'\"]"),
        re.compile(r"[\w.%+\\-]+(?:@|\s*\[at\]\s*)[\w-]+(?:\.[\w-]+)+"),
        # Seven or more digits with spaces, dots, dashes, slashes or brackets between:
        # a phone number in any country's way of writing it.
        re.compile(r"\+?\(?\d(?:[\s().\\/-]*\d){6,}"),
    )


def scrub_text(value: str) -> str:
    """``value`` without e-mail addresses, phone numbers or links (each becomes [hidden])."""
    for pattern in _scrub_patterns():
        value = pattern.sub(_HIDDEN, value)
    return value


def _fold(line: str) -> bytes:
    """One content line folded at 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    pieces: list[bytes] = []
    limit = 75
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # a continuation byte
            cut -= 1
        pieces.append(data[:cut])
        data = data[cut:]
        limit = 74  # the leading space of a continuation line counts
    pieces.append(data)
    return b"\r\n ".join(pieces) + b"\r\n"


def _unfolded(chunk: bytes) -> list[str]:
    text = chunk.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    return [line for line in text.split("\r\n") if line]


def _name_of(line: str) -> str:
    cut = min((i for i in (line.find(":"), line.find(";")) if i >= 0), default=len(line))
    return line[:cut].upper()


def redact_chunk(chunk: bytes, detail: str) -> bytes:
    """One piece of a feed (the header, one VEVENT, or the footer) at ``detail``.

    ``detail`` is ``titles`` or ``busy``; ``full`` returns the chunk as it is.
    """
    if detail == "full":
        return chunk
    if detail not in ("titles", "busy"):
        raise ValueError(f"unknown detail {detail!r}")
    out: list[bytes] = []
    components: list[str] = []
    title = BUSY_TITLE
    for line in _unfolded(chunk):
        name = _name_of(line)
        value = line.split(":", 1)[1] if ":" in line else ""
        if name == "BEGIN":
            components.append(value.upper())
        elif name == "END" and components:
            components.pop()
        inside = components[-1] if components else ""
        if inside == "VCALENDAR" or (name == "END" and value.upper() == "VCALENDAR"):
            if name in _CALENDAR_PROPERTIES or name == "END":
                out.append(_fold(scrub_text(line) if name in ("X-WR-CALNAME", "NAME") else line))
            continue
        if name not in _KEEP_PROPERTIES:
            continue
        if name == "SUMMARY":
            if detail == "titles":
                title = scrub_text(value)
            line = f"SUMMARY:{title}"
        elif name == "DESCRIPTION":
            if inside != "VALARM":
                continue
            line = f"DESCRIPTION:{title}"
        elif name == "CATEGORIES" and detail == "busy":
            continue
        out.append(_fold(line))
    return b"".join(out)


def redact_feed(chunks: Iterable[bytes], detail: str) -> Iterator[bytes]:
    """A feed's pieces (as ``feed_chunks`` gives them) redacted to ``detail``."""
    for chunk in chunks:
        yield redact_chunk(chunk, detail)
