"""The secret page in a real browser: headless Chromium against afterview serve on loopback.

``make browser`` installs Chromium when it is missing; without it this test fails, it does
not skip. Set AFTERVIEW_SCREENSHOT=docs/page.png to keep the screenshot for the README.
"""

from __future__ import annotations

import datetime as dt
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from afterview.tracker import commands as tracker
from afterview.tracker import tokens
from afterview.tracker.store import Store

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60.0
SIZE = (1000, 900)
PHONE = (390, 844)  # a phone's width in CSS pixels
SERVE = (
    "import sys\n"
    "from afterview.publish.web import serve\n"
    "serve(sys.argv[1], '127.0.0.1', 0, warn=lambda m: print(m, file=sys.stderr),\n"
    "      ready=lambda url: print(url, flush=True))\n"
)


def interview(company: str, role: str, day: dt.date, candidate: str | None = None) -> str:
    """An interview two days ago in New York, so the coming weeks hold its follow-ups."""
    who = f'candidate = "{candidate}"\n' if candidate else ""
    return (
        f'company = "{company}"\nrole = "{role}"\nstart = {day.isoformat()}T14:00:00\n'
        'timezone = "America/New_York"\ncountry = "US"\nsubdivision = "NY"\n'
        f'decision = "in two weeks"\n{who}\n'
        '[[interviewers]]\nname = "Dana Lee"\nemail = "dana.lee@example.com"\n'
    )


class Anchors(HTMLParser):
    """The links of a page by id."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, str] = {}
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.count += 1
            if values.get("id"):
                self.by_id[str(values["id"])] = str(values["href"])


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with no network beyond loopback and no profile of the user's."""
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    # Its own process group, so a timeout stops the renderer and helpers along with it.
    browser = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = browser.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(browser.pid, signal.SIGKILL)
        browser.communicate(timeout=TIMEOUT)
        pytest.fail(f"Chromium did not finish within {TIMEOUT:.0f} s")
    return subprocess.CompletedProcess(command, browser.returncode, out, err)


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_page_renders_in_chromium_with_working_subscribe_links(tmp_path: Path) -> None:
    """Chromium renders the page from the real server; its DOM holds the subscribe links."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make browser` (installs the Debian package)")
    day = dt.date.today() - dt.timedelta(days=2)
    path = tmp_path / "tracker.db"
    with Store(path) as store:
        now = dt.datetime.now(dt.UTC)
        tracker.add(store, interview("Northwind Traders", "Senior Data Engineer", day), now=now)
        tracker.add(store, interview("Contoso", "Analytics Lead", day, "Sam Roe"), now=now)
        token = tokens.feed_token(store, now=now)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        ready, _, _ = select.select([server.stdout], [], [], TIMEOUT)
        assert ready, "afterview serve did not start"
        base = server.stdout.readline().strip()
        assert base, f"afterview serve stopped: {server.communicate(timeout=TIMEOUT)[1][-2000:]}"
        page = f"{base}/{token}/"
        dom = chromium(tmp_path / "profile", "--dump-dom", page)
        shot = tmp_path / "page.png"
        width, height = SIZE
        picture = chromium(
            tmp_path / "profile", f"--screenshot={shot}", f"--window-size={width},{height}", page
        )
        phone_shot = tmp_path / "page-phone.png"
        phone_width, phone_height = PHONE
        phone = chromium(
            tmp_path / "profile",
            f"--screenshot={phone_shot}",
            f"--window-size={phone_width},{phone_height}",
            page,
        )
    finally:
        server.terminate()
        try:
            server.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate(timeout=TIMEOUT)
    assert dom.returncode == 0, dom.stderr[-2000:]
    anchors = Anchors()
    anchors.feed(dom.stdout)
    feed_url = f"{base}/feed/{token}.ics"
    assert anchors.by_id["subscribe"] == "webcal://" + feed_url.split("://", 1)[1]
    assert anchors.by_id["download"] == feed_url
    # Google cannot fetch a loopback feed: no button hands it the secret address.
    assert "google" not in anchors.by_id and "google-https" not in anchors.by_id
    assert "calendar/r?cid=" not in dom.stdout
    assert "Northwind Traders" in dom.stdout and "Only this computer can subscribe" in dom.stdout
    assert anchors.count > 4  # the add-this-event links of the coming actions too
    assert picture.returncode == 0, picture.stderr[-2000:]
    assert png_size(shot) == SIZE
    assert phone.returncode == 0, phone.stderr[-2000:]
    assert png_size(phone_shot) == PHONE
    phone_keep = os.environ.get("AFTERVIEW_PHONE_SCREENSHOT")
    if phone_keep:
        target = Path(phone_keep) if Path(phone_keep).is_absolute() else ROOT / phone_keep
        shutil.copyfile(phone_shot, target)
    keep = os.environ.get("AFTERVIEW_SCREENSHOT")
    if keep:
        target = Path(keep) if Path(keep).is_absolute() else ROOT / keep
        shutil.copyfile(shot, target)
