"""A publisher forked as a command that changes the tracker starts.

When a publishing address is set, a command that may change the tracker (``CHANGING``)
forks a publisher the moment the interpreter is up, before the command line is even
parsed. The publisher loads the serializer and the upload code on the other core while
the command makes its change; the command then names its tracker (``ready``), and the
publisher reads ahead the last copy's map, opens the tracker and finds the password. The
moment the change is committed, ``outcome`` tells it to go and waits for its answer,
which comes as soon as the remote file is in place: saving what was published, folding
the tracker's log and removing the superseded copy happen after the command has
returned. A publish after a change then costs about what its upload does.

Forking that early matters: a fork shares every page of memory until one side writes
to it, and then the kernel copies the page. Forked once the command line and its
libraries are loaded, the command paid for copying much of its own memory (about 9 ms
at 20 interviews, as much as the upload); forked before, there is almost nothing to copy.

Where there is no ``fork``, or threads are already running (a fork would copy their
locks), or the publisher does not answer, ``publish_now`` publishes in the command's
own process instead. Only the standard library is imported here before the fork.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from afterview.publish.publisher import Published
    from afterview.settings import Settings
    from afterview.tracker.store import Store

# The commands marked ``publishes_changes`` (a test keeps the two the same).
CHANGING = frozenset({"add", "done", "edit", "import", "move", "remove", "skip", "status"})
PASSWORD_ENV = "AFTERVIEW_PUBLISH_PASSWORD"
_GROUP_OPTIONS_WITH_VALUES = frozenset({"--db"})


@dataclass
class Early:
    """A forked publisher: told the tracker, then told to go; it answers once."""

    pid: int
    go: int  # the tracker's path as a line, then b"g" once the change is committed
    answer: int  # its outcome, as JSON, then end of file


_early: Early | None = None
_named = False  # whether the publisher has been told the tracker
_decided = False  # whether the entry point already looked (the settings read once)


def command_named(args: list[str]) -> str | None:
    """The command an ``afterview`` argument list names, read the way the group reads it."""
    waiting_for_value = False
    for arg in args:
        if waiting_for_value:
            waiting_for_value = False
        elif arg in _GROUP_OPTIONS_WITH_VALUES:
            waiting_for_value = True
        elif arg == "--":
            return None
        elif not arg.startswith("-"):
            return arg
    return None


def start_for(args: list[str]) -> None:
    """At the entry point: fork the publisher when the command may change the tracker."""
    global _decided
    if command_named(args) in CHANGING:
        start()
        _decided = True  # the command's own start() has nothing left to find out


def start() -> None:
    """Fork the publisher, when a publishing address is set and a fork is safe here."""
    global _early, _named
    if _early is not None or _decided or not hasattr(os, "fork"):
        return
    if "threading" in sys.modules:
        import threading

        if threading.active_count() != 1:
            return  # a fork copies other threads' locks, not the threads
    from afterview.errors import AfterviewError
    from afterview.settings import load_settings

    try:
        if not load_settings().publish:
            return
    except AfterviewError:
        return  # the command says what is wrong with the settings, after the change
    go_read, go_write = os.pipe()
    answer_read, answer_write = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        for fd in (go_read, go_write, answer_read, answer_write):
            os.close(fd)
        return
    if pid == 0:
        os.close(go_write)
        os.close(answer_read)
        _publisher(go_read, answer_write)  # never returns
    os.close(go_read)
    os.close(answer_write)
    _early, _named = Early(pid, go_write, answer_read), False
    import atexit

    atexit.register(dismiss)  # a command that never got to its change (--help, a typo)


def ready(tracker: Path) -> None:
    """Tell the publisher which tracker the command is about to change."""
    global _named
    if _early is None or _named:
        return
    _named = True
    line = os.fsencode(str(tracker)) + b"\n"
    try:
        while line:
            line = line[os.write(_early.go, line) :]
    except OSError:
        dismiss()


def outcome() -> dict[str, str] | None:
    """The forked publisher's outcome once told to go; None when there is none."""
    import json

    global _early
    early, _early = _early, None
    if early is None or not _named:
        if early is not None:
            _end(early, kill=True)
        return None
    data = b""
    try:
        os.write(early.go, b"g")
        while chunk := os.read(early.answer, 65536):
            data += chunk
    except OSError:
        data = b""
    finally:
        _end(early, kill=False, wait=False)
    try:
        found = json.loads(data)
    except ValueError:
        return None
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        return None
    return found


