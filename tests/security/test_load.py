"""Under load the server keeps one rendered copy: the page once per change, feeds in pieces."""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest

from afterview.publish import web
from afterview.tracker import commands as tracker
from afterview.tracker import tokens
from afterview.tracker.store import Store

from .helpers import NOW, TIMEOUT, interview, serving

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

LATER = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)


def test_the_page_is_rendered_once_per_change_of_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Repeated views share one rendering until someone writes to the tracker."""
    db = tmp_path / "tracker.db"
    with Store(db) as store:
        added = tracker.add(store, interview("Northwind Traders"), now=NOW)
        token = tokens.feed_token(store, now=NOW)
    renders: list[int] = []
    real = web.render_page  # type: ignore[attr-defined]

    def counted(*args: Any, **kwargs: Any) -> str:
        renders.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(web, "render_page", counted)
    client = TestClient(web.make_app(db, now=lambda: LATER))
    first = client.get(f"/{token}/")
    for _ in range(5):
        again = client.get(f"/{token}/")
        assert again.status_code == 200 and again.content == first.content
    assert renders == [1]
    with Store(db) as store:
        tracker.set_status(store, added.id, "replied", on=LATER.date(), now=LATER)
    changed = client.get(f"/{token}/")
    assert changed.status_code == 200 and changed.content != first.content
    assert renders == [1, 1]


def test_a_feed_larger_than_one_piece_arrives_whole(tmp_path: Path) -> None:
    """A feed sent in 64 KB pieces has every byte, its Content-Length and its ETag."""
    db = tmp_path / "tracker.db"
    with Store(db) as store:
        for number in range(30):
            tracker.add(store, interview(f"Company {number:02d}"), now=NOW)
        token = tokens.feed_token(store, now=NOW)
    with serving(db) as server, httpx.Client(base_url=server.base, timeout=TIMEOUT) as http:
        first = http.get(f"/feed/{token}.ics")
        second = http.get(f"/feed/{token}.ics")  # from memory this time
    assert len(first.content) > 2 * web.PIECE
    for answer in (first, second):
        assert answer.status_code == 200
        assert answer.headers["content-length"] == str(len(first.content))
        assert answer.headers["etag"] == f'"{hashlib.sha256(answer.content).hexdigest()}"'
    assert first.content == second.content
    assert first.content.rstrip().endswith(b"END:VCALENDAR")
