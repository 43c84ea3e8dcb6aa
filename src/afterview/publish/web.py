"""``afterview serve``: the secret page and the subscribable feed over HTTP.

The only module that imports starlette and uvicorn. Everything with personal data
lives under the secret token: ``/<token>/`` is a small page with subscribe and
add-to-calendar links, ``/feed/<token>.ics`` the feed. A wrong token gets the same
404 as any unknown address, and ``/`` only says what answers. The feed's bytes only
change when the data does, so its ETag and Last-Modified let clients ask cheaply
("has it changed?") and never get a 304 for a feed that did change.

It stays whole, past 500 lines, because it is the one home of starlette and uvicorn:
the app, its guard against hostile clients (Host names, slow and oversized requests,
the connection cap) and the listening socket all speak those libraries' interfaces.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import email.utils
import errno
import functools
import logging
import re
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from afterview.errors import AddressError, AfterviewError
from afterview.publish import feed
from afterview.publish.links import FILENAME, base_url, feed_links, is_loopback
from afterview.publish.page import AGENDA_DAYS, render_page
from afterview.tracker.queries import list_interviews, next_actions
from afterview.tracker.store import ChangeWatcher, Store, Version
from afterview.tracker.tokens import scope_of_token

DEFAULT_HOST = "127.0.0.1"


DEFAULT_PORT = 8765


MAX_AGE = 300  # seconds a client may reuse the feed before asking again (with its ETag)


SETTLE = dt.timedelta(hours=1)  # how old a change is before Last-Modified tells of it (as_told)


# Rendered feeds the server keeps to answer again while nothing changed (about 1,000
# interviews' worth); a bigger feed is rendered for each full answer.
FEED_MEMORY = 64 * 1024 * 1024


FEED_TYPE = "text/calendar; charset=utf-8"


ROOT_TEXT = "This is an afterview server.\n"


NOT_FOUND_TEXT = "Not Found\n"


ERROR_TEXT = "afterview could not read its tracker: see the terminal running afterview serve.\n"


MISDIRECTED_TEXT = "This server does not answer for that host name.\n"


TOO_LARGE_TEXT = "This server takes no request bodies.\n"


REQUEST_TIMEOUT = 10.0  # seconds a client has to send a request's head, and again its body


MAX_CONNECTIONS = 256  # open connections; past it, the one waiting longest for a request goes


MAX_BODY = 1024  # bytes of request body accepted: every route is GET or HEAD


# Names that only ever reach this machine: a browser tricked by DNS rebinding sends another.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


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


def not_modified_since(
    header: str, changed: dt.datetime | None, now: dt.datetime | None = None
) -> bool:
    """If-Modified-Since: true when ``changed`` (to the second) is not after the given date.

    A date later than ``now`` is no date the server ever sent, and is ignored.
    """
    if changed is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False  # an unreadable date is ignored (RFC 9110 13.1.3)
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)  # HTTP dates are GMT
    if now is not None and since > now:
        return False
    return changed.replace(microsecond=0) <= since


def as_told(info: feed.FeedInfo, now: dt.datetime) -> feed.FeedInfo:
    """The feed's FeedInfo as clients hear it: no Last-Modified while its change is recent.

    Last-Modified counts whole seconds, and a change is stamped when its command starts:
    two changes in one second (or one stamped a moment before another committed) can
    give two feeds one date, and a client holding the first would be told 304 for the
    second. Until the last change is ``SETTLE`` old, the date is not sent and an
    If-Modified-Since is not believed (RFC 9110 8.8.2.2): the ETag still answers.
    """
    changed = info.last_modified
    if changed is None or now - changed >= SETTLE:
        return info
    return dataclasses.replace(info, last_modified=None)


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
    public_url: str | None = None,
) -> ASGIApp:
    """The ASGI app: ``/``, ``/<token>/`` and ``/feed/<token>.ics`` over the tracker at db_path.

    ``now`` returns an aware datetime (tests pass a fixed one); ``warn`` hears about
    server-side problems, which the client only sees as a generic 500; ``memory`` is
    how many bytes of rendered feeds the app keeps to answer again; ``public_url`` is
    the address the world reaches the server at (every link then uses it, and the page
    offers Google Calendar's buttons, since Google can fetch from there).
    """
    clock: Clock = now or (lambda: dt.datetime.now(dt.UTC))
    public = public_url.rstrip("/") if public_url else None

    def problem(error: AfterviewError) -> Response:
        if warn is not None:
            warn(str(error))
        return PlainTextResponse(ERROR_TEXT, status_code=500, headers={"Cache-Control": "no-store"})

    def root(request: Request) -> Response:
        return PlainTextResponse(ROOT_TEXT)

    watcher = ChangeWatcher(db_path)
    # The last answer for each valid token, with the data version and day it was made
    # for: while neither moved, a request is answered from memory without a render,
    # a conditional one with its 304 and the others with the same bytes (kept while
    # they fit ``memory``, the feeds asked for most recently first).
    known: dict[str, _Answer] = {}
    # The page of each token, rendered once per data version, day and address.
    pages: dict[str, tuple[tuple[Version, dt.date, str], bytes]] = {}
    remembering = threading.Lock()  # requests run on several threads at once
    # One render at a time: requests that arrive while a feed is being rendered wait and
    # share its bytes instead of each rendering (and holding) a copy of their own.
    rendering = threading.Lock()
    generation = [0]

    def look() -> Version | None:
        """The tracker's version now; a new file (or none) forgets every answer."""
        version = watcher.version()
        if watcher.generation != generation[0]:
            with remembering:
                generation[0] = watcher.generation
                known.clear()
                pages.clear()
        return version

    def open_store() -> Store:
        # A deleted tracker is an error, never a new empty file served as the truth.
        return Store(db_path, create=False)

    def remembered(token: str, key: tuple[Version, dt.date] | None) -> _Answer | None:
        seen = known.get(token)
        return seen if key is not None and seen is not None and seen.key == key else None

    # What memory answers runs on the event loop (a few microseconds); a render goes to a
    # worker thread, so cheap answers never queue behind it.
    async def feed_file(request: Request) -> Response:
        token = request.path_params["token"]
        version = look()
        moment = clock()
        key = (version, moment.date()) if version is not None else None
        seen = remembered(token, key)
        if seen is not None:
            info = as_told(seen.info, moment)
            if _unchanged(request, _etag(info), info.last_modified, moment):
                return Response(status_code=304, headers=_feed_headers(info))
            if seen.data is not None:
                with remembering:  # now the most recently asked for
                    if known.get(token) is seen:
                        known[token] = known.pop(token)
                return _feed_response(request, seen.data, info, moment)
        return await run_in_threadpool(render_feed_file, request, token, key, moment)

    def render_feed_file(
        request: Request, token: str, key: tuple[Version, dt.date] | None, moment: dt.datetime
    ) -> Response:
        with rendering:
            seen = remembered(token, key)  # rendered while this request waited
            if seen is not None and seen.data is not None:
                return _feed_response(request, seen.data, as_told(seen.info, moment), moment)
            try:
                with open_store() as store:
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
        return _feed_response(request, data, as_told(info, moment), moment)

    async def page(request: Request) -> Response:
        token = request.path_params["token"]
        version = look()
        moment = clock()
        today = moment.astimezone().date()
        base = public or _base(request)
        key = (version, today, base) if version is not None else None
        seen = pages.get(token)
        if key is not None and seen is not None and seen[0] == key:
            return HTMLResponse(seen[1], headers=_PAGE_HEADERS)
        return await run_in_threadpool(render_page_answer, token, key, today, base)

    def render_page_answer(
        token: str, key: tuple[Version, dt.date, str] | None, today: dt.date, base: str
    ) -> Response:
        with rendering:
            seen = pages.get(token)
            if key is not None and seen is not None and seen[0] == key:
                return HTMLResponse(seen[1], headers=_PAGE_HEADERS)
            try:
                with open_store() as store:
                    scope = scope_of_token(store, token)
                    if scope is None:
                        with remembering:
                            pages.pop(token, None)
                        return _not_found()
                    tracked = list_interviews(
                        store, today=today, include_all=True, candidate=scope.candidate
                    )
                    agenda = next_actions(
                        store, today=today, days=AGENDA_DAYS, candidate=scope.candidate
                    )
            except AfterviewError as error:
                return problem(error)
            links = feed_links(base, token)
            hostname = urlsplit(base).hostname or ""
            text = render_page(
                scope, tracked, agenda.actions, links, hostname, today, public=public is not None
            )
            body = text.encode("utf-8")
            if key is not None:
                with remembering:
                    pages[token] = (key, body)
        return HTMLResponse(body, headers=_PAGE_HEADERS)

    async def missing(request: Request, exc: Exception) -> Response:
        return _not_found()

    def to_page(request: Request) -> Response:
        # The page's address without its final slash. The answer names no scheme and no
        # host: the client keeps the ones it used (https behind a proxy, the port), and
        # nothing taken from a request's headers goes into it. Any token-shaped name is
        # sent on, right or wrong, so the answer tells nothing about the token.
        name = request.path_params["token"]
        if not _TOKEN_SHAPE.fullmatch(name):
            return _not_found()
        return Response(
            status_code=307, headers={"Location": f"/{name}/", "Cache-Control": "no-store"}
        )

    routed = Starlette(
        routes=[
            Route("/", root, methods=["GET"]),
            Route("/feed/{token}.ics", feed_file, methods=["GET"]),
            Route("/{token}/", page, methods=["GET"]),
            Route("/{token}", to_page, methods=["GET"]),
        ],
        exception_handlers={404: missing},
    )
    # Starlette's own slash redirects build an absolute address from the request: its
    # scheme and Host header, not the public URL. ``to_page`` answers instead.
    routed.router.redirect_slashes = False

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        # Subscribed calendars mostly ask "has it changed?": a 304 from memory skips the
        # router, the request object and the middleware, a third of a request's cost.
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            found = _FEED_ROUTE.fullmatch(scope["path"])
            if found is not None:
                version = look()
                moment = clock()
                key = (version, moment.date()) if version is not None else None
                seen = remembered(found[1], key)
                if seen is not None:
                    match, since = _conditions(scope)
                    info = as_told(seen.info, moment)
                    if _unchanged_by(match, since, _etag(info), info.last_modified, moment):
                        await send(
                            {
                                "type": "http.response.start",
                                "status": 304,
                                "headers": _raw_headers(info),
                            }
                        )
                        await send({"type": "http.response.body", "body": b""})
                        return
        await routed(scope, receive, send)

    return app


_FEED_ROUTE = re.compile(r"/feed/([^/]+)\.ics")


# What a token looks like (``secrets.token_urlsafe``): only such a name is sent on to its page.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@functools.lru_cache(maxsize=256)
def _raw_headers(info: feed.FeedInfo) -> list[tuple[bytes, bytes]]:
    """A 304's headers for a feed, encoded once (FeedInfo is immutable)."""
    return [(k.lower().encode(), v.encode("latin-1")) for k, v in _feed_headers(info).items()]


def _conditions(scope: Scope) -> tuple[str | None, str | None]:
    """The If-None-Match and If-Modified-Since headers of a request, if any."""
    match = since = None
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            match = value.decode("latin-1")
        elif name == b"if-modified-since":
            since = value.decode("latin-1")
    return match, since


class _Answer(NamedTuple):
    """A feed as last answered: for which data version and day, its ETag and its bytes."""

    key: tuple[Version, dt.date]
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


def _unchanged(request: Request, etag: str, changed: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether the client's conditional headers say it already has these bytes."""
    match = request.headers.get("if-none-match")
    since = request.headers.get("if-modified-since")
    return _unchanged_by(match, since, etag, changed, now)


def _unchanged_by(
    match: str | None,
    since: str | None,
    etag: str,
    changed: dt.datetime | None,
    now: dt.datetime,
) -> bool:
    """Whether If-None-Match (``match``) or If-Modified-Since (``since``) says so."""
    # If-Modified-Since only counts without If-None-Match (RFC 9110 13.2.2).
    if match is not None:
        return etag_matches(match, etag)
    return since is not None and not_modified_since(since, changed, now)


def _feed_response(
    request: Request, data: bytes, info: feed.FeedInfo, now: dt.datetime
) -> Response:
    """The feed, or 304; ``info`` as clients hear it (``as_told``)."""
    headers = _feed_headers(info)
    if _unchanged(request, headers["ETag"], info.last_modified, now):
        return Response(status_code=304, headers=headers)
    headers["Content-Type"] = FEED_TYPE
    headers["Content-Length"] = str(len(data))
    if request.method == "HEAD":
        return Response(b"", headers=headers)
    return SharedBody(data, headers)


PIECE = 64 * 1024  # bytes of a shared body handed to a connection at a time


class SharedBody(Response):
    """The one rendered copy of a feed, sent to a connection a piece at a time.

    Sent whole, each connection's transport would copy whatever the client has not read
    yet: 64 slow readers of a 15 MB feed held a gigabyte. In pieces, uvicorn waits for
    each connection to drain before the next, so a connection holds at most about one
    piece beyond the copy every request shares.
    """

    def __init__(self, data: bytes, headers: dict[str, str]) -> None:
        super().__init__(b"", headers=headers)
        self.data = data

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        view = memoryview(self.data)
        size = len(view)
        for start in range(0, size, PIECE):
            end = min(start + PIECE, size)
            await send(
                {
                    "type": "http.response.body",
                    "body": bytes(view[start:end]),
                    "more_body": end < size,
                }
            )
        if size == 0:
            await send({"type": "http.response.body", "body": b""})


class Exposure(NamedTuple):
    """How the server is reached: the public address, if any, and the proxies it trusts."""

    public_url: str | None = None
    proxies: tuple[str, ...] = ()


def allowed_hosts(public_url: str | None) -> frozenset[str]:
    """The host names a request may name: the loopback names and the public URL's host."""
    names = set(LOOPBACK_NAMES)
    if public_url:
        host = urlsplit(public_url).hostname
        if host:
            names.add(host.casefold())
            if ":" in host:
                names.add(f"[{host.casefold()}]")
    return frozenset(names)


def host_name(header: str) -> str | None:
    """The name in a Host header (``example.org:8443`` -> ``example.org``), or None."""
    value = header.strip()
    if not _HOST.fullmatch(value):
        return None
    if value.startswith("["):
        return value[: value.index("]") + 1].casefold()
    name = value.rsplit(":", 1)[0] if ":" in value else value
    # "feeds.example.org." is the same name, written fully qualified.
    return name.removesuffix(".").casefold() if name != "." else None


class Guard:
    """ASGI middleware in front of the app: the Host check, bounded bodies, one-line errors.

    A request naming any host but the allowed ones gets 421 (DNS rebinding: a page on
    another site that resolves its name to 127.0.0.1 sends its own name). A request with
    a body gets 413 unless it is tiny: every route is GET or HEAD. An exception the app
    did not expect becomes a 500 and one line through ``warn``, never a traceback.
    """

    def __init__(self, app: ASGIApp, hosts: frozenset[str], warn: Warn | None = None) -> None:
        self.app = app
        self.hosts = hosts
        self.warn = warn

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host, length, chunked = b"", b"0", False
        for key, value in scope["headers"]:  # uvicorn gives the names in lower case
            if key == b"host":
                host = value
            elif key == b"content-length":
                length = value
            elif key == b"transfer-encoding":
                chunked = True
        name = host_name(host.decode("latin-1"))
        if name is None or name not in self.hosts:
            await _plain(send, 421, MISDIRECTED_TEXT)
            return
        if chunked or not (length.strip().isdigit() and int(length) <= MAX_BODY):
            await _plain(send, 413, TOO_LARGE_TEXT)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as error:  # a bug: one line in the terminal, a plain 500 outside
            if self.warn is not None:
                self.warn(f"internal error ({type(error).__name__}: {error}); please report it")
            if not started:
                await _plain(send, 500, ERROR_TEXT)


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 connection with the limits a server on the internet needs.

    uvicorn closes idle kept-alive connections but gives a client forever to send a
    request: 300 connections that send a byte a minute would each be held open. Here a
    request's head must arrive within ``timeout`` seconds of its first byte (or of the
    connection), and its body within as long again; and past ``MAX_CONNECTIONS`` the
    connection that has waited longest without a request is closed to make room, so
    slow clients cannot lock the others out. (httptools, uvicorn's C parser, costs
    about half of what h11 does per request.)
    """

    timeout = REQUEST_TIMEOUT
    limit = MAX_CONNECTIONS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._phase: str | None = None
        self._waiting_since = self.loop.time()
        self._expect("head")
        if len(self.connections) > self.limit:
            self._make_room()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._phase is None:  # the next request on a kept-alive connection
            self._expect("head")

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        if self._phase is not None:
            self._expect("body")

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._expect(None)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._waiting_since = self.loop.time()

    def connection_lost(self, exc: Exception | None) -> None:
        self._expect(None)
        super().connection_lost(exc)

    def _waiting(self) -> bool:
        """Whether the client owes the server (part of) a request: head or body."""
        return self._phase is not None

    def _expect(self, phase: str | None) -> None:
        deadline = getattr(self, "_deadline", None)
        if deadline is not None:
            deadline.cancel()
        self._deadline = None
        self._phase = phase
        if phase is not None and not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.timeout, self._too_slow)

    def _too_slow(self) -> None:
        self._deadline = None
        if self._waiting() and not self.transport.is_closing():
            self.transport.close()

    def _make_room(self) -> None:
        idle = [
            c
            for c in self.connections
            if isinstance(c, GuardedProtocol) and c._waiting() and not c.transport.is_closing()
        ]
        if not idle:
            self.transport.close()
            return
        oldest = min(idle, key=lambda c: c._waiting_since)
        oldest.transport.close()


class OneLine(logging.Formatter):
    """uvicorn's messages as one line each, without a library's traceback."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage().strip().splitlines()
        return f"afterview serve: {text[0] if text else record.levelname.lower()}"

    def formatException(self, ei: Any) -> str:
        return ""


LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"one_line": {"()": f"{__name__}.OneLine"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "one_line",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "uvicorn.error": {"level": "WARNING"},
        "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}


def serve(
    db_path: str | Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    warn: Warn,
    ready: Callable[[str], None] | None = None,
    now: Clock | None = None,
    reminder: dt.time = feed.DEFAULT_REMINDER,
    exposure: Exposure | None = None,
    timeout: float = REQUEST_TIMEOUT,
) -> None:
    """Serve the page and feed until interrupted (Ctrl+C or SIGTERM).

    Warns through ``warn`` when ``host`` is not loopback; ``ready`` gets the server's
    base address once it listens (``port`` 0 picks a free one). ``exposure`` names the
    public address and the proxies trusted for X-Forwarded-*; ``timeout`` is how long a
    client has to send a request. A damaged tracker is refused before anything listens.
    """
    with Store(db_path) as store:
        store.verify()  # damage is reported now, not spread by the first request
    if not is_loopback(host):
        warn(
            f"serving on {host}: other machines can reach this server, and its feed holds "
            "personal data (companies, names, e-mail addresses); anyone who learns a link "
            "can read it"
        )
    sock = listen(host, port)
    bound = sock.getsockname()[1]
    exposure = exposure or Exposure()
    public = exposure.public_url
    app = Guard(
        make_app(db_path, now=now, reminder=reminder, warn=warn, public_url=public),
        allowed_hosts(public),
        warn,
    )
    protocol = type("Protocol", (GuardedProtocol,), {"timeout": timeout})
    # No access log: every address on this server carries the secret token.
    config = uvicorn.Config(
        app,
        log_config=LOG_CONFIG,
        log_level="warning",
        access_log=False,
        server_header=False,
        date_header=True,
        timeout_graceful_shutdown=5,
        timeout_keep_alive=5,
        http=protocol,
        lifespan="off",
        proxy_headers=bool(exposure.proxies),
        forwarded_allow_ips=list(exposure.proxies) or None,
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
        raise AddressError(f"cannot serve on {host}: {error}", hint="--host") from None
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
        if error.errno == errno.EADDRNOTAVAIL:
            raise AddressError(
                f"cannot serve on {host}:{port}: {host} is not an address of this machine: "
                "give one of its own (or 0.0.0.0 for all of them)",
                hint="--host",
            ) from None
        if error.errno in (errno.EACCES, errno.EPERM):
            raise AddressError(
                f"cannot serve on {host}:{port}: {reason}: ports below 1024 need "
                "administrator rights; choose a higher one",
                hint="--port N",
            ) from None
        raise AddressError(
            f"cannot serve on {host}:{port}: {reason}: is another afterview server running? "
            "choose another port",
            hint="--port N",
        ) from None
    sock.set_inheritable(True)
    return sock
