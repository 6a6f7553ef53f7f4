"""One wake-up of the announcer: scan if a session's scan is due and not done, then post.

The same function serves the daily timer and the catch-up on start: a bot that was down
over one or more closes scans once (the engine processes every bar since each ticker's last
state) and then sends whatever the outbox holds, including rows left unsent by a crash.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.errors import DataSourceError
from bot.scan.delivery import FlushReport, Sender
from bot.scan.scanner import ScanReport, Scanner
from bot.scan.schedule import last_completed_session, missed_scan

log = logging.getLogger(__name__)


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
