"""Mail benchmark: `afterview mail --mbox` over a large mailbox, next to Python's mailbox module.

Generates (seeded) an mbox of ``--messages`` messages into a temporary folder: mostly
mail that answers nothing (newsletters, personal mail, threads, notifications, a share
with attachments), and for each of ``--interviews`` tracked interviews a thank-you and a
few replies from its interviewers. Then runs, alternately, as separate processes:

- ``afterview mail --mbox FILE --json`` with the 20 interviews tracked;
- the floor: ``for message in mailbox.mbox(FILE): message["From"], message["Date"], ...``,
  Python's own module merely iterating the file's headers.

Reports medians of wall time and peak RSS (from ``wait4``) and the ratios (targets:
time ratio <= 1.5, afterview's peak RSS < 100 MB), and checks that afterview found
the proposal planted for each interview.

Usage: python benchmarks/mail.py [--messages N] [--interviews N] [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from email.utils import format_datetime
from pathlib import Path

FLOOR = (
    "import mailbox, sys\n"
    "n = 0\n"
    "for message in mailbox.mbox(sys.argv[1]):\n"
    "    message['From'], message['Date'], message['Subject'], message['Message-ID']\n"
    "    n += 1\n"
    "print(n)\n"
)
_VOCABULARY = """team update quarterly review lunch garden weekend photos invoice project
release notes meeting agenda travel booking receipt order shipped family dinner school
concert ticket football schedule report draft comments thanks regards"""
WORDS = tuple(_VOCABULARY.split())
REPLIES = (
    "Unfortunately, we have decided to move forward with other candidates.",
    "We expect to make a decision by December 18.",
    "We'll get back to you next week.",
    "Thanks for your note, Alex.",
)


def _text(rng: random.Random, words: int) -> str:
    lines = []
    for _ in range(max(1, words // 12)):
        lines.append(" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + ".")
    return "\n".join(lines)


def _message(
    sender: str,
    when: dt.datetime,
    subject: str,
    body: str,
    number: int,
    extra: str = "",
    to: str = "Alex Kim <alex.kim@example.org>",
) -> bytes:
    head = (
        f"From: {sender}\nTo: {to}\nDate: {format_datetime(when)}\nSubject: {subject}\n"
        f"Message-ID: <m{number}@bench.afterview.test>\nMIME-Version: 1.0\n{extra}"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
    )
    return (head + body + "\n").encode()


def _noise(rng: random.Random, number: int, start: dt.datetime) -> bytes:
    when = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 200))
    kind = rng.random()
    subject = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
    if kind < 0.35:  # newsletters and notifications
        return _message(
            f"News <news@shop{rng.randrange(300)}.example>",
            when,
            subject,
            _text(rng, 250),
            number,
            "List-Unsubscribe: <mailto:unsubscribe@shop.example>\nPrecedence: bulk\n",
        )
    if kind < 0.65:  # threads among friends
        refs = f"In-Reply-To: <m{rng.randrange(max(1, number))}@bench.afterview.test>\n"
        return _message(
            f"Friend {rng.randrange(500)} <friend{rng.randrange(500)}@gmail.com>",
            when,
            "Re: " + subject,
            _text(rng, 120) + "\n\nOn Mon, someone wrote:\n> " + _text(rng, 60),
            number,
            refs,
        )
    if kind < 0.97:
        return _message(
            f"Colleague <c{rng.randrange(2000)}@work{rng.randrange(50)}.example>",
            when,
            subject,
            _text(rng, 180),
            number,
        )
    # A message with a 60 KB attachment (base64 lines), as photos and PDFs come.
    blob = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5\n" * 900
    return _message(
        f"Photos <p{rng.randrange(100)}@family.example>",
        when,
        subject,
        _text(rng, 40) + "\n\n" + blob,
        number,
    )


def interview_toml(index: int) -> str:
    """One of the benchmark's tracked interviews."""
    day = dt.date(2026, 11, 2) + dt.timedelta(days=index)
    return (
        f'id = "b{index:02d}"\ncompany = "Company {index}"\nrole = "Engineer {index}"\n'
        f"start = {day.isoformat()}T10:00:00\n"
        'timezone = "America/New_York"\ncountry = "US"\n\n[[interviewers]]\n'
        f'name = "Person {index}"\nemail = "person{index}@company{index}.example"\n'
    )


