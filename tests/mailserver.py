"""Real IMAP servers on 127.0.0.1 for the tests: Debian's Dovecot, and a tiny one that misbehaves.

``Dovecot`` writes a throwaway configuration, a self-signed certificate (openssl) and a
passwd-file into a folder, delivers messages into a Maildir, and runs ``dovecot -F`` in
the foreground on two free ports: one for STARTTLS (as port 143) and one for implicit
TLS (as port 993). ``BrokenServer`` speaks just enough IMAP over TLS to log in, search
and start a fetch, then closes the connection; it also checks an XOAUTH2 login.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import io
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

from loopback import free_port
from loopback import make_certificate as loopback_certificate

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "alex"
PASSWORD = "correct horse battery staple"
UTF8_USER, UTF8_PASSWORD = "jonas", "Grüße aus Köln"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    return loopback_certificate(folder, "IP:127.0.0.1,DNS:localhost")


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    """Return once something accepts connections on the port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


class Dovecot:
    """A Dovecot on 127.0.0.1 with one user and one Maildir, for as long as it runs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cert, self.key = make_certificate(folder)
        self.starttls_port = free_port()
        self.tls_port = free_port()
        self.maildir = folder / "home" / USER / "Maildir"
        for sub in ("cur", "new", "tmp"):
            (self.maildir / sub).mkdir(parents=True)
        self._process: subprocess.Popen[bytes] | None = None
        self._count = 0

    def deliver(self, data: bytes, folder: str | None = None) -> None:
        """Put a message in the inbox (or a folder, its name as IMAP writes it), unread."""
        self._count += 1
        name = f"{1_700_000_000 + self._count}.M{self._count}P1.afterview-test"
        box = self.maildir if folder is None else self.maildir / f".{folder}"
        for sub in ("cur", "new", "tmp"):
            (box / sub).mkdir(parents=True, exist_ok=True)
        (box / "new" / name).write_bytes(data)

    def _users(self) -> tuple[str, int, int]:
        if os.getuid() != 0:
            me = pwd.getpwuid(os.getuid())
            return me.pw_name, me.pw_uid, me.pw_gid
        # Dovecot refuses mail access as root: the mail belongs to an unprivileged user.
        nobody = pwd.getpwnam("nobody")
        return nobody.pw_name, nobody.pw_uid, nobody.pw_gid

    def start(self) -> None:
        """Write the configuration and run Dovecot until ``stop``."""
        name, uid, gid = self._users()
        run = self.folder / "run"
        run.mkdir()
        (self.folder / "passwd").write_text(
            f"{USER}:{{PLAIN}}{PASSWORD}::::::\n{UTF8_USER}:{{PLAIN}}{UTF8_PASSWORD}::::::\n",
            encoding="utf-8",
        )
        login = "dovenull" if os.getuid() == 0 else name
        internal = "dovecot" if os.getuid() == 0 else name
        config = f"""
base_dir = {run}
state_dir = {self.folder}/state
log_path = {self.folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{self.cert}
ssl_key = <{self.key}
disable_plaintext_auth = yes
auth_mechanisms = plain login
first_valid_uid = 1
default_internal_user = {internal}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.folder}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.folder}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.starttls_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""
        (self.folder / "state").mkdir()
        conf = self.folder / "dovecot.conf"
        conf.write_text(config)
        if os.getuid() == 0:
            for path in [self.folder / "home", *sorted((self.folder / "home").rglob("*"))]:
                os.chown(path, uid, gid)
        self._process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            wait_for_port(self.tls_port)
            wait_for_port(self.starttls_port)
        except TimeoutError as error:
            self.stop()
            log = self.folder / "dovecot.log"
            raise RuntimeError(log.read_text() if log.exists() else "no log") from error

    def stop(self) -> None:
        """Stop Dovecot (the process this object started)."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(10)
        self._process = None

    def context(self) -> ssl.SSLContext:
        """A TLS context that trusts this server's certificate."""
        return ssl.create_default_context(cafile=str(self.cert))

    def flags(self) -> list[str]:
        """Each message's flags, read with FETCH FLAGS (which sets no flag itself)."""
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.tls_port, ssl_context=self.context())
        try:
            imap.login(USER, PASSWORD)
            imap.select("INBOX", readonly=True)
            typ, data = imap.fetch("1:*", "(FLAGS)")
            assert typ == "OK"
            return [item.decode() for item in data if isinstance(item, bytes)]
        finally:
            imap.logout()


class BrokenServer:
    """A loopback IMAP server over TLS that drops the connection during the first fetch.

    ``token`` is the XOAUTH2 bearer token it accepts; a LOGIN is accepted with any password.
    """

    def __init__(self, folder: Path, message: bytes, token: str = "") -> None:
        cert, key = make_certificate(folder)
        self.cert = cert
        self.message = message
        self.token = token
        self.seen_commands: list[str] = []
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(cert, key)
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._socket.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> BrokenServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._socket.close()
        self._thread.join(5)

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            raw, _ = self._socket.accept()
            with self._context.wrap_socket(raw, server_side=True) as conn:
                self._talk(conn.makefile("rwb"))

    def _talk(self, rw: io.BufferedRWPair) -> None:
        write = rw.write
        write(b"* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] ready\r\n")
        rw.flush()
        while True:
            line = rw.readline()
            if not line:
                return
            tag, _, rest = line.decode().strip().partition(" ")
            command = rest.split(" ")[0].upper()
            self.seen_commands.append(rest if command != "LOGIN" else "LOGIN")
            if command == "CAPABILITY":
                write(b"* CAPABILITY IMAP4rev1 AUTH=XOAUTH2\r\n")
            elif command == "AUTHENTICATE":
                write(b"+ \r\n")
                rw.flush()
                answer = base64.b64decode(rw.readline().strip())
                expected = f"user={USER}\x01auth=Bearer {self.token}\x01\x01".encode()
                if answer != expected:
                    write(f"{tag} NO [AUTHENTICATIONFAILED] bad token\r\n".encode())
                    rw.flush()
                    continue
            elif command == "UID" and "SEARCH" in rest.upper():
                write(b"* SEARCH 1 2\r\n")
            elif command == "UID" and "FETCH" in rest.upper():
                header = self.message.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
                start = "* 1 FETCH (UID 1 RFC822.SIZE 9000 BODY[HEADER.FIELDS (FROM)]"
                write(f"{start} {{{len(header)}}}\r\n".encode())
                write(header[: len(header) // 2])
                rw.flush()
                return  # the connection drops in the middle of the literal
            elif command == "EXAMINE":
                write(b"* 2 EXISTS\r\n* OK [UIDVALIDITY 1] ok\r\n")
                write(f"{tag} OK [READ-ONLY] EXAMINE done\r\n".encode())
                rw.flush()
                continue
            elif command == "LOGOUT":
                write(b"* BYE\r\n")
            write(f"{tag} OK done\r\n".encode())
            rw.flush()
