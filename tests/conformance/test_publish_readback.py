"""Published feeds read back over their own protocol, then by icalendar, ical and ical.js.

Each target (WebDAV to wsgidav, SFTP and git over a real sshd, a local folder) gets the
feed at each level of detail; what comes back must equal the local render byte for
byte, and the three parsers must find the same events in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from afterview.publish import publisher
from afterview.publish.destinations import target_for
from afterview.publish.targets import SSH_CONFIG_ENV
from afterview.tracker.store import Store
from publishing import RENDER, Dav, Ssh, git, start_dav, start_sshd, tracked

from .parsers import by_ical, by_icalendar, by_icaljs, run_icaljs
from .rawtext import raw_problems

pytestmark = pytest.mark.conformance
DETAILS = ("full", "titles", "busy")
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def readbacks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[bytes, Path]]]:
    """For each target and detail: the local render and the file read back, saved."""
    folder = tmp_path_factory.mktemp("publish-readback")
    dav_servers = start_dav(folder / "dav")
    ssh_servers = start_sshd(_made(folder / "ssh"))
    dav: Dav = next(dav_servers)
    ssh: Ssh = next(ssh_servers)
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv(SSH_CONFIG_ENV, str(ssh.config))
    try:
        bare = ssh.home / "pages.git"
        git("init", "-q", "--bare", bare)
        (folder / "synced").mkdir()
        targets = {
            "webdav": dav.private,
            "sftp": f"sftp://{ssh.user}@127.0.0.1:{ssh.port}{ssh.home}",
            "git": f"git+ssh://{ssh.user}@127.0.0.1:{ssh.port}{bare}",
            "folder": f"file://{folder / 'synced'}",
        }
        found: dict[str, tuple[bytes, Path]] = {}
        for label, url in targets.items():
            for detail in DETAILS:
                db = folder / f"{label}-{detail}.db"
                tracked(db)
                with Store(db) as store:
                    done = publisher.publish(
                        store, url, now=RENDER, detail=detail, password=PASSWORD
                    )
                    local = publisher.render(store, now=RENDER, detail=detail)
                    target = target_for(url, PASSWORD)
                    use_cache = getattr(target, "use_cache", None)
                    if use_cache is not None:
                        use_cache(folder / f"reader-{label}-{detail}")
                    remote = target.read(done.name)
                saved = folder / f"{label}-{detail}.ics"
                saved.write_bytes(remote)
                found[f"{label}-{detail}"] = (local, saved)
        yield found
    finally:
        monkeypatch.undo()
        dav_servers.close()
        ssh_servers.close()


def _made(path: Path) -> Path:
    path.mkdir()
    return path


def test_read_back_equals_the_local_render(readbacks: dict[str, tuple[bytes, Path]]) -> None:
    """Every protocol gives back exactly the bytes it was given."""
    assert len(readbacks) == 12
    for case, (local, saved) in readbacks.items():
        assert saved.read_bytes() == local, case


def test_three_parsers_read_the_same_events(readbacks: dict[str, tuple[bytes, Path]]) -> None:
    """icalendar, ical and ical.js find the same events in each published file."""
    reports = run_icaljs([saved for _local, saved in readbacks.values()])
    for case, (local, saved) in readbacks.items():
        data = saved.read_bytes()
        assert raw_problems(data) == [], case
        report = reports[saved]
        assert "error" not in report, (case, report.get("error"))
        readings = {
            "icalendar": by_icalendar(data),
            "ical": by_ical(data),
            "ical.js": by_icaljs(report),
        }
        keys = {name: sorted(e.key for e in events) for name, events in readings.items()}
        assert keys["icalendar"] == keys["ical"] == keys["ical.js"], case
        assert len(keys["icalendar"]) == 8, case
        summaries = {name: sorted(e.summary for e in events) for name, events in readings.items()}
        assert summaries["icalendar"] == summaries["ical"] == summaries["ical.js"], case
        if case.endswith("busy"):
            assert set(summaries["ical.js"]) == {"Follow-up"}
        if not case.endswith("full"):
            assert b"northwind.example" not in local
