"""Chart commands through discord.py's real dispatch (no network), on real data, in ONE run.

    python benchmarks/bench_bot_commands.py [--data ../shared/data] [--tracked 100] [--cold-runs 5]
                                            [--no-scan] [--table]

The bot is built as ``python -m bot run`` builds it (``Services(long_running=True)``: the chart
cache, renders in a process pool, the pre-render after the scan), over a folder of 100 tickers
(the ETFs plus the first stocks of the universe, linked into a temporary folder) all tracked by
one server with alerts on. Prints, each against a bare ``mpf.plot`` + ``savefig`` of the same
chart (IWM's weekly base chart) measured in the same run:

* the first ``!base IWM``: as the bot's very first command, then ``--cold-runs`` times from cold
  (every parsed price file, analysis, chart and market state forgotten; the worker pool the bot
  starts on start-up is up, as in a bot that has been running);
* the same ``!base IWM`` again (p50 of 10);
* a cold burst, three times: 20 concurrent ``!base`` over 10 tickers from 20 users, with no
  price file read and nothing cached (total, per chart), with an event-loop lag probe (a task on
  the bot's loop ticking every 10 ms: p99 and max over the three bursts' ticks); then the same
  burst again with the price files already read (chart cache cleared);
* ``!history IWM`` cold (first request) and warm;
* the daily scan + pre-render of the 100 tracked tickers (both timeframes and their histories),
  then the first ``!base`` of tracked tickers nobody asked for (p50 of 10); ``--no-scan`` leaves
  this out;
* peak RSS of the bot's process and of each worker process.

Every target is printed as PASS or FAIL with the measured value as a share of the target, and
the last line counts them. ``--table`` also prints the older per-command latency table (p50/p95
of every chart command).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from discord_harness import DiscordHarness  # noqa: E402
from machine import machine_info, peak_rss_mb  # noqa: E402

from bot.app.client import create_bot  # noqa: E402
from bot.market.csvdir import CsvDirectoryProvider  # noqa: E402
from bot.market.service import MarketData  # noqa: E402
from bot.services.composition import Services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.threads import off_loop  # noqa: E402

ETFS = ["IWM", "SPY", "QQQ", "MDY", "TLT", "GLD", "XLK", "XLP", "XLC", "XLRE", "XLU", "XLV"]
BURST = ["SPY", "QQQ", "MDY", "TLT", "GLD", "XLK", "XLP", "XLC", "XLU", "XLV"]
GUILD_CHANNEL = 100  # the harness guild's alerts channel id is irrelevant: posts go to a null poster


def ms(seconds: float) -> float:
    return seconds * 1000.0


def bare_render_ms(data: Path, runs: int = 5) -> float:
    """Median of a bare ``mpf.plot`` + ``savefig`` of IWM's weekly base chart (what ``!base IWM`` draws)."""
    import matplotlib
    import mplfinance as mpf

    from bot.analysis.base import chart_window, find_base
    from bot.market.csvdir import read_price_csv

    daily = read_price_csv(data / "IWM.csv")
    result = find_base(daily, None, timeframe="weekly")
    bars = chart_window(daily, result, "weekly")[["Open", "High", "Low", "Close", "Volume"]]
    r, s = result.resistance, result.support

    def once() -> float:
        buf = io.BytesIO()
        t0 = time.perf_counter()
        with matplotlib.rc_context():
            mpf.plot(bars, type="candle", volume=True, style="nightclouds", figsize=(12, 7),
                     hlines=dict(hlines=[r.level, s.level], colors=["#f0b232", "#4aa3ff"], linewidths=1.5),
                     fill_between=dict(y1=s.level, y2=r.level, alpha=0.12, color="#5865f2"),
                     savefig=dict(fname=buf, format="png", dpi=100), closefig=True, warn_too_much_data=10**9)
        return time.perf_counter() - t0

    once()  # fonts, caches
    return ms(statistics.median(once() for _ in range(runs)))


def link_data(data: Path, into: Path, tracked: int) -> list[str]:
    """``tracked`` tickers (the ETFs, then universe stocks) linked into ``into``."""
    tickers = [t for t in ETFS if (data / f"{t}.csv").is_file()]
    for t in tickers:
        (into / f"{t}.csv").symlink_to(data / f"{t}.csv")
    for f in sorted((data / "universe").glob("*.csv.gz")):
        if len(tickers) >= tracked:
            break
        t = f.name[: -len(".csv.gz")]
        if t not in tickers:
            (into / f.name).symlink_to(f)
            tickers.append(t)
    return tickers


