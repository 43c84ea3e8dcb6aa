"""The tracker's rules, on real calendars: outcomes, new timelines, moves, rounds, backups.

Dates were worked out by hand from POLICIES.md and the holidays library (0.109):
US-NY 2026: Thu 26 Nov Thanksgiving, Fri 25 Dec Christmas (Thu 24 Dec is a working day).
GB-ENG 2026: Fri 25 Dec Christmas, Sat 26 Dec Boxing Day, observed Mon 28 Dec.
The Northwind interview (standard, Wed 25 Nov, "by Friday" = Fri 27 Nov) plans check-in 1
on bd(27 Nov, 1) = Mon 30 Nov, check-in 2 on bd(30 Nov, 5) = Mon 7 Dec and the move-on
on bd(7 Dec, 5) = Mon 14 Dec.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import holidays
import pytest

from afterview.errors import PolicyError, TimelineError, TrackerError
from afterview.tracker import commands as tracker
from afterview.tracker import queries, records, tokens
from afterview.tracker.records import Action
from afterview.tracker.store import Store
from trackerdata import export_data, export_text, import_text, stored_actions

NOW = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)
D = dt.date
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def interview(
    *,
    company: str = "Northwind Traders",
    role: str = "Senior Data Engineer",
    start: str = "2026-11-25T14:00:00",
    policy: str = "standard",
    decision: str | None = "by Friday",
    candidate: str | None = None,
    people: tuple[tuple[str, str], ...] = (("Dana Lee", "dana.lee@northwind.example"),),
) -> str:
    """An interview file's text, in New York unless told otherwise."""
    lines = [
        f'company = "{company}"',
        f'role = "{role}"',
        f"start = {start}",
        'timezone = "America/New_York"',
        'country = "US"',
        'subdivision = "NY"',
        f'policy = "{policy}"',
    ]
    if decision is not None:
        lines.append(f'decision = "{decision}"')
    if candidate is not None:
        lines.append(f'candidate = "{candidate}"')
    for name, email in people:
        lines += ["", "[[interviewers]]", f'name = "{name}"', f'email = "{email}"']
    return "\n".join(lines) + "\n"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty tracker in a temporary folder."""
    with Store(tmp_path / "tracker.db") as opened:
        yield opened


def by_label(store: Store, interview_id: str) -> dict[str, Action]:
    """The current event of each label (a later timeline's wins; one person per label)."""
    found: dict[str, Action] = {}
    for action in stored_actions(store, interview_id):
        if action.status != "cancelled" or action.label not in found:
            found[action.label] = action
    return found


def test_add_list_status_remove_round_trip(store: Store) -> None:
    """An added interview is listed with its next action, ends with an outcome, and goes away."""
    added = tracker.add(store, interview(), now=NOW)
    assert len(added.id) == 6 and added.id.isalnum()
    assert [a.label for a in added.changes.added] == [
        "thank-you",
        "handwritten-note",
        "check-in-1",
        "check-in-2",
        "move-on",
    ]
    listed = queries.list_interviews(store, today=D(2026, 11, 26))
    assert [t.id for t in listed] == [added.id]
    assert listed[0].next_action is not None
    # The thank-you of Wed 25 Nov is still open on the 26th: it is next, and overdue.
    assert (listed[0].next_action.label, listed[0].next_action.date) == (
        "thank-you",
        D(2026, 11, 25),
    )
    assert listed[0].next_action is not None
    assert listed[0].next_action.date == dt.date(2026, 11, 25)
    assert listed[0].next_overdue is True
    tracker.set_status(store, added.id, "offer", on=D(2026, 12, 2), now=LATER)
    assert queries.list_interviews(store, today=D(2026, 11, 26)) == []
    everything = queries.list_interviews(store, today=D(2026, 11, 26), include_all=True)
    assert [(t.id, t.outcome, t.outcome_on) for t in everything] == [
        (added.id, "offer", D(2026, 12, 2))
    ]
    tracker.remove(store, added.id, now=LATER)
    assert queries.list_interviews(store, today=D(2026, 11, 26), include_all=True) == []
    with pytest.raises(TrackerError, match="no tracked interview"):
        tracker.remove(store, added.id, now=LATER)


def test_stored_toml_carries_the_tracker_id(store: Store) -> None:
    """The stored interview is the public TOML with its id set, so UIDs stay stable."""
    added = tracker.add(store, interview(), now=NOW)
    text = queries.interview_text(store, added.id)
    assert f'id = "{added.id}"' in text
    assert "Northwind Traders" in text


def test_adding_the_same_interview_twice_is_refused(store: Store) -> None:
    """The same company, role and start for the same person is already tracked."""
    added = tracker.add(store, interview(), now=NOW)
    with pytest.raises(TrackerError, match=f"already tracked as {added.id}"):
        tracker.add(store, interview(), now=NOW)
    tracker.add(store, interview(candidate="Alex Kim"), now=NOW)  # another person: fine


def test_replied_ends_check_ins_and_move_on_from_the_news(store: Store) -> None:
    """A reply on Tue 1 Dec cancels check-in 2 and the move-on; check-in 1 (30 Nov) stays."""
    added = tracker.add(store, interview(), now=NOW)
    before = by_label(store, added.id)
    changes = tracker.set_status(store, added.id, "replied", on=D(2026, 12, 1), now=LATER)
    assert sorted(a.label for a in changes.cancelled) == ["check-in-2", "move-on"]
    after = by_label(store, added.id)
    for label in ("check-in-2", "move-on"):
        assert after[label].status == "cancelled"
        assert after[label].uid == before[label].uid
        assert after[label].sequence == before[label].sequence + 1
    assert after["check-in-1"].status == "planned"
    assert after["check-in-1"].sequence == 0
    ended = {e.label: e.ended for e in store.events_of(added.id) if e.status == "cancelled"}
    assert ended == {"check-in-2": D(2026, 12, 1), "move-on": D(2026, 12, 1)}


def test_waiting_reopens_an_ended_interview(store: Store) -> None:
    """Recording waiting after replied brings the cancelled events back with a higher SEQUENCE."""
    added = tracker.add(store, interview(), now=NOW)
    tracker.set_status(store, added.id, "replied", on=D(2026, 12, 1), now=LATER)
    changes = tracker.set_status(store, added.id, "waiting", on=D(2026, 12, 2), now=LATER)
    assert sorted(a.label for a in changes.changed) == ["check-in-2", "move-on"]
    after = by_label(store, added.id)
    assert after["check-in-2"].status == "planned"
    assert after["check-in-2"].sequence == 2
    assert after["check-in-2"].date == D(2026, 12, 7)


def test_rejected_under_biweekly_adds_keep_on_file_on_the_next_business_day(
    store: Store,
) -> None:
    """News on Sat 26 Dec in GB-ENG: the keep-my-CV reply on Tue 29 Dec (Boxing Day observed)."""
    england = holidays.country_holidays("GB", subdiv="ENG", years=2026)
    assert D(2026, 12, 28) in england and "Boxing Day" in england[D(2026, 12, 28)]
    assert D(2026, 12, 29) not in england
    text = (SAMPLES / "biweekly-christmas.toml").read_text()
    added = tracker.add(store, text, now=NOW)
    changes = tracker.set_status(store, added.id, "rejected", on=D(2026, 12, 26), now=LATER)
    assert [(a.label, a.date, a.person) for a in changes.added] == [
        ("keep-on-file", D(2026, 12, 29), "Harriet Cole")
    ]
    assert "CV on file" in changes.added[0].title
    assert sorted(a.label for a in changes.cancelled) == [
        "check-in-1",
        "check-in-2",
        "check-in-3",
        "move-on",
    ]
    courtesies = {a.label for a in stored_actions(store, added.id) if a.status == "planned"}
    assert courtesies == {"thank-you", "handwritten-note", "linkedin", "keep-on-file"}


def test_rejected_under_standard_adds_no_reply(store: Store) -> None:
    """Only biweekly plans the keep-on-file reply; standard just ends the check-ins."""
    added = tracker.add(store, interview(), now=NOW)
    changes = tracker.set_status(store, added.id, "rejected", on=D(2026, 11, 27), now=LATER)
    assert changes.added == ()
    assert sorted(a.label for a in changes.cancelled) == ["check-in-1", "check-in-2", "move-on"]


def test_new_timeline_replans_from_the_news_date(store: Store) -> None:
    """'by Dec 10' heard on Tue 1 Dec: check-ins on Fri 11 and Fri 18 Dec, move on Mon 28 Dec."""
    new_york = holidays.country_holidays("US", subdiv="NY", years=2026)
    assert D(2026, 12, 25) in new_york and D(2026, 12, 24) not in new_york
    added = tracker.add(store, interview(), now=NOW)
    old = by_label(store, added.id)
    tracker.done(store, added.id, "check-in-1")
    changes = tracker.set_status(
        store, added.id, "waiting", on=D(2026, 12, 1), decision="by Dec 10", now=LATER
    )
    new = {(a.label, a.date) for a in changes.added}
    assert new == {
        ("check-in-1", D(2026, 12, 11)),
        ("check-in-2", D(2026, 12, 18)),
        ("move-on", D(2026, 12, 28)),  # bd(18 Dec, 5) skips Christmas
    }
    assert all("'by Dec 10' (Thu 10 Dec)" in a.reason for a in changes.added if a.number == 1)
    cancelled = {a.uid: a for a in changes.cancelled}
    assert set(cancelled) == {old["check-in-2"].uid, old["move-on"].uid}
    events = {e.uid: e for e in store.events_of(added.id)}
    assert events[old["check-in-1"].uid].status == "done"  # what happened stays
    assert events[old["check-in-1"].uid].date == D(2026, 11, 30)
    assert {events[uid].ended for uid in cancelled} == {D(2026, 12, 1)}
    upcoming = queries.next_actions(store, today=D(2026, 12, 1), days=30)
    ahead = [(a.label, a.date) for a in upcoming.actions if a.date >= D(2026, 12, 1)]
    assert ahead == [
        ("check-in-1", D(2026, 12, 11)),
        ("check-in-2", D(2026, 12, 18)),
        ("move-on", D(2026, 12, 28)),
    ]
    listed = queries.list_interviews(store, today=D(2026, 12, 1))
    assert listed[0].decision == "by Dec 10"


def test_new_timeline_phrase_counts_from_the_news_not_the_interview(store: Store) -> None:
    """'in two weeks' heard on Tue 1 Dec means Tue 15 Dec, so check-in 1 is Wed 16 Dec."""
    added = tracker.add(store, interview(), now=NOW)
    tracker.set_status(
        store, added.id, "waiting", on=D(2026, 12, 1), decision="in two weeks", now=LATER
    )
    current = by_label(store, added.id)
    assert current["check-in-1"].date == D(2026, 12, 16)
    assert current["check-in-1"].status == "planned"


def test_status_is_checked_before_anything_changes(store: Store) -> None:
    """Unknown statuses, news before the interview and dateless timelines are refused."""
    added = tracker.add(store, interview(), now=NOW)
    with pytest.raises(TrackerError, match="unknown status 'hired'"):
        tracker.set_status(store, added.id, "hired", on=D(2026, 12, 1), now=LATER)
    with pytest.raises(TrackerError, match="before the interview"):
        tracker.set_status(store, added.id, "replied", on=D(2026, 11, 20), now=LATER)
    with pytest.raises(TrackerError, match="goes with the status waiting"):
        tracker.set_status(store, added.id, "replied", on=D(2026, 12, 1), decision="x", now=LATER)
    with pytest.raises(TrackerError, match="gives no date"):
        tracker.set_status(
            store, added.id, "waiting", on=D(2026, 12, 1), decision="not sure", now=LATER
        )
    with pytest.raises(TimelineError):
        tracker.set_status(
            store, added.id, "waiting", on=D(2026, 12, 1), decision="soonish", now=LATER
        )
    assert all(a.sequence == 0 for a in stored_actions(store, added.id))


def test_done_and_skip_hide_actions_from_next(store: Store) -> None:
    """Done and skipped actions leave next; an unknown step is refused with the known ones."""
    added = tracker.add(store, interview(), now=NOW)
    today = D(2026, 11, 25)
    labels = [a.label for a in queries.next_actions(store, today=today, days=7).actions]
    assert labels == ["thank-you", "handwritten-note", "check-in-1"]
    tracker.done(store, added.id, "thank-you")
    tracker.skip(store, added.id, "handwritten-note", person="dana lee")
    labels = [a.label for a in queries.next_actions(store, today=today, days=7).actions]
    assert labels == ["check-in-1"]
    with pytest.raises(TrackerError, match=r"no step 'check-in-9'.*check-in-1"):
        tracker.done(store, added.id, "check-in-9")


def test_move_refuses_holidays_and_weekends(store: Store) -> None:
    """Thanksgiving and a Saturday are refused with the reason and the next business day."""
    added = tracker.add(store, interview(), now=NOW)
    with pytest.raises(TrackerError, match=r"Thanksgiving.*Friday 27 November 2026"):
        tracker.move(store, added.id, "check-in-1", D(2026, 11, 26), now=LATER)
    with pytest.raises(TrackerError, match=r"weekend day.*Monday 30 November 2026"):
        tracker.move(store, added.id, "check-in-1", D(2026, 11, 28), now=LATER)
    assert by_label(store, added.id)["check-in-1"].date == D(2026, 11, 30)


def test_move_refuses_check_ins_closer_than_rule_4(store: Store) -> None:
    """Check-in 2 two days after check-in 1 is refused and nothing is stored."""
    added = tracker.add(store, interview(), now=NOW)
    with pytest.raises(PolicyError, match="fewer than 3 days apart"):
        tracker.move(store, added.id, "check-in-2", D(2026, 12, 2), now=LATER)
    current = by_label(store, added.id)
    assert (current["check-in-2"].date, current["check-in-2"].moved) == (D(2026, 12, 7), False)
    moved = tracker.move(store, added.id, "check-in-2", D(2026, 12, 3), now=LATER)
    assert (moved.date, moved.sequence, moved.moved) == (D(2026, 12, 3), 1, True)
    assert "you moved it here from Mon 7 Dec" in moved.reason


def test_moved_date_is_kept_when_the_plan_is_made_again(store: Store) -> None:
    """An edit re-plans everything but keeps the date the user chose."""
    added = tracker.add(store, interview(), now=NOW)
    tracker.move(store, added.id, "check-in-2", D(2026, 12, 9), now=LATER)
    text = queries.interview_text(store, added.id).replace("Senior Data", "Principal Data")
    tracker.edit(store, added.id, text, now=LATER)
    current = by_label(store, added.id)
    assert current["check-in-2"].date == D(2026, 12, 9)
    assert "Principal Data Engineer" in json.dumps(export_data(store))


def test_move_refuses_rule_4_across_interviews_at_one_company(store: Store) -> None:
    """A move that crowds another open interview's check-in at the same company is refused."""
    first = tracker.add(store, interview(), now=NOW)
    # Tue 24 Nov, "in 9 days" = Thu 3 Dec: check-ins Fri 4 Dec and Fri 11 Dec.
    second = tracker.add(
        store,
        interview(role="Analytics Engineer", start="2026-11-24T10:00:00", decision="in 9 days"),
        now=NOW,
    )
    assert by_label(store, second.id)["check-in-2"].date == D(2026, 12, 11)
    assert queries.next_actions(store, today=D(2026, 11, 25)).warnings == ()
    with pytest.raises(PolicyError, match=f"{second.id} check-in-2 .*fewer than 3 days"):
        tracker.move(store, first.id, "check-in-2", D(2026, 12, 9), now=LATER)
    tracker.move(store, first.id, "check-in-2", D(2026, 12, 8), now=LATER)


def test_next_warns_about_two_interviews_at_one_company(store: Store) -> None:
    """Two open interviews whose check-ins land on the same day get a rule-4 warning."""
    first = tracker.add(store, interview(), now=NOW)
    second = tracker.add(
        store, interview(role="Analytics Engineer", start="2026-11-24T10:00:00"), now=NOW
    )
    agenda = queries.next_actions(store, today=D(2026, 11, 25), days=3)
    assert len(agenda.warnings) == 1
    warning = agenda.warnings[0]
    assert first.id in warning and second.id in warning
    assert "Northwind Traders" in warning and "fewer than 3 days apart" in warning
    tracker.set_status(store, second.id, "withdrawn", on=D(2026, 11, 25), now=LATER)
    assert queries.next_actions(store, today=D(2026, 11, 25), days=3).warnings == ()


def test_round_of_cancels_the_earlier_round_and_lists_rounds_together(store: Store) -> None:
    """A second round ends round 1's open check-ins from the invitation on; list pairs them."""
    other = tracker.add(
        store, interview(company="Acme", start="2026-11-23T10:00:00", decision=None), now=NOW
    )
    first = tracker.add(store, interview(), now=NOW)
    second = tracker.add(
        store,
        interview(start="2026-12-03T10:00:00", decision=None),
        round_of=first.id,
        on=D(2026, 12, 1),
        now=LATER,
    )
    assert sorted(a.label for a in second.earlier.cancelled) == ["check-in-2", "move-on"]
    old = by_label(store, first.id)
    assert old["check-in-1"].status == "planned"  # Mon 30 Nov came before the invitation
    listed = queries.list_interviews(store, today=D(2026, 12, 1), include_all=True)
    assert [(t.id, t.round) for t in listed] == [(other.id, 1), (first.id, 1), (second.id, 2)]
    assert listed[2].rounds == (first.id, second.id)
    assert listed[2].application == first.id
    open_now = queries.list_interviews(store, today=D(2026, 12, 1))
    assert [t.id for t in open_now] == [other.id, second.id]
    with pytest.raises(TrackerError, match=f"already has a next round \\({second.id}\\)"):
        tracker.add(store, interview(start="2026-12-09T10:00:00"), round_of=first.id, now=LATER)
    with pytest.raises(TrackerError, match="rounds of one application share the company"):
        tracker.add(
            store,
            interview(company="Acme", start="2026-12-09T10:00:00"),
            round_of=second.id,
            now=LATER,
        )


def test_removing_the_later_round_reopens_the_earlier_one(store: Store) -> None:
    """Removing round 2 brings back round 1's cancelled check-ins."""
    first = tracker.add(store, interview(), now=NOW)
    second = tracker.add(
        store,
        interview(start="2026-12-03T10:00:00"),
        round_of=first.id,
        on=D(2026, 12, 1),
        now=LATER,
    )
    tracker.remove(store, second.id, now=LATER)
    current = by_label(store, first.id)
    assert current["check-in-2"].status == "planned"
    assert queries.list_interviews(store, today=D(2026, 12, 1))[0].outcome is None


def test_edit_keeps_uids_and_bumps_only_what_changed(store: Store) -> None:
    """A new address for one interviewer bumps only that person's events; UIDs never change."""
    people = (("Dana Lee", "dana.lee@northwind.example"), ("Omar Haddad", "omar@northwind.example"))
    added = tracker.add(store, interview(people=people), now=NOW)
    before = {e.uid: e for e in store.events_of(added.id)}
    text = queries.interview_text(store, added.id).replace(
        "omar@northwind.example", "omar.haddad@northwind.example"
    )
    changes = tracker.edit(store, added.id, text, now=LATER)
    after = {e.uid: e for e in store.events_of(added.id)}
    assert set(after) == set(before)
    bumped = {a.uid for a in changes.changed}
    assert {after[uid].person for uid in bumped} == {"Omar Haddad"}
    assert "thank-you" in {after[uid].label for uid in bumped}
    for uid, event in after.items():
        if uid in bumped:
            assert (event.sequence, event.changed) == (1, "2026-12-01T18:00:00Z")
        else:
            assert (event.sequence, event.changed) == (0, before[uid].changed)


def test_edit_of_the_time_zone_alone_bumps_the_timed_events(store: Store) -> None:
    """Same local time in another zone is another instant: clients must see the change."""
    from afterview.formats.icsread import read_events
    from afterview.publish.feed import render_feed

    added = tracker.add(store, interview(), now=NOW)
    text = queries.interview_text(store, added.id)
    assert 'timezone = "America/New_York"' in text
    tracker.edit(store, added.id, text.replace("America/New_York", "America/Chicago"), now=LATER)
    after = {e.label: e for e in store.events_of(added.id)}
    timed = {label for label, event in after.items() if event.start}
    assert timed == {"thank-you"}  # the interview ends 15:00: a same-day thank-you at 16:00
    for label, event in after.items():
        assert event.sequence == (1 if label in timed else 0), label
    feed, _ = render_feed(store, now=LATER, cache=False)
    thanks = next(e for e in read_events(feed) if e["categories"] == ["thank-you"])
    # 16:00 on Wed 25 Nov 2026 is 21:00 UTC in New York (EST) and 22:00 UTC in Chicago (CST).
    assert thanks["start"] == dt.datetime(2026, 11, 25, 22, 0, tzinfo=dt.UTC)
    assert thanks["sequence"] == 1


def test_edit_that_drops_a_person_cancels_their_events(store: Store) -> None:
    """An interviewer taken out of the file has their thank-you and card cancelled."""
    people = (("Dana Lee", "dana.lee@northwind.example"), ("Omar Haddad", "omar@northwind.example"))
    added = tracker.add(store, interview(people=people), now=NOW)
    changes = tracker.edit(store, added.id, interview(), now=LATER)
    assert sorted((a.label, a.person) for a in changes.cancelled) == [
        ("handwritten-note", "Omar Haddad"),
        ("thank-you", "Omar Haddad"),
    ]
    with pytest.raises(TrackerError, match="you are editing"):
        tracker.edit(store, added.id, 'id = "other"\n' + interview(), now=LATER)


def two_rounds(store: Store) -> tuple[records.Added, records.Added]:
    """Alex Kim's first round at Northwind and the second round that follows it."""
    first = tracker.add(store, interview(candidate="Alex Kim"), now=NOW)
    second = tracker.add(
        store,
        interview(start="2026-12-03T10:00:00", candidate="Alex Kim"),
        round_of=first.id,
        on=D(2026, 12, 1),
        now=LATER,
    )
    return first, second


def test_export_then_import_twice_does_not_duplicate(store: Store, tmp_path: Path) -> None:
    """An export imported twice into a new tracker holds each interview once, as it was."""
    first, second = two_rounds(store)
    tracker.move(store, second.id, "check-in-1", D(2026, 12, 10), now=LATER)
    tracker.done(store, second.id, "thank-you")
    text = export_text(store)
    with Store(tmp_path / "copy.db") as copy:
        once = import_text(copy, text, now=LATER)
        twice = import_text(copy, text, now=LATER)
        assert sorted(once.added) == sorted([first.id, second.id]) and once.skipped == ()
        assert twice.added == () and sorted(twice.skipped) == sorted([first.id, second.id])
        assert len(copy.interview_ids()) == 2
        assert export_text(copy) == text
        assert copy.get_interview(second.id) == store.get_interview(second.id)
    assert import_text(store, text, now=LATER).added == ()


def test_import_reads_older_exports_and_later_rounds_that_come_first(
    store: Store, tmp_path: Path
) -> None:
    """An export with its keys sorted (version last), rounds in any order, imports the same."""
    first, second = two_rounds(store)
    data = export_data(store)
    assert [item["id"] for item in data["interviews"]] == [first.id, second.id]
    data["interviews"].reverse()  # the later round first: it waits for its earlier one
    older = json.dumps(data, indent=2, sort_keys=True)
    assert older.rstrip().endswith('"version": 1\n}')
    with Store(tmp_path / "copy.db") as copy:
        done = import_text(copy, older, now=LATER)
        assert sorted(done.added) == sorted([first.id, second.id])
        assert copy.get_interview(second.id) == store.get_interview(second.id)
        assert export_text(copy) == export_text(store)


def test_import_names_a_newer_version_before_its_damaged_entries(store: Store) -> None:
    """A file of a later version, version key last, is refused for its version, adding nothing."""
    newer = {
        "format": "afterview-tracker",
        "interviews": [{"id": "x", "shape": "of version 2"}],
        "version": 2,
    }
    with pytest.raises(TrackerError, match="export version 2, this afterview reads version 1"):
        import_text(store, json.dumps(newer, sort_keys=True), now=LATER)
    assert store.interview_ids() == set()


def test_feed_tokens_travel_only_when_asked(store: Store, tmp_path: Path) -> None:
    """Tokens stay out of an export unless included, and an import never replaces one in use."""
    tracker.add(store, interview(candidate="Alex Kim"), now=NOW)
    token = tokens.feed_token(store, "Alex Kim", now=NOW)
    assert token not in export_text(store)
    with Store(tmp_path / "copy.db") as copy:
        import_text(copy, export_text(store, include_tokens=True), now=LATER)
        assert tokens.feed_token(copy, "Alex Kim", now=LATER) == token
    with Store(tmp_path / "other.db") as other:
        tracker.add(other, interview(candidate="Alex Kim", role="Other"), now=NOW)
        own = tokens.feed_token(other, "Alex Kim", now=NOW)
        import_text(other, export_text(store, include_tokens=True), now=LATER)
        assert tokens.feed_token(other, "Alex Kim", now=LATER) == own


def test_import_refuses_files_that_are_not_exports(store: Store) -> None:
    """Random JSON, broken JSON and damaged entries are refused with a TrackerError."""
    with pytest.raises(TrackerError, match="not an afterview export"):
        import_text(store, '{"hello": 1}', now=LATER)
    with pytest.raises(TrackerError, match="not JSON"):
        import_text(store, "{", now=LATER)
    bad = {"format": "afterview-tracker", "version": 1, "interviews": [{"id": "x"}]}
    with pytest.raises(TrackerError, match="damaged entry"):
        import_text(store, bad, now=LATER)


def test_candidates_filter_listings_and_each_gets_a_token(store: Store) -> None:
    """Coaches see one candidate at a time, and each candidate's feed has its own secret."""
    alex = tracker.add(store, interview(candidate="Alex Kim"), now=NOW)
    sam = tracker.add(store, interview(company="Acme", candidate="Sam Roe"), now=NOW)
    listed = queries.list_interviews(store, today=D(2026, 11, 25), candidate="alex kim")
    assert [t.id for t in listed] == [alex.id]
    upcoming = queries.next_actions(store, today=D(2026, 11, 25), candidate="Sam Roe")
    assert {a.interview_id for a in upcoming.actions} == {sam.id}
    assert upcoming.actions[0].title.startswith("Sam Roe: ")
    everyone = tokens.feed_token(store, now=NOW)
    for_alex = tokens.feed_token(store, "Alex Kim", now=NOW)
    assert len({everyone, for_alex}) == 2
    assert len(everyone) >= 22  # token_urlsafe: 6 bits a character, so at least 128 bits
    assert tokens.feed_token(store, "ALEX KIM", now=NOW) == for_alex
    rotated = tokens.feed_token(store, "Alex Kim", now=NOW, rotate=True)
    assert rotated != for_alex
    assert tokens.scope_of_token(store, for_alex) is None
    scope = tokens.scope_of_token(store, rotated)
    assert scope is not None and scope.candidate == "Alex Kim"
    everyone_scope = tokens.scope_of_token(store, everyone)
    assert everyone_scope is not None and everyone_scope.candidate is None
    with pytest.raises(TrackerError, match="candidates are Alex Kim, Sam Roe"):
        tokens.feed_token(store, "Alx Kim", now=NOW)


def test_unknown_id_lists_the_known_ones(store: Store) -> None:
    """A mistyped id is refused with the ids that exist."""
    added = tracker.add(store, interview(), now=NOW)
    with pytest.raises(TrackerError, match=f"no tracked interview 'zzzzzz'.*{added.id}"):
        stored_actions(store, "zzzzzz")


def test_moved_check_in_takes_later_steps_and_their_reasons_along(store: Store) -> None:
    """Moving check-in 1 re-counts check-in 2 and the move-on from the new date."""
    added = tracker.add(store, interview(), now=NOW)
    tracker.move(store, added.id, "check-in-1", D(2026, 12, 2), now=LATER)
    current = by_label(store, added.id)
    # bd(Wed 2 Dec, 5): Thu 3, Fri 4, Mon 7, Tue 8, Wed 9 Dec; bd(Wed 9 Dec, 5): Thu 10,
    # Fri 11, Mon 14, Tue 15, Wed 16 Dec.
    assert current["check-in-2"].date == D(2026, 12, 9)
    assert "check-in 1 (Wed 2 Dec)" in current["check-in-2"].reason
    assert current["move-on"].date == D(2026, 12, 16)
    assert "check-in 2 (Wed 9 Dec)" in current["move-on"].reason


def test_move_on_before_an_open_check_in_is_refused(store: Store) -> None:
    """A move-on date put before an open check-in is refused, and nothing changes."""
    added = tracker.add(store, interview(), now=NOW)
    with pytest.raises(TrackerError, match=r"check-in-2 \(Mon 7 Dec\) would not come before"):
        tracker.move(store, added.id, "move-on", D(2026, 12, 4), now=LATER)
    assert by_label(store, added.id)["move-on"].date == D(2026, 12, 14)


def test_check_in_after_a_moved_move_on_is_refused(store: Store) -> None:
    """A check-in moved past a move-on date the user chose is refused."""
    added = tracker.add(store, interview(), now=NOW)
    tracker.move(store, added.id, "move-on", D(2026, 12, 10), now=LATER)
    with pytest.raises(TrackerError, match="move the move-on date later first"):
        tracker.move(store, added.id, "check-in-2", D(2026, 12, 11), now=LATER)
    assert by_label(store, added.id)["check-in-2"].date == D(2026, 12, 7)


def test_list_shows_the_earliest_open_action_marked_overdue(store: Store) -> None:
    """A missed check-in stays the next action, marked overdue, until done or skipped."""
    added = tracker.add(store, interview(), now=NOW)
    for label in ("thank-you", "handwritten-note"):
        tracker.done(store, added.id, label)
    # Check-in 1 is Mon 30 Nov; on Wed 2 Dec it is still open.
    (late,) = queries.list_interviews(store, today=D(2026, 12, 2))
    assert late.next_action is not None
    assert (late.next_action.label, late.next_overdue) == ("check-in-1", True)
    (early,) = queries.list_interviews(store, today=D(2026, 11, 30))
    assert (early.next_action and early.next_action.label, early.next_overdue) == (
        "check-in-1",
        False,
    )
