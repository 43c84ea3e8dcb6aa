"""Reading and writing files safely: TOML in and out, and atomic writes.

The only module that imports ``tomli_w``. A write goes to a temporary file in the
same folder, is flushed to disk, and then renamed over the target, so a reader
never sees half a file and a failed write never clobbers the old one.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from afterview.errors import FileProblem, OutputError

MAX_INPUT_BYTES = 1_000_000
# Files that hold an employer's invitation (calendar files, saved e-mails) rather
# than an interview file; the command line reads them through invite.py.
INVITATION_SUFFIXES = (".ics", ".ical", ".ifb", ".vcs", ".eml", ".msg")


def is_invitation(path: Path) -> bool:
    """Whether ``path`` names an invitation (.ics, .eml ...) rather than an interview file."""
    return path.suffix.lower() in INVITATION_SUFFIXES


def read_bytes(
    path: Path, what: str = "file", limit: int = MAX_INPUT_BYTES, shown: str | None = None
) -> bytes:
    """The bytes of a file no larger than ``limit``, or a FileProblem that says what to do.

    ``what`` names the kind of file expected ("interview file (.toml)"); ``shown`` is
    how messages name this file (default: its path).
    """
    name = shown or str(path)
    a_what = f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"
    too_big = f"{a_what} is a few KB at most" if limit <= MAX_INPUT_BYTES else "too large"
    try:
        if path.is_dir():
            raise FileProblem(f"{name} is a folder: give the path of {a_what}")
        size = path.stat().st_size
        if size > limit:
            raise FileProblem(
                f"{name} is {size // 1024} KB: {too_big}; check that this is the right file"
            )
        with path.open("rb") as handle:  # a device (/dev/zero) has no size: stop reading
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise FileProblem(f"{name} does not exist: check the path") from None
    except PermissionError:
        raise FileProblem(f"cannot read {name}: permission denied") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        raise FileProblem(
            f"cannot read {name}: {getattr(error, 'strerror', None) or error}"
        ) from None
    if len(data) > limit:
        raise FileProblem(
            f"{name} is over {limit // 1024} KB: {too_big}; check that this is the right file"
        )
    return data


def read_text(path: Path, what: str = "file", shown: str | None = None) -> str:
    """The text of a small UTF-8 file, or a FileProblem that says what to do."""
    data = read_bytes(path, what, shown=shown)
    name = shown or str(path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(f"{name} is UTF-16 text: save it as UTF-8")
    if b"\x00" in data:
        a_what = f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"
        raise FileProblem(f"{name} is not a text file: give {a_what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(
            f"{name} is not UTF-8 text (byte {error.start}): save it as UTF-8"
        ) from None


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """A TOML document as a dict, or a FileProblem naming the line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        raise FileProblem(f"{where}: not valid TOML: {message}") from None


def line_of(text: str, key: str) -> int | None:
    """The first line (1-based) that assigns ``key``, for error messages."""
    pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def dumps_toml(data: dict[str, Any]) -> str:
    """TOML text for ``data`` (None values are left out)."""
    import tomli_w

    text: str = tomli_w.dumps(_without_none(data))
    return text


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


PRIVATE_MODE = 0o600  # files with personal data: readable and writable by the user only


def write_atomic(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` to ``path`` all at once, or leave ``path`` as it was."""
    with atomic_writer(path, private=private) as out:
        out.write(data)


@contextmanager
def atomic_writer(path: Path, *, private: bool = False) -> Iterator[IO[bytes]]:
    """A binary file that replaces ``path`` only when the block ends without an error.

    The data goes to a temporary file in the same folder, is flushed to disk, and is
    renamed over ``path``; on any error the temporary file is removed and ``path`` is
    left as it was. Large outputs (a feed) stream through it without being held whole.
    ``private`` files (personal data: an export, a feed, the settings) are mode 0600
    whatever the umask or the old file's mode said.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"{path} is a folder: give a file name such as plan.ics")
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"cannot write {path}: {folder} is a file, not a folder")
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(
            f"cannot write {path}: {error.strerror or error} (choose another folder with -o)"
        ) from None
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        if private:
            os.chmod(temp_name, PRIVATE_MODE)
        elif path.exists():
            os.chmod(temp_name, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp_name, 0o666 & ~umask)
        os.replace(temp_name, path)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
