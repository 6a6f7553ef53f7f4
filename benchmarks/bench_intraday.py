"""The intraday watch's check: 5,000 watched tickers' quotes against their lines (issue 24's
target: ≤ 20 ms of CPU), with the fetch faked.

    python benchmarks/bench_intraday.py [--tickers 5000] [--repeat 50]

The fake fetch is a frame shaped like a batched ``yfinance.download(interval="5m", period="1d")``'s
``Close`` level: one column per ticker, 78 five-minute rows, a few tickers with no data and a few
with stale or bad quotes. Timed (CPU, the best and the median of ``--repeat`` runs):

* **last quotes**: each ticker's last price and its time out of the frame;
* **check**: each quote's status (missing, stale, implausible) and whether it crosses its line
  (``Levels.line`` from below or ``Levels.invalidation`` from above), vectorised;
* **plain**: the same check one ticker at a time in Python, for the ratio (and it is checked
  to give the same answer).

Then the **loop lag during watch rounds** (target: p99 ≤ 20 ms): the real watch
(:class:`bot.services.intraday_watch.IntradayWatch`) over a SQLite store of ``--servers`` servers
tracking 50 of ``--universe`` tickers each, every one opted in, each ticker's engine state a base
whose line is 0 to ``--spread`` % (30) above its last close (about a tenth within the watch's 3 %,
a handful of a server's 50); the fetch is faked
(the real one waits in daemon threads, off the loop) and answers each watched ticker's 5-minute
bars. A sampler on the event loop sleeps 5 ms and records how late it wakes, first with the loop
idle, then over ``--rounds`` rounds (crossings recorded, notices queued, as in the bot).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stalls  # noqa: E402
from machine import machine_info  # noqa: E402

from bot.analysis.intraday.quotes import (  # noqa: E402
    DOWN,
    UP,
    crossings,
    crossings_plain,
    last_quotes,
    quote_status,
)
from bot.threads import taking_turns  # noqa: E402


def fake_fetch(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    idx = pd.date_range("2024-03-04 14:30", periods=78, freq="5min", tz="UTC")
    prev = rng.uniform(5, 500, n)
    steps = rng.normal(0, 0.002, (78, n)).cumsum(axis=0)
    closes = prev * np.exp(steps)
    closes[:, rng.integers(0, n, n // 100)] = np.nan  # no data today
    closes[-10:, rng.integers(0, n, n // 100)] = np.nan  # halted an hour ago: stale
    closes[-1, rng.integers(0, n, n // 200)] *= 10  # bad ticks
    frame = pd.DataFrame(closes, index=idx, columns=[f"T{i:04d}" for i in range(n)])
    line = prev * rng.uniform(0.97, 1.03, n)
    direction = rng.choice([UP, DOWN], n)
    return frame, prev, line, direction


def cpu_ms(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        out.append((time.process_time() - t) * 1000)
    return out


async def lag_sampler(samples: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(0.005)
        samples.append((time.perf_counter() - t0 - 0.005) * 1000)


class FakeIntraday:
    """Each ticker's bars of the day so far: a random walk from its last close (the round's time
    is ``now``); the fetch yields to the loop once, as the real one waits on its daemon threads."""

    def __init__(self, prev: dict[str, float], day: str, rng: np.random.Generator):
        from bot.market.calendar import NEW_YORK

        idx = pd.date_range(f"{day} 09:30", periods=78, freq="5min", tz=NEW_YORK, name="Datetime")
        self.bars = {}
        for t, p in prev.items():
            c = p * np.exp(rng.normal(0, 0.003, 78).cumsum())
            self.bars[t] = pd.DataFrame({"Open": c, "High": c * 1.001, "Low": c * 0.999, "Close": c,
                                         "Volume": np.full(78, 1e5)}, index=idx)
        self.now = None

    async def fetch(self, tickers):
        from bot.market.yahoo_intraday import BAR, IntradayBatch

        now = self.now
        # the real fetch splits the download in its daemon threads, a ticker at a time in turns with
        # the event loop (split_intraday): the fake does its work so too
        return await asyncio.to_thread(lambda: IntradayBatch(
            bars={t: self.bars[t][self.bars[t].index + BAR <= now] for t in taking_turns(tickers)}))


async def watch_lag(args) -> None:
    from bot.analysis.events.state import ActiveBase, TickerState
    from bot.analysis.intraday.session import round_times
    from bot.heap import freeze_long_lived
    from bot.market.calendar import NEW_YORK
    from bot.services.intraday_watch import IntradayWatch
    from bot.store.db import Database
    from bot.store.engine_states import StateRecord, upsert_states
    from bot.store.guilds import GuildSettingsRepo
    from bot.store.watchlist import WatchlistRepo
    from bot.threads import loop_first

    loop_first()  # the GIL's switch interval the bot runs with (BreakoutBot.setup_hook)
    freeze_long_lived()  # and its start-up heap hidden from the collector (Services.started)
    rng = np.random.default_rng(24)
    day = "2024-03-04"
    tmp = Path(tempfile.mkdtemp())
    try:
        db = await Database(str(tmp / "bench.sqlite3")).open()
        universe = [f"T{i:04d}" for i in range(args.universe)]
        guilds = GuildSettingsRepo(db)
        for g in range(args.servers):
            gid = (g + 1) << 22
            await guilds.set_channel(gid, gid + 1)
            await guilds.set_intraday(gid, True)
            repo = WatchlistRepo(db)
            await repo.remove(gid, ["IWM", "MDY", "SPY", "QQQ"])
            await repo.add(gid, list(rng.choice(universe, 50, replace=False)))
        prev = {t: float(rng.uniform(10, 500)) for t in universe}
        records = []
        for t in universe:
            top = prev[t] * (1 + rng.uniform(0.0, args.spread / 100)) / 1.005
            breakout = rng.random() < 0.2
            st = TickerState(t, last_date="2024-03-01", phase="breakout" if breakout else "armed",
                             base=ActiveBase(f"{t}:b", "2023-01-02", top, top * 0.98, top, top * 0.8, top * 0.79,
                                             top * 0.81))
            if breakout:
                st.base = ActiveBase(f"{t}:b", "2023-01-02", top, prev[t] * 0.97, prev[t] * 0.99, 1, 1, 1)
            records.append(StateRecord(t, json.dumps(st.to_dict()), date_of("2024-03-01"), st.phase, top, prev[t]))
        async with db.transaction() as conn:
            await upsert_states(db, conn, records, "2024-03-01T21:00:00+00:00")
        source = FakeIntraday(prev, day, rng)
        watch = IntradayWatch(db, source, holder="bench")
        from bot.market.calendar import xnys

        xnys()  # the bot builds the trading calendar at start-up (in the lane), not in a round
        idle: list[float] = []
        stop = asyncio.Event()
        sampler = asyncio.create_task(lag_sampler(idle, stop))
        await asyncio.sleep(2.0)
        stop.set()
        await sampler
        start = pd.Timestamp(f"{day} 09:30", tz=NEW_YORK)
        times = list(round_times(start, start + pd.Timedelta(hours=6, minutes=30)))[: args.rounds]
        samples: list[float] = []
        stop = asyncio.Event()
        sampler = asyncio.create_task(lag_sampler(samples, stop))
        walls, watched, crossings, queued = [], 0, 0, 0
        c0 = time.process_time()
        async with stalls.watching(args.stalls):
            for t in times:
                source.now = t
                w0 = time.perf_counter()
                report = await watch.round(t.tz_convert("UTC").to_pydatetime())
                walls.append(time.perf_counter() - w0)
                watched, crossings, queued = report.watched, crossings + len(report.crossings), queued + report.queued
                await asyncio.sleep(0.05)  # the loop between rounds
        cpu = time.process_time() - c0
        stop.set()
        await sampler
        await db.close()

        def row(name, xs):
            return (f"  {name:24s} p50 {statistics.median(xs):6.2f} ms  p99 {float(np.percentile(xs, 99)):6.2f} ms  "
                    f"max {max(xs):6.2f} ms  ({len(xs)} samples)")

        print(f"watch rounds: {args.servers} servers x 50 of {args.universe} tickers, {watched} lines watched, "
              f"{len(times)} rounds, {crossings} crossings, {queued} notices queued; round wall p50 "
              f"{statistics.median(walls) * 1000:.0f} ms, max {max(walls) * 1000:.0f} ms; CPU {cpu:.2f} s")
        print(row("loop lag, idle", idle))
        print(row("loop lag, watch rounds", samples) + "  target: p99 ≤ 20 ms")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def date_of(text: str):
    from datetime import date

    return date.fromisoformat(text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickers", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--servers", type=int, default=100, help="servers for the watch rounds' loop lag")
    ap.add_argument("--universe", type=int, default=2000, help="tickers the servers track")
    ap.add_argument("--rounds", type=int, default=20)
    stalls.add_option(ap)
    ap.add_argument("--spread", type=float, default=30.0,
                    help="each base's line lies 0 to this %% above its last close (30: about a tenth within 3 %%)")
    args = ap.parse_args()
    rng = np.random.default_rng(24)
    frame, prev, line, direction = fake_fetch(args.tickers, rng)
    now = frame.index[-1].timestamp() + 300

    def quotes():
        return last_quotes(frame)

    price, when = quotes()

    def check():
        return crossings(price, line, direction, quote_status(price, when, now, prev))

    def whole():
        p, w = last_quotes(frame)
        return crossings(p, line, direction, quote_status(p, w, now, prev))

    def plain():
        return crossings_plain(price, line, direction, quote_status(price, when, now, prev))

    assert check().tolist() == plain()
    print(machine_info(f"numpy {np.__version__}", f"pandas {pd.__version__}"))
    print(f"{args.tickers} tickers, CPU ms (best / median of {args.repeat}); target: whole ≤ 20 ms")
    rows = {"last quotes": cpu_ms(quotes, args.repeat), "check (vectorised)": cpu_ms(check, args.repeat),
            "whole (quotes + check)": cpu_ms(whole, args.repeat), "check (plain loop)": cpu_ms(plain, 5)}
    for name, ms in rows.items():
        print(f"  {name:24s} {min(ms):8.2f} {statistics.median(ms):8.2f}")
    ratio = statistics.median(rows["check (plain loop)"]) / statistics.median(rows["check (vectorised)"])
    print(f"  plain / vectorised: {ratio:.0f}x; crossings: {int(check().sum())}")
    asyncio.run(watch_lag(args))


if __name__ == "__main__":
    main()
