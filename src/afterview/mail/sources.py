"""Mailboxes afterview reads replies from, behind one interface, and never changes.

Every source first yields envelopes (the headers of each message since a date,
lazily), then the bodies of the few messages worth reading (``fetch``), so a large
mailbox costs one pass over its headers:

- ``MboxSource``: an mbox file (Gmail Takeout, Thunderbird, mutt), streamed line by
  line; a message's body is read later by its offset, at most ``MAX_READ_BYTES``.
- ``MaildirSource`` and ``EmlFolder``: one file a message; only the header block of
  each is read during the scan.
- ``ImapSource``: an IMAP folder opened with EXAMINE (read-only), messages found with
  SEARCH SINCE, fetched with BODY.PEEK, so nothing is marked read. Implicit TLS
  (imaps://, port 993) or STARTTLS (imap://, port 143): never a password in clear.

It stays whole, a little past 500 lines, because the four sources share the one
interface and its limits, and imaplib has its one home here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import os
import re
import socket
import ssl
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from afterview.errors import MailError

from .messages import MAX_READ_BYTES, Envelope, envelope, header_end

MAX_HEADER_BYTES = 256_000  # a header block larger than this is not mail
_READ_STEP = 65_536
IMAP_TIMEOUT = 30.0
FETCH_BATCH = 500
HEADER_FIELDS = (
    "FROM TO CC DATE SUBJECT MESSAGE-ID IN-REPLY-TO REFERENCES AUTO-SUBMITTED X-AUTOREPLY "
    "X-AUTORESPOND X-AUTORESPONSE LIST-ID LIST-UNSUBSCRIBE PRECEDENCE X-GMAIL-LABELS"
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
KEYRING_SERVICE = "afterview-mail"


class Source(Protocol):
    """A mailbox: envelopes first, then the bodies asked for."""

    name: str

    def envelopes(self, since: dt.date) -> Iterator[Envelope]:
        """Every message's envelope (messages dated before ``since`` may be left out)."""
        ...

    def fetch(self, keys: Sequence[str]) -> Iterator[tuple[str, bytes, bool]]:
        """(key, the message's first bytes, whether it was cut) for each key."""
        ...

    def close(self) -> None:
        """Let go of files and connections."""
        ...


# ---------------------------------------------------------------------------- files


def _read_head(path: Path) -> bytes:
    """The header block of a message file, without reading its body."""
    data = b""
    with path.open("rb") as handle:
        while len(data) < MAX_HEADER_BYTES:
            chunk = handle.read(_READ_STEP)
            data += chunk
            end = header_end(data)
            if end < len(data) or not chunk:
                return data[:end]
    return data


def _read_start(path: Path) -> tuple[bytes, bool]:
    with path.open("rb") as handle:
        data = handle.read(MAX_READ_BYTES + 1)
    return data[:MAX_READ_BYTES], len(data) > MAX_READ_BYTES


def _file_problem(path: Path, error: OSError) -> MailError:
    return MailError(f"cannot read {path}: {error.strerror or error}")


class MboxSource:
    """An mbox file, streamed: memory stays flat however large it is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        if not path.is_file():
            what = "is a folder" if path.is_dir() else "does not exist"
            raise MailError(f"{path} {what}: give an mbox file", hint="mbox")

    def envelopes(self, since: dt.date) -> Iterator[Envelope]:
        """Each message's envelope, in file order; keys are "offset:length"."""
        try:
            with self.path.open("rb") as handle:
                # Judge the start before reading by lines: a binary file may have none.
                start = handle.read(_READ_STEP).lstrip(b"\r\n")
                if start and not start.startswith(b"From "):
                    raise self._not_mbox()
                handle.seek(0)
                yield from self._scan(handle)
        except OSError as error:
            raise _file_problem(self.path, error) from None

    def _scan(self, handle: object) -> Iterator[Envelope]:
        start = -1
        position = 0
        header: list[bytes] = []
        in_header = False
        header_size = 0
        for line in handle:  # type: ignore[attr-defined]
            if line.startswith(b"From "):
                if start >= 0:
                    yield self._envelope(start, position, header)
                start, header, in_header, header_size = position, [], True, 0
            elif start < 0 and line.strip():
                raise self._not_mbox()
            elif in_header:
                if line in (b"\n", b"\r\n"):
                    in_header = False
                elif header_size < MAX_HEADER_BYTES:
                    header.append(line)
                    header_size += len(line)
            position += len(line)
        if start >= 0:
            yield self._envelope(start, position, header)

    def _not_mbox(self) -> MailError:
        return MailError(
            f"{self.path} is not an mbox file (it does not start with a 'From ' line): "
            "export the mailbox again, or give a Maildir or a folder of .eml files",
            hint="mbox",
        )

    def _envelope(self, start: int, end: int, header: list[bytes]) -> Envelope:
        return envelope(f"{start}:{end - start}", b"".join(header), end - start)

    def fetch(self, keys: Sequence[str]) -> Iterator[tuple[str, bytes, bool]]:
        """The messages at these offsets, each cut at ``MAX_READ_BYTES``."""
        try:
            with self.path.open("rb") as handle:
                for key in keys:
                    offset, length = (int(n) for n in key.split(":"))
                    handle.seek(offset)
                    length -= len(handle.readline())  # the "From " line
                    data = handle.read(min(length, MAX_READ_BYTES))
                    # mboxrd escapes body lines that start with "From ": undo it.
                    data = re.sub(rb"(?m)^>(>*From )", rb"\1", data)
                    yield key, data, length > MAX_READ_BYTES
        except OSError as error:
            raise _file_problem(self.path, error) from None

    def close(self) -> None:
        """Nothing stays open between calls."""


