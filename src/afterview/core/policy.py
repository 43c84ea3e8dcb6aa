"""A follow-up policy as a value: its steps and date rules, parsed and checked from TOML text.

This module reads and checks the format; the cadence engine is the only code that
acts on it. Nothing here touches the disk: the loader in policies/ reads the files.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from typing import Any, NamedTuple

from afterview.errors import FileProblem, PolicyError, close_matches
from afterview.model import CONTACT_STEPS, STEP_NAMES

UNITS = ("business_days", "days", "weeks", "months")


CONDITIONS = ("decision", "no-decision", "few-days")


AUDIENCES = ("each", "contact", "me")


NEEDS = ("linkedin", "linkedin-agreed")


OUTCOMES = ("rejected",)


FIXED_ANCHORS = ("interview", "decision", "news", "last-check-in")


_POLICY_KEYS = ("name", "summary", "steps")


_STEP_KEYS = (
    "step",
    "for",
    "needs",
    "style",
    "same_day",
    "when",
    "not_before",
    "not_after",
    "counts",
    "optional",
    "on",
)


_RULE_KEYS = ("if", "from", *UNITS)


_SAME_DAY_KEYS = ("after_end_minutes", "minutes")


_MAX_STEPS = 30


_LIMITS = {"business_days": 260, "days": 366, "weeks": 52, "months": 12}


class DateRule(NamedTuple):
    """One way to date a step: ``amount`` ``unit`` after ``anchor``, if ``condition`` holds."""

    anchor: str
    unit: str
    amount: int
    condition: str | None = None

    def describe(self) -> str:
        """``5 business days after check-in 1``, as a reason says it."""
        what = {
            "interview": "the interview",
            "decision": "the date they gave",
            "news": "the news",
            "last-check-in": "the last check-in",
        }.get(self.anchor, _anchor_name(self.anchor))
        if self.amount == 0:
            return f"the first business day from {what}"
        unit = self.unit.replace("_", " ")
        if self.amount == 1:
            unit = unit[:-1]
        return f"{self.amount} {unit} after {what}"


def _anchor_name(anchor: str) -> str:
    number = anchor.removeprefix("check-in-")
    return f"check-in {number}" if number != anchor else f"the {anchor}"


class PolicyStep(NamedTuple):
    """One step of a policy, as its file says it."""

    step: str
    id: str
    number: int
    audience: str
    needs: str | None
    style: str
    same_day: tuple[int, int] | None
    when: tuple[DateRule, ...]
    not_before: tuple[DateRule, ...]
    counts: bool
    optional: bool
    on: str | None
    line: int
    # Ceilings: the step comes no later than the last business day on or before each.
    not_after: tuple[DateRule, ...] = ()

    @property
    def in_cadence(self) -> bool:
        """Whether this step is one of the numbered contacts rule 4 spaces out."""
        return self.step == "check-in" or self.counts


class Policy(NamedTuple):
    """A named cadence of follow-up steps."""

    name: str
    summary: str
    steps: tuple[PolicyStep, ...]
    source: str
    text: str

    @property
    def cadence_total(self) -> int:
        """How many numbered contacts (check-ins) the policy plans."""
        return sum(1 for step in self.steps if step.in_cadence)

    @property
    def built_in(self) -> bool:
        """Whether this is one of the policies afterview ships."""
        return self.source == "built-in"


def parse_policy(text: str, source: str) -> Policy:
    """A checked Policy from TOML text; ``source`` names it in error messages."""
    where = "built-in policy" if source == "built-in" else source
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FileProblem(f"{where}: not valid TOML: {error}") from None
    lines = _StepLines(text, where)
    _check_keys(data, _POLICY_KEYS, lines.at(None), "policy", lambda key: lines.at(None, key))
    name = data.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", name):
        raise PolicyError(
            f"{lines.at(None, 'name')}: 'name' must be a short lower-case name like 'my-policy'"
        )
    summary = data.get("summary", "")
    if not isinstance(summary, str):
        raise PolicyError(f"{lines.at(None, 'summary')}: 'summary' must be text")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise PolicyError(f"{where}: a policy needs at least one [[steps]] table")
    if len(raw_steps) > _MAX_STEPS:
        raise PolicyError(f"{where}: at most {_MAX_STEPS} steps, found {len(raw_steps)}")
    steps: list[PolicyStep] = []
    for index, raw in enumerate(raw_steps):
        steps.append(_parse_step(raw, index, steps, lines))
    return Policy(name, summary, tuple(steps), source, text)


class _StepLines:
    """Line numbers of each [[steps]] table, so errors can point into the file."""

    def __init__(self, text: str, where: str) -> None:
        self.where = where
        self.lines = text.splitlines()
        self.starts = [
            number
            for number, line in enumerate(self.lines, start=1)
            if re.match(r"\s*\[\[\s*steps\s*\]\]", line)
        ]

    def at(self, index: int | None, key: str | None = None) -> str:
        if index is not None and index >= len(self.starts):
            return self.where
        if index is None:  # the top of the file, above the first [[steps]]
            start, end = 1, self.starts[0] if self.starts else len(self.lines) + 1
        else:
            start = self.starts[index]
            end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.lines) + 1
        if key is not None:
            for number in range(start, end):
                if re.match(rf"\s*{re.escape(key)}\s*=", self.lines[number - 1]):
                    return f"{self.where}, line {number}"
        return f"{self.where}, line {start}"


def _check_keys(
    table: dict[str, Any],
    known: tuple[str, ...],
    where: str,
    what: str,
    locate: Callable[[str], str] | None = None,
) -> None:
    for key in table:
        if key not in known:
            close = close_matches(key, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
            place = locate(key) if locate else where
            raise PolicyError(f"{place}: unknown {what} key '{key}': {hint}")


def _parse_step(raw: Any, index: int, earlier: list[PolicyStep], lines: _StepLines) -> PolicyStep:
    here = lines.at(index)
    if not isinstance(raw, dict):
        raise PolicyError(f"{here}: each step must be a [[steps]] table")
    _check_keys(raw, _STEP_KEYS, here, "step", lambda key: lines.at(index, key))
    step = raw.get("step")
    if step not in STEP_NAMES:
        close = close_matches(str(step), STEP_NAMES, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise PolicyError(
            f"{lines.at(index, 'step')}: unknown step '{step}': {hint}"
            f"steps are {', '.join(STEP_NAMES)}"
        )
    audience = raw.get("for", _default_audience(step))
    if audience not in AUDIENCES:
        raise PolicyError(f"{lines.at(index, 'for')}: 'for' must be one of {', '.join(AUDIENCES)}")
    if (audience == "me") == (step in CONTACT_STEPS):
        right = "'each' or 'contact'" if step in CONTACT_STEPS else "'me'"
        raise PolicyError(f"{lines.at(index, 'for')}: a {step} step is for {right}")
    needs = raw.get("needs")
    if needs is not None and needs not in NEEDS:
        raise PolicyError(f"{lines.at(index, 'needs')}: 'needs' must be one of {', '.join(NEEDS)}")
    counts = _flag(raw, "counts", index, lines)
    in_cadence = step == "check-in" or counts
    number = sum(1 for s in earlier if s.in_cadence) + 1 if in_cadence else 0
    step_id = f"check-in-{number}" if step == "check-in" else step
    if any(s.id == step_id for s in earlier):
        raise PolicyError(f"{here}: the policy already has a '{step_id}' step")
    on = raw.get("on")
    if on is not None and on not in OUTCOMES:
        raise PolicyError(f"{lines.at(index, 'on')}: 'on' must be one of {', '.join(OUTCOMES)}")
    # Only steps that are planned whenever this one is can date it: a step kept for an
    # outcome has no date without that outcome, and "last-check-in" needs a check-in.
    dated = [s for s in earlier if s.on is None or s.on == on]
    fixed = [a for a in FIXED_ANCHORS if a != "last-check-in" or any(s.in_cadence for s in dated)]
    known_anchors = (*fixed, *(s.id for s in dated))
    same_day = _same_day(raw.get("same_day"), index, lines)
    when = _rules(raw.get("when"), "when", index, lines, known_anchors, on)
    not_before = _rules(raw.get("not_before"), "not_before", index, lines, known_anchors, on)
    not_after = _rules(raw.get("not_after"), "not_after", index, lines, known_anchors, on)
    if (same_day is None) == (not when):
        raise PolicyError(f"{here}: give a step either 'same_day' or 'when', not both or neither")
    if when and when[-1].condition is not None:
        raise PolicyError(
            f"{lines.at(index, 'when')}: the last 'when' rule must have no 'if', so the "
            "step always gets a date"
        )
    style = raw.get("style", "")
    if not isinstance(style, str):
        raise PolicyError(f"{lines.at(index, 'style')}: 'style' must be text")
    return PolicyStep(
        step=step,
        id=step_id,
        number=number,
        audience=audience,
        needs=needs,
        style=style,
        same_day=same_day,
        when=when,
        not_before=not_before,
        counts=counts,
        optional=_flag(raw, "optional", index, lines),
        on=on,
        line=lines.starts[index] if index < len(lines.starts) else 0,
        not_after=not_after,
    )


def _default_audience(step: object) -> str:
    if step in ("check-in", "keep-on-file"):
        return "contact"
    return "each" if step in CONTACT_STEPS else "me"


def _flag(raw: dict[str, Any], key: str, index: int, lines: _StepLines) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise PolicyError(f"{lines.at(index, key)}: '{key}' must be true or false")
    return value


def _same_day(raw: Any, index: int, lines: _StepLines) -> tuple[int, int] | None:
    if raw is None:
        return None
    here = lines.at(index, "same_day")
    if not isinstance(raw, dict):
        raise PolicyError(f"{here}: 'same_day' must be a table like {{ minutes = 30 }}")
    _check_keys(raw, _SAME_DAY_KEYS, here, "same_day")
    after, minutes = raw.get("after_end_minutes", 0), raw.get("minutes", 30)
    if not (isinstance(after, int) and 0 <= after <= 12 * 60):
        raise PolicyError(f"{here}: 'after_end_minutes' must be a whole number from 0 to 720")
    if not (isinstance(minutes, int) and 5 <= minutes <= 240):
        raise PolicyError(f"{here}: 'minutes' must be a whole number from 5 to 240")
    return after, minutes


def _rules(
    raw: Any,
    key: str,
    index: int,
    lines: _StepLines,
    anchors: tuple[str, ...],
    on: str | None,
) -> tuple[DateRule, ...]:
    if raw is None:
        return ()
    here = lines.at(index, key)
    if not isinstance(raw, list) or not all(isinstance(rule, dict) for rule in raw):
        raise PolicyError(
            f"{here}: '{key}' must be a list of rules like [{{ from = \"interview\", days = 7 }}]"
        )
    return tuple(_rule(rule, here, anchors, on) for rule in raw)


def _rule(raw: dict[str, Any], here: str, anchors: tuple[str, ...], on: str | None) -> DateRule:
    _check_keys(raw, _RULE_KEYS, here, "rule")
    anchor = raw.get("from")
    if anchor not in anchors:
        close = close_matches(str(anchor), anchors, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise PolicyError(
            f"{here}: a rule counts 'from' '{anchor}', which is not known here: {hint}"
            f"use one of {', '.join(anchors)} (only steps above this one)"
        )
    if anchor == "news" and on is None:
        raise PolicyError(f"{here}: only a step with 'on = \"rejected\"' can count from the news")
    condition = raw.get("if")
    if condition is not None and condition not in CONDITIONS:
        raise PolicyError(f"{here}: 'if' must be one of {', '.join(CONDITIONS)}")
    if anchor == "decision" and condition not in ("decision", "few-days"):
        raise PolicyError(
            f'{here}: a rule that counts from the decision date needs if = "decision", '
            "since not every interviewer gives one"
        )
    units = [unit for unit in UNITS if unit in raw]
    if len(units) != 1:
        raise PolicyError(f"{here}: give exactly one of {', '.join(UNITS)} in each rule")
    unit = units[0]
    amount = raw[unit]
    lowest = 1 if unit == "business_days" else 0
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise PolicyError(f"{here}: '{unit}' must be a whole number")
    if not lowest <= amount <= _LIMITS[unit]:
        raise PolicyError(f"{here}: '{unit}' must be from {lowest} to {_LIMITS[unit]}")
    return DateRule(anchor, unit, amount, condition)
