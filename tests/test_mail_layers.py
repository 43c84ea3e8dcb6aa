"""The mail command loads the mail package only when it runs (tests/test_architecture.py keeps
the layers and the libraries' homes)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parent.parent / "src" / "afterview"


def test_the_mail_command_imports_the_mail_package_only_when_run() -> None:
    """`afterview --help` must not load the mail package: the command imports it inside."""
    tree = ast.parse((SRC / "cli" / "mail.py").read_text("utf-8"))
    top = {
        node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module is not None
    }
    assert not any(m.startswith("afterview.mail") for m in top), top
