"""Benchmark the setups screen over the 503-stock universe (../shared/data/universe), as the
service runs it once the prices are in memory (the cache's job): every ticker's find_base,
the filter and sort, the chart windows and the grid render of the 12 closest setups.

Prints the bare per-ticker find_base cost, the screen (analysis only), the grid render, and the
total against the issue's target (<= 1.5 s on 2 cores), with the machine.
Run: python benchmarks/bench_setups.py [--limit N] [--as-of YYYY-MM-DD] [--timeframe weekly|daily] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from machine import machine_info, peak_rss_mb

from bot.analysis.base import find_base
from bot.charts.setups_grid import render_setups_grid
from bot.market.csvdir import read_price_csv
from bot.market.frames import clip
from bot.services.base import LOOKBACK_DAYS
from bot.services.common import lookback_start
from bot.services.setups import GRID_MAX, SetupsRequest, screen_and_draw, tiles
from bot.words.setups import grid_as_of, grid_title

DATA = Path(os.environ.get("BREAKOUT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
TARGET_S = 1.5


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--as-of", default=None)
    ap.add_argument("--timeframe", default="weekly", choices=("weekly", "daily"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files = sorted((DATA / "universe").glob("*.csv.gz"))
    if args.limit:
        files = files[: args.limit]
    if not files:
        print(f"no universe data under {DATA / 'universe'}", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    raw = {f.name[: -len(".csv.gz")].replace("-", "."): read_price_csv(f) for f in files}
    load_s = time.perf_counter() - t0
    as_of = date.fromisoformat(args.as_of) if args.as_of else max(df.index[-1].date() for df in raw.values())
    start = lookback_start(as_of, LOOKBACK_DAYS[args.timeframe])
    frames = {t: clip(df, start, as_of) for t, df in raw.items()}
    frames = {t: df for t, df in frames.items() if not df.empty}

    # bare cost: find_base alone, per ticker
    per = []
    for df in frames.values():
        s = time.perf_counter()
        try:
            find_base(df, as_of, timeframe=args.timeframe)
        except Exception:  # noqa: BLE001 - too short a history: still timed
            pass
        per.append(time.perf_counter() - s)

    request = SetupsRequest(universe="sp500", timeframe=args.timeframe)
    title = grid_title(request.universe, request.timeframe, request.status, request.near)
    screens, renders, totals = [], [], []
    for _ in range(args.repeat):
        s = time.perf_counter()
        chosen, failed, _png = screen_and_draw(frames, as_of, request, render=False)
        screens.append(time.perf_counter() - s)
        s = time.perf_counter()
        render_setups_grid(tiles(frames, chosen[:GRID_MAX], request.timeframe), title=title,
                           subtitle=grid_as_of(as_of))
        renders.append(time.perf_counter() - s)
        s = time.perf_counter()
        chosen, failed, png = screen_and_draw(frames, as_of, request, render=True)  # the service's one hop
        totals.append(time.perf_counter() - s)

    import matplotlib
    import numpy
    import pandas

    print(machine_info(f"numpy {numpy.__version__}", f"pandas {pandas.__version__}",
                       f"matplotlib {matplotlib.__version__}"))
    print(f"universe: {len(frames)} tickers as of {as_of} ({args.timeframe}); loading {load_s:.1f} s (excluded)")
    print(f"find_base per ticker: median {statistics.median(per) * 1e3:.2f} ms, mean {statistics.mean(per) * 1e3:.2f} ms, "
          f"p95 {sorted(per)[int(0.95 * len(per))] * 1e3:.2f} ms")
    print(f"screen (analysis, filter, sort): best {min(screens):.2f} s of {args.repeat}")
    print(f"grid render ({min(GRID_MAX, len(chosen))} tiles, chart windows included): best {min(renders):.2f} s")
    best = min(totals)
    verdict = "meets" if best <= TARGET_S else "MISSES"
    print(f"total (screen + grid): best {best:.2f} s, median {statistics.median(totals):.2f} s — {verdict} the "
          f"{TARGET_S} s target; {len(chosen)} setups, {len(failed)} tickers unreadable; png {len(png) // 1024} KiB")
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
