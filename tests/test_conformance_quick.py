"""The cheap part of ``make conformance``, run by ``make test``: no Node, no server.

tests/test_ics.py checks the raw text of fresh plans under each sample's own policy.
This file runs the conformance suite's raw-text checks (tests/conformance/rawtext.py:
CRLF, 75-octet folding, UID/DTSTAMP/DTSTART, TZIDs, all-day ends) on what that leaves
out: the golden files in samples/ and each sample under every built-in policy, where
icalendar and the strict ``ical`` must also read the same (UID, date, step) set. It also
shows that the raw checks catch the defects no parser reports (INTEROP.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from afterview.policies import BUILT_IN
from conformance.corpus import SAMPLE_NAMES, SAMPLES_DIR
from conformance.parsers import by_ical, by_icalendar
from conformance.rawtext import raw_problems

PlanIcs = Callable[..., bytes]  # the conftest fixture's type

STANDARD_ICS = SAMPLES_DIR / "standard-thanksgiving.ics"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_golden_sample_passes_the_raw_checks(name: str) -> None:
    """Each golden .ics in samples/ passes every raw-text check."""
    assert raw_problems((SAMPLES_DIR / f"{name}.ics").read_bytes()) == []


@pytest.mark.parametrize("policy", BUILT_IN)
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_policy_writes_a_conforming_calendar(
    name: str, policy: str, plan_ics: PlanIcs
) -> None:
    """Each sample under each policy passes the raw checks and reads alike in two parsers."""
    data = plan_ics(SAMPLES_DIR / f"{name}.toml", "--policy", policy)
    assert raw_problems(data) == []
    ours = sorted(event.key for event in by_icalendar(data))
    assert ours
    assert sorted(event.key for event in by_ical(data)) == ours


def _drop_first(name: bytes) -> Callable[[bytes], bytes]:
    return lambda data: re.sub(rb"\r\n" + name + rb"[:;][^\r]*", b"", data, count=1)


# A defect the parsers let through, and the words the raw checks report it with.
DEFECTS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "lf-only": (lambda data: data.replace(b"\r\n", b"\n"), "bare LF"),
    "unfolded": (lambda data: data.replace(b"\r\n ", b""), "octets (over 75)"),
    "no-final-crlf": (lambda data: data.rstrip(b"\r\n"), "does not end in CRLF"),
    "no-uid": (_drop_first(b"UID"), "has 0 UID"),
    "no-dtstamp": (_drop_first(b"DTSTAMP"), "has 0 DTSTAMP"),
    "no-dtstart": (_drop_first(b"DTSTART"), "has 0 DTSTART"),
    "all-day-ends-where-it-starts": (
        lambda data: data.replace(b"DTEND;VALUE=DATE:20261128", b"DTEND;VALUE=DATE:20261127", 1),
        "all-day DTEND 20261127 is not after DTSTART 20261127",
    ),
    "timed-ends-before-start": (
        lambda data: data.replace(b"DTEND:20261125T213000Z", b"DTEND:20261125T203000Z", 1),
        "DTEND 20261125T203000Z is not after DTSTART 20261125T210000Z",
    ),
    "tzid-without-vtimezone": (
        lambda data: data.replace(
            b"DTSTART:20261125T210000Z", b"DTSTART;TZID=America/New_York:20261125T160000", 1
        ),
        "TZID=America/New_York has no VTIMEZONE",
    ),
}


@pytest.mark.parametrize("defect", DEFECTS)
def test_raw_checks_catch_what_parsers_miss(defect: str) -> None:
    """Each defect no parser reports, made in the standard sample, is named by the raw checks."""
    damage, words = DEFECTS[defect]
    original = STANDARD_ICS.read_bytes()
    broken = damage(original)
    assert broken != original
    problems = raw_problems(broken)
    assert any(words in problem for problem in problems), problems
