"""afterview serve: every route in-process, the conditional feed, and the real server."""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import select
import socket
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from ical.calendar_stream import IcsCalendarStream

from afterview.errors import AfterviewError
from afterview.publish import feed, links, web
from afterview.tracker import commands as tracker
from afterview.tracker import queries, records, tokens
from afterview.tracker.store import Store, Version

with warnings.catch_warnings():
    # Starlette asks for httpx2 and warns when it finds httpx; the test client works the same.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

NOW = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)
RENDER = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)
FEED_TYPE = "text/calendar; charset=utf-8"
TIMEOUT = 15.0


def interview(
    company: str, role: str = "Senior Data Engineer", candidate: str | None = None
) -> str:
    """A New York interview on 25 November 2026 with one interviewer."""
    who = f'candidate = "{candidate}"\n' if candidate else ""
    return (
        f'company = "{company}"\nrole = "{role}"\nstart = 2026-11-25T14:00:00\n'
        'timezone = "America/New_York"\ncountry = "US"\nsubdivision = "NY"\n'
        f'decision = "by Friday"\n{who}\n'
        '[[interviewers]]\nname = "Dana Lee"\nemail = "dana.lee@northwind.example"\n'
    )


@dataclass
class Tracker:
    """A tracker on disk with two interviews and the tokens that open it."""

    path: Path
    everyone: str
    sam: str
    northwind: str
    acme: str


@dataclass
class Clock:
    """A clock a test can move."""

    now: dt.datetime = RENDER

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def tracked(tmp_path: Path) -> Tracker:
    """Northwind for nobody in particular and Acme for Sam Roe, with both feed tokens."""
    path = tmp_path / "tracker.db"
    with Store(path) as store:
        northwind = tracker.add(store, interview("Northwind Traders"), now=NOW).id
        acme = tracker.add(store, interview("Acme Rockets", candidate="Sam Roe"), now=NOW).id
        everyone = tokens.feed_token(store, now=NOW)
        sam = tokens.feed_token(store, "Sam Roe", now=NOW)
    return Tracker(path, everyone, sam, northwind, acme)


@pytest.fixture
def clock() -> Clock:
    """The server's clock, on 2 December 2026 unless a test moves it."""
    return Clock()


@pytest.fixture
def client(tracked: Tracker, clock: Clock) -> Iterator[TestClient]:
    """The app in-process, over the tracker."""
    with TestClient(web.make_app(tracked.path, now=clock)) as test_client:
        yield test_client


def _http_date(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(dt.UTC), usegmt=True)


class Links(HTMLParser):
    """Every link of a page, and the ids of those that have one."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.by_id: dict[str, str] = {}
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        href = values.get("href")
        if tag == "a" and href:
            self.hrefs.append(href)
            if values.get("id"):
                self.by_id[str(values["id"])] = href


def links_of(text: str) -> Links:
    """The page's links, parsed as a browser would."""
    parser = Links()
    parser.feed(text)
    parser.close()
    return parser


# ---------------------------------------------------------------------------- routes


def test_root_says_only_that_this_is_an_afterview_server(client: TestClient) -> None:
    """GET / answers 200 in plain text, with no company, candidate or token in it."""
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "This is an afterview server.\n"


