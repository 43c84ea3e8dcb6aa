"""Fuzzing the command line: arbitrary TOML documents and phrases never crash afterview.

Whatever ``check`` and ``plan`` are fed (interview files with wrong, random or extra
values, policy files, raw text and bytes, decision phrases), they exit 0 or with a
documented code, report a failure in one line without a traceback, and either leave
the old calendar as it was or replace it with a complete one.
"""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tomli_w
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from afterview.cli import main
from afterview.core.policy import AUDIENCES, CONDITIONS, FIXED_ANCHORS, UNITS
from afterview.formats.files import dumps_toml
from afterview.model import STEP_NAMES
from afterview.policies import BUILT_IN, built_in_text

# Exit codes a bad input may give: every documented code except 1 (a bug) and 130.
DOCUMENTED = frozenset(range(2, 12))
OLD_CALENDAR = b"BEGIN:VCALENDAR\r\nX-OLD:keep me\r\nEND:VCALENDAR\r\n"

# About 300 examples in all, so make test stays quick; each example runs the CLI twice.
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

GOOD: dict[str, Any] = {
    "id": "acme-2026-11",
    "company": "Acme",
    "role": "Engineer",
    "start": dt.datetime(2026, 11, 25, 14, 0),
    "end": dt.datetime(2026, 11, 25, 15, 0),
    "timezone": "America/New_York",
    "country": "US",
    "subdivision": "NY",
    "policy": "standard",
    "decision": "by Friday",
    "no_follow_ups": False,
    "channel": "email",
    "blackout": [dt.date(2026, 12, 24)],
    "notes": "Panel on Zoom",
    "candidate": "Alex Kim",
    "interviewers": [
        {"name": "Ana Ruiz", "email": "ana.ruiz@acme.example", "topics": ["APIs"]},
        {"name": "Bo Li", "linkedin": "https://www.linkedin.com/in/bo-li", "contact": True},
    ],
}
GOOD_TEXT = dumps_toml(GOOD)

VALID_PHRASES = (
    "by Friday",
    "Friday",
    "end of the week",
    "next week",
    "in 10 days",
    "a few days",
    "5 business days",
    "within 3 working days",
    "two weeks",
    "a fortnight",
    "end of the month",
    "a month",
    "3 months",
    "2026-12-04",
    "Dec 4",
    "4th December",
    "4 December, 2026",
    "no timeline",
)

# ----------------------------------------------------------------------- strategies

offsets = st.integers(-1439, 1439).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
scalars = st.one_of(
    st.text(max_size=20),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=offsets),
    st.times(),
)
toml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(max_size=8), inner, max_size=3),
    ),
    max_leaves=8,
)

