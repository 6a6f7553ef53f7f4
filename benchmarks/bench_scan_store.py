"""Benchmark: the full daily scan (Scanner.run) over the 503-stock universe, store included.

Unlike bench_scan.py (the engine alone), this runs the real scanner: the watchlist query, one
batched ``histories`` call (served from memory, as if cached: new frames over arrays held in
memory), the engine step per ticker in the lane thread (``bot.threads``), and the states and
outbox rows of a chunk of 32 tickers in one SQLite transaction on a database file. Eleven
servers watch 46 tickers each (limit 50), one more watches all of them through a raised limit,
so every event is queued for two servers.

Phases:
  * cold:  first scan, no engine state (each ticker: one find_base on its newest bar);
  * daily: the next N sessions, one scan each (one new bar per ticker) — the case that
    runs every evening; targets ≤ 1 s CPU (issue 9: ≤ 0.5 s) and ≤ 300 MB peak RSS.

The pre-filter (each ticker's base finder reuses the bases built by the previous scan,
``bot/scan/finder_memo.py``) is on, as in the bot; ``--compare`` runs a second scanner without it
on the same days, interleaved, and checks both queue the same announcements.

Machines differ (the same code has taken 1.34 s on one and 3.17 s on another), so a CPU
figure alone says little. ``--against REV`` instead measures this checkout against the code at
git revision REV (a temporary git worktree) under one harness (``scan_harness.py``): two worker
processes with this interpreter, one importing each revision's ``bot``, the same data, store and
price serving, stepped day by day and taking turns (the first to scan alternates), so load drift on
a shared machine falls on both sides; it prints the ratio per day and of the means. The default
REV, ``BEFORE_SPEEDUP``, is the scan before its speed-up: 1.34 s on the machine it was first
measured on, with a target of 0.5 s there, so a target ratio of ≤ 0.37.

Run:  python benchmarks/bench_scan_store.py [--data DIR] [--days 5] [--limit N] [--compare | --against [REV]]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from machine import machine_info, peak_rss_mb  # noqa: E402
from scan_harness import MemoryMarket  # noqa: E402

from bot.analysis.events import EventEngine  # noqa: E402
from bot.heap import freeze_long_lived  # noqa: E402
from bot.market.csvdir import read_price_csv  # noqa: E402
from bot.scan.scanner import Scanner  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.guilds import GuildSettingsRepo  # noqa: E402
from bot.store.outbox import OutboxRepo  # noqa: E402
from bot.store.watchlist import WatchlistRepo  # noqa: E402

# the scan before its speed-up: 1.34 s where it was first measured, target 0.5 s
BEFORE_SPEEDUP = "5d63539"
TARGET_RATIO = 0.5 / 1.34


async def run(args) -> None:
    files = sorted(Path(args.data).glob("*.csv.gz"))[: args.limit or None]
    t0 = time.perf_counter()
    frames = {f.name[: -len(".csv.gz")]: read_price_csv(f) for f in files}
    tickers = sorted(frames)
    print(f"loaded {len(tickers)} tickers in {time.perf_counter() - t0:.1f}s; RSS {peak_rss_mb():.0f} MB")
    sessions = frames[tickers[0]].index
    days = [d.date() for d in sessions[-(args.days + 1):]]
    # the prices live in the source from now on, as they live in the bot's price database
    market = MemoryMarket(frames)
    del frames, sessions
    with tempfile.TemporaryDirectory() as tmp:
        scanners = {}
        if args.followups:
            variants = [("follow-ups on", {}), ("follow-ups off", {"followups": False})]
        else:
            variants = [("pre-filter", {})] + ([("no pre-filter", {"reuse_bases": False})] if args.compare else [])
        for k, (name, options) in enumerate(variants):
            db = Database(Path(tmp) / f"store{k}.sqlite3")
            await db.open()
            guilds = GuildSettingsRepo(db)
            for g in range(0, len(tickers), 46):
                gid = 1000 + g
                await WatchlistRepo(db).add(gid, tickers[g : g + 46])
                await guilds.set_channel(gid, gid * 10)
            await WatchlistRepo(db, limit=10_000).add(1, tickers)
            await guilds.set_channel(1, 10)
            scanners[name] = (db, Scanner(db, market, EventEngine(), **options))
        meter = PassMeter() if args.followups else None
        # the bot freezes its start-up heap once its extensions are loaded (Services.started)
        freeze_long_lived()
        cpu: dict[str, list[float]] = {name: [] for name in scanners}
        for i, d in enumerate(days):
            order = list(scanners.items())
            for name, (db, scanner) in (order if i % 2 == 0 else order[::-1]):  # the first to scan alternates
                if meter is not None:
                    meter.start(on=scanner.followups)
                c0, w0 = time.process_time(), time.perf_counter()
                r = await scanner.run(as_of=d)
                spent = time.process_time() - c0
                if meter is not None and scanner.followups and i:
                    meter.done(d, spent)
                kind = "cold scan" if i == 0 else "daily scan"
                if i:
                    cpu[name].append((d, spent))
                open_now = f", {await open_breakouts(db, d)} breakouts in their 30 sessions" if args.followups else ""
                print(f"{kind} {d} ({name}): {r.tickers} tickers, {r.events} events, {r.queued} rows, {len(r.failed)} "
                      f"failed{open_now} | CPU {spent:.2f}s wall {time.perf_counter() - w0:.2f}s")
        rows = {name: await OutboxRepo(db).rows() for name, (db, _s) in scanners.items()}
        for db, _s in scanners.values():
            await db.close()
    for name, runs in cpu.items():
        spent = [s for _d, s in runs]
        print(f"daily scans ({name}): mean CPU {sum(spent) / len(spent):.2f}s, max {max(spent):.2f}s (target ≤ 1 s; "
              f"the issue's ≤ 0.5 s)")
    print(f"peak RSS {peak_rss_mb():.0f} MB (target ≤ 300 MB); outbox rows "
          + ", ".join(f"{name} {len(r)}" for name, r in rows.items()))
    if len(rows) == 2:
        keys = [sorted((m.guild_id, m.ticker, m.base_id, m.kind, m.bar_date, json.dumps(m.payload, sort_keys=True))
                       for m in r if not m.is_followup) for r in rows.values()]
        what = "the follow-up pass" if args.followups else "the pre-filter"
        print(f"same announcements with and without {what}:", keys[0] == keys[1])
    if args.followups:
        followup_ratio(cpu, rows)
        meter.report()
    print(machine_info())


class PassMeter:
    """The follow-up pass's own CPU inside the scans with it: the scanner's three steps of the pass
    (reading the stories back from the outbox, deriving the follow-ups in the lane thread, making
    their rows) timed where they run, beside the whole scan's CPU. Not counted: inserting the
    pass's rows in the chunk's transaction (in the interleaved figure, not in this one)."""

    def __init__(self):
        import bot.scan.scanner as scanner

        self.on = False
        self.spent = 0.0
        self.days: list[tuple[date, float, float]] = []
        load, derive, rows = scanner.load_stories, scanner.chunk_follow_ups, scanner.followup_messages

        async def load_stories(*a, **k):
            c0 = time.process_time()  # the loop waits on the store meanwhile: nothing else runs
            try:
                return await load(*a, **k)
            finally:
                self._add(time.process_time() - c0)

        def chunk_follow_ups(*a, **k):
            c0 = time.thread_time()  # the lane thread's own CPU
            try:
                return derive(*a, **k)
            finally:
                self._add(time.thread_time() - c0)

        def followup_messages(*a, **k):
            c0 = time.thread_time()
            try:
                return rows(*a, **k)
            finally:
                self._add(time.thread_time() - c0)

        scanner.load_stories, scanner.chunk_follow_ups, scanner.followup_messages = (
            load_stories, chunk_follow_ups, followup_messages)

    def _add(self, seconds: float) -> None:
        if self.on:
            self.spent += seconds

    def start(self, *, on: bool) -> None:
        self.on, self.spent = on, 0.0

    def done(self, d: date, scan: float) -> None:
        self.days.append((d, self.spent, scan))
        self.on = False

    def report(self) -> None:
        for label, span in (("every day", self.days), ("after 30 sessions", self.days[30:])):
            if not span:
                continue
            spent, scans = sum(x[1] for x in span), sum(x[2] for x in span)
            worst = max(x[1] / (x[2] - x[1]) for x in span if x[2] > x[1])
            print(f"the pass's own CPU, {label} ({len(span)} days): {1000 * spent / len(span):.0f} ms per scan of "
                  f"{scans / len(span):.2f}s: +{100 * spent / (scans - spent):.1f} % of the scan without it "
                  f"(worst day +{100 * worst:.1f} %; target ≤ +10 %)")


async def open_breakouts(db: Database, day: date) -> int:
    """Breakouts queued within the follow-up pass's window (STORY_DAYS calendar days), any server."""
    from bot.scan.followups import STORY_DAYS

    since = date.fromordinal(day.toordinal() - STORY_DAYS)
    return len({(m.ticker, m.base_id, m.bar_date) for m in await OutboxRepo(db).rows()
                if m.kind == "breakout" and m.bar_date >= since})


