"""The regions that keep one zone (src/afterview/invite/zones.toml), checked against their sources.

Each zone must be in the tz database and filed under its country in zone.tab or
zone1970.tab, read here from the tzdata package; each region must be a subdivision
the holidays library knows for that country.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from importlib.resources import files

import holidays
import pytest

from afterview.invite.zones import place_zone, region_zones

# Overseas parts filed in zone.tab under their own ISO 3166 codes (iso3166.tab names
# them: GP Guadeloupe, MQ Martinique, GF French Guiana, RE Réunion, YT Mayotte, ...).
TERRITORIES = {
    ("US", "AS"): "AS",
    ("US", "GU"): "GU",
    ("US", "MP"): "MP",
    ("US", "PR"): "PR",
    ("US", "VI"): "VI",
    ("FR", "971"): "GP",
    ("FR", "972"): "MQ",
    ("FR", "973"): "GF",
    ("FR", "974"): "RE",
    ("FR", "976"): "YT",
    ("FR", "BL"): "BL",
    ("FR", "MF"): "MF",
    ("FR", "NC"): "NC",
    ("FR", "PM"): "PM",
    ("FR", "WF"): "WF",
}


def tab_countries() -> dict[str, set[str]]:
    """Zone -> the country codes zone.tab and zone1970.tab file it under."""
    found: dict[str, set[str]] = {}
    for name in ("zone.tab", "zone1970.tab"):
        text = files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
        for line in text.splitlines():
            if line and not line.startswith("#"):
                codes, _where, zone = line.split("\t")[:3]
                found.setdefault(zone, set()).update(codes.split(","))
    return found


ENTRIES = [
    (country, region, zones)
    for country, regions in sorted(region_zones().items())
    for region, zones in sorted(regions.items())
]


def clocks(zones: set[str]) -> set[tuple[dt.timedelta | None, ...]]:
    """The distinct clocks of some zones: their UTC offsets in January and July 2026."""
    moments = [dt.datetime(2026, 1, 15, tzinfo=dt.UTC), dt.datetime(2026, 7, 15, tzinfo=dt.UTC)]
    return {tuple(m.astimezone(zoneinfo.ZoneInfo(z)).utcoffset() for m in moments) for z in zones}


def test_every_country_of_several_clocks_with_regions_is_in_the_table() -> None:
    """A country whose zones keep different clocks, and whose regions can be named, is here."""
    by_country: dict[str, set[str]] = {}
    for zone, codes in tab_countries().items():
        for code in codes:
            by_country.setdefault(code, set()).add(zone)
    wanted = {
        country
        for country in holidays.list_supported_countries()
        if len(country) == 2
        and holidays.country_holidays(country).subdivisions
        and len(clocks(by_country.get(country, set()))) > 1
    }
    assert wanted == {"AU", "BR", "CA", "CL", "ES", "FM", "NZ", "PT", "US"}
    # France's zone.tab line is Paris alone, but its overseas regions are subdivisions;
    # Argentina keeps one clock in twelve zones, each province's.
    assert set(region_zones()) == wanted | {"FR", "AR"}


def test_every_zone_exists_and_belongs_to_its_country() -> None:
    """Each zone loads, and zone.tab files it under the country (or the territory's code)."""
    filed = tab_countries()
    known = zoneinfo.available_timezones()
    wrong = []
    for country, region, zones in ENTRIES:
        code = TERRITORIES.get((country, region), country)
        for zone in zones:
            zoneinfo.ZoneInfo(zone)
            if zone not in known or code not in filed.get(zone, set()):
                wrong.append((country, region, zone, sorted(filed.get(zone, set()))))
    assert wrong == []


def test_every_subdivision_of_a_country_is_decided() -> None:
    """The regions of a country are exactly its holidays subdivisions: none missing or made up."""
    for country, regions in region_zones().items():
        codes = set(holidays.country_holidays(country).subdivisions)
        assert set(regions) == codes, country


@pytest.mark.parametrize(
    ("country", "region", "zones"),
    [pytest.param(*entry, id=f"{entry[0]}-{entry[1]}") for entry in ENTRIES if len(entry[2]) > 1],
)
def test_a_region_of_several_zones_keeps_one_clock(
    country: str, region: str, zones: tuple[str, ...]
) -> None:
    """The zones of a region the tz database splits for its past agree hour by hour since 2011."""
    first, *others = (zoneinfo.ZoneInfo(z) for z in zones)
    moment = dt.datetime(2011, 1, 1, tzinfo=dt.UTC)
    differ = []
    while moment.year < 2037:
        offset = moment.astimezone(first).utcoffset()
        differ += [(moment, z) for z in others if moment.astimezone(z).utcoffset() != offset]
        moment += dt.timedelta(hours=1)
    assert differ == []


@pytest.mark.parametrize(
    ("country", "region", "why"),
    [
        ("US", "AZ", "the Navajo Nation keeps daylight saving time"),
        ("US", "FL", "the western panhandle keeps Central time"),
        ("US", "IN", "its northwest and southwest keep Central time"),
        ("US", "TX", "El Paso keeps Mountain time"),
        ("CA", "NL", "most of Labrador keeps Atlantic time"),
        ("CA", "SK", "Lloydminster keeps Alberta's time"),
        ("CA", "ON", "the northwest keeps Central time"),
        ("AU", "NSW", "Broken Hill and Lord Howe Island"),
        ("BR", "PE", "Fernando de Noronha"),
        ("BR", "AM", "the west is an hour behind"),
        ("CL", "VS", "Easter Island"),
        ("FR", "PF", "three clocks"),
    ],
)
def test_a_region_split_between_clocks_has_no_zone(country: str, region: str, why: str) -> None:
    """A region with a town or an island on another clock gets no zone, not its country's."""
    assert region_zones()[country][region] == (), why
    assert place_zone(country, region, dt.datetime(2026, 11, 24, 14, 0)) is None


def test_a_region_is_found_by_any_of_its_names() -> None:
    """The library's aliases of a region ("Chatham Islands", "GP") find its zone."""
    around = dt.datetime(2026, 11, 24, 14, 0)
    assert place_zone("NZ", "Chatham Islands", around) == "Pacific/Chatham"
    assert place_zone("FR", "GP", around) == "America/Guadeloupe"
    assert place_zone("BR", "sp", around) == "America/Sao_Paulo"
    assert place_zone("BR", "no such state", around) is None
