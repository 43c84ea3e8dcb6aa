"""The wording afterview recognizes in employers' replies, one data file per language.

Each ``<code>.toml`` lists regular expressions (matched without regard to case) for
what a sentence can mean: a rejection, an offer, an invitation to another round, a
timeline, an automatic reply; the lines that start a quoted message; and the words
(months, weekdays, numbers) a timeline phrase is translated with, so afterview's own
timeline reader reads "bis zum 10. Dezember" as "10 December". The code that uses them
is ``classify``; adding a language is adding a file.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from dataclasses import dataclass
from importlib.resources import files

CODES = ("en", "de", "fr", "es")
_FLAGS = re.IGNORECASE | re.MULTILINE
_TOKENS = ("@month", "@weekday", "@number")


@dataclass(frozen=True)
class TimelineForm:
    """A way of saying when they decide, and the phrase afterview's reader takes for it."""

    pattern: re.Pattern[str]
    phrase: str  # with {month}, {day}, {weekday}, {n} from the pattern's named groups


@dataclass(frozen=True)
class Language:
    """Everything one language's file says."""

    code: str
    quote_starts: tuple[re.Pattern[str], ...]
    auto_subject: tuple[re.Pattern[str], ...]
    auto_reply: tuple[re.Pattern[str], ...]
    rejected: tuple[re.Pattern[str], ...]
    offer: tuple[re.Pattern[str], ...]
    next_round: tuple[re.Pattern[str], ...]
    hedges: tuple[re.Pattern[str], ...]
    negations: tuple[re.Pattern[str], ...]
    timeline_cues: tuple[re.Pattern[str], ...]
    timeline: tuple[TimelineForm, ...]
    roles: tuple[re.Pattern[str], ...]
    months: dict[str, str]
    weekdays: dict[str, str]
    numbers: dict[str, str]

    def translate(self, group: str, value: str) -> str:
        """A captured word in the English the timeline reader knows ("Dezember" -> "December")."""
        key = value.lower().rstrip(".")
        if group == "month":
            return self.months.get(key, value)
        if group == "mnum":
            return calendar.month_name[int(key)] if key.isdigit() and 1 <= int(key) <= 12 else key
        if group == "weekday":
            return self.weekdays.get(key, value)
        if group == "n":
            return self.numbers.get(key, key)
        return value


def _alternation(words: dict[str, str]) -> str:
    # Longest first, so "sept" does not win over "september".
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def _compile(patterns: list[str], tables: dict[str, dict[str, str]]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        for token in _TOKENS:
            pattern = pattern.replace(token, _alternation(tables[token[1:]]))
        compiled.append(re.compile(pattern, _FLAGS))
    return tuple(compiled)


def load(code: str) -> Language:
    """One language's wording, from its data file."""
    data = tomllib.loads(files(__package__).joinpath(f"{code}.toml").read_text("utf-8"))
    tables = {
        "month": {k.lower(): v for k, v in data["months"].items()},
        "weekday": {k.lower(): v for k, v in data["weekdays"].items()},
        "number": {k.lower(): str(v) for k, v in data["numbers"].items()},
    }

    def patterns(key: str) -> tuple[re.Pattern[str], ...]:
        return _compile(list(data.get(key, [])), tables)

    forms = tuple(
        TimelineForm(_compile([entry["pattern"]], tables)[0], entry["phrase"])
        for entry in data.get("timeline", [])
    )
    return Language(
        code=code,
        quote_starts=patterns("quote_starts"),
        auto_subject=patterns("auto_subject"),
        auto_reply=patterns("auto_reply"),
        rejected=patterns("rejected"),
        offer=patterns("offer"),
        next_round=patterns("next_round"),
        hedges=patterns("hedges"),
        negations=patterns("negations"),
        timeline_cues=patterns("timeline_cues"),
        timeline=forms,
        roles=patterns("roles"),
        months=tables["month"],
        weekdays=tables["weekday"],
        numbers=tables["number"],
    )


LANGUAGES = tuple(load(code) for code in CODES)
