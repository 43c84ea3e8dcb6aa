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

from afterview.errors import PlaceError


@lru_cache(maxsize=1)
def region_zones() -> dict[str, dict[str, tuple[str, ...]]]:
    """Country -> region -> its zones, the one to use first; none for a region of several clocks.

    From zones.toml, read the first time an invitation needs it.
    """
    import tomllib
    from importlib.resources import files

    data = tomllib.loads(files(__package__).joinpath("zones.toml").read_text("utf-8"))
    return {
        country: {
            region: (zones,) if isinstance(zones, str) else tuple(zones)
            for region, zones in regions.items()
        }
        for country, regions in data.items()
    }


def _region(country: str, subdivision: str | None) -> tuple[str, ...] | None:
    """The zones zones.toml gives a region, its code spelt any way the library knows, or None."""
    regions = region_zones().get(country.upper())
    if not regions or not subdivision:
        return None
    from afterview.core.businessdays import check_subdivision

    try:
        code = check_subdivision(country.upper(), subdivision)
    except PlaceError:
        return None  # the plan refuses the code in its own words
    return regions.get(code or "")


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
    zones = _region(country, subdivision)
    if zones is not None:
        # A region of several clocks has none of its own, even where the country's
        # zone.tab line names one zone (France's, for French Polynesia).
        return zones[0] if zones else None
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
