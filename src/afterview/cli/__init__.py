"""The command line: the click group, one module per group of commands, and the views.

Importing this package registers every command on ``main``; each command imports the
libraries it needs when it runs, so ``afterview --help`` loads neither the calendar
nor the holiday library.
"""

from afterview.cli import (
    backup,
    configure,
    mail,
    maintenance,
    planning,
    publish,
    serving,
    track,
    wizard,
)
from afterview.cli.app import main

main.add_command(publish.publish_command)
main.add_command(mail.mail)

__all__ = [
    "backup",
    "configure",
    "mail",
    "main",
    "maintenance",
    "planning",
    "publish",
    "serving",
    "track",
    "wizard",
]
