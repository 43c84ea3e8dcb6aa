"""``afterview serve``: the secret page and the subscribable feed over HTTP.

The only module that imports starlette and uvicorn. Everything with personal data
lives under the secret token: ``/<token>/`` is a small page with subscribe and
add-to-calendar links, ``/feed/<token>.ics`` the feed. A wrong token gets the same
404 as any unknown address, and ``/`` only says what answers. The feed's bytes only
change when the data does, so its ETag and Last-Modified let clients ask cheaply
("has it changed?") and never get a 304 for a feed that did change.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import ipaddress
import re
import socket
import threading
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from afterview.errors import AfterviewError
from afterview.publish import feed
from afterview.tracker.queries import list_interviews, next_actions
from afterview.tracker.records import Action, FeedScope, Tracked
from afterview.tracker.store import ChangeWatcher, Store
from afterview.tracker.tokens import scope_of_token

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MAX_AGE = 300  # seconds a client may reuse the feed before asking again (with its ETag)
# Rendered feeds the server keeps to answer again while nothing changed (about 1,000
# interviews' worth); a bigger feed is rendered for each full answer.
FEED_MEMORY = 64 * 1024 * 1024
AGENDA_DAYS = 30
TIMED_MINUTES = 30  # length of a timed action in an add-this-event link
FEED_TYPE = "text/calendar; charset=utf-8"
FILENAME = "afterview.ics"
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


# ---------------------------------------------------------------------------- links


@dataclass(frozen=True)
class FeedLinks:
    """Every address of one token's page and feed, for the page and ``afterview token``."""

    page: str
    feed: str  # http(s): download, outlook.com
    webcal: str  # Apple Calendar subscribes with webcal:// only
    google_webcal: str
    google_https: str


def base_url(host: str, port: int, scheme: str = "http") -> str:
    """``http://127.0.0.1:8765``: brackets around an IPv6 address, no default port."""
    name = f"[{host}]" if ":" in host and not host.startswith("[") else host
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{name}" if port == default else f"{scheme}://{name}:{port}"


def feed_links(base: str, token: str) -> FeedLinks:
    """The page and feed addresses of ``token`` on the server at ``base`` (scheme://host)."""
    base = base.rstrip("/")
    secret = quote(token, safe="")
    feed_url = f"{base}/feed/{secret}.ics"
    webcal = "webcal://" + feed_url.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid="
    return FeedLinks(
        page=f"{base}/{secret}/",
        feed=feed_url,
        webcal=webcal,
        google_webcal=google + quote(webcal, safe=""),
        google_https=google + quote(feed_url, safe=""),
    )


def google_link(action: Action, timezone: str | None, details: str) -> str:
    """Google Calendar's add-this-event address for one action."""
    params = {"action": "TEMPLATE", "text": action.title}
    if action.time is not None and timezone:
        start = dt.datetime.combine(action.date, action.time)
        end = start + dt.timedelta(minutes=TIMED_MINUTES)
        params["dates"] = f"{start:%Y%m%dT%H%M%S}/{end:%Y%m%dT%H%M%S}"
        params["ctz"] = timezone
    else:
        end_day = action.date + dt.timedelta(days=1)  # all-day ends are exclusive
        params["dates"] = f"{action.date:%Y%m%d}/{end_day:%Y%m%d}"
    params["details"] = details
    return "https://calendar.google.com/calendar/render?" + urlencode(params, quote_via=quote)


