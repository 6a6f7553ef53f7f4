"""Base-chart render cost: our renderer against a bare ``mpf.plot`` + ``savefig`` of the same data.

Both draw 80 weekly IWM candles + volume + 2 horizontal lines + a shaded zone at figsize 12x7,
dpi 100, into memory, in the same process. Prints both medians, their ratio (target <= 1.25),
PNG sizes, and optionally (``--pool``) throughput of threads and of a 2-process pool.

    /work/venv/bin/python benchmarks/bench_chart.py [--runs 30] [--pool] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date
from pathlib import Path

import matplotlib
import mplfinance as mpf
import pandas as pd
from machine import machine_info

from bot.analysis.models import BaseResult, Level, Test
from bot.charts.base_chart import render_base_chart
from bot.market.csvdir import read_price_csv

REPO = Path(__file__).resolve().parents[1]


def weekly_bars(data_dir: Path) -> pd.DataFrame:
    daily = read_price_csv(data_dir / "IWM.csv")
    daily = daily[daily.index <= "2023-12-15"]
    agg = {"Open": "first", "High": "max", "Low": "min", "Close": "last", "Volume": "sum"}
    weekly = daily.resample("W-FRI").agg(agg).dropna()
    return weekly.iloc[-80:]


def iwm_base(weekly: pd.DataFrame) -> BaseResult:
    last = float(weekly["Close"].iloc[-1])
    return BaseResult(
        as_of=date(2023, 12, 15), timeframe="weekly", status="testing", last_close=last, last_date=date(2023, 12, 15),
        resistance=Level(200.0, 198.75, 201.99), support=Level(162.0, 161.67, 163.28),
        tests=(Test(date(2022, 8, 16), 201.99), Test(date(2023, 2, 2), 199.26), Test(date(2023, 7, 31), 198.75),
               Test(date(2023, 12, 14), 200.04)),
        start=date(2022, 6, 17), weeks=78.0, depth_pct=19.0, distance_pct=(last / 200.0 - 1) * 100,
        base_type="consolidation",
    )


def bare_render(weekly: pd.DataFrame, base: BaseResult) -> bytes:
    """The plain mplfinance way (pyplot-managed figure; rc changes undone by rc_context)."""
    buf = io.BytesIO()
    r, s = base.resistance.level, base.support.level
    with matplotlib.rc_context():
        mpf.plot(
            weekly, type="candle", volume=True, style="nightclouds", figsize=(12, 7),
            hlines=dict(hlines=[r, s], colors=["#f0b232", "#4aa3ff"], linewidths=1.5),
            fill_between=dict(y1=s, y2=r, alpha=0.12, color="#5865f2"),
            savefig=dict(fname=buf, format="png", dpi=100), closefig=True, warn_too_much_data=10**9,
        )
    return buf.getvalue()


def ours(weekly: pd.DataFrame, base: BaseResult) -> bytes:
    return render_base_chart(weekly, base, ticker="IWM", timeframe="weekly")


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _pool_job(args):
    weekly, base = args
    return len(ours(weekly, base))


def throughput(weekly, base, jobs: int) -> None:
    t0 = time.perf_counter()
    for _ in range(jobs):
        ours(weekly, base)
    serial = time.perf_counter() - t0
    with ThreadPoolExecutor(4) as ex:
        t0 = time.perf_counter()
        list(ex.map(lambda _i: ours(weekly, base), range(jobs)))
        threads = time.perf_counter() - t0
    with ProcessPoolExecutor(2) as ex:
        list(ex.map(_pool_job, [(weekly, base)] * 2))  # warm the workers (imports) first
        t0 = time.perf_counter()
        list(ex.map(_pool_job, [(weekly, base)] * jobs))
        procs = time.perf_counter() - t0
    for name, secs in (("serial", serial), ("4 threads", threads), ("2 processes (warm)", procs)):
        print(f"  {name:<20} {jobs} renders in {secs:6.2f} s = {secs / jobs * 1000:6.1f} ms/render")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--pool", action="store_true", help="also measure thread and process-pool throughput")
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = ap.parse_args(argv)
    if not (args.data / "IWM.csv").is_file():
        print(f"no IWM.csv under {args.data}", file=sys.stderr)
        return 2
    print(machine_info(f"matplotlib {matplotlib.__version__}", f"mplfinance {mpf.__version__}", f"pandas {pd.__version__}"))
    weekly = weekly_bars(args.data)
    base = iwm_base(weekly)
    print(f"data: {len(weekly)} weekly IWM bars {weekly.index[0].date()} .. {weekly.index[-1].date()}")

    png_ours, png_bare = ours(weekly, base), bare_render(weekly, base)  # warm-up (fonts, caches)
    bare_ms, ours_ms = [], []
    for _ in range(args.runs):  # interleaved so drift hits both alike
        bare_ms += timed(lambda: bare_render(weekly, base), 1)
        ours_ms += timed(lambda: ours(weekly, base), 1)
    mb, mo = statistics.median(bare_ms), statistics.median(ours_ms)
    print(f"bare mpf.plot+savefig : median {mb:6.1f} ms  (min {min(bare_ms):.1f})  png {len(png_bare) / 1024:.0f} KB")
    print(f"render_base_chart     : median {mo:6.1f} ms  (min {min(ours_ms):.1f})  png {len(png_ours) / 1024:.0f} KB")
    print(f"ratio ours/bare       : {mo / mb:.2f}  (target <= 1.25)")
    if args.pool:
        throughput(weekly, base, jobs=24)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
