"""Benchmark: the breakout event engine over the 503-stock universe.

Measures, with all price data already in memory (as if cached):
  * the cold start of every ticker (a newly watched universe: ``first_step``, a replay from the
    newest bar, its year of warm-up included, one find_base memo per ticker as the scan keeps),
  * then one day-step of all tickers for each of the last N trading days (state warmed,
    the JSON round trip of the state included, as the scanner persists it),
and prints CPU seconds (time.process_time) and peak RSS (resource.getrusage).

Run:  python benchmarks/bench_scan.py [--data DIR] [--days 10] [--limit N]
Target: <= 1 s CPU per day-step for 503 tickers, <= 300 MB peak RSS.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from machine import machine_info, peak_rss_mb  # noqa: E402

from bot.analysis.base.memo import FinderMemo  # noqa: E402
from bot.analysis.events import EventEngine  # noqa: E402
from bot.analysis.events.state import TickerState  # noqa: E402
from bot.market.csvdir import read_price_csv  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data" / "universe"))
    ap.add_argument("--days", type=int, default=10, help="day-steps to time after the warm-up")
    ap.add_argument("--limit", type=int, default=0, help="only the first N tickers")
    args = ap.parse_args()

    print(machine_info())
    files = sorted(Path(args.data).glob("*.csv.gz"))
    if args.limit:
        files = files[: args.limit]
    frames = {f.name[: -len(".csv.gz")]: read_price_csv(f) for f in files}
    print(f"{len(frames)} tickers loaded; RSS peak after load {peak_rss_mb():.0f} MB")

    engine = EventEngine()
    days = args.days
    t0 = time.process_time()
    states = {}
    calls = 0
    for t, df in frames.items():
        first = EventEngine(engine.params, memo=FinderMemo())
        states[t], _ = first.first_step(t, df.iloc[: len(df) - days])
        calls += first.finder_calls
    cold = time.process_time() - t0
    print(f"cold start (first_step: a replay from the newest bar): {cold:.2f} s CPU total, "
          f"{cold / len(frames) * 1000:.1f} ms/ticker, {calls} base-finder calls")

    per_day = []
    n_events = 0
    for k in range(days, 0, -1):
        engine.finder_calls = 0
        t0 = time.process_time()
        for t, df in frames.items():
            state = TickerState.from_json(states[t].to_json())
            state, events = engine.step(state, t, df.iloc[: len(df) - k + 1])
            states[t] = state
            n_events += len(events)
        dt = time.process_time() - t0
        day = max(df.index[len(df) - k] for df in frames.values() if len(df) >= k).date()
        per_day.append(dt)
        print(f"  day-step {day} ({day:%a}): {dt:.3f} s CPU, {engine.finder_calls} base-finder calls")
    print(f"day-step over {days} days: mean {sum(per_day) / len(per_day):.3f} s, max {max(per_day):.3f} s CPU "
          f"for {len(frames)} tickers; {n_events} events")
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
