"""Rounds and corrections in the tracker: one LinkedIn request per person, UIDs for life.

Dates: the Northwind interview is Wed 25 Nov 2026 in New York (Thanksgiving Thu 26 Nov),
so the LinkedIn requests of round 1 fall on bd(25 Nov, 1) = Fri 27 Nov; round 2 is on
Thu 3 Dec 2026, so its requests would fall on Fri 4 Dec.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from afterview.tracker import commands as tracker
from afterview.tracker import queries
from afterview.tracker.store import Store

NOW = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)
DANA = ("Dana Lee", "dana.lee@northwind.example", "https://www.linkedin.com/in/dana-lee")
OMAR = ("Omar Haddad", "omar.haddad@northwind.example", "https://www.linkedin.com/in/ohaddad")
RUTH = ("Ruth Adeyemi", "ruth.adeyemi@northwind.example", "https://www.linkedin.com/in/radeyemi")


def interview(start: str, people: tuple[tuple[str, str, str], ...]) -> str:
    """A Northwind interview file in New York with the given people and their profiles."""
    lines = [
        'company = "Northwind Traders"',
        'role = "Senior Data Engineer"',
        f"start = {start}",
        'timezone = "America/New_York"',
        'country = "US"',
        'subdivision = "NY"',
    ]
    for name, email, profile in people:
        lines += [
            "",
            "[[interviewers]]",
            f'name = "{name}"',
            f'email = "{email}"',
            f'linkedin = "{profile}"',
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty tracker in a temporary folder."""
    with Store(tmp_path / "tracker.db") as opened:
        yield opened


def linkedin_people(store: Store, interview_id: str) -> set[str]:
    """Who the interview's planned LinkedIn requests go to."""
    return {
        e.person or ""
        for e in store.events_of(interview_id)
        if e.step == "linkedin" and e.status == "planned"
    }


def test_second_round_plans_no_second_linkedin_request(store: Store) -> None:
    """Round 2 asks only the new person to connect: Dana was asked after round 1."""
    first = tracker.add(store, interview("2026-11-25T14:00:00", (DANA, OMAR)), now=NOW)
    assert linkedin_people(store, first.id) == {"Dana Lee", "Omar Haddad"}
    renamed_dana = ("Dana Lee-Park", DANA[1], DANA[2])  # same profile, a new surname
    second = tracker.add(
        store,
        interview("2026-12-03T10:00:00", (renamed_dana, RUTH)),
        round_of=first.id,
        on=dt.date(2026, 12, 1),
        now=LATER,
    )
    assert linkedin_people(store, second.id) == {"Ruth Adeyemi"}
    (request,) = [e for e in store.events_of(second.id) if e.step == "linkedin"]
    assert request.date == dt.date(2026, 12, 4)


def test_third_round_remembers_requests_of_every_earlier_round(store: Store) -> None:
    """A request from round 1 still counts two rounds later."""
    first = tracker.add(store, interview("2026-11-25T14:00:00", (DANA,)), now=NOW)
    second = tracker.add(
        store, interview("2026-12-03T10:00:00", (OMAR,)), round_of=first.id, now=LATER
    )
    third = tracker.add(
        store,
        interview("2026-12-10T10:00:00", (DANA, OMAR, RUTH)),
        round_of=second.id,
        on=dt.date(2026, 12, 8),
        now=LATER,
    )
    assert linkedin_people(store, third.id) == {"Ruth Adeyemi"}


def test_edit_correcting_a_name_keeps_every_uid(store: Store) -> None:
    """Correcting a misspelt name keeps the person's event UIDs, now and at later edits."""
    misspelt = ("Omar Hadad", "omar.haddad@northwind.example", OMAR[2])
    added = tracker.add(store, interview("2026-11-25T14:00:00", (DANA, misspelt)), now=NOW)
    before = {e.uid: e for e in store.events_of(added.id)}
    text = queries.interview_text(store, added.id).replace("Omar Hadad", "Omar Haddad")
    changes = tracker.edit(store, added.id, text, now=LATER)
    after = {e.uid: e for e in store.events_of(added.id)}
    assert set(after) == set(before)
    assert not changes.cancelled and not changes.added
    assert {after[a.uid].person for a in changes.changed} == {"Omar Haddad"}
    # A later edit (a new topic) still finds Omar's events under their first UIDs.
    again = queries.interview_text(store, added.id).replace(
        'name = "Omar Haddad"', 'name = "Omar Haddad"\ntopics = ["data contracts"]'
    )
    tracker.edit(store, added.id, again, now=LATER)
    assert {e.uid for e in store.events_of(added.id)} == set(before)


def test_edit_matches_a_renamed_person_by_position_without_email(store: Store) -> None:
    """A renamed person with no e-mail is matched by their place in the list."""
    text = interview("2026-11-25T14:00:00", (DANA,)).replace(
        'email = "dana.lee@northwind.example"\n', ""
    )
    added = tracker.add(store, text, now=NOW)
    before = {e.uid for e in store.events_of(added.id)}
    tracker.edit(store, added.id, text.replace("Dana Lee", "Dana Leigh"), now=LATER)
    assert {e.uid for e in store.events_of(added.id)} == before
