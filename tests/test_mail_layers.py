"""The mail package's imports: no command line inside it, each outside library in one module."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parent.parent / "src" / "afterview"
MAIL = SRC / "mail"


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, absolute (relative imports resolved under afterview)."""
    found: set[str] = set()
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = ".".join(path.relative_to(SRC.parent).parts[:-1])
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def test_the_mail_package_never_imports_the_command_line() -> None:
    for path in MAIL.rglob("*.py"):
        bad = {
            m
            for m in imports_of(path)
            if m == "click" or m.startswith(("afterview.cli", "afterview.mail_command"))
        }
        assert not bad, f"{path.name} imports {bad}"


def test_imap_and_keyring_are_imported_in_one_module_only() -> None:
    """imaplib and the optional keyring live in sources.py alone (one place per library)."""
    for library in ("imaplib", "keyring"):
        users = {p.name for p in SRC.rglob("*.py") if library in imports_of(p)}
        assert users == {"sources.py"}, (library, users)


def test_the_mail_command_imports_the_mail_package_only_when_run() -> None:
    """`afterview --help` must not load the mail package: the command imports it inside."""
    tree = ast.parse((SRC / "mail_command.py").read_text("utf-8"))
    top = {
        node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module is not None
    }
    assert not any(m.startswith("mail") for m in top), top