def generate(path: Path, messages: int, interviews: int, seed: int) -> dict[str, str]:
    """Write the mbox; return the status planted for each interview."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
    planted: dict[str, str] = {}
    special: dict[int, list[bytes]] = {}
    for index in range(interviews):
        day = dt.datetime(2026, 11, 2, 20, 0, tzinfo=dt.UTC) + dt.timedelta(days=index)
        sender = f"Person {index} <person{index}@company{index}.example>"
        reply = REPLIES[index % len(REPLIES)]
        planted[f"b{index:02d}"] = ("rejected", "waiting", "waiting", "replied")[
            index % len(REPLIES)
        ]
        special.setdefault(rng.randrange(messages), []).append(
            _message(
                "Alex Kim <alex.kim@example.org>",
                day,
                "Thank you",
                "Thank you for your time today.",
                900_000 + index,
                to=sender,
            )
        )
        special.setdefault(rng.randrange(messages), []).append(
            _message(sender, day + dt.timedelta(days=8), "Re: Thank you", reply, 800_000 + index)
        )
    with path.open("wb") as out:
        for number in range(messages):
            for data in [_noise(rng, number, start), *special.get(number, [])]:
                out.write(b"From bench@afterview.test Thu Dec  3 12:00:00 2026\n")
                out.write(data.replace(b"\nFrom ", b"\n>From "))
                out.write(b"\n")
    return planted


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and the output of one process."""
    begin = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - begin
        child.returncode = os.waitstatus_to_exitcode(status)
        errors = child.stderr.read().decode() if child.stderr else ""
        if child.returncode != 0:
            raise SystemExit(f"{command[0]} failed: {errors}")
        out.seek(0)
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--interviews", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    python = sys.executable
    afterview = str(Path(python).with_name("afterview"))
    with tempfile.TemporaryDirectory() as home:
        box = Path(home) / "mail.mbox"
        planted = generate(box, args.messages, args.interviews, args.seed)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERVIEW_")}
        env.update(
            XDG_CONFIG_HOME=str(Path(home) / "config"),
            XDG_DATA_HOME=str(Path(home) / "data"),
            AFTERVIEW_DB=str(Path(home) / "tracker.db"),
            AFTERVIEW_EMAIL="alex.kim@example.org",
        )
        for index in range(args.interviews):
            toml = Path(home) / f"b{index:02d}.toml"
            toml.write_text(interview_toml(index))
            subprocess.run([afterview, "add", str(toml)], env=env, check=True, capture_output=True)
        ours_cmd = [afterview, "mail", "--mbox", str(box), "--json"]
        floor_cmd = [python, "-c", FLOOR, str(box)]
        _, _, output = run(ours_cmd, env)  # warms the disk cache, and checks the answer
        found = {p["id"]: p["status"] for p in json.loads(output)}
        run(floor_cmd, env)
        ours: list[tuple[float, float]] = []
        floor: list[tuple[float, float]] = []
        for _ in range(args.runs):
            ours.append(run(ours_cmd, env)[:2])
            floor.append(run(floor_cmd, env)[:2])
        size = box.stat().st_size / 1e6
    ours_s = statistics.median(t for t, _ in ours)
    floor_s = statistics.median(t for t, _ in floor)
    ours_mb = statistics.median(m for _, m in ours)
    floor_mb = statistics.median(m for _, m in floor)
    ratio = ours_s / floor_s
    right = found == planted
    ok = ratio <= 1.5 and ours_mb < 100 and right
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {args.messages:,} messages ({size:.0f} MB), "
        f"{args.interviews} interviews; medians of {args.runs} alternating runs"
    )
    print()
    print("| figure | afterview | floor | ratio | target |")
    print("|---|---|---|---|---|")
    verdict = "ok" if ratio <= 1.5 else "OVER TARGET"
    print(
        f"| mail: scan an mbox, time | {ours_s:.2f} s | {floor_s:.2f} s (mailbox.mbox headers) "
        f"| {ratio:.2f} | <= 1.5 {verdict} |"
    )
    verdict = "ok" if ours_mb < 100 else "OVER TARGET"
    print(
        f"| mail: scan an mbox, peak RSS | {ours_mb:.0f} MB | {floor_mb:.0f} MB "
        f"| {ours_mb / floor_mb:.2f} | < 100 MB {verdict} |"
    )
    print(
        f"| mail: planted proposals found | {len(found)} of {len(planted)} | | | "
        f"{'ok' if right else 'WRONG'} |"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
