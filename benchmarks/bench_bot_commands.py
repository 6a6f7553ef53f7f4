"""Latency of chart commands through discord.py's real dispatch (no network), on real data.

    python benchmarks/bench_bot_commands.py [--data ../shared/data] [-n 20]

Prints p50/p95 wall time per command as a user would wait for it (dispatch, fetch from the
CSV directory, analysis, render, embed + attachment serialisation), and the same with the
renderer stubbed out to show the bot's own overhead.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from discord_harness import DiscordHarness  # noqa: E402

from bot.app.client import create_bot  # noqa: E402
from bot.market.csvdir import CsvDirectoryProvider  # noqa: E402
from bot.market.service import MarketData  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store.db import Database  # noqa: E402

CASES = [
    ("prefix", "!base IWM"),
    ("prefix", "!base SPY daily"),
    ("slash", ("base", {"ticker": "QQQ"})),
    ("prefix", "!compare IWM SPY QQQ MDY 1y"),
    ("prefix", "!perf"),
    ("prefix", "!chart IWM weekly 2y"),
    ("prefix", "!base ???"),
]


async def run(data: Path, n: int, stub: bool) -> None:
    if stub:
        import bot.services.base as b
        import bot.services.chart as p
        import bot.services.compare as c

        def fake(*a, **k):
            return b"\x89PNG\r\n\x1a\n" + b"\0" * 64 + b"IEND"

        b.render_base_chart = c.render_compare_chart = p.render_price_chart = fake
    bot = create_bot(Settings(token="bench"), market=MarketData(CsvDirectoryProvider(data)), db=Database(":memory:"))
    h = await DiscordHarness.start(bot)
    try:
        for kind, what in CASES:
            times = []
            for _ in range(n):
                h.reset_cooldowns()
                h.reset()
                t = time.perf_counter()
                if kind == "prefix":
                    await h.prefix(what)
                else:
                    await h.slash(*what)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            label = what if kind == "prefix" else f"/{what[0]} {' '.join(what[1].values())}"
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            print(f"  {label:32s} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")
        reply = None
        await h.prefix("!base IWM")
        reply = next(m for m in h.sent if m["files"])
        times = []
        for i in range(n):
            t = time.perf_counter()
            await h.click("base:timeframe:daily" if i % 2 == 0 else "base:timeframe:weekly", reply)
            times.append((time.perf_counter() - t) * 1000)
        print(f"  {'button Daily/Weekly':32s} p50 {statistics.median(times):7.1f} ms")
    finally:
        await h.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args()
    print(f"real renderer (n={args.n}):")
    asyncio.run(run(Path(args.data), args.n, stub=False))
    print("renderer stubbed (bot + analysis overhead):")
    asyncio.run(run(Path(args.data), args.n, stub=True))


if __name__ == "__main__":
    main()
