"""The holiday calendars kept between runs: the same answers as the library, without it.

Dates checked against the real calendars: US Thanksgiving is Thu 26 Nov 2026 and
Christmas Fri 25 Dec 2026; St Andrew's Day, a Scottish bank holiday, is Mon 30 Nov
2026; Saudi Arabia's weekend is Friday and Saturday (Fri 4 Dec 2026 is one); the UAE
moved its weekend from Friday-Saturday to Saturday-Sunday on 1 Jan 2022; China
worked Sun 26 Jan and Sat 8 Feb 2025 to make up for the Spring Festival holiday, whose
first day was Wed 29 Jan 2025.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from afterview.core import businessdays, calendarcache
from afterview.core.businessdays import open_calendar
from afterview.errors import PlaceError

# What a planning command asks of the calendars, printed as JSON lines.
ASK = """
import datetime as dt, json, sys
from afterview.core.businessdays import open_calendar
d = dt.date
us, scotland = open_calendar("US"), open_calendar("GB", "sct")
saudi, emirates, china = open_calendar("SA"), open_calendar("AE"), open_calendar("CN")
answers = [
    us.why_not(d(2026, 11, 26)), us.holiday_name(d(2026, 12, 25)),
    us.bd(d(2026, 11, 25), 1).isoformat(), us.is_business_day(d(2026, 11, 27)),
    scotland.subdivision, scotland.day_off(d(2026, 11, 30)),
    saudi.is_weekend(d(2026, 12, 4)), saudi.is_weekend(d(2026, 12, 6)),
    saudi.week_end(d(2026, 12, 2)).isoformat(),
    sorted(emirates.weekend_days(d(2021, 6, 1))), sorted(emirates.weekend_days(d(2022, 6, 1))),
    [x.isoformat() for x in china.make_up_days(d(2025, 1, 20), d(2025, 2, 10))],
    china.why_not(d(2025, 1, 29)), china.is_business_day(d(2025, 1, 26)),
    china.closure_name(d(2025, 2, 3)),
    [(x.isoformat(), n) for x, n in open_calendar("DE").find_holiday(
        "Christmas", d(2026, 12, 1), d(2027, 1, 31))],
    open_calendar("US").country_name(),
]
print(json.dumps(answers))
print(json.dumps("holidays" in sys.modules))
"""

EXPECTED = [
    "Thanksgiving Day",
    "Christmas Day",
    "2026-11-27",
    True,
    "SCT",
    "Saint Andrew's Day, a public holiday in Scotland",
    True,
    False,
    "2026-12-05",
    [4, 5],
    [5, 6],
    ["2025-01-26", "2025-02-08"],
    "Chinese New Year (Spring Festival)",
    True,
    "the Spring Festival week customary in China",
    [["2026-12-25", "Christmas Day"]],
    "United States",
]


def ask(cache: str) -> tuple[list[object], bool]:
    """The answers of a fresh process using ``cache``, and whether it loaded the library."""
    done = subprocess.run(
        [sys.executable, "-c", ASK],
        env={**os.environ, calendarcache.CACHE_ENV: cache},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    answers, loaded = done.stdout.splitlines()
    return json.loads(answers), json.loads(loaded)


def test_a_second_run_answers_from_the_cache_without_the_library(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    assert ask(cache) == (EXPECTED, True)  # asked the library, and kept its answers
    assert sorted(p.name for p in (tmp_path / "cache" / "calendars").iterdir()) == [
        "AE.json", "CN.json", "DE.json", "GB-SCT.json", "GB.json", "SA.json", "US.json",
        "countries.json",
    ]  # fmt: skip
    assert ask(cache) == (EXPECTED, False)  # the same answers, the library not loaded
    assert ask("off") == (EXPECTED, True)
    assert not (tmp_path / "off").exists()


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A cache folder of this test, and this process's calendars forgotten before and
    after (so what the test leaves behind is not kept by the next one)."""

    def forget() -> None:
        for cached in (
            businessdays._place,
            businessdays._employer_year,
            businessdays._closure_days,
            businessdays._countries,
            businessdays.check_subdivision,
            calendarcache.folder,
        ):
            cached.cache_clear()

    monkeypatch.setenv(calendarcache.CACHE_ENV, str(tmp_path / "cache"))
    forget()
    yield tmp_path / "cache" / "calendars"
    forget()


THANKSGIVING = dt.date(2026, 11, 26)