def test_feed_is_served_with_the_headers_clients_need(client: TestClient, tracked: Tracker) -> None:
    """The feed is text/calendar UTF-8 with a strong ETag of its bytes and the data's date."""
    response = client.get(f"/feed/{tracked.everyone}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == FEED_TYPE
    assert response.headers["etag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    assert response.headers["last-modified"] == _http_date(NOW)  # when the data changed
    assert response.headers["cache-control"].startswith("private, max-age=")
    assert response.headers["content-disposition"] == 'inline; filename="afterview.ics"'
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    # What the tracker holds, read by a second parser from what the server sent.
    with Store(tracked.path) as store:
        stored = {
            (e.uid, e.step, e.date)
            for interview_id in store.interview_ids()
            for e in store.events_of(interview_id)
        }
    served = IcsCalendarStream.calendar_from_ics(response.text).events
    assert len(served) == 10
    assert {(e.uid, e.categories[0], _local_day(e.dtstart)) for e in served} == stored


def _local_day(start: object) -> dt.date:
    """An all-day event's date, or a timed one's date in New York (the fixture's zone)."""
    if isinstance(start, dt.datetime):
        return start.astimezone(ZoneInfo("America/New_York")).date()
    assert isinstance(start, dt.date)
    return start


def test_unchanged_feed_keeps_its_bytes_etag_and_date(
    client: TestClient, tracked: Tracker, clock: Clock
) -> None:
    """Later requests for unchanged data get the very same bytes (DTSTAMP too) and ETag."""
    first = client.get(f"/feed/{tracked.everyone}.ics")
    clock.now = RENDER + dt.timedelta(hours=5)
    second = client.get(f"/feed/{tracked.everyone}.ics")
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["last-modified"] == first.headers["last-modified"] == _http_date(NOW)


def test_if_none_match_answers_304_for_the_current_etag(
    client: TestClient, tracked: Tracker
) -> None:
    """A matching tag, a list holding it, its weak form or * give 304 with the ETag, no body."""
    url = f"/feed/{tracked.everyone}.ics"
    etag = client.get(url).headers["etag"]
    for header in (etag, f'"nope", {etag}', f"W/{etag}", "*"):
        response = client.get(url, headers={"If-None-Match": header})
        assert response.status_code == 304, header
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["last-modified"] == _http_date(NOW)
        assert response.headers["cache-control"].startswith("private, max-age=")
    stale = client.get(url, headers={"If-None-Match": '"0123", W/"abc"'})
    assert stale.status_code == 200 and stale.headers["etag"] == etag


def test_if_none_match_wins_over_if_modified_since(client: TestClient, tracked: Tracker) -> None:
    """With a stale ETag the feed comes back in full even if the date says unchanged."""
    response = client.get(
        f"/feed/{tracked.everyone}.ics",
        headers={"If-None-Match": '"old"', "If-Modified-Since": _http_date(RENDER)},
    )
    assert response.status_code == 200
    assert response.content


def test_if_modified_since_answers_304_until_the_data_changes(
    client: TestClient, tracked: Tracker, clock: Clock
) -> None:
    """If-Modified-Since at or after the last change gives 304; a change gives the new feed."""
    url = f"/feed/{tracked.everyone}.ics"
    first = client.get(url)
    assert client.get(url, headers={"If-Modified-Since": _http_date(NOW)}).status_code == 304
    before = _http_date(NOW - dt.timedelta(seconds=1))
    assert client.get(url, headers={"If-Modified-Since": before}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": "yesterday-ish"}).status_code == 200
    with Store(tracked.path) as store:
        tracker.set_status(store, tracked.northwind, "replied", on=dt.date(2026, 12, 1), now=LATER)
    clock.now = LATER + dt.timedelta(hours=1)
    changed = client.get(url, headers={"If-Modified-Since": _http_date(NOW)})
    assert changed.status_code == 200
    assert changed.headers["last-modified"] == _http_date(LATER)
    assert changed.headers["etag"] != first.headers["etag"]
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200


def test_head_gives_the_get_headers_without_a_body(client: TestClient, tracked: Tracker) -> None:
    """HEAD on the feed answers with the same headers as GET and no body."""
    url = f"/feed/{tracked.everyone}.ics"
    got = client.get(url)
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    for name in ("content-type", "etag", "last-modified", "cache-control", "content-disposition"):
        assert head.headers[name] == got.headers[name]
    assert head.headers["content-length"] == str(len(got.content))
    etag = got.headers["etag"]
    assert client.head(url, headers={"If-None-Match": etag}).status_code == 304


def test_wrong_tokens_get_one_identical_404(client: TestClient, tracked: Tracker) -> None:
    """Any wrong token, near miss or unknown address gets the same 404 that tells nothing."""
    token = tracked.everyone
    near = token[:-1] + ("A" if token[-1] != "A" else "B")
    wrong = [near, token[:-1], token + "x", token.upper(), "x", "feed", "%00"]
    paths = [f"/feed/{w}.ics" for w in wrong] + [f"/{w}/" for w in wrong]
    paths += ["/nothing/here", f"/feed/{token}", "/favicon.ico"]
    answers = {
        (r.status_code, r.headers["content-type"], r.content) for r in map(client.get, paths)
    }
    assert answers == {(404, "text/plain; charset=utf-8", b"Not Found\n")}
    # Without the final slash every address is sent to the one with it, right token or not.
    right, wrong_one = (client.get(f"/{t}", follow_redirects=False) for t in (token, near))
    assert right.status_code == wrong_one.status_code == 307
    assert right.content == wrong_one.content
    assert right.headers["location"] == f"/{token}/"
    assert wrong_one.headers["location"] == f"/{near}/"


def test_slash_redirect_never_names_a_scheme_or_host(tracked: Tracker) -> None:
    """Behind an https proxy the page's redirect must not send the token to http://.

    The answer is the path alone, so the client keeps its own https, host and port;
    a Host header (forged or not) never goes into it. Names that are no token's shape
    get the plain 404, not a redirect to one.
    """
    token = tracked.everyone
    app = web.make_app(tracked.path, now=lambda: RENDER, public_url="https://feeds.example.org")
    with TestClient(app, base_url="http://feeds.example.org") as client:
        for host in ("feeds.example.org", "feeds.example.org:8080", "evil.example"):
            answer = client.get(f"/{token}", headers={"Host": host}, follow_redirects=False)
            assert (answer.status_code, answer.headers["location"]) == (307, f"/{token}/")
        assert client.get(f"/{token}", follow_redirects=True).status_code == 200
        for path in ("/robots.txt", "/favicon.ico", "/x", f"/feed/{token}.ics/"):
            answer = client.get(path, follow_redirects=False)
            assert (answer.status_code, answer.content) == (404, b"Not Found\n"), path


def test_candidate_token_opens_only_their_interviews(client: TestClient, tracked: Tracker) -> None:
    """Sam's token shows Sam's Acme interview in feed and page, never Northwind."""
    feed_text = client.get(f"/feed/{tracked.sam}.ics").text
    page = client.get(f"/{tracked.sam}/").text
    for text in (feed_text, page):
        assert "Acme Rockets" in text
        assert "Northwind" not in text
    assert "Follow-ups: Sam Roe (afterview)" in page
    everyone = client.get(f"/{tracked.everyone}/").text
    assert "Acme Rockets" in everyone and "Northwind Traders" in everyone


# ---------------------------------------------------------------------------- the page


def test_page_lists_open_interviews_and_next_actions(client: TestClient, tracked: Tracker) -> None:
    """The page shows each open interview with its next action, and the coming actions."""
    response = client.get(f"/{tracked.everyone}/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    with Store(tracked.path) as store:
        agenda = queries.next_actions(store, today=RENDER.date(), days=30)
    assert agenda.actions
    for action in agenda.actions:
        assert action.title.replace("'", "&#x27;") in page
    assert "Sam Roe" in page and "Senior Data Engineer" in page
    assert "Only this computer can subscribe" not in page  # testserver is not loopback
    parsed = links_of(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert "<link" not in page and "src=" not in page  # nothing loaded from elsewhere


def test_page_escapes_html_in_what_the_user_typed(tmp_path: Path) -> None:
    """A company name holding <script> is shown as text, never run."""
    path = tmp_path / "tracker.db"
    with Store(path) as store:
        tracker.add(store, interview("<script>alert(1)</script> & Sons", role="'QA' <b>"), now=NOW)
        token = tokens.feed_token(store, now=NOW)
    with TestClient(web.make_app(path, now=lambda: RENDER)) as client:
        page = client.get(f"/{token}/").text
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons" in page
    assert "&#x27;QA&#x27; &lt;b&gt;" in page
    assert "script" not in links_of(page).tags


def test_page_links_are_well_formed(tracked: Tracker) -> None:
    """Subscribe, Google, download and each add-this-event link parse into the right parts."""
    token = tracked.everyone
    app = web.make_app(tracked.path, now=lambda: RENDER, public_url="http://calendar.example:8443")
    with TestClient(app) as client:
        page = client.get(f"/{token}/").text
    links = links_of(page)
    feed_path = f"/feed/{token}.ics"
    subscribe = urlsplit(links.by_id["subscribe"])
    assert (subscribe.scheme, subscribe.netloc, subscribe.path) == (
        "webcal",
        "calendar.example:8443",
        feed_path,
    )
    download = urlsplit(links.by_id["download"])
    assert (download.scheme, download.netloc, download.path) == (
        "http",
        "calendar.example:8443",
        feed_path,
    )
    for key, scheme in (("google", "webcal"), ("google-https", "http")):
        google = urlsplit(links.by_id[key])
        assert (google.scheme, google.netloc, google.path) == (
            "https",
            "calendar.google.com",
            "/calendar/r",
        )
        assert parse_qs(google.query)["cid"] == [f"{scheme}://calendar.example:8443{feed_path}"]
    events = [urlsplit(h) for h in links.hrefs if "action=TEMPLATE" in h]
    outlook = [urlsplit(h) for h in links.hrefs if "outlook.live.com" in h]
    assert events and len(events) == len(outlook)
    for google, ms in zip(events, outlook, strict=True):
        gq = {k: v[0] for k, v in parse_qs(google.query, strict_parsing=True).items()}
        assert google.netloc == "calendar.google.com" and google.path == "/calendar/render"
        first, last = gq["dates"].split("/")
        assert gq["text"] and "Why this date" in gq["details"]
        oq = {k: v[0] for k, v in parse_qs(ms.query, strict_parsing=True).items()}
        assert ms.path == "/calendar/0/deeplink/compose"
        assert oq["subject"] == gq["text"]
        if "T" in first:  # a timed action (a thank-you still open), in the interview's zone
            begin = dt.datetime.strptime(first, "%Y%m%dT%H%M%S")
            assert dt.datetime.strptime(last, "%Y%m%dT%H%M%S") > begin
            assert gq["ctz"] and oq["allday"] == "false"
            assert oq["startdt"].endswith("Z") and oq["enddt"] > oq["startdt"]
            continue
        start, end = (dt.datetime.strptime(d, "%Y%m%d").date() for d in (first, last))
        assert end == start + dt.timedelta(days=1)  # an all-day event ends the next day
        assert oq["allday"] == "true"
        assert dt.date.fromisoformat(oq["startdt"]) == start
        assert dt.date.fromisoformat(oq["enddt"]) == end
    assert token in page  # the page's own links carry the token; nothing else may


def test_page_ignores_a_host_header_that_is_no_host(client: TestClient, tracked: Tracker) -> None:
    """A Host header holding markup is not copied into links: the server's address is used."""
    page = client.get(f"/{tracked.everyone}/", headers={"Host": 'evil.example"><i>x</i>'}).text
    assert "evil.example" not in page and "<i>" not in page
    assert urlsplit(links_of(page).by_id["download"]).netloc == "testserver"


def test_page_explains_that_a_loopback_feed_stays_on_this_machine(
    client: TestClient, tracked: Tracker
) -> None:
    """Served on 127.0.0.1, the page says only this computer can subscribe, and how to publish."""
    page = client.get(f"/{tracked.everyone}/", headers={"Host": "127.0.0.1:8765"}).text
    assert "Only this computer can subscribe" in page
    assert "tunnel" in page and "afterview push" in page


def test_timed_actions_link_to_their_local_time() -> None:
    """A timed action's links carry its local time and zone, not a whole day."""
    action = records.Action(
        interview_id="abc",
        uid="u@afterview",
        label="debrief",
        step="debrief",
        number=0,
        person=None,
        date=dt.date(2026, 11, 25),
        time=dt.time(15, 30),
        title="Write down what you learned",
        reason="right after the interview",
        status="planned",
        sequence=0,
        company="Northwind",
        role="Engineer",
        candidate=None,
        moved=False,
    )
    google = parse_qs(urlsplit(links.google_link(action, "America/New_York", "x")).query)
    assert google["dates"] == ["20261125T153000/20261125T160000"]
    assert google["ctz"] == ["America/New_York"]
    outlook = parse_qs(urlsplit(links.outlook_link(action, "America/New_York", "x")).query)
    assert outlook["startdt"] == ["2026-11-25T20:30:00Z"]  # 15:30 in New York is 20:30 UTC
    assert outlook["allday"] == ["false"]


def test_two_changes_in_one_second_never_get_a_304_by_date(tracked: Tracker) -> None:
    """A client that fetched between two changes stamped in the same second must get the
    second feed: the date is not told (nor believed) until the last change is an hour old."""
    changed_at = dt.datetime(2026, 12, 1, 18, 0, 0, tzinfo=dt.UTC)
    clock = Clock(changed_at + dt.timedelta(milliseconds=300))
    with Store(tracked.path) as store:
        tracker.skip(store, tracked.northwind, "handwritten-note", now=changed_at)
    url = f"/feed/{tracked.everyone}.ics"
    with TestClient(web.make_app(tracked.path, now=clock)) as client:
        first = client.get(url)
        assert "last-modified" not in first.headers and first.headers["etag"]
        with Store(tracked.path) as store:  # the same second, another change
            tracker.skip(store, tracked.northwind, "check-in-2", now=changed_at)
        clock.now = changed_at + dt.timedelta(milliseconds=800)
        since = {"If-Modified-Since": _http_date(changed_at)}
        second = client.get(url, headers=since)
        assert second.status_code == 200 and second.content != first.content
        # An hour on, the date is told and believed again.
        clock.now = changed_at + web.SETTLE
        settled = client.get(url)
        assert settled.headers["last-modified"] == _http_date(changed_at)
        assert client.get(url, headers=since).status_code == 304
        # A date later than the server's clock was never sent by it: ignored.
        future = {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
        assert client.get(url, headers=future).status_code == 200


def test_conditional_helpers_follow_rfc_9110() -> None:
    """Weak comparison for If-None-Match; HTTP dates compared to the second."""
    assert web.etag_matches('W/"a", "b"', '"a"')
    assert not web.etag_matches('"ab"', '"a"')
    assert not web.etag_matches("", '"a"')
    changed = dt.datetime(2026, 11, 25, 20, 0, 0, 500000, tzinfo=dt.UTC)
    assert web.not_modified_since("Wed, 25 Nov 2026 20:00:00 GMT", changed)
    assert not web.not_modified_since("Wed, 25 Nov 2026 19:59:59 GMT", changed)
    assert not web.not_modified_since("not a date", changed)
    assert not web.not_modified_since("Wed, 25 Nov 2026 20:00:00 GMT", None)


def test_feed_links_for_the_token_command() -> None:
    """feed_links builds every address from a base URL; IPv6 hosts get brackets."""
    made = links.feed_links(links.base_url("::1", 8765), "tok")
    assert made.page == "http://[::1]:8765/tok/"
    assert made.feed == "http://[::1]:8765/feed/tok.ics"
    assert made.webcal == "webcal://[::1]:8765/feed/tok.ics"
    assert links.base_url("example.org", 443, "https") == "https://example.org"
    assert links.is_loopback("127.0.0.1") and links.is_loopback("localhost")
    assert links.is_loopback("[::1]") and not links.is_loopback("0.0.0.0")


# ---------------------------------------------------------------------------- serve


def test_serve_warns_before_binding_anything_but_loopback(tracked: Tracker) -> None:
    """A non-loopback host is warned about; an address it cannot bind is a one-line error."""
    heard: list[str] = []
    with pytest.raises(AfterviewError) as caught:
        web.serve(tracked.path, "192.0.2.1", 8765, warn=heard.append)  # TEST-NET: not ours
    assert len(heard) == 1 and "personal data" in heard[0]
    assert "\n" not in str(caught.value) and "192.0.2.1:8765" in str(caught.value)
    # The address is not this machine's: the fix is another --host, not another port.
    assert "not an address of this machine" in str(caught.value)
    assert caught.value.hint == "--host"


def test_serve_reports_a_taken_port(tracked: Tracker) -> None:
    """A port already in use is a clear error, and loopback gets no warning."""
    heard: list[str] = []
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(AfterviewError, match="choose another port"):
            web.serve(tracked.path, "127.0.0.1", port, warn=heard.append)
    assert heard == []


SERVE = (
    "import sys\n"
    "from afterview.publish.web import serve\n"
    "serve(sys.argv[1], '127.0.0.1', 0, warn=lambda m: print(m, file=sys.stderr),\n"
    "      ready=lambda url: print(url, flush=True))\n"
)


def _start(path: Path) -> tuple[subprocess.Popen[str], str]:
    """Run afterview's server in a subprocess on a free loopback port; its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], TIMEOUT)
    if not ready:
        _stop(process)
        pytest.fail("afterview serve did not start within the timeout")
    base = process.stdout.readline().strip()
    if not base:
        pytest.fail(f"afterview serve stopped: {_stop(process)[-2000:]}")
    return process, base


def _stop(process: subprocess.Popen[str]) -> str:
    """Stop the server (SIGTERM, then SIGKILL) and return what it wrote to stderr."""
    process.terminate()
    try:
        _, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate(timeout=TIMEOUT)
    return err


def test_real_server_serves_the_feed_on_loopback(tracked: Tracker) -> None:
    """uvicorn on a free 127.0.0.1 port serves the feed, answers 304, logs no token, stops."""
    process, base = _start(tracked.path)
    try:
        assert base.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=base, timeout=TIMEOUT) as http:
            assert http.get("/").text == "This is an afterview server.\n"
            response = http.get(f"/feed/{tracked.everyone}.ics")
            assert response.status_code == 200
            assert response.headers["content-type"] == FEED_TYPE
            etag = response.headers["etag"]
            assert etag == f'"{hashlib.sha256(response.content).hexdigest()}"'
            again = http.get(f"/feed/{tracked.everyone}.ics", headers={"If-None-Match": etag})
            assert again.status_code == 304 and again.content == b""
            head = http.head(f"/feed/{tracked.everyone}.ics")
            assert head.status_code == 200 and head.content == b""
            assert head.headers["content-length"] == str(len(response.content))
            assert http.get(f"/{tracked.everyone}/").status_code == 200
            assert http.get("/wrong/").status_code == 404
    finally:
        err = _stop(process)
    assert process.returncode is not None
    assert tracked.everyone not in err  # no access log of secret addresses


def count_renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, a 1 in the returned list for every render of a feed."""
    renders: list[int] = []
    real = feed.render_feed

    def counted(*args: Any, **kwargs: Any) -> Any:
        renders.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(feed, "render_feed", counted)
    return renders


def test_repeated_304_needs_no_render_until_someone_writes(
    client: TestClient, tracked: Tracker, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 304 is answered from memory while the data and the day stay the same."""
    url = f"/feed/{tracked.everyone}.ics"
    first = client.get(url)
    etag = first.headers["etag"]
    client.get(url, headers={"If-None-Match": etag})  # settles the server's cache writes
    renders = count_renders(monkeypatch)
    for _ in range(5):
        answer = client.get(url, headers={"If-None-Match": etag})
        assert answer.status_code == 304 and answer.headers["etag"] == etag
    assert renders == []
    # Another process writes: the next request renders and sees the change.
    with Store(tracked.path) as store:
        tracker.set_status(store, tracked.northwind, "replied", on=dt.date(2026, 12, 1), now=LATER)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert renders == [1]
    # A new day can drop old cancelled events: it renders again too.
    settled = client.get(url, headers={"If-None-Match": changed.headers["etag"]})
    assert settled.status_code in (200, 304)
    count = len(renders)
    clock.now = clock.now + dt.timedelta(days=1)
    client.get(url, headers={"If-None-Match": changed.headers["etag"]})
    assert len(renders) == count + 1


def test_repeated_full_answer_comes_from_memory_until_someone_writes(
    client: TestClient, tracked: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without conditional headers the same bytes come back from memory, until a write."""
    url = f"/feed/{tracked.everyone}.ics"
    client.get(url)
    first = client.get(url)  # the first render filled the event cache: a write of its own
    renders = count_renders(monkeypatch)
    for _ in range(3):
        again = client.get(url)
        assert again.status_code == 200 and again.content == first.content
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["content-type"] == "text/calendar; charset=utf-8"
    head = client.head(url)
    assert head.headers["content-length"] == str(len(first.content)) and head.content == b""
    assert renders == []
    with Store(tracked.path) as store:
        tracker.set_status(store, tracked.northwind, "replied", on=dt.date(2026, 12, 1), now=LATER)
    changed = client.get(url)
    assert changed.status_code == 200 and changed.content != first.content
    assert renders == [1]


def test_feeds_beyond_the_memory_budget_are_rendered_each_time(
    tracked: Tracker, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A feed bigger than the budget is not kept; a 304 still needs no render."""
    client = TestClient(web.make_app(tracked.path, now=clock, memory=100))  # below any feed
    url = f"/feed/{tracked.everyone}.ics"
    client.get(url)
    first = client.get(url)
    renders = count_renders(monkeypatch)
    assert client.get(url).content == first.content
    assert client.get(url).content == first.content
    assert renders == [1, 1]
    assert client.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert renders == [1, 1]


def test_memory_keeps_the_feeds_asked_for_most_recently() -> None:
    """The budget drops the bytes of the least recently asked feed first, never its ETag."""
    info = feed.FeedInfo(etag="e", last_modified=None, events=1, size=40)
    key = (Version(1, 1), dt.date(2026, 12, 1))
    known = {
        "old": web._Answer(key, info, b"a" * 40),
        "mid": web._Answer(key, info, b"b" * 40),
        "new": web._Answer(key, info, b"c" * 40),
    }
    web._keep_within(known, 100)
    assert [known[t].data is not None for t in ("old", "mid", "new")] == [False, True, True]
    assert known["old"].info == info
    web._keep_within(known, 39)
    assert all(answer.data is None for answer in known.values())


def test_rotated_token_is_404_even_after_a_remembered_304(
    client: TestClient, tracked: Tracker
) -> None:
    """Replacing the token ends the old links at once, whatever the server remembers."""
    url = f"/feed/{tracked.everyone}.ics"
    etag = client.get(url).headers["etag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    with Store(tracked.path) as store:
        tokens.feed_token(store, now=LATER, rotate=True)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 404


def test_the_listening_socket_turns_nagle_off_for_every_connection() -> None:
    """asyncio sets TCP_NODELAY only on sockets that say TCP; a response written in pieces
    would otherwise wait for the client's delayed ACK on a kept-alive connection."""
    import socket as sockets

    server = web.listen("127.0.0.1", 0)
    try:
        client = sockets.create_connection(server.getsockname()[:2], timeout=TIMEOUT)
        accepted, _ = server.accept()
        with client, accepted:
            assert accepted.proto == sockets.IPPROTO_TCP
            assert accepted.getsockopt(sockets.IPPROTO_TCP, sockets.TCP_NODELAY) != 0
    finally:
        server.close()
