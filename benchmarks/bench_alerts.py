"""Benchmark: members' personal alerts checked at the daily close, on top of the scan.

100,000 personal alerts (40 servers x 100 members x 25 alerts: levels above and below, moves,
breakout/any) over 2,000 synthetic tickers, in a SQLite store (or PostgreSQL with --pg URL).
The same 2,000 tickers are scanned twice on one day-step, each from the same stored state:
once with no personal alerts (the scan alone) and once with the alerts. The scan's engine is a
trivial one (a breakout on every 10th ticker) so the difference is the alerts' own cost: reading
them a chunk at a time, the firings, their outbox rows and the level alerts marked fired.
A sampler on the event loop measures its lag (every 5 ms) while the alerts' scan runs.

Run:   python benchmarks/bench_alerts.py [--alerts 100000] [--tickers 2000] [--pg URL]
Target: <= 1 s CPU for the alerts on top of the scan; loop lag p99 <= 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
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
from machine import machine_info  # noqa: E402

from bot.analysis.events.state import ActiveBase, TickerState  # noqa: E402
from bot.analysis.events.types import Event  # noqa: E402
from bot.scan.scanner import Scanner  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.guilds import GuildSettingsRepo  # noqa: E402
from bot.store.schema import personal_alerts  # noqa: E402
from bot.store.watchlist import WatchlistRepo  # noqa: E402

DAY1, DAY2 = date(2024, 1, 2), date(2024, 1, 3)


class Market:
    def __init__(self, frames):
        self.frames = frames

    async def histories(self, tickers, *, start=None, end=None, strict=False):
        return {t: self.frames[t].loc[:pd.Timestamp(end)] for t in tickers if t in self.frames}


class Engine:
    """A breakout on DAY2 for every 10th ticker; otherwise nothing (the scan's own cost kept small)."""

    def first_step(self, ticker, daily):
        return self.step(None, ticker, daily)

    def step(self, state, ticker, daily):
        state = state.copy() if state is not None else TickerState(ticker)
        state.base = ActiveBase(f"{ticker}-B1", "2023-01-02", 100.0, 99.0, 101.0, 90.0, 89.0, 91.0)
        last = daily.index[-1].date()
        events = []
        if last == DAY2 and int(ticker[1:]) % 10 == 0:
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


async def seed(db, tickers, frames, n_alerts, guilds=40):
    members = n_alerts // 25 // guilds
    rng = random.Random(11)
    rows = []
    for g in range(guilds):
        gid = (g + 1) << 22
        await GuildSettingsRepo(db).set_channel(gid, 10_000 + g)
        await WatchlistRepo(db).remove(gid, ["IWM", "MDY", "SPY", "QQQ"])
        for m in range(members):
            uid = 1_000_000 + g * members + m
            for j, t in enumerate(rng.sample(tickers, 25)):
                last = float(frames[t]["Close"].loc[:pd.Timestamp(DAY1)].iloc[-1])
                kind = ("above", "below", "move", "breakout", "any")[j % 5]
                level = {"above": last * rng.uniform(1.0, 1.06), "below": last * rng.uniform(0.94, 1.0),
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


async def run(args):
    print(machine_info())
    tickers = [f"T{i:04d}" for i in range(args.tickers)]
    frames = frames_for(tickers)
    tmp = Path(tempfile.mkdtemp())
    try:
        results = {}
        for with_alerts in (False, True):
            target = args.pg or str(tmp / f"bench-{with_alerts}.sqlite3")
            schema = f"bench_alerts_{int(with_alerts)}_{int(time.time())}" if args.pg else None
            db = await Database(target, schema=schema).open()
            # the watchlist holds every ticker in both runs: the alerts add no ticker, only their checks
            g0 = 1 << 22
            await GuildSettingsRepo(db).set_channel(g0, 1)
            repo = WatchlistRepo(db, limit=len(tickers))
            await repo.remove(g0, ["IWM", "MDY", "SPY", "QQQ"])
            await repo.add(g0, tickers)
            if with_alerts:
                n = await seed(db, tickers, frames, args.alerts)
            scanner = Scanner(db, Market(frames), Engine(), reuse_bases=False)
            await scanner.run(as_of=DAY1)
            samples: list[float] = []
            stop = asyncio.Event()
            sampler = asyncio.create_task(lag_sampler(samples, stop))
            c0, w0 = time.process_time(), time.perf_counter()
            report = await scanner.run(as_of=DAY2)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            stop.set()
            await sampler
            results[with_alerts] = (cpu, wall, report, samples)
            label = f"with {n:,} personal alerts" if with_alerts else "scan alone"
            p99 = float(np.percentile(samples, 99)) if samples else 0.0
            print(f"{label:>32}: {report.tickers} tickers, {report.events} events, {report.personal} firings, "
                  f"{report.queued} rows queued | CPU {cpu:.2f}s, wall {wall:.2f}s | loop lag p50 "
                  f"{statistics.median(samples):.1f} ms, p99 {p99:.1f} ms, max {max(samples):.1f} ms "
                  f"({len(samples)} samples)")
            await db.close()
        extra = results[True][0] - results[False][0]
        p99 = float(np.percentile(results[True][3], 99))
        print(f"personal alerts on top of the scan: {extra:.2f}s CPU (target <= 1 s) | loop lag p99 {p99:.1f} ms "
              f"(target <= 20 ms)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--alerts", type=int, default=100_000)
    ap.add_argument("--tickers", type=int, default=2_000)
    ap.add_argument("--pg", default=None, help="a PostgreSQL URL instead of SQLite")
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
