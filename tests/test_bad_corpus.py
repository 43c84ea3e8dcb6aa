"""The bad-input corpus in tests/bad/: every broken input is refused in one line, nothing lost.

tests/bad/cases.toml lists the cases (its header explains the keys). Each run
happens in an empty folder holding copies of the inputs and an old calendar, and
must exit with the documented code, print exactly one line on stderr, print no
traceback, and leave every file in the folder byte for byte as it was.
"""

from __future__ import annotations

import os
import random
import re
import shlex
import shutil
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from afterview.cli import main

BAD = Path(__file__).parent / "bad"
README = Path(__file__).parent.parent / "README.md"
MANIFEST: dict[str, Any] = tomllib.loads((BAD / "cases.toml").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = MANIFEST["case"]
SUPPORT: list[str] = MANIFEST["support"]
DEFAULT_RUN = ("plan {file}", "check {file}", "show {file}")
CASE_KEYS = {
    "id",
    "file",
    "run",
    "code",
    "fragment",
    "generate",
    "path",
    "code_as_root",
    "needs",
}
OLD_CALENDAR = b"BEGIN:VCALENDAR\r\nX-OLD:keep me\r\nEND:VCALENDAR\r\n"
TEN_MB = 10 * 1024 * 1024


def case_id(case: dict[str, Any]) -> str:
    """The name a case's tests carry: its id, else its file's name."""
    return str(case.get("id") or case["file"])


def command_lines(case: dict[str, Any]) -> list[list[str]]:
    """The argument lists a case runs, with {file} filled in."""
    return [
        shlex.split(line.format(file=case.get("file", ""))) for line in case.get("run", DEFAULT_RUN)
    ]


def runs() -> list[Any]:
    """One test per command of each case."""
    params = []
    for case in CASES:
        for number, args in enumerate(command_lines(case), start=1):
            name = f"{case_id(case)}-{number}-{args[0]}"
            params.append(pytest.param(case, args, id=name))
    return params


def documented_codes() -> set[int]:
    """The exit codes in the README's table."""
    section = README.read_text(encoding="utf-8").split("## Exit codes", 1)[1]
    return {int(code) for code in re.findall(r"^\| (\d+) \|", section, flags=re.MULTILINE)}


def snapshot(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every path under ``folder``: its permission bits, and its bytes (None for a folder)."""
    return {
        str(path.relative_to(folder)): (
            path.stat().st_mode & 0o777,
            None if path.is_dir() else path.read_bytes(),
        )
        for path in sorted(folder.rglob("*"))
    }


def generate(kind: str, path: Path) -> None:
    """Make what a case describes instead of committing it."""
    if kind == "text-10mb":
        line = "# afterview must refuse ten megabytes of text before reading it all\n"
        text = (BAD / "good-interview.toml").read_text(encoding="utf-8")
        text += line * (TEN_MB // len(line) + 1)
        path.write_text(text[:TEN_MB], encoding="ascii")
    elif kind == "folder":
        path.mkdir()
    elif kind == "regular-file":
        path.write_text("a regular file, not a folder\n", encoding="utf-8")
    elif kind == "read-only-folder":
        path.mkdir()
        (path / "out.ics").write_bytes(OLD_CALENDAR)
        path.chmod(0o555)
    else:
        raise AssertionError(f"unknown generate = {kind!r} in cases.toml")


@contextmanager
def memory_cap() -> Iterator[None]:
    """At most 1 GB more memory for one run: reading a device to its end fails, not swaps."""
    try:
        import resource

        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0])
    except (ImportError, OSError):  # not Linux: run without a cap
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = pages * os.sysconf("SC_PAGE_SIZE") + (1 << 30)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def is_root() -> bool:
    """Whether tests run as root, whom folder permissions do not stop."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def assert_refused(result: Result, code: int, fragment: str) -> None:
    """The documented code, exactly one line on stderr with the fragment, no traceback."""
    detail = (result.exit_code, result.stdout, result.stderr, repr(result.exception))
    assert result.exit_code == code, detail
    assert isinstance(result.exception, SystemExit), detail
    assert "Traceback" not in result.output, detail
    assert result.stdout == "", detail
    assert result.stderr.startswith("afterview: "), detail
    assert result.stderr.endswith("\n") and len(result.stderr.splitlines()) == 1, detail
    assert fragment in result.stderr, (fragment, result.stderr)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty working folder, with settings of its own that do not exist."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("AFTERVIEW_CONFIG", str(tmp_path / "settings" / "config.toml"))
    for name in ("AFTERVIEW_DEBUG", "AFTERVIEW_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    yield work
    for path in work.rglob("*"):  # a read-only folder must not stop the clean-up
        if path.is_dir():
            path.chmod(0o755)


@pytest.mark.parametrize(("case", "args"), runs())
def test_bad_input_is_refused_in_one_line(
    case: dict[str, Any], args: list[str], folder: Path
) -> None:
    """Each corpus input exits with its documented code in one stderr line, changing no file."""
    needs = case.get("needs")
    if needs is not None and not Path(needs).exists():
        raise AssertionError(f"this case needs {needs}, which this system does not have")
    for name in [*SUPPORT, *([case["file"]] if "file" in case else [])]:
        shutil.copyfile(BAD / name, folder / name)
    (folder / "out.ics").write_bytes(OLD_CALENDAR)
    if "generate" in case:
        generate(case["generate"], folder / case["path"])
    if args[0] == "plan" and "-o" not in args:
        args = [*args, "-o", "out.ics"]
    before = snapshot(folder)

    with memory_cap():
        result = CliRunner().invoke(main, args)

    if "code_as_root" in case and is_root():
        assert_written_anyway(result, case, folder, before)
        return
    assert_refused(result, case["code"], case["fragment"])
    assert snapshot(folder) == before


def assert_written_anyway(
    result: Result, case: dict[str, Any], folder: Path, before: dict[str, tuple[int, bytes | None]]
) -> None:
    """As root a read-only folder is written: check the calendar was replaced whole, atomically."""
    assert case["code_as_root"] == 0, "only writing as root is modelled"
    assert result.exit_code == 0, (result.output, repr(result.exception))
    assert "Traceback" not in result.output
    target = folder / case["path"] / "out.ics"
    written = target.read_bytes()
    assert written.startswith(b"BEGIN:VCALENDAR\r\n") and written.endswith(b"END:VCALENDAR\r\n")
    after = snapshot(folder)
    changed = {name for name in before if after.get(name) != before[name]}
    assert changed == {str(target.relative_to(folder))}
    assert set(after) == set(before), "a temporary file was left behind"
    assert after[case["path"]][0] == 0o555


def test_manifest_and_folder_agree() -> None:
    """Every file in tests/bad/ is a case or a support file, and every listed file exists."""
    listed = {case["file"] for case in CASES if "file" in case} | set(SUPPORT)
    present = {path.name for path in BAD.iterdir()} - {"cases.toml"}
    assert sorted(listed - present) == [], "listed in cases.toml but missing"
    assert sorted(present - listed) == [], "in tests/bad/ but not in cases.toml"
    for case in CASES:
        assert set(case) <= CASE_KEYS, (case_id(case), set(case) - CASE_KEYS)
        assert {"code", "fragment"} <= set(case), case_id(case)
        assert "file" in case or "run" in case, case_id(case)
        assert ("generate" in case) == ("path" in case), case_id(case)
        assert "{file}" not in str(case.get("run")) or "file" in case, case_id(case)
    ids = [case_id(case) for case in CASES]
    assert len(ids) == len(set(ids)), "two cases share a name"


def test_corpus_is_large_enough() -> None:
    """The corpus has at least 40 cases and 45 broken files on disk."""
    assert len(CASES) >= 40
    assert len([case for case in CASES if "file" in case]) >= 45


def test_every_exit_code_is_documented() -> None:
    """Every code the corpus expects is in the README's table, and none is the bug code 1."""
    documented = documented_codes()
    assert {0, 1, 2, 3, 8, 11} <= documented, documented
    for case in CASES:
        for code in (case["code"], case.get("code_as_root", 0)):
            assert code in documented, (case_id(case), code)
        assert case["code"] not in (0, 1), case_id(case)


def test_binary_garbage_is_the_seeded_bytes() -> None:
    """binary-garbage.toml is what the manifest says: a PNG header and 2 KB of seeded noise."""
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    noise = random.Random(20261125).randbytes(2048)
    assert (BAD / "binary-garbage.toml").read_bytes() == header + noise
