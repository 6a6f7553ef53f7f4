"""Benchmark: serving a daily scan's prices from the bot's SQLite price cache (the production path).

``bench_scan_store.py`` serves prices from memory, as if the frames were at hand. In the bot they
come from the price cache (``bot/market/cache.py``): every scan reads each tracked ticker's bars
(the engine looks back ~30 years) from the store and builds its frame. This fills a temporary
price database with the 503-stock universe through the cache (the provider reads the CSV files),
then times ``get_many`` over all of them with nothing to fetch, as a scan does, twice, with an
event-loop lag probe (10 ms ticks).

Run:  python benchmarks/bench_price_cache.py [--data DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from machine import machine_info, peak_rss_mb  # noqa: E402

from bot.market.cache import PriceCache  # noqa: E402
from bot.market.csvdir import CsvDirectoryProvider  # noqa: E402
from bot.scan.scanner import DEFAULT_LOOKBACK_DAYS  # noqa: E402
from bot.store.db import Database  # noqa: E402


async def lag_probe(stop: asyncio.Event, ticks: list[float]) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        t = loop.time()
        await asyncio.sleep(0.01)
        ticks.append(loop.time() - t - 0.01)


async def run(args) -> None:
    provider = CsvDirectoryProvider(args.data)
    tickers = sorted(provider.tickers())[: args.limit or None]
    end = date(2025, 7, 23)  # the universe's last session; the clock is the night after it
    start = end - timedelta(days=DEFAULT_LOOKBACK_DAYS)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "prices.sqlite3")
        await db.open()
        cache = PriceCache(db, clock=lambda: datetime(2025, 7, 24, 2, 0, tzinfo=timezone.utc))
        t = time.perf_counter()
        await cache.get_many(provider, tickers, start=start, end=end)
        print(f"filled the price cache with {len(tickers)} tickers in {time.perf_counter() - t:.1f}s; "
              f"peak RSS so far {peak_rss_mb():.0f} MB")
        for i in range(2):
            stop, ticks = asyncio.Event(), []
            probe = asyncio.create_task(lag_probe(stop, ticks))
            c0, w0 = time.process_time(), time.perf_counter()
            frames = await cache.get_many(provider, tickers, start=start, end=end)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            stop.set()
            await probe
            ticks.sort()
            rows = sum(len(f) for f in frames.values())
            print(f"scan's prices from the cache, run {i + 1}: {len(frames)} frames, {rows:,} bars | CPU {cpu:.2f}s "
                  f"wall {wall:.2f}s | loop lag p99 {1000 * ticks[int(0.99 * (len(ticks) - 1))]:.1f} ms, "
                  f"max {1000 * ticks[-1]:.1f} ms ({len(ticks)} ticks)")
        await db.close()
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    print(machine_info())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data" / "universe"))
    ap.add_argument("--limit", type=int, default=0)
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
