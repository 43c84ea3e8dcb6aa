"""Commands that read one interview file and exit: plan, show, check, policies."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

import click

from afterview.cli.app import (
    decision_option,
    file_argument,
    invite_flags,
    invite_options,
    main,
    plan_file,
    policy_option,
    reports_errors,
    user_settings,
)
from afterview.cli.views import plan_json, print_warnings, span, timeline_text
from afterview.errors import OutputError

if TYPE_CHECKING:
    from pathlib import Path


def _output_path(output: str | None, file: Path) -> Path:
    from pathlib import Path

    return Path(output) if output else _default_output(file)


def _default_output(file: Path) -> Path:
    from pathlib import Path

    invitation = file.suffix.lower() in (".ics", ".eml")
    name = f"{file.stem}-follow-ups.ics" if invitation else f"{file.stem}.ics"
    return Path.cwd() / name


@main.command()
@file_argument
@click.option(
    "-o",
    "--output",
    metavar="OUT.ics",
    help="Where to write the calendar ('-' for standard output). Default: in the current "
    "folder, NAME.ics for NAME.toml, NAME-follow-ups.ics for NAME.ics or NAME.eml.",
)
@policy_option
@decision_option
@click.option(
    "--cancel",
    is_flag=True,
    help="Write the same events as cancelled, to remove an imported plan from your calendar.",
)
@invite_options
@reports_errors
def plan(
    file: Path,
    output: str | None,
    policy: str | None,
    decision: str | None,
    cancel: bool,
    **flags: Any,
) -> None:
    """Write the follow-up calendar (.ics) for an interview file.

    \b
    FILE is an interview file (.toml), or the invitation itself (.ics, or a saved
    e-mail .eml). The plan goes to the current folder: NAME.ics for NAME.toml, and
    NAME-follow-ups.ics for an invitation NAME.ics or NAME.eml.

    \b
    Example:
      afterview plan northwind.toml
      afterview plan northwind.toml --decision "within two weeks" -o northwind.ics
      afterview plan invite.ics --country US --decision "by Friday"
    """
    from afterview.core.cadence import cancelled
    from afterview.formats.files import write_atomic
    from afterview.formats.ics import plan_calendar

    settings = user_settings()
    made = plan_file(
        file, policy, decision, settings, invite_flags(flags, decision=decision, policy=policy)
    )
    followups = cancelled(made.followups) if cancel else made.followups
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    data = plan_calendar(made.interview, followups, stamp, settings.reminder_time)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        print_warnings(made, settings)
        return
    target = _output_path(output, file)
    if target.exists() and target.resolve() == file.resolve():
        raise OutputError(f"{target} is the input file: choose another output name with -o")
    write_atomic(target, data)
    print_warnings(made, settings)
    verb = "Cancelled" if cancel else "Planned"
    click.echo(f"{verb} {len(followups)} events{span(followups)}: wrote {target}")


@main.command()
@file_argument
@policy_option
@decision_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON with stable keys instead.")
@invite_options
@reports_errors
def show(file: Path, policy: str | None, decision: str | None, as_json: bool, **flags: Any) -> None:
    """Print the follow-up timeline: date, step, who, and why that date.

    FILE is an interview file (.toml) or an invitation (.ics, .eml).

    \b
    Example:
      afterview show northwind.toml
      afterview show northwind.toml --json
      afterview show invite.ics --country GB
    """
    settings = user_settings()
    made = plan_file(
        file, policy, decision, settings, invite_flags(flags, decision=decision, policy=policy)
    )
    if as_json:
        import json

        click.echo(json.dumps(plan_json(made), indent=2, ensure_ascii=False))
        return
    click.echo(timeline_text(made))
    print_warnings(made, settings)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead.")
@click.option("--show", "show_name", metavar="NAME", help="Print one policy's file, to adapt.")
@reports_errors
def policies(as_json: bool, show_name: str | None) -> None:
    """List the built-in follow-up policies, or print one as a start for your own.

    \b
    Example:
      afterview policies
      afterview policies --show standard > my-policy.toml
    """
    from afterview.policies import BUILT_IN, built_in_text, load_policy

    if show_name is not None:
        click.echo(load_policy(show_name).text, nl=False)
        return
    loaded = [load_policy(name) for name in BUILT_IN]
    if as_json:
        data = [
            {
                "name": p.name,
                "default": p.name == "standard",
                "summary": p.summary,
                "steps": [
                    {
                        "id": s.id,
                        "step": s.step,
                        "for": s.audience,
                        "optional": s.optional,
                        "on": s.on,
                        "when": [r.describe() for r in s.when],
                    }
                    for s in p.steps
                ],
            }
            for p in loaded
        ]
        import json

        click.echo(json.dumps(data, indent=2))
        return
    width = max(len(p.name) for p in loaded)
    for p in loaded:
        default = " (default)" if p.name == "standard" else ""
        click.echo(f"{p.name:<{width}}  {p.summary}{default}")
    del built_in_text


@main.command()
@file_argument
@reports_errors
def check(file: Path) -> None:
    """Check an interview file or a policy file and explain any problem.

    \b
    Example:
      afterview check northwind.toml
      afterview check my-policy.toml
    """
    from afterview.formats.files import parse_toml, read_text

    # The file is read once: it may be a pipe, which cannot be read twice.
    text = read_text(file, "TOML file")
    data = parse_toml(text, str(file))
    if "steps" in data and "interviewers" not in data:
        from afterview.core.policy import parse_policy
        from afterview.policies.trial import check_policy

        policy = parse_policy(text, str(file))
        check_policy(policy)
        click.echo(
            f"ok: {file} is a valid policy '{policy.name}' with {len(policy.steps)} steps "
            f"and {policy.cadence_total} check-ins"
        )
        return
    from afterview.formats.interviewfile import interview_from_dict
    from afterview.policies import plan_interview

    settings = user_settings()
    interview = interview_from_dict(data, text, str(file), settings.defaults())
    made = plan_interview(interview, settings.me, base=file.parent)
    for warning in made.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"ok: {file} plans {len(made.followups)} events under policy {made.policy}"
        f"{span(made.followups)}"
    )