def followup_ratio(cpu: dict[str, list[tuple[date, float]]], rows: dict) -> None:
    """The pass's share of the daily scan's CPU, per day and over the days measured after 30
    sessions of breakouts have built up (as many stories open as the bot carries for good)."""
    on, off = (dict(cpu[name]) for name in ("follow-ups on", "follow-ups off"))
    for d in sorted(on):
        print(f"  {d}: on {on[d]:.2f}s, off {off[d]:.2f}s: {100 * (on[d] / off[d] - 1):+.1f} %")
    days = sorted(on)
    for label, span in (("every day", days), ("after 30 sessions", days[30:])):
        if not span:
            continue
        mean_on, mean_off = (sum(x[d] for d in span) / len(span) for x in (on, off))
        print(f"follow-up pass, {label} ({len(span)} days): mean CPU {mean_on:.2f}s on, {mean_off:.2f}s off: "
              f"{100 * (mean_on / mean_off - 1):+.1f} % (target ≤ +10 %)")
    print(f"follow-up rows queued: {sum(m.is_followup for m in rows['follow-ups on'])} (on), "
          f"{sum(m.is_followup for m in rows['follow-ups off'])} (off)")


class Worker:
    """One harness process scanning with the ``bot`` of ``tree``."""

    def __init__(self, name: str, tree: Path, args):
        self.name = name
        cmd = [sys.executable, str(Path(__file__).with_name("scan_harness.py")), "--tree", str(tree),
               "--data", args.data, "--days", str(args.days)] + (["--limit", str(args.limit)] if args.limit else [])
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def ready(self) -> tuple[int, list[date]]:
        words = self._line().split()
        if not words or words[0] != "ready":
            raise SystemExit(f"the {self.name} worker did not start: {' '.join(words)}")
        return int(words[1]), [date.fromisoformat(w) for w in words[2:]]

    def scan(self, d: date) -> tuple[int, int, float]:
        self.proc.stdin.write(f"scan {d}\n")
        words = self._line().split()
        if not words or words[0] != "done":
            raise SystemExit(f"the {self.name} worker failed on {d}: {' '.join(words)}")
        return int(words[3]), int(words[4]), float(words[5])  # events, queued, cpu

    def _line(self) -> str:
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            raise SystemExit(f"the {self.name} worker exited ({self.proc.returncode})")
        return line

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=60)


