"""Pre-rendering after the daily scan: the charts (and past breakouts) of every tracked ticker are
put in the cache in the background, so the first ``!base`` of a tracked ticker after the close is
a cache hit.

It never delays an announcement: it starts only after a cycle's announcements were handed to
Discord, draws one chart at a time (so at most one worker process or thread is busy with it and
a new announcement's chart finds the other core free), and yields to the event loop between
charts. A failure of one ticker is logged and the others go on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.errors import StoreUnavailable

log = logging.getLogger(__name__)

TIMEFRAMES = ("weekly", "daily")  # the two the base chart's buttons offer


@dataclass
class PrerenderReport:
    session: date | None
    charts: int = 0
    histories: int = 0
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Prerenderer:
    """Fills the cache for ``tickers()`` once per scanned session, in a background task."""

    def __init__(self, base, tickers: Callable[[], Awaitable[Sequence[str]]], *, history=None,
                 timeframes: Sequence[str] = TIMEFRAMES):
        self.base = base
        self.history = history
        self.tickers = tickers
        self.timeframes = tuple(timeframes)
        self.done_session: date | None = None
        self.last_report: PrerenderReport | None = None
        self._task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, session: date | None) -> asyncio.Task | None:
        """Pre-render for ``session`` in the background unless done (or under way) already."""
        if session is None or session == self.done_session or self.running:
            return None
        self._task = asyncio.get_running_loop().create_task(self._run(session), name=f"prerender-{session}")
        return self._task

    async def wait(self) -> PrerenderReport | None:
        """The running pre-render's report once it is done (tests, benchmarks)."""
        if self._task is not None:
            await asyncio.shield(self._task)
        return self.last_report

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _run(self, session: date) -> PrerenderReport:
        t0 = time.perf_counter()
        report = PrerenderReport(session)
        try:
            tickers = sorted(await self.tickers())
        except StoreUnavailable:  # the store's outage line said it; the next session pre-renders
            return report
        except Exception:
            log.exception("pre-render of %s: could not list the tracked tickers", session)
            return report
        for ticker in tickers:
            try:
                for timeframe in self.timeframes:
                    await self.base.report(ticker, timeframe=timeframe)
                    report.charts += 1
                    await asyncio.sleep(0)
                if self.history is not None:
                    await self.history.recent(ticker)
                    report.histories += 1
            except StoreUnavailable:  # the store went away meanwhile (its outage line says so): stop here
                report.failed.extend(tickers[tickers.index(ticker):])
                break
            except Exception as exc:
                report.failed.append(ticker)
                log.warning("pre-render of %s failed: %s: %s", ticker, type(exc).__name__, exc)
        report.seconds = time.perf_counter() - t0
        self.done_session, self.last_report = session, report
        log.info("pre-rendered %d charts and %d histories of %d tickers for %s in %.1fs (%d failed)",
                 report.charts, report.histories, len(tickers), session, report.seconds, len(report.failed))
        return report