def outlook_link(action: Action, timezone: str | None, details: str) -> str:
    """Outlook on the web's add-this-event address for one action."""
    params = {"path": "/calendar/action/compose", "rru": "addevent", "subject": action.title}
    if action.time is not None and timezone:
        zone = zoneinfo.ZoneInfo(timezone)
        start = dt.datetime.combine(action.date, action.time, tzinfo=zone).astimezone(dt.UTC)
        end = start + dt.timedelta(minutes=TIMED_MINUTES)
        params |= {
            "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}",
            "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}",
            "allday": "false",
        }
    else:
        # An end equal to the start makes Outlook say the event ends before it starts.
        end_day = action.date + dt.timedelta(days=1)
        params |= {
            "startdt": action.date.isoformat(),
            "enddt": end_day.isoformat(),
            "allday": "true",
        }
    params["body"] = details
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(
        params, quote_via=quote
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` only answers this machine (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]")
    if name.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------------------- HTTP details


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


# ---------------------------------------------------------------------------- the app


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
        text = render_page(scope, tracked, agenda.actions, links, request.url.hostname or "")
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


# ---------------------------------------------------------------------------- the page

_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0;
  color: #1d2430; background: #f6f7f9; }
main { max-width: 58rem; margin: 0 auto; padding: 1.25rem 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
p { margin: .5rem 0; }
p.lead { margin: 0 0 1rem; color: #4a5568; }
section { background: #fff; border: 1px solid #dde2e8; border-radius: 8px; padding: .9rem 1.2rem;
  margin-bottom: 1rem; }
.buttons { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0; padding: 0;
  list-style: none; }
a.button { display: inline-block; padding: .4rem .8rem; border-radius: 6px;
  border: 1px solid #2b6cb0; color: #2b6cb0; text-decoration: none; font-weight: 600; }
a.button.primary { background: #2b6cb0; color: #fff; }
a.small { font-size: .8rem; padding: .15rem .5rem; font-weight: 500; }
a.button:focus, a.button:hover { outline: 2px solid #90cdf4; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e5e8ec;
  vertical-align: top; }
th { font-size: .8rem; color: #4a5568; }
td.when, td.add { white-space: nowrap; }
.note { font-size: .875rem; color: #4a5568; }
code { font-size: .8rem; background: #f0f2f5; padding: 0 .2rem; white-space: nowrap; }
code.url { white-space: normal; word-break: break-all; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _button(href: str, label: str, classes: str = "button", extra: str = "") -> str:
    return (
        f'<a class="{classes}" href="{_e(href)}" rel="noreferrer noopener"{extra}>{_e(label)}</a>'
    )


def _when(action: Action) -> str:
    text = f"{action.date:%a} {action.date.day} {action.date:%b} {action.date.year}"
    return f"{text}, {action.time:%H:%M}" if action.time else text


def _details(action: Action) -> str:
    who = f" ({action.candidate})" if action.candidate else ""
    return (
        f"{action.company}, {action.role}{who}. Why this date: {action.reason}. "
        "Planned with afterview; the subscribed feed keeps it up to date."
    )


def render_page(
    scope: FeedScope,
    tracked: list[Tracked],
    actions: tuple[Action, ...],
    links: FeedLinks,
    hostname: str,
) -> str:
    """The page of one token: subscribe buttons, open interviews, the coming actions."""
    title = feed.feed_name(scope.candidate)
    zones = {t.id: t.timezone for t in tracked}
    open_ones = [t for t in tracked if t.is_open]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="robots" content="noindex, nofollow">',
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head>",
        "<body><main>",
        f"<h1>{_e(title)}</h1>",
        '<p class="lead">Your interview follow-ups as a calendar that keeps itself up to date.'
        " Keep this page's address private: it opens your interviews to anyone who has it.</p>",
        _subscribe_section(links, hostname),
        _interviews_section(open_ones),
        _actions_section(actions, zones),
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _subscribe_section(links: FeedLinks, hostname: str) -> str:
    buttons = [
        _button(links.webcal, "Subscribe", "button primary", ' id="subscribe"'),
        _button(links.google_webcal, "Add to Google Calendar", extra=' id="google"'),
        _button(links.google_https, "Google Calendar (https link)", extra=' id="google-https"'),
        _button(links.feed, "Download .ics", extra=f' id="download" download="{FILENAME}"'),
    ]
    local = ""
    if is_loopback(hostname):
        local = (
            '<p class="note"><strong>Only this computer can subscribe</strong>: the feed is '
            "served on this machine's loopback address. Google Calendar fetches feeds from "
            "its own servers, so to use it there publish the feed: write it to a static file "
            "host with <code>afterview feed -o</code>, reach this server through a tunnel, or "
            "copy the events to a CalDAV server with <code>afterview push</code>.</p>"
        )
    return "\n".join(
        [
            '<section aria-labelledby="calendar-heading">',
            '<h2 id="calendar-heading">Put it in your calendar</h2>',
            '<ul class="buttons">' + "".join(f"<li>{b}</li>" for b in buttons) + "</ul>",
            '<p class="note">Subscribe opens Apple Calendar (and other apps that take '
            "<code>webcal://</code>). Google Calendar: if one button does not work, try the "
            "other, or add it by hand under Other calendars, +, From URL. Outlook.com: Add "
            "calendar, Subscribe from web, with this address: "
            f'<code class="url">{_e(links.feed)}</code>. Subscribed calendars refresh on '
            "their own (Google every 12 to 24 hours); a downloaded file does not.</p>",
            local,
            "</section>",
        ]
    )


def _interviews_section(open_ones: list[Tracked]) -> str:
    head = '<section aria-labelledby="open-heading"><h2 id="open-heading">Open interviews</h2>'
    if not open_ones:
        return head + "<p>No open interviews.</p></section>"
    rows = []
    for item in open_ones:
        action = item.next_action
        next_text = _e(action.title) if action else "nothing planned"
        when = _e(_when(action)) if action else ""
        rows.append(
            f"<tr><td>{_e(item.company)}</td><td>{_e(item.role)}</td>"
            f"<td>{_e(item.candidate or '')}</td><td>{next_text}</td>"
            f'<td class="when">{when}</td></tr>'
        )
    return (
        head + "<table><thead><tr><th>Company</th><th>Role</th><th>Candidate</th>"
        "<th>Next action</th><th>Date</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
    )


def _actions_section(actions: tuple[Action, ...], zones: dict[str, str]) -> str:
    head = (
        '<section aria-labelledby="next-heading">'
        f'<h2 id="next-heading">Next {AGENDA_DAYS} days</h2>'
    )
    if not actions:
        return head + f"<p>Nothing to do in the next {AGENDA_DAYS} days.</p></section>"
    rows = []
    for action in actions:
        zone = zones.get(action.interview_id)
        details = _details(action)
        add = (
            _button(google_link(action, zone, details), "Google Calendar", "button small")
            + " "
            + _button(outlook_link(action, zone, details), "Outlook", "button small")
        )
        rows.append(
            f'<tr><td class="when">{_e(_when(action))}</td><td>{_e(action.title)}<br>'
            f'<span class="note">{_e(action.company)}, {_e(action.role)}</span></td>'
            f'<td class="add">{add}</td></tr>'
        )
    return (
        head + '<p class="note">Already subscribed? These are in your calendar. Otherwise '
        "add one at a time:</p><table><thead><tr><th>Date</th><th>Action</th>"
        "<th>Add this event</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>"
    )


# ---------------------------------------------------------------------------- serving


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
            f"cannot serve on {host}:{port}: {reason} (is another afterview serve running? "
            "choose another --port)"
        ) from None
    sock.set_inheritable(True)
    return sock


__all__ = [
    "FeedLinks",
    "base_url",
    "etag_matches",
    "feed_links",
    "google_link",
    "is_loopback",
    "listen",
    "make_app",
    "not_modified_since",
    "outlook_link",
    "render_page",
    "serve",
]
