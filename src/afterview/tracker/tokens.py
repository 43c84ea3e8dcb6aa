"""The secret tokens that open the live feed: everyone's, or one candidate's."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from afterview.errors import TrackerError
from afterview.formats.eventcodec import stamp_of
from afterview.tracker.records import FeedScope
from afterview.tracker.store import Store, key_of

TOKEN_BYTES = 24  # 192 bits


def feed_token(
    store: Store, candidate: str | None = None, *, now: dt.datetime, rotate: bool = False
) -> str:
    """The secret in a feed's address (everyone's, or one candidate's); made on first use."""
    with store.write():
        if candidate is not None and key_of(candidate) is not None:
            names = store.candidates()
            if key_of(candidate) not in {key_of(n) for n in names}:
                known = ", ".join(names) if names else "none yet"
                raise TrackerError(
                    f"no tracked interview is for candidate '{candidate}': candidates are "
                    f'{known} (set candidate = "..." in the interview file)'
                )
        current = store.get_token(candidate)
        if current is not None and not rotate:
            return current
        token = secrets.token_urlsafe(TOKEN_BYTES)
        store.set_token(candidate, token, stamp_of(now))
        return token


def scope_of_token(store: Store, token: str) -> FeedScope | None:
    """Whose feed a token opens, or None; compared in constant time."""
    found: FeedScope | None = None
    with store.read():
        pairs = store.tokens()
        names = {key_of(n): n for n in store.candidates()}
    for scope, known in pairs:
        if hmac.compare_digest(known.encode(), token.encode()):
            found = FeedScope(None if scope is None else names.get(scope, scope))
    return found
