"""Raw-text checks of an .ics file: what no parser catches (see INTEROP.md).

LF-only files, unfolded long lines, a DTEND before DTSTART and a missing UID or DTSTAMP
pass icalendar, ``ical`` and ical.js alike, so these checks read the bytes themselves.
Each ``*_problems`` function returns sentences, empty when the file is fine, so a test
shows every problem of a file at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_OCTETS = 75  # RFC 5545 3.1, CRLF not counted
REQUIRED = ("UID", "DTSTAMP", "DTSTART")  # RFC 5545 3.6.1, with METHOD or without
LF, CR = b"\n", b"\r"
_KEEP = ("VERSION", "PRODID", "CALSCALE")  # the calendar properties a CalDAV resource keeps


@dataclass(frozen=True)
class Property:
    """One content line, unfolded: NAME;PARAMS:VALUE."""

    name: str
    params: dict[str, str]
    value: str
    lines: tuple[bytes, ...] = ()  # as written, folded, without line ends


@dataclass
class Component:
    """One BEGIN..END block: its own properties, its children, and its lines as written."""

    name: str
    properties: list[Property] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)
    lines: list[bytes] = field(default_factory=list)

    def get(self, name: str) -> list[Property]:
        """This component's own properties called ``name``."""
        return [p for p in self.properties if p.name == name.upper()]

    def walk(self, name: str) -> Iterator[Component]:
        """Every component called ``name`` in this one, itself included, depth first."""
        if self.name == name.upper():
            yield self
        for child in self.children:
            yield from child.walk(name)

    def text(self) -> bytes:
        """The block's bytes as written, with CRLF line ends."""
        return b"".join(line + b"\r\n" for line in self.lines)


def physical_lines(data: bytes) -> list[bytes]:
    """The file's lines without their line ends (CRLF, or a bare LF where one slipped in)."""
    lines = re.split(rb"\r?\n", data)
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def split_content_line(line: str, lines: tuple[bytes, ...] = ()) -> Property:
    """``NAME;P=V;Q="a:b":VALUE`` as a Property (a colon inside quotes is not the split)."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            name, *params = _split_params(line[:index])
            pairs = (param.partition("=") for param in params)
            values = {key.upper(): value.strip('"') for key, _, value in pairs}
            return Property(name.upper(), values, line[index + 1 :], lines)
    raise ValueError(f"not a content line (no colon): {line[:60]!r}")


def _split_params(head: str) -> list[str]:
    parts, quoted, start = [], False, 0
    for index, char in enumerate(head):
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append(head[start:index])
            start = index + 1
    parts.append(head[start:])
    return parts


def read_components(data: bytes) -> list[Component]:
    """The file's top-level components (normally one VCALENDAR), or a ValueError."""
    top: list[Component] = []
    stack: list[Component] = []
    logical: list[list[bytes]] = []  # each content line's physical lines
    for line in physical_lines(data):
        if line[:1] in (b" ", b"\t") and logical:
            logical[-1].append(line)
        else:
            logical.append([line])
    for raw in logical:
        text = b"".join([raw[0], *(line[1:] for line in raw[1:])]).decode("utf-8", "replace")
        if not text:
            raise ValueError("an empty line")
        prop = split_content_line(text, tuple(raw))
        for component in stack:
            component.lines.extend(raw)
        if prop.name == "BEGIN":
            component = Component(prop.value.upper(), lines=list(raw))
            (stack[-1].children if stack else top).append(component)
            stack.append(component)
        elif prop.name == "END":
            if not stack or stack[-1].name != prop.value.upper():
                raise ValueError(f"END:{prop.value} does not close the open component")
            stack.pop()
        elif stack:
            stack[-1].properties.append(prop)
        else:
            raise ValueError(f"{prop.name} outside any component")
    if stack:
        raise ValueError(f"BEGIN:{stack[-1].name} is never closed")
    return top


# ---------------------------------------------------------------------------- checks


