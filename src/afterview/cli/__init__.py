"""The command line: the click group, one module per group of commands, and the views.

Importing this package registers every command on ``main``; each command imports the
libraries it needs when it runs, so ``afterview --help`` loads neither the calendar
nor the holiday library.
"""

from afterview.cli import backup, configure, maintenance, planning, serving, track, wizard
from afterview.cli.app import main

__all__ = [
    "backup",
    "configure",
    "main",
    "maintenance",
    "planning",
    "serving",
    "track",
    "wizard",
]
