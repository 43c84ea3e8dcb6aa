"""Feed server benchmark: ``afterview serve``'s feed next to the same bytes as a static file.

One uvicorn server, in a subprocess on a free 127.0.0.1 port and configured as
``afterview serve`` configures it, serves afterview's app (``web.make_app``) and,
beside it in the same process, the feed's bytes as a static file (Starlette's
StaticFiles, with its own ETag). A loopback client asks each address in turn, one
request at a time over a kept-alive connection, for a bounded time (and, without
wrk, a bounded count); rounds alternate between afterview and the static file and
the figure is the median rate. Both answers are checked first: the same bytes, 200,
and 304 for If-None-Match with the ETag each gave.

- full response (200) of a 1,000-interview feed: afterview vs. the static file.
- not modified (304): afterview vs. the static file. Target: >= 0.80 of the static rate.
- full response rendered for every request, as the first request after each change is
  (the same app told to keep no rendered feed in memory): shown, with no target.

The server listens on ``web.listen``'s socket, as ``afterview serve`` does: TCP with
Nagle's algorithm off. (On a socket that does not say TCP, asyncio leaves Nagle on, and
the static file, written in 64 KB pieces, waits for the client's delayed ACK on every
kept-alive request: about 40 ms, which once made this floor look twice as slow.)

The client is wrk when it is installed (apt-get install wrk), else httpx.

Usage: python benchmarks/server.py [--interviews N] [--seconds S] [--rounds R]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import httpx

from afterview.publish import feed
from afterview.tracker import backup, tokens
from afterview.tracker.store import Store

TARGET = 0.80
STATIC_NAME = "afterview.ics"
RENDERED = "/rendered"  # the same app, keeping no rendered feed in memory


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


def serve(db: str, static: str, port_file: str) -> None:
    """The server: afterview's app and the static file, as ``afterview serve`` runs it."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    from afterview.publish import web

    app = Starlette(
        routes=[
            Mount("/static", app=StaticFiles(directory=static)),
            Mount(RENDERED, app=web.make_app(db, now=lambda: RENDER_NOW, memory=0)),
            Mount("/", app=web.make_app(db, now=lambda: RENDER_NOW)),
        ]
    )
    sock = web.listen("127.0.0.1", 0)  # the socket afterview serve listens on
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, server_header=False, timeout_graceful_shutdown=5
    )
    Path(port_file).write_text(str(sock.getsockname()[1]))
    uvicorn.Server(config).run(sockets=[sock])


