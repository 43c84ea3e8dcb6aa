"""Links that hand an event or the feed to a calendar: webcal, Google, Outlook, the page."""

from __future__ import annotations

import datetime as dt
import ipaddress
import zoneinfo
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from afterview.tracker.records import Action

TIMED_MINUTES = 30  # length of a timed action in an add-this-event link


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


FILENAME = "afterview.ics"


def is_loopback(host: str) -> bool:
    """Whether ``host`` only answers this machine (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]")
    if name.casefold() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