def against(args) -> None:
    """This checkout against ``args.against``, under one harness, interleaved day by day."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet", str(tree), args.against],
                       check=True)
        workers = []
        try:
            workers = [Worker("now", REPO, args), Worker(f"at {args.against}", tree, args)]
            starts = [w.ready() for w in workers]
            if starts[0] != starts[1]:
                raise SystemExit(f"the two workers loaded different data: {starts}")
            tickers, days = starts[0]
            print(f"{tickers} tickers; this checkout vs {args.against}, one harness, taking turns day by day")
            cpu: dict[str, dict[date, float]] = {w.name: {} for w in workers}
            for i, d in enumerate(days):
                order = workers if i % 2 == 0 else workers[::-1]
                for w in order:
                    events, queued, spent = w.scan(d)
                    kind = "cold scan" if i == 0 else "daily scan"
                    print(f"{kind} {d} ({w.name}): {events} events, {queued} rows | CPU {spent:.2f}s")
                    if i:
                        cpu[w.name][d] = spent
        finally:
            for w in workers:
                w.close()
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=True)
    now, then = (cpu[w.name] for w in workers)
    for d in sorted(now):
        print(f"  {d}: {then[d]:.2f}s then, {now[d]:.2f}s now: {now[d] / then[d]:.2f}x")
    mean_then, mean_now = (sum(x.values()) / len(x) for x in (then, now))
    target = f" (target ≤ {TARGET_RATIO:.2f}x: {'met' if mean_now / mean_then <= TARGET_RATIO else 'not met'})" \
        if args.against == BEFORE_SPEEDUP else ""
    print(f"mean CPU {mean_then:.2f}s then, {mean_now:.2f}s now: {mean_now / mean_then:.2f}x{target}")
    print(machine_info())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data" / "universe"))
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--followups", action="store_true", help="scan with the follow-up pass and without it (the "
                    "same store set-up each, interleaved, the first to scan alternating) and print its share of the "
                    "daily scan's CPU; give --days 40 or more so 30 sessions of breakouts build up")
    ap.add_argument("--compare", action="store_true", help="also scan without the pre-filter (interleaved) and "
                    "check both queue the same announcements")
    ap.add_argument("--against", nargs="?", const=BEFORE_SPEEDUP, default=None, metavar="REV",
                    help=f"instead, scan the same days with this checkout and with git revision REV (default "
                    f"{BEFORE_SPEEDUP}, the scan before its speed-up) under one harness, taking turns day by day, "
                    "and print the CPU ratio")
    args = ap.parse_args()
    if args.against:
        against(args)
    else:
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
