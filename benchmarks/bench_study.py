"""``study`` over the 503 stocks (../shared/data/universe, 2015-01 -> 2025-07; breakouts from
2016-01-01), in 2 worker processes, against the replay's own cost per bar.

Prints the study's wall time (target <= 120 s) and CPU (both workers), the bars it stepped
through, and, on a sample of stocks timed in this process: the plain replay's CPU per bar
(``replay``, which the live scan's events equal) and the data-only engine's (the study's replay,
``EventEngine(data_only=True)``, proven equal by tests/analysis/events/test_data_only.py), with
what the plain replay of all 503 would take on 2 cores.

Also prints the odds line's coverage: the share of the breakouts announced over the 503 stocks
that get one from the committed table (target >= 95 %), and how deep in the chain its group is.

Run: python benchmarks/bench_study.py [--workers 2] [--sample 12] [--universe-only]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from datetime import date
from pathlib import Path

import pandas as pd
from machine import machine_info, peak_rss_mb

from bot.analysis.events.replay import replay
from bot.analysis.study.measure import data_only_events
from bot.market.csvdir import read_price_csv
from bot.services.study import run_study

DATA = Path(os.environ.get("BREAKOUT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
START = date(2016, 1, 1)
TARGET_S = 120.0


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def coverage(study) -> None:
    """The odds line of each breakout announced in the replay of the 503 stocks, as the live
    announcement looks it up from the committed table (its kind, base length, volume, RS line
    and market state): the share that gets one, and how specific its group is."""
    from collections import Counter

    from bot.analysis.study.table import CHAIN, base_rates, odds_of_groups
    from bot.words.study import odds_line

    base_rates.cache_clear()
    depth: Counter = Counter()
    lines = 0
    for c in study.cases:
        odds = odds_of_groups("sp500", {d: c.group(d) for d in CHAIN})
        if odds is not None and odds_line(odds):
            lines += 1
            depth[len(odds.pairs)] += 1
    n = len(study.cases)
    print(f"odds line on {lines:,} of {n:,} breakout announcements = {100 * lines / max(n, 1):.1f} % (target >= 95 %)")
    names = ["all", *CHAIN]
    print("its group: " + ", ".join(f"{names[k]} {100 * depth[k] / max(lines, 1):.1f} %" for k in sorted(depth))
          + "  (the deepest level of the chain reached with >= 30 cases)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sample", type=int, default=12, help="stocks whose replay is timed per bar")
    args = ap.parse_args()
    files = sorted((DATA / "universe").glob("*.csv.gz"))
    if not files:
        raise SystemExit(f"no universe at {DATA / 'universe'}")
    print(machine_info(f"pandas {pd.__version__}"))
    print(f"date {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.1f}")

    cpu0, t0 = _children_cpu(), time.perf_counter()
    study = run_study(DATA, universe="sp500", start=START, workers=args.workers)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    bars = 0
    for p in files:
        days = pd.read_csv(p, usecols=["Date"])["Date"]
        bars += int((days >= START.isoformat()).sum())
    print(f"study: {study.tickers} stocks, {len(study.cases):,} breakouts, {bars:,} bars from {START}")
    print(f"study wall {wall:.1f} s on {args.workers} workers (target <= {TARGET_S:.0f} s: "
          f"{'met' if wall <= TARGET_S else 'NOT met'}); workers' CPU {cpu:.1f} s = {cpu / bars * 1000:.3f} ms per bar")

    coverage(study)

    step = max(1, len(files) // args.sample)
    sample = files[::step][: args.sample]
    plain = fast = 0.0
    sample_bars = 0
    for p in sample:
        ticker = p.name.split(".")[0]
        daily = read_price_csv(p)
        n = int((daily.index >= pd.Timestamp(START)).sum())
        c0 = time.process_time()
        replay(ticker, daily, START)
        c1 = time.process_time()
        data_only_events(ticker, daily, START)
        c2 = time.process_time()
        plain, fast, sample_bars = plain + c1 - c0, fast + c2 - c1, sample_bars + n
    per_plain, per_fast = plain / sample_bars * 1000, fast / sample_bars * 1000
    print(f"sample of {len(sample)} stocks, {sample_bars:,} bars: replay {per_plain:.3f} ms/bar, "
          f"data-only replay {per_fast:.3f} ms/bar ({per_plain / per_fast:.2f}x)")
    print(f"study CPU per bar / replay per bar: {cpu / bars * 1000 / per_plain:.2f}x "
          f"(all of study: replay, outcomes, RS, market state, baseline, file reading)")
    print(f"the plain replay of the {bars:,} bars would take {bars * per_plain / 1000 / args.workers:.0f} s "
          f"on {args.workers} cores")
    print(f"peak RSS (main) {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
