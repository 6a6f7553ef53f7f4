"""Completed scans, so a bot that was down knows it missed one and catches up on start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from bot.store.db import Database
from bot.store.schema import scan_runs
from bot.store.transaction import transaction, utc_now


@dataclass(frozen=True)
class ScanRun:
    session_date: date
    started_at: str
    finished_at: str
    tickers: int
    events: int
    queued: int
    failed_tickers: int


class ScanRunRepo:
    def __init__(self, db: Database):
        self.db = db

    async def record(self, session_date: date, *, started_at: str, tickers: int, events: int, queued: int,
                     failed_tickers: int) -> None:
        async with transaction(self.db) as conn:
            await conn.execute(scan_runs.insert().values(
                session_date=session_date.isoformat(), started_at=started_at, finished_at=utc_now(),
                tickers=tickers, events=events, queued=queued, failed_tickers=failed_tickers))

    async def last_session(self) -> date | None:
        """The newest session a completed scan covered (None before the first scan)."""
        newest = await self.db.scalar(sa.select(sa.func.max(scan_runs.c.session_date)))
        return date.fromisoformat(newest) if newest else None

    async def last_with_tickers(self, since: str | None = None) -> ScanRun | None:
        """The newest completed scan that covered at least one ticker and finished at or after
        ``since`` (a UTC ISO time; None: any). A scan of nobody's tickers says nothing to a server."""
        row = await self.db.one(
            sa.select(scan_runs).where(scan_runs.c.tickers > 0, scan_runs.c.finished_at >= (since or ""))
            .order_by(scan_runs.c.id.desc()).limit(1))
        return None if row is None else _run(row)

    async def recent(self, limit: int = 10) -> list[ScanRun]:
        rows = await self.db.all(sa.select(scan_runs).order_by(scan_runs.c.id.desc()).limit(limit))
        return [_run(r) for r in rows]


def _run(r) -> ScanRun:
    return ScanRun(date.fromisoformat(r["session_date"]), r["started_at"], r["finished_at"], r["tickers"],
                   r["events"], r["queued"], r["failed_tickers"])
