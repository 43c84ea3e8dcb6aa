"""afterview publish over ssh: SFTP and a git repository, both served by a real sshd on
127.0.0.1 (Debian's openssh-server, with a throwaway host key and client key)."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from afterview.errors import PublishError
from afterview.publish import publisher
from afterview.publish.destinations import target_for
from afterview.publish.gitpages import GitTarget
from afterview.publish.sftp import SftpTarget
from afterview.publish.targets import SSH_CONFIG_ENV, Remote
from afterview.tracker import commands as tracker
from afterview.tracker import queries
from afterview.tracker.store import Store
from conformance.parsers import by_ical, by_icalendar
from conftest import RunCli
from publishing import RENDER, REPLIED_ON, Ssh, git, git_blob, start_sshd, tracked, unwritable


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ssh]:
    """sshd on a free loopback port; the client config trusts its host key."""
    yield from start_sshd(tmp_path_factory.mktemp("sshd"))


@pytest.fixture
def trusted(sshd: Ssh, monkeypatch: pytest.MonkeyPatch) -> Ssh:
    """ssh and git use the config that knows the server's host key."""
    monkeypatch.setenv(SSH_CONFIG_ENV, str(sshd.config))
    return sshd


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "tracker.db"
    tracked(path)
    return path


def sftp_url(sshd: Ssh, folder: Path) -> str:
    return f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{folder}"


def local(db: Path, detail: str) -> bytes:
    with Store(db) as store:
        return publisher.render(store, now=RENDER, detail=detail)


# ---------------------------------------------------------------------------- SFTP


def test_sftp_upload_reads_back_equal(trusted: Ssh, db: Path, tmp_path: Path) -> None:
    """The file arrives by a temporary name and a rename; read back over sftp it is the render."""
    folder = trusted.home / tmp_path.name
    folder.mkdir()
    url = sftp_url(trusted, folder)
    with Store(db) as store:
        done = publisher.publish(store, url, now=RENDER, detail="titles")
        again = publisher.publish(store, url, now=RENDER, detail="titles")
    assert done.sent and not again.sent
    remote = SftpTarget(url).read(done.name)
    assert remote == local(db, "titles")
    assert [p.name for p in folder.iterdir()] == [done.name]  # no temporary file left
    # The web server can read the host's file; the copy kept here is the user's alone.
    assert stat.S_IMODE((folder / done.name).stat().st_mode) == 0o644
    with Store(db) as store:
        kept = list((publisher.state_folder(store) / publisher.COPIES).glob("copy-*.ics"))
    assert [stat.S_IMODE(p.stat().st_mode) for p in kept] == [0o600]
    assert b"northwind.example" not in remote
    assert sorted(e.uid for e in by_ical(remote)) == sorted(e.uid for e in by_icalendar(remote))


def logins(sshd: Ssh) -> int:
    """How many logins the server has accepted so far (sshd -e logs each one)."""
    return (sshd.config.parent / "sshd.log").read_text(errors="replace").count("Accepted ")


def test_sftp_publish_is_one_login_and_notices_another_publisher(
    trusted: Ssh, db: Path, tmp_path: Path
) -> None:
    """A publish logs in once, for the look, the upload and the check after.

    A republish after a change that finds the file replaced by another machine (its size
    and time are not the ones published last) renders again and replaces it, still in
    one login.
    """
    folder = trusted.home / tmp_path.name
    folder.mkdir()
    url = sftp_url(trusted, folder)
    with Store(db) as store:
        before = logins(trusted)
        done = publisher.publish(store, url, now=RENDER, detail="full")
        assert done.sent and logins(trusted) == before + 1
        interview_id = queries.list_interviews(store, today=REPLIED_ON, include_all=True)[0].id
        tracker.set_status(store, interview_id, "replied", on=REPLIED_ON, now=RENDER)
        before = logins(trusted)
        again = publisher.publish(store, url, now=RENDER, detail="full", check_remote=False)
        assert again.sent and not again.retried and logins(trusted) == before + 1
        assert (folder / done.name).read_bytes() == local(db, "full")

        (folder / done.name).write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        tracker.remove(store, interview_id, now=RENDER)
        before = logins(trusted)
        third = publisher.publish(store, url, now=RENDER, detail="full", check_remote=False)
    assert third.sent and third.retried and logins(trusted) == before + 1
    assert (folder / done.name).read_bytes() == local(db, "full")
    assert [p.name for p in folder.iterdir()] == [done.name]


