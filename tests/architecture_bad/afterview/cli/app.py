"""Allowed: the command line imports click and anything below it."""

import click  # noqa: F401

from afterview.tracker import store  # noqa: F401
