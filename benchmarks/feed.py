"""Feed benchmark: a large tracker's live feed next to what icalendar alone costs.

Every figure is a ratio to a floor measured in the same run, from runs that alternate
with the floor's (so machine noise hits both alike), as medians:

- bulk: a cold full render of the feed (``feed.write_feed(cache=False)``, what
  ``afterview feed`` runs) of a store loaded with ``backup.import_file`` (what
  ``afterview import`` runs), streamed to a file, vs. the floor: icalendar alone
  building and serializing the same events one at a time from a precomputed list of
  their property values and streaming them to a file. Target: ratio <= 1.20. The two
  files are compared byte for byte, so the floor really made the same events. Each
  run is a child process; its peak RSS (getrusage) is reported beside the RSS of the
  same process before rendering. Target: peak RSS < 150 MB.
- incremental: one ``status`` change, then the cached render
  (``write_feed(cache=True)``), vs. the full render. Target: <= 5 % of it, and byte
  for byte what a full render gives (checked after the last change).
- business days: the cost of one ``bd()`` and one ``roll()`` with the working days
  cached, vs. the floor: a binary search in a precomputed sorted list of the same
  working days; with what a day-by-day walk asking the holidays library costs, what
  working out one new year costs, and the share of a plan spent on business days.

The tracker is generated (seeded): interviews in 19 countries and regions (China's
make-up working days, Friday-Saturday weekends), the five built-in policies, decision
phrases, one to four interviewers, candidates, later rounds, outcomes, new timelines,
done, skipped and moved steps; added with ``tracker.add``, exported with
``backup.write_export`` and imported into a fresh store.

Usage: python benchmarks/feed.py [--interviews N] [--runs R] [--seed S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import gc
import io
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zoneinfo
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from pathlib import Path
from typing import Any

from afterview.core import businessdays
from afterview.errors import AfterviewError
from afterview.formats import eventcodec, ics
from afterview.formats.interviewfile import parse_interview
from afterview.policies import plan_interview
from afterview.publish import feed
from afterview.tracker import backup
from afterview.tracker import commands as tracker
from afterview.tracker.store import Store

RENDER_NOW = dt.datetime(2027, 3, 1, 7, 0, tzinfo=dt.UTC)
FIRST_DAY = dt.date(2026, 1, 5)
SPAN_DAYS = 700
BULK_TARGET = 1.20
RSS_TARGET_MB = 150
INCREMENTAL_TARGET = 0.05

# (country, subdivision, time zone, weight)
PLACES: tuple[tuple[str, str | None, str, int], ...] = (
    ("US", None, "America/Chicago", 8),
    ("US", "NY", "America/New_York", 10),
    ("US", "CA", "America/Los_Angeles", 8),
    ("GB", "ENG", "Europe/London", 8),
    ("GB", "SCT", "Europe/London", 2),
    ("DE", "BY", "Europe/Berlin", 5),
    ("FR", None, "Europe/Paris", 4),
    ("NL", None, "Europe/Amsterdam", 3),
    ("CN", None, "Asia/Shanghai", 5),
    ("SA", None, "Asia/Riyadh", 3),
    ("AE", None, "Asia/Dubai", 3),
    ("IN", None, "Asia/Kolkata", 5),
    ("JP", None, "Asia/Tokyo", 3),
    ("SG", None, "Asia/Singapore", 3),
    ("KR", None, "Asia/Seoul", 2),
    ("BR", None, "America/Sao_Paulo", 3),
    ("CA", "ON", "America/Toronto", 4),
    ("AU", "NSW", "Australia/Sydney", 4),
    ("IL", None, "Asia/Jerusalem", 1),
)
POLICIES = (
    ("standard", 40),
    ("biweekly", 15),
    ("deadline", 15),
    ("minimal", 15),
    ("three-strikes", 15),
)
DECISIONS = (
    (None, 25),
    ("by Friday", 12),
    ("in two weeks", 12),
    ("a few days", 10),
    ("end of the week", 8),
    ("next week", 8),
    ("in 10 business days", 8),
    ("end of the month", 5),
    ("+iso", 12),  # a written date, 3 to 20 days after the interview
)
CANDIDATES = ("Alex Kim", "Sam Roe", "Priya Nair", "Jonas Berg", "Mei Chen", "Omar Haddad")
FIRST_NAMES = ("Dana", "Omar", "Li", "Maria", "Kofi", "Anna", "Ravi", "Yuki", "Sara", "Tom")
LAST_NAMES = ("Lee", "Haddad", "Wei", "Gonzalez", "Mensah", "Novak", "Iyer", "Sato", "Berg")
TITLES = ("Engineering Manager", "Staff Engineer", "Recruiter", "Director of Data", None)
TOPICS = ("streaming pipelines", "on-call rotation", "data modelling", "SQL performance")
ROLES = ("Data Engineer", "Backend Engineer", "Product Analyst", "SRE", "ML Engineer")


def pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    """One value of (value, weight) pairs."""
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


# ---------------------------------------------------------------------------- generation


def interview_toml(
    rng: random.Random, number: int, company: str, day: dt.date, candidate: bool = True
) -> str:
    """One interview file, as a user would write it."""
    country, subdivision, zone, _weight = rng.choices(PLACES, weights=[p[3] for p in PLACES])[0]
    hour = rng.randrange(8, 18)
    minutes = rng.choice((45, 60, 60, 90))
    start = dt.datetime.combine(day, dt.time(hour, rng.choice((0, 30))))
    end = start + dt.timedelta(minutes=minutes)
    lines = [
        f'company = "{company}"',
        f'role = "{rng.choice(ROLES)} {number}"',
        f"start = {start:%Y-%m-%dT%H:%M:%S}",
        f"end = {end:%Y-%m-%dT%H:%M:%S}",
        f'timezone = "{zone}"',
        f'country = "{country}"',
        f'policy = "{pick(rng, POLICIES)}"',
    ]
    if subdivision:
        lines.append(f'subdivision = "{subdivision}"')
    decision = pick(rng, DECISIONS)
    if decision == "+iso":
        decision = (day + dt.timedelta(days=rng.randrange(3, 21))).isoformat()
    if decision:
        lines.append(f'decision = "{decision}"')
    if candidate and rng.random() < 0.3:
        lines.append(f'candidate = "{rng.choice(CANDIDATES)}"')
    if rng.random() < 0.1:
        lines.append('channel = "phone"')
    if rng.random() < 0.05:
        lines.append(f"blackout = [{(day + dt.timedelta(days=rng.randrange(1, 15))).isoformat()}]")
    if rng.random() < 0.2:
        lines.append('notes = "Panel on video; asked about relocation and the on-call rotation"')
    domain = company.lower().replace(" ", "") + ".example"
    for index in range(rng.choices((1, 2, 3, 4), weights=(10, 30, 35, 25))[0]):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {number}-{index}"
        handle = name.lower().replace(" ", ".")
        lines += ["", "[[interviewers]]", f'name = "{name}"', f'email = "{handle}@{domain}"']
        title = rng.choice(TITLES)
        if title:
            lines.append(f'title = "{title}"')
        if index == 0:
            lines.append("contact = true")
            lines.append(f'phone = "+1 555 01{number % 100:02d}"')
        if rng.random() < 0.7:
            lines.append(f'linkedin = "https://www.linkedin.com/in/{handle.replace(".", "-")}"')
            agreed = rng.choice(("true", "false", None))
            if agreed:
                lines.append(f"linkedin_ok = {agreed}")
        topics = rng.sample(TOPICS, rng.randrange(0, 3))
        if topics:
            lines.append("topics = [" + ", ".join(f'"{t}"' for t in topics) + "]")
    return "\n".join(lines) + "\n"


def _stamp(day: dt.date, hour: int = 18) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def generate_export(count: int, seed: int, folder: Path) -> tuple[str, dict[str, int]]:
    """An export (backup.write_export) of ``count`` generated interviews, and what happened."""
    rng = random.Random(seed)
    tally = {"added": 0, "rounds": 0, "outcomes": 0, "timelines": 0, "handled": 0, "moved": 0}
    refused = 0
    number = 0
    with Store(folder / "generate.db") as store:
        while tally["added"] + tally["rounds"] < count:
            number += 1
            day = FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS))
            company = f"Company {rng.randrange(max(1, count // 4))}"
            rounds = rng.random() < 0.05 and tally["added"] + tally["rounds"] + 2 <= count
            text = interview_toml(rng, number, company, day, candidate=not rounds)
            added = tracker.add(store, text, now=_stamp(day, 12))
            tally["added"] += 1
            if rounds:  # a second round of the same application, two or three weeks on
                later = day + dt.timedelta(days=rng.randrange(14, 22))
                invited = later - dt.timedelta(days=3)
                second = interview_toml(rng, number, company, later, candidate=False)
                try:
                    tracker.add(store, second, round_of=added.id, on=invited, now=_stamp(invited))
                    tally["rounds"] += 1
                except AfterviewError:
                    refused += 1
            roll = rng.random()
            news = day + dt.timedelta(days=rng.randrange(1, 25))
            try:
                if roll < 0.25:
                    outcome = rng.choice(("replied", "rejected", "offer", "withdrawn"))
                    tracker.set_status(store, added.id, outcome, on=news, now=_stamp(news))
                    tally["outcomes"] += 1
                elif roll < 0.35:
                    phrase = rng.choice(("in two weeks", "next week", "in 10 business days"))
                    tracker.set_status(
                        store, added.id, "waiting", on=news, decision=phrase, now=_stamp(news)
                    )
                    tally["timelines"] += 1
                elif roll < 0.50:
                    tracker.done(store, added.id, "thank-you")
                    tally["handled"] += 1
                elif roll < 0.53:
                    tracker.skip(store, added.id, "handwritten-note")
                    tally["handled"] += 1
                elif roll < 0.56:
                    action = next(
                        (e for e in store.events_of(added.id) if e.label == "check-in-1"),
                        None,
                    )
                    if action is not None:
                        tracker.move(
                            store,
                            added.id,
                            "check-in-1",
                            action.date + dt.timedelta(days=1),
                            now=_stamp(day + dt.timedelta(days=1)),
                        )
                        tally["moved"] += 1
            except AfterviewError:
                refused += 1  # a step the policy has not, a weekend, rule 4: as for a user
        tally["refused"] = refused
        out = io.StringIO()
        backup.write_export(store, out)
        return out.getvalue(), tally


# ---------------------------------------------------------------------------- child processes


def _peak_mb() -> float:
    """This process's peak resident memory, MB.

    VmHWM is this program's own high-water mark; getrusage's ru_maxrss also counts
    what the parent had resident when it forked this child, so it is the fallback.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_import(db: str, export: str) -> dict[str, Any]:
    """Load an export into a new store, as ``afterview import`` does: streamed from the file."""
    start = time.perf_counter()
    with Store(db) as store, open(export, encoding="utf-8-sig") as source:
        done = backup.import_file(store, source, now=RENDER_NOW, where=export)
    return {"seconds": time.perf_counter() - start, "added": len(done.added), "peak_mb": _peak_mb()}


