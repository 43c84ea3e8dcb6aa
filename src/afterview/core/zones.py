"""Time zones by IANA name: whether a name is one, and the closest ones when it is not.

Every reader of a zone (the interview file, the settings, invitations) asks here, so
a name is accepted or refused the same way everywhere.
"""

from __future__ import annotations

import zoneinfo

from afterview.errors import close_matches


def is_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone ("Pacific" is a folder, "localtime" a file)."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return name != "localtime"


def known_zone(name: str) -> str | None:
    """``name`` as the IANA database spells it (case does not matter), or None."""
    cleaned = name.strip()
    if is_zone(cleaned):
        return cleaned
    lowered = {n.lower(): n for n in zoneinfo.available_timezones()}
    return lowered.get(cleaned.lower())


def zone_advice(name: str) -> str:
    """What to write instead of ``name``, which is no time zone: the closest names."""
    close = close_matches(name.strip(), sorted(zoneinfo.available_timezones()), n=2, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else "use an IANA name"
    return f"{hint} (like America/New_York or Europe/London)"


def zone_problem(name: str) -> str:
    """Why ``name`` is refused, with the closest names: for an error message."""
    return f"'{name}' is not a time zone: {zone_advice(name)}"
