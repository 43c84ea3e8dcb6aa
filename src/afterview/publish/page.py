"""The private page: subscribe buttons, the open interviews and the next 30 days, as HTML.

Plain HTML with its own small style sheet and no script; every value is escaped.
"""

from __future__ import annotations

import datetime as dt
import html

from afterview.publish import feed
from afterview.publish.links import FILENAME, FeedLinks, google_link, is_loopback, outlook_link
from afterview.tracker.records import Action, FeedScope, Tracked

AGENDA_DAYS = 30


_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0;
  color: #1d2430; background: #f6f7f9; }
main { max-width: 58rem; margin: 0 auto; padding: 1.25rem 1.5rem; }
.overdue { color: #a4262c; }
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
.buttons a.button { min-height: 44px; box-sizing: border-box; padding: .7rem 1rem;
  line-height: 1.3; }
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
@media (max-width: 40rem) {
  main { padding: .75rem; }
  section { padding: .75rem; }
  .buttons { flex-direction: column; }
  .buttons a.button { display: block; text-align: center; font-size: 1rem; }
  table, thead, tbody, tr, th, td { display: block; }
  thead { display: none; }
  tr { border-bottom: 1px solid #e5e8ec; padding: .4rem 0; }
  td { border: 0; padding: .1rem 0; }
  td.when, td.add { white-space: normal; }
  a.small { display: inline-block; min-height: 36px; padding: .45rem .7rem; margin: .2rem 0; }
}
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
    today: dt.date | None = None,
    *,
    public: bool = False,
) -> str:
    """The page of one token: subscribe buttons, open interviews, the coming actions.

    With ``today``, actions dated before it (still open) are marked overdue.
    ``public`` says Google can fetch the feed's address (a public URL): only then does
    the page offer the buttons that hand that address, token and all, to Google.
    """
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
        _subscribe_section(links, hostname, public),
        _interviews_section(open_ones),
        _actions_section(actions, zones, today),
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _subscribe_section(links: FeedLinks, hostname: str, public: bool) -> str:
    buttons = [_button(links.webcal, "Subscribe", "button primary", ' id="subscribe"')]
    google = ""
    if public:
        buttons += [
            _button(links.google_webcal, "Add to Google Calendar", extra=' id="google"'),
            _button(links.google_https, "Google Calendar (https link)", extra=' id="google-https"'),
        ]
        google = (
            '<p class="note" id="google-holds">The Google Calendar buttons give Google this '
            "feed's secret address: from then on Google holds the link and reads the feed "
            "from its servers. To take that back, replace the link with "
            "<code>afterview token --rotate</code>.</p>"
        )
    buttons.append(
        _button(links.feed, "Download .ics", extra=f' id="download" download="{FILENAME}"')
    )
    google_how = (
        "Google Calendar: if one button does not work, try the other, or add it by hand "
        "under Other calendars, +, From URL. "
        if public
        else "Google Calendar needs an address its servers can reach (see below). "
    )
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
            f"<code>webcal://</code>). {google_how}Outlook.com: Add "
            "calendar, Subscribe from web, with this address: "
            f'<code class="url">{_e(links.feed)}</code>. Subscribed calendars refresh on '
            "their own (Google every 12 to 24 hours); a downloaded file does not.</p>",
            google,
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
        if item.next_overdue:
            when += _OVERDUE
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


_OVERDUE = ' <strong class="overdue">overdue</strong>'


def _actions_section(
    actions: tuple[Action, ...], zones: dict[str, str], today: dt.date | None = None
) -> str:
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
        late = _OVERDUE if today is not None and action.date < today else ""
        rows.append(
            f'<tr><td class="when">{_e(_when(action))}{late}</td><td>{_e(action.title)}<br>'
            f'<span class="note">{_e(action.company)}, {_e(action.role)}</span></td>'
            f'<td class="add">{add}</td></tr>'
        )
    return (
        head + '<p class="note">Already subscribed? These are in your calendar. Otherwise '
        "add one at a time:</p><table><thead><tr><th>Date</th><th>Action</th>"
        "<th>Add this event</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>"
    )
