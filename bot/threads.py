"""The one lane for blocking work off the event loop: a one-thread pool every caller shares
(price files looked up, and parsed when no worker process takes them; analyses and renders
when no worker process takes them; the daily scan's chunks).

One thread on purpose. Under the GIL, threads doing Python or pandas work take turns in 5 ms
switch intervals, and the event loop waits its turn behind every one of them: with the default
executor's six threads, a cold burst of twenty ``!base`` (ten price files parsed at once)
stalled the loop for 30 to 80 ms; with two lane threads, 25 ms; with one, 6.5 ms at p99 and
18 ms at worst (``benchmarks/bench_bot_commands.py``). The price: blocking jobs run one after
another (the burst took 58 ms a chart instead of 45; renders and analyses go to the worker
processes anyway). Work in the lane still holds the GIL the loop needs: in the bot, price files
are parsed in the worker processes too (``RenderPool.read_prices``), since a cold burst that
parsed ten files here held the loop for 50 to 120 ms. Nothing here waits on the network: a call
that may hang goes to a daemon thread (``bot.market.daemon``).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

LANE_THREADS = 1
# How long a thread may hold the GIL while another waits for it (Python's default: 5 ms). The
# bot's loop waits behind the lane, the daemon threads and aiosqlite's thread; at 1 ms it gets
# the GIL back five times sooner (an intraday watch round over 2,000 tickers: loop lag p99
# 20-36 ms at 5 ms, 7-13 ms at 1 ms; benchmarks/bench_intraday.py).
LOOP_SWITCH_INTERVAL = 0.001
# A long loop in the lane gives the event loop a turn this often (seconds of its own work), by
# sleeping LOOP_TURN. The switch interval alone does not bound the loop's wait: pandas and numpy
# release the GIL for a few microseconds many times a millisecond, and each release wakes the
# waiting loop thread only to find the GIL taken back at once, which restarts its 1 ms wait
# before it may ask for a switch. Scoring 2,000 tickers' closes held the loop 131, 131 and 75 ms
# at 5, 1 and 0.2 ms switch intervals; with a turn every 2 ms, 4 ms at most, no slower.
YIELD_EVERY = 0.002
LOOP_TURN = 0.0001

_lane = ThreadPoolExecutor(max_workers=LANE_THREADS, thread_name_prefix="breakout-lane")


async def off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``await off_loop(render_base_chart, bars, base, ticker=..., timeframe=...)``: ``fn`` runs
    in the shared lane with the caller's context variables (as ``asyncio.to_thread`` does), so
    the event loop stays responsive."""
    loop = asyncio.get_running_loop()
    call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
    return await loop.run_in_executor(_lane, call)


def loop_first() -> None:
    """Let the event loop take the GIL back sooner from threads doing Python work (the bot
    calls this when it starts; the benchmarks that measure its loop lag do too)."""
    sys.setswitchinterval(LOOP_SWITCH_INTERVAL)


def taking_turns(items: Iterable[T]) -> Iterator[T]:
    """``items``, for a long loop of Python and pandas work off the event loop: every
    :data:`YIELD_EVERY` seconds between two items the thread sleeps :data:`LOOP_TURN`, so the
    event loop's thread takes the GIL. On the main thread (no loop waits on it there) it is
    ``items`` as they are."""
    if threading.current_thread() is threading.main_thread():
        yield from items
        return
    last = time.perf_counter()
    for item in items:
        yield item
        now = time.perf_counter()
        if now - last > YIELD_EVERY:
            time.sleep(LOOP_TURN)
            last = time.perf_counter()