def dismiss() -> None:
    """Send away a publisher the command did not use (it failed, or changed nothing)."""
    global _early
    early, _early = _early, None
    if early is not None:
        _end(early, kill=True)


# Publishers that answered and were still tidying up: reaped when next looked at.
_unreaped: list[int] = []


def _end(early: Early, *, kill: bool, wait: bool = True) -> None:
    """Close the pipes and reap the publisher (or, when it may still be tidying up after
    its answer, leave it: the command need not wait, and it is reaped later or by init)."""
    import contextlib
    import signal

    with contextlib.suppress(OSError):
        if kill:
            os.kill(early.pid, signal.SIGKILL)
    for fd in (early.go, early.answer):
        with contextlib.suppress(OSError):
            os.close(fd)
    _unreaped.append(early.pid)
    for pid in list(_unreaped):
        try:
            done, _ = os.waitpid(pid, 0 if wait and pid == early.pid else os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _unreaped.remove(pid)


# ---------------------------------------------------------------------- the publisher


def _publisher(go: int, answer: int) -> None:
    """The forked publisher: load, learn the tracker, wait for the word, publish, answer."""
    try:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it with the command
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)  # it never writes to the terminal: the command does
        sys.stdin = sys.stdout = sys.stderr = open(os.devnull, "r+")  # noqa: SIM115
        _load_publishing()
        line, rest = _read_line(go)
        if line is None:
            return  # the command ended before its change
        job = _Job(Path(os.fsdecode(line)))
        job.prepare()
        if (rest or os.read(go, 1))[:1] != b"g":
            return  # the command ended without a change to publish
        answered = False

        def say(found: dict[str, str]) -> None:
            nonlocal answered
            import contextlib
            import json

            if answered:
                return
            answered = True
            data = json.dumps(found).encode()
            with contextlib.suppress(OSError):  # the command is gone: finish all the same
                while data:
                    data = data[os.write(answer, data) :]
                os.close(answer)  # the command goes on; what is left is done here

        say(job.run(sent=lambda done: say(told(done))))
        from afterview.publish import copies

        copies.tidy()
    except BaseException:  # the command publishes by itself when there is no answer
        pass
    finally:
        os._exit(0)


def _read_line(fd: int) -> tuple[bytes | None, bytes]:
    """One line from the pipe, and what came after it; None at its end."""
    data = b""
    while b"\n" not in data:
        chunk = os.read(fd, 4096)
        if not chunk:
            return None, b""
        data += chunk
    line, rest = data.split(b"\n", 1)
    return line, rest


def _load_publishing() -> None:
    """Import and warm what a publish after a change needs, before the change is made."""
    import fcntl  # noqa: F401  (the publish lock)
    import json  # noqa: F401

    import afterview.tracker.backups  # noqa: F401
    from afterview.formats import ics
    from afterview.publish import copies
    from afterview.publish.destinations import target_for
    from afterview.settings import default_db_path, load_settings

    copies.defer_removals()
    ics.warm()  # icalendar loaded and its patterns compiled: the changed events' bytes
    default_db_path()  # the data folder's library, which opening the tracker asks
    "localhost".encode("idna")  # what a connection to a host name loads on first use
    address = load_settings().publish
    if address:
        target_for(address)  # its protocol's module


class _Job:
    """A republish of one tracker: made ready before the change, run after it."""

    def __init__(self, tracker: Path) -> None:
        self.tracker = tracker
        self._store: Store | None = None
        self._settings: Settings | None = None
        self._password: str | None = None

    def prepare(self) -> None:
        """Read the settings, find the password, open the tracker, read ahead the map.

        Anything that goes wrong here is left for ``run`` to meet again and report.
        """
        try:
            from afterview.publish import publisher
            from afterview.settings import load_settings
            from afterview.tracker.store import Store

            settings = load_settings()
            if not settings.publish:
                return
            self._password = _password(settings, settings.publish, None)
            publisher.get_ready(self.tracker, settings.publish)
            if self.tracker.is_file():
                self._store = Store(self.tracker, create=False)
            self._settings = settings
        except Exception:
            self.close()
            self._settings = None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def run(self, sent: Callable[[Published], None] | None = None) -> dict[str, str]:
        """Publish now: {"published": where}, {"failed": why}, or {} (nothing to send)."""
        store, settings = self._store, self._settings
        if store is None or settings is None or not settings.publish:
            self.close()
            return publish_now(self.tracker, sent=sent)
        address = settings.publish
        try:
            return _outcome_of(
                lambda: _publish_with(
                    store, settings, address, password=self._password, detail=None, sent=sent
                )
            )
        finally:
            self.close()


