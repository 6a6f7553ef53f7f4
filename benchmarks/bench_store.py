"""Benchmark: the store on each engine — SQLite (file, WAL) and PostgreSQL (TEST_DATABASE_URL or
--pg) — from one run, with the ratios PostgreSQL / SQLite.

1. The daily scan (Scanner.run, the real engine) of the 503-stock universe with engine state and
   outbox: a cold scan (no state) and N daily scans (one new bar per ticker), prices served from
   memory so that only the engine and the store differ. Eleven servers watch 46 tickers each,
   one more watches all of them (every event queued for two servers), as bench_scan_store.py.
   Target: PostgreSQL within 2x of SQLite.
2. Announcement delivery: 1,000 servers x 5 tickers = 5,000 outbox rows, posted by Sender.flush
   through a poster that returns at once (the store's cost per announcement: claim, attempt,
   mark sent), in rows per second.

Run:  python benchmarks/bench_store.py [--data DIR] [--days 3] [--limit N] [--pg URL]
The PostgreSQL half runs in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from machine import machine_info  # noqa: E402

from bot.analysis.events import EventEngine  # noqa: E402
from bot.analysis.events.types import Event  # noqa: E402
from bot.market.csvdir import read_price_csv  # noqa: E402
from bot.market.frames import clip  # noqa: E402
from bot.scan.delivery import Sender  # noqa: E402
from bot.scan.scanner import Scanner, event_payload  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.engine_states import StateRecord  # noqa: E402
from bot.store.guilds import GuildSettingsRepo  # noqa: E402
from bot.store.outbox import NewMessage, OutboxRepo  # noqa: E402
from bot.store.watchlist import WatchlistRepo  # noqa: E402


class MemoryMarket:
    def __init__(self, frames):
        self.frames = frames

    async def histories(self, tickers, *, start=None, end=None, strict=False):
        return {t: clip(self.frames[t], start, end) for t in tickers if t in self.frames}


class InstantPoster:
    def __init__(self):
        self.n = 0

    async def post(self, channel_id, delivery):
        self.n += 1
        return self.n

    async def find_posted(self, channel_id, key):
        return None


async def scan_bench(db: Database, frames, days: list[date]) -> dict[str, float]:
    tickers = sorted(frames)
    guilds = GuildSettingsRepo(db)
    for g in range(0, len(tickers), 46):
        await WatchlistRepo(db).add(1000 + g, tickers[g : g + 46])
        await guilds.set_channel(1000 + g, (1000 + g) * 10)
    await WatchlistRepo(db, limit=10_000).add(1, tickers)
    await guilds.set_channel(1, 10)
    scanner = Scanner(db, MemoryMarket(frames), EventEngine())
    w0 = time.perf_counter()
    cold = await scanner.run(as_of=days[0])
    out = {"cold": time.perf_counter() - w0, "cold_rows": cold.queued, "failed": len(cold.failed), "events": cold.events}
    walls, rows = [], 0
    for d in days[1:]:
        w0 = time.perf_counter()
        r = await scanner.run(as_of=d)
        walls.append(time.perf_counter() - w0)
        rows += r.queued
    out["daily"] = sum(walls) / len(walls)
    out["daily_rows"] = rows
    return out


async def delivery_bench(db: Database, servers: int = 1000, tickers: int = 5) -> dict[str, float]:
    day = date(2024, 6, 28)
    for i in range(tickers):
        t = f"T{i}"
        event = Event(ticker=t, kind="breakout", date=day, close=105.0, level=100.0, zone_low=99.0, zone_high=101.0,
                      support=90.0, base_id=f"{t}-B1", base_start=date(2023, 1, 3), base_weeks=78.0, test_count=4,
                      volume_ratio=1.6, on_volume=True, pct_beyond=5.0, breakout_date=day, breakout_close=105.0)
        payload = event_payload(event)
        msgs = [NewMessage((g + 1) << 22, g + 1, t, event.base_id, "breakout", day, payload) for g in range(servers)]
        await OutboxRepo(db).commit_ticker(StateRecord(t, "{}", day), msgs)
    poster = InstantPoster()
    w0 = time.perf_counter()
    report = await Sender(db, poster).flush()
    wall = time.perf_counter() - w0
    assert report.sent == servers * tickers == poster.n, report
    return {"rows": report.sent, "seconds": wall, "per_second": report.sent / wall}


async def on_engine(name: str, target: str, schema: str | None, frames, days) -> dict:
    async with Database(target, schema=schema) as db:
        scan = await scan_bench(db, frames, days)
    async with Database(target + "-delivery" if name == "sqlite" else target,
                        schema=(schema + "_d") if schema else None) as db:
        delivery = await delivery_bench(db)
    return {"scan": scan, "delivery": delivery}


async def pg_schema(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1), timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def run(args) -> None:
    files = sorted(Path(args.data).glob("*.csv.gz"))[: args.limit or None]
    frames = {f.name[: -len(".csv.gz")]: read_price_csv(f) for f in files}
    sessions = frames[sorted(frames)[0]].index
    days = [d.date() for d in sessions[-(args.days + 1):]]
    print(f"{len(frames)} tickers; cold scan {days[0]}, then {args.days} daily scans; delivery 1,000 servers x 5 tickers")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = await on_engine("sqlite", str(Path(tmp) / "bench.sqlite3"), None, frames, days)
    if args.pg:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        await pg_schema(args.pg, f"CREATE SCHEMA {schema}; CREATE SCHEMA {schema}_d")
        try:
            results["postgresql"] = await on_engine("postgresql", args.pg, schema, frames, days)
        finally:
            await pg_schema(args.pg, f"DROP SCHEMA {schema} CASCADE; DROP SCHEMA {schema}_d CASCADE")
    for name, r in results.items():
        s, d = r["scan"], r["delivery"]
        print(f"{name:<10} cold scan {s['cold']:6.2f}s ({s['cold_rows']} rows, {s['failed']} failed) | daily scan {s['daily']:5.2f}s "
              f"({s['daily_rows']} rows) | delivery {d['rows']} rows in {d['seconds']:5.2f}s = {d['per_second']:6.0f}/s")
    if "postgresql" in results:
        pg, lite = results["postgresql"], results["sqlite"]
        print(f"PostgreSQL / SQLite: cold scan {pg['scan']['cold'] / lite['scan']['cold']:.2f}x, daily scan "
              f"{pg['scan']['daily'] / lite['scan']['daily']:.2f}x (target <= 2x), delivery time "
              f"{pg['delivery']['seconds'] / lite['delivery']['seconds']:.2f}x")
    import asyncpg
    import sqlalchemy

    print(machine_info(f"SQLAlchemy {sqlalchemy.__version__}", f"asyncpg {asyncpg.__version__}"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data" / "universe"))
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL"), help="PostgreSQL URL (default: TEST_DATABASE_URL)")
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
