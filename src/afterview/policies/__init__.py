"""Follow-up policies by name or path: the built-in ones ship as TOML files beside this module.

A user's own policy is a file in the same format (see docs/policies.md) and goes
through the same parser (core/policy) and, before it is used, the spacing trial
(policies/trial). ``plan_interview`` is the one call that turns an interview and a
policy name into a plan.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from functools import lru_cache
from pathlib import Path

from afterview.core.policy import Policy, parse_policy
from afterview.errors import PolicyError, close_matches
from afterview.formats.files import read_text
from afterview.model import Interview, Me, Plan

BUILT_IN = ("standard", "biweekly", "three-strikes", "deadline", "minimal")


def built_in_text(name: str) -> str:
    """The TOML text of a built-in policy."""
    # The files sit beside this module; reading them directly skips importlib.resources.
    return (Path(__file__).parent / f"{name}.toml").read_text(encoding="utf-8")


@lru_cache(maxsize=len(BUILT_IN))
def _built_in(name: str) -> Policy:
    # A Policy is immutable: the tracker plans many interviews and parses each file once.
    return parse_policy(built_in_text(name), "built-in")


def load_policy(name_or_path: str, base: Path | None = None) -> Policy:
    """A built-in policy by name, or a policy file by path (relative to ``base``)."""
    if name_or_path in BUILT_IN:
        return _built_in(name_or_path)
    path = Path(name_or_path)
    with contextlib.suppress(RuntimeError):  # "~name/..." for no such user: read as written
        path = path.expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    looks_like_path = "/" in name_or_path or name_or_path.endswith(".toml")
    if not looks_like_path and not path.is_file():
        close = close_matches(name_or_path, BUILT_IN, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise PolicyError(
            f"unknown policy '{name_or_path}': {hint}built-in policies are "
            f"{', '.join(BUILT_IN)}; or give the path of a policy file"
        )
    text = read_text(path, "policy file (.toml)", shown=f"policy file {path}")
    return parse_policy(text, str(path))


def get_policy(name_or_path: str, base: Path | None = None) -> Policy:
    """A policy by name or path; a custom one is tried against rule 4 first."""
    from afterview.policies.trial import check_policy

    chosen = load_policy(name_or_path, base)
    if not chosen.built_in:
        check_policy(chosen)
    return chosen


def plan_interview(
    interview: Interview,
    me: Me | None = None,
    *,
    policy: str | None = None,
    decision: str | None = None,
    base: Path | None = None,
    outcome: str | None = None,
    news: dt.date | None = None,
    decision_on: dt.date | None = None,
) -> Plan:
    """The follow-up plan for ``interview``; ``policy`` and ``decision`` override its file.

    ``base`` is the interview file's folder, for a policy file named relative to it.
    The rest is as ``core.planner.make_plan`` takes it.
    """
    from afterview.core.planner import make_plan

    ignored: list[str] = []
    if policy is not None:
        interview = interview._replace(policy=policy)
    chosen = get_policy(interview.policy, base)
    if policy is not None:
        # The file's skips were written for its own policy: one the chosen policy does
        # not have is moot, not a mistake in the file.
        labels = {s.id for s in chosen.steps}
        ignored = [entry for entry in interview.skip if entry not in labels]
        interview = interview._replace(skip=tuple(e for e in interview.skip if e in labels))
    made = make_plan(
        interview,
        chosen,
        me,
        decision=decision,
        outcome=outcome,
        news=news,
        decision_on=decision_on,
    )
    if not ignored:
        return made
    note = (
        f"skip {', '.join(repr(e) for e in ignored)} ignored: policy '{chosen.name}' "
        "has no such step"
    )
    return made._replace(warnings=(note, *made.warnings))
