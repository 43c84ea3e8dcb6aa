"""The private page marks open actions whose date has passed, in both of its lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from afterview.publish.links import feed_links
from afterview.publish.page import render_page
from afterview.tracker import commands as tracker
from afterview.tracker import queries
from afterview.tracker.records import FeedScope
from afterview.tracker.store import Store

NOW = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)
NORTHWIND = """company = "Northwind Traders"
role = "Senior Data Engineer"
start = 2026-11-25T14:00:00
timezone = "America/New_York"
country = "US"
subdivision = "NY"
decision = "by Friday"

[[interviewers]]
name = "Dana Lee"
email = "dana.lee@northwind.example"
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty tracker in a temporary folder."""
    with Store(tmp_path / "tracker.db") as opened:
        yield opened


def page_on(store: Store, today: dt.date) -> str:
    """The page as the server renders it on ``today``."""
    tracked = queries.list_interviews(store, today=today, include_all=True)
    agenda = queries.next_actions(store, today=today, days=30)
    links = feed_links("http://127.0.0.1:8000", "t0ken")
    return render_page(FeedScope(None), tracked, agenda.actions, links, "127.0.0.1", today)


def test_page_marks_a_missed_check_in_overdue(store: Store) -> None:
    """On Wed 2 Dec, check-in 1 of Mon 30 Nov is open, so both lists mark it overdue."""
    added = tracker.add(store, NORTHWIND, now=NOW)
    tracker.done(store, added.id, "thank-you")
    tracker.done(store, added.id, "handwritten-note")
    text = page_on(store, dt.date(2026, 12, 2))
    assert text.count('class="overdue">overdue') == 2
    assert "Mon 30 Nov 2026" in text


def test_page_marks_nothing_before_its_day(store: Store) -> None:
    """On the interview day nothing has passed, so nothing is marked overdue."""
    tracker.add(store, NORTHWIND, now=NOW)
    assert 'class="overdue">overdue' not in page_on(store, dt.date(2026, 11, 25))
