"""Signal quality over 2016–2025: what a trading group would check before trusting the bot.

For the ETFs in ../shared/data and the 503 stocks in ../shared/data/universe it prints:

* **record-high recall** — closes more than 0.5 % above the prior all-time high R, where price
  first came within 2 % of R at least 26 weeks earlier (a base of 6+ months under the record),
  at most one per 20 sessions; the share for which the engine's replay announces a breakout
  within 3 sessions (before or after);
* **box integrity** — at month ends, of the bases (nearest and major) reported as
  ``testing``/``in_base``, the share with no daily close above the zone top + 0.5 % after the
  base's first week and before its first test;
* **reported but unannounced** — breakouts that ``find_base(as_of=D)`` reports with
  ``breakout_date == D`` and that the replay does not announce on D;
* **events per ticker-year** (mean, and the worst calendar year of one ticker), and **flips**
  (a breakout within 7 sessions after a failed breakout that came within 7 sessions of its own
  breakout), per 100 ticker-years;
* **find_base ms per ticker** on the whole file, as of its last bar (no memo: one call as a
  ``base`` command makes it), CPU time timed in the main process after the pool is done, and a
  replay's cost per bar (the engine shares the bases of earlier days between its calls).

Run: python benchmarks/bench_signal.py [--universe N] [--workers 2] [--etfs-only]
(``--universe N`` takes every k-th stock so that N are measured; default all 503.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from machine import machine_info

from bot.analysis.base import find_base
from bot.analysis.events.replay import replay
from bot.errors import NotEnoughData
from bot.market.csvdir import read_price_csv

DATA = Path(os.environ.get("BREAKOUT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
FROM, TO = "2016-01-01", "2025-12-31"
BUFFER = 0.005


def record_high_breakouts(daily: pd.DataFrame) -> list[pd.Timestamp]:
    """The issue's rule: close > 1.005 x prior all-time high R, price first within 2 % of R at
    least 26 weeks before, at most one per 20 sessions."""
    high = daily["High"].to_numpy(float)
    close = daily["Close"].to_numpy(float)
    idx = daily.index
    prior = np.maximum.accumulate(np.r_[-np.inf, high[:-1]])  # ATH before each day
    out: list[int] = []
    lo = int(idx.searchsorted(pd.Timestamp(FROM)))
    for i in range(max(lo, 1), len(close)):
        r = prior[i]
        if close[i] <= r * (1 + BUFFER):
            continue
        if out and i - out[-1] < 20:
            continue
        near = np.flatnonzero(high[:i] >= 0.98 * r)
        first = near[0]
        if (idx[i] - idx[first]).days >= 26 * 7:
            out.append(i)
    return [idx[i] for i in out]


def _prior_ath(daily: pd.DataFrame, ts: pd.Timestamp) -> float:
    return float(daily.loc[daily.index < ts, "High"].max())


def _bases(r):
    yield r
    major = getattr(r, "major", None)
    if major is not None:
        yield major


def box_violation(daily: pd.DataFrame, b) -> bool:
    """A daily close above zone top + buffer between the base's first week and its first test."""
    if not b.tests or b.start is None:
        return False
    first_week_end = pd.Timestamp(b.start) + pd.Timedelta(days=(4 - b.start.weekday()) % 7)
    seg = daily.loc[(daily.index > first_week_end) & (daily.index < pd.Timestamp(b.tests[0].date)), "Close"]
    return bool((seg > b.resistance.zone_high * (1 + BUFFER)).any())


def measure(path: str) -> dict:
    ticker = Path(path).name.split(".")[0]
    daily = read_price_csv(path)
    daily = daily[daily.index <= TO]
    out = {"ticker": ticker, "rh": 0, "rh_hit": 0, "rh_early": 0, "rh_miss": [], "box": 0, "box_ok": 0, "box_bad": [],
           "rep": 0, "rep_ok": 0, "rep_miss": [], "years": Counter(), "flips": 0, "ty": 0.0, "ms": None}
    if len(daily) < 300 or daily.index[-1] < pd.Timestamp(FROM):
        return out
    t_replay = time.perf_counter()
    events = replay(ticker, daily, FROM, TO)
    span = daily.loc[FROM:TO]
    out["replay_ms"] = (time.perf_counter() - t_replay) * 1000 / (len(span) + 260)  # + the year of warm-up
    out["ty"] = len(span) / 252.0
    for e in events:
        out["years"][e.date.year] += 1
    pos = {d: k for k, d in enumerate(span.index.date)}
    bo = [(pos[e.date], e) for e in events if e.kind == "breakout"]
    # recall
    for ts in record_high_breakouts(daily):
        k = pos.get(ts.date())
        out["rh"] += 1
        if any(abs(k - kb) <= 3 for kb, _ in bo):
            out["rh_hit"] += 1
        elif any(0 < k - kb <= 20 and e.zone_high >= 0.98 * _prior_ath(daily, ts) for kb, e in bo):
            out["rh_early"] += 1  # that record level's breakout was announced, earlier than the rule's day
            out["rh_miss"].append(ts.date().isoformat() + "(earlier)")
        else:
            out["rh_miss"].append(ts.date().isoformat())
    # flips: failed within 7 sessions of its breakout, then a breakout within 7 sessions
    seq = sorted((pos[e.date], e.kind) for e in events if e.kind in ("breakout", "failed"))
    for a, b, c in zip(seq, seq[1:], seq[2:]):
        if (a[1], b[1], c[1]) == ("breakout", "failed", "breakout") and c[0] - a[0] <= 7:
            out["flips"] += 1
    # reported-but-unannounced: only closes above the prior 25 days' highs can be breakout days
    announced = {e.date for e in events if e.kind == "breakout"}
    high = span["High"].to_numpy(float)
    allh = daily["High"].to_numpy(float)
    close = daily["Close"].to_numpy(float)
    base0 = int(daily.index.searchsorted(span.index[0]))
    for k in range(len(span)):
        i = base0 + k
        if i < 25 or close[i] <= allh[i - 25 : i].max():
            continue
        d = span.index[k].date()
        try:
            r = find_base(daily, d)
        except NotEnoughData:
            continue
        for b in _bases(r):
            if b.status == "breakout" and b.breakout_date == d:
                out["rep"] += 1
                if d in announced:
                    out["rep_ok"] += 1
                else:
                    out["rep_miss"].append(d.isoformat())
    del high
    # box integrity at month ends
    month_ends = span.groupby([span.index.year, span.index.month]).tail(1).index
    for ts in month_ends:
        try:
            r = find_base(daily, ts.date())
        except NotEnoughData:
            continue
        for b in _bases(r):
            if b.status in ("testing", "in_base"):
                out["box"] += 1
                if box_violation(daily, b):
                    out["box_bad"].append(ts.date().isoformat())
                else:
                    out["box_ok"] += 1
    return out


