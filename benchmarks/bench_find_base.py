"""Benchmark find_base over the 503-stock universe (../shared/data/universe).

For each ticker: the last ~3 years of daily bars (756) before the file's end, as_of = last bar.
Reports ms/ticker (loading excluded) for the weekly and daily timeframes, the status
distribution, and the speed ratio against a plain per-bar Python loop version of the same
idea (weekly bars, Wilder ATR, backward-record ceilings, touch episodes, support, breakout
on daily closes) written below. Run: python benchmarks/bench_find_base.py [--limit N]
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from machine import machine_info

from bot.analysis.base import BaseParams, find_base
from bot.errors import NotEnoughData
from bot.market.csvdir import read_price_csv

DATA = Path(os.environ.get("BREAKOUT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
BARS = 756


# ---------------------------------------------------------------- naive per-bar reference
def naive_find_base(df, p: BaseParams = BaseParams()) -> str:
    """Same idea as find_base (weekly), one Python loop per bar, no numpy. Returns status."""
    rows = list(zip(df.index, df["High"], df["Low"], df["Close"]))

    def weekly(rows):
        out = []  # (high, low, close, hi_after_lo?)
        key = None
        for ts, h, l, c in rows:
            k = ts.isocalendar()[:2] if ts.weekday() < 5 else None
            if k != key:
                out.append([h, l, c, ts, ts])
                key = k
            else:
                w = out[-1]
                if h > w[0]:
                    w[0], w[3] = h, ts
                if l < w[1]:
                    w[1], w[4] = l, ts
                w[2] = c
        return out

    def atr(bars, n):
        res, a, trs = [], 0.0, []
        for i, (h, l, c, *_r) in enumerate(bars):
            pc = bars[i - 1][2] if i else c
            tr = max(h, pc) - min(l, pc)
            trs.append(tr)
            if i < n:
                a = sum(trs) / len(trs)
            else:
                a += (tr - a) / n
            res.append(a)
        return res

    def episodes(hs, ls, late, touch_at, reset_at, gap, skip_first):
        out, best, ep, cur = [], [], 0, -1
        pending = False
        for i in range(len(hs)):
            if pending:
                ep += 1
                pending = False
            if ls[i] <= reset_at:
                if late[i]:
                    pending = True
                else:
                    ep += 1
            if hs[i] >= touch_at:
                if skip_first and ep == 0:
                    continue
                if ep != cur:
                    cur = ep
                    if not (out and i - out[-1] < gap):
                        out.append(i)
                        best.append(hs[i])
                        continue
                if hs[i] > best[-1]:
                    out[-1], best[-1] = i, hs[i]
        return out, bool(out) and not pending and ep == cur

    def structure(bars, atrs):
        bars = bars[-p.lookback_weeks :]
        atrs = atrs[-p.lookback_weeks :]
        n = len(bars)
        hs = [b[0] for b in bars]
        ls = [b[1] for b in bars]
        cs = [b[2] for b in bars]
        vol = statistics.median(atrs[-p.vol_window_weekly :])
        later = float("-inf")
        for r in range(n - 1, -1, -1):
            v = hs[r]
            if v <= later:
                continue
            later = v
            if (v - cs[-1]) / v * 100 > p.max_depth_pct:
                break
            tol = max(p.tol_pct * v, p.tol_atr_weekly * vol)
            s = 0
            for i in range(r):
                if cs[i] > (v + tol) * (1 + p.buffer_pct):
                    s = i + 1
            s2 = s
            for i in range(s, r):
                if hs[i] > v + tol:
                    s2 = i + 1
            late = [bars[i][4] > bars[i][3] for i in range(s2, n)]
            line = v - 2 * tol
            t, live = episodes(hs[s2:], ls[s2:], late, line, line - p.pullback_atr_weekly * vol, p.min_test_gap_weekly, s > 0)
            if len(t) > 1:
                line = statistics.median(hs[s2 + i] for i in t) - tol
                t, live = episodes(hs[s2:], ls[s2:], late, line, line - p.pullback_atr_weekly * vol, p.min_test_gap_weekly, s > 0)
            if not t:
                continue
            t = [s2 + i for i in t]
            top = max(hs[i] for i in (t[:-1] if live and len(t) > 1 else t))
            if any(cs[i] > top * (1 + p.buffer_pct) for i in range(t[0], n)):
                continue
            start = s if s > 0 else t[0]
            weeks = (bars[-1][3] - bars[start][3]).days / 7
            if len(t) >= p.min_tests and weeks >= p.min_weeks:
                return top
        return None

    # breakout scan on daily closes: base as of the day before each candidate day
    n = len(rows)
    for j in range(n - p.scan_days, n):
        prior = max(r[1] for r in rows[j - 25 : j])
        if rows[j][3] > prior:
            bars = weekly(rows[:j])
            top = structure(bars, atr(bars, p.atr_n))
            if top is not None and rows[j][3] > top * (1 + p.buffer_pct):
                return "breakout/failed"
    bars = weekly(rows)
    return "base" if structure(bars, atr(bars, p.atr_n)) is not None else "no_base"


# ---------------------------------------------------------------- benchmark
def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0, help="only the first N tickers")
    ap.add_argument("--naive", type=int, default=60, help="tickers for the naive comparison")
    args = ap.parse_args()
    files = sorted((DATA / "universe").glob("*.csv.gz"))
    if not files:
        print(f"no universe data under {DATA}", file=sys.stderr)
        return 1
    if args.limit:
        files = files[: args.limit]
    print(machine_info(f"numpy {np.__version__}"))
    frames = {}
    for f in files:
        df = read_price_csv(f)
        frames[f.name.split(".")[0]] = df.iloc[-BARS:]
    print(f"{len(frames)} tickers, last {BARS} daily bars each")

    for tf in ("weekly", "daily"):
        statuses = collections.Counter()
        times = []
        for df in frames.values():
            t0 = time.perf_counter()
            try:
                r = find_base(df, timeframe=tf)
                statuses[r.status] += 1
            except NotEnoughData:
                statuses["not_enough_data"] += 1
            times.append(time.perf_counter() - t0)
        ms = np.array(times) * 1e3
        print(f"\n[{tf}] total {ms.sum():.0f} ms  mean {ms.mean():.2f} ms/ticker  median {np.median(ms):.2f}  "
              f"p95 {np.percentile(ms, 95):.2f}  max {ms.max():.2f}")
        print(f"[{tf}] statuses: " + ", ".join(f"{k}={v}" for k, v in statuses.most_common()))

    sample = list(frames.items())[: args.naive]
    t_fast = t_naive = 0.0
    for _, df in sample:
        t0 = time.perf_counter()
        find_base(df)
        t1 = time.perf_counter()
        naive_find_base(df)
        t2 = time.perf_counter()
        t_fast += t1 - t0
        t_naive += t2 - t1
    k = len(sample)
    print(f"\n[weekly] per-bar Python loop version on {k} tickers: {t_naive / k * 1e3:.2f} ms/ticker vs "
          f"{t_fast / k * 1e3:.2f} ms/ticker vectorised -> {t_naive / t_fast:.1f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
