"""``afterview export`` and ``afterview import``: the tracker as a JSON file."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, TextIO

import click

from afterview.cli.app import PathType, db_option, main, now_utc, open_store, reports_errors
from afterview.cli.publish import publishes_changes
from afterview.errors import FileProblem

if TYPE_CHECKING:
    from pathlib import Path


@main.command()
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
@db_option
@reports_errors
def export(output: str | None, db: str | None) -> None:
    """Back up every tracked interview as JSON (import it with `afterview import`).

    \b
    Example:
      afterview export -o afterview-backup.json
    """

    from afterview.tracker import backup

    if output is None or output == "-":
        with open_store(db) as store, _utf8(sys.stdout.buffer) as out:
            backup.write_export(store, out)
        sys.stdout.flush()
        return
    from pathlib import Path

    from afterview.formats.files import atomic_writer

    # One interview at a time: an export of thousands is never held whole.
    with (
        open_store(db) as store,
        atomic_writer(Path(output), private=True) as raw,
        _utf8(raw) as out,
    ):
        backup.write_export(store, out)
    click.echo(f"Exported to {output}")


@contextlib.contextmanager
def _utf8(raw: IO[bytes]) -> Iterator[TextIO]:
    """``raw`` as UTF-8 text for the block, flushed after it and left open."""
    import io

    text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    try:
        yield text
        text.flush()
    finally:
        text.detach()


@main.command("import")
@click.argument("file", type=PathType())
@db_option
@reports_errors
@publishes_changes
def import_command(file: Path, db: str | None) -> None:
    """Load interviews from an `afterview export` file; ones already tracked are skipped.

    \b
    Example:
      afterview import afterview-backup.json
    """
    from afterview.cli.publish import republish
    from afterview.tracker import backup

    # Read one interview at a time: an export of thousands is never held whole.
    with _open_export(file) as source, open_store(db, writing=True) as store:
        imported = backup.import_file(store, source, now=now_utc(), where=str(file))
    republish(db)
    click.echo(f"Imported {len(imported.added)}, skipped {len(imported.skipped)} already tracked.")


@contextlib.contextmanager
def _open_export(file: Path) -> Iterator[_ExportFile]:
    """An export file, open as text (a byte order mark is allowed)."""
    try:
        source = file.open(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileProblem(f"{file} does not exist: check the path") from None
    except IsADirectoryError:
        raise FileProblem(f"{file} is a folder: give an export file (.json)") from None
    except OSError as error:
        raise FileProblem(f"cannot read {file}: {error.strerror or error}") from None
    with source:
        yield _ExportFile(source, file)


class _ExportFile:
    """An open export file whose reading errors are one line that names it."""

    def __init__(self, source: TextIO, path: Path) -> None:
        self._source = source
        self._path = path

    def read(self, size: int, /) -> str:
        try:
            return self._source.read(size)
        except UnicodeDecodeError as error:
            raise FileProblem(
                f"{self._path} is not UTF-8 text ({error.reason}): give a file from "
                "afterview export"
            ) from None
        except OSError as error:
            raise FileProblem(f"cannot read {self._path}: {error.strerror or error}") from None