# Values close to the edge for each key: wrong in one way, or right.
NEAR: dict[str, list[Any]] = {
    "company": ["Acme", "", "  ", "Acme\nCorp", "A" * 300, "\x00"],
    "role": ["Engineer", "", "Engineer\r\n", "é" * 50],
    "start": [
        dt.datetime(2026, 11, 25, 14, 0),
        dt.datetime(1, 1, 1),
        dt.datetime(9999, 12, 31, 23, 59),
        dt.datetime(2099, 12, 31, 23, 30),
        dt.datetime(2000, 1, 1),
        dt.datetime(2026, 3, 8, 2, 30),
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))),
        dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        dt.date(2026, 11, 25),
        "2026-11-25T14:00:00",
        "2026-11-25",
        dt.time(14, 0),
    ],
    "end": [
        dt.datetime(2026, 11, 25, 13, 0),
        dt.datetime(2026, 11, 25, 14, 0),
        dt.datetime(2099, 12, 31, 23, 59),
        dt.datetime(9999, 12, 31, 23, 59),
        dt.datetime(2026, 11, 25, 23, 59),
        "2026-11-25T16:00:00+01:00",
    ],
    "timezone": [
        "America/New_York",
        "Asia/Tokyo",
        "Pacific/Kiritimati",
        "Pacific",
        "Etc/GMT+12",
        "Mars/Olympus_Mons",
        "../../etc/passwd",
        "america/new_york",
        "UTC",
    ],
    "country": ["US", "GB", "SA", "CN", "us", "XX", "EN", "UK", "Narnia", "", "United States"],
    "subdivision": ["NY", "CA", "ENG", "", "ny", "XX"],
    "policy": [
        *BUILT_IN,
        "standrad",
        "missing.toml",
        "policy.toml",
        "/",
        ".",
        "~nosuchuser/policy.toml",
        "a\x00b.toml",
        "nested/",
    ],
    "decision": [
        *VALID_PHRASES,
        "next Friday",
        "soonish",
        "in 400 days",
        "9999-12-31",
        "Dec 31 9999",
        "0001-01-01",
        dt.date(9999, 12, 31),
        dt.date(2026, 11, 20),
        dt.datetime(2026, 12, 4, 10, 0),
        "",
    ],
    "no_follow_ups": [True, False, "yes", 1],
    "channel": ["email", "phone", "fax", ""],
    "blackout": [
        [dt.date(2026, 11, 27)],
        [dt.date(2026, 11, 27) + dt.timedelta(days=n) for n in range(30)],
        ["2026-12-24"],
        ["someday"],
        [dt.datetime(2026, 12, 24, 9, 0)],
        dt.date(2026, 12, 24),
    ],
    "skip": [["check-in-2"], ["handwritten-note", "linkedin"], ["check-in-9"], "check-in-2"],
    "notes": ["Panel", "", "line one\nline two", "\x1b[31mred"],
    "candidate": ["Alex Kim", ""],
    "id": ["nw-2026-11", "", "has space", "-x", "a" * 80],
}
NEAR_PERSON: dict[str, list[Any]] = {
    "name": ["Ana Ruiz", "", "  ", "Ana\nRuiz", "ana ruiz", "X" * 200],
    "title": ["Engineering Manager", ""],
    "email": ["ana@acme.example", "not-an-address", "a@b", "ana@gmail.com", ""],
    "phone": ["+1 212 555 0142", ""],
    "contact": [True, False, "yes"],
    "linkedin": ["https://www.linkedin.com/in/ana", "linkedin.com/in/ana", "http://x", ""],
    "linkedin_ok": [True, False, 0],
    "topics": [["APIs"], [], [""], "APIs", [1]],
}


@st.composite
def _table(draw: st.DrawFn, good: dict[str, Any], near: dict[str, list[Any]]) -> dict[str, Any]:
    """``good`` with a few keys dropped, or given a near or a random value, and maybe one more."""
    table = dict(good)
    for key in draw(st.lists(st.sampled_from(sorted(near)), max_size=3, unique=True)):
        what = draw(st.sampled_from(("drop", "near", "near", "random")))
        if what == "drop":
            table.pop(key, None)
        elif what == "near":
            table[key] = draw(st.sampled_from(near[key]))
        else:
            table[key] = draw(toml_values)
    if draw(st.integers(0, 9)) == 0:
        misspelt = st.sampled_from(sorted(near)).map(lambda k: k[:-1] + "x")
        table[draw(st.one_of(misspelt, st.text(max_size=8)))] = draw(toml_values)
    return table


@st.composite
def interview_documents(draw: st.DrawFn) -> dict[str, Any]:
    """An interview table in the public format, broken in zero or more places."""
    document = draw(_table(GOOD, NEAR))
    people = draw(
        st.one_of(
            st.lists(_table(GOOD["interviewers"][0], NEAR_PERSON), max_size=3),
            st.just(GOOD["interviewers"]),
            toml_values,
        )
    )
    if draw(st.integers(0, 4)) == 0:
        document["interviewers"] = people
    return document


BUILT_IN_POLICIES = [tomllib.loads(built_in_text(name)) for name in BUILT_IN]
ANCHORS = [*FIXED_ANCHORS, "thank-you", "check-in-1", "check-in-2", "check-in-3", "move-on"]
CHANGES = (
    *("amount", "amount", "unit", "anchor", "if", "for", "step"),
    *("counts", "copy", "drop", "same_day", "when", "not_before", "key"),
)
amounts = st.one_of(st.integers(0, 20), st.integers(-2, 400), toml_values)