@pytest.mark.conformance  # about 10 s of ssh logins: make conformance
def test_sftp_republish_after_replied_and_rotate(
    run_cli: RunCli, trusted: Ssh, db: Path, tmp_path: Path
) -> None:
    """status replied republishes over sftp; --rotate moves the file and deletes the old one."""
    folder = trusted.home / tmp_path.name
    folder.mkdir()
    url = sftp_url(trusted, folder)
    assert run_cli("config", "set", "publish", url).exit_code == 0
    first = run_cli("publish", "--db", db, "--link-base", "https://alex.example.org/cal")
    assert first.exit_code == 0, first.output
    assert "subscribe: webcal://alex.example.org/cal/afterview-" in first.output
    with Store(db) as store:
        interview_id = queries.list_interviews(store, today=REPLIED_ON, include_all=True)[0].id
        name = publisher.published_name(store, url)
    assert name is not None
    result = run_cli("status", interview_id, "replied", "--on", "2026-12-01", "--db", db)
    assert result.exit_code == 0 and "Published the feed (titles) to" in result.output
    statuses = {e.summary: e.status for e in by_icalendar((folder / name).read_bytes())}
    assert statuses["Alex Kim: Call Dana Lee at Northwind Traders to check in (2 of 2)"] == (
        "CANCELLED"
    )
    rotated = run_cli("publish", "--rotate", "--db", db)
    assert rotated.exit_code == 0, rotated.output
    assert f"removed:   {name}" in rotated.output
    assert len(list(folder.iterdir())) == 1 and not (folder / name).exists()


