"""The live scan against `replay` over the whole period (issue 25; the suite runs a sample:
tests/scan/test_scan_replay_parity.py).

For every month end of 2016–2025, a server starts watching the 12 ETFs and a sample of stocks
(a cold start), and the real Scanner runs day by day for 20 sessions on a SQLite store; a copy
of the store taken after 10 sessions is run on by a new scanner (a restart from the stored
engine states). Both runs' announcements from the first session after the cold start must equal
``replay``'s for the same days (kind, level, base). ``--pg URL`` also runs the restart on
PostgreSQL (a schema per month end, dropped afterwards). Prints one line per month end with a
mismatch, then the totals and the machine; exits 1 on any mismatch.

Run:  python benchmarks/scan_parity.py [--stocks 50] [--workers 2] [--from-year 2016] [--to-year 2025]
          [--limit N] [--pg postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from machine import machine_info  # noqa: E402
from scan_parity import (  # noqa: E402
    ETFS,
    eligible,
    forked_sqlite_run,
    live_announcements,
    load_frames,
    month_ends,
    replayed_announcements,
    sessions_after,
    stock_sample,
)

RESTART_AFTER = 10
_frames: dict = {}
_args: argparse.Namespace | None = None


def _init(args: argparse.Namespace, tickers: list[str]) -> None:
    global _args
    _args = args
    _frames.update(load_frames(Path(args.data), tickers))


async def _pg_case(url: str, tickers, cold_day, days):
    import asyncpg

    from bot.store.db import Database

    schema = f"parity_{uuid.uuid4().hex[:12]}"
    plain_url = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(plain_url)
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        async def open_db():
            return await Database(url, schema=schema).open()

        return await live_announcements(open_db, _frames, tickers, cold_day, days, restart_after=RESTART_AFTER)
    finally:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()


def run_month(cold_day, tickers: list[str]) -> dict:
    """One month end: the plain and the restarted live runs against the replay."""
    calendar = _frames["SPY"].index
    days = sessions_after(calendar, cold_day)
    tickers = eligible(_frames, tickers, cold_day)
    t0 = time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        plain, restarted = asyncio.run(
            forked_sqlite_run(Path(tmp) / "bot.sqlite3", _frames, tickers, cold_day, days, RESTART_AFTER))
    runs = {"sqlite": plain, "sqlite-restart": restarted}
    if _args.pg:
        runs["postgresql-restart"] = asyncio.run(_pg_case(_args.pg, tickers, cold_day, days))
    live_cpu = time.process_time() - t0
    replayed = replayed_announcements(_frames, tickers, days)
    bad = {name: {t: (got.get(t, []), want) for t, want in replayed.items() if got.get(t, []) != want}
           for name, got in runs.items()}
    return {"day": cold_day, "tickers": len(tickers), "events": sum(len(v) for v in replayed.values()),
            "kinds": sorted(a[1] for v in replayed.values() for a in v),
            "bad": {k: v for k, v in bad.items() if v}, "live_cpu": live_cpu,
            "cpu": time.process_time() - t0}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--stocks", type=int, default=50, help="stocks sampled evenly from the universe")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--from-year", type=int, default=2016)
    ap.add_argument("--to-year", type=int, default=2025)
    ap.add_argument("--limit", type=int, default=0, help="only the first N month ends")
    ap.add_argument("--pg", default="", help="PostgreSQL URL: also run the restart on PostgreSQL")
    args = ap.parse_args()

    print(machine_info())
    tickers = list(ETFS) + stock_sample(Path(args.data) / "universe", args.stocks)
    calendar = load_frames(Path(args.data), ["SPY"])["SPY"].index
    ends = month_ends(calendar, args.from_year, args.to_year)
    if args.limit:
        ends = ends[: args.limit]
    print(f"{len(ends)} month ends {ends[0]}..{ends[-1]}, {len(tickers)} tickers, 20 sessions each, "
          f"restart after {RESTART_AFTER} sessions (SQLite copy{', and PostgreSQL' if args.pg else ''})")
    t0 = time.perf_counter()
    results = []
    mismatches = 0
    with ProcessPoolExecutor(args.workers, initializer=_init, initargs=(args, tickers)) as pool:
        for r in pool.map(run_month, ends, [tickers] * len(ends)):  # in order, each as soon as it is done
            results.append(r)
            bad = sum(len(diff) for diff in r["bad"].values())
            mismatches += bad
            print(f"{r['day']}: {r['tickers']} tickers, {r['events']} announcements, "
                  f"{'ok' if not bad else f'{bad} MISMATCHES'} ({r['cpu']:.0f} s CPU)", flush=True)
            for run, diff in r["bad"].items():
                for t, (got, want) in diff.items():
                    print(f"MISMATCH {r['day']} {run} {t}: live {got} != replay {want}", flush=True)
    wall = time.perf_counter() - t0
    cases = sum(r["tickers"] for r in results)
    events = sum(r["events"] for r in results)
    kinds: dict[str, int] = {}
    for r in results:
        for k in r["kinds"]:
            kinds[k] = kinds.get(k, 0) + 1
    print(f"{len(results)} month ends, {cases} (ticker, month end) cases, {events} replayed announcements "
          f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}), each compared with {3 if args.pg else 2} "
          f"live runs; {mismatches} mismatches")
    print(f"wall {wall:.0f} s with {args.workers} workers; CPU {sum(r['cpu'] for r in results):.0f} s "
          f"(live scans {sum(r['live_cpu'] for r in results):.0f} s)")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