class LagProbe:
    """Ticks every 10 ms on the event loop and records how late each tick woke up.

    On Linux it also reads how long the loop's thread waited for a CPU meanwhile (the run-queue
    wait in ``/proc/thread-self/schedstat``): a tick's lag less that wait is the lag the bot
    caused itself (its loop busy, or waiting for the GIL), which a machine busy with other work
    does not inflate. On a quiet machine both are nearly the same."""

    def __init__(self, tick: float = 0.010):
        self.tick = tick
        self.lags: list[float] = []
        self.own: list[float] = []  # each lag less the thread's wait for a CPU (Linux)
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        stat = _SchedStat()
        try:
            while True:
                w0, t0 = stat.cpu_wait(), time.perf_counter()
                await asyncio.sleep(self.tick)
                lag = max(0.0, time.perf_counter() - t0 - self.tick)
                self.lags.append(lag)
                w1 = stat.cpu_wait()
                if w0 is not None and w1 is not None:
                    self.own.append(max(0.0, lag - (w1 - w0)))
        finally:
            stat.close()

    def __enter__(self) -> "LagProbe":
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc) -> None:
        self._task.cancel()

    @staticmethod
    def _p99_max(values: list[float]) -> tuple[float, float]:
        lags = sorted(values) or [0.0]
        return ms(lags[min(len(lags) - 1, int(0.99 * len(lags)))]), ms(lags[-1])

    def summary(self) -> str:
        p99, top = self.p99_max()
        return f"p99 {p99:5.1f} ms, max {top:5.1f} ms ({len(self.lags)} ticks)"

    def p99_max(self) -> tuple[float, float]:
        return self._p99_max(self.lags)

    def own_summary(self) -> str:
        if not self.own:
            return "(no run-queue figures on this system)"
        p99, top = self._p99_max(self.own)
        return f"less the waits for a CPU: p99 {p99:.1f} ms, max {top:.1f} ms"


