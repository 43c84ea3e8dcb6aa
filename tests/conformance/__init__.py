"""``make conformance``: afterview's calendars through three parsers and a real CalDAV server.

These tests are marked ``conformance`` and left out of ``make test`` (see pyproject's
pytest ``addopts``); ``make conformance`` installs ical.js and runs ``pytest -m conformance``.
The raw-text checks in ``rawtext`` also run in the fast suite
(tests/test_conformance_quick.py).
"""
