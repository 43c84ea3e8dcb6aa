"""The bytes a publish sends: streamed as they are made, and kept as a file meanwhile.

A republish's bytes are stretches of the last published file with a few new pieces
between them. ``Source`` hands them to an upload as one stream (read from the old file
and the pieces, in order) while a thread writes the same segments into the new copy:
the kernel copies the stretches, so the copy is ready about when the upload is done.
Targets that need a file (sftp's ``put``, git, a folder) ask for ``path`` and wait.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

from afterview.errors import PublishError

Segment = tuple[int, int] | bytes  # a stretch (start, length) of the old copy, or new bytes


class Writer(threading.Thread):
    """Writes a new file from the segments while the same bytes are being uploaded."""

    def __init__(
        self,
        base: int,
        handle: int,
        path: Path,
        size: int,
        segments: list[Segment],
        then: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(name="afterview-copy", daemon=True)
        self.base = base
        self.handle = handle
        self.path = path
        self.size = size
        self.segments = segments
        self.then = then  # run here once the file is whole (its map saved, say)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            at = 0
            for segment in self.segments:
                if isinstance(segment, bytes):
                    view = memoryview(segment)
                    while view:
                        step = os.pwrite(self.handle, view, at)
                        at += step
                        view = view[step:]
                else:
                    start, length = segment
                    copy_range(self.base, self.handle, start, length, at)
                    at += length
            if os.fstat(self.handle).st_size != self.size:
                raise OSError("the new copy came out the wrong size")
            os.close(self.handle)
            self.handle = -1
            if self.then is not None:
                self.then()
        except BaseException as error:  # reported by Source.path, in the caller's thread
            self.error = error
        finally:
            if self.handle >= 0:
                os.close(self.handle)


class Source:
    """The bytes to publish, to stream (WebDAV) or as a file on disk (sftp, git, a folder)."""

    def __init__(
        self,
        size: int,
        segments: list[Segment],
        base: int,
        writer: Writer | None = None,
    ) -> None:
        self.size = size
        self._segments = segments
        self._base = base  # the file the stretches come from, open for as long as needed
        self._writer = writer
        self._path: Path | None = None
        self._failed: str | None = None
        if writer is not None:
            writer.start()

    @classmethod
    def of_file(cls, path: Path) -> Source:
        """A file's bytes as they are."""
        base = os.open(path, os.O_RDONLY)
        size = os.fstat(base).st_size
        made = cls(size, [(0, size)] if size else [], base)
        made._path = path
        return made

    def stream(self) -> _Stream:
        """A reader of the bytes from the start (``read`` and ``seek(0)``)."""
        return _Stream(self._base, self._segments)

    def finish(self) -> bool:
        """Wait for the new copy; False when it could not be written (then no copy is kept)."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.join()
            if writer.error is not None:
                self._failed = str(getattr(writer.error, "strerror", None) or writer.error)
                with contextlib.suppress(OSError):
                    writer.path.unlink()
            else:
                self._path = writer.path
        return self._path is not None

    def path(self) -> Path:
        """The file holding the bytes, once written."""
        if not self.finish() or self._path is None:
            raise PublishError(
                f"cannot write the local copy of the feed: {self._failed} (free some space "
                "beside the tracker, then publish again)"
            )
        return self._path

    def close(self) -> None:
        """Wait for the copy and let go of the file the bytes came from."""
        self.finish()
        if self._base >= 0:
            os.close(self._base)
            self._base = -1


class _Stream:
    """Reads the segments in order, as http.client reads a file body."""

    def __init__(self, base: int, segments: list[Segment]) -> None:
        self._base = base
        self._segments = segments
        self._index = 0
        self._at = 0  # how far into the current segment

    def read(self, size: int = -1) -> bytes:
        while self._index < len(self._segments):
            segment = self._segments[self._index]
            length = len(segment) if isinstance(segment, bytes) else segment[1]
            left = length - self._at
            if left <= 0:
                self._index += 1
                self._at = 0
                continue
            take = left if size is None or size < 0 else min(size, left)
            if isinstance(segment, bytes):
                data = segment[self._at : self._at + take]
            else:
                data = os.pread(self._base, take, segment[0] + self._at)
                if not data:
                    raise OSError("the last published feed's copy ended early")
            self._at += len(data)
            return data
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset != 0 or whence != 0:
            raise OSError("a feed being published can only be read again from its start")
        self._index = 0
        self._at = 0
        return 0


def copy_range(source: int, target: int, start: int, length: int, at: int) -> None:
    """Copy ``length`` bytes from ``start`` of ``source`` to ``at`` in ``target``.

    The kernel copies where it can (copy_file_range); else the bytes pass through memory.
    """
    done = 0
    fast = hasattr(os, "copy_file_range")
    while done < length:
        if fast:
            try:
                step = os.copy_file_range(source, target, length - done, start + done, at + done)
            except OSError:
                fast = False
                continue
        else:
            data = os.pread(source, min(1 << 20, length - done), start + done)
            step = os.pwrite(target, data, at + done) if data else 0
        if step == 0:
            raise OSError(f"the last published feed's copy ended early, at byte {start + done}")
        done += step
