"""Breaks two rules: the pure core reaches up into the tracker, and imports icalendar."""

import icalendar  # noqa: F401

from afterview.tracker import store  # noqa: F401
