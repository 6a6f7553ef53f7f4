"""The intraday watch's check: 5,000 watched tickers' quotes against their lines (issue 24's
target: ≤ 20 ms of CPU), with the fetch faked.

    python benchmarks/bench_intraday.py [--tickers 5000] [--repeat 50]

The fake fetch is a frame shaped like a batched ``yfinance.download(interval="5m", period="1d")``'s
``Close`` level: one column per ticker, 78 five-minute rows, a few tickers with no data and a few
with stale or bad quotes. Timed (CPU, the best and the median of ``--repeat`` runs):

* **last quotes**: each ticker's last price and its time out of the frame;
* **check**: each quote's status (missing, stale, implausible) and whether it crosses its line
  (``Levels.line`` from below or ``Levels.invalidation`` from above), vectorised;
* **plain**: the same check one ticker at a time in Python, for the ratio (and it is checked
  to give the same answer).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info  # noqa: E402

from bot.analysis.intraday.quotes import (  # noqa: E402
    DOWN,
    UP,
    crossings,
    crossings_plain,
    last_quotes,
    quote_status,
)


def fake_fetch(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    idx = pd.date_range("2024-03-04 14:30", periods=78, freq="5min", tz="UTC")
    prev = rng.uniform(5, 500, n)
    steps = rng.normal(0, 0.002, (78, n)).cumsum(axis=0)
    closes = prev * np.exp(steps)
    closes[:, rng.integers(0, n, n // 100)] = np.nan  # no data today
    closes[-10:, rng.integers(0, n, n // 100)] = np.nan  # halted an hour ago: stale
    closes[-1, rng.integers(0, n, n // 200)] *= 10  # bad ticks
    frame = pd.DataFrame(closes, index=idx, columns=[f"T{i:04d}" for i in range(n)])
    line = prev * rng.uniform(0.97, 1.03, n)
    direction = rng.choice([UP, DOWN], n)
    return frame, prev, line, direction


def cpu_ms(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        out.append((time.process_time() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickers", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    rng = np.random.default_rng(24)
    frame, prev, line, direction = fake_fetch(args.tickers, rng)
    now = frame.index[-1].timestamp() + 300

    def quotes():
        return last_quotes(frame)

    price, when = quotes()

    def check():
        return crossings(price, line, direction, quote_status(price, when, now, prev))

    def whole():
        p, w = last_quotes(frame)
        return crossings(p, line, direction, quote_status(p, w, now, prev))

    def plain():
        return crossings_plain(price, line, direction, quote_status(price, when, now, prev))

    assert check().tolist() == plain()
    print(machine_info(f"numpy {np.__version__}", f"pandas {pd.__version__}"))
    print(f"{args.tickers} tickers, CPU ms (best / median of {args.repeat}); target: whole ≤ 20 ms")
    rows = {"last quotes": cpu_ms(quotes, args.repeat), "check (vectorised)": cpu_ms(check, args.repeat),
            "whole (quotes + check)": cpu_ms(whole, args.repeat), "check (plain loop)": cpu_ms(plain, 5)}
    for name, ms in rows.items():
        print(f"  {name:24s} {min(ms):8.2f} {statistics.median(ms):8.2f}")
    ratio = statistics.median(rows["check (plain loop)"]) / statistics.median(rows["check (vectorised)"])
    print(f"  plain / vectorised: {ratio:.0f}x; crossings: {int(check().sum())}")


if __name__ == "__main__":
    main()
