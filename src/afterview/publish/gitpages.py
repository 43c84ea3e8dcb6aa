"""A git repository as a publishing target: GitHub, GitLab or Codeberg Pages.

The feed is committed on a branch of its own (``afterview-feed``, or the branch named
after ``#`` in the address, such as ``#gh-pages``), so the user's own branches are never
touched, and pushed without force: when someone else pushed first, git refuses, and the
publisher fetches, renders again and retries once. The commits are made with git's
plumbing in a small bare repository kept with the local state; no work tree is
checked out.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from afterview.errors import PublishError
from afterview.publish.targets import (
    Conflict,
    Payload,
    Remote,
    check_ssh_address,
    printable,
    public_address,
    ssh_options,
    ssh_problem,
)

TIMEOUT = 120  # seconds for one git command
DEFAULT_BRANCH = "afterview-feed"
_IDENTITY = {
    "GIT_AUTHOR_NAME": "afterview",
    "GIT_AUTHOR_EMAIL": "afterview@localhost",
    "GIT_COMMITTER_NAME": "afterview",
    "GIT_COMMITTER_EMAIL": "afterview@localhost",
}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # the line clearing git puts after "remote:" lines


class GitTarget:
    """A branch of a git repository, over ssh, https or on this machine."""

    def __init__(self, url: str, cache: Path | None = None) -> None:
        self._where = public_address(url)
        check_ssh_address(url, self._where)
        address, _, branch = url.partition("#")
        self.branch = branch or DEFAULT_BRANCH
        if address.startswith("git+"):
            address = address[len("git+") :]
        parts = urlsplit(address)
        user = f"{parts.username}@" if parts.username else ""
        port = f"-p {parts.port} " if parts.port else ""
        self.host = f"{port}{user}{parts.hostname}" if parts.hostname else "this machine"
        self.remote = address
        self._over_ssh = parts.scheme == "ssh"
        self.cache = cache

    @property
    def where(self) -> str:
        return self._where

    def use_cache(self, folder: Path) -> None:
        """Keep the local bare repository under ``folder`` (the publisher's state)."""
        self.cache = folder / hashlib.sha256(self.remote.encode()).hexdigest()[:16]

    def _git(
        self, *args: str, data: bytes | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        program = shutil.which("git")
        if program is None:
            raise PublishError(f"{self.where}: git is not installed: install it first")
        if self.cache is None:
            raise PublishError(f"{self.where}: no local folder for git to work in")
        if not (self.cache / "HEAD").exists():
            self.cache.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [program, "init", "-q", "--bare", str(self.cache)], check=True, capture_output=True
            )
        env = {**os.environ, **_IDENTITY, "GIT_TERMINAL_PROMPT": "0"}
        if self._over_ssh:  # quoted: git hands GIT_SSH_COMMAND to a shell
            env["GIT_SSH_COMMAND"] = shlex.join(["ssh", *ssh_options()])
        try:
            done = subprocess.run(
                [program, "--git-dir", str(self.cache), *args],
                input=data,
                capture_output=True,
                timeout=TIMEOUT,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PublishError(f"{self.where}: git did not finish in {TIMEOUT} s") from None
        if check and done.returncode != 0:
            raise self._problem(done.stderr.decode("utf-8", "replace"))
        return done

    def _problem(self, stderr: str) -> PublishError:
        known = ssh_problem(stderr, self.host, self.where)
        if known is not None:
            return known
        said = stderr.lower()
        if "does not appear to be a git repository" in said or "not found" in said:
            return PublishError(
                f"{self.where}: no git repository there: create it (an empty one will do)"
            )
        return PublishError(f"{self.where}: git failed: {_reason(stderr) or 'no reason'}")

    def _head(self) -> str | None:
        done = self._git("ls-remote", self.remote, f"refs/heads/{self.branch}")
        first = done.stdout.decode().split()
        return first[0] if first else None

    def _has(self, commit: str) -> bool:
        return self._git("cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode == 0

    def _fetch(self, commit: str) -> None:
        if not self._has(commit):
            self._git("fetch", "-q", self.remote, f"refs/heads/{self.branch}")

    def _tree_of(self, commit: str | None) -> list[str]:
        if commit is None:
            return []
        done = self._git("ls-tree", commit)
        return [line for line in done.stdout.decode().splitlines() if line]

    def stat(self, name: str) -> Remote | None:
        head = self._head()
        if head is None:
            return None
        self._fetch(head)
        done = self._git("cat-file", "-s", f"{head}:{name}", check=False)
        if done.returncode != 0:
            return None
        return Remote(size=int(done.stdout.decode().strip()), etag=head)

    def _commit(self, parent: str | None, name: str, source: Path | None, message: str) -> str:
        entries = [e for e in self._tree_of(parent) if e.split("\t", 1)[1] != name]
        if source is not None:
            made = self._git("hash-object", "-w", "--no-filters", "--", str(source.resolve()))
            blob = made.stdout.decode().strip()
            entries.append(f"100644 blob {blob}\t{name}")
        tree = self._git("mktree", data=("\n".join(entries) + "\n").encode()).stdout
        args = ["commit-tree", tree.decode().strip(), "-m", message]
        if parent is not None:
            args += ["-p", parent]
        return self._git(*args).stdout.decode().strip()

    def _push(self, commit: str) -> None:
        done = self._git(
            "push", "-q", self.remote, f"{commit}:refs/heads/{self.branch}", check=False
        )
        if done.returncode == 0:
            return
        said = done.stderr.decode("utf-8", "replace")
        if "[rejected]" in said or "non-fast-forward" in said or "fetch first" in said:
            raise Conflict(f"{self.where}: someone else pushed to {self.branch} meanwhile")
        refused = _refusal(said)
        if refused:
            lowered = refused.lower()
            full = "no space" in lowered or "quota" in lowered or "disk full" in lowered
            fix = "free some space there (or raise the quota)" if full else "fix that there"
            raise PublishError(
                f"{self.where}: the host refused the push to {self.branch}: {refused}: {fix} "
                f"and publish again; {self.branch} is left as it was"
            )
        raise self._problem(said)

    def _parent(self, expect: Remote | None) -> str | None:
        if expect is not None and expect.etag:
            # The commit published last (a republish does not look first): when the
            # branch no longer holds it, someone rewrote the branch; look, then retry.
            if not self._has(expect.etag):
                self._git("fetch", "-q", self.remote, f"refs/heads/{self.branch}")
                if not self._has(expect.etag):
                    raise Conflict(f"{self.where}: {self.branch} was rewritten meanwhile")
            return expect.etag
        head = self._head()  # the branch may exist without the file
        if head is not None:
            self._fetch(head)
        return head

    def upload(self, name: str, source: Payload, expect: Remote | None) -> None:
        parent = self._parent(expect)
        self._push(self._commit(parent, name, source.path(), "Publish the follow-up calendar"))

    def read(self, name: str) -> bytes:
        head = self._head()
        if head is None:
            raise PublishError(f"{self.where}: the branch {self.branch} does not exist")
        self._fetch(head)
        return self._git("cat-file", "blob", f"{head}:{name}").stdout

    def remove(self, name: str) -> None:
        for _attempt in range(2):
            parent = self._parent(None)
            if parent is None or not any(
                e.split("\t", 1)[1] == name for e in self._tree_of(parent)
            ):
                return
            try:
                self._push(self._commit(parent, name, None, "Remove the old calendar link"))
                return
            except Conflict:
                continue

    def first_checks(self) -> list[str]:
        return []


def _lines(stderr: str) -> list[str]:
    """What git said, line by line, without blanks or terminal codes."""
    lines = re.split(r"[\r\n]+", _ANSI.sub("", stderr))
    return [printable(line.strip()) for line in lines if line.strip()]


# What git says around its reason, on every failure: that something failed, not what.
_NOISE = (
    "failed to push some refs",
    "could not read from remote repository",
    "please make sure you have the correct access rights",
    "and the repository exists",
)


def _reason(stderr: str) -> str:
    """git's own reason: its first ``fatal:`` or ``error:`` line that says what went
    wrong, else the first line that does (what ssh said, say)."""
    said = [line for line in _lines(stderr) if not any(n in line.lower() for n in _NOISE)]
    for line in said:
        if line.lower().startswith(("fatal:", "error:")):
            return line
    if said:
        return said[0]
    whole = _lines(stderr)
    return whole[-1] if whole else ""


def _refusal(stderr: str) -> str:
    """Why the host refused a push, in its words (its ``remote:`` lines and the
    reason git gives after ``[remote rejected]``), or "" when it did not say."""
    reasons: list[str] = []
    for line in _lines(stderr):
        if line.startswith("remote:"):
            text = line[len("remote:") :].strip()
            if text:
                reasons.append(text)
        elif "[remote rejected]" in line and line.endswith(")") and "(" in line:
            reasons.append(line[line.rindex("(") + 1 : -1])
        elif line.startswith("error: remote unpack failed:"):
            reasons.append(line[len("error: ") :])
    if not reasons:
        return ""
    text = "; ".join(dict.fromkeys(reasons))  # once each, in the order said
    return text if len(text) <= 300 else text[:297] + "..."
