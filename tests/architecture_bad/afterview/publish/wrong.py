"""Breaks three rules: publish imports the command line, a library with no home, and click."""

import click  # noqa: F401
import requests  # noqa: F401

from afterview.cli import app  # noqa: F401
