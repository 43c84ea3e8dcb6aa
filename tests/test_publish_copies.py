"""A republish rewrites the last published file's changed events only, and is still exact.

Every test compares the published bytes with a full render of the same tracker at the
same moment (``publisher.render``), so a copy that is patched wrongly cannot pass.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from afterview.errors import PublishError
from afterview.publish import copies, copymaps, payload, publisher
from afterview.tracker import commands as tracker
from afterview.tracker import queries
from afterview.tracker.store import Store
from conftest import RunCli
from publishing import NOW, PERSONAL_INTERVIEW, RENDER, REPLIED_ON


def _variant(number: int) -> str:
    """The personal interview at another employer, one day later per number."""
    day = 25 + number
    names = ("Fabrikam", "Contoso", "Tailspin Toys", "Litware", "Proseware", "Adatum", "Lamna")
    text = PERSONAL_INTERVIEW.replace("Northwind Traders", names[number % len(names)])
    if day <= 30:
        return text.replace("2026-11-25T14:00:00", f"2026-11-{day:02d}T14:00:00")
    return text.replace("2026-11-25T14:00:00", f"2026-12-{day - 30:02d}T14:00:00")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A tracker of four interviews, a day apart."""
    path = tmp_path / "tracker.db"
    with Store(path) as store:
        for number in range(4):
            tracker.add(store, _variant(number), now=NOW)
    return path


def _in_london(text: str) -> str:
    """The same interview held in the employer's London office: another time zone."""
    text = text.replace('timezone = "America/New_York"', 'timezone = "Europe/London"')
    return text.replace('country = "US"\nsubdivision = "NY"', 'country = "GB"\nsubdivision = "ENG"')


def _site(tmp_path: Path) -> tuple[Path, str]:
    """A folder to publish to (as a synced folder would be), and its address."""
    folder = tmp_path / "site"
    folder.mkdir()
    return folder, f"file://{folder}"


def _ids(store: Store) -> list[str]:
    """The interviews in the order they were held (variant 0 first)."""
    return [r.id for r in sorted(store.interviews(), key=lambda r: (r.day, r.id))]


def _published(folder: Path) -> Path:
    (found,) = folder.glob("afterview-*.ics")
    return found


def _copies(store: Store) -> list[Path]:
    return sorted((publisher.state_folder(store) / publisher.COPIES).glob("copy-*.ics"))


def _changes(store: Store) -> list[Callable[[], object]]:
    """Replied, done, skipped, another zone, moved, removed, added: one after another."""
    first, second, third, fourth = _ids(store)
    return [
        lambda: tracker.set_status(store, first, "replied", on=REPLIED_ON, now=RENDER),
        lambda: tracker.done(store, second, "thank-you"),
        lambda: tracker.skip(store, fourth, "check-in-1", now=RENDER),
        lambda: tracker.edit(store, fourth, _in_london(_variant(3)), now=RENDER),
        lambda: tracker.move(store, second, "check-in-2", dt.date(2026, 12, 14), now=RENDER),
        lambda: tracker.remove(store, third, now=RENDER),
        lambda: tracker.add(store, _variant(7), now=RENDER),
    ]


@pytest.mark.parametrize("detail", ["full", "titles", "busy"])
def test_each_republish_equals_a_full_render(db: Path, tmp_path: Path, detail: str) -> None:
    """Replied, done, skipped, another zone, moved, removed, added: always exact."""
    folder, url = _site(tmp_path)
    with Store(db) as store:
        changes = _changes(store)
        publisher.publish(store, url, now=RENDER, detail=detail)
        assert _published(folder).read_bytes() == publisher.render(store, now=RENDER, detail=detail)
        for change in changes:
            change()
            publisher.publish(store, url, now=RENDER, detail=detail, check_remote=False)
            wanted = publisher.render(store, now=RENDER, detail=detail)
            assert _published(folder).read_bytes() == wanted
            (copy,) = _copies(store)  # the old copy is removed once replaced
            assert copy.read_bytes() == wanted


