"""Chart renders, analyses, history replays and price-file parsing in a pool of processes, so a
burst uses every core and the event loop stays free.

* **Lazy**: no process starts until asked: by the bot when it opens its services (never by the
  command line or an import), or by the first job; the pool starts and warms up (imports the
  drawing stack) in the background while jobs take the thread path.
* **Polite**: workers run at a lower CPU priority than the bot, so a burst of renders does
  not keep the event loop waiting for a core.
* **Spawn-safe**: workers are started with ``spawn`` (no fork of a process holding threads and
  an event loop) and run module-level functions of :mod:`bot.charts.transport`.
* **Recycled on crash**: a worker that dies breaks the pool; the render that saw it is drawn on
  the thread path instead (the command still answers) and a new pool is started.
* **Fallback**: where processes cannot be started, every render takes the thread path.

The bars travel as arrays (:func:`bot.charts.transport.pack_bars`).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import pandas as pd

from bot.analysis.models import BaseResult, Marker
from bot.charts import transport
from bot.market.parsed_prices import ParsedPrices, parse_price_file
from bot.threads import off_loop

log = logging.getLogger(__name__)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class RenderPool:
    """Renders base charts in worker processes, or in a thread while the pool is not ready."""

    def __init__(self, workers: int | None = None, *, start_method: str = "spawn"):
        self.workers = workers or default_workers()
        self.start_method = start_method
        self.pool_calls = 0  # jobs (renders, analyses, replays) done by a worker process
        self.thread_calls = 0  # jobs done on the thread path (pool starting, broken or unavailable)
        self.restarts = 0
        self._executor: ProcessPoolExecutor | None = None
        self._starting: asyncio.Task | None = None
        self._unavailable = False
        self._closed = False

    @property
    def ready(self) -> bool:
        return self._executor is not None

    @property
    def available(self) -> bool:
        return not self._unavailable and not self._closed

    # ---- lifecycle ------------------------------------------------------------------------
    def start_soon(self) -> None:
        """Start the pool in the background (no-op when started, starting or unavailable)."""
        if self._executor is not None or self._starting is not None or not self.available:
            return
        self._starting = asyncio.get_running_loop().create_task(self._start(), name="render-pool-start")

    async def _start(self) -> None:
        try:
            executor = await asyncio.to_thread(self._new_warm_executor)
        except (OSError, NotImplementedError, ImportError, BrokenProcessPool, ValueError) as exc:
            self._unavailable = True
            log.warning("chart worker processes unavailable (%s); charts render in threads", exc)
            return
        finally:
            self._starting = None
        if self._closed:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
            return
        self._executor = executor
        log.info("chart render pool ready: %d worker processes (%s)", self.workers, self.start_method)

    def _new_warm_executor(self) -> ProcessPoolExecutor:
        """A new pool whose every worker has imported the drawing stack (blocking: runs in a thread)."""
        executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(self.start_method),
                                       initializer=transport.lower_priority)
        try:
            futures = [executor.submit(transport.warm_worker) for _ in range(self.workers)]
            for f in futures:
                f.result()
        except BaseException:
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        return executor

    async def warm(self) -> bool:
        """Start the pool now and wait until it is ready; False when processes are unavailable."""
        self.start_soon()
        while self._starting is not None:
            await asyncio.shield(self._starting)
        return self._executor is not None

    async def close(self) -> None:
        self._closed = True
        if self._starting is not None:
            await asyncio.gather(self._starting, return_exceptions=True)
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (tests)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return sorted(p.pid for p in processes.values() if p.is_alive())

    async def _broken(self, executor: ProcessPoolExecutor, exc: BaseException) -> None:
        """Drop a pool whose worker died and start a fresh one in the background."""
        if self._executor is executor:
            self._executor = None
            self.restarts += 1
            log.warning("a chart worker process died (%s); starting a new pool", exc)
            await asyncio.to_thread(executor.shutdown, wait=False, cancel_futures=True)
        self.start_soon()

    # ---- work -----------------------------------------------------------------------------
    async def run(self, fn: Callable[..., Any], *args: Any, fallback: Callable[[], Any]) -> Any:
        """``fn(*args)`` in a worker process; ``await fallback()`` on the thread path when the
        pool is not ready or its worker died during the call. The pool is started after the
        first call's fallback is done, so its start-up does not slow that first answer."""
        executor = self._executor
        if executor is not None:
            try:
                future = executor.submit(fn, *args)
            except (BrokenProcessPool, RuntimeError) as exc:  # RuntimeError: shut down meanwhile
                await self._broken(executor, exc)
            else:
                try:
                    value = await asyncio.wrap_future(future)
                except BrokenProcessPool as exc:
                    await self._broken(executor, exc)
                else:
                    self.pool_calls += 1
                    return value
        self.thread_calls += 1
        try:
            return await fallback()
        finally:
            self.start_soon()

    async def read_prices(self, path: str) -> ParsedPrices:
        """A price file parsed in a worker process (its pandas work holds that process's GIL, not
        the bot's); on the thread path while the pool is not ready. Raises BadPriceFile."""

        async def fallback() -> ParsedPrices:
            return await off_loop(parse_price_file, path)

        return await self.run(parse_price_file, path, fallback=fallback)

    async def render_base(self, bars: pd.DataFrame, result: BaseResult, *, ticker: str, timeframe: str,
                          markers: Sequence[Marker] = (), in_thread: Callable[..., bytes] | None = None) -> bytes:
        """The base chart's PNG; ``in_thread`` is the renderer of the thread path."""
        from bot.charts.base_chart import render_base_chart

        thread_render = in_thread or render_base_chart
        markers = tuple(markers)

        async def fallback() -> bytes:
            return await off_loop(thread_render, bars, result, ticker=ticker, timeframe=timeframe, markers=markers)

        return await self.run(transport.render_base_packed, transport.pack_bars(bars), result, ticker, timeframe,
                              markers, fallback=fallback)

    async def crash_a_worker(self) -> None:
        """Run :func:`bot.charts.transport.crash_worker` in the pool (tests)."""
        executor = self._executor
        if executor is None:
            return
        try:
            await asyncio.wrap_future(executor.submit(transport.crash_worker))
        except BrokenProcessPool as exc:
            await self._broken(executor, exc)
