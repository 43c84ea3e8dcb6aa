"""``afterview serve``: the secret page and the subscribable feed over HTTP.

The only module that imports starlette and uvicorn. Everything with personal data
lives under the secret token: ``/<token>/`` is a small page with subscribe and
add-to-calendar links, ``/feed/<token>.ics`` the feed. A wrong token gets the same
404 as any unknown address, and ``/`` only says what answers. The feed's bytes only
change when the data does, so its ETag and Last-Modified let clients ask cheaply
("has it changed?") and never get a 304 for a feed that did change."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from afterview.errors import AfterviewError
from afterview.publish import feed
from afterview.publish.links import FILENAME, base_url, feed_links, is_loopback
from afterview.publish.page import AGENDA_DAYS, render_page
from afterview.tracker.queries import list_interviews, next_actions
from afterview.tracker.store import ChangeWatcher, Store
from afterview.tracker.tokens import scope_of_token

DEFAULT_HOST = "127.0.0.1"


DEFAULT_PORT = 8765


MAX_AGE = 300  # seconds a client may reuse the feed before asking again (with its ETag)


# Rendered feeds the server keeps to answer again while nothing changed (about 1,000
# interviews' worth); a bigger feed is rendered for each full answer.
FEED_MEMORY = 64 * 1024 * 1024


FEED_TYPE = "text/calendar; charset=utf-8"


ROOT_TEXT = "This is an afterview server.\n"


NOT_FOUND_TEXT = "Not Found\n"


ERROR_TEXT = "afterview could not read its tracker: see the terminal running afterview serve.\n"


Clock = Callable[[], dt.datetime]


Warn = Callable[[str], None]


# What a Host header may hold before it goes into a link: a name or an address, a port.
_HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


# The page runs no script and loads nothing: only its own inline style.
_PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": _PAGE_POLICY,
    # The page links to Google and Outlook: a Referer would hand them the secret address.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
}


def _etag(info: feed.FeedInfo) -> str:
    return f'"{info.etag}"'


def _http_date(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match: ``*`` or any listed tag, compared weakly (W/ ignored, RFC 9110 8.8.3.2)."""
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    tags = re.findall(r'(?:W/)?"[^"]*"', header)
    return any(tag.removeprefix("W/") == wanted for tag in tags)


def not_modified_since(header: str, changed: dt.datetime | None) -> bool:
    """If-Modified-Since: true when ``changed`` (to the second) is not after the given date."""
    if changed is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False  # an unreadable date is ignored (RFC 9110 13.1.3)
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)  # HTTP dates are GMT
    return changed.replace(microsecond=0) <= since


def _not_found() -> Response:
    # One answer for a wrong token, an unknown address and a missing feed: nothing to compare.
    return PlainTextResponse(NOT_FOUND_TEXT, status_code=404, headers={"Cache-Control": "no-store"})


def _base(request: Request) -> str:
    """scheme://host of the address the client used, so links work behind any port or proxy."""
    scheme = request.url.scheme if request.url.scheme in ("http", "https") else "http"
    host = request.headers.get("host", "")
    if _HOST.fullmatch(host):
        return f"{scheme}://{host}"
    # A Host header that is no host name: the address the server listens on instead.
    server = request.scope.get("server") or (DEFAULT_HOST, DEFAULT_PORT)
    return base_url(str(server[0]), int(server[1]), scheme)


def make_app(
    db_path: str | Path,
    *,
    now: Clock | None = None,
    reminder: dt.time = feed.DEFAULT_REMINDER,
    warn: Warn | None = None,
    memory: int = FEED_MEMORY,
) -> Starlette:
    """The ASGI app: ``/``, ``/<token>/`` and ``/feed/<token>.ics`` over the tracker at db_path.

    ``now`` returns an aware datetime (tests pass a fixed one); ``warn`` hears about
    server-side problems, which the client only sees as a generic 500; ``memory`` is
    how many bytes of rendered feeds the app keeps to answer again.
    """
    clock: Clock = now or (lambda: dt.datetime.now(dt.UTC))

    def problem(error: AfterviewError) -> Response:
        if warn is not None:
            warn(f"error: {error}")
        return PlainTextResponse(ERROR_TEXT, status_code=500, headers={"Cache-Control": "no-store"})

    def root(request: Request) -> Response:
        return PlainTextResponse(ROOT_TEXT)

    watcher = ChangeWatcher(db_path)
    # The last answer for each valid token, with the data version and day it was made
    # for: while neither moved, a request is answered from memory without a render,
    # a conditional one with its 304 and the others with the same bytes (kept while
    # they fit ``memory``, the feeds asked for most recently first).
    known: dict[str, _Answer] = {}
    remembering = threading.Lock()  # requests run on several threads at once

    def feed_file(request: Request) -> Response:
        token = request.path_params["token"]
        version = watcher.version()
        moment = clock()
        key = (version, moment.date()) if version is not None else None
        seen = known.get(token)
        if key is not None and seen is not None and seen.key == key:
            info = seen.info
            if _unchanged(request, _etag(info), info.last_modified):
                return Response(status_code=304, headers=_feed_headers(info))
            if seen.data is not None:
                with remembering:  # now the most recently asked for
                    if known.get(token) is seen:
                        known[token] = known.pop(token)
                return _feed_response(request, seen.data, info)
        try:
            with Store(db_path) as store:
                scope = scope_of_token(store, token)
                if scope is None:
                    with remembering:
                        known.pop(token, None)
                    return _not_found()
                data, info = feed.render_feed(
                    store, now=moment, candidate=scope.candidate, reminder=reminder
                )
        except AfterviewError as error:
            return problem(error)
        if key is not None:
            with remembering:
                known.pop(token, None)
                known[token] = _Answer(key, info, data)
                _keep_within(known, memory)
        return _feed_response(request, data, info)

    def page(request: Request) -> Response:
        token = request.path_params["token"]
        moment = clock()
        today = moment.astimezone().date()
        try:
            with Store(db_path) as store:
                scope = scope_of_token(store, token)
                if scope is None:
                    return _not_found()
                tracked = list_interviews(
                    store, today=today, include_all=True, candidate=scope.candidate
                )
                agenda = next_actions(
                    store, today=today, days=AGENDA_DAYS, candidate=scope.candidate
                )
        except AfterviewError as error:
            return problem(error)
        links = feed_links(_base(request), token)
        text = render_page(scope, tracked, agenda.actions, links, request.url.hostname or "", today)
        return HTMLResponse(text, headers=_PAGE_HEADERS)

    async def missing(request: Request, exc: Exception) -> Response:
        return _not_found()

    return Starlette(
        routes=[
            Route("/", root, methods=["GET"]),
            Route("/feed/{token}.ics", feed_file, methods=["GET"]),
            Route("/{token}/", page, methods=["GET"]),
        ],
        exception_handlers={404: missing},
    )