def test_sftp_unknown_host_key_is_refused_never_accepted(
    run_cli: RunCli, sshd: Ssh, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A host key not in known_hosts stops the upload with one line; known_hosts stays empty."""
    monkeypatch.setenv(SSH_CONFIG_ENV, str(sshd.stranger))
    result = run_cli("publish", "--to", sftp_url(sshd, sshd.home), "--db", db)
    assert result.exit_code == 12
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "host key is not in known_hosts" in lines[0]
    # The same ssh_config as the publish: the key must land in its known_hosts.
    assert f"run 'ssh -F {sshd.stranger} -p {sshd.port} {sshd.user}@127.0.0.1' once" in lines[0]
    assert (sshd.config.parent / "empty_known_hosts").read_text() == ""
    assert list(sshd.home.glob("afterview-*.ics")) == []


def test_sftp_missing_folder_is_one_line(run_cli: RunCli, trusted: Ssh, db: Path) -> None:
    """A folder that does not exist on the host: one line, exit 12."""
    result = run_cli("publish", "--to", sftp_url(trusted, trusted.home / "nope"), "--db", db)
    assert result.exit_code == 12
    assert len(result.output.strip().splitlines()) == 1
    assert "does not exist" in result.output


@pytest.mark.parametrize(
    "address",
    [
        "sftp://127.0.0.1/tmp/x/www%0Amkdir%20/tmp/x/INJECTED%0A-ls%20x",
        "sftp://127.0.0.1/tmp/x/www%0D",
        "sftp://alex%0Amkdir%20x@127.0.0.1/tmp/x",
        "sftp://127.0.0.1%0A/tmp/x",
        "git+ssh://127.0.0.1/tmp/x.git%0A",
        "git+ssh://alex%0A@127.0.0.1/tmp/x.git",
    ],
)
def test_a_control_character_in_an_ssh_address_is_refused(address: str) -> None:
    """A newline in the path, user or host stops the target before it runs anything."""
    target = SftpTarget if address.startswith("sftp:") else GitTarget
    with pytest.raises(PublishError, match="holds a control character") as refused:
        target(address)
    assert "\n" not in str(refused.value) and "\r" not in str(refused.value)


@pytest.mark.parametrize(
    "address", ["sftp://-oProxyCommand=id@127.0.0.1/tmp/x", "git+ssh://-oProxyCommand=id@h/x.git"]
)
def test_a_user_name_like_an_ssh_option_is_refused(address: str) -> None:
    """A user name beginning with '-' would reach ssh as an option."""
    target = SftpTarget if address.startswith("sftp:") else GitTarget
    with pytest.raises(PublishError, match="a user name cannot begin with '-'"):
        target(address)


def test_no_newline_reaches_an_sftp_command(trusted: Ssh, tmp_path: Path) -> None:
    """The quoting of each path refuses a newline too: no second command reaches the host."""
    folder = trusted.home / tmp_path.name
    folder.mkdir()
    target = SftpTarget(sftp_url(trusted, folder))
    before = logins(trusted)
    try:
        with pytest.raises(PublishError, match="control character"):
            target.remove(f"x\nmkdir {folder / 'INJECTED'}")
    finally:
        target.close()
    assert list(folder.iterdir()) == [] and logins(trusted) == before


@pytest.mark.parametrize("tail", ["", "/", "//"])
def test_an_sftp_address_without_a_folder_is_refused(
    run_cli: RunCli, trusted: Ssh, db: Path, tail: str
) -> None:
    """sftp://host alone would publish into the host's /: one line naming a folder to give."""
    base = f"sftp://{trusted.user}@127.0.0.1:{trusted.port}"
    before = logins(trusted)
    result = run_cli("publish", "--to", base + tail, "--db", db)
    assert result.exit_code == 12, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "no folder in the address" in lines[0]
    assert f"{base}/~/public_html" in lines[0]
    assert logins(trusted) == before
    target_for(f"{base}/~/public_html")  # the address suggested is one that works


def test_sftp_folder_the_user_cannot_write_is_not_a_login_problem(
    run_cli: RunCli, trusted: Ssh, db: Path, tmp_path: Path
) -> None:
    """The host let the user in and refused the file: the line is about the folder."""
    folder = trusted.home / tmp_path.name
    folder.mkdir()
    before = logins(trusted)
    with unwritable(folder):
        result = run_cli("publish", "--to", sftp_url(trusted, folder), "--db", db)
    assert result.exit_code == 12, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert f"the folder {folder} on 127.0.0.1 cannot be written by {trusted.user}" in lines[0]
    assert "login" not in lines[0]
    assert logins(trusted) > before  # it did log in
    assert list(folder.iterdir()) == []


def test_sftp_full_disk_says_so_and_keeps_the_old_file(
    trusted: Ssh, db: Path, tmp_path: Path
) -> None:
    """A write the host fails (here into /dev/full, ENOSPC) says why; the old file stays."""
    folder = trusted.home / tmp_path.name
    folder.mkdir()
    url = sftp_url(trusted, folder)
    with Store(db) as store:
        done = publisher.publish(store, url, now=RENDER, detail="titles")
        old = (folder / done.name).read_bytes()
        (folder / f".{done.name}.uploading").symlink_to("/dev/full")
        interview_id = queries.list_interviews(store, today=REPLIED_ON, include_all=True)[0].id
        tracker.set_status(store, interview_id, "replied", on=REPLIED_ON, now=RENDER)
        with pytest.raises(PublishError) as failed:
            publisher.publish(store, url, now=RENDER, detail="titles")
    said = str(failed.value)
    assert "\n" not in said
    assert f"the host could not write the file into {folder} (out of space or over quota?)" in (
        said
    )
    assert "the old published file is left as it was" in said
    assert (folder / done.name).read_bytes() == old
    assert [p.name for p in folder.iterdir()] == [done.name]  # the temporary name is tidied


@pytest.mark.parametrize("scheme", ["sftp", "git+ssh"])
def test_a_missing_ssh_config_is_named(
    run_cli: RunCli,
    sshd: Ssh,
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    scheme: str,
) -> None:
    """AFTERVIEW_SSH_CONFIG naming no file: one line that says so, and ssh is never run."""
    missing = tmp_path / "no-such-config"
    monkeypatch.setenv(SSH_CONFIG_ENV, str(missing))
    before = logins(sshd)
    address = f"{scheme}://{sshd.user}@127.0.0.1:{sshd.port}{sshd.home}/x.git"
    result = run_cli("publish", "--to", address, "--db", db)
    assert result.exit_code == 12, result.output
    assert result.output.strip().splitlines() == [
        f"afterview: {SSH_CONFIG_ENV} names {missing}, which does not exist: give the path "
        "of an ssh_config file, or unset it to use ~/.ssh/config"
    ]
    assert logins(sshd) == before


# ---------------------------------------------------------------------------- git


@pytest.fixture
def bare(trusted: Ssh, tmp_path: Path) -> Path:
    """A bare repository on the ssh host with a main branch of the user's own."""
    repo = trusted.home / f"{tmp_path.name}.git"
    git("init", "-q", "--bare", "-b", "main", repo)
    work = tmp_path / "site"
    git("init", "-q", "-b", "main", work)
    (work / "index.html").write_text("<h1>Alex</h1>\n")
    git("add", "index.html", cwd=work)
    git("commit", "-q", "-m", "Site", cwd=work)
    git("push", "-q", repo, "main", cwd=work)
    return repo


def git_url(sshd: Ssh, repo: Path, branch: str = "") -> str:
    tail = f"#{branch}" if branch else ""
    return f"git+ssh://{sshd.user}@127.0.0.1:{sshd.port}{repo}{tail}"


def test_git_over_ssh_commits_on_a_branch_of_its_own(
    trusted: Ssh, bare: Path, db: Path, tmp_path: Path
) -> None:
    """The feed lands on afterview-feed; main is untouched; read back it is the render."""
    main_before = git("rev-parse", "main", cwd=bare).strip()
    url = git_url(trusted, bare)
    with Store(db) as store:
        done = publisher.publish(store, url, now=RENDER, detail="titles")
        again = publisher.publish(store, url, now=RENDER, detail="titles")
    assert done.sent and not again.sent
    assert git("rev-parse", "main", cwd=bare).strip() == main_before
    assert git_blob(bare, f"afterview-feed:{done.name}") == local(db, "titles")
    target = GitTarget(url)
    target.use_cache(tmp_path / "reader")
    assert target.read(done.name) == local(db, "titles")  # read back over ssh
    assert git("rev-list", "--count", "afterview-feed", cwd=bare).strip() == "1"


@pytest.mark.conformance  # about 10 s of ssh logins: make conformance
def test_git_push_that_loses_the_race_fetches_and_retries_once(
    trusted: Ssh, bare: Path, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone pushes between our look and our push: git refuses, we rebuild on theirs, win."""
    url = git_url(trusted, bare, "gh-pages")
    with Store(db) as store:
        name = publisher.publish(store, url, now=RENDER, detail="busy").name
        interview_id = queries.list_interviews(store, today=REPLIED_ON, include_all=True)[0].id
        tracker.set_status(store, interview_id, "replied", on=REPLIED_ON, now=RENDER)
    other = tmp_path / "other"
    git("clone", "-q", "-b", "gh-pages", bare, other)
    real_stat = GitTarget.stat
    raced: list[str] = []

    def stat_then_race(self: GitTarget, wanted: str) -> Remote | None:
        found = real_stat(self, wanted)
        if not raced:
            raced.append(wanted)
            (other / "CNAME").write_text("cal.alex.example.org\n")
            git("add", "CNAME", cwd=other)
            git("commit", "-q", "-m", "Custom domain", cwd=other)
            git("push", "-q", "origin", "gh-pages", cwd=other)
        return found

    monkeypatch.setattr(GitTarget, "stat", stat_then_race)
    with Store(db) as store:
        done = publisher.publish(store, url, now=RENDER, detail="busy")
    assert raced == [name] and done.retried
    files = git("ls-tree", "--name-only", "gh-pages", cwd=bare).split()
    assert sorted(files) == sorted(["CNAME", name])  # their commit kept, ours on top
    assert git_blob(bare, f"gh-pages:{name}") == local(db, "busy")


def test_git_unknown_host_key_is_refused(
    run_cli: RunCli, sshd: Ssh, bare: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git over ssh refuses a host it does not know, in one line."""
    monkeypatch.setenv(SSH_CONFIG_ENV, str(sshd.stranger))
    result = run_cli("publish", "--to", git_url(sshd, bare), "--db", db)
    assert result.exit_code == 12
    assert len(result.output.strip().splitlines()) == 1
    assert "host key is not in known_hosts" in result.output
    assert f"run 'ssh -F {sshd.stranger} -p {sshd.port} {sshd.user}@127.0.0.1' once" in (
        result.output
    )


def test_git_ssh_config_in_a_folder_with_a_space(
    sshd: Ssh, bare: Path, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git hands GIT_SSH_COMMAND to a shell: the ssh_config's path reaches ssh whole."""
    spaced = tmp_path / "my ssh" / "config"
    spaced.parent.mkdir()
    spaced.write_text(sshd.config.read_text())
    monkeypatch.setenv(SSH_CONFIG_ENV, str(spaced))
    with Store(db) as store:
        done = publisher.publish(store, git_url(sshd, bare), now=RENDER, detail="titles")
    assert git_blob(bare, f"afterview-feed:{done.name}") == local(db, "titles")


def test_a_git_repository_on_this_machine_needs_no_ssh_config(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ssh runs for git+file://, so an AFTERVIEW_SSH_CONFIG naming no file is no matter."""
    monkeypatch.setenv(SSH_CONFIG_ENV, str(tmp_path / "no-such-config"))
    repo = tmp_path / "pages.git"
    git("init", "-q", "--bare", repo)
    with Store(db) as store:
        done = publisher.publish(store, f"git+file://{repo}", now=RENDER, detail="titles")
    assert git_blob(repo, f"afterview-feed:{done.name}") == local(db, "titles")


def test_git_push_the_host_refuses_says_why(
    run_cli: RunCli, trusted: Ssh, bare: Path, db: Path
) -> None:
    """A pre-receive hook that refuses (a quota, say): its words are in the one line."""
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'quota exceeded: 1.0 GiB of 1.0 GiB used' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = run_cli("publish", "--to", git_url(trusted, bare), "--db", db)
    assert result.exit_code == 12, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "the host refused the push to afterview-feed: quota exceeded: 1.0 GiB" in lines[0]
    assert "pre-receive hook declined" in lines[0]
    assert "afterview-feed is left as it was" in lines[0]
    assert git("for-each-ref", "--format=%(refname)", cwd=bare).split() == ["refs/heads/main"]


def test_a_local_clone_path_publishes_to_its_branch(db: Path, tmp_path: Path) -> None:
    """A clone's path is a git target too: the branch is made there, the checkout untouched."""
    clone = tmp_path / "pages"
    git("init", "-q", "-b", "main", clone)
    (clone / "README").write_text("pages\n")
    git("add", "README", cwd=clone)
    git("commit", "-q", "-m", "Start", cwd=clone)
    with Store(db) as store:
        done = publisher.publish(store, str(clone), now=RENDER, detail="titles")
    assert git_blob(clone, f"afterview-feed:{done.name}") == local(db, "titles")
    assert sorted(p.name for p in clone.iterdir()) == [".git", "README"]