def find_base_ms(path: str) -> float | None:
    """find_base's cost on the whole file (to 2025), as of its last bar: the mean of 5 calls
    after one warm-up, CPU time of this process (timed here, one ticker after another, so a
    busy second core or another program does not count)."""
    daily = read_price_csv(path)
    daily = daily[daily.index <= TO]
    if len(daily) < 300 or daily.index[-1] < pd.Timestamp(FROM):
        return None
    find_base(daily)
    t = time.process_time()
    for _ in range(5):
        find_base(daily)
    return (time.process_time() - t) / 5 * 1000


def report(name: str, rows: list[dict], verbose: bool) -> None:
    rows = [r for r in rows if r["ty"] > 0]
    rh, hit = sum(r["rh"] for r in rows), sum(r["rh_hit"] for r in rows)
    early = sum(r["rh_early"] for r in rows)
    box, ok = sum(r["box"] for r in rows), sum(r["box_ok"] for r in rows)
    rep, rep_ok = sum(r["rep"] for r in rows), sum(r["rep_ok"] for r in rows)
    ty = sum(r["ty"] for r in rows)
    n_events = sum(sum(r["years"].values()) for r in rows)
    worst = max(((c, r["ticker"], y) for r in rows for y, c in r["years"].items()), default=(0, "-", "-"))
    flips = sum(r["flips"] for r in rows)
    ms = [r["ms"] for r in rows if r["ms"] is not None]
    pct = lambda a, b: f"{100 * a / b:.1f} %" if b else "n/a"  # noqa: E731
    print(f"\n== {name}: {len(rows)} tickers, {ty:.0f} ticker-years ({FROM[:4]}–{TO[:4]})")
    print(f"record-high recall            {hit}/{rh} = {pct(hit, rh)}   (target >= 90 %)")
    print(f"  + announced 4-20 sessions before the rule's day at that record level: {early} "
          f"({pct(hit + early, rh)} announced at all)")
    print(f"box integrity (month ends)    {ok}/{box} = {pct(ok, box)}   (target >= 97 %)")
    print(f"reported but unannounced      {rep - rep_ok} of {rep} find_base breakouts   (target 0)")
    print(f"events per ticker-year        mean {n_events / ty:.2f}, worst year {worst[0]} ({worst[1]} {worst[2]})"
          "   (targets <= 6, <= 12)")
    print(f"flips per 100 ticker-years    {100 * flips / ty:.2f} ({flips})   (target <= 1)")
    rp = [r["replay_ms"] for r in rows if r.get("replay_ms") is not None]
    if rp:
        print(f"replay (engine)               {statistics.mean(rp):.2f} ms per bar")
    if ms:
        print(f"find_base on the whole file   {statistics.mean(ms):.2f} ms mean, {statistics.median(ms):.2f} median, "
              f"{sorted(ms)[int(0.95 * (len(ms) - 1))]:.2f} p95 per ticker   (target <= 2 ms)")
    if verbose:
        for r in rows:
            if r["rh_miss"] or r["rep_miss"] or r["box_bad"]:
                print(f"  {r['ticker']}: record-high misses {r['rh_miss']}; unannounced {r['rep_miss']}; "
                      f"box breaks at {r['box_bad'][:6]}{'…' if len(r['box_bad']) > 6 else ''}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--universe", type=int, default=503, help="how many of the 503 stocks (evenly spaced)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--etfs-only", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the misses per ticker")
    args = ap.parse_args()
    if not (DATA / "SPY.csv").is_file():
        print(f"no data at {DATA}", file=sys.stderr)
        return 2
    print(machine_info(f"numpy {np.__version__}", f"pandas {pd.__version__}"))
    etfs = sorted(str(p) for p in DATA.glob("*.csv"))
    stocks = sorted(str(p) for p in (DATA / "universe").glob("*.csv.gz"))
    if args.universe < len(stocks):
        step = len(stocks) / max(1, args.universe)
        stocks = [stocks[int(k * step)] for k in range(args.universe)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        e_rows = list(pool.map(measure, etfs))
        s_rows = [] if args.etfs_only else list(pool.map(measure, stocks, chunksize=4))
    # the speed is timed once the pool is done, in this process alone
    for rows, paths in ((e_rows, etfs), (s_rows, stocks)):
        for row, path in zip(rows, paths):
            row["ms"] = find_base_ms(path)
    report("ETFs", e_rows, args.verbose)
    if not args.etfs_only:
        report("S&P 500 stocks", s_rows, args.verbose)
    print(f"\n({time.perf_counter() - t0:.0f} s with {args.workers} workers)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
