"""Publishing the feed: render at a level of detail, compare, upload, remember.

What was published where (the file's random name, the remote version, and which local
copy of the bytes went up: see ``copies``) is kept in a small JSON file beside the
tracker database, not in the settings: it belongs to this tracker and this machine. A
republish whose bytes equal what was last published sends nothing at all; ``afterview
publish`` also asks the target for its copy's version and uploads again when someone
else changed it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from afterview.errors import PublishError
from afterview.formats import redact
from afterview.formats.files import write_atomic
from afterview.publish import copies, copymaps, feed
from afterview.publish.destinations import target_for
from afterview.publish.targets import Conflict, Remote, Target, new_name, public_address
from afterview.tracker.store import Store

STATE_SUFFIX = ".publish"
COPIES = "copies"  # the last published bytes of each target, and their maps
KEYRING_SERVICE = "afterview"  # keyring set afterview <the publish address>


@dataclass(frozen=True)
class Links:
    """How to subscribe to the published file."""

    https: str
    webcal: str
    google: str


@dataclass
class Published:
    """What one publish did."""

    where: str
    name: str
    sent: bool  # False: the target already had these bytes
    size: int
    detail: str
    warnings: list[str] = field(default_factory=list)
    retried: bool = False
    removed: str | None = None  # the old name, after --rotate
    new_name: bool = False  # a name this tracker never published under there before


def state_folder(store: Store) -> Path:
    """Where this tracker's publishing state lives: beside its database."""
    return state_folder_of(store.path)


def state_folder_of(tracker: Path) -> Path:
    """The publishing state folder of the tracker at this path."""
    return tracker.parent / (tracker.name + STATE_SUFFIX)


def get_ready(tracker: Path, url: str) -> None:
    """Read ahead what a publish to ``url`` from this tracker will need (its last map)."""
    copymaps.preload(state_folder_of(tracker) / COPIES, public_address(url))


def _state_file(store: Store) -> Path:
    return state_folder(store) / "state.json"


