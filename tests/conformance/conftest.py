"""Fixtures of the conformance suite: the calendars, once per session, and ical.js's reading."""

from __future__ import annotations

import pytest

from .corpus import FEED, Load, Subject, build_feed, build_plans
from .parsers import run_icaljs


@pytest.fixture(scope="session")
def plan_subjects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Subject]:
    """Every golden sample and fresh plan, read by ical.js in one Node run."""
    paths = build_plans(tmp_path_factory.mktemp("plans"))
    icaljs = run_icaljs(list(paths.values()))
    return {case: Subject(case, path.read_bytes(), icaljs[path]) for case, path in paths.items()}


@pytest.fixture(scope="session")
def feed_subject(tmp_path_factory: pytest.TempPathFactory) -> Subject:
    """The feed of every sample, built apart so a broken feed fails only the feed's tests."""
    path = build_feed(tmp_path_factory.mktemp("feed"))
    return Subject(FEED, path.read_bytes(), run_icaljs([path])[path])


@pytest.fixture
def load(request: pytest.FixtureRequest) -> Load:
    """Look a case up by name, building only what it needs."""

    def get(case: str) -> Subject:
        if case == FEED:
            subject: Subject = request.getfixturevalue("feed_subject")
            return subject
        subjects: dict[str, Subject] = request.getfixturevalue("plan_subjects")
        return subjects[case]

    return get