def line_problems(data: bytes) -> list[str]:
    """CRLF line ends only, lines folded at 75 octets, no fold inside a UTF-8 character."""
    problems = []
    if not data.endswith(b"\r\n"):
        problems.append("the file does not end in CRLF")
    rest = data.replace(b"\r\n", b"")
    if b"\n" in rest:
        problems.append(f"{rest.count(LF)} bare LF line end(s)")
    if b"\r" in rest:
        problems.append(f"{rest.count(CR)} bare CR(s)")
    for number, line in enumerate(data.split(b"\r\n")[:-1], start=1):
        if len(line) > MAX_OCTETS:
            problems.append(f"line {number} is {len(line)} octets (over {MAX_OCTETS}): {line!r}")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number} is not UTF-8 (a fold cut a character?): {line!r}")
    return problems


def event_problems(data: bytes) -> list[str]:
    """Every VEVENT has one UID, DTSTAMP and DTSTART, and ends after it starts."""
    problems = []
    for calendar in read_components(data):
        for index, event in enumerate(calendar.walk("VEVENT"), start=1):
            uids = event.get("UID")
            label = f"event {index} ({uids[0].value if uids else 'no UID'})"
            for name in REQUIRED:
                count = len(event.get(name))
                if count != 1:
                    problems.append(f"{label} has {count} {name} (needs exactly one)")
            problems.extend(f"{label}: {p}" for p in _end_problems(event))
    return problems


def _end_problems(event: Component) -> list[str]:
    starts, ends = event.get("DTSTART"), event.get("DTEND")
    if event.get("DURATION") and ends:
        return ["has both DTEND and DURATION"]
    if len(starts) != 1 or len(ends) != 1:
        return []
    start, end = starts[0], ends[0]
    all_day = _is_date(start)
    if all_day != _is_date(end):
        return [f"DTSTART {start.value} and DTEND {end.value} are not both dates"]
    if all_day:
        if end.value <= start.value:  # YYYYMMDD: text order is date order
            return [f"all-day DTEND {end.value} is not after DTSTART {start.value}"]
        return []
    same_zone = start.params.get("TZID") == end.params.get("TZID") and (
        start.value.endswith("Z") == end.value.endswith("Z")
    )
    if same_zone and end.value <= start.value:
        return [f"DTEND {end.value} is not after DTSTART {start.value}"]
    return []


def _is_date(prop: Property) -> bool:
    return prop.params.get("VALUE", "").upper() == "DATE" or len(prop.value) == 8


def tzid_problems(data: bytes) -> list[str]:
    """Every TZID parameter names a VTIMEZONE of the same calendar."""
    problems: list[str] = []
    for calendar in read_components(data):
        defined = {p.value for zone in calendar.walk("VTIMEZONE") for p in zone.get("TZID")}
        used: set[str] = set()
        for component in _all(calendar):
            used.update(p.params["TZID"] for p in component.properties if "TZID" in p.params)
        problems.extend(f"TZID={tzid} has no VTIMEZONE" for tzid in sorted(used - defined))
    return problems


def _all(component: Component) -> Iterator[Component]:
    yield component
    for child in component.children:
        yield from _all(child)


def raw_problems(data: bytes) -> list[str]:
    """All the raw-text checks at once (a file that cannot be split into lines is one problem)."""
    problems = line_problems(data)
    try:
        problems += event_problems(data) + tzid_problems(data)
    except ValueError as error:
        problems.append(f"broken structure: {error}")
    return problems


# ---------------------------------------------------------------------------- CalDAV


def event_resources(data: bytes) -> list[tuple[str, bytes]]:
    """Each VEVENT as its own calendar object: (UID, VCALENDAR bytes) as RFC 4791 4.1 wants.

    One UID per resource, no METHOD (RFC 4791 4.1 forbids it in a calendar collection),
    the original PRODID and VERSION, and the VTIMEZONEs the event's TZIDs need. The
    event's lines are copied as written, so what the server stores is what we wrote.
    """
    (calendar,) = read_components(data)
    zones = {zone.get("TZID")[0].value: zone for zone in calendar.walk("VTIMEZONE")}
    head = b"".join(
        line + b"\r\n" for p in calendar.properties if p.name in _KEEP for line in p.lines
    )
    resources = []
    for event in (child for child in calendar.children if child.name == "VEVENT"):
        tzids = {p.params["TZID"] for c in _all(event) for p in c.properties if "TZID" in p.params}
        zones_needed = b"".join(zones[tzid].text() for tzid in sorted(tzids))
        text = b"BEGIN:VCALENDAR\r\n" + head + zones_needed + event.text() + b"END:VCALENDAR\r\n"
        resources.append((event.get("UID")[0].value, text))
    return resources