@st.composite
def policy_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A built-in policy with a few steps, rules or amounts changed (most stay plausible)."""
    policy: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(BUILT_IN_POLICIES)))
    policy["name"] = draw(st.sampled_from(("fuzzed", "fuzzed", "Fuzzed", "")))
    steps: list[dict[str, Any]] = policy["steps"]
    for _ in range(draw(st.integers(0, 4))):
        if not steps:
            break
        step = draw(st.sampled_from(steps))
        rules = step.get("when") or step.get("not_before") or [{}]
        rule = draw(st.sampled_from(rules))
        change = draw(st.sampled_from(CHANGES))
        if change == "amount":
            unit = next((u for u in UNITS if u in rule), "days")
            rule[unit] = draw(amounts)
        elif change == "unit":
            units = [u for u in UNITS if u in rule]
            amount = rule.pop(units[0]) if units else 1
            rule[draw(st.sampled_from(UNITS))] = amount
        elif change == "anchor":
            rule["from"] = draw(st.sampled_from(ANCHORS))
        elif change == "if":
            rule["if"] = draw(st.sampled_from([*CONDITIONS, "maybe"]))
        elif change == "for":
            step["for"] = draw(st.sampled_from([*AUDIENCES, "everyone"]))
        elif change == "step":
            step["step"] = draw(st.sampled_from([*STEP_NAMES, "fax"]))
        elif change == "counts":
            step["counts"] = draw(st.booleans())
        elif change == "copy":
            steps.insert(draw(st.integers(0, len(steps))), copy.deepcopy(step))
        elif change == "drop":
            steps.remove(step)
        elif change == "same_day":
            step["same_day"] = {
                "after_end_minutes": draw(st.integers(-1, 800)),
                "minutes": draw(st.integers(0, 300)),
            }
        elif change in ("when", "not_before"):
            step[change] = [
                {"from": draw(st.sampled_from(ANCHORS)), draw(st.sampled_from(UNITS)): n}
                for n in draw(st.lists(amounts, min_size=1, max_size=2))
            ]
        else:
            step[draw(st.sampled_from(("stepp", "needs", "on", "style", "optional")))] = draw(
                toml_values
            )
    return policy


@st.composite
def broken_texts(draw: st.DrawFn) -> bytes:
    """A good interview cut short or damaged, random text, or random bytes."""
    kind = draw(st.sampled_from(("cut", "splice", "text", "bytes")))
    if kind == "cut":
        return GOOD_TEXT[: draw(st.integers(0, len(GOOD_TEXT)))].encode()
    if kind == "splice":
        at = draw(st.integers(0, len(GOOD_TEXT)))
        cut = draw(st.integers(0, 10))
        junk = draw(st.text(alphabet="\"[]{}=,.#\n\\ '0123456789-:Tabc", max_size=5))
        return (GOOD_TEXT[:at] + junk + GOOD_TEXT[at + cut :]).encode()
    if kind == "text":
        return draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")
    return draw(st.binary(max_size=300))


@st.composite
def phrases(draw: st.DrawFn) -> str:
    """A decision phrase: random text, or a valid phrase with numbers, case or words changed."""
    kind = draw(st.sampled_from(("text", "number", "date", "mutate")))
    if kind == "text":
        return draw(st.text(max_size=30))
    if kind == "number":
        n = draw(st.one_of(st.integers(-3, 500), st.integers()))
        unit = draw(st.sampled_from(("days", "business days", "weeks", "months", "day", "years")))
        return f"{draw(st.sampled_from(('', 'in ', 'within ', 'by ')))}{n} {unit}"
    if kind == "date":
        year = draw(st.one_of(st.integers(0, 9999), st.just(2026)))
        month = draw(st.integers(0, 13))
        day = draw(st.integers(0, 32))
        form = draw(st.sampled_from(("{y:04d}-{m:02d}-{d:02d}", "Dec {d}, {y}", "{d} of Nov {y}")))
        return form.format(y=year, m=month, d=day)
    phrase = draw(st.sampled_from(VALID_PHRASES))
    change = draw(st.sampled_from(("upper", "spaces", "stop", "next", "insert", "cut")))
    if change == "upper":
        return phrase.upper()
    if change == "spaces":
        return "  " + phrase.replace(" ", " \t ") + "  "
    if change == "stop":
        return phrase + draw(st.sampled_from((".", "..", "!", "?")))
    if change == "next":
        return "next " + phrase
    at = draw(st.integers(0, len(phrase)))
    if change == "insert":
        return phrase[:at] + draw(st.text(max_size=3)) + phrase[at:]
    return phrase[:at]


# ----------------------------------------------------------------------- running


@contextmanager
def workspace() -> Iterator[Path]:
    """A fresh folder with an old calendar in it (hypothesis runs many examples per test)."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "out.ics").write_bytes(OLD_CALENDAR)
        yield folder