class _FileFolder(ABC):
    """Messages one a file: each file's header block first, its start on request."""

    name: str

    @abstractmethod
    def _files(self) -> Iterator[Path]:
        """The message files, as each kind of folder keeps them."""

    def envelopes(self, since: dt.date) -> Iterator[Envelope]:
        """Each file's envelope; keys are the file paths."""
        for path in self._files():
            try:
                yield envelope(str(path), _read_head(path), path.stat().st_size)
            except OSError as error:
                raise _file_problem(path, error) from None

    def fetch(self, keys: Sequence[str]) -> Iterator[tuple[str, bytes, bool]]:
        """The files' first bytes."""
        for key in keys:
            path = Path(key)
            try:
                data, cut = _read_start(path)
            except OSError as error:
                raise _file_problem(path, error) from None
            yield key, data, cut

    def close(self) -> None:  # noqa: B027  (nothing stays open: nothing to close)
        """Nothing stays open between calls."""


class MaildirSource(_FileFolder):
    """A Maildir: the messages in its ``cur`` and ``new`` folders."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        if not (path / "cur").is_dir() and not (path / "new").is_dir():
            raise MailError(f"{path} is not a Maildir (it has no cur or new folder)", hint="eml")

    def _files(self) -> Iterator[Path]:
        for sub in ("cur", "new"):
            folder = self.path / sub
            if folder.is_dir():
                yield from sorted(p for p in folder.iterdir() if p.is_file())


class EmlFolder(_FileFolder):
    """A folder of saved messages (.eml), its subfolders included."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        if not path.is_dir():
            raise MailError(f"{path} is not a folder: give a folder of .eml files", hint="eml")

    def _files(self) -> Iterator[Path]:
        yield from sorted(p for p in self.path.rglob("*") if p.suffix.lower() == ".eml")


# ---------------------------------------------------------------------------- IMAP


