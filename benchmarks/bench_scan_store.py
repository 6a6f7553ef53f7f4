"""Benchmark: the full daily scan (Scanner.run) over the 503-stock universe, store included.

Unlike bench_scan.py (the engine alone), this runs the real scanner: the watchlist query, one
batched ``histories`` call (served from memory, as if cached), the engine step per ticker
in a worker thread, and one SQLite transaction per ticker (state JSON + outbox rows) on a
database file. Eleven servers watch 46 tickers each (limit 50), one more watches all of
them through a raised limit, so every event is queued for two servers.

Phases:
  * cold:  first scan, no engine state (each ticker: one find_base on its newest bar);
  * daily: the next N sessions, one scan each (one new bar per ticker) — the case that
    runs every evening; target ≤ 1 s CPU and ≤ 300 MB peak RSS.

Run:  python benchmarks/bench_scan_store.py [--data DIR] [--days 5] [--limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from machine import machine_info, peak_rss_mb  # noqa: E402

from bot.analysis.events import EventEngine  # noqa: E402
from bot.market.csvdir import read_price_csv  # noqa: E402
from bot.market.frames import clip  # noqa: E402
from bot.scan.scanner import Scanner  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.guilds import GuildSettingsRepo  # noqa: E402
from bot.store.outbox import OutboxRepo  # noqa: E402
from bot.store.watchlist import WatchlistRepo  # noqa: E402


class MemoryMarket:
    """``histories`` from frames already in memory (the cache-hit path)."""

    def __init__(self, frames):
        self.frames = frames
        self.calls = 0

    async def histories(self, tickers, *, start=None, end=None, strict=False):
        self.calls += 1
        return {t: clip(self.frames[t], start, end) for t in tickers if t in self.frames}


async def run(args) -> None:
    files = sorted(Path(args.data).glob("*.csv.gz"))[: args.limit or None]
    t0 = time.perf_counter()
    frames = {f.name[: -len(".csv.gz")]: read_price_csv(f) for f in files}
    tickers = sorted(frames)
    print(f"loaded {len(tickers)} tickers in {time.perf_counter() - t0:.1f}s; RSS {peak_rss_mb():.0f} MB")
    sessions = frames[tickers[0]].index
    days = [d.date() for d in sessions[-(args.days + 1):]]
    with tempfile.TemporaryDirectory() as tmp:
        async with Database(Path(tmp) / "bench.sqlite3") as db:
            guilds = GuildSettingsRepo(db)
            for g in range(0, len(tickers), 46):
                gid = 1000 + g
                await WatchlistRepo(db).add(gid, tickers[g : g + 46])
                await guilds.set_channel(gid, gid * 10)
            await WatchlistRepo(db, limit=10_000).add(1, tickers)
            await guilds.set_channel(1, 10)
            market = MemoryMarket(frames)
            scanner = Scanner(db, market, EventEngine())

            c0, w0 = time.process_time(), time.perf_counter()
            cold = await scanner.run(as_of=days[0])
            print(f"cold scan {days[0]}: {cold.tickers} tickers, {cold.events} events, {cold.queued} rows, "
                  f"{len(cold.failed)} failed | CPU {time.process_time() - c0:.2f}s wall {time.perf_counter() - w0:.2f}s")

            cpu = []
            for d in days[1:]:
                c0, w0 = time.process_time(), time.perf_counter()
                r = await scanner.run(as_of=d)
                cpu.append(time.process_time() - c0)
                print(f"daily scan {d}: {r.events} events, {r.queued} rows | CPU {cpu[-1]:.2f}s "
                      f"wall {time.perf_counter() - w0:.2f}s")
            rows = len(await OutboxRepo(db).rows())
    print(f"daily scans: mean CPU {sum(cpu) / len(cpu):.2f}s, max {max(cpu):.2f}s (target ≤ 1 s); "
          f"peak RSS {peak_rss_mb():.0f} MB (target ≤ 300 MB); outbox rows {rows}; fetch calls {market.calls}")
    print(machine_info())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data" / "universe"))
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--limit", type=int, default=0)
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
