"""The house plan, kept by the code: which layer may import which, no circles, one home per library.

docs/architecture.md draws the same plan in words. Every import of every module is
read with ast (those inside functions too, since afterview imports lazily for speed),
so a wrong arrow fails here the day it is written. ``tests/architecture_bad/`` is a
small tree that breaks each rule once, to prove the checks can fail.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
BAD = Path(__file__).resolve().parent / "architecture_bad"

# The layers, and what each may import of afterview (besides itself). Arrows point down:
# the pure core knows nothing above it, and nothing imports the command line.
LEAVES = {"errors", "model", "keyrings", "__init__"}  # __init__: the version number
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "model": {"errors"},
    "keyrings": set(),
    "core": LEAVES,
    "formats": LEAVES | {"core"},
    "policies": LEAVES | {"core", "formats"},
    "invite": LEAVES | {"core", "formats", "policies"},
    "settings": LEAVES | {"core", "formats"},
    "tracker": LEAVES | {"core", "formats", "policies"},
    "publish": LEAVES | {"core", "formats", "policies", "tracker"},
    "mail": LEAVES | {"core", "formats", "policies", "invite", "tracker", "publish"},
    # A publisher forked as a command starts: settings, the tracker and the targets, and
    # no click, so the entry point can start it before the command line is loaded.
    "republishing": LEAVES | {"core", "formats", "settings", "tracker", "publish"},
    "cli": LEAVES
    | {"core", "formats", "policies", "invite", "settings", "tracker", "publish"}
    | {"mail", "republishing"},
    "__main__": {"cli", "republishing"},
    "__init__": set(),
}
ALLOWED["cli"] |= {"cli"}

# Each third-party library has one home (icalendar two: its writer and its reader), so
# replacing one touches one place. A library not listed here has no home yet: add it.
HOMES: dict[str, set[str]] = {
    "icalendar": {"formats.ics", "formats.icsread"},
    "holidays": {"core.businessdays"},
    "dateutil": {"core.dates"},
    "starlette": {"publish.web"},
    "uvicorn": {"publish.web"},
    "caldav": {"publish.caldav"},
    "platformdirs": {"settings"},
    "tomli_w": {"formats.files"},
    "sqlite3": {"tracker.store"},  # standard library, but the store is its one home
    "keyring": {"keyrings"},  # optional: used only where it is installed
    "imaplib": {
        "mail.sources"
    },  # standard library, but one module speaks IMAP  # optional: used only where it is installed
}
PACKAGE_HOMES = {"click": "cli"}  # the command line is click's home, every module of it


def modules(root: Path) -> Iterator[tuple[str, Path]]:
    """Each module below ``root/afterview`` as its dotted name without ``afterview.``."""
    package = root / "afterview"
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        yield ".".join(parts), path


def typing_only(tree: ast.Module) -> set[int]:
    """The lines of imports under ``if TYPE_CHECKING:``, which never run."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def imports_of(name: str, path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ["afterview", *name.split(".")]
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                # "from afterview.formats import ics" names a module; "... import plan"
                # names a function, and internal() trims it back to its module.
                yield node.lineno, f"{target}.{alias.name}"


def layer(name: str) -> str:
    return name.split(".")[0]


def internal(target: str, known: set[str]) -> str | None:
    """The module of ours an import names (``afterview.x.y`` -> ``x.y``), or None."""
    if target != "afterview" and not target.startswith("afterview."):
        return None
    parts = target.split(".")[1:]
    while parts and ".".join(parts) not in known:
        parts = parts[:-1]  # "afterview.core.cadence.plan" names the module core.cadence
    return ".".join(parts) if parts else "__init__"


def problems(root: Path) -> list[str]:
    """Every broken rule in the tree at ``root``, one sentence each."""
    found: list[str] = []
    names = dict(modules(root))
    known = set(names)
    graph: dict[str, set[str]] = {name: set() for name in names}
    for name, path in names.items():
        where = f"{path.relative_to(root)}"
        types_only = typing_only(ast.parse(path.read_text(encoding="utf-8")))
        for line, target in imports_of(name, path):
            ours = internal(target, known)
            if ours is not None:
                if ours == name:
                    continue
                if line not in types_only:  # a type-only import runs never: no circle
                    graph[name].add(ours)
                here, there = layer(name), layer(ours)
                if here != there and there not in ALLOWED.get(here, set()):
                    found.append(f"{where}:{line}: {here} must not import {there} ({ours})")
                continue
            top = target.split(".")[0]
            if top in sys.stdlib_module_names and top not in HOMES:
                continue
            if top in PACKAGE_HOMES:
                if layer(name) != PACKAGE_HOMES[top]:
                    found.append(f"{where}:{line}: {top} belongs in {PACKAGE_HOMES[top]}/")
                continue
            homes = HOMES.get(top)
            if homes is None:
                found.append(f"{where}:{line}: {top} has no home: name its module in HOMES")
            elif name not in homes:
                found.append(f"{where}:{line}: {top} belongs in {' or '.join(sorted(homes))}")
    found.extend(f"import circle: {' -> '.join(circle)}" for circle in circles(graph))
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import circles between modules (a package's __init__ importing its parts is none)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue  # a package and its own modules
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_afterview_keeps_its_house_plan() -> None:
    """Every import in src/ points down a layer, makes no circle, and uses a library's home."""
    assert problems(SRC) == []


def test_the_checks_fail_on_a_tree_that_breaks_each_rule() -> None:
    """A tree with a core that imports the tracker, a circle and a stray library is refused."""
    found = problems(BAD)
    assert any("core must not import tracker" in p for p in found), found
    assert any("import circle: formats.a -> formats.b -> formats.a" in p for p in found), found
    assert any("icalendar belongs in formats.ics or formats.icsread" in p for p in found), found
    assert any("publish must not import cli" in p for p in found), found
    assert any("requests has no home" in p for p in found), found
    assert any("click belongs in cli/" in p for p in found), found
    assert len(found) == 6, found


def test_the_plan_names_every_layer_the_package_has() -> None:
    """A new folder under src/afterview needs its place in the plan before it can be used."""
    layers = {layer(name) for name, _ in modules(SRC)}
    assert layers <= set(ALLOWED), layers - set(ALLOWED)


def test_no_module_is_long_without_saying_why() -> None:
    """A module over 500 lines says in its docstring why it stays whole."""
    for name, path in modules(SRC):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 500:
            doc = ast.get_docstring(ast.parse(text)) or ""
            assert "stays whole" in doc, f"{name} has {text.count(chr(10))} lines"
