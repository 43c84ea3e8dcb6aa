"""Shared pieces of the publishing tests: an interview full of personal details, a
tracker holding it, and real servers started on 127.0.0.1 (wsgidav, a full disk, sshd).
"""

from __future__ import annotations

import datetime as dt
import os
import pwd
import subprocess
import sys
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from afterview.tracker import commands as tracker
from afterview.tracker.store import Store
from loopback import free_port, stop, wait_for_port

SERVERS = Path(__file__).resolve().parent / "servers"
# Tracked the evening of Wed 25 Nov 2026 (New York), the day before US Thanksgiving.
NOW = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)
# Rendered on Wed 2 Dec 2026, after check-in 1 (Mon 30 Nov) and before check-in 2 (Mon 7 Dec).
RENDER = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)
REPLIED_ON = dt.date(2026, 12, 1)

# Addresses, phone numbers and drafts that must never reach a ``titles`` file.
SECRETS = (
    "dana.lee@northwind.example",
    "omar@northwind.example",
    "jobs@northwind.example",
    "212 555 0199",
    "555-0142",
    "linkedin.com",
    "mailto:",
)

PERSONAL_INTERVIEW = """\
company = "Northwind Traders"
role = "Data Engineer (reply to jobs@northwind.example or +1 212 555 0199)"
start = 2026-11-25T14:00:00
timezone = "America/New_York"
country = "US"
subdivision = "NY"
decision = "by Friday"
channel = "phone"
candidate = "Alex Kim"
notes = "Salary talk: asked for 180k"

[[interviewers]]
name = "Dana Lee"
email = "dana.lee@northwind.example"
phone = "+1 (212) 555-0142"
linkedin = "https://www.linkedin.com/in/dana-lee"
linkedin_ok = true
topics = ["streaming pipelines"]

[[interviewers]]
name = "Omar Haddad"
email = "omar@northwind.example"
"""


def tracked(path: Path) -> str:
    """A tracker at ``path`` holding the personal interview; its id."""
    with Store(path) as store:
        return tracker.add(store, PERSONAL_INTERVIEW, now=NOW).id


@dataclass(frozen=True)
class Dav:
    """A running wsgidav server: its port, its folders on disk and its request log."""

    port: int
    root: Path
    log: Path

    secure: bool = False  # https, with a certificate of its own (make_certificate)

    @property
    def private(self) -> str:
        """The folder that needs a login, as a WebDAV address with the user name."""
        scheme = "https" if self.secure else "http"
        return f"{scheme}://alex@127.0.0.1:{self.port}/private/"

    def requests(self) -> list[str]:
        """Every request the server has answered so far: 'METHOD PATH LENGTH'."""
        if not self.log.exists():
            return []
        return self.log.read_text(encoding="utf-8").splitlines()


def _file_limit(size: int) -> None:
    # In the server's process: a write past ``size`` bytes fails, as on a full disk.
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def start_dav(
    folder: Path, tls: tuple[Path, Path] | None = None, room: int | None = None
) -> Generator[Dav, None, None]:
    """wsgidav on a free loopback port, for as long as the generator is open.

    ``tls`` (a certificate and its key) serves https; ``room`` lets the server write no
    file past that many bytes (its own request log included), a disk that is full.
    """
    log = folder / "requests.log"
    for _attempt in range(3):
        port = free_port()
        command = [sys.executable, str(SERVERS / "davserver.py"), str(folder), str(port)]
        command += [str(log), *(str(p) for p in tls or ())]
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=None if room is None else lambda: _file_limit(room),
        )
        if wait_for_port(process, port):
            break
        stop(process)
    else:
        raise AssertionError("wsgidav did not start on 127.0.0.1 within the timeout")
    try:
        yield Dav(port, folder, log, secure=tls is not None)
    finally:
        stop(process)


