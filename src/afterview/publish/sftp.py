"""SFTP as a publishing target: any web host reachable over ssh.

Through the system ``sftp``, so ``~/.ssh/config``, agents and known_hosts work as the
user expects. Never interactive (BatchMode) and never trusting a host key it does not
already know (StrictHostKeyChecking=yes). An upload goes to a temporary name, then is
renamed over the old file (OpenSSH's posix-rename: atomic for the web server). A
publish is one sftp session: one login for the look, the upload and the check after.
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from afterview.errors import PublishError
from afterview.publish.targets import (
    Conflict,
    Payload,
    Remote,
    check_ssh_address,
    has_control,
    public_address,
    ssh_options,
    ssh_problem,
)

TIMEOUT = 120  # seconds for one sftp session

# How sftp reports a file it could not write: SSH2_FX_FAILURE, its word for ENOSPC,
# EDQUOT and every other error without a code of its own.
_WRITE_FAILED = re.compile(
    r"^(write remote|remote open|close remote|remote fsync)\b.*: failure$", re.MULTILINE
)


class SftpTarget:
    """A folder on an ssh host: ``sftp://[user@]host[:port]/path/to/folder``."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._where = public_address(url)
        if not parts.hostname:
            raise PublishError(f"{self._where}: no host name in the address")
        check_ssh_address(url, self._where)
        try:
            self.port = parts.port
        except ValueError:
            raise PublishError(f"{self._where}: the port is not a number") from None
        self.host = parts.hostname
        self.user = parts.username
        self.login = f"{parts.username}@{self.host}" if parts.username else self.host
        path = unquote(parts.path)
        if path.rstrip("/") == "":
            # Not the host's / (where sftp://host would otherwise publish), nor a guess.
            base = self._where.rstrip("/")
            raise PublishError(
                f"{self._where}: no folder in the address: add the folder to publish into, "
                f"as {base}/~/public_html (in your home folder) or {base}/var/www/cal"
            )
        # sftp://host/~/public_html: relative to the home folder (sftp://host/~: the home
        # folder itself); any other path is from the host's /.
        if path == "/~" or path.startswith("/~/"):
            path = path[3:].rstrip("/") or "."
        self.folder = path.rstrip("/") or "/"

        self._session: _Session | None = None  # one sftp process, one login, per publish
        self._known: dict[str, Remote | None] = {}  # what the last upload listed
        self._got_in = False  # whether the session that ended last had logged in

    @property
    def where(self) -> str:
        return self._where

    def close(self) -> None:
        """End the sftp session (and with it the ssh login)."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def _remote(self, name: str) -> str:
        if self.folder == ".":
            return name
        return f"{self.folder}/{name}" if self.folder != "/" else f"/{name}"

    def _shown_folder(self) -> str:
        """The folder as the address gives it: ``~/public_html`` for one in the home."""
        if self.folder == ".":
            return "~"
        return self.folder if self.folder.startswith("/") else f"~/{self.folder}"

    def _start(self) -> _Session:
        if self._session is None:
            program = shutil.which("sftp")
            if program is None:
                raise PublishError(
                    f"{self.where}: the sftp program is not installed: install OpenSSH's client"
                )
            # No -q: it would hide what ssh says about a host key, which the message names.
            args = [program, *ssh_options(), "-b", "-"]
            if self.port:
                args += ["-P", str(self.port)]
            args += ["--", self.login]  # the login is never read as an option
            self._session = _Session(args)
        return self._session

    def _run(self, commands: list[str]) -> tuple[str, str]:
        """Run ``commands`` in this publish's sftp session: what they print, and say.

        A command without a leading ``-`` that fails ends the session: PublishError, in
        the words of what ssh or sftp said.
        """
        session = self._start()
        try:
            return session.run(commands)
        except _Ended as ended:
            self._got_in = ended.logged_in
            self.close()
            if ended.timed_out:
                raise PublishError(f"{self.where}: sftp did not finish in {TIMEOUT} s") from None
            raise self._problem(ended.stderr, logged_in=ended.logged_in) from None

    def _problem(self, stderr: str, *, logged_in: bool) -> PublishError:
        """The one line for what sftp said; ``logged_in``: sftp had taken commands."""
        said = stderr.lower().replace("\r", "")  # ssh's log lines end in \r\n
        folder = self._shown_folder()
        if logged_in:  # past the login, sftp's words are about the folder and its files
            if "permission denied" in said:
                who = self.user or "the user ssh logs in as"
                return PublishError(
                    f"{self.where}: the folder {folder} on {self.host} cannot be written by "
                    f"{who}: give that user write access to it on the host (chown or chmod), "
                    "or publish to a folder of theirs"
                )
            if "no space" in said or "quota" in said or "disk full" in said:
                return PublishError(
                    f"{self.where}: the host is out of space: free some; the old published "
                    "file is left as it was"
                )
            if _WRITE_FAILED.search(said):
                return PublishError(
                    f"{self.where}: the host could not write the file into {folder} (out of "
                    "space or over quota?): free some space there and publish again; the old "
                    "published file is left as it was"
                )
            if "no such file" in said or "not found" in said:
                return PublishError(
                    f"{self.where}: the folder {folder} does not exist on {self.host}: create "
                    "it first"
                )
        port = f"-p {self.port} " if self.port else ""
        known = ssh_problem(stderr, f"{port}{self.login}", self.where)
        if known is not None:
            return known
        lines = [line for line in stderr.splitlines() if line.strip()]
        last = lines[-1].strip() if lines else "sftp failed"
        return PublishError(f"{self.where}: {last}")

    def _quote(self, path: str) -> str:
        """``path`` as one argument of an sftp batch command."""
        if has_control(path):  # a newline would end the command and start another
            raise PublishError(
                f"{self.where}: a path with a control character cannot go into an sftp "
                "command: give the address without one"
            )
        return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def stat(self, name: str) -> Remote | None:
        if name in self._known:  # listed by the upload just now, in the same session
            return self._known.pop(name)
        return self._look(name)

    def _look(self, name: str) -> Remote | None:
        out, said = self._run([f"-ls -ln {self._quote(self._remote(name))}"])
        found = self._listed(out)
        if found is None and said.strip():
            lowered = said.lower()
            if "not found" not in lowered and "no such file" not in lowered:
                raise self._problem(said, logged_in=True)
        return found

    @staticmethod
    def _listed(stdout: str) -> Remote | None:
        for line in stdout.splitlines():
            fields = line.split()
            if len(fields) >= 9 and fields[0].startswith("-"):
                size = int(fields[4])
                # Size and modification time: what sftp can tell of a file's version.
                return Remote(size=size, etag=" ".join(fields[5:8]) + f" {size}")
        return None

    def prepare(self) -> None:
        """Start the sftp session now: the login proceeds while the file is made."""
        self._start()

    def upload(self, name: str, source: Payload, expect: Remote | None) -> None:
        temp = self._remote(f".{name}.uploading")
        if expect is not None and self._look(name) != expect:
            raise Conflict(f"{self.where}: {name} was replaced by another publisher meanwhile")
        try:
            out, _said = self._run(
                [
                    f"put {self._quote(str(source.path()))} {self._quote(temp)}",
                    # put gives the host's file the local copy's 0600: the web server reads it.
                    f"chmod 644 {self._quote(temp)}",
                    f"rename {self._quote(temp)} {self._quote(self._remote(name))}",
                    f"ls -ln {self._quote(self._remote(name))}",
                ]
            )
        except PublishError:
            if self._got_in:  # the host let us in, then refused the file: tidy up
                with contextlib.suppress(PublishError):
                    self._run([f"-rm {self._quote(temp)}"])  # a new login, on failure only
            raise
        self._known[name] = self._listed(out)

    def read(self, name: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="afterview-") as folder:
            local = Path(folder) / name
            self._run([f"get {self._quote(self._remote(name))} {self._quote(str(local))}"])
            return local.read_bytes()

    def remove(self, name: str) -> None:
        self._run([f"-rm {self._quote(self._remote(name))}"])

    def first_checks(self) -> list[str]:
        return []


_SENTINEL = "Local working directory: "  # what lpwd prints: the end of each batch's output


class _Ended(Exception):
    """The sftp process ended (or stopped answering) before the batch was through."""

    def __init__(self, stderr: str, *, logged_in: bool, timed_out: bool = False) -> None:
        super().__init__(stderr)
        self.stderr = stderr
        self.logged_in = logged_in  # sftp had started taking commands
        self.timed_out = timed_out


class _Session:
    """One running ``sftp -b -``, fed one batch of commands at a time.

    In batch mode sftp echoes each command and prints line by line, so a batch ending in
    ``lpwd`` is over when its answer arrives; what the batch said on stderr is what the
    stderr file gained meanwhile. One login serves every step of a publish.
    """

    def __init__(self, args: list[str]) -> None:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._process = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, bufsize=0
        )
        self._said = 0  # how much of the stderr file earlier batches wrote
        self._in = False  # sftp echoes each command it takes: once it has, we are logged in

    def _new_stderr(self) -> str:
        self._stderr.seek(self._said)
        data = self._stderr.read()
        self._said += len(data)
        return data.decode("utf-8", "replace")

    def run(self, commands: list[str]) -> tuple[str, str]:
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(("\n".join([*commands, "lpwd"]) + "\n").encode())
        except OSError:
            raise self._ended() from None
        deadline = time.monotonic() + TIMEOUT
        received = bytearray()
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self.close()
                    raise _Ended(self._new_stderr(), logged_in=self._in, timed_out=True)
                chunk = os.read(stdout.fileno(), 65536)
                if not chunk:
                    raise self._ended()
                received += chunk
                self._in = self._in or b"sftp> " in received
                if received.endswith(b"\n"):
                    last = received[:-1].rsplit(b"\n", 1)[-1]
                    if last.startswith(_SENTINEL.encode()):
                        break
        text = received.decode("utf-8", "replace")
        return text.rsplit(_SENTINEL, 1)[0], self._new_stderr()

    def _ended(self) -> _Ended:
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        return _Ended(self._new_stderr(), logged_in=self._in)

    def close(self) -> None:
        if self._process.poll() is None:
            with contextlib.suppress(OSError):
                assert self._process.stdin is not None
                self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._stderr.close()