def test_a_small_change_patches_the_copy_without_a_full_render(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After "replied" only that interview's events are serialized and written anew."""
    folder, url = _site(tmp_path)
    with Store(db) as store:
        publisher.publish(store, url, now=RENDER, detail="full")

        def no_full_render(self: copies.Plan) -> None:
            raise AssertionError("a full render for a change to one interview")

        monkeypatch.setattr(copies.Plan, "_rendered", no_full_render)
        tracker.set_status(store, _ids(store)[0], "replied", on=REPLIED_ON, now=RENDER)
        done = publisher.publish(store, url, now=RENDER, detail="full", check_remote=False)
        assert done.sent
        wanted = publisher.render(store, now=RENDER, detail="full")
        assert _published(folder).read_bytes() == wanted
        assert b"STATUS:CANCELLED" in wanted  # the reply cancelled the check-ins


def test_a_change_that_keeps_the_bytes_sends_nothing(db: Path, tmp_path: Path) -> None:
    """Marking the thank-you done changes the event's key but not its bytes: no upload."""
    folder, url = _site(tmp_path)
    with Store(db) as store:
        publisher.publish(store, url, now=RENDER, detail="titles")
        before = _published(folder).stat().st_mtime_ns
        (copy,) = _copies(store)
        tracker.done(store, _ids(store)[1], "thank-you")
        done = publisher.publish(store, url, now=RENDER, detail="titles", check_remote=False)
        assert not done.sent
        assert _published(folder).stat().st_mtime_ns == before
        assert _copies(store) == [copy]


@pytest.mark.parametrize("damage", ["no map", "short copy", "garbled map", "no copy"])
def test_a_damaged_copy_means_a_full_render(db: Path, tmp_path: Path, damage: str) -> None:
    """The copy only saves time: a lost or damaged one never changes what is published."""
    folder, url = _site(tmp_path)
    with Store(db) as store:
        publisher.publish(store, url, now=RENDER, detail="full")
        state = publisher.state_folder(store) / publisher.COPIES
        (copy,) = _copies(store)
        (map_file,) = state.glob("*.map")
        if damage == "no map":
            map_file.unlink()
        elif damage == "short copy":
            copy.write_bytes(copy.read_bytes()[:-100])
        elif damage == "garbled map":
            map_file.write_text("{not json\n", encoding="utf-8")
        else:
            copy.unlink()
        tracker.set_status(store, _ids(store)[2], "rejected", on=REPLIED_ON, now=RENDER)
        publisher.publish(store, url, now=RENDER, detail="full", check_remote=False)
        wanted = publisher.render(store, now=RENDER, detail="full")
        assert _published(folder).read_bytes() == wanted
        (fresh,) = _copies(store)
        assert fresh.read_bytes() == wanted


def test_another_detail_level_is_rendered_in_full(db: Path, tmp_path: Path) -> None:
    """A copy made at one level of detail is never patched into another."""
    folder, url = _site(tmp_path)
    with Store(db) as store:
        publisher.publish(store, url, now=RENDER, detail="full")
        done = publisher.publish(store, url, now=RENDER, detail="busy")
        assert done.sent
        assert _published(folder).read_bytes() == publisher.render(store, now=RENDER, detail="busy")
        assert b"Dana Lee" not in _published(folder).read_bytes()


def test_cancelled_events_leave_after_their_thirty_days(db: Path, tmp_path: Path) -> None:
    """A later day drops old cancelled events: the patched copy drops them too."""
    folder, url = _site(tmp_path)
    with Store(db) as store:
        tracker.set_status(store, _ids(store)[0], "replied", on=REPLIED_ON, now=RENDER)
        publisher.publish(store, url, now=RENDER, detail="full")
        later = RENDER + dt.timedelta(days=45)
        publisher.publish(store, url, now=later, detail="full", check_remote=False)
        wanted = publisher.render(store, now=later, detail="full")
        assert _published(folder).read_bytes() == wanted
        assert len(wanted) < len(publisher.render(store, now=RENDER, detail="full"))


def test_a_stream_of_stretches_and_pieces_reads_in_order(tmp_path: Path) -> None:
    """What an upload reads equals what the thread writes, read in any block size."""
    old = tmp_path / "old.ics"
    old.write_bytes(b"0123456789abcdefghij")
    segments: list[payload.Segment] = [(0, 4), b"NEW", (10, 6), b"", b"END"]
    wanted = b"0123NEWabcdefEND"
    base = os.open(old, os.O_RDONLY)
    made = tmp_path / "new.ics"
    handle = os.open(made, os.O_WRONLY | os.O_CREAT, 0o600)
    writer = payload.Writer(base, handle, made, len(wanted), segments)
    source = payload.Source(len(wanted), segments, base, writer)
    try:
        for block in (1, 3, 5, 1 << 20):
            stream = source.stream()
            pieces = []
            while piece := stream.read(block):
                assert len(piece) <= block
                pieces.append(piece)
            assert b"".join(pieces) == wanted
            stream.seek(0)
            assert stream.read() == wanted[:4]  # one segment at a time, from the start
        assert source.path() == made
        assert made.read_bytes() == wanted
    finally:
        source.close()


def test_a_copy_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    """sftp, git and folders need the file: a failed write says so, and keeps no copy."""
    old = tmp_path / "old.ics"
    old.write_bytes(b"0123456789")
    base = os.open(old, os.O_RDONLY)
    made = tmp_path / "new.ics"
    handle = os.open(made, os.O_WRONLY | os.O_CREAT, 0o600)
    writer = payload.Writer(base, handle, made, 99, [(0, 10)])  # 10 bytes, said to be 99
    source = payload.Source(10, [(0, 10)], base, writer)
    try:
        with pytest.raises(PublishError, match="cannot write the local copy of the feed"):
            source.path()
        assert not made.exists()
        assert source.stream().read() == b"0123456789"  # the upload itself could still go
    finally:
        source.close()


def test_two_publishes_at_once_take_turns(db: Path, tmp_path: Path) -> None:
    """Two commands republishing together: one copy is left, and the file is exact."""
    folder, url = _site(tmp_path)
    with Store(db) as store:
        publisher.publish(store, url, now=RENDER, detail="full")
        first, second = _ids(store)[:2]
        tracker.set_status(store, first, "replied", on=REPLIED_ON, now=RENDER)
    errors: list[BaseException] = []

    def republish(interview_id: str) -> None:
        try:
            with Store(db) as store:
                tracker.set_status(store, interview_id, "rejected", on=REPLIED_ON, now=RENDER)
                publisher.publish(store, url, now=RENDER, detail="full", check_remote=False)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=republish, args=(i,)) for i in (second, _ids_of(db)[2])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(db) as store:
        publisher.publish(store, url, now=RENDER, detail="full", check_remote=False)
        wanted = publisher.render(store, now=RENDER, detail="full")
        assert _published(folder).read_bytes() == wanted
        (copy,) = _copies(store)
        assert copy.read_bytes() == wanted


