"""The announcer's use case: the scan cycle and its wiring (Scanner + Sender + engine).

One wake-up of the announcer: scan if a session's scan is due and not done, then post.
The same function serves the daily timer and the catch-up on start: a bot that was down
over one or more closes scans once (the engine processes every bar since each ticker's last
state) and then sends whatever the outbox holds, including rows left unsent by a crash.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.errors import DataSourceError
from bot.scan.delivery import ChannelForbidden, ChannelGone, Delivery, FlushReport, Poster, Sender
from bot.scan.scanner import Engine, PriceSource, Scanner, ScanReport
from bot.scan.schedule import WAKE_TIMES, last_completed_session, missed_scan
from bot.services.prerender import Prerenderer
from bot.store.db import Database

log = logging.getLogger(__name__)

# What a face needs to drive the cycle: when to wake, and the errors its Poster raises.
__all__ = ["WAKE_TIMES", "ChannelForbidden", "ChannelGone", "CycleReport", "Delivery", "ScanService", "scan_cycle"]


@dataclass
class CycleReport:
    scan: ScanReport | None
    flush: FlushReport
    scan_error: str | None = None


async def scan_cycle(scanner: Scanner, sender: Sender, *, now: datetime) -> CycleReport:
    scan, error = None, None
    if missed_scan(await scanner.runs.last_session(), now):
        session = last_completed_session(now)
        try:
            scan = await scanner.run(as_of=session)
        except DataSourceError as exc:
            error = str(exc)
            log.warning("scan of %s skipped, price source failed: %s (retried at the next wake-up)", session, exc)
    flush = await sender.flush()
    return CycleReport(scan, flush, error)


class ScanService:
    """The scanner over the store, the market data and the engine; a sender per poster; with a
    ``base`` service, the pre-render of the tracked tickers' charts after each scanned session
    (:mod:`bot.services.prerender`: in the background, after the cycle's announcements)."""

    def __init__(self, db: Database, market: PriceSource, engine: Engine, *, base=None, history=None):
        self.db = db
        self.scanner = Scanner(db, market, engine)
        self.prerender = Prerenderer(base, self._tracked, history=history) if base is not None else None

    async def _tracked(self) -> list[str]:
        return list(await self.scanner.watchlist.subscriptions())

    async def close(self) -> None:
        if self.prerender is not None:
            await self.prerender.close()

    def sender(self, poster: Poster) -> Sender:
        """Delivery of the outbox through ``poster`` (the face's way of posting)."""
        return Sender(self.db, poster)

    async def cycle(self, sender: Sender, *, now: datetime, scanner: Scanner | None = None) -> CycleReport:
        scanner = scanner or self.scanner
        report = await scan_cycle(scanner, sender, now=now)
        if self.prerender is not None:  # after the announcements were handed over, never before
            self.prerender.start(await scanner.runs.last_session())
        return report