def child_render(db: str, out: str, cache: bool) -> dict[str, Any]:
    """One render of everyone's feed to a file, as ``afterview feed`` does."""
    before = _peak_mb()
    start = time.perf_counter()
    with Store(db) as store, open(out, "wb") as target:
        info = feed.write_feed(target, store, now=RENDER_NOW, cache=cache)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "events": info.events,
        "size": info.size,
        "etag": info.etag,
        "rss_before_mb": before,
        "peak_mb": _peak_mb(),
    }


def child_floor(db: str, out: str) -> dict[str, Any]:
    """icalendar alone: the same events' property values precomputed, then built and written."""
    from icalendar import Alarm, Event

    start = time.perf_counter()
    values: list[tuple[Any, ...]] = []
    nine = feed.DEFAULT_REMINDER
    reminder = dt.timedelta(hours=nine.hour, minutes=nine.minute)
    with Store(db) as store:
        for row in store.feed_events(None, feed.cutoff_of(RENDER_NOW), None):
            followup = eventcodec.decode_followup(row.data or "", row.status, row.sequence)
            zone = row.zone or parse_interview(row.toml or "", row.uid).timezone
            if followup.start is not None:
                local = followup.start.replace(tzinfo=zoneinfo.ZoneInfo(zone))
                begin: dt.date = local.astimezone(dt.UTC)
                end: dt.date = begin + dt.timedelta(minutes=followup.minutes)
                trigger = dt.timedelta(0)
            else:
                begin, end = followup.date, followup.date + dt.timedelta(days=1)
                trigger = reminder
            values.append(
                (
                    row.uid,
                    eventcodec.parse_stamp(row.changed),
                    followup.sequence,
                    followup.title,
                    begin,
                    end,
                    "CANCELLED" if followup.status == "cancelled" else "CONFIRMED",
                    followup.step,
                    ics.description(followup, ics.mail_link(followup)),
                    ics.event_link(followup, ics.mail_link(followup)),  # as the feed writes
                    trigger,
                )
            )
    head, tail = ics.feed_chunks(feed.feed_name(None), (), dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    precompute = time.perf_counter() - start
    gc.collect()
    gc.freeze()  # the precomputed list is not the floor's to scan
    start = time.perf_counter()
    with open(out, "wb") as target:
        target.write(head)
        for uid, stamp, sequence, summary, begin, end, status, step, text, link, trigger in values:
            event = Event()
            event.add("uid", uid)
            event.add("dtstamp", stamp)
            event.add("sequence", sequence)
            event.add("summary", summary)
            event.add("dtstart", begin)
            event.add("dtend", end)
            event.add("transp", "TRANSPARENT")
            event.add("status", status)
            event.add("categories", [step])
            event.add("description", text)
            if link:
                event.add("url", link)
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", trigger, parameters={"RELATED": "START"})
            event.add_component(alarm)
            target.write(event.to_ical())
        target.write(tail)
    return {"seconds": time.perf_counter() - start, "precompute": precompute, "events": len(values)}


def child_change(db: str, interview_id: str, on: str) -> dict[str, Any]:
    """One ``afterview status ID replied --on DATE``."""
    day = dt.date.fromisoformat(on)
    with Store(db) as store:
        changes = tracker.set_status(store, interview_id, "replied", on=day, now=_stamp(day, 20))
    return {"cancelled": len(changes.cancelled), "changed": len(changes.changed)}


def child(args: list[str]) -> None:
    """Run one measurement and print its result as JSON."""
    mode, rest = args[0], args[1:]
    if mode == "import":
        result = child_import(*rest)
    elif mode == "render":
        result = child_render(rest[0], rest[1], rest[2] == "cached")
    elif mode == "floor":
        result = child_floor(*rest)
    elif mode == "change":
        result = child_change(*rest)
    else:
        raise SystemExit(f"unknown child mode {mode}")
    print(json.dumps(result))


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------------- business days


BD_PLACES = (("US", "NY"), ("GB", "ENG"), ("DE", "BY"), ("CN", None), ("SA", None), ("IN", None))


def _walk_bd(entity: Any, day: dt.date, n: int) -> dt.date:
    """bd() as it was: ask the holidays library about each day in turn."""
    for _ in range(n):
        day += businessdays.ONE_DAY
        while not entity.is_working_day(day):
            day += businessdays.ONE_DAY
    return day


def _per_query(call: Callable[[], object], queries: int) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) / queries * 1e6


