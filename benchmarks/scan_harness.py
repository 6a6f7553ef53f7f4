"""One harness for the daily scan of any revision: ``bench_scan_store.py --against`` runs two of
these processes, one importing ``bot`` from this checkout and one from a worktree of the other
revision, and steps them day by day, taking turns, so load drift on a shared machine falls on both.

A worker loads the universe, builds the same store (eleven servers watching 46 tickers each, one
watching all), serves prices from memory the same way (:class:`MemoryMarket`), and then answers
one line per request on stdin:

    scan YYYY-MM-DD   ->   done YYYY-MM-DD <tickers> <events> <queued> <cpu seconds> <wall seconds>
    quit

Run by bench_scan_store.py:  python benchmarks/scan_harness.py --tree DIR --data DIR --days N [--limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd


class MemoryMarket:
    """``histories`` from prices already in memory (the cache-hit path).

    Like the bot's price cache (which builds each scan's frames afresh from its database),
    every call hands out new frames; here they are built over arrays held in memory, without
    copying. (Slicing the same long-lived frames every scan instead would pile pandas'
    copy-on-write bookkeeping, a dead weak reference per view, on them, which the bot never
    does, and charge the scan for the garbage collector walking it.)"""

    def __init__(self, frames):
        self.frames = {t: (df.index.values, np.asfortranarray(df.to_numpy(dtype=float)), df.columns)
                       for t, df in frames.items()}
        self.calls = 0

    def frame(self, ticker, start=None, end=None) -> pd.DataFrame:
        days, values, columns = self.frames[ticker]
        lo = 0 if start is None else int(np.searchsorted(days, np.datetime64(start, "D").astype(days.dtype)))
        hi = len(days) if end is None else int(np.searchsorted(days, np.datetime64(end, "D").astype(days.dtype),
                                                              side="right"))
        index = pd.DatetimeIndex(days[lo:hi], name="Date")
        return pd.DataFrame(values[lo:hi], index=index, columns=columns, copy=False)

    async def histories(self, tickers, *, start=None, end=None, strict=False):
        self.calls += 1
        return {t: self.frame(t, start, end) for t in tickers if t in self.frames}


def load_universe(data: str, limit: int) -> dict[str, pd.DataFrame]:
    from bot.market.csvdir import read_price_csv

    files = sorted(Path(data).glob("*.csv.gz"))[: limit or None]
    return {f.name[: -len(".csv.gz")]: read_price_csv(f) for f in files}


async def open_store(path: Path, tickers: list[str]):
    """The benchmark's servers and watchlists, in a SQLite store at ``path`` (any revision's API)."""
    from bot.store.db import Database
    from bot.store.guilds import GuildSettingsRepo
    from bot.store.watchlist import WatchlistRepo

    db = Database(path)
    await db.open()
    guilds = GuildSettingsRepo(db)
    for g in range(0, len(tickers), 46):
        gid = 1000 + g
        await WatchlistRepo(db).add(gid, tickers[g : g + 46])
        await guilds.set_channel(gid, gid * 10)
    await WatchlistRepo(db, limit=10_000).add(1, tickers)
    await guilds.set_channel(1, 10)
    return db


def make_scanner(db, market, *, reuse_bases: bool = True):
    from bot.analysis.events import EventEngine
    from bot.scan.scanner import Scanner

    kw = {"reuse_bases": reuse_bases} if "reuse_bases" in inspect.signature(Scanner).parameters else {}
    return Scanner(db, market, EventEngine(), **kw)


def freeze_start_up_heap() -> None:
    """What the bot at this revision does once started: freeze its start-up heap, if it did then."""
    try:
        from bot.heap import freeze_long_lived
    except ImportError:  # a revision before the heap freeze
        return
    freeze_long_lived()


async def serve(args) -> None:
    frames = load_universe(args.data, args.limit)
    tickers = sorted(frames)
    days = [d.date() for d in frames[tickers[0]].index[-(args.days + 1):]]
    market = MemoryMarket(frames)
    del frames
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_store(Path(tmp) / "bench.sqlite3", tickers)
        scanner = make_scanner(db, market)
        freeze_start_up_heap()
        import bot

        if Path(bot.__file__).resolve().parents[1] != Path(args.tree).resolve():
            raise SystemExit(f"imported bot from {bot.__file__}, not from {args.tree}")
        print("ready", len(tickers), " ".join(d.isoformat() for d in days), flush=True)
        for line in sys.stdin:
            words = line.split()
            if not words or words[0] == "quit":
                break
            d = date.fromisoformat(words[1])
            c0, w0 = time.process_time(), time.perf_counter()
            r = await scanner.run(as_of=d)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            print(f"done {d} {r.tickers} {r.events} {r.queued} {cpu:.4f} {wall:.4f}", flush=True)
        await db.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tree", required=True, help="the checkout whose bot/ is measured")
    ap.add_argument("--data", required=True)
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    sys.path.insert(0, str(Path(args.tree).resolve()))
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