class _SchedStat:
    """The calling thread's total wait for a CPU, in seconds (None where Linux's schedstat is missing)."""

    def __init__(self) -> None:
        try:
            self._fd: int | None = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
        except OSError:
            self._fd = None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def cpu_wait(self) -> float | None:
        if self._fd is None:
            return None
        try:
            return int(os.pread(self._fd, 128, 0).split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return None


class NullPoster:
    """Announcements go nowhere (the benchmark measures the scan and the pre-render)."""

    async def post(self, channel_id, delivery):
        return 1

    async def find_posted(self, channel_id, key):
        return None


def worker_peak_rss_mb(pids: list[int]) -> list[float]:
    out = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    out.append(int(line.split()[1]) / 1024.0)
        except OSError:
            continue
    return out


async def timed(coro) -> float:
    t0 = time.perf_counter()
    await coro
    return time.perf_counter() - t0


async def run(data: Path, tracked: int, *, cold_runs: int, scan: bool) -> None:
    bare = bare_render_ms(data)
    print(f"bare mpf.plot + savefig of IWM's weekly base chart: {bare:6.1f} ms (median of 5)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "prices"
        folder.mkdir()
        tickers = link_data(data, folder, tracked)
        market = MarketData(CsvDirectoryProvider(folder))
        db = Database(Path(tmp) / "bench.sqlite3")
        services = Services(market, db, long_running=True)
        bot = create_bot(Settings(token="bench"), services)
        h = await DiscordHarness.start(bot)
        try:
            await run_commands(h, services, data, bare, tickers, cold_runs=cold_runs, scan=scan)
        finally:
            await h.close()
    print(machine_info())


async def ask(h: DiscordHarness, text: str, author=None) -> list[dict]:
    replies = await h.prefix(text, author=author)
    if not any(m["files"] for m in replies) and not text.startswith("!history"):
        raise RuntimeError(f"{text} answered without a chart: {replies}")
    return replies


def forget_everything(services: Services) -> None:
    """Back to cold: no price file parsed, no analysis, chart or market state kept (the worker
    processes stay up and warm, as in a bot that has been running)."""
    services.market.provider.forget()
    services.base.cache.clear()


class Targets:
    """Each target's verdict, printed as PASS/FAIL with the measured value as a share of it."""

    def __init__(self) -> None:
        self.verdicts: list[tuple[str, bool]] = []

    def __call__(self, what: str, value: float, target: float, unit: str = "") -> str:
        met = value <= target
        self.verdicts.append((what, met))
        return f"target <= {target:g}{unit}: {value / target:.2f} of it, {'PASS' if met else 'FAIL'}"

    def summary(self) -> str:
        failed = [what for what, met in self.verdicts if not met]
        return (f"targets: {len(self.verdicts) - len(failed)} PASS, {len(failed)} FAIL"
                + (f" ({'; '.join(failed)})" if failed else ""))


async def cold_burst(h: DiscordHarness, services: Services, rounds: int) -> tuple[list[float], LagProbe]:
    """``rounds`` bursts of 20 concurrent ``!base`` over the 10 ETFs of BURST, each from cold (no
    price file parsed, nothing cached); the lag probe's ticks of every round together."""
    totals, probe = [], LagProbe()
    for _ in range(rounds):
        forget_everything(services)
        users = [h.member() for _ in range(20)]
        with probe:
            totals.append(await timed(asyncio.gather(*[ask(h, f"!base {BURST[i % len(BURST)]}", author=users[i])
                                                        for i in range(20)])))
        await asyncio.sleep(0.2)  # what the burst left behind settles before the next one
    return totals, probe


async def run_commands(h: DiscordHarness, services: Services, data: Path, bare: float, tickers: list[str], *,
                       cold_runs: int, scan: bool) -> None:
    pool = services.render_pool
    rows: list[tuple[str, str, str]] = []
    target = Targets()
    warm = await timed(pool.warm())  # started in the background when the bot opened its services
    print(f"(pool of {pool.workers} worker processes ready {ms(warm):.0f} ms after the bot started; a bot answers "
          "its first command after connecting to the gateway, which takes longer)")
    # The same bare render in one of the bot's worker processes, which run at a lower priority: on a
    # busy machine they wait for a core more than this process does, and so do the bot's renders.
    bare_worker = await pool.run(bare_render_ms, data, fallback=lambda: off_loop(bare_render_ms, data))
    print(f"the same bare render in a worker process: {bare_worker:6.1f} ms (median of 5; {bare_worker / bare:.2f}x the "
          "one above: near 1 on a quiet machine)")

    # The first !base of a ticker: IWM's and SPY's files (SPY: the RS line beside the base) not
    # read yet, nothing cached. Once as the bot's very first command, then `cold_runs` times more
    # from cold again (caches and parsed files forgotten; code paths warm, as in a running bot).
    forget_everything(services)
    first = ms(await timed(ask(h, "!base IWM")))
    rows.append(("first !base IWM, the bot's first command", f"{first:7.1f} ms",
                 f"{first / bare:.2f}x bare; {first / bare_worker:.2f}x the bare render in a worker"))
    firsts = []
    for _ in range(cold_runs):
        forget_everything(services)
        h.reset_cooldowns()
        firsts.append(ms(await timed(ask(h, "!base IWM"))))
    cold = statistics.median(firsts)
    rows.append((f"first !base IWM from cold, median of {cold_runs}", f"{cold:7.1f} ms",
                 f"{cold / bare:.2f}x bare (runs {', '.join(f'{f / bare:.2f}' for f in firsts)}); "
                 + target("first !base from cold", cold / bare, 1.25, "x")
                 + f"; {cold / bare_worker:.2f}x the bare render in a worker"))
    again = []
    for _ in range(10):
        h.reset_cooldowns()
        again.append(ms(await timed(ask(h, "!base IWM"))))
    p50 = statistics.median(again)
    rows.append(("repeated !base IWM, p50 of 10", f"{p50:7.1f} ms",
                 f"{p50 / bare:.3f}x bare; " + target("repeated !base", p50 / bare, 0.1, "x")))

    with LagProbe() as idle:  # the machine's floor: the same probe while the bot does nothing
        await asyncio.sleep(3)
    rows.append(("  event-loop lag with nothing to do, 3 s (the machine's floor)", idle.summary(), idle.own_summary()))
    totals, probe = await cold_burst(h, services, rounds=3)
    per_chart = ms(statistics.median(totals)) / 20
    lag_p99, lag_max = probe.p99_max()
    rows.append(("cold burst: 20 x !base over 10 tickers, 20 users, 3 rounds",
                 f"{ms(statistics.median(totals)):7.1f} ms total",
                 f"median round; {per_chart:.1f} ms/chart = {per_chart / bare:.2f}x bare; "
                 + target("cold burst per chart", per_chart / bare, 0.6, "x")))
    rows.append(("  event-loop lag during the cold bursts", probe.summary(),
                 "p99 " + target("cold-burst lag p99", lag_p99, 20, " ms") + "; max "
                 + target("cold-burst lag max", lag_max, 50, " ms") + "; " + probe.own_summary()))

    # the same burst again with the price files already read (as after a scan; chart cache cleared)
    services.base.cache.clear()
    users = [h.member() for _ in range(20)]
    with LagProbe() as probe:
        again = await timed(asyncio.gather(*[ask(h, f"!base {BURST[i % len(BURST)]}", author=users[i])
                                             for i in range(20)]))
    lag_p99, lag_max = probe.p99_max()
    rows.append(("burst again, prices already read", f"{ms(again):7.1f} ms total",
                 f"{ms(again) / 20:.1f} ms/chart = {ms(again) / 20 / bare:.2f}x bare"))
    rows.append(("  event-loop lag during that burst", probe.summary(),
                 "p99 " + target("warm-burst lag p99", lag_p99, 20, " ms") + "; max "
                 + target("warm-burst lag max", lag_max, 50, " ms") + "; " + probe.own_summary()))

    cold_h = ms(await timed(ask(h, "!history IWM")))
    warm_h = ms(await timed(ask(h, "!history IWM")))
    rows.append(("!history IWM cold (first request)", f"{cold_h:7.1f} ms", target("history cold", cold_h, 1000, " ms")))
    rows.append(("!history IWM warm", f"{warm_h:7.1f} ms", ""))
    if scan:
        await scan_and_prerender(h, services, bare, tickers, rows, target)

    main_rss = peak_rss_mb()
    workers = worker_peak_rss_mb(pool.worker_pids())
    rows.append((f"peak RSS with {len(tickers)} tracked tickers" + (" pre-rendered" if scan else ""),
                 f"{main_rss:7.0f} MB", target("peak RSS", main_rss, 300, " MB") + "; workers "
                 + ", ".join(f"{w:.0f} MB" for w in workers)))
    cache = services.base.cache
    rows.append(("chart cache", f"{cache.size_bytes / 2**20:7.1f} MB", f"{len(cache)} entries, "
                 f"{cache.stats.hits} hits, {cache.stats.misses} misses, {cache.stats.evictions} evicted; "
                 f"renders: {pool.pool_calls} in the pool, {pool.thread_calls} in threads"))
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>16}  {note}")
    print(target.summary())


async def scan_and_prerender(h: DiscordHarness, services: Services, bare: float, tickers: list[str],
                             rows: list[tuple[str, str, str]], target: Targets) -> None:
    # The daily scan of the tracked tickers, then the pre-render it starts in the background.
    await services.alerts.set_channel(h.guild.id, GUILD_CHANNEL)
    from bot.store.watchlist import WatchlistRepo

    await WatchlistRepo(services.db, limit=10_000).add(h.guild.id, tickers)
    sender = services.scan.sender(NullPoster())
    now = datetime(2025, 9, 26, 22, tzinfo=timezone.utc)  # after the close of the ETFs' last bar
    with LagProbe() as scan_probe:
        t0 = time.perf_counter()
        cycle = await services.scan.cycle(sender, now=now)
        scan_s = time.perf_counter() - t0
        report = await services.scan.prerender.wait()
        pre_s = time.perf_counter() - t0 - scan_s
    rows.append((f"scan of {cycle.scan.tickers} tracked tickers (cold state)", f"{scan_s:7.2f} s", ""))
    rows.append((f"pre-render: {report.charts} charts + {report.histories} histories", f"{pre_s:7.2f} s",
                 f"{len(report.failed)} failed; loop lag meanwhile {scan_probe.summary()}"))
    fresh = [t for t in tickers if t not in ("IWM", *BURST)][:10]
    hits = []
    for t in fresh:
        hits.append(ms(await timed(ask(h, f"!base {t}", author=h.member()))))
    hit = statistics.median(hits)
    rows.append(("first !base of a pre-rendered tracked ticker, p50 of 10", f"{hit:7.1f} ms",
                 f"{hit / bare:.3f}x bare; " + target("pre-rendered first !base", hit / bare, 0.1, "x")))


# ---- the older per-command latency table (--table) ----------------------------------------
CASES = [
    ("prefix", "!base IWM"),
    ("prefix", "!base SPY daily"),
    ("slash", ("base", {"ticker": "QQQ"})),
    ("prefix", "!compare IWM SPY QQQ MDY 1y"),
    ("prefix", "!perf"),
    ("prefix", "!chart IWM weekly 2y"),
    ("prefix", "!base ???"),
]


async def table(data: Path, n: int) -> None:
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
    finally:
        await h.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--tracked", type=int, default=100)
    parser.add_argument("--table", action="store_true", help="also the per-command latency table")
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--cold-runs", type=int, default=5, help="first !base IWM from cold, this many times")
    parser.add_argument("--no-scan", action="store_true", help="leave out the scan and the pre-render (minutes)")
    args = parser.parse_args()
    print(f"pid {os.getpid()}; issue 9 and issue 24 figures (one run):")
    asyncio.run(run(Path(args.data).resolve(), args.tracked, cold_runs=args.cold_runs, scan=not args.no_scan))
    if args.table:
        print(f"per-command latency, cache included (n={args.n}):")
        asyncio.run(table(Path(args.data), args.n))


if __name__ == "__main__":
    main()