def business_days(seed: int, rounds: int) -> list[tuple[str, float, float]]:
    """(what, microseconds per query, floor microseconds per query) rows."""
    rng = random.Random(seed)
    count = 50_000
    calendars = [businessdays.open_calendar(c, s) for c, s in BD_PLACES]
    queries = [
        (
            rng.randrange(len(calendars)),
            FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS)),
            rng.randrange(1, 16),
        )
        for _ in range(count)
    ]
    # The floor's own working-day lists, worked out here day by day (2025 to 2029).
    lists: list[list[int]] = []
    for cal in calendars:
        entity = businessdays._holidays_for(cal.country, cal.subdivision)
        first, last = dt.date(2025, 1, 1).toordinal(), dt.date(2029, 12, 31).toordinal()
        days = [dt.date.fromordinal(o) for o in range(first, last + 1)]
        lists.append([d.toordinal() for d in days if entity.is_working_day(d)])
    by_cal = [(calendars[i], day, n) for i, day, n in queries]
    by_list = [(lists[i], day.toordinal(), n) for i, day, n in queries]

    def ours_bd() -> None:
        for cal, day, n in by_cal:
            cal.bd(day, n)

    def floor_bd() -> None:
        fromordinal = dt.date.fromordinal
        for working, o, n in by_list:
            fromordinal(working[bisect_right(working, o) + n - 1])

    def ours_roll() -> None:
        for cal, day, _n in by_cal:
            cal.roll(day)

    def floor_roll() -> None:
        fromordinal = dt.date.fromordinal
        for working, o, _n in by_list:
            fromordinal(working[bisect_left(working, o)])

    ours_bd()  # every year the queries touch is cached from here on
    rows: list[tuple[str, float, float]] = []
    for name, ours, floor in (("bd(D, n)", ours_bd, floor_bd), ("roll(D)", ours_roll, floor_roll)):
        mine: list[float] = []
        base: list[float] = []
        for _ in range(rounds):
            mine.append(_per_query(ours, count))
            base.append(_per_query(floor, count))
        rows.append((name, statistics.median(mine), statistics.median(base)))
    # Context: the day-by-day walk, and working out one year of one place from nothing.
    entities = [businessdays._holidays_for(c.country, c.subdivision) for c in calendars]
    sample = queries[:5000]
    walk = _per_query(lambda: [_walk_bd(entities[i], d, n) for i, d, n in sample], len(sample))
    rows.append(("bd(D, n) walking day by day, as before the cache", walk, rows[0][2]))
    years = []
    for year in (2030, 2031, 2032):
        for country, subdivision in BD_PLACES:
            start = time.perf_counter()
            businessdays._employer_year(country, subdivision, year)
            years.append((time.perf_counter() - start) * 1e6)
    rows.append(("one new year of one place (once per process)", statistics.median(years), 0.0))
    return rows


