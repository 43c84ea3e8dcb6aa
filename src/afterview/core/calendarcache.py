"""What the holidays library said about a place, kept on disk from one run to the next.

Loading the holidays library and building one country's calendar takes about a fifth
of a second, more than the rest of a planning command: the library's country package
imports all of its 250 countries before it builds one. What afterview asks of it (which
days of a year are working days, the holidays' names, the make-up working days, the
weekend, the regions) does not change until the library does, so each place's answers
are kept in a small JSON file per country and region, stamped with the library's
version and install time and with those of afterview's code that works them out
(``asked_by``). A file from another install of either, or one that
does not read back whole, is ignored and written again; a folder that cannot be
written only means the library is asked every time.

The folder is ``AFTERVIEW_CACHE_DIR`` when set (``off``: nothing is kept), else the
one the command line names with ``locate`` (the user's cache folder); a program that
names none asks the library every time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

CACHE_ENV = "AFTERVIEW_CACHE_DIR"
# How the answers are kept: a change changes this number, and the files written
# before are written again. How they are worked out is the code that registers
# with ``asked_by``: its files' install stamps are part of every file's stamp.
FORMAT = 1
LIBRARY = "holidays"

_locate: Callable[[], Path] | None = None
_askers: tuple[str, ...] = ()


class Year(NamedTuple):
    """What the employer's calendar says about one year."""

    first: int  # the ordinal of 1 January
    flags: bytes  # 1 for a working day, indexed by ordinal - first
    working: tuple[int, ...]
    gap: bool  # the holidays library has no (or only part of its) data this year
    names: Mapping[int, str]  # ordinal -> the public holidays' names, "; " between two
    make_up: frozenset[int]  # ordinals of the weekend days the country works
    weekends: tuple[tuple[int, frozenset[int]], ...]  # from this ordinal on, these weekdays
    lunar_new_year: int | None  # for the countries closed that week: its first day

    def weekend(self, ordinal: int) -> frozenset[int]:
        """The weekday numbers (Monday 0) of the weekend in force on this day."""
        found = self.weekends[0][1]
        for start, days in self.weekends:  # one run a year, but for a country that moved it
            if start > ordinal:
                break
            found = days
        return found


class Regions(NamedTuple):
    """A country's region codes, their aliases (in upper case) and their names."""

    codes: list[str]
    aliases: dict[str, str]
    names: dict[str, list[str]]


def locate(where: Callable[[], Path]) -> None:
    """Name the folder the cache lives in (asked only when a calendar is first needed)."""
    global _locate
    _locate = where
    folder.cache_clear()


def asked_by(*files: str) -> None:
    """Name the source files that work the answers out: a new version of any of them
    (an upgrade of afterview) makes the kept answers stale, as a new library does."""
    global _askers
    _askers = tuple(dict.fromkeys((*_askers, *files)))
    library_stamp.cache_clear()


@cache
def folder() -> Path | None:
    """The folder of the calendar files, or None when nothing is to be kept."""
    override = os.environ.get(CACHE_ENV, "").strip()
    if override.lower() == "off":
        return None
    if override:
        return Path(override).expanduser() / "calendars"
    return None if _locate is None else _locate() / "calendars"


@cache
def library_stamp() -> str | None:
    """The installed holidays library's version and install stamp, found without loading
    it (that is what the cache saves); None when it cannot be told."""
    import importlib.util
    import re

    try:
        spec = importlib.util.find_spec(LIBRARY)
        if spec is None or spec.origin is None:
            return None
        version_file = Path(spec.origin).with_name("version.py")
        info = version_file.stat()
        text = version_file.read_text(encoding="utf-8")
        own = [os.stat(name) for name in _askers]
    except (OSError, ImportError, ValueError):
        return None
    found = re.search(r"""__version__\s*=\s*["']([^"']+)["']""", text)
    version = found.group(1) if found else "unknown"
    code = ":".join(f"{i.st_mtime_ns}-{i.st_size}" for i in own)
    return f"{FORMAT}:{version}:{info.st_mtime_ns}:{info.st_size}:{version_file}:{code}"