def start_server(db: Path, static: Path, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port_file = folder / "port"
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(db), str(static), str(port_file)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if port_file.exists() and port_file.read_text().strip():
            base = f"http://127.0.0.1:{port_file.read_text().strip()}"
            try:
                if httpx.get(base + "/", timeout=5).status_code == 200:
                    return process, base
            except httpx.HTTPError:
                pass
        if process.poll() is not None:
            raise SystemExit("the server did not start")
        time.sleep(0.1)
    process.terminate()
    raise SystemExit("the server did not answer within 60 s")


def rate_wrk(url: str, etag: str | None, seconds: float) -> float:
    """Requests per second from wrk: one thread, one connection, ``seconds`` long."""
    command = ["wrk", "-t1", "-c1", f"-d{seconds:g}s", "--timeout", "30s", url]
    if etag is not None:
        command[1:1] = ["-H", f"If-None-Match: {etag}"]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    if "Non-2xx or 3xx" in done.stdout or "Socket errors" in done.stdout:
        raise SystemExit(f"wrk saw failed requests for {url}:\n{done.stdout}")
    found = re.search(r"Requests/sec:\s*([0-9.]+)", done.stdout)
    if found is None:
        raise SystemExit(f"no rate in wrk's output:\n{done.stdout}")
    return float(found.group(1))


def rate_httpx(url: str, etag: str | None, seconds: float, most: int = 2000) -> float:
    """Requests per second from httpx, one at a time: ``seconds`` long, at most ``most``."""
    headers = {"If-None-Match": etag} if etag is not None else {}
    expected = 304 if etag is not None else 200
    with httpx.Client(timeout=30) as client:
        client.get(url, headers=headers)  # the connection is open before the clock starts
        count = 0
        start = time.perf_counter()
        while count < most and time.perf_counter() - start < seconds:
            response = client.get(url, headers=headers)
            if response.status_code != expected:
                raise SystemExit(f"{url} answered {response.status_code}, not {expected}")
            count += 1
        return count / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--interviews", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(*args.serve)
        return 0
    use_wrk = shutil.which("wrk") is not None
    rate = rate_wrk if use_wrk else rate_httpx
    print(f"Machine: {BENCH.machine()}")
    with tempfile.TemporaryDirectory(prefix="afterview-serve-") as temp:
        folder = Path(temp)
        text, tally = BENCH.generate_export(args.interviews, args.seed, folder)
        db = folder / "tracker.db"
        with Store(db) as store:
            backup.import_file(store, io.StringIO(text), now=RENDER_NOW)
            token = tokens.feed_token(store, now=RENDER_NOW)
            data, info = feed.render_feed(store, now=RENDER_NOW)  # fills the feed cache
        static = folder / "static"
        static.mkdir()
        (static / STATIC_NAME).write_bytes(data)
        process, base = start_server(db, static, folder)
        try:
            ours_url, static_url = f"{base}/feed/{token}.ics", f"{base}/static/{STATIC_NAME}"
            rendered_url = f"{base}{RENDERED}/feed/{token}.ics"
            tags: dict[str, str] = {}
            urls = (("afterview", ours_url), ("static", static_url), ("rendered", rendered_url))
            for name, url in urls:
                response = httpx.get(url, timeout=60)
                if response.status_code != 200 or response.content != data:
                    raise SystemExit(f"{name}: {response.status_code}, not the feed's bytes")
                tags[name] = response.headers["etag"]
                again = httpx.get(url, headers={"If-None-Match": tags[name]}, timeout=60)
                if again.status_code != 304:
                    raise SystemExit(f"{name}: {again.status_code} for its own ETag, not 304")
            results: dict[str, list[float]] = {}
            for _ in range(args.rounds):
                for kind, tag_of in (("200", None), ("304", tags)):
                    for name, url in urls:
                        if name == "rendered" and kind == "304":
                            continue  # the same memory answers a 304 in both apps
                        etag = None if tag_of is None else tag_of[name]
                        results.setdefault(f"{name} {kind}", []).append(
                            rate(url, etag, args.seconds)
                        )
        finally:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    client = "wrk -t1 -c1" if use_wrk else "httpx, one request at a time"
    print(
        f"Feed: {tally['added'] + tally['rounds']} interviews, {info.events} events, "
        f"{info.size / 1e6:.1f} MB; client: {client}; medians of {args.rounds} alternating "
        f"rounds of {args.seconds:g} s"
    )
    print()
    print("| figure | afterview | floor (static file, same server) | ratio | target |")
    print("|---|---|---|---|---|")
    ok = True
    rows = (
        ("afterview 200", "static 200", "full response (200)", True),
        ("afterview 304", "static 304", "not modified (304)", True),
        ("rendered 200", "static 200", "full response, rendered for each request", False),
    )
    for ours_key, floor_key, label, targeted in rows:
        ours = statistics.median(results[ours_key])
        floor = statistics.median(results[floor_key])
        ratio = ours / floor
        if targeted:
            ok &= ratio >= TARGET
            verdict = f">= {TARGET:.2f} " + ("ok" if ratio >= TARGET else "UNDER TARGET")
        else:
            verdict = "(no target)"
        print(
            f"| feed server: {label} | {ours:.1f} req/s | {floor:.1f} req/s | {ratio:.3f} "
            f"| {verdict} |"
        )
    print(json.dumps({k: [round(v, 1) for v in vs] for k, vs in results.items()}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