class _Answer(NamedTuple):
    """A feed as last answered: for which data version and day, its ETag and its bytes."""

    key: tuple[int, dt.date]
    info: feed.FeedInfo
    data: bytes | None


def _keep_within(known: dict[str, _Answer], budget: int) -> None:
    """Forget the bytes of the feeds asked for least recently until the rest fit ``budget``."""
    total = sum(len(answer.data) for answer in known.values() if answer.data is not None)
    for token, answer in known.items():
        if total <= budget:
            break
        if answer.data is not None:
            total -= len(answer.data)
            known[token] = answer._replace(data=None)


def _feed_headers(info: feed.FeedInfo) -> dict[str, str]:
    headers = {
        "ETag": _etag(info),
        "Cache-Control": f"private, max-age={MAX_AGE}",
        "Content-Disposition": f'inline; filename="{FILENAME}"',
        "X-Content-Type-Options": "nosniff",
    }
    if info.last_modified is not None:
        headers["Last-Modified"] = _http_date(info.last_modified)
    return headers


def _unchanged(request: Request, etag: str, changed: dt.datetime | None) -> bool:
    """Whether the client's conditional headers say it already has these bytes."""
    match = request.headers.get("if-none-match")
    since = request.headers.get("if-modified-since")
    # If-Modified-Since only counts without If-None-Match (RFC 9110 13.2.2).
    if match is not None:
        return etag_matches(match, etag)
    return since is not None and not_modified_since(since, changed)


def _feed_response(request: Request, data: bytes, info: feed.FeedInfo) -> Response:
    headers = _feed_headers(info)
    if _unchanged(request, headers["ETag"], info.last_modified):
        return Response(status_code=304, headers=headers)
    headers["Content-Type"] = FEED_TYPE
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(data))
        return Response(b"", headers=headers)
    return Response(data, headers=headers)


def serve(
    db_path: str | Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    warn: Warn,
    ready: Callable[[str], None] | None = None,
    now: Clock | None = None,
    reminder: dt.time = feed.DEFAULT_REMINDER,
) -> None:
    """Serve the page and feed until interrupted (Ctrl+C or SIGTERM).

    Warns through ``warn`` when ``host`` is not loopback; ``ready`` gets the server's
    base address once it listens (``port`` 0 picks a free one).
    """
    with Store(db_path):
        pass  # a missing folder or a damaged database is reported now, not on the first request
    if not is_loopback(host):
        warn(
            f"warning: serving on {host}: other machines can reach this server, and its feed "
            "holds personal data (companies, names, e-mail addresses). Anyone who learns a "
            "link can read it: prefer 127.0.0.1 behind an HTTPS tunnel."
        )
    sock = listen(host, port)
    bound = sock.getsockname()[1]
    app = make_app(db_path, now=now, reminder=reminder, warn=warn)
    # No access log: every address on this server carries the secret token.
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, server_header=False, timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(config)
    if ready is not None:
        ready(base_url(host, bound))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def listen(host: str, port: int) -> socket.socket:
    """The server's listening socket, bound first so a taken port is a one-line error.

    Its protocol is TCP by name: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on
    connections whose socket says so, and with it on, a response written in pieces waits
    for the client's delayed ACK, about 40 ms per request on a kept-alive connection.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as error:
        raise AfterviewError(f"cannot serve on {host}: {error}") from None
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # Linux: accepted ones inherit
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        reason = error.strerror or str(error)
        raise AfterviewError(
            f"cannot serve on {host}:{port}: {reason}: is another afterview server running? "
            "choose another port",
            hint="--port N",
        ) from None
    sock.set_inheritable(True)
    return sock