def run(folder: Path, *args: str | Path) -> Result:
    """``afterview ARGS`` with settings that exist only in ``folder``."""
    env = {
        "AFTERVIEW_CONFIG": str(folder / "config.toml"),
        "AFTERVIEW_DEBUG": None,
        "AFTERVIEW_EMAIL": None,
    }
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env)


def assert_clean(result: Result, folder: Path, wrote_calendar: bool = False) -> None:
    """A documented exit code, one line on failure, and the old calendar kept or replaced."""
    detail = (result.exit_code, result.output, repr(result.exception))
    event(f"exit {result.exit_code}")
    assert result.exit_code == 0 or result.exit_code in DOCUMENTED, detail
    assert "Traceback" not in result.output, detail
    out = (folder / "out.ics").read_bytes()
    if result.exit_code != 0:
        assert result.stderr.startswith("afterview: "), detail
        assert result.stderr.endswith("\n") and len(result.stderr.splitlines()) == 1, detail
        assert out == OLD_CALENDAR
    elif wrote_calendar:
        assert out.startswith(b"BEGIN:VCALENDAR\r\n"), out[:100]
        assert out.endswith(b"END:VCALENDAR\r\n"), out[-100:]
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers, leftovers


def write_document(path: Path, document: dict[str, Any]) -> None:
    """``document`` as TOML, or as a TOML-ish repr when tomli_w cannot say it."""
    try:
        text = tomli_w.dumps(document)
    except (TypeError, ValueError):
        text = repr(document)
    path.write_text(text, encoding="utf-8")


def check_and_plan(folder: Path, name: str, *args: str) -> None:
    """Run ``check`` and ``plan -o out.ics`` on ``folder/name`` and assert both are clean."""
    source = folder / name
    assert_clean(run(folder, "check", source), folder)
    assert_clean(run(folder, "plan", source, "-o", folder / "out.ics", *args), folder, True)


# ----------------------------------------------------------------------- tests


@settings(FUZZ, max_examples=100)
@given(interview_documents())
def test_arbitrary_interview_documents(document: dict[str, Any]) -> None:
    """Interview files with wrong, random, missing or extra values never crash check or plan."""
    with workspace() as folder:
        write_document(folder / "interview.toml", document)
        check_and_plan(folder, "interview.toml")


@settings(FUZZ, max_examples=60)
@given(broken_texts())
def test_arbitrary_text_and_bytes(data: bytes) -> None:
    """Truncated or damaged TOML, random text and random bytes are refused in one line."""
    with workspace() as folder:
        (folder / "interview.toml").write_bytes(data)
        check_and_plan(folder, "interview.toml")


@settings(FUZZ, max_examples=50)
@given(policy_documents())
def test_arbitrary_policy_documents(document: dict[str, Any]) -> None:
    """Policy files with random steps and rules never crash check, or plan with --policy."""
    with workspace() as folder:
        write_document(folder / "policy.toml", document)
        (folder / "interview.toml").write_text(GOOD_TEXT, encoding="utf-8")
        assert_clean(run(folder, "check", folder / "policy.toml"), folder)
        result = run(
            folder,
            "plan",
            folder / "interview.toml",
            "-o",
            folder / "out.ics",
            "--policy",
            folder / "policy.toml",
        )
        assert_clean(result, folder, True)


@settings(FUZZ, max_examples=90)
@given(phrases())
def test_arbitrary_decision_phrases(phrase: str) -> None:
    """Any decision phrase, given on the command line or in the file, plans or is refused."""
    with workspace() as folder:
        (folder / "interview.toml").write_text(GOOD_TEXT, encoding="utf-8")
        result = run(
            folder,
            "plan",
            folder / "interview.toml",
            "-o",
            folder / "out.ics",
            "--decision",
            phrase,
        )
        assert_clean(result, folder, True)
        write_document(folder / "said.toml", {**GOOD, "decision": phrase})
        assert_clean(run(folder, "check", folder / "said.toml"), folder)
