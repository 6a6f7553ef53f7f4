"""Benchmark: the breakout event engine over the 503-stock universe.

Measures, with all price data already in memory (as if cached):
  * the cold start of every ticker (a newly watched universe: ``first_step``, a replay from the
    newest bar, its year of warm-up included, one find_base memo per ticker as the scan keeps),
  * then one day-step of all tickers for each of the last N trading days (state warmed,
    the JSON round trip of the state included, as the scanner persists it),
and prints CPU seconds (time.process_time) and peak RSS (resource.getrusage).

The follow-up pass (issue 22): after each day-step, every breakout of the run so far that is still
within its 30 sessions gets its follow-ups derived from the ticker's bars as the scan does
(``bot.scan.followups.new_follow_ups``: the throwback's rates included); its CPU is printed beside
the day-step's, with the cost per open breakout. Target: <= 10 % of the day-step's CPU.

Run:  python benchmarks/bench_scan.py [--data DIR] [--days 10] [--limit N]
Target: <= 1 s CPU per day-step for 503 tickers, <= 300 MB peak RSS.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from machine import machine_info, peak_rss_mb  # noqa: E402

from bot.analysis.base.memo import FinderMemo  # noqa: E402
from bot.analysis.events import EventEngine  # noqa: E402
from bot.analysis.events.state import TickerState  # noqa: E402
from bot.market.csvdir import read_price_csv  # noqa: E402
from bot.scan.followups import Story, new_follow_ups  # noqa: E402


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

    per_day, per_followup, open_counts = [], [], []
    n_events = 0
    stories: dict[str, Story] = {}
    for k in range(days, 0, -1):
        engine.finder_calls = 0
        t0 = time.process_time()
        stepped = {}
        for t, df in frames.items():
            state = TickerState.from_json(states[t].to_json())
            before = state.last_date
            state, events = engine.step(state, t, df.iloc[: len(df) - k + 1])
            states[t] = state
            n_events += len(events)
            stepped[t] = (before, events)
        dt = time.process_time() - t0
        day = max(df.index[len(df) - k] for df in frames.values() if len(df) >= k).date()
        per_day.append(dt)
        # the follow-up pass of this day: every ticker with a breakout still in its story
        t0 = time.process_time()
        n_open = 0
        for t, (before, events) in stepped.items():
            story = stories.get(t)
            if story is not None:
                upto = frames[t].iloc[: len(frames[t]) - k + 1]
                n_open += len(story.breakouts)
                new_follow_ups(t, story, upto, events, date.fromisoformat(before) if before else None,
                               upto.index[-1].date())
            for e in events:
                story = stories.setdefault(t, Story())
                if e.kind == "breakout":
                    story.breakouts[e.key] = (e, {1})
                else:
                    story.events[e.key] = e
        fu = time.process_time() - t0
        per_followup.append(fu)
        open_counts.append(n_open)
        print(f"  day-step {day} ({day:%a}): {dt:.3f} s CPU, {engine.finder_calls} base-finder calls; "
              f"follow-up pass {fu * 1000:.1f} ms for {n_open} open breakouts")
    print(f"day-step over {days} days: mean {sum(per_day) / len(per_day):.3f} s, max {max(per_day):.3f} s CPU "
          f"for {len(frames)} tickers; {n_events} events")
    opened = sum(open_counts)
    each = sum(per_followup) / opened * 1000 if opened else float("nan")
    breakouts = sum(len(s.breakouts) for s in stories.values())
    steady = breakouts / days * 30  # open breakouts on a day once 30 sessions of them have built up
    mean_day = sum(per_day) / len(per_day)
    print(f"follow-up pass: {sum(per_followup) / len(per_followup) * 1000:.1f} ms mean per day "
          f"({sum(per_followup) / sum(per_day) * 100:.2f} % of the day-steps' CPU), {each:.2f} ms per open breakout; "
          f"{breakouts} breakouts in {days} days -> about {steady:.0f} open at once after 30 sessions: "
          f"{steady * each:.0f} ms, {steady * each / 1000 / mean_day * 100:.1f} % of a mean day-step")
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