@dataclass(frozen=True)
class ImapAddress:
    """Where an IMAP folder is: imaps://user@host[:port]/FOLDER."""

    user: str
    host: str
    port: int
    folder: str
    implicit_tls: bool

    def __str__(self) -> str:
        scheme = "imaps" if self.implicit_tls else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def parse_imap_url(url: str) -> ImapAddress:
    """An IMAP address from imaps://user@host[:port]/FOLDER (imap:// means STARTTLS)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise MailError(f"'{url}' is not an IMAP address like imaps://you@imap.example.org/INBOX")
    if parts.password is not None:
        raise MailError(
            f"'{parts.scheme}://{parts.username}:...@{parts.hostname}' holds a password: "
            "leave it out of the address",
            hint="password",
        )
    if not parts.username:
        raise MailError(f"'{url}' names no user: write imaps://you@{parts.hostname}/INBOX")
    implicit = parts.scheme == "imaps"
    try:
        port = parts.port or (993 if implicit else 143)
    except ValueError:
        raise MailError(f"'{url}' has a bad port number") from None
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapAddress(unquote(parts.username), parts.hostname, port, folder, implicit)


def keyring_password(address: ImapAddress) -> str | None:
    """The password stored in the OS keyring for this account, when keyring is installed."""
    from afterview.keyrings import stored_password

    return stored_password(KEYRING_SERVICE, f"{address.user}@{address.host}")


def _imap_date(day: dt.date) -> str:
    # IMAP dates are English whatever the locale: 03-Dec-2026.
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


def modified_utf7(name: str) -> str:
    """A folder name as IMAP writes it (RFC 3501 5.1.3): "Entwürfe" is "Entw&APw-rfe"."""
    import base64

    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def _quoted(folder: str) -> str:
    folder = modified_utf7(folder)
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


_FETCH_UID = re.compile(rb"UID (\d+)")
_FETCH_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class ImapSource:
    """One IMAP folder, read-only: EXAMINE, UID SEARCH SINCE, UID FETCH BODY.PEEK."""

    def __init__(
        self,
        address: ImapAddress,
        *,
        password: str | None = None,
        token: str | None = None,
        timeout: float = IMAP_TIMEOUT,
    ) -> None:
        self.address = address
        self.name = str(address)
        self._password = password
        self._token = token
        self._timeout = timeout
        self._imap: imaplib.IMAP4 | None = None

    # ------------------------------------------------------------------ connecting

    def _where(self) -> str:
        return f"{self.address.host}:{self.address.port}"

    def _connect(self) -> imaplib.IMAP4:
        context = ssl.create_default_context()
        host, port = self.address.host, self.address.port
        try:
            if self.address.implicit_tls:
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    host, port, ssl_context=context, timeout=self._timeout
                )
            else:
                imap = imaplib.IMAP4(host, port, timeout=self._timeout)
                imap.starttls(ssl_context=context)
        except ssl.SSLCertVerificationError as error:
            raise MailError(
                f"the mail server {self._where()} has a certificate that cannot be trusted "
                f"({error.verify_message}): nothing was read",
                hint="certificate",
            ) from None
        except ssl.SSLError as error:
            raise MailError(
                f"no TLS with the mail server {self._where()} ({error.reason or error}): "
                "check the port (993 for imaps://, 143 for imap://)"
            ) from None
        except imaplib.IMAP4.error as error:
            raise MailError(
                f"the mail server {self._where()} offers no STARTTLS ({_text(error)}): "
                "afterview never sends a password in clear; use imaps:// if it has TLS"
            ) from None
        except (OSError, EOFError) as error:
            raise MailError(
                f"cannot reach the mail server {self._where()}: {_os_reason(error)}"
            ) from None
        return imap

    def _login(self, imap: imaplib.IMAP4) -> None:
        user = self.address.user
        try:
            if self._token is not None:
                token = self._token
                imap.authenticate(
                    "XOAUTH2", lambda _: f"user={user}\x01auth=Bearer {token}\x01\x01".encode()
                )
            elif self._password is not None and not (user + self._password).isascii():
                # LOGIN can only send ASCII; AUTHENTICATE PLAIN carries UTF-8 (RFC 4616).
                secret = f"\0{user}\0{self._password}".encode()
                imap.authenticate("PLAIN", lambda _: secret)
            elif self._password is not None:
                imap.login(user, self._password)
            else:
                raise MailError(f"no password for {user} at {self.address.host}", hint="password")
        except imaplib.IMAP4.abort as error:
            raise self._dropped(error) from None
        except imaplib.IMAP4.error as error:
            raise MailError(
                f"the mail server {self._where()} refused the login for {user} "
                f"({_text(error)}): check the password or token",
                hint="password",
            ) from None

    def _open(self) -> imaplib.IMAP4:
        if self._imap is not None:
            return self._imap
        imap = self._connect()
        try:
            self._login(imap)
            typ, data = imap.select(_quoted(self.address.folder), readonly=True)  # EXAMINE
        except (OSError, EOFError, imaplib.IMAP4.abort) as error:
            raise self._dropped(error) from None
        except imaplib.IMAP4.error as error:
            raise MailError(f"{self.name}: {_text(error)}") from None
        if typ != "OK":
            raise MailError(
                f"no folder '{self.address.folder}' on {self._where()} "
                f"({_text(data)}): check its name (INBOX, [Gmail]/All Mail ...)"
            )
        self._imap = imap
        return imap

    def _dropped(self, error: BaseException) -> MailError:
        return MailError(
            f"the connection to the mail server {self._where()} dropped while reading "
            f"{self.address.folder} ({_text(error) or type(error).__name__}): try again"
        )

    def _command(self, *args: str) -> list[object]:
        imap = self._open()
        try:
            typ, data = imap.uid(*args)
        except (OSError, EOFError, imaplib.IMAP4.abort) as error:
            raise self._dropped(error) from None
        except imaplib.IMAP4.error as error:
            raise MailError(f"{self.name}: the server refused {args[0]} ({_text(error)})") from None
        if typ != "OK":
            raise MailError(f"{self.name}: the server refused {args[0]} ({_text(data)})")
        return list(data)

    # ------------------------------------------------------------------ reading

    def envelopes(self, since: dt.date) -> Iterator[Envelope]:
        """The envelopes of the messages since ``since`` (IMAP's own date search)."""
        found = self._command("SEARCH", "SINCE", _imap_date(since))
        uids = b" ".join(d for d in found if isinstance(d, bytes)).split()
        fields = f"(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS ({HEADER_FIELDS})])"
        for first in range(0, len(uids), FETCH_BATCH):
            batch = b",".join(uids[first : first + FETCH_BATCH]).decode("ascii")
            for item in self._command("FETCH", batch, fields):
                if not isinstance(item, tuple):
                    continue
                uid = _FETCH_UID.search(item[0])
                size = _FETCH_SIZE.search(item[0])
                if uid is not None:
                    whole = int(size.group(1)) if size else 0
                    yield envelope(uid.group(1).decode(), item[1], whole)

    def fetch(self, keys: Sequence[str]) -> Iterator[tuple[str, bytes, bool]]:
        """The first ``MAX_READ_BYTES`` of each message, without setting \\Seen."""
        for key in keys:
            data = self._command("FETCH", key, f"(RFC822.SIZE BODY.PEEK[]<0.{MAX_READ_BYTES}>)")
            for item in data:
                if isinstance(item, tuple):
                    size = _FETCH_SIZE.search(item[0])
                    whole = int(size.group(1)) if size else len(item[1])
                    yield key, item[1], whole > len(item[1])
                    break
            else:
                raise MailError(f"{self.name}: message {key} went away while reading: try again")

    def close(self) -> None:
        """Log out (a connection already gone needs nothing)."""
        if self._imap is None:
            return
        imap, self._imap = self._imap, None
        with contextlib.suppress(OSError, EOFError, imaplib.IMAP4.error):
            imap.logout()


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value if v)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").strip()
    if isinstance(value, BaseException):
        return " ".join(_text(a) for a in value.args)
    return str(value).strip()