# ---------------------------------------------------------------------- publishing here


def publish_now(tracker: Path, sent: Callable[[Published], None] | None = None) -> dict[str, str]:
    """Publish after a change, in this process: ``told`` (where, detail...), {"failed":
    why}, or {} when no address is set or there was nothing new to send."""

    def publishing() -> Published | None:
        from afterview.settings import load_settings

        settings = load_settings()
        if not settings.publish:
            return None
        return publish(
            settings, tracker, settings.publish, detail=None, password_env=None,
            check_remote=False, sent=sent,
        )  # fmt: skip

    return _outcome_of(publishing)


def _outcome_of(publishing: Callable[[], Published | None]) -> dict[str, str]:
    """What a publish did, as the publisher answers it; never an exception."""
    from afterview.errors import AfterviewError

    try:
        done = publishing()
    except AfterviewError as error:
        return {"failed": str(error)}
    except Exception as error:  # still one line: the change itself is saved
        return {"failed": f"{type(error).__name__}: {error}"}
    return told(done) if done is not None and done.sent else {}


def told(done: Published) -> dict[str, str]:
    """A publish after a change as its outcome: where, at which detail, and the file's
    name when it is new there (calendars subscribed to an older link no longer follow)."""
    found = {"published": done.where, "detail": done.detail}
    if done.new_name:
        found["name"] = done.name
    return found


def _password(settings: Settings, url: str, password_env: str | None) -> str | None:
    """The publishing password, or the error that says where to put it."""
    from urllib.parse import urlsplit

    from afterview.errors import PublishError
    from afterview.publish import publisher

    if password_env is not None and not password_env.isidentifier():
        # Not repeated: what is no variable's name may be the password itself.
        raise PublishError(
            "--password-env takes the name of the environment variable that holds the "
            "password (like DAV_PASSWORD), never the password itself"
        )
    env_name = password_env or settings.publish_password_env or PASSWORD_ENV
    password = publisher.password_for(url, env_name)
    parts = urlsplit(url)
    if parts.scheme in ("http", "https", "dav", "davs") and parts.username and password is None:
        if password_env:
            raise PublishError(
                f"${password_env} is not set: put the password in it, or name another "
                "variable with --password-env"
            )
        raise publisher.need_password(url, env_name)
    return password


def publish(
    settings: Settings,
    tracker: Path,
    url: str,
    *,
    detail: str | None,
    password_env: str | None,
    rotate: bool = False,
    check_remote: bool = True,
    sent: Callable[[Published], None] | None = None,
) -> Published:
    """Publish the tracker at ``tracker`` to ``url`` with the user's settings."""
    from afterview.publish.destinations import target_for
    from afterview.settings import default_db_path
    from afterview.tracker.store import Store

    target_for(url)  # refuses a malformed address before anything is rendered
    password = _password(settings, url, password_env)
    with Store(tracker, create_folder=tracker == default_db_path()) as store:
        return _publish_with(
            store, settings, url, password=password, detail=detail, rotate=rotate,
            check_remote=check_remote, sent=sent,
        )  # fmt: skip


def _publish_with(
    store: Store,
    settings: Settings,
    url: str,
    *,
    password: str | None,
    detail: str | None,
    rotate: bool = False,
    check_remote: bool = False,
    sent: Callable[[Published], None] | None = None,
) -> Published:
    import datetime as dt

    from afterview.publish import publisher
    from afterview.publish.targets import default_detail

    # Asked for by name, else the setting, else what was last asked for by name for
    # this address (so `publish --detail busy` holds for the publishes after changes).
    level = (
        detail
        or settings.publish_detail
        or publisher.chosen_detail(store, url)
        or default_detail(url)
    )
    return publisher.publish(
        store,
        url,
        now=dt.datetime.now(dt.UTC).replace(microsecond=0),
        detail=level,
        chosen=detail is not None,
        password=password,
        reminder=settings.reminder_time,
        rotate=rotate,
        check_remote=check_remote,
        sent=sent,
    )
