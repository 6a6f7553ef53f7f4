"""The announcer's use case: the scan cycle and its wiring (Scanner + Sender + engine).

One wake-up of the announcer: scan if a session's scan is due and not done, then post.
The same function serves the daily timer and the catch-up on start: a bot that was down
over one or more closes scans once (the engine processes every bar since each ticker's last
state) and then sends whatever the outbox holds, including rows left unsent by a crash.

Several processes may share one store (sharded bots on PostgreSQL): the scan is run by the one
process that takes the ``scan`` lease (the others skip it; a dead holder's lease expires and
the next wake-up of another process takes over), and each process posts only the rows of its
own shards.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.errors import DataSourceError
from bot.scan.delivery import (
    ChannelForbidden,
    ChannelGone,
    Delivery,
    DmClosed,
    FlushReport,
    MemberGone,
    Posted,
    Poster,
    Sender,
)
from bot.scan.followup_delivery import FollowUpUndeliverable
from bot.scan.scanner import Engine, PriceSource, Scanner, ScanReport
from bot.scan.schedule import WAKE_TIMES, last_completed_session, missed_scan
from bot.services.prerender import Prerenderer
from bot.store.db import Database
from bot.store.leases import held
from bot.store.outbox import DEFAULT_CLAIM_SECONDS
from bot.store.shards import ShardSet

log = logging.getLogger(__name__)

# What a face needs to drive the cycle: when to wake, and the errors its Poster raises.
__all__ = ["WAKE_TIMES", "ChannelForbidden", "ChannelGone", "CycleReport", "Delivery", "DmClosed", "MemberGone",
           "FollowUpUndeliverable", "Posted", "ScanService", "scan_cycle"]


@dataclass
class CycleReport:
    scan: ScanReport | None
    flush: FlushReport
    scan_error: str | None = None


SCAN_LEASE = "scan"
SCAN_LEASE_SECONDS = 300.0  # renewed every 100 s while the scan runs; a dead holder's expires after this


async def scan_cycle(scanner: Scanner, sender: Sender, *, now: datetime, holder: str | None = None) -> CycleReport:
    scan, error = None, None
    if missed_scan(await scanner.runs.last_session(), now):
        async with held(scanner.db, SCAN_LEASE, holder or sender.holder, seconds=SCAN_LEASE_SECONDS) as mine:
            # another process may have finished the scan while we waited for the lease
            if mine and missed_scan(await scanner.runs.last_session(), now):
                session = last_completed_session(now)
                try:
                    scan = await scanner.run(as_of=session)
                except DataSourceError as exc:
                    error = str(exc)
                    log.warning("scan of %s skipped, price source failed: %s (retried at the next wake-up)",
                                session, exc)
            elif not mine:
                log.info("another process is scanning; posting this process's announcements only")
    flush = await sender.flush()
    return CycleReport(scan, flush, error)


class ScanService:
    """The scanner over the store, the market data and the engine; a sender per poster; with a
    ``base`` service, the pre-render of the tracked tickers' charts after each scanned session
    (:mod:`bot.services.prerender`: in the background, after the cycle's announcements)."""

    def __init__(self, db: Database, market: PriceSource, engine: Engine, *, base=None, history=None, earnings=None):
        self.db = db
        self.scanner = Scanner(db, market, engine, earnings=earnings)
        self.prerender = Prerenderer(base, self._tracked, history=history) if base is not None else None

    async def _tracked(self) -> list[str]:
        return list(await self.scanner.watchlist.subscriptions())

    async def close(self) -> None:
        if self.prerender is not None:
            await self.prerender.close()

    def sender(self, poster: Poster, *, shard_count: int | None = None, shard_ids=None,
               claim_seconds: float = DEFAULT_CLAIM_SECONDS) -> Sender:
        """Delivery of the outbox through ``poster`` (the face's way of posting): of the
        servers on ``shard_ids`` of ``shard_count`` shards when given, else of every server."""
        shards = None
        if shard_count and shard_ids is not None:
            shards = ShardSet(shard_count, frozenset(shard_ids))
        return Sender(self.db, poster, shards=shards, claim_seconds=claim_seconds)

    async def cycle(self, sender: Sender, *, now: datetime, scanner: Scanner | None = None) -> CycleReport:
        scanner = scanner or self.scanner
        report = await scan_cycle(scanner, sender, now=now)
        if self.prerender is not None:  # after the announcements were handed over, never before
            self.prerender.start(await scanner.runs.last_session())
        return report
