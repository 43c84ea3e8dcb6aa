"""Which time zone an invitation's instants belong to, when the invitation does not say.

Google Calendar and schedulers write every time in UTC; a VTIMEZONE with a made-up
TZID ("W. Europe") says only an offset. The employer's country settles it when the
country (or its region) keeps one zone; otherwise the invitation's hints do: Google's
``ctz=`` in its links, X-WR-TIMEZONE, Zoom's TZID line, the e-mail's Date offset.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import lru_cache
from urllib.parse import unquote

from afterview.core.addresses import words

# Regions that keep one zone, where the country as a whole keeps several. Regions
# split between zones (Florida, Indiana, Texas, Ontario ...) are left out on purpose.
_EASTERN = words("CT DE DC GA ME MD MA NH NJ NY NC OH PA RI SC VT VA WV")
_CENTRAL = words("AL AR IL IA LA MN MS MO OK WI")
_MOUNTAIN = words("CO MT NM UT WY")
_REGION_ZONES: dict[str, dict[str, str]] = {
    "US": {
        **dict.fromkeys(_EASTERN, "America/New_York"),
        **dict.fromkeys(_CENTRAL, "America/Chicago"),
        **dict.fromkeys(_MOUNTAIN, "America/Denver"),
        "AZ": "America/Phoenix",
        "CA": "America/Los_Angeles",
        "WA": "America/Los_Angeles",
        "HI": "Pacific/Honolulu",
    },
    "CA": {
        "AB": "America/Edmonton",
        "MB": "America/Winnipeg",
        "NS": "America/Halifax",
        "PE": "America/Halifax",
        "NB": "America/Moncton",
        "NL": "America/St_Johns",
        "SK": "America/Regina",
    },
    "AU": {
        "NSW": "Australia/Sydney",
        "ACT": "Australia/Sydney",
        "VIC": "Australia/Melbourne",
        "QLD": "Australia/Brisbane",
        "SA": "Australia/Adelaide",
        "WA": "Australia/Perth",
        "TAS": "Australia/Hobart",
        "NT": "Australia/Darwin",
    },
    "ES": {"CN": "Atlantic/Canary"},
}


@lru_cache(maxsize=1)
def _zone_table() -> dict[str, list[str]]:
    """Country code -> its zones, principal first, from the tz database's zone.tab."""
    text = ""
    try:
        from importlib.resources import files

        text = files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ImportError, OSError, ModuleNotFoundError):
        for path in ("/usr/share/zoneinfo/zone.tab", "/usr/lib/zoneinfo/zone.tab"):
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                break
            except OSError:
                continue
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            table.setdefault(fields[0].upper(), []).append(fields[2])
    return table


def _offsets(zone: str, around: dt.datetime) -> tuple[dt.timedelta | None, ...]:
    """The zone's UTC offsets at ``around`` (UTC) and half a year later: its behaviour."""
    tz = zoneinfo.ZoneInfo(zone)
    moments = (around, around + dt.timedelta(days=182))
    return tuple(m.replace(tzinfo=dt.UTC).astimezone(tz).utcoffset() for m in moments)


def _groups(country: str, around: dt.datetime) -> list[list[str]]:
    """The country's zones, grouped by the offsets they keep around the interview."""
    groups: dict[tuple[dt.timedelta | None, ...], list[str]] = {}
    for zone in _zone_table().get(country.upper(), []):
        try:
            groups.setdefault(_offsets(zone, around), []).append(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return list(groups.values())


def place_zone(country: str, subdivision: str | None, around: dt.datetime) -> str | None:
    """The one zone of the country (or of its region) at ``around`` (UTC), or None."""
    region = _REGION_ZONES.get(country.upper(), {}).get((subdivision or "").upper())
    if region:
        return region
    groups = _groups(country, around)
    return groups[0][0] if len(groups) == 1 else None


def zone_with_offset(country: str, offset: dt.timedelta, around: dt.datetime) -> str | None:
    """The country's one zone that was ``offset`` from UTC at ``around``, or None."""
    matching = [
        group
        for group in _groups(country, around)
        if group and _offsets(group[0], around)[0] == offset
    ]
    return matching[0][0] if len(matching) == 1 else None


_CTZ = r"[?&;]ctz=(?P<zone>[A-Za-z_]+(?:%2F|/)[A-Za-z0-9_+\-]+(?:(?:%2F|/)[A-Za-z0-9_+\-]+)?)"


def ctz_zone(texts: list[str | None]) -> str | None:
    """The zone Google's links name (``ctz=America%2FNew_York``), when it is a real one."""
    for text in texts:
        for match in re.finditer(_CTZ, text or ""):
            zone = unquote(match["zone"])
            try:
                zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
                continue
            return zone
    return None