class Place:
    """One country's or region's answers: read from its file, asked of the library
    (``ask``) when they are not there, and written back for the next run."""

    def __init__(self, name: str) -> None:
        # A file name whatever a region's code holds.
        self.name = "".join(c if c.isalnum() or c == "-" else f"_{ord(c):x}_" for c in name)
        self._answers = _load(self.name)

    def year(self, year: int, ask: Callable[[], Year]) -> Year:
        years = self._answers.get("years")
        if not isinstance(years, dict):
            years = self._answers["years"] = {}
        found = _read_year(year, years.get(str(year)))
        if found is None:
            found = ask()
            years[str(year)] = _year_kept(found)
            _save(self.name, self._answers)
        return found

    def regions(self, ask: Callable[[], Regions]) -> Regions:
        kept: Any = self._answers.get("regions")
        try:
            return Regions(
                [str(c) for c in kept["codes"]],
                {str(k): str(v) for k, v in kept["aliases"].items()},
                {str(k): [str(n) for n in v] for k, v in kept["names"].items()},
            )
        except (KeyError, TypeError, AttributeError):
            pass
        found = ask()
        self._answers["regions"] = found._asdict()
        _save(self.name, self._answers)
        return found


def countries(ask: Callable[[], dict[str, str]]) -> dict[str, str]:
    """ISO code -> country name, from the file or from ``ask``."""
    kept = _load("countries").get("countries")
    if isinstance(kept, dict) and kept and all(isinstance(v, str) for v in kept.values()):
        return kept
    found = ask()
    _save("countries", {"countries": found})
    return found


def _read_year(year: int, data: Any) -> Year | None:
    """A year read back, or None when it does not read back whole."""
    try:
        first = dt.date(year, 1, 1).toordinal()
        size = dt.date(year, 12, 31).toordinal() - first + 1
        flags = bytes.fromhex(data["flags"])
        names = {first + int(k): v for k, v in data["names"].items() if isinstance(v, str)}
        make_up = frozenset(first + int(k) for k in data["make_up"])
        weekends = tuple(
            (first + int(k), frozenset(int(w) for w in days)) for k, days in data["weekends"]
        )
        lunar, gap = data["lunar"], data["gap"]
        if (
            len(flags) != size
            or set(flags) - {0, 1}
            or len(names) != len(data["names"])
            or not all(first <= o < first + size for o in (*names, *make_up))
            or not weekends
            or weekends[0][0] != first
            or not all(w <= set(range(7)) for _, w in weekends)
            or not (lunar is None or type(lunar) is int)
            or type(gap) is not bool
        ):
            return None
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        return None
    working = tuple(first + k for k in range(size) if flags[k])
    return Year(first, flags, working, gap, names, make_up, weekends, lunar)


def _year_kept(found: Year) -> dict[str, Any]:
    """A year as its file keeps it: days counted from 1 January."""
    first = found.first
    return {
        "flags": found.flags.hex(),
        "names": {str(o - first): name for o, name in sorted(found.names.items())},
        "make_up": sorted(o - first for o in found.make_up),
        "weekends": [[o - first, sorted(days)] for o, days in found.weekends],
        "lunar": found.lunar_new_year,
        "gap": found.gap,
    }


def _load(name: str) -> dict[str, Any]:
    """The kept answers for one place, or {} when this install of the library wrote none."""
    where, stamp = folder(), library_stamp()
    if where is None or stamp is None:
        return {}
    try:
        data = json.loads((where / f"{name}.json").read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("library") != stamp:
        return {}
    answers = data.get("answers")
    return answers if isinstance(answers, dict) else {}


def _save(name: str, answers: dict[str, Any]) -> None:
    """Write one place's answers whole (a reader never sees half a file), or not at all."""
    where, stamp = folder(), library_stamp()
    if where is None or stamp is None:
        return
    import contextlib
    import tempfile

    data = json.dumps({"library": stamp, "answers": answers}, sort_keys=True).encode()
    try:
        where.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=where)
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, where / f"{name}.json")
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