def _ids_of(db: Path) -> list[str]:
    with Store(db) as store:
        return _ids(store)


def test_no_room_beside_the_tracker_is_one_line(run_cli: RunCli, db: Path, tmp_path: Path) -> None:
    """Publishing keeps its state beside the tracker: when it cannot, one line, exit 12."""
    folder, url = _site(tmp_path)
    (tmp_path / "tracker.db.publish").write_text("not a folder", encoding="utf-8")
    result = run_cli("publish", "--to", url, "--detail", "busy", "--db", db)
    assert result.exit_code == 12
    assert result.output.startswith("afterview: cannot write beside the tracker")
    assert len(result.output.strip().splitlines()) == 1
    assert list(folder.iterdir()) == []


def test_a_map_read_ahead_is_used_only_while_it_is_the_one_on_disk(
    db: Path, tmp_path: Path
) -> None:
    """What a forked publisher read before the change serves once, and never when stale."""
    folder, url = _site(tmp_path)
    with Store(db) as store:
        first, second, *_ = _ids(store)
        publisher.publish(store, url, now=RENDER, detail="full")
        (path,) = (publisher.state_folder(store) / publisher.COPIES).glob("*.map")
        publisher.get_ready(store.path, url)
        (ready,) = copymaps.READY.values()
        assert copymaps.load(path) is ready[1]  # unchanged: the map read ahead
        assert copymaps.load(path) is not ready[1]  # used once only
        publisher.get_ready(store.path, url)
        (ready,) = copymaps.READY.values()
        twin = path.with_suffix(".twin")
        twin.write_bytes(path.read_bytes())
        twin.replace(path)  # the same words, but another file than the one read ahead
        assert copymaps.load(path) is not ready[1]
        # Read ahead, then another process publishes (a new map and copy), then this one.
        publisher.get_ready(store.path, url)
        stale = dict(copymaps.READY)
        copymaps.READY.clear()
        tracker.set_status(store, first, "replied", on=REPLIED_ON, now=RENDER)
        publisher.publish(store, url, now=RENDER, detail="full", check_remote=False)
        copymaps.READY.update(stale)
        tracker.set_status(store, second, "rejected", on=REPLIED_ON, now=RENDER)
        publisher.publish(store, url, now=RENDER, detail="full", check_remote=False)
        assert not copymaps.READY  # looked at and refused
        assert _published(folder).read_bytes() == publisher.render(store, now=RENDER, detail="full")