def start_tls_proxy(backend: int, tls: tuple[Path, Path]) -> Generator[int, None, None]:
    """https on a free loopback port, passed on as plain http to ``backend``; its port."""
    for _attempt in range(3):
        port = free_port()
        command = [sys.executable, str(SERVERS / "tlsproxy.py"), str(port)]
        process = subprocess.Popen(
            [*command, *map(str, tls), str(backend)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if wait_for_port(process, port):
            break
        stop(process)
    else:
        raise AssertionError("the TLS proxy did not start on 127.0.0.1 within the timeout")
    try:
        yield port
    finally:
        stop(process)


def start_full_disk() -> Generator[int, None, None]:
    """A WebDAV host that answers every PUT with 507; its port."""
    for _attempt in range(3):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, str(SERVERS / "fullserver.py"), str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if wait_for_port(process, port):
            break
        stop(process)
    else:
        raise AssertionError("the full-disk server did not start within the timeout")
    try:
        yield port
    finally:
        stop(process)


SSHD = Path("/usr/sbin/sshd")


@dataclass(frozen=True)
class Ssh:
    """A running sshd: its port, the user to log in as, and an ssh_config that trusts it."""

    port: int
    user: str
    config: Path  # for ssh -F: the test key and a known_hosts holding the server's key
    stranger: Path  # an ssh_config whose known_hosts does not know the server
    home: Path  # a folder the user can write to over ssh


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
        check=True,
        capture_output=True,
    )


def start_sshd(folder: Path) -> Generator[Ssh, None, None]:
    """Debian's sshd, unprivileged config, on a free loopback port with throwaway keys."""
    if not SSHD.exists():
        raise AssertionError(f"{SSHD} is missing: make test installs openssh-server")
    if os.geteuid() == 0:
        # sshd started as root wants its privilege separation folder, as Debian's unit makes.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    user = pwd.getpwuid(os.getuid()).pw_name
    _keygen(folder / "host_key")
    _keygen(folder / "client_key")
    (folder / "authorized_keys").write_text((folder / "client_key.pub").read_text())
    home = folder / "www"
    home.mkdir()
    host_public = (folder / "host_key.pub").read_text().split()
    for _attempt in range(3):
        port = free_port()
        config = folder / "sshd_config"
        config.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {folder / 'host_key'}\n"
            f"AuthorizedKeysFile {folder / 'authorized_keys'}\nPidFile {folder / 'sshd.pid'}\n"
            "StrictModes no\nUsePAM no\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
            "PermitRootLogin yes\nSubsystem sftp internal-sftp\n"
        )
        process = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=(folder / "sshd.log").open("ab"),
        )
        if wait_for_port(process, port):
            break
        stop(process)
    else:
        log = (folder / "sshd.log").read_text(errors="replace")[-500:]
        raise AssertionError(f"sshd did not start on 127.0.0.1: {log}")
    known = folder / "known_hosts"
    known.write_text(f"[127.0.0.1]:{port} {host_public[0]} {host_public[1]}\n")
    (folder / "empty_known_hosts").write_text("")
    client = (
        f"Host 127.0.0.1\n  Port {port}\n  User {user}\n  IdentityFile {folder / 'client_key'}\n"
        "  IdentitiesOnly yes\n  IdentityAgent none\n  GlobalKnownHostsFile /dev/null\n"
    )
    trusted = folder / "ssh_config"
    trusted.write_text(client + f"  UserKnownHostsFile {known}\n")
    stranger = folder / "ssh_config_stranger"
    stranger.write_text(client + f"  UserKnownHostsFile {folder / 'empty_known_hosts'}\n")
    try:
        yield Ssh(port, user, trusted, stranger, home)
    finally:
        stop(process)


@contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """``folder`` made so that nobody can write into it, root included (chattr +i)."""
    folder.chmod(0o555)
    immutable = os.geteuid() == 0  # root writes through any mode bits
    if immutable:
        subprocess.run(["chattr", "+i", str(folder)], check=True, capture_output=True)
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True, capture_output=True)
        folder.chmod(0o755)


def git(*args: str | Path, cwd: Path | None = None, ssh_config: Path | None = None) -> str:
    """Run git (over our sshd when ``ssh_config`` is given); its standard output."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    env.update(
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org",
    )
    if ssh_config is not None:
        env["GIT_SSH_COMMAND"] = f"ssh -F {ssh_config} -o BatchMode=yes"
    done = subprocess.run(
        ["git", *(str(a) for a in args)], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def git_blob(repo: Path, spec: str) -> bytes:
    """The bytes of ``spec`` (``branch:path``) in ``repo``, exactly as committed."""
    done = subprocess.run(["git", "show", spec], cwd=repo, capture_output=True, check=True)
    return done.stdout
