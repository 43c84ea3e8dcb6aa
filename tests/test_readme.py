"""The README's examples are run, so the documentation cannot drift from the program."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

RunCli = Callable[..., Result]  # the conftest fixture's type
ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def examples() -> list[tuple[str, str]]:
    """(command, expected output) for each block marked <!-- example: ARGS -->."""
    pattern = re.compile(r"<!-- example: (?P<args>[^>]+) -->\n```text\n(?P<out>.*?)```", re.S)
    return [(m["args"].strip(), m["out"]) for m in pattern.finditer(README)]


def test_readme_has_examples() -> None:
    """The README shows at least one command with its real output."""
    assert examples()


@pytest.mark.parametrize(("args", "expected"), examples())
def test_readme_example_output_is_what_the_program_prints(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, args: str, expected: str
) -> None:
    """Each README example prints exactly what the README says."""
    monkeypatch.chdir(ROOT)
    result = run_cli(*shlex.split(args))
    assert result.exit_code == 0, result.output
    assert result.stdout == expected


def test_every_command_the_readme_uses_exists() -> None:
    """Every `afterview COMMAND` in the README's code blocks is a real command."""
    from afterview.cli import main

    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    used = {m for block in blocks for m in re.findall(r"^afterview ([a-z-]+)", block, re.M)}
    assert used
    assert used <= set(main.commands), sorted(used - set(main.commands))


def test_readme_documents_every_exit_code() -> None:
    """Every exit code an error class carries is in the README's table."""
    from afterview import errors

    codes = {
        cls.exit_code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.AfterviewError)
    }
    table = set(re.findall(r"^\| (\d+) \|", README, re.M))
    assert {str(code) for code in codes} <= table