def _no_key_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail where every key is read, or every line looked up, though the log says enough."""

    def refused(*_: object) -> None:
        raise AssertionError("every key read or every line looked up, where the log tells")

    monkeypatch.setattr(Store, "feed_keys", refused)
    monkeypatch.setattr(copies.Plan, "_laid_line_by_line", refused)


@pytest.mark.parametrize("few", [64, 0])
def test_the_log_of_changed_events_replaces_the_key_scan(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    """After the first publish, each republish reads only what was logged, and is exact.

    The changed events are found in the old map by a search of its text, or (as for a
    change to many events) through an index of every UID.
    """
    monkeypatch.setattr(copies, "_FEW", few)
    folder, url = _site(tmp_path)
    with Store(db) as store:
        changes = _changes(store)
        publisher.publish(store, url, now=RENDER, detail="full")
        _no_key_scan(monkeypatch)
        for change in changes:
            change()
            publisher.publish(store, url, now=RENDER, detail="full", check_remote=False)
            assert _published(folder).read_bytes() == publisher.render(
                store, now=RENDER, detail="full"
            )
        # Days later the cancelled events' 30 days have run out: found by their end date.
        later = RENDER + dt.timedelta(days=45)
        publisher.publish(store, url, now=later, detail="full", check_remote=False)
        wanted = publisher.render(store, now=later, detail="full")
        assert _published(folder).read_bytes() == wanted
        assert b"STATUS:CANCELLED" not in wanted


def test_each_kind_of_write_is_logged(db: Path) -> None:
    """The triggers log an added, changed, removed event, and a new zone of its interview."""
    with Store(db) as store:
        first, second, third, _fourth = _ids(store)

        def logged(change: Callable[[], object]) -> set[str]:
            mark = store.feed_mark()
            change()
            delta = store.feed_delta(mark, RENDER.date(), RENDER.date())
            assert delta is not None and delta[0] > mark
            return set(delta[1])

        events = {e.uid: e for e in store.events_of(first)}
        replied = logged(
            lambda: tracker.set_status(store, first, "replied", on=REPLIED_ON, now=RENDER)
        )
        assert replied and replied <= set(events)
        assert logged(lambda: tracker.done(store, second, "thank-you")) == {
            e.uid for e in store.events_of(second) if e.label == "thank-you"
        }
        everyone = {e.uid for e in store.events_of(third)}
        assert logged(lambda: tracker.edit(store, third, _in_london(_variant(2)), now=RENDER)) >= (
            everyone
        )
        removed = {e.uid for e in store.events_of(third)}
        got = store.feed_mark()
        tracker.remove(store, third, now=RENDER)
        delta = store.feed_delta(got, RENDER.date(), RENDER.date())
        assert delta is not None and removed <= set(delta[1])
        assert all(delta[1][uid] is None for uid in removed)  # no longer in the feed
        added = logged(lambda: tracker.add(store, _variant(7), now=RENDER))
        assert added and all(uid not in events for uid in added)


def test_a_log_that_no_longer_reaches_back_means_every_key_is_read(
    db: Path, tmp_path: Path
) -> None:
    """The log keeps its last 10,000 entries; an older map is checked key by key, still exact."""
    folder, url = _site(tmp_path)
    with Store(db) as store:
        first, *_ = _ids(store)
        publisher.publish(store, url, now=RENDER, detail="full")
        mark = store.feed_mark()
        with store.write():  # as if thousands of writes had come since
            store._run(
                "INSERT INTO feed_log (seq, uid) VALUES (?, 'elsewhere@afterview')",
                ((mark // 1000 + 20) * 1000,),  # a round number: the log trims itself
            )
        assert store.feed_delta(mark, RENDER.date(), RENDER.date()) is None
        assert store._one("SELECT min(seq) FROM feed_log")[0] > mark + 1  # trimmed
        tracker.set_status(store, first, "replied", on=REPLIED_ON, now=RENDER)
        publisher.publish(store, url, now=RENDER, detail="full", check_remote=False)
        assert _published(folder).read_bytes() == publisher.render(store, now=RENDER, detail="full")


_STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["replied", "rejected", "done", "skip", "move", "remove", "add", "london", "later"]
        ),
        st.integers(0, 3),
        st.integers(0, 40),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=15, deadline=None)
@given(steps=_STEPS)
def test_any_run_of_changes_republishes_exactly_from_the_log(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int, int]]
) -> None:
    """Whatever the changes and however many days pass, the log-led copy equals a render."""
    from afterview.errors import AfterviewError

    folder = tmp_path_factory.mktemp("run")
    site, url = _site(folder)
    with Store(folder / "tracker.db") as store, pytest.MonkeyPatch.context() as patch:
        for number in range(4):
            tracker.add(store, _variant(number), now=NOW)
        now = RENDER
        publisher.publish(store, url, now=now, detail="titles")
        _no_key_scan(patch)
        added = 4
        for what, which, days in steps:
            ids = _ids(store)
            chosen = ids[which % len(ids)] if ids else None
            try:
                if what in ("replied", "rejected") and chosen:
                    tracker.set_status(store, chosen, what, on=REPLIED_ON, now=now)
                elif what == "done" and chosen:
                    tracker.done(store, chosen, "thank-you")
                elif what == "skip" and chosen:
                    tracker.skip(store, chosen, "check-in-1", now=now)
                elif what == "move" and chosen:
                    day = now.date() + dt.timedelta(days=days)
                    tracker.move(store, chosen, "check-in-2", day, now=now)
                elif what == "remove" and chosen:
                    tracker.remove(store, chosen, now=now)
                elif what == "add":
                    tracker.add(store, _variant(added), now=now)
                    added += 1
                elif what == "london" and chosen:
                    text = queries.interview_text(store, chosen)
                    tracker.edit(store, chosen, _in_london(text), now=now)
                elif what == "later":
                    now += dt.timedelta(days=days)
            except AfterviewError:
                continue  # a change the tracker refuses (already replied, say): none made
            publisher.publish(store, url, now=now, detail="titles", check_remote=False)
            wanted = publisher.render(store, now=now, detail="titles")
            assert _published(site).read_bytes() == wanted, (what, which, days)


@pytest.mark.parametrize("how", ["afterview restore", "renamed in", "copied over"])
def test_an_older_tracker_put_back_is_republished_exactly(
    db: Path, tmp_path: Path, how: str
) -> None:
    """A backup put back brings an older log whose entries are numbered again from where
    it stood: the next publish must not take them for the ones published since, whether
    afterview restored it, a sync tool renamed it in, or a user copied it over the file."""
    import shutil

    from afterview.tracker.backups import backup_now
    from afterview.tracker.maintenance import restore

    folder, url = _site(tmp_path)
    with Store(db) as store:
        first, second, third, _ = _ids(store)
        publisher.publish(store, url, now=RENDER, detail="full")
        kept = backup_now(store, "test")
        tracker.set_status(store, first, "replied", on=REPLIED_ON, now=RENDER)
        publisher.publish(store, url, now=RENDER, detail="full", check_remote=False)
        published_mark = store.feed_mark()
    if how == "afterview restore":
        restore(db, 1)
    else:
        for extra in ("-wal", "-shm"):
            Path(f"{db}{extra}").unlink(missing_ok=True)
        if how == "renamed in":
            shutil.copyfile(kept, tmp_path / "synced.db")
            os.replace(tmp_path / "synced.db", db)
        else:
            shutil.copyfile(kept, db)
    with Store(db) as store:
        assert store.feed_mark() < published_mark  # the log as it stood at the backup
        # More logged changes than came after the backup: the new entries reach past
        # the mark the last publish was read at.
        tracker.set_status(store, second, "rejected", on=REPLIED_ON, now=RENDER)
        tracker.set_status(store, third, "replied", on=REPLIED_ON, now=RENDER)
        assert store.feed_mark() > published_mark
        publisher.publish(store, url, now=RENDER, detail="full", check_remote=False)
        wanted = publisher.render(store, now=RENDER, detail="full")
        assert _published(folder).read_bytes() == wanted
        assert wanted.count(b"STATUS:CANCELLED") > 0
