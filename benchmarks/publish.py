"""Publish benchmark: from ``afterview status ID replied`` to the remote file updated.

For each tracker size (20 and 10,000 generated interviews, as benchmarks/feed.py makes
them) and each protocol (WebDAV to wsgidav, SFTP to OpenSSH's sshd, both on 127.0.0.1
and started here), runs alternate, and the medians are compared:

- e2e: ``afterview status ID replied`` as a user runs it, with ``publish`` set: the
  command returns once the remote file is updated (checked: the server's copy equals
  a fresh render).
- status: the same command for another interview with no ``publish`` set, the cost
  of the change itself.
- bare: ``curl -T`` (WebDAV) or ``sftp`` (SSH) uploading the same bytes, the floor.

After each round both interviews are set waiting again (new check-ins planned) and that
is published, untimed, so every round makes the same one change to a feed of about the
same size, and there can be as many rounds as asked for.

The target is e2e / bare <= 1.3. Both ratios are printed: e2e / bare as the figure
stands, and (e2e - status) / bare, what publishing adds to the command against the
bare upload. Then an unchanged republish (``afterview done ID thank-you``, which does
not alter the feed) is checked to send nothing: no request in wsgidav's log, no
login in sshd's.

Usage: python benchmarks/publish.py [--sizes 20,10000] [--runs 7] [--detail full] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from afterview.publish import publisher
from afterview.tracker import backup
from afterview.tracker import commands as tracker
from afterview.tracker.store import Store

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.3
PASSWORD = "correct-horse-battery"
TODAY = dt.date.today()


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


BENCH = _load(ROOT / "benchmarks" / "feed.py", "afterview_feed_benchmark")
# The test servers' helpers import their neighbours in tests/ (loopback), as pytest sees them.
sys.path.insert(0, str(ROOT / "tests"))
SERVERS = _load(ROOT / "tests" / "publishing.py", "afterview_publish_servers")


def afterview() -> str:
    found = Path(sys.executable).with_name("afterview")
    return str(found) if found.exists() else "afterview"


def build_tracker(folder: Path, count: int, seed: int) -> Path:
    """A tracker of ``count`` generated interviews, its feed cache filled."""
    text, _tally = BENCH.generate_export(count, seed, folder)
    export = folder / "export.json"
    export.write_text(text, encoding="utf-8")
    del text
    db = folder / "tracker.db"
    with Store(db) as store, export.open(encoding="utf-8") as source:
        backup.import_file(store, source, now=BENCH.RENDER_NOW, where=str(export))
        publisher.render(store, now=dt.datetime.now(dt.UTC), detail="full")  # fills the cache
    return db


def open_ids(db: Path) -> Iterator[tuple[str, str]]:
    """Open interviews of the last four weeks or later, as (id, the day after it)."""
    with Store(db) as store:
        rows = [r for r in store.interviews() if r.outcome is None]
    # Still in the feed (the feed keeps 30 days), so that the news changes it.
    rows = [r for r in rows if TODAY - dt.timedelta(days=28) < r.day]
    rows.sort(key=lambda r: (r.day, r.id))
    for row in rows:
        yield row.id, (row.day + dt.timedelta(days=1)).isoformat()


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0 or "not published" in done.stderr:
        raise SystemExit(f"{' '.join(args)} failed: {done.stdout} {done.stderr}")
    return seconds


def settings(folder: Path, name: str, **keys: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text("".join(f'{k} = "{v}"\n' for k, v in keys.items()), encoding="utf-8")
    return path


def measure(
    label: str,
    db: Path,
    url: str,
    detail: str,
    bare: list[str],
    remote_file: Path,
    env: dict[str, str],
    ids: Iterator[tuple[str, str]],
    runs: int,
    folder: Path,
) -> dict[str, Any]:
    """Alternating runs of e2e, status alone and the bare upload; their medians."""
    on = settings(folder, f"on-{label}", publish=url, publish_detail=detail)
    off = settings(folder, f"off-{label}")
    with Store(db) as store:
        publisher.publish(store, url, now=dt.datetime.now(dt.UTC), detail=detail, password=PASSWORD)
        name = publisher.published_name(store, url)
    assert name is not None
    published = remote_file.parent / name
    e2e: list[float] = []
    alone: list[float] = []
    floor: list[float] = []
    size = 0
    (interview_id, day), (other_id, other_day) = next(ids), next(ids)
    for _ in range(runs):
        command = [afterview(), "status", interview_id, "replied", "--on", day, "--db", str(db)]
        e2e.append(timed(command, {**env, "AFTERVIEW_CONFIG": str(on)}))
        with Store(db) as store:
            local = publisher.render(store, now=dt.datetime.now(dt.UTC), detail=detail)
        if published.read_bytes() != local:
            raise SystemExit(f"{label}: the remote file is not the fresh render")
        size = len(local)
        remote_file.write_bytes(b"")
        (folder / "bare.ics").write_bytes(local)
        floor.append(timed(bare, env))
        if remote_file.read_bytes() != local:
            raise SystemExit(f"{label}: the bare upload did not arrive")
        command = [afterview(), "status", other_id, "replied", "--on", other_day, "--db", str(db)]
        alone.append(timed(command, {**env, "AFTERVIEW_CONFIG": str(off)}))
        # Both interviews waiting again (new check-ins planned), and that published: the
        # next run makes the same single change to a feed of the same size.
        with Store(db) as store:
            now = dt.datetime.now(dt.UTC).replace(microsecond=0)
            for again, news in ((interview_id, day), (other_id, other_day)):
                when = dt.date.fromisoformat(news)
                plan = "in two weeks"
                tracker.set_status(store, again, "waiting", on=when, decision=plan, now=now)
            publisher.publish(store, url, now=now, detail=detail, password=PASSWORD)
    return {
        "e2e": statistics.median(e2e),
        "status": statistics.median(alone),
        "bare": statistics.median(floor),
        "size": size,
        "on": on,
    }


def unchanged_sends_nothing(db: Path, on: Path, env: dict[str, str], count: Any) -> bool:
    """``afterview done ID thank-you`` leaves the feed as it was: nothing may be sent."""
    with Store(db) as store:
        rows = [r.id for r in store.interviews() if r.outcome is None]
    for interview_id in rows:
        before = count()
        done = subprocess.run(
            [afterview(), "done", interview_id, "thank-you", "--db", str(db)],
            env={**env, "AFTERVIEW_CONFIG": str(on)},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            return bool(count() == before)
    raise SystemExit("no interview with an open thank-you step")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="20,10000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--detail", default="full", choices=["full", "titles", "busy"])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep each generated tracker in DIR and reuse it next time (building the "
        "10,000-interview one takes minutes)",
    )
    args = parser.parse_args()
    curl, sftp = shutil.which("curl"), shutil.which("sftp")
    if curl is None or sftp is None:
        raise SystemExit("curl and sftp are needed (make bench installs OpenSSH's client)")
    print(f"Machine: {BENCH.machine()}")
    ok = True
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="afterview-publish-") as temp:
        folder = Path(temp)
        dav_folder, ssh_folder = folder / "dav", folder / "ssh"
        dav_folder.mkdir()
        ssh_folder.mkdir()
        dav_servers = SERVERS.start_dav(dav_folder)
        ssh_servers = SERVERS.start_sshd(ssh_folder)
        dav, ssh = next(dav_servers), next(ssh_servers)
        try:
            os.environ["AFTERVIEW_SSH_CONFIG"] = str(ssh.config)  # for the in-process publishes
            env = {**os.environ, "AFTERVIEW_PUBLISH_PASSWORD": PASSWORD}
            for size in [int(s) for s in args.sizes.split(",")]:
                work = folder / f"n{size}"
                work.mkdir()
                start = time.perf_counter()
                kept = Path(args.keep) / f"n{size}-seed{args.seed}.db" if args.keep else None
                if kept is not None and kept.exists():
                    db = work / "tracker.db"
                    shutil.copyfile(kept, db)
                    with Store(db) as store:  # a newer schema, a cache to fill: not timed
                        publisher.render(store, now=dt.datetime.now(dt.UTC), detail="full")
                    print(f"{size} interviews: tracker copied from {kept}")
                else:
                    db = build_tracker(work, size, args.seed)
                    took = time.perf_counter() - start
                    print(f"{size} interviews: tracker built in {took:.0f} s")
                    if kept is not None:
                        kept.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(db, kept)
                base_db = db
                dav_url = f"http://alex@127.0.0.1:{dav.port}/private/n{size}/"
                (dav.root / "private" / f"n{size}").mkdir()
                bare_dav = dav.root / "private" / f"n{size}" / "bare.ics"
                curl_cmd = [curl, "-sS", "-f", "-u", f"alex:{PASSWORD}", "-T"]
                curl_cmd += [
                    str(work / "bare.ics"),
                    f"http://127.0.0.1:{dav.port}/private/n{size}/bare.ics",
                ]
                sftp_home = ssh.home / f"n{size}"
                sftp_home.mkdir()
                sftp_url = f"sftp://{ssh.user}@127.0.0.1:{ssh.port}{sftp_home}"
                sftp_cmd = [sftp, "-q", "-F", str(ssh.config), "-b", "-", "127.0.0.1"]
                put = f"put {work / 'bare.ics'} {sftp_home / 'bare.ics'}\n"
                for label, url, bare, remote in (
                    ("WebDAV", dav_url, curl_cmd, bare_dav),
                    ("SFTP", sftp_url, sftp_cmd, sftp_home / "bare.ics"),
                ):
                    db = work / f"{label}.db"
                    shutil.copyfile(base_db, db)  # each protocol changes its own copy
                    ids = open_ids(db)
                    if label == "SFTP":
                        bare = ["sh", "-c", f"printf '%s' \"$0\" | {' '.join(bare)}", put]
                    got = measure(
                        f"{label}-{size}",
                        db,
                        url,
                        args.detail,
                        bare,
                        remote,
                        env,
                        ids,
                        args.runs,
                        work,
                    )
                    ratio = got["e2e"] / got["bare"]
                    added = (got["e2e"] - got["status"]) / got["bare"]
                    ok &= ratio <= TARGET
                    verdict = "ok" if ratio <= TARGET else "missed"
                    rows.append(
                        f"| {label}, {size} interviews ({got['size'] / 1e6:.2f} MB, "
                        f"{args.detail}) | {got['e2e'] * 1000:.0f} ms | "
                        f"{got['status'] * 1000:.0f} ms | {got['bare'] * 1000:.0f} ms | "
                        f"{ratio:.2f} | {added:.2f} | <= {TARGET} {verdict} |"
                    )
                    if label == "WebDAV":
                        quiet = unchanged_sends_nothing(
                            db, got["on"], env, lambda: len(dav.requests())
                        )
                    else:
                        log = ssh_folder / "sshd.log"
                        quiet = unchanged_sends_nothing(
                            db,
                            got["on"],
                            env,
                            lambda log=log: log.read_text(errors="replace").count("Accepted"),
                        )
                    ok &= quiet
                    rows.append(
                        f"| {label}, {size} interviews: republish after `done` (feed unchanged) "
                        f"| {'nothing sent' if quiet else 'SENT SOMETHING'} | | | | | "
                        f"nothing {'ok' if quiet else 'missed'} |"
                    )
        finally:
            dav_servers.close()
            ssh_servers.close()
    print()
    print(f"Medians of {args.runs} alternating runs; the commands are separate processes.")
    print()
    print(
        "| figure | e2e (status + publish) | status alone | bare upload | e2e / bare "
        "| (e2e - status) / bare | target |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
