"""The feed server under load and under slow clients: latency, memory, fairness.

A real ``afterview serve`` (the command, in a subprocess on a free 127.0.0.1 port)
serves a generated tracker. Clients are asyncio connections speaking HTTP/1.1 over
kept-alive sockets, so the client costs little next to the server.

- page under 64 connections: every connection asks for the page; p50 and p90.
- 304 under 64 connections while the page is asked too: 48 connections send
  If-None-Match for the feed, 16 ask for the page; the 304s' p50 and p90. Target:
  304 p50 < 20 ms (cheap answers must not queue behind renders).
- memory at 64 connections: every connection asks for the whole feed while another
  process changes the tracker every two seconds (so the feed is rendered again under
  load); the server's peak resident memory (VmHWM). Target: < 100 MB.
- a normal request with 300 slow connections open: the median time of a 304 on a new
  connection, idle and then with 300 connections that sent half a request head and
  wait. Target: < 2x the idle figure.

The 64-connection phases use wrk when it is installed (apt-get install wrk): a Python
client on the same two cores would take half the machine and measure itself.

Usage: python benchmarks/hostile.py [--interviews N] [--seconds S] [--slow N]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib.util
import io
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from afterview.publish import feed
from afterview.tracker import backup, tokens
from afterview.tracker import commands as tracker
from afterview.tracker.store import Store

TARGET_304_MS = 20.0
TARGET_RSS_MB = 100.0
TARGET_SLOW_RATIO = 2.0


def _bench_feed() -> ModuleType:
    """benchmarks/feed.py, for its tracker generator and its machine line."""
    path = Path(__file__).resolve().with_name("feed.py")
    spec = importlib.util.spec_from_file_location("afterview_feed_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


BENCH = _bench_feed()
RENDER_NOW: dt.datetime = BENCH.RENDER_NOW


def start(db: Path) -> tuple[subprocess.Popen[str], int]:
    """``afterview serve`` on a free loopback port; the process and its port."""
    env = dict(os.environ, AFTERVIEW_CONFIG=str(db.parent / "no-settings.toml"))
    process = subprocess.Popen(
        [sys.executable, "-m", "afterview", "serve", "--db", str(db), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 60)
    found = re.search(r"127\.0\.0\.1:(\d+)", process.stdout.readline() if ready else "")
    if found is None:
        process.kill()
        raise SystemExit("afterview serve did not start")
    return process, int(found[1])


async def ask(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int, path: str, etag: str
) -> tuple[int, float, str]:
    """One request on an open connection: status, seconds, and the ETag it gave."""
    extra = f"If-None-Match: {etag}\r\n" if etag else ""
    started = time.perf_counter()
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}\r\n".encode())
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status = int(head.split(" ", 2)[1])
    length = re.search(r"(?im)^content-length:\s*(\d+)", head)
    if length:
        await reader.readexactly(int(length[1]))
    tag = re.search(r'(?im)^etag:\s*(".*?")', head)
    return status, time.perf_counter() - started, tag[1] if tag else ""


async def load(port: int, jobs: list[tuple[str, str]], seconds: float) -> list[list[float]]:
    """Each job (path, ETag) on its own connection, asked over and over for ``seconds``."""
    deadline = time.monotonic() + seconds

    async def worker(path: str, etag: str) -> list[float]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        times: list[float] = []
        try:
            while time.monotonic() < deadline:
                status, took, _ = await ask(reader, writer, port, path, etag)
                if status not in (200, 304):
                    raise SystemExit(f"{path}: status {status}")
                times.append(took)
        finally:
            writer.close()
        return times

    return list(await asyncio.gather(*(worker(path, etag) for path, etag in jobs)))


def wrk(port: int, path: str, etag: str, connections: int, seconds: float) -> WrkRun:
    """wrk with one thread and ``connections`` connections, started now."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    command += ["--timeout", "30s"]
    if etag:
        command += ["-H", f"If-None-Match: {etag}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    return WrkRun(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))


class WrkRun:
    """A running wrk; ``percentile`` reads its latency distribution when it is done."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.output = ""

    def wait(self) -> WrkRun:
        self.output, _ = self.process.communicate(timeout=600)
        if "Non-2xx" in self.output:
            raise SystemExit(f"wrk saw errors: {self.output}")
        return self

    def percentile(self, share: int) -> float:
        found = re.search(rf"^\s+{share}%\s+([\d.]+)(us|ms|s)\s*$", self.output, re.M)
        if found is None:
            raise SystemExit(f"no {share}% latency in wrk's output: {self.output}")
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[found[2]]
        return float(found[1]) * scale


def ms(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def peak_rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s*(\d+) kB", text)
    return int(found[1]) / 1024 if found else float("nan")


def fresh_304(port: int, path: str, etag: str, count: int) -> float:
    """The median seconds of a 304 on a new connection each time."""
    times = []
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nIf-None-Match: {etag}\r\n"
    for _ in range(count):
        started = time.perf_counter()
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(request.encode() + b"Connection: close\r\n\r\n")
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        times.append(time.perf_counter() - started)
        if not answer.startswith(b"HTTP/1.1 304"):
            raise SystemExit(f"expected 304, got {answer[:40]!r}")
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--interviews", type=int, default=75, help="75: a 1.1 MB feed")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each load phase")
    parser.add_argument("--slow", type=int, default=300, help="half-open connections")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(f"Machine: {BENCH.machine()}")
    with tempfile.TemporaryDirectory(prefix="afterview-hostile-") as temp:
        folder = Path(temp)
        text, _ = BENCH.generate_export(args.interviews, args.seed, folder)
        db = folder / "tracker.db"
        with Store(db) as store:
            backup.import_file(store, io.StringIO(text), now=RENDER_NOW)
            token = tokens.feed_token(store, now=RENDER_NOW)
            size = len(feed.render_feed(store, now=dt.datetime.now(dt.UTC))[0])
            ids = [row.id for row in store.interviews()]
        process, port = start(db)
        try:
            results = measure(process, port, token, db, ids, args)
        finally:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    print(f"Feed: {args.interviews} interviews, {size / 1e6:.1f} MB; {args.seconds:g} s phases")
    print()
    print("| figure | afterview | target |")
    print("|---|---|---|")
    ok = True
    for label, value, target, unit in results:
        if target is None:
            verdict = "(no target)"
        else:
            met = value < target
            ok &= met
            verdict = f"< {target:g} {unit} " + ("ok" if met else "MISSED")
        print(f"| {label} | {value:.1f} {unit} | {verdict} |")
    return 0 if ok else 1


def measure(
    process: subprocess.Popen[str],
    port: int,
    token: str,
    db: Path,
    ids: list[str],
    args: argparse.Namespace,
) -> list[tuple[str, float, float | None, str]]:
    page, feed_path = f"/{token}/", f"/feed/{token}.ics"

    async def first() -> str:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        await ask(reader, writer, port, page, "")
        _, _, tag = await ask(reader, writer, port, feed_path, "")
        writer.close()
        return tag

    etag = asyncio.run(first())
    if shutil.which("wrk"):
        pages = wrk(port, page, "", 64, args.seconds).wait()
        checks = wrk(port, feed_path, etag, 48, args.seconds)
        beside = wrk(port, page, "", 16, args.seconds)
        checks.wait(), beside.wait()
        figures = [pages.percentile(50), pages.percentile(90)]
        figures += [checks.percentile(50), checks.percentile(90)]
    else:
        times = asyncio.run(load(port, [(page, "")] * 64, args.seconds))
        mixed = asyncio.run(load(port, [(feed_path, etag)] * 48 + [(page, "")] * 16, args.seconds))
        page_times = [t for each in times for t in each]
        not_modified = [t for each in mixed[:48] for t in each]
        figures = [ms(page_times, 0.5), ms(page_times, 0.9)]
        figures += [ms(not_modified, 0.5), ms(not_modified, 0.9)]

    # Memory: full feeds to 64 connections while the data keeps changing.
    stop = time.monotonic() + args.seconds

    def change() -> None:
        number = 0
        while time.monotonic() < stop:
            with Store(db) as store:
                on = RENDER_NOW.date()
                status = ("replied", "waiting")[number % 2]
                tracker.set_status(store, ids[number % len(ids)], status, on=on, now=RENDER_NOW)
            number += 1
            time.sleep(2)

    import threading

    writer = threading.Thread(target=change)
    writer.start()
    if shutil.which("wrk"):
        wrk(port, feed_path, "", 64, args.seconds).wait()
    else:
        asyncio.run(load(port, [(feed_path, "")] * 64, args.seconds))
    writer.join()
    rss = peak_rss_mb(process.pid)

    # Slow clients: half a request head each, left waiting.
    async def current() -> str:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        _, _, tag = await ask(reader, writer, port, feed_path, "")
        writer.close()
        return tag

    etag = asyncio.run(current())
    idle = fresh_304(port, feed_path, etag, 100)
    slow = []
    try:
        for _ in range(args.slow):
            sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0")
            slow.append(sock)
        held = fresh_304(port, feed_path, etag, 100)
    finally:
        for sock in slow:
            sock.close()
    time.sleep(0.5)  # the server sees the slow connections go
    idle = (idle + fresh_304(port, feed_path, etag, 100)) / 2  # idle before and after
    return [
        ("page, 64 connections: p50", figures[0], None, "ms"),
        ("page, 64 connections: p90", figures[1], None, "ms"),
        ("304, 48 connections beside 16 asking for the page: p50", figures[2], TARGET_304_MS, "ms"),
        ("304, 48 connections beside 16 asking for the page: p90", figures[3], None, "ms"),
        (
            "peak memory, full feed to 64 connections while the data changes",
            rss,
            TARGET_RSS_MB,
            "MB",
        ),
        ("304 on a new connection, idle", idle * 1000, None, "ms"),
        (
            f"the same with {args.slow} slow connections open (x idle)",
            held / idle,
            TARGET_SLOW_RATIO,
            "x",
        ),
    ]


if __name__ == "__main__":
    sys.exit(main())
