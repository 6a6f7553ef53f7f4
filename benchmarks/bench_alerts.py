"""Benchmark: members' personal alerts checked at the daily close, on top of the scan.

100,000 personal alerts (40 servers x 100 members x 25 alerts: levels above and below, moves,
breakout/any) over 2,000 synthetic tickers, in a SQLite store (or PostgreSQL with --pg URL).
The same 2,000 tickers are scanned twice on one day-step, each from the same stored state:
once with no personal alerts (the scan alone) and once with the alerts. The scan's engine is a
trivial one (a breakout on every ``--breakout-every``-th ticker) so the difference is the alerts'
own cost: reading the ones that can fire a chunk at a time, the firings, their outbox rows and
the level alerts marked fired. A separate task on the event loop measures its lag (every 5 ms)
during each scan, printed side by side.

What drives the cost is how many alerts fire that day, not how many there are (the database
hands the scan only those that can fire). ``--levels-pct`` sets how far from the close the
levels are drawn (uniformly within that many %): 6 with a breakout on every 10th ticker is a
dense day (about one alert in ten fires); 20 with one on every 100th is a quieter one.

Each kind of scan runs ``--repeat`` times, alternating, each from a copy of the same prepared
store (on a machine shared with other work, one run's CPU time varies by a few tenths of a
second): the CPU on top of the scan is given by the fastest runs and by the medians.

Run:   python benchmarks/bench_alerts.py [--alerts 100000] [--tickers 2000] [--levels-pct 6]
                                         [--breakout-every 10] [--repeat 3] [--pg URL]
Target: <= 1 s CPU for the alerts on top of the scan; loop lag p99 <= 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import stalls  # noqa: E402
from machine import machine_info  # noqa: E402

from bot.analysis.events.state import ActiveBase, TickerState  # noqa: E402
from bot.analysis.events.types import Event  # noqa: E402
from bot.heap import freeze_long_lived  # noqa: E402
from bot.scan.scanner import Scanner  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.guilds import GuildSettingsRepo  # noqa: E402
from bot.store.schema import personal_alerts  # noqa: E402
from bot.store.watchlist import WatchlistRepo  # noqa: E402
from bot.threads import loop_first, off_loop  # noqa: E402

DAY1, DAY2 = date(2024, 1, 2), date(2024, 1, 3)


class Market:
    """The bars of ``frames``, each read a new frame built from arrays, as the bot's price cache
    builds them from its packed years (``bot.market.cache.frame_of_arrays``). Views of frames
    kept for the whole run would leave pandas' copy-on-write a dead weak reference per view in
    each kept frame, up to 500 a frame before it clears them: 220,000 objects in all here, that
    every full garbage collection walked (about 0.1 s each) and the bot does not have."""

    def __init__(self, frames):
        self.arrays = {t: (f.index.to_numpy(), f.to_numpy(), list(f.columns)) for t, f in frames.items()}

    def _frame(self, ticker, end):
        days, values, columns = self.arrays[ticker]
        n = int(np.searchsorted(days, np.datetime64(pd.Timestamp(end)), side="right"))
        return pd.DataFrame(values[:n], index=pd.DatetimeIndex(days[:n], name="Date"), columns=columns)

    async def histories(self, tickers, *, start=None, end=None, strict=False):
        # off the loop, as the bot's price reads are (building 2,000 frames here held the loop for
        # 0.2-0.3 s, which the benchmark then counted against the scan)
        return await off_loop(lambda: {t: self._frame(t, end) for t in tickers if t in self.arrays})


class Engine:
    """A breakout on DAY2 for every ``every``-th ticker; otherwise nothing (the scan's own cost kept small)."""

    def __init__(self, every: int = 10):
        self.every = every

    def first_step(self, ticker, daily):
        return self.step(None, ticker, daily)

    def step(self, state, ticker, daily):
        state = state.copy() if state is not None else TickerState(ticker)
        state.base = ActiveBase(f"{ticker}-B1", "2023-01-02", 100.0, 99.0, 101.0, 90.0, 89.0, 91.0)
        last = daily.index[-1].date()
        events = []
        if last == DAY2 and int(ticker[1:]) % self.every == 0:
            close = float(daily["Close"].iloc[-1])
            events.append(Event(ticker=ticker, kind="breakout", date=last, close=close, level=100.0, zone_low=99.0,
                                zone_high=101.0, support=90.0, base_id=f"{ticker}-B1", base_start=date(2023, 1, 2),
                                base_weeks=52.0, test_count=3, volume_ratio=1.2, on_volume=False,
                                pct_beyond=(close / 100 - 1) * 100, breakout_date=last, breakout_close=close))
        state.last_date = last.isoformat()
        return state, events


def frames_for(tickers):
    rng = np.random.default_rng(7)
    idx = pd.bdate_range("2023-01-02", DAY2, name="Date")
    out = {}
    for t in tickers + ["SPY"]:
        close = 100 * np.exp(np.cumsum(rng.normal(0, 0.015, len(idx))))
        out[t] = pd.DataFrame({"Open": close, "High": close * 1.01, "Low": close * 0.99, "Close": close,
                               "Volume": 1e6}, index=idx)
    return out


async def seed(db, tickers, frames, n_alerts, guilds=40, levels_pct=6.0):
    members = n_alerts // 25 // guilds
    rng = random.Random(11)
    rows = []
    closes = {t: float(frames[t]["Close"].loc[:pd.Timestamp(DAY1)].iloc[-1]) for t in tickers}  # once a ticker
    for g in range(guilds):
        gid = (g + 1) << 22
        await GuildSettingsRepo(db).set_channel(gid, 10_000 + g)
        await WatchlistRepo(db).remove(gid, ["IWM", "MDY", "SPY", "QQQ"])
        for m in range(members):
            uid = 1_000_000 + g * members + m
            for j, t in enumerate(rng.sample(tickers, 25)):
                last = closes[t]
                kind = ("above", "below", "move", "breakout", "any")[j % 5]
                away = levels_pct / 100
                level = {"above": last * rng.uniform(1.0, 1 + away), "below": last * rng.uniform(1 - away, 1.0),
                         "move": rng.choice([2.0, 3.0, 5.0])}.get(kind, 0.0)
                rows.append(dict(guild_id=gid, user_id=uid, ticker=t, kind=kind, level=round(level, 2),
                                 created_at="2024-01-02T21:00:00+00:00"))
    async with db.transaction() as conn:
        for i in range(0, len(rows), 5000):
            await conn.execute(personal_alerts.insert(), rows[i:i + 5000])
    return len(rows)


async def lag_sampler(samples, stop):
    while not stop.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(0.005)
        samples.append((time.perf_counter() - t0 - 0.005) * 1000)


async def prepared(args, tickers, frames, target: str, schema: str | None, with_alerts: bool) -> int:
    """The stored state both scans start from: every ticker on one server's watchlist (the
    alerts add no ticker, only their checks), the members' alerts, and DAY1 scanned."""
    db = await Database(target, schema=schema).open()
    try:
        g0 = 1 << 22
        await GuildSettingsRepo(db).set_channel(g0, 1)
        repo = WatchlistRepo(db, limit=len(tickers))
        await repo.remove(g0, ["IWM", "MDY", "SPY", "QQQ"])
        await repo.add(g0, tickers)
        n = await seed(db, tickers, frames, args.alerts, levels_pct=args.levels_pct) if with_alerts else 0
        await Scanner(db, Market(frames), Engine(args.breakout_every), reuse_bases=False).run(as_of=DAY1)
        return n
    finally:
        await db.close()


async def measured(args, frames, target: str, schema: str | None):
    """One DAY2 scan from the prepared state: its CPU (every thread of the process), wall time,
    report and the loop lag a separate task saw meanwhile."""
    db = await Database(target, schema=schema).open()
    try:
        scanner = Scanner(db, Market(frames), Engine(args.breakout_every), reuse_bases=False)
        samples: list[float] = []
        stop = asyncio.Event()
        sampler = asyncio.create_task(lag_sampler(samples, stop))
        c0, w0 = time.process_time(), time.perf_counter()
        async with stalls.watching(args.stalls):
            report = await scanner.run(as_of=DAY2)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        stop.set()
        await sampler
        return cpu, wall, report, samples
    finally:
        await db.close()


async def dropped(url: str, schema: str) -> None:
    """A PostgreSQL run's schema goes once it is measured."""
    db = await Database(url).open()
    try:
        async with db.transaction() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        await db.close()


async def run(args):
    loop_first()  # the GIL's switch interval the bot runs with (BreakoutBot.setup_hook)
    freeze_long_lived()  # and its start-up heap hidden from the collector (Services.started)
    print(machine_info())
    print("load average (1, 5, 15 min) at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    tickers = [f"T{i:04d}" for i in range(args.tickers)]
    frames = frames_for(tickers)
    tmp = Path(tempfile.mkdtemp())
    try:
        alerts = 0
        snapshots = {}
        if not args.pg:  # SQLite: prepare once, and start each repeat from a copy of that file
            for with_alerts in (False, True):
                snapshots[with_alerts] = tmp / f"prepared-{int(with_alerts)}.sqlite3"
                alerts = max(alerts, await prepared(args, tickers, frames, str(snapshots[with_alerts]), None,
                                                    with_alerts))
        runs: dict[bool, list] = {False: [], True: []}
        for r in range(args.repeat):  # alternating, so the machine's load falls on both alike
            for with_alerts in (False, True):
                if args.pg:
                    schema = f"bench_alerts_{int(with_alerts)}_{r}_{int(time.time())}"
                    alerts = max(alerts, await prepared(args, tickers, frames, args.pg, schema, with_alerts))
                    target = args.pg
                else:
                    schema, target = None, str(tmp / "run.sqlite3")
                    for f in tmp.glob("run.sqlite3*"):
                        f.unlink()
                    shutil.copy(snapshots[with_alerts], target)
                runs[with_alerts].append(await measured(args, frames, target, schema))
                if schema is not None:
                    await dropped(args.pg, schema)
        for with_alerts in (False, True):
            cpus = sorted(c for c, _, _, _ in runs[with_alerts])
            walls = sorted(w for _, w, _, _ in runs[with_alerts])
            report = runs[with_alerts][0][2]
            samples = [x for _, _, _, ss in runs[with_alerts] for x in ss]
            label = f"with {alerts:,} personal alerts" if with_alerts else "scan alone"
            print(f"{label:>32}: {report.tickers} tickers, {report.events} events, {report.personal} firings, "
                  f"{report.queued} rows queued | CPU min {cpus[0]:.2f}s, median {statistics.median(cpus):.2f}s "
                  f"({', '.join(f'{c:.2f}' for c in cpus)}), wall median {statistics.median(walls):.2f}s | "
                  f"loop lag p50 {statistics.median(samples):.1f} ms, p99 {np.percentile(samples, 99):.1f} ms, "
                  f"max {max(samples):.1f} ms ({len(samples)} samples)")
        best = min(c for c, _, _, _ in runs[True]) - min(c for c, _, _, _ in runs[False])
        middle = (statistics.median(c for c, _, _, _ in runs[True])
                  - statistics.median(c for c, _, _, _ in runs[False]))
        firings = runs[True][0][2].personal
        p99 = float(np.percentile([x for *_, ss in runs[True] for x in ss], 99))
        alone = float(np.percentile([x for *_, ss in runs[False] for x in ss], 99))
        per = f"{best / firings * 1000:.3f} ms a firing" if firings else "no firings"
        print(f"personal alerts on top of the scan: {best:.2f}s CPU by the fastest runs, {middle:.2f}s by the "
              f"medians (target <= 1 s) for {firings:,} firings ({per}; levels within {args.levels_pct:g} %, "
              f"a breakout on every {args.breakout_every}th ticker) | loop lag p99 {p99:.1f} ms, scan alone "
              f"{alone:.1f} ms (target <= 20 ms)")
        print("load average (1, 5, 15 min) at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--alerts", type=int, default=100_000)
    ap.add_argument("--tickers", type=int, default=2_000)
    ap.add_argument("--levels-pct", type=float, default=6.0, help="levels drawn within this many %% of the close")
    ap.add_argument("--breakout-every", type=int, default=10, help="a breakout on every N-th ticker that day")
    ap.add_argument("--repeat", type=int, default=3, help="scans of each kind, alternating (CPU: min and median)")
    ap.add_argument("--pg", default=None, help="a PostgreSQL URL instead of SQLite")
    stalls.add_option(ap)
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
