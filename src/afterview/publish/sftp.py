"""SFTP as a publishing target: any web host reachable over ssh.

Through the system ``sftp``, so ``~/.ssh/config``, agents and known_hosts work as the
user expects. Never interactive (BatchMode) and never trusting a host key it does not
already know (StrictHostKeyChecking=yes). An upload goes to a temporary name, then is
renamed over the old file (OpenSSH's posix-rename: atomic for the web server).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from afterview.errors import PublishError
from afterview.publish.targets import Conflict, Remote, public_address, ssh_options, ssh_problem

TIMEOUT = 120  # seconds for one sftp session


class SftpTarget:
    """A folder on an ssh host: ``sftp://[user@]host[:port]/path/to/folder``."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._where = public_address(url)
        if not parts.hostname:
            raise PublishError(f"{self._where}: no host name in the address")
        try:
            self.port = parts.port
        except ValueError:
            raise PublishError(f"{self._where}: the port is not a number") from None
        self.host = parts.hostname
        self.login = f"{parts.username}@{self.host}" if parts.username else self.host
        path = unquote(parts.path) or "/"
        # sftp://host/~/public_html and sftp://host/public_html: relative to the home folder.
        if path.startswith("/~/"):
            path = path[3:]
        self.folder = path.rstrip("/") or "/"

        self._master: subprocess.Popen[bytes] | None = None
        self._known: dict[str, Remote | None] = {}  # what the last batch listed
        self._socket_folder: tempfile.TemporaryDirectory[str] | None = None

    @property
    def where(self) -> str:
        return self._where

    def _connection(self) -> list[str]:
        """Options that share one ssh login among this publish's sftp sessions.

        A publish asks for the file's size, uploads, renames and asks again: one login
        (an OpenSSH control master, private to this process) instead of four.
        """
        if self._socket_folder is None:
            self._socket_folder = tempfile.TemporaryDirectory(prefix="afterview-ssh-")
            control = str(Path(self._socket_folder.name) / "master")
            args = ["ssh", *ssh_options(), "-M", "-N", "-S", control, "-o", "ControlPersist=no"]
            if self.port:
                args += ["-p", str(self.port)]
            self._master = subprocess.Popen(
                [*args, self.login],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self._wait_for(Path(control))
        control = str(Path(self._socket_folder.name) / "master")
        # If the master could not log in, sftp connects on its own and says why.
        return ["-o", f"ControlPath={control}", "-o", "ControlMaster=no"]

    def _wait_for(self, control: Path) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and self._master is not None:
            if control.exists() or self._master.poll() is not None:
                return
            time.sleep(0.01)

    def close(self) -> None:
        """End the shared login."""
        if self._master is not None:
            self._master.terminate()
            try:
                self._master.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._master.kill()
                self._master.wait()
            self._master = None
        if self._socket_folder is not None:
            self._socket_folder.cleanup()
            self._socket_folder = None

    def _remote(self, name: str) -> str:
        return f"{self.folder}/{name}" if self.folder != "/" else f"/{name}"

    def _run(self, commands: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        program = shutil.which("sftp")
        if program is None:
            raise PublishError(
                f"{self.where}: the sftp program is not installed: install OpenSSH's client"
            )
        # No -q: it would hide what ssh says about a host key, which the message names.
        args = [program, *ssh_options(), *self._connection(), "-b", "-"]
        if self.port:
            args += ["-P", str(self.port)]
        args.append(self.login)
        try:
            done = subprocess.run(
                args,
                input="\n".join(commands) + "\n",
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PublishError(f"{self.where}: sftp did not finish in {TIMEOUT} s") from None
        if done.returncode != 0 and check:
            raise self._problem(done.stderr)
        return done

    def _problem(self, stderr: str) -> PublishError:
        port = f"-p {self.port} " if self.port else ""
        known = ssh_problem(stderr, f"{port}{self.login}", self.where)
        if known is not None:
            return known
        said = stderr.lower()
        if "no space" in said or "quota" in said or "disk full" in said:
            return PublishError(
                f"{self.where}: the host is out of space: free some; the old published file "
                "is left as it was"
            )
        if "no such file" in said or "not found" in said:
            return PublishError(
                f"{self.where}: the folder {self.folder} does not exist on {self.host}: create "
                "it first"
            )
        lines = [line for line in stderr.splitlines() if line.strip()]
        last = lines[-1].strip() if lines else "sftp failed"
        return PublishError(f"{self.where}: {last}")

    @staticmethod
    def _quote(path: str) -> str:
        return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def stat(self, name: str) -> Remote | None:
        if name in self._known:  # listed by the upload's own session, just now
            return self._known.pop(name)
        done = self._run([f"ls -ln {self._quote(self._remote(name))}"], check=False)
        if done.returncode != 0:
            if "not found" in done.stderr.lower() or "no such file" in done.stderr.lower():
                return None
            raise self._problem(done.stderr)
        return self._listed(done.stdout)

    @staticmethod
    def _listed(stdout: str) -> Remote | None:
        for line in stdout.splitlines():
            fields = line.split()
            if len(fields) >= 9 and fields[0].startswith("-"):
                size = int(fields[4])
                # Size and modification time: what sftp can tell of a file's version.
                return Remote(size=size, etag=" ".join(fields[5:8]) + f" {size}")
        return None

    def upload(self, name: str, data: bytes, expect: Remote | None) -> None:
        temp = self._remote(f".{name}.uploading")
        with tempfile.TemporaryDirectory(prefix="afterview-") as folder:
            local = Path(folder) / name
            local.write_bytes(data)
            os.chmod(local, 0o644)
            if expect is not None and self.stat(name) != expect:
                raise Conflict(f"{self.where}: {name} was replaced by another publisher meanwhile")
            done = self._run(
                [
                    f"put {self._quote(str(local))} {self._quote(temp)}",
                    f"rename {self._quote(temp)} {self._quote(self._remote(name))}",
                    f"ls -ln {self._quote(self._remote(name))}",
                ],
                check=False,
            )
        if done.returncode != 0:
            self._run([f"-rm {self._quote(temp)}"], check=False)
            raise self._problem(done.stderr)
        self._known[name] = self._listed(done.stdout)

    def read(self, name: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="afterview-") as folder:
            local = Path(folder) / name
            self._run([f"get {self._quote(self._remote(name))} {self._quote(str(local))}"])
            return local.read_bytes()

    def remove(self, name: str) -> None:
        self._run([f"-rm {self._quote(self._remote(name))}"])

    def first_checks(self) -> list[str]:
        return []