def _kept_file(folder: Path, name: str) -> dict[str, object]:
    data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(
            lambda good: {**good, "library": "1:0.1:0:0:/elsewhere"}, id="another-install"
        ),
        pytest.param(lambda good: "{not json", id="not-json"),
        pytest.param(lambda good: [good], id="not-an-object"),
        pytest.param(
            lambda good: _with_year(good, flags="01" * 100), id="a-year-of-the-wrong-length"
        ),
        pytest.param(lambda good: _with_year(good, flags="02" * 365), id="a-flag-not-0-or-1"),
        pytest.param(lambda good: _with_year(good, names={"900": "x"}), id="a-day-past-the-year"),
        pytest.param(lambda good: _with_year(good, weekends=[]), id="no-weekend"),
        pytest.param(lambda good: _with_year(good, gap="no"), id="a-gap-not-true-or-false"),
    ],
)
def test_a_kept_file_that_is_not_this_installs_or_whole_is_asked_again(
    fresh: Path, damage: object
) -> None:
    """A wrong date is worse than a slow one: anything doubtful is asked of the library."""
    assert not open_calendar("US").is_business_day(THANKSGIVING)
    good = _kept_file(fresh, "US")
    # Every day of 2026 a working day, Thanksgiving among them, in the damaged copy.
    everything_works = _with_year(good, flags="01" * 365, names={})
    assert callable(damage)
    spoiled = damage(everything_works)
    text = spoiled if isinstance(spoiled, str) else json.dumps(spoiled)
    (fresh / "US.json").write_text(text, encoding="utf-8")
    businessdays._place.cache_clear()
    businessdays._employer_year.cache_clear()
    calendar = open_calendar("US")
    assert not calendar.is_business_day(THANKSGIVING)
    assert calendar.why_not(THANKSGIVING) == "Thanksgiving Day"
    assert _kept_file(fresh, "US") == good  # written again, as the library says


def test_a_new_version_of_the_code_that_asks_makes_the_kept_answers_stale(
    fresh: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Upgrading afterview (a new closures table, say) asks the library again."""
    asker = tmp_path / "asker.py"
    asker.write_text("# version 1\n", encoding="utf-8")
    monkeypatch.setattr(calendarcache, "_askers", calendarcache._askers)
    calendarcache.asked_by(str(asker))
    assert str(asker) in calendarcache._askers
    assert not open_calendar("US").is_business_day(THANKSGIVING)
    kept = _kept_file(fresh, "US")
    (fresh / "US.json").write_text(
        json.dumps(_with_year(kept, flags="01" * 365, names={})), encoding="utf-8"
    )
    asker.write_text("# version 2, longer\n", encoding="utf-8")
    calendarcache.library_stamp.cache_clear()
    businessdays._place.cache_clear()
    businessdays._employer_year.cache_clear()
    assert open_calendar("US").why_not(THANKSGIVING) == "Thanksgiving Day"
    assert _kept_file(fresh, "US")["library"] != kept["library"]
    calendarcache.library_stamp.cache_clear()


def _with_year(data: dict[str, object], **changes: object) -> dict[str, object]:
    answers = json.loads(json.dumps(data["answers"]))
    answers["years"]["2026"].update(changes)
    return {**data, "answers": answers}


def test_a_cache_folder_that_cannot_be_written_only_costs_time(
    fresh: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(calendarcache.CACHE_ENV, str(in_the_way))
    calendarcache.folder.cache_clear()
    calendar = open_calendar("US")
    assert calendar.why_not(THANKSGIVING) == "Thanksgiving Day"
    assert calendar.bd(dt.date(2026, 11, 25), 1) == dt.date(2026, 11, 27)
    assert in_the_way.read_text(encoding="utf-8") == "not a folder"
    assert not fresh.exists()


def test_off_keeps_nothing(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(calendarcache.CACHE_ENV, "off")
    calendarcache.folder.cache_clear()
    assert calendarcache.folder() is None
    assert open_calendar("GB", "SCT").holiday_name(dt.date(2026, 11, 30)) == "Saint Andrew's Day"
    assert not fresh.exists()


def test_unknown_places_are_refused_the_same_from_the_cache(fresh: Path) -> None:
    """The country list and a country's regions are kept too, and read the same."""
    messages = []
    for _ in range(2):  # the first asks the library, the second reads the files
        for country, region in (("XX", None), ("US", "ZZ"), ("Germany", None)):
            with pytest.raises(PlaceError) as error:
                open_calendar(country, region)
            messages.append(str(error.value))
        businessdays._countries.cache_clear()
        businessdays.check_subdivision.cache_clear()
        businessdays._place.cache_clear()
    assert messages[:3] == messages[3:]
    assert messages[1].startswith("unknown subdivision 'ZZ' for US: ")
    assert "'DE' (Germany)" in messages[2]
    assert (fresh / "countries.json").exists() and (fresh / "US.json").exists()


def test_every_country_reads_back_as_the_library_said(fresh: Path) -> None:
    """Each year as kept, read back, is the year the library gave: 250 countries, a
    year of the last century, this one, and one past most libraries' data."""
    from afterview.core.calendarcache import _read_year, _year_kept

    for country in businessdays._countries():
        for year in (1999, 2026, 2041):
            asked = businessdays._asked(country, None, year)
            kept = json.loads(json.dumps(_year_kept(asked)))
            assert _read_year(year, kept) == asked, (country, year)


def test_the_command_line_keeps_them_in_the_users_cache_folder(tmp_path: Path) -> None:
    """Without AFTERVIEW_CACHE_DIR, the platform's cache folder ($XDG_CACHE_HOME here)."""
    sample = Path(__file__).resolve().parent.parent / "samples" / "standard-thanksgiving.toml"
    env = {k: v for k, v in os.environ.items() if k != calendarcache.CACHE_ENV}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    env["AFTERVIEW_CONFIG"] = str(tmp_path / "config.toml")
    done = subprocess.run(
        [sys.executable, "-m", "afterview", "show", str(sample)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    kept = tmp_path / "xdg" / "afterview" / "calendars"
    assert (kept / "countries.json").exists()
    assert any(p.name != "countries.json" for p in kept.glob("*.json"))