def load_state(store: Store) -> dict[str, dict[str, Any]]:
    """Every target's remembered state, by its address without credentials."""
    try:
        data = json.loads(_state_file(store).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_state(store: Store, state: dict[str, dict[str, Any]]) -> None:
    folder = state_folder(store)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # It names the secret files: readable by the user only, like everything here.
    data = json.dumps(state, indent=2, sort_keys=True).encode()
    write_atomic(_state_file(store), data, private=True)


def render(
    store: Store,
    *,
    now: dt.datetime,
    detail: str,
    reminder: dt.time = feed.DEFAULT_REMINDER,
    candidate: str | None = None,
) -> bytes:
    """The feed's bytes at ``detail`` (full, titles or busy)."""
    chunks = feed.feed_chunks(store, now=now, candidate=candidate, reminder=reminder)
    return b"".join(redact.redact_feed(chunks, detail))


def subscribe_links(https: str) -> Links:
    """webcal:// for Apple and Outlook, Google's add-by-URL link, and the plain link."""
    rest = https.split("://", 1)[1] if "://" in https else https
    webcal = "webcal://" + rest
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    return Links(https=https, webcal=webcal, google=google)


def public_link(url: str, name: str, link_base: str | None) -> str | None:
    """The address a calendar fetches the file from, when it can be known."""
    if link_base:
        return link_base.rstrip("/") + "/" + name
    parts = urlsplit(url)
    if parts.username:
        return None  # a folder that needs a login: calendars cannot read the file there
    if parts.scheme in ("https", "davs", "http"):
        scheme = "http" if parts.scheme == "http" else "https"
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        return f"{scheme}://{host}{port}{parts.path.rstrip('/')}/{name}"
    return None


def _target(url: str, password: str | None, store: Store) -> Target:
    target = target_for(url, password)
    use_cache = getattr(target, "use_cache", None)
    if use_cache is not None:
        use_cache(state_folder(store) / "git")
    return target


def publish(
    store: Store,
    url: str,
    *,
    now: dt.datetime,
    detail: str,
    password: str | None = None,
    reminder: dt.time = feed.DEFAULT_REMINDER,
    rotate: bool = False,
    check_remote: bool = True,
    sent: Callable[[Published], None] | None = None,
    chosen: bool = False,
) -> Published:
    """Upload the feed to ``url`` when it differs from what is there.

    ``chosen``: ``detail`` was asked for by name (``--detail``), and is remembered for
    this address (``chosen_detail``) for the publishes after changes.

    Without ``check_remote`` (a republish after a change) nothing is sent, not even a
    question, when the bytes equal the last ones published from here. ``sent`` hears
    the moment the remote file is in place, before what was published is remembered
    here (which holds the publish lock until it is done).
    """
    key = public_address(url)
    folder = state_folder(store)
    with _locked(folder):
        state = load_state(store)
        known = state.get(key, {})
        old_name = known.get("name") if isinstance(known.get("name"), str) else None
        name = new_name() if rotate or old_name is None else old_name
        plan = copies.Plan(store, folder / COPIES, key, now=now, detail=detail, reminder=reminder)
        target: Target | None = None
        try:
            if plan.surely_changed or check_remote:
                # An ssh login, say, proceeds while the changed events are serialized.
                target = _prepared(url, password, store)
            current = plan.current()
            # The copy last uploaded from here is named in the state; a copy made since
            # whose upload failed is not, so the next republish sends it.
            same_bytes = (
                current is not None and known.get("copy") == current.path.name and name == old_name
            )
            result = Published(
                where=key, name=name, sent=False, size=0, detail=detail, new_name=name != old_name
            )
            if current is not None:
                result.size = current.size
            if same_bytes and not check_remote:
                return result
            if target is None:
                target = _prepared(url, password, store)
            if old_name is None:
                result.warnings.extend(target.first_checks())
            remembered = Remote(size=int(known.get("size", -1)), etag=known.get("etag"))
            if not check_remote and name == old_name and remembered.etag:
                # A republish after a change: the upload itself is tagged with the version
                # published last, so asking for it first would only cost a request. When
                # someone else replaced the file meanwhile, the upload says Conflict below.
                remote: Remote | None = remembered
            else:
                remote = target.stat(name)
                if same_bytes and remote is not None and remote == remembered:
                    if chosen and known.get("chosen_detail") != detail:
                        state[key] = {**known, "chosen_detail": detail}
                        _save_state(store, state)
                    return result
            source = plan.write()
            try:
                try:
                    target.upload(name, source, remote)
                except Conflict:
                    # Another machine published meanwhile: write what is true now, once more.
                    source.close()
                    source = copies.Plan(
                        store, folder / COPIES, key, now=now, detail=detail, reminder=reminder
                    ).write()
                    try:
                        target.upload(name, source, target.stat(name))
                    except Conflict:
                        raise PublishError(
                            f"{key}: another publisher keeps replacing {name}: run afterview "
                            "publish again when it has finished"
                        ) from None
                    result.retried = True
                result.sent = True
                result.size = source.size
                if sent is not None:
                    sent(result)
                kept = source.finish()
            finally:
                source.close()
            after = target.stat(name)
            state[key] = {
                "name": name,
                "copy": source.path().name if kept else None,
                "size": after.size if after else source.size,
                "etag": after.etag if after else None,
                "detail": detail,
                "published": now.astimezone(dt.UTC).isoformat(),
            }
            remembered_choice = detail if chosen else known.get("chosen_detail")
            if isinstance(remembered_choice, str):
                state[key]["chosen_detail"] = remembered_choice
            _save_state(store, state)
            if old_name is not None and old_name != name:
                target.remove(old_name)
                result.removed = old_name
            return result
        finally:
            close = getattr(target, "close", None)
            if close is not None:
                close()


def _prepared(url: str, password: str | None, store: Store) -> Target:
    target = _target(url, password, store)
    prepare = getattr(target, "prepare", None)
    if prepare is not None:
        prepare()
    return target


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One publish at a time from this tracker: the state and the copies are shared."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.fdopen(
            os.open(folder / "lock", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a"
        )
    except OSError as error:
        raise PublishError(
            f"cannot write beside the tracker ({folder}: {error.strerror or error}): "
            "publishing keeps its state there; make the folder writable"
        ) from None
    try:
        import fcntl
    except ImportError:  # no advisory locks here: publishes are rare enough not to meet
        with handle:
            yield
        return
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def chosen_detail(store: Store, url: str) -> str | None:
    """The level of detail last asked for by name (``--detail``) for ``url``, if any."""
    found = load_state(store).get(public_address(url), {}).get("chosen_detail")
    return found if found in ("full", "titles", "busy") else None


def published_name(store: Store, url: str) -> str | None:
    """The file name last published to ``url`` from this tracker, if any."""
    found = load_state(store).get(public_address(url), {}).get("name")
    return found if isinstance(found, str) else None


def password_for(url: str, env_name: str | None) -> str | None:
    """The password: the environment variable ``env_name``, else the system keyring.

    A target that needs none (ssh keys, git, a folder) gets None.
    """
    if env_name:
        value = os.environ.get(env_name)
        if value is not None:
            return value
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "dav", "davs") or not parts.username:
        return None
    from afterview.keyrings import stored_password

    return stored_password(KEYRING_SERVICE, public_address(url), parts.username)


def need_password(url: str, env_name: str) -> PublishError:
    """The error for a WebDAV login without a password anywhere."""
    return PublishError(
        f"no password for {public_address(url)}: set ${env_name} (or name another variable "
        "with --password-env, or store it with: keyring set afterview "
        f"{public_address(url)})"
    )
