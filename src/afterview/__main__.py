"""The ``afterview`` command's entry point (also ``python -m afterview``).

Python's cycle collector runs every few hundred allocations, and while a command
starts, its imports (click, icalendar, holidays and its 250 countries) allocate
hundreds of thousands of long-lived objects, which the collections walk again and
again: about 12 ms of the 170 ms that ``afterview plan`` takes. A command that reads
one file and exits leaves no cycles worth collecting, so afterview starts with the
collector off, and ``cli.py`` turns it back on for the commands that work through a
whole store or keep running. (mypy raises its collector's threshold for the same
reason.)

A command that may change the tracker forks its publisher here, before anything else
is loaded, when a publishing address is set (see ``afterview.republishing``).
"""

from __future__ import annotations

import gc
import sys


def run() -> None:
    """Start ``afterview`` with the cycle collector off (see above)."""
    gc.disable()
    from afterview import republishing

    republishing.start_for(sys.argv[1:])
    from afterview.cli import main

    main()


if __name__ == "__main__":
    run()
