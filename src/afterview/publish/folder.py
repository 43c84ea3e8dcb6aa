"""A local folder as a publishing target: Dropbox, iCloud Drive or a Syncthing folder.

The sync client uploads what lands there; afterview only writes the file atomically
(a temporary file in the same folder, fsync, rename), readable by the user alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from afterview.errors import PublishError
from afterview.publish.targets import Payload, Remote

MODE = 0o600


class FolderTarget:
    """A folder on this machine."""

    def __init__(self, folder: Path) -> None:
        given = str(folder)
        self.folder = folder.expanduser()
        if given in ("", "."):
            # Path("") is the working folder: a publish from elsewhere would land elsewhere.
            raise PublishError(
                "file:// names no folder: give the folder's full path, as "
                f"file://{Path.home() / 'Dropbox'}"
            )
        if not self.folder.is_absolute():
            raise PublishError(
                f"file:{given}: give the folder's full path, as file://{self.folder.absolute()}"
            )

    @property
    def where(self) -> str:
        return f"file://{self.folder}"

    def _check(self) -> None:
        if self.folder.exists() and not self.folder.is_dir():
            raise PublishError(
                f"{self.where} is a file, not a folder: give the folder to publish into "
                f"(file://{self.folder.parent}, say)"
            )
        if not self.folder.is_dir():
            raise PublishError(
                f"{self.where}: no such folder: create it (or check the path) and publish again"
            )

    def stat(self, name: str) -> Remote | None:
        self._check()
        try:
            info = (self.folder / name).stat()
        except FileNotFoundError:
            return None
        return Remote(size=info.st_size, etag=f"{info.st_mtime_ns}-{info.st_size}")

    def upload(self, name: str, source: Payload, expect: Remote | None) -> None:
        self._check()
        final = self.folder / name
        temp = self.folder / f".{name}.{os.getpid()}.tmp"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, MODE)
            try:
                with source.path().open("rb") as data, os.fdopen(os.dup(fd), "wb") as out:
                    shutil.copyfileobj(data, out, 1 << 20)
                os.fsync(fd)
            finally:
                os.close(fd)
            if expect is not None and self.stat(name) != expect:
                raise _conflict(self.where)
            os.replace(temp, final)
        except OSError as error:
            raise PublishError(
                f"{self.where}: cannot write {name}: {error.strerror or error} "
                "(the old file is left as it was)"
            ) from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
        _sync_folder(self.folder)

    def read(self, name: str) -> bytes:
        try:
            return (self.folder / name).read_bytes()
        except OSError as error:
            raise PublishError(f"{self.where}: cannot read {name}: {error.strerror}") from None

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.folder / name).unlink()

    def first_checks(self) -> list[str]:
        self._check()
        return []


def _conflict(where: str) -> PublishError:
    from afterview.publish.targets import Conflict

    return Conflict(f"{where}: the published file changed while writing it")


def _sync_folder(folder: Path) -> None:
    # The rename itself reaches the disk only when the folder is synced (POSIX).
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
