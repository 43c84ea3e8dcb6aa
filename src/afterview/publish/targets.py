"""Where a feed is published: one small interface, one backend per protocol.

Like vdirsyncer's storage backends, each target knows only how to look at, write,
read back and delete one file in one folder; what to write and when is the
publisher's job. ``target_for`` picks the backend from the address the user gives."""

from __future__ import annotations

import os
import re
import secrets
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

from afterview.errors import PublishError
from afterview.publish.links import is_loopback

NAME_BITS = 128


_NAME = re.compile(r"afterview-[0-9a-f]{32}\.ics")


SSH_CONFIG_ENV = "AFTERVIEW_SSH_CONFIG"  # an ssh_config file for sftp and git over ssh


SCHEMES = "https://, davs://, sftp://, git+ssh://, git+file://, file:// or a git clone's path"


@dataclass(frozen=True)
class Remote:
    """What a target says about its copy of the file: enough to tell whether it changed."""

    size: int
    etag: str | None = None  # an HTTP ETag, a git commit, or None where there is none


class Conflict(PublishError):
    """Someone else changed the file since we looked: re-render and try once more."""


class Stream(Protocol):
    """Bytes read in order, as http.client reads a file body."""

    def read(self, size: int = -1) -> bytes: ...

    def seek(self, offset: int, whence: int = 0) -> int: ...


class Payload(Protocol):
    """The bytes to publish: streamed as they are made, or as a file once written."""

    size: int

    def stream(self) -> Stream:
        """A reader of the bytes from the start."""
        ...

    def path(self) -> Path:
        """A local file holding the bytes (waits until it is written)."""
        ...


class Target(Protocol):
    """One folder on one host that holds the published feed."""

    @property
    def where(self) -> str:
        """The folder's address, without credentials, for messages."""
        ...

    def stat(self, name: str) -> Remote | None:
        """The file's size and version, or None when there is no such file."""
        ...

    def upload(self, name: str, source: Payload, expect: Remote | None) -> None:
        """Replace the file with ``source``'s bytes, atomically; Conflict when it is no
        longer ``expect``."""
        ...

    def read(self, name: str) -> bytes:
        """The file's bytes, read back over the same protocol."""
        ...

    def remove(self, name: str) -> None:
        """Delete the file (nothing happens when it is already gone)."""
        ...

    def first_checks(self) -> list[str]:
        """Warnings before the first upload (a folder anyone can list, say)."""
        ...


def new_name() -> str:
    """A published file name carrying 128 random bits: the link is the only key."""
    return f"afterview-{secrets.token_hex(NAME_BITS // 8)}.ics"


def is_published_name(name: str) -> bool:
    """Whether ``name`` looks like a name ``new_name`` gave."""
    return _NAME.fullmatch(name) is not None


def public_address(url: str) -> str:
    """``url`` without a password or query, safe to print and to key local state by."""
    parts = urlsplit(url)
    if not parts.scheme or len(parts.scheme) == 1:  # a plain path (or C:\\ on Windows)
        return str(Path(url).expanduser().resolve())
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    netloc = f"{user}[{host}]{port}" if ":" in host else f"{user}{host}{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", parts.fragment))


def default_detail(url: str) -> str:
    """``full`` for a folder on this machine's loopback web server, else ``titles``."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https", "dav", "davs") and is_loopback(parts.hostname or ""):
        return "full"
    return "titles"


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character (a newline, a carriage return, ...)."""
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def printable(text: str) -> str:
    """``text`` with its control characters spelled out, safe for a one-line message."""
    return "".join(f"\\x{ord(c):02x}" if has_control(c) else c for c in text)


def check_ssh_address(url: str, where: str) -> None:
    """Refuse what an ssh address must not hold, before anything runs.

    A newline in a path would reach an sftp batch as a command of its own; a user or
    host name beginning with ``-`` would reach ssh as an option.
    """
    if has_control(url) or has_control(unquote(url)):
        raise PublishError(
            f"{printable(where)}: the address holds a control character (a newline, say): "
            "give it without one"
        )
    parts = urlsplit(url)
    if (parts.hostname or "").startswith("-"):
        raise PublishError(f"{where}: a host name cannot begin with '-': check the address")
    if unquote(parts.username or "").startswith("-"):
        raise PublishError(f"{where}: a user name cannot begin with '-': check the address")


def _config_file() -> str | None:
    """The ssh_config file ``AFTERVIEW_SSH_CONFIG`` names, as ssh is to be given it."""
    value = os.environ.get(SSH_CONFIG_ENV)
    if not value:
        return None
    return value if value == "none" else str(Path(value).expanduser())  # -F none: no file


def ssh_options() -> list[str]:
    """Options for the system ssh: never ask, never accept an unknown host key.

    A PublishError when ``AFTERVIEW_SSH_CONFIG`` names no file: ssh would stop before
    connecting, in words that read as a problem with the address.
    """
    options = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes"]
    config = _config_file()
    if config is not None and config != "none":
        named = printable(os.environ.get(SSH_CONFIG_ENV, config))
        fix = "give the path of an ssh_config file, or unset it to use ~/.ssh/config"
        if not Path(config).exists():
            raise PublishError(f"{SSH_CONFIG_ENV} names {named}, which does not exist: {fix}")
        if Path(config).is_dir():
            raise PublishError(f"{SSH_CONFIG_ENV} names {named}, which is a folder: {fix}")
    if config is not None:
        options = ["-F", config, *options]
    return options


def ssh_problem(stderr: str, host: str, where: str) -> PublishError | None:
    """The one-line error for what ssh said on stderr, when it is a known login problem.

    ``host`` is what to give ssh to log in (``-p 2222 alex@example.org``).
    """
    said = stderr.lower()
    config = _config_file()
    if "host key verification failed" in said or "no matching host key" in said:
        # The same ssh_config as the publish, or the key lands in another known_hosts.
        command = "ssh " + (f"-F {shlex.quote(config)} " if config else "") + host
        return PublishError(
            f"{where}: the host key is not in known_hosts (or has changed), so it is "
            f"refused: run '{printable(command)}' once, check the fingerprint with the "
            "host's owner, then publish again"
        )
    if "permission denied" in said:
        where_keys = printable(config) if config and config != "none" else "~/.ssh/config"
        return PublishError(
            f"{where}: the host refused the login: add your key to the agent (ssh-add) or to "
            f"{where_keys}, and check the user name"
        )
    if "could not resolve hostname" in said or "connection refused" in said:
        return PublishError(f"{where}: cannot reach the host: check the address, try again")
    if "connection timed out" in said or "no route to host" in said:
        return PublishError(f"{where}: cannot reach the host: check the address, try again")
    return None