def plan_share(seed: int, count: int) -> tuple[float, float, int]:
    """(microseconds per plan, of which business days, business-day queries per plan)."""
    rng = random.Random(seed)
    days = [FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS)) for _ in range(count)]
    texts = [interview_toml(rng, n, f"Company {n}", day) for n, day in enumerate(days)]
    interviews = [parse_interview(t, "generated") for t in texts]
    for interview in interviews:
        plan_interview(interview)  # warm: policies parsed, years cached
    spent = [0.0]
    calls = [0]
    names = ("bd", "roll", "is_business_day", "why_not", "skipped", "last_business_day", "week_end")
    originals = {name: getattr(businessdays.BusinessCalendar, name) for name in names}

    def timed(method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if calls[0] < 0:
                return method(*args, **kwargs)
            calls[0] += 1
            depth = calls[0]
            start = time.perf_counter()
            calls[0] = -depth  # calls made inside a timed call are not timed again
            try:
                return method(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start
                calls[0] = depth

        return wrapper

    start = time.perf_counter()
    for interview in interviews:
        plan_interview(interview)
    total = time.perf_counter() - start
    for name in names:
        setattr(businessdays.BusinessCalendar, name, timed(originals[name]))
    try:
        for interview in interviews:
            plan_interview(interview)
    finally:
        for name, method in originals.items():
            setattr(businessdays.BusinessCalendar, name, method)
    return total / count * 1e6, spent[0] / count * 1e6, calls[0] // count


# ---------------------------------------------------------------------------- main


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )


def open_interviews(db: Path, count: int, seed: int) -> list[tuple[str, str]]:
    """Open interviews whose news would still be in the feed: (id, the day after it)."""
    cutoff = feed.cutoff_of(RENDER_NOW)
    with Store(db) as store:
        rows = [r for r in store.interviews() if r.outcome is None and r.day > cutoff]
    rng = random.Random(seed)
    chosen = rng.sample(rows, min(count, len(rows)))
    return [(r.id, (r.day + dt.timedelta(days=1)).isoformat()) for r in chosen]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--interviews", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs of each full render")
    parser.add_argument("--changes", type=int, default=5, help="status changes, each then rendered")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    ok = True
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="afterview-bench-") as temp:
        folder = Path(temp)
        start = time.perf_counter()
        text, tally = generate_export(args.interviews, args.seed, folder)
        export = folder / "export.json"
        export.write_text(text, encoding="utf-8")
        del text
        generated = time.perf_counter() - start
        db = folder / "tracker.db"
        loaded = run_child("import", str(db), str(export))
        with sqlite3.connect(db) as conn:
            events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        conn.close()
        print(
            f"Tracker: {tally['added'] + tally['rounds']} interviews ({tally['rounds']} later "
            f"rounds), {events} events; {tally['outcomes']} outcomes, {tally['timelines']} new "
            f"timelines, {tally['handled']} done or skipped, {tally['moved']} moved; generated "
            f"in {generated:.0f} s, export {export.stat().st_size / 1e6:.0f} MB, imported in "
            f"{loaded['seconds']:.1f} s (peak RSS {loaded['peak_mb']:.0f} MB)"
        )
        ours_file, floor_file = folder / "feed.ics", folder / "floor.ics"
        run_child("render", str(db), str(ours_file), "full")  # warm the page cache
        ours: list[dict[str, Any]] = []
        floors: list[dict[str, Any]] = []
        for _ in range(args.runs):
            ours.append(run_child("render", str(db), str(ours_file), "full"))
            floors.append(run_child("floor", str(db), str(floor_file)))
        same = filecmp.cmp(ours_file, floor_file, shallow=False)
        full = statistics.median(r["seconds"] for r in ours)
        floor = statistics.median(r["seconds"] for r in floors)
        shown = ours[0]["events"]
        uncached_size = db.stat().st_size
        peak = max(r["peak_mb"] for r in ours)
        before = statistics.median(r["rss_before_mb"] for r in ours)
        ratio = full / floor
        ok &= ratio <= BULK_TARGET and peak < RSS_TARGET_MB and same
        print(
            f"Feed: {shown} events, {ours[0]['size'] / 1e6:.0f} MB; store "
            f"{db.stat().st_size / 1e6:.0f} MB before caching; medians of {args.runs} "
            "alternating runs"
        )
        print()
        print("| figure | afterview | floor | ratio | target |")
        print("|---|---|---|---|---|")
        verdict = "ok" if ratio <= BULK_TARGET else "OVER TARGET"
        if not same:
            verdict += ", NOT THE SAME BYTES"
        print(
            f"| bulk: full render, {shown} events | {full:.2f} s "
            f"({full / shown * 1e6:.0f} us/event) | {floor:.2f} s "
            f"({floor / shown * 1e6:.0f} us/event) | {ratio:.3f} | <= {BULK_TARGET:.2f} {verdict} |"
        )
        verdict = "ok" if peak < RSS_TARGET_MB else "OVER TARGET"
        print(
            f"| bulk: peak RSS of the render | {peak:.0f} MB | {before:.0f} MB (the same process "
            f"before rendering) | {peak / before:.2f} | < {RSS_TARGET_MB} MB {verdict} |"
        )
        # Incremental: fill the cache once, then change one interview at a time.
        run_child("render", str(db), str(ours_file), "cached")
        cached_size = db.stat().st_size
        incremental: list[dict[str, Any]] = []
        touched = 0
        for interview_id, on in open_interviews(db, args.changes, args.seed):
            change = run_child("change", str(db), interview_id, on)
            touched += change["cancelled"] + change["changed"]
            incremental.append(run_child("render", str(db), str(ours_file), "cached"))
        check = run_child("render", str(db), str(floor_file), "full")
        identical = filecmp.cmp(ours_file, floor_file, shallow=False)
        again = statistics.median(r["seconds"] for r in incremental)
        share = again / full
        ok &= share <= INCREMENTAL_TARGET and identical
        verdict = "ok" if share <= INCREMENTAL_TARGET else "OVER TARGET"
        verdict += ", byte-identical to a full render" if identical else ", NOT BYTE-IDENTICAL"
        changed = touched / max(1, len(incremental))
        print(
            f"| incremental: render after one status change ({changed:.1f} events changed) "
            f"| {again:.3f} s | {full:.2f} s (the full render) | {share * 100:.1f} % "
            f"| <= {INCREMENTAL_TARGET * 100:.0f} % {verdict} |"
        )
        print(
            f"| incremental: peak RSS | {max(r['peak_mb'] for r in incremental):.0f} MB "
            f"| {check['rss_before_mb']:.0f} MB (before rendering) | | |"
        )
        print(
            f"| store size | {cached_size / 1e6:.0f} MB with the feed cache | "
            f"{uncached_size / 1e6:.0f} MB without | | |"
        )
    for name, mine, base in business_days(args.seed, max(3, args.runs)):
        if base:
            shown_ratio = f"{mine / base:.2f}"
            print(f"| business days: {name} | {mine:.2f} us | {base:.2f} us | {shown_ratio} | |")
        else:
            print(f"| business days: {name} | {mine:.0f} us | | | |")
    per_plan, in_days, asked = plan_share(args.seed, 300)
    print(
        f"| business days in one plan ({asked} queries) | {in_days:.0f} us | {per_plan:.0f} us "
        f"(the whole plan) | {in_days / per_plan:.3f} | |"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
