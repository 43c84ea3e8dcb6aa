"""``afterview config``: show and change the user's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from afterview.cli.app import main, quoted, reports_errors, user_settings

if TYPE_CHECKING:
    pass


@main.group(invoke_without_command=True)
@click.pass_context
@reports_errors
def config(context: click.Context) -> None:
    """Show your details (used to sign drafts and as defaults), or change one.

    \b
    Example:
      afterview config
      afterview config set name "Alex Kim"
    """
    if context.invoked_subcommand is not None:
        return
    from afterview.settings import KEYS, settings_path

    settings = user_settings()
    click.echo(f"# {settings_path()}")
    for key, meaning in KEYS.items():
        value = getattr(settings, key)
        shown = quoted(value) if value is not None else "(not set)"
        click.echo(f"{key:<12} {shown:<30} {meaning}")


@config.command("set")
@click.argument("key")
@click.argument("value")
@reports_errors
def config_set(key: str, value: str) -> None:
    """Set KEY to VALUE (an empty VALUE removes it).

    \b
    Example:
      afterview config set country GB
      afterview config set reminder 08:30
    """
    from afterview.settings import save_setting, settings_path

    if key.strip() == "publish" and value.strip():
        from afterview.errors import PublishError, SettingsError
        from afterview.publish.destinations import target_for

        try:
            target_for(value.strip())  # an address no target speaks is refused before saving
        except PublishError as error:
            raise SettingsError(str(error), hint=error.hint) from None
    save_setting(key, value)
    click.echo(f"Saved {key} in {settings_path()}")