def _os_reason(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return "no answer (timed out)"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error) or type(error).__name__


# ---------------------------------------------------------------------------- choosing


def open_source(
    spec: str,
    kind: str | None = None,
    *,
    password_env: str | None = None,
    token_env: str | None = None,
) -> Source:
    """The source ``spec`` names: an IMAP address, or a path (mbox file, Maildir, folder).

    ``kind`` ("imap", "mbox", "maildir", "eml") says what it is; without it, an
    imap(s):// address is IMAP, a file an mbox, a folder with ``cur`` a Maildir, and
    any other folder a folder of .eml files.
    """
    if kind == "imap" or (kind is None and spec.startswith(("imap://", "imaps://"))):
        address = parse_imap_url(spec)
        token = _env(token_env) if token_env else None
        if token_env and token is None:
            raise MailError(f"${token_env} is not set: put the OAuth token in it")
        password = None if token is not None else _password(address, password_env)
        return ImapSource(address, password=password, token=token)
    path = Path(spec).expanduser()
    if kind == "mbox" or (kind is None and path.is_file()):
        return MboxSource(path)
    if kind == "maildir" or (kind is None and ((path / "cur").is_dir() or (path / "new").is_dir())):
        return MaildirSource(path)
    if kind == "eml" or (kind is None and path.is_dir()):
        return EmlFolder(path)
    raise MailError(
        f"{spec} does not exist: give an mbox file, a Maildir or a folder", hint="source"
    )


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def _password(address: ImapAddress, password_env: str | None) -> str:
    if password_env:
        found = _env(password_env)
        if found is not None:
            return found
    stored = keyring_password(address)
    if stored is not None:
        return stored
    where = f"${password_env} is not set" if password_env else "no password given"
    raise MailError(f"{where} and the keyring has none for {address.user}", hint="password")
